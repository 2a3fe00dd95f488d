"""What blending deferred work (email) into the voice agents' idle time saves, and its cost in time.

On the bundled scenarios, an email queue with a quarter of the voice contacts as items
(300 s each), due within 24 h on the week and 4 h on the day: the schedule of the voice
requirement alone, of the email alone (dedicated agents, no voice load), and blended (the
voice agents' time above the voice load takes the email, ``schedule(deferred=...)``).
Goals: blended paid hours below voice + dedicated email; the solve with the deferred rows
within a small multiple of the voice-only solve; the email-only solve within the scenario's
time limit.

Run: ``python benchmarks/bench_deferred.py``.
"""

from pathlib import Path

import numpy as np

from staffing.deferred import DeferredWork
from staffing.plan import Grid
from staffing.requirements import compute_requirements
from staffing.scenario import Scenario, load_scenario
from staffing.scheduling import ScheduleResult, schedule

HERE = Path(__file__).resolve().parent.parent / "simulations"
CASES = (("healthcare_week", 24 * 3600.0), ("ecommerce_weekday", 4 * 3600.0))
SHARE, HANDLE = 0.25, 300.0


def solve(
    scenario: Scenario, requirement: np.ndarray, deferred: DeferredWork | None
) -> ScheduleResult:
    """The scenario's schedule of ``requirement`` with the deferred work."""
    rules, grid = scenario.rules, Grid.of(scenario.forecast)
    return schedule(
        requirement,
        grid.start,
        grid.length,
        scenario.patterns,
        max_part_time_share=rules.max_part_time_share,
        time_limit=rules.time_limit,
        cyclic=rules.cyclic,
        deferred=deferred,
    )


def line(label: str, result: ScheduleResult) -> str:
    """One schedule: agents, paid hours, late deferred work, solve time."""
    return (
        f"  {label:<22} {result.headcount:>6} {result.paid_hours:>10,.1f} "
        f"{result.deferred_late / 3600:>8.1f} {result.runtime:>7.2f} s  {result.status.name}"
    )


def main() -> None:
    """Print the three schedules per scenario."""
    for name, deadline in CASES:
        scenario = load_scenario(HERE / f"{name}.toml")
        forecast = scenario.forecast
        need = compute_requirements(
            forecast, scenario.targets, patience=scenario.callers.patience
        ).agents
        items = SHARE * forecast.calls
        alone = DeferredWork.from_items(items, HANDLE, deadline)
        blended = DeferredWork.from_items(items, HANDLE, deadline, load=forecast.load)
        voice = solve(scenario, need, None)
        email = solve(scenario, np.zeros_like(need), alone)
        both = solve(scenario, need, blended)
        print(
            f"{name}: {alone.total / 3600:,.1f} agent-hours of email, deadline "
            f"{deadline / 3600:g} h, {need.size} intervals, cyclic={scenario.rules.cyclic}"
        )
        print(f"  {'schedule':<22} {'agents':>6} {'paid h':>10} {'late h':>8} {'time':>9}")
        print(line("voice alone", voice))
        print(line("email alone", email))
        print(line("blended", both))
        separate = voice.paid_hours + email.paid_hours
        print(
            f"  blended / (voice + email): {both.paid_hours / separate:.3f} of the paid hours; "
            f"solve time x{both.runtime / voice.runtime:.1f} of voice alone"
        )


if __name__ == "__main__":
    main()
