"""A contact center of several queues and agent groups: value types, validated once.

A :class:`Queue` is one contact type with its own forecast, callers and targets; a
:class:`Group` is agents with the same skills (the queues they serve, in preference order),
proficiency (``handle_factor``: multiplies a queue's handle times) and an optional delay
before they take overflow from a queue (``overflow_after``). A :class:`Center` holds both
and checks that they fit together: every skill names a queue, every queue is served, every
forecast is on one interval grid. The scenario keys ``[[queues]]`` and ``[[groups]]``
(DESIGN.md section 8) are read into these types by :mod:`staffing.scenario`.

Routing (DESIGN.md sections 6 and 8), carried out by both simulation engines:

- an arriving contact goes to the longest-idle free agent of the first group, in file
  order, that serves its queue without delay; a group with ``overflow_after`` for the queue
  may take it once it has waited that long;
- a freed agent takes, among the queues it serves, the longest-waiting contact of the
  highest-priority queue (smaller ``priority`` first); between queues of equal priority, the
  contact that has waited longest overall; the group's skill order settles what remains.

Chat queues (``channel = "chat"``) hold several sessions per agent: ``max_sessions`` open at
once, each progressing at ``session_speed[m - 1]`` of its handle time when ``m`` are open
(:class:`staffing.simulation.model.Routing` gives the rules). A group's chat queues share
one ``max_sessions`` and ``session_speed``.

Email and back-office queues (``channel = "email"``) are deferred work: their items never
hang up and wait in a backlog, worked oldest first by agents of their skills when no voice
or chat contact of those skills waits (blending); each item is due ``deadline`` seconds
after it arrived, and ``backlog`` items wait at the horizon's start (taken to arrive then,
so they are due ``deadline`` after it). The target is ``within_deadline``: the share of the
items due in a period that were handled (their handling finished) by their due time.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from staffing.callers import CallerBehaviour
from staffing.errors import InputError
from staffing.forecast import Forecast
from staffing.requirements import ServiceTargets

FloatArray = NDArray[np.float64]

CHANNELS = ("voice", "chat", "email")
"""How a queue's contacts arrive (DESIGN.md section 3): calls, chat sessions, deferred items."""


def _frozen(mapping: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType({str(k): float(v) for k, v in mapping.items()})


@dataclass(frozen=True)
class Queue:
    """One contact type: its forecast, callers, targets and priority.

    Attributes
    ----------
    name : str
        Unique among the center's queues.
    forecast : Forecast
        Calls and AHT per interval [s].
    callers : CallerBehaviour
        Patience and handle-time distributions of its callers.
    targets : ServiceTargets
        The queue's service targets.
    priority : int
        Smaller is served first by an agent who can take several queues.
    channel : str
        ``voice``, ``chat`` or ``email`` (deferred work).
    max_sessions : int
        Chat: sessions an agent holds at once (1 for voice).
    session_speed : tuple of float
        Chat: the speed of each open session when 1, 2, ..., ``max_sessions`` are open, in
        (0, 1] and non-increasing (a session of handle time ``h`` at speed ``s`` takes
        ``h / s`` seconds); all 1 unless given. ``(1.0,)`` for voice.
    patience : ndarray or None
        Mean patience per interval [s] (a forecast's ``patience`` column); None: the
        callers' one mean. A value overrides ``callers.patience`` for contacts arriving in
        that interval; NaN keeps it there, ``inf``: nobody hangs up.
    deadline : float or None
        Email: an item is due this long after it arrived [s]; required for email, None
        otherwise.
    backlog : int
        Email: items waiting at the horizon's start (0 unless given).
    fcr : float or None
        First-contact resolution: the share of handled contacts resolved at the first
        contact, in (0, 1]; None: unknown. Reported only (resolved = handled x fcr, the
        expected count); the center's engines do not generate the repeat contacts of the
        unresolved ones, so the forecast counts every contact.
    """

    name: str
    forecast: Forecast
    callers: CallerBehaviour = field(default_factory=CallerBehaviour)
    targets: ServiceTargets = field(default_factory=ServiceTargets)
    priority: int = 0
    channel: str = "voice"
    patience: FloatArray | None = None
    max_sessions: int = 1
    session_speed: tuple[float, ...] | None = None
    deadline: float | None = None
    backlog: int = 0
    fcr: float | None = None

    def __post_init__(self) -> None:
        """Check the name, channel, sessions, priority, patience column and fcr at the door."""
        if not isinstance(self.name, str) or not self.name.strip():
            raise InputError(f"name = {self.name!r}; a queue needs a name")
        if self.channel not in CHANNELS:
            raise InputError(f"channel = {self.channel!r}; choose one of {', '.join(CHANNELS)}")
        self._check_sessions()
        self._check_deferred()
        if isinstance(self.priority, bool) or not isinstance(self.priority, int):
            raise InputError(f"priority = {self.priority!r}; expected a whole number")
        if self.patience is not None:
            values = np.array(self.patience, dtype=float)
            if values.shape != (self.forecast.n_intervals,):
                raise InputError(
                    f"patience: {values.size} values for {self.forecast.n_intervals} "
                    "intervals; give one mean patience per interval"
                )
            bad = ~((values > 0) | np.isnan(values))
            if bad.any():
                k = int(np.argmax(bad))
                raise InputError(
                    f"patience[{k}] = {values[k]:g}; patience must be > 0 seconds (inf: "
                    "callers who never hang up)"
                )
            values.setflags(write=False)
            object.__setattr__(self, "patience", values)
        if self.fcr is not None:
            ok = isinstance(self.fcr, int | float) and not isinstance(self.fcr, bool)
            if not (ok and 0.0 < self.fcr <= 1.0):
                raise InputError(
                    f"fcr = {self.fcr!r}; first-contact resolution must be a share > 0 and <= 1"
                )
            object.__setattr__(self, "fcr", float(self.fcr))

    @property
    def deferred(self) -> bool:
        """Whether the queue's items wait in a backlog (email) rather than on the line."""
        return self.channel == "email"

    @property
    def backlog_aht(self) -> float:
        """Handle time of a starting backlog item [s]: the forecast's calls-weighted AHT.

        With no calls at all, the forecast's largest AHT (0 if it has none).
        """
        fc = self.forecast
        work = float(np.sum(fc.calls * fc.aht))
        return work / float(np.sum(fc.calls)) if work > 0 else float(np.max(fc.aht, initial=0.0))

    def _check_deferred(self) -> None:
        """Check ``deadline``, ``backlog`` and ``within_deadline`` (email only)."""
        if not self.deferred:
            targets = (("targets.within_deadline", self.targets.within_deadline, None),)
            for key, value, unset in (
                ("deadline", self.deadline, None),
                ("backlog", self.backlog, 0),
                *targets,
            ):
                if value != unset:
                    raise InputError(
                        f"{key}: for email queues only; this queue is {self.channel} "
                        '(add channel = "email")'
                    )
            return
        d = self.deadline
        ok = isinstance(d, int | float) and not isinstance(d, bool) and d > 0 and not math.isnan(d)
        if not ok:
            raise InputError(f'deadline = {d!r}; an email queue needs a deadline > 0, e.g. "24h"')
        b = self.backlog
        if isinstance(b, bool) or not isinstance(b, int) or b < 0:
            raise InputError(f"backlog = {b!r}; items waiting at the start: a whole number >= 0")
        if b and not self.backlog_aht > 0:
            raise InputError(
                f"backlog = {b} but the forecast gives no handle time (aht) to work it; give "
                "aht > 0 where calls > 0"
            )
        if self.patience is not None or self.callers.patience is not None:
            raise InputError(
                "patience: email items do not hang up; remove patience (and the forecast's "
                "patience column) from the email queue"
            )
        t = self.targets
        live = (t.service_level, t.asa, t.abandon_rate, t.max_occupancy)
        if t.within_deadline is None or any(v is not None for v in live):
            raise InputError(
                "targets: an email queue's one target is within_deadline, e.g. "
                'targets = { within_deadline = "90%" }'
            )

    def _check_sessions(self) -> None:
        """Check ``max_sessions`` and ``session_speed`` (chat only); fill the speed default."""
        k = self.max_sessions
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise InputError(f"max_sessions = {k!r}; must be a whole number >= 1")
        if self.channel != "chat":
            # (1.0,) is what this check fills in, so dataclasses.replace keeps working
            if k != 1 or self.session_speed not in (None, (1.0,)):
                key = "max_sessions" if k != 1 else "session_speed"
                raise InputError(f"{key}: for chat queues only; this queue is {self.channel}")
            object.__setattr__(self, "session_speed", (1.0,))
            return
        speed = (1.0,) * k if self.session_speed is None else tuple(self.session_speed)
        if len(speed) != k:
            raise InputError(
                f"session_speed = {list(speed)!r}; give {k} speeds, one for 1 to "
                f"max_sessions = {k} sessions open"
            )
        for m, value in enumerate(speed):
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if not (ok and 0.0 < value <= 1.0):
                raise InputError(
                    f"session_speed[{m}] = {value!r}; a speed is in (0, 1] (1: full speed)"
                )
            if m and value > speed[m - 1]:
                raise InputError(
                    f"session_speed[{m}] = {value!r} > session_speed[{m - 1}] = "
                    f"{speed[m - 1]!r}; sessions cannot speed up as more open"
                )
        object.__setattr__(self, "session_speed", tuple(float(v) for v in speed))


@dataclass(frozen=True)
class Group:
    """Agents with the same skills and proficiency.

    Attributes
    ----------
    name : str
        Unique among the center's groups.
    skills : tuple of str
        Queues served, in preference order.
    overflow_after : mapping of str to float
        Per queue served: the group takes its contacts only once they waited this long [s].
    handle_factor : mapping of str to float
        Per queue served: multiplies the queue's handle times (proficiency; 1 by default).
    agents : int, sequence of int, or None
        Agents on the phones: one count for every interval, or one per interval.
    shifts : tuple of str
        Names of the shift patterns the plan may staff this group with.
    hourly_wage : float or None
        Overrides ``[costs] hourly_wage`` for this group [currency per hour].
    reserve : int
        Blending threshold: agents of the group kept idle for calls and chats before any
        takes an email item (0: an idle agent takes one whenever no live contact waits).
    """

    name: str
    skills: tuple[str, ...]
    overflow_after: Mapping[str, float] = field(default_factory=dict)
    handle_factor: Mapping[str, float] = field(default_factory=dict)
    agents: int | tuple[int, ...] | None = None
    shifts: tuple[str, ...] = ()
    hourly_wage: float | None = None
    reserve: int = 0

    def __post_init__(self) -> None:
        """Check skills, delays, factors and agents at the door."""
        if not isinstance(self.name, str) or not self.name.strip():
            raise InputError(f"name = {self.name!r}; a group needs a name")
        skills = tuple(self.skills)
        if not skills or not all(isinstance(s, str) for s in skills):
            raise InputError(
                f"skills = {self.skills!r}; list the queues the group serves, e.g. "
                '["sales", "support"]'
            )
        if len(set(skills)) != len(skills):
            twice = next(s for s in skills if skills.count(s) > 1)
            raise InputError(f"skills = {list(skills)!r}; {twice!r} is listed twice")
        object.__setattr__(self, "skills", skills)
        for key, low, what in (
            ("overflow_after", 0.0, "a delay >= 0 seconds"),
            ("handle_factor", None, "a factor > 0"),
        ):
            mapping = getattr(self, key)
            for queue, value in mapping.items():
                if queue not in skills:
                    raise InputError(
                        f"{key}.{queue}: {queue!r} is not among the group's skills "
                        f"({', '.join(skills)})"
                    )
                ok = isinstance(value, int | float) and not isinstance(value, bool)
                ok = (
                    ok and math.isfinite(value) and (value >= low if low is not None else value > 0)
                )
                if not ok:
                    raise InputError(f"{key}.{queue} = {value!r}; must be {what}")
            object.__setattr__(self, key, _frozen(mapping))
        if self.agents is not None:
            counts = [self.agents] if isinstance(self.agents, int | float) else list(self.agents)
            if not counts:
                raise InputError("agents = []; give a count or one count per interval")
            for k, value in enumerate(counts):
                ok = isinstance(value, int | float) and not isinstance(value, bool)
                if not (ok and math.isfinite(value) and value >= 0 and float(value).is_integer()):
                    where = "agents" if isinstance(self.agents, int | float) else f"agents[{k}]"
                    raise InputError(f"{where} = {value!r}; agents are whole numbers >= 0")
            object.__setattr__(
                self,
                "agents",
                int(self.agents)
                if isinstance(self.agents, int | float)
                else tuple(int(v) for v in counts),
            )
        object.__setattr__(self, "shifts", tuple(self.shifts))
        if self.agents is None and not self.shifts:
            raise InputError("has no agents and no shifts; give agents = N (or a list) or shifts")
        if self.hourly_wage is not None and not (
            math.isfinite(self.hourly_wage) and self.hourly_wage >= 0
        ):
            raise InputError(f"hourly_wage = {self.hourly_wage!r}; must be a number >= 0")
        r = self.reserve
        if isinstance(r, bool) or not isinstance(r, int) or r < 0:
            raise InputError(f"reserve = {r!r}; agents kept idle for calls: a whole number >= 0")

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle through the constructor, for process pools: a mapping proxy has no pickle."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for name, value in values.items():
            if isinstance(value, MappingProxyType):
                values[name] = dict(value)
        return (_group, (values,))

    def factor(self, queue: str) -> float:
        """Handle-time factor of ``queue`` for this group (1 unless given)."""
        return float(self.handle_factor.get(queue, 1.0))

    def delay(self, queue: str) -> float:
        """Overflow delay [s] before this group takes ``queue``'s contacts (0 unless given)."""
        return float(self.overflow_after.get(queue, 0.0))


def _group(values: dict[str, Any]) -> Group:
    """Build a :class:`Group` from its fields (its pickle)."""
    return Group(**values)


@dataclass(frozen=True)
class Center:
    """Queues and groups that fit together.

    Raises
    ------
    InputError
        For duplicate names, a skill naming no queue, a queue no group serves, forecasts
        on different interval grids, or a group's agents not matching the grid.
    """

    queues: tuple[Queue, ...]
    groups: tuple[Group, ...]

    def __post_init__(self) -> None:
        """Check names, skills, service and grids at the door."""
        object.__setattr__(self, "queues", tuple(self.queues))
        object.__setattr__(self, "groups", tuple(self.groups))
        if not self.queues:
            raise InputError("a center needs at least one queue")
        if not self.groups:
            raise InputError("a center needs at least one group of agents")
        for kind, items in (("queues", self.queues), ("groups", self.groups)):
            names = [item.name for item in items]
            for k, name in enumerate(names):
                if name in names[:k]:
                    raise InputError(f"{kind}[{k}].name = {name!r}; names must be unique")
        known = set(self.queue_names)
        for g, group in enumerate(self.groups):
            for skill in group.skills:
                if skill not in known:
                    raise InputError(
                        f"groups[{g}] ({group.name}).skills: {skill!r} names no queue; "
                        f"queues: {', '.join(self.queue_names)}"
                    )
        for queue in self.queues:
            if not any(queue.name in group.skills for group in self.groups):
                raise InputError(f"queue {queue.name!r} is served by no group; add it to skills")
        by_name = {q.name: q for q in self.queues}
        for g, group in enumerate(self.groups):
            chats = [by_name[s] for s in group.skills if by_name[s].channel == "chat"]
            for other in chats[1:]:
                if (other.max_sessions, other.session_speed) != (
                    chats[0].max_sessions,
                    chats[0].session_speed,
                ):
                    raise InputError(
                        f"groups[{g}] ({group.name}).skills: chat queues {chats[0].name!r} and "
                        f"{other.name!r} differ in max_sessions or session_speed; a group's "
                        "chat queues must share them"
                    )
        for g, group in enumerate(self.groups):
            kinds = {by_name[skill].deferred for skill in group.skills}
            if group.reserve and kinds != {True, False}:
                raise InputError(
                    f"groups[{g}] ({group.name}).reserve = {group.reserve}: a reserve keeps "
                    "agents idle for calls before they take email; the group needs both an "
                    "email skill and a voice or chat skill"
                )
        first = self.queues[0].forecast
        for q, queue in enumerate(self.queues[1:], start=1):
            fc = queue.forecast
            if fc.interval != first.interval or not np.array_equal(fc.start, first.start):
                raise InputError(
                    f"queues[{q}] ({queue.name}): forecast {fc.source or 'given'} is not on the "
                    f"intervals of {first.source or 'the first queue'}; give every queue's "
                    "forecast the same interval starts"
                )
        n = first.n_intervals
        for g, group in enumerate(self.groups):
            if isinstance(group.agents, tuple) and len(group.agents) != n:
                raise InputError(
                    f"groups[{g}] ({group.name}).agents: {len(group.agents)} counts for {n} "
                    "forecast intervals; give one count, or one per interval"
                )

    @property
    def queue_names(self) -> tuple[str, ...]:
        """Queue names in file order."""
        return tuple(q.name for q in self.queues)

    @property
    def group_names(self) -> tuple[str, ...]:
        """Group names in file order."""
        return tuple(g.name for g in self.groups)

    @property
    def forecast(self) -> Forecast:
        """The first queue's forecast: the grid every queue shares."""
        return self.queues[0].forecast

    def pooled_forecast(self) -> Forecast:
        """All queues as one: calls summed, AHT weighted by calls [s]."""
        calls = np.sum([q.forecast.calls for q in self.queues], axis=0)
        work = np.sum([q.forecast.calls * q.forecast.aht for q in self.queues], axis=0)
        aht = np.divide(work, calls, out=np.zeros_like(work), where=calls > 0)
        first = self.forecast
        return Forecast(
            start=first.start,
            calls=calls,
            aht=aht,
            interval=first.interval,
            has_dates=first.has_dates,
            source=" + ".join(q.forecast.source for q in self.queues if q.forecast.source),
        )

    def sessions(self, group: int) -> tuple[int, tuple[float, ...]]:
        """``(max_sessions, session_speed)`` of ``group``'s chat queues; ``(1, (1.0,))`` if none."""
        for skill in self.groups[group].skills:
            queue = self.queues[self.queue_names.index(skill)]
            if queue.channel == "chat":
                return queue.max_sessions, tuple(queue.session_speed or (1.0,))
        return 1, (1.0,)

    def agents(self, group: int) -> NDArray[np.int64] | None:
        """Agents per interval of ``group`` (index in file order); None if it has shifts only."""
        value = self.groups[group].agents
        if value is None:
            return None
        n = self.forecast.n_intervals
        return np.full(n, value, dtype=np.int64) if isinstance(value, int) else np.array(value)

    def matrix(self, kind: str) -> FloatArray:
        """Per group and queue: ``delay`` [s] or ``factor``; NaN where not served."""
        out = np.full((len(self.groups), len(self.queues)), np.nan)
        for g, group in enumerate(self.groups):
            for q, queue in enumerate(self.queues):
                if queue.name in group.skills:
                    value = group.delay(queue.name) if kind == "delay" else group.factor(queue.name)
                    out[g, q] = value
        return out

    def preference(self) -> NDArray[np.int64]:
        """Per group and queue: the queue's place in the group's skills (-1: not served)."""
        out = np.full((len(self.groups), len(self.queues)), -1, dtype=np.int64)
        index = {name: q for q, name in enumerate(self.queue_names)}
        for g, group in enumerate(self.groups):
            for rank, skill in enumerate(group.skills):
                out[g, index[skill]] = rank
        return out
