"""What-if sweeps: plan many variants of one scenario and compare them side by side.

A sweep varies one or more inputs of a scenario over a grid (``volume=0.9:1.2:0.05``) or a
list (``shrinkage=0.25,0.35``), plans every combination with :func:`staffing.plan.plan`, and
reduces each plan to one row of headline numbers: agents, paid hours, FTE, cost, cost per
contact and the simulated KPIs. What can vary, and how a value is parsed and applied, is
:mod:`staffing.whatif`.

Variants are planned in parallel, one task per variant, on any
:class:`concurrent.futures.Executor`: by default a process pool started with "spawn" (a
forked copy of a process running threads can deadlock), or a Dask cluster through
``distributed.Client(address).get_executor()``. The rows come back in variant order, and
every variant is planned with the scenario's own seed, so the table is the same whatever
runs it.
"""

import itertools
import math
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

from staffing import report, units
from staffing.parallel import run_tasks
from staffing.plan import plan
from staffing.scenario import Scenario
from staffing.whatif import (
    PARAMETERS,
    Value,
    apply_variant,
    check_effect,
    describe,
    value_text,
    variants,
)

RESULT_COLUMNS = (
    "agents",
    "paid hours",
    "FTE",
    "cost",
    "cost per contact",
    "cost per issue",
    "contacts offered",
    "repeats",
    "redials",
    "returns outside",
    "service level",
    "service level 95% CI",
    "ASA s",
    "abandon rate",
    "occupancy",
    "utilization",
    "intervals missing a target",
)
"""Columns of a sweep's table after the varied keys (see :class:`SweepResult`)."""

_FROM_TOTALS = {
    "agents": "headcount on shifts",
    "cost per contact": "cost per contact handled",
    "contacts offered": "calls offered",
}
"""Columns read from :meth:`PlanResult.totals` under another name."""
_FROM_DAY = {"repeats": "repeats", "redials": "redials", "returns outside": "returns_outside"}
"""Columns read from the kept plan's simulated day, by row name."""


def _plan_row(scenario: Scenario) -> dict[str, float]:
    """Plan one variant and keep its headline numbers (the task sent to a worker)."""
    result = plan(scenario)
    totals = result.totals().iloc[:, -1]  # the last column is the kept plan
    day = result.best.simulation.day
    row = {}
    for column in RESULT_COLUMNS:
        if column in _FROM_DAY:
            row[column] = float(day.loc[_FROM_DAY[column], "mean"])
        elif column != "cost per issue":
            row[column] = float(totals[_FROM_TOTALS.get(column, column)])
    # an issue is a first contact (repeats and redials are the same issues again): the cost
    # per contact handled times the contacts per issue, so without returns the two agree
    first = row["contacts offered"] - row["repeats"] - row["redials"]
    per_issue = row["contacts offered"] / first if first > 0 else math.nan
    row["cost per issue"] = row["cost per contact"] * per_issue
    return {column: row[column] for column in RESULT_COLUMNS}


def run_sweep(
    scenario: Scenario,
    varies: Mapping[str, Sequence[Value]],
    *,
    executor: Executor | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> "SweepResult":
    """Plan every variant of a scenario and tabulate their headline numbers.

    Every variant is planned with :func:`staffing.plan.plan` in a task of its own, and with
    the scenario's own seed: all variants meet the same simulated callers (common random
    numbers), so differences between rows are effects of the inputs and the staffing, not
    sampling noise, and a comparison of two rows is far sharper than their confidence
    intervals suggest.

    Parameters
    ----------
    scenario
        The base scenario.
    varies
        Values per key of :data:`staffing.whatif.PARAMETERS`, in the package's units (as
        :func:`staffing.whatif.parse_vary` returns them), e.g. ``{"volume": [0.9, 1.0, 1.1]}``.
    executor
        Where the plans run: any :class:`concurrent.futures.Executor`, e.g. a
        ``ThreadPoolExecutor`` or a Dask cluster's ``Client(address).get_executor()``; it is
        not shut down. Default: a process pool of ``workers`` processes started with "spawn".
    workers
        Size of the default process pool; default: the number of CPUs (at most one per
        variant). Ignored when ``executor`` is given.
    progress
        Called as ``progress(done, total)`` each time a variant's plan finishes.

    Returns
    -------
    SweepResult
        One row per variant, in the order of :func:`staffing.whatif.variants`, whatever the
        executor.

    Raises
    ------
    InputError
        For a bad key or value (before anything runs) or a variant that cannot be planned,
        naming the variant.
    """
    grid = variants(varies)
    scenarios = [apply_variant(scenario, variant) for variant in grid]
    check_effect(varies, scenarios)
    rows = run_tasks(
        _plan_row,
        [(sc,) for sc in scenarios],
        executor=executor,
        workers=workers,
        progress=progress,
        name=lambda i: f"variant {describe(grid[i])}",
    )
    table = pd.DataFrame(
        [
            {**{k: math.inf if v is None else v for k, v in variant.items()}, **row}
            for variant, row in zip(grid, rows, strict=True)
        ]
    )
    for column in ("agents", "intervals missing a target"):
        table[column] = table[column].round().astype(np.int64)
    return SweepResult(scenario, table, tuple(varies))


# --------------------------------------------------------------------------- results

_SHOWN = (
    ("agents", "agents", ",.0f"),
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
)

_RETURNS = ("cost per issue", "repeats", "redials", "returns outside")
"""Columns shown only when contacts come back."""

CHART_FILES = {
    "agents_cost": "agents_cost.png",
    "service_level": "service_level.png",
    "tradeoff": "tradeoff.png",
}
"""File name of each chart :meth:`SweepResult.write` draws."""

TABLE_FILES = {"table": "whatif.csv", "summary": "whatif.md"}
"""File names of the table and the summary :meth:`SweepResult.write` writes."""


def _change(before: float, after: float) -> str:
    return f" ({round(100 * (after / before - 1)):+d} %)" if before else ""


@dataclass(frozen=True)
class SweepResult:
    """The plans of a sweep, one row each.

    Attributes
    ----------
    scenario : Scenario
        The base scenario.
    table : pandas.DataFrame
        One row per variant in the order of :func:`variants`: the varied keys (values in
        the package's units; a patience of none is ``inf``), then :data:`RESULT_COLUMNS`
        for the kept plan of the variant: ``agents`` (headcount on shifts), ``paid hours``
        [h] (shrinkage included), ``FTE``, ``cost`` and ``cost per contact`` (per contact
        handled) and ``cost per issue`` (cost per contact handled times contacts offered
        per first contact: repeats and redials are the same issues again) in the scenario's
        currency, ``contacts offered`` (of which ``repeats`` and ``redials``), ``returns
        outside`` (returns due after closing, not simulated), ``service level`` with its
        ``service level 95% CI``
        half-width, ``ASA s`` [s], ``abandon rate``, ``occupancy`` and ``utilization``
        (fractions, whole horizon, simulated means), and ``intervals missing a target``.
    keys : tuple of str
        The varied keys, in order.
    """

    scenario: Scenario
    table: pd.DataFrame
    keys: tuple[str, ...]

    def _shown(self) -> list[tuple[str, str, str]]:
        """(column, header, format) of the result columns worth showing."""
        currency = self.scenario.costs.currency
        return [
            (column, header.format(currency=currency), spec)
            for column, header, spec in _SHOWN
            if column not in _RETURNS or self.table[list(_RETURNS[1:3])].to_numpy().any()
        ]

    def _keys_text(self) -> dict[str, list[str]]:
        return {PARAMETERS[k].header: [value_text(k, v) for v in self.table[k]] for k in self.keys}

    def display(self) -> pd.DataFrame:
        """Format the table for a terminal: short headers, values in their units."""
        frame = pd.DataFrame(self._keys_text())
        for column, header, spec in self._shown():
            frame[header] = [format(v, spec) for v in self.table[column]]
        return frame

    def headlines(self) -> list[str]:
        """One line per varied key: the plan at its lowest value against its highest.

        The other varied keys are held at their first value. Example: ``volume 0.9 → 1.1:
        agents 271 → 332 (+23 %), FTE 255.3 → 312.9 (+23 %), cost per contact 3.56 → 3.56
        USD (+0 %), service level 98.1% → 98.8%``.
        """
        first = self.table.iloc[0]
        currency = self.scenario.costs.currency
        returns = bool(self.table[["repeats", "redials"]].to_numpy().any())
        lines = []
        for key in self.keys:
            others = [k for k in self.keys if k != key]
            rows = self.table
            for k in others:
                rows = rows[rows[k] == first[k]]
            rows = rows.sort_values(key, kind="stable")
            if len(rows) < 2:
                continue
            low, high = rows.iloc[0], rows.iloc[-1]
            held = ", ".join(f"{k} at {value_text(k, first[k])}" for k in others)
            lines.append(
                f"{key} {value_text(key, low[key])} → {value_text(key, high[key])}: "
                f"agents {low.agents:,.0f} → {high.agents:,.0f}{_change(low.agents, high.agents)}, "
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

    def write(self, out_dir: str | os.PathLike[str], *, force: bool = False) -> dict[str, Path]:
        """Write ``whatif.csv``, ``whatif.md`` and the charts into ``out_dir``.

        Parameters
        ----------
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
        out = report.check_out_dir(out_dir, force=force)
        out.mkdir(parents=True, exist_ok=True)
        paths = {name: out / file for name, file in TABLE_FILES.items()}
        self.table.to_csv(paths["table"], index=False)
        charts = self._charts(out)
        paths["summary"].write_text(self._markdown(charts), encoding="utf-8")
        return {**paths, **charts}

    def _markdown(self, charts: dict[str, Path]) -> str:
        sc = self.scenario
        sim = sc.simulation
        shown = self._shown()
        frame = pd.DataFrame(self._keys_text())
        for column, header, _ in shown:
            frame[header] = self.table[column]
        baseline = ", ".join(
            f"{k} {PARAMETERS[k].text(PARAMETERS[k].current(sc))}" for k in self.keys
        )
        lines = [
            f"# What-if sweep: {sc.name}",
            "",
            f"{len(self.table)} variants of `{sc.path.name}` (as written: {baseline}), each "
            f"planned as `staffing plan` does (up to {sim.rounds} simulation-verified "
            f"rounds, {sim.replications} simulated days each). Every variant meets the same "
            f"simulated callers (seed {sim.seed}, common random numbers), so differences "
            "between rows are effects of the inputs, not sampling noise.",
            "",
            "## Headlines",
            "",
            *[f"- {line}" for line in self.headlines()],
            "",
            "## Variants",
            "",
            "Agents on shifts, paid hours (shrinkage included), cost over the horizon and per "
            "contact handled; simulated whole-horizon service level (± half-width of its 95% "
            "CI), ASA, abandonment, occupancy and utilization; intervals missing a target.",
            "",
            report.markdown_table(frame, {header: spec for _, header, spec in shown}).rstrip(),
            "",
            "## Charts",
            "",
            *[f"![{name}]({path.name})\n" for name, path in charts.items()],
            f"Full-precision table: {TABLE_FILES['table']}.",
            "",
        ]
        return "\n".join(lines)

    # ----------------------------------------------------------------------- charts

    def _series(self) -> list[tuple[str, pd.DataFrame]]:
        """Rows grouped by the values of the keys after the first, each sorted by the first."""
        key, rest = self.keys[0], list(self.keys[1:])
        if not rest:
            return [("", self.table.sort_values(key, kind="stable"))]
        out = []
        for values, rows in self.table.groupby(rest, sort=False):
            label = ", ".join(f"{k} {value_text(k, v)}" for k, v in zip(rest, values, strict=True))
            out.append((label, rows.sort_values(key, kind="stable")))
        return out

    def _annotate(self, ax: Axes, x: str, y: str, scale_x: float, scale_y: float) -> None:
        """Write the first key's value beside each point; points in one place share a label."""
        key = self.keys[0]
        labels: dict[tuple[float, float], list[str]] = {}
        for value, xi, yi in zip(self.table[key], self.table[x], self.table[y], strict=True):
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

    def _charts(self, out: Path) -> dict[str, Path]:
        charts = {
            "agents_cost": self._plot_agents_cost,
            "service_level": self._plot_service_level,
            "tradeoff": self._plot_tradeoff,
        }
        return {name: draw(out / CHART_FILES[name]) for name, draw in charts.items()}

    def _title(self, chart: str) -> str:
        return f"{self.scenario.name}: {chart}" if self.scenario.name else chart

    def _sl_label(self) -> str:
        """Service level with its answer time, unless the answer time varies."""
        if "threshold" in self.keys:
            return "service level [% answered within the threshold]"
        threshold = units.format_duration(self.scenario.targets.threshold)
        return f"service level [% answered in {threshold}]"

    def _plot_agents_cost(self, path: Path) -> Path:
        """Draw agents and cost against the first key, one line per value of the other keys."""
        cur = self.scenario.costs.currency
        lead = PARAMETERS[self.keys[0]]
        scale = 100.0 if lead.percent else 1.0
        fig = report.new_figure(report.TALL)
        top, bottom = fig.subplots(2, 1, sharex=True)
        for style, (label, rows) in zip(_styles(), self._series(), strict=False):
            finite = rows[np.isfinite(rows[lead.key])]  # a patience of none has no place
            x = finite[lead.key] * scale
            top.plot(x, finite["agents"], label=label or "agents on shifts", **style)
            bottom.plot(x, finite["cost"], label=label or "cost over the horizon", **style)
        baseline = lead.current(self.scenario)
        for ax, column in ((top, "agents"), (bottom, "cost")):
            ax.set_ylim(0.0, 1.08 * max(float(self.table[column].max()), 1.0))
            ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
            if baseline is not None:
                ax.axvline(
                    baseline * scale,
                    color=report.STATUS_COLOURS[report.NO_DATA],
                    linestyle=":",
                    linewidth=1.2,
                    label=f"as in the scenario ({lead.text(baseline)})",
                )
            ax.grid(alpha=0.3)
            report.legend_outside(ax)
        top.set_ylabel("agents on shifts (headcount)")
        bottom.set_ylabel(f"cost over the horizon [{cur}]")
        bottom.set_xlabel(lead.label.format(currency=cur))
        top.set_title(self._title(f"agents and cost by {lead.header}"))
        return report.save_png(fig, path)

    def _plot_service_level(self, path: Path) -> Path:
        """Draw the simulated service level (95 % CI bars) against agents, points named by key."""
        sc = self.scenario
        fig = report.new_figure(report.WIDE)
        ax = fig.add_subplot()
        for style, (label, rows) in zip(_styles(), self._series(), strict=False):
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
        if target is not None and not {"service_level", "threshold"} & set(self.keys):
            ax.axhline(
                target * 100,
                color=report.STATUS_COLOURS[report.MISSED],
                linestyle="--",
                linewidth=1.2,
                label=f"target {target:.0%} in {units.format_duration(sc.targets.threshold)}",
            )
        self._annotate(ax, "agents", "service level", 1.0, 100.0)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("agents on shifts (headcount)")
        ax.set_ylabel(self._sl_label())
        ax.set_title(
            self._title(f"simulated service level against agents (labels: {self.keys[0]})")
        )
        ax.grid(alpha=0.3)
        report.legend_outside(ax)
        return report.save_png(fig, path)

    def _plot_tradeoff(self, path: Path) -> Path:
        """Draw cost per contact against simulated service level: the trade-off curve."""
        fig = report.new_figure(report.WIDE)
        ax = fig.add_subplot()
        for style, (label, rows) in zip(_styles(), self._series(), strict=False):
            x = rows["service level"] * 100
            ax.plot(x, rows["cost per contact"], label=label or "variants", **style)
        self._annotate(ax, "service level", "cost per contact", 100.0, 1.0)
        ax.set_xlabel(self._sl_label())
        ax.set_ylabel(f"cost per contact handled [{self.scenario.costs.currency}]")
        ax.set_title(
            self._title(f"cost per contact against service level (labels: {self.keys[0]})")
        )
        ax.grid(alpha=0.3)
        report.legend_outside(ax)
        return report.save_png(fig, path)


def _styles() -> Iterator[dict[str, object]]:
    """Line styles and markers in turn, so that lines lying on each other stay visible."""
    shapes = itertools.cycle([("-", "o"), ("--", "s"), ("-.", "^"), (":", "D")])
    for linestyle, marker in shapes:
        yield {"linestyle": linestyle, "marker": marker, "markersize": 4.5, "linewidth": 1.5}
