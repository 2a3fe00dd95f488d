"""Chat queues: agents holding several sessions, on both engines (Routing rules 6 to 9).

Hand-traced days with exact times (sessions slowing down as others open, the fewest-sessions
rule, voice and chat never mixed at one time); ``max_sessions = 1`` is a voice queue contact by
contact; random chat days give the same outcome contact by contact on both engines.
"""

from dataclasses import replace

import numpy as np
import pytest
from test_center_engines import THREE_GROUPS, assert_same, random_day

from staffing.simulation import ANSWERED, AgentWindows, Callers
from staffing.simulation.fast_center import run_center_day_fast
from staffing.simulation.model import Routing, join_windows, windows_from_counts
from staffing.simulation.simpy_engine import run_center_day

ENGINES = {"simpy": run_center_day, "fast": run_center_day_fast}
INF = np.inf


@pytest.fixture(params=sorted(ENGINES))
def engine(request):
    return ENGINES[request.param]


def contacts(rows) -> Callers:
    """Callers from ``(arrival, queue, handle, patience)`` rows."""
    a, q, h, p = (np.array(x, dtype=float) for x in zip(*rows, strict=True))
    return Callers(a, h, p, np.zeros(a.size, dtype=np.int64), queue=q.astype(np.int64))


def windows(*spans) -> AgentWindows:
    return AgentWindows(tuple(((on, off, False),) for on, off in spans), np.zeros((0, 3)))


def chat_routing(queues_chat, speed, group_of) -> Routing:
    """One group serving every queue, without delay, at factor 1; ``speed`` its sessions'."""
    q = len(queues_chat)
    return Routing(
        delay=np.zeros((1, q)),
        factor=np.ones((1, q)),
        preference=np.arange(q, dtype=np.int64)[None, :],
        priority=np.zeros(q, dtype=np.int64),
        group_of=np.array(group_of, dtype=np.int64),
        chat=np.array(queues_chat, dtype=np.bool_),
        speed=np.array([speed], dtype=float),
    )


def test_hand_traced_sessions_stretch_as_others_open_and_shrink_as_they_close(engine):
    # One agent, up to 3 sessions at speeds 1, 0.8, 0.5 (1, 2, 3 open). Work is at speed 1.
    #  t=10  c0 opens (work 100): 1 open, it would end at 110
    #  t=20  c0 has 90 left; c1 opens (60): 2 open at 0.8, c1 would end at 20 + 60/0.8 = 95
    #  t=30  10 s at 0.8 = 8 done: c0 82, c1 52; c2 opens (50): 3 open at 0.5, next end c2's
    #        at 30 + 50/0.5 = 130
    #  t=40  c3 (work 10) finds the agent full: it waits
    #  t=130 100 s at 0.5 = 50 done: c0 32, c1 2, c2 0: c2 ends; the slot takes c3 (wait 90):
    #        3 open again, c1 ends at 130 + 2/0.5 = 134
    #  t=134 2 done: c0 30, c3 8; c1 ends; 2 open: c3 ends at 134 + 8/0.8 = 144
    #  t=144 8 done: c0 22; c3 ends; 1 open at full speed: c0 ends at 166
    callers = contacts([(10, 0, 100, INF), (20, 0, 60, INF), (30, 0, 50, INF), (40, 0, 10, INF)])
    out = engine(callers, windows((0, 1000)), chat_routing([True], [1.0, 0.8, 0.5], [0]))
    np.testing.assert_array_equal(out.status, [ANSWERED] * 4)
    np.testing.assert_array_equal(out.agent, [0, 0, 0, 0])
    np.testing.assert_allclose(out.wait, [0, 0, 0, 90], rtol=0, atol=1e-9)
    np.testing.assert_allclose(out.end, [166, 134, 130, 144], rtol=0, atol=1e-9)
    np.testing.assert_allclose(out.queue_area, [90], atol=1e-9)
    np.testing.assert_allclose(out.logged, [[0, 1000]])


def test_hand_traced_new_chat_goes_to_the_agent_with_fewest_sessions(engine):
    # Two agents, 2 sessions each at full speed, on [0, 1000).
    #  c0 t=1 both idle since 0: agent 0 (lower index); c1 t=2: agent 1 (0 open < 1 open)
    #  c2 t=3 both hold 1: agent 0 has held 1 since t=1, agent 1 only since t=2: agent 0
    #  c3 t=4 agent 1 (the only free slot); c4 t=5 both full: waits
    #  t=12 c1 ends on agent 1 (10 s of work from t=2): its slot takes c4, wait 7; c4 ends 32
    callers = contacts(
        [(1, 0, 100, INF), (2, 0, 10, INF), (3, 0, 100, INF), (4, 0, 100, INF), (5, 0, 20, INF)]
    )
    out = engine(callers, windows((0, 1000), (0, 1000)), chat_routing([True], [1, 1], [0, 0]))
    np.testing.assert_array_equal(out.agent, [0, 1, 0, 1, 1])
    np.testing.assert_allclose(out.wait, [0, 0, 0, 0, 7], rtol=0, atol=1e-9)
    np.testing.assert_allclose(out.end, [101, 12, 103, 104, 32], rtol=0, atol=1e-9)


def test_hand_traced_voice_waits_while_sessions_are_open_and_chat_while_on_a_call(engine):
    # One agent serving voice (queue 0) and chat (queue 1, 2 sessions at speed 1).
    #  c0 chat t=1 (50): opens, ends at 51
    #  c1 call t=2 (10): the agent has a session open: the call waits
    #  c2 chat t=3 (5): a free slot: opens at once, ends at 8; the freed slot takes only chat
    #  t=51 c0 ends, nothing open: the agent takes the call c1 (wait 49), to 61
    #  c3 chat t=55 (5): the agent is on a call: it waits until 61 (wait 6), ends at 66
    callers = contacts([(1, 1, 50, INF), (2, 0, 10, INF), (3, 1, 5, INF), (55, 1, 5, INF)])
    out = engine(callers, windows((0, 1000)), chat_routing([False, True], [1, 1], [0]))
    np.testing.assert_allclose(out.wait, [0, 49, 0, 6], rtol=0, atol=1e-9)
    np.testing.assert_allclose(out.end, [51, 61, 8, 66], rtol=0, atol=1e-9)


def test_hand_traced_sessions_outlast_the_window_and_take_nothing_new(engine):
    # One agent on [0, 20), 2 sessions at speed 1. c0 t=1 (30) and c1 t=2 (5) open; c1 ends
    # at 7; c2 t=25 arrives after the window's end: the free slot is closed, it is never
    # answered (patience 10: gone at 35); the agent leaves when c0 ends at 31.
    callers = contacts([(1, 0, 30, INF), (2, 0, 5, INF), (25, 0, 3, 10)])
    out = engine(callers, windows((0, 20)), chat_routing([True], [1, 1], [0]))
    np.testing.assert_array_equal(out.agent, [0, 0, -1])
    np.testing.assert_allclose(out.wait, [0, 0, 10], rtol=0, atol=1e-9)
    np.testing.assert_allclose(out.logged, [[0, 31]], rtol=0, atol=1e-9)


# =========================================================================== random days


def chat_three_groups(group_of, k, speed):
    """THREE_GROUPS with queue 1 as chat, ``k`` sessions at ``speed`` in groups 1 and 2."""
    speeds = np.zeros((3, k))
    speeds[0, 0] = 1.0
    speeds[1:] = speed
    return replace(
        THREE_GROUPS, group_of=group_of, chat=np.array([False, True, False]), speed=speeds
    )


@pytest.mark.parametrize("seed", range(3))
def test_one_session_chat_is_a_voice_queue_contact_by_contact(seed):
    rng, grid, callers = random_day(seed, 120.0)
    windows_, group_of = join_windows(
        [windows_from_counts(rng.integers(0, 25, 12), grid) for _ in range(3)]
    )
    voice = run_center_day_fast(callers, windows_, replace(THREE_GROUPS, group_of=group_of))
    for run in (run_center_day_fast, run_center_day):
        chat = run(callers, windows_, chat_three_groups(group_of, 1, [1.0]))
        np.testing.assert_array_equal(chat.status, voice.status)
        np.testing.assert_array_equal(chat.agent, voice.agent)
        np.testing.assert_allclose(chat.wait, voice.wait, rtol=0, atol=1e-9)
        np.testing.assert_allclose(chat.end, voice.end, rtol=0, atol=1e-9)


@pytest.mark.parametrize("seed", range(4))
def test_engines_agree_on_random_chat_days(seed):
    rng, grid, callers = random_day(seed + 20, 150.0)
    windows_, group_of = join_windows(
        [windows_from_counts(rng.integers(0, 12, 12), grid) for _ in range(3)]
    )
    r = chat_three_groups(group_of, 3, [1.0, 0.85, 0.7])
    fast = assert_same(callers, windows_, r)
    slow = run_center_day(callers, windows_, r)
    np.testing.assert_allclose(slow.end, fast.end, rtol=0, atol=1e-9)
    answered = fast.status == ANSWERED
    chat = callers.queue == 1
    # a real chat day: sessions overlap on some agent
    assert (answered & chat).sum() > 100
    begin = callers.arrival + fast.wait
    assert (fast.end[answered] >= begin[answered] - 1e-9).all()
    # a session lasts at least its work at full speed, at most its work at the slowest
    work = callers.handle * np.nan_to_num(r.factor, nan=1.0)[group_of[fast.agent], callers.queue]
    length = fast.end - begin
    assert (length[answered] >= work[answered] - 1e-6).all()
    assert (length[answered & chat] <= work[answered & chat] / 0.7 + 1e-6).all()
    assert (length[answered & chat] > work[answered & chat] + 1e-6).any()
