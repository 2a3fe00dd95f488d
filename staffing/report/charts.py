"""The chart kit, and the charts of a plan: coverage, service level, waits, occupancy.

Every chart function draws one PNG of per-interval values against time of day and returns
its path. Intervals are drawn where they are: a value belongs to the interval
``[start, start + length)`` (coverage as steps, KPIs at the interval's middle), the interval
length is the smallest gap between starts, and gaps in time (a line closed at night) and NaN
values (a KPI undefined because no call arrived) are left blank rather than bridged.

Charts are drawn on :class:`matplotlib.figure.Figure` objects directly, rendered by the
non-interactive Agg canvas: no window, no pyplot figure registry, nothing left open between
calls. Shares are drawn in percent, durations in seconds.

Status colours follow the planners' dashboards of the project's KPI benchmarks note (industry
guides from ICMI and SQM Group): green = target met, yellow = within tolerance, red = missed.
"""

from datetime import datetime
from functools import partial
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike, NDArray

from staffing.errors import InputError
from staffing.forecast import PLACEHOLDER_DATE
from staffing.requirements import MET, MISSED, NO_DATA, WITHIN_TOLERANCE

FloatArray = NDArray[np.float64]
TimeArray = NDArray[np.datetime64]

STATUS_COLOURS: dict[str, str] = {
    MET: "#2e7d32",
    WITHIN_TOLERANCE: "#f9a825",
    MISSED: "#c62828",
    NO_DATA: "#9e9e9e",
}
"""Colour of each status (Material green 800, yellow 800, red 800, grey 500)."""

DPI = 120
"""Resolution of every PNG [dots per inch]."""

WIDE = (11.0, 4.5)
"""Size of a one-panel chart [in]: 1320 x 540 pixels at :data:`DPI`."""

TALL = (11.0, 6.5)
"""Size of a two-panel chart [in]: 1320 x 780 pixels at :data:`DPI`."""

BLUE = "#1565c0"
LIGHT_BLUE = "#90caf9"
PURPLE = "#6a1b9a"
DARK = "#212121"
"""Line colours shared by every chart (Material blue 800 and 200, purple 800, grey 900)."""
_TARGET = "#424242"
_BAND_ALPHA = 0.25
_SHORT_TOLERANCE = 1e-9  # agents: coverage within this of the requirement is not short
_SINGLE_INTERVAL = np.timedelta64(1800, "s")  # drawn width of a lone interval
_TICK_HOURS = (1, 2, 3, 4, 6, 12, 24, 48)
_MAX_TICKS = 14


# --------------------------------------------------------------------------- inputs


def _times(start: ArrayLike, caller: str) -> TimeArray:
    """Interval starts as strictly increasing ``datetime64[s]``."""
    try:
        times = np.asarray(start, dtype="datetime64[s]")
    except (TypeError, ValueError):
        raise InputError(f"{caller}: start must be date-times (datetime64)") from None
    if times.ndim != 1 or times.size == 0:
        raise InputError(f"{caller}: start has shape {times.shape}; expected a non-empty 1-D array")
    if np.isnat(times).any():
        k = int(np.flatnonzero(np.isnat(times))[0])
        raise InputError(f"{caller}: start[{k}] = NaT; every start must be a date-time")
    bad = np.flatnonzero(np.diff(times) <= np.timedelta64(0, "s"))
    if bad.size:
        k = int(bad[0]) + 1
        raise InputError(
            f"{caller}: start[{k}] = {times[k]} is not after start[{k - 1}] = {times[k - 1]}; "
            "starts must be strictly increasing"
        )
    return times


def _values(values: ArrayLike, name: str, n: int, caller: str) -> FloatArray:
    """One finite number or NaN per interval."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{caller}: {name} must be numbers") from None
    if arr.shape != (n,):
        raise InputError(
            f"{caller}: {name} has {arr.size} values for {n} intervals; give one per interval"
        )
    bad = np.flatnonzero(np.isinf(arr))
    if bad.size:
        k = int(bad[0])
        raise InputError(
            f"{caller}: {name}[{k}] = {arr[k]}; values must be finite, or NaN where undefined"
        )
    return arr


def _optional(values: ArrayLike | None, name: str, n: int, caller: str) -> FloatArray | None:
    return None if values is None else _values(values, name, n, caller)


def _intervals(start: TimeArray) -> tuple[TimeArray, NDArray[np.bool_]]:
    """Interval ends, and whether each interval is followed by a gap (or is the last)."""
    steps = np.diff(start)
    length = steps.min() if steps.size else _SINGLE_INTERVAL
    end = start + length
    return end, np.append(end[:-1] != start[1:], True)


# --------------------------------------------------------------------------- drawing


def _steps(start: TimeArray, *values: FloatArray) -> tuple[TimeArray, list[FloatArray]]:
    """Each interval as a flat segment ``[start, end)``; a NaN point breaks the line at gaps."""
    end, gap = _intervals(start)
    n = start.size
    x = np.empty(2 * n, dtype=start.dtype)
    x[0::2], x[1::2] = start, end
    breaks = 2 * np.flatnonzero(gap[:-1]) + 2
    x = np.insert(x, breaks, end[:-1][gap[:-1]])
    ys = [np.insert(np.repeat(v, 2), breaks, np.nan) for v in values]
    return x, ys


def _points(start: TimeArray, *values: FloatArray) -> tuple[TimeArray, list[FloatArray]]:
    """Values at interval middles; a NaN point breaks the line at gaps in time."""
    end, gap = _intervals(start)
    breaks = np.flatnonzero(gap[:-1]) + 1
    x = np.insert(_middles(start), breaks, end[:-1][gap[:-1]])
    ys = [np.insert(v, breaks, np.nan) for v in values]
    return x, ys


def _day(day: np.datetime64 | datetime) -> str:
    """Write a date as 'Mon 2 Mar'."""
    stamp = pd.Timestamp(day)
    return f"{stamp:%a} {stamp.day} {stamp:%b}"


def _day_and_time(x: float, _pos: int | None = None, *, dated_before: np.datetime64) -> str:
    """Label a tick of a multi-day axis: the time, and under it the day where it helps.

    The day is written at midnight and at ticks before ``dated_before`` (the first tick,
    when the axis does not start at midnight).
    """
    when = mdates.num2date(x).replace(tzinfo=None)
    dated = when.hour == when.minute == 0 or np.datetime64(when) < dated_before
    return f"{when:%H:%M}\n{_day(when)}" if dated else f"{when:%H:%M}"


def _time_axis(ax: Axes, start: TimeArray) -> None:
    """Label the x axis: HH:MM ticks, plus day lines and day names for several days.

    On a multi-day axis every tick carries the time, and each midnight tick and the first
    tick a second line with the day ('Tue 3 Mar'): the wide day labels sit below the
    narrow time labels, so a week of hourly intervals stays readable at 12-hour ticks.
    """
    end, _ = _intervals(start)
    first, last = start[0], end[-1]
    day, final = (
        first.astype("datetime64[D]"),
        (last - np.timedelta64(1, "s")).astype("datetime64[D]"),
    )
    ax.set_xlim(first, last)
    hours = (last - first) / np.timedelta64(1, "h")
    step = next((h for h in _TICK_HOURS if hours / h <= _MAX_TICKS), _TICK_HOURS[-1])
    if step < 24:
        ax.xaxis.set_major_locator(mdates.HourLocator(byhour=range(0, 24, step)))
    else:
        ax.xaxis.set_major_locator(mdates.DayLocator(interval=step // 24))
    if day == final:
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M"))
        when = "" if day == PLACEHOLDER_DATE else f", {_day(day)} {pd.Timestamp(day).year}"
        ax.set_xlabel(f"time of day{when}")
    else:
        first_tick = partial(_day_and_time, dated_before=first + np.timedelta64(step, "h"))
        ax.xaxis.set_major_formatter(first_tick)
        for midnight in np.arange(day, final) + np.timedelta64(1, "D"):
            ax.axvline(midnight, color="#9e9e9e", linewidth=0.8, zorder=0)
        ax.set_xlabel(f"day and time, {_day(day)} to {_day(final)} {pd.Timestamp(final).year}")
    ax.grid(True, axis="both", color="#e0e0e0", linewidth=0.6)
    ax.set_axisbelow(True)


def _middles(start: TimeArray) -> TimeArray:
    """Middle of each interval."""
    end, _ = _intervals(start)
    return start + (end - start) // 2


def new_figure(size: tuple[float, float]) -> Figure:
    """Return a figure of ``size`` inches for the Agg canvas (no pyplot registry)."""
    return Figure(figsize=size, dpi=DPI, layout="constrained")


def legend_outside(ax: Axes) -> None:
    """Draw the legend to the right of the axes, outside the data."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=9)


def save_png(fig: Figure, path: str | PathLike[str]) -> Path:
    """Write the figure as a PNG at :data:`DPI`; return its path."""
    out = Path(path)
    fig.savefig(out, dpi=DPI, format="png")
    return out


def _kpi_panel(
    ax: Axes,
    start: TimeArray,
    mean: FloatArray,
    half_width: FloatArray,
    *,
    name: str,
    target: float | None,
    target_label: str,
    miss_label: str,
    higher_is_better: bool,
    ceiling: float | None,
) -> None:
    """Draw a KPI per interval with its 95 % CI band, its target line and the misses in red.

    ``mean``, ``half_width``, ``target`` and ``ceiling`` are in plotting units; the band is
    clipped to ``[0, ceiling]``, and without a ceiling the y axis runs from 0 to just above
    the highest band, target or 1 unit.
    """
    low = np.clip(mean - half_width, 0.0, ceiling)
    high = np.clip(mean + half_width, 0.0, ceiling)
    x, (y, lo, hi) = _points(start, mean, low, high)
    ax.fill_between(x, lo, hi, color=BLUE, alpha=_BAND_ALPHA, linewidth=0, label="95% CI")
    ax.plot(x, y, color=BLUE, marker="o", markersize=2.5, linewidth=1.4, label=name)
    if target is not None:
        ax.axhline(target, color=_TARGET, linestyle="--", linewidth=1.2, label=target_label)
        miss = mean < target if higher_is_better else mean > target
        ax.plot(
            _middles(start)[miss],
            mean[miss],
            linestyle="none",
            marker="o",
            markersize=5,
            color=STATUS_COLOURS[MISSED],
            label=f"{miss_label} ({int(miss.sum())} of {int(np.isfinite(mean).sum())})",
        )
    if ceiling is None:
        top = np.nanmax([*hi, *y, 1.0, 0.0 if target is None else target])
        ax.set_ylim(0.0, top * 1.1)
    else:
        ax.set_ylim(0.0, ceiling * 1.04)
    _time_axis(ax, start)


# --------------------------------------------------------------------------- charts


def plot_coverage(
    path: str | PathLike[str],
    start: ArrayLike,
    required: ArrayLike,
    scheduled: ArrayLike,
    *,
    erlang_required: ArrayLike | None = None,
    title: str = "Agents required and scheduled on the phones",
) -> Path:
    """Chart agents required against agents scheduled on the phones, per interval.

    The requirement is a black step line, the scheduled coverage a filled blue step area,
    the optional Erlang (SIPP) requirement a dashed purple step line drawn under the
    requirement (visible where the two differ); intervals where the
    coverage falls short of the requirement are shaded red over the full height, so a
    shortfall of one agent shows even at a peak of a hundred.

    Parameters
    ----------
    path
        PNG file to write (overwritten if it exists).
    start
        Interval starts (datetime64), strictly increasing.
    required
        Agents required on the phones per interval.
    scheduled
        Agents the schedule puts on the phones per interval (time-averaged, may be
        fractional).
    erlang_required
        The initial requirement from Erlang formulas (one interval at a time, stationary
        independent periods), before any simulation-based correction.
    title
        Chart title.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    caller = "plot_coverage"
    times = _times(start, caller)
    n = times.size
    need = _values(required, "required", n, caller)
    have = _values(scheduled, "scheduled", n, caller)
    erl = _optional(erlang_required, "erlang_required", n, caller)
    fig = new_figure(WIDE)
    ax = fig.add_subplot()
    x, (need_y, have_y) = _steps(times, need, have)
    short = have_y < need_y - _SHORT_TOLERANCE
    ax.fill_between(
        x,
        0.0,
        1.0,
        where=short,
        transform=ax.get_xaxis_transform(),
        color=STATUS_COLOURS[MISSED],
        alpha=0.15,
        linewidth=0,
        label=f"short ({int((have < need - _SHORT_TOLERANCE).sum())} of {n} intervals)",
    )
    ax.fill_between(x, 0.0, have_y, color=LIGHT_BLUE, alpha=0.8, linewidth=0)
    ax.plot(x, have_y, color=BLUE, linewidth=1.2, label="scheduled on the phones")
    if erl is not None:  # under the requirement: where the two agree, the requirement shows
        (erl_y,) = _steps(times, erl)[1]
        ax.plot(
            x, erl_y, color=PURPLE, linestyle="--", linewidth=1.4, label="Erlang (SIPP) required"
        )
    ax.plot(x, need_y, color=DARK, linewidth=1.6, label="required")
    top = np.nanmax([*need, *have, *([] if erl is None else erl), 1.0])
    ax.set_ylim(0.0, top * 1.08)
    ax.set_ylabel("agents on the phones")
    ax.set_title(title)
    _time_axis(ax, times)
    legend_outside(ax)
    return save_png(fig, path)


def plot_service_level(
    path: str | PathLike[str],
    start: ArrayLike,
    mean: ArrayLike,
    half_width: ArrayLike,
    *,
    target: float | None,
    threshold: float,
    title: str = "Simulated service level per interval",
) -> Path:
    """Chart the simulated service level per interval with its 95 % confidence band.

    Parameters
    ----------
    path
        PNG file to write (overwritten if it exists).
    start
        Interval starts (datetime64), strictly increasing.
    mean, half_width
        Service level (answered within ``threshold`` over offered, a share in [0, 1]) and
        the half-width of its 95 % confidence interval; NaN where no call arrived.
    target
        Service-level target (a share), drawn as a dashed line; intervals below it are
        marked red. None: no target.
    threshold
        The service-level answer time [s], for the labels.
    title
        Chart title.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    caller = "plot_service_level"
    times = _times(start, caller)
    n = times.size
    sl = _values(mean, "mean", n, caller)
    hw = _values(half_width, "half_width", n, caller)
    fig = new_figure(WIDE)
    ax = fig.add_subplot()
    _kpi_panel(
        ax,
        times,
        100.0 * sl,
        100.0 * hw,
        name="service level",
        target=None if target is None else 100.0 * target,
        target_label=f"target {_percent(target)} in {threshold:g} s",
        miss_label="below target",
        higher_is_better=True,
        ceiling=100.0,
    )
    legend_outside(ax)
    ax.set_ylabel(f"answered in {threshold:g} s [% of offered]")
    ax.set_title(title)
    return save_png(fig, path)


def plot_waits(
    path: str | PathLike[str],
    start: ArrayLike,
    asa: ArrayLike,
    asa_ci: ArrayLike,
    abandon: ArrayLike,
    abandon_ci: ArrayLike,
    *,
    asa_target: float | None = None,
    abandon_target: float | None = None,
    title: str = "Simulated waits and abandonment per interval",
) -> Path:
    """Chart ASA [s] above abandonment [%], two panels sharing the time axis.

    Parameters
    ----------
    path
        PNG file to write (overwritten if it exists).
    start
        Interval starts (datetime64), strictly increasing.
    asa, asa_ci
        Average speed of answer (mean wait of answered calls) [s] and its 95 % half-width.
    abandon, abandon_ci
        Abandonment rate (abandoned over offered, a share) and its 95 % half-width.
    asa_target, abandon_target
        Maximum ASA [s] and abandonment (a share), drawn as dashed lines; intervals above
        them are marked red. None: no target.
    title
        Chart title.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    caller = "plot_waits"
    times = _times(start, caller)
    n = times.size
    wait = _values(asa, "asa", n, caller)
    wait_hw = _values(asa_ci, "asa_ci", n, caller)
    gone = _values(abandon, "abandon", n, caller)
    gone_hw = _values(abandon_ci, "abandon_ci", n, caller)
    fig = new_figure(TALL)
    top, bottom = fig.subplots(2, 1, sharex=True)
    _kpi_panel(
        top,
        times,
        wait,
        wait_hw,
        name="ASA",
        target=asa_target,
        target_label=f"target {asa_target:g} s" if asa_target is not None else "",
        miss_label="above target",
        higher_is_better=False,
        ceiling=None,
    )
    legend_outside(top)
    top.set_ylabel("ASA [s]")
    top.set_xlabel("")
    top.tick_params(labelbottom=False)
    _kpi_panel(
        bottom,
        times,
        100.0 * gone,
        100.0 * gone_hw,
        name="abandoned",
        target=None if abandon_target is None else 100.0 * abandon_target,
        target_label=f"target {_percent(abandon_target)}",
        miss_label="above target",
        higher_is_better=False,
        ceiling=None,
    )
    legend_outside(bottom)
    bottom.set_ylabel("abandoned [% of offered]")
    fig.suptitle(title)
    fig.align_ylabels()
    return save_png(fig, path)


def plot_occupancy(
    path: str | PathLike[str],
    start: ArrayLike,
    occupancy: ArrayLike,
    occupancy_ci: ArrayLike,
    *,
    max_occupancy: float | None = None,
    utilization: ArrayLike | None = None,
    title: str = "Simulated occupancy per interval",
) -> Path:
    """Chart occupancy per interval with its 95 % band, the cap, and utilization.

    Parameters
    ----------
    path
        PNG file to write (overwritten if it exists).
    start
        Interval starts (datetime64), strictly increasing.
    occupancy, occupancy_ci
        Occupancy (handle time over time on the phones, a share) and its 95 % half-width.
    max_occupancy
        Occupancy cap (a share), drawn as a dashed line; intervals above it are marked red.
        None: no cap.
    utilization
        Utilization (handle time over paid time, a share), drawn as a dotted line.
    title
        Chart title.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    caller = "plot_occupancy"
    times = _times(start, caller)
    n = times.size
    occ = _values(occupancy, "occupancy", n, caller)
    occ_hw = _values(occupancy_ci, "occupancy_ci", n, caller)
    use = _optional(utilization, "utilization", n, caller)
    fig = new_figure(WIDE)
    ax = fig.add_subplot()
    _kpi_panel(
        ax,
        times,
        100.0 * occ,
        100.0 * occ_hw,
        name="occupancy",
        target=None if max_occupancy is None else 100.0 * max_occupancy,
        target_label=f"cap {_percent(max_occupancy)}",
        miss_label="above cap",
        higher_is_better=False,
        ceiling=100.0,
    )
    if use is not None:
        x, (use_y,) = _points(times, 100.0 * use)
        ax.plot(x, use_y, color=PURPLE, linestyle=":", linewidth=1.6, label="utilization")
    legend_outside(ax)
    ax.set_ylabel("busy [% of time]")
    ax.set_title(title)
    return save_png(fig, path)


def _percent(share: float | None) -> str:
    """Label a share as a short percentage: 0.8 -> '80%', 0.025 -> '2.5%'."""
    return "" if share is None else f"{100.0 * share:.3g}%"
