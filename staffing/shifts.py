"""Shifts: when agents work, with their breaks, and how many work each one.

A :class:`Shift` is one working pattern (start, end, breaks) with a headcount. Times are
seconds from the start of the planning horizon (midnight of its first day), so a night
shift may cross midnight. A :class:`ShiftPattern` (with its :class:`BreakRule` s) is a kind
of shift the schedule may use: its length, allowed start times of day, breaks and cost.

Breaks take agents off the phones; an agent whose break or shift
end comes during a call finishes the call first (see :mod:`staffing.simulation`).
"""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from os import PathLike
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from staffing._checks import count, is_whole, number
from staffing.csvfile import parse_start, read_rows
from staffing.errors import InputError
from staffing.forecast import Forecast


@dataclass(frozen=True)
class Break:
    """A break inside a shift: ``start`` and ``end`` in seconds from the horizon start.

    ``paid`` breaks count in paid time (utilization, cost); unpaid ones do not.
    """

    start: float
    end: float
    paid: bool = False


@dataclass(frozen=True)
class Shift:
    """``headcount`` agents working from ``start`` to ``end`` [s] with ``breaks``.

    Attributes
    ----------
    start, end : float
        Seconds from the start of the horizon; ``end > start``.
    headcount : int
        Agents working this shift, ``>= 0``.
    breaks : tuple of Break
        Non-overlapping breaks within the shift (between its start and end).
    name : str
        A label for reports (e.g. ``"08:00-16:30"``).
    """

    start: float
    end: float
    headcount: int = 1
    breaks: tuple[Break, ...] = ()
    name: str = ""

    def __post_init__(self) -> None:
        """Check times, headcount and breaks when the shift is built."""
        label = self.name or f"shift {self.start:g}-{self.end:g} s"
        if not (np.isfinite(self.start) and np.isfinite(self.end) and self.start >= 0):
            raise InputError(f"{label}: start and end must be finite seconds >= 0")
        if self.end <= self.start:
            raise InputError(
                f"{label}: end ({self.end:g} s) must be after start ({self.start:g} s)"
            )
        if int(self.headcount) != self.headcount or self.headcount < 0:
            raise InputError(
                f"{label}: headcount = {self.headcount!r}; must be a whole number >= 0"
            )
        previous = self.start
        for b in sorted(self.breaks, key=lambda b: b.start):
            if not (previous <= b.start < b.end <= self.end):
                raise InputError(
                    f"{label}: break {b.start:g}-{b.end:g} s must lie inside the shift, "
                    "after the previous break, and end after it starts"
                )
            previous = b.end

    def windows(self, period: float | None = None) -> list[tuple[float, float]]:
        """Return the on-the-phones windows ``(on, off)`` between breaks [s].

        With a ``period`` (a cyclic horizon of that many seconds), time past its end lands
        at its start (:func:`wrap`).
        """
        out = []
        on = self.start
        for b in sorted(self.breaks, key=lambda b: b.start):
            if b.start > on:
                out.append((on, b.start))
            on = b.end
        if self.end > on:
            out.append((on, self.end))
        return wrap(out, period)

    @property
    def paid_seconds(self) -> float:
        """Paid time of one agent on this shift [s]: its length less unpaid breaks."""
        unpaid = sum(b.end - b.start for b in self.breaks if not b.paid)
        return self.end - self.start - unpaid


def paid_hours(shifts: Sequence[Shift]) -> float:
    """Paid hours of a schedule [h]: every agent's shift less its unpaid breaks."""
    return sum(s.headcount * s.paid_seconds for s in shifts) / 3600.0


def people(shifts: Sequence[Shift], days: int, days_per_week: float = 5.0) -> int:
    """Fewest people who can work the shifts, each on at most ``days_per_week`` days of 7.

    A shift is one person's working day (DESIGN.md section 3); shifts on day ``d`` of the
    horizon (by their start) need ``s_d`` different people that day, and a person works at
    most ``days_per_week * days / 7`` of the ``days`` days. The fewest people is
    ``max(max_d s_d, ceil(sum_d s_d / (days_per_week * days / 7)))``: no fewer can work the
    days, and that many can, by McNaughton's wrap-around rule (give day after day's shifts
    to the people in turn, going on from where the previous day stopped: nobody gets two
    shifts of a day, and nobody more than the quota). For a one-day plan (``days = 1``) it
    is the staff that covers the day on every day of the week. Rest between shifts and
    contract hours are not considered here (``staffing roster`` assigns named people).

    References
    ----------
    .. [1] R. McNaughton, "Scheduling with deadlines and loss functions", Management Science
       6(1), 1-12, 1959 (the wrap-around rule).
    .. [2] K. R. Baker, "Scheduling a full-time workforce to meet cyclic staffing
       requirements", Management Science 20(12), 1561-1568, 1974.
    """
    if days < 1 or not 0 < days_per_week <= 7:
        raise InputError(f"days = {days}, days_per_week = {days_per_week}; give >= 1 and (0, 7]")
    per_day = np.zeros(days)
    for shift in shifts:
        day = min(max(int(shift.start // _DAY), 0), days - 1)
        per_day[day] += shift.headcount
    quota = days_per_week * days / 7.0
    return int(max(per_day.max(initial=0.0), math.ceil(per_day.sum() / quota - 1e-9)))


def wrap(
    segments: Sequence[tuple[float, float]], period: float | None
) -> list[tuple[float, float]]:
    """Segments ``(start, end)`` [s] on a cyclic horizon of ``period`` seconds.

    A cyclic week repeats: the part of a segment past the horizon's end (Sunday's night
    shift after midnight) is the same time of the next cycle, so it lands at the start
    (Monday's early hours). None: no wrapping. Segments are at most one period long.
    """
    if period is None:
        return list(segments)
    out = []
    for start, end in segments:
        if start < period:
            out.append((start, min(end, period)))
        if end > period:
            out.append((max(start, period) - period, end - period))
    return sorted(out)


def coverage(
    shifts: Sequence[Shift], interval: float, n_intervals: int, period: float | None = None
) -> NDArray[np.float64]:
    """Agents on the phones per interval (time-averaged), from a set of shifts.

    An agent on the phones for half of an interval counts 0.5 there. With a ``period``, the
    horizon is cyclic (:func:`wrap`).
    """
    edges = np.arange(n_intervals + 1) * interval
    out = np.zeros(n_intervals)
    for shift in shifts:
        for on, off in shift.windows(period):
            overlap = np.clip(np.minimum(edges[1:], off) - np.maximum(edges[:-1], on), 0, None)
            out += shift.headcount * overlap / interval
    return out


# --------------------------------------------------------------------------- files

AGENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "start": ("start", "interval_start", "time", "datetime"),
    "agents": ("agents", "staff", "on_phones"),
}
"""Accepted headers of a staffing CSV (one row per forecast interval)."""

SHIFT_COLUMNS: dict[str, tuple[str, ...]] = {
    "start": ("start", "shift_start"),
    "end": ("end", "shift_end"),
    "headcount": ("headcount", "agents", "count"),
    "breaks?": ("breaks", "unpaid_breaks"),
    "paid_breaks?": ("paid_breaks",),
    "name?": ("name", "shift", "label"),
}
"""Accepted headers of a shift CSV; breaks are optional columns."""

_DAY = 86_400
_TOL = 1e-9
_BREAK = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")


def _whole(text: str, where: str, field: str) -> int:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not (value >= 0 and value == int(value)):
        raise InputError(f"{where}: {field} = {text!r}; {field} must be a whole number >= 0")
    return int(value)


def read_agents(path: str | PathLike[str], forecast: Forecast) -> NDArray[np.int64]:
    """Agents on the phones per forecast interval, from a CSV with ``start`` and ``agents``.

    Every interval of the forecast needs one row (other rows are an error; other columns are
    ignored, so the CSV written by ``staffing requirements --out`` can be read back).
    Starts are written as in the forecast; a file of times of day matches a one-day forecast.
    """
    name = str(path)
    one_day = len(forecast.days) == 1
    day_of = forecast.start.astype("datetime64[D]").astype("datetime64[s]").astype(np.int64)
    index = {}
    for k, t in enumerate(forecast.start.astype(np.int64)):
        index[int(t)] = k
        if one_day:
            index[int(t - day_of[k])] = k
    agents = np.full(forecast.n_intervals, -1, dtype=np.int64)
    for where, cells in read_rows(path, AGENT_COLUMNS):
        t, _ = parse_start(cells["start"], where)
        k = index.get(t)
        if k is None:
            raise InputError(
                f"{where}: start = {cells['start']!r} is not an interval of the forecast"
            )
        if agents[k] >= 0:
            raise InputError(f"{where}: start = {cells['start']!r} appears twice")
        agents[k] = _whole(cells["agents"], where, "agents")
    missing = np.flatnonzero(agents < 0)
    if missing.size:
        first = str(forecast.start[missing[0]]).replace("T", " ")
        raise InputError(
            f"{name}: no row for the forecast interval starting {first} "
            f"({missing.size} intervals missing); give one row per interval"
        )
    return agents


def _offset(text: str, where: str, field: str, origin: int) -> float:
    """Seconds from ``origin`` (midnight of day one) of a start/end cell."""
    t, dated = parse_start(text, f"{where} ({field})")
    return float(t - origin) if dated else float(t)


def _breaks(text: str, where: str, day: float, start: float, paid: bool) -> list[Break]:
    out = []
    for item in text.split():
        m = _BREAK.fullmatch(item)
        if m is None:
            raise InputError(
                f"{where}: break {item!r}; write breaks like 12:00-12:30, separated by spaces"
            )
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        b_start = day + h1 * 3600 + m1 * 60
        if b_start < start:
            b_start += _DAY
        b_end = day + h2 * 3600 + m2 * 60
        while b_end <= b_start:
            b_end += _DAY
        out.append(Break(b_start, b_end, paid))
    return out


def shift_from_row(where: str, cells: dict[str, str], origin: int) -> Shift:
    """Build the shift of one row of a shift CSV, as :func:`read_shifts` reads it.

    Parameters
    ----------
    where
        The row, for messages (``shifts.csv row 7``).
    cells
        The row's cells by field of :data:`SHIFT_COLUMNS`, as :func:`read_rows` gives them.
    origin
        Midnight of the horizon's first day [s since 1970-01-01]; dated starts and ends are
        placed from it, times of day on the first day.

    Returns
    -------
    Shift
        Times in seconds from ``origin``.

    Raises
    ------
    InputError
        For a bad cell; the message names the row and the field.
    """
    start = _offset(cells["start"], where, "start", origin)
    end = _offset(cells["end"], where, "end", origin)
    while end <= start:
        end += _DAY
    day = np.floor(start / _DAY) * _DAY
    breaks = _breaks(cells["breaks"], where, day, start, paid=False)
    breaks += _breaks(cells["paid_breaks"], where, day, start, paid=True)
    headcount = _whole(cells["headcount"], where, "headcount")
    try:
        return Shift(
            start=start,
            end=end,
            headcount=headcount,
            breaks=tuple(sorted(breaks, key=lambda b: b.start)),
            name=cells["name"] or f"{cells['start']}-{cells['end']}",
        )
    except InputError as error:
        raise InputError(f"{where}: {error}") from None


def read_shifts(path: str | PathLike[str], forecast: Forecast) -> list[Shift]:
    """Shifts from a CSV: ``start``, ``end``, ``headcount``, optional ``breaks``, ``paid_breaks``.

    ``start`` and ``end`` are times of day (``08:00``; an end at or before the start is on
    the next day) or dates and times; times are placed on the forecast's first day. Breaks
    are ``HH:MM-HH:MM`` items separated by spaces (``12:00-12:30 15:00-15:15``), on the
    shift's day (after midnight if earlier than the start); ``breaks`` are unpaid,
    ``paid_breaks`` paid. A shift wholly outside the forecast's horizon is an error (it
    would staff nothing, leaving the forecast's callers unanswered without a word).
    """
    day0 = forecast.start[0].astype("datetime64[D]").astype("datetime64[s]")
    origin = int(day0.astype(int))
    seconds = (forecast.start - day0).astype("timedelta64[s]").astype(float)
    first, end = float(seconds[0]), float(seconds[-1]) + forecast.interval
    shifts = []
    for where, cells in read_rows(path, SHIFT_COLUMNS):
        shift = shift_from_row(where, cells, origin)
        if shift.end <= first or shift.start >= end:
            labels = forecast.start_text()
            raise InputError(
                f"{where}: shift {cells['start']}-{cells['end']} lies outside the forecast "
                f"({labels[0]} to the end of the interval starting {labels[-1]}); check its "
                "date"
            )
        shifts.append(shift)
    return shifts


def write_shifts(path: str | PathLike[str], shifts: Sequence[Shift], forecast: Forecast) -> None:
    """Write shifts as a CSV that :func:`read_shifts` reads back to the same shifts.

    Starts and ends are times of day for a one-day forecast, dates and times otherwise;
    breaks are ``HH:MM-HH:MM`` on the shift's day.
    """
    origin = forecast.start[0].astype("datetime64[D]").astype("datetime64[s]")
    dated = len(forecast.days) > 1 or forecast.has_dates

    def clock(seconds: float) -> str:
        s = int(np.rint(seconds)) % int(_DAY)
        return f"{s // 3600:02d}:{s % 3600 // 60:02d}"

    def moment(seconds: float) -> str:
        if not dated:
            return clock(seconds)
        t = origin + np.timedelta64(int(np.rint(seconds)), "s")
        return str(t.astype("datetime64[m]")).replace("T", " ")

    lines = ["name,start,end,headcount,breaks,paid_breaks"]
    for shift in shifts:
        unpaid = " ".join(f"{clock(b.start)}-{clock(b.end)}" for b in shift.breaks if not b.paid)
        paid = " ".join(f"{clock(b.start)}-{clock(b.end)}" for b in shift.breaks if b.paid)
        name = shift.name.replace(",", " ")
        lines.append(
            f"{name},{moment(shift.start)},{moment(shift.end)},{shift.headcount},{unpaid},{paid}"
        )
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- patterns


@dataclass(frozen=True)
class BreakRule:
    """A break each agent of a pattern takes once, somewhere in a window after the shift start.

    Attributes
    ----------
    duration : float
        Length of the break [s], > 0.
    earliest, latest : float
        Earliest and latest break start [s after the shift start], ``0 <= earliest <=
        latest``; the optimizer places each agent's break at one of ``earliest``,
        ``earliest + break_step``, ... up to ``latest`` (see :func:`schedule`).
    paid : bool
        Paid breaks count in paid hours and cost; unpaid ones do not.
    """

    duration: float
    earliest: float
    latest: float
    paid: bool = False

    def __post_init__(self) -> None:
        """Check the duration and the window when the rule is built."""
        number(self.duration, "BreakRule.duration", "a number of seconds > 0", lambda v: v > 0)
        earliest = number(
            self.earliest, "BreakRule.earliest", "a number of seconds >= 0", lambda v: v >= 0
        )
        number(
            self.latest,
            "BreakRule.latest",
            f"a number of seconds >= earliest ({earliest:g})",
            lambda v: v >= earliest,
        )
        if not isinstance(self.paid, bool):
            raise InputError(f"BreakRule.paid = {self.paid!r}; paid must be True or False")

    def offsets(self, step: float) -> NDArray[np.float64]:
        """Return the allowed break starts [s after the shift start], every ``step``."""
        n = math.floor((self.latest - self.earliest) / step + _TOL) + 1
        return self.earliest + step * np.arange(n)


@dataclass(frozen=True)
class ShiftPattern:
    """A kind of shift: its length, allowed start times of day, break rules and cost.

    Attributes
    ----------
    name : str
        Unique label; the scheduled shifts are named ``"<name> HH:MM"`` after it.
    length : float
        Shift length including breaks [s], ``0 < length <= 86400``.
    starts : tuple of float
        Allowed start times of day [s after midnight, in ``[0, 86400)``], repeated on every
        day of the horizon. Any sequence is accepted and stored as a sorted tuple.
    breaks : tuple of BreakRule
        Breaks every agent of the pattern takes; their windows must not overlap (each break
        ends, at its latest, no later than the next one's earliest start) and the last must
        end inside the shift.
    hourly_cost : float
        Cost of one paid hour [currency/h, or a multiplier], > 0; with the default 1.0 the
        cost of a schedule is its paid hours.
    max_agents : int or None
        Most agents starting this pattern at any one start time (per day), or no limit.
    part_time : bool
        Whether the pattern counts as part-time for ``max_part_time_share``.
    """

    name: str
    length: float
    starts: tuple[float, ...]
    breaks: tuple[BreakRule, ...] = ()
    hourly_cost: float = 1.0
    max_agents: int | None = None
    part_time: bool = False

    def __post_init__(self) -> None:
        """Check every field, naming the pattern and the field at fault."""
        if not isinstance(self.name, str) or not self.name.strip():
            raise InputError(f"ShiftPattern.name = {self.name!r}; give a non-empty name")
        where = f"shift pattern {self.name!r}"
        length = number(
            self.length,
            f"{where}: length",
            "a number of seconds in (0, 86400]",
            lambda v: 0 < v <= _DAY,
        )
        if isinstance(self.starts, str) or not isinstance(self.starts, Sequence | np.ndarray):
            raise InputError(
                f"{where}: starts = {self.starts!r}; give a sequence of times of day [s]"
            )
        starts = [
            number(s, f"{where}: starts", "seconds after midnight in [0, 86400)", in_day)
            for s in self.starts
        ]
        if not starts:
            raise InputError(f"{where}: starts is empty; give at least one start time of day")
        if len(set(starts)) != len(starts):
            raise InputError(f"{where}: starts has a time twice; list each start once")
        object.__setattr__(self, "starts", tuple(sorted(starts)))
        if isinstance(self.breaks, BreakRule) or not all(
            isinstance(b, BreakRule) for b in self.breaks
        ):
            raise InputError(f"{where}: breaks must be a sequence of BreakRule")
        rules = tuple(sorted(self.breaks, key=lambda b: b.earliest))
        object.__setattr__(self, "breaks", rules)
        for i, rule in enumerate(rules):
            if rule.latest + rule.duration > length:
                raise InputError(
                    f"{where}: break {i + 1} may end at {rule.latest + rule.duration:g} s, "
                    f"after the shift's length ({length:g} s); lower its latest start"
                )
            if i + 1 < len(rules) and rule.latest + rule.duration > rules[i + 1].earliest:
                raise InputError(
                    f"{where}: break windows {i + 1} and {i + 2} overlap (break {i + 1} may "
                    f"end at {rule.latest + rule.duration:g} s, break {i + 2} may start at "
                    f"{rules[i + 1].earliest:g} s); separate them"
                )
        number(self.hourly_cost, f"{where}: hourly_cost", "a number > 0", lambda v: v > 0)
        if self.max_agents is not None:
            count(self.max_agents, f"{where}: max_agents")
        if not isinstance(self.part_time, bool):
            raise InputError(f"{where}: part_time = {self.part_time!r}; must be True or False")

    @property
    def paid_seconds(self) -> float:
        """Paid time of one agent on this pattern [s]: its length less unpaid breaks."""
        return self.length - sum(b.duration for b in self.breaks if not b.paid)

    @property
    def shift_cost(self) -> float:
        """Cost of one agent's shift [currency]: paid hours x hourly cost."""
        return self.paid_seconds / 3600 * self.hourly_cost


def in_day(seconds: float) -> bool:
    """Whether a time of day [s after midnight] lies in ``[0, 86400)``."""
    return 0 <= seconds < _DAY


# --------------------------------------------------------------------------- plans

PLAN_DAYS = 7
"""Days a one-day plan is repeated over by :func:`read_plan_shifts` unless told: a week."""


def read_plan_shifts(
    path: str | PathLike[str], *, days: int | None = None, first_day: date | None = None
) -> tuple[list[Shift], int, date | None]:
    """Shifts of a plan's ``shifts.csv`` over the days of a roster, without its forecast.

    The file is the one ``staffing plan`` writes (:func:`staffing.shifts.write_shifts`):
    ``name``, ``start``, ``end``, ``headcount``, ``breaks``, ``paid_breaks``, with starts
    and ends as times of day (``08:00``) or as dates and times (``2026-03-03 08:00``), the
    same form on every row. A plan whose shifts all start on one day (times of day, or one
    date) is a day's pattern: it is repeated on each of ``days`` days (a week by default),
    the same shifts every day. A plan whose shifts start on several dates keeps its days.

    Parameters
    ----------
    path
        The plan's shift CSV; messages name it as given.
    days
        Days to repeat a one-day plan over, ``>= 1``; :data:`PLAN_DAYS` by default. An error
        with a plan of several days.
    first_day
        The date of a one-day plan's first day when the file has times of day only (for
        weekday names and ``unavailable`` dates). An error with a file that has dates.

    Returns
    -------
    shifts : list of Shift
        Times in seconds from midnight of the first day; one name per kind of shift.
    days : int
        Days of the roster.
    first_day : datetime.date or None
        Date of the first day: the plan's first date, ``first_day`` as given, or None.

    Raises
    ------
    InputError
        For a bad file or argument; file messages name the file, the row and the column.
    """
    rows = read_rows(path, SHIFT_COLUMNS)
    dated: bool | None = None
    starts: list[int] = []
    for where, cells in rows:
        for field in ("start", "end"):
            t, has_date = parse_start(cells[field], f"{where} ({field})")
            if dated is None:
                dated = has_date
            elif has_date != dated:
                form = "a date" if dated else "a time of day alone"
                raise InputError(
                    f"{where}: {field} = {cells[field]!r}; the first row's start has {form}: "
                    "write every start and end with a date (2026-03-03 08:00) or none with one"
                )
            if field == "start":
                starts.append(t)
    origin = min(starts) // _DAY * _DAY if dated else 0
    plan = [shift_from_row(where, cells, origin) for where, cells in rows]
    _check_kinds(rows, plan)
    span = max(int(shift.start) // _DAY for shift in plan) + 1
    plan_day = date(1970, 1, 1) + timedelta(seconds=origin) if dated else None
    if span > 1:
        last = plan_day + timedelta(days=span - 1) if plan_day else None
        what = f"{path} is a plan of {span} days ({plan_day} to {last})"
        if days is not None:
            raise InputError(f"days = {days!r}; {what}; days applies only to a one-day plan")
        if first_day is not None:
            raise InputError(f"first_day = {first_day}; {what}, which fix the first day")
        return plan, span, plan_day
    if days is None:
        days = PLAN_DAYS
    if not (is_whole(days) and days >= 1):
        raise InputError(f"days = {days!r}; give a whole number of days >= 1")
    if plan_day is not None and first_day is not None:
        raise InputError(
            f"first_day = {first_day}; {path} is dated {plan_day}, which is the first day"
        )
    if first_day is not None and not isinstance(first_day, date):
        raise InputError(f"first_day = {first_day!r}; give a datetime.date")
    shifts = [
        Shift(
            shift.start + d * _DAY,
            shift.end + d * _DAY,
            shift.headcount,
            tuple(Break(b.start + d * _DAY, b.end + d * _DAY, b.paid) for b in shift.breaks),
            shift.name,
        )
        for d in range(int(days))
        for shift in plan
    ]
    return shifts, int(days), plan_day or first_day


def _check_kinds(rows: list[tuple[str, dict[str, str]]], shifts: list[Shift]) -> None:
    """Refuse two rows of one shift name with another time of day, length or paid time."""
    seen: dict[str, tuple[str, tuple[int, int, int]]] = {}
    for (where, _), shift in zip(rows, shifts, strict=True):
        kind = (
            round(shift.start) % _DAY,
            round(shift.end - shift.start),
            round(shift.paid_seconds),
        )
        first, known = seen.setdefault(shift.name, (where, kind))
        if known != kind:
            row = " ".join(first.rsplit(" ", 2)[-2:])
            raise InputError(
                f"{where}: name = {shift.name!r} is also the name of {row}, with another "
                "start time, length or paid time; give each kind of shift its own name"
            )
