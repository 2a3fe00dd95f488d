"""Roster tables: ``roster.csv`` and ``roster.md`` from a :class:`~staffing.rostering.RosterResult`.

A renderer: it reads a result and writes text; no solver, no plotting. Times in the result
are seconds from midnight of the roster's first day; here they become wall-clock times,
with dates when the first day's date is known.

``roster.csv``: one row per agent and day, in agent then day order: ``agent``, ``day``
(from 1), ``date`` and ``weekday`` (empty without a first day), ``shift`` (its name, or
``off``), ``start`` and ``end`` (``2026-03-03 08:00`` with a first day, else times of day
``08:00`` where an end at or before the start is on the next day, as in ``shifts.csv``;
empty when off), ``paid_hours``.

``roster.md``: a week grid, agents as rows and days as columns, each cell the shift's
``HH:MM-HH:MM`` or ``off``, with each agent's paid hours against contract, and a last row of
shifts rostered against shifts needed on each day.
"""

import csv
import io
from datetime import date, datetime, timedelta
from os import PathLike
from pathlib import Path

from staffing.errors import InputError
from staffing.rostering import RosterResult

ROSTER_FILES = ("roster.csv", "roster.md")
"""The files :func:`write_roster` writes (and nothing else)."""

CSV_COLUMNS = ("agent", "day", "date", "weekday", "shift", "start", "end", "paid_hours")
"""Columns of ``roster.csv``."""

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY = 86_400


def render_roster(result: RosterResult, *, first_day: date | None = None) -> dict[str, str]:
    """Return the text of ``roster.csv`` and ``roster.md``, by file name.

    Parameters
    ----------
    result
        A result with a roster (:attr:`RosterResult.has_roster`).
    first_day
        Date of day 1, for dates and weekday names; days are numbered only without it.

    Returns
    -------
    dict of str to str
        The text of each file of :data:`ROSTER_FILES`.

    Raises
    ------
    InputError
        If the result has no roster; the message gives :attr:`RosterResult.reason`.
    """
    if not result.has_roster:
        raise InputError(f"no roster to write: {result.reason}")
    if first_day is not None and not isinstance(first_day, date):
        raise InputError(f"first_day = {first_day!r}; give a datetime.date")
    work = {(row.agent, row.day): row for row in result.roster.itertuples(index=False)}
    return {
        "roster.csv": _csv(result, work, first_day),
        "roster.md": _markdown(result, work, first_day),
    }


def write_roster(
    result: RosterResult, out_dir: str | PathLike[str], *, first_day: date | None = None
) -> dict[str, Path]:
    """Write ``roster.csv`` and ``roster.md`` into ``out_dir`` (created if missing).

    Both files are rendered before either is written, and each is written whole, so a
    result without a roster or a failed write leaves no partial file. Checking that
    ``out_dir`` may be written to (new, empty or forced) is the caller's job.

    Parameters
    ----------
    result
        A result with a roster.
    out_dir
        The folder to write into; other files in it are left alone.
    first_day
        Date of day 1, as in :func:`render_roster`.

    Returns
    -------
    dict of str to Path
        What was written, by file name.

    Raises
    ------
    InputError
        If the result has no roster, or ``out_dir`` is a file.
    """
    texts = render_roster(result, first_day=first_day)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} is a file; choose a folder for the roster")
    out.mkdir(parents=True, exist_ok=True)
    temporary = {name: out / f".{name}.partial" for name in texts}
    try:
        for name, text in texts.items():
            temporary[name].write_text(text, encoding="utf-8")
        written = {name: temporary[name].replace(out / name) for name in texts}
    finally:
        for path in temporary.values():
            path.unlink(missing_ok=True)
    return written


def _csv(result: RosterResult, work: dict[tuple[str, int], tuple], first_day: date | None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for agent in result.hours["agent"]:
        for day in range(1, result.days + 1):
            when = first_day + timedelta(days=day - 1) if first_day else None
            dated = [when.isoformat(), _WEEKDAYS[when.weekday()]] if when else ["", ""]
            row = work.get((agent, day))
            if row is None:
                writer.writerow([agent, day, *dated, "off", "", "", 0])
                continue
            times = [_moment(row.start, first_day), _moment(row.end, first_day)]
            writer.writerow([agent, day, *dated, row.shift, *times, f"{row.hours:g}"])
    return buffer.getvalue()


def _markdown(
    result: RosterResult, work: dict[tuple[str, int], tuple], first_day: date | None
) -> str:
    days = range(1, result.days + 1)
    heads = [_day_label(day, first_day) for day in days]
    lines = [
        "# Roster",
        "",
        _summary(result, first_day),
        "",
        "| agent | " + " | ".join(heads) + " | paid h | contract h |",
        "|---|" + "---|" * len(heads) + "---:|---:|",
    ]
    for agent in result.hours.itertuples(index=False):
        cells = []
        for day in days:
            row = work.get((agent.agent, day))
            cells.append("off" if row is None else f"{_clock(row.start)}-{_clock(row.end)}")
        lines.append(
            f"| {_escape(agent.agent)} | "
            + " | ".join(cells)
            + f" | {agent.hours:,g} | {agent.contract_hours:,g} |"
        )
    rostered = result.roster.groupby("day").size()
    needed = result.needed.groupby("day")["headcount"].sum()
    totals = [f"{rostered.get(day, 0)} / {needed.get(day, 0)}" for day in days]
    lines.append(
        "| **shifts rostered / needed** | "
        + " | ".join(totals)
        + f" | {result.hours['hours'].sum():,g} | {result.hours['contract_hours'].sum():,g} |"
    )
    if result.messages:
        lines += ["", *(f"- {message}" for message in result.messages)]
    return "\n".join(lines) + "\n"


def _summary(result: RosterResult, first_day: date | None) -> str:
    """One line: the days, agents, shifts and paid hours, and how the search ended."""
    span = f"{result.days} days"
    if first_day is not None:
        span += f", {_day_label(1, first_day)} to {_day_label(result.days, first_day)}"
    table = result.roster
    return (
        f"{span}; {len(result.hours):,} agents; {len(table):,} shifts "
        f"({table['hours'].sum():,g} paid hours); {result.status.value}."
    )


def _day_label(day: int, first_day: date | None) -> str:
    if first_day is None:
        return f"day {day}"
    when = first_day + timedelta(days=day - 1)
    return f"{_WEEKDAYS[when.weekday()][:3]} {when.isoformat()}"


def _moment(seconds: float, first_day: date | None) -> str:
    """Format a time from midnight of day 1 [s] as a date and time, or a time of day alone."""
    if first_day is None:
        return _clock(seconds)
    moment = datetime.combine(first_day, datetime.min.time()) + timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%d %H:%M")


def _clock(seconds: float) -> str:
    s = round(seconds) % _DAY
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}"


def _escape(text: str) -> str:
    return text.replace("|", "\\|")
