"""A compiled engine for the single-queue day: the SimPy model's outcomes, ~100x faster.

For one FCFS queue with abandonment (any handle-time and patience distribution) and agents
on windows (shifts, breaks, closing time), the day's outcome is a function of the pre-drawn
callers and the agents' windows. Taking callers in arrival order, each is served by the
agent that can take a call first, provided the caller's patience lasts that long; a caller
who hangs up takes no agent (the multi-server FCFS recursion with reneging, e.g. Baccelli &
Hebuterne 1981). The agents sit in a min-heap keyed by ``(time available, agent index)``:

- an agent free before the caller arrives is idle, and the one idle longest answers (the
  lowest index among agents idle since the same instant, as in :func:`run_day`);
- otherwise the caller waits for the earliest agent (again the lowest index on a tie);
- an agent idle when its window ends leaves; one whose call overruns the window end leaves
  after the call, unless the window ends at closing time and callers are waiting (then it
  serves them first); a window wholly taken by an overrunning call is skipped.

These are the rules of :func:`staffing.simulation.run_day`, so both engines give the same
outcome for every caller (waits equal to rounding), as the tests check. Each caller costs
O(log agents); the loop is compiled with numba (cached on disk after the first run).

References
----------
.. [1] F. Baccelli and G. Hebuterne, "On queues with impatient customers", in Performance
   '81, North-Holland, 159-179, 1981.
"""

from dataclasses import replace

import numpy as np
from numba import njit

from staffing.simulation import (
    ABANDONED,
    ANSWERED,
    AgentWindows,
    Callers,
    Outcome,
    _close_day,
)

WAITING = 0


@njit(cache=True)
def _sift_down(heap_t, heap_a, pos, size, k):
    """Restore the heap below slot ``k`` (keys ``(heap_t, heap_a)``)."""
    while True:
        left = 2 * k + 1
        if left >= size:
            return
        child = left
        right = left + 1
        if right < size and (
            heap_t[right] < heap_t[left]
            or (heap_t[right] == heap_t[left] and heap_a[right] < heap_a[left])
        ):
            child = right
        if heap_t[child] < heap_t[k] or (heap_t[child] == heap_t[k] and heap_a[child] < heap_a[k]):
            heap_t[k], heap_t[child] = heap_t[child], heap_t[k]
            heap_a[k], heap_a[child] = heap_a[child], heap_a[k]
            pos[heap_a[k]] = k
            pos[heap_a[child]] = child
            k = child
        else:
            return


@njit(cache=True)
def _sift_up(heap_t, heap_a, pos, k):
    while k > 0:
        parent = (k - 1) // 2
        if heap_t[k] < heap_t[parent] or (
            heap_t[k] == heap_t[parent] and heap_a[k] < heap_a[parent]
        ):
            heap_t[k], heap_t[parent] = heap_t[parent], heap_t[k]
            heap_a[k], heap_a[parent] = heap_a[parent], heap_a[k]
            pos[heap_a[k]] = k
            pos[heap_a[parent]] = parent
            k = parent
        else:
            return


@njit(cache=True)
def _enter(j, w, t, last, on, off, stays, window, avail, flagged, seg_start):
    """Put agent ``j`` into its first usable window at or after ``w``, from time ``t``.

    Returns False when the agent has no window left.
    """
    while w <= last[j]:
        begin = max(on[w], t)
        if begin < off[w] or stays[w]:
            window[j] = w
            avail[j] = begin
            flagged[j] = begin >= off[w]
            seg_start[j] = begin
            return True
        w += 1
    window[j] = w
    return False


@njit(cache=True)
def _depart(
    j,
    w,
    leave,
    n_logged,
    logged,
    last,
    on,
    off,
    stays,
    window,
    avail,
    flagged,
    seg_start,
    heap_t,
    heap_a,
    pos,
    size,
):
    """Agent ``j``, at the heap's top, leaves window ``w`` at ``leave``.

    Logs its time on the phones, then moves it to its next usable window (re-sifting it) or
    drops it from the heap. Returns the heap's new size.
    """
    logged[n_logged, 0] = seg_start[j]
    logged[n_logged, 1] = leave
    if _enter(j, w + 1, leave, last, on, off, stays, window, avail, flagged, seg_start):
        heap_t[0] = avail[j]
        _sift_down(heap_t, heap_a, pos, size, 0)
        return size
    size -= 1
    pos[j] = -1
    if size > 0:
        heap_t[0] = heap_t[size]
        heap_a[0] = heap_a[size]
        pos[heap_a[0]] = 0
        _sift_down(heap_t, heap_a, pos, size, 0)
    return size


@njit(cache=True, nogil=True)
def _run(arrival, handle, patience, first, last, on, off, stays):
    n = arrival.size
    agents = first.size
    status = np.zeros(n, dtype=np.int8)
    wait = np.zeros(n)
    agent_of = np.full(n, -1, dtype=np.int64)
    window = np.zeros(agents, dtype=np.int64)
    avail = np.zeros(agents)
    flagged = np.zeros(agents, dtype=np.bool_)
    seg_start = np.zeros(agents)
    heap_t = np.zeros(agents)
    heap_a = np.zeros(agents, dtype=np.int64)
    pos = np.full(agents, -1, dtype=np.int64)
    logged = np.zeros((on.size + 1, 2))  # one segment per window at most
    n_logged = 0
    size = 0
    for j in range(agents):
        if first[j] <= last[j] and _enter(
            j, first[j], -np.inf, last, on, off, stays, window, avail, flagged, seg_start
        ):
            heap_t[size] = avail[j]
            heap_a[size] = j
            pos[j] = size
            size += 1
            _sift_up(heap_t, heap_a, pos, size - 1)
    for i in range(n):
        a = arrival[i]
        chosen = -1
        while size > 0:
            j = heap_a[0]
            w = window[j]
            valid = a < avail[j] if flagged[j] else a < off[w]
            if valid:
                chosen = j
                break
            # agent j left before this caller: idle at its window's end, or after its call
            size = _depart(
                j,
                w,
                max(avail[j], off[w]),
                n_logged,
                logged,
                last,
                on,
                off,
                stays,
                window,
                avail,
                flagged,
                seg_start,
                heap_t,
                heap_a,
                pos,
                size,
            )
            n_logged += 1
        if chosen < 0:
            if np.isfinite(patience[i]):
                status[i] = ABANDONED
                wait[i] = patience[i]
            continue  # stranded: settled at the end of the day
        j = chosen
        start = max(a, avail[j])
        if start > a + patience[i]:
            status[i] = ABANDONED
            wait[i] = patience[i]
            continue
        status[i] = ANSWERED
        wait[i] = start - a
        agent_of[i] = j
        done = start + handle[i]
        w = window[j]
        if done < off[w] or stays[w]:
            avail[j] = done
            flagged[j] = done >= off[w]
            heap_t[0] = done
            _sift_down(heap_t, heap_a, pos, size, 0)
        else:
            size = _depart(
                j,
                w,
                done,
                n_logged,
                logged,
                last,
                on,
                off,
                stays,
                window,
                avail,
                flagged,
                seg_start,
                heap_t,
                heap_a,
                pos,
                size,
            )
            n_logged += 1
    # after the last caller, every agent finishes its windows without calls
    for j in range(agents):
        if pos[j] < 0:
            continue
        w = window[j]
        leave = avail[j] if flagged[j] else max(avail[j], off[w])
        while True:
            logged[n_logged, 0] = seg_start[j]
            logged[n_logged, 1] = leave
            n_logged += 1
            if not _enter(j, w + 1, leave, last, on, off, stays, window, avail, flagged, seg_start):
                break
            w = window[j]
            leave = avail[j] if flagged[j] else off[w]
    return status, wait, agent_of, logged[:n_logged]


def run_day_fast(callers: Callers, agents: AgentWindows) -> Outcome:
    """Simulate one day with the compiled engine: same inputs and outcome as ``run_day``.

    Parameters
    ----------
    callers : Callers
        Who calls, when, for how long, and how patient.
    agents : AgentWindows
        When each agent takes calls.

    Returns
    -------
    Outcome
        As :func:`staffing.simulation.run_day`; ``queue_area`` is the sum of waits (by
        Little's law on the sample path, what the SimPy engine measures).
    """
    first, last, on, off, stays = agents.flat
    status, wait, agent_of, logged = _run(
        callers.arrival, callers.handle, callers.patience, first, last, on, off, stays
    )
    out = _close_day(callers, status, wait, agent_of, logged, 0.0, 0.0)
    return replace(out, queue_area=float(out.wait.sum()))
