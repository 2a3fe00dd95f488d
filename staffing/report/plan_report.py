"""The report folder of a plan: CSV tables, PNG charts and a one-page ``summary.md``."""

from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from staffing.errors import InputError
from staffing.plan import PlanResult, predicted_csat, target_checks
from staffing.report.charts import plot_coverage, plot_occupancy, plot_service_level, plot_waits
from staffing.report.tables import STATUS_MARKS, markdown_table, with_start_text
from staffing.requirements import ServiceTargets
from staffing.shifts import write_shifts

INTERVAL_COLUMNS = (
    "start",
    "service_level",
    "service_level_ci",
    "asa",
    "asa_ci",
    "abandon_rate",
    "abandon_rate_ci",
    "occupancy",
    "occupancy_ci",
    "utilization",
)
"""Columns of :attr:`staffing.simulation.SimulationResult.intervals` the charts read."""

CHART_FILES = {
    "coverage": "coverage.png",
    "service_level": "service_level.png",
    "waits": "waits.png",
    "occupancy": "occupancy.png",
}
"""File name of each chart written by :func:`write_charts`."""


def write_charts(
    out_dir: str | PathLike[str],
    intervals: pd.DataFrame,
    targets: ServiceTargets,
    *,
    required: ArrayLike | None = None,
    scheduled: ArrayLike | None = None,
    erlang_required: ArrayLike | None = None,
    title: str = "",
) -> dict[str, Path]:
    """Write the charts of a simulated plan into ``out_dir``.

    Parameters
    ----------
    out_dir
        Folder for the PNG files, created if missing; files of the same names in it are
        overwritten.
    intervals
        Per-interval KPIs as in :attr:`staffing.simulation.SimulationResult.intervals`
        (the columns of :data:`INTERVAL_COLUMNS` are read).
    targets
        Service targets: the service level (with its threshold), ASA and abandonment
        targets and the occupancy cap become the charts' target lines.
    required, scheduled
        Agents required and scheduled on the phones per interval; the coverage chart is
        drawn only when both are given.
    erlang_required
        The initial Erlang (SIPP) requirement for the coverage chart.
    title
        Name of the plan, put in front of each chart's title.

    Returns
    -------
    dict of str to pathlib.Path
        The files written, keyed ``coverage`` (when drawn), ``service_level``, ``waits``
        and ``occupancy`` (file names in :data:`CHART_FILES`).

    Raises
    ------
    InputError
        If a column is missing, only one of ``required`` and ``scheduled`` is given, or
        ``erlang_required`` comes without them.
    """
    missing = [c for c in INTERVAL_COLUMNS if c not in intervals.columns]
    if missing:
        raise InputError(
            f"write_charts: intervals lacks column(s) {', '.join(missing)}; expected the "
            "columns of SimulationResult.intervals"
        )
    if (required is None) != (scheduled is None):
        raise InputError("write_charts: give both required and scheduled, or neither")
    if erlang_required is not None and required is None:
        raise InputError("write_charts: erlang_required needs required and scheduled too")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    def named(chart: str) -> str:
        return f"{title}: {chart}" if title else chart[0].upper() + chart[1:]

    start = intervals["start"].to_numpy()
    paths: dict[str, Path] = {}
    if required is not None:
        paths["coverage"] = plot_coverage(
            out / CHART_FILES["coverage"],
            start,
            required,
            scheduled,
            erlang_required=erlang_required,
            title=named("agents required and scheduled on the phones"),
        )
    paths["service_level"] = plot_service_level(
        out / CHART_FILES["service_level"],
        start,
        intervals["service_level"],
        intervals["service_level_ci"],
        target=targets.service_level,
        threshold=targets.threshold,
        title=named("simulated service level per interval"),
    )
    paths["waits"] = plot_waits(
        out / CHART_FILES["waits"],
        start,
        intervals["asa"],
        intervals["asa_ci"],
        intervals["abandon_rate"],
        intervals["abandon_rate_ci"],
        asa_target=targets.asa,
        abandon_target=targets.abandon_rate,
        title=named("simulated waits and abandonment per interval"),
    )
    paths["occupancy"] = plot_occupancy(
        out / CHART_FILES["occupancy"],
        start,
        intervals["occupancy"],
        intervals["occupancy_ci"],
        max_occupancy=targets.max_occupancy,
        utilization=intervals["utilization"],
        title=named("simulated occupancy per interval"),
    )
    return paths


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
    with_start_text(frame, fc).to_csv(paths["requirements"], index=False)

    paths["shifts"] = out / "shifts.csv"
    write_shifts(paths["shifts"], best.schedule.shifts, fc)

    paths["kpis"] = out / "kpis.csv"
    with_start_text(best.simulation.intervals, fc).to_csv(paths["kpis"], index=False)

    totals = result.totals()
    paths["totals"] = out / "totals.csv"
    totals.to_csv(paths["totals"], index_label="measure")

    rounds = pd.DataFrame(
        [
            {
                "round": r.number,
                "agent-intervals required": int(r.requirement.sum()),
                "shifts": sum(s.headcount for s in r.schedule.shifts),
                "headcount": r.people,
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

    charts = write_charts(
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
                "status": STATUS_MARKS[c.status],
            }
        )
    return rows


_TOTAL_FORMATS = {
    "shifts": "{:,.0f}",
    "headcount (people)": "{:,.0f}",
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


def cost_driver_lines(result: PlanResult) -> list[str]:
    """List what the plan pays beyond the requirement, a line each (files and terminal)."""
    drivers, sc = result.drivers, result.scenario
    cur = sc.costs.currency
    base = result.erlang_only.cost
    lines = [
        f"- shift rules: {drivers.surplus_agent_hours:,.1f} agent-hours on the phones above "
        f"the requirement (about {drivers.surplus_cost:,.0f} {cur} of paid time)"
    ]
    for cap in drivers.caps:
        value = f"{cap.target:g} s" if cap.label == "ASA" else f"{100 * cap.target:g}%"
        share = f", {cap.cost / base:.1%} of the Erlang-only schedule" if base else ""
        lines.append(
            f"- the {cap.label} target ({value}): {cap.cost:,.0f} {cur}{share} "
            f"({cap.paid_hours:,.1f} paid hours with it, {cap.paid_hours_without:,.1f} "
            "without; Erlang-only schedules)"
        )
    each = drivers.per_interval_paid_hours
    if each == each:
        first = result.erlang_only.scheduled_paid_hours
        saved = (each - first) * sc.costs.per_hour
        lines.append(
            f"- targets over the {sc.targets.over} rather than in every interval: "
            f"{saved:,.0f} {cur} saved ({first:,.1f} paid hours against {each:,.1f}; "
            "Erlang-only schedules)"
        )
    gap = "" if drivers.gap != drivers.gap else f", gap {drivers.gap:.2%}"
    lines.append(f"- the schedule's solve: {drivers.status}{gap}")
    return lines


def _spread_lines(result: PlanResult) -> list[str]:
    """Say how service spreads across intervals when targets hold over days or the horizon."""
    sc = result.scenario
    if sc.targets.over == "interval":
        return []
    table = result.best.simulation.intervals
    busy = np.flatnonzero(table["offered"].to_numpy() > 0)
    offered = table["offered"].to_numpy()[busy]
    names = sc.forecast.interval_names(busy)
    lines = [
        "## How service spreads across intervals",
        "",
        f"The targets hold over each {sc.targets.over}'s contacts pooled, as the contract "
        "measures them: the schedule puts agents where they buy the most service for their "
        "cost, so some intervals fall below a target that others beat. Simulated, per "
        "interval with contacts:",
        "",
    ]
    for t in sc.targets.given():
        if t.kpi == "occupancy":  # a cap per interval, checked above
            continue
        fmt = (lambda v: f"{v:.1f} s") if t.kpi == "asa" else _fmt_pct
        values = table[t.kpi].to_numpy()[busy]
        known = ~np.isnan(values)
        if not known.any():
            continue
        ranked = np.where(known, values if t.higher_is_better else -values, np.inf)
        worst = int(np.argmin(ranked))
        share = offered[t.missed(values)].sum() / offered.sum()
        lines.append(
            f"- {t.label}: worst {fmt(values[worst])} ({names[worst]}), median "
            f"{fmt(float(np.median(values[known])))}; {share:.0%} of contacts arrive in "
            f"intervals that miss {fmt(t.value)}"
        )
    return [*lines, ""]


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
        + f" {sum(s.headcount for s in best.schedule.shifts)} shifts of "
        f"{len(best.schedule.shifts)} kind(s), worked by {best.people} people at the least "
        f"({sc.days_per_week:g} days a week each), {best.paid_hours:,.1f} paid hours, "
        f"cost {best.cost:,.2f} {cur}.",
        "",
        "## Targets",
        "",
        markdown_table(pd.DataFrame(_status_rows(result))),
        "",
        "## Totals",
        "",
        markdown_table(_display_totals(totals, sc.costs.currency)),
        "",
        "## Rounds",
        "",
        markdown_table(rounds, {"service level": "{:.1%}"}),
        "",
    ]
    if best.missing.size:
        starts = sc.forecast.interval_names(best.missing)
        lines += [f"Intervals still missing a target in simulation: {', '.join(starts)}.", ""]
    if best.schedule.messages:
        lines += ["## Scheduler notes", "", *[f"- {m}" for m in best.schedule.messages], ""]
    costs = best.costs
    lines += [
        "## Costs",
        "",
        markdown_table(
            pd.DataFrame(
                [(item, f"{value:,.2f}", unit) for item, value, unit in costs.rows()],
                columns=["item", "value", "unit"],
            )
        ),
        "",
    ]
    lines += [
        f"Paid hours: the schedule's {best.scheduled_paid_hours:,.1f} (shrinkage included) "
        f"and {best.overtime_hours:,.1f} of overtime: agents finishing contacts past their "
        "shift's end or into a break (simulated mean; an overrun into a paid break is "
        "counted too, so this errs high).",
        "",
    ]
    lines += [f"- check: {w}" for w in costs.warnings] + ([""] if costs.warnings else [])
    csat = predicted_csat(sc, best.simulation)
    if csat == csat:
        lines += [
            f"Predicted CSAT: {_fmt_pct(csat)} of answered contacts satisfied, from the "
            f"center's own CSAT against wait ({sc.satisfaction.surveys:,} surveys; "
            "`[scorecard] csat_curve`).",
            "",
        ]
    lines += ["## What drives the cost", "", *cost_driver_lines(result), ""]
    lines += _spread_lines(result)
    lines += ["## Charts", ""]
    lines += [f"![{name}]({path.name})" for name, path in charts.items()]
    lines += [
        "",
        "Tables: requirements.csv, shifts.csv (replay with `staffing simulate "
        "--shifts`), kpis.csv, totals.csv, rounds.csv.",
        "",
    ]
    return "\n".join(lines)
