"""Targets over a day or the horizon as the schedule weighs them (staffing.pooling)."""

from itertools import product

import numpy as np
import pytest

from staffing.erlang import kpis, required_agents
from staffing.errors import InputError
from staffing.forecast import Forecast
from staffing.pooling import PooledTargets, _concave, pooled_targets
from staffing.requirements import ServiceTargets
from staffing.scheduling import schedule
from staffing.shifts import ShiftPattern

H = 3600.0


def forecast(calls, aht=180.0, interval=1800.0):
    start = np.datetime64("2026-03-02T08:00") + np.arange(len(calls)) * np.timedelta64(30, "m")
    n = len(calls)
    return Forecast(
        start=start.astype("datetime64[s]"),
        calls=np.asarray(calls, dtype=float),
        aht=np.full(n, aht),
        interval=interval,
    )


def test_concave_majorant_by_hand():
    # pool adjacent violators on steps: 1 < 3 pool to 2, then 2 stays, 0.5 stays
    np.testing.assert_allclose(_concave(np.array([[1.0, 3.0, 2.0, 0.5]])), [[2, 2, 2, 0.5]])
    # a curve that only starts to gain late: one straight line from its start to the end
    np.testing.assert_allclose(_concave(np.array([[0.0, 0.0, 6.0]])), [[2, 2, 2]])
    # negative and undefined steps earn nothing
    np.testing.assert_allclose(_concave(np.array([[-1.0, np.nan, 1.0]])), [[1 / 3] * 3])
    # a concave row is kept as it is
    np.testing.assert_allclose(_concave(np.array([[5.0, 3.0, 1.0]])), [[5, 3, 1]])


def test_pooled_targets_of_a_day_by_hand():
    # Erlang C (no patience): the floor is the first whole number above the load, the
    # gains are what each further agent adds to the contacts answered within 20 s, and the
    # need is 80 % of the day's contacts less what the floors answer in time
    fc = forecast([100, 10, 40])
    targets = ServiceTargets(0.8, 20.0, over="day")
    pooled = pooled_targets(fc, targets)
    load = fc.calls * 180 / 1800
    assert pooled.floor.tolist() == (np.floor(load) + 1).astype(int).tolist() == [11, 2, 5]
    assert pooled.measures == ("service_level",)
    in_time = fc.calls * kpis(fc.calls, fc.aht, pooled.floor, interval=1800).service_level
    assert pooled.need[0, 0] == pytest.approx(0.8 * 150 - in_time.sum())
    first = fc.calls * kpis(fc.calls, fc.aht, pooled.floor + 1, interval=1800).service_level
    # concave already above the load: the first gain is the exact step
    np.testing.assert_allclose(pooled.gains[0, :, 0], first - in_time)
    assert (np.diff(pooled.gains[0], axis=1) <= 1e-12).all()
    # deep enough to reach twice the per-interval requirement above the floor
    strict = required_agents(fc.calls, fc.aht, interval=1800, service_level=0.9)
    assert pooled.depth >= 2 * (np.asarray(strict) - pooled.floor).max()
    # what the schedule counts: whole agents on the phones, between floor and depth
    assert pooled.allocation(np.array([10.4, 3.0, 99.0])).tolist() == [11, 3, 5 + pooled.depth]


def test_patient_callers_let_an_interval_go_below_its_load():
    # Erlang A: the floor keeps each interval's abandonment under 25 %, below the load
    fc = forecast([100, 10, 40])
    pooled = pooled_targets(fc, ServiceTargets(0.8, 20.0, over="day"), patience=120.0)
    k = kpis(fc.calls, fc.aht, pooled.floor, interval=1800, patience=120.0)
    assert (k.abandon_rate <= 0.25).all()
    below = kpis(fc.calls, fc.aht, np.maximum(pooled.floor - 1, 1), interval=1800, patience=120.0)
    assert (below.abandon_rate[pooled.floor > 1] > 0.25).all()
    assert pooled.floor[0] < 100 * 180 / 1800
    # with an occupancy cap, no interval goes below its load over the cap
    capped = pooled_targets(
        fc, ServiceTargets(0.8, 20.0, max_occupancy=0.9, over="day"), patience=120.0
    )
    assert (capped.floor >= np.ceil(fc.calls * 180 / 1800 / 0.9)).all()


def test_unreachable_pooled_target_is_an_error():
    fc = forecast([100, 10, 40])
    with pytest.raises(InputError, match="service level target over the day cannot be met"):
        pooled_targets(fc, ServiceTargets(0.8, 20.0, over="day"), aims=[ServiceTargets(0.9999)])


def test_schedule_buys_pooled_service_where_shifts_are_cheapest():
    # Two one-hour intervals, one-hour shifts at each start (cost 1 each). The first agent
    # above the floor earns 5 contacts in hour 1 or 3 in hour 2, the second 1 or 2. Needing
    # 10: [1, 2] earns 5 + 3 + 2 = 10 with 3 shifts; [2, 1] earns 9, [2, 2] 11 with 4;
    # so the least-cost schedule staffs hour 2 more than hour 1, by hand.
    hour = ShiftPattern("hour", H, starts=(0, H))
    pooled = PooledTargets(
        floor=np.array([0, 0]),
        gains=np.array([[[5.0, 1.0], [3.0, 2.0]]]),
        period=np.array([0, 0]),
        need=np.array([[10.0]]),
        measures=("service_level",),
    )
    result = schedule([0, 0], [0, H], H, [hour], pooled=pooled)
    np.testing.assert_allclose(result.coverage, [1, 2])
    assert result.headcount == 3
    # needing 8: one agent in each hour (5 + 3), two shifts
    result = schedule([0, 0], [0, H], H, [hour], pooled=pooled_with(pooled, 8.0))
    np.testing.assert_allclose(result.coverage, [1, 1])
    # an independent check: the fewest shifts meeting each need, by enumeration
    for need in (4.0, 6.0, 8.0, 9.0, 10.0, 11.0):
        fewest = min(
            a + b
            for a, b in product(range(3), range(3))
            if sum([5, 1][:a]) + sum([3, 2][:b]) >= need
        )
        got = schedule([0, 0], [0, H], H, [hour], pooled=pooled_with(pooled, need))
        assert got.headcount == fewest
    with pytest.raises(InputError, match="floor"):
        schedule([1, 0], [0, H], H, [hour], pooled=pooled)


def pooled_with(pooled, need):
    return PooledTargets(pooled.floor, pooled.gains, pooled.period, np.array([[need]]), ("x",))
