"""Plan against actual, and CSAT against wait.

A log simulated from a known plan must sit within the plan's confidence intervals; a tiny
plan and log give WAPE and bias counted by hand; surveys drawn from a known hinge give it
back within its sampling error.
"""

import numpy as np
import pandas as pd
import pytest

from staffing.callers import CallerBehaviour
from staffing.forecast import Forecast
from staffing.history.csat_wait import csat_by_wait, wilson
from staffing.history.feedback import Surveys
from staffing.history.log import ContactLog, read_log
from staffing.history.plan_actual import plan_vs_actual, read_plan
from staffing.history.synthetic import simulated_log
from staffing.requirements import ServiceTargets, compute_requirements
from staffing.satisfaction import read_wait_satisfaction
from staffing.simulation import simulate

CALLERS = CallerBehaviour(patience=120.0)
CALLS = np.array([60.0, 80.0, 100.0, 120.0, 120.0, 100.0, 80.0, 60.0])
AHT = 240.0
DAYS = 20


def _write_plan(folder, forecast, agents, intervals):
    """Write the two files of a plan folder that ``read_plan`` reads, as `staffing plan` does."""
    folder.mkdir()
    start = forecast.start_text()
    pd.DataFrame(
        {"start": start, "calls": forecast.calls, "aht": forecast.aht, "coverage": agents}
    ).to_csv(folder / "requirements.csv", index=False)
    frame = intervals.copy()
    frame["start"] = start
    frame.to_csv(folder / "kpis.csv", index=False)


@pytest.fixture(scope="module")
def known_plan(tmp_path_factory):
    starts = np.datetime64("1970-01-01T08:00") + np.arange(8) * np.timedelta64(30, "m")
    day = Forecast(start=starts, calls=CALLS, aht=np.full(8, AHT), interval=1800, has_dates=False)
    agents = compute_requirements(
        day, ServiceTargets(service_level=0.8, threshold=20.0), patience=120.0
    ).agents
    predicted = simulate(day, agents=agents, callers=CALLERS, replications=40, seed=11)
    folder = tmp_path_factory.mktemp("plan") / "plan"
    _write_plan(folder, day, agents, predicted.intervals)
    first = np.datetime64("2026-03-02T08:00")
    dated = Forecast(
        start=np.concatenate(
            [first + np.timedelta64(d, "D") + (starts - starts[0]) for d in range(DAYS)]
        ),
        calls=np.tile(CALLS, DAYS),
        aht=np.full(8 * DAYS, AHT),
        interval=1800,
    )
    log = simulated_log(dated, np.tile(agents, DAYS), CALLERS, seed=2026)
    return folder, log, agents


def test_a_log_simulated_from_the_plan_sits_within_its_confidence_intervals(known_plan):
    folder, log, agents = known_plan
    result = plan_vs_actual(log, read_plan(folder), threshold=20.0)
    acc = result.accuracy
    assert result.outside == 0
    # Poisson volume: 14,400 calls over the month, standard deviation 120 (0.8 %)
    assert abs(acc["volume_bias"]) < 0.03
    # exponential handle times: about 13,600 answered, the mean within 3 % (3 standard errors)
    assert abs(acc["aht_bias"]) < 0.03
    slots = result.slots
    assert len(slots) == 8
    # 95 % intervals: at most one of eight slots may miss by chance (binomial: P = 0.94)
    assert slots.within.astype(bool).sum() >= 7
    pooled_hw = np.sqrt(
        (slots.service_level_hw**2).mean() / 8 + (slots.service_level_actual_hw**2).mean() / 8
    )
    # both half-widths are 95 %: the pooled difference must lie within their combination
    assert abs(acc["service_level_actual"] - acc["service_level_predicted"]) < pooled_hw
    # the agents on duty inferred from busy spans approach the schedule (a lower bound)
    assert acc["on_duty"] == pytest.approx(agents.mean(), rel=0.15)
    assert len(result.days) == DAYS


def test_wape_and_bias_counted_by_hand(tmp_path):
    starts = np.array(["1970-01-01T09:00", "1970-01-01T09:30"], dtype="datetime64[s]")
    day = Forecast(
        start=starts,
        calls=np.array([4.0, 2.0]),
        aht=np.array([100.0, 100.0]),
        interval=1800,
        has_dates=False,
    )
    intervals = pd.DataFrame(
        {
            "service_level": [0.9, 0.8],
            "service_level_ci": [0.05, 0.05],
            "abandon_rate": [0.0, 0.1],
            "abandon_rate_ci": [0.01, 0.01],
        }
    )
    folder = tmp_path / "plan"
    _write_plan(folder, day, np.array([2, 1]), intervals)
    text = (
        "arrival,wait,outcome,handle,agent\n"
        "2026-03-02 09:01:00,0,answered,120,a\n"
        "2026-03-02 09:10:00,30,answered,80,a\n"
        "2026-03-02 09:31:00,0,answered,200,b\n"
        "2026-03-02 09:40:00,10,abandoned,,\n"
        "2026-03-02 09:45:00,5,answered,100,b\n"
        "2026-03-02 10:15:00,0,answered,60,b\n"
    )
    path = tmp_path / "log.csv"
    path.write_text(text, encoding="utf-8")
    result = plan_vs_actual(read_log(path), read_plan(folder), threshold=20.0)
    acc = result.accuracy
    # actual 2 and 3 calls (10:15 is outside the plan) against 4 and 2 forecast
    assert result.outside == 1
    assert acc["volume_wape"] == pytest.approx((2 + 1) / 5)
    assert acc["volume_bias"] == pytest.approx((6 - 5) / 5)
    # AHT: 100 s (2 answered) and 150 s (2 answered) against 100 s: weighted by answered
    assert acc["aht_wape"] == pytest.approx((0 + 2 * 50) / (2 * 100 + 2 * 150))
    assert acc["aht_bias"] == pytest.approx(-(2 * 50) / 500)
    # service level: 1 of 2 within 20 s at 09:00, 2 of 3 at 09:30; predicted 0.9 and 0.8
    row = result.intervals.iloc[0]
    assert row.service_level_actual == pytest.approx(0.5)
    assert row.late_vs_plan == pytest.approx((0.9 - 0.5) * 2)
    assert result.intervals.iloc[1].abandon_rate_actual == pytest.approx(1 / 3)
    assert acc["service_level_predicted"] == pytest.approx((0.9 * 4 + 0.8 * 2) / 6)
    assert acc["service_level_actual"] == pytest.approx(3 / 5)
    assert result.slots.start.iloc[0] == "09:00"  # the interval that explains most of the gap


def test_csat_against_wait_gives_back_a_known_hinge():
    rng = np.random.default_rng(5)
    n = 40_000
    wait = rng.exponential(60.0, n)
    base, knee, slope = 0.88, 60.0, 0.025
    p = np.clip(base - slope * np.maximum(wait - knee, 0) / 30, 0, 1)
    csat = np.where(rng.random(n) < p, 5.0, 2.0)
    log = ContactLog(
        arrival=np.datetime64("2026-03-02T08:00:00") + np.arange(n).astype("timedelta64[s]"),
        wait=wait,
        answered=np.ones(n, bool),
        handle=np.full(n, 100.0),
        columns={"contact": np.arange(n).astype(str)},
    )
    surveys = Surveys(
        contact=np.arange(n).astype(str), csat=csat, nps=np.full(n, np.nan), ces=np.full(n, np.nan)
    )
    curve = csat_by_wait(log, surveys)
    assert curve.surveys == n
    assert curve.base == pytest.approx(base, abs=0.01)
    assert curve.slope == pytest.approx(slope, abs=0.005)
    assert curve.knee == pytest.approx(knee, abs=30)
    first = curve.bins.iloc[0]
    assert first.csat_low < base < first.csat_high
    again = read_curve_from_text(curve.toml())
    assert again.predict([0.0, 120.0]) == pytest.approx(curve.predict([0.0, 120.0]), abs=1e-5)


def read_curve_from_text(text, tmp=None):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "csat_wait.toml"
        path.write_text(text, encoding="utf-8")
        return read_wait_satisfaction(path)


def test_wilson_interval_matches_the_published_example():
    # Wilson (1927); the textbook case of 8 successes in 10 (Agresti & Coull 1998, Table 1
    # gives the score interval 0.490-0.943)
    low, high = wilson(8, 10)
    assert (round(float(low), 3), round(float(high), 3)) == (0.490, 0.943)
