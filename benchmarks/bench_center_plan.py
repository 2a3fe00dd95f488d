"""Wall time of `staffing plan` on the bundled multi-skill bank (issue 11: under 30 s).

Two measures on ``simulations/bank_center_plan.toml`` (4 queues, 3 groups planned from
shift patterns, 20 simulated days per round, at most 3 raise rounds):

- **cli**: the whole command in a fresh process (``python -m staffing.cli plan ... --out``),
  start-up, the compiled engine's load from numba's disk cache, the report's charts and
  tables included; best and median of ``REPEATS`` runs;
- **in process**: :func:`staffing.center_plan.plan_center` alone, then its parts: the Erlang
  requirements and split, one group's schedules, one round's simulation.

Run: ``python benchmarks/bench_center_plan.py``.
"""

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from staffing.center_plan import _schedule_group, center_requirements, plan_center
from staffing.scenario import load_scenario
from staffing.simulation import Grid
from staffing.simulation.center_run import simulate_center

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "simulations" / "bank_center_plan.toml"
REPEATS = 3
GOAL = 30.0


def cli_seconds() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "staffing.cli", "plan", str(SCENARIO), "--out", f"{tmp}/p"],
            check=False,
            capture_output=True,
        )
        return time.perf_counter() - start


def main() -> None:
    cli = [cli_seconds() for _ in range(REPEATS)]
    print(
        f"staffing plan {SCENARIO.name}: best {min(cli):.2f} s, median "
        f"{statistics.median(cli):.2f} s over {REPEATS} runs; goal {GOAL:.0f} s "
        f"(best = {min(cli) / GOAL:.1%} of it)"
    )
    scenario = load_scenario(SCENARIO)
    center = scenario.center
    assert center is not None
    start = time.perf_counter()
    result = plan_center(scenario)
    total = time.perf_counter() - start
    print(
        f"plan_center in process: {total:.2f} s, {len(result.rounds)} rounds, kept round "
        f"{result.best.number} with {result.best.misses} queue-intervals missing"
    )
    start = time.perf_counter()
    need = center_requirements(center)
    print(f"  requirements and split: {time.perf_counter() - start:.3f} s")
    grid = Grid.of(center.forecast)
    for g, group in enumerate(center.groups):
        start = time.perf_counter()
        _schedule_group(scenario, group, need.groups[g], grid)
        print(f"  schedule of {group.name}: {time.perf_counter() - start:.2f} s")
    shifts = {name: s.shifts for name, s in result.best.schedules.items()}
    start = time.perf_counter()
    simulate_center(
        center,
        shifts=shifts,
        replications=scenario.simulation.replications,
        seed=scenario.simulation.seed,
    )
    print(
        f"  one round's simulation ({scenario.simulation.replications} days): "
        f"{time.perf_counter() - start:.2f} s"
    )


if __name__ == "__main__":
    main()
