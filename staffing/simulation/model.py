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
    """

    arrival: FloatArray
    handle: FloatArray
    patience: FloatArray
    interval: NDArray[np.int64]
    kind: NDArray[np.int8] | None = None

    def __post_init__(self) -> None:
        """Check lengths, order and signs at the door."""
        n = self.arrival.size
        for name in ("handle", "patience", "interval"):
            if getattr(self, name).size != n:
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
