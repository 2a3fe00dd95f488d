"""Replay: calibrate on the days up to train_until, simulate the later days, compare.

The log is written by the simulator (known callers, no after-call work), so the replayed
days must agree with what was "observed", and the after-call work found must be zero.
"""

import numpy as np
import pytest

from staffing.callers import CallerBehaviour
from staffing.errors import InputError
from staffing.forecast import Forecast
from staffing.history.log import ContactLog
from staffing.history.replay import COLUMNS, replay
from staffing.history.synthetic import simulated_log

CALLERS = CallerBehaviour(
    patience=120.0, patience_distribution="exponential", handle_distribution="gamma", handle_cv=0.8
)


@pytest.fixture(scope="module")
def log() -> ContactLog:
    """Four mornings 08:00-12:00, 60 calls of 180 s per 15 min, 12 agents."""
    day = np.datetime64("2026-03-02T08:00") + np.arange(16) * np.timedelta64(900, "s")
    start = np.concatenate([day + np.timedelta64(d, "D") for d in range(4)])
    forecast = Forecast(start=start, calls=np.full(64, 60.0), aht=np.full(64, 180.0), interval=900)
    return simulated_log(forecast, np.full(64, 12), CALLERS, seed=11)


def run(log: ContactLog):
    return replay(log, "2026-03-04", replications=8, fit_replications=4, after_call_work=(0, 60))


def test_replayed_days_agree_with_the_simulated_log(log):
    result = run(log)
    assert tuple(result.days.columns) == COLUMNS
    assert result.days["day"].tolist() == ["2026-03-05"]
    assert len(result.train) == 3
    assert result.after_call_work == 0.0  # the log was simulated without any
    day = result.days.iloc[0]
    assert abs(day.abandon_rate_simulated - day.abandon_rate_observed) < 0.04
    assert abs(day.service_level_simulated - day.service_level_observed) < 0.08


def test_nothing_after_train_until_feeds_the_calibration(log):
    later = log.arrival.astype("datetime64[D]") > np.datetime64("2026-03-04")
    wait = log.wait.copy()
    wait[later] *= 3.0  # very different later days
    answered = log.answered.copy()
    answered[later] = False
    perturbed = ContactLog(
        log.arrival,
        wait,
        answered,
        np.where(answered, log.handle, np.nan),
        {**log.columns, "agent": np.where(answered, log.columns["agent"], "")},
    )
    a, b = run(log), run(perturbed)
    assert a.calibration.patience.best == b.calibration.patience.best
    assert a.calibration.handle.best == b.calibration.handle.best
    assert a.after_call_work == b.after_call_work
    assert a.search.equals(b.search)
    assert b.days.iloc[0].abandon_rate_observed == 1.0  # the later day did change


def test_a_split_leaving_no_later_day_is_one_line(log):
    with pytest.raises(InputError, match=r"--train-until 2026-03-05 leaves no later day"):
        replay(log, "2026-03-05")


def test_replay_of_days_with_known_staffing_agrees_within_3_and_5_points(staffed_log):
    # Eight days like the bundled history's (420 calls, 5 to 15 agents), trained on three.
    # Poisson re-draws of the arrivals with busy spans alone got 60 % and 40 % of these days.
    log, _, _ = staffed_log(420.0, 8, seed=3)
    result = replay(
        log, "2026-03-04", replications=10, fit_replications=5, after_call_work=(0.0, 30.0)
    )
    assert len(result.days) == 5
    assert result.after_call_work == 0.0
    assert result.within("abandon_rate", 3) >= 0.8
    assert result.within("service_level", 5) >= 0.8
