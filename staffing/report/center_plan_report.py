"""The report folder of a planned center of several queues and groups.

Writes the tables and charts of the kept round's simulation as ``staffing simulate`` does
(:func:`staffing.report.center_report.write_center_report`: ``queues.csv``, ``groups.csv``,
``intervals.csv`` with a ``queue`` column, ``days.csv``, ``costs.csv`` and the per-queue and
per-group charts), and the plan's own files:

- ``shifts.csv``: the kept schedules, one row per shift kind and group (the columns of
  :func:`staffing.shifts.write_shifts` after a ``group`` column);
- ``requirements.csv``: per interval, each queue's own Erlang requirement (``kind = queue``),
  the pooled requirement (``pool``) and each group's split, kept requirement and scheduled
  coverage (``group``): ``kind, name, start, erlang, required, scheduled``;
- ``rounds.csv``: per round, its phase (``erlang``, ``raise``, ``trim``), paid hours, cost,
  queue-intervals missing a target and whether it is the one kept;
- ``summary.md``: targets per queue, cost per contact per queue, the channel table with
  its reference bands, agents per group, the pooling gain and the rounds;
- ``coverage_<group>.png``: each planned group's kept requirement, its Erlang split and
  the scheduled coverage per interval.
"""

import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from staffing.center_plan import CenterPlanResult
from staffing.report.center_report import channel_section, write_center_report
from staffing.report.charts import plot_coverage
from staffing.report.output import CENTER_PLAN_FILES
from staffing.report.tables import STATUS_MARKS, markdown_table
from staffing.report.terminal import runs
from staffing.shifts import write_shifts

FILES = CENTER_PLAN_FILES[:4]
"""The plan's own files, besides those of :data:`staffing.report.center_report.FILES`."""


def write_center_plan_report(result: CenterPlanResult, folder: Path) -> list[Path]:
    """Write the report of a planned center into ``folder``; return the paths written."""
    folder = Path(folder)
    center, scenario = result.center, result.scenario
    paths = write_center_report(
        result.best.simulation, center, folder, scenario.costs, sector=scenario.scorecard.sector
    )
    paths.append(_shifts(result, folder / "shifts.csv"))
    path = folder / "requirements.csv"
    requirements_table(result).to_csv(path, index=False, float_format="%.6g")
    paths.append(path)
    path = folder / "rounds.csv"
    rounds_table(result).to_csv(path, index=False, float_format="%.6g")
    paths.append(path)
    path = folder / "summary.md"
    path.write_text(summary(result), encoding="utf-8")
    paths.append(path)
    paths += write_coverage_charts(result, folder)
    return paths


def coverage_file(group: str) -> str:
    """File name of a planned group's coverage chart: ``coverage_<group>.png``.

    Characters other than letters, digits, ``-`` and ``_`` become ``_``.
    """
    return f"coverage_{re.sub(r'[^A-Za-z0-9_-]+', '_', group)}.png"


def write_coverage_charts(result: CenterPlanResult, folder: Path) -> list[Path]:
    """Chart each planned group's kept requirement, Erlang split and scheduled coverage."""
    center, best = result.center, result.best
    start = center.forecast.start
    paths = []
    for g, group in enumerate(center.groups):
        if group.name not in best.schedules:
            continue
        paths.append(
            plot_coverage(
                Path(folder) / coverage_file(group.name),
                start,
                best.requirement[g],
                best.schedules[group.name].coverage,
                erlang_required=result.requirements.groups[g],
                title=f"{group.name}: agents required and scheduled on the phones "
                f"(dashed: the pooled Erlang split; round {best.number})",
            )
        )
    return paths


def _shifts(result: CenterPlanResult, path: Path) -> Path:
    """Write every planned group's kept shifts with a ``group`` column in front."""
    forecast = result.center.forecast
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, kept in result.best.schedules.items():
            one = Path(tmp) / "shifts.csv"
            write_shifts(one, kept.shifts, forecast)
            header, *rows = one.read_text(encoding="utf-8").splitlines()
            if not lines:
                lines.append(f"group,{header}")
            group = name.replace(",", " ")
            lines += [f"{group},{row}" for row in rows]
    if not lines:
        lines.append("group,name,start,end,headcount,breaks,paid_breaks")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def requirements_table(result: CenterPlanResult) -> pd.DataFrame:
    """Tabulate requirements per interval: each queue alone, the pool, each group's split."""
    center, need, best = result.center, result.requirements, result.best
    start = center.forecast.start_text()
    coverage = best.coverage(center)
    frames = []
    for q, name in enumerate(center.queue_names):
        frames.append(_rows("queue", name, start, need.queues[q], None, None))
    frames.append(_rows("pool", "all", start, need.pooled, None, None))
    for g, name in enumerate(center.group_names):
        frames.append(_rows("group", name, start, need.groups[g], best.requirement[g], coverage[g]))
    return pd.concat(frames, ignore_index=True)


def _rows(
    kind: str,
    name: str,
    start: list[str],
    erlang: np.ndarray,
    required: np.ndarray | None,
    scheduled: np.ndarray | None,
) -> pd.DataFrame:
    blank = np.full(len(start), np.nan)
    return pd.DataFrame(
        {
            "kind": kind,
            "name": name,
            "start": start,
            "erlang": erlang,
            "required": blank if required is None else required,
            "scheduled": blank if scheduled is None else scheduled,
        }
    )


def rounds_table(result: CenterPlanResult) -> pd.DataFrame:
    """One row per round: paid hours, cost, queue-intervals missing, and the one kept."""
    return pd.DataFrame(
        {
            "round": [r.number for r in result.rounds],
            "phase": [r.phase for r in result.rounds],
            "paid_hours": [float(r.paid_hours.sum()) for r in result.rounds],
            "cost": [r.cost for r in result.rounds],
            "queue_intervals_missing": [r.misses for r in result.rounds],
            "kept": [r is result.best for r in result.rounds],
        }
    )


def pooling_table(result: CenterPlanResult) -> pd.DataFrame:
    """Paid hours of dedicated groups queue by queue against the pooled split [h].

    Both are the schedules of Erlang requirements before simulation (round 0 for the
    pooled split), shrinkage included; a queue whose home group has fixed agents is left
    out of the dedicated sum, and fixed groups out of the pooled one.
    """
    dedicated = float(result.dedicated_paid_hours.sum(skipna=True))
    pooled = result.pooled_paid_hours(0)
    kept = result.pooled_paid_hours(result.best.number)
    gain = dedicated - pooled
    return pd.DataFrame(
        {
            "paid hours": [dedicated, pooled, gain, kept],
        },
        index=pd.Index(
            [
                "dedicated groups, queue by queue (Erlang)",
                "pooled, split among groups (Erlang)",
                "pooling gain",
                "kept plan (simulation-verified schedules)",
            ],
            name="staffing",
        ),
    ).assign(share=lambda f: f["paid hours"] / dedicated if dedicated > 0 else np.nan)


def summary(result: CenterPlanResult) -> str:
    """Write the Markdown summary of a planned center."""
    scenario, center, best = result.scenario, result.center, result.best
    currency = scenario.costs.currency
    checks = result.checks()
    missed = [c for c in checks if c.status == "missed"]
    ok = best.misses == 0 and not missed
    lines = [f"# Plan: {scenario.name}", ""]
    if scenario.description:
        lines += [scenario.description, ""]
    lines += [
        f"{len(center.queues)} queues, {len(center.groups)} groups; round {best.number} kept of "
        f"{len(result.rounds)}, "
        f"{runs(scenario.simulation.replications, len(scenario.forecast.days))} each "
        f"(seed {scenario.simulation.seed}). "
        + (
            "**Every queue meets its targets in every interval.**"
            if ok
            else f"**The plan misses: {best.misses} queue-interval(s) below a target.**"
        ),
        "",
        "## Targets per queue (whole horizon, simulated mean ± 95% half-width)",
        "",
    ]
    rows = pd.DataFrame(
        {
            "queue": [c.queue for c in checks],
            "KPI": [c.label for c in checks],
            "target": [_fmt(c.key, c.target) for c in checks],
            "simulated": [f"{_fmt(c.key, c.value)} ± {_fmt(c.key, c.half)}" for c in checks],
            "status": [STATUS_MARKS.get(c.status, c.status) for c in checks],
        }
    )
    lines += [markdown_table(rows), ""]
    per_queue = pd.DataFrame(
        {
            "queue": list(center.queue_names),
            "intervals missing a target": [int(m) for m in best.missing.sum(axis=1)],
        }
    )
    lines += ["## Intervals missing a target, per queue", "", markdown_table(per_queue), ""]
    costs = result.costs().rename(
        columns={"cost": f"cost [{currency}]", "cost_per_contact": "cost per contact"}
    )
    lines += [
        "## Cost per contact per queue",
        "",
        "Each group's paid hours (shrinkage and overtime included) at its hourly cost, shared "
        "among the queues it served by their share of its handle time; no fixed costs.",
        "",
        markdown_table(
            costs, {"answered": ",.0f", f"cost [{currency}]": ",.0f", "cost per contact": ".2f"}
        ),
        "",
    ]
    lines += channel_section(result.channels(), currency, scenario.scorecard.sector)
    groups = best.simulation.groups.set_index("group")
    table = pd.DataFrame(
        {
            "skills": [", ".join(g.skills) for g in center.groups],
            "planned from": [
                ", ".join(g.shifts) if g.agents is None else "fixed agents" for g in center.groups
            ],
            "shifts": [
                sum(s.headcount for s in best.schedules[g.name].shifts)
                if g.name in best.schedules
                else np.nan
                for g in center.groups
            ],
            "agents on the phones (mean)": groups["agents"].to_numpy(),
            "paid hours": best.paid_hours.to_numpy(),
            "occupancy": groups["occupancy"].to_numpy(),
        },
        index=pd.Index(list(center.group_names), name="group"),
    )
    lines += [
        "## Agents per group",
        "",
        markdown_table(
            table,
            {
                "shifts": ",.0f",
                "agents on the phones (mean)": ",.1f",
                "paid hours": ",.1f",
                "occupancy": ".1%",
            },
        ),
        "",
        "## Pooling gain",
        "",
        "Paid hours of the Erlang schedules: dedicated groups each sized for one queue alone "
        "(with its home group's shift patterns), against the pooled requirement split among "
        "the groups (Wallace & Whitt 2005). In agents on the phones summed over the "
        f"intervals: {int(result.requirements.queues.sum()):,} for the queues alone, "
        f"{int(result.requirements.pooled.sum()):,} pooled, "
        f"{int(result.requirements.groups.sum()):,} after the split (groups' floors included).",
        "",
        markdown_table(pooling_table(result), {"paid hours": ",.1f", "share": ".1%"})
        if result.erlang_only.schedules
        else "No group is planned from shifts (all have fixed agents): no schedules to compare.\n",
        "",
        "## Rounds",
        "",
        markdown_table(rounds_table(result), {"paid_hours": ",.1f", "cost": ",.0f"}),
        "",
    ]
    if result.unraised:
        lines += [
            f"{result.unraised} queue-interval(s) missed with no planned group serving the "
            "queue to raise (its groups have fixed agents).",
            "",
        ]
    return "\n".join(lines + _blending_lines(result))


def _blending_lines(result: CenterPlanResult) -> list[str]:
    """Say how email was blended: usable share per round, and groups without a reserve."""
    center = result.center
    emails = [q.name for q in center.queues if q.deferred]
    if not emails:
        return []
    lines = [
        "## Email",
        "",
        "Each group serving email fits its share of the items by their deadline in the time "
        "its calls and chats leave (the deadline constraint of its schedule); where a day's "
        "items came late, the next round gave email a smaller usable share of that time. "
        "Usable share in the round kept: "
        + ", ".join(f"{name} {result.best.usable.get(name, 1.0):.0%}" for name in emails)
        + ".",
        "",
    ]
    bare = [
        g.name
        for g in center.groups
        if not g.reserve
        and {center.queues[center.queue_names.index(s)].deferred for s in g.skills} == {True, False}
    ]
    if bare:
        lines += [
            f"Blended without a reserve: {', '.join(bare)}. An agent takes an item whenever no "
            "call or chat waits, so the next call may wait for the item in hand; a group's "
            "`reserve = N` keeps N agents idle for calls before any takes email, often the "
            "cheaper plan (notebook 07_chat_and_email).",
            "",
        ]
    return lines


def _fmt(key: str, value: float) -> str:
    if not np.isfinite(value):
        return "—"
    return f"{value:.1f} s" if key == "asa" else f"{value:.1%}"
