"""Replay: calibrate on past days, simulate later days, compare with what happened.

:func:`replay` splits a contact log at ``train_until``. On the training days alone it
calibrates the callers (:func:`~staffing.history.calibrate.calibrate`) and fits, by
simulation, what the log cannot show: the after-call work (wrap-up) time a log of talk times
misses. Then it simulates every later day with that day's own inputs (its contacts at the
times they arrived, their mean handle time per interval, and the agents on duty inferred
from the agents' busy spans and the queue) and compares per day the simulated abandonment
and service level (DESIGN.md section 4) with the observed ones. Nothing from the days after
``train_until`` feeds the calibration or the fitted after-call work.

This is the validation of a queueing model against its own call center that Brown et al.
(2005, section 6) and Gans, Koole & Mandelbaum (2003, section 8) call for: a model that
explains the observed waits and abandonment day by day can be trusted to plan.

References
----------
.. [1] L. Brown, N. Gans, A. Mandelbaum, A. Sakov, H. Shen, S. Zeltyn and L. Zhao,
   "Statistical analysis of a telephone call center: a queueing-science perspective",
   Journal of the American Statistical Association 100(469), 36-50, 2005.
   doi:10.1198/016214504000001808
.. [2] N. Gans, G. Koole and A. Mandelbaum, "Telephone call centers: tutorial, review, and
   research prospects", Manufacturing & Service Operations Management 5(2), 79-141, 2003.
   doi:10.1287/msom.5.2.79.16071
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from staffing.callers import CallerBehaviour, Returns
from staffing.errors import InputError
from staffing.forecast import Forecast
from staffing.history.calibrate import Calibration, calibrate
from staffing.history.log import ContactLog
from staffing.history.on_duty import agents_on_duty

FloatArray = NDArray[np.float64]

COLUMNS = (
    "day",
    "offered",
    "abandon_rate_observed",
    "abandon_rate_simulated",
    "abandon_rate_hw",
    "service_level_observed",
    "service_level_simulated",
    "service_level_hw",
)
"""Columns of ``replay.csv`` (DESIGN.md section 9, a contract); ``_hw``: 95 % half-width of
the simulated value over the replications."""

AFTER_CALL_WORK = tuple(float(s) for s in range(0, 241, 10))
"""After-call work times tried on the training days [s]: 0 to 4 min by 10 s."""


@dataclass(frozen=True)
class Day:
    """One observed day, as the simulator takes it.

    Attributes
    ----------
    day : numpy.datetime64
        The date.
    forecast : Forecast
        Offered contacts per interval as observed (from the first to the last interval with
        an arrival), with the observed mean handle time of the answered ones (the day's mean
        where an interval has none answered).
    agents : ndarray of int
        Agents on duty per interval, inferred from busy spans and the queue, rounded.
    arrival : ndarray
        The observed arrival times [s from midnight of the day], replayed as they came.
    offered, abandon_rate, service_level : float
        Observed contacts, abandoned / offered, answered within the threshold / offered.
    """

    day: np.datetime64
    forecast: Forecast
    agents: NDArray[np.int64]
    arrival: FloatArray
    offered: int
    abandon_rate: float
    service_level: float


def subset(log: ContactLog, keep: NDArray[np.bool_]) -> ContactLog:
    """Return the contacts of ``log`` where ``keep`` is True, every column kept."""
    return ContactLog(
        arrival=log.arrival[keep],
        wait=log.wait[keep],
        answered=log.answered[keep],
        handle=log.handle[keep],
        columns={name: values[keep] for name, values in log.columns.items()},
        source=log.source,
    )


def observed_days(
    log: ContactLog, interval: float = 900.0, threshold: float = 20.0, max_idle: float = 900.0
) -> list[Day]:
    """Split a log into days of observed inputs (arrivals, AHT, agents) and outcomes.

    Parameters
    ----------
    log : ContactLog
        With an ``agent`` column (the staffing is inferred from it).
    interval : float
        Interval length [s]: 900, 1800 or 3600.
    threshold : float
        Service-level answer time [s].
    max_idle : float
        Of :func:`~staffing.history.on_duty.agents_on_duty` [s].

    Returns
    -------
    list of Day
    """
    if "agent" not in log.columns:
        raise InputError(
            f"{log.source or 'contact log'}: no agent column; a replay infers the staffing "
            "of each day from the agents' busy spans"
        )
    on_duty = agents_on_duty(log, interval, max_idle)  # None: nobody answered
    origin = log.arrival[0].astype("datetime64[D]").astype("datetime64[s]")
    step = np.timedelta64(int(interval), "s")
    slot_of = ((log.arrival - origin) // step).astype(int)
    known = np.zeros(0) if on_duty is None else on_duty.agents
    slots_total = max(known.size, int(slot_of.max()) + 1)
    starts = origin + np.arange(slots_total) * step
    on = np.zeros(slots_total)
    on[: known.size] = known  # no busy span after the last: nobody on duty
    date = log.arrival.astype("datetime64[D]")
    days = []
    for day in np.unique(date):
        mine = date == day
        slots = slot_of[mine]
        first, last = int(slots.min()), int(slots.max())
        k = slots - first
        n = last - first + 1
        calls = np.bincount(k, minlength=n).astype(float)
        answered = log.answered[mine]
        handle = np.where(answered, log.handle[mine], 0.0)
        done = np.bincount(k, weights=answered.astype(float), minlength=n)
        total = np.bincount(k, weights=handle, minlength=n)
        day_aht = float(handle.sum() / max(answered.sum(), 1)) or 1.0
        with np.errstate(invalid="ignore", divide="ignore"):
            aht = np.where(done > 0, total / done, day_aht)
        wait = log.wait[mine]
        days.append(
            Day(
                day=day,
                forecast=Forecast(
                    start=starts[first : last + 1],
                    calls=calls,
                    aht=aht,
                    interval=interval,
                    source=f"{log.source or 'contact log'} {day}",
                ),
                agents=np.rint(on[first : last + 1]).astype(np.int64),
                arrival=(log.arrival[mine] - day).astype("timedelta64[s]").astype(float),
                offered=int(mine.sum()),
                abandon_rate=float((~answered).mean()),
                service_level=float((answered & (wait <= threshold)).mean()),
            )
        )
    return days


def _no_returns(callers: CallerBehaviour) -> CallerBehaviour:
    """Drop returns: the observed arrivals already hold the redials and repeats."""
    return replace(callers, returns=Returns())


def simulate_day(
    day: Day,
    callers: CallerBehaviour,
    after_call_work: float,
    *,
    threshold: float = 20.0,
    replications: int = 30,
    seed: int = 0,
) -> dict[str, float]:
    """Simulate one observed day: its arrival times, AHT + after-call work, agents.

    Every replication meets callers arriving at the day's observed times, with handle
    times (mean: the interval's observed AHT + ``after_call_work``) and patience drawn.

    Returns
    -------
    dict
        ``abandon_rate``, ``service_level`` (means over the replications) and their 95 %
        half-widths ``abandon_rate_hw``, ``service_level_hw``.
    """
    from staffing.simulation import simulate

    aht = day.forecast.aht + after_call_work
    forecast = replace(day.forecast, aht=np.where(day.forecast.calls > 0, aht, 0.0))
    result = simulate(
        forecast,
        agents=day.agents,
        callers=_no_returns(callers),
        threshold=threshold,
        replications=replications,
        seed=seed,
        arrivals=day.arrival,
    )
    out = {}
    for name in ("abandon_rate", "service_level"):
        mean, half = result.kpi(name)
        out[name], out[f"{name}_hw"] = mean, half
    return out


@dataclass(frozen=True)
class ReplayResult:
    """A replay: per-day observed against simulated KPIs, and what was fitted.

    Attributes
    ----------
    days : pandas.DataFrame
        One row per day after ``train_until``, the columns :data:`COLUMNS`.
    train : pandas.DataFrame
        The same for the training days, simulated with the fitted model (in-sample).
    calibration : Calibration
        Of the training days only.
    after_call_work : float
        After-call work added to every handle time [s], fitted by simulation on the
        training days (the log cannot show it when its handle times are talk only).
    search : pandas.DataFrame
        The fit: ``after_call_work`` tried and the training days' root mean square error of
        abandonment and of service level (fractions).
    train_until : numpy.datetime64
        Last training day.
    threshold : float
        Service-level answer time [s].
    """

    days: pd.DataFrame
    train: pd.DataFrame
    calibration: Calibration
    after_call_work: float
    search: pd.DataFrame
    train_until: np.datetime64
    threshold: float

    def within(self, column: str, points: float) -> float:
        """Share of replayed days whose simulated ``column`` is within ``points`` of observed."""
        gap = (self.days[f"{column}_simulated"] - self.days[f"{column}_observed"]).abs()
        return float((gap <= points / 100.0 + 1e-12).mean())


def _table(days: list[Day], simulated: list[dict[str, float]]) -> pd.DataFrame:
    rows = [
        {
            "day": str(d.day),
            "offered": d.offered,
            "abandon_rate_observed": d.abandon_rate,
            "abandon_rate_simulated": s["abandon_rate"],
            "abandon_rate_hw": s["abandon_rate_hw"],
            "service_level_observed": d.service_level,
            "service_level_simulated": s["service_level"],
            "service_level_hw": s["service_level_hw"],
        }
        for d, s in zip(days, simulated, strict=True)
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def replay(
    log: ContactLog,
    train_until: np.datetime64 | str,
    *,
    interval: float = 900.0,
    threshold: float = 20.0,
    replications: int = 30,
    fit_replications: int = 10,
    seed: int = 0,
    after_call_work: tuple[float, ...] = AFTER_CALL_WORK,
    progress: Callable[[str, int, int], None] | None = None,
) -> ReplayResult:
    r"""Calibrate on the days up to ``train_until``, replay every later day, compare.

    Parameters
    ----------
    log : ContactLog
        With ``agent`` (staffing is inferred from busy spans); ``customer`` for returns.
    train_until : datetime64 or str
        Last training day (a date, ``2026-03-14``): its contacts and all earlier ones train.
    interval : float
        Interval length [s] of the simulated days.
    threshold : float
        Service-level answer time [s].
    replications : int
        Simulated replications per replayed day (the half-widths come from them).
    fit_replications : int
        Replications per training day and candidate after-call work.
    seed : int
        Root seed: every candidate meets the same callers (common random numbers).
    after_call_work : tuple of float
        After-call work times tried [s].
    progress : callable, optional
        Called as ``progress(step, done, total)``.

    Returns
    -------
    ReplayResult

    Notes
    -----
    The after-call work :math:`c` minimizes the training days' error
    :math:`\sum_d (\hat a_d(c) - a_d)^2 + (\hat s_d(c) - s_d)^2` of simulated against
    observed abandonment :math:`a` and service level :math:`s`, over the grid given.
    Simulated days replay the observed arrival times, not Poisson draws around the
    observed counts: a re-drawn day has about twice the volume variance of the observed
    one and, congestion being convex in the load, more abandonment (on the bundled history,
    re-drawn arrivals overstated abandonment by 3.6 points on average, replayed ones by
    1.3, with the same agents). No returns are simulated (the observed arrivals already
    hold redials and repeats).
    """
    try:
        until = np.datetime64(train_until, "D")
    except ValueError:
        raise InputError(f"train_until = {train_until!r}; give a date like 2026-03-14") from None
    where = log.source or "contact log"
    training = log.arrival.astype("datetime64[D]") <= until
    if not training.any() or training.all():
        raise InputError(
            f"{where}: --train-until {until} leaves no "
            + ("training" if not training.any() else "later")
            + f" day (the log runs from {log.arrival[0].astype('datetime64[D]')} to "
            f"{log.arrival[-1].astype('datetime64[D]')})"
        )
    train_log = subset(log, training)
    calibration = calibrate(train_log, interval=interval)
    callers = calibration.callers()
    train_days = observed_days(train_log, interval, threshold)
    test_days = observed_days(subset(log, ~training), interval, threshold)

    def run(days: list[Day], acw: float, reps: int) -> list[dict[str, float]]:
        return [
            simulate_day(d, callers, acw, threshold=threshold, replications=reps, seed=seed)
            for d in days
        ]

    observed_a = np.array([d.abandon_rate for d in train_days])
    observed_s = np.array([d.service_level for d in train_days])
    rows = []
    for i, acw in enumerate(after_call_work):
        sims = run(train_days, acw, fit_replications)
        err_a = np.array([s["abandon_rate"] for s in sims]) - observed_a
        err_s = np.array([s["service_level"] for s in sims]) - observed_s
        rows.append(
            {
                "after_call_work": acw,
                "rmse_abandon_rate": float(np.sqrt(np.mean(err_a**2))),
                "rmse_service_level": float(np.sqrt(np.mean(err_s**2))),
            }
        )
        if progress is not None:
            progress("fitting after-call work on the training days", i + 1, len(after_call_work))
    search = pd.DataFrame(rows)
    loss = search["rmse_abandon_rate"] ** 2 + search["rmse_service_level"] ** 2
    best = float(search.loc[loss.idxmin(), "after_call_work"])
    simulated = []
    for i, day in enumerate(test_days):
        simulated.extend(run([day], best, replications))
        if progress is not None:
            progress("replaying the later days", i + 1, len(test_days))
    return ReplayResult(
        days=_table(test_days, simulated),
        train=_table(train_days, run(train_days, best, replications)),
        calibration=calibration,
        after_call_work=best,
        search=search,
        train_until=until,
        threshold=threshold,
    )
