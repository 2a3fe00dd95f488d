"""What each bundled plan costs, and what targets over the day save.

1. **Per scenario** (goal: no bundled plan exceeds its targets by more than the shift rules
   force): the Erlang-only schedule (round 0, the plan before verification) against the
   kept plan after the two-way verification rounds, with cost, simulated service level,
   abandonment, occupancy, and the agent-hours above the requirement that shift rules force.
2. **Targets over the day** (goal: on the e-commerce day without its occupancy cap,
   ``over = "day"`` at least 5 % cheaper than the per-interval plan, the day's 80/20 and 5 %
   abandonment met in simulation): both plans side by side, and the ratio.

Run: ``python benchmarks/bench_plans.py``.
"""

import time
from dataclasses import replace
from pathlib import Path

from staffing.plan import PlanResult, plan
from staffing.scenario import Scenario, load_scenario

HERE = Path(__file__).resolve().parent.parent / "simulations"
SCENARIOS = ("ecommerce_weekday", "techsupport_day", "healthcare_week")


def row(label: str, result: PlanResult, which: str) -> str:
    """One line: a round's cost and simulated KPIs."""
    r = result.erlang_only if which == "first" else result.best
    t = r.totals
    return (
        f"{label:<34} {which:<6} {t.cost:>10,.0f} {t.service_level:>7.1%} "
        f"{t.abandon_rate:>6.1%} {t.occupancy:>6.1%} {t.intervals_missing:>5.0f}"
    )


def timed(scenario: Scenario) -> tuple[PlanResult, float]:
    """Plan and time it [s]."""
    clock = time.perf_counter()
    result = plan(scenario)
    return result, time.perf_counter() - clock


def main() -> None:
    """Print both tables."""
    print(f"{'scenario':<34} {'round':<6} {'cost':>10} {'SL':>7} {'aband':>6} {'occ':>6} miss")
    for name in SCENARIOS:
        result, seconds = timed(load_scenario(HERE / f"{name}.toml"))
        print(row(name, result, "first"))
        print(row(name, result, "kept"))
        d = result.drivers
        print(
            f"{'':<34} shift rules force {d.surplus_agent_hours:,.1f} agent-hours above the "
            f"requirement ({d.surplus_cost:,.0f}); kept round {result.best.number} of "
            f"{len(result.rounds) - 1}; {seconds:.1f} s"
        )
    base = load_scenario(HERE / "ecommerce_weekday.toml")
    uncapped = replace(base, targets=replace(base.targets, max_occupancy=None))
    each, seconds_each = timed(uncapped)
    pooled, seconds_day = timed(replace(uncapped, targets=replace(uncapped.targets, over="day")))
    print()
    print("e-commerce day without the occupancy cap:")
    print(row("  targets in every interval", each, "kept") + f"  {seconds_each:.1f} s")
    print(row("  targets over the day", pooled, "kept") + f"  {seconds_day:.1f} s")
    ratio = pooled.best.cost / each.best.cost
    met = pooled.best.missing.size == 0
    print(
        f"  over the day / per interval: {ratio:.3f} ({1 - ratio:.1%} cheaper; goal >= 5%), "
        f"targets {'met' if met else 'MISSED'} in simulation"
    )


if __name__ == "__main__":
    main()
