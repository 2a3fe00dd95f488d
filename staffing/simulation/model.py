"""The simulation model both engines share: callers, agents' windows, outcomes, the clock.

A day's randomness is drawn up front (:func:`draw_callers`, :class:`ReturnDraws`): every
replication's arrival times, handle times and patience come from its own seed, so the same
seed gives the same callers whatever the staffing (common random numbers), and either engine
(:mod:`staffing.simulation.simpy_engine`, the readable reference, or
:mod:`staffing.simulation.fast_engine`, compiled) can replay them. Agents are given as
on-phone windows (:class:`AgentWindows`) built from counts per interval or from shifts.
Both engines end a day with :func:`close_day`, so callers stranded in the queue are counted
the same way.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from staffing import distributions
from staffing.callers import Returns
from staffing.center import Center
from staffing.errors import InputError
from staffing.forecast import Forecast
from staffing.requirements import positions
from staffing.shifts import Shift, wrap

FloatArray = NDArray[np.float64]

DAY = 86_400.0
"""Seconds in a day."""

WAITING, ANSWERED, ABANDONED = 0, 1, 2
FRESH, REPEAT, REDIAL = 0, 1, 2
"""Kinds of contact: a first attempt, a repeat after an unresolved call, a redial."""


@dataclass(frozen=True)
class Callers:
    """The callers of one simulated day, drawn before the day is run.

    Attributes
    ----------
    arrival : ndarray
        Arrival times [s from the horizon start], non-decreasing.
    handle : ndarray
        Handle time each caller needs once answered [s], ``> 0``.
    patience : ndarray
        Time each caller is willing to wait [s]; ``inf`` for one who never hangs up.
    interval : ndarray of int
        Index of the forecast interval each caller arrived in.
    kind : ndarray of int8, optional
        ``FRESH``, ``REPEAT`` or ``REDIAL`` per caller; None: all fresh.
    queue : ndarray of int, optional
        Index of each caller's queue (several queues, :class:`Routing`); None: one queue.
        ``handle`` is then the time at proficiency 1, before a group's handle factor.
    """

    arrival: FloatArray
    handle: FloatArray
    patience: FloatArray
    interval: NDArray[np.int64]
    kind: NDArray[np.int8] | None = None
    queue: NDArray[np.int64] | None = None

    def __post_init__(self) -> None:
        """Check lengths, order and signs at the door."""
        n = self.arrival.size
        for name in ("handle", "patience", "interval", "queue"):
            if getattr(self, name) is not None and getattr(self, name).size != n:
                raise InputError(
                    f"callers: {name} has {getattr(self, name).size} values for {n} arrivals"
                )
        if n and (np.diff(self.arrival) < 0).any():
            raise InputError("callers: arrival times must be in non-decreasing order")
        if n and not (np.isfinite(self.handle).all() and (self.handle > 0).all()):
            raise InputError("callers: handle times must be finite and > 0 seconds")
        if n and not (self.patience > 0).all():
            raise InputError("callers: patience must be > 0 seconds (inf for none)")

    @property
    def size(self) -> int:
        """Number of callers."""
        return int(self.arrival.size)


@dataclass(frozen=True)
class Outcome:
    """What happened to each caller and agent in one simulated day.

    Attributes
    ----------
    status : ndarray of int8
        ``ANSWERED`` (1) or ``ABANDONED`` (2) per caller.
    wait : ndarray
        Time in queue [s]: until answered, or until hanging up.
    agent : ndarray of int
        Index of the agent who answered (-1 if abandoned).
    logged : ndarray, shape (k, 2)
        Agents' time on the phones as ``(on, off)`` segments [s], overruns included.
    queue_area : float
        Integral of the number of callers waiting over the day [caller-seconds], measured
        inside the engine (Little's law: it equals the sum of waits).
    returns_outside : int
        Repeats and redials that would have arrived outside the forecast's intervals (after
        the horizon or in a closed gap), and were not simulated.
    """

    status: NDArray[np.int8]
    wait: FloatArray
    agent: NDArray[np.int64]
    logged: FloatArray
    queue_area: float
    returns_outside: int = 0


@dataclass(frozen=True)
class AgentWindows:
    """When each agent is on the phones: per agent, ``(on, off, stays_to_clear)`` windows."""

    windows: tuple[tuple[tuple[float, float, bool], ...], ...]
    paid: FloatArray
    """Paid time as ``(start, end, agents)`` rows [s], for utilization."""

    @cached_property
    def flat(
        self,
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], FloatArray, FloatArray, NDArray[np.bool_]]:
        """All windows in flat arrays: each agent's first and last window, on, off, stays."""
        counts = np.array([len(w) for w in self.windows], dtype=np.int64)
        first = np.cumsum(counts) - counts
        rows = [window for windows in self.windows for window in windows]
        return (
            first,
            first + counts - 1,
            np.array([w[0] for w in rows], dtype=float),
            np.array([w[1] for w in rows], dtype=float),
            np.array([w[2] for w in rows], dtype=np.bool_),
        )


def close_day(
    callers: Callers,
    status: NDArray[np.int8],
    wait: FloatArray,
    agent_of: NDArray[np.int64],
    logged: list[tuple[float, float]] | FloatArray,
    queue_area: float,
    since: float,
) -> Outcome:
    """Finish a day's outcome; callers stranded in the queue hang up at the day's end.

    Stranded callers (no patience, and no agent will come again) are counted as abandoned
    at the end of the day: the last agent's departure or the last arrival, whichever is
    later. ``queue_area`` is the queue's integral up to ``since``, its last change; the
    stranded callers' time from then to the end is added.
    """
    segments = np.array(logged, dtype=float).reshape(-1, 2)
    stranded = status == WAITING
    if stranded.any():
        end = max(float(segments[:, 1].max(initial=0.0)), float(callers.arrival.max()))
        wait[stranded] = end - callers.arrival[stranded]
        status[stranded] = ABANDONED
        queue_area += int(stranded.sum()) * (end - since)
    return Outcome(status=status, wait=wait, agent=agent_of, logged=segments, queue_area=queue_area)


class ReturnDraws:
    """The random numbers of returning contacts, drawn in a fixed order from one generator.

    First a uniform (does it come back?) and a unit exponential (after how long?) per fresh
    caller; then a pool for the returns themselves, in slots taken in the order returns are
    generated: handle-time shape, patience, uniform and exponential, drawn in fixed-size
    chunks so that a larger pool starts with the same numbers.
    """

    CHUNK = 4096

    def __init__(
        self,
        rng: np.random.Generator,
        handle: distributions.Distribution,
        patience: distributions.Distribution | None,
    ) -> None:
        self._rng = rng
        self._handle = handle
        self._patience = patience
        self._chunks: list[tuple[FloatArray, FloatArray, FloatArray, FloatArray]] = []

    def fresh(self, n: int) -> tuple[FloatArray, FloatArray]:
        """Uniforms and unit exponentials for ``n`` fresh callers (call once, first)."""
        return self._rng.random(n), self._rng.standard_exponential(n)

    def expected(self, n: int, returns: Returns) -> int:
        """Size a pool that rarely runs out: expected returns of ``n`` callers, with margin."""
        per_caller = (1.0 - returns.fcr) / returns.fcr + returns.redial / (1.0 - returns.redial)
        return int(1.3 * n * per_caller) + self.CHUNK

    def pool(self, size: int) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """Return the first ``size`` pool slots: handle shapes, patience, uniforms, exponentials."""
        while len(self._chunks) * self.CHUNK < size:
            rng, c = self._rng, self.CHUNK
            self._chunks.append(
                (
                    self._handle.unit(rng, c),
                    np.full(c, np.inf) if self._patience is None else self._patience.sample(rng, c),
                    rng.random(c),
                    rng.standard_exponential(c),
                )
            )
        parts = [np.concatenate(column)[:size] for column in zip(*self._chunks, strict=True)]
        return parts[0], parts[1], parts[2], parts[3]


@dataclass(frozen=True)
class Grid:
    """The forecast's intervals on the simulation clock (seconds from midnight of day one)."""

    start: FloatArray
    length: float

    @classmethod
    def of(cls, forecast: Forecast) -> "Grid":
        """Interval starts of ``forecast`` in seconds from midnight of its first day."""
        origin = forecast.start[0].astype("datetime64[D]").astype("datetime64[s]")
        return cls(
            start=(forecast.start - origin).astype("timedelta64[s]").astype(float),
            length=float(forecast.interval),
        )

    @property
    def days(self) -> int:
        """Calendar days the grid spans, from midnight of the first."""
        return int(self.start[-1] // DAY) + 1

    @property
    def closing(self) -> FloatArray:
        """Closing times: ends of intervals not followed directly by another interval."""
        end = self.start + self.length
        last = np.append(self.start[1:] != end[:-1], True)
        return end[last]


def draw_callers(
    rng: np.random.Generator,
    calls: FloatArray,
    aht: FloatArray,
    grid: Grid,
    handle: distributions.Distribution,
    patience: distributions.Distribution | None,
) -> Callers:
    """Draw one day's callers: Poisson counts, uniform times within intervals, then durations.

    Times within an interval are the order statistics of uniform draws, generated in order
    (no sort): the cumulative sums of exponential spacings, normalized.

    ``handle`` gives the shape (its mean is rescaled to each interval's AHT); ``patience``
    None means nobody hangs up. Draws are made in a fixed order (counts, times, handle
    times, patience), so a seed gives the same callers whatever the staffing.
    """
    counts = rng.poisson(calls)
    interval = np.repeat(np.arange(calls.size), counts)
    # Sorted uniform times within each interval without sorting: given n arrivals, they are
    # S_1/S_{n+1} < ... < S_n/S_{n+1} for cumulative sums S of n + 1 exponential spacings
    # (Renyi's representation of uniform order statistics; Devroye 1986, V.2).
    spacings = rng.standard_exponential(interval.size + calls.size)
    total = np.cumsum(spacings)
    ends = np.cumsum(counts + 1) - 1  # position of each interval's last spacing
    before = np.concatenate(([0.0], total[ends[:-1]]))  # sums of earlier intervals
    position = np.arange(interval.size) + interval  # skip one closing spacing per interval
    fraction = (total[position] - before[interval]) / (total[ends] - before)[interval]
    arrival = grid.start[interval] + fraction * grid.length
    handle_times = aht[interval] * handle.unit(rng, interval.size)
    patience_times = (
        np.full(interval.size, np.inf) if patience is None else patience.sample(rng, interval.size)
    )
    return Callers(arrival, handle_times, patience_times, interval)


def callers_at(
    rng: np.random.Generator,
    arrival: FloatArray,
    aht: FloatArray,
    grid: Grid,
    handle: distributions.Distribution,
    patience: distributions.Distribution | None,
) -> Callers:
    """Callers arriving at given times (a day replayed): only their durations are drawn.

    ``arrival`` [s on the grid's clock] is sorted and lies in the grid's intervals (checked
    by the caller). Handle times (mean: the arrival interval's AHT) and patience are drawn
    in the order of :func:`draw_callers`, so a seed gives the same durations whatever the
    staffing.
    """
    interval = np.searchsorted(grid.start, arrival, side="right") - 1
    handle_times = aht[interval] * handle.unit(rng, arrival.size)
    patience_times = (
        np.full(arrival.size, np.inf) if patience is None else patience.sample(rng, arrival.size)
    )
    return Callers(arrival, handle_times, patience_times, interval)


def windows_from_counts(
    agents: NDArray[np.int64], grid: Grid, shrinkage: float = 0.0
) -> AgentWindows:
    """Agent windows for a number on the phones per interval.

    Agent ``j`` is on the phones in every interval with more than ``j`` agents; consecutive
    intervals make one window. When the count drops, the highest-numbered agents leave
    (after finishing their call). Paid time is the on-phone time divided by ``1 - shrinkage``.
    """
    closing = set(grid.closing.tolist())
    end = grid.start + grid.length
    windows = []
    for j in range(int(agents.max(initial=0))):
        on_duty = agents > j
        mine: list[tuple[float, float, bool]] = []
        for k in np.flatnonzero(on_duty):
            if mine and mine[-1][1] == grid.start[k]:
                mine[-1] = (mine[-1][0], end[k], end[k] in closing)
            else:
                mine.append((grid.start[k], end[k], end[k] in closing))
        windows.append(tuple(mine))
    paid = np.column_stack((grid.start, end, positions(agents, shrinkage)))
    return AgentWindows(tuple(windows), paid)


def windows_from_shifts(
    shifts: Sequence[Shift], grid: Grid, *, cyclic: bool = False
) -> AgentWindows:
    """Agent windows for a shift schedule: each of a shift's agents works its windows.

    A window that runs over a closing time is flagged to stay until the queue is empty.
    ``cyclic``: the horizon repeats (a 24/7 week), so a shift's time past its end is worked
    at its start, by the same agents (:func:`staffing.shifts.wrap`).
    """
    closing = grid.closing
    period = grid.days * DAY if cyclic else None
    windows = []
    paid = []
    for shift in shifts:
        mine = tuple(
            (on, off, bool(((closing > on) & (closing <= off)).any()))
            for on, off in shift.windows(period)
        )
        windows.extend([mine] * shift.headcount)
        unpaid = sorted((b.start, b.end) for b in shift.breaks if not b.paid)
        edges = [shift.start, *[t for b in unpaid for t in b], shift.end]
        for on, off in wrap(list(zip(edges[::2], edges[1::2], strict=True)), period):
            if off > on:
                paid.append((on, off, shift.headcount))
    return AgentWindows(tuple(windows), np.array(paid, dtype=float).reshape(-1, 3))


# --------------------------------------------------------------------------- several queues


@dataclass(frozen=True)
class Routing:
    """Who serves what, for both engines: skills, overflow delays, proficiency, priorities.

    Built from a :class:`staffing.center.Center` by :meth:`of`, or from arrays in tests.

    Attributes
    ----------
    delay : ndarray, shape (groups, queues)
        Time a contact must have waited before the group may take it [s]; NaN where the
        group does not serve the queue.
    factor : ndarray, shape (groups, queues)
        Handle-time factor of the group on the queue (proficiency); NaN where not served.
    preference : ndarray of int, shape (groups, queues)
        The queue's place in the group's skills (0 first); -1 where not served.
    priority : ndarray of int, shape (queues,)
        Smaller is served first by an agent who can take several queues.
    group_of : ndarray of int, shape (agents,)
        Each agent's group.
    chat : ndarray of bool, shape (queues,), optional
        Which queues are chat (several sessions per agent); None: none.
    speed : ndarray, shape (groups, k), optional
        Per group, the speed of each open chat session when 1, ..., k are open (a group's
        ``max_sessions`` is the number of its positive entries; the rest is 0); None: one
        session at speed 1 for every group.
    deferred : ndarray of bool, shape (queues,), optional
        Which queues are deferred work (email: rule 10); None: none. Their ``priority`` is
        stored shifted after every other queue's, so rule 3 ranks them last.
    reserve : ndarray of int, shape (groups,), optional
        Per group, the agents kept idle for calls and chats before any takes a deferred
        item (rule 11); None: 0 for every group.

    Notes
    -----
    The rules both engines follow, ties included (DESIGN.md sections 6 and 8):

    1. An arriving contact goes to the group that serves its queue without delay first in
       group order (file order) and has an idle agent; within the group, to the agent idle
       longest, the lowest agent index among agents idle since the same instant.
    2. A contact still waiting when its delay for an overflow group ends goes to that
       group's longest-idle agent, if one is idle. Overflow instants of one contact are
       taken in order of delay, then group order; an overflow instant equal to the
       contact's patience comes first (it is answered rather than lost).
    3. A freed agent (a call ended, or a window opened) takes, among the queues its group
       serves whose oldest waiting contact has waited at least the group's delay, the
       queue of smallest priority; between equal priorities, the contact that arrived
       first; then the group's skill order. With none, it is idle until its window ends.
    4. Windows opening at one instant open in agent order (groups in file order, agents by
       index within them).
    5. An agent whose window ends during a call finishes it; at a closing time (a window
       that ``stays``) it then goes on taking contacts it may take, and leaves when it finds
       none. An agent idle when its window ends leaves then.

    Chat (queues with ``chat`` set; Tezcan & Zhang 2014 model agents with concurrent
    sessions the same way):

    6. An agent is idle, on a call, or in chat with ``m`` sessions open, ``1 <= m <= k``
       (``k``: its group's ``max_sessions``). It takes a call only when idle (no session
       open), and a chat only while it has no call and ``m < k``: voice and chat are
       never mixed at one time.
    7. With ``m`` sessions open, each progresses at ``speed[m - 1]``: a session's
       remaining work (its handle time times the group's factor, at speed 1) falls by
       ``speed[m - 1]`` per second, so it stretches as others open and shrinks as they
       close. The session of least remaining work ends first (ties: the one opened
       first).
    8. An arriving chat (or one whose overflow delay ends) goes, in the group order of
       rules 1 and 2, to the first group with an agent idle or with a free slot and still
       in its window; within it, to the agent with the fewest sessions open (idle agents
       first), then the one longest at that number (idle: idle longest), then the lowest
       index.
    9. When a session ends, an agent left with sessions open takes waiting chats by rule
       3 among its chat queues, one per free slot; an agent left with none is freed as in
       rule 3 (it may take a call, or chats until its slots are full). Past its window's
       end it takes new sessions only at a closing time (``stays``), and leaves when its
       last session ends and nothing it may take waits.

    Deferred work (queues with ``deferred`` set: email, back office):

    10. Items never hang up (infinite patience). In rule 3 a deferred queue ranks after
        every voice and chat queue whatever its ``priority`` (blending: an agent takes an
        item only when no contact of its live skills that it may take waits); between
        deferred queues, by priority, then the item that arrived first. An item is handled
        like a call: one at a time, never interrupted, so a call arriving while an agent
        works an item waits for the item in hand. An agent staying past a closing time
        (rule 5) takes no new item: items wait for the next window. Items left at the
        horizon's end stay ``WAITING`` (the backlog carried over).
    11. A group with ``reserve = r`` keeps ``r`` agents idle for live contacts: a freed
        agent takes an item only while at least ``r`` other agents of its group are idle,
        and an arriving item (or one whose overflow delay ends) goes to the group only
        while more than ``r`` are idle (a threshold policy for blending: Bhulai & Koole,
        "A queueing model for call blending in call centers", IEEE Transactions on
        Automatic Control 48(8), 2003).

    Other coincidences (an arrival at the very instant a call ends, say) have probability
    zero with continuous draws.
    """

    delay: FloatArray
    factor: FloatArray
    preference: NDArray[np.int64]
    priority: NDArray[np.int64]
    group_of: NDArray[np.int64]
    chat: NDArray[np.bool_] | None = None
    speed: FloatArray | None = None
    deferred: NDArray[np.bool_] | None = None
    reserve: NDArray[np.int64] | None = None

    def __post_init__(self) -> None:
        """Check shapes and values at the door; rank deferred queues last (rule 10)."""
        groups, queues = self.delay.shape
        deferred = np.zeros(queues, dtype=np.bool_)
        if self.deferred is not None:
            deferred = np.asarray(self.deferred, dtype=np.bool_)
            if deferred.shape != (queues,):
                raise InputError(f"routing: deferred needs {queues} flags")
        object.__setattr__(self, "deferred", deferred)
        reserve = np.zeros(groups, dtype=np.int64)
        if self.reserve is not None:
            reserve = np.asarray(self.reserve, dtype=np.int64)
            if reserve.shape != (groups,) or (reserve < 0).any():
                raise InputError(f"routing: reserve needs {groups} whole numbers >= 0")
        object.__setattr__(self, "reserve", reserve)
        if deferred.any() and (~deferred).any():
            priority = np.asarray(self.priority, dtype=np.int64).copy()
            shift = priority[~deferred].max() - priority[deferred].min() + 1
            priority[deferred] += max(int(shift), 0)
            object.__setattr__(self, "priority", priority)
        chat = np.zeros(queues, dtype=np.bool_) if self.chat is None else np.asarray(self.chat)
        speed = np.ones((groups, 1)) if self.speed is None else np.asarray(self.speed, float)
        if chat.shape != (queues,) or speed.ndim != 2 or speed.shape[0] != groups:
            raise InputError(f"routing: chat needs {queues} flags and speed {groups} rows")
        if not ((speed[:, 0] > 0).all() and (speed <= 1).all() and (speed >= 0).all()):
            raise InputError("routing: session speeds must be in (0, 1], 0 past max_sessions")
        object.__setattr__(self, "chat", chat.astype(np.bool_))
        object.__setattr__(self, "speed", speed)
        for name in ("factor", "preference"):
            if getattr(self, name).shape != (groups, queues):
                raise InputError(f"routing: {name} must have shape ({groups}, {queues})")
        if self.priority.shape != (queues,):
            raise InputError(f"routing: priority must have {queues} values")
        served = self.preference >= 0
        if (
            not (served == ~np.isnan(self.delay)).all()
            or not (served == ~np.isnan(self.factor)).all()
        ):
            raise InputError("routing: delay, factor and preference disagree on who serves what")
        if not served.any(axis=0).all():
            raise InputError("routing: every queue needs a group serving it")
        if (self.delay[served] < 0).any() or (self.factor[served] <= 0).any():
            raise InputError("routing: delays must be >= 0 s and factors > 0")
        if self.group_of.size and not (0 <= self.group_of.min() <= self.group_of.max() < groups):
            raise InputError("routing: group_of names a group that does not exist")

    @classmethod
    def of(cls, center: Center, group_of: NDArray[np.int64]) -> "Routing":
        """Build the routing of ``center`` for agents whose groups are ``group_of``."""
        per_group = [center.sessions(g)[1] for g in range(len(center.groups))]
        speeds = np.zeros((len(per_group), max(len(s) for s in per_group)))
        for g, speed in enumerate(per_group):
            speeds[g, : len(speed)] = speed
        return cls(
            delay=center.matrix("delay"),
            factor=center.matrix("factor"),
            preference=center.preference(),
            priority=np.array([q.priority for q in center.queues], dtype=np.int64),
            group_of=np.asarray(group_of, dtype=np.int64),
            chat=np.array([q.channel == "chat" for q in center.queues], dtype=np.bool_),
            speed=speeds,
            deferred=np.array([q.deferred for q in center.queues], dtype=np.bool_),
            reserve=np.array([g.reserve for g in center.groups], dtype=np.int64),
        )

    @property
    def shape(self) -> tuple[int, int]:
        """``(groups, queues)``."""
        groups, queues = self.delay.shape
        return int(groups), int(queues)

    def immediate(self, queue: int) -> list[int]:
        """Return the groups taking ``queue``'s contacts on arrival, in group order (rule 1)."""
        return [int(g) for g in np.flatnonzero(self.delay[:, queue] == 0.0)]

    def overflow(self, queue: int) -> list[int]:
        """Return the groups taking ``queue``'s contacts after a delay, by delay, group (rule 2)."""
        late = np.flatnonzero(self.delay[:, queue] > 0.0)
        return [int(g) for g in late[np.argsort(self.delay[late, queue], kind="stable")]]

    def sessions(self, group: int) -> int:
        """Chat sessions an agent of ``group`` may hold at once (its ``max_sessions``)."""
        assert self.speed is not None
        return int(np.count_nonzero(self.speed[group] > 0))

    def skills(self, group: int) -> list[int]:
        """Queues ``group`` serves, by priority then its preference order (rule 3)."""
        served = np.flatnonzero(self.preference[group] >= 0)
        order = np.lexsort((self.preference[group, served], self.priority[served]))
        return [int(q) for q in served[order]]


@dataclass(frozen=True)
class CenterOutcome:
    """What happened to each contact and agent in one simulated day of several queues.

    Attributes
    ----------
    status, wait, agent : ndarray
        As :class:`Outcome`, per contact.
    logged : ndarray, shape (k, 2)
        Agents' time on the phones as ``(on, off)`` segments [s].
    logged_agent : ndarray of int, shape (k,)
        The agent of each segment.
    queue_area : ndarray, shape (queues,)
        Integral of the number of contacts waiting in each queue over the day
        [contact-seconds], measured in the engine (Little's law: the sum of waits).
    end : ndarray or None
        When each answered contact's service ended [s] (NaN if abandoned); for chat, the
        end of its session, stretched by the other sessions open meanwhile.
    """

    status: NDArray[np.int8]
    wait: FloatArray
    agent: NDArray[np.int64]
    logged: FloatArray
    logged_agent: NDArray[np.int64]
    queue_area: FloatArray
    end: FloatArray | None = None


def close_center_day(
    callers: Callers,
    status: NDArray[np.int8],
    wait: FloatArray,
    agent_of: NDArray[np.int64],
    logged: FloatArray,
    logged_agent: NDArray[np.int64],
    area: FloatArray,
    since: FloatArray,
    end: FloatArray | None = None,
    deferred: NDArray[np.bool_] | None = None,
) -> CenterOutcome:
    """Finish a day of several queues: stranded contacts hang up at the day's end.

    As :func:`close_day`, per queue: ``area`` and ``since`` are each queue's integral of
    waiting contacts and the time of its last change. Deferred items (``deferred``, per
    queue) are not stranded: they stay ``WAITING``, in the backlog carried over, with
    ``wait`` their age at the end.
    """
    segments = np.asarray(logged, dtype=float).reshape(-1, 2)
    stranded = status == WAITING
    area = np.array(area, dtype=float)
    if stranded.any():
        last = max(float(segments[:, 1].max(initial=0.0)), float(callers.arrival.max()))
        wait[stranded] = last - callers.arrival[stranded]
        count = np.bincount(callers.queue[stranded], minlength=area.size)
        area += count * (last - np.asarray(since, dtype=float))
        if deferred is not None:
            stranded &= ~np.asarray(deferred, dtype=np.bool_)[callers.queue]
        status[stranded] = ABANDONED
    return CenterOutcome(
        status=status,
        wait=wait,
        agent=agent_of,
        logged=segments,
        logged_agent=np.asarray(logged_agent, dtype=np.int64),
        queue_area=area,
        end=None if end is None else np.where(status == ANSWERED, end, np.nan),
    )


def draw_queue_callers(
    rng: np.random.Generator,
    calls: FloatArray,
    aht: FloatArray,
    grid: Grid,
    handle: distributions.Distribution,
    patience: distributions.Distribution | None,
    patience_means: FloatArray | None = None,
) -> Callers:
    """One queue's callers of a day: :func:`draw_callers`, with patience per interval.

    ``patience_means`` [s per interval] (a forecast's patience column; ``inf`` for none)
    scales ``patience``'s shape per arrival interval; draws keep the order of
    :func:`draw_callers` (counts, times, handle times, patience).
    """
    if patience_means is None:
        return draw_callers(rng, calls, aht, grid, handle, patience)
    callers = draw_callers(rng, calls, aht, grid, handle, None)
    shape = patience if patience is not None else distributions.make("exponential", 1.0)
    means = patience_means[callers.interval]
    times = means * shape.unit(rng, callers.size)
    times[np.isinf(means)] = np.inf
    return Callers(callers.arrival, callers.handle, times, callers.interval)


def merge_queues(per_queue: Sequence[Callers]) -> Callers:
    """All queues' callers in one arrival order (queue order on equal times)."""
    if len(per_queue) == 1:
        c = per_queue[0]
        return Callers(
            c.arrival, c.handle, c.patience, c.interval, queue=np.zeros(c.size, dtype=np.int64)
        )
    times = np.concatenate([[c.arrival, c.handle, c.patience] for c in per_queue], axis=1)
    order = np.argsort(times[0], kind="stable")
    times = times[:, order]
    ints = np.concatenate(
        [[c.interval, np.full(c.size, q, dtype=np.int64)] for q, c in enumerate(per_queue)],
        axis=1,
    )[:, order]
    return Callers(times[0], times[1], times[2], ints[0], queue=ints[1])


def join_windows(per_group: Sequence[AgentWindows]) -> tuple[AgentWindows, NDArray[np.int64]]:
    """All groups' agents as one set of windows (groups in order), and each agent's group."""
    windows = tuple(w for group in per_group for w in group.windows)
    group_of = np.concatenate(
        [np.full(len(group.windows), g, dtype=np.int64) for g, group in enumerate(per_group)]
        or [np.zeros(0, dtype=np.int64)]
    )
    paid = np.concatenate([group.paid for group in per_group]).reshape(-1, 3)
    return AgentWindows(windows, paid), group_of
