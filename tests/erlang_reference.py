"""High-precision references for Erlang B, C and A, written from first principles with mpmath.

These functions are deliberately independent of :mod:`staffing.erlang`: they work with exact
``mpmath.mpf`` copies of the float inputs at ``DPS`` significant digits and derive every KPI
from the model itself rather than from the closed forms an implementation would use.

Erlang B (M/M/n/n)
    * integer agents: the loss recursion B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1))
      (Erlang 1917; e.g. Iversen, *Teletraffic Engineering and Network Planning*, ITU/DTU 2015,
      section 4.4);
    * any real agents x >= 0, and the large-scale check: Jagerman's continuous extension
      B(x, a) = a^x e^-a / Gamma(x + 1) / Q(x + 1, a), Q the regularized upper incomplete gamma
      (Jagerman, "Some properties of the Erlang loss function", Bell Syst. Tech. J. 53, 1974).
      For integer n, Q(n + 1, a) = P(Poisson(a) <= n), so this is the truncated Poisson.

Erlang C (M/M/n)
    C = n B / (n - a (1 - B)); service level 1 - C exp(-(n - a) T / AHT) (the waiting time of a
    delayed caller is exponential with rate n mu - lambda). :func:`erlang_c_kpis_chain` redoes it
    from the birth-death chain and Erlang-distributed waits, as a second method.

Erlang A (M/M/n+M; Palm 1943; Garnett, Mandelbaum & Reiman 2002; Mandelbaum & Zeltyn 2007)
    The stationary distribution pi_k of the birth-death chain (birth lambda, death
    min(k, n) mu + max(k - n, 0) theta) is summed in mpmath until the tail is below 10^-(DPS+5)
    of the mass, well past both n and the mode. By PASTA an arrival sees pi. A caller who finds
    n + j in the system (j already queued) goes through phases i = j, ..., 0 (i callers ahead);
    in phase i the line ahead moves at rate r_i = n mu + i theta while the caller abandons at
    rate theta. With c = n mu:

    * P(served | j) = prod_i r_i / (r_i + theta) = c / (c + (j + 1) theta)   (telescoping);
    * the offered wait V (time to reach an agent if patient) is a sum of independent
      Exp(r_i), i = 0..j, with Laplace transform
      L(s) = prod_i r_i / (r_i + s) = B((c + s)/theta, j + 1) / B(c/theta, j + 1)
      (B the Beta function), whose inverse is the density
      f(v) = theta e^{-c v} (1 - e^{-theta v})^j / B(c/theta, j + 1);
    * P(served and wait <= T | j) = E[e^{-theta V}; V <= T]
      = c / (c + (j+1) theta) * (1 - I_{exp(-theta T)}(c/theta + 1, j + 1)),
      I the regularized incomplete beta (substitute u = e^{-theta v} in the integral);
    * E[wait; served | j] = E[V e^{-theta V}] = -L'(theta)
      = c / (c + (j+1) theta) * sum_{i=1}^{j+1} 1 / (c + i theta).

    :func:`served_within_ctmc` (matrix exponential of the tagged caller's chain) and
    :func:`served_within_quad` (quadrature of the density) are second methods for the third
    line, used by the tests on small cases.

All functions return ``mpmath.mpf`` (``mpmath.inf`` for infinite waits). Nothing here changes
mpmath's global precision: every computation runs inside ``mpmath.workdps``.
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction

import mpmath as mp

DPS = 50
"""Working precision in significant decimal digits."""

_RECURSION_MAX_AGENTS = 5000
"""Above this many agents Erlang B uses the incomplete-gamma form (the recursion is O(n))."""


def _mpf(x: float | int) -> mp.mpf:
    """Exact copy of a Python float or int (floats are dyadic rationals)."""
    return mp.mpf(x)


# ---------------------------------------------------------------------------- Erlang B / C


def erlang_b_recursive(load: float, agents: int) -> mp.mpf:
    """Erlang B by the classical loss recursion, for integer ``agents``."""
    if agents != int(agents) or agents < 0:
        raise ValueError("the recursion needs a non-negative integer number of agents")
    with mp.workdps(DPS):
        a = _mpf(load)
        b = mp.mpf(1)
        for k in range(1, int(agents) + 1):
            b = a * b / (k + a * b)
        return +b


def erlang_b_gamma(load: float, agents: float) -> mp.mpf:
    """Jagerman's continuous Erlang B: a^x e^-a / Gamma(x+1) / Q(x+1, a), any real x >= 0."""
    with mp.workdps(DPS):
        a = _mpf(load)
        x = _mpf(agents)
        if a == 0:
            return mp.mpf(1) if x == 0 else mp.mpf(0)
        log_num = x * mp.log(a) - a - mp.loggamma(x + 1)
        q = mp.gammainc(x + 1, a, mp.inf, regularized=True)
        return mp.exp(log_num) / q


def erlang_b(load: float, agents: float) -> mp.mpf:
    """Erlang B: the recursion for small integer agents, the incomplete-gamma form otherwise."""
    if float(agents).is_integer() and agents <= _RECURSION_MAX_AGENTS:
        return erlang_b_recursive(load, int(agents))
    return erlang_b_gamma(load, agents)


def erlang_c(load: float, agents: int) -> mp.mpf:
    """Erlang C probability of waiting: n B / (n - a (1 - B)); exactly 1 when n <= a."""
    with mp.workdps(DPS):
        a = _mpf(load)
        n = _mpf(agents)
        if n <= a:
            return mp.mpf(1)
        b = erlang_b(load, agents)
        return n * b / (n - a * (1 - b))


# ---------------------------------------------------------------------------- KPIs

KPI_NAMES = (
    "service_level",
    "service_level_answered",
    "asa",
    "mean_wait",
    "p_wait",
    "abandon_rate",
    "occupancy",
)


def _no_calls() -> dict[str, mp.mpf]:
    one, zero = mp.mpf(1), mp.mpf(0)
    return {
        "service_level": one,
        "service_level_answered": one,
        "asa": zero,
        "mean_wait": zero,
        "p_wait": zero,
        "abandon_rate": zero,
        "occupancy": zero,
    }


def erlang_c_kpis(
    calls: float, aht: float, agents: int, interval: float, threshold: float
) -> dict[str, mp.mpf]:
    """Erlang C (M/M/n) KPIs, durations in seconds."""
    if calls == 0:
        return _no_calls()
    with mp.workdps(DPS):
        a = _mpf(calls) * _mpf(aht) / _mpf(interval)
        n = _mpf(agents)
        if n <= a:
            return {
                "service_level": mp.mpf(0),
                "service_level_answered": mp.mpf(0),
                "asa": mp.inf,
                "mean_wait": mp.inf,
                "p_wait": mp.mpf(1),
                "abandon_rate": mp.mpf(0),
                "occupancy": mp.mpf(1),
            }
        b = _erlang_b_mp(a, agents)
        c = n * b / (n - a * (1 - b))
        sl = 1 - c * mp.exp(-(n - a) * _mpf(threshold) / _mpf(aht))
        wait = c * _mpf(aht) / (n - a)
        return {
            "service_level": sl,
            "service_level_answered": sl,
            "asa": wait,
            "mean_wait": wait,
            "p_wait": c,
            "abandon_rate": mp.mpf(0),
            "occupancy": a / n,
        }


def _erlang_b_mp(a: mp.mpf, agents: int) -> mp.mpf:
    """Erlang B for an mpf load (the load of :func:`erlang_c_kpis` is an exact product)."""
    if agents <= _RECURSION_MAX_AGENTS:
        b = mp.mpf(1)
        for k in range(1, int(agents) + 1):
            b = a * b / (k + a * b)
        return b
    n = _mpf(agents)
    log_num = n * mp.log(a) - a - mp.loggamma(n + 1)
    return mp.exp(log_num) / mp.gammainc(n + 1, a, mp.inf, regularized=True)


def _stationary(lam: mp.mpf, mu: mp.mpf, theta: mp.mpf, n: int) -> list[mp.mpf]:
    """Normalized stationary distribution of the M/M/n+M chain (theta = 0 gives M/M/n).

    Terms are added until the state is past both n and the mode and a geometric bound on the
    remaining tail is below 10^-(DPS+5) of the mass in states >= n (not of the total mass:
    P(wait) can be 1e-200, and every queue KPI needs it to full relative precision).
    """
    eps = mp.mpf(10) ** (-(DPS + 5))
    terms = [mp.mpf(1)]
    queued = terms[0] if n == 0 else mp.mpf(0)
    k = 0
    while True:
        k += 1
        death = min(k, n) * mu + max(k - n, 0) * theta
        term = terms[-1] * lam / death
        terms.append(term)
        if k >= n:
            queued += term
        if k > n:
            # Past n the ratio lam / (n mu + (k - n) theta) never increases, so the tail
            # after state k is at most term * r / (1 - r) with r the next ratio.
            r_next = lam / (n * mu + (k + 1 - n) * theta)
            if r_next < 1 and term * r_next / (1 - r_next) < eps * queued:
                break
        if k > 10_000_000:  # pragma: no cover - a reference case far too large for this module
            raise RuntimeError("stationary distribution did not converge")
    total = mp.fsum(terms)
    return [t / total for t in terms]


@functools.lru_cache(maxsize=512)
def erlang_a_kpis(
    calls: float,
    aht: float,
    agents: int,
    interval: float,
    thresholds: tuple[float, ...],
    patience: float,
) -> tuple[dict[str, mp.mpf], dict[float, mp.mpf]]:
    """Exact Erlang A (M/M/n+M) KPIs by the tagged-customer argument.

    Returns ``(kpis, service_levels)``: ``kpis`` holds every KPI but the service levels, and
    ``service_levels`` maps each threshold T (seconds) to ``(service_level,
    service_level_answered)``.
    """
    if calls == 0:
        base = _no_calls()
        sls = dict.fromkeys(thresholds, (base["service_level"], base["service_level_answered"]))
        return base, sls
    with mp.workdps(DPS):
        lam = _mpf(calls) / _mpf(interval)
        mu = 1 / _mpf(aht)
        theta = 1 / _mpf(patience)
        n = int(agents)
        pi = _stationary(lam, mu, theta, n)
        p_wait = mp.fsum(pi[n:])
        queue = mp.fsum(j * p for j, p in enumerate(pi[n:]))
        abandon = theta * queue / lam
        mean_wait = queue / lam
        if n == 0:
            kpis = {
                "asa": mp.inf,
                "mean_wait": mean_wait,
                "p_wait": p_wait,
                "abandon_rate": abandon,
                "occupancy": mp.mpf(0),
            }
            return kpis, {t: (mp.mpf(0), mp.mpf(0)) for t in thresholds}
        c = n * mu
        x = c / theta
        queued = pi[n:]
        p_no_wait = mp.fsum(pi[:n])
        served = [p * c / (c + (j + 1) * theta) for j, p in enumerate(queued)]
        # E[wait; served | j] = P(served | j) * sum_{i=1}^{j+1} 1 / (c + i theta).
        harmonic = mp.mpf(0)
        wait_served = []
        for j, s in enumerate(served):
            harmonic += 1 / (c + (j + 1) * theta)
            wait_served.append(s * harmonic)
        answered = p_no_wait + mp.fsum(served)
        # Two routes to P(answered) must agree: a check of the truncation and the algebra.
        if abs(answered - (1 - abandon)) > mp.mpf(10) ** (-(DPS - 10)):
            raise AssertionError("Erlang A reference: P(answered) routes disagree")
        kpis = {
            "asa": mp.fsum(wait_served) / answered,
            "mean_wait": mean_wait,
            "p_wait": p_wait,
            "abandon_rate": abandon,
            "occupancy": lam / mu * answered / n,
        }
        sls = {}
        for t in thresholds:
            if t == 0:
                sl = p_no_wait
            else:
                upper = upper_beta_all(x + 1, mp.exp(-theta * _mpf(t)), len(queued))
                sl = p_no_wait + mp.fsum(s * u for s, u in zip(served, upper, strict=True))
            sls[t] = (sl, sl / answered)
        return kpis, sls


def upper_beta_all(alpha: mp.mpf, z: mp.mpf, count: int) -> list[mp.mpf]:
    """U_j = 1 - I_z(alpha, j + 1) for j = 0..count-1 (I the regularized incomplete beta).

    I_z(a, b + 1) = I_z(a, b) + z^a (1 - z)^b / (b B(a, b)) gives U_j = U_{j+1} + t_j with
    t_j = z^alpha (1 - z)^(j+1) / ((j + 1) B(alpha, j + 1)), so t_0 = alpha z^alpha (1 - z)
    and t_j = t_{j-1} (1 - z) (alpha + j) / (j + 1). The positive t_j are summed downwards from
    the far end, so nothing cancels. The far end U_{count-1} is the tail sum of the t_j, which
    decrease geometrically once their ratio drops below 1 (it only decreases with j). When that
    happens only after more than 200,000 further terms, z is tiny, U is close to 1 and one
    ``mpmath.betainc`` is accurate (betainc alone is not: it returns 0 for tails below ~1e-60).
    Must run inside ``mp.workdps``.
    """
    eps = mp.mpf(10) ** (-(DPS + 5))
    last = count - 1
    steps = [alpha * z**alpha * (1 - z)]
    for j in range(1, count):
        steps.append(steps[-1] * (1 - z) * (alpha + j) / (j + 1))

    def ratio(k):  # t_{k+1} / t_k
        return (1 - z) * (alpha + k + 1) / (k + 2)

    # ratio(k) < 1  <=>  k > ((1 - z) (alpha + 1) - 2) / z
    turn = ((1 - z) * (alpha + 1) - 2) / z if z > 0 else mp.inf
    if turn - last < 200_000:
        tail = steps[last]
        term = steps[last]
        k = last
        while True:
            term *= ratio(k)
            tail += term
            k += 1
            r_next = ratio(k)
            if r_next < 1 and term * r_next / (1 - r_next) < eps * tail:
                break
        u_last = tail
    else:
        u_last = mp.betainc(alpha, last + 1, z, 1, regularized=True)
        if u_last < mp.mpf("1e-3"):
            raise AssertionError("upper_beta_all: betainc used outside its safe range")
    upper = [mp.mpf(0)] * count
    upper[last] = u_last
    for j in range(last - 1, -1, -1):
        upper[j] = upper[j + 1] + steps[j]
    return upper


def erlang_a_all(
    calls: float,
    aht: float,
    agents: int,
    interval: float,
    threshold: float,
    patience: float,
) -> dict[str, mp.mpf]:
    """All seven Erlang A KPIs for one threshold, as a flat dict."""
    kpis, sls = erlang_a_kpis(calls, aht, agents, interval, (threshold,), patience)
    out = dict(kpis)
    out["service_level"], out["service_level_answered"] = sls[threshold]
    return out


# ---------------------------------------------------------------------------- second methods


def served_within_beta(c: float, theta: float, j: int, threshold: float) -> mp.mpf:
    """P(served and wait <= T | j queued ahead), the incomplete-beta route used above."""
    with mp.workdps(DPS):
        c, theta, t = _mpf(c), _mpf(theta), _mpf(threshold)
        p_served = c / (c + (j + 1) * theta)
        return p_served * mp.betainc(c / theta + 1, j + 1, mp.exp(-theta * t), 1, regularized=True)


def served_within_ctmc(c: float, theta: float, j: int, threshold: float) -> mp.mpf:
    """The same probability from the matrix exponential of the tagged caller's chain.

    States 0..j are "i callers ahead"; state j+1 is "served", j+2 "abandoned". From phase i
    the line ahead moves at rate c + i theta (to i-1, or to served from 0) and the caller
    abandons at rate theta.
    """
    with mp.workdps(DPS):
        c, theta, t = _mpf(c), _mpf(theta), _mpf(threshold)
        size = j + 3
        q = mp.zeros(size, size)
        served, abandoned = j + 1, j + 2
        for i in range(j + 1):
            move = c + i * theta
            q[i, i - 1 if i > 0 else served] += move
            q[i, abandoned] += theta
            q[i, i] = -(move + theta)
        return mp.expm(q * t)[j, served]


def served_within_quad(c: float, theta: float, j: int, threshold: float) -> mp.mpf:
    """The same probability by quadrature of e^{-theta v} times the hypoexponential density.

    The density of a sum of independent Exp(r_i), distinct rates, is
    sum_i r_i e^{-r_i v} prod_{k != i} r_k / (r_k - r_i); computed at high precision to absorb
    the cancellation between its alternating terms (keep j small).
    """
    with mp.workdps(DPS + 10 * j + 20):
        c, theta, t = _mpf(c), _mpf(theta), _mpf(threshold)
        rates = [c + i * theta for i in range(j + 1)]
        weights = []
        for i, ri in enumerate(rates):
            w = ri
            for k, rk in enumerate(rates):
                if k != i:
                    w *= rk / (rk - ri)
            weights.append(w)

        def integrand(v):
            density = mp.fsum(w * mp.exp(-r * v) for w, r in zip(weights, rates, strict=True))
            return mp.exp(-theta * v) * density

        return +mp.quad(integrand, [0, t])


def wait_served_quad(c: float, theta: float, j: int) -> mp.mpf:
    """E[V e^{-theta V}] by quadrature of the Beta-form density (checks -L'(theta))."""
    with mp.workdps(DPS):
        c, theta = _mpf(c), _mpf(theta)
        norm = mp.beta(c / theta, j + 1)

        def integrand(v):
            return v * mp.exp(-theta * v) * theta * mp.exp(-c * v) * (-mp.expm1(-theta * v)) ** j

        return mp.quad(integrand, [0, 1 / (c + theta), 10 / (c + theta), mp.inf]) / norm


def wait_served_closed(c: float, theta: float, j: int) -> mp.mpf:
    """E[V e^{-theta V}] = c / (c + (j+1) theta) * sum_{i=1}^{j+1} 1 / (c + i theta)."""
    with mp.workdps(DPS):
        c, theta = _mpf(c), _mpf(theta)
        return c / (c + (j + 1) * theta) * mp.fsum(1 / (c + i * theta) for i in range(1, j + 2))


def erlang_c_kpis_chain(
    calls: float, aht: float, agents: int, interval: float, threshold: float
) -> dict[str, mp.mpf]:
    """Erlang C (stable) from the truncated M/M/n chain and Erlang(j+1, n mu) waits."""
    with mp.workdps(DPS):
        lam = _mpf(calls) / _mpf(interval)
        mu = 1 / _mpf(aht)
        n = int(agents)
        if lam / mu >= n:
            raise ValueError("the chain reference needs a stable queue")
        pi = _stationary(lam, mu, mp.mpf(0), n)
        p_wait = mp.fsum(pi[n:])
        t = _mpf(threshold)
        # With j queued ahead the wait is j + 1 service completions at rate n mu.
        late = mp.fsum(
            p * mp.gammainc(j + 1, n * mu * t, mp.inf, regularized=True)
            for j, p in enumerate(pi[n:])
        )
        wait = mp.fsum(p * (j + 1) / (n * mu) for j, p in enumerate(pi[n:]))
        return {
            "service_level": 1 - late,
            "p_wait": p_wait,
            "asa": wait,
            "occupancy": lam / mu / n,
        }


def erlang_a_exact_rational(
    calls: int, aht: int, agents: int, interval: int, patience: int, states: int
) -> dict[str, Fraction]:
    """P(wait), abandon rate and mean wait in exact rational arithmetic (integer inputs).

    The chain is cut after ``states`` states; the caller picks a cut far past the mode. A
    third, independent route for the stationary quantities (no floating point at all).
    """
    lam, mu, theta = Fraction(calls, interval), Fraction(1, aht), Fraction(1, patience)
    terms = [Fraction(1)]
    for k in range(1, states):
        terms.append(terms[-1] * lam / (min(k, agents) * mu + max(k - agents, 0) * theta))
    total = sum(terms)
    queue = sum((k - agents) * t for k, t in enumerate(terms) if k > agents) / total
    return {
        "p_wait": sum(terms[agents:]) / total,
        "abandon_rate": theta * queue / lam,
        "mean_wait": queue / lam,
    }


def to_float(x: mp.mpf) -> float:
    """Round an mpf to the nearest double (``inf`` stays ``inf``)."""
    if mp.isinf(x):
        return math.inf if x > 0 else -math.inf
    return float(x)
