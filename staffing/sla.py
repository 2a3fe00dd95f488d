"""A monthly SLA and its money terms, and the months of SLA results simulated days make.

:class:`SlaTerms` turns a month's service level and abandonment into the points missed,
the credit owed and the bonus earned (shares of the monthly bill). :func:`monthly_risk`
composes months from simulated days of each weekday and prices each month, with a
bootstrap range of the chance of missing; :mod:`staffing.pricing` uses both for bids.
"""

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class SlaTerms:
    """A monthly SLA and its money terms.

    Attributes
    ----------
    service_level : float
        Share of the month's offered contacts to answer within ``threshold``.
    threshold : float
        Answer time of the service level [s].
    abandon_rate : float or None
        Most abandoned / offered contacts over the month; None: no abandonment term.
    credit_per_point, credit_cap : float
        Credit owed to the client per percentage point missed (service level below target
        plus abandonment above the limit), and its cap, as shares of the monthly bill.
    bonus_per_point, bonus_cap : float
        Bonus earned per point of service level above target in a month meeting every
        term, and its cap, as shares of the monthly bill.
    """

    service_level: float
    threshold: float
    abandon_rate: float | None = None
    credit_per_point: float = 0.0
    credit_cap: float = 0.0
    bonus_per_point: float = 0.0
    bonus_cap: float = 0.0

    def missed_points(self, service_level: FloatArray, abandon_rate: FloatArray) -> FloatArray:
        """Percentage points missed per month: SL below target plus abandonment above limit."""
        points = 100.0 * np.maximum(0.0, self.service_level - np.asarray(service_level))
        if self.abandon_rate is not None:
            points = points + 100.0 * np.maximum(0.0, np.asarray(abandon_rate) - self.abandon_rate)
        return points

    def credit(self, service_level: FloatArray, abandon_rate: FloatArray) -> FloatArray:
        """Credit per month, as a share of the monthly bill.

        ``min(cap, per_point x points missed)``, points counted continuously (a month at
        79.5 % against 80 % misses half a point).
        """
        points = self.missed_points(service_level, abandon_rate)
        return np.minimum(self.credit_cap, self.credit_per_point * points)

    def bonus(self, service_level: FloatArray, abandon_rate: FloatArray) -> FloatArray:
        """Bonus per month, as a share of the bill: only in months missing nothing."""
        met = self.missed_points(service_level, abandon_rate) == 0.0
        above = 100.0 * np.maximum(0.0, np.asarray(service_level) - self.service_level)
        return np.where(met, np.minimum(self.bonus_cap, self.bonus_per_point * above), 0.0)


@dataclass(frozen=True)
class MonthlyRisk:
    """Simulated months of one staffing option.

    Attributes
    ----------
    service_level, abandon_rate : ndarray
        Each month's SLA results (over the month's offered contacts).
    missed : ndarray
        Each month's percentage points missed (:meth:`SlaTerms.missed_points`).
    credit, bonus : ndarray
        Each month's credit and bonus, shares of the monthly bill.
    p_miss_range, credit_range : tuple of float
        5th and 95th percentiles of :attr:`p_miss` and of the mean credit over bootstrap
        replicates of the simulated days: how much the figures owe to the finite sample of
        days (NaN when not computed).
    """

    service_level: FloatArray
    abandon_rate: FloatArray
    missed: FloatArray
    credit: FloatArray
    bonus: FloatArray
    p_miss_range: tuple[float, float] = (math.nan, math.nan)
    credit_range: tuple[float, float] = (math.nan, math.nan)

    @property
    def adjustment(self) -> FloatArray:
        """Credit minus bonus per month, share of the bill (positive: the client is owed)."""
        return self.credit - self.bonus

    @property
    def p_miss(self) -> float:
        """Share of months missing the SLA (any term missed, credited or not)."""
        return float(np.mean(self.missed > 0.0))

    @property
    def expected_adjustment(self) -> float:
        """Mean credit minus bonus, share of the bill."""
        return float(np.mean(self.adjustment))


def _compose(
    days: dict[int, dict[str, FloatArray]], month_days: int, months: int, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    """Monthly service level and abandonment of ``months`` months composed of the days."""
    start = rng.integers(0, 7, size=months)
    weekday = (start[:, None] + np.arange(month_days)[None, :]) % 7
    totals = {name: np.zeros(months) for name in ("offered", "within", "abandoned")}
    for d, sims in days.items():
        here = weekday == d
        pick = rng.integers(0, sims["offered"].size, size=here.shape)
        for name, total in totals.items():
            total += np.sum(np.where(here, sims[name][pick], 0.0), axis=1)
    offered = np.maximum(totals["offered"], 1e-300)
    return totals["within"] / offered, totals["abandoned"] / offered


def monthly_risk(
    days: dict[int, dict[str, FloatArray]],
    sla: SlaTerms,
    *,
    month_days: int,
    months: int,
    rng: np.random.Generator,
    bootstrap: int = 0,
) -> MonthlyRisk:
    """Compose months from simulated days and price their SLA results.

    Parameters
    ----------
    days : dict
        Per weekday (0 = Monday) open: simulated days as arrays ``offered``, ``within``
        (answered within the threshold) and ``abandoned`` (one value per simulated day).
        Weekdays sharing a plan may share one pool. Closed weekdays are absent.
    sla : SlaTerms
        The terms.
    month_days : int
        Consecutive days in a month, starting on a random weekday.
    months : int
        Months to compose.
    rng : numpy.random.Generator
        Draws the start weekdays and which simulated day fills each day of each month.
    bootstrap : int, default 0
        Replicates for :attr:`MonthlyRisk.p_miss_range`: each pool of days is resampled
        with replacement and months are composed again (Efron's bootstrap), so the range
        shows how much P(miss) owes to the finite sample of simulated days. Drawn after the
        months, so the months do not depend on it.

    Returns
    -------
    MonthlyRisk

    References
    ----------
    .. [1] B. Efron and R. J. Tibshirani, An Introduction to the Bootstrap, Chapman & Hall,
       1993, chapter 13 (percentile intervals).
    """
    sl, ab = _compose(days, month_days, months, rng)
    p_miss, credit = [], []
    pools = {id(sims): sims for sims in days.values()}
    for _ in range(bootstrap):
        redrawn = {}
        for key, sims in pools.items():
            pick = rng.integers(0, sims["offered"].size, size=sims["offered"].size)
            redrawn[key] = {name: values[pick] for name, values in sims.items()}
        sl_b, ab_b = _compose({d: redrawn[id(s)] for d, s in days.items()}, month_days, months, rng)
        p_miss.append(np.mean(sla.missed_points(sl_b, ab_b) > 0.0))
        credit.append(np.mean(sla.credit(sl_b, ab_b)))
    ranges = [
        (float(np.quantile(v, 0.05)), float(np.quantile(v, 0.95))) if v else (math.nan, math.nan)
        for v in (p_miss, credit)
    ]
    return MonthlyRisk(
        sl,
        ab,
        sla.missed_points(sl, ab),
        sla.credit(sl, ab),
        sla.bonus(sl, ab),
        ranges[0],
        ranges[1],
    )
