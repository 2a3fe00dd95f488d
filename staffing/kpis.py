"""KPIs from call records and agent time, per interval and per day, with confidence intervals.

Definitions are those of DESIGN.md section 4, all over offered calls unless said otherwise,
durations in seconds. A call belongs to the interval in which it arrives; agent time (on
the phones, busy, paid) is split across intervals by clock time. Each replication gives
one estimate per KPI (a ratio of that replication's sums); across replications the mean
and the Student-t 95 % half-width are reported (Law 2015, section 9.4.1).

A per-interval KPI with a zero denominator in a replication (no calls offered, none
answered) is undefined there and left out of that interval's mean; an interval where it is
undefined in every replication reports NaN.

References
----------
.. [1] A. M. Law, Simulation Modeling and Analysis, 5th ed., McGraw-Hill, 2015.
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats

FloatArray = NDArray[np.float64]

_RESIDUE = 1e-3  # agent-seconds

KPI_NAMES = (
    "service_level",
    "service_level_answered",
    "service_level_excl_short_abandons",
    "asa",
    "mean_wait",
    "p_wait",
    "abandon_rate",
    "occupancy",
    "utilization",
)


@dataclass(frozen=True)
class Sums:
    """Counts and time sums of one replication, per interval (arrays) or for a day (floats).

    Call counts are by arrival interval; ``busy``, ``logged`` and ``paid`` are agent-seconds
    spent handling calls, on the phones, and paid.
    """

    offered: FloatArray
    answered: FloatArray
    abandoned: FloatArray
    answered_in_time: FloatArray
    abandoned_in_time: FloatArray
    waited: FloatArray
    wait_answered: FloatArray
    wait_all: FloatArray
    busy: FloatArray
    logged: FloatArray
    paid: FloatArray


def time_in_bins(
    start: FloatArray, end: FloatArray, weight: FloatArray, bin_start: FloatArray, length: float
) -> FloatArray:
    """Weighted time of segments ``[start, end)`` falling in each bin ``[b, b + length)``.

    The bins lie on one grid of step ``length``, in any order, gaps allowed. Each segment
    is cut at the grid lines: its first and last slot get their partial times, the slots in
    between a whole ``length`` each (through a difference array), all by ``bincount``:
    ``O(segments + slots)``, no sorting. Time outside the bins (before the first, after the
    last, in a gap) is not counted.
    """
    if bin_start.size == 0:
        return np.zeros(0)
    origin = bin_start.min()
    slot = np.rint((bin_start - origin) / length).astype(np.int64)
    slots = int(slot.max()) + 1
    s = np.clip(start - origin, 0.0, slots * length)
    e = np.clip(end - origin, 0.0, slots * length)
    keep = e > s
    s, e, w = s[keep], e[keep], weight[keep]
    first = np.minimum((s // length).astype(np.int64), slots - 1)
    last = np.maximum(np.ceil(e / length).astype(np.int64) - 1, first)
    one = first == last
    per_slot = np.zeros(slots)
    per_slot += np.bincount(first[one], weights=w[one] * (e[one] - s[one]), minlength=slots)
    many = ~one
    f, g, wm = first[many], last[many], w[many]
    per_slot += np.bincount(f, weights=wm * ((f + 1) * length - s[many]), minlength=slots)
    per_slot += np.bincount(g, weights=wm * (e[many] - g * length), minlength=slots)
    inner = np.zeros(slots + 1)
    inner += np.bincount(f + 1, weights=wm, minlength=slots + 1)
    inner -= np.bincount(g, weights=wm, minlength=slots + 1)
    per_slot += np.cumsum(inner)[:slots] * length
    out = per_slot[slot]
    # Cancelling partial sums leave rounding residue where nothing overlaps; below a
    # millisecond of agent time, it is zero.
    out[np.abs(out) < _RESIDUE] = 0.0
    return out


def interval_sums(
    arrival_interval: NDArray[np.int64],
    answered: NDArray[np.bool_],
    wait: FloatArray,
    busy_segments: FloatArray,
    logged_segments: FloatArray,
    paid_rows: FloatArray,
    scheduled_segments: FloatArray,
    bin_start: FloatArray,
    length: float,
    threshold: float,
) -> Sums:
    """Per-interval sums of one replication.

    Parameters
    ----------
    arrival_interval : ndarray of int
        Interval each caller arrived in.
    answered : ndarray of bool
        Whether each caller was answered (else abandoned).
    wait : ndarray
        Each caller's time in queue [s].
    busy_segments, logged_segments : ndarray, shape (k, 2)
        ``(start, end)`` of calls being handled, and of agents on the phones [s].
    paid_rows : ndarray, shape (k, 3)
        ``(start, end, agents)`` of paid time as scheduled [s].
    scheduled_segments : ndarray, shape (k, 2)
        ``(start, end)`` of the agents' scheduled time on the phones [s]. Time logged beyond
        it (a call finished past a shift's end or into a break, agents staying to clear the
        queue at closing) is paid too: ``paid`` is the scheduled paid time plus
        ``max(logged - scheduled, 0)`` per interval, so that utilization (busy / paid) never
        exceeds occupancy (busy / logged).
    bin_start : ndarray
        Interval start times [s]; intervals are ``length`` seconds long.
    threshold : float
        Service-level answer time [s].
    """
    n = bin_start.size

    def count(mask: NDArray[np.bool_], values: FloatArray | None = None) -> FloatArray:
        w = None if values is None else values[mask]
        return np.bincount(arrival_interval[mask], weights=w, minlength=n).astype(float)

    abandoned = ~answered
    in_time = wait <= threshold

    def agent_time(segments: FloatArray, weight: FloatArray) -> FloatArray:
        return time_in_bins(segments[:, 0], segments[:, 1], weight, bin_start, length)

    logged = agent_time(logged_segments, np.ones(len(logged_segments)))
    scheduled = agent_time(scheduled_segments, np.ones(len(scheduled_segments)))

    return Sums(
        offered=count(np.ones_like(answered)),
        answered=count(answered),
        abandoned=count(abandoned),
        answered_in_time=count(answered & in_time),
        abandoned_in_time=count(abandoned & in_time),
        waited=count(wait > 0.0),
        wait_answered=count(answered, wait),
        wait_all=count(np.ones_like(answered), wait),
        busy=agent_time(busy_segments, np.ones(len(busy_segments))),
        logged=logged,
        paid=agent_time(paid_rows[:, :2], paid_rows[:, 2]) + np.maximum(logged - scheduled, 0.0),
    )


def day_sums(per_interval: Sums, busy: float, logged: float, paid: float) -> Sums:
    """Whole-day sums: calls summed over intervals, agent time over the whole day.

    Agent time is taken whole (``busy``, ``logged``, ``paid`` in agent-seconds) because calls
    finished after closing time fall outside every interval.
    """
    fields = {name: float(np.sum(getattr(per_interval, name))) for name in Sums.__annotations__}
    fields.update(busy=busy, logged=logged, paid=paid)
    return Sums(**fields)


def ratios(s: Sums) -> dict[str, FloatArray]:
    """Compute the KPIs of DESIGN.md section 4 from sums; NaN where a denominator is 0."""

    def div(num: FloatArray, den: FloatArray) -> FloatArray:
        num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
        out = np.full(np.broadcast(num, den).shape, np.nan)
        np.divide(num, den, out=out, where=den > 0)
        return out

    return {
        "service_level": div(s.answered_in_time, s.offered),
        "service_level_answered": div(s.answered_in_time, s.answered),
        "service_level_excl_short_abandons": div(
            s.answered_in_time, np.asarray(s.offered) - np.asarray(s.abandoned_in_time)
        ),
        "asa": div(s.wait_answered, s.answered),
        "mean_wait": div(s.wait_all, s.offered),
        "p_wait": div(s.waited, s.offered),
        "abandon_rate": div(s.abandoned, s.offered),
        # busy time lies within logged time; clip the rounding of time_in_bins (~1e-8)
        "occupancy": np.minimum(div(s.busy, s.logged), 1.0),
        "utilization": div(s.busy, s.paid),
    }


def confidence(values: FloatArray, level: float = 0.95) -> tuple[FloatArray, FloatArray]:
    """Mean and Student-t half-width over axis 0 (replications), ignoring NaN.

    With ``m`` defined replications, ``half = t_{(1+level)/2, m-1} s / sqrt(m)``; NaN where
    ``m < 2`` (for the half-width) or ``m == 0`` (for both).
    """
    values = np.asarray(values, dtype=float)
    valid = ~np.isnan(values)
    m = valid.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.where(valid, values, 0.0).sum(axis=0)
        mean = np.where(m > 0, total / np.maximum(m, 1), np.nan)
        dev = np.where(valid, values - mean, 0.0)
        var = (dev**2).sum(axis=0) / np.maximum(m - 1, 1)
        t = stats.t.ppf(0.5 + level / 2, np.maximum(m - 1, 1))
        half = np.where(m > 1, t * np.sqrt(var / np.maximum(m, 1)), np.nan)
    return mean, half
