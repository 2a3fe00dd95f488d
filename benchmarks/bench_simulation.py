"""Simulated callers per second: our SimPy engine against a minimal SimPy M/M/n+M model.

Both models get the same pre-drawn callers (Poisson arrivals, exponential handle times and
patience) and a constant number of agents; the minimal model is the idiomatic SimPy
program (a ``Resource`` of n agents, one process per caller racing its request against its
patience). Ours carries agents as processes with on-phone windows (shifts, breaks, closing
time) and keeps per-caller records; "with KPIs" adds the per-interval sums. The ratio is
our time over the minimal model's, in the same run. Goal: <= 1.5x.

Run: ``python benchmarks/bench_simulation.py``.
"""

import time

import numpy as np
import simpy

from staffing.erlang import required_agents
from staffing.simulation import ANSWERED, AgentWindows, Callers, Grid, _sums, run_day

AHT, PATIENCE, INTERVAL = 180.0, 120.0, 900.0


def minimal_model(callers: Callers, agents: int) -> int:
    """The textbook SimPy M/M/n+M: returns the number answered."""
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=agents)
    answered = [0]

    def caller(i: int):
        with servers.request() as request:
            result = yield request | env.timeout(callers.patience[i])
            if request in result:
                answered[0] += 1
                yield env.timeout(callers.handle[i])

    def source():
        for i in range(callers.size):
            yield env.timeout(callers.arrival[i] - env.now)
            env.process(caller(i))

    env.process(source())
    env.run()
    return answered[0]


def draw(load: float, hours: float, seed: int) -> tuple[Callers, int, Grid]:
    rng = np.random.default_rng(seed)
    rate = load / AHT
    n = rng.poisson(rate * hours * 3600)
    arrival = np.sort(rng.random(n) * hours * 3600)
    callers = Callers(
        arrival,
        AHT * rng.standard_exponential(n),
        PATIENCE * rng.standard_exponential(n),
        (arrival // INTERVAL).astype(np.int64),
    )
    agents = int(required_agents(load * INTERVAL / AHT, AHT, interval=INTERVAL, patience=PATIENCE))
    grid = Grid(np.arange(int(hours * 3600 / INTERVAL)) * INTERVAL, INTERVAL)
    return callers, agents, grid


def timed(fn, repeat: int = 3) -> float:
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    print(
        f"{'case':<34} {'callers':>8} {'minimal':>12} {'ours':>12} {'ratio':>6} "
        f"{'ours+KPIs':>12} {'ratio':>6}"
    )
    for load, hours in ((100.0, 8.0), (1_000.0, 1.0)):
        callers, agents, grid = draw(load, hours, seed=1)
        end = hours * 3600
        windows = AgentWindows(
            tuple(((0.0, end, True),) for _ in range(agents)),
            np.array([[0.0, end, agents]]),
        )
        ours = run_day(callers, windows)
        same = int((ours.status == ANSWERED).sum()) == minimal_model(callers, agents)
        t_min = timed(lambda c=callers, a=agents: minimal_model(c, a))
        t_ours = timed(lambda c=callers, w=windows: run_day(c, w))
        t_kpis = timed(lambda c=callers, w=windows, g=grid: _sums(c, run_day(c, w), w, g, 20.0))
        rate = callers.size
        print(
            f"{f'{load:,.0f} Erlangs, {agents} agents, {hours:g} h':<34} {rate:>8} "
            f"{rate / t_min:>9,.0f}/s {rate / t_ours:>9,.0f}/s {t_ours / t_min:>5.2f}x "
            f"{rate / t_kpis:>9,.0f}/s {t_kpis / t_min:>5.2f}x"
            + ("" if same else "  (answered counts differ: tie-breaking)")
        )


if __name__ == "__main__":
    main()
