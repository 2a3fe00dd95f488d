"""Erlang B, C and A: blocking, waiting, service level and required agents.

Everything here is elementwise over numpy arrays (scalars in, scalars out) and exact: no
approximation beyond double-precision rounding, checked to ~1e-9 relative against
high-precision references from 1e-6 to 100,000 Erlangs. Durations are in seconds; volumes
are calls per interval.

- **Erlang B** (M/M/n/n, blocked calls lost) and **Erlang C** (M/M/n, infinite patience).
- **Erlang A** (M/M/n+M, Palm 1943): callers hang up after an exponential patience with mean
  ``patience`` seconds. Computed exactly from the birth-death chain, which is stable for any
  load, so fewer agents than the offered load is a valid question.

KPI definitions are those of the project's design (all over *offered* calls unless said):
``service_level`` answered within the threshold / offered; ``service_level_answered``
answered within the threshold / answered; ``asa`` mean wait of answered calls;
``mean_wait`` mean wait of all calls (abandoned ones count their time to abandon);
``p_wait`` share that must queue; ``abandon_rate``; ``occupancy`` busy / logged-in time.

References
----------
.. [1] A. K. Erlang, "Solution of some problems in the theory of probabilities of
   significance in automatic telephone exchanges", Elektroteknikeren 13, 1917.
.. [2] C. Palm, "Intensitätsschwankungen im Fernsprechverkehr", Ericsson Technics 44, 1943.
.. [3] O. Garnett, A. Mandelbaum and M. Reiman, "Designing a call center with impatient
   customers", Manufacturing & Service Operations Management 4(3), 208-227, 2002.
   doi:10.1287/msom.4.3.208.7753
.. [4] A. Mandelbaum and S. Zeltyn, "Service engineering in action: the Palm/Erlang-A queue,
   with applications to call centers", in Advances in Services Innovations, Springer, 2007.
   doi:10.1007/978-3-540-29860-1_2
.. [5] N. Gans, G. Koole and A. Mandelbaum, "Telephone call centers: tutorial, review, and
   research prospects", Manufacturing & Service Operations Management 5(2), 79-141, 2003.
   doi:10.1287/msom.5.2.79.16071
.. [6] D. L. Jagerman, "Some properties of the Erlang loss function", Bell System Technical
   Journal 53(3), 525-551, 1974. doi:10.1002/j.1538-7305.1974.tb02756.x
.. [7] T. Tezcan and J. Zhang, "Routing and staffing in customer service chat systems with
   impatient customers", Operations Research 62(4), 943-956, 2014.
   doi:10.1287/opre.2014.1284
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from staffing._special import (
    log_gammainc_lower,
    log_gammainc_upper,
    log_poisson_pmf,
)
from staffing.errors import InputError

FloatArray = NDArray[np.float64]
# Cells of the (intervals x queue positions) table summed at once for Erlang A queue sums.
_ASA_BLOCK_CELLS = 2_000_000
# Relative rounding error above which a closed form gives way to an exact sum.
_RELATIVE_ERROR = 1e-11


# --------------------------------------------------------------------------- validation


def _array(value: ArrayLike, name: str) -> FloatArray:
    """``value`` as a float array, or an InputError naming ``name``."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InputError(
            f"{name} = {value!r}; {name} must be a number or an array of numbers"
        ) from None
    return arr


def _where(arr: FloatArray, bad: NDArray[np.bool_]) -> str:
    """``'[i]'`` pointing at the first bad element of an array, ``''`` for a scalar."""
    if arr.ndim == 0:
        return ""
    index = np.unravel_index(int(np.argmax(bad)), arr.shape)
    return "[" + ", ".join(str(i) for i in index) + "]"


def _check(
    value: ArrayLike,
    name: str,
    *,
    low: float,
    high: float = np.inf,
    low_open: bool = False,
    high_open: bool = False,
    allow_inf: bool = False,
    unit: str = "",
) -> FloatArray:
    """Validate a numeric input: finite (or +inf if allowed) and within the range."""
    arr = _array(value, name)
    ok = ~np.isnan(arr) & (np.isfinite(arr) | (allow_inf & (arr == np.inf)))
    ok &= (arr > low) if low_open else (arr >= low)
    if np.isfinite(high):
        ok &= (arr < high) if high_open else (arr <= high)
    if not ok.all():
        bad = ~ok
        shown = arr[bad][0] if arr.ndim else arr.item()
        lo = f"> {low:g}" if low_open else f">= {low:g}"
        rng = lo if not np.isfinite(high) else f"{lo} and {'<' if high_open else '<='} {high:g}"
        kind = "a number" if not allow_inf else "a number or inf"
        raise InputError(f"{name}{_where(arr, bad)} = {shown:g}; {name} must be {kind} {rng}{unit}")
    return arr


def _broadcast(**arrays: FloatArray) -> tuple[list[FloatArray], tuple[int, ...], bool]:
    """Broadcast named inputs: flat arrays, the common shape, and whether all were scalars.

    The first two inputs are ``calls`` and ``aht``: an AHT of 0 is accepted only where no
    calls arrive (a forecast's empty intervals).
    """
    try:
        broadcast = np.broadcast_arrays(*arrays.values())
    except ValueError:
        shapes = ", ".join(f"{name} {arr.shape}" for name, arr in arrays.items())
        raise InputError(
            f"array shapes differ ({shapes}); give arrays of one length, or scalars"
        ) from None
    scalar = all(arr.ndim == 0 for arr in arrays.values())
    flat = [arr.ravel() for arr in broadcast]
    calls, aht = flat[0], flat[1]
    idle = (aht == 0.0) & (calls > 0.0)
    if idle.any():
        i = int(np.argmax(idle))
        where = "" if scalar else f"[{i}]"
        raise InputError(
            f"aht{where} = 0 with calls{where} = {calls[i]:g}; aht must be > 0 seconds where "
            "calls arrive"
        )
    return flat, broadcast[0].shape, scalar


def _scalar_or_array(value: FloatArray, scalar: bool) -> FloatArray | float:
    return float(value) if scalar else value


# --------------------------------------------------------------------------- Erlang B and C


def _erlang_b(load: FloatArray, agents: FloatArray) -> FloatArray:
    """Erlang B for validated broadcast arrays: ``p(n; a) / Q(n + 1, a)`` in log space."""
    log_b = log_poisson_pmf(agents, load) - log_gammainc_upper(agents + 1.0, load)
    return np.minimum(np.exp(log_b), 1.0)


def erlang_b(load: ArrayLike, agents: ArrayLike) -> FloatArray | float:
    r"""Blocking probability of the Erlang loss system M/M/n/n.

    Parameters
    ----------
    load : array_like
        Offered load ``a`` [Erlang] = arrival rate x mean handle time, ``>= 0``.
    agents : array_like
        Number of servers ``n``, ``>= 0``; non-integer values use Jagerman's continuous
        extension.

    Returns
    -------
    float or ndarray
        Probability that an arriving call finds all ``n`` agents busy (and is lost).

    Notes
    -----
    Erlang's loss formula (Erlang 1917) is the truncated Poisson mass at ``n``:

    .. math:: B(n, a) = \frac{a^n / n!}{\sum_{k=0}^{n} a^k / k!}
              = \frac{a^n e^{-a} / \Gamma(n + 1)}{Q(n + 1, a)},

    with ``Q`` the regularized upper incomplete gamma function; the right-hand side extends
    ``B`` to real ``n`` (Jagerman 1974). It is evaluated in log space (see
    ``staffing._special``), so it neither over- nor underflows at 100,000 agents.

    Examples
    --------
    >>> round(erlang_b(5.0, 10), 5)
    0.01838
    """
    a = _check(load, "load", low=0.0, unit=" (Erlang)")
    n = _check(agents, "agents", low=0.0)
    scalar = a.ndim == 0 and n.ndim == 0
    a, n = np.broadcast_arrays(a, n)
    return _scalar_or_array(_erlang_b(a, n), scalar)


def _erlang_c(load: FloatArray, agents: FloatArray) -> FloatArray:
    """Erlang C for validated broadcast arrays; 1 where ``agents <= load``."""
    b = _erlang_b(load, agents)
    stable = agents > load
    with np.errstate(divide="ignore", invalid="ignore"):
        c = agents * b / (agents - load * (1.0 - b))
    return np.where(stable, np.minimum(c, 1.0), 1.0)


def erlang_c(load: ArrayLike, agents: ArrayLike) -> FloatArray | float:
    r"""Probability of waiting in the Erlang delay system M/M/n.

    Parameters
    ----------
    load : array_like
        Offered load ``a`` [Erlang], ``>= 0``.
    agents : array_like
        Number of agents ``n``, ``>= 0`` (real values use the continuous extension).

    Returns
    -------
    float or ndarray
        Probability that an arriving call has to queue; 1.0 where ``n <= a`` (the queue is
        unstable and every call waits).

    Notes
    -----
    From Erlang B (Erlang 1917; Gans, Koole & Mandelbaum 2003, eq. 2):

    .. math:: C(n, a) = \frac{n B(n, a)}{n - a (1 - B(n, a))}, \quad n > a.

    Examples
    --------
    >>> round(erlang_c(10.0, 14), 4)
    0.1741
    """
    a = _check(load, "load", low=0.0, unit=" (Erlang)")
    n = _check(agents, "agents", low=0.0)
    scalar = a.ndim == 0 and n.ndim == 0
    a, n = np.broadcast_arrays(a, n)
    return _scalar_or_array(_erlang_c(a, n), scalar)


# --------------------------------------------------------------------------- KPIs


@dataclass(frozen=True)
class ErlangKPIs:
    """Stationary KPIs of one or many intervals (arrays broadcast over the inputs).

    Attributes
    ----------
    service_level : float or ndarray
        Calls answered within the threshold / offered calls.
    service_level_answered : float or ndarray
        Calls answered within the threshold / answered calls.
    asa : float or ndarray
        Average speed of answer [s]: mean wait of answered calls (inf if the queue is
        unstable or nothing is answered).
    mean_wait : float or ndarray
        Mean wait of all offered calls [s]; abandoned calls count their time to abandon.
    p_wait : float or ndarray
        Share of offered calls that find every agent busy and queue.
    abandon_rate : float or ndarray
        Abandoned calls / offered calls (0 in Erlang C).
    occupancy : float or ndarray
        Handling time / agents' logged-in time.
    """

    service_level: FloatArray | float
    service_level_answered: FloatArray | float
    asa: FloatArray | float
    mean_wait: FloatArray | float
    p_wait: FloatArray | float
    abandon_rate: FloatArray | float
    occupancy: FloatArray | float


@dataclass
class _Metrics:
    """Raw KPI arrays of one evaluation (internal; ``asa`` only when asked for)."""

    service_level: FloatArray
    p_wait: FloatArray
    abandon_rate: FloatArray
    occupancy: FloatArray
    mean_wait: FloatArray
    asa: FloatArray | None


def _erlang_c_metrics(
    a: FloatArray, n: FloatArray, aht: FloatArray, threshold: FloatArray
) -> _Metrics:
    """Erlang C KPIs (Gans, Koole & Mandelbaum 2003, eqs. 2-3) for ``a > 0``."""
    c = _erlang_c(a, n)
    stable = n > a
    gap = np.where(stable, n - a, 1.0)
    sl = np.where(stable, 1.0 - c * np.exp(-gap * threshold / aht), 0.0)
    wait = np.where(stable, c * aht / gap, np.inf)
    occupancy = np.where(stable, a / np.where(stable, n, 1.0), 1.0)
    return _Metrics(sl, c, np.zeros_like(a), occupancy, wait, wait)


def _queued_caller_sums(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``P(abandon | queued)`` and ``E[wait; answered | queued] / patience`` in M/M/n+M.

    With ``x = n mu / theta`` and ``y = lambda / theta``. A caller who finds ``j`` callers
    queued ahead waits through phases ``i = j, ..., 0`` in which the queue ahead moves at
    rate ``n mu + i theta`` and the caller abandons at rate ``theta``; phase lengths are
    ``Exp(n mu + (i + 1) theta)`` whatever the outcome, so ``P(answered | j) = x / (x + j +
    1)`` and ``E[wait; answered | j] = P(answered | j) sum_{i=0..j} 1 / (theta (x + i +
    1))``. The queue seen on arrival, given all agents are busy, has ``P(j) ~ prod_{i=1..j}
    y / (x + i)`` (Mandelbaum & Zeltyn 2007). The sums run over a window of ``j`` holding
    all but ~e**-50 of that mass: ``10 sqrt(y) + 50`` positions either side of the mode
    ``max(0, y - x)``, or, in underload, as far as ``(y / (x + 1))**j`` exceeds e**-50.
    Every term is positive: no cancellation, whatever the patience.
    """
    abandon = np.empty_like(x)
    wait = np.empty_like(x)
    mode = np.maximum(0.0, np.floor(y - x))
    half = np.ceil(10.0 * np.sqrt(y) + 50.0)
    underload = y < x + 1.0
    with np.errstate(divide="ignore"):
        geometric = np.ceil(50.0 / np.log((x + 1.0) / np.where(underload, y, 1.0))) + 1.0
    right = np.where(underload, np.minimum(half, geometric), half)
    lo = np.maximum(0.0, mode - half)
    width = (mode + right - lo + 1.0).astype(np.int64)
    rows_per_block = max(1, _ASA_BLOCK_CELLS // int(width.max()))
    for start in range(0, x.size, rows_per_block):
        sl = slice(start, start + rows_per_block)
        xs, ys, los, ws = x[sl, None], y[sl, None], lo[sl, None], width[sl]
        k = np.arange(int(ws.max()), dtype=float)[None, :]
        j = los + k
        valid = k < ws[:, None]
        # log of prod_{i=lo+1..j} y/(x+i): cumulative sum of log ratios from the window start
        step = np.where((k > 0) & valid, np.log(ys) - np.log(xs + j), 0.0)
        log_w = np.cumsum(step, axis=1)
        log_w = np.where(valid, log_w, -np.inf)
        w = np.exp(log_w - log_w.max(axis=1, keepdims=True))
        w /= w.sum(axis=1, keepdims=True)
        answered = xs / (xs + j + 1.0)
        abandon[sl] = np.sum(w * (j + 1.0) / (xs + j + 1.0), axis=1)
        # H_j = sum_{i=0..j} 1/(x+i+1); the part below the window from the digamma function
        offset = special.digamma(xs + los + 1.0) - special.digamma(xs + 1.0)
        harmonic = offset + np.cumsum(np.where(valid, 1.0 / (xs + j + 1.0), 0.0), axis=1)
        wait[sl] = np.sum(w * answered * harmonic, axis=1)
    return abandon, wait


def _log_answered_between(s: FloatArray, low: FloatArray, high: FloatArray) -> FloatArray:
    """``log(P(s, high) - P(s, low))`` for ``low <= high``, without cancellation.

    Above ``s`` both lower incomplete gammas are near 1, so the difference is taken as
    ``Q(s, low) - Q(s, high)`` of the small upper tails instead; either way as ``A (1 -
    B/A)``, with ``log(1 - B/A) = log(-expm1(log B - log A))``.
    """
    upper = low >= s
    with np.errstate(divide="ignore", invalid="ignore"):
        log_big = np.where(upper, log_gammainc_upper(s, low), log_gammainc_lower(s, high))
        log_small = np.where(upper, log_gammainc_upper(s, high), log_gammainc_lower(s, low))
        return log_big + np.log(-np.expm1(np.minimum(log_small - log_big, 0.0)))


def _erlang_a_metrics(
    a: FloatArray,
    n: FloatArray,
    aht: FloatArray,
    threshold: FloatArray,
    patience: FloatArray,
    need_asa: bool,
) -> _Metrics:
    r"""Exact M/M/n+M KPIs for ``a > 0``, ``n > 0``, finite ``patience``.

    With ``x = n mu / theta`` and ``y = lambda / theta`` (``mu = 1/aht``, ``theta =
    1/patience``), ``E = B(n, a)``, ``h = p(x; y) / P(x, y)`` and ``g = P(x + 1, y) / P(x, y)
    = 1 - h`` (``P`` the regularized lower incomplete gamma function, ``p`` the Poisson mass):

    - ``p_wait = E / (E + (1 - E) h)`` (Garnett, Mandelbaum & Reiman 2002, eq. 3.3), and
      ``1 - p_wait`` from ``1 - E = Q(n, a) / Q(n + 1, a)``;
    - ``P(abandon | wait) = 1 - g x / y`` (ibid., from the queue's balance equations), or,
      where that cancels (long patience, underload), the sum of :func:`_queued_caller_sums`;
    - the offered wait ``V`` of a queued caller has ``P(V > t) = P(x, y e^{-theta t}) /
      P(x, y)`` (Mandelbaum & Zeltyn 2007), so the share answered within ``T`` is
      ``(x / y) [P(x + 1, y) - P(x + 1, y e^{-theta T})] / P(x, y)``.

    Every probability is formed in log space, so P(wait) near 1 and service levels of
    1e-100 in deep overload keep their relative precision.
    """
    x = n * patience / aht
    y = a * patience / aht
    # log E = log B(n, a) and log(1 - E) = log(Q(n, a) / Q(n + 1, a)): no cancellation
    log_q = log_gammainc_upper(n + 1.0, a)
    log_e = log_poisson_pmf(n, a) - log_q
    log_not_e = log_gammainc_upper(n, a) - log_q
    log_p_xy = log_gammainc_lower(x, y)
    log_p1_xy = log_gammainc_lower(x + 1.0, y)
    log_h = log_poisson_pmf(x, y) - log_p_xy
    log_idle_share = log_not_e + log_h
    log_total = np.logaddexp(log_e, log_idle_share)
    p_wait = np.exp(log_e - log_total)
    p_no_wait = np.exp(log_idle_share - log_total)
    g = np.exp(log_p1_xy - log_p_xy)
    ratio = x / y
    abandon_given_wait = np.clip(1.0 - g * ratio, 0.0, 1.0)
    # The closed form cancels when few queued callers abandon (long patience, underload).
    # Its rounding error is about g x/y times that of g (from logs of size |log P|): where
    # that exceeds 1e-11 relative, and for the answered-call wait, sum over the queue.
    rounding = g * ratio * 4e-16 * (2.0 + np.abs(log_p1_xy) + np.abs(log_p_xy))
    ill = rounding > _RELATIVE_ERROR * abandon_given_wait
    wait_factor = None
    if need_asa:
        sums, wait_factor = _queued_caller_sums(x, y)
        abandon_given_wait = np.where(ill, sums, abandon_given_wait)
    elif ill.any():
        abandon_given_wait[ill] = _queued_caller_sums(x[ill], y[ill])[0]
    answered_in_time = np.clip(
        ratio
        * np.exp(_log_answered_between(x + 1.0, y * np.exp(-threshold / patience), y) - log_p_xy),
        0.0,
        1.0,
    )
    abandon = p_wait * abandon_given_wait
    sl = np.minimum(p_no_wait + p_wait * answered_in_time, 1.0)
    occupancy = np.minimum(a * (1.0 - abandon) / n, 1.0)
    asa = None
    if need_asa:
        answered = 1.0 - abandon
        served_wait = p_wait * patience * wait_factor
        asa = served_wait / answered
    return _Metrics(sl, p_wait, abandon, occupancy, abandon * patience, asa)


def _metrics(
    calls: FloatArray,
    aht: FloatArray,
    agents: FloatArray,
    interval: FloatArray,
    threshold: FloatArray,
    patience: FloatArray,
    need_asa: bool,
) -> _Metrics:
    """KPIs for validated, broadcast, flat arrays; dispatches Erlang C / Erlang A."""
    size = calls.size
    a = calls * aht / interval
    busy = a > 0.0
    impatient = busy & np.isfinite(patience)
    if busy.all() and not impatient.any():
        return _erlang_c_metrics(a, agents, aht, threshold)
    if impatient.all() and (agents > 0.0).all():
        return _erlang_a_metrics(a, agents, aht, threshold, patience, need_asa)
    sl = np.ones(size)
    p_wait = np.zeros(size)
    abandon = np.zeros(size)
    occupancy = np.zeros(size)
    mean_wait = np.zeros(size)
    asa = np.zeros(size)
    nobody = impatient & (agents == 0.0)
    sl[nobody], p_wait[nobody], abandon[nobody] = 0.0, 1.0, 1.0
    mean_wait[nobody] = patience[nobody]
    asa[nobody] = np.inf
    for mask, erlang_a in ((busy & ~impatient, False), (impatient & ~nobody, True)):
        if not mask.any():
            continue
        args = (a[mask], agents[mask], aht[mask], threshold[mask])
        if erlang_a:
            m = _erlang_a_metrics(*args, patience[mask], need_asa)
        else:
            m = _erlang_c_metrics(*args)
        sl[mask], p_wait[mask], abandon[mask] = m.service_level, m.p_wait, m.abandon_rate
        occupancy[mask], mean_wait[mask] = m.occupancy, m.mean_wait
        if m.asa is not None:
            asa[mask] = m.asa
    return _Metrics(sl, p_wait, abandon, occupancy, mean_wait, asa if need_asa else None)


def _inputs(
    calls: ArrayLike,
    aht: ArrayLike,
    interval: ArrayLike,
    threshold: ArrayLike,
    patience: ArrayLike | None,
) -> list[FloatArray]:
    """Validate the traffic inputs shared by :func:`kpis` and :func:`required_agents`."""
    return [
        _check(calls, "calls", low=0.0, unit=" (calls per interval)"),
        _check(aht, "aht", low=0.0, unit=" seconds"),
        _check(interval, "interval", low=0.0, low_open=True, unit=" seconds"),
        _check(threshold, "threshold", low=0.0, unit=" seconds"),
        _check(
            np.inf if patience is None else patience,
            "patience",
            low=0.0,
            low_open=True,
            allow_inf=True,
            unit=" seconds (or None for no abandonment)",
        ),
    ]


def kpis(
    calls: ArrayLike,
    aht: ArrayLike,
    agents: ArrayLike,
    *,
    interval: ArrayLike = 1800,
    threshold: ArrayLike = 20,
    patience: ArrayLike | None = None,
) -> ErlangKPIs:
    r"""Stationary service KPIs of an interval staffed with ``agents`` agents.

    Erlang C when ``patience`` is None (or inf), the exact Erlang A (M/M/n+M) when it is a
    finite mean patience. All inputs broadcast; a 96-interval day is one call.

    Parameters
    ----------
    calls : array_like
        Calls offered in the interval, ``>= 0``.
    aht : array_like
        Average handle time [s], ``> 0`` where ``calls > 0`` (ignored where there are none).
    agents : array_like
        Agents on the phones, ``>= 0`` (real values allowed: continuous extension).
    interval : array_like, default 1800
        Interval length [s].
    threshold : array_like, default 20
        Service-level answer time ``T`` [s], ``>= 0``.
    patience : array_like or None, default None
        Mean time [s] a caller waits before hanging up (exponential); None or inf for
        infinitely patient callers.

    Returns
    -------
    ErlangKPIs
        Floats for scalar inputs, arrays of the broadcast shape otherwise.

    Notes
    -----
    Erlang C, with load ``a = calls aht / interval`` and ``C = C(n, a)`` (Gans, Koole &
    Mandelbaum 2003, eqs. 2-3):

    .. math:: SL(T) = 1 - C e^{-(n - a) T / \mathrm{AHT}}, \qquad
              \mathrm{ASA} = \frac{C \, \mathrm{AHT}}{n - a}.

    With ``n <= a`` the queue is unstable: ``p_wait`` 1, ``service_level`` 0, ``asa`` inf,
    ``occupancy`` 1. Erlang A formulas are in ``_erlang_a_metrics`` (Garnett, Mandelbaum &
    Reiman 2002; Mandelbaum & Zeltyn 2007); ``mean_wait = patience * abandon_rate`` by
    Little's law. With zero calls: ``service_level`` 1, waits 0, ``occupancy`` 0. With zero
    agents in Erlang A every caller abandons (``asa`` inf).

    Examples
    --------
    The worked example of 100 calls in 30 minutes, AHT 3 minutes, 80/20:

    >>> k = kpis(100, 180, 14, interval=1800, threshold=20)
    >>> round(k.service_level, 4), round(k.asa, 1)
    (0.8884, 7.8)
    """
    calls_, aht_, interval_, threshold_, patience_ = _inputs(
        calls, aht, interval, threshold, patience
    )
    agents_ = _check(agents, "agents", low=0.0)
    flat, shape, scalar = _broadcast(
        calls=calls_,
        aht=aht_,
        agents=agents_,
        interval=interval_,
        threshold=threshold_,
        patience=patience_,
    )
    m = _metrics(*flat, need_asa=True)
    assert m.asa is not None
    answered = 1.0 - m.abandon_rate
    with np.errstate(divide="ignore", invalid="ignore"):
        sl_answered = np.where(answered > 0.0, m.service_level / answered, 0.0)

    def out(arr: FloatArray) -> FloatArray | float:
        return _scalar_or_array(arr.reshape(shape), scalar)

    return ErlangKPIs(
        service_level=out(m.service_level),
        service_level_answered=out(np.minimum(sl_answered, 1.0)),
        asa=out(m.asa),
        mean_wait=out(m.mean_wait),
        p_wait=out(m.p_wait),
        abandon_rate=out(m.abandon_rate),
        occupancy=out(m.occupancy),
    )


# --------------------------------------------------------------------------- required agents


def _bisect_real(
    meets: Callable[[FloatArray], NDArray[np.bool_]], lo: FloatArray, hi: FloatArray
) -> FloatArray:
    """Smallest real ``n`` in ``(lo, hi]`` with ``meets(n)``, to 1e-9 relative.

    ``meets(hi)`` is True and ``meets`` is monotone; plain bisection, vectorized.
    """
    while ((hi - lo) > 1e-9 * np.maximum(hi, 1.0)).any():
        mid = 0.5 * (lo + hi)
        ok = meets(mid)
        hi = np.where(ok, mid, hi)
        lo = np.where(ok, lo, mid)
    return hi


def _bisect_smallest(
    meets: Callable[[NDArray[np.int64]], NDArray[np.bool_]],
    lo: NDArray[np.int64],
    step: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Smallest ``n > lo`` with ``meets(n)``, for a predicate monotone in ``n``.

    ``meets(lo)`` must be False. Gallops up from ``lo`` by doubling steps, then bisects;
    all elements move together, one vectorized evaluation per round.
    """
    hi = lo + step
    ok = meets(hi)
    while not ok.all():
        lo = np.where(ok, lo, hi)
        step = np.where(ok, step, 2 * step)
        hi = np.where(ok, hi, hi + step)
        ok = meets(hi)
    while (open_ := hi - lo > 1).any():
        mid = (lo + hi) // 2
        ok = meets(mid)
        hi = np.where(open_ & ok, mid, hi)
        lo = np.where(open_ & ~ok, mid, lo)
    return hi


_TARGET_RANGES: dict[str, dict] = {
    "service_level": {"low": 0.0, "high": 1.0, "low_open": True, "high_open": True},
    "asa": {"low": 0.0, "low_open": True, "unit": " seconds"},
    "abandon_rate": {"low": 0.0, "high": 1.0, "low_open": True, "high_open": True},
    "max_occupancy": {"low": 0.0, "high": 1.0, "low_open": True},
}


def validate_targets(
    *,
    service_level: float | None = None,
    asa: float | None = None,
    abandon_rate: float | None = None,
    max_occupancy: float | None = None,
) -> None:
    """Check service targets as :func:`required_agents` takes them; InputError if bad.

    At least one must be given; ``service_level`` and ``abandon_rate`` in (0, 1), ``asa``
    ``> 0`` seconds, ``max_occupancy`` in (0, 1].
    """
    targets = {
        "service_level": service_level,
        "asa": asa,
        "abandon_rate": abandon_rate,
        "max_occupancy": max_occupancy,
    }
    given = {name: value for name, value in targets.items() if value is not None}
    if not given:
        raise InputError(
            "targets: give at least one of service_level, asa, abandon_rate, max_occupancy"
        )
    for name, value in given.items():
        if np.ndim(value):
            raise InputError(f"{name} = {value!r}; {name} must be a single number")
        _check(value, name, **_TARGET_RANGES[name])


def required_agents(
    calls: ArrayLike,
    aht: ArrayLike,
    *,
    interval: ArrayLike = 1800,
    service_level: float | None = 0.8,
    threshold: ArrayLike = 20,
    asa: float | None = None,
    abandon_rate: float | None = None,
    max_occupancy: float | None = None,
    patience: ArrayLike | None = None,
    fractional: bool = False,
) -> NDArray[np.int64] | int | FloatArray | float:
    """Smallest number of agents meeting every service target given.

    Parameters
    ----------
    calls : array_like
        Calls offered per interval, ``>= 0``.
    aht : array_like
        Average handle time [s], ``> 0`` where ``calls > 0`` (ignored where there are none).
    interval : array_like, default 1800
        Interval length [s].
    service_level : float or None, default 0.8
        Target share of offered calls answered within ``threshold``, in (0, 1).
    threshold : array_like, default 20
        Service-level answer time [s].
    asa : float or None
        Target average speed of answer [s] (mean wait of answered calls), ``> 0``.
    abandon_rate : float or None
        Target maximum abandonment rate, in (0, 1). Meaningful with a ``patience``.
    max_occupancy : float or None
        Maximum occupancy, in (0, 1].
    patience : array_like or None
        Mean caller patience [s]; None for Erlang C, finite for Erlang A.
    fractional : bool, default False
        Return the smallest *real* number of agents meeting the targets, on the continuous
        extension of the Erlang formulas (Jagerman 1974), to 1e-9 relative: for planners
        who add fractional requirements across queues before rounding.

    Returns
    -------
    int or ndarray of int (float or ndarray of float if ``fractional``)
        Agents on the phones (before shrinkage); 0 where ``calls == 0``.

    Notes
    -----
    Every KPI is monotone in the number of agents, so the answer is found by galloping then
    bisection on integers, vectorized over intervals (about ``2 log2 sqrt(a)`` evaluations
    of :func:`kpis`). In Erlang C a staffing at or below the load never qualifies (the
    queue is unstable); in Erlang A it can, since impatient callers keep the queue finite
    (Garnett, Mandelbaum & Reiman 2002). Where calls arrive the answer is at least 1 (zero
    agents never qualify, though occupancy 0 or abandonment 0 would formally be met there),
    and in Erlang C above the load, whichever targets are given.

    Examples
    --------
    >>> int(required_agents(100, 180, interval=1800, service_level=0.8, threshold=20))
    14
    """
    calls_, aht_, interval_, threshold_, patience_ = _inputs(
        calls, aht, interval, threshold, patience
    )
    validate_targets(
        service_level=service_level,
        asa=asa,
        abandon_rate=abandon_rate,
        max_occupancy=max_occupancy,
    )
    (calls_, aht_, interval_, threshold_, patience_), shape, scalar = _broadcast(
        calls=calls_, aht=aht_, interval=interval_, threshold=threshold_, patience=patience_
    )
    result = np.zeros(calls_.size, dtype=float if fractional else np.int64)
    active = calls_ > 0.0
    if active.any():
        c, h, i, t, p = (arr[active] for arr in (calls_, aht_, interval_, threshold_, patience_))
        load = c * h / i
        erlang_c = ~np.isfinite(p)

        def meets(n: NDArray[np.int64] | FloatArray) -> NDArray[np.bool_]:
            nf = n.astype(float)
            m = _metrics(c, h, nf, i, t, p, need_asa=asa is not None)
            ok = (nf > 0.0) & ~(erlang_c & (nf <= load))
            if service_level is not None:
                ok &= m.service_level >= service_level
            if asa is not None:
                assert m.asa is not None
                ok &= m.asa <= asa
            if abandon_rate is not None:
                ok &= m.abandon_rate <= abandon_rate
            if max_occupancy is not None:
                ok &= m.occupancy <= max_occupancy
            return ok

        lo = np.where(erlang_c, np.floor(load), 0.0).astype(np.int64)
        step = np.maximum(1, np.ceil(np.sqrt(load))).astype(np.int64)
        whole = _bisect_smallest(meets, lo, step)
        if fractional:
            below = np.maximum(whole - 1.0, np.where(erlang_c, load, 0.0))
            result[active] = _bisect_real(meets, below, whole.astype(float))
        else:
            result[active] = whole
    result = result.reshape(shape)
    if scalar:
        return float(result) if fractional else int(result)
    return result


# --------------------------------------------------------------------------- chat


def _chat_servers(max_sessions: int, session_speed: ArrayLike | None) -> tuple[int, float]:
    """Check a chat queue's sessions; return ``(k, speed with k open)``."""
    if isinstance(max_sessions, bool) or not isinstance(max_sessions, int) or max_sessions < 1:
        raise InputError(f"max_sessions = {max_sessions!r}; must be a whole number >= 1")
    if session_speed is None:
        return max_sessions, 1.0
    speed = np.asarray(session_speed, dtype=float)
    if speed.shape != (max_sessions,):
        raise InputError(
            f"session_speed: {speed.size} speeds for max_sessions = {max_sessions}; give one "
            "per number of sessions open"
        )
    if not ((speed > 0).all() and (speed <= 1).all() and (np.diff(speed) <= 0).all()):
        raise InputError(
            f"session_speed = {speed.tolist()}; speeds are in (0, 1] and non-increasing"
        )
    return max_sessions, float(speed[-1])


def chat_kpis(
    chats: ArrayLike,
    aht: ArrayLike,
    agents: ArrayLike,
    max_sessions: int,
    *,
    session_speed: ArrayLike | None = None,
    interval: ArrayLike = 1800,
    threshold: ArrayLike = 20,
    patience: ArrayLike | None = None,
) -> ErlangKPIs:
    r"""Stationary KPIs of a chat queue: ``agents`` agents holding up to ``max_sessions`` each.

    With every session at full speed (``session_speed`` None or all 1) this is exact: a
    session is served at rate ``1 / aht`` whatever else is open, so the ``N`` agents'
    ``k`` slots are ``N k`` servers of one M/M/(N k)+M queue (Tezcan & Zhang 2014), i.e.
    :func:`kpis` with ``N k`` agents. With slowdown, the effective-handle-time method:
    every slot is a server of mean service time ``aht / s_k`` (``s_k`` the speed with
    ``k`` open). This is exact in the states where chats wait (every slot open, each
    session at ``s_k``) and slower than the truth below them, so its waits are upper
    bounds in the queue's birth-death picture: a conservative planning figure; the
    simulation (:func:`staffing.simulation.center_run.simulate_center`) refines it.

    Parameters
    ----------
    chats : array_like
        Chats offered in the interval, ``>= 0``.
    aht : array_like
        Handle time of a chat at full speed [s] (one session open).
    agents : array_like
        Agents in chat, ``>= 0``.
    max_sessions : int
        Sessions an agent holds at once, ``k >= 1``.
    session_speed : array_like or None
        Speed of each session with 1, ..., ``k`` open, in (0, 1], non-increasing; None:
        all 1.
    interval, threshold, patience
        As :func:`kpis` [s].

    Returns
    -------
    ErlangKPIs
        As :func:`kpis`; ``occupancy`` is that of the slots (sessions open over ``N k``).
    """
    k, slowest = _chat_servers(max_sessions, session_speed)
    return kpis(
        chats,
        np.asarray(aht, dtype=float) / slowest,
        np.asarray(agents, dtype=float) * k,
        interval=interval,
        threshold=threshold,
        patience=patience,
    )


def chat_required_agents(
    chats: ArrayLike,
    aht: ArrayLike,
    max_sessions: int,
    *,
    session_speed: ArrayLike | None = None,
    interval: ArrayLike = 1800,
    service_level: float | None = 0.8,
    threshold: ArrayLike = 20,
    asa: float | None = None,
    abandon_rate: float | None = None,
    patience: ArrayLike | None = None,
) -> NDArray[np.int64] | int:
    """Smallest number of chat agents meeting every target given (see :func:`chat_kpis`).

    The smallest number of slots :func:`required_agents` finds for the M/M/(N k)+M queue
    (exact at full speed, effective handle time ``aht / s_k`` otherwise), rounded up to
    whole agents of ``max_sessions`` slots: ``ceil(slots / k)``. Targets and units are
    those of :func:`required_agents`.
    """
    k, slowest = _chat_servers(max_sessions, session_speed)
    slots = required_agents(
        chats,
        np.asarray(aht, dtype=float) / slowest,
        interval=interval,
        service_level=service_level,
        threshold=threshold,
        asa=asa,
        abandon_rate=abandon_rate,
        patience=patience,
    )
    agents = -(-np.asarray(slots, dtype=np.int64) // k)
    return int(agents) if np.ndim(agents) == 0 else agents
