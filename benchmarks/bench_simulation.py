"""Simulated callers per second: the compiled engine, our SimPy engine, a minimal SimPy model.

Three models meet the same pre-drawn callers (Poisson arrivals, exponential handle times
and patience):

- **minimal**: the idiomatic SimPy M/M/n+M program written here (a ``Resource`` of n
  agents, one process per caller racing its request against its patience) - constant
  staffing only;
- **simpy**: our SimPy engine (``staffing.simulation.run_day``: agents as processes with
  on-phone windows, shifts, breaks, closing time, per-caller records);
- **fast**: the compiled engine (``staffing.simulation.fast_engine.run_day_fast``), same outcomes.

Cases: stationary hours at about 100, 1,000 and 10,000 Erlangs, and a 96-interval day with
shifts and breaks (the bundled e-commerce day and schedule scaled to a peak of ~1,000
Erlangs). Engines are timed on the same callers; "fast+draws" adds drawing the callers
("random draws included"). Ratios are against the same run. Goals: our SimPy engine <=
1.5x the minimal model's time; the fast engine >= 200x our SimPy engine (engine against
engine) and >= 5 million callers/s on the 1,000-Erlang day with draws. The compile time of
the fast engine is reported apart (first call in this process: a compile, or a load from
numba's disk cache).

Run: ``python benchmarks/bench_simulation.py``.
"""

import time
from pathlib import Path

import numpy as np
import simpy

from staffing import distributions
from staffing.erlang import required_agents
from staffing.forecast import Forecast, read_forecast
from staffing.shifts import Shift, read_shifts
from staffing.simulation import (
    ANSWERED,
    AgentWindows,
    Callers,
    Grid,
    draw_callers,
    windows_from_shifts,
)
from staffing.simulation.simpy_engine import run_day

ROOT = Path(__file__).resolve().parent.parent
AHT, PATIENCE, INTERVAL = 180.0, 120.0, 900.0
EXPONENTIAL = distributions.make("exponential", 1.0)


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


def timed(fn, repeat: int) -> float:
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def stationary(load: float, hours: float) -> tuple[Forecast, AgentWindows, int]:
    n = int(hours * 3600 / INTERVAL)
    calls = np.full(n, load * INTERVAL / AHT)
    start = np.datetime64("2026-03-03T00:00", "s") + np.arange(n) * np.timedelta64(900, "s")
    fc = Forecast(start=start, calls=calls, aht=np.full(n, AHT), interval=INTERVAL)
    agents = int(required_agents(calls[0], AHT, interval=INTERVAL, patience=PATIENCE))
    end = hours * 3600
    windows = AgentWindows(
        tuple(((0.0, end, True),) for _ in range(agents)), np.array([[0.0, end, agents]])
    )
    return fc, windows, agents


def peaked_day(peak: float) -> tuple[Forecast, AgentWindows]:
    base = read_forecast(ROOT / "simulations" / "ecommerce_weekday.csv")
    factor = peak / base.load.max()
    fc = Forecast(start=base.start, calls=base.calls * factor, aht=base.aht, interval=base.interval)
    shifts = read_shifts(ROOT / "simulations" / "ecommerce_weekday_shifts.csv", base)
    scaled = [Shift(s.start, s.end, round(s.headcount * factor), s.breaks) for s in shifts]
    return fc, windows_from_shifts(scaled, Grid.of(fc))


def draw(fc: Forecast, seed: int) -> Callers:
    patience = distributions.make("exponential", PATIENCE)
    return draw_callers(
        np.random.default_rng(seed), fc.calls, fc.aht, Grid.of(fc), EXPONENTIAL, patience
    )


def main() -> None:
    from staffing.simulation import fast_engine as fastsim

    t0 = time.perf_counter()
    fc, windows, _ = stationary(10.0, 1.0)
    fastsim.run_day_fast(draw(fc, 0), windows)
    first = time.perf_counter() - t0
    hits = sum(fastsim._run.stats.cache_hits.values())
    print(
        f"fast engine first call: {first:.2f} s "
        f"({'loaded from the disk cache' if hits else 'compiled; cached on disk for next runs'})\n"
    )

    print(
        f"{'case':<40} {'callers':>8} {'minimal':>11} {'simpy':>11} {'fast':>12} "
        f"{'fast+draws':>12} {'simpy/minimal':>13} {'fast vs simpy':>13}"
    )
    cases = []
    for load, hours in ((100.0, 8.0), (1_000.0, 1.0), (10_000.0, 0.25)):
        fc, windows, agents = stationary(load, hours)
        cases.append((f"{load:,.0f} Erlangs, {hours:g} h", fc, agents, windows))
    day_fc, day_windows = peaked_day(1_000.0)
    cases.append(("96-interval day, shifts, peak 1,000 Erl", day_fc, None, day_windows))
    for name, fc, agents, windows in cases:
        callers = draw(fc, 1)
        n = callers.size
        slow = run_day(callers, windows)
        fast = fastsim.run_day_fast(callers, windows)
        same = (slow.status == fast.status).all() and np.allclose(
            slow.wait, fast.wait, rtol=0, atol=1e-9
        )
        t_simpy = timed(lambda c=callers, w=windows: run_day(c, w), 1)
        t_fast = timed(lambda c=callers, w=windows: fastsim.run_day_fast(c, w), 5)
        t_drawn = timed(lambda f=fc, w=windows: fastsim.run_day_fast(draw(f, 1), w), 5)
        if agents is not None:
            t_min = timed(lambda c=callers, a=agents: minimal_model(c, a), 1)
            minimal_answered = minimal_model(callers, agents)
            agrees = minimal_answered == int((fast.status == ANSWERED).sum())
            min_col, ratio = f"{n / t_min:>8,.0f}/s", f"{t_simpy / t_min:>12.2f}x"
        else:
            agrees, min_col, ratio = True, f"{'-':>10}", f"{'-':>13}"
        print(
            f"{name:<40} {n:>8} {min_col} {n / t_simpy:>8,.0f}/s {n / t_fast:>9,.0f}/s "
            f"{n / t_drawn:>9,.0f}/s {ratio} {t_simpy / t_fast:>12,.0f}x"
            + ("" if same else "  OUTCOMES DIFFER")
            + ("" if agrees else "  (minimal differs)")
        )


if __name__ == "__main__":
    main()
