"""Simulating a plan: replications of a day, in either engine, reduced to KPI tables.

Erlang formulas assume a stationary queue, exponential times and no backlog between
intervals. This model drops those assumptions:

- **Callers** arrive as a Poisson process whose rate is constant within each interval of the
  forecast; a caller belongs to the interval in which it arrives. Or at given times (``arrivals``:
  a past day replayed), the same in every replication. Handle times (mean = that
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

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from staffing import _checks, distributions, kpis
from staffing.callers import CallerBehaviour, Returns
from staffing.errors import InputError
from staffing.forecast import Forecast
from staffing.shifts import Shift
from staffing.simulation.model import (
    ANSWERED,
    FRESH,
    REDIAL,
    REPEAT,
    AgentWindows,
    Callers,
    FloatArray,
    Grid,
    Outcome,
    ReturnDraws,
    callers_at,
    draw_callers,
    windows_from_counts,
    windows_from_shifts,
)

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
        draw of volume uncertainty, 1 without); ``handle_hours`` (agent time handling
        contacts [h]); ``overtime_hours`` (agent time on the phones beyond the scheduled
        on-phone time, finishing contacts past a shift's end or into a break [h]); then every KPI.
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
    from staffing.simulation.fast_engine import run_day_fast  # compiled on first use

    return run_day_fast


def _simpy_engine() -> Callable[[Callers, AgentWindows], Outcome]:
    from staffing.simulation.simpy_engine import run_day

    return run_day


ENGINES: dict[str, Callable[[], Callable[[Callers, AgentWindows], Outcome]]] = {
    "fast": _fast_engine,
    "simpy": _simpy_engine,
}
"""Simulation engines by name: each entry imports and returns the function simulating a day."""


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


def _arrivals(arrivals: ArrayLike, grid: Grid) -> FloatArray:
    """Check given arrival times [s]: finite, sorted, each inside an interval of the grid."""
    times = np.asarray(arrivals, dtype=float).ravel()
    if not np.isfinite(times).all():
        raise InputError("arrivals: times must be finite seconds")
    if (np.diff(times) < 0).any():
        k = int(np.argmax(np.diff(times) < 0)) + 1
        raise InputError(f"arrivals[{k}] = {times[k]:g} s comes before arrivals[{k - 1}]")
    k = np.searchsorted(grid.start, times, side="right") - 1
    outside = (k < 0) | (times >= grid.start[np.maximum(k, 0)] + grid.length)
    if outside.any():
        i = int(np.argmax(outside))
        raise InputError(
            f"arrivals[{i}] = {times[i]:g} s is in no interval of the forecast; give times "
            "in seconds from midnight of its first day, inside its intervals"
        )
    return times


def simulate(
    forecast: Forecast,
    *,
    agents: ArrayLike | None = None,
    shifts: Sequence[Shift] | None = None,
    threshold: float = 20.0,
    callers: CallerBehaviour | None = None,
    shrinkage: float = 0.0,
    replications: int = 30,
    seed: int | np.random.SeedSequence = 0,
    keep_records: bool = False,
    progress: Callable[[int], None] | None = None,
    engine: str = "fast",
    workers: int = 1,
    volume_cv: float = 0.0,
    arrivals: ArrayLike | None = None,
    cyclic: bool = False,
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
    cyclic : bool, default False
        With ``shifts``: the horizon repeats (a 24/7 week), so shifts running past its end
        work its start (:func:`staffing.simulation.model.windows_from_shifts`).
    threshold : float, default 20
        Service-level answer time [s].
    callers : CallerBehaviour, optional
        Patience and handle-time distributions, and the contacts that come back (repeats
        after unresolved calls, redials after hanging up; the fast engine only). Default:
        exponential handle times, nobody hangs up, nobody comes back.
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
        ``fast`` (default): the compiled engine of :mod:`staffing.simulation.fast_engine`,
        ~100x faster;
        ``simpy``: this module's SimPy model. Both give the same outcome for every caller
        (the tests check it), so results do not depend on the choice.
    workers : int, default 1
        Threads the replications are spread over (each replication has its own seed);
        the results are identical to one thread. The compiled
        engine runs without the GIL, so the fast engine gains from more cores.
    volume_cv : float, default 0
        Day-to-day volume uncertainty: each replication's calls are the forecast times a
        factor drawn from a gamma distribution with mean 1 and this coefficient of
        variation, so a day's count is negative binomial, the usual over-dispersed model
        of call volumes (Jongbloed & Koole 2001; Avramidis, Deslauriers & L'Ecuyer 2004).
    arrivals : array_like, optional
        Arrival times to replay [s from midnight of the forecast's first day], each in one
        of the forecast's intervals: every replication meets callers arriving at exactly
        these times (a past day replayed), drawing only their handle times and patience;
        ``forecast.calls`` is then not used to draw arrivals. Default: Poisson arrivals.

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
    _checks.shrinkage(shrinkage)
    if engine not in ENGINES:
        raise InputError(f"engine = {engine!r}; choose one of {', '.join(ENGINES)}")
    if int(workers) != workers or workers < 1:
        raise InputError(f"workers = {workers!r}; must be a whole number >= 1")
    if not (volume_cv == 0.0 or 1e-6 <= volume_cv <= 10.0):
        raise InputError(
            f"volume_cv = {volume_cv!r}; must be 0 (no volume uncertainty) or a fraction "
            "from 1e-6 to 10 (0.1 = 10 %)"
        )
    grid = Grid.of(forecast)
    given = None if arrivals is None else _arrivals(arrivals, grid)
    if given is not None and volume_cv:
        raise InputError("simulate: arrivals given are replayed as they are; volume_cv must be 0")
    if callers is None:
        callers = CallerBehaviour()
    returns = callers.returns if callers.returns.active else None
    if returns is not None and engine != "fast":
        raise InputError(
            f"engine = {engine!r}: repeat contacts and redials are simulated by the fast "
            "engine only; use engine='fast'"
        )
    if agents is not None:
        windows = windows_from_counts(_agents(agents, forecast.n_intervals), grid, shrinkage)
    else:
        windows = windows_from_shifts(shifts, grid, cyclic=cyclic)
    handle = callers.handle_shape()
    patience_dist = callers.patience_times()
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
        given,
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
        # one task per replication, gathered back in order: the same results as one thread;
        # threads, because the compiled engine and numpy's array work release the GIL and
        # threads share the job without copying or re-importing anything
        pool = ThreadPoolExecutor(workers)
        try:
            futures = {pool.submit(_replicate, job, child): r for r, child in enumerate(children)}
            by_index: dict[int, _Replication] = {}
            for future in as_completed(futures):
                by_index[futures[future]] = future.result()
                if progress is not None:
                    progress(len(by_index))
        finally:
            # on an error or Ctrl-C, replications not started are dropped at once
            pool.shutdown(cancel_futures=True)
        results = [by_index[r] for r in range(len(children))]
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
_DAY_ONLY = ("volume_factor", "returns_outside", "handle_hours", "overtime_hours")


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
    arrivals: FloatArray | None


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
    if job.arrivals is None:
        callers = draw_callers(rng, job.calls * factor, job.aht, job.grid, job.handle, job.patience)
    else:
        callers = callers_at(rng, job.arrivals, job.aht, job.grid, job.handle, job.patience)
    if job.returns is None:
        outcome = ENGINES[job.engine]()(callers, job.windows)
    else:
        from staffing.simulation.fast_engine import run_day_returning

        draws = ReturnDraws(rng, job.handle, job.patience)
        callers, outcome = run_day_returning(
            callers, job.windows, job.returns, draws, job.aht, job.grid
        )
    sums, day, overtime = _sums(callers, outcome, job.windows, job.grid, job.threshold)
    counts = {name: getattr(sums, name) for name in _SUMMED}
    kind = np.full(callers.size, FRESH, dtype=np.int8) if callers.kind is None else callers.kind
    for name, code in _KINDS.items():
        counts[name] = np.bincount(callers.interval[kind == code], minlength=job.calls.size)
    return _Replication(
        interval_kpis=kpis.ratios(sums),
        day_kpis={name: float(v) for name, v in kpis.ratios(day).items()},
        counts=counts,
        day_counts={
            "volume_factor": factor,
            "returns_outside": float(outcome.returns_outside),
            "handle_hours": float(day.busy) / 3600.0,
            "overtime_hours": overtime / 3600.0,
        },
        callers=callers if job.keep_records else None,
        outcome=outcome if job.keep_records else None,
    )


def _sums(
    callers: Callers, outcome: Outcome, windows: AgentWindows, grid: Grid, threshold: float
) -> tuple[kpis.Sums, kpis.Sums, float]:
    """Per-interval and whole-day sums of one replication, and its overtime [agent-s]."""
    answered = outcome.status == ANSWERED
    begin = callers.arrival[answered] + outcome.wait[answered]
    busy = np.column_stack((begin, begin + callers.handle[answered]))
    _, _, on, off, _ = windows.flat
    scheduled = np.column_stack((on, off))
    sums = kpis.interval_sums(
        callers.interval,
        answered,
        outcome.wait,
        busy,
        outcome.logged,
        windows.paid,
        scheduled,
        grid.start,
        grid.length,
        threshold,
    )
    logged = float((outcome.logged[:, 1] - outcome.logged[:, 0]).sum())
    overtime = max(logged - float((off - on).sum()), 0.0)
    day = kpis.day_sums(
        sums,
        busy=float(callers.handle[answered].sum()),
        logged=logged,
        paid=float(((windows.paid[:, 1] - windows.paid[:, 0]) * windows.paid[:, 2]).sum())
        + overtime,
    )
    return sums, day, overtime


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
