"""The compiled engine gives the SimPy engine's outcome for every caller, on the same inputs.

Equivalence, not agreement: status, waits (to rounding), answering agent and agents' logged
time must be the same for stationary days, peaked days, shifts ending mid-call, breaks,
closing time, no patience (stranded callers) and hand-made tie cases.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from staffing import distributions
from staffing.callers import CallerBehaviour
from staffing.forecast import Forecast, read_forecast
from staffing.shifts import Break, Shift, read_shifts
from staffing.simulation import (
    AgentWindows,
    Callers,
    Grid,
    draw_callers,
    simulate,
    windows_from_counts,
    windows_from_shifts,
)
from staffing.simulation.fast_engine import run_day_fast
from staffing.simulation.simpy_engine import run_day

ROOT = Path(__file__).resolve().parent.parent


def assert_same(callers: Callers, windows: AgentWindows) -> None:
    a = run_day(callers, windows)
    b = run_day_fast(callers, windows)
    np.testing.assert_array_equal(a.status, b.status)
    np.testing.assert_allclose(a.wait, b.wait, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(a.agent, b.agent)
    # the same time on the phones, segment by segment (order of recording may differ)
    key = lambda seg: seg[np.lexsort((seg[:, 1], seg[:, 0]))]  # noqa: E731
    np.testing.assert_allclose(key(a.logged), key(b.logged), rtol=0, atol=1e-9)
    assert b.queue_area == pytest.approx(a.queue_area, rel=1e-12, abs=1e-9)


def day(calls, aht=240.0, interval=900.0):
    calls = np.asarray(calls, dtype=float)
    starts = np.datetime64("2026-03-03T00:00", "s") + np.arange(calls.size) * np.timedelta64(
        int(interval), "s"
    )
    return Forecast(start=starts, calls=calls, aht=np.full(calls.size, aht), interval=interval)


def draw(fc, seed, patience=180.0, handle="exponential", cv=None):
    rng = np.random.default_rng(seed)
    shape = distributions.make(handle, 1.0, cv)
    pat = None if patience is None else distributions.make("exponential", patience)
    return draw_callers(rng, fc.calls, fc.aht, Grid.of(fc), shape, pat)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("patience", [None, 60.0, 600.0])
def test_stationary_day(seed, patience):
    fc = day(np.full(24, 300.0))  # 80 Erlangs for 6 h
    windows = windows_from_counts(np.full(24, 82), Grid.of(fc))
    assert_same(draw(fc, seed, patience), windows)


@pytest.mark.parametrize("seed", range(3))
def test_peaked_day_with_queues_carried_over(seed):
    fc = read_forecast(ROOT / "simulations" / "ecommerce_weekday.csv")
    from staffing.requirements import ServiceTargets, compute_requirements

    req = compute_requirements(fc, ServiceTargets(0.8, 20), patience=180.0).agents
    thin = np.maximum(req - 10, 0)  # long queues at the peaks, empty intervals at night
    assert_same(draw(fc, seed, 180.0, "lognormal", 1.0), windows_from_counts(thin, Grid.of(fc)))


@pytest.mark.parametrize("seed", range(3))
def test_shifts_with_breaks(seed):
    fc = read_forecast(ROOT / "simulations" / "ecommerce_weekday.csv")
    shifts = read_shifts(ROOT / "simulations" / "ecommerce_weekday_shifts.csv", fc)
    # thin the schedule so that breaks and shift ends meet calls in progress and queues
    thin = [Shift(s.start, s.end, max(s.headcount - 3, 1), s.breaks) for s in shifts]
    assert_same(draw(fc, seed, 240.0, "gamma", 1.5), windows_from_shifts(thin, Grid.of(fc)))


@pytest.mark.parametrize("seed", range(3))
def test_no_patience_and_nobody_at_closing(seed):
    # agents leave an hour before the last callers: stranded callers, no closing flag
    fc = day([40, 40, 40, 40], aht=300.0, interval=1800.0)
    shifts = [Shift(0.0, 5400.0, 5, (Break(2000.0, 2900.0),))]
    assert_same(draw(fc, seed, None), windows_from_shifts(shifts, Grid.of(fc)))


def test_long_calls_overrun_whole_windows():
    # windows shorter than the calls: overruns swallow breaks and whole windows
    fc = day([30, 30, 30, 30], aht=1500.0, interval=900.0)
    shifts = [
        Shift(0.0, 3600.0, 4, (Break(600.0, 700.0), Break(1000.0, 1100.0), Break(2000.0, 2100.0)))
    ]
    for seed in range(5):
        assert_same(
            draw(fc, seed, 900.0, "lognormal", 2.0), windows_from_shifts(shifts, Grid.of(fc))
        )


def test_ties_at_shared_window_openings():
    # agent 2 is idle in its early window when caller 0 arrives and takes it; agents 0, 1
    # and 3 open at 100 with callers 1 and 2 waiting: the lowest-numbered agents take them
    # in order; caller 3 finds agent 3 idle since 100; caller 4 finds agent 0 free since 150
    c = Callers(
        arrival=np.array([10.0, 20.0, 30.0, 150.0, 160.0]),
        handle=np.array([500.0, 50.0, 400.0, 30.0, 30.0]),
        patience=np.full(5, np.inf),
        interval=np.zeros(5, dtype=np.int64),
    )
    w = AgentWindows(
        windows=(
            ((100.0, 200.0, False),),
            ((100.0, 1000.0, True),),
            ((0.0, 50.0, False), (100.0, 1000.0, True)),
            ((100.0, 1000.0, True),),
        ),
        paid=np.zeros((0, 3)),
    )
    assert_same(c, w)
    out = run_day_fast(c, w)
    assert out.agent.tolist() == [2, 0, 1, 3, 0]


@pytest.mark.parametrize("seed", range(3))
def test_simulate_gives_the_same_kpis_with_either_engine(seed):
    fc = day([50, 120, 200, 120, 50, 20], aht=200.0)
    shifts = [
        Shift(0.0, 3 * 3600.0, 9, (Break(3600.0, 4500.0),)),
        Shift(1800.0, 5 * 3600.0, 8, (Break(7200.0, 7500.0, paid=True),)),
    ]
    kw = {
        "shifts": shifts,
        "callers": CallerBehaviour(patience=120.0, handle_distribution="lognormal", handle_cv=0.8),
        "replications": 3,
        "seed": seed,
    }
    fast = simulate(fc, engine="fast", **kw)
    slow = simulate(fc, engine="simpy", **kw)
    np.testing.assert_allclose(
        fast.intervals.drop(columns="start").to_numpy(dtype=float),
        slow.intervals.drop(columns="start").to_numpy(dtype=float),
        rtol=1e-9,
        atol=1e-9,
        equal_nan=True,
    )


@pytest.mark.parametrize("patience", [None, 30.0])
def test_no_agents_at_all(patience):
    fc = day([20, 20])
    callers = draw(fc, 1, patience)
    assert_same(callers, windows_from_counts(np.zeros(2, dtype=np.int64), Grid.of(fc)))
    assert (
        run_day_fast(callers, windows_from_counts(np.zeros(2, dtype=np.int64), Grid.of(fc))).status
        == 2
    ).all()


def test_unknown_engine_is_named():
    from staffing.errors import InputError

    with pytest.raises(InputError, match="engine"):
        simulate(day([10]), agents=[2], engine="turbo")


def test_replications_spread_over_processes_give_the_same_result():
    fc = day([50, 120, 200, 120])
    kw = {
        "agents": [8, 14, 20, 14],
        "callers": CallerBehaviour(patience=90.0),
        "replications": 5,
        "seed": 11,
    }
    one = simulate(fc, workers=1, keep_records=True, **kw)
    two = simulate(fc, workers=2, keep_records=True, **kw)
    pd.testing.assert_frame_equal(one.intervals, two.intervals)
    pd.testing.assert_frame_equal(one.day, two.day)
    for a, b in zip(one.callers, two.callers, strict=True):
        np.testing.assert_array_equal(a.arrival, b.arrival)


def test_workers_must_be_a_whole_number():
    from staffing.errors import InputError

    with pytest.raises(InputError, match="workers"):
        simulate(day([10]), agents=[2], workers=0)
