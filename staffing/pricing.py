"""Outsourcing bid pricing: the price per billing unit at a margin, and the SLA risk behind it.

A bid file (TOML, format in the README) gives the client's monthly volume, its intraday
profile (a scenario's one-day forecast) and weekly profile, the SLA measured over the month
with its credits and bonuses, the billing unit and the target margin. The operation that
would serve it (shifts, callers, costs, shrinkage) is a scenario file.

For each **staffing option** (the per-interval service level the schedule is planned to):

1. every distinct day of the week is planned with :func:`staffing.plan.plan` (schedule and
   simulation-verified corrections) and costed; a month is ``days_per_month / 7`` of each
   weekday plus the fixed monthly costs (:func:`staffing.costs.cost_breakdown`);
2. the list price is the cost at the target margin, ``price = cost / (1 - margin)``
   (margin on revenue), divided by the billing units of a month;
3. **SLA risk**: every day type's schedule is simulated over many days whose volume is the
   forecast times a random factor (forecast error, :func:`staffing.simulation.simulate`'s
   ``volume_cv``); months are composed of such days (a month of ``round(days_per_month)``
   consecutive days from a random weekday, each day drawn from its weekday's simulated
   days), and each month's SLA result is the month's answered-within-T over offered contacts.
   The credit or bonus of each month follows the contract terms, giving the distribution of
   the SLA adjustment: its mean, its spread, and the chance of missing the SLA, with a
   bootstrap range showing how much that chance owes to the finite sample of days;
4. the **risk-adjusted price** keeps the target margin after the expected credits:
   ``price = cost / ((1 - margin) (1 - E[credit]))``; with ``count_bonus`` the expected
   bonus counts as income too, ``1 - E[credit - bonus]``.

Staffing more costs more per unit but credits less. Options missing the SLA in more than
``max_p_miss`` (10 %) of months are not recommended; of the others, those whose
risk-adjusted price is within ``price_tolerance`` (0.5 %) of the lowest are alike (equal
within the simulation's noise), and the one least likely to miss the SLA is recommended. The
bid sheet shows the whole trade-off.

Days are independent given their volume factors: a month-level forecast bias (all days of a
month high together) is not modelled here; run a what-if on ``volume`` for that.
"""

import math
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from staffing.bid_terms import BILLING_UNITS, Bid
from staffing.costs import CostBreakdown, cost_breakdown
from staffing.errors import InputError
from staffing.parallel import run_tasks
from staffing.plan import PlanResult, plan, simulate_schedule
from staffing.scenario import Scenario
from staffing.sla import MonthlyRisk, monthly_risk

FloatArray = NDArray[np.float64]


def price_at_margin(cost: float, margin: float, units: float) -> float:
    """Price per billing unit that leaves ``margin`` of revenue as profit.

    ``cost / (1 - margin) / units``: e.g. a cost of 100,000 at a 20 % margin is billed
    125,000; over 5,000 hours, 25.00 per hour.

    Parameters
    ----------
    cost : float
        Cost of the period [currency].
    margin : float
        Profit as a share of revenue, in [0, 1).
    units : float
        Billing units in the period, > 0.

    Returns
    -------
    float
        Price per unit [currency/unit].
    """
    if not 0.0 <= margin < 1.0:
        raise InputError(f"margin = {margin!r}; margin must be >= 0 and < 100%")
    if not units > 0.0:
        raise InputError(f"units = {units!r}; a bid needs billing units > 0 in a month")
    return cost / (1.0 - margin) / units


@dataclass(frozen=True)
class Option:
    """One staffing option of a bid: its plans, month cost, prices and SLA risk.

    Attributes
    ----------
    plan_service_level : float
        The per-interval service level the schedules were planned to.
    plans : dict of str to PlanResult
        The plan of each day type.
    month : CostBreakdown
        Cost of an average month, fixed costs included.
    units : float
        Billing units of an average month.
    price : float
        List price per unit at the target margin.
    risk : MonthlyRisk
        Simulated months.
    risk_adjusted_price : float
        Price per unit keeping the target margin after the expected credits (and bonuses,
        with ``count_bonus``); inf when credits take the whole bill.
    """

    plan_service_level: float
    plans: dict[str, PlanResult]
    month: CostBreakdown
    units: float
    price: float
    risk: MonthlyRisk
    risk_adjusted_price: float

    def margins(self, price: float) -> FloatArray:
        """Margin of each simulated month at ``price`` per unit (profit / invoiced revenue)."""
        invoiced = price * self.units * (1.0 - self.risk.adjustment)
        return 1.0 - self.month.total / invoiced


@dataclass(frozen=True)
class BidResult:
    """A priced bid: every staffing option and the recommended one."""

    bid: Bid
    options: list[Option]
    recommended: Option
    day_types: list[tuple[str, tuple[int, ...], float]] = field(default_factory=list)

    def table(self) -> pd.DataFrame:
        """One row per option: staffing, cost, prices, SLA risk and margins."""
        bid = self.bid
        rows = []
        for o in self.options:
            margins = o.margins(o.risk_adjusted_price)
            list_margins = o.margins(o.price)
            rows.append(
                {
                    "plan service level": o.plan_service_level,
                    "FTE": o.month.fte,
                    "monthly cost": o.month.total,
                    "cost per contact": o.month.per_contact,
                    "list price": o.price,
                    "P(miss SLA)": o.risk.p_miss,
                    "P(miss) 5%": o.risk.p_miss_range[0],
                    "P(miss) 95%": o.risk.p_miss_range[1],
                    "expected credit": float(np.mean(o.risk.credit)),
                    "expected bonus": float(np.mean(o.risk.bonus)),
                    "adjustment sd": float(np.std(o.risk.adjustment)),
                    "monthly SL median": float(np.median(o.risk.service_level)),
                    "monthly SL 5%": float(np.quantile(o.risk.service_level, 0.05)),
                    "margin at list price": float(np.mean(list_margins)),
                    "risk-adjusted price": o.risk_adjusted_price,
                    "margin 5% worst": float(np.quantile(margins, 0.05)),
                    "recommended": o is self.recommended,
                }
            )
        frame = pd.DataFrame(rows)
        frame.attrs["unit"] = BILLING_UNITS[bid.billing_unit]
        return frame


def _units(bid: Bid, month: CostBreakdown) -> float:
    """Billing units in an average month."""
    return {
        "hour": month.paid_hours,
        "productive_hour": month.handle_hours,
        "handle_minute": month.handle_hours * 60.0,
        "contact": month.handled_calls,
        "fte": month.paid_hours / bid.fte_hours_per_month,
    }[bid.billing_unit]


def _plan_day(
    scenario: Scenario, bid: Bid, day_type: int
) -> tuple[PlanResult, dict[str, FloatArray]]:
    """Plan one day type of one option, then simulate its schedule over ``bid.days`` days.

    The days' volume varies by ``bid.daily_cv``; their seed is the bid's seed and the day
    type, so every option meets the same days. Returns the plan and, per simulated day, the
    contacts ``offered``, answered ``within`` the threshold, and ``abandoned``.
    """
    result = plan(scenario)
    days = simulate_schedule(
        scenario,
        result.best.schedule.shifts,
        volume_cv=bid.daily_cv,
        replications=bid.days,
        seed=np.random.SeedSequence([bid.seed, day_type]),
    ).day_replications
    return result, {
        "offered": days["offered"],
        "within": days["answered_in_time"],
        "abandoned": days["abandoned"],
    }


_BOOTSTRAP = 60
"""Bootstrap replicates behind the range of P(miss SLA) of every option."""


@dataclass(frozen=True)
class PlannedBid:
    """The slow half of pricing a bid: every option's day plans and simulated days.

    What it depends on is :func:`planning_key`; the margin, the billing unit, the SLA's
    target, credits and bonuses, the months simulated and the recommendation rules can
    change without planning again (:func:`price_planned`), as a price moves while the
    client watches.

    Attributes
    ----------
    key : tuple
        :func:`planning_key` of the bid planned.
    plans : tuple of dict of str to PlanResult
        Per option (``bid.plan_service_levels`` order), the plan of each day type.
    days : tuple of dict of int to dict of str to ndarray
        Per option, per weekday (0 = Monday), the simulated days' ``offered``, ``within``
        and ``abandoned`` contacts.
    """

    key: tuple
    plans: tuple[dict[str, PlanResult], ...]
    days: tuple[dict[int, dict[str, FloatArray]], ...]


def planning_key(bid: Bid) -> tuple:
    """Return what a bid's plans depend on: operation, volume and profile, options, days.

    The operation is named by its scenario file (plans of the same file are reused).
    """
    return (
        str(bid.scenario.path),
        bid.monthly_volume,
        bid.aht,
        tuple(float(w) for w in bid.week),
        bid.days_per_month,
        bid.sla.threshold,
        bid.plan_service_levels,
        bid.daily_cv,
        bid.days,
        bid.seed,
    )


def plan_bid(
    bid: Bid,
    *,
    executor: Executor | None = None,
    workers: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> PlannedBid:
    """Plan every staffing option of the bid by day type, and simulate its days.

    Parameters
    ----------
    bid : Bid
        The bid.
    executor : concurrent.futures.Executor, optional
        Where the day plans run (one task per option and day type), e.g. a
        ``ThreadPoolExecutor`` or a Dask cluster's executor. Default: a process pool
        (:func:`staffing.parallel.run_tasks`). The result is the same whatever runs it.
    workers : int, optional
        Size of the default process pool; default: the number of CPUs.
    progress : callable, optional
        Called as ``progress(stage, done, total)`` as day plans finish (stage ``"planning
        options by weekday"``).

    Returns
    -------
    PlannedBid
    """
    scenario = bid.scenario
    types = bid.day_types()
    tasks = []
    for level in bid.plan_service_levels:
        # the option's service level at the SLA's answer time replaces the operation's
        # service-level target; its other targets and caps (ASA, abandonment, occupancy per
        # interval) still hold. The SLA itself is judged over the month, by the risk
        # simulation
        targets = replace(scenario.targets, service_level=level, threshold=bid.sla.threshold)
        for k, (_, _, calls) in enumerate(types):
            tasks.append((replace(scenario, forecast=bid.forecast(calls), targets=targets), bid, k))
    planning = "planning options by weekday"
    if progress is not None:
        progress(planning, 0, len(tasks))
    done = iter(
        run_tasks(
            _plan_day,
            tasks,
            executor=executor,
            workers=workers,
            progress=None if progress is None else partial(progress, planning),
            name=lambda i: (
                f"{bid.path}: option {bid.plan_service_levels[i // len(types)]:.0%}, "
                f"{types[i % len(types)][0]}"
            ),
        )
    )
    plans, days = [], []
    for _ in bid.plan_service_levels:
        option_plans: dict[str, PlanResult] = {}
        simulated: dict[int, dict[str, FloatArray]] = {}
        for label, weekdays, _ in types:
            option_plans[label], sims = next(done)
            simulated |= dict.fromkeys(weekdays, sims)
        plans.append(option_plans)
        days.append(simulated)
    return PlannedBid(planning_key(bid), tuple(plans), tuple(days))


def price_planned(
    bid: Bid,
    planned: PlannedBid,
    *,
    progress: Callable[[str, int, int], None] | None = None,
) -> BidResult:
    """Cost, price and risk every option of a planned bid; recommend one.

    Parameters
    ----------
    bid : Bid
        The bid, with :func:`planning_key` equal to the one planned (its money and SLA
        terms may differ).
    planned : PlannedBid
        From :func:`plan_bid`.
    progress : callable, optional
        Called as ``progress("SLA risk of the options", done, total)``.

    Returns
    -------
    BidResult

    Raises
    ------
    InputError
        When the bid's planning inputs differ from those planned.
    """
    if planning_key(bid) != planned.key:
        raise InputError(
            f"{bid.path}: the plans were made for other volumes, options or simulated days; "
            "plan the bid again"
        )
    scenario = bid.scenario
    types = bid.day_types()
    per_type_days = {label: len(days) * bid.days_per_month / 7.0 for label, days, _ in types}
    risking = "SLA risk of the options"
    options = []
    for n, level in enumerate(bid.plan_service_levels):
        if progress is not None:
            progress(risking, n, len(bid.plan_service_levels))
        plans = planned.plans[n]
        totals = {
            name: sum(per_type_days[t] * getattr(p.best.costs, name) for t, p in plans.items())
            for name in ("paid_hours", "handled_calls", "handle_hours")
        }
        month = cost_breakdown(
            scenario.costs,
            **totals,
            period_days=bid.days_per_month,
            fte_hours_per_day=bid.fte_hours_per_month / bid.days_per_month,
            days_per_month=bid.days_per_month,
        )
        count = _units(bid, month)
        price = price_at_margin(month.total, bid.margin, count)
        risk = monthly_risk(
            planned.days[n],
            bid.sla,
            month_days=round(bid.days_per_month),
            months=bid.months,
            rng=np.random.default_rng([bid.seed, 1_000]),
            bootstrap=_BOOTSTRAP,
        )
        # a bill wholly lost to credits cannot be priced to a margin
        priced_in = risk.expected_adjustment if bid.count_bonus else float(np.mean(risk.credit))
        kept = 1.0 - priced_in
        adjusted = price / kept if kept > 0.0 else math.inf
        options.append(Option(level, plans, month, count, price, risk, adjusted))
    if progress is not None:
        progress(risking, len(options), len(options))
    return BidResult(bid, options, _recommend(bid, options), types)


def price_bid(
    bid: Bid,
    *,
    executor: Executor | None = None,
    workers: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> BidResult:
    """Plan, cost, price and risk every staffing option of the bid.

    :func:`plan_bid` then :func:`price_planned`; the arguments are those of
    :func:`plan_bid` (``progress`` also hears ``"SLA risk of the options"``).

    Returns
    -------
    BidResult
    """
    planned = plan_bid(bid, executor=executor, workers=workers, progress=progress)
    return price_planned(bid, planned, progress=progress)


def _recommend(bid: Bid, options: list[Option]) -> Option:
    """Choose the cheapest option that keeps the SLA; near-ties go to the safer option.

    Options missing the SLA in more than ``max_p_miss`` of months are set aside (unless all
    do: then the least likely to miss is kept); of the rest, those priced within
    ``price_tolerance`` of the lowest risk-adjusted price are alike, and the one least
    likely to miss is recommended.
    """
    keeping = [o for o in options if o.risk.p_miss <= bid.max_p_miss]
    if not keeping:
        keeping = [min(options, key=lambda o: (o.risk.p_miss, o.risk_adjusted_price))]
    lowest = min(o.risk_adjusted_price for o in keeping)
    alike = [o for o in keeping if o.risk_adjusted_price <= lowest * (1.0 + bid.price_tolerance)]
    best = min(alike, key=lambda o: (o.risk.p_miss, o.risk_adjusted_price))
    if math.isinf(best.risk_adjusted_price):
        raise InputError(
            f"{bid.path}: every staffing option loses the whole bill to SLA credits; plan to "
            "higher service levels ([risk] plan_service_levels) or check the credit terms"
        )
    return best
