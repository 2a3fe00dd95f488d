"""Chat queues: agents holding several sessions, on both engines (Routing rules 6 to 9).

Hand-traced days with exact times (sessions slowing down as others open, the fewest-sessions
rule, voice and chat never mixed at one time); ``max_sessions = 1`` is a voice queue contact by
contact; random chat days give the same outcome contact by contact on both engines. Against
theory: ``k`` sessions at full speed are the M/M/(N k)+M queue (Erlang A on ``N k`` servers,
Tezcan & Zhang 2014), from :mod:`staffing.erlang`, itself checked against references in
tests/test_erlang.py.
"""

import csv
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_center_engines import THREE_GROUPS, assert_same, centers, day, random_day
from test_center_simulation import assert_matches, constant, steady, t_interval

from staffing import distributions, erlang
from staffing.callers import CallerBehaviour
from staffing.center import Center, Group, Queue
from staffing.cli import main
from staffing.errors import InputError
from staffing.simulation import ANSWERED, AgentWindows, Callers, Grid
from staffing.simulation.center_run import simulate_center
from staffing.simulation.fast_center import run_center_day_fast
from staffing.simulation.model import (
    Routing,
    draw_queue_callers,
    join_windows,
    merge_queues,
    windows_from_counts,
)
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


# =========================================================================== KPIs and theory


def test_k_sessions_at_full_speed_are_erlang_a_on_n_times_k_servers():
    # 50 chats / 30 min of 360 s (10 Erlangs of sessions), 4 agents x 3 sessions = 12 slots,
    # patience 120 s: Erlang A with 12 servers (SL 0.819, ASA 7.0 s, abandonment 7.6 %)
    chat = Queue(
        "chat",
        constant(50.0, aht=360.0),
        CallerBehaviour(patience=120.0),
        channel="chat",
        max_sessions=3,
    )
    center = Center((chat,), (Group("g", ("chat",), agents=4),))
    result = simulate_center(center, replications=60, seed=7, keep_records=True)
    exact = erlang.kpis(50, 360, 12, interval=1800, threshold=20, patience=120.0)
    assert exact == erlang.chat_kpis(50, 360, 4, 3, patience=120.0)
    widths = {"service_level": 0.02, "abandon_rate": 0.006, "asa": 2.0}
    assert_matches(steady(result, 0), exact, widths)
    # the chat table against the records: sessions open x time = the sessions' lengths
    row = result.chat.set_index("queue").loc["chat"]
    lengths, logged = [], []
    for c, o in zip(result.callers, result.outcomes, strict=True):
        answered = o.status == ANSWERED
        lengths.append(np.sum(o.end[answered] - c.arrival[answered] - o.wait[answered]))
        logged.append(np.sum(o.logged[:, 1] - o.logged[:, 0]))
    per_agent = np.mean(np.array(lengths) / np.array(logged))
    shares = row[[f"sessions_{m}" for m in range(4)]].to_numpy(dtype=float)
    assert shares.sum() == pytest.approx(1.0)
    assert np.dot(shares, np.arange(4)) == pytest.approx(per_agent, rel=1e-9)
    # occupancy: busy while any session is open, the share of time at 1 session or more
    assert row["occupancy"] == pytest.approx(1 - shares[0], rel=1e-9)
    assert result.queues.set_index("queue").loc["chat", "occupancy"] == row["occupancy"]
    # 10 Erlangs on 4 agents: 2.5 sessions per agent on average, a little less after
    # abandonment and the day's empty start
    assert 2.2 < np.dot(shares, np.arange(4)) < 2.5
    # per agent with a session open: between the mean over all time and the cap
    assert np.dot(shares, np.arange(4)) < row["concurrency"] < 3
    assert row["max_sessions"] == 3


def test_slowdown_lies_between_full_speed_and_the_effective_handle_time():
    # 5 agents x 3 sessions at speeds 1, 0.85, 0.7 on 50 chats of 360 s per 30 min. Sessions
    # at full speed would be Erlang A on 15 servers (SL 0.953); every session at the slowest
    # speed, the effective-handle-time method, is Erlang A on 15 servers of 360 / 0.7 s
    # (SL 0.741). The simulation must fall strictly between (79 % on this seed).
    speed = (1.0, 0.85, 0.7)
    chat = Queue(
        "chat",
        constant(50.0, aht=360.0),
        CallerBehaviour(patience=120.0),
        channel="chat",
        max_sessions=3,
        session_speed=speed,
    )
    center = Center((chat,), (Group("g", ("chat",), agents=5),))
    result = simulate_center(center, replications=60, seed=7, keep_records=True)
    mean, half = t_interval(steady(result, 0)["service_level"])
    full = erlang.kpis(50, 360, 15, interval=1800, threshold=20, patience=120.0)
    effective = erlang.chat_kpis(50, 360, 5, 3, session_speed=speed, patience=120.0)
    assert effective.service_level == pytest.approx(0.7409, abs=1e-4)
    assert half < 0.015
    assert effective.service_level < mean - 2 * half
    assert mean + 2 * half < full.service_level
    assert erlang.chat_required_agents(50, 360, 3, session_speed=speed, patience=120.0) == 6


def test_one_session_chat_queue_gives_the_voice_queue_tables():
    calls = constant(60.0, intervals=6)
    voice = Center(
        (Queue("q", calls, CallerBehaviour(patience=90.0)),), (Group("g", ("q",), agents=6),)
    )
    chat = Center(
        (Queue("q", calls, CallerBehaviour(patience=90.0), channel="chat"),),
        (Group("g", ("q",), agents=6),),
    )
    a = simulate_center(voice, replications=5, seed=3)
    b = simulate_center(chat, replications=5, seed=3)
    columns = [c for c in a.queues.columns if c != "channel"]
    np.testing.assert_allclose(
        a.queues[columns[1:]].to_numpy(float), b.queues[columns[1:]].to_numpy(float), rtol=1e-9
    )
    np.testing.assert_allclose(a.groups["occupancy"], b.groups["occupancy"], rtol=1e-9)
    assert list(b.queues["channel"]) == ["chat", ""]
    assert a.chat.empty
    row = b.chat.iloc[0]
    assert row["concurrency"] == pytest.approx(1.0)
    assert row["sessions_1"] == pytest.approx(row["occupancy"], rel=1e-9)


def test_chat_staffing_from_erlang_rounds_slots_up_to_agents():
    # 10 Erlangs at full speed: 14 slots meet 80/20 with Erlang C (SL 0.861; 13 give 0.759),
    # so 5 agents of 3 sessions (4 hold only 12)
    assert erlang.required_agents(50, 360, service_level=0.8, threshold=20) == 14
    assert erlang.chat_required_agents(50, 360, 3) == 5
    np.testing.assert_array_equal(erlang.chat_required_agents([50, 0], 360, 2), [7, 0])
    # slowdown: every slot at the speed with 3 open (0.6): the handle time is 600 s
    slow = erlang.chat_kpis(50, 360, 6, 3, session_speed=[1.0, 0.8, 0.6], patience=120.0)
    assert slow == erlang.kpis(50, 600, 18, interval=1800, threshold=20, patience=120.0)
    with pytest.raises(InputError, match=r"session_speed = \[1.0, 0.9, 0.95\]"):
        erlang.chat_kpis(50, 360, 6, 3, session_speed=[1.0, 0.9, 0.95])
    with pytest.raises(InputError, match="max_sessions = 0"):
        erlang.chat_required_agents(50, 360, 0)


CHAT_SCENARIO = """
[[queues]]
name = "phone"
forecast = "phone.csv"
patience = "2min"

[[queues]]
name = "web"
channel = "chat"
forecast = "web.csv"
patience = "3min"
max_sessions = 3
session_speed = [1.0, 0.85, 0.7]
targets = {{ service_level = "80/60" }}

[[groups]]
name = "blend"
skills = ["web", "phone"]
agents = {agents}
"""


def test_the_bundled_bank_example_with_chat_loads():
    from staffing.scenario import load_scenario

    root = Path(__file__).resolve().parent.parent
    center = load_scenario(root / "simulations" / "bank_center_chat.toml").center
    chat = center.queues[center.queue_names.index("chat")]
    assert (chat.channel, chat.max_sessions, chat.session_speed) == ("chat", 3, (1.0, 0.85, 0.7))
    assert center.sessions(center.group_names.index("chat")) == (3, (1.0, 0.85, 0.7))
    # the voice center is the same file without the chat queue and group
    voice = load_scenario(root / "simulations" / "bank_center.toml").center
    assert (*voice.queue_names, "chat") == center.queue_names
    assert (*voice.group_names, "chat") == center.group_names


def test_simulate_command_writes_the_chat_table(tmp_path, capsys):
    (tmp_path / "phone.csv").write_text("start,calls,aht\n08:00,40,240\n08:30,40,240\n")
    (tmp_path / "web.csv").write_text("start,calls,aht\n08:00,60,480\n08:30,60,480\n")
    (tmp_path / "s.toml").write_text(CHAT_SCENARIO.format(agents=12))
    out = tmp_path / "out"
    status = main(["simulate", str(tmp_path / "s.toml"), "--out", str(out), "--replications", "3"])
    assert status == 0
    printed = capsys.readouterr().out
    assert "max sessions" in printed
    assert "concurrency" in printed
    table = (out / "chat.csv").read_text().splitlines()
    assert table[0] == (
        "queue,max_sessions,concurrency,concurrency_hw,occupancy,sessions_0,sessions_1,"
        "sessions_2,sessions_3"
    )
    assert table[1].startswith("web,3,")
    assert "nan" not in (out / "chat.csv").read_text().lower()
    header = (out / "queues.csv").read_text().splitlines()[0]
    assert header.startswith("queue,channel,offered,answered,abandoned,service_level")
    # the channel table: a row per channel and all, blank where unknown (no fcr given)
    with open(out / "channels.csv", newline="") as f:
        channels = list(csv.DictReader(f))
    assert [r["channel"] for r in channels] == ["voice", "chat", "all"]
    assert [r["cost_low"] for r in channels] == ["3.5", "2", ""]
    assert {r["resolution_status"] for r in channels} == {"unknown"}
    assert {r["resolution_rate"] for r in channels} == {""}
    summary = (out / "summary.md").read_text()
    assert "## By channel" in summary
    assert "KPI_BENCHMARKS.md" in summary
    assert "nan" not in summary.lower()
    assert "by channel" in printed
    assert (out / "chat_concurrency.png").stat().st_size > 10_000
    # a bad speed is one line naming file and key, exit 2, no folder
    (tmp_path / "s.toml").write_text(
        CHAT_SCENARIO.format(agents=12).replace("0.85, 0.7", "0.85, 1.2")
    )
    status = main(["simulate", str(tmp_path / "s.toml"), "--out", str(tmp_path / "bad")])
    err = capsys.readouterr().err
    assert status == 2
    assert "s.toml: queues[1]: session_speed[2] = 1.2; a speed is in (0, 1]" in err
    assert err.count("\n") == 1
    assert not (tmp_path / "bad").exists()


def test_readme_chat_numbers():
    assert round(erlang.chat_kpis(50, 360, 4, 3, patience=120).service_level, 3) == 0.819
    speed = [1.0, 0.85, 0.7]
    assert erlang.chat_required_agents(50, 360, 3, session_speed=speed, patience=120) == 6
    five = erlang.chat_kpis(50, 360, 5, 3, session_speed=speed, patience=120)
    assert round(five.service_level, 3) == 0.741


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(centers(), st.data())
def test_random_chat_centers_agree_and_never_exceed_the_slots(center, data):
    delay, factor, preference, priority, counts, calls, patience, seed = center
    queues, groups = len(calls), len(counts)
    chat = np.array([data.draw(st.booleans()) for _ in range(queues)])
    k = data.draw(st.integers(1, 3))
    speed = np.zeros((groups, k))
    speed[:, 0] = 1.0
    for g in range(groups):
        if chat[preference[g] >= 0].any():
            speed[g] = np.sort(
                data.draw(st.lists(st.sampled_from([0.5, 0.8, 1.0]), min_size=k, max_size=k))
            )[::-1]
    rng = np.random.default_rng(seed)
    fcs = [day(c, 200.0) for c in calls]
    grid = Grid.of(fcs[0])
    pat = None if patience is None else distributions.make("exponential", patience)
    shape = distributions.make("exponential", 1.0)
    callers = merge_queues([draw_queue_callers(rng, f.calls, f.aht, grid, shape, pat) for f in fcs])
    windows_, group_of = join_windows([windows_from_counts(np.array(c), grid) for c in counts])
    r = Routing(delay, factor, preference, priority, group_of, chat=chat, speed=speed)
    if not callers.size:
        return
    out = assert_same(callers, windows_, r)
    np.testing.assert_allclose(out.end, run_center_day(callers, windows_, r).end, atol=1e-9)
    answered = out.status == ANSWERED
    begin = (callers.arrival + out.wait)[answered]
    end = out.end[answered]
    is_chat = chat[callers.queue[answered]]
    agent = out.agent[answered]
    for j in np.unique(agent):
        mine = agent == j
        # sessions open at each opening: at most the group's slots, and never beside a call
        b, e, c = begin[mine], end[mine], is_chat[mine]
        open_at = (b[:, None] >= b[None, :] - 1e-9) & (b[:, None] < e[None, :] - 1e-9)
        assert (open_at.sum(axis=1) <= r.sessions(int(group_of[j]))).all()
        assert not (open_at & (c[:, None] != c[None, :])).any()
