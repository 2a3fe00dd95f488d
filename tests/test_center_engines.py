"""Both engines on several queues and groups: hand-traced days, equivalence, sample-path laws.

Hand-traced days (two queues, two groups, an overflow delay, a priority, proficiency) give
exact expected outcomes, checked on the SimPy reference and the compiled engine. Random days
(counts, shifts with breaks, closing time, no patience) must give the same outcome contact by
contact on both. Hypothesis draws small random centers and checks flow conservation, Little's
law on the sample path (the time-integral of each queue's length equals the sum of its
waits), and that routing never breaks its rules.
"""

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from staffing import distributions
from staffing.forecast import Forecast
from staffing.shifts import Break, Shift
from staffing.simulation import ABANDONED, ANSWERED, AgentWindows, Callers, Grid
from staffing.simulation.fast_center import run_center_day_fast
from staffing.simulation.model import (
    Routing,
    draw_queue_callers,
    join_windows,
    merge_queues,
    windows_from_counts,
    windows_from_shifts,
)
from staffing.simulation.simpy_engine import run_center_day

ENGINES = {"simpy": run_center_day, "fast": run_center_day_fast}
INF = np.inf
NO = np.nan


@pytest.fixture(params=sorted(ENGINES))
def engine(request):
    return ENGINES[request.param]


def routing(delay, factor, priority, preference, group_of) -> Routing:
    delay = np.array(delay, dtype=float)
    return Routing(
        delay=delay,
        factor=np.array(factor, dtype=float),
        preference=np.array(preference, dtype=np.int64),
        priority=np.array(priority, dtype=np.int64),
        group_of=np.array(group_of, dtype=np.int64),
    )


def contacts(rows) -> Callers:
    """Callers from ``(arrival, queue, handle, patience)`` rows."""
    a, q, h, p = (np.array(x, dtype=float) for x in zip(*rows, strict=True))
    return Callers(a, h, p, np.zeros(a.size, dtype=np.int64), queue=q.astype(np.int64))


def one_window(*spans, stays=False) -> AgentWindows:
    return AgentWindows(tuple(((on, off, stays),) for on, off in spans), np.zeros((0, 3)))


# =========================================================================== hand-traced days


def test_hand_traced_day_two_queues_two_groups(engine):
    # Queue A (priority 0) and queue B (priority 1). Group G1 = agent 0, skills [A]; group
    # G2 = agent 1, skills [B, A], takes A only after 10 s, at twice A's handle time. Both
    # agents on [0, 1000). The trace, contact by contact:
    #  c0  A t=10  G1's agent 0 idle: answered at 10 (busy to 110)
    #  c1  A t=20  G1 busy, G2 waits 10 s: overflow at 30, agent 1 idle: wait 10 (busy to 130)
    #  c2  B t=40  agent 1 busy: waits
    #  c3  A t=50  patience 55: nobody free for A: hangs up at 105 (overflow at 60: G2 busy)
    #  c4  A t=106 waits
    #  --  t=110   agent 0 frees: A's oldest is c4: wait 4 (busy to 135)
    #  --  t=130   agent 1 frees: A empty, B has c2: wait 90 (busy to 160)
    #  c5  B t=140 waits
    #  c6  A t=150 agent 0 idle since 135: answered at once (busy to 165)
    #  --  t=160   agent 1 frees: c5, wait 20 (busy to 170)
    #  c7  B t=200 agent 1 idle: answered at once (busy to 250)
    #  c8  B t=210 waits
    #  c9  A t=220 agent 0 idle: answered at once (busy to 320)
    #  c10 A t=230 waits; overflow at 240, agent 1 busy
    #  --  t=250   agent 1 frees: A (priority 0, c10 waited 20 >= 10) before the older c8
    #              of B: c10 wait 20, handle 10 x 2 (busy to 270)
    #  --  t=270   agent 1 frees: c8 of B, wait 60 (busy to 280)
    #  c11 A t=300 agent 0 busy, G2 waits 10 s: overflow at 310
    #  c12 B t=305 agent 1 idle: answered at once, 1 s (to 306); at 306 c11 has waited 6 s
    #              < 10 s, so agent 1 goes idle; at 310 the overflow gives it c11: wait 10
    callers = contacts(
        [
            (10, 0, 100, INF),
            (20, 0, 50, INF),
            (40, 1, 30, INF),
            (50, 0, 40, 55),
            (106, 0, 25, INF),
            (140, 1, 10, INF),
            (150, 0, 15, INF),
            (200, 1, 50, INF),
            (210, 1, 10, INF),
            (220, 0, 100, INF),
            (230, 0, 10, INF),
            (300, 0, 10, INF),
            (305, 1, 1, INF),
        ]
    )
    r = routing(
        delay=[[0, NO], [10, 0]],
        factor=[[1, NO], [2, 1]],
        priority=[0, 1],
        preference=[[0, -1], [1, 0]],
        group_of=[0, 1],
    )
    out = engine(callers, one_window((0, 1000), (0, 1000)), r)
    A, X = ANSWERED, ABANDONED
    np.testing.assert_array_equal(out.status, [A, A, A, X, A, A, A, A, A, A, A, A, A])
    np.testing.assert_array_equal(out.agent, [0, 1, 1, -1, 0, 1, 0, 1, 1, 0, 1, 1, 1])
    np.testing.assert_allclose(
        out.wait, [0, 10, 90, 55, 4, 20, 0, 0, 60, 0, 20, 10, 0], rtol=0, atol=1e-9
    )
    # Little's law on the sample path: each queue's integral of waiting = its waits
    np.testing.assert_allclose(out.queue_area, [10 + 55 + 4 + 20 + 10, 90 + 20 + 60], atol=1e-9)
    np.testing.assert_allclose(out.logged[np.argsort(out.logged_agent)], [[0, 1000], [0, 1000]])


def test_hand_traced_arrival_goes_to_first_group_then_longest_idle(engine):
    # One queue, groups G1 (agents 0, 1) and G2 (agent 2), both without delay, on [0, 100).
    # c0 t=1: G1 first in file order; agents 0 and 1 idle since 0: the lower index, 0.
    # c1 t=2: agent 1. c2 t=3: G1 busy, so G2's agent 2. c3 t=20: agent 1 (idle since 7)
    # has been idle longer than agent 0 (since 11).
    callers = contacts([(1, 0, 10, INF), (2, 0, 5, INF), (3, 0, 50, INF), (20, 0, 5, INF)])
    r = routing([[0], [0]], [[1], [1]], [0], [[0], [0]], [0, 0, 1])
    out = engine(callers, one_window((0, 100), (0, 100), (0, 100)), r)
    np.testing.assert_array_equal(out.agent, [0, 1, 2, 1])
    np.testing.assert_array_equal(out.wait, [0, 0, 0, 0])


def test_hand_traced_overflow_at_the_instant_patience_ends_answers(engine):
    # G1 (agent 0) is busy to 101; c1's patience (10 s) ends when G2 may take it (after 10 s):
    # the overflow comes first (Routing rule 2), so c1 is answered with a wait of 10, not lost.
    # c2 has 9 s of patience: it hangs up before the overflow.
    callers = contacts([(1, 0, 100, INF), (5, 0, 7, 10), (30, 0, 7, 9)])
    r = routing([[0], [10]], [[1], [1]], [0], [[0], [0]], [0, 1])
    out = engine(callers, one_window((0, 200), (0, 200)), r)
    np.testing.assert_array_equal(out.status, [ANSWERED, ANSWERED, ABANDONED])
    np.testing.assert_allclose(out.wait, [0, 10, 9])
    np.testing.assert_array_equal(out.agent, [0, 1, -1])


def test_hand_traced_equal_priorities_take_the_longest_waiting_overall(engine):
    # One agent serving A and B (skills B first, equal priorities), busy to 50. B's contact
    # arrives at 10, A's at 5: at 50 the agent takes A's (waited longer), then B's at 60.
    callers = contacts([(1, 0, 49, INF), (5, 0, 10, INF), (10, 1, 10, INF)])
    r = routing([[0, 0]], [[1, 1]], [0, 0], [[1, 0]], [0])
    out = engine(callers, one_window((0, 200)), r)
    np.testing.assert_allclose(out.wait, [0, 45, 50])
    # with A at a lower priority (1), B's younger contact goes first
    r = routing([[0, 0]], [[1, 1]], [1, 0], [[1, 0]], [0])
    out = engine(callers, one_window((0, 200)), r)
    np.testing.assert_allclose(out.wait, [0, 55, 40])


def test_hand_traced_closing_and_shift_end_mid_call(engine):
    # Agent 0's window [0, 30) ends during its call (to 40): it finishes, then leaves, even
    # though c2 waits. Agent 1's window [0, 60) is at closing (stays): after its call ends at
    # 70 it takes c2 (waiting since 35), and leaves at 80 when nobody is left.
    callers = contacts([(10, 0, 30, INF), (20, 0, 50, INF), (35, 0, 10, INF)])
    r = routing([[0]], [[1]], [0], [[0]], [0, 0])
    windows = AgentWindows((((0, 30, False),), ((0, 60, True),)), np.zeros((0, 3)))
    out = engine(callers, windows, r)
    np.testing.assert_array_equal(out.agent, [0, 1, 1])
    np.testing.assert_allclose(out.wait, [0, 0, 35])
    np.testing.assert_allclose(out.logged[np.argsort(out.logged_agent)], [[0, 40], [0, 80]])


# =========================================================================== both engines agree


def day(calls, aht, interval=900.0) -> Forecast:
    calls = np.asarray(calls, dtype=float)
    starts = np.datetime64("2026-03-03T08:00", "s") + np.arange(calls.size) * np.timedelta64(
        int(interval), "s"
    )
    return Forecast(start=starts, calls=calls, aht=np.full(calls.size, aht), interval=interval)


THREE_GROUPS = routing(
    delay=[[0, NO, 20], [NO, 0, 0], [30, 10, NO]],
    factor=[[1, NO, 1], [NO, 1, 0.8], [1.3, 1, NO]],
    priority=[0, 1, 1],
    preference=[[0, -1, 1], [-1, 1, 0], [1, 0, -1]],
    group_of=[0],
)


def random_day(seed, patience=120.0, handle="exponential", cv=None):
    rng = np.random.default_rng(seed)
    fcs = [day(rng.uniform(20, 80, 12), aht=rng.uniform(150, 400)) for _ in range(3)]
    grid = Grid.of(fcs[0])
    shape = distributions.make(handle, 1.0, cv)
    pat = None if patience is None else distributions.make("exponential", patience)
    callers = merge_queues([draw_queue_callers(rng, f.calls, f.aht, grid, shape, pat) for f in fcs])
    return rng, grid, callers


def assert_same(callers, windows, r):
    a = run_center_day(callers, windows, r)
    b = run_center_day_fast(callers, windows, r)
    np.testing.assert_array_equal(a.status, b.status)
    np.testing.assert_array_equal(a.agent, b.agent)
    np.testing.assert_allclose(a.wait, b.wait, rtol=0, atol=1e-9)
    key = lambda o: np.column_stack((o.logged, o.logged_agent))[  # noqa: E731
        np.lexsort((o.logged[:, 0], o.logged_agent))
    ]
    np.testing.assert_allclose(key(a), key(b), rtol=0, atol=1e-9)
    np.testing.assert_allclose(a.queue_area, b.queue_area, rtol=1e-9, atol=1e-9)
    return b


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("patience", [120.0, None])
def test_engines_agree_on_counts_per_interval(seed, patience):
    rng, grid, callers = random_day(seed, patience)
    per_group = [windows_from_counts(rng.integers(0, 25, 12), grid) for _ in range(3)]
    windows, group_of = join_windows(per_group)
    out = assert_same(callers, windows, replace(THREE_GROUPS, group_of=group_of))
    assert (out.status == ANSWERED).mean() > 0.5  # a real day, not an empty one


@pytest.mark.parametrize("seed", range(3))
def test_engines_agree_on_shifts_breaks_and_closing(seed):
    rng, grid, callers = random_day(seed + 10, 200.0, "lognormal", 1.2)
    per_group = []
    for _g in range(3):
        shifts = []
        for k in range(3):
            start = grid.start[0] + 900.0 * int(rng.integers(0, 4)) + 1800.0 * k
            at = start + 3600.0 + 60.0 * int(rng.integers(0, 30))
            shifts.append(
                Shift(start, start + 4 * 3600.0, int(rng.integers(1, 4)), (Break(at, at + 900),))
            )
        per_group.append(windows_from_shifts(shifts, grid))
    windows, group_of = join_windows(per_group)
    assert_same(callers, windows, replace(THREE_GROUPS, group_of=group_of))


# =========================================================================== sample-path laws


@st.composite
def centers(draw):
    queues = draw(st.integers(1, 3))
    groups = draw(st.integers(1, 3))
    serves = np.zeros((groups, queues), dtype=bool)
    for g in range(groups):
        for q in range(queues):
            serves[g, q] = draw(st.booleans())
    for q in range(queues):  # every queue served
        if not serves[:, q].any():
            serves[draw(st.integers(0, groups - 1)), q] = True
    delay = np.where(serves, 0.0, np.nan)
    factor = np.where(serves, 1.0, np.nan)
    for g, q in zip(*np.nonzero(serves), strict=True):
        delay[g, q] = draw(st.sampled_from([0.0, 0.0, 5.0, 30.0]))
        factor[g, q] = draw(st.sampled_from([0.7, 1.0, 1.5]))
    preference = np.where(serves, np.cumsum(serves, axis=1) - 1, -1)
    priority = np.array([draw(st.integers(0, 2)) for _ in range(queues)])
    counts = [draw(st.lists(st.integers(0, 4), min_size=4, max_size=4)) for _ in range(groups)]
    calls = [draw(st.lists(st.floats(0, 30), min_size=4, max_size=4)) for _ in range(queues)]
    patience = draw(st.sampled_from([None, 30.0, 300.0]))
    seed = draw(st.integers(0, 2**16))
    return delay, factor, preference, priority, counts, calls, patience, seed


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(centers())
def test_flow_conservation_littles_law_and_routing_rules(center):
    delay, factor, preference, priority, counts, calls, patience, seed = center
    rng = np.random.default_rng(seed)
    fcs = [day(c, 200.0) for c in calls]
    grid = Grid.of(fcs[0])
    pat = None if patience is None else distributions.make("exponential", patience)
    shape = distributions.make("exponential", 1.0)
    callers = merge_queues([draw_queue_callers(rng, f.calls, f.aht, grid, shape, pat) for f in fcs])
    windows, group_of = join_windows([windows_from_counts(np.array(c), grid) for c in counts])
    r = Routing(delay, factor, preference, priority, group_of)
    out = (
        assert_same(callers, windows, r)
        if callers.size
        else run_center_day_fast(callers, windows, r)
    )
    # flow conservation: every contact is answered or gone, none twice
    assert np.isin(out.status, [ANSWERED, ABANDONED]).all()
    answered = out.status == ANSWERED
    # Little's law on the sample path, per queue
    waits = np.bincount(callers.queue, weights=out.wait, minlength=len(calls))
    np.testing.assert_allclose(out.queue_area, waits, rtol=1e-9, atol=1e-6)
    # routing: the answering group serves the queue, after its overflow delay
    g = group_of[out.agent[answered]]
    q = callers.queue[answered]
    assert (preference[g, q] >= 0).all()
    assert (out.wait[answered] >= delay[g, q] - 1e-9).all()
    # an abandoned contact waited exactly its patience (or was stranded at the day's end)
    lost = ~answered & np.isfinite(callers.patience)
    assert (out.wait[lost] <= callers.patience[lost] + 1e-9).all()
    # an agent handles one contact at a time, inside its time on the phones
    begin = callers.arrival[answered] + out.wait[answered]
    end = begin + callers.handle[answered] * factor[g, q]
    for j in np.unique(out.agent[answered]):
        mine = out.agent[answered] == j
        b, e = begin[mine], end[mine]
        order = np.argsort(b)
        assert (b[order][1:] >= e[order][:-1] - 1e-9).all()
        seg = out.logged[out.logged_agent == j]
        inside = (b[:, None] >= seg[:, 0] - 1e-9) & (e[:, None] <= seg[:, 1] + 1e-9)
        assert inside.any(axis=1).all()
