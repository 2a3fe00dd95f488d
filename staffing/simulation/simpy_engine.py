"""The reference engine: a SimPy model of one day, one FCFS queue, agents on windows.

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
    Outcome,
    close_day,
)


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
    opening = {
        (j, w): env.event() for j, windows in enumerate(agents.windows) for w in range(len(windows))
    }

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

    def roster():
        """Open agents' windows in time order, agents of one instant in agent order."""
        for on, j, w in sorted(
            (ws[w][0], j, w) for j, ws in enumerate(agents.windows) for w in range(len(ws))
        ):
            if on > env.now:
                yield env.timeout(on - env.now)
            opening[j, w].succeed()

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
    env.process(roster())
    for j, windows in enumerate(agents.windows):
        env.process(agent(j, windows))
    env.run()
    return close_day(callers, status, wait, agent_of, logged, depth["area"], depth["since"])
