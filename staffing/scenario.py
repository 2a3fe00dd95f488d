"""Scenario files: one TOML file describes a planning problem, loaded into validated objects.

A scenario names every input of the planning flow: the forecast, the service targets,
callers' patience and handle-time distribution, shrinkage, the shift patterns the schedule
may use, costs, and simulation settings. Durations and shares are written as people write
them (``"3min"``, ``"8h30m"``, ``"30%"``, ``"80/20"``) or as plain numbers (seconds,
fractions); inside, everything is seconds and fractions. Every error names the file, the
section and key, the value, and what is allowed; an unknown key is an error (a typo would
otherwise be silently ignored). The format, key by key, is in the README.

Example::

    name = "E-commerce weekday"
    [forecast]
    file = "ecommerce_weekday.csv"
    [targets]
    service_level = "80/20"
    abandon_rate = "5%"
    [callers]
    patience = "3min"
    [staffing]
    shrinkage = "30%"
    [[shifts]]
    name = "full day"
    length = "8h30m"
    starts = { from = "06:00", to = "14:00", every = "30min" }
    breaks = [{ duration = "30min", window = ["3h", "5h"] }]
    [costs]
    hourly_wage = 18.0
"""

import math
import re
import tomllib
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

from staffing import _checks, distributions, units
from staffing.benchmarks import EXPERIENCE_KPIS, SECTORS, ScorecardTargets
from staffing.callers import CallerBehaviour, Returns
from staffing.center import Center
from staffing.costs import CostModel, fte_hours_per_calendar_day
from staffing.errors import InputError
from staffing.forecast import Forecast, read_forecast
from staffing.requirements import OVER, ServiceTargets
from staffing.satisfaction import WaitSatisfaction, read_wait_satisfaction
from staffing.shifts import BreakRule, ShiftPattern

_DAY = 86_400.0


@dataclass(frozen=True)
class ScheduleRules:
    """Limits on the schedule (see :func:`staffing.scheduling.schedule`).

    ``cyclic``: the horizon repeats, so shifts past its end cover its start (a 24/7 week).
    """

    max_headcount: int | None = None
    min_headcount: int | None = None
    max_part_time_share: float | None = None
    time_limit: float = 30.0
    cyclic: bool = False


@dataclass(frozen=True)
class SimulationSettings:
    """How the schedule is verified by simulation.

    Attributes
    ----------
    replications : int
        Simulated days per round.
    seed : int
        Root seed: every round meets the same callers (common random numbers).
    rounds : int
        Simulation-verified rescheduling rounds after the Erlang-only schedule.
    volume_cv : float
        Day-to-day volume uncertainty of a scenario with ``[[queues]]``: one gamma busyness
        factor per simulated day (mean 1, this CV) shared by all queues; 0: none.
    """

    replications: int = 20
    seed: int = 0
    rounds: int = 3
    volume_cv: float = 0.0


@dataclass(frozen=True)
class Scenario:
    """A planning problem, validated.

    Attributes
    ----------
    name, description : str
        For reports.
    path : Path
        The TOML file; relative paths in it are relative to its folder.
    forecast : Forecast
        Calls and AHT per interval.
    targets : ServiceTargets
        Service targets every interval must meet.
    tolerance : float
        Relative band around a target reported as "within tolerance" (0.05 = 5 %).
    callers : CallerBehaviour
        Patience and handle-time distributions, and the contacts that come back.
    shrinkage : float
        Share of paid time off the phones, for scheduled positions and FTE.
    fte_hours : float
        Paid hours of one full-time employee per working day [h].
    days_per_week : float
        Working days of one full-time employee per week (FTE counts over calendar days).
    patterns : tuple of ShiftPattern
        The shift patterns the schedule may use.
    rules : ScheduleRules
        Limits on the schedule.
    costs : CostModel
        What a paid hour costs (wage, loadings, seats, team leads, overhead, fixed costs).
    simulation : SimulationSettings
        Replications, seed and rounds.
    scorecard : ScorecardTargets
        Targets of the experience KPIs (FCR, CSAT, NPS, CES, QA...), the benchmark sector
        and the repeat window, for ``staffing scorecard``.
    satisfaction : WaitSatisfaction or None
        CSAT against wait, fitted by ``staffing scorecard`` on the center's own surveys
        (``[scorecard] csat_curve``, a ``csat_wait.toml``): plans and what-if runs then
        predict their CSAT. None: no prediction.
    center : Center or None
        Queues and groups of a scenario with ``[[queues]]`` (:mod:`staffing.center`); then
        ``forecast`` is all queues pooled, and ``targets`` and ``callers`` are the defaults
        the queues start from. None: one queue served by one group (``forecast``).
    """

    name: str
    description: str
    path: Path
    forecast: Forecast
    targets: ServiceTargets
    tolerance: float
    callers: CallerBehaviour
    shrinkage: float
    fte_hours: float
    patterns: tuple[ShiftPattern, ...]
    days_per_week: float = 5.0
    rules: ScheduleRules = field(default_factory=ScheduleRules)
    costs: CostModel = field(default_factory=lambda: CostModel(hourly_wage=0.0))
    simulation: SimulationSettings = field(default_factory=SimulationSettings)
    scorecard: ScorecardTargets = field(default_factory=ScorecardTargets)
    satisfaction: WaitSatisfaction | None = None
    center: Center | None = None

    @property
    def fte_hours_per_day(self) -> float:
        """Paid hours of one full-time employee per calendar day [h], for FTE."""
        return fte_hours_per_calendar_day(self.fte_hours, self.days_per_week)


# --------------------------------------------------------------------------- reading

_SECTIONS: dict[str, set[str]] = {
    "": {
        "name",
        "description",
        "forecast",
        "targets",
        "callers",
        "staffing",
        "shifts",
        "schedule",
        "costs",
        "simulation",
        "scorecard",
        "queues",
        "groups",
    },
    "forecast": {"file", "interval"},
    "targets": {
        "service_level",
        "threshold",
        "asa",
        "abandon_rate",
        "max_occupancy",
        "tolerance",
        "over",
    },
    "callers": {
        "patience",
        "patience_distribution",
        "patience_cv",
        "handle_distribution",
        "handle_cv",
        "fcr",
        "repeat_delay",
        "redial",
        "redial_delay",
    },
    "staffing": {"shrinkage", "fte_hours", "days_per_week"},
    "shifts": {"name", "length", "starts", "breaks", "max_agents", "part_time", "hourly_cost"},
    "breaks": {"duration", "window", "paid"},
    "starts": {"from", "to", "every"},
    "schedule": {
        "max_headcount",
        "min_headcount",
        "max_part_time_share",
        "time_limit",
        "cyclic",
    },
    "costs": {
        "hourly_wage",
        "loading",
        "currency",
        "seat_cost_per_hour",
        "agents_per_team_lead",
        "team_lead_hourly_wage",
        "overhead",
        "fixed_monthly",
    },
    "scorecard": {*EXPERIENCE_KPIS, "tolerance", "sector", "repeat_window", "csat_curve"},
    "simulation": {"replications", "seed", "rounds", "volume_cv"},
    "email_targets": {"within_deadline"},
    "queues": {
        "name",
        "channel",
        "forecast",
        "patience",
        "patience_distribution",
        "patience_cv",
        "handle_distribution",
        "handle_cv",
        "targets",
        "priority",
        "max_sessions",
        "session_speed",
        "fcr",
        "deadline",
        "backlog",
    },
    "groups": {
        "name",
        "skills",
        "overflow_after",
        "handle_factor",
        "agents",
        "shifts",
        "hourly_wage",
        "reserve",
    },
}


class TableReader:
    """Typed access to one table of the TOML file, with messages naming file and key."""

    def __init__(
        self,
        file: str,
        where: str,
        table: Any,
        kind: str,
        sections: dict[str, set[str]] | None = None,
    ) -> None:
        self.file, self.where = file, where
        self.sections = _SECTIONS if sections is None else sections
        if not isinstance(table, dict):
            raise InputError(f"{file}: {where or 'the file'} must be a table of keys")
        allowed = self.sections[kind]
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise InputError(
                f"{file}: {self.label(unknown[0])} is not a known key; allowed here: "
                f"{', '.join(sorted(allowed))}"
            )
        self.table = table

    def label(self, key: str) -> str:
        """Return ``section.key`` as the file spells it."""
        return f"{self.where}.{key}" if self.where else key

    def field(self, key: str) -> str:
        """Return ``file: section.key``, the start of every message."""
        return f"{self.file}: {self.label(key)}"

    def has(self, key: str) -> bool:
        """Tell whether the key is given."""
        return key in self.table

    def text(self, key: str, default: str | None = None) -> str | None:
        """Read a text value."""
        value = self.table.get(key, default)
        if value is not None and not isinstance(value, str):
            raise InputError(f"{self.field(key)} = {value!r}; expected text in quotes")
        return value

    def choice(self, key: str, allowed: tuple[str, ...], default: str) -> str:
        """Read one of ``allowed``."""
        value = self.text(key, default)
        if value not in allowed:
            raise InputError(f"{self.field(key)} = {value!r}; allowed: {', '.join(allowed)}")
        return value

    def duration(
        self, key: str, default: float | None = None, *, plausible: str | None = None
    ) -> float | None:
        """Read a duration (``"3min"`` or seconds) in seconds (``plausible``: see units)."""
        if key not in self.table:
            return default
        value = self.table[key]
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise InputError(
                f"{self.field(key)} = {value!r}; expected a duration like "
                '"3min" or a number of seconds'
            )
        return units.parse_duration(str(value), self.field(key), plausible=plausible)

    def service_target(self, *, may_be_off: bool) -> tuple[float | None, float]:
        """Read ``service_level`` (``"80/20"``, a share, or ``"off"``) with ``threshold``.

        The answer time is given once: in ``"80/20"`` or as ``threshold`` (default 20 s);
        both, disagreeing, is an error rather than a silent choice.
        """
        value = self.table.get("service_level", "80/20")
        if may_be_off and isinstance(value, str) and value.strip().lower() in {"off", "none"}:
            return None, self.duration("threshold", 20.0)
        if not (isinstance(value, str) and "/" in value):
            return self.fraction("service_level"), self.duration("threshold", 20.0)
        level, threshold = units.parse_service_target(value, self.field("service_level"))
        given = self.duration("threshold", threshold)
        if given != threshold:
            raise InputError(
                f"{self.field('threshold')} = {self.table['threshold']!r} conflicts with "
                f"service_level = {value!r} (answer time {units.format_duration(threshold)}); "
                "give the answer time once"
            )
        return level, threshold

    def hours(self, key: str, default: float) -> float:
        """Read a number of hours: a bare number is hours (``8``), text a duration (``"8h"``)."""
        value = self.table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise InputError(f'{self.field(key)} = {value!r}; expected hours like 8 or "8h"')
        hours = (
            units.parse_duration(value, self.field(key)) / 3600.0
            if isinstance(value, str)
            else float(value)
        )
        if not (math.isfinite(hours) and hours > 0):
            raise InputError(f"{self.field(key)} = {value!r}; must be more than 0 hours")
        return hours

    def fraction(self, key: str, default: float | None = None) -> float | None:
        """Read a share (``"30%"`` or 0.3) as a fraction."""
        if key not in self.table:
            return default
        value = self.table[key]
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise InputError(f'{self.field(key)} = {value!r}; expected a share like "30%" or 0.3')
        return units.parse_fraction(str(value), self.field(key))

    def number(
        self, key: str, default: float | None = None, *, low: float = 0.0, whole: bool = False
    ) -> float | None:
        """Read a number >= ``low`` (whole if asked)."""
        value = self.table.get(key, default)
        if value is None:
            return None
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= low
        if ok and whole:
            ok = float(value).is_integer()
        if not ok:
            kind = "a whole number" if whole else "a number"
            raise InputError(f"{self.field(key)} = {value!r}; expected {kind} >= {low:g}")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        """Read true or false."""
        value = self.table.get(key, default)
        if not isinstance(value, bool):
            raise InputError(f"{self.field(key)} = {value!r}; expected true or false")
        return value

    def sub(self, key: str, kind: str) -> "TableReader":
        """Read a sub-table, whose allowed keys are ``sections[kind]``."""
        return TableReader(self.file, self.label(key), self.table.get(key, {}), kind, self.sections)


def _targets(r: TableReader) -> tuple[ServiceTargets, float]:
    service_level, threshold = r.service_target(may_be_off=True)
    values = {  # each read names its own key when it fails
        "asa": r.duration("asa"),
        "abandon_rate": r.fraction("abandon_rate"),
        "max_occupancy": r.fraction("max_occupancy"),
        "over": r.choice("over", OVER, "interval"),
    }
    try:
        targets = ServiceTargets(service_level=service_level, threshold=threshold, **values)
    except InputError as error:
        raise InputError(f"{r.file}: {r.where}: {error}") from None
    return targets, r.fraction("tolerance", 0.05)


def _scorecard(r: TableReader) -> ScorecardTargets:
    """Read ``[scorecard]``: shares as "75%", AHT as a duration, NPS, CES, QA as numbers."""
    targets: dict[str, float | None] = {}
    for kpi in EXPERIENCE_KPIS:
        if not r.has(kpi):
            continue
        if kpi in ("fcr", "csat", "utilization"):
            targets[kpi] = r.fraction(kpi)
        elif kpi == "aht":
            targets[kpi] = r.duration(kpi, plausible="aht")
        else:
            targets[kpi] = r.number(kpi, low=-100.0)
    return _build(
        ScorecardTargets,
        r.field(""),
        targets=targets,
        tolerance=r.fraction("tolerance"),
        sector=r.choice("sector", tuple(SECTORS), "general"),
        repeat_window=r.duration("repeat_window", 7 * 86_400.0),
    )


def _satisfaction(r: TableReader, path: Path) -> WaitSatisfaction | None:
    """Read ``[scorecard] csat_curve``: a ``csat_wait.toml`` beside the scenario."""
    name = r.text("csat_curve")
    if name is None:
        return None
    curve = path.parent / name
    if not curve.is_file():
        raise InputError(f"{r.field('csat_curve')} = {name!r}: no such file beside {path.name}")
    return read_wait_satisfaction(curve)


def _callers(r: TableReader) -> CallerBehaviour:
    kinds = tuple(distributions.KINDS)
    return _build(
        CallerBehaviour,
        r.field(""),
        patience=r.duration("patience"),
        patience_distribution=r.choice("patience_distribution", kinds, "exponential"),
        patience_cv=r.number("patience_cv"),
        handle_distribution=r.choice("handle_distribution", kinds, "exponential"),
        handle_cv=r.number("handle_cv"),
        returns=_build(
            Returns,
            r.field(""),
            fcr=r.fraction("fcr", 1.0),
            repeat_delay=r.duration("repeat_delay", 3600.0),
            redial=r.fraction("redial", 0.0),
            redial_delay=r.duration("redial_delay", 300.0),
        ),
    )


def _times_of_day(r: TableReader, key: str) -> tuple[float, ...]:
    """Parse ``starts``: a list of times of day, or ``{from, to, every}``."""
    value = r.table.get(key)

    def clock(text: Any, label: str) -> float:
        parts = str(text).split(":")
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            raise InputError(f'{r.field(label)} = {text!r}; expected a time of day like "06:30"')
        seconds = int(parts[0]) * 3600 + int(parts[1]) * 60
        if not 0 <= seconds <= _DAY or int(parts[1]) >= 60:
            raise InputError(f"{r.field(label)} = {text!r}; not a time of day")
        return float(seconds)

    if isinstance(value, list) and value:
        return tuple(sorted({clock(v, key) for v in value}))
    if isinstance(value, dict):
        span = r.sub(key, "starts")
        first = clock(span.table.get("from"), f"{key}.from")
        last = clock(span.table.get("to", span.table.get("from")), f"{key}.to")
        every = span.duration("every", 1800.0, plausible="every")
        if every <= 0 or last < first:
            raise InputError(f"{r.field(key)}: needs from <= to and every > 0")
        count = int((last - first) // every) + 1
        return tuple(first + i * every for i in range(count))
    raise InputError(
        f"{r.field(key)} = {value!r}; give a list of times like "
        '["06:00", "07:00"] or {{ from = "06:00", to = "14:00", '
        'every = "30min" }}'
    )


def _pattern(r: TableReader, index: int) -> ShiftPattern:
    name = r.text("name") or f"shift {index + 1}"
    length = r.duration("length", plausible="shift")
    if length is None or length <= 0:
        raise InputError(f'{r.field("length")}: every shift needs a length, e.g. "8h"')
    breaks = []
    raw = r.table.get("breaks", [])
    if not isinstance(raw, list):
        raise InputError(f"{r.field('breaks')}: expected a list of {{ duration, window }}")
    for j, item in enumerate(raw):
        b = TableReader(r.file, f"{r.label('breaks')}[{j}]", item, "breaks")
        window = b.table.get("window")
        if not (isinstance(window, list) and len(window) == 2):
            raise InputError(
                f"{b.field('window')} = {window!r}; expected [earliest, latest] "
                'start after the shift start, e.g. ["3h", "5h"]'
            )
        earliest = units.parse_duration(str(window[0]), b.field("window"))
        latest = units.parse_duration(str(window[1]), b.field("window"))
        duration = b.duration("duration", plausible="break")
        if duration is None:
            raise InputError(f"{b.field('duration')}: every break needs a duration")
        breaks.append(
            _build(
                BreakRule,
                b.field(""),
                duration=duration,
                earliest=earliest,
                latest=latest,
                paid=b.boolean("paid", False),
            )
        )
    max_agents = r.number("max_agents", whole=True)
    return _build(
        ShiftPattern,
        r.field(""),
        name=name,
        length=length,
        starts=_times_of_day(r, "starts"),
        breaks=tuple(breaks),
        max_agents=None if max_agents is None else int(max_agents),
        part_time=r.boolean("part_time", False),
        hourly_cost=float(r.number("hourly_cost", 1.0)),
    )


def _around_the_clock_weeks(forecast: Forecast) -> bool:
    """Whether the forecast is whole weeks of 24-hour days: then the week repeats."""
    days = len(forecast.days)
    return days % 7 == 0 and forecast.n_intervals * forecast.interval == days * _DAY


def default_cyclic(forecast: Forecast) -> bool:
    """Whether a schedule over ``forecast`` repeats when ``[schedule] cyclic`` is not given.

    True for whole weeks of 24-hour days: a shift past the end covers the start.
    """
    return _around_the_clock_weeks(forecast)


def _build(cls: type, where: str, **kwargs: Any) -> Any:
    """Construct a validated dataclass, prefixing its message with the place in the file.

    ``where`` is ``file: section.`` (:meth:`TableReader.field` of ``""``); a message that
    starts with a key (``patience = 0; ...``) reads ``file: section.patience = 0; ...``.
    """
    try:
        return cls(**kwargs)
    except InputError as error:
        message = str(error)
        if re.match(r"[a-z_]+( = |: )", message):
            raise InputError(f"{where.rstrip(': ')}{message}") from None
        raise InputError(f"{where.rstrip('.: ')}: {message}") from None


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file; a missing, unreadable or malformed file is a one-line InputError."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot be read ({error})") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{path}: not valid TOML ({error})") from None


def load_scenario(path: str | PathLike[str]) -> Scenario:
    """Read and validate a scenario TOML file (format in the README).

    Raises
    ------
    InputError
        With the file, key, value and what is allowed, for any problem.
    """
    path = Path(path)
    file = str(path)
    data = read_toml(path)
    top = TableReader(file, "", data, "")
    fc = top.sub("forecast", "forecast")
    csv = fc.text("file")
    interval = fc.duration("interval", plausible="interval")
    center = None
    if "queues" in data:
        if csv is not None:
            raise InputError(
                f"{file}: forecast.file = {csv!r}: with [[queues]], each queue names its own "
                "forecast (queues[i].forecast); drop forecast.file"
            )
        from staffing.scenario_center import read_center  # the [[queues]] keys

        center = read_center(top, data, path, interval)
        forecast = center.pooled_forecast()
    elif "groups" in data:
        raise InputError(f"{file}: [[groups]] without [[queues]]; give the queues they serve")
    else:
        if csv is None:
            raise InputError(f"{file}: forecast.file is missing; name the forecast CSV")
        forecast = read_forecast(path.parent / csv, interval=interval)
    targets, tolerance = _targets(top.sub("targets", "targets"))
    staffing = top.sub("staffing", "staffing")
    shrinkage = _checks.shrinkage(staffing.fraction("shrinkage", 0.0), staffing.field("shrinkage"))
    fte_hours = staffing.hours("fte_hours", 8.0)
    days_per_week = staffing.number("days_per_week", 5.0)
    if not 0.0 < days_per_week <= 7.0:
        raise InputError(
            f"{staffing.field('days_per_week')} = {days_per_week:g}; a full-time employee "
            "works more than 0 and at most 7 days a week"
        )
    raw_shifts = data.get("shifts", [])
    if not isinstance(raw_shifts, list) or (not raw_shifts and center is None):
        raise InputError(
            f"{file}: give at least one [[shifts]] pattern (name, length, starts, breaks)"
        )
    patterns = tuple(
        _pattern(TableReader(file, f"shifts[{i}]", raw, "shifts"), i)
        for i, raw in enumerate(raw_shifts)
    )
    if center is not None:
        from staffing.scenario_center import check_group_shifts

        check_group_shifts(file, center, patterns)
    rules_r = top.sub("schedule", "schedule")
    rules = ScheduleRules(
        max_headcount=_whole_or_none(rules_r, "max_headcount"),
        min_headcount=_whole_or_none(rules_r, "min_headcount"),
        max_part_time_share=rules_r.fraction("max_part_time_share"),
        time_limit=rules_r.duration("time_limit", 30.0),
        cyclic=rules_r.boolean("cyclic", _around_the_clock_weeks(forecast)),
    )
    costs_r = top.sub("costs", "costs")
    span = costs_r.number("agents_per_team_lead", low=1.0)
    costs = _build(
        CostModel,
        costs_r.field(""),
        hourly_wage=float(costs_r.number("hourly_wage", 0.0)),
        loading=costs_r.fraction("loading", 0.0),
        seat_cost_per_hour=float(costs_r.number("seat_cost_per_hour", 0.0)),
        agents_per_team_lead=None if span is None else float(span),
        team_lead_hourly_wage=float(costs_r.number("team_lead_hourly_wage", 0.0)),
        overhead=costs_r.fraction("overhead", 0.0),
        fixed_monthly=float(costs_r.number("fixed_monthly", 0.0)),
        currency=costs_r.text("currency", "USD"),
    )
    sim_r = top.sub("simulation", "simulation")
    simulation = SimulationSettings(
        replications=int(sim_r.number("replications", 20, low=2, whole=True)),
        seed=int(sim_r.number("seed", 0, whole=True)),
        rounds=int(sim_r.number("rounds", 3, whole=True)),
        volume_cv=_volume_cv(sim_r, center is not None),
    )
    callers = _callers(top.sub("callers", "callers"))
    if center is not None and callers.returns.redial > 0.0:
        raise InputError(
            f"{file}: callers.redial (callers who hang up and call again) is simulated for "
            "one queue only for now; leave it out with [[queues]] (callers.fcr is each "
            "queue's default fcr there)"
        )
    return Scenario(
        name=top.text("name", path.stem),
        description=top.text("description", ""),
        path=path,
        forecast=forecast,
        targets=targets,
        tolerance=tolerance,
        callers=callers,
        shrinkage=shrinkage,
        fte_hours=fte_hours,
        days_per_week=days_per_week,
        patterns=patterns,
        rules=rules,
        costs=costs,
        simulation=simulation,
        scorecard=_scorecard(top.sub("scorecard", "scorecard")),
        satisfaction=_satisfaction(top.sub("scorecard", "scorecard"), path),
        center=center,
    )


def _whole_or_none(r: TableReader, key: str) -> int | None:
    value = r.number(key, whole=True)
    return None if value is None else int(value)


def _volume_cv(r: TableReader, several: bool) -> float:
    """Read ``[simulation] volume_cv`` (a CV, 0 for none); for ``[[queues]]`` scenarios."""
    if not r.has("volume_cv"):
        return 0.0
    if not several:
        raise InputError(
            f"{r.field('volume_cv')}: read for scenarios with [[queues]] only for now; a "
            "single-queue plan does not use it yet"
        )
    value = r.fraction("volume_cv")
    if not (value == 0.0 or 1e-6 <= value <= 10.0):
        raise InputError(
            f"{r.field('volume_cv')} = {r.table['volume_cv']!r}; must be 0 (none) or a CV "
            "from 1e-6 to 10 (0.19 = 19 %)"
        )
    return value
