"""The reference engine: a SimPy model of one day, one FCFS queue, agents on windows.

:func:`run_day` simulates one queue; :func:`run_center_day` several queues served by
groups of agents with skills, overflow delays and proficiency (routing as
:class:`staffing.simulation.model.Routing` says).

Readable first: a source process brings callers at their pre-drawn arrival times, each
agent is a process working its on-phone windows, and a caller who finds no free agent
waits until answered or until its patience runs out. The rules (who answers, who stays at
closing time, what happens to a call in progress at a break) are those of DESIGN.md
section 6; :mod:`staffing.simulation.fast_engine` follows the same rules and gives the same
outcome for every caller, as the tests check.
"""

import heapq
from collections import deque
from collections.abc import Sequence
from functools import partial

import numpy as np
import simpy

from staffing.simulation.model import (
    ABANDONED,
    ANSWERED,
    WAITING,
    AgentWindows,
    Callers,
    CenterOutcome,
    Outcome,
    Routing,
    close_center_day,
    close_day,
)


def _openings(env: simpy.Environment, agents: AgentWindows) -> dict[tuple[int, int], simpy.Event]:
    """One event per agent and window, fired when the window opens (:func:`_roster`)."""
    return {
        (j, w): env.event() for j, windows in enumerate(agents.windows) for w in range(len(windows))
    }


def _roster(
    env: simpy.Environment, agents: AgentWindows, opening: dict[tuple[int, int], simpy.Event]
):
    """Open agents' windows in time order, agents of one instant in agent order."""
    for on, j, w in sorted(
        (ws[w][0], j, w) for j, ws in enumerate(agents.windows) for w in range(len(ws))
    ):
        if on > env.now:
            yield env.timeout(on - env.now)
        opening[j, w].succeed()


def run_day(callers: Callers, agents: AgentWindows) -> Outcome:
    """Simulate one day with SimPy: pre-drawn callers against agents' on-phone windows.

    Parameters
    ----------
    callers : Callers
        Who calls, when, for how long, and how patient.
    agents : AgentWindows
        When each agent takes calls.

    Returns
    -------
    Outcome
    """
    env = simpy.Environment()
    n = callers.size
    arrival, handle, patience = callers.arrival, callers.handle, callers.patience
    status = np.zeros(n, dtype=np.int8)
    wait = np.zeros(n)
    agent_of = np.full(n, -1, dtype=np.int64)
    queue: deque[int] = deque()
    # idle agents as (idle since, agent, [wake event, still idle]): longest idle first
    idle: list[tuple[float, int, list]] = []
    logged: list[tuple[float, float]] = []
    # number of callers waiting, and its integral over time
    depth = {"count": 0, "area": 0.0, "since": 0.0}
    opening = _openings(env, agents)

    def queue_change(delta: int) -> None:
        depth["area"] += depth["count"] * (env.now - depth["since"])
        depth["since"] = env.now
        depth["count"] += delta

    def hang_up(i: int, _event: simpy.Event) -> None:
        if status[i] == WAITING:
            status[i] = ABANDONED
            wait[i] = patience[i]
            queue_change(-1)

    def next_caller() -> int:
        while queue:
            i = queue.popleft()
            if status[i] == WAITING:
                queue_change(-1)
                return i
        return -1

    def answer(i: int, j: int) -> float:
        status[i] = ANSWERED
        wait[i] = env.now - arrival[i]
        agent_of[i] = j
        return handle[i]

    def source():
        for i in range(n):
            yield env.timeout(arrival[i] - env.now)
            while idle and not idle[0][2][1]:
                heapq.heappop(idle)
            if idle:
                _, j, token = heapq.heappop(idle)
                token[1] = False
                # answered on arrival: a wait of exactly 0 (env.now may differ from the
                # arrival time by rounding)
                status[i], wait[i], agent_of[i] = ANSWERED, 0.0, j
                token[0].succeed(i)
                continue
            queue.append(i)
            queue_change(+1)
            if np.isfinite(patience[i]):
                env.timeout(patience[i]).callbacks.append(partial(hang_up, i))

    def agent(j: int, windows: Sequence[tuple[float, float, bool]]):
        for w, (on, off, stays) in enumerate(windows):
            if env.now < on:
                yield opening[j, w]
            elif env.now >= off and not stays:
                continue  # a call overran this whole window
            start = env.now
            while True:
                i = next_caller()
                if i < 0:
                    if env.now >= off:
                        break
                    token = [env.event(), True]
                    heapq.heappush(idle, (env.now, j, token))
                    yield token[0] | env.timeout(off - env.now)
                    if not token[0].triggered:
                        token[1] = False
                        break
                    yield env.timeout(handle[token[0].value])
                else:
                    yield env.timeout(answer(i, j))
                if env.now >= off and not (stays and depth["count"] > 0):
                    break
            logged.append((start, env.now))

    env.process(source())
    env.process(_roster(env, agents, opening))
    for j, windows in enumerate(agents.windows):
        env.process(agent(j, windows))
    env.run()
    return close_day(callers, status, wait, agent_of, logged, depth["area"], depth["since"])


def run_center_day(callers: Callers, agents: AgentWindows, routing: Routing) -> CenterOutcome:
    """Simulate one day of several queues and groups with SimPy (the reference).

    Each queue is a FCFS line; a source process brings contacts at their pre-drawn times,
    each agent is a process working its windows, overflow and patience are timers set when
    a contact starts to wait. An agent in chat keeps its open sessions with their remaining
    work and sleeps until the next one ends or a new one opens. The rules, ties included,
    are those of :class:`~staffing.simulation.model.Routing`.

    Parameters
    ----------
    callers : Callers
        Contacts of every queue in arrival order, with ``queue`` set; ``handle`` at
        proficiency 1 (a group's handle factor multiplies it).
    agents : AgentWindows
        When each agent takes contacts; ``routing.group_of`` gives each agent's group.
    routing : Routing
        Skills, overflow delays, handle factors, priorities, chat queues and session speeds.

    Returns
    -------
    CenterOutcome
    """
    env = simpy.Environment()
    n = callers.size
    arrival, handle, patience, queue_of = (
        callers.arrival,
        callers.handle,
        callers.patience,
        callers.queue,
    )
    groups, queues = routing.shape
    delay, factor, priority = routing.delay, routing.factor, routing.priority
    chat, speed, deferred, reserve = routing.chat, routing.speed, routing.deferred, routing.reserve
    assert chat is not None
    assert deferred is not None
    assert reserve is not None
    assert speed is not None
    slots = [routing.sessions(g) for g in range(groups)]
    members = [np.flatnonzero(routing.group_of == g) for g in range(groups)]
    status = np.zeros(n, dtype=np.int8)
    wait = np.zeros(n)
    end = np.full(n, np.nan)
    agent_of = np.full(n, -1, dtype=np.int64)
    waiting: list[deque[int]] = [deque() for _ in range(queues)]
    # per group, idle agents as (idle since, agent, [wake event, still idle]): longest idle first
    idle: list[list[tuple[float, int, list]]] = [[] for _ in range(groups)]
    n_idle = np.zeros(groups, dtype=np.int64)  # the entries of idle still idle (rule 11)
    logged: list[tuple[float, float]] = []
    logged_agent: list[int] = []
    # per queue: contacts waiting, the integral over time, and its last change
    count = np.zeros(queues, dtype=np.int64)
    area = np.zeros(queues)
    since = np.zeros(queues)
    # per agent in chat: open sessions as [contact, remaining work at speed 1 (s)], when the
    # work was last brought up to date, since when it has this many open, the event that
    # wakes it when a session opens, and the end of its current window
    sessions: list[list[list]] = [[] for _ in range(len(agents.windows))]
    updated = np.zeros(len(agents.windows))
    steady = np.zeros(len(agents.windows))
    wake = [env.event() for _ in agents.windows]
    window_off = np.full(len(agents.windows), -np.inf)
    skills = [routing.skills(g) for g in range(groups)]
    immediate = [routing.immediate(q) for q in range(queues)]
    overflow = [routing.overflow(q) for q in range(queues)]
    opening = _openings(env, agents)

    def queue_change(q: int, delta: int) -> None:
        area[q] += count[q] * (env.now - since[q])
        since[q] = env.now
        count[q] += delta

    def bring_up_to_date(j: int, g: int) -> None:
        """Take the work done since the last change off agent ``j``'s open sessions."""
        if sessions[j]:
            done = (env.now - updated[j]) * speed[g, len(sessions[j]) - 1]
            for session in sessions[j]:
                session[1] -= done
        updated[j] = env.now

    def open_session(j: int, g: int, i: int) -> None:
        """Open contact ``i``'s chat session on agent ``j`` (rule 7)."""
        bring_up_to_date(j, g)
        sessions[j].append([i, handle[i] * factor[g, queue_of[i]]])
        steady[j] = env.now

    def with_slot(g: int) -> int:
        """Group ``g``'s agent in chat with a free slot and fewest sessions (rule 8); -1: none."""
        best = -1
        for j in members[g]:
            m = len(sessions[j])
            if 0 < m < slots[g] and env.now < window_off[j]:
                key = (m, steady[j], j)
                if best < 0 or key < (len(sessions[best]), steady[best], best):
                    best = int(j)
        return best

    def hand_over(i: int, g: int, waited: bool) -> bool:
        """Give contact ``i`` to group ``g``'s longest-idle agent (chat: or one with a slot)."""
        q = int(queue_of[i])
        heap = idle[g]
        while heap and not heap[0][2][1]:
            heapq.heappop(heap)
        j, token = -1, None
        if heap and (not deferred[q] or n_idle[g] > reserve[g]):
            _, j, token = heapq.heappop(heap)
            token[1] = False
            n_idle[g] -= 1
        elif chat[q]:
            j = with_slot(g)
        if j < 0:
            return False
        if waited:
            queue_change(q, -1)
        # on arrival, a wait of exactly 0 (env.now may differ from the arrival by rounding)
        status[i], wait[i], agent_of[i] = ANSWERED, env.now - arrival[i] if waited else 0.0, j
        if chat[q]:
            open_session(j, g, i)
        if token is not None:
            token[0].succeed(i)
        elif not wake[j].triggered:
            wake[j].succeed()
        return True

    def hang_up(i: int, _event: simpy.Event) -> None:
        if status[i] == WAITING:
            status[i] = ABANDONED
            wait[i] = patience[i]
            queue_change(int(queue_of[i]), -1)

    def overflow_to(i: int, g: int, _event: simpy.Event) -> None:
        if status[i] == WAITING:
            hand_over(i, g, True)

    def pick(g: int, j: int, chat_only: bool = False, live_only: bool = False) -> int:
        """Answer the contact a freed agent ``j`` of group ``g`` takes now; -1: none (rule 3).

        ``live_only``: past a closing time, no deferred item (rule 10); nor while fewer
        than the group's ``reserve`` other agents are idle (rule 11).
        """
        best, best_q = -1, -1
        for q in skills[g]:
            if (chat_only and not chat[q]) or (
                deferred[q] and (live_only or n_idle[g] < reserve[g])
            ):
                continue
            line = waiting[q]
            while line and status[line[0]] != WAITING:
                line.popleft()
            if not line:
                continue
            i = line[0]
            if arrival[i] + delay[g, q] > env.now:
                continue  # not yet waited long enough for this group
            if best < 0 or (priority[q] == priority[best_q] and arrival[i] < arrival[best]):
                best, best_q = i, q
        if best >= 0:
            waiting[best_q].popleft()
            queue_change(best_q, -1)
            status[best], wait[best], agent_of[best] = ANSWERED, env.now - arrival[best], j
            if chat[best_q]:
                open_session(j, g, best)
        return best

    def fill(g: int, j: int) -> None:
        """Agent ``j`` in chat takes waiting chats while it has a free slot (rule 9)."""
        while len(sessions[j]) < slots[g] and pick(g, j, chat_only=True) >= 0:
            pass

    def in_chat(j: int, g: int, off: float, stays: bool):
        """Agent ``j`` works its open sessions until none is left (rules 7 and 9)."""
        while sessions[j]:
            open_now = sessions[j]
            first = min(range(len(open_now)), key=lambda k: open_now[k][1])
            wake[j] = env.event()
            yield wake[j] | env.timeout(open_now[first][1] / speed[g, len(open_now) - 1])
            if wake[j].triggered:
                continue  # a session opened: plan again
            bring_up_to_date(j, g)
            i = sessions[j].pop(first)[0]
            end[i] = env.now
            steady[j] = env.now
            if sessions[j] and (env.now < off or stays):
                fill(g, j)

    def source():
        for i in range(n):
            yield env.timeout(arrival[i] - env.now)
            q = int(queue_of[i])
            if any(hand_over(i, g, False) for g in immediate[q]):
                continue
            waiting[q].append(i)
            queue_change(q, +1)
            # overflow timers first: at the instant patience ends, overflow still answers
            for g in overflow[q]:
                if delay[g, q] <= patience[i]:
                    env.timeout(delay[g, q]).callbacks.append(partial(overflow_to, i, g))
            if np.isfinite(patience[i]):
                env.timeout(patience[i]).callbacks.append(partial(hang_up, i))

    def agent(j: int, windows: Sequence[tuple[float, float, bool]]):
        g = int(routing.group_of[j])
        for w, (on, off, stays) in enumerate(windows):
            if env.now < on:
                yield opening[j, w]
            elif env.now >= off and not stays:
                continue  # a call overran this whole window
            start = env.now
            window_off[j] = off
            while True:
                i = pick(g, j, live_only=env.now >= off)
                fresh = i >= 0
                if i < 0:
                    if env.now >= off:
                        break
                    token = [env.event(), True]
                    heapq.heappush(idle[g], (env.now, j, token))
                    n_idle[g] += 1
                    yield token[0] | env.timeout(off - env.now)
                    if not token[0].triggered:
                        token[1] = False
                        n_idle[g] -= 1
                        break
                    i = token[0].value
                if chat[queue_of[i]]:
                    if fresh:
                        fill(g, j)
                    yield from in_chat(j, g, off, stays)
                else:
                    end[i] = env.now + handle[i] * factor[g, queue_of[i]]
                    yield env.timeout(handle[i] * factor[g, queue_of[i]])
                if env.now >= off and not stays:
                    break
            logged.append((start, env.now))
            logged_agent.append(j)

    env.process(source())
    env.process(_roster(env, agents, opening))
    for j, windows in enumerate(agents.windows):
        env.process(agent(j, windows))
    env.run()
    return close_center_day(
        callers,
        status,
        wait,
        agent_of,
        np.array(logged, dtype=float),
        np.array(logged_agent, dtype=np.int64),
        area,
        since,
        end,
        deferred,
    )
