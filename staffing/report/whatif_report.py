"""The report of a what-if sweep: a comparison table, headlines and charts.

Reads a :class:`staffing.sweep.SweepResult` and writes ``whatif.csv``, ``whatif.md`` and
three charts (:data:`CHART_FILES`); :func:`display` and :func:`headlines` give the terminal
its table and lines.
"""

import itertools
import os
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

from staffing import units
from staffing.report import charts
from staffing.report.output import check_out_dir
from staffing.report.tables import markdown_table
from staffing.requirements import MISSED, NO_DATA
from staffing.sweep import SweepResult, queue_column
from staffing.whatif import baseline, header, parameter, value_text
from staffing.whatif import label as axis_label

_SHOWN = (
    ("agents", "agents", ",.0f"),
    ("positions", "positions", ",.1f"),
    ("paid hours", "paid hours", ",.1f"),
    ("FTE", "FTE", ",.1f"),
    ("cost", "cost {currency}", ",.0f"),
    ("cost per contact", "cost/contact {currency}", ",.2f"),
    ("cost per issue", "cost/issue {currency}", ",.2f"),
    ("contacts offered", "offered", ",.0f"),
    ("repeats", "repeats", ",.0f"),
    ("redials", "redials", ",.0f"),
    ("returns outside", "returns after close", ",.0f"),
    ("service level", "SL", ".1%"),
    ("service level 95% CI", "± CI", ".1%"),
    ("ASA s", "ASA s", ".1f"),
    ("abandon rate", "abandoned", ".1%"),
    ("occupancy", "occupancy", ".1%"),
    ("utilization", "utilization", ".1%"),
    ("intervals missing a target", "missing", ",.0f"),
    ("CSAT predicted", "CSAT (pred.)", ".1%"),
)

_RETURNS = ("cost per issue", "repeats", "redials", "returns outside")
"""Columns shown only when contacts come back."""

CHART_FILES = {
    "agents_cost": "agents_cost.png",
    "service_level": "service_level.png",
    "tradeoff": "tradeoff.png",
}
"""File name of each chart :func:`write_whatif` draws."""

TABLE_FILES = {"table": "whatif.csv", "summary": "whatif.md"}
"""File names of the table and the summary :func:`write_whatif` writes."""


def _change(before: float, after: float) -> str:
    return f" ({round(100 * (after / before - 1)):+d} %)" if before else ""


def _shown(result: SweepResult) -> list[tuple[str, str, str]]:
    """(column, header, format) of the result columns worth showing."""
    currency = result.scenario.costs.currency
    return [
        (column, title.format(currency=currency), spec)
        for column, title, spec in _SHOWN
        if (column not in _RETURNS or result.table[list(_RETURNS[1:3])].to_numpy().any())
        and (column != "CSAT predicted" or result.table[column].notna().any())
    ]


def _keys_text(result: SweepResult) -> dict[str, list[str]]:
    return {header(k): [value_text(k, v) for v in result.table[k]] for k in result.keys}


def _queues(result: SweepResult) -> tuple[str, ...]:
    """Return the queues of a center's sweep (none for one queue)."""
    center = result.scenario.center
    return () if center is None else center.queue_names


def display(result: SweepResult) -> pd.DataFrame:
    """Format the table for a terminal: short headers, values in their units.

    A center's table ends with each queue's simulated service level (``SL <queue>``; an
    email queue's share within deadline, ``in deadline <queue>``).
    """
    frame = pd.DataFrame(_keys_text(result))
    for column, title, spec in _shown(result):
        frame[title] = [_shown_value(v, spec) for v in result.table[column]]
    for queue in _queues(result):
        values = result.table[queue_column("service level", queue)]
        frame[_sl_title(result, queue)] = [_shown_value(v, ".1%") for v in values]
    return frame


def _shown_value(value: float, spec: str) -> str:
    """Format a value for the terminal; an undefined one (NaN) as a dash, never ``nan``."""
    return format(value, spec) if np.isfinite(value) else "—"


def _sl_title(result: SweepResult, queue: str) -> str:
    """Return the title of a queue's service column: ``SL <queue>``, or within deadline."""
    center = result.scenario.center
    assert center is not None
    deferred = center.queues[center.queue_names.index(queue)].deferred
    return f"in deadline {queue}" if deferred else f"SL {queue}"


def headlines(result: SweepResult) -> list[str]:
    """One line per varied key: the plan at its lowest value against its highest.

    The other varied keys are held at their first value. Example: ``volume 0.9 → 1.1:
    agents on the phones 271 → 332 (+23 %), positions 387.1 → 474.3 (+23 %), FTE 255.3 →
    312.9 (+23 %), cost per contact 3.56 → 3.56
    USD (+0 %), service level 98.1% → 98.8%``.
    """
    first = result.table.iloc[0]
    currency = result.scenario.costs.currency
    returns = bool(result.table[["repeats", "redials"]].to_numpy().any())
    lines = []
    for key in result.keys:
        others = [k for k in result.keys if k != key]
        rows = result.table
        for k in others:
            rows = rows[rows[k] == first[k]]
        rows = rows.sort_values(key, kind="stable")
        if len(rows) < 2:
            continue
        low, high = rows.iloc[0], rows.iloc[-1]
        held = ", ".join(f"{k} at {value_text(k, first[k])}" for k in others)
        lines.append(
            f"{key} {value_text(key, low[key])} → {value_text(key, high[key])}: "
            f"agents on the phones {low.agents:,.0f} → {high.agents:,.0f}"
            f"{_change(low.agents, high.agents)}, "
            f"positions {low.positions:,.1f} → {high.positions:,.1f}"
            f"{_change(low.positions, high.positions)}, "
            f"FTE {low.FTE:,.1f} → {high.FTE:,.1f}{_change(low.FTE, high.FTE)}, "
            f"cost per contact {low['cost per contact']:,.2f} → "
            f"{high['cost per contact']:,.2f} {currency}"
            f"{_change(low['cost per contact'], high['cost per contact'])}"
            + (
                f", cost per issue {low['cost per issue']:,.2f} → "
                f"{high['cost per issue']:,.2f} {currency}"
                f"{_change(low['cost per issue'], high['cost per issue'])}"
                if returns
                else ""
            )
            + f", service level {low['service level']:.1%} → {high['service level']:.1%}"
            + (f" ({held})" if held else "")
        )
    return lines


def write_whatif(
    result: SweepResult, out_dir: str | os.PathLike[str], *, force: bool = False
) -> dict[str, Path]:
    """Write ``whatif.csv``, ``whatif.md`` and the charts into ``out_dir``.

    Parameters
    ----------
    result
        The sweep.
    out_dir
        A new or empty folder (created if missing).
    force
        Write into an existing non-empty folder; only the files named in
        :data:`TABLE_FILES` and :data:`CHART_FILES` are replaced, nothing else is touched.

    Returns
    -------
    dict of str to pathlib.Path
        The files written: ``table``, ``summary`` and the keys of :data:`CHART_FILES`.

    Raises
    ------
    InputError
        If ``out_dir`` exists and is not empty, and not ``force``.
    """
    out = check_out_dir(out_dir, force=force)
    out.mkdir(parents=True, exist_ok=True)
    paths = {name: out / file for name, file in TABLE_FILES.items()}
    result.table.to_csv(paths["table"], index=False)
    drawn = _charts(result, out)
    paths["summary"].write_text(_markdown(result, drawn), encoding="utf-8")
    return {**paths, **drawn}


def _markdown(result: SweepResult, drawn: dict[str, Path]) -> str:
    sc = result.scenario
    sim = sc.simulation
    shown = _shown(result)
    frame = pd.DataFrame(_keys_text(result))
    for column, title, _ in shown:
        frame[title] = result.table[column]
    written = ", ".join(f"{k} {value_text(k, baseline(sc, k))}" for k in result.keys)
    center = sc.center
    lines = [
        f"# What-if sweep: {sc.name}",
        "",
        f"{len(result.table)} variants of `{sc.path.name}` (as written: {written}), each "
        f"planned as `staffing plan` does (up to {sim.rounds} simulation-verified "
        f"rounds, {sim.replications} simulated days each). Every variant meets the same "
        f"simulated callers (seed {sim.seed}, common random numbers), so differences "
        "between rows are effects of the inputs, not sampling noise.",
        "",
        "## Headlines",
        "",
        *[f"- {line}" for line in headlines(result)],
        "",
        "## Variants",
        "",
        "Agents on shifts, paid hours (shrinkage included), cost over the horizon and per "
        "contact handled; simulated whole-horizon service level (± half-width of its 95% "
        "CI), ASA, abandonment, occupancy and utilization; intervals missing a target."
        + (
            ""
            if center is None
            else f" {len(center.queues)} queues and {len(center.groups)} groups: KPIs of "
            "all contacts pooled (each against its own queue's answer time), agents on the "
            "shifts of the groups planned from shifts, cost without fixed monthly costs, "
            "utilization as handle hours over paid hours, and queue-intervals missing a "
            "target."
        ),
        "",
        markdown_table(frame, {title: spec for _, title, spec in shown}).rstrip(),
        "",
        *_queue_lines(result),
        "## Charts",
        "",
        *[f"![{name}]({path.name})\n" for name, path in drawn.items()],
        f"Full-precision table: {TABLE_FILES['table']}.",
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- charts


def _queue_lines(result: SweepResult) -> list[str]:
    """Write the per-queue section of a center's summary (nothing for one queue)."""
    queues = _queues(result)
    if not queues:
        return []
    frame = pd.DataFrame(_keys_text(result))
    specs = {}
    for queue in queues:
        for column, title, spec in (
            ("service level", _sl_title(result, queue), ".1%"),
            ("abandon rate", f"abandoned {queue}", ".1%"),
            ("cost per contact", f"cost/contact {queue}", ",.2f"),
            ("intervals missing a target", f"missing {queue}", ",.0f"),
        ):
            frame[title] = result.table[queue_column(column, queue)]
            specs[title] = spec
    return [
        "## Per queue",
        "",
        "Each queue's simulated service level (against its own targets' answer time) and "
        "abandonment, cost per contact handled (each group's cost shared among the queues "
        f"it served by handle time, {result.scenario.costs.currency}) and intervals missing "
        "one of its targets.",
        "",
        markdown_table(frame, specs).rstrip(),
        "",
    ]


def _series(result: SweepResult) -> list[tuple[str, pd.DataFrame]]:
    """Rows grouped by the values of the keys after the first, each sorted by the first."""
    key, rest = result.keys[0], list(result.keys[1:])
    if not rest:
        return [("", result.table.sort_values(key, kind="stable"))]
    out = []
    for values, rows in result.table.groupby(rest, sort=False):
        label = ", ".join(f"{k} {value_text(k, v)}" for k, v in zip(rest, values, strict=True))
        out.append((label, rows.sort_values(key, kind="stable")))
    return out


def _annotate(
    result: SweepResult, ax: Axes, x: str, y: str, scale_x: float, scale_y: float
) -> None:
    """Write the first key's value beside each point; points in one place share a label."""
    key = result.keys[0]
    labels: dict[tuple[float, float], list[str]] = {}
    for value, xi, yi in zip(result.table[key], result.table[x], result.table[y], strict=True):
        texts = labels.setdefault((xi * scale_x, yi * scale_y), [])
        if value_text(key, value) not in texts:
            texts.append(value_text(key, value))
    for point, texts in labels.items():
        ax.annotate(
            ", ".join(texts),
            point,
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=8,
            color="#424242",
        )


def _charts(result: SweepResult, out: Path) -> dict[str, Path]:
    draws = {
        "agents_cost": partial(_plot_agents_cost, result),
        "service_level": partial(_plot_service_level, result),
        "tradeoff": partial(_plot_tradeoff, result),
    }
    return {name: draw(out / CHART_FILES[name]) for name, draw in draws.items()}


def _title(result: SweepResult, chart: str) -> str:
    return f"{result.scenario.name}: {chart}" if result.scenario.name else chart


def _sl_label(result: SweepResult) -> str:
    """Service level with its answer time, unless the answer time varies or is a queue's."""
    if result.scenario.center is not None:
        return "service level [% answered within their queue's threshold]"
    if "threshold" in result.keys:
        return "service level [% answered within the threshold]"
    threshold = units.format_duration(result.scenario.targets.threshold)
    return f"service level [% answered in {threshold}]"


def _plot_agents_cost(result: SweepResult, path: Path) -> Path:
    """Draw agents and cost against the first key, one line per value of the other keys."""
    cur = result.scenario.costs.currency
    key = result.keys[0]
    lead = parameter(key)
    scale = 100.0 if lead.percent else 1.0
    fig = charts.new_figure(charts.TALL)
    top, bottom = fig.subplots(2, 1, sharex=True)
    for style, (label, rows) in zip(_styles(), _series(result), strict=False):
        finite = rows[np.isfinite(rows[key])]  # a patience of none has no place
        x = finite[key] * scale
        top.plot(x, finite["agents"], label=label or "agents on shifts", **style)
        bottom.plot(x, finite["cost"], label=label or "cost over the horizon", **style)
    written = baseline(result.scenario, key)
    for ax, column in ((top, "agents"), (bottom, "cost")):
        ax.set_ylim(0.0, 1.08 * max(float(result.table[column].max()), 1.0))
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        if written is not None:
            ax.axvline(
                written * scale,
                color=charts.STATUS_COLOURS[NO_DATA],
                linestyle=":",
                linewidth=1.2,
                label=f"as in the scenario ({lead.text(written)})",
            )
        ax.grid(alpha=0.3)
        charts.legend_outside(ax)
    top.set_ylabel("agents on shifts (headcount)")
    bottom.set_ylabel(f"cost over the horizon [{cur}]")
    bottom.set_xlabel(axis_label(key).format(currency=cur))
    top.set_title(_title(result, f"agents and cost by {header(key)}"))
    return charts.save_png(fig, path)


def _plot_service_level(result: SweepResult, path: Path) -> Path:
    """Draw the simulated service level (95 % CI bars) against agents, points named by key."""
    sc = result.scenario
    fig = charts.new_figure(charts.WIDE)
    ax = fig.add_subplot()
    for style, (label, rows) in zip(_styles(), _series(result), strict=False):
        y = rows["service level"] * 100
        ax.errorbar(
            rows["agents"],
            y,
            yerr=rows["service level 95% CI"] * 100,
            capsize=3,
            label=label or "simulated service level (95% CI)",
            **style,
        )
    target = sc.targets.service_level
    varied = {parameter(k).key for k in result.keys}
    if target is not None and sc.center is None and not {"service_level", "threshold"} & varied:
        ax.axhline(
            target * 100,
            color=charts.STATUS_COLOURS[MISSED],
            linestyle="--",
            linewidth=1.2,
            label=f"target {target:.0%} in {units.format_duration(sc.targets.threshold)}",
        )
    _annotate(result, ax, "agents", "service level", 1.0, 100.0)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("agents on shifts (headcount)")
    ax.set_ylabel(_sl_label(result))
    ax.set_title(
        _title(result, f"simulated service level against agents (labels: {result.keys[0]})")
    )
    ax.grid(alpha=0.3)
    charts.legend_outside(ax)
    return charts.save_png(fig, path)


def _plot_tradeoff(result: SweepResult, path: Path) -> Path:
    """Draw cost per contact against simulated service level: the trade-off curve."""
    fig = charts.new_figure(charts.WIDE)
    ax = fig.add_subplot()
    for style, (label, rows) in zip(_styles(), _series(result), strict=False):
        x = rows["service level"] * 100
        ax.plot(x, rows["cost per contact"], label=label or "variants", **style)
    _annotate(result, ax, "service level", "cost per contact", 100.0, 1.0)
    ax.set_xlabel(_sl_label(result))
    ax.set_ylabel(f"cost per contact handled [{result.scenario.costs.currency}]")
    ax.set_title(
        _title(result, f"cost per contact against service level (labels: {result.keys[0]})")
    )
    ax.grid(alpha=0.3)
    charts.legend_outside(ax)
    return charts.save_png(fig, path)


def _styles() -> Iterator[dict[str, object]]:
    """Line styles and markers in turn, so that lines lying on each other stay visible."""
    shapes = itertools.cycle([("-", "o"), ("--", "s"), ("-.", "^"), (":", "D")])
    for linestyle, marker in shapes:
        yield {"linestyle": linestyle, "marker": marker, "markersize": 4.5, "linewidth": 1.5}
