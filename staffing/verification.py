"""What simulation says of a round, and where the next round's requirement goes.

The iterative staffing algorithm of Feldman, Mandelbaum, Massey & Whitt (2008): a schedule
is simulated, the intervals missing a target are raised (:func:`raised`) and those beating
every target by more than the tolerance are lowered (:func:`lowered`); with targets over
days or the horizon, each period's aim moves by its simulated gap instead (:func:`aimed`).

References
----------
.. [1] Z. Feldman, A. Mandelbaum, W. A. Massey and W. Whitt, "Staffing of time-varying
   queues to achieve time-stable performance", Management Science 54(2), 324-338, 2008.
"""

import math
from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from staffing.requirements import ServiceTargets, periods
from staffing.scenario import Scenario
from staffing.simulation import SimulationResult

IntArray = NDArray[np.int64]

TARGET_FIELDS = {"occupancy": "max_occupancy"}
"""The :class:`ServiceTargets` field of a target whose KPI has another name."""


def misses(scenario: Scenario, sim: SimulationResult) -> IntArray:
    """Intervals with calls whose simulated mean misses a target, the occupancy cap included.

    With targets over days or the horizon, every interval of a period whose pooled contacts
    miss a target is missing (the occupancy cap still holds per interval).
    """
    table = sim.intervals
    offered = table.offered.to_numpy()
    miss = np.zeros(len(table), dtype=bool)
    over = scenario.targets.over
    pooled = period_kpis(scenario, sim) if over != "interval" else None
    period = periods(scenario.forecast, over)
    for t in scenario.targets.given():
        if pooled is None or t.kpi == "occupancy":
            miss |= t.missed(table[t.kpi].to_numpy())
        else:
            miss |= t.missed(np.array([p[t.kpi] for p in pooled]))[period]
    return np.flatnonzero(miss & (offered > 0))


def period_kpis(scenario: Scenario, sim: SimulationResult) -> list[dict[str, float]]:
    """Service level, abandonment and ASA of each period's contacts pooled (means).

    A single period is the simulated horizon: its KPIs are the simulation's own (the mean
    of each replication's ratio, the figures the summary checks); several days are pooled
    from the intervals' means.
    """
    table = sim.intervals
    period = periods(scenario.forecast, scenario.targets.over)
    if not period.any():
        return [{kpi: float(sim.day.loc[kpi, "mean"]) for kpi in POOLED}]
    offered = table.offered.to_numpy()
    out = []
    for p in range(int(period.max()) + 1):
        mine = (period == p) & (offered > 0)
        calls = offered[mine]
        answered = calls * (1.0 - table.abandon_rate.to_numpy()[mine])
        total = calls.sum()
        out.append(
            {
                "service_level": float(calls @ table.service_level.to_numpy()[mine] / total)
                if total
                else np.nan,
                "abandon_rate": float(calls @ table.abandon_rate.to_numpy()[mine] / total)
                if total
                else np.nan,
                "asa": float(answered @ np.nan_to_num(table.asa.to_numpy()[mine]) / answered.sum())
                if answered.sum()
                else np.nan,
            }
        )
    return out


POOLED = ("service_level", "abandon_rate", "asa")
"""The KPIs a target over days or the horizon pools."""


def aimed(scenario: Scenario, aims: list[ServiceTargets], sim: SimulationResult) -> list:
    """Aim each period's targets by what simulation fell short of, or beat them by.

    The allocation sizes by Erlang, which ignores queues carried from interval to interval;
    as the iterative staffing algorithm corrects each interval by its simulated outcome,
    this corrects each period's aim by the gap between the target and the simulated
    pooled KPI (down where the period beats it, up where it falls short).
    """
    pooled = period_kpis(scenario, sim)
    out = []
    for aim, kpis in zip(aims, pooled, strict=True):
        changes = {}
        for t in scenario.targets.given():
            if t.kpi == "occupancy" or not np.isfinite(kpis[t.kpi]):
                continue
            field = TARGET_FIELDS.get(t.kpi, t.kpi)
            value = getattr(aim, field) + (t.value - kpis[t.kpi])
            low, high = (1e-3, 0.999) if t.kpi != "asa" else (1.0, math.inf)
            changes[field] = float(min(max(value, low), high))
        out.append(replace(aim, **changes))
    return out


def lowered(
    scenario: Scenario,
    requirement: IntArray,
    coverage: NDArray[np.float64],
    sim: SimulationResult,
    blocked: NDArray[np.bool_],
) -> IntArray:
    """Lower by one agent each interval that beats every target by more than the tolerance.

    The other half of the iterative staffing algorithm (Feldman et al. 2008): staffing
    follows the simulated load down as well as up, so a plan does not keep agents who buy
    service nobody asked for. An interval beats a target when it is better than the target
    by more than the scenario's tolerance band (80 % with a 5 % tolerance: above 84 %);
    intervals without calls, missing a target or ``blocked`` keep their requirement. The
    requirement is lowered from what the schedule covered, so surplus that shift shapes
    forced can be released when neighbouring intervals allow it.
    """
    table = sim.intervals
    beats = (table["offered"].to_numpy() > 0) & ~blocked
    for t in scenario.targets.given():
        band = abs(t.value) * scenario.tolerance
        achieved = table[t.kpi].to_numpy()
        beats &= achieved > t.value + band if t.higher_is_better else achieved < t.value - band
    lowered = requirement.copy()
    covered = np.ceil(coverage - 1e-9).astype(np.int64)
    where = np.flatnonzero(beats)
    lowered[where] = np.maximum(np.minimum(requirement[where], covered[where]) - 1, 0)
    return lowered


def over_cap(scenario: Scenario, sim: SimulationResult) -> IntArray:
    """Intervals with calls whose simulated occupancy is above the scenario's cap."""
    cap = scenario.targets.max_occupancy
    table = sim.intervals
    if cap is None:
        return np.zeros(0, dtype=np.int64)
    above = table["occupancy"].to_numpy() > cap
    return np.flatnonzero(above & (table["offered"].to_numpy() > 0))


def raised(
    scenario: Scenario,
    requirement: IntArray,
    coverage: NDArray[np.float64],
    sim: SimulationResult,
    missing: IntArray,
) -> IntArray:
    """Raise the requirement of each interval missing a target above what it had.

    At least one agent above the coverage it had; where the occupancy cap is missed, the
    agents that keep the simulated busy time under the cap (busy agents / cap), as the
    iterative staffing algorithm sizes each interval from its simulated offered load
    (Feldman et al. 2008).
    """
    raised = requirement.copy()
    covered = np.ceil(coverage[missing] - 1e-9).astype(np.int64)
    need = np.maximum(raised[missing], covered) + 1
    cap = scenario.targets.max_occupancy
    if cap is not None:
        table = sim.intervals.iloc[missing]
        busy = (table["occupancy"] * table["agents"]).fillna(0.0).to_numpy()
        need = np.maximum(need, np.ceil(busy / cap - 1e-9).astype(np.int64))
    raised[missing] = need
    return raised
