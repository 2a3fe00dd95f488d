"""Targets held over a day or the horizon, as a schedule optimizer can weigh them.

A contract measured over the day lets service fall short in one interval where another
makes up for it; what it costs to buy is shifts, not agent-intervals. So the schedule itself
must choose where agents go: each interval keeps a floor (with patient callers, the fewest
agents keeping its abandonment under :data:`_FLOOR_ABANDON`; without, more agents than its
load; never below its load over an occupancy cap), and every agent above the floor earns
what it adds to the period's pooled measures — contacts answered in time, contacts not
abandoned, waiting saved — by the exact Erlang formulas of :mod:`staffing.erlang`. A
schedule meets the period's targets when the agents it puts above the floors earn what
the floors leave missing. The gains are made concave (each further agent adds no more than
the one before, as marginal analysis needs; Fox 1966) by their least concave majorant, so
a linear programme reads them exactly at the whole numbers of agents it can reach. The
schedule is then verified by simulation, which corrects each period's aim.

References
----------
.. [1] B. Fox, "Discrete optimization via marginal analysis", Management Science 13(3),
   210-216, 1966.
.. [2] R. E. Barlow, D. J. Bartholomew, J. M. Bremner and H. D. Brunk, *Statistical
   Inference under Order Restrictions*, Wiley, 1972 (pool-adjacent-violators).
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from staffing import erlang
from staffing.errors import InputError
from staffing.forecast import Forecast
from staffing.requirements import ServiceTargets, periods

_FLOOR_ABANDON = 0.25
"""With patient callers (Erlang A), no interval is staffed below the agents that keep its
abandonment under this share: a guard against plans that give an hour up for lost (queues
that deep also carry over into the next interval, which the stationary formulas ignore)."""
_MIN_DEPTH = 4
"""Fewest agents above the floor an interval may earn for (the depth of its gain curve)."""


@dataclass(frozen=True)
class PooledTargets:
    """What the agents above each interval's floor earn toward targets held over periods.

    Attributes
    ----------
    floor : ndarray of int, shape (n,)
        Agents every interval keeps on the phones (0 where no calls arrive).
    gains : ndarray of float, shape (m, n, depth)
        ``gains[j, t, k]``: what the ``k + 1``-th agent above the floor of interval ``t``
        adds to measure ``j`` (contacts), non-increasing in ``k``.
    period : ndarray of int, shape (n,)
        Each interval's period (:func:`staffing.requirements.periods`).
    need : ndarray of float, shape (m, periods)
        What the agents above the floors must add to measure ``j`` in each period
        (<= 0 where the floors alone meet it).
    measures : tuple of str
        The target each measure stands for (``service_level``, ``abandon_rate``, ``asa``).
    """

    floor: NDArray[np.int64]
    gains: NDArray[np.float64]
    period: NDArray[np.int64]
    need: NDArray[np.float64]
    measures: tuple[str, ...]

    @property
    def depth(self) -> int:
        """Agents above the floor each interval's gain curve reaches."""
        return int(self.gains.shape[2])

    def allocation(self, coverage: NDArray[np.float64]) -> NDArray[np.int64]:
        """Agents per interval that count toward the targets under ``coverage``.

        The whole agents on the phones, between the floor and the floor plus the depth.
        """
        whole = np.floor(np.asarray(coverage, dtype=float) + 1e-9).astype(np.int64)
        return np.clip(whole, self.floor, self.floor + self.depth)


def pooled_targets(
    forecast: Forecast,
    targets: ServiceTargets,
    patience: float | None = None,
    aims: Sequence[ServiceTargets] | None = None,
    at_least: NDArray[np.int64] | None = None,
) -> PooledTargets:
    """Floors, concave gains and needs of the targets over each period of ``targets.over``.

    Parameters
    ----------
    forecast : Forecast
        Contacts and AHT per interval.
    targets : ServiceTargets
        With ``over`` ``"day"`` or ``"horizon"``; the occupancy cap sets the floors.
    patience : float or None
        Mean caller patience [s] (Erlang A), or None (Erlang C).
    aims : sequence of ServiceTargets, optional
        What each period (in :func:`periods` order) aims for instead of ``targets``, as a
        plan corrects its aim by the simulated gap.
    at_least : ndarray of int, optional
        Agents per interval the floors may not go below (an interval whose occupancy cap
        simulation found missed).

    Returns
    -------
    PooledTargets

    Raises
    ------
    InputError
        When a period's targets cannot be met even with every interval at its depth.
    """
    calls, aht, interval = forecast.calls, forecast.aht, forecast.interval
    busy = calls > 0
    load = np.where(busy, calls * aht / interval, 0.0) / (targets.max_occupancy or 1.0)
    if patience is None:  # Erlang C needs more agents than the load (a stable queue)
        lowest = np.floor(load) + 1
    else:  # below the load, callers abandon: how far below is for the targets to say
        lowest = np.maximum(
            np.asarray(
                erlang.required_agents(
                    calls,
                    aht,
                    interval=interval,
                    patience=patience,
                    service_level=None,
                    abandon_rate=_FLOOR_ABANDON,
                )
            ),
            np.ceil(load - 1e-9) if targets.max_occupancy else 0,
        )
    floor = np.where(busy, np.maximum(lowest, 1), 0).astype(np.int64)
    if at_least is not None:
        floor = np.maximum(floor, at_least)
    per_interval = erlang.required_agents(
        calls, aht, interval=interval, patience=patience, **_strict(targets).as_kwargs()
    )
    depth = max(_MIN_DEPTH, int(2 * np.max(np.asarray(per_interval) - floor, initial=0)))
    n = floor[:, None] + np.arange(depth + 1)[None, :]
    k = erlang.kpis(
        np.repeat(calls, depth + 1),
        np.repeat(aht, depth + 1),
        n.ravel(),
        interval=interval,
        threshold=targets.threshold,
        patience=patience,
    )
    shape = n.shape
    offered = calls[:, None]
    abandoned = offered * np.asarray(k.abandon_rate).reshape(shape)
    answered = offered - abandoned
    in_time = offered * np.asarray(k.service_level).reshape(shape)
    wait = np.where(answered > 0, answered * np.asarray(k.asa).reshape(shape), 0.0)
    period = periods(forecast, targets.over)
    count = int(period.max()) + 1
    aims = [targets] * count if aims is None else list(aims)
    total = np.bincount(period, weights=calls, minlength=count)
    measures, values, needs = [], [], []
    if targets.service_level is not None:
        measures.append("service_level")
        values.append(in_time)
        needs.append(np.array([a.service_level for a in aims]) * total)
    if targets.abandon_rate is not None:
        measures.append("abandon_rate")
        values.append(-abandoned)
        needs.append(-np.array([a.abandon_rate for a in aims]) * total)
    if targets.asa is not None:
        # total wait <= asa x answered, as asa x answered - wait >= 0
        measures.append("asa")
        aim = np.array([a.asa for a in aims])[period][:, None]
        values.append(np.where(busy[:, None], aim * answered - wait, 0.0))
        needs.append(np.zeros(count))
    gains = np.zeros((len(values), calls.size, depth))
    need = np.zeros((len(values), count))
    for j, (value, wanted) in enumerate(zip(values, needs, strict=True)):
        gains[j] = _concave(np.diff(value, axis=1))
        gains[j][~busy] = 0.0
        start = np.bincount(period, weights=np.where(busy, value[:, 0], 0.0), minlength=count)
        need[j] = wanted - start
        reach = np.bincount(period, weights=gains[j].sum(axis=1), minlength=count)
        if np.any(need[j] > reach + 1e-9):
            raise InputError(
                f"the {measures[j].replace('_', ' ')} target over the "
                f"{targets.over} cannot be met; check the targets"
            )
    return PooledTargets(floor, gains, period, need, tuple(measures))


def _strict(targets: ServiceTargets) -> ServiceTargets:
    """Targets per interval, a little stricter: how deep each gain curve must reach."""
    return ServiceTargets(
        service_level=None
        if targets.service_level is None
        else min(0.5 * (1.0 + targets.service_level), 0.99),
        threshold=targets.threshold,
        asa=None if targets.asa is None else 0.5 * targets.asa,
        abandon_rate=None if targets.abandon_rate is None else 0.5 * targets.abandon_rate,
        max_occupancy=targets.max_occupancy,
    )


def _concave(steps: NDArray[np.float64]) -> NDArray[np.float64]:
    """Non-increasing steps of each row's least concave majorant (pool adjacent violators).

    Where a curve's steps grow (a queue just above its load gains most from the second or
    third agent), each run of growing steps is replaced by its mean: the majorant's slope,
    exact at the whole numbers where it touches the curve. Steps are clipped at 0.
    """
    out = np.empty_like(steps)
    for r, row in enumerate(np.maximum(np.nan_to_num(steps, nan=0.0, posinf=0.0), 0.0)):
        means: list[float] = []
        sizes: list[int] = []
        for step in row:
            means.append(float(step))
            sizes.append(1)
            while len(means) > 1 and means[-2] < means[-1]:
                size = sizes[-2] + sizes[-1]
                means[-2] = (means[-2] * sizes[-2] + means[-1] * sizes[-1]) / size
                sizes[-2] = size
                means.pop()
                sizes.pop()
        out[r] = np.repeat(means, sizes)
    return out
