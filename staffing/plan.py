"""The planning pipeline: scenario -> requirements -> schedule -> simulation -> report.

1. **Requirements** per interval by Erlang (SIPP, :mod:`staffing.requirements`).
2. **Schedule**: how many agents start each shift pattern, with breaks placed, at least
   cost (MILP, :mod:`staffing.scheduling`).
3. **Simulation-verified staffing**: SIPP under-staffs the peaks and over-staffs the troughs
   of a real day, where queues carry over between intervals. The schedule is simulated;
   every interval that misses a target in simulation has its requirement raised above its
   current coverage, and the day is rescheduled, for a bounded number of rounds, in the
   spirit of the iterative staffing algorithm (Feldman, Mandelbaum, Massey & Whitt 2008).
   Then, from the cheapest round missing nothing, the requirement is lowered by one agent
   wherever simulation beats every target by more than the tolerance, and the day is
   rescheduled again (as many rounds); a trial that misses somewhere is discarded and its
   missing intervals keep their requirement. Every round meets the same simulated callers
   (common random numbers), so rounds differ by staffing only. The plan kept is the
   cheapest round with no interval missing a target, or else the one with the fewest misses.
The pipeline returns a :class:`PlanResult` and never draws: the report folder (CSV tables,
PNG charts, ``summary.md``) is written by :func:`staffing.report.plan_report.write_report`.

With first-contact resolution below 1 (``[callers] fcr``), the forecast counts first
contacts: the Erlang requirement is sized for ``calls / fcr`` contacts per interval (an issue
takes ``1 / fcr`` contacts on average), and the simulation generates the repeats (and any
redials) when and where they happen.

Shrinkage in a scenario is the share of paid time lost *besides* the scheduled breaks
(absence, meetings, training): the schedule places agents on the phones, and the paid hours,
FTE and cost of covering it are those of the schedule divided by ``1 - shrinkage``.

References
----------
.. [1] Z. Feldman, A. Mandelbaum, W. A. Massey and W. Whitt, "Staffing of time-varying
   queues to achieve time-stable performance", Management Science 54(2), 324-338, 2008.
   doi:10.1287/mnsc.1070.0821
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from staffing.costs import CostBreakdown, cost_breakdown
from staffing.errors import InputError
from staffing.forecast import Forecast
from staffing.pooling import PooledTargets, pooled_targets
from staffing.requirements import (
    Requirements,
    ServiceTargets,
    compute_requirements,
    positions,
)
from staffing.scenario import Scenario
from staffing.scheduling import ScheduleResult, schedule
from staffing.shifts import Shift, paid_hours, people
from staffing.simulation import Grid, SimulationResult, simulate
from staffing.verification import TARGET_FIELDS, aimed, lowered, misses, over_cap, raised

if TYPE_CHECKING:
    from staffing.center_plan import CenterPlanResult

IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class Round:
    """One schedule-and-simulate round.

    Attributes
    ----------
    number : int
        0 for the Erlang-only schedule, then 1, 2, ...
    requirement : ndarray of int
        Agents required on the phones per interval, as scheduled in this round.
    schedule : ScheduleResult
        The MILP's schedule.
    simulation : SimulationResult
        Its simulated KPIs.
    missing : ndarray of int
        Intervals (with calls) missing a target in simulation.
    paid_hours : float
        Paid hours: the schedule's, shrinkage included, and the simulated overtime of
        agents finishing contacts past their shift's end or into a break (mean) [h].
    costs : CostBreakdown
        What those hours cost, by component (:mod:`staffing.costs`).
    people : int
        Headcount: the fewest people who can work the schedule's shifts
        (:func:`staffing.shifts.people`).
    """

    number: int
    requirement: IntArray
    schedule: ScheduleResult
    simulation: SimulationResult
    missing: IntArray
    paid_hours: float
    costs: CostBreakdown
    people: int

    @property
    def overtime_hours(self) -> float:
        """Simulated overtime included in :attr:`paid_hours` (mean) [h]."""
        return float(self.simulation.day.loc["overtime_hours", "mean"])

    @property
    def scheduled_paid_hours(self) -> float:
        """Paid hours of the schedule alone, shrinkage included [h]."""
        return self.paid_hours - self.overtime_hours

    @property
    def cost(self) -> float:
        """Total cost of the round's plan over the horizon."""
        return self.costs.total

    @property
    def totals(self) -> "PlanTotals":
        """The round's headline numbers over the horizon."""
        day = self.simulation.day

        def mean(kpi: str) -> float:
            return float(day.loc[kpi, "mean"])

        handled = mean("answered")
        return PlanTotals(
            shifts=float(sum(s.headcount for s in self.schedule.shifts)),
            headcount=float(self.people),
            paid_hours=self.paid_hours,
            fte=self.costs.fte,
            cost=self.cost,
            cost_per_contact=self.cost / handled if handled else float("nan"),
            offered=mean("offered"),
            service_level=mean("service_level"),
            service_level_ci=float(day.loc["service_level", "ci"]),
            asa=mean("asa"),
            abandon_rate=mean("abandon_rate"),
            occupancy=mean("occupancy"),
            utilization=mean("utilization"),
            intervals_missing=float(len(self.missing)),
            shortfall=float(np.sum(self.schedule.shortfall)),
        )


@dataclass(frozen=True)
class PlanTotals:
    """A round's headline numbers over the horizon (simulated KPIs are means).

    Attributes
    ----------
    shifts : float
        Shifts on the schedule (a person working 5 days works 5 shifts).
    headcount : float
        People: the fewest who can work the shifts on at most ``days_per_week`` days of 7
        (:func:`staffing.shifts.people`).
    paid_hours, fte : float
        Paid hours, shrinkage included [h], and the FTE they make.
    cost, cost_per_contact : float
        Cost over the horizon, and per contact handled (NaN without one) [currency].
    offered : float
        Contacts offered (repeats and redials included).
    service_level, service_level_ci, asa, abandon_rate, occupancy, utilization : float
        Whole-horizon KPIs (shares, ASA [s]) and the service level's 95 % half-width.
    intervals_missing : float
        Intervals with calls missing a target in simulation.
    shortfall : float
        Agent-intervals the schedule leaves short of the requirement.
    """

    shifts: float
    headcount: float
    paid_hours: float
    fte: float
    cost: float
    cost_per_contact: float
    offered: float
    service_level: float
    service_level_ci: float
    asa: float
    abandon_rate: float
    occupancy: float
    utilization: float
    intervals_missing: float
    shortfall: float

    LABELS: ClassVar[dict[str, str]] = {
        "shifts": "shifts",
        "headcount": "headcount (people)",
        "paid_hours": "paid hours",
        "fte": "FTE",
        "cost": "cost",
        "cost_per_contact": "cost per contact handled",
        "offered": "calls offered",
        "service_level": "service level",
        "service_level_ci": "service level 95% CI",
        "asa": "ASA s",
        "abandon_rate": "abandon rate",
        "occupancy": "occupancy",
        "utilization": "utilization",
        "intervals_missing": "intervals missing a target",
        "shortfall": "shortfall agent-intervals",
    }
    """The name of each field in tables."""

    def labelled(self) -> dict[str, float]:
        """Return the numbers under their table names."""
        return {label: getattr(self, name) for name, label in self.LABELS.items()}


@dataclass(frozen=True)
class CapCost:
    """What one cap costs: the Erlang-only schedule with it against without it.

    Attributes
    ----------
    label : str
        The target, as reports name it (``occupancy``, ``abandon rate``, ``ASA``).
    target : float
        Its value (a share, or seconds for ASA).
    paid_hours, paid_hours_without : float
        Paid hours of the Erlang-only schedule with every target, and without this one [h].
    cost : float
        The difference priced at the cost model's marginal cost of a paid hour [currency].
    """

    label: str
    target: float
    paid_hours: float
    paid_hours_without: float
    cost: float


@dataclass(frozen=True)
class CostDrivers:
    """What the kept plan pays for beyond the agents the targets require.

    Attributes
    ----------
    surplus_agent_hours : float
        Agent-hours on the phones above the kept round's requirement: coverage that the
        shift rules (lengths, start times, breaks, limits) force [h].
    surplus_cost : float
        Those hours as paid hours (shrinkage included) at the marginal cost of a paid hour
        [currency].
    caps : tuple of CapCost
        Each target other than the service level, re-planned without it (Erlang-only
        schedules, no simulation: the cap's cost before verification).
    status : str
        How the kept round's schedule solve ended (``optimal`` or ``feasible``).
    gap : float
        Its relative MIP gap: the optimum costs at most this share less.
    per_interval_paid_hours : float
        With targets over days or the horizon: paid hours of the Erlang-only schedule
        meeting them in every interval instead, what pooling is measured against [h];
        NaN with targets per interval.
    """

    surplus_agent_hours: float
    surplus_cost: float
    caps: tuple[CapCost, ...]
    status: str
    gap: float
    per_interval_paid_hours: float = math.nan


@dataclass(frozen=True)
class PlanResult:
    """Everything a plan produced; ``best`` is the round kept."""

    scenario: Scenario
    erlang: Requirements
    rounds: list[Round]
    best: Round
    drivers: CostDrivers

    @property
    def erlang_only(self) -> Round:
        """The first round: the schedule for the Erlang (SIPP) requirement as is."""
        return self.rounds[0]

    def totals(self) -> pd.DataFrame:
        """Day/week totals of the Erlang-only and the kept schedule, side by side."""
        columns = {"Erlang only": self.erlang_only}
        if self.best is not self.erlang_only:
            columns["simulation-verified"] = self.best
        return pd.DataFrame({name: r.totals.labelled() for name, r in columns.items()})


def _costs(scenario: Scenario, sim: SimulationResult, paid: float) -> CostBreakdown:
    """Cost the plan: the schedule's paid hours ``paid`` plus overtime, and what it handled."""
    day = sim.day
    # calls finished past a shift's end are paid: the schedule's hours plus the simulated
    # overtime (mean over replications)
    paid += float(day.loc["overtime_hours", "mean"])
    return cost_breakdown(
        scenario.costs,
        paid_hours=paid,
        handled_calls=float(day.loc["answered", "mean"]),
        handle_hours=min(float(day.loc["handle_hours", "mean"]), paid),
        period_days=len(scenario.forecast.days),
        fte_hours_per_day=scenario.fte_hours_per_day,
    )


def _paid_hours(shifts: list[Shift], shrinkage: float) -> float:
    return float(positions(paid_hours(shifts), shrinkage))


def simulate_schedule(scenario: Scenario, shifts: list[Shift], **options: Any) -> SimulationResult:
    """Simulate shifts against the scenario's forecast, threshold and callers.

    The callers' patience and handle-time distributions and their returns (FCR, redials)
    come from the scenario; ``options`` go to :func:`staffing.simulation.simulate`
    (replications, seed, volume_cv, progress...).
    """
    return simulate(
        scenario.forecast,
        shifts=shifts,
        threshold=scenario.targets.threshold,
        callers=scenario.callers,
        cyclic=scenario.rules.cyclic,
        **options,
    )


def plan(
    scenario: Scenario,
    *,
    progress: Callable[[str, int, int], None] | None = None,
) -> "PlanResult | CenterPlanResult":
    """Plan the scenario: schedule, simulate, and correct where simulation misses a target.

    A scenario with ``[[queues]]`` and ``[[groups]]`` is planned by
    :func:`staffing.center_plan.plan_center`, which returns a
    :class:`staffing.center_plan.CenterPlanResult`.

    Parameters
    ----------
    scenario : Scenario
        The planning problem.
    progress : callable, optional
        Called as ``progress(stage, done, total)`` while rounds simulate.

    Returns
    -------
    PlanResult or CenterPlanResult
    """
    if scenario.center is not None:
        from staffing.center_plan import plan_center  # several queues and groups

        return plan_center(scenario, progress=progress)
    fc = scenario.forecast
    if not (fc.calls > 0).any():
        raise InputError(
            f"{scenario.path}: the forecast {fc.source} has no calls in any interval; there is "
            "nothing to staff"
        )
    erlang = _erlang(scenario, scenario.targets)
    rounds: list[Round] = []

    def run(requirement: IntArray, pooled: PooledTargets | None = None) -> Round:
        """Schedule ``requirement`` (or ``pooled``), simulate it, and record the round."""
        sim = scenario.simulation
        number = len(rounds)
        stage = "Erlang-only schedule" if number == 0 else f"round {number}"
        if progress is not None:
            progress(stage, 0, sim.replications)
        result = _schedule(scenario, requirement, pooled)
        if pooled is not None:  # what the schedule chose to put on the phones
            requirement = pooled.allocation(np.asarray(result.coverage))
        if not result.shifts:
            raise InputError(
                f"{scenario.path}: no shift could be scheduled: " + "; ".join(result.messages)
            )
        simulation = simulate_schedule(
            scenario,
            result.shifts,
            replications=sim.replications,
            seed=sim.seed,
            progress=None
            if progress is None
            else (lambda done: progress(stage, done, sim.replications)),
        )
        rounds.append(_round(scenario, number, requirement.copy(), result, simulation))
        return rounds[-1]

    if scenario.targets.over != "interval":
        # the schedule places service where shifts buy it cheapest over each period; aim
        # each period's targets by the simulated gap, both ways, and keep the cheapest plan
        # meeting them
        pooled = _pooled(scenario, scenario.targets)
        last = run(pooled.floor, pooled)
        aims = [scenario.targets] * pooled.need.shape[1]
        for _ in range(scenario.simulation.rounds):
            aims = aimed(scenario, aims, last.simulation)
            # the occupancy cap holds per interval: where it is missed, the floor rises
            capped = over_cap(scenario, last.simulation)
            coverage = np.asarray(last.schedule.coverage)
            floor = raised(scenario, pooled.floor, coverage, last.simulation, capped)
            pooled = _pooled(scenario, scenario.targets, aims, floor)
            last = run(pooled.floor, pooled)
            if np.array_equal(np.asarray(last.schedule.coverage), coverage):
                break
        best = min(rounds, key=lambda r: (r.missing.size, r.cost))
        return PlanResult(
            scenario, erlang, rounds, best, _drivers(scenario, erlang, rounds[0], best)
        )
    last = run(erlang.agents.copy())
    # raise: every interval missing a target, until none does (at most `rounds` times)
    while last.missing.size and len(rounds) <= scenario.simulation.rounds:
        coverage = np.asarray(last.schedule.coverage)
        last = run(raised(scenario, last.requirement, coverage, last.simulation, last.missing))
    # trim: from the cheapest clean round, lower what beats every target; keep improvements
    best = min(rounds, key=lambda r: (r.missing.size, r.cost))
    blocked = np.zeros(fc.n_intervals, dtype=bool)
    for _ in range(scenario.simulation.rounds if best.missing.size == 0 else 0):
        coverage = np.asarray(best.schedule.coverage)
        lower = lowered(scenario, best.requirement, coverage, best.simulation, blocked)
        if np.array_equal(lower, best.requirement):
            break
        trial = run(lower)
        if trial.missing.size == 0 and trial.cost < best.cost:
            best = trial
        else:
            blocked[trial.missing] = True  # what missed keeps its requirement from now on
            blocked |= lower == best.requirement  # and so does what did not move
    return PlanResult(scenario, erlang, rounds, best, _drivers(scenario, erlang, rounds[0], best))


def _contacts(scenario: Scenario) -> Forecast:
    """Return the forecast of contacts to staff for: first contacts and their repeats.

    The forecast counts first contacts; with FCR f an issue takes 1/f contacts on average,
    the steady-state volume requirements are sized for (simulation then places the repeats
    and redials in time).
    """
    fc = scenario.forecast
    return replace(fc, calls=scenario.callers.returns.contacts(fc.calls))


def _erlang(scenario: Scenario, targets: ServiceTargets) -> Requirements:
    """Size the Erlang requirement of the scenario's contacts (:func:`_contacts`)."""
    return compute_requirements(
        _contacts(scenario),
        targets,
        patience=scenario.callers.patience,
        shrinkage=scenario.shrinkage,
        fte_hours=scenario.fte_hours,
        days_per_week=scenario.days_per_week,
    )


def _pooled(
    scenario: Scenario,
    targets: ServiceTargets,
    aims: list[ServiceTargets] | None = None,
    at_least: IntArray | None = None,
) -> PooledTargets:
    """Weigh the scenario's targets over days or the horizon for the schedule."""
    return pooled_targets(_contacts(scenario), targets, scenario.callers.patience, aims, at_least)


def _schedule(
    scenario: Scenario, requirement: IntArray, pooled: PooledTargets | None = None
) -> ScheduleResult:
    """Find the least-cost schedule of the scenario's patterns covering ``requirement``.

    With ``pooled`` targets, ``requirement`` is their floor (:mod:`staffing.pooling`).
    """
    rules = scenario.rules
    grid = Grid.of(scenario.forecast)
    return schedule(
        requirement,
        grid.start,
        grid.length,
        scenario.patterns,
        max_headcount=rules.max_headcount,
        min_headcount=rules.min_headcount,
        max_part_time_share=rules.max_part_time_share,
        time_limit=rules.time_limit,
        cyclic=rules.cyclic,
        pooled=pooled,
    )


def _drivers(scenario: Scenario, erlang: Requirements, first: Round, best: Round) -> CostDrivers:
    """Price the kept plan's surplus coverage, and each cap by re-planning without it."""
    per_hour = scenario.costs.per_hour
    hours = scenario.forecast.interval / 3600.0
    surplus = np.maximum(np.asarray(best.schedule.coverage) - best.requirement, 0.0)
    surplus_hours = float(surplus.sum() * hours)
    caps = []
    for target in scenario.targets.given():
        if target.kpi == "service_level":
            continue
        field = TARGET_FIELDS.get(target.kpi, target.kpi)
        relaxed = replace(scenario.targets, **{field: None})
        if relaxed.over == "interval":
            requirement, pooled = _erlang(scenario, relaxed).agents, None
        else:
            pooled = _pooled(scenario, relaxed)
            requirement = pooled.floor
        without = (
            _paid_hours(_schedule(scenario, requirement, pooled).shifts, scenario.shrinkage)
            if requirement.any()
            else 0.0
        )
        paid = first.scheduled_paid_hours
        caps.append(CapCost(target.label, target.value, paid, without, (paid - without) * per_hour))
    per_interval = math.nan
    if scenario.targets.over != "interval":
        each = replace(scenario.targets, over="interval")
        per_interval = _paid_hours(
            _schedule(scenario, _erlang(scenario, each).agents).shifts, scenario.shrinkage
        )
    return CostDrivers(
        surplus_agent_hours=surplus_hours,
        surplus_cost=float(positions(surplus_hours, scenario.shrinkage)) * per_hour,
        caps=tuple(caps),
        status=best.schedule.status.value,
        gap=best.schedule.gap,
        per_interval_paid_hours=per_interval,
    )


def predicted_csat(scenario: Scenario, sim: SimulationResult) -> float:
    """CSAT the plan's answered contacts would give, from the scenario's CSAT-wait curve.

    Each interval's simulated ASA and service level of answered contacts feed
    :meth:`staffing.satisfaction.WaitSatisfaction.expected`; NaN without a curve
    (``[scorecard] csat_curve``) or without answered contacts.
    """
    curve = scenario.satisfaction
    if curve is None:
        return math.nan
    table = sim.intervals
    answered = table["offered"].to_numpy() * (1.0 - table["abandon_rate"].fillna(0.0).to_numpy())
    return curve.expected(
        table["asa"].to_numpy(),
        table["service_level_answered"].to_numpy(),
        scenario.targets.threshold,
        answered,
    )


@dataclass(frozen=True)
class TargetCheck:
    """One service target against the kept plan's simulated whole-horizon value.

    ``status`` is ``"met"``, ``"within tolerance"`` or ``"missed"``
    (:func:`staffing.requirements.kpi_status`); ``half`` is the 95 % half-width.
    """

    label: str
    key: str
    target: float
    value: float
    half: float
    higher_is_better: bool
    status: str


def target_checks(result: PlanResult) -> list[TargetCheck]:
    """Check every target given in the scenario against the kept plan's simulation."""
    sc = result.scenario
    day = result.best.simulation.day
    checks = []
    for t in sc.targets.given():
        value, half = float(day.loc[t.kpi, "mean"]), float(day.loc[t.kpi, "ci"])
        status = t.status(value, sc.tolerance)
        checks.append(TargetCheck(t.label, t.kpi, t.value, value, half, t.higher_is_better, status))
    return checks


def erlang_requirement(scenario: Scenario) -> Requirements:
    """Size the scenario's Erlang (SIPP) requirement, as the plan's first round does.

    Agents per interval for the scenario's contacts (first contacts and their repeats,
    ``calls / fcr``) to meet its targets in each interval, Erlang A with the callers'
    patience (Erlang C without); the formulas are :func:`staffing.erlang.required_agents`.
    """
    return _erlang(scenario, scenario.targets)


def evaluate_schedule(
    scenario: Scenario,
    kept: Round,
    *,
    replications: int,
    seed: int,
) -> Round:
    """Simulate a kept plan's schedule under another scenario: a what-if on a fixed plan.

    The schedule (shifts and breaks) stays as planned; the scenario may change volume, AHT,
    shrinkage, callers or targets (:func:`staffing.whatif.apply_variant`). Simulating the
    plan's own scenario with the same seed gives the base of the comparison on common
    random numbers.

    Parameters
    ----------
    scenario : Scenario
        The scenario to simulate the schedule under (same interval grid as the plan's).
    kept : Round
        The round whose schedule is simulated (``PlanResult.best``).
    replications : int
        Simulated days (or horizons).
    seed : int
        Root seed: the same seed for the base and the variant gives common random numbers.

    Returns
    -------
    Round
        ``number`` and ``schedule`` of ``kept``; ``requirement`` the Erlang requirement of
        ``scenario``'s contacts and targets; simulated KPIs, missing intervals, paid hours
        (shrinkage of ``scenario``, and overtime), costs and headcount of the schedule under
        ``scenario``.
    """
    simulation = simulate_schedule(
        scenario, kept.schedule.shifts, replications=replications, seed=seed
    )
    requirement = erlang_requirement(scenario).agents
    return _round(scenario, kept.number, requirement, kept.schedule, simulation)


def _round(
    scenario: Scenario,
    number: int,
    requirement: IntArray,
    result: ScheduleResult,
    simulation: SimulationResult,
) -> Round:
    """Record a simulated schedule: its misses, paid hours with overtime, costs, people."""
    costs = _costs(scenario, simulation, _paid_hours(result.shifts, scenario.shrinkage))
    days = len(scenario.forecast.days)
    return Round(
        number,
        requirement,
        result,
        simulation,
        misses(scenario, simulation),
        costs.paid_hours,
        costs,
        people(result.shifts, days, scenario.days_per_week),
    )
