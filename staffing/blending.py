"""A center's email work shared among the groups that blend it into their idle time.

:func:`staffing.center_plan.plan_center` schedules each group alone; an email queue served
by several groups has its work split among them, and each group's schedule then carries its
share as a deadline constraint (:class:`staffing.deferred.DeferredWork`) on top of its
Erlang requirement for calls and chats:

- A group's **live load** per interval [Erlangs] is what its Erlang requirement is expected
  to carry of calls and chats: its requirement times the occupancy of its component (the
  component's offered load over its pooled requirement, chats in agent-seconds as
  :func:`staffing.center_plan._agent_aht` counts them). Only coverage above it, less the
  group's ``reserve`` (agents kept idle for calls: rule 11 of
  :class:`staffing.simulation.model.Routing`), is free for email.
- An email queue's work (items x handle time x the group's handle factor, and its starting
  backlog) is split among the groups serving it in proportion to their **free time** over
  the horizon: requirement less live load, summed over intervals. A group serving email
  only has no live load; its weight is the queue's whole workload, so that a back office
  takes the larger share of what blended agents cannot absorb.
- A group serving several email queues gets their work summed, due by the shortest of
  their deadlines (conservative).
- Each queue's **usable share** of free time (1 at first) is what simulation corrects: when
  a round's items fall due later than the queue's ``within_deadline`` allows on some day,
  the next round's share is the last one times the worst day's achieved over target (at
  least 0.2 of it), so the groups serving it are given more room (:func:`refined_usable`).

This is the fluid view of blending (Gans, Koole & Mandelbaum 2003, section 6.2: deferrable
work fills the idle time left by inbound calls); the simulation rounds check it contact by
contact, and its calls' service with it.

References
----------
.. [1] N. Gans, G. Koole and A. Mandelbaum, "Telephone call centers: tutorial, review, and
   research prospects", Manufacturing & Service Operations Management 5(2), 79-141, 2003.
"""

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from staffing.center import Center
from staffing.deferred import DeferredWork

FloatArray = NDArray[np.float64]

MIN_USABLE = 0.2
"""The least usable share a round may give an email queue's free time."""


def live_load(center: Center, requirement: NDArray[np.int64], occupancy: FloatArray) -> FloatArray:
    """Per group and interval: calls and chats its requirement is expected to carry [Erlangs].

    Parameters
    ----------
    center : Center
        Queues and groups.
    requirement : ndarray of int, shape (groups, intervals)
        Agents required per group and interval.
    occupancy : ndarray, shape (groups, intervals)
        The expected occupancy of each group's agents by calls and chats, in [0, 1].
    """
    deferred = {q.name: q.deferred for q in center.queues}
    live = np.array([not all(deferred[s] for s in g.skills) for g in center.groups])
    return np.where(live[:, None], requirement * np.clip(occupancy, 0.0, 1.0), 0.0)


def email_work(
    center: Center,
    requirement: NDArray[np.int64],
    load: FloatArray,
    usable: Mapping[str, float],
) -> dict[int, DeferredWork]:
    """Each group's share of the email queues it serves, as a deadline constraint.

    Parameters
    ----------
    center : Center
        Queues and groups; email queues are those with ``deferred`` set.
    requirement : ndarray of int, shape (groups, intervals)
        Agents required per group and interval for calls and chats, whose free time sets
        the shares (the Erlang split: agents that rounds add later are slack, not more
        email).
    load : ndarray, shape (groups, intervals)
        Live load per group and interval [Erlangs] (:func:`live_load`).
    usable : mapping of str to float
        Per email queue, the usable share of free time, in (0, 1].

    Returns
    -------
    dict of int to DeferredWork
        Per group index serving email (planned or not), its work, backlog, deadline, live
        load and usable share.
    """
    interval = float(center.forecast.interval)
    kept = load + np.array([[g.reserve] for g in center.groups], dtype=float)
    free = np.maximum(requirement - kept, 0.0).sum(axis=1) * interval
    parts: dict[int, list[tuple[FloatArray, float, float, float]]] = {}
    for queue in center.queues:
        if not queue.deferred or queue.deadline is None:
            continue
        fc = queue.forecast
        mean = queue.backlog_aht
        serving = [g for g, group in enumerate(center.groups) if queue.name in group.skills]
        total = float(np.sum(fc.calls * fc.aht)) + queue.backlog * mean
        weight = np.array(
            [
                total if load[g].sum() == 0.0 and requirement[g].sum() == 0 else free[g]
                for g in serving
            ]
        )
        share = (
            weight / weight.sum() if weight.sum() > 0 else np.full(len(serving), 1 / len(serving))
        )
        for g, part in zip(serving, share, strict=True):
            factor = center.groups[g].factor(queue.name)
            parts.setdefault(g, []).append(
                (
                    fc.calls * fc.aht * factor * part,
                    queue.backlog * mean * factor * part,
                    float(queue.deadline),
                    float(usable.get(queue.name, 1.0)),
                )
            )
    out = {}
    for g, items in parts.items():
        out[g] = DeferredWork(
            work=np.sum([w for w, _, _, _ in items], axis=0),
            deadline=min(d for _, _, d, _ in items),
            backlog=sum(b for _, b, _, _ in items),
            load=kept[g],
            usable=min(u for _, _, _, u in items),
        )
    return out


def refined_usable(usable: float, achieved: float, target: float) -> float:
    """Next round's usable share of an email queue that met ``achieved`` against ``target``.

    Unchanged when the target is met (or nothing fell due: ``achieved`` NaN); else the
    share times ``achieved / target``, at least :data:`MIN_USABLE`.

    Examples
    --------
    >>> refined_usable(1.0, 0.72, 0.9)
    0.8
    """
    if not np.isfinite(achieved) or achieved >= target:
        return usable
    return round(max(usable * achieved / target, MIN_USABLE), 6)
