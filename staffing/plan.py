"""The planning pipeline: scenario -> requirements -> schedule -> simulation -> report.

1. **Requirements** per interval by Erlang (SIPP, :mod:`staffing.requirements`).
2. **Schedule**: how many agents start each shift pattern, with breaks placed, at least
   cost (MILP, :mod:`staffing.scheduling`).
3. **Simulation-verified staffing**: SIPP under-staffs the peaks and over-staffs the troughs
   of a real day, where queues carry over between intervals. The schedule is simulated;
   every interval that misses a target in simulation has its requirement raised above its
   current coverage, and the day is rescheduled, for a bounded number of rounds, in the
   spirit of the iterative staffing algorithm (Feldman, Mandelbaum, Massey & Whitt 2008).
   Every round meets the same simulated callers (common random numbers), so rounds differ
   by staffing only. The plan kept is the cheapest round with no interval missing a target,
   or else the one with the fewest misses.
4. **Report** (:func:`write_report`): CSV tables, PNG charts and a one-page ``summary.md``.

With first-contact resolution below 1 (``[callers] fcr``), the forecast counts first
contacts: the Erlang requirement is sized for ``calls / fcr`` contacts per interval (an issue
takes ``1 / fcr`` contacts on average), and the simulation generates the repeats (and any
redials) when and where they happen.

Shrinkage in a scenario is the share of paid time lost *besides* the scheduled breaks
(absence, meetings, training): the schedule places agents on the phones, and the paid hours,
FTE and cost of covering it are those of the schedule divided by ``1 - shrinkage``.

References
----------
.. [1] Z. Feldman, A. Mandelbaum, W. A. Massey and W. Whitt, "Staffing of time-varying
   queues to achieve time-stable performance", Management Science 54(2), 324-338, 2008.
   doi:10.1287/mnsc.1070.0821
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from staffing import report
from staffing.costs import CostBreakdown, cost_breakdown
from staffing.errors import InputError
from staffing.requirements import Requirements, compute_requirements
from staffing.scenario import Scenario
from staffing.scheduling import ScheduleResult, schedule
from staffing.shifts import Shift, write_shifts
from staffing.simulation import Grid, SimulationResult, simulate

IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class Round:
    """One schedule-and-simulate round.

    Attributes
    ----------
    number : int
        0 for the Erlang-only schedule, then 1, 2, ...
    requirement : ndarray of int
        Agents required on the phones per interval, as scheduled in this round.
    schedule : ScheduleResult
        The MILP's schedule.
    simulation : SimulationResult
        Its simulated KPIs.
    missing : ndarray of int
        Intervals (with calls) missing a target in simulation.
    paid_hours : float
        Paid hours to cover the schedule, shrinkage included [h].
    costs : CostBreakdown
        What those hours cost, by component (:mod:`staffing.costs`).
    """

    number: int
    requirement: IntArray
    schedule: ScheduleResult
    simulation: SimulationResult
    missing: IntArray
    paid_hours: float
    costs: CostBreakdown

    @property
    def cost(self) -> float:
        """Total cost of the round's plan over the horizon."""
        return self.costs.total


@dataclass(frozen=True)
class PlanResult:
    """Everything a plan produced; ``best`` is the round kept."""

    scenario: Scenario
    erlang: Requirements
    rounds: list[Round]
    best: Round

    @property
    def erlang_only(self) -> Round:
        """The first round: the schedule for the Erlang (SIPP) requirement as is."""
        return self.rounds[0]

    def totals(self) -> pd.DataFrame:
        """Day/week totals of the Erlang-only and the kept schedule, side by side."""
        columns = {"Erlang only": self.erlang_only}
        if self.best is not self.erlang_only:
            columns["simulation-verified"] = self.best
        return pd.DataFrame({name: _totals(self.scenario, r) for name, r in columns.items()})


def _misses(scenario: Scenario, sim: SimulationResult) -> IntArray:
    """Intervals with calls whose simulated mean misses a target."""
    t = scenario.targets
    table = sim.intervals
    miss = np.zeros(len(table), dtype=bool)
    if t.service_level is not None:
        miss |= table.service_level.to_numpy() < t.service_level
    if t.asa is not None:
        miss |= table.asa.to_numpy() > t.asa
    if t.abandon_rate is not None:
        miss |= table.abandon_rate.to_numpy() > t.abandon_rate
    return np.flatnonzero(miss & (table.offered.to_numpy() > 0))


def _costs(
    scenario: Scenario, shifts: list[Shift], sim: SimulationResult, paid_hours: float
) -> CostBreakdown:
    """Cost the plan: its paid hours, and the calls and handling time it achieved."""
    day = sim.day
    scheduled = sum(s.headcount * s.paid_seconds for s in shifts) / 3600.0
    # handling time = utilization x the schedule's paid hours; calls finished in overtime
    # after closing are not paid hours here, so it is capped at the paid hours
    handle_hours = min(float(day.loc["utilization", "mean"]) * scheduled, paid_hours)
    return cost_breakdown(
        scenario.costs,
        paid_hours=paid_hours,
        handled_calls=float(day.loc["answered", "mean"]),
        handle_hours=handle_hours,
        period_days=len(scenario.forecast.days),
        fte_hours_per_day=scenario.fte_hours,
    )


def _paid_hours(shifts: list[Shift], shrinkage: float) -> float:
    return sum(s.headcount * s.paid_seconds for s in shifts) / 3600.0 / (1.0 - shrinkage)


def _totals(scenario: Scenario, r: Round) -> dict[str, float]:
    day = r.simulation.day
    handled = float(day.loc["answered", "mean"])
    days = len(scenario.forecast.days)
    return {
        "headcount on shifts": float(sum(s.headcount for s in r.schedule.shifts)),
        "paid hours": r.paid_hours,
        "FTE": r.paid_hours / (scenario.fte_hours * days),
        "cost": r.cost,
        "cost per contact handled": r.cost / handled if handled else float("nan"),
        "calls offered": float(day.loc["offered", "mean"]),
        "service level": float(day.loc["service_level", "mean"]),
        "service level 95% CI": float(day.loc["service_level", "ci"]),
        "ASA s": float(day.loc["asa", "mean"]),
        "abandon rate": float(day.loc["abandon_rate", "mean"]),
        "occupancy": float(day.loc["occupancy", "mean"]),
        "utilization": float(day.loc["utilization", "mean"]),
        "intervals missing a target": float(len(r.missing)),
        "shortfall agent-intervals": float(np.sum(r.schedule.shortfall)),
    }


def simulate_schedule(scenario: Scenario, shifts: list[Shift], **options: Any) -> SimulationResult:
    """Simulate shifts against the scenario's forecast, threshold and callers.

    The callers' patience and handle-time distributions and their returns (FCR, redials)
    come from the scenario; ``options`` go to :func:`staffing.simulation.simulate`
    (replications, seed, volume_cv, progress...).
    """
    callers = scenario.callers
    return simulate(
        scenario.forecast,
        shifts=shifts,
        threshold=scenario.targets.threshold,
        patience=callers.patience,
        patience_distribution=callers.patience_distribution,
        patience_cv=callers.patience_cv,
        handle_distribution=callers.handle_distribution,
        handle_cv=callers.handle_cv,
        returns=callers.returns,
        **options,
    )


def plan(
    scenario: Scenario,
    *,
    progress: Callable[[str, int, int], None] | None = None,
) -> PlanResult:
    """Plan the scenario: schedule, simulate, and correct where simulation misses a target.

    Parameters
    ----------
    scenario : Scenario
        The planning problem.
    progress : callable, optional
        Called as ``progress(stage, done, total)`` while rounds simulate.

    Returns
    -------
    PlanResult
    """
    fc = scenario.forecast
    callers = scenario.callers
    # the forecast counts first contacts; with FCR f an issue takes 1/f contacts on average,
    # the steady-state volume the Erlang requirement is sized for (simulation then places
    # the repeats and redials in time)
    erlang = compute_requirements(
        replace(fc, calls=fc.calls / callers.returns.fcr),
        scenario.targets,
        patience=callers.patience,
        shrinkage=scenario.shrinkage,
        fte_hours=scenario.fte_hours,
    )
    grid = Grid.of(fc)
    requirement = erlang.agents.copy()
    rounds: list[Round] = []
    rules = scenario.rules
    sim = scenario.simulation
    for number in range(sim.rounds + 1):
        result = schedule(
            requirement,
            grid.start,
            grid.length,
            scenario.patterns,
            max_headcount=rules.max_headcount,
            min_headcount=rules.min_headcount,
            max_part_time_share=rules.max_part_time_share,
            time_limit=rules.time_limit,
        )
        if not result.shifts:
            raise InputError(
                f"{scenario.path}: no shift could be scheduled: " + "; ".join(result.messages)
            )
        stage = "Erlang-only schedule" if number == 0 else f"round {number}"
        simulation = simulate_schedule(
            scenario,
            result.shifts,
            replications=sim.replications,
            seed=sim.seed,
            progress=None
            if progress is None
            else (lambda done, s=stage: progress(s, done, sim.replications)),
        )
        missing = _misses(scenario, simulation)
        paid = _paid_hours(result.shifts, scenario.shrinkage)
        rounds.append(
            Round(
                number,
                requirement.copy(),
                result,
                simulation,
                missing,
                paid,
                _costs(scenario, result.shifts, simulation, paid),
            )
        )
        if missing.size == 0:
            break
        # raise each missing interval above what it had, so the next schedule covers more
        covered = np.ceil(np.asarray(result.coverage)[missing] - 1e-9).astype(np.int64)
        requirement[missing] = np.maximum(requirement[missing], covered) + 1
    clean = [r for r in rounds if r.missing.size == 0]
    best = (
        min(clean, key=lambda r: r.cost)
        if clean
        else min(rounds, key=lambda r: (r.missing.size, r.cost))
    )
    return PlanResult(scenario, erlang, rounds, best)


# --------------------------------------------------------------------------- report


def _fmt_pct(value: float) -> str:
    return "-" if np.isnan(value) else f"{100 * value:.1f}%"


def write_report(result: PlanResult, out_dir: str | Path) -> dict[str, Path]:
    """Write the plan's tables (CSV), charts (PNG) and ``summary.md`` into ``out_dir``.

    Returns the paths written, by name.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sc, best = result.scenario, result.best
    fc = sc.forecast
    paths: dict[str, Path] = {}

    frame = fc.to_frame()
    frame["erlang_agents"] = result.erlang.agents
    frame["required"] = best.requirement
    frame["coverage"] = np.asarray(best.schedule.coverage)
    frame["shortfall"] = np.asarray(best.schedule.shortfall)
    paths["requirements"] = out / "requirements.csv"
    frame.to_csv(paths["requirements"], index=False)

    paths["shifts"] = out / "shifts.csv"
    write_shifts(paths["shifts"], best.schedule.shifts, fc)

    paths["kpis"] = out / "kpis.csv"
    best.simulation.intervals.to_csv(paths["kpis"], index=False)

    totals = result.totals()
    paths["totals"] = out / "totals.csv"
    totals.to_csv(paths["totals"], index_label="measure")

    rounds = pd.DataFrame(
        [
            {
                "round": r.number,
                "agent-intervals required": int(r.requirement.sum()),
                "headcount": sum(s.headcount for s in r.schedule.shifts),
                "paid hours": round(r.paid_hours, 2),
                "cost": round(r.cost, 2),
                "service level": float(r.simulation.day.loc["service_level", "mean"]),
                "intervals missing a target": int(r.missing.size),
            }
            for r in result.rounds
        ]
    )
    paths["rounds"] = out / "rounds.csv"
    rounds.to_csv(paths["rounds"], index=False)

    charts = report.write_charts(
        out,
        best.simulation.intervals,
        sc.targets,
        required=best.requirement,
        scheduled=np.asarray(best.schedule.coverage),
        erlang_required=result.erlang.agents,
        title=sc.name,
    )
    paths.update(charts)
    paths["summary"] = out / "summary.md"
    paths["summary"].write_text(_summary(result, totals, rounds, charts), encoding="utf-8")
    return paths


@dataclass(frozen=True)
class TargetCheck:
    """One service target against the kept plan's simulated whole-horizon value.

    ``status`` is ``"met"``, ``"within tolerance"`` or ``"missed"``
    (:func:`staffing.report.kpi_status`); ``half`` is the 95 % half-width.
    """

    label: str
    key: str
    target: float
    value: float
    half: float
    higher_is_better: bool
    status: str


def target_checks(result: PlanResult) -> list[TargetCheck]:
    """Check every target given in the scenario against the kept plan's simulation."""
    sc = result.scenario
    t = sc.targets
    day = result.best.simulation.day
    checks = []
    for label, target, key, higher in (
        ("service level", t.service_level, "service_level", True),
        ("ASA", t.asa, "asa", False),
        ("abandon rate", t.abandon_rate, "abandon_rate", False),
        ("occupancy", t.max_occupancy, "occupancy", False),
    ):
        if target is None:
            continue
        value, half = float(day.loc[key, "mean"]), float(day.loc[key, "ci"])
        status = report.kpi_status(value, target, higher_is_better=higher, tolerance=sc.tolerance)
        checks.append(TargetCheck(label, key, target, value, half, higher, status))
    return checks


def _status_rows(result: PlanResult) -> list[dict[str, str]]:
    """Format the target checks as rows of the summary table."""
    rows = []
    for c in target_checks(result):
        fmt = (lambda v: f"{v:.1f} s") if c.key == "asa" else _fmt_pct
        rows.append(
            {
                "KPI": c.label,
                "target": ("≥ " if c.higher_is_better else "≤ ") + fmt(c.target),
                "simulated (95% CI)": f"{fmt(c.value)} ± {fmt(c.half)}",
                "status": report.STATUS_MARKS[c.status],
            }
        )
    return rows


_TOTAL_FORMATS = {
    "headcount on shifts": "{:,.0f}",
    "paid hours": "{:,.1f}",
    "FTE": "{:,.1f}",
    "cost": "{:,.0f}",
    "cost per contact handled": "{:,.2f}",
    "calls offered": "{:,.0f}",
    "ASA s": "{:.1f}",
    "intervals missing a target": "{:.0f}",
    "shortfall agent-intervals": "{:.1f}",
}


def _display_totals(totals: pd.DataFrame, currency: str) -> pd.DataFrame:
    """Format the totals as text, each measure in its own unit (shares as percentages)."""

    def text(measure: str, value: float) -> str:
        fmt = _TOTAL_FORMATS.get(measure)
        return fmt.format(value) if fmt else _fmt_pct(value)

    names = {"cost": f"cost {currency}", "cost per contact handled": f"cost per contact {currency}"}
    shown = pd.DataFrame(
        {
            column: [text(m, float(totals.loc[m, column])) for m in totals.index]
            for column in totals.columns
        },
        index=[names.get(m, m) for m in totals.index],
    )
    return shown.reset_index(names="measure")


def _summary(
    result: PlanResult, totals: pd.DataFrame, rounds: pd.DataFrame, charts: dict[str, Path]
) -> str:
    sc = result.scenario
    best = result.best
    t = sc.targets
    target = (
        f"{_fmt_pct(t.service_level)} of calls answered within {t.threshold:g} s"
        if t.service_level is not None
        else "no service-level target"
    )
    cur = sc.costs.currency
    lines = [
        f"# Staffing plan: {sc.name}",
        "",
        sc.description,
        "",
        f"Forecast: {sc.forecast.total_calls:,.0f} calls over {sc.forecast.n_intervals} "
        f"intervals of {sc.forecast.interval / 60:g} min ({len(sc.forecast.days)} day(s)). "
        f"Target: {target}. Caller patience: "
        + (f"{sc.callers.patience:g} s mean." if sc.callers.patience else "none (Erlang C).")
        + f" Shrinkage besides breaks: {_fmt_pct(sc.shrinkage)}.",
        "",
        f"Kept plan: round {best.number} "
        + (
            "(the Erlang-only schedule met every target in simulation)."
            if best.number == 0
            else f"of {len(result.rounds) - 1} simulation-verified rounds."
        )
        + f" {sum(s.headcount for s in best.schedule.shifts)} agents on "
        f"{len(best.schedule.shifts)} shift(s), {best.paid_hours:,.1f} paid hours, "
        f"cost {best.cost:,.2f} {cur}.",
        "",
        "## Targets",
        "",
        report.markdown_table(pd.DataFrame(_status_rows(result))),
        "",
        "## Totals",
        "",
        report.markdown_table(_display_totals(totals, sc.costs.currency)),
        "",
        "## Rounds",
        "",
        report.markdown_table(rounds, {"service level": "{:.1%}"}),
        "",
    ]
    if best.missing.size:
        starts = pd.to_datetime(sc.forecast.start[best.missing]).strftime("%a %H:%M")
        lines += [f"Intervals still missing a target in simulation: {', '.join(starts)}.", ""]
    if best.schedule.messages:
        lines += ["## Scheduler notes", "", *[f"- {m}" for m in best.schedule.messages], ""]
    costs = best.costs
    lines += [
        "## Costs",
        "",
        report.markdown_table(
            pd.DataFrame(
                [(item, f"{value:,.2f}", unit) for item, value, unit in costs.rows()],
                columns=["item", "value", "unit"],
            )
        ),
        "",
    ]
    lines += [f"- check: {w}" for w in costs.warnings] + ([""] if costs.warnings else [])
    lines += ["## Charts", ""]
    lines += [f"![{name}]({path.name})" for name, path in charts.items()]
    lines += [
        "",
        "Tables: requirements.csv, shifts.csv (replay with `staffing simulate "
        "--shifts`), kpis.csv, totals.csv, rounds.csv.",
        "",
    ]
    return "\n".join(lines)
