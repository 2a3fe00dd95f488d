"""Interval history: calls and AHT per interval over many days, the input of a forecast.

An :class:`IntervalHistory` is a calendar of days (rows) by intervals of the day (columns):
a day missing from the history (a weekend the line is closed, a gap in the export) is a row
of NaN, never of zeros, so a forecast skips it instead of averaging a zero in. It is read
from an interval CSV (the forecast format of :mod:`staffing.forecast`, whose extra observed
columns such as ``answered`` or ``abandoned`` are ignored here) or aggregated from a
:class:`~staffing.history.log.ContactLog`: contacts belong to the interval they **arrive**
in, and the interval's AHT is the mean handle time of its answered contacts.
"""

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from os import PathLike

import numpy as np
from numpy.typing import NDArray

from staffing.csvfile import normalize_header
from staffing.errors import InputError
from staffing.forecast import COLUMN_NAMES, Forecast, read_forecast
from staffing.history.log import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, ContactLog, read_log

FloatArray = NDArray[np.float64]

_DAY = 86_400


@dataclass(frozen=True, eq=False)
class IntervalHistory:
    """Calls and AHT per interval, one row per calendar day from the first to the last.

    Parameters
    ----------
    first_day
        The date of row 0 (``datetime64[D]``); row ``i`` is ``first_day + i`` days.
    calls
        Calls that arrived in each interval [calls per interval], shape (days, intervals of
        the day); a day missing from the history is a row of NaN, any other row is finite
        and >= 0. Column ``j`` is the interval starting ``first_slot + j * interval``
        seconds after midnight.
    aht
        Average handle time of those calls [s], same shape; NaN where unknown (no calls, no
        answered contact, or a missing day).
    first_slot
        Start of the first interval of the day [s after midnight], on the interval grid.
    interval
        Interval length [s]: 900, 1800 or 3600.
    source
        Where it came from, for messages.

    Raises
    ------
    InputError
        For shapes that differ, negative or partly missing days, or intervals past midnight.
    """

    first_day: np.datetime64
    calls: FloatArray
    aht: FloatArray
    first_slot: float
    interval: float
    source: str = ""

    def __post_init__(self) -> None:
        where = self.source or "interval history"
        calls = np.array(self.calls, dtype=float, ndmin=2)
        aht = np.array(self.aht, dtype=float, ndmin=2)
        if calls.ndim != 2 or calls.shape != aht.shape or 0 in calls.shape:
            raise InputError(
                f"{where}: calls {calls.shape} and aht {aht.shape} must be the same non-empty "
                "(days, intervals) shape"
            )
        if float(self.interval) not in (900.0, 1800.0, 3600.0):
            raise InputError(f"{where}: interval = {self.interval!r}; give 900, 1800 or 3600 s")
        first_slot = float(self.first_slot)
        end = first_slot + calls.shape[1] * self.interval
        if first_slot < 0 or first_slot % self.interval or end > _DAY:
            raise InputError(
                f"{where}: intervals from {first_slot:g} s to {end:g} s after midnight; they "
                "must lie on the interval grid within one day"
            )
        missing = np.isnan(calls)
        partial = missing.any(axis=1) & ~missing.all(axis=1)
        if partial.any():
            raise InputError(
                f"{where}: day {int(np.argmax(partial))} is partly missing; a day is all "
                "numbers or all NaN"
            )
        bad = ~missing & ~(np.isfinite(calls) & (calls >= 0))
        if bad.any():
            day, slot = np.argwhere(bad)[0]
            raise InputError(f"{where}: calls[{day}, {slot}] = {calls[day, slot]}; must be >= 0")
        if (aht[np.isfinite(aht)] < 0).any() or np.isinf(aht).any():
            raise InputError(f"{where}: aht must be seconds >= 0, or NaN where unknown")
        for array in (calls, aht):
            array.setflags(write=False)
        object.__setattr__(self, "first_day", np.datetime64(self.first_day, "D"))
        object.__setattr__(self, "calls", calls)
        object.__setattr__(self, "aht", aht)
        object.__setattr__(self, "first_slot", first_slot)
        object.__setattr__(self, "interval", float(self.interval))

    @property
    def days(self) -> NDArray[np.datetime64]:
        """The date of every row (``datetime64[D]``), missing days included."""
        return self.first_day + np.arange(self.calls.shape[0])

    @property
    def present(self) -> NDArray[np.bool_]:
        """Whether each day is in the history."""
        return ~np.isnan(self.calls[:, 0])

    @property
    def slot_starts(self) -> FloatArray:
        """Start of each interval of the day [s after midnight]."""
        return self.first_slot + self.interval * np.arange(self.calls.shape[1])

    @property
    def daily_calls(self) -> FloatArray:
        """Calls per day (NaN for a missing day)."""
        return self.calls.sum(axis=1)


def history_from_forecast(forecast: Forecast) -> IntervalHistory:
    """Lay a dated forecast-format table out as an interval history.

    Intervals of the day run from the earliest start to the latest end seen on any day; on
    a day in the table, an interval it does not list had no calls (the line was closed).
    A date not in the table is a missing day.

    Raises
    ------
    InputError
        If the table has times of day without dates.
    """
    where = forecast.source or "interval history"
    if not forecast.has_dates:
        raise InputError(
            f"{where}: starts are times of day without dates; a history needs dates "
            "(2026-03-02 08:00)"
        )
    seconds = forecast.start.astype(np.int64)
    day = seconds // _DAY
    slot = (seconds % _DAY) // int(forecast.interval)
    first = int(slot.min())
    shape = (int(day.max() - day.min()) + 1, int(slot.max()) - first + 1)
    calls = np.full(shape, np.nan)
    aht = np.full(shape, np.nan)
    rows, cols = day - day.min(), slot - first
    calls[np.unique(rows)] = 0.0
    calls[rows, cols] = forecast.calls
    aht[rows, cols] = np.where(forecast.calls > 0, forecast.aht, np.nan)
    return IntervalHistory(
        first_day=np.datetime64(int(day.min()), "D"),
        calls=calls,
        aht=aht,
        first_slot=first * forecast.interval,
        interval=forecast.interval,
        source=where,
    )


def history_from_log(log: ContactLog, interval: float = 1800.0) -> IntervalHistory:
    """Count a contact log's contacts per interval of arrival, with their AHT.

    Parameters
    ----------
    log
        The contacts.
    interval
        Interval length [s]: 900, 1800 or 3600.

    Returns
    -------
    IntervalHistory
        Calls = contacts arriving in the interval (answered and abandoned); AHT = mean
        handle of the answered ones [s] (NaN where none was answered). A day without any
        contact is a missing day: a log cannot tell a closed day from a lost one.

    Raises
    ------
    InputError
        For an empty log or an interval other than 15, 30 or 60 min.
    """
    where = log.source or "contact log"
    if log.size == 0:
        raise InputError(f"{where}: no contacts; a forecast needs history")
    if float(interval) not in (900.0, 1800.0, 3600.0):
        raise InputError(f"interval = {interval!r}; give 900, 1800 or 3600 s (15, 30 or 60 min)")
    step = int(interval)
    seconds = log.arrival.astype(np.int64)
    day = seconds // _DAY
    slot = (seconds % _DAY) // step
    first_day, first = int(day.min()), int(slot.min())
    n_days, n_slots = int(day.max()) - first_day + 1, int(slot.max()) - first + 1
    cell = (day - first_day) * n_slots + (slot - first)
    size = n_days * n_slots
    calls = np.bincount(cell, minlength=size).astype(float).reshape(n_days, n_slots)
    answered = log.answered
    handled = np.bincount(cell[answered], minlength=size).reshape(n_days, n_slots)
    handle = np.bincount(cell[answered], log.handle[answered], minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        aht = np.where(handled > 0, handle.reshape(n_days, n_slots) / handled, np.nan)
    calls[calls.sum(axis=1) == 0] = np.nan
    return IntervalHistory(
        first_day=np.datetime64(first_day, "D"),
        calls=calls,
        aht=aht,
        first_slot=float(first * step),
        interval=float(interval),
        source=where,
    )


def read_history(
    path: str | PathLike[str],
    *,
    columns: Mapping[str, str] | None = None,
    interval: float | None = None,
) -> IntervalHistory:
    """Read a history: a contact log, or an interval CSV in the forecast format.

    A file whose header has an ``arrival`` column (or that ``columns`` maps a log column
    for) is a contact log (:func:`~staffing.history.log.read_log`), aggregated into
    intervals; any other file is read as an interval CSV
    (:func:`~staffing.forecast.read_forecast`: ``start``, ``calls``, ``aht`` with dates;
    other columns, such as observed ``answered`` or ``abandoned``, are ignored).

    Parameters
    ----------
    path
        The CSV file.
    columns
        The export's names for some columns, by DESIGN name: log columns
        (``{"arrival": "call_start"}``) or interval columns (``{"calls": "offered_calls"}``).
    interval
        Interval length [s] (900, 1800 or 3600): the aggregation of a log (default 1800);
        for an interval CSV, the length of its intervals when the starts cannot tell.

    Returns
    -------
    IntervalHistory

    Raises
    ------
    InputError
        As the readers do: one line naming the file, row, column and value.
    """
    name = str(path)
    mapping = dict(columns or {})
    log_columns = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
    arrival = normalize_header(mapping.get("arrival", "arrival"))
    if any(key in log_columns for key in mapping) or arrival in _header(path):
        return history_from_log(
            read_log(path, columns=mapping), 1800.0 if interval is None else interval
        )
    unknown = [key for key in mapping if key not in COLUMN_NAMES]
    if unknown:
        raise InputError(
            f"{name}: columns maps {unknown[0]!r}; an interval CSV has columns "
            f"{', '.join(COLUMN_NAMES)} (a contact log has {', '.join(log_columns)})"
        )
    names = {
        key: (normalize_header(mapping[key]),) if key in mapping else aliases
        for key, aliases in COLUMN_NAMES.items()
    }
    return history_from_forecast(read_forecast(path, interval=interval, column_names=names))


def _header(path: str | PathLike[str]) -> list[str]:
    """Return the normalized header names of a CSV file ([] if unreadable: the reader says why)."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as file:
            for line in file:
                if line.strip():
                    delimiter = max(",;\t", key=line.count)
                    cells = next(csv.reader([line], delimiter=delimiter))
                    return [normalize_header(cell) for cell in cells]
    except OSError:
        pass
    return []
