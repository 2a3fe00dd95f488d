"""The forecast: calls and average handle time (AHT) per interval, and reading it from CSV.

A :class:`Forecast` holds one row per planning interval: its start time, the calls expected
to **arrive** in it and their AHT in seconds. Intervals are 15, 30 or 60 minutes long and sit
on a grid anchored at midnight (08:00, 08:15, ...). Within a day the intervals follow each
other without gaps; between days any gap is allowed, so a line open 08:00-20:00 on several
days is one forecast.

CSV format read by :func:`read_forecast`
-----------------------------------------
- UTF-8 text (a byte-order mark is accepted); fields separated by ``,`` or ``;`` (or a tab),
  chosen from the header line; quoting as in the ``csv`` module.
- The first non-blank line is a header naming the columns; names are case-insensitive and
  surrounding spaces are ignored (inner spaces and hyphens count as ``_``):

  ========  ==================================================
  column    accepted names
  ========  ==================================================
  start     ``start``, ``interval_start``, ``time``, ``datetime``
  calls     ``calls``, ``volume``, ``offered``
  aht       ``aht``, ``aht_s``, ``aht_seconds``
  ========  ==================================================

  Other columns are ignored; two columns naming the same field are an error.
- ``start`` is either a date and time, ``2026-03-02 08:00``, ``2026-03-02T08:00`` (seconds
  ``:00`` optional), or a time of day alone, ``08:00``, ``8:00``, ``08:00:00``, for a single
  day; every row uses the same form. Times are local wall-clock times, without a time zone.
  Times of day alone get the placeholder date 1970-01-01 (:data:`PLACEHOLDER_DATE`) and
  ``has_dates=False``.
- ``calls`` is a number >= 0 (fractions allowed); ``aht`` is a number of seconds, > 0 where
  calls > 0. Where calls = 0 the AHT may be empty or 0 (stored as 0.0) and is ignored.
  Numbers use a decimal point; decimal commas, thousands separators, ``nan`` and ``inf`` are
  rejected.
- Rows are in time order, each start once. The interval length is the smallest step between
  consecutive starts and must be 15, 30 or 60 minutes, unless given explicitly. Every start
  lies on that grid counted from midnight, and consecutive rows on the same date are exactly
  one interval apart (no missing rows within a day; gaps between days are fine).
- Blank lines (or lines of empty fields) are skipped anywhere.

Every error is one line naming the file, the row as a text editor counts lines (header =
line 1), the field, the value and what is allowed, e.g.
``forecast.csv row 14: calls = '-3'; calls must be a number >= 0``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from staffing import units
from staffing.csvfile import parse_number, parse_start, read_table
from staffing.errors import InputError

INTERVALS: tuple[float, ...] = (900.0, 1800.0, 3600.0)
"""Allowed interval lengths [s]: 15, 30 and 60 minutes."""

PLACEHOLDER_DATE = np.datetime64("1970-01-01", "D")
"""Date given to starts read as a time of day only (then ``Forecast.has_dates`` is False)."""

COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "start": ("start", "interval_start", "time", "datetime"),
    "calls": ("calls", "volume", "offered"),
    "aht": ("aht", "aht_s", "aht_seconds"),
}
"""Accepted CSV header names for each forecast column (compared case-insensitively)."""

_DAY = 86_400
_EPOCH = datetime(1970, 1, 1)


def _minutes(seconds: float) -> str:
    """Label a step in minutes or hours: ``15 min``, ``24 h``."""
    if seconds % 3600 == 0 and seconds >= 3600 * 2:
        return f"{seconds / 3600:g} h"
    return f"{seconds / 60:g} min"


def _check_interval(interval: float, name: str) -> float:
    """Return the interval as a float [s]; raise InputError unless it is 900, 1800 or 3600."""
    if (
        isinstance(interval, bool)
        or not isinstance(interval, int | float | np.number)
        or float(interval) not in INTERVALS
    ):
        raise InputError(
            f"{name} = {interval!r}; the interval must be 900, 1800 or 3600 seconds "
            "(15, 30 or 60 min)"
        )
    return float(interval)


def _order_problem(
    seconds: list[int], head: Callable[[int], str], ref: Callable[[int], str]
) -> str | None:
    """Message for the first start not strictly after the previous one, or None.

    Parameters
    ----------
    seconds
        Interval starts in whole seconds since 1970-01-01 (local wall-clock time).
    head
        ``head(i)`` names start ``i`` and its value, to open a message
        (``forecast.csv row 5: start = '08:20'``).
    ref
        ``ref(i)`` names start ``i`` briefly inside a message (``row 5 (08:20)``).

    Returns
    -------
    str or None
        The message, or None if the starts are strictly increasing.
    """
    for i in range(1, len(seconds)):
        if seconds[i] == seconds[i - 1]:
            return f"{head(i)}; same start as {ref(i - 1)}; each interval must appear once"
        if seconds[i] < seconds[i - 1]:
            return f"{head(i)}; earlier than {ref(i - 1)}; intervals must be in time order"
    return None


def _grid_problem(
    seconds: list[int],
    interval: int,
    head: Callable[[int], str],
    ref: Callable[[int], str],
    basis: str = "",
) -> str | None:
    """Message for the first start off the interval grid or after a gap within a day, or None.

    Parameters
    ----------
    seconds
        Strictly increasing interval starts in whole seconds since 1970-01-01.
    interval
        Interval length [s].
    head, ref
        As in `_order_problem`.
    basis
        Appended to the message to say where the interval length comes from.

    Returns
    -------
    str or None
        The message, or None if every start is on the grid and no day has a gap.
    """
    step = _minutes(interval)
    for i, t in enumerate(seconds):
        if t % interval:
            return (
                f"{head(i)}; not on the {step} grid: starts must be whole multiples of {step} "
                f"after midnight{basis}"
            )
        if i > 0 and t // _DAY == seconds[i - 1] // _DAY and t - seconds[i - 1] != interval:
            expected = (_EPOCH + timedelta(seconds=seconds[i - 1] + interval)).strftime("%H:%M")
            return (
                f"{head(i)}; expected {expected}, one interval ({step}) after {ref(i - 1)}: "
                f"intervals within a day must follow each other without gaps{basis}"
            )
    return None


@dataclass(frozen=True, eq=False)
class Forecast:
    """Calls and average handle time per interval.

    Arrays are copied and made read-only when the forecast is built, and validated there:
    a forecast that exists is a valid one.

    Parameters
    ----------
    start
        Interval start times, local wall-clock time without a time zone, strictly increasing,
        on the interval grid counted from midnight; consecutive starts on the same date are
        exactly one interval apart (gaps between days are allowed). Stored as
        ``datetime64[s]``.
    calls
        Calls arriving in each interval [calls per interval], finite and >= 0 (fractional
        values allowed: a forecast is an expectation).
    aht
        Average handle time of those calls [s], finite; > 0 wherever calls > 0. Where
        calls == 0 the AHT is ignored and may be 0.0 (never NaN).
    interval
        Interval length [s]: 900, 1800 or 3600.
    has_dates
        False when the source gave times of day only; then every start carries the
        placeholder date :data:`PLACEHOLDER_DATE` (1970-01-01).
    source
        The file it was read from, for messages ("" when built in code).

    Raises
    ------
    InputError
        If any of the rules above is broken; the message names the index at fault.

    Examples
    --------
    >>> import numpy as np
    >>> f = Forecast(
    ...     start=np.array(["2026-03-02T08:00", "2026-03-02T08:30"], dtype="datetime64[s]"),
    ...     calls=[100.0, 120.0], aht=[180.0, 200.0], interval=1800)
    >>> f.load
    array([10.        , 13.33333333])
    """

    start: np.ndarray
    calls: np.ndarray
    aht: np.ndarray
    interval: float
    has_dates: bool = True
    source: str = ""

    def __post_init__(self) -> None:
        interval = _check_interval(self.interval, "Forecast interval")
        try:
            start = np.array(self.start, dtype="datetime64[s]", ndmin=1)
        except (TypeError, ValueError):
            raise InputError(
                f"Forecast start = {self.start!r}; start must be date-times (datetime64)"
            ) from None
        arrays = {"start": start}
        for name in ("calls", "aht"):
            try:
                arrays[name] = np.array(getattr(self, name), dtype=np.float64, ndmin=1)
            except (TypeError, ValueError):
                raise InputError(
                    f"Forecast {name} = {getattr(self, name)!r}; {name} must be numbers"
                ) from None
        for name, array in arrays.items():
            if array.ndim != 1 or array.size == 0:
                raise InputError(
                    f"Forecast {name} has shape {array.shape}; expected a non-empty 1-D array"
                )
        lengths = {name: array.size for name, array in arrays.items()}
        if len(set(lengths.values())) > 1:
            raise InputError(f"Forecast lengths differ: {lengths}; start, calls and aht must match")
        calls, aht = arrays["calls"], arrays["aht"]
        bad = np.flatnonzero(~np.isfinite(calls) | (calls < 0))
        if bad.size:
            i = bad[0]
            raise InputError(
                f"Forecast calls[{i}] = {calls[i]}; calls must be a finite number >= 0"
            )
        bad = np.flatnonzero(~np.isfinite(aht) | (aht < 0) | ((calls > 0) & (aht <= 0)))
        if bad.size:
            i = bad[0]
            raise InputError(
                f"Forecast aht[{i}] = {aht[i]}; aht must be a finite number of seconds, "
                "> 0 where calls > 0 (0 allowed where calls = 0)"
            )
        if np.isnat(start).any():
            i = np.flatnonzero(np.isnat(start))[0]
            raise InputError(f"Forecast start[{i}] = NaT; every start must be a date-time")
        has_dates = bool(self.has_dates)
        if not has_dates and (start.astype("datetime64[D]") != PLACEHOLDER_DATE).any():
            i = np.flatnonzero(start.astype("datetime64[D]") != PLACEHOLDER_DATE)[0]
            raise InputError(
                f"Forecast start[{i}] = {start[i]}; with has_dates=False every start must be "
                f"on the placeholder date {PLACEHOLDER_DATE}"
            )
        seconds = start.astype(np.int64).tolist()

        def head(i: int) -> str:
            return f"Forecast start[{i}] = {start[i]}"

        def ref(i: int) -> str:
            return f"start[{i}] ({start[i]})"

        problem = _order_problem(seconds, head, ref) or _grid_problem(
            seconds, int(interval), head, ref
        )
        if problem:
            raise InputError(problem)
        for array in (start, calls, aht):
            array.setflags(write=False)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "calls", calls)
        object.__setattr__(self, "aht", aht)
        object.__setattr__(self, "interval", interval)
        object.__setattr__(self, "has_dates", has_dates)

    @property
    def load(self) -> np.ndarray:
        """Offered load per interval [Erlang]: calls × AHT / interval."""
        return self.calls * self.aht / self.interval

    @property
    def n_intervals(self) -> int:
        """Number of intervals."""
        return int(self.start.size)

    @property
    def days(self) -> np.ndarray:
        """The distinct dates covered, sorted (``datetime64[D]``)."""
        return np.unique(self.start.astype("datetime64[D]"))

    @property
    def total_calls(self) -> float:
        """Calls over all intervals."""
        return float(self.calls.sum())

    @property
    def hours(self) -> float:
        """Interval length [h]."""
        return self.interval / 3600.0

    def interval_names(self, indices: ArrayLike) -> list[str]:
        """Short names of some intervals: ``08:00`` on a one-day forecast, else ``Mon 08:00``.

        A forecast of times of day only never shows its placeholder date's weekday.
        """
        fmt = "%a %H:%M" if len(self.days) > 1 else "%H:%M"
        return list(pd.to_datetime(self.start[np.asarray(indices, dtype=int)]).strftime(fmt))

    def start_text(self) -> list[str]:
        """Interval starts as written in output files: ``HH:MM`` without dates.

        A forecast of times of day only has no date, and none is invented in its outputs
        (the placeholder date stays inside); a dated one gives ``YYYY-MM-DD HH:MM``.
        """
        fmt = "%Y-%m-%d %H:%M" if self.has_dates else "%H:%M"
        return list(pd.to_datetime(self.start).strftime(fmt))

    def to_frame(self) -> pd.DataFrame:
        """One row per interval with columns ``start``, ``calls``, ``aht`` [s], ``load`` [Erlang].

        Returns
        -------
        pandas.DataFrame
            A new frame; changing it does not change the forecast.
        """
        return pd.DataFrame(
            {
                "start": self.start.copy(),
                "calls": self.calls.copy(),
                "aht": self.aht.copy(),
                "load": self.load,
            }
        )


def read_forecast(
    path: str | PathLike[str],
    *,
    interval: float | None = None,
    column_names: dict[str, tuple[str, ...]] = COLUMN_NAMES,
) -> Forecast:
    """Read a forecast from a CSV file (format in the module documentation).

    Parameters
    ----------
    path
        The CSV file. Messages name it as given.
    interval
        Interval length [s]: 900, 1800 or 3600. By default it is inferred as the smallest step
        between consecutive starts, which must then be 15, 30 or 60 minutes; a file with a
        single row needs it.
    column_names
        Accepted header names of ``start``, ``calls`` and ``aht`` (default
        :data:`COLUMN_NAMES`), for exports that name them differently.

    Returns
    -------
    Forecast
        The validated forecast.

    Raises
    ------
    InputError
        For a missing, unreadable or malformed file; the message names the file, the row
        (as a text editor numbers lines), the field, the value and what is allowed.
    """
    name = str(path)
    if interval is not None:
        interval = _check_interval(interval, "interval")
    rows, line_numbers, columns = read_table(Path(path), name, column_names)

    seconds: list[int] = []
    calls: list[float] = []
    aht: list[float] = []
    raw_starts: list[str] = []
    dated: bool | None = None
    for row, line in zip(rows, line_numbers, strict=True):
        where = f"{name} row {line}"
        cells = {field: row[i].strip() if i < len(row) else "" for field, i in columns.items()}
        t, row_dated = parse_start(cells["start"], where)
        if dated is None:
            dated = row_dated
        elif row_dated != dated:
            first = "a date" if dated else "no date"
            raise InputError(
                f"{where}: start = {cells['start']!r}; the first row's start has {first}: use "
                "a date and time on every row, or a time of day alone on every row"
            )
        n_calls = parse_number(cells["calls"], where, "calls", "calls must be a number >= 0")
        if n_calls < 0:
            raise InputError(f"{where}: calls = {cells['calls']!r}; calls must be a number >= 0")
        aht_rule = "aht must be a number of seconds > 0 (empty or 0 allowed only where calls = 0)"
        if cells["aht"] == "" and n_calls == 0:
            handle = 0.0
        else:
            handle = parse_number(cells["aht"], where, "aht", aht_rule)
            if handle < 0 or (handle == 0 and n_calls > 0):
                raise InputError(f"{where}: aht = {cells['aht']!r}; {aht_rule}")
            if handle > units.PLAUSIBLE["aht"][1]:
                raise InputError(
                    f"{where}: aht = {cells['aht']!r}: {units.format_duration(handle)}; aht is "
                    "in seconds, and an AHT over 4 h is implausible"
                )
        seconds.append(t)
        calls.append(n_calls)
        aht.append(handle)
        raw_starts.append(cells["start"])

    def head(i: int) -> str:
        return f"{name} row {line_numbers[i]}: start = {raw_starts[i]!r}"

    def ref(i: int) -> str:
        return f"row {line_numbers[i]} ({raw_starts[i]})"

    problem = _order_problem(seconds, head, ref)
    if problem:
        raise InputError(problem)
    if interval is None:
        interval, basis = _infer_interval(seconds, line_numbers, name)
    else:
        basis = f" (the interval is {_minutes(interval)}, as given)"
    problem = _grid_problem(seconds, int(interval), head, ref, basis)
    if problem:
        raise InputError(problem)
    return Forecast(
        start=np.array(seconds, dtype="datetime64[s]"),
        calls=np.array(calls),
        aht=np.array(aht),
        interval=interval,
        has_dates=bool(dated),
        source=name,
    )


def _infer_interval(seconds: list[int], line_numbers: list[int], name: str) -> tuple[float, str]:
    """Infer the interval [s] as the smallest step between starts; return it and a note."""
    if len(seconds) == 1:
        raise InputError(
            f"{name}: only one row (row {line_numbers[0]}), so the interval length cannot be "
            "inferred; give it explicitly (900, 1800 or 3600 s)"
        )
    steps = np.diff(np.array(seconds, dtype=np.int64))
    i = int(np.argmin(steps))
    step = int(steps[i])
    rows = f"rows {line_numbers[i]} and {line_numbers[i + 1]}"
    if step not in INTERVALS:
        raise InputError(
            f"{name}: the smallest step between starts is {_minutes(step)} ({rows}); the "
            "interval must be 15, 30 or 60 min"
        )
    return float(step), f" (the interval is {_minutes(step)}, the smallest step, {rows})"
