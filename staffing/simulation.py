"""A SimPy discrete-event model of a contact-center day: what a staffing plan really delivers.

Erlang formulas assume a stationary queue, exponential times and no backlog between
intervals. This model drops those assumptions:

- **Callers** arrive as a Poisson process whose rate is constant within each interval of the
  forecast; a caller belongs to the interval in which it arrives. Handle times (mean = that
  interval's AHT) and patience are exponential, lognormal, gamma or deterministic, given by
  mean and CV (:mod:`staffing.distributions`); patience may be absent (nobody hangs up).
- **Agents** come from a number on the phones per interval or from shifts with breaks
  (:mod:`staffing.shifts`). An agent whose break or shift end comes during a call finishes
  the call first, then leaves; back from a break at its scheduled end (a break is shortened
  by the overrun, never moved). Agents on the phones at a closing time (the end of the last
  interval, or of an interval followed by a gap in the forecast) stay until the queue is
  empty, as contact centers do at close.
- **One FCFS queue.** A caller who finds an agent free is answered at once (by the agent
  free the longest); otherwise the caller waits, and hangs up when the wait reaches the
  caller's patience. The day starts empty and runs until every caller who arrived has been
  answered or has hung up.
- **Randomness** is drawn up front: every replication's arrival times, handle times and
  patience come from its own seed, spawned from one ``numpy.random.SeedSequence``. The same
  seed gives the same callers, so two schedules simulated with one seed meet the same
  callers (common random numbers), and another engine can replay them.

KPIs per interval and per day follow DESIGN.md section 4 (:mod:`staffing.kpis`), each with a
mean and a 95 % confidence half-width over the replications.
"""

import heapq
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from functools import cached_property, partial

import numpy as np
import pandas as pd
import simpy
from numpy.typing import ArrayLike, NDArray

from staffing import distributions, kpis
from staffing.errors import InputError
from staffing.forecast import Forecast
from staffing.shifts import Shift

FloatArray = NDArray[np.float64]

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


def run_day(callers: Callers, agents: AgentWindows) -> Outcome:
    """Simulate one day with SimPy: pre-drawn callers against agents' on-phone windows.

    Parameters
    ----------
    callers : Callers
        Who calls, when, for how long, and how patient.
    agents : AgentWindows
        When each agent takes calls.

    Returns
    -------
    Outcome
    """
    env = simpy.Environment()
    n = callers.size
    arrival, handle, patience = callers.arrival, callers.handle, callers.patience
    status = np.zeros(n, dtype=np.int8)
    wait = np.zeros(n)
    agent_of = np.full(n, -1, dtype=np.int64)
    queue: deque[int] = deque()
    # idle agents as (idle since, agent, [wake event, still idle]): longest idle first
    idle: list[tuple[float, int, list]] = []
    logged: list[tuple[float, float]] = []
    # number of callers waiting, and its integral over time
    depth = {"count": 0, "area": 0.0, "since": 0.0}
    opening = {
        (j, w): env.event() for j, windows in enumerate(agents.windows) for w in range(len(windows))
    }

    def queue_change(delta: int) -> None:
        depth["area"] += depth["count"] * (env.now - depth["since"])
        depth["since"] = env.now
        depth["count"] += delta

    def hang_up(i: int, _event: simpy.Event) -> None:
        if status[i] == WAITING:
            status[i] = ABANDONED
            wait[i] = patience[i]
            queue_change(-1)

    def next_caller() -> int:
        while queue:
            i = queue.popleft()
            if status[i] == WAITING:
                queue_change(-1)
                return i
        return -1

    def answer(i: int, j: int) -> float:
        status[i] = ANSWERED
        wait[i] = env.now - arrival[i]
        agent_of[i] = j
        return handle[i]

    def source():
        for i in range(n):
            yield env.timeout(arrival[i] - env.now)
            while idle and not idle[0][2][1]:
                heapq.heappop(idle)
            if idle:
                _, j, token = heapq.heappop(idle)
                token[1] = False
                # answered on arrival: a wait of exactly 0 (env.now may differ from the
                # arrival time by rounding)
                status[i], wait[i], agent_of[i] = ANSWERED, 0.0, j
                token[0].succeed(i)
                continue
            queue.append(i)
            queue_change(+1)
            if np.isfinite(patience[i]):
                env.timeout(patience[i]).callbacks.append(partial(hang_up, i))

    def roster():
        """Open agents' windows in time order, agents of one instant in agent order."""
        for on, j, w in sorted(
            (ws[w][0], j, w) for j, ws in enumerate(agents.windows) for w in range(len(ws))
        ):
            if on > env.now:
                yield env.timeout(on - env.now)
            opening[j, w].succeed()

    def agent(j: int, windows: Sequence[tuple[float, float, bool]]):
        for w, (on, off, stays) in enumerate(windows):
            if env.now < on:
                yield opening[j, w]
            elif env.now >= off and not stays:
                continue  # a call overran this whole window
            start = env.now
            while True:
                i = next_caller()
                if i < 0:
                    if env.now >= off:
                        break
                    token = [env.event(), True]
                    heapq.heappush(idle, (env.now, j, token))
                    yield token[0] | env.timeout(off - env.now)
                    if not token[0].triggered:
                        token[1] = False
                        break
                    yield env.timeout(handle[token[0].value])
                else:
                    yield env.timeout(answer(i, j))
                if env.now >= off and not (stays and depth["count"] > 0):
                    break
            logged.append((start, env.now))

    env.process(source())
    env.process(roster())
    for j, windows in enumerate(agents.windows):
        env.process(agent(j, windows))
    env.run()
    return _close_day(callers, status, wait, agent_of, logged, depth["area"], depth["since"])


def _close_day(
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


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Returns:
    """Contacts that come back: unresolved calls and abandoned callers who redial.

    First-contact resolution (FCR) drives repeat volume: an answered contact that does not
    resolve the issue brings the caller back, so with FCR ``f`` and nobody hanging up an
    issue takes a geometric number of contacts with mean ``1 / f``.

    Attributes
    ----------
    fcr : float
        Probability that an answered contact resolves the issue, in (0, 1]; 1: no repeats.
    repeat_delay : float
        Mean time from the end of an unresolved call to the repeat contact [s]
        (exponential).
    redial : float
        Probability that a caller who hung up calls again, in [0, 1).
    redial_delay : float
        Mean time from hanging up to the redial [s] (exponential).
    """

    fcr: float = 1.0
    repeat_delay: float = 3600.0
    redial: float = 0.0
    redial_delay: float = 300.0

    def __post_init__(self) -> None:
        """Check probabilities and delays at the door."""
        if not 0.0 < self.fcr <= 1.0:
            raise InputError(f"fcr = {self.fcr!r}; first-contact resolution must be > 0 and <= 1")
        if not 0.0 <= self.redial < 1.0:
            raise InputError(f"redial = {self.redial!r}; must be >= 0 and < 1")
        for name in ("repeat_delay", "redial_delay"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value >= 0.0):
                raise InputError(f"{name} = {value!r}; must be a number of seconds >= 0")

    @property
    def active(self) -> bool:
        """Whether any contact can come back."""
        return self.fcr < 1.0 or self.redial > 0.0


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
    paid = np.column_stack((grid.start, end, agents / (1.0 - shrinkage)))
    return AgentWindows(tuple(windows), paid)


def windows_from_shifts(shifts: Sequence[Shift], grid: Grid) -> AgentWindows:
    """Agent windows for a shift schedule: each of a shift's agents works its windows.

    A window that runs over a closing time is flagged to stay until the queue is empty.
    """
    closing = grid.closing
    windows = []
    paid = []
    for shift in shifts:
        mine = tuple(
            (on, off, bool(((closing > on) & (closing <= off)).any()))
            for on, off in shift.windows()
        )
        windows.extend([mine] * shift.headcount)
        unpaid = sorted((b.start, b.end) for b in shift.breaks if not b.paid)
        edges = [shift.start, *[t for b in unpaid for t in b], shift.end]
        for on, off in zip(edges[::2], edges[1::2], strict=True):
            if off > on:
                paid.append((on, off, shift.headcount))
    return AgentWindows(tuple(windows), np.array(paid, dtype=float).reshape(-1, 3))


# --------------------------------------------------------------------------- replications


@dataclass(frozen=True)
class SimulationResult:
    """KPIs of a simulated plan over many replications.

    Attributes
    ----------
    intervals : pandas.DataFrame
        One row per forecast interval: ``start``, ``calls`` (forecast), ``agents`` (mean on
        the phones), ``offered`` (mean), then each KPI of :data:`staffing.kpis.KPI_NAMES` as
        the mean over replications and ``<kpi>_ci``, its 95 % half-width.
    day : pandas.DataFrame
        The whole horizon: one row per entry of ``day_replications`` with ``mean`` and
        ``ci``.
    replications : dict of str to ndarray
        Per-replication, per-interval KPI values (shape ``(replications, intervals)``).
    day_replications : dict of str to ndarray
        Per-replication whole-horizon values: counts of ``offered``, ``answered``,
        ``answered_in_time`` (within the threshold) and ``abandoned`` contacts, of which
        ``repeats`` and ``redials``; ``returns_outside``
        (returns falling outside the forecast's intervals); ``volume_factor`` (the day's
        draw of volume uncertainty, 1 without); then every KPI.
    callers, outcomes : list or None
        The callers and outcomes of every replication, if ``keep_records`` was set.
    """

    intervals: pd.DataFrame
    day: pd.DataFrame
    replications: dict[str, FloatArray]
    day_replications: dict[str, FloatArray]
    callers: list[Callers] | None = None
    outcomes: list[Outcome] | None = None

    def kpi(self, name: str) -> tuple[float, float]:
        """Whole-horizon ``(mean, 95 % half-width)`` of one KPI."""
        return float(self.day.loc[name, "mean"]), float(self.day.loc[name, "ci"])


def _fast_engine() -> Callable[[Callers, AgentWindows], Outcome]:
    from staffing.fastsim import run_day_fast  # compiled on first use

    return run_day_fast


ENGINES: dict[str, Callable[[], Callable[[Callers, AgentWindows], Outcome]]] = {
    "fast": _fast_engine,
    "simpy": lambda: run_day,
}
"""Simulation engines by name: each entry returns the function simulating one day."""


def _distribution(
    argument: str, kind: str, mean: float, cv: float | None
) -> distributions.Distribution:
    """Build a distribution for ``simulate``; an error names the argument at fault."""
    try:
        return distributions.make(kind, mean, cv)
    except InputError as error:
        raise InputError(f"simulate {argument}: {error}") from None


def _agents(agents: ArrayLike, n: int) -> NDArray[np.int64]:
    arr = np.asarray(agents, dtype=float)
    if arr.shape != (n,):
        raise InputError(
            f"agents: {arr.size} values for {n} forecast intervals; give one "
            "whole number per interval"
        )
    bad = ~(np.isfinite(arr) & (arr >= 0) & (arr == np.round(arr)))
    if bad.any():
        k = int(np.argmax(bad))
        raise InputError(f"agents[{k}] = {arr[k]:g}; agents must be whole numbers >= 0")
    return arr.astype(np.int64)


def simulate(
    forecast: Forecast,
    *,
    agents: ArrayLike | None = None,
    shifts: Sequence[Shift] | None = None,
    threshold: float = 20.0,
    patience: float | None = None,
    patience_distribution: str = "exponential",
    patience_cv: float | None = None,
    handle_distribution: str = "exponential",
    handle_cv: float | None = None,
    shrinkage: float = 0.0,
    replications: int = 30,
    seed: int | np.random.SeedSequence = 0,
    keep_records: bool = False,
    progress: Callable[[int], None] | None = None,
    engine: str = "fast",
    workers: int = 1,
    returns: Returns | None = None,
    volume_cv: float = 0.0,
) -> SimulationResult:
    """Simulate the forecast's days under a staffing plan, with replications.

    Parameters
    ----------
    forecast : Forecast
        Calls and AHT per interval: the Poisson arrival rate and mean handle time.
    agents : array_like of int, optional
        Agents on the phones per interval (exactly one of ``agents`` and ``shifts``).
    shifts : sequence of Shift, optional
        A shift schedule; times in seconds from midnight of the forecast's first day.
    threshold : float, default 20
        Service-level answer time [s].
    patience : float or None
        Mean caller patience [s]; None: callers never hang up.
    patience_distribution, handle_distribution : str
        ``exponential``, ``lognormal``, ``gamma`` or ``deterministic``.
    patience_cv, handle_cv : float or None
        Coefficient of variation, required for lognormal and gamma.
    shrinkage : float, default 0
        With ``agents``: paid time is on-phone time / (1 - shrinkage), for utilization.
    replications : int, default 30
        Independent days simulated.
    seed : int or SeedSequence, default 0
        Root of every replication's random numbers.
    keep_records : bool
        Keep every replication's callers and outcomes in the result.
    progress : callable, optional
        Called with the number of replications done after each one.
    engine : {"fast", "simpy"}
        ``fast`` (default): the compiled engine of :mod:`staffing.fastsim`, ~100x faster;
        ``simpy``: this module's SimPy model. Both give the same outcome for every caller
        (the tests check it), so results do not depend on the choice.
    workers : int, default 1
        Threads the replications are spread over (each takes a contiguous block of the
        per-replication seeds); the results are identical to one thread. The compiled
        engine runs without the GIL, so the fast engine gains from more cores.
    returns : Returns, optional
        Repeat contacts after unresolved calls (first-contact resolution) and redials after
        hanging up (:func:`staffing.fastsim.run_day_returning`; the fast engine only).
    volume_cv : float, default 0
        Day-to-day volume uncertainty: each replication's calls are the forecast times a
        factor drawn from a gamma distribution with mean 1 and this coefficient of
        variation, so a day's count is negative binomial, the usual over-dispersed model
        of call volumes (Jongbloed & Koole 2001; Avramidis, Deslauriers & L'Ecuyer 2004).

    Returns
    -------
    SimulationResult
    """
    if (agents is None) == (shifts is None):
        raise InputError("simulate: give either agents (per interval) or shifts, not both")
    if not (np.isfinite(threshold) and threshold >= 0):
        raise InputError(f"threshold = {threshold!r}; threshold must be >= 0 seconds")
    if int(replications) != replications or replications < 1:
        raise InputError(f"replications = {replications!r}; must be a whole number >= 1")
    if not 0.0 <= shrinkage < 1.0:
        raise InputError(f"shrinkage = {shrinkage!r}; shrinkage must be >= 0 and < 1")
    if engine not in ENGINES:
        raise InputError(f"engine = {engine!r}; choose one of {', '.join(ENGINES)}")
    if int(workers) != workers or workers < 1:
        raise InputError(f"workers = {workers!r}; must be a whole number >= 1")
    if not (volume_cv == 0.0 or 1e-6 <= volume_cv <= 10.0):
        raise InputError(
            f"volume_cv = {volume_cv!r}; must be 0 (no volume uncertainty) or a fraction "
            "from 1e-6 to 10 (0.1 = 10 %)"
        )
    if returns is not None and not returns.active:
        returns = None
    if returns is not None and engine != "fast":
        raise InputError(
            f"engine = {engine!r}: repeat contacts and redials are simulated by the fast "
            "engine only; use engine='fast'"
        )
    grid = Grid.of(forecast)
    if agents is not None:
        windows = windows_from_counts(_agents(agents, forecast.n_intervals), grid, shrinkage)
    else:
        windows = windows_from_shifts(shifts, grid)
    handle = _distribution("handle_distribution", handle_distribution, 1.0, handle_cv)
    if patience_distribution not in distributions.KINDS:  # checked even when unused
        raise InputError(
            f"simulate patience_distribution = {patience_distribution!r}; choose "
            f"one of {', '.join(distributions.KINDS)}"
        )
    patience_dist = (
        None
        if patience is None or np.isinf(patience)
        else _distribution("patience", patience_distribution, patience, patience_cv)
    )
    # a copy, so that the caller's SeedSequence is not advanced by spawning
    root = (
        np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key)
        if isinstance(seed, np.random.SeedSequence)
        else np.random.SeedSequence(seed)
    )
    job = _Job(
        forecast.calls,
        forecast.aht,
        grid,
        windows,
        handle,
        patience_dist,
        threshold,
        engine,
        keep_records,
        returns,
        float(volume_cv),
    )
    children = root.spawn(int(replications))
    workers = max(1, min(int(workers), len(children)))
    if workers == 1:
        results = []
        for r, child in enumerate(children):
            results.append(_replicate(job, child))
            if progress is not None:
                progress(r + 1)
    else:
        # contiguous chunks of the per-replication seeds, gathered back in order: the same
        # results as one thread
        chunks = [list(c) for c in np.array_split(np.arange(len(children)), workers)]
        results_by_chunk: list[list[_Replication]] = [[] for _ in chunks]
        done = 0
        # threads: the compiled engine and numpy's array work release the GIL, and threads
        # share the job without copying or re-importing anything
        with ThreadPoolExecutor(workers) as pool:
            futures = {
                pool.submit(_replicate_many, job, [children[i] for i in chunk]): k
                for k, chunk in enumerate(chunks)
            }
            for future in as_completed(futures):
                results_by_chunk[futures[future]] = future.result()
                done += len(results_by_chunk[futures[future]])
                if progress is not None:
                    progress(done)
        results = [r for chunk in results_by_chunk for r in chunk]
    per_interval = {name: [r.interval_kpis[name] for r in results] for name in kpis.KPI_NAMES}
    per_day = {name: [r.day_kpis[name] for r in results] for name in kpis.KPI_NAMES}
    counts = {name: [r.counts[name] for r in results] for name in _COUNTED}
    # whole-horizon counts per replication first, then the KPIs
    day_reps = {name: np.sum(counts[name], axis=1).astype(float) for name in _DAY_COUNTS}
    day_reps |= {name: np.array([r.day_counts[name] for r in results]) for name in _DAY_ONLY}
    day_reps |= {name: np.array(v) for name, v in per_day.items()}
    kept_callers = [r.callers for r in results]
    kept_outcomes = [r.outcome for r in results]
    reps = {name: np.array(v) for name, v in per_interval.items()}
    return SimulationResult(
        intervals=_interval_table(forecast, grid, reps, counts),
        day=_day_table(day_reps),
        replications=reps,
        day_replications=day_reps,
        callers=kept_callers if keep_records else None,
        outcomes=kept_outcomes if keep_records else None,
    )


_SUMMED = ("offered", "answered", "answered_in_time", "abandoned", "logged")
"""Per-interval counts taken from a replication's :class:`staffing.kpis.Sums`."""
_KINDS = {"repeats": REPEAT, "redials": REDIAL}
"""Per-interval counts of returning contacts, by kind."""
_COUNTED = (*_SUMMED, *_KINDS)
_DAY_COUNTS = ("offered", "answered", "answered_in_time", "abandoned", *_KINDS)
_DAY_ONLY = ("volume_factor", "returns_outside")


@dataclass(frozen=True)
class _Job:
    """What every replication of one ``simulate`` call shares (sent to worker processes)."""

    calls: FloatArray
    aht: FloatArray
    grid: Grid
    windows: AgentWindows
    handle: distributions.Distribution
    patience: distributions.Distribution | None
    threshold: float
    engine: str
    keep_records: bool
    returns: Returns | None
    volume_cv: float


@dataclass(frozen=True)
class _Replication:
    """One replication's KPIs and counts (and records, if kept)."""

    interval_kpis: dict[str, FloatArray]
    day_kpis: dict[str, float]
    counts: dict[str, FloatArray]
    day_counts: dict[str, float]
    callers: Callers | None
    outcome: Outcome | None


def _replicate(job: _Job, seed: np.random.SeedSequence) -> _Replication:
    """Draw one day's callers from ``seed``, simulate it, and reduce it to KPIs."""
    rng = np.random.default_rng(seed)
    factor = 1.0
    if job.volume_cv > 0.0:
        shape = job.volume_cv**-2
        factor = float(rng.gamma(shape, 1.0 / shape))
    callers = draw_callers(rng, job.calls * factor, job.aht, job.grid, job.handle, job.patience)
    if job.returns is None:
        outcome = ENGINES[job.engine]()(callers, job.windows)
    else:
        from staffing.fastsim import run_day_returning

        draws = ReturnDraws(rng, job.handle, job.patience)
        callers, outcome = run_day_returning(
            callers, job.windows, job.returns, draws, job.aht, job.grid
        )
    sums, day = _sums(callers, outcome, job.windows, job.grid, job.threshold)
    counts = {name: getattr(sums, name) for name in _SUMMED}
    kind = np.full(callers.size, FRESH, dtype=np.int8) if callers.kind is None else callers.kind
    for name, code in _KINDS.items():
        counts[name] = np.bincount(callers.interval[kind == code], minlength=job.calls.size)
    return _Replication(
        interval_kpis=kpis.ratios(sums),
        day_kpis={name: float(v) for name, v in kpis.ratios(day).items()},
        counts=counts,
        day_counts={"volume_factor": factor, "returns_outside": float(outcome.returns_outside)},
        callers=callers if job.keep_records else None,
        outcome=outcome if job.keep_records else None,
    )


def _replicate_many(job: _Job, seeds: list[np.random.SeedSequence]) -> list[_Replication]:
    return [_replicate(job, seed) for seed in seeds]


def _sums(
    callers: Callers, outcome: Outcome, windows: AgentWindows, grid: Grid, threshold: float
) -> tuple[kpis.Sums, kpis.Sums]:
    """Per-interval and whole-day sums of one replication."""
    answered = outcome.status == ANSWERED
    begin = callers.arrival[answered] + outcome.wait[answered]
    busy = np.column_stack((begin, begin + callers.handle[answered]))
    sums = kpis.interval_sums(
        callers.interval,
        answered,
        outcome.wait,
        busy,
        outcome.logged,
        windows.paid,
        grid.start,
        grid.length,
        threshold,
    )
    day = kpis.day_sums(
        sums,
        busy=float(callers.handle[answered].sum()),
        logged=float((outcome.logged[:, 1] - outcome.logged[:, 0]).sum()),
        paid=float(((windows.paid[:, 1] - windows.paid[:, 0]) * windows.paid[:, 2]).sum()),
    )
    return sums, day


def _interval_table(
    forecast: Forecast, grid: Grid, reps: dict[str, FloatArray], counts: dict[str, list]
) -> pd.DataFrame:
    frame = pd.DataFrame({"start": pd.to_datetime(forecast.start), "calls": forecast.calls})
    frame["agents"] = np.mean(counts["logged"], axis=0) / grid.length
    frame["offered"] = np.mean(counts["offered"], axis=0)
    for name, values in reps.items():
        mean, half = kpis.confidence(values)
        frame[name] = mean
        frame[f"{name}_ci"] = half
    return frame


def _day_table(day_reps: dict[str, FloatArray]) -> pd.DataFrame:
    rows = {}
    for name, values in day_reps.items():
        mean, half = kpis.confidence(values)
        rows[name] = (float(mean), float(half))
    return pd.DataFrame.from_dict(rows, orient="index", columns=["mean", "ci"])
