"""The report of a simulated center of several queues and groups: tables and charts.

Writes into a folder (DESIGN.md section 8): ``queues.csv`` (a row per queue and ``all``)
and ``groups.csv`` (a row per group) with the contract's columns, ``intervals.csv`` (the
per-interval KPIs with a ``queue`` column), ``days.csv`` (per queue and calendar day), and
charts per queue (``queues_service_level.png``, ``queues_waits.png``) and per group
(``groups_occupancy.png``), and ``costs.csv`` (cost per contact per queue, groups' costs
shared by their handle time), ``channels.csv`` (per channel and ``all``: contacts, cost
per contact and resolution rate beside the industry's bands: :mod:`staffing.channels`),
with chat queues ``chat.csv`` (concurrency and the share of time at 0, 1, ..., k sessions
per chat queue) and ``chat_concurrency.png`` (the same per interval), and with email queues
``backlog.csv`` (per interval: items waiting, the oldest one's age, items due and the share
within deadline), ``backlog_days.csv`` (per day: backlog at the start and end, items
arrived, handled and due, within deadline) and ``backlog.png``. Email queues are left out
of the service-level and waits charts (their items do not wait on the line). ``staffing
simulate`` adds ``summary.md`` (:func:`simulation_summary`). Shares are drawn in percent,
waits in seconds; undefined values (no contact in an interval) are left blank, never
written as NaN.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from staffing.center import Center
from staffing.channels import bands_note, channel_table
from staffing.costs import CostModel
from staffing.report.charts import (
    TALL,
    WIDE,
    _points,
    _steps,
    _time_axis,
    legend_outside,
    new_figure,
)
from staffing.report.charts import save_png as _save
from staffing.report.output import CENTER_FILES
from staffing.report.tables import markdown_table
from staffing.scenario import Scenario
from staffing.simulation.center_run import ALL, CenterResult

FILES = CENTER_FILES
"""What :func:`write_center_report` writes (``chat.csv`` and ``chat_concurrency.png`` with
chat queues only)."""

_COLOURS = ("#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#c62828", "#00838f", "#5d4037")


def _starts(center: Center) -> np.ndarray:
    return center.forecast.start.astype("datetime64[s]")


def write_center_report(
    result: CenterResult,
    center: Center,
    folder: Path,
    costs: CostModel,
    *,
    sector: str = "general",
) -> list[Path]:
    """Write the tables and charts of a simulated center into ``folder``; return the paths.

    ``sector`` picks the resolution band of ``channels.csv``
    (:data:`staffing.benchmarks.SECTORS`).
    """
    folder = Path(folder)
    paths = []
    tables = [
        ("queues.csv", result.queues),
        ("groups.csv", result.groups),
        ("costs.csv", result.costs(center, costs)),
        ("channels.csv", channel_table(center, result, costs, sector=sector)),
    ]
    if len(result.chat):
        tables.append(("chat.csv", result.chat))
    if len(result.deferred_days):
        tables.append(("backlog_days.csv", result.deferred_days))
    for name, frame in tables:
        path = folder / name
        frame.to_csv(path, index=False, float_format="%.6g")
        paths.append(path)
    text = center.forecast.start_text()
    timed = [("intervals.csv", result.intervals), ("days.csv", result.days)]
    if len(result.backlog):
        timed.append(("backlog.csv", result.backlog))
    for name, frame in timed:
        out = frame.copy()
        if "start" in out:
            out["start"] = np.tile(text, len(out) // len(text))
        path = folder / name
        out.to_csv(path, index=False, float_format="%.6g")
        paths.append(path)
    paths.append(plot_queues(result, center, folder / "queues_service_level.png", "service"))
    paths.append(plot_queues(result, center, folder / "queues_waits.png", "waits"))
    paths.append(plot_groups(result, center, folder / "groups_occupancy.png"))
    if len(result.backlog):
        paths.append(plot_backlog(result, center, folder / "backlog.png"))
    if len(result.chat_intervals):
        paths.append(plot_concurrency(result, center, folder / "chat_concurrency.png"))
    return paths


def write_simulation_summary(result: CenterResult, scenario: Scenario, folder: Path) -> Path:
    """Write ``summary.md`` of a simulated center scenario into ``folder``; return its path."""
    path = Path(folder) / "summary.md"
    path.write_text(simulation_summary(result, scenario), encoding="utf-8")
    return path


def simulation_summary(result: CenterResult, scenario: Scenario) -> str:
    """Write the Markdown summary of a simulated center: KPIs per queue, the channel table."""
    center = scenario.center
    assert center is not None, "a center scenario"
    replications = len(next(iter(result.replications[ALL].values())))
    lines = [f"# Simulation: {scenario.name}", ""]
    if scenario.description:
        lines += [scenario.description, ""]
    lines += [
        f"{len(center.queues)} queues, {len(center.groups)} groups; {replications} simulated "
        f"days (seed {scenario.simulation.seed}). Contacts are means per simulated day; "
        "± is the 95% half-width.",
        "",
        "## Per queue",
        "",
    ]
    q = result.queues
    per_queue = pd.DataFrame(
        {
            "queue": q["queue"],
            "channel": q["channel"].replace("", "—"),
            "offered": q["offered"],
            "answered": q["answered"],
            "service level": [
                _pm(m, h, ".1%") for m, h in zip(q.service_level, q.service_level_hw, strict=True)
            ],
            "ASA": [_pm(m, h, ".1f", " s") for m, h in zip(q.asa, q.asa_hw, strict=True)],
            "abandoned": [
                _pm(m, h, ".1%") for m, h in zip(q.abandon_rate, q.abandon_rate_hw, strict=True)
            ],
            "occupancy": q["occupancy"],
        }
    )
    lines += [
        markdown_table(per_queue, {"offered": ",.0f", "answered": ",.0f", "occupancy": ".1%"}),
        "",
    ]
    table = channel_table(center, result, scenario.costs, sector=scenario.scorecard.sector)
    lines += channel_section(table, scenario.costs.currency, scenario.scorecard.sector)
    return "\n".join(lines)


def channel_section(table: pd.DataFrame, currency: str, sector: str) -> list[str]:
    """Return the lines of a summary's "By channel" section: table, costing, bands."""
    show = pd.DataFrame(
        {
            "channel": table["channel"],
            "offered": table["offered"],
            "handled": table["handled"],
            f"cost [{currency}]": table["cost"],
            "cost per contact": table["cost_per_contact"],
            "band": [
                _band(lo, hi, ".2f") for lo, hi in zip(table.cost_low, table.cost_high, strict=True)
            ],
            "cost status": table["cost_status"],
            "resolution rate": table["resolution_rate"],
            "band ": [
                _band(lo, hi, ".0%")
                for lo, hi in zip(table.resolution_low, table.resolution_high, strict=True)
            ],
            "resolution status": table["resolution_status"],
        }
    )
    formats = {
        "offered": ",.0f",
        "handled": ",.0f",
        f"cost [{currency}]": ",.0f",
        "cost per contact": ".2f",
        "resolution rate": ".1%",
    }
    return [
        "## By channel",
        "",
        markdown_table(show, formats),
        "",
        "Cost: each group's paid hours at its hourly cost, shared among the queues it served "
        "by their share of its handle time; no fixed costs. Resolution: handled x each "
        "queue's fcr (expected; repeat contacts are not simulated); — where a queue's fcr "
        "is not given.",
        "",
        bands_note(sector),
        "",
    ]


def _band(low: float, high: float, spec: str) -> str:
    if not (np.isfinite(low) and np.isfinite(high)):
        return "—"
    return f"{format(low, spec)}-{format(high, spec)}"


def _pm(mean: float, half: float, spec: str, unit: str = "") -> str:
    if not np.isfinite(mean):
        return "—"
    text = f"{format(mean, spec)}{unit}"
    return f"{text} ± {format(half, spec)}{unit}" if np.isfinite(half) else text


def plot_concurrency(result: CenterResult, center: Center, path: Path) -> Path:
    """Draw, per chat queue, its serving groups' time at 0, 1, ..., k sessions (stacked).

    One panel per chat queue: the share of the serving groups' on-phone time in each
    interval with that many chat sessions open (0: no chat open, idle or on a call); a
    last panel: the mean sessions open per agent with any open (band: 95 % CI), with each
    queue's ``max_sessions`` dotted.
    """
    start = _starts(center)
    frame = result.chat_intervals
    chats = [q for q in center.queues if q.channel == "chat"]
    levels = [c for c in frame.columns if c.startswith("sessions_")]
    fig = new_figure((TALL[0], 3.0 * (len(chats) + 1) + 0.5))
    axes = fig.subplots(len(chats) + 1, 1, sharex=True)
    blues = ("#e0e0e0", "#bbdefb", "#64b5f6", "#1e88e5", "#0d47a1", "#002171")
    for ax, queue in zip(axes, chats, strict=False):
        rows = frame[frame["queue"] == queue.name]
        shares = [rows[c].to_numpy(dtype=float) * 100.0 for c in levels[: queue.max_sessions + 1]]
        below = np.zeros(len(rows))
        for m, share in enumerate(shares):
            x, (lo, hi) = _steps(start, below, below + share)
            label = "0 (no chat open)" if m == 0 else f"{m} session{'s' if m > 1 else ''}"
            colour = blues[min(m, len(blues) - 1)]
            ax.fill_between(x, lo, hi, color=colour, linewidth=0, label=label)
            below = below + share
        ax.set_ylim(0.0, 100.0)
        ax.set_ylabel(f"{queue.name}: its groups' time\n[% of time on the phones]")
        _time_axis(ax, start)
        ax.legend(
            *[list(reversed(v)) for v in ax.get_legend_handles_labels()],
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            frameon=False,
            fontsize=9,
            title="sessions open",
            title_fontsize=9,
        )
    mean_ax = axes[-1]
    for k, queue in enumerate(chats):
        rows = frame[frame["queue"] == queue.name]
        colour = _COLOURS[k % len(_COLOURS)]
        mean = rows["concurrency"].to_numpy(dtype=float)
        half = np.nan_to_num(rows["concurrency_hw"].to_numpy(dtype=float))
        x, (y, lo, hi) = _points(start, mean, mean - half, mean + half)
        mean_ax.fill_between(x, lo, hi, color=colour, alpha=0.15, linewidth=0)
        mean_ax.plot(x, y, color=colour, linewidth=1.4, label=f"{queue.name}")
        mean_ax.axhline(
            queue.max_sessions,
            color=colour,
            linestyle=":",
            linewidth=1.0,
            label=f"{queue.name}: max_sessions",
        )
    mean_ax.set_ylim(0.0, max(q.max_sessions for q in chats) + 0.5)
    mean_ax.set_ylabel("sessions open per agent\n(agents with any open)")
    _time_axis(mean_ax, start)
    legend_outside(mean_ax)
    fig.suptitle(
        "Chat concurrency per interval: the serving groups' time by sessions open, and the "
        "mean open (band: 95% CI)"
    )
    return _save(fig, path)


def plot_queues(result: CenterResult, center: Center, path: Path, kind: str) -> Path:
    """Draw one line per queue: service level (``service``) or ASA and abandonment (``waits``)."""
    start = _starts(center)
    fig = new_figure(WIDE if kind == "service" else TALL)
    axes = [fig.add_subplot(1, 1, 1)] if kind == "service" else fig.subplots(2, 1, sharex=True)
    names = (*(q.name for q in center.queues if not q.deferred), ALL)
    panels = (
        [("service_level", 100.0, "answered within the queue's threshold [% of offered]")]
        if kind == "service"
        else [("asa", 1.0, "ASA [s]"), ("abandon_rate", 100.0, "abandoned [% of offered]")]
    )
    for ax, (column, scale, label) in zip(axes, panels, strict=True):
        for name in names:
            rows = result.intervals[result.intervals["queue"] == name]
            mean = rows[column].to_numpy(dtype=float) * scale
            half = rows[f"{column}_ci"].to_numpy(dtype=float) * scale
            colour = "#212121" if name == ALL else _colour(center, name)
            x, (y, lo, hi) = _points(start, mean, mean - half, mean + half)
            ax.fill_between(x, np.maximum(lo, 0.0), hi, color=colour, alpha=0.12, linewidth=0)
            style = "--" if name == ALL else "-"
            ax.plot(x, y, color=colour, linestyle=style, linewidth=1.4, label=name)
        if column == "service_level":
            for queue in center.queues:
                if queue.targets.service_level is not None:
                    ax.axhline(
                        100.0 * queue.targets.service_level,
                        color=_colour(center, queue.name),
                        linestyle=":",
                        linewidth=1.0,
                    )
            ax.set_ylim(0.0, 104.0)
        else:
            ax.set_ylim(bottom=0.0)
        ax.set_ylabel(label)
        _time_axis(ax, start)
        legend_outside(ax)
    title = (
        "Service level per queue (dotted: each queue's target; band: 95% CI)"
        if kind == "service"
        else "Waits and abandonment per queue (band: 95% CI)"
    )
    fig.suptitle(title)
    return _save(fig, path)


def _colour(center: Center, queue: str) -> str:
    """Return a queue's colour in every chart: by its place in the file."""
    return _COLOURS[center.queue_names.index(queue) % len(_COLOURS)]


def plot_backlog(result: CenterResult, center: Center, path: Path) -> Path:
    """Draw each email queue's backlog and its oldest item's age at each interval's end."""
    start = _starts(center)
    fig = new_figure(TALL)
    top, bottom = fig.subplots(2, 1, sharex=True)
    for queue in center.queues:
        if not queue.deferred:
            continue
        rows = result.backlog[result.backlog["queue"] == queue.name]
        colour = _colour(center, queue.name)
        for ax, column, scale in ((top, "backlog", 1.0), (bottom, "oldest_age", 1 / 3600)):
            mean = rows[column].to_numpy(dtype=float) * scale
            half = rows[f"{column}_ci"].to_numpy(dtype=float) * scale
            x, (y, lo, hi) = _points(start, mean, mean - half, mean + half)
            ax.fill_between(x, np.maximum(lo, 0.0), hi, color=colour, alpha=0.12, linewidth=0)
            ax.plot(x, y, color=colour, linewidth=1.4, label=queue.name)
        bottom.axhline(
            float(queue.deadline or 0.0) / 3600,
            color=colour,
            linestyle=":",
            linewidth=1.0,
            label=f"{queue.name} deadline",
        )
    top.set_ylim(bottom=0.0)
    top.set_ylabel("items waiting [items]")
    bottom.set_ylim(bottom=0.0)
    bottom.set_ylabel("oldest item's age [h]")
    for ax in (top, bottom):
        _time_axis(ax, start)
        legend_outside(ax)
    fig.suptitle("Email backlog at each interval's end (band: 95% CI; dotted: deadline)")
    return _save(fig, path)


def plot_groups(result: CenterResult, center: Center, path: Path) -> Path:
    """Draw each group's occupancy per interval, with agents on the phones below."""
    start = _starts(center)
    fig = new_figure(TALL)
    top, bottom = fig.subplots(2, 1, sharex=True)
    for k, name in enumerate(center.group_names):
        rows = result.group_intervals[result.group_intervals["group"] == name]
        colour = _COLOURS[k % len(_COLOURS)]
        occupancy = rows["occupancy"].to_numpy(dtype=float) * 100.0
        x, (y,) = _points(start, occupancy)
        top.plot(x, y, color=colour, linewidth=1.4, label=name)
        x, (a,) = _points(start, rows["agents"].to_numpy(dtype=float))
        bottom.plot(x, a, color=colour, linewidth=1.4, label=name)
    top.set_ylim(0.0, 104.0)
    top.set_ylabel("occupancy [% of time on the phones]")
    bottom.set_ylim(bottom=0.0)
    bottom.set_ylabel("agents on the phones")
    for ax in (top, bottom):
        _time_axis(ax, start)
        legend_outside(ax)
    fig.suptitle("Occupancy and agents per group")
    return _save(fig, path)
