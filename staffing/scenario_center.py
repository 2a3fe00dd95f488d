"""Reading ``[[queues]]`` and ``[[groups]]`` of a scenario file into a :class:`Center`.

The multi-queue keys of DESIGN.md section 8, read for :func:`staffing.scenario.load_scenario`
with its table reader, so every message names the file and key: a queue's own
``patience``, ``handle_*`` and ``targets`` override the file's ``[callers]`` and
``[targets]``; a forecast may carry a ``patience`` column; ``channel`` is ``voice``,
``chat`` (with ``max_sessions`` and ``session_speed``) or ``email`` (with ``deadline``,
``backlog`` and ``targets = { within_deadline = "90%" }``; the file's ``[callers]``
patience and ``[targets]`` are for callers on the line and do not apply to email). A
queue's ``fcr`` (first-contact resolution, reported as its resolution rate; not simulated
in a center) defaults to the file's ``[callers] fcr``, else unknown.
"""

import math
from pathlib import Path
from typing import Any

from staffing import units
from staffing.center import CHANNELS, Center, Group, Queue
from staffing.csvfile import parse_number, read_rows
from staffing.errors import InputError
from staffing.forecast import COLUMN_NAMES, Forecast, read_forecast
from staffing.requirements import ServiceTargets
from staffing.scenario import TableReader, _build, _callers, _targets
from staffing.shifts import ShiftPattern

_QUEUE_CALLERS = (
    "patience",
    "patience_distribution",
    "patience_cv",
    "handle_distribution",
    "handle_cv",
)
_EMAIL = ("deadline", "backlog")


def _table_list(file: str, data: dict[str, Any], key: str, what: str) -> list[Any]:
    raw = data.get(key)
    if not isinstance(raw, list) or not raw:
        raise InputError(f"{file}: {key} must be one or more [[{key}]] tables ({what})")
    return raw


def read_center(
    top: TableReader, data: dict[str, Any], path: Path, interval: float | None
) -> Center:
    """Read ``[[queues]]`` and ``[[groups]]`` into a validated :class:`Center`."""
    file = top.file
    callers_table = data.get("callers", {})
    targets_table = data.get("targets", {})
    queues = tuple(
        _queue(
            TableReader(file, f"queues[{i}]", raw, "queues"),
            path.parent,
            interval,
            callers_table if isinstance(callers_table, dict) else {},
            targets_table if isinstance(targets_table, dict) else {},
        )
        for i, raw in enumerate(_table_list(file, data, "queues", "name, forecast, ..."))
    )
    groups = tuple(
        _group(TableReader(file, f"groups[{i}]", raw, "groups"))
        for i, raw in enumerate(_table_list(file, data, "groups", "name, skills, agents"))
    )
    try:
        return Center(queues, groups)
    except InputError as error:
        raise InputError(f"{file}: {error}") from None


def _queue(
    r: TableReader,
    folder: Path,
    interval: float | None,
    callers_table: dict[str, Any],
    targets_table: dict[str, Any],
) -> Queue:
    """Read one ``[[queues]]`` table: its own keys over the file's [callers] and [targets]."""
    name = r.text("name")
    if not name:
        raise InputError(f"{r.field('name')} is missing; every queue needs a unique name")
    channel = r.text("channel", "voice")
    if channel not in CHANNELS:
        raise InputError(f"{r.field('channel')} = {channel!r}; choose one of {', '.join(CHANNELS)}")
    for key in _EMAIL:
        if r.has(key) and channel != "email":
            raise InputError(f'{r.field(key)}: for email queues only; add channel = "email"')
    for key in ("max_sessions", "session_speed"):
        if r.has(key) and channel != "chat":
            raise InputError(f'{r.field(key)}: for chat queues only; add channel = "chat"')
    max_sessions = r.number("max_sessions", 1, low=1, whole=True)
    speed = r.table.get("session_speed")
    if speed is not None and not (
        isinstance(speed, list)
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in speed)
    ):
        raise InputError(
            f"{r.field('session_speed')} = {speed!r}; expected a list of speeds in (0, 1], "
            "one per number of sessions open, e.g. [1.0, 0.85, 0.7]"
        )
    csv = r.text("forecast")
    if csv is None:
        raise InputError(f"{r.field('forecast')} is missing; name the queue's forecast CSV")
    forecast = read_forecast(folder / csv, interval=interval)
    email = channel == "email"
    merged = {
        k: v
        for k, v in callers_table.items()
        if k in _QUEUE_CALLERS and not (email and k.startswith("patience"))
    }
    merged |= {k: r.table[k] for k in _QUEUE_CALLERS if k in r.table}
    callers = _callers(TableReader(r.file, r.where, merged, "callers"))
    raw_targets = r.table.get("targets", {})
    if not isinstance(raw_targets, dict):
        raise InputError(
            f"{r.field('targets')} = {raw_targets!r}; expected a table like "
            '{ service_level = "80/20", abandon_rate = "5%" }'
        )
    if email:
        own = TableReader(r.file, r.label("targets"), raw_targets, "email_targets")
        within = own.fraction("within_deadline")
        if within is None:
            raise InputError(
                f"{own.field('within_deadline')} is missing; an email queue's target is the "
                'share handled by the deadline, e.g. targets = { within_deadline = "90%" }'
            )
        targets = _build(ServiceTargets, own.field(""), service_level=None, within_deadline=within)
    else:
        targets, _ = _targets(
            TableReader(r.file, r.label("targets"), targets_table | raw_targets, "targets")
        )
    priority = r.number("priority", 0, low=-1e9, whole=True)
    deadline = r.duration("deadline") if email else None
    if email and deadline is None:
        raise InputError(f'{r.field("deadline")} is missing; an email queue needs one, e.g. "24h"')
    fcr = r.fraction("fcr")
    if fcr is None and "fcr" in callers_table:
        fcr = TableReader(r.file, "callers", callers_table, "callers").fraction("fcr")
    return _build(
        Queue,
        r.field(""),
        name=name,
        forecast=forecast,
        callers=callers,
        targets=targets,
        priority=int(priority),
        channel=channel,
        patience=_patience_column(folder / csv, forecast),
        max_sessions=int(max_sessions),
        session_speed=None if speed is None else tuple(float(v) for v in speed),
        deadline=deadline,
        backlog=int(r.number("backlog", 0, whole=True)),
        fcr=fcr,
    )


def _patience_column(path: Path, forecast: Forecast) -> Any:
    """Mean patience per interval from a forecast's optional ``patience`` column [s].

    None without the column; an empty cell keeps the queue's patience (NaN, filled by the
    simulation), ``inf`` means callers who never hang up.
    """
    rows = read_rows(path, {"start": COLUMN_NAMES["start"], "patience?": ("patience",)})
    cells = [cells["patience"] for _, cells in rows]
    if not any(cells):
        return None
    values = []
    for (where, _), cell in zip(rows, cells, strict=True):
        if cell == "":
            values.append(math.nan)
            continue
        value = math.inf if cell.lower() == "inf" else float("nan")
        if not math.isinf(value):
            value = parse_number(cell, where, "patience", "patience must be seconds > 0 or inf")
        if not value > 0:
            raise InputError(f"{where}: patience = {cell!r}; patience must be seconds > 0 or inf")
        values.append(value)
    if len(values) != forecast.n_intervals:
        raise InputError(f"{path}: the patience column has {len(values)} rows for the forecast")
    return values


def _group(r: TableReader) -> Group:
    """Read one ``[[groups]]`` table."""
    name = r.text("name")
    if not name:
        raise InputError(f"{r.field('name')} is missing; every group needs a unique name")
    skills = r.table.get("skills")
    if not (isinstance(skills, list) and skills and all(isinstance(s, str) for s in skills)):
        raise InputError(
            f"{r.field('skills')} = {skills!r}; list the queues the group serves, in "
            'preference order, e.g. ["sales", "support"]'
        )
    overflow = {}
    for queue, value in _inline(r, "overflow_after").items():
        overflow[queue] = units.parse_duration(str(value), r.field(f"overflow_after.{queue}"))
    factors = {}
    for queue, value in _inline(r, "handle_factor").items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(
                f"{r.field(f'handle_factor.{queue}')} = {value!r}; expected a factor like 1.2"
            )
        factors[queue] = float(value)
    agents = r.table.get("agents")
    if (agents is not None and not isinstance(agents, int | list)) or isinstance(agents, bool):
        raise InputError(
            f"{r.field('agents')} = {agents!r}; give a whole number, or a list with one per "
            "interval"
        )
    shifts = r.table.get("shifts", [])
    if not (isinstance(shifts, list) and all(isinstance(s, str) for s in shifts)):
        raise InputError(f"{r.field('shifts')} = {shifts!r}; list names of [[shifts]] patterns")
    wage = r.number("hourly_wage")
    return _build(
        Group,
        r.field(""),
        name=name,
        skills=tuple(skills),
        overflow_after=overflow,
        handle_factor=factors,
        agents=tuple(agents) if isinstance(agents, list) else agents,
        shifts=tuple(shifts),
        hourly_wage=None if wage is None else float(wage),
        reserve=int(r.number("reserve", 0, whole=True)),
    )


def _inline(r: TableReader, key: str) -> dict[str, Any]:
    value = r.table.get(key, {})
    if not isinstance(value, dict):
        raise InputError(
            f"{r.field(key)} = {value!r}; expected a table by queue, e.g. {{ support = ... }}"
        )
    return value


def check_group_shifts(file: str, center: Center, patterns: tuple[ShiftPattern, ...]) -> None:
    """Check that every group's ``shifts`` names a ``[[shifts]]`` pattern of the file."""
    names = {p.name for p in patterns}
    for g, group in enumerate(center.groups):
        for shift in group.shifts:
            if shift not in names:
                raise InputError(
                    f"{file}: groups[{g}].shifts: {shift!r} names no [[shifts]] pattern; "
                    f"patterns: {', '.join(sorted(names)) or 'none given'}"
                )
