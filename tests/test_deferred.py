"""Deferred work in the schedule: the fluid deadline constraint, solved by hand on small cases."""

import doctest
import math

import numpy as np
import pytest

import staffing.deferred
from staffing.deferred import DeferredWork, fluid_plan, late_work
from staffing.errors import InputError
from staffing.pooling import PooledTargets
from staffing.scheduling import ScheduleStatus, schedule
from staffing.shifts import BreakRule, ShiftPattern

H = 3600.0


def hours(n: int) -> np.ndarray:
    return np.arange(n) * H


def hourly(length: float, n: int = 24) -> ShiftPattern:
    """A pattern of ``length`` seconds starting on every hour that ends within ``n`` hours."""
    return ShiftPattern(f"{length / H:g}h", length, starts=tuple(hours(n - int(length // H) + 1)))


def test_no_deadline_needs_the_average_workload_not_the_peak():
    # 30 agent-hours of email arrive 09:00-12:00 (10 an hour: a peak of 10 agents). With no
    # deadline the day only has to keep up: ceil(30 h / 8 h) = 4 eight-hour agents.
    work = np.zeros(24)
    work[9:12] = 10 * H
    result = schedule(
        np.zeros(24), hours(24), H, [hourly(8 * H)], deferred=DeferredWork(work, math.inf)
    )
    assert result.status is ScheduleStatus.OPTIMAL
    assert result.headcount == math.ceil(30 / 8) == 4
    assert result.paid_hours == pytest.approx(32.0)
    assert result.deferred_done.sum() == pytest.approx(30 * H)
    assert result.deferred_backlog[-1] == pytest.approx(0.0)
    assert result.deferred_late == 0.0
    assert result.messages == []


def test_deadline_of_one_interval_needs_each_interval_s_workload():
    # Each interval's items are due by its end: coverage >= ceil(load + work / interval).
    load = np.array([1.5, 0.0, 2.25, 1.0, 0.5, 3.0])
    work = np.array([0.5, 2.0, 0.25, 1.5, 0.0, 1.0]) * H
    need = np.ceil(load + work / H)  # [2, 2, 3, 3, 1, 4]
    deferred = DeferredWork(work, H, load=load)
    exact = schedule(np.zeros(6), hours(6), H, [hourly(H, 6)], deferred=deferred)
    np.testing.assert_allclose(exact.coverage, need)
    np.testing.assert_allclose(exact.deferred_done, work)
    np.testing.assert_allclose(exact.deferred_backlog, 0.0)
    # with 2-h shifts the coverage may only be higher
    longer = schedule(np.zeros(6), hours(6), H, [hourly(2 * H, 6)], deferred=deferred)
    assert np.all(longer.coverage >= need)
    assert longer.deferred_late == 0.0


def test_hand_computed_two_interval_deadline_with_a_backlog():
    # Four 1-h intervals, 1-h shifts costing 1.0, 1.1, 1.2, 1.3 by start hour; backlog 1.5
    # agent-hours, work W = [1, 2.5, 0.5, 1] agent-hours, deadline 2 h (2 intervals).
    # Due by the end of interval t (cumulative R): items of s are due by the end of s + 1,
    # the backlog by the end of interval 1; W[3] is due after the horizon. R = [0, 2.5, 5, 5.5].
    # Available A = 1.5 + cumsum(W) = [2.5, 5, 5.5, 6.5]; sustainability P[3] >= 5.
    # So P[3] >= 5.5 needs >= 6 agent-hours. Early hours are cheaper: c0 = 3 does all 2.5
    # available (0.5 idle), leaving exactly 3 for the rest with no idle time: c1 <= 2
    # (A[1] - 2.5 = 2.5 available), c1 = 2 -> P = 4.5, then c2 = 1 (A[2] = 5.5), c3 = 0:
    # cost 3 + 2.2 + 1.2 = 6.4. Any c0 <= 2 costs >= 2 + 3 x 1.1 + 1.2 = 6.5 (c1 = 3, c2 = 1);
    # 7 agents cost >= 3 + 4 x 1.1 = 7.4. Optimum: coverage [3, 2, 1, 0].
    patterns = [
        ShiftPattern(f"h{k}", H, starts=(k * H,), hourly_cost=1.0 + 0.1 * k) for k in range(4)
    ]
    deferred = DeferredWork(np.array([1.0, 2.5, 0.5, 1.0]) * H, 2 * H, backlog=1.5 * H)
    result = schedule(np.zeros(4), hours(4), H, patterns, deferred=deferred, mip_gap=0.0)
    np.testing.assert_allclose(result.coverage, [3, 2, 1, 0])
    assert result.cost == pytest.approx(6.4)
    np.testing.assert_allclose(result.deferred_done / H, [2.5, 2.0, 1.0, 0.0])
    np.testing.assert_allclose(result.deferred_backlog / H, [0.0, 0.5, 0.0, 1.0])
    assert result.deferred_late == 0.0


@pytest.mark.parametrize(("load", "agents"), [(4.2, 5), (4.6, 6)])
def test_blending_fills_the_voice_agents_idle_time(load, agents):
    # 8 h of voice needing 5 agents at 4.2 Erlangs, and 0.6 agent-hours of email an hour
    # due within 2 h. Alone: 5 voice agents + ceil(4.8 / 8) = 1 email agent. Blended, the
    # 5 agents' idle 0.8 an hour takes the email: 5 agents. At 4.6 Erlangs the idle 0.4 is
    # too little and a sixth agent is needed.
    day = ShiftPattern("day", 8 * H, starts=(0,))
    work = np.full(8, 0.6 * H)
    voice = schedule(np.full(8, 5), hours(8), H, [day])
    email = schedule(np.zeros(8), hours(8), H, [day], deferred=DeferredWork(work, 2 * H))
    assert (voice.headcount, email.headcount) == (5, 1)
    blended = schedule(
        np.full(8, 5), hours(8), H, [day], deferred=DeferredWork(work, 2 * H, load=np.full(8, load))
    )
    assert blended.headcount == agents
    assert blended.deferred_late == 0.0
    np.testing.assert_allclose(blended.deferred_done, work)


def test_sustainability_keeps_the_backlog_from_growing_but_need_not_clear_it():
    # Backlog 3 agent-hours, 2 arriving each hour for 4 hours, no deadline: the horizon
    # must do its own 8 agent-hours (2 four-hour agents), not the 11 waiting (3 agents).
    four = ShiftPattern("4h", 4 * H, starts=(0,))
    work = np.full(4, 2 * H)
    result = schedule(
        np.zeros(4), hours(4), H, [four], deferred=DeferredWork(work, math.inf, 3 * H)
    )
    assert result.headcount == 2
    assert result.deferred_backlog[-1] == pytest.approx(3 * H)
    assert result.deferred_backlog[-1] <= 3 * H + 1e-6
    # using half the free time, twice the agents
    half = DeferredWork(work, math.inf, 3 * H, usable=0.5)
    assert schedule(np.zeros(4), hours(4), H, [four], deferred=half).headcount == 4


def test_lateness_is_a_message_and_a_penalty_not_an_error():
    # One agent-hour arrives 00:00-01:00, due within 1 h; the only shift starts at 02:00.
    late_shift = ShiftPattern("late", 2 * H, starts=(2 * H,))
    deferred = DeferredWork([H, 0, 0, 0], H)
    result = schedule(np.zeros(4), hours(4), H, [late_shift], deferred=deferred)
    assert result.status is ScheduleStatus.OPTIMAL
    assert result.headcount == 1  # the work is still done, late (sustainability)
    np.testing.assert_allclose(result.deferred_done, [0, 0, H, 0])
    assert result.deferred_late == pytest.approx(H)
    assert any("deferred work late: 1 agent-hours" in m and "01:00" in m for m in result.messages)
    # overdue 1 agent-hour at the ends of 00:00 and 01:00: 2 x the default penalty 20/agent-hour
    assert result.objective == pytest.approx(2.0 + 2 * 20.0)


def test_no_pattern_after_the_arrivals_reports_a_growing_backlog():
    work = np.zeros(24)
    work[22:] = 2 * H
    night = ShiftPattern("night", 4 * H, starts=(0,))
    result = schedule(np.zeros(24), hours(24), H, [night], deferred=DeferredWork(work, 4 * H))
    assert result.headcount == 0
    assert any("deferred backlog grows by 4 agent-hours" in m for m in result.messages)


def test_cyclic_horizon_carries_the_late_evening_work_into_the_morning():
    # 22:00-24:00 brings 4 agent-hours due within 4 h; repeating the day, they are due by
    # 02:00 and 03:00 of the next repetition, done by the 00:00-04:00 shift: 2 agents
    # (4 agent-hours by 03:00 in 3 hours).
    work = np.zeros(24)
    work[22:] = 2 * H
    night = ShiftPattern("night", 4 * H, starts=(0,))
    deferred = DeferredWork(work, 4 * H)
    result = schedule(np.zeros(24), hours(24), H, [night], deferred=deferred, cyclic=True)
    assert result.headcount == 2
    assert result.messages == []
    np.testing.assert_allclose(result.deferred_done[:4], [2 * H, 2 * H, 0, 0])
    assert result.deferred_backlog[-1] == pytest.approx(4 * H)  # the carry-over it began with
    # A given backlog is that carry-over: 10 agent-hours, of which the 4 the day leaves
    # undue land at 02:00 and 03:00 as before, and the 6 older ones are due 4 h after the
    # start: 10 agent-hours by 04:00 in the 4-h shift, ceil(10 / 4) = 3 agents.
    given = DeferredWork(work, 4 * H, backlog=10 * H)
    more = schedule(np.zeros(24), hours(24), H, [night], deferred=given, cyclic=True)
    assert more.headcount == 3
    assert more.messages == []
    assert more.deferred_backlog[-1] == pytest.approx(4 * H)


def test_due_rows_on_a_grid_with_closed_nights():
    # Two days open 08:00-20:00, hourly; one agent-hour arrives each hour. With a 24-h
    # deadline the 08:00 items of day 1 are due at 08:00 on day 2, i.e. by the end of day 1
    # (nobody works overnight); the 09:00 items by 09:00 on day 2 (the 08:00 interval), ...;
    # day 2's items are due after the horizon.
    grid = np.concatenate([np.arange(8, 20), 24 + np.arange(8, 20)]) * H
    dues = DeferredWork(np.full(24, H), 24 * H, backlog=5 * H).dues(grid, H)
    np.testing.assert_allclose(dues.due / H, [0] * 11 + list(range(1, 13)) + [12])
    assert dues.backlog_row == 11
    np.testing.assert_allclose(dues.required(5 * H) / H, [0] * 11 + list(range(6, 18)) + [17])
    # a 4-h deadline: 17:00-20:00 items of day 1 are due by 20:00, day 2's are not due
    short = DeferredWork(np.full(24, H), 4 * H).dues(grid, H)
    assert short.due[11] == pytest.approx(12 * H)
    assert short.due[-1] == pytest.approx(21 * H)  # day 2's 17:00-20:00 items are due after it


def test_schedule_on_a_grid_with_closed_nights():
    # Two days open 08:00-20:00, one agent-hour of email an hour, 4-h shifts starting 08:00,
    # 12:00 or 16:00. The 24 agent-hours need 6 shifts whatever the deadline. With 4 h, the
    # 08:00-11:00 items are due by 12:00-15:00 and only the 08:00 shift is on before then;
    # likewise for the later shifts, and the 17:00-19:00 items of day 1 are due by 20:00
    # (nobody works overnight): one agent at all times. With 24 h, day 1 need only do the
    # 08:00 items (due at 08:00 on day 2, i.e. by 20:00 on day 1).
    grid = np.concatenate([np.arange(8, 20), 24 + np.arange(8, 20)]) * H
    four = ShiftPattern("4h", 4 * H, starts=(8 * H, 12 * H, 16 * H))
    work = np.full(24, H)
    short = schedule(np.zeros(24), grid, H, [four], deferred=DeferredWork(work, 4 * H))
    np.testing.assert_allclose(short.coverage, 1.0)
    assert short.headcount == 6
    assert short.messages == []
    long = schedule(np.zeros(24), grid, H, [four], deferred=DeferredWork(work, 24 * H))
    assert long.headcount == 6
    assert long.deferred_late == 0.0
    assert long.deferred_done[:12].sum() >= H - 1e-6
    assert long.deferred_backlog[-1] == pytest.approx(0.0)


def test_with_pooled_targets():
    # Floors [1, 1, 1, 1, 0]; the agents above them earn 1, 0.5, 0.25, 0.1 each interval
    # toward a need of 5 over the period; 4-h shifts start 00:00 or 01:00. Alone: 3 agents
    # at 00:00 (2 above the floor for 4 intervals earn 6). With 3 agent-hours of email at
    # 04:00 (not due in the horizon, but the horizon must keep up) 3 agents must be on at
    # 04:00: 3 start at 01:00 and one at 00:00 keeps the floor; 3 above the floor 01:00-04:00
    # earn 3 x 1.75 = 5.25 >= 5, and the 2 agent-hours of 00:00, due by 02:00, fit in
    # 01:00's free 3: 4 agents.
    day = ShiftPattern("day", 4 * H, starts=(0, H))
    floor = np.array([1, 1, 1, 1, 0])
    gains = np.zeros((1, 5, 4))
    gains[0, :4] = [1.0, 0.5, 0.25, 0.1]
    pooled = PooledTargets(floor, gains, np.zeros(5, dtype=int), np.array([[5.0]]), ("sl",))
    alone = schedule(floor, hours(5), H, [day], pooled=pooled, mip_gap=0.0)
    assert alone.headcount == 3
    deferred = DeferredWork([2 * H, 0, 0, 0, 3 * H], 2 * H, load=[1, 1, 1, 1, 0])
    both = schedule(floor, hours(5), H, [day], pooled=pooled, deferred=deferred, mip_gap=0.0)
    np.testing.assert_allclose(both.coverage, [1, 4, 4, 4, 3])
    np.testing.assert_allclose(both.deferred_done, [0, 2 * H, 0, 0, 3 * H])
    assert both.messages == []


def test_fluid_plan_and_late_work_by_hand():
    done, waiting = fluid_plan(np.array([2.0, 0.0, 3.0]), np.array([1.0, 1.0, 1.0]), 1.0)
    np.testing.assert_allclose(done, [1, 1, 1])
    np.testing.assert_allclose(waiting, [2, 1, 3])
    # due 2 by t = 0 and 3 by t = 1: 1 of the first 2 is late, and the third unit too
    late, first = late_work(done, np.array([2.0, 3.0, 3.0]))
    assert (late, first) == (pytest.approx(2.0), 0)


def test_from_items():
    deferred = DeferredWork.from_items(
        [10, 0, 5], [300, 300, 600], 3600, backlog=4, handle_factor=1.2
    )
    np.testing.assert_allclose(deferred.work, [3600, 0, 3600])
    assert deferred.backlog == pytest.approx(4 * 360)
    np.testing.assert_allclose(deferred.load, 0.0)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: DeferredWork([1, -2], 60), r"DeferredWork work\[1\] = -2; work must be"),
        (lambda: DeferredWork([1, math.nan], 60), r"work\[1\] = nan"),
        (lambda: DeferredWork([], 60), "non-empty 1-d array"),
        (lambda: DeferredWork("a", 60), "DeferredWork work = 'a'"),
        (lambda: DeferredWork([1], 0), "deadline = 0; deadline must be a number of seconds > 0"),
        (lambda: DeferredWork([1], "24h"), "deadline = '24h'"),
        (lambda: DeferredWork([1], 60, backlog=math.inf), "backlog = inf"),
        (lambda: DeferredWork([1], 60, backlog=-1), "backlog = -1"),
        (
            lambda: DeferredWork([1], 60, usable=0),
            r"usable = 0; usable must be a share in \(0, 1\]",
        ),
        (lambda: DeferredWork([1], 60, usable=1.5), "usable = 1.5"),
        (lambda: DeferredWork([1, 2], 60, load=[1]), "load has 1 intervals but work 2"),
        (lambda: DeferredWork([1], 60, load=[-1]), r"load\[0\] = -1"),
        (lambda: DeferredWork.from_items([1, 2], [1, 2, 3], 60), "handle_time has 3 values"),
        (lambda: DeferredWork.from_items([1], 0, 60), r"handle_time\[0\] = 0"),
        (lambda: DeferredWork.from_items([1], 60, 60, handle_factor=0), "handle_factor = 0"),
    ],
)
def test_bad_inputs_are_one_line_errors(build, message):
    with pytest.raises(InputError, match=message) as error:
        build()
    assert "\n" not in str(error.value)


def test_schedule_checks_the_deferred_argument():
    day = ShiftPattern("day", 4 * H, starts=(0,))
    with pytest.raises(InputError, match="deferred work has 3 intervals but the grid 4"):
        schedule(np.zeros(4), hours(4), H, [day], deferred=DeferredWork([1, 2, 3], H))
    with pytest.raises(InputError, match=r"deferred = 3; give a staffing\.deferred\.DeferredWork"):
        schedule(np.zeros(4), hours(4), H, [day], deferred=3)


def _cheapest_by_enumeration(
    deferred: DeferredWork, cost: np.ndarray, cover: np.ndarray, cyclic: bool
) -> float:
    """Least cost of whole agents per shift (0..3 each) meeting every deadline, by brute force."""
    n_shifts, n = cover.shape
    x = np.stack(np.meshgrid(*[np.arange(4)] * n_shifts, indexing="ij"), -1).reshape(-1, n_shifts)
    cov = x @ cover
    free = np.maximum(cov - deferred.load, 0.0) * deferred.usable * H
    required = deferred.dues(hours(n), H, cyclic).required(deferred.backlog)
    done = np.zeros(len(x))
    ok = np.all(cov >= deferred.load - 1e-9, axis=1)
    arrived = deferred.backlog
    for t in range(n):  # the work-conserving plan reaches every level soonest
        arrived += deferred.work[t]
        done = np.minimum(done + free[:, t], arrived)
        ok &= done >= required[t] - 1e-6
    ok &= done >= deferred.total - 1e-6
    return float((x @ cost)[ok].min())


@pytest.mark.parametrize("seed", range(12))
def test_schedule_matches_enumeration_on_small_random_cases(seed):
    # The cuts and rows must keep every schedule that meets the deadlines: on 4 hourly
    # intervals with 2-h shifts (00:00, 01:00, 02:00; 2 each), 1-h shifts (1.3 each) and 3-h
    # shifts with an unpaid 1-h break after 1 h (00:00, 01:00; 1.8 each), at most 3 agents
    # per start, the MILP's cost equals the cheapest of the 4^9 schedules. Odd seeds
    # repeat the day (cyclic): the items due after 04:00 are then due by 04:00 (the next
    # repetition starts 20 h later).
    rng = np.random.default_rng(seed)
    cyclic = bool(seed % 2)
    deferred = DeferredWork(
        rng.uniform(0, 2.5, 4).round(2) * H,
        float(rng.choice([H, 2 * H, 3 * H, math.inf])),
        backlog=round(rng.uniform(0, 2), 2) * H,
        load=rng.uniform(0, 1.5, 4).round(2),
        usable=float(rng.choice([1.0, 0.8])),
    )
    split = BreakRule(H, H, H)
    patterns = [
        ShiftPattern("2h", 2 * H, starts=(0, H, 2 * H), max_agents=3),
        ShiftPattern("1h", H, starts=tuple(hours(4)), hourly_cost=1.3, max_agents=3),
        ShiftPattern("3h", 3 * H, starts=(0, H), breaks=(split,), hourly_cost=0.9, max_agents=3),
    ]
    cover = np.vstack(
        [[[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1]], np.eye(4), [[1, 0, 1, 0], [0, 1, 0, 1]]]
    )
    cost = np.array([2.0, 2.0, 2.0, 1.3, 1.3, 1.3, 1.3, 1.8, 1.8])
    result = schedule(
        np.zeros(4),
        hours(4),
        H,
        patterns,
        deferred=deferred,
        mip_gap=0.0,
        shortfall_penalty=1e4,
        cyclic=cyclic,
    )
    assert result.deferred_late == 0.0
    assert result.cost == pytest.approx(_cheapest_by_enumeration(deferred, cost, cover, cyclic))


def test_module_doctests():
    assert doctest.testmod(staffing.deferred).failed == 0
