"""Contacts per CPU-second on a blended week of voice, chat and email: compiled against SimPy.

The case: the bundled week (``simulations/care_week.toml``: a voice queue, a chat queue of
3 sessions per agent slowing as they open, an email queue with a 24-h deadline and a
starting backlog; phone, chat and blended groups, email worked in the idle time of the
chat and blended agents), with every queue's volume and every group's agents multiplied
by ``SCALE``, so the week has about as many contacts as a large center's.

Timed in CPU seconds (``time.process_time``) on the same contacts:

- **fast+draws**: drawing the week's contacts (Poisson counts, times, handle times,
  patience, the starting backlog, the merge of queues) plus the compiled engine;
- **fast**: the compiled engine alone (``fast_center.run_center_day_fast``);
- **simpy**: the SimPy reference (``simpy_engine.run_center_day``) on the same contacts,
  at scale 1 (it is slow); its rate is compared with the compiled engine's at scale 1 too.

Goal (issue 12): >= 1 million contacts per CPU-second with draws, in the compiled engine,
and its ratio to the SimPy engine in the same run.

Run: ``python benchmarks/bench_care_week.py``.
"""

import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from bench_center import cpu

from staffing.center import Center
from staffing.scenario import load_scenario
from staffing.simulation.center_run import _draw, _Setup
from staffing.simulation.fast_center import run_center_day_fast
from staffing.simulation.model import Grid, Routing, join_windows, windows_from_counts
from staffing.simulation.simpy_engine import run_center_day

SCALE = 20.0
ROOT = Path(__file__).resolve().parent.parent


def scaled(center: Center, scale: float) -> Center:
    """Every queue's volume (and starting backlog) and every group's agents times ``scale``."""
    queues = tuple(
        replace(
            q,
            forecast=replace(q.forecast, calls=q.forecast.calls * scale),
            backlog=round(q.backlog * scale),
        )
        for q in center.queues
    )
    groups = tuple(
        replace(g, agents=tuple(round(a * scale) for a in center.agents(k)))
        for k, g in enumerate(center.groups)
    )
    return Center(queues, groups)


def setup(center: Center) -> _Setup:
    grid = Grid.of(center.forecast)
    per_group = [windows_from_counts(center.agents(g), grid) for g in range(len(center.groups))]
    windows, group_of = join_windows(per_group)
    return _Setup(
        center,
        grid,
        tuple(per_group),
        windows,
        Routing.of(center, group_of),
        tuple(None for _ in center.queues),
        "fast",
        0.0,
    )


def main() -> None:
    base = load_scenario(ROOT / "simulations" / "care_week.toml").center
    small, large = setup(base), setup(scaled(base, SCALE))
    start = time.process_time()
    callers = _draw(large, np.random.default_rng(1))
    run_center_day_fast(callers, large.windows, large.routing)
    print(f"compile or load from cache: {time.process_time() - start:.1f} s CPU")

    n = callers.size
    draws = cpu(lambda: _draw(large, np.random.default_rng(1)), 3)
    fast = cpu(lambda: run_center_day_fast(callers, large.windows, large.routing), 3)
    out = run_center_day_fast(callers, large.windows, large.routing)
    email = np.flatnonzero([q.deferred for q in base.queues])[0]
    left = int(((callers.queue == email) & (out.status == 0)).sum())
    print(f"scale {SCALE:g}: {n:,} contacts in the week ({left:,} emails still waiting at the end)")
    print(f"  fast+draws: {n / (draws + fast) / 1e6:.2f} M contacts per CPU-second")
    print(f"  fast:       {n / fast / 1e6:.2f} M contacts per CPU-second")

    few = _draw(small, np.random.default_rng(2))
    slow = cpu(lambda: run_center_day(few, small.windows, small.routing), 1)
    quick = cpu(lambda: run_center_day_fast(few, small.windows, small.routing), 3)
    print(f"scale 1: {few.size:,} contacts")
    print(f"  simpy:      {few.size / slow / 1e3:.1f} k contacts per CPU-second")
    print(f"  fast:       {few.size / quick / 1e6:.2f} M contacts per CPU-second")
    print(f"  fast / simpy: {slow / quick:.0f}x")


if __name__ == "__main__":
    main()
