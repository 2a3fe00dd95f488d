"""Special functions in log space, accurate where the Erlang formulas need them.

The Erlang B, C and A formulas are ratios of a Poisson probability mass to a Poisson tail,
``p(s; z) / P(Z <= s)`` and ``p(s; z) / P(Z >= s)``, with the mass ``p(s; z) = z**s e**-z /
Gamma(s + 1)`` extended to real ``s`` (Jagerman 1974). At thousands of agents both numerator
and denominator under- or overflow in double precision, and the textbook
``s*log(z) - z - lgamma(s + 1)`` loses about ``1e-16 * s*log(s)`` in absolute terms (1e-10 at
100,000 agents) to cancellation. This module evaluates them in log space to ~1e-15:

- the log mass by Loader's saddle-point form (Loader 2000), with the Stirling remainder from
  its asymptotic series and the deviance term ``bd0`` from a series where ``s`` is near ``z``;
- the log regularized incomplete gamma functions from ``scipy.special.gammainc`` /
  ``gammaincc`` where they are representable, and, in the far tails where they underflow,
  from the tail-to-mass ratio: the power series of ``gamma(s, z)`` (``z < s``) or Legendre's
  continued fraction of ``Gamma(s, z)`` (``z > s``), evaluated with the modified Lentz method.

References
----------
.. [1] C. Loader, "Fast and Accurate Computation of Binomial Probabilities", 2000.
.. [2] D. L. Jagerman, "Some properties of the Erlang loss function", Bell System Technical
   Journal 53(3), 525-551, 1974. doi:10.1002/j.1538-7305.1974.tb02756.x
.. [3] W. H. Press et al., Numerical Recipes, 3rd ed., section 6.2 (incomplete gamma:
   series and continued fraction) and 5.2 (modified Lentz method), 2007.
"""

import numpy as np
from numpy.typing import NDArray
from scipy import special

_HALF_LOG_2PI = 0.5 * np.log(2.0 * np.pi)
# Coefficients B_2k / (2k (2k - 1)) of Stirling's series for log Gamma(s + 1).
_STIRLING = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156)
# Below this, a regularized incomplete gamma value from scipy is not trusted (subnormal
# territory is reached ~1e-308); the log-space tail ratios take over.
_TINY = 1e-280
_EPS = 1e-17
_SERIES_BLOCK = 64

FloatArray = NDArray[np.float64]


def _stirlerr(s: FloatArray) -> FloatArray:
    """``log Gamma(s+1) - (s+1/2) log s + s - log sqrt(2 pi)`` for ``s >= 10``.

    Seven terms of Stirling's series; the first omitted term is below 1e-15 at ``s = 10``.
    """
    inv = 1.0 / s
    inv2 = inv * inv
    # The k-th term is below 1e-17 relative once s >= 100 for k >= 3; keep fewer terms then.
    coefficients = _STIRLING if s.min(initial=np.inf) < 100.0 else _STIRLING[:3]
    acc = np.full_like(s, coefficients[-1])
    for c in reversed(coefficients[:-1]):
        acc = acc * inv2 + c
    return acc * inv


def _bd0(s: FloatArray, z: FloatArray) -> FloatArray:
    """Deviance term ``s log(s/z) + z - s`` for ``s, z > 0``, without cancellation.

    With ``v = (s - z)/(s + z)`` it equals ``(s + z) * (v**2 + (1 + v)(atanh v - v))``,
    evaluated with the series of ``atanh v - v`` where ``|v| < 0.1`` (Loader 2000, section
    2); for ``|v| >= 0.5`` the direct form, which cancels little there.
    """
    total = s + z
    v = (s - z) / total
    v2 = v * v
    small = v2 < 0.01
    # sum_{k>=1} v**(2k+1)/(2k+1), to the term where v**(2k) falls below 1e-17
    widest = float(v2[small].max(initial=0.0))
    terms = 1 if widest == 0.0 else min(8, 1 + int(np.ceil(-17.0 / np.log10(widest))))
    acc = np.full_like(v, 1.0 / (2 * terms + 1))
    for k in range(terms - 1, 0, -1):
        acc = acc * v2 + 1.0 / (2 * k + 1)
    series = acc * v * v2
    if small.all():
        return total * (v2 + (1.0 + v) * series)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        atanh_minus_v = np.where(small, series, np.arctanh(v) - v)
        near = total * (v2 + (1.0 + v) * atanh_minus_v)
        # For |v| >= 0.5 the direct form cancels little, and atanh(v) near |v| = 1 would
        # inherit the rounding of 1 - v.
        far = s * np.log(s / z) + z - s
    return np.where(v2 < 0.25, near, far)


def log_poisson_pmf(s: FloatArray, z: FloatArray) -> FloatArray:
    """Log of ``z**s exp(-z) / Gamma(s + 1)`` for real ``s >= 0``, ``z >= 0``.

    Loader's saddle-point form ``-stirlerr(s) - bd0(s, z) - log sqrt(2 pi s)`` for ``s >= 10``
    and the direct formula below, where its terms are too small to cancel badly.
    """
    s, z = np.broadcast_arrays(np.asarray(s, dtype=float), np.asarray(z, dtype=float))
    big = (s >= 10.0) & (z > 0.0)
    if big.all():
        return -_stirlerr(s) - _bd0(s, z) - _HALF_LOG_2PI - 0.5 * np.log(s)
    out = special.xlogy(s, z) - z - special.gammaln(s + 1.0)
    if big.any():
        sb, zb = s[big], z[big]
        out[big] = -_stirlerr(sb) - _bd0(sb, zb) - _HALF_LOG_2PI - 0.5 * np.log(sb)
    return out


def _lower_series(s: FloatArray, z: FloatArray) -> FloatArray:
    """``P(s, z) / p(s; z) = sum_k prod_{i=1..k} z / (s + i)`` for ``0 <= z < s + 1``.

    The terms fall at least as fast as ``(z/(s+1))**k``; they are summed in blocks.
    """
    total = np.ones_like(s)
    term = np.ones_like(s)
    active = np.ones(s.shape, dtype=bool)
    start = 1
    while active.any():
        idx = np.flatnonzero(active)
        steps = np.arange(start, start + _SERIES_BLOCK, dtype=float)
        ratios = z[idx, None] / (s[idx, None] + steps)
        terms = term[idx, None] * np.cumprod(ratios, axis=1)
        total[idx] += terms.sum(axis=1)
        term[idx] = terms[:, -1]
        active[idx] = term[idx] > _EPS * total[idx]
        start += _SERIES_BLOCK
    return total


def _upper_fraction(s: FloatArray, z: FloatArray) -> FloatArray:
    """``Gamma(s, z) e**z z**-s`` by Legendre's continued fraction, for ``z > s - 1``.

    ``1/(z+1-s- 1(1-s)/(z+3-s- 2(2-s)/(z+5-s- ...)))``, modified Lentz method
    (Numerical Recipes, 3rd ed., eq. 6.2.7 and section 5.2).
    """
    tiny = 1e-300
    b = z + 1.0 - s
    c = np.full_like(s, 1.0 / tiny)
    d = 1.0 / b
    h = d.copy()
    active = np.ones(s.shape, dtype=bool)
    i = 0
    while active.any():
        i += 1
        an = -i * (i - s[active])
        b[active] += 2.0
        dn = an * d[active] + b[active]
        dn = np.where(np.abs(dn) < tiny, tiny, dn)
        cn = b[active] + an / c[active]
        cn = np.where(np.abs(cn) < tiny, tiny, cn)
        dn = 1.0 / dn
        delta = dn * cn
        h[active] *= delta
        d[active] = dn
        c[active] = cn
        active[active] = np.abs(delta - 1.0) > 1e-16
    return h


def log_gammainc_lower(s: FloatArray, z: FloatArray) -> FloatArray:
    """Log of the regularized lower incomplete gamma ``P(s, z)``, ``s > 0``, ``z >= 0``.

    ``P(s, z)`` is the probability that a Poisson(z) count reaches ``s`` (for integer ``s``).
    Where ``scipy.special.gammainc`` would be subnormal or zero (``z`` far below ``s``), it is
    ``log p(s; z) + log sum_k prod_{i<=k} z/(s+i)`` (series, Numerical Recipes eq. 6.2.5).
    """
    s, z = np.broadcast_arrays(np.asarray(s, dtype=float), np.asarray(z, dtype=float))
    value = special.gammainc(s, z)
    with np.errstate(divide="ignore"):
        out = np.array(np.log(value))
    far = (value < _TINY) & (z > 0.0)
    if far.any():
        sf, zf = s[far], z[far]
        out[far] = log_poisson_pmf(sf, zf) + np.log(_lower_series(sf, zf))
    return out


def log_gammainc_upper(s: FloatArray, z: FloatArray) -> FloatArray:
    """Log of the regularized upper incomplete gamma ``Q(s, z)``, ``s > 0``, ``z >= 0``.

    ``Q(n + 1, z)`` is the probability that a Poisson(z) count is at most ``n``. Where
    ``scipy.special.gammaincc`` would be subnormal (``z`` far above ``s``), it is
    ``log(s p(s; z)) + log CF`` with Legendre's continued fraction ``CF``.
    """
    s, z = np.broadcast_arrays(np.asarray(s, dtype=float), np.asarray(z, dtype=float))
    value = special.gammaincc(s, z)
    with np.errstate(divide="ignore"):
        out = np.array(np.log(value))
    far = value < _TINY
    if far.any():
        sf, zf = s[far], z[far]
        out[far] = np.log(sf) + log_poisson_pmf(sf, zf) + np.log(_upper_fraction(sf, zf))
    return out
