"""Email (deferred) queues: blending rules traced by hand on both engines, the backlog's
measures against hand counts, flow conservation per day, and calls never held back by
email (rule 10 of ``Routing``; issue 12)."""

from dataclasses import replace

import numpy as np
import pytest
from test_center_chat import ENGINES, contacts
from test_center_engines import THREE_GROUPS, assert_same, random_day

from staffing.callers import CallerBehaviour
from staffing.center import Center, Group, Queue
from staffing.forecast import Forecast
from staffing.requirements import ServiceTargets
from staffing.simulation import ANSWERED, AgentWindows, Callers, Grid
from staffing.simulation.backlog import deferred_sums
from staffing.simulation.center_run import simulate_center
from staffing.simulation.model import (
    WAITING,
    CenterOutcome,
    Routing,
    join_windows,
    windows_from_counts,
)

INF = np.inf


@pytest.fixture(params=sorted(ENGINES))
def engine(request):
    return ENGINES[request.param]


def blended(priority=(0, 0), agents=1, reserve=0) -> Routing:
    """One group serving voice (queue 0) and email (queue 1), no delays, factor 1."""
    return Routing(
        delay=np.zeros((1, 2)),
        factor=np.ones((1, 2)),
        preference=np.array([[0, 1]]),
        priority=np.array(priority, dtype=np.int64),
        group_of=np.zeros(agents, dtype=np.int64),
        deferred=np.array([False, True]),
        reserve=np.array([reserve]),
    )


def test_email_ranks_after_voice_whatever_its_priority():
    r = blended(priority=(3, -5))
    np.testing.assert_array_equal(r.priority, [3, 4])  # shifted just past the voice queue
    assert r.skills(0) == [0, 1]


def test_hand_traced_call_waits_only_for_the_item_in_hand_then_goes_first(engine):
    # One agent on [0, 1000). Email priority -5 (smaller), yet voice comes first.
    #  e0 t=1 (100): the agent is idle: it takes the item, to 101
    #  e1 t=5 (30): waits; c2 t=10 (20): a call waits for the item in hand only
    #  t=101: the call c2 (wait 91) although e1 is older, to 121; then e1 (wait 116), to 151
    callers = contacts([(1, 1, 100, INF), (5, 1, 30, INF), (10, 0, 20, 500)])
    windows = AgentWindows((((0.0, 1000.0, False),),), np.zeros((0, 3)))
    out = engine(callers, windows, blended(priority=(0, -5)))
    np.testing.assert_array_equal(out.status, [ANSWERED] * 3)
    np.testing.assert_allclose(out.wait, [0, 116, 91], rtol=0, atol=1e-9)
    np.testing.assert_allclose(out.end, [101, 151, 121], rtol=0, atol=1e-9)


def test_hand_traced_past_closing_calls_are_cleared_but_items_wait(engine):
    # One agent on [0, 200) that stays to clear the queue at closing.
    #  c0 t=150 (100): answered at once, ends 250 (past the closing time)
    #  c1 t=160 (10, patient) and e2 t=170 (30) wait
    #  t=250: past closing the agent clears the call c1 (wait 90) to 260, takes no item and
    #  leaves: e2 stays in the backlog (WAITING), its age at the end 260 - 170 = 90
    callers = contacts([(150, 0, 100, INF), (160, 0, 10, INF), (170, 1, 30, INF)])
    windows = AgentWindows((((0.0, 200.0, True),),), np.zeros((0, 3)))
    out = engine(callers, windows, blended())
    np.testing.assert_array_equal(out.status, [ANSWERED, ANSWERED, WAITING])
    np.testing.assert_allclose(out.wait, [0, 90, 90], rtol=0, atol=1e-9)
    np.testing.assert_allclose(out.logged, [[0, 260]], rtol=0, atol=1e-9)


def test_hand_traced_reserve_keeps_an_agent_idle_for_calls(engine):
    # Two agents on [0, 1000), reserve 1: an item only while another agent stays idle.
    #  e0 t=1 (100): 2 idle > 1: agent 0 (idle longest, lowest index) takes it, to 101
    #  e1 t=2 (50): 1 idle, not more than the reserve: it waits
    #  c2 t=5 (10): the reserved agent 1 answers at once, to 15; at 15 it is freed with no
    #  other agent idle: it stays idle rather than take e1
    #  t=101 agent 0 is freed with agent 1 idle: it takes e1 (wait 99), to 151
    callers = contacts([(1, 1, 100, INF), (2, 1, 50, INF), (5, 0, 10, 500)])
    windows = AgentWindows((((0.0, 1000.0, False),), ((0.0, 1000.0, False),)), np.zeros((0, 3)))
    out = engine(callers, windows, blended(agents=2, reserve=1))
    np.testing.assert_array_equal(out.agent, [0, 0, 1])
    np.testing.assert_allclose(out.wait, [0, 99, 0], rtol=0, atol=1e-9)
    np.testing.assert_allclose(out.end, [101, 151, 15], rtol=0, atol=1e-9)
    # without the reserve agent 1 takes e1 at once (to 52): the call waits for it, 47 s
    out = engine(callers, windows, blended(agents=2))
    np.testing.assert_allclose(out.wait, [0, 0, 47], rtol=0, atol=1e-9)


def _email_day(seed, reserve=(0, 0, 0)):
    """random_day with queue 2 as email (no hang-ups) and random counts per group."""
    rng, grid, callers = random_day(seed, 120.0)
    patience = np.where(callers.queue == 2, INF, callers.patience)
    callers = Callers(
        callers.arrival, callers.handle, patience, callers.interval, queue=callers.queue
    )
    per_group = [windows_from_counts(rng.integers(0, 25, 12), grid) for _ in range(3)]
    windows, group_of = join_windows(per_group)
    routing = replace(
        THREE_GROUPS,
        group_of=group_of,
        deferred=np.array([False, False, True]),
        reserve=np.array(reserve),
    )
    return callers, windows, routing


@pytest.mark.parametrize(("seed", "reserve"), [(0, (0, 0, 0)), (1, (0, 0, 0)), (2, (1, 3, 0))])
def test_engines_agree_on_random_blended_days(seed, reserve):
    callers, windows, routing = _email_day(seed, reserve)
    out = assert_same(callers, windows, routing)
    email = callers.queue == 2
    assert (out.status[email] == ANSWERED).mean() > 0.3  # items were worked...
    assert (out.status[email] == WAITING).any()  # ...and some carried over
    assert not (out.status[email] == 2).any()  # never abandoned


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("name", sorted(ENGINES))
def test_no_item_is_started_while_a_call_its_agent_may_take_waits(seed, name):
    callers, windows, routing = _email_day(seed)
    out = ENGINES[name](callers, windows, routing)
    start = callers.arrival + out.wait
    answered = out.status == ANSWERED
    # a live contact waits at s if it arrived before s and was answered after s, or hung
    # up after s (its wait then ends when it hung up)
    live = np.flatnonzero(callers.queue != 2)
    checked = 0
    for i in np.flatnonzero(answered & (callers.queue == 2)):
        s = start[i]
        g = routing.group_of[out.agent[i]]
        waiting = live[(callers.arrival[live] < s) & (start[live] > s + 1e-9)]
        may = [
            j
            for j in waiting
            if routing.preference[g, callers.queue[j]] >= 0
            and callers.arrival[j] + routing.delay[g, callers.queue[j]] <= s
        ]
        assert not may, (i, s, may[:3])
        checked += 1
    assert checked > 50


def _forecast(calls, days=2, aht=600.0) -> Forecast:
    starts = np.concatenate(
        [
            np.datetime64(f"2026-03-0{3 + d}T08:00", "s")
            + np.arange(24) * np.timedelta64(1800, "s")
            for d in range(days)
        ]
    )
    return Forecast(
        start=starts,
        calls=np.tile(np.asarray(calls, dtype=float), days),
        aht=np.full(24 * days, aht),
        interval=1800,
        has_dates=True,
    )


def email_center(agents=12, backlog=30, deadline=86_400.0, email_calls=10.0) -> Center:
    voice = Queue(
        "voice", _forecast(np.full(24, 40.0), aht=300.0), callers=CallerBehaviour(patience=120)
    )
    email = Queue(
        "email",
        _forecast(np.full(24, email_calls)),
        channel="email",
        deadline=deadline,
        backlog=backlog,
        targets=ServiceTargets(service_level=None, within_deadline=0.9),
    )
    return Center((voice, email), (Group("blend", ("voice", "email"), agents=agents),))


def test_backlog_is_conserved_every_day_and_matches_the_outcomes():
    center = email_center(agents=10)
    result = simulate_center(center, replications=4, seed=3, keep_records=True)
    days = result.deferred_days
    assert len(days) == 2
    np.testing.assert_allclose(
        days["backlog_end"], days["backlog_start"] + days["arrived"] - days["handled"]
    )
    assert days["backlog_start"].iloc[0] == 30  # the starting backlog
    np.testing.assert_allclose(days["backlog_start"].iloc[1], days["backlog_end"].iloc[0])
    # against the contacts themselves: items left at the end are the last day's backlog
    left = [
        int(((c.queue == 1) & (o.status == WAITING)).sum())
        for c, o in zip(result.callers, result.outcomes, strict=True)
    ]
    assert days["backlog_end"].iloc[-1] == pytest.approx(np.mean(left))
    offered = [int((c.queue == 1).sum()) for c in result.callers]
    row = result.queues.set_index("queue").loc["email"]
    assert row["offered"] == pytest.approx(np.mean(offered))
    assert row["offered"] == pytest.approx(30 + days["arrived"].sum())
    assert row["answered"] == pytest.approx(days["handled"].sum())
    assert row["abandoned"] == 0
    assert np.isnan(row["service_level"])
    assert np.isnan(row["abandon_rate"])
    # the row all is the voice callers' only
    both = result.queues.set_index("queue")
    assert both.loc["all", "offered"] == both.loc["voice", "offered"]


def test_backlog_measures_by_hand():
    # Grid: 2 intervals of 100 s from 0. Deadline 150 s; one starting backlog item.
    #  item  arrival  start  end   due   within
    #   b       0      50     90   150    yes   (backlog, arrives at the start)
    #   a       10     120    200  160    no
    #   c       60     -      -    210    (due after the horizon's end 200: not counted)
    # backlog at t=100: a and c waiting (b started at 50): 2, oldest a, age 90
    # backlog at t=200: c: 1, age 140. Due in interval 0: none; interval 1: b (150), a (160)
    grid = Grid(start=np.array([0.0, 100.0]), length=100.0)
    callers = Callers(
        np.array([0.0, 10.0, 60.0]),
        np.array([40.0, 80.0, 10.0]),
        np.full(3, INF),
        np.array([0, 0, 0]),
        queue=np.array([0, 0, 0]),
    )
    outcome = CenterOutcome(
        status=np.array([ANSWERED, ANSWERED, WAITING], dtype=np.int8),
        wait=np.array([50.0, 110.0, 140.0]),
        agent=np.array([0, 0, -1]),
        logged=np.zeros((0, 2)),
        logged_agent=np.zeros(0, dtype=np.int64),
        queue_area=np.zeros(1),
        end=np.array([90.0, 200.0, np.nan]),
    )
    sums = deferred_sums(grid, callers, outcome, 0, 150.0, backlog=1)
    np.testing.assert_array_equal(sums.backlog, [2, 1])
    np.testing.assert_allclose(sums.oldest, [90, 140])
    np.testing.assert_array_equal(sums.due, [0, 2])
    np.testing.assert_array_equal(sums.in_time, [0, 1])
    # one day: 1 at the start, 2 arriving, 2 started, 1 left; 2 due, 1 within deadline
    np.testing.assert_array_equal(sums.days, [[1, 2, 2, 1, 2, 1]])


def test_enough_blended_agents_meet_the_deadline_and_too_few_do_not():
    good = simulate_center(email_center(agents=14, deadline=4 * 3600.0), replications=4, seed=1)
    short = simulate_center(email_center(agents=6, deadline=4 * 3600.0), replications=4, seed=1)
    assert good.kpi("email", "within_deadline")[0] > 0.99
    late = short.kpi("email", "within_deadline")[0]
    # 6 agents: 10 items x 600 s per 1,800 s is 3.3 Erlangs of email beside 6.7 of calls
    # (those answered: about half hang up): the backlog grows all day, items wait > 4 h
    assert late < 0.8
    days = short.deferred_days
    assert days["backlog_end"].iloc[0] > 50
    assert days["oldest_age_max"].iloc[1] > 4 * 3600  # items of the day before still wait


def test_a_center_of_email_only_has_an_email_row_all():
    office = Center(
        (
            Queue(
                "email",
                _forecast(np.full(24, 20.0), aht=300.0),
                channel="email",
                deadline=7200.0,
                backlog=10,
                targets=ServiceTargets(service_level=None, within_deadline=0.9),
            ),
        ),
        (Group("office", ("email",), agents=4),),
    )
    result = simulate_center(office, replications=3, seed=1)
    rows = result.queues.set_index("queue")
    assert rows.loc["all", "channel"] == "email"
    assert rows.loc["all", "abandoned"] == 0
    assert np.isnan(rows.loc["all", "service_level"])
    assert rows.loc["all", "within_deadline"] == rows.loc["email", "within_deadline"]
    assert 0 < rows.loc["all", "within_deadline"] <= 1
