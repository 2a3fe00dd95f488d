"""Survival statistics of censored durations: Kaplan-Meier and censored maximum likelihood.

A caller's patience is seen only through censored waits: a hang-up after ``w`` seconds is an
event at ``w``; an answer after ``w`` says only that patience exceeds ``w`` (right-censored).
:func:`kaplan_meier` estimates the survival curve without a model (Kaplan & Meier 1958);
:func:`fit_censored` fits exponential, lognormal and gamma distributions by maximum
likelihood with standard errors from the observed information, carried to the mean and CV
by the delta method (Casella & Berger 2002, section 10.1). Durations are seconds.

References
----------
.. [1] E. L. Kaplan and P. Meier, "Nonparametric estimation from incomplete observations",
   Journal of the American Statistical Association 53(282), 457-481, 1958.
   doi:10.1080/01621459.1958.10501452
.. [2] J. F. Lawless, *Statistical Models and Methods for Lifetime Data*, 2nd ed., Wiley,
   2003: censored likelihood (section 2.2), Greenwood's variance (section 3.2).
.. [3] G. Casella and R. L. Berger, *Statistical Inference*, 2nd ed., Duxbury, 2002.
.. [4] J. Nocedal and S. J. Wright, *Numerical Optimization*, 2nd ed., Springer, 2006.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from staffing.errors import InputError

FloatArray = NDArray[np.float64]

DISTRIBUTIONS = ("exponential", "lognormal", "gamma")
"""Distributions fitted to patience (by censored likelihood) and, but exponential, to
handle times."""

RESOLUTION = 0.1
"""Times are fitted to this resolution [s] (finer than the whole seconds logs keep); the
likelihood's relative change is below ``RESOLUTION / (2 t)``."""

SHORTEST_WAIT = 0.5
"""Waits of hang-ups are read as at least this [s]: logs keep whole seconds, so a recorded
0 s means somewhere in the first second (a patience of exactly 0 has zero density)."""

# --------------------------------------------------------------------------- Kaplan-Meier


@dataclass(frozen=True)
class KaplanMeier:
    r"""Kaplan-Meier estimate of a survival function from right-censored times.

    Attributes
    ----------
    time : ndarray
        Distinct event times [s], increasing.
    survival : ndarray
        :math:`\hat S(t)` just after each event time.
    at_risk, events : ndarray
        Subjects at risk just before, and events at, each event time.
    se : ndarray
        Greenwood standard error of :attr:`survival`.
    """

    time: FloatArray
    survival: FloatArray
    at_risk: FloatArray
    events: FloatArray
    se: FloatArray

    def __call__(self, t: FloatArray | float) -> FloatArray:
        """Survival at times ``t`` [s]: a right-continuous step, 1 before the first event."""
        k = np.searchsorted(self.time, np.asarray(t, dtype=float), side="right")
        return np.concatenate(([1.0], self.survival))[k]


def kaplan_meier(times: FloatArray, observed: NDArray[np.bool_]) -> KaplanMeier:
    r"""Kaplan-Meier product-limit estimate of survival from right-censored times.

    Parameters
    ----------
    times : ndarray
        Event or censoring times [s], ``>= 0``.
    observed : ndarray of bool
        True where the time is an event (a hang-up), False where censored (answered).

    Returns
    -------
    KaplanMeier

    Notes
    -----
    With :math:`d_i` events among :math:`n_i` subjects at risk at the distinct event times
    :math:`t_i` (a censoring tied with an event counts as at risk at it),

    .. math:: \hat S(t) = \prod_{t_i \le t} (1 - d_i / n_i), \qquad
              \widehat{\mathrm{Var}}\,\hat S(t) = \hat S(t)^2
              \sum_{t_i \le t} \frac{d_i}{n_i (n_i - d_i)}

    (Kaplan & Meier 1958, eq. 2.2; Greenwood's formula, Lawless 2003, eq. 3.2.3).
    """
    times = np.asarray(times, dtype=float)
    observed = np.asarray(observed, dtype=bool)
    values, inverse = np.unique(times, return_inverse=True)
    total = np.bincount(inverse, minlength=values.size).astype(float)
    events = np.bincount(inverse, weights=observed.astype(float), minlength=values.size)
    at_risk = times.size - np.concatenate(([0.0], np.cumsum(total)[:-1]))
    keep = events > 0
    t, d, n = values[keep], events[keep], at_risk[keep]
    survival = np.cumprod(1.0 - d / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(n > d, d / (n * (n - d)), np.inf)
    with np.errstate(invalid="ignore"):  # inf * 0 once everybody has had the event
        se = survival * np.sqrt(np.cumsum(terms))
    se[survival == 0.0] = 0.0
    return KaplanMeier(time=t, survival=survival, at_risk=n, events=d, se=se)


# --------------------------------------------------------------------------- parametric fits


@dataclass(frozen=True)
class Fit:
    """A distribution fitted by maximum likelihood, by its mean and CV with standard errors.

    Attributes
    ----------
    distribution : str
        ``exponential``, ``lognormal`` or ``gamma``.
    mean, mean_se : float
        Mean [s] and its standard error [s].
    cv, cv_se : float
        Coefficient of variation and its standard error (0 for the exponential, CV 1).
    loglik : float
        Maximized log-likelihood.
    aic : float
        Akaike information criterion, ``2 k - 2 loglik`` (``k`` parameters).
    events, censored : int
        Observed and right-censored times used.
    """

    distribution: str
    mean: float
    mean_se: float
    cv: float
    cv_se: float
    loglik: float
    aic: float
    events: int
    censored: int

    def survival(self, t: FloatArray) -> FloatArray:
        """Fitted survival function at times ``t`` [s]."""
        log_s, _ = _log_terms(self.distribution, _params(self), np.asarray(t, dtype=float))
        return np.exp(log_s)


def _params(fit: Fit) -> FloatArray:
    """Natural parameters of a fit from its mean and CV (see :func:`_log_terms`)."""
    if fit.distribution == "exponential":
        return np.array([math.log(fit.mean)])
    if fit.distribution == "lognormal":
        s2 = math.log1p(fit.cv**2)
        return np.array([math.log(fit.mean) - s2 / 2, 0.5 * math.log(s2)])
    shape = fit.cv**-2
    return np.array([math.log(shape), math.log(fit.mean / shape)])


def _log_terms(kind: str, p: FloatArray, t: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Log survival and log density at ``t`` for parameters ``p``.

    exponential: ``p = (log mean,)``; lognormal: ``p = (mu, log sigma)`` of ``log t``;
    gamma: ``p = (log shape, log scale)``.
    """
    from scipy import special, stats

    if kind == "exponential":
        mean = math.exp(p[0])
        return -t / mean, -t / mean - p[0]
    if kind == "lognormal":
        sigma = math.exp(p[1])
        with np.errstate(divide="ignore", invalid="ignore"):  # t = 0: survival 1
            z = (np.log(t) - p[0]) / sigma
            return special.log_ndtr(-z), stats.norm.logpdf(z) - p[1] - np.log(t)
    shape, scale = math.exp(p[0]), math.exp(p[1])
    x = t / scale
    with np.errstate(divide="ignore"):
        log_s = np.log(special.gammaincc(shape, x))
    deep = ~np.isfinite(log_s)
    if deep.any():  # far tail: the survival underflows, use scipy's careful log
        log_s[deep] = stats.gamma.logsf(x[deep], shape)
    with np.errstate(divide="ignore"):
        log_f = (shape - 1.0) * np.log(x) - x - special.gammaln(shape) - p[1]
    return log_s, log_f


def _hessian(f: Callable[[FloatArray], float], x: FloatArray, step: float = 1e-4) -> FloatArray:
    """Central finite-difference Hessian of ``f`` at ``x`` (Nocedal & Wright 2006, eq. 8.21)."""
    k = x.size
    h = np.eye(k) * step
    out = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            out[i, j] = out[j, i] = (
                f(x + h[i] + h[j]) - f(x + h[i] - h[j]) - f(x - h[i] + h[j]) + f(x - h[i] - h[j])
            ) / (4 * step * step)
    return out


def fit_censored(times: FloatArray, observed: NDArray[np.bool_], distribution: str) -> Fit:
    r"""Fit a distribution to right-censored times by maximum likelihood.

    Parameters
    ----------
    times : ndarray
        Event or censoring times [s], ``>= 0`` (censored at 0 says nothing and is dropped;
        events below :data:`SHORTEST_WAIT` are read as that).
    observed : ndarray of bool
        True for an event (patience seen: a hang-up), False for a censored time.
    distribution : {"exponential", "lognormal", "gamma"}

    Returns
    -------
    Fit

    Notes
    -----
    The censored log-likelihood (Lawless 2003, eq. 2.2.14) is

    .. math:: \ell(\theta) = \sum_{\text{events}} \log f_\theta(t_i)
              + \sum_{\text{censored}} \log S_\theta(c_j),

    evaluated once per distinct time (to :data:`RESOLUTION`) with its multiplicity (logs
    keep whole seconds, so a million contacts hold a few thousand distinct waits). The
    exponential has the closed form :math:`\hat\mu = \sum t / d` (total exposure over
    events) with standard error :math:`\hat\mu / \sqrt d`. Lognormal and gamma are
    maximized numerically (BFGS, on log-scale parameters); their standard errors are from
    the inverse of the observed information (a finite-difference Hessian), carried to mean
    and CV by the delta method.
    The same fit applies to uncensored samples (handle times): all ``observed``.
    """
    if distribution not in DISTRIBUTIONS:
        raise InputError(
            f"distribution = {distribution!r}; choose one of {', '.join(DISTRIBUTIONS)}"
        )
    times = np.asarray(times, dtype=float)
    observed = np.asarray(observed, dtype=bool)
    if times.shape != observed.shape or not (np.isfinite(times) & (times >= 0)).all():
        raise InputError("fit_censored: times must be finite, >= 0, one per observed flag")
    d = int(observed.sum())
    if d < 2:
        raise InputError(
            f"fit_censored: {d} observed time(s); a fit needs at least 2 events "
            "(hang-ups for patience)"
        )
    event_t = np.maximum(times[observed], SHORTEST_WAIT)
    censored_t = times[~observed & (times > 0)]
    # distinct times to RESOLUTION: logs keep whole seconds, and a million contacts then
    # hold a few thousand distinct values, each evaluated once with its multiplicity
    ev, ev_w = np.unique(np.round(event_t / RESOLUTION) * RESOLUTION, return_counts=True)
    ce, ce_w = np.unique(np.round(censored_t / RESOLUTION) * RESOLUTION, return_counts=True)
    exposure = float(event_t.sum() + censored_t.sum())
    mean = exposure / d
    if distribution == "exponential":
        loglik = -d * (math.log(mean) + 1.0)
        aic = 2.0 - 2.0 * loglik
        return Fit(
            "exponential", mean, mean / math.sqrt(d), 1.0, 0.0, loglik, aic, d, censored_t.size
        )

    def negative(p: FloatArray) -> float:
        _, log_f = _log_terms(distribution, p, ev)
        log_s, _ = _log_terms(distribution, p, ce)
        return -float(ev_w @ log_f + ce_w @ log_s)

    from scipy import optimize

    # start from the moments of the events, inflated by the censored exposure
    log_ev = np.log(event_t)
    cv0 = max(float(np.std(event_t) / np.mean(event_t)), 0.3)
    start = _params(Fit(distribution, mean, 0.0, cv0, 0.0, 0.0, 0.0, 0, 0))
    if distribution == "lognormal" and not censored_t.size:
        start = np.array([log_ev.mean(), math.log(max(log_ev.std(), 1e-3))])
    with np.errstate(invalid="ignore", over="ignore"):  # trial steps far off the optimum
        best = optimize.minimize(negative, start, method="BFGS")
    p = best.x
    covariance = np.linalg.pinv(_hessian(negative, p))
    if distribution == "lognormal":
        s2 = math.exp(2 * p[1])
        fit_mean, fit_cv = math.exp(p[0] + s2 / 2), math.sqrt(math.expm1(s2))
        jacobian = np.array([[fit_mean, fit_mean * s2], [0.0, math.exp(s2) * s2 / fit_cv]])
    else:
        shape, scale = math.exp(p[0]), math.exp(p[1])
        fit_mean, fit_cv = shape * scale, shape**-0.5
        jacobian = np.array([[fit_mean, fit_mean], [-fit_cv / 2, 0.0]])
    var = np.diag(jacobian @ covariance @ jacobian.T)
    se = np.sqrt(np.maximum(var, 0.0))
    loglik = -float(best.fun)
    aic = 4.0 - 2.0 * loglik
    return Fit(
        distribution, fit_mean, float(se[0]), fit_cv, float(se[1]), loglik, aic, d, censored_t.size
    )
