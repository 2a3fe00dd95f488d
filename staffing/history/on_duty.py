"""Agents on duty per interval, inferred from who answered what in a contact log.

A log records the agent who answered each contact, not when agents were logged in; the
busy spans and the queue (a caller waiting proves no agent on the phones was free) bound
it. :func:`agents_on_duty` turns them into agents per interval for a replay.
"""

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from staffing.errors import InputError
from staffing.history.log import ContactLog
from staffing.kpis import time_in_bins

FloatArray = NDArray[np.float64]

MAX_IDLE = 900.0
"""Default longest idle gap [s] between two contacts of an agent still counted as on duty."""


@dataclass(frozen=True)
class OnDuty:
    """Agents on duty per interval, inferred from their busy spans.

    Attributes
    ----------
    start : ndarray of datetime64[s]
        Interval starts, every interval from the first to the last contact's day.
    agents : ndarray
        Mean agents on duty in each interval (agent-time on duty / interval length).
    interval : float
        Interval length [s].
    max_idle : float
        Longest gap between two contacts of an agent still counted as on duty [s].
    """

    start: NDArray[np.datetime64]
    agents: FloatArray
    interval: float
    max_idle: float


def agents_on_duty(
    log: ContactLog, interval: float = 900.0, max_idle: float = MAX_IDLE
) -> OnDuty | None:
    """Agents on duty per interval, from the agents' busy spans and the queue.

    Parameters
    ----------
    log : ContactLog
        With an ``agent`` column (the agent who answered each contact).
    interval : float
        Interval length [s].
    max_idle : float
        An agent is on duty while busy (from answer to answer + handle) and in every gap
        between two of its contacts of one day shorter than this [s]. A longer gap is time
        off the phones if a caller waited in the queue during it, and on duty (idle at a
        quiet desk) otherwise. Default :data:`MAX_IDLE` (15 min).

    Returns
    -------
    OnDuty or None
        None when the log has no ``agent`` column or no answered contact with an agent.

    Notes
    -----
    Between two contacts an agent is idle, in unlogged wrap-up, or away; the log does not
    say which. Two facts decide it:

    - an ACD routes a caller to an idle agent at once (work-conserving routing, the rule
      of every queueing model of a call center: Gans, Koole & Mandelbaum 2003, section
      4), so a caller waiting in the queue shows that no agent on the phones was idle
      then: a gap during which a caller waited is time away;
    - a gap with no caller waiting shows nothing: an agent on the phones of a quiet desk
      idles between contacts for as long as no call comes its way, so such a gap is on
      duty however long it is (within the day).

    Gaps shorter than ``max_idle`` are on duty whatever the queue did: they hold the
    after-call work a log of talk times misses, during which callers do wait. Time before
    an agent's first contact of the day and after its last is not seen (a slight lower
    bound). Busy spans are the log's handle times (with ``wrap`` when given apart); a caller
    counts as waiting from its arrival to its answer or hang-up, less one second at either
    end of a gap for logs that keep whole seconds.
    """
    if "agent" not in log.columns:
        return None
    if not (math.isfinite(interval) and interval > 0 and math.isfinite(max_idle)):
        raise InputError(f"interval = {interval!r}, max_idle = {max_idle!r}; give durations > 0")
    agent = np.asarray(log.columns["agent"], dtype=str)
    keep = log.answered & (agent != "")
    if not keep.any():
        return None
    handle = log.handle.copy()
    if "wrap" in log.columns:
        handle += np.nan_to_num(np.asarray(log.columns["wrap"], dtype=float))
    t0 = log.arrival[0].astype("datetime64[D]").astype("datetime64[s]")
    arrival = (log.arrival - t0).astype(np.int64).astype(float)
    queue = _queued(arrival, log.wait)
    begin = arrival + log.wait
    begin, end, who = begin[keep], (begin + handle)[keep], agent[keep]
    order = np.lexsort((begin, np.unique(who, return_inverse=True)[1]))
    begin, end, who = begin[order], end[order], who[order]
    # running end of the agent's spans so far (spans of one agent may overlap)
    new_agent = np.concatenate(([True], who[1:] != who[:-1]))
    reach = _running_max_by_group(end, new_agent)
    before = np.concatenate(([0.0], reach[:-1]))  # end of the agent's previous spans
    new_day = (begin // 86_400.0) != (before // 86_400.0)
    away = (begin - before > max_idle) & _overlaps(queue, before + 1.0, begin - 1.0)
    starts_duty = new_agent | new_day | away
    duty = np.flatnonzero(starts_duty)
    on = begin[duty]
    off = reach[np.append(duty[1:] - 1, begin.size - 1)]
    days = math.ceil(float(off.max()) / 86_400.0)
    bins = np.arange(0.0, days * 86_400.0, interval)
    agents = time_in_bins(on, off, np.ones(on.size), bins, interval) / interval
    start = t0 + bins.astype("timedelta64[s]")
    return OnDuty(start=start, agents=agents, interval=float(interval), max_idle=float(max_idle))


def _queued(arrival: FloatArray, wait: FloatArray) -> FloatArray:
    """Return when the queue held a caller: sorted disjoint ``(start, end)`` rows [s]."""
    waited = wait > 0
    if not waited.any():
        return np.zeros((0, 2))
    start, end = arrival[waited], (arrival + wait)[waited]
    order = np.argsort(start, kind="stable")
    start, reach = start[order], np.maximum.accumulate(end[order])
    # a run of the queue starts with a caller arriving after every earlier wait ended
    first = np.flatnonzero(np.concatenate(([True], start[1:] > reach[:-1])))
    last = np.append(first[1:] - 1, start.size - 1)
    return np.column_stack((start[first], reach[last]))


def _overlaps(runs: FloatArray, start: FloatArray, end: FloatArray) -> NDArray[np.bool_]:
    """Whether each ``(start, end)`` meets one of the sorted disjoint ``runs``."""
    k = np.searchsorted(runs[:, 1], start, side="right")  # first run ending after start
    meets = np.zeros(start.size, dtype=bool)
    inside = k < len(runs)
    meets[inside] = runs[k[inside], 0] < end[inside]
    return meets & (end > start)


def _running_max_by_group(values: FloatArray, new_group: NDArray[np.bool_]) -> FloatArray:
    """Cumulative maximum of ``values`` restarting where ``new_group`` is True."""
    group = np.cumsum(new_group) - 1
    # offset each group above the previous ones so one global cumulative max restarts per group
    span = float(values.max() - values.min()) + 1.0
    shifted = values + group * span
    return np.maximum.accumulate(shifted) - group * span


# --------------------------------------------------------------------------- calibration
