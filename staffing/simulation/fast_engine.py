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

These are the rules of :func:`staffing.simulation.simpy_engine.run_day`, so both engines
give the same outcome for every caller (waits equal to rounding), as the tests check. Each
caller costs O(log agents); the loop is compiled with numba (cached on disk after the first
run).

References
----------
.. [1] F. Baccelli and G. Hebuterne, "On queues with impatient customers", in Performance
   '81, North-Holland, 159-179, 1981.
"""

from dataclasses import replace

import numpy as np
from numba import njit

from staffing.callers import Returns
from staffing.simulation.model import (
    ABANDONED,
    ANSWERED,
    REDIAL,
    REPEAT,
    AgentWindows,
    Callers,
    FloatArray,
    Grid,
    Outcome,
    ReturnDraws,
    close_day,
)


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
def _pop(heap_t, heap_a, pos, size):
    """Remove the top of a heap of ``size`` entries; returns the new size."""
    size -= 1
    pos[heap_a[0]] = -1
    if size > 0:
        heap_t[0] = heap_t[size]
        heap_a[0] = heap_a[size]
        pos[heap_a[0]] = 0
        _sift_down(heap_t, heap_a, pos, size, 0)
    return size


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
    return _pop(heap_t, heap_a, pos, size)


@njit(cache=True, nogil=True)
def _run(
    arrival,
    handle,
    patience,
    interval,
    kind,
    n,
    first,
    last,
    on,
    off,
    stays,
    p_repeat,
    repeat_mean,
    p_redial,
    redial_mean,
    decide,
    delay,
    pool_handle,
    pool_patience,
    grid_start,
    grid_length,
    aht,
):
    """Run the day. Callers ``0..n-1`` are the fresh ones, in arrival order.

    Returning contacts (repeats after an unresolved call with probability ``p_repeat``,
    redials after hanging up with probability ``p_redial``) are written to slots ``n, n+1,
    ...`` of the caller arrays as they are generated, and taken in arrival order with the
    fresh callers (a fresh caller first on a tie). A return always arrives after the caller
    who caused it, so taking callers in arrival order stays valid. Returns the outcome
    arrays, the logged segments, the number of returns generated, the number falling
    outside the forecast's intervals (not simulated), and whether the pool of pre-drawn
    return durations ran out.
    """
    capacity = arrival.size
    agents = first.size
    status = np.zeros(capacity, dtype=np.int8)
    wait = np.zeros(capacity)
    agent_of = np.full(capacity, -1, dtype=np.int64)
    window = np.zeros(agents, dtype=np.int64)
    avail = np.zeros(agents)
    flagged = np.zeros(agents, dtype=np.bool_)
    seg_start = np.zeros(agents)
    heap_t = np.zeros(agents)
    heap_a = np.zeros(agents, dtype=np.int64)
    pos = np.full(agents, -1, dtype=np.int64)
    # returns waiting to arrive, keyed by (arrival, slot)
    due_t = np.zeros(capacity - n)
    due_i = np.zeros(capacity - n, dtype=np.int64)
    due_pos = np.full(capacity, -1, dtype=np.int64)
    scale_of = np.zeros(capacity)  # AHT a return's handle time was scaled by
    n_due = 0
    generated = 0
    outside = 0
    ran_out = False
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
    fresh = 0
    while True:
        if fresh < n and (n_due == 0 or arrival[fresh] <= due_t[0]):
            i = fresh
            fresh += 1
        elif n_due > 0:
            i = due_i[0]
            n_due = _pop(due_t, due_i, due_pos, n_due)
        else:
            break
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
        if chosen < 0 and not np.isfinite(patience[i]):
            continue  # stranded: settled at the end of the day
        if chosen < 0 or max(a, avail[chosen]) > a + patience[i]:
            status[i] = ABANDONED
            wait[i] = patience[i]
            again, back = p_redial, a + patience[i] + redial_mean * (delay[i] if p_redial else 0)
        else:
            j = chosen
            start = max(a, avail[j])
            status[i] = ANSWERED
            wait[i] = start - a
            agent_of[i] = j
            done = start + handle[i]
            again, back = p_repeat, done + repeat_mean * (delay[i] if p_repeat else 0)
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
        if again == 0.0 or decide[i] >= again:
            continue
        k = np.searchsorted(grid_start, back, side="right") - 1
        if k < 0 or back >= grid_start[k] + grid_length:
            outside += 1
            continue
        if n + generated >= capacity:
            ran_out = True
            continue
        slot = n + generated
        arrival[slot] = back
        # an interval forecast to have no calls may have no AHT: the cause's AHT then
        scale = aht[k]
        if scale <= 0.0:
            scale = aht[interval[i]] if i < n else scale_of[i]
        scale_of[slot] = scale
        handle[slot] = scale * pool_handle[generated]
        patience[slot] = pool_patience[generated]
        interval[slot] = k
        kind[slot] = REDIAL if status[i] == ABANDONED else REPEAT
        due_t[n_due] = back
        due_i[n_due] = slot
        due_pos[slot] = n_due
        n_due += 1
        _sift_up(due_t, due_i, due_pos, n_due - 1)
        generated += 1
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
    total = n + generated
    return (
        status[:total],
        wait[:total],
        agent_of[:total],
        logged[:n_logged],
        generated,
        outside,
        ran_out,
    )


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
        As :func:`staffing.simulation.simpy_engine.run_day`; ``queue_area`` is the sum of waits (by
        Little's law on the sample path, what the SimPy engine measures).
    """
    none, no_ints = np.zeros(0), np.zeros(0, dtype=np.int64)
    first, last, on, off, stays = agents.flat
    status, wait, agent_of, logged, *_ = _run(
        callers.arrival,
        callers.handle,
        callers.patience,
        no_ints,
        np.zeros(0, dtype=np.int8),
        callers.size,
        first,
        last,
        on,
        off,
        stays,
        0.0,
        0.0,
        0.0,
        0.0,
        none,
        none,
        none,
        none,
        none,
        1.0,
        none,
    )
    out = close_day(callers, status, wait, agent_of, logged, 0.0, 0.0)
    return replace(out, queue_area=float(out.wait.sum()))


def run_day_returning(
    callers: Callers,
    agents: AgentWindows,
    returns: Returns,
    draws: ReturnDraws,
    aht: FloatArray,
    grid: Grid,
) -> tuple[Callers, Outcome]:
    """Simulate one day in which unresolved and abandoned callers may call again.

    Every answered contact (fresh or not) resolves the caller's issue with probability
    ``returns.fcr``; otherwise the caller calls again after an exponential delay of mean
    ``returns.repeat_delay``, measured from the end of the call. A caller who hangs up calls
    again with probability ``returns.redial`` after an exponential delay of mean
    ``returns.redial_delay``. A return has the handle-time shape and patience of any caller,
    scaled by the AHT of the interval it arrives in (by its cause's AHT where that is 0, an
    interval forecast to have no calls); one that would arrive outside the
    forecast's intervals is counted in ``Outcome.returns_outside`` and not simulated. So at
    FCR ``f`` with no abandonment, an issue takes a geometric number of contacts with mean
    ``1 / f``.

    Parameters
    ----------
    callers : Callers
        The fresh callers.
    agents : AgentWindows
        When each agent takes calls.
    returns : Returns
        Resolution and redial probabilities and delays.
    draws : ReturnDraws
        The random numbers of returns, drawn in a fixed order (a seed gives the same day).
    aht : ndarray
        AHT per forecast interval [s].
    grid : Grid
        The forecast's intervals.

    Returns
    -------
    callers : Callers
        Fresh callers and returns, in arrival order, with ``kind`` set.
    outcome : Outcome
        Per caller of that list.
    """
    n = callers.size
    first, last, on, off, stays = agents.flat
    decide, delay = draws.fresh(n)
    pool = draws.expected(n, returns)
    while True:
        handle_units, patience, more_decide, more_delay = draws.pool(pool)
        capacity = n + pool
        arrival = np.concatenate((callers.arrival, np.zeros(pool)))
        handle = np.concatenate((callers.handle, np.zeros(pool)))
        patiences = np.concatenate((callers.patience, np.zeros(pool)))
        interval = np.concatenate((callers.interval, np.zeros(pool, dtype=np.int64)))
        kind = np.zeros(capacity, dtype=np.int8)
        status, wait, agent_of, logged, generated, outside, ran_out = _run(
            arrival,
            handle,
            patiences,
            interval,
            kind,
            n,
            first,
            last,
            on,
            off,
            stays,
            1.0 - returns.fcr,
            returns.repeat_delay,
            returns.redial,
            returns.redial_delay,
            np.concatenate((decide, more_decide)),
            np.concatenate((delay, more_delay)),
            handle_units,
            patience,
            grid.start,
            grid.length,
            aht,
        )
        if not ran_out:
            break
        pool *= 2  # rare: the same draws, extended; the day is run again
    total = n + generated
    order = np.argsort(arrival[:total], kind="stable")
    everyone = Callers(
        arrival[:total][order],
        handle[:total][order],
        patiences[:total][order],
        interval[:total][order],
        kind[:total][order],
    )
    out = close_day(everyone, status[order], wait[order], agent_of[order], logged, 0.0, 0.0)
    return everyone, replace(out, queue_area=float(out.wait.sum()), returns_outside=outside)
