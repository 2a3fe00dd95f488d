"""The compiled engine for several queues and groups: the SimPy model's outcomes, faster.

A discrete-event simulation compiled with numba, following the rules (ties included) of
:class:`staffing.simulation.model.Routing`, so that it gives the outcome of
:func:`staffing.simulation.simpy_engine.run_center_day` for every contact (waits equal to
rounding), as the tests check.

State: each queue is a FCFS line over its contacts in arrival order (a head pointer skips
contacts already answered or gone); each group keeps its idle agents in a min-heap keyed by
``(idle since, agent)``; one event heap keyed by ``(time, kind, id)`` holds call ends,
window ends and openings, and overflow instants, in that order of kind at one instant
(rules 2 and 4 of ``Routing``). A hang-up needs no event: a contact whose patience ran
out before an agent looks at it is recorded as abandoned then (an agent free at the very
instant the patience ends still answers, as in the SimPy engine), and contacts left
waiting at the end of the day hung up when their patience ran out. Overflow instants come
in arrival order for each (queue, group) pair, so each pair keeps one pending event, for
its next contact still waiting (the SimPy engine sets a timer per contact): contacts
answered before their instant cost no event. Arrivals are read in order from the callers'
arrays and come after the events of their instant. Each contact costs a few heap
operations, O(log agents + log waiting).

Chat (rules 6 to 9 of ``Routing``): an agent in chat keeps its open sessions (contact and
remaining work) in a row of slots, brought up to date whenever their number changes, and
one pending end event at the instant its least-work session ends (``due``; an end event
whose instant is no longer due is stale and skipped). A chat finds an agent with a free
slot by a scan of its group's agents in chat (idle agents, in the heap, come first).
"""

from dataclasses import replace

import numpy as np
from numba import njit

from staffing.simulation.model import (
    ABANDONED,
    ANSWERED,
    WAITING,
    AgentWindows,
    Callers,
    CenterOutcome,
    Routing,
    close_center_day,
)

_CALL_END, _WINDOW_END, _WINDOW_OPEN, _OVERFLOW = 0, 1, 2, 3
_SHIFT = 40  # an event's key: kind << _SHIFT | id
_MASK = (1 << _SHIFT) - 1
_AWAY, _IDLE, _BUSY, _CHAT = 0, 1, 2, 3


@njit(cache=True)
def _before(t1, k1, t2, k2):
    return t1 < t2 or (t1 == t2 and k1 < k2)


@njit(cache=True)
def _ev_push(ev_t, ev_k, size, t, key):
    """Push ``(t, key)`` on the event heap of ``size`` entries; returns the new size."""
    k = size
    while k > 0:  # move the hole up past later parents, then fill it
        parent = (k - 1) // 2
        if not _before(t, key, ev_t[parent], ev_k[parent]):
            break
        ev_t[k] = ev_t[parent]
        ev_k[k] = ev_k[parent]
        k = parent
    ev_t[k] = t
    ev_k[k] = key
    return size + 1


@njit(cache=True)
def _ev_pop(ev_t, ev_k, size):
    """Remove the top of the event heap; returns the new size."""
    size -= 1
    t = ev_t[size]
    key = ev_k[size]
    k = 0
    while True:  # move the hole down past earlier children, then fill it with the last entry
        child = 2 * k + 1
        if child >= size:
            break
        if child + 1 < size and _before(ev_t[child + 1], ev_k[child + 1], ev_t[child], ev_k[child]):
            child += 1
        if not _before(ev_t[child], ev_k[child], t, key):
            break
        ev_t[k] = ev_t[child]
        ev_k[k] = ev_k[child]
        k = child
    ev_t[k] = t
    ev_k[k] = key
    return size


@njit(cache=True)
def _gone(i, t, arrival, patience, status, wait):
    """Whether waiting contact ``i`` hung up before ``t``; if so, record it (lazily)."""
    if arrival[i] + patience[i] < t:
        status[i] = ABANDONED
        wait[i] = patience[i]
        return True
    return False


@njit(cache=True)
def _idle_up(ht, ha, pos, base, k):
    """Move the entry at slot ``k`` of a group's idle heap up to its place."""
    t = ht[base + k]
    j = ha[base + k]
    while k > 0:
        parent = (k - 1) // 2
        if not _before(t, j, ht[base + parent], ha[base + parent]):
            break
        ht[base + k] = ht[base + parent]
        ha[base + k] = ha[base + parent]
        pos[ha[base + k]] = base + k
        k = parent
    ht[base + k] = t
    ha[base + k] = j
    pos[j] = base + k


@njit(cache=True)
def _idle_down(ht, ha, pos, base, size, k):
    """Move the entry at slot ``k`` of a group's idle heap down to its place."""
    t = ht[base + k]
    j = ha[base + k]
    while True:
        child = 2 * k + 1
        if child >= size:
            break
        r = child + 1
        if r < size and _before(ht[base + r], ha[base + r], ht[base + child], ha[base + child]):
            child = r
        if not _before(ht[base + child], ha[base + child], t, j):
            break
        ht[base + k] = ht[base + child]
        ha[base + k] = ha[base + child]
        pos[ha[base + k]] = base + k
        k = child
    ht[base + k] = t
    ha[base + k] = j
    pos[j] = base + k


@njit(cache=True)
def _idle_remove(ht, ha, pos, base, size, k):
    """Remove slot ``k`` of a group's idle heap of ``size``; returns the new size."""
    size -= 1
    pos[ha[base + k]] = -1
    if k < size:
        moved = ha[base + size]
        ht[base + k] = ht[base + size]
        ha[base + k] = moved
        _idle_up(ht, ha, pos, base, k)
        _idle_down(ht, ha, pos, base, size, pos[moved] - base)
    return size


@njit(cache=True)
def _up_to_date(j, t, n_open, rem, updated, speed_g):
    """Take the work done since the last change off agent ``j``'s open sessions."""
    m = n_open[j]
    if m > 0:
        done = (t - updated[j]) * speed_g[m - 1]
        for k in range(m):
            rem[j, k] -= done
    updated[j] = t


@njit(cache=True)
def _open(j, i, t, work, n_open, slot, rem, updated, steady, speed_g):
    """Open contact ``i``'s session of ``work`` seconds on agent ``j`` at ``t`` (rule 7)."""
    _up_to_date(j, t, n_open, rem, updated, speed_g)
    m = n_open[j]
    slot[j, m] = i
    rem[j, m] = work
    n_open[j] = m + 1
    steady[j] = t


@njit(cache=True)
def _next_end(j, t, n_open, rem, speed_g):
    """When agent ``j``'s first session to end ends, with the work as of ``t``."""
    m = n_open[j]
    first = 0
    for k in range(1, m):
        if rem[j, k] < rem[j, first]:
            first = k
    return t + rem[j, first] / speed_g[m - 1]


@njit(cache=True)
def _with_slot(g, t, g_base, g_end, state, n_open, steady, window, off, slots):
    """Group ``g``'s agent in chat with a free slot and fewest sessions (rule 8); -1: none."""
    best = -1
    for j in range(g_base[g], g_end[g]):
        m = n_open[j]
        if not (state[j] == _CHAT and m < slots[g] and t < off[window[j]]):
            continue
        if best < 0 or m < n_open[best] or (m == n_open[best] and steady[j] < steady[best]):
            best = j
    return best


@njit(cache=True)
def _pick(
    g,
    j,
    t,
    chat_only,
    sk_ptr,
    sk_q,
    chat,
    head,
    tail,
    q_order,
    status,
    wait,
    arrival,
    patience,
    delay,
    priority,
    agent_of,
):
    """Answer the contact a freed agent ``j`` takes now (rule 3); -1: none."""
    best = -1
    best_q = -1
    for s in range(sk_ptr[g], sk_ptr[g + 1]):
        q = sk_q[s]
        if chat_only and not chat[q]:
            continue
        while head[q] < tail[q] and (
            status[q_order[head[q]]] != WAITING
            or _gone(q_order[head[q]], t, arrival, patience, status, wait)
        ):
            head[q] += 1
        if head[q] == tail[q]:
            continue
        i = q_order[head[q]]
        if arrival[i] + delay[g, q] > t:
            continue
        if best < 0 or (priority[q] == priority[best_q] and arrival[i] < arrival[best]):
            best = i
            best_q = q
    if best >= 0:
        head[best_q] += 1
        status[best] = ANSWERED
        wait[best] = t - arrival[best]
        agent_of[best] = j
    return best


@njit(cache=True, nogil=True)
def _run(
    arrival,
    handle,
    patience,
    queue,
    q_order,
    q_ptr,
    first,
    last,
    on,
    off,
    stays,
    win_agent,
    group_of,
    g_base,
    g_end,
    delay,
    factor,
    priority,
    chat,
    speed,
    slots,
    sk_ptr,
    sk_q,
    im_ptr,
    im_g,
    ov_ptr,
    ov_g,
    deferred,
    reserve,
):
    n = arrival.size
    agents = first.size
    groups, queues = delay.shape
    status = np.zeros(n, dtype=np.int8)
    wait = np.zeros(n)
    end = np.full(n, np.nan)
    agent_of = np.full(n, -1, dtype=np.int64)
    head = q_ptr[:-1].copy()
    tail = q_ptr[:-1].copy()
    state = np.zeros(agents, dtype=np.int64)
    window = np.zeros(agents, dtype=np.int64)
    seg_start = np.zeros(agents)
    ht = np.zeros(agents)
    ha = np.zeros(agents, dtype=np.int64)
    pos = np.full(agents, -1, dtype=np.int64)
    hsize = np.zeros(groups, dtype=np.int64)
    # per agent: the instant its call or first session ends; open chat sessions (contact and
    # remaining work), when that work was brought up to date, since when this many are open
    due = np.full(agents, -1.0)
    n_open = np.zeros(agents, dtype=np.int64)
    slot = np.zeros((agents, speed.shape[1]), dtype=np.int64)
    rem = np.zeros((agents, speed.shape[1]))
    updated = np.zeros(agents)
    steady = np.zeros(agents)
    # per (queue, group) pair with an overflow delay: the next contact whose overflow
    # instant is due, and whether an event is pending for it
    front = np.zeros(queues * groups, dtype=np.int64)
    pending = np.zeros(queues * groups, dtype=np.bool_)
    capacity = 3 * agents + 2 * n + queues * groups + 8
    ev_t = np.zeros(capacity)
    ev_k = np.zeros(capacity, dtype=np.int64)
    esize = 0
    logged = np.zeros((on.size + 1, 2))
    logged_agent = np.zeros(on.size + 1, dtype=np.int64)
    n_logged = 0
    # every agent waits for its first window
    for j in range(agents):
        if first[j] <= last[j]:
            window[j] = first[j]
            esize = _ev_push(ev_t, ev_k, esize, on[first[j]], (_WINDOW_OPEN << _SHIFT) | first[j])
    fresh = 0
    while True:
        if esize > 0 and (fresh >= n or ev_t[0] <= arrival[fresh]):
            t = ev_t[0]
            kind = ev_k[0] >> _SHIFT
            ident = ev_k[0] & _MASK
            esize = _ev_pop(ev_t, ev_k, esize)
            j = -1
            if kind == _CALL_END:
                j = ident
                if t != due[j]:
                    continue  # a chat agent's end instant moved when a session opened
                due[j] = -1.0
                if state[j] == _CHAT:
                    # the session of least remaining work ends (rule 7)
                    g = group_of[j]
                    _up_to_date(j, t, n_open, rem, updated, speed[g])
                    m = n_open[j]
                    k = 0
                    for x in range(1, m):
                        if rem[j, x] < rem[j, k]:
                            k = x
                    end[slot[j, k]] = t
                    for x in range(k, m - 1):
                        slot[j, x] = slot[j, x + 1]
                        rem[j, x] = rem[j, x + 1]
                    n_open[j] = m - 1
                    steady[j] = t
                    if n_open[j] > 0:
                        w = window[j]
                        if t < off[w] or stays[w]:
                            while n_open[j] < slots[g]:  # rule 9: fill the free slots
                                i = _pick(
                                    g,
                                    j,
                                    t,
                                    True,
                                    sk_ptr,
                                    sk_q,
                                    chat,
                                    head,
                                    tail,
                                    q_order,
                                    status,
                                    wait,
                                    arrival,
                                    patience,
                                    delay,
                                    priority,
                                    agent_of,
                                )
                                if i < 0:
                                    break
                                work = handle[i] * factor[g, queue[i]]
                                _open(j, i, t, work, n_open, slot, rem, updated, steady, speed[g])
                        due[j] = _next_end(j, t, n_open, rem, speed[g])
                        esize = _ev_push(ev_t, ev_k, esize, due[j], (_CALL_END << _SHIFT) | j)
                        continue
            elif kind == _WINDOW_OPEN:
                j = win_agent[ident]
                seg_start[j] = t
                if off[ident] > t:
                    esize = _ev_push(ev_t, ev_k, esize, off[ident], (_WINDOW_END << _SHIFT) | ident)
            elif kind == _WINDOW_END:
                j = win_agent[ident]
                if state[j] != _IDLE or window[j] != ident:
                    continue  # busy (it leaves after its call) or already gone
                g = group_of[j]
                hsize[g] = _idle_remove(ht, ha, pos, g_base[g], hsize[g], pos[j] - g_base[g])
                state[j] = _AWAY
            else:  # _OVERFLOW
                # the overflow instants of pair (group g, queue q), in arrival order: each
                # contact still waiting at its instant goes to an idle agent of g (chat: or
                # one with a free slot), if any
                q = ident // groups
                g = ident % groups
                pending[ident] = False
                d = delay[g, q]
                f = front[ident]
                while f < tail[q]:
                    i = q_order[f]
                    if status[i] != WAITING or _gone(i, t, arrival, patience, status, wait):
                        f += 1
                        continue
                    if arrival[i] + d > t:
                        break
                    f += 1
                    if hsize[g] > (reserve[g] if deferred[q] else 0):
                        j = ha[g_base[g]]
                        hsize[g] = _idle_remove(ht, ha, pos, g_base[g], hsize[g], 0)
                    elif chat[q]:
                        j = _with_slot(
                            g, t, g_base, g_end, state, n_open, steady, window, off, slots
                        )
                        if j < 0:
                            continue  # it waits for a freed slot of g (rule 9)
                    else:
                        continue  # it waits for a freed agent of g (rule 3)
                    status[i] = ANSWERED
                    wait[i] = t - arrival[i]
                    agent_of[i] = j
                    if chat[q]:
                        state[j] = _CHAT
                        _open(
                            j,
                            i,
                            t,
                            handle[i] * factor[g, q],
                            n_open,
                            slot,
                            rem,
                            updated,
                            steady,
                            speed[g],
                        )
                        due[j] = _next_end(j, t, n_open, rem, speed[g])
                    else:
                        state[j] = _BUSY
                        due[j] = t + handle[i] * factor[g, q]
                        end[i] = due[j]
                    esize = _ev_push(ev_t, ev_k, esize, due[j], (_CALL_END << _SHIFT) | j)
                front[ident] = f
                if f < tail[q]:
                    pending[ident] = True
                    esize = _ev_push(
                        ev_t, ev_k, esize, arrival[q_order[f]] + d, (_OVERFLOW << _SHIFT) | ident
                    )
                continue
            # agent j is free at t: in its window (opened, or after a call), or leaving it
            g = group_of[j]
            leaving = kind == _WINDOW_END
            while True:
                w = window[j]
                if not leaving and not (t >= off[w] and not stays[w]):
                    # rule 3: the contact this agent takes, if any (as _pick, written out here:
                    # the call costs the voice day a third of its speed)
                    best = -1
                    best_q = -1
                    past = t >= off[w]  # staying past a closing time: no deferred item
                    for s in range(sk_ptr[g], sk_ptr[g + 1]):
                        q = sk_q[s]
                        if deferred[q] and (past or hsize[g] < reserve[g]):
                            continue  # rules 10 and 11
                        while head[q] < tail[q] and (
                            status[q_order[head[q]]] != WAITING
                            or _gone(q_order[head[q]], t, arrival, patience, status, wait)
                        ):
                            head[q] += 1
                        if head[q] == tail[q]:
                            continue
                        i = q_order[head[q]]
                        if arrival[i] + delay[g, q] > t:
                            continue
                        if best < 0 or (
                            priority[q] == priority[best_q] and arrival[i] < arrival[best]
                        ):
                            best = i
                            best_q = q
                    if best >= 0:
                        head[best_q] += 1
                        status[best] = ANSWERED
                        wait[best] = t - arrival[best]
                        agent_of[best] = j
                    if best >= 0:
                        q = queue[best]
                        if chat[q]:
                            state[j] = _CHAT
                            work = handle[best] * factor[g, q]
                            _open(j, best, t, work, n_open, slot, rem, updated, steady, speed[g])
                            while n_open[j] < slots[g]:  # rule 9: fill the free slots
                                i = _pick(
                                    g,
                                    j,
                                    t,
                                    True,
                                    sk_ptr,
                                    sk_q,
                                    chat,
                                    head,
                                    tail,
                                    q_order,
                                    status,
                                    wait,
                                    arrival,
                                    patience,
                                    delay,
                                    priority,
                                    agent_of,
                                )
                                if i < 0:
                                    break
                                work = handle[i] * factor[g, queue[i]]
                                _open(j, i, t, work, n_open, slot, rem, updated, steady, speed[g])
                            due[j] = _next_end(j, t, n_open, rem, speed[g])
                        else:
                            state[j] = _BUSY
                            due[j] = t + handle[best] * factor[g, q]
                            end[best] = due[j]
                        esize = _ev_push(ev_t, ev_k, esize, due[j], (_CALL_END << _SHIFT) | j)
                        break
                    if t < off[w]:
                        state[j] = _IDLE
                        base = g_base[g]
                        k = hsize[g]
                        ht[base + k] = t
                        ha[base + k] = j
                        pos[j] = base + k
                        hsize[g] += 1
                        _idle_up(ht, ha, pos, base, k)
                        break
                # leave window w at t, and enter the next usable one
                leaving = False
                logged[n_logged, 0] = seg_start[j]
                logged[n_logged, 1] = t
                logged_agent[n_logged] = j
                n_logged += 1
                state[j] = _AWAY
                w += 1
                while w <= last[j] and t >= off[w] and not stays[w] and t >= on[w]:
                    w += 1  # windows wholly taken by an overrunning call
                window[j] = w
                if w > last[j]:
                    break
                if t < on[w]:
                    esize = _ev_push(ev_t, ev_k, esize, on[w], (_WINDOW_OPEN << _SHIFT) | w)
                    break
                seg_start[j] = t
                if off[w] > t:
                    esize = _ev_push(ev_t, ev_k, esize, off[w], (_WINDOW_END << _SHIFT) | w)
        elif fresh < n:
            i = fresh
            fresh += 1
            t = arrival[i]
            q = queue[i]
            tail[q] += 1
            answered = False
            for s in range(im_ptr[q], im_ptr[q + 1]):
                g = im_g[s]
                j = -1
                if hsize[g] > (reserve[g] if deferred[q] else 0):
                    j = ha[g_base[g]]
                    hsize[g] = _idle_remove(ht, ha, pos, g_base[g], hsize[g], 0)
                elif chat[q]:
                    j = _with_slot(g, t, g_base, g_end, state, n_open, steady, window, off, slots)
                if j < 0:
                    continue
                status[i] = ANSWERED
                agent_of[i] = j
                if chat[q]:
                    state[j] = _CHAT
                    _open(
                        j,
                        i,
                        t,
                        handle[i] * factor[g, q],
                        n_open,
                        slot,
                        rem,
                        updated,
                        steady,
                        speed[g],
                    )
                    due[j] = _next_end(j, t, n_open, rem, speed[g])
                else:
                    state[j] = _BUSY
                    due[j] = t + handle[i] * factor[g, q]
                    end[i] = due[j]
                esize = _ev_push(ev_t, ev_k, esize, due[j], (_CALL_END << _SHIFT) | j)
                answered = True
                break
            if answered:
                continue
            for s in range(ov_ptr[q], ov_ptr[q + 1]):
                pair = q * groups + ov_g[s]
                if not pending[pair]:  # else an earlier contact's instant comes first
                    pending[pair] = True
                    front[pair] = tail[q] - 1
                    esize = _ev_push(
                        ev_t, ev_k, esize, t + delay[ov_g[s], q], (_OVERFLOW << _SHIFT) | pair
                    )
        else:
            break
    for i in range(n):  # nobody came for them: they hung up when their patience ran out
        if status[i] == WAITING and np.isfinite(patience[i]):
            status[i] = ABANDONED
            wait[i] = patience[i]
    return status, wait, agent_of, logged[:n_logged], logged_agent[:n_logged], end


@njit(cache=True)
def _by_queue(queue, queues):
    """Contacts grouped by queue, each group in arrival order: the order and its pointers."""
    ptr = np.zeros(queues + 1, dtype=np.int64)
    for q in queue:
        ptr[q + 1] += 1
    for q in range(queues):
        ptr[q + 1] += ptr[q]
    fill = ptr[:-1].copy()
    order = np.empty(queue.size, dtype=np.int64)
    for i in range(queue.size):
        order[fill[queue[i]]] = i
        fill[queue[i]] += 1
    return order, ptr


def _csr(lists: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    ptr = np.zeros(len(lists) + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(x) for x in lists])
    flat = np.array([v for x in lists for v in x], dtype=np.int64)
    return ptr, flat


def run_center_day_fast(callers: Callers, agents: AgentWindows, routing: Routing) -> CenterOutcome:
    """Simulate one day of several queues and groups with the compiled engine.

    Same inputs and outcome as :func:`staffing.simulation.simpy_engine.run_center_day`.

    Parameters
    ----------
    callers : Callers
        Contacts of every queue in arrival order, with ``queue`` set.
    agents : AgentWindows
        When each agent takes contacts; agents of one group are consecutive, groups in
        order (as :func:`staffing.simulation.model.join_windows` makes them).
    routing : Routing
        Skills, overflow delays, handle factors, priorities and each agent's group.

    Returns
    -------
    CenterOutcome
    """
    groups, queues = routing.shape
    group_of = routing.group_of
    if group_of.size and (np.diff(group_of) < 0).any():
        raise ValueError("agents of one group must be consecutive, groups in order")
    first, last, on, off, stays = agents.flat
    win_agent = np.repeat(np.arange(first.size, dtype=np.int64), last - first + 1)
    g_base = np.searchsorted(group_of, np.arange(groups)).astype(np.int64)
    g_end = np.searchsorted(group_of, np.arange(groups), side="right").astype(np.int64)
    queue = callers.queue
    q_order, q_ptr = _by_queue(queue, queues)
    sk_ptr, sk_q = _csr([routing.skills(g) for g in range(groups)])
    im_ptr, im_g = _csr([routing.immediate(q) for q in range(queues)])
    ov_ptr, ov_g = _csr([routing.overflow(q) for q in range(queues)])
    status, wait, agent_of, logged, logged_agent, end = _run(
        callers.arrival,
        callers.handle,
        callers.patience,
        queue,
        q_order,
        q_ptr,
        first,
        last,
        on,
        off,
        stays,
        win_agent,
        group_of,
        g_base,
        g_end,
        np.nan_to_num(routing.delay, nan=np.inf),
        np.nan_to_num(routing.factor, nan=1.0),
        routing.priority,
        routing.chat,
        routing.speed,
        np.array([routing.sessions(g) for g in range(groups)], dtype=np.int64),
        sk_ptr,
        sk_q,
        im_ptr,
        im_g,
        ov_ptr,
        ov_g,
        routing.deferred,
        routing.reserve,
    )
    zero = np.zeros(queues)
    out = close_center_day(
        callers, status, wait, agent_of, logged, logged_agent, zero, zero, end, routing.deferred
    )
    # hang-ups are found lazily (no event each), so the queue's time-integral is taken from
    # the waits: on the sample path they are equal (Little's law), as the SimPy engine's
    # measured integral shows
    return replace(out, queue_area=np.bincount(queue, weights=out.wait, minlength=queues))
