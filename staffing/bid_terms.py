"""An outsourcing bid as a client's terms: volume, weekly profile, SLA, billing and margin.

A bid file (TOML, format in the README) names the scenario of the operation that would serve
the client (its one-day forecast is the intraday profile), the monthly volume and weekly
profile, the SLA measured over the month with its credits and bonuses, the billing unit and
target margin, and how the options are simulated. :func:`load_bid` reads and checks it once;
:mod:`staffing.pricing` plans, prices and risks it.
"""

from dataclasses import dataclass, replace
from os import PathLike
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from staffing import units
from staffing.errors import InputError
from staffing.forecast import Forecast
from staffing.scenario import Scenario, TableReader, load_scenario, read_toml
from staffing.sla import SlaTerms

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
