r"""What waiting costs in satisfaction: CSAT against the contact's wait, from the user's surveys.

Survey answers are joined to their contacts' waits, binned (:data:`WAIT_BINS`) with a
Wilson 95 % interval per bin, and fitted with a *hinge*: satisfaction flat up to a knee, then
falling linearly,

.. math::

    p(w) = b - s \, \frac{\max(0, w - k)}{30}

with :math:`b` the CSAT of contacts answered before the knee :math:`k` [s] and :math:`s`
the CSAT lost per further 30 s of wait. The form is the industry's rule of thumb
(KPI_BENCHMARKS.md: satisfaction falls noticeably past 60 s, each further 30 s costs 2-3
points), so the fitted :math:`k` and :math:`s` read directly against it. The fit is least
squares on the 0/1 answers (a linear probability model) for every knee on a 10-s grid,
keeping the knee of least squared error (a breakpoint found by grid search, as in segmented
regression, Muggeo 2003).

The curve is written to a small TOML file (:meth:`CsatWaitCurve.toml`, read back by
:func:`staffing.satisfaction.read_wait_satisfaction`) so that plans and what-if runs
predict their CSAT from their waits (``[scorecard] csat_curve`` in a scenario).

References
----------
.. [1] E. B. Wilson, "Probable inference, the law of succession, and statistical
   inference", JASA 22(158), 209-212, 1927. doi:10.1080/01621459.1927.10502953
.. [2] V. M. R. Muggeo, "Estimating regression models with unknown break-points",
   Statistics in Medicine 22(19), 3055-3071, 2003. doi:10.1002/sim.1545
"""

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from staffing.history.feedback import Surveys, contact_rows
from staffing.history.log import ContactLog
from staffing.satisfaction import WaitSatisfaction

FloatArray = NDArray[np.float64]

WAIT_BINS = (0.0, 10.0, 20.0, 30.0, 60.0, 90.0, 120.0, 180.0, 300.0, math.inf)
"""Edges of the wait bins [s]: a bin holds waits from its edge (included) to the next."""

KNEES = tuple(float(k) for k in range(0, 301, 10))
"""Knees tried by the fit [s]."""

Z95 = 1.959963984540054
"""Standard normal quantile of a two-sided 95 % interval."""


def wilson(successes: ArrayLike, n: ArrayLike, z: float = Z95) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval of a binomial share (Wilson 1927); NaN where ``n`` is 0.

    Examples
    --------
    >>> low, high = wilson(8, 10)
    >>> round(float(low), 4), round(float(high), 4)
    (0.4902, 0.9433)
    """
    k, m = np.asarray(successes, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / m
        centre = (p + z * z / (2 * m)) / (1 + z * z / m)
        half = z / (1 + z * z / m) * np.sqrt(p * (1 - p) / m + z * z / (4 * m * m))
    return np.where(m > 0, centre - half, np.nan), np.where(m > 0, centre + half, np.nan)


@dataclass(frozen=True)
class CsatWaitCurve(WaitSatisfaction):
    """CSAT against wait: the fitted hinge, and the binned shares it was fitted on.

    The hinge's fields and methods are those of :class:`staffing.satisfaction.WaitSatisfaction`.

    Attributes
    ----------
    bins : pandas.DataFrame
        Per wait bin: ``wait_from``, ``wait_to`` [s], ``surveys`` (CSAT answers),
        ``csat`` with ``csat_low``, ``csat_high`` (Wilson 95 %), ``mean_wait`` [s], and
        ``nps`` [points] with ``nps_answers`` when the surveys ask it.
    """

    bins: pd.DataFrame = field(default_factory=pd.DataFrame)


def _hinge_fit(wait: FloatArray, satisfied: FloatArray) -> tuple[float, float, float]:
    """Least-squares hinge over :data:`KNEES`: (base, knee, slope per 30 s)."""
    best = (float(satisfied.mean()), KNEES[0], 0.0, math.inf)
    for knee in KNEES:
        x = np.maximum(wait - knee, 0.0) / 30.0
        spread = x.var()
        if spread == 0:
            continue
        slope = -float(((x - x.mean()) * (satisfied - satisfied.mean())).mean() / spread)
        base = float(satisfied.mean() + slope * x.mean())
        error = float(((satisfied - base + slope * x) ** 2).sum())
        if error < best[3]:
            best = (base, knee, slope, error)
    return best[0], best[1], best[2]


def csat_by_wait(log: ContactLog, surveys: Surveys) -> CsatWaitCurve | None:
    """Bin CSAT (and NPS) by the surveyed contacts' waits, and fit the hinge.

    Parameters
    ----------
    log
        The contacts, with a ``contact`` column.
    surveys
        Survey answers; those naming contacts not in the log are left out.

    Returns
    -------
    CsatWaitCurve or None
        None when no CSAT answer matches a contact.
    """
    row = contact_rows(log, surveys.contact, "surveys")
    answered = (row >= 0) & ~np.isnan(surveys.csat)
    if not answered.any():
        return None
    wait = log.wait[row[answered]]
    satisfied = (surveys.csat[answered] >= 4).astype(float)
    edges = np.asarray(WAIT_BINS)
    which = np.searchsorted(edges, wait, side="right") - 1
    bins = len(edges) - 1
    n = np.bincount(which, minlength=bins)
    k = np.bincount(which, weights=satisfied, minlength=bins)
    total_wait = np.bincount(which, weights=wait, minlength=bins)
    low, high = wilson(k, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        frame = pd.DataFrame(
            {
                "wait_from": edges[:-1],
                "wait_to": edges[1:],
                "surveys": n,
                "csat": np.where(n > 0, k / np.maximum(n, 1), np.nan),
                "csat_low": low,
                "csat_high": high,
                "mean_wait": np.where(n > 0, total_wait / np.maximum(n, 1), np.nan),
            }
        )
        asked = (row >= 0) & ~np.isnan(surveys.nps)
        if asked.any():
            at = np.searchsorted(edges, log.wait[row[asked]], side="right") - 1
            nps = surveys.nps[asked]
            m = np.bincount(at, minlength=bins)
            net = np.bincount(at, weights=(nps >= 9).astype(float) - (nps <= 6), minlength=bins)
            frame["nps"] = np.where(m > 0, 100 * net / np.maximum(m, 1), np.nan)
            frame["nps_answers"] = m
    frame = frame[frame.wait_from < max(float(wait.max()), edges[1])].reset_index(drop=True)
    base, knee, slope = _hinge_fit(wait, satisfied)
    return CsatWaitCurve(
        bins=frame,
        base=min(max(base, 0.0), 1.0),
        knee=knee,
        slope=slope,
        surveys=int(wait.size),
    )
