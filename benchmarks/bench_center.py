"""Contacts per CPU-second on a multi-skill day: the compiled engine against the SimPy one.

The case: a 3-queue, 3-group day at about 1,000 Erlangs in all (peak), 08:00-20:00 by
30 min, shaped like the bundled bank example (``simulations/bank_center.toml``) and scaled
up: two service queues and a specialist line, with generalists, bilingual agents (overflow
after 20 s) and specialists (overflow after 60 s at 1.15x the handle time); agents per
group at their queues' Erlang A requirement. Handle times lognormal (CV 0.9), patience
exponential (3 min).

Timed in CPU seconds (``time.process_time``) on the same contacts:

- **fast+draws**: drawing the day's contacts (Poisson counts, times, handle times, patience,
  the merge of queues) plus the compiled engine (``fast_center.run_center_day_fast``);
- **fast**: the compiled engine alone;
- **simpy**: the SimPy reference (``simpy_engine.run_center_day``), on the same contacts.

Goals (issue 11): >= 2 million contacts per CPU-second with draws, and >= 100x the SimPy
engine. The fast engine's compile (or load from numba's disk cache) is reported apart.

A chat day (issue 12) follows: the same day with the French queue as chat (3 sessions per
agent at speeds 1, 0.85, 0.7; 8 min of work at full speed), its bilingual group staffed by
``erlang.chat_required_agents`` and still taking English calls after 20 s, so that agents
switch between calls and sessions.

Run: ``python benchmarks/bench_center.py``.
"""

import time
from dataclasses import replace

import numpy as np

from staffing import distributions
from staffing.erlang import chat_required_agents, required_agents
from staffing.forecast import Forecast
from staffing.simulation.fast_center import run_center_day_fast
from staffing.simulation.model import (
    Grid,
    Routing,
    draw_queue_callers,
    join_windows,
    merge_queues,
    windows_from_counts,
)
from staffing.simulation.simpy_engine import run_center_day

HOURS = 8.0 + 0.5 * np.arange(24) + 0.25
NO = np.nan


def bump(centre: float, width: float) -> np.ndarray:
    return np.exp(-0.5 * ((HOURS - centre) / width) ** 2)


def forecast(calls: np.ndarray, aht: float) -> Forecast:
    starts = np.datetime64("2026-03-03T08:00", "s") + np.arange(24) * np.timedelta64(1800, "s")
    return Forecast(start=starts, calls=calls, aht=np.full(24, aht), interval=1800)


def case(scale: float) -> tuple[list[Forecast], list, Routing]:
    """The three queues, agents per group, and the routing; ``scale`` sets the volume."""
    en = forecast(scale * (60.0 + 270.0 * bump(10.0, 1.3) + 170.0 * bump(14.0, 1.5)), 330.0)
    fr = forecast(scale * (12.0 + 55.0 * bump(10.2, 1.4) + 35.0 * bump(14.2, 1.4)), 360.0)
    mortgages = forecast(scale * (6.0 + 14.0 * bump(12.5, 1.0) + 18.0 * bump(17.5, 1.2)), 720.0)

    def need(fc: Forecast, threshold: float) -> np.ndarray:
        return np.asarray(
            required_agents(fc.calls, fc.aht, interval=1800, threshold=threshold, patience=180.0)
        )

    grid = Grid.of(en)
    agents = [need(en, 20.0) - 2, need(fr, 20.0), need(mortgages, 60.0)]
    windows, group_of = join_windows([windows_from_counts(a, grid) for a in agents])
    routing = Routing(
        delay=np.array([[0, NO, NO], [20, 0, NO], [60, NO, 0]]),
        factor=np.array([[1, NO, NO], [1, 1, NO], [1.15, NO, 1]]),
        preference=np.array([[0, -1, -1], [1, 0, -1], [1, -1, 0]]),
        priority=np.array([1, 0, 1]),
        group_of=group_of,
    )
    return [en, fr, mortgages], windows, routing


SPEED = np.array([1.0, 0.85, 0.7])


def chat_case(scale: float) -> tuple[list[Forecast], list, Routing]:
    """:func:`case` with the French queue as chat of 8 min and 3 sessions per agent."""
    fcs, _, routing = case(scale)
    fcs[1] = forecast(fcs[1].calls * 1.5, 480.0)
    grid = Grid.of(fcs[0])
    agents = [
        np.asarray(required_agents(fcs[0].calls, fcs[0].aht, patience=180.0)) - 2,
        np.asarray(chat_required_agents(fcs[1].calls, fcs[1].aht, 3, session_speed=SPEED)),
        np.asarray(required_agents(fcs[2].calls, fcs[2].aht, threshold=60.0, patience=180.0)),
    ]
    windows, group_of = join_windows([windows_from_counts(a, grid) for a in agents])
    speed = np.zeros((3, 3))
    speed[:, 0] = 1.0
    speed[1] = SPEED
    chat = np.array([False, True, False])
    return fcs, windows, replace(routing, group_of=group_of, chat=chat, speed=speed)


def draw(fcs: list[Forecast], seed: int):
    rng = np.random.default_rng(seed)
    grid = Grid.of(fcs[0])
    handle = distributions.make("lognormal", 1.0, 0.9)
    patience = distributions.make("exponential", 180.0)
    return merge_queues(
        [draw_queue_callers(rng, f.calls, f.aht, grid, handle, patience) for f in fcs]
    )


def cpu(fn, repeat: int) -> float:
    """Least CPU time of ``repeat`` calls [s]."""
    best = np.inf
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    print("voice day")
    measure(*case(scale=13.0))
    print("\nchat day (French queue as chat, 3 sessions)")
    measure(*chat_case(scale=13.0))


def measure(fcs: list[Forecast], windows, routing: Routing) -> None:
    """Time both engines on one day's contacts and print the table."""
    load = sum(f.load for f in fcs)
    callers = draw(fcs, 1)
    start = time.perf_counter()
    run_center_day_fast(callers, windows, routing)
    compile_s = time.perf_counter() - start
    n = callers.size
    print(
        f"3 queues, 3 groups, {len(windows.windows)} agents; peak load {load.max():,.0f} "
        f"Erlangs, {n:,} contacts in the day"
    )
    print(f"fast engine: first call (compile or cache load) {compile_s:.2f} s")
    both = cpu(lambda: run_center_day_fast(draw(fcs, 1), windows, routing), 10)
    fast = cpu(lambda: run_center_day_fast(callers, windows, routing), 10)
    slow = cpu(lambda: run_center_day(callers, windows, routing), 2)
    a = run_center_day(callers, windows, routing)
    b = run_center_day_fast(callers, windows, routing)
    same = bool(
        (a.status == b.status).all()
        and (a.agent == b.agent).all()
        and np.allclose(a.wait, b.wait, rtol=0, atol=1e-9)
    )
    answered = float((b.status == 1).mean())
    print(f"answered {answered:.1%}; same outcome for every contact on both engines: {same}")
    print(f"{'engine':<12}{'CPU s':>10}{'contacts/CPU-s':>18}")
    for name, seconds in (("fast+draws", both), ("fast", fast), ("simpy", slow)):
        print(f"{name:<12}{seconds:>10.3f}{n / seconds:>18,.0f}")
    print(f"fast+draws: {n / both / 1e6:.2f} million contacts per CPU-second (goal >= 2)")
    print(f"fast / simpy on the same contacts: {slow / fast:,.0f}x (goal >= 100x)")
    print(f"fast+draws / simpy: {slow / both:,.0f}x")


if __name__ == "__main__":
    main()
