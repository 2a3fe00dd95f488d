"""From a forecast to agents: the staffing each interval needs to meet the service targets.

Per interval (independently, the "stationary independent period by period" or SIPP method):
the fewest agents on the phones meeting every target (Erlang C, or the exact Erlang A when a
mean patience is given), the scheduled positions that covers after shrinkage, the KPIs that
staffing achieves, and totals for the period (agent hours, FTE). SIPP is the industry's
standard first cut; it ignores queues carried over between intervals (Green, Kolesar &
Soares 2001), which the simulator accounts for.

References
----------
.. [1] L. V. Green, P. J. Kolesar and J. Soares, "Improving the SIPP approach for staffing
   service systems that have cyclic demands", Operations Research 49(4), 549-564, 2001.
   doi:10.1287/opre.49.4.549.11228
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from staffing import erlang
from staffing.costs import fte, fte_hours_per_calendar_day
from staffing.errors import InputError
from staffing.forecast import Forecast

OVER = ("interval", "day", "horizon")
"""Where service targets may hold: each interval, each day, or the whole horizon."""

# Tolerance for rounding positions up: 10 agents at 0 % shrinkage stay 10, not 11.
_ROUNDING_SLACK = 1e-9


MET = "met"
WITHIN_TOLERANCE = "within tolerance"
MISSED = "missed"
NO_DATA = "no data"


def kpi_status(value: float, target: float, *, higher_is_better: bool, tolerance: float) -> str:
    """Classify a KPI against its target: met, within tolerance, or missed.

    Parameters
    ----------
    value
        The KPI achieved, in the target's unit; NaN when undefined (no calls), giving
        ``"no data"``. An infinite value (e.g. an unstable queue's ASA) is allowed.
    target
        The target, finite.
    higher_is_better
        True for service level (a floor), False for ASA, abandonment or occupancy (a cap).
    tolerance
        Width of the yellow band as a share of the target, ``>= 0``: 0.05 means within 5 % of
        the target, so a service level of 0.77 against 0.80 is within tolerance (0.76 is the
        edge) and an ASA of 21 s against 20 s is too (21 s is the edge).

    Returns
    -------
    str
        ``"met"`` (target reached, the edge included), ``"within tolerance"``, ``"missed"``
        or ``"no data"``; the colours and marks of :mod:`staffing.report`.

    Raises
    ------
    InputError
        If ``target`` is not finite, or ``tolerance`` is not a finite number >= 0.

    Notes
    -----
    The band is relative to the target rather than a fixed number of points so that one
    tolerance serves KPIs in different units (shares, seconds). Planners' dashboards show
    these three states as green, yellow and red; industry guides report that a new
    program's targets are commonly set 5-10 % below the long-term goal, which makes 0.05 to
    0.10 a natural tolerance.

    Examples
    --------
    >>> kpi_status(0.80, 0.80, higher_is_better=True, tolerance=0.05)
    'met'
    >>> kpi_status(0.77, 0.80, higher_is_better=True, tolerance=0.05)
    'within tolerance'
    >>> kpi_status(25.0, 20.0, higher_is_better=False, tolerance=0.05)
    'missed'
    """
    if not np.isfinite(target):
        raise InputError(f"kpi_status: target = {target!r}; target must be a finite number")
    if not (np.isfinite(tolerance) and tolerance >= 0.0):
        raise InputError(
            f"kpi_status: tolerance = {tolerance!r}; tolerance must be a share of the target "
            ">= 0, e.g. 0.05 for 5 %"
        )
    if np.isnan(value):
        return NO_DATA
    band = abs(target) * tolerance
    if higher_is_better:
        return MET if value >= target else WITHIN_TOLERANCE if value >= target - band else MISSED
    return MET if value <= target else WITHIN_TOLERANCE if value <= target + band else MISSED


@dataclass(frozen=True)
class Target:
    """One target on one KPI, and which way is better.

    Attributes
    ----------
    kpi : str
        The KPI's name (DESIGN.md section 4): ``service_level``, ``asa``, ``abandon_rate``
        or ``occupancy``.
    label : str
        Its name in reports.
    value : float
        The target, in the KPI's unit (a share, or seconds for ASA).
    higher_is_better : bool
        True for a floor (service level), False for a cap (ASA, abandonment, occupancy).
    """

    kpi: str
    label: str
    value: float
    higher_is_better: bool

    def missed(self, achieved: ArrayLike) -> NDArray[np.bool_]:
        """Where ``achieved`` misses the target (NaN, no contacts, misses nothing)."""
        a = np.asarray(achieved, dtype=float)
        return a < self.value if self.higher_is_better else a > self.value

    def status(self, achieved: float, tolerance: float) -> str:
        """``met``, ``within tolerance``, ``missed`` or ``no data`` (:func:`kpi_status`)."""
        return kpi_status(
            achieved, self.value, higher_is_better=self.higher_is_better, tolerance=tolerance
        )


@dataclass(frozen=True)
class ServiceTargets:
    """The service targets an interval must meet (a target left None is not applied).

    Attributes
    ----------
    service_level : float or None
        Share of offered calls answered within ``threshold``, in (0, 1); 0.8 for 80/20.
    threshold : float
        Service-level answer time [s], ``>= 0``; 20 for 80/20.
    asa : float or None
        Maximum average speed of answer [s] (mean wait of answered calls).
    abandon_rate : float or None
        Maximum share of offered calls abandoned, in (0, 1) (needs a patience to bind).
    max_occupancy : float or None
        Maximum occupancy, in (0, 1], e.g. 0.85 to protect agents from burnout.
    over : str
        Where the service targets hold (DESIGN.md section 4): ``interval`` (each one),
        ``day`` (over all contacts of each day) or ``horizon`` (over all of them), as
        contracts measure them. The occupancy cap holds per interval whatever this says.
    within_deadline : float or None
        Deferred work (an email queue): the least share of items due in a period handled
        by their due time, in (0, 1]. It may be the only target given; the others are
        for callers on the line.
    """

    service_level: float | None = 0.8
    threshold: float = 20.0
    asa: float | None = None
    abandon_rate: float | None = None
    max_occupancy: float | None = None
    over: str = "interval"
    within_deadline: float | None = None

    def __post_init__(self) -> None:
        """Check every target now, so nothing fails halfway through a plan."""
        if self.over not in OVER:
            raise InputError(f"over = {self.over!r}; choose one of {', '.join(OVER)}")
        w = self.within_deadline
        if w is not None:
            if isinstance(w, bool) or not isinstance(w, int | float) or not 0.0 < w <= 1.0:
                raise InputError(f"within_deadline = {w!r}; a share in (0, 1], e.g. 90%")
            if self.service_level is self.asa is self.abandon_rate is self.max_occupancy is None:
                return
        erlang.validate_targets(
            service_level=self.service_level,
            asa=self.asa,
            abandon_rate=self.abandon_rate,
            max_occupancy=self.max_occupancy,
        )
        if not (np.isfinite(self.threshold) and self.threshold >= 0.0):
            raise InputError(
                f"threshold = {self.threshold:g}; threshold must be a number >= 0 seconds"
            )

    def given(self) -> tuple["Target", ...]:
        """Return the targets set, each with its KPI and direction (service level first)."""
        specs = (
            ("service_level", "service level", self.service_level, True),
            ("asa", "ASA", self.asa, False),
            ("abandon_rate", "abandon rate", self.abandon_rate, False),
            ("occupancy", "occupancy", self.max_occupancy, False),
            ("within_deadline", "within deadline", self.within_deadline, True),
        )
        return tuple(Target(k, label, v, up) for k, label, v, up in specs if v is not None)

    def as_kwargs(self) -> dict[str, float | None]:
        """Keyword arguments for :func:`staffing.erlang.required_agents`."""
        return {
            "service_level": self.service_level,
            "threshold": self.threshold,
            "asa": self.asa,
            "abandon_rate": self.abandon_rate,
            "max_occupancy": self.max_occupancy,
        }


@dataclass(frozen=True)
class Totals:
    """Totals and offered-call-weighted KPIs over all intervals of a requirement.

    Attributes
    ----------
    calls : float
        Calls offered.
    agent_hours : float
        Hours of agents on the phones [h].
    scheduled_hours : float
        Paid hours of scheduled positions, shrinkage included [h].
    fte : float
        ``scheduled_hours`` over the paid hours of one full-time employee over the days
        covered (:func:`staffing.costs.fte`).
    service_level, abandon_rate : float
        Over all offered calls.
    asa : float
        Mean wait of all answered calls [s].
    occupancy : float
        Handling time / agents' time on the phones.
    peak_agents : int
        Largest per-interval requirement.
    """

    calls: float
    agent_hours: float
    scheduled_hours: float
    fte: float
    service_level: float
    asa: float
    abandon_rate: float
    occupancy: float
    peak_agents: int


@dataclass(frozen=True)
class Requirements:
    """Agents required per interval, the positions to schedule, and the KPIs achieved.

    Attributes
    ----------
    forecast : Forecast
        The forecast the requirement is for.
    targets : ServiceTargets
        The targets every interval meets.
    patience : float or None
        Mean caller patience [s]; None means Erlang C.
    shrinkage : ndarray
        Shrinkage per interval, in [0, 1).
    agents : ndarray of int
        Agents required on the phones per interval.
    scheduled : ndarray of int
        Positions to schedule: ``ceil(agents / (1 - shrinkage))``.
    kpis : staffing.erlang.ErlangKPIs
        KPIs per interval at ``agents``.
    totals : Totals
        Totals for the whole forecast.
    """

    forecast: Forecast
    targets: ServiceTargets
    patience: float | None
    shrinkage: NDArray[np.float64]
    agents: NDArray[np.int64]
    scheduled: NDArray[np.int64]
    kpis: erlang.ErlangKPIs
    totals: Totals = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """One row per interval: forecast, load, agents, scheduled and the KPIs achieved."""
        frame = self.forecast.to_frame()
        frame["agents"] = self.agents
        frame["shrinkage"] = self.shrinkage
        frame["scheduled"] = self.scheduled
        for kpi in fields(erlang.ErlangKPIs):
            frame[kpi.name] = getattr(self.kpis, kpi.name)
        return frame


def _shrinkage(value: ArrayLike, n: int) -> NDArray[np.float64]:
    """Shrinkage as one value per interval, each in [0, 1)."""
    arr = np.asarray(value, dtype=float)
    if arr.ndim > 1 or (arr.ndim == 1 and arr.size != n):
        raise InputError(
            f"shrinkage has {arr.size} values for {n} intervals; give one value or one per interval"
        )
    bad = ~((arr >= 0.0) & (arr < 1.0))
    if bad.any():
        shown = arr[bad][0] if arr.ndim else float(arr)
        where = f"[{int(np.argmax(bad))}]" if arr.ndim else ""
        raise InputError(
            f"shrinkage{where} = {shown:g}; shrinkage must be >= 0 and < 1 (e.g. 0.3 for 30%)"
        )
    return np.broadcast_to(arr, (n,)).copy()


def scheduled_positions(agents: ArrayLike, shrinkage: ArrayLike) -> NDArray[np.int64]:
    """Positions to schedule so that ``agents`` are on the phones: ``ceil(agents / (1 - s))``.

    Rounded up with a 1e-9 slack, so float noise does not add a position (14 agents at
    30 % shrinkage are 20 positions, not 21).
    """
    return np.ceil(positions(agents, shrinkage) - _ROUNDING_SLACK).astype(np.int64)


def positions(agents: ArrayLike, shrinkage: ArrayLike) -> NDArray[np.float64]:
    """Paid positions that keep ``agents`` on the phones: ``agents / (1 - shrinkage)``.

    The same ratio turns hours on the phones into paid hours.
    """
    return np.asarray(agents) / (1.0 - np.asarray(shrinkage))


def compute_requirements(
    forecast: Forecast,
    targets: ServiceTargets | None = None,
    *,
    patience: float | None = None,
    shrinkage: ArrayLike = 0.0,
    fte_hours: float = 8.0,
    days_per_week: float = 5.0,
) -> Requirements:
    """Agents per interval meeting ``targets``, and what that staffing achieves.

    Parameters
    ----------
    forecast : Forecast
        Calls and AHT per interval.
    targets : ServiceTargets, optional
        Defaults to 80 % answered within 20 s.
    patience : float or None
        Mean caller patience [s]: Erlang A when given, Erlang C when None.
    shrinkage : float or array_like
        Share of paid time not on the phones, one value or one per interval, in [0, 1).
    fte_hours : float, default 8.0
        Paid hours of one full-time employee per working day [h], for the FTE total.
    days_per_week : float, default 5
        Working days of one full-time employee per week: FTE counts over the same calendar
        span as the forecast (DESIGN.md section 3).

    Returns
    -------
    Requirements

    Examples
    --------
    >>> import numpy as np
    >>> from staffing.forecast import Forecast
    >>> starts = np.array(["2026-03-03T09:00", "2026-03-03T09:30"], dtype="datetime64[s]")
    >>> fc = Forecast(start=starts, calls=np.array([100.0, 0.0]), aht=np.array([180.0, 0.0]),
    ...               interval=1800.0)
    >>> req = compute_requirements(fc, ServiceTargets(0.8, 20.0), shrinkage=0.3)
    >>> req.agents.tolist(), req.scheduled.tolist()
    ([14, 0], [20, 0])
    """
    targets = ServiceTargets() if targets is None else targets
    if not (np.isfinite(fte_hours) and 0.0 < fte_hours <= 24.0):
        raise InputError(f"fte_hours = {fte_hours:g}; fte_hours must be > 0 and <= 24")
    if not (np.isfinite(days_per_week) and 0.0 < days_per_week <= 7.0):
        raise InputError(f"days_per_week = {days_per_week:g}; must be > 0 and <= 7")
    shrink = _shrinkage(shrinkage, forecast.n_intervals)
    if targets.over == "interval":
        agents = np.asarray(
            erlang.required_agents(
                forecast.calls,
                forecast.aht,
                interval=forecast.interval,
                patience=patience,
                **targets.as_kwargs(),
            )
        )
    else:
        agents = allocate(forecast, targets, patience)
    scheduled = scheduled_positions(agents, shrink)
    k = erlang.kpis(
        forecast.calls,
        forecast.aht,
        agents,
        interval=forecast.interval,
        threshold=targets.threshold,
        patience=patience,
    )
    return Requirements(
        forecast=forecast,
        targets=targets,
        patience=patience,
        shrinkage=shrink,
        agents=agents,
        scheduled=scheduled,
        kpis=k,
        totals=_totals(
            forecast, agents, scheduled, k, fte_hours_per_calendar_day(fte_hours, days_per_week)
        ),
    )


def allocate(
    forecast: Forecast,
    targets: ServiceTargets,
    patience: float | None = None,
    aims: Sequence[ServiceTargets] | None = None,
) -> NDArray[np.int64]:
    """Agents per interval meeting the targets over each day or the horizon, least in all.

    Every interval starts at its offered load under the occupancy cap (at least one agent
    where calls arrive), then agents are added one at a time where one more agent does the most
    for a target not yet met over its period: the most answered-within-T contacts for the
    service level, the fewest abandoned contacts for the abandonment cap, the least waiting
    of answered contacts for ASA. Service is bought where it is cheapest, the way a contract
    measured over the day lets it be (marginal analysis; Fox 1966), rather than to the same
    level in every interval. The Erlang KPIs of each interval are exact (:mod:`erlang`);
    the schedule built on the allocation is verified by simulation afterwards.

    Parameters
    ----------
    forecast : Forecast
        Calls and AHT per interval.
    targets : ServiceTargets
        With ``over`` ``"day"`` (each date apart) or ``"horizon"`` (all intervals together).
    patience : float or None
        Mean caller patience [s] (Erlang A), or None (Erlang C).
    aims : sequence of ServiceTargets, optional
        What to allocate for in each period (:func:`periods` order) instead of ``targets``:
        a plan aims above or below a target where simulation fell short of it or beat it.

    Returns
    -------
    ndarray of int
        Agents on the phones per interval.

    References
    ----------
    .. [1] B. Fox, "Discrete optimization via marginal analysis", Management Science
       13(3), 210-216, 1966.
    """
    calls, aht = forecast.calls, forecast.aht
    interval = forecast.interval
    # the offered load under the occupancy cap: below it, service grows slowly with agents
    # (the queue just overflows), above it with diminishing returns, where marginal
    # analysis is exact for concave gains
    floor = np.ceil(calls * aht / interval / (targets.max_occupancy or 1.0) - _ROUNDING_SLACK)
    agents = np.where(calls > 0, np.maximum(np.asarray(floor), 1), 0).astype(np.int64)
    period = periods(forecast, targets.over)
    for p in np.unique(period[calls > 0]):
        members = np.flatnonzero((period == p) & (calls > 0))
        aim = targets if aims is None else aims[p]
        agents[members] = _allocate_period(
            calls[members], aht[members], agents[members], aim, interval, patience
        )
    return agents


def periods(forecast: Forecast, over: str) -> NDArray[np.int64]:
    """Return the period of each interval's targets: itself, its day, or the horizon."""
    if over == "interval":
        return np.arange(forecast.n_intervals)
    if over == "day":
        return np.unique(forecast.start.astype("datetime64[D]"), return_inverse=True)[1]
    return np.zeros(forecast.n_intervals, dtype=np.int64)


def _allocate_period(
    calls: NDArray[np.float64],
    aht: NDArray[np.float64],
    agents: NDArray[np.int64],
    targets: ServiceTargets,
    interval: float,
    patience: float | None,
) -> NDArray[np.int64]:
    """Greedy marginal allocation of one period's intervals (see :func:`allocate`)."""
    agents = agents.copy()

    def measures(which: NDArray[np.int64], n: NDArray[np.int64]) -> NDArray[np.float64]:
        """Contacts answered in time, abandoned, and the answered ones' total wait [s]."""
        k = erlang.kpis(
            calls[which],
            aht[which],
            n,
            interval=interval,
            threshold=targets.threshold,
            patience=patience,
        )
        abandoned = calls[which] * np.asarray(k.abandon_rate)
        answered = calls[which] - abandoned
        wait = np.where(answered > 0, answered * np.asarray(k.asa), 0.0)
        in_time = calls[which] * np.asarray(k.service_level)
        return np.stack([in_time, -abandoned, -wait, answered])

    every = np.arange(calls.size)
    now, more = measures(every, agents), measures(every, agents + 1)
    total = calls.sum()
    for _ in range(100_000):
        in_time, abandoned, wait, answered = now[0].sum(), -now[1].sum(), -now[2].sum(), now[3]
        if targets.service_level is not None and in_time < targets.service_level * total:
            row = 0
        elif targets.abandon_rate is not None and abandoned > targets.abandon_rate * total:
            row = 1
        elif targets.asa is not None and wait > targets.asa * answered.sum():
            row = 2
        else:
            return agents
        gain = more[row] - now[row]
        best = int(np.argmax(np.where(np.isnan(gain), -np.inf, gain)))
        agents[best] += 1
        now[:, best] = more[:, best]
        more[:, best] = measures(np.array([best]), agents[best : best + 1] + 1)[:, 0]
    raise InputError("the targets over the period cannot be met; check them")


def _totals(
    forecast: Forecast,
    agents: NDArray[np.int64],
    scheduled: NDArray[np.int64],
    k: erlang.ErlangKPIs,
    fte_hours_per_day: float,
) -> Totals:
    """Sum hours and weight each interval's KPIs by the calls they concern."""
    hours = forecast.interval / 3600.0
    calls = forecast.calls
    total_calls = float(calls.sum())
    answered = calls * (1.0 - k.abandon_rate)
    busy = calls * forecast.aht * (1.0 - k.abandon_rate)
    on_phones = agents * forecast.interval

    def ratio(num: NDArray[np.float64], den: NDArray[np.float64], empty: float) -> float:
        total = float(den.sum())
        return float(num.sum()) / total if total > 0 else empty

    scheduled_hours = float(scheduled.sum() * hours)
    return Totals(
        calls=total_calls,
        agent_hours=float(agents.sum() * hours),
        scheduled_hours=scheduled_hours,
        fte=fte(scheduled_hours, fte_hours_per_day, len(forecast.days)),
        service_level=ratio(calls * k.service_level, calls, 1.0),
        asa=ratio(answered * np.where(answered > 0, k.asa, 0.0), answered, 0.0),
        abandon_rate=ratio(calls * k.abandon_rate, calls, 0.0),
        occupancy=ratio(busy, on_phones, 0.0),
        peak_agents=int(agents.max(initial=0)),
    )
