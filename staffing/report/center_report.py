"""The report of a simulated center of several queues and groups: tables and charts.

Writes into a folder (DESIGN.md section 8): ``queues.csv`` (a row per queue and ``all``)
and ``groups.csv`` (a row per group) with the contract's columns, ``intervals.csv`` (the
per-interval KPIs with a ``queue`` column), ``days.csv`` (per queue and calendar day), and
charts per queue (``queues_service_level.png``, ``queues_waits.png``) and per group
(``groups_occupancy.png``), and ``costs.csv`` (cost per contact per queue, groups' costs
shared by their handle time), and with chat queues ``chat.csv`` (concurrency and the
share of time at 0, 1, ..., k sessions per chat queue), and with email queues
``backlog.csv`` (per interval: items waiting, the oldest one's age, items due and the
share within deadline), ``backlog_days.csv`` (per day: backlog at the start and end, items
arrived, handled and due, within deadline) and ``backlog.png``. Email queues are left out
of the service-level and waits charts (their items do not wait on the line). Shares are
drawn in percent, waits in seconds; undefined values (no contact in an interval) are left
blank, never written as NaN.
"""

from pathlib import Path

import numpy as np

from staffing.center import Center
from staffing.costs import CostModel
from staffing.report.charts import TALL, WIDE, _points, _time_axis, legend_outside, new_figure
from staffing.report.charts import save_png as _save
from staffing.report.output import OUTPUTS
from staffing.simulation.center_run import ALL, CenterResult

FILES = OUTPUTS["simulate"]
"""What :func:`write_center_report` writes."""

_COLOURS = ("#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#c62828", "#00838f", "#5d4037")


def _starts(center: Center) -> np.ndarray:
    return center.forecast.start.astype("datetime64[s]")


def write_center_report(
    result: CenterResult, center: Center, folder: Path, costs: CostModel
) -> list[Path]:
    """Write the tables and charts of a simulated center into ``folder``; return the paths."""
    folder = Path(folder)
    paths = []
    tables = [
        ("queues.csv", result.queues),
        ("groups.csv", result.groups),
        ("costs.csv", result.costs(center, costs)),
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
    return paths


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
