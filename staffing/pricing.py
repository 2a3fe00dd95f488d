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
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from staffing import units
from staffing.costs import CostBreakdown, cost_breakdown
from staffing.errors import InputError
from staffing.forecast import Forecast
from staffing.parallel import run_tasks
from staffing.plan import PlanResult, plan, simulate_schedule
from staffing.scenario import Scenario, TableReader, load_scenario, read_toml
from staffing.sla import MonthlyRisk, SlaTerms, monthly_risk

FloatArray = NDArray[np.float64]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

BILLING_UNITS: dict[str, str] = {
    "hour": "paid agent hour",
    "productive_hour": "productive (handling) hour",
    "handle_minute": "handle minute",
    "contact": "contact handled",
    "fte": "FTE per month",
}
"""Billing units a bid may be priced in, with their descriptions."""

_SECTIONS: dict[str, set[str]] = {
    "": {"name", "client", "scenario", "volume", "sla", "price", "risk"},
    "volume": {"monthly", "aht", "week", "daily_cv", "days_per_month"},
    "week": set(WEEKDAYS),
    "sla": {"service_level", "threshold", "abandon_rate", "credit", "bonus"},
    "credit": {"per_point", "cap"},
    "bonus": {"per_point", "cap"},
    "price": {"billing_unit", "margin", "count_bonus", "fte_hours_per_month"},
    "risk": {
        "plan_service_levels",
        "days",
        "months",
        "seed",
        "price_tolerance",
        "max_p_miss",
    },
}


@dataclass(frozen=True)
class Bid:
    """An outsourcing bid, validated (see the README for the file format).

    Attributes
    ----------
    name, client : str
        For the bid sheet.
    path : Path
        The bid file.
    scenario : Scenario
        The operation: shifts, callers, costs, shrinkage, simulation settings; its forecast
        (one day) is the intraday profile of calls and AHT.
    monthly_volume : float
        Contacts offered per month (first contacts).
    aht : float or None
        Mean handle time [s]; None keeps the profile's. The profile's shape is kept.
    week : ndarray, shape (7,)
        Relative volume per weekday, Monday first; 0 = closed.
    daily_cv : float
        Day-to-day forecast error: coefficient of variation of a day's volume.
    days_per_month : float
        Calendar days of a month [d].
    sla : SlaTerms
        What the month must achieve, and the credits and bonuses.
    billing_unit : str
        One of :data:`BILLING_UNITS`.
    margin : float
        Target margin on revenue, in [0, 1).
    count_bonus : bool
        Whether the risk-adjusted price counts expected bonuses as income (by default only
        expected credits are priced in; bonuses are upside).
    fte_hours_per_month : float
        Paid hours of one FTE per month [h], for billing per FTE.
    plan_service_levels : tuple of float
        Staffing options: the per-interval service level each is planned to.
    days, months : int
        Simulated days per day type and option; simulated months.
    seed : int
        Root seed of the risk simulation.
    price_tolerance : float
        Options whose risk-adjusted price is within this share of the lowest are priced
        alike; of those, the one least likely to miss the SLA is recommended.
    max_p_miss : float
        Options missing the SLA in more than this share of months are not recommended
        (a provider that misses most months loses the client whatever the credits cost).
    """

    name: str
    client: str
    path: Path
    scenario: Scenario
    monthly_volume: float
    aht: float | None
    week: FloatArray
    daily_cv: float
    days_per_month: float
    sla: SlaTerms
    billing_unit: str
    margin: float
    count_bonus: bool
    fte_hours_per_month: float
    plan_service_levels: tuple[float, ...]
    days: int
    months: int
    seed: int
    price_tolerance: float = 0.005
    max_p_miss: float = 0.1

    def day_types(self) -> list[tuple[str, tuple[int, ...], float]]:
        """Weekdays with the same volume share one plan: ``(label, weekdays, calls)``."""
        open_days = self.week > 0
        per_week = self.monthly_volume * 7.0 / self.days_per_month
        share = self.week / self.week.sum()
        types = []
        for weight in sorted(set(self.week[open_days].tolist()), reverse=True):
            days = tuple(int(d) for d in np.flatnonzero(self.week == weight))
            names = [WEEKDAYS[d].capitalize() for d in days]
            consecutive = days[-1] - days[0] == len(days) - 1
            label = f"{names[0]}-{names[-1]}" if consecutive and len(days) > 1 else ",".join(names)
            types.append((label, days, per_week * float(share[days[0]])))
        return types

    def forecast(self, calls: float) -> Forecast:
        """Scale the profile to ``calls`` contacts in the day, at the bid's AHT."""
        profile = self.scenario.forecast
        aht = profile.aht
        if self.aht is not None:
            aht = aht * self.aht / (np.sum(profile.calls * aht) / np.sum(profile.calls))
        return replace(profile, calls=profile.calls * calls / profile.calls.sum(), aht=aht)


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


def load_bid(path: str | PathLike[str]) -> Bid:
    """Read and validate a bid file (format in the README).

    Raises
    ------
    InputError
        With the file, key, value and what is allowed, for any problem.
    """
    path = Path(path)
    file = str(path)
    top = TableReader(file, "", read_toml(path), "", _SECTIONS)
    name = top.text("scenario")
    if name is None:
        raise InputError(f"{file}: scenario is missing; name the scenario TOML of the operation")
    if not (path.parent / name).is_file():
        raise InputError(f"{file}: scenario = {name!r}: file not found next to the bid file")
    scenario = load_scenario(path.parent / name)
    if scenario.center is not None:
        raise InputError(
            f"{file}: scenario {name}: bids of several queues and groups are not yet "
            "available; price a single-queue scenario"
        )
    if len(scenario.forecast.days) != 1:
        raise InputError(
            f"{file}: scenario {name}: its forecast covers {len(scenario.forecast.days)} "
            "days; a bid's intraday profile must be one day"
        )
    if not scenario.forecast.calls.sum() > 0:
        raise InputError(f"{file}: scenario {name}: its forecast has no calls to shape a day")
    volume = top.sub("volume", "volume")
    monthly = volume.number("monthly")
    if monthly is None or monthly <= 0:
        raise InputError(f"{volume.field('monthly')} is missing or 0; give contacts per month")
    week_r = volume.sub("week", "week")
    week = np.array([float(week_r.number(d, 1.0)) for d in WEEKDAYS])
    if not week.sum() > 0:
        raise InputError(f"{file}: volume.week: every weekday is closed; give a weight > 0")
    aht = volume.duration("aht", plausible="aht")
    if aht is not None and aht <= 0:
        raise InputError(f"{volume.field('aht')} = {aht:g}; AHT must be > 0 seconds")
    days_per_month = float(volume.number("days_per_month", 30.4, low=28.0))
    if days_per_month > 31:
        raise InputError(f"{volume.field('days_per_month')} = {days_per_month:g}; at most 31")
    sla = _sla(top.sub("sla", "sla"))
    price = top.sub("price", "price")
    margin = price.fraction("margin", 0.0)
    if margin >= 1.0:
        raise InputError(f"{price.field('margin')}: the margin must be below 100%")
    options = _options(top.sub("risk", "risk"), sla)
    risk = top.sub("risk", "risk")
    fte_hours = price.hours("fte_hours_per_month", 2080.0 / 12.0)
    return Bid(
        name=top.text("name", path.stem),
        client=top.text("client", ""),
        path=path,
        scenario=scenario,
        monthly_volume=float(monthly),
        aht=aht,
        week=week,
        daily_cv=volume.fraction("daily_cv", 0.0),
        days_per_month=days_per_month,
        sla=sla,
        billing_unit=price.choice("billing_unit", tuple(BILLING_UNITS), "hour"),
        margin=margin,
        count_bonus=price.boolean("count_bonus", False),
        fte_hours_per_month=fte_hours,
        plan_service_levels=options,
        days=int(risk.number("days", 400, low=10, whole=True)),
        months=int(risk.number("months", 4000, low=100, whole=True)),
        seed=int(risk.number("seed", 0, whole=True)),
        price_tolerance=risk.fraction("price_tolerance", 0.005),
        max_p_miss=risk.fraction("max_p_miss", 0.1),
    )


def _sla(r: TableReader) -> SlaTerms:
    level, threshold = r.service_target(may_be_off=False)
    credit = r.sub("credit", "credit")
    bonus = r.sub("bonus", "bonus")
    return SlaTerms(
        service_level=level,
        threshold=threshold,
        abandon_rate=r.fraction("abandon_rate"),
        credit_per_point=credit.fraction("per_point", 0.0),
        credit_cap=credit.fraction("cap", 1.0),
        bonus_per_point=bonus.fraction("per_point", 0.0),
        bonus_cap=bonus.fraction("cap", 1.0),
    )


def _options(r: TableReader, sla: SlaTerms) -> tuple[float, ...]:
    raw = r.table.get("plan_service_levels")
    if raw is None:
        levels = [sla.service_level + d for d in (-0.05, 0.0, 0.05, 0.10)]
        return tuple(round(v, 4) for v in levels if 0.0 < v < 1.0)
    if not isinstance(raw, list) or not raw:
        raise InputError(
            f'{r.field("plan_service_levels")} = {raw!r}; give a list like ["80%", "85%"]'
        )
    levels = [units.parse_fraction(str(v), r.field("plan_service_levels")) for v in raw]
    if not all(0.0 < v < 1.0 for v in levels):
        raise InputError(f"{r.field('plan_service_levels')}: each level must be > 0 and < 100%")
    return tuple(sorted(set(levels)))


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


def price_bid(
    bid: Bid,
    *,
    executor: Executor | None = None,
    workers: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> BidResult:
    """Plan, cost, price and risk every staffing option of the bid.

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
        options by weekday"``), then as each option's months are composed (``"SLA risk of
        the options"``).

    Returns
    -------
    BidResult
    """
    scenario = bid.scenario
    types = bid.day_types()
    per_type_days = {label: len(days) * bid.days_per_month / 7.0 for label, days, _ in types}
    tasks = []
    for level in bid.plan_service_levels:
        # the option's service level at the SLA's answer time replaces the operation's
        # service-level target; its other targets and caps (ASA, abandonment, occupancy per
        # interval) still hold. The SLA itself is judged over the month, by the risk
        # simulation
        targets = replace(scenario.targets, service_level=level, threshold=bid.sla.threshold)
        for k, (_, _, calls) in enumerate(types):
            tasks.append((replace(scenario, forecast=bid.forecast(calls), targets=targets), bid, k))
    planning, risking = "planning options by weekday", "SLA risk of the options"
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
    options = []
    for n, level in enumerate(bid.plan_service_levels):
        if progress is not None:
            progress(risking, n, len(bid.plan_service_levels))
        plans: dict[str, PlanResult] = {}
        simulated: dict[int, dict[str, FloatArray]] = {}
        for label, weekdays, _ in types:
            plans[label], sims = next(done)
            simulated |= dict.fromkeys(weekdays, sims)
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
            simulated,
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
