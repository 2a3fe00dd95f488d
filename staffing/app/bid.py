"""The bid screen: contract terms in, price per unit, monthly bill and SLA risk out.

The bundled bid file gives the operation and the staffing options; the form changes the
contract terms (billing unit, margin, monthly SLA, credits and bonuses) and the volume.
:mod:`staffing.pricing` plans, costs, prices and risks every option, as ``staffing bid``
does (new money terms re-price the latest plans at once), and
:func:`staffing.report.bid_sheet.write_bid_sheet` writes the same files. This module parses
the form and turns the result into plain numbers.
"""

import threading
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from staffing import units
from staffing.app.day import BUNDLED
from staffing.bid_terms import BILLING_UNITS, Bid, load_bid
from staffing.errors import InputError
from staffing.pricing import BidResult, PlannedBid, plan_bid, planning_key, price_planned
from staffing.report.bid_sheet import write_bid_sheet
from staffing.report.output import OutputFolder

BID_FILE = BUNDLED / "ecommerce_bid.toml"
"""The bundled bid whose operation and options the screen prices."""


def _share(text: str, field: str) -> float:
    return units.parse_fraction(text, field)


def _margin(text: str, field: str) -> float:
    value = units.parse_fraction(text, field)
    if value >= 1.0:
        raise InputError(f"{field} = {text!r}; the margin must be below 100%")
    return value


def _volume(text: str, field: str) -> float:
    try:
        value = float(text.replace(",", "").replace("_", ""))
    except ValueError:
        value = float("nan")
    if not (np.isfinite(value) and value > 0):
        raise InputError(f"{field} = {text!r}; give contacts per month > 0, like 480000")
    return value


def _days(text: str, field: str) -> int:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (np.isfinite(value) and value >= 10 and value == int(value)):
        raise InputError(f"{field} = {text!r}; give a whole number of simulated days >= 10")
    return int(value)


def _levels(text: str, field: str) -> tuple[float, ...]:
    parts = [part for part in text.replace(";", ",").split(",") if part.strip()]
    if not parts:
        raise InputError(f"{field} = {text!r}; give service levels like 70%, 80%, 90%")
    levels = [units.parse_fraction(part, field) for part in parts]
    if not all(0.0 < v < 1.0 for v in levels):
        raise InputError(f"{field} = {text!r}; each level must be > 0 and < 100%")
    return tuple(sorted(set(levels)))


def _unit(text: str, field: str) -> str:
    if text not in BILLING_UNITS:
        raise InputError(f"{field} = {text!r}; choose one of {', '.join(BILLING_UNITS)}")
    return text


_PARSERS = {
    "monthly": _volume,
    "billing_unit": _unit,
    "margin": _margin,
    "sla": units.parse_service_target,
    "abandon": _share,
    "credit_per_point": _share,
    "credit_cap": _share,
    "bonus_per_point": _share,
    "bonus_cap": _share,
    "options": _levels,
    "days": _days,
}


def defaults(bid: Bid) -> dict[str, str]:
    """Return the form's fields as the bid file gives them, as a person would type them."""
    sla = bid.sla

    def pct(value: float) -> str:
        return f"{100 * value:.4g}%"

    return {
        "monthly": f"{bid.monthly_volume:.0f}",
        "billing_unit": bid.billing_unit,
        "margin": pct(bid.margin),
        "sla": f"{100 * sla.service_level:.4g}/{sla.threshold:g}",
        "abandon": "" if sla.abandon_rate is None else pct(sla.abandon_rate),
        "credit_per_point": pct(sla.credit_per_point),
        "credit_cap": pct(sla.credit_cap),
        "bonus_per_point": pct(sla.bonus_per_point),
        "bonus_cap": pct(sla.bonus_cap),
        "options": ", ".join(pct(v) for v in bid.plan_service_levels),
        "days": str(bid.days),
    }


def terms(bid: Bid, form: Mapping[str, str]) -> tuple[Bid | None, dict[str, str]]:
    """Apply the form to the bid, field by field.

    Returns
    -------
    bid : Bid or None
        The bid with the terms typed (None when a field is wrong).
    errors : dict
        The one-line message of each field in error, by field.
    """
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    given = defaults(bid) | {k: str(v).strip() for k, v in form.items() if k in _PARSERS}
    for name, parse in _PARSERS.items():
        text = given[name]
        if name == "abandon" and not text:
            values[name] = None
            continue
        try:
            values[name] = parse(text, name)
        except InputError as error:
            errors[name] = str(error)
    if errors:
        return None, errors
    share, threshold = values["sla"]
    sla = replace(
        bid.sla,
        service_level=share,
        threshold=threshold,
        abandon_rate=values["abandon"],
        credit_per_point=values["credit_per_point"],
        credit_cap=values["credit_cap"],
        bonus_per_point=values["bonus_per_point"],
        bonus_cap=values["bonus_cap"],
    )
    changed = replace(
        bid,
        monthly_volume=values["monthly"],
        billing_unit=values["billing_unit"],
        margin=values["margin"],
        sla=sla,
        plan_service_levels=values["options"],
        days=values["days"],
    )
    return changed, {}


def load(path: Path | None = None) -> Bid:
    """Read a bid file, by default :data:`BID_FILE` (:func:`staffing.bid_terms.load_bid`)."""
    return load_bid(BID_FILE if path is None else path)


def view(result: BidResult) -> dict[str, Any]:
    """Return the priced bid for the page: every option, the recommended one, the trade-off."""
    bid = result.bid
    table = result.table()
    rec = result.recommended
    finite = table.replace([np.inf, -np.inf], np.nan).astype(object)
    rows = finite.where(finite.notna(), None).to_dict(orient="records")
    return {
        "unit": BILLING_UNITS[bid.billing_unit],
        "currency": bid.scenario.costs.currency,
        "sla": bid.sla.service_level,
        "options": rows,
        "recommended": {
            "plan_service_level": rec.plan_service_level,
            "price": rec.risk_adjusted_price,
            "list_price": rec.price,
            "units": rec.units,
            "monthly_bill": rec.risk_adjusted_price * rec.units,
            "monthly_cost": rec.month.total,
            "fte": rec.month.fte,
            "p_miss": rec.risk.p_miss,
            "p_miss_range": list(rec.risk.p_miss_range),
            "expected_credit": float(np.mean(rec.risk.credit)),
        },
    }


_PLANNED: dict[tuple, PlannedBid] = {}
"""The latest bid's plans, by :func:`staffing.pricing.planning_key`."""
_PLANNING = threading.Lock()


def price(bid: Bid, progress: Any = None) -> BidResult:
    """Price the bid, reporting progress; new money terms reuse the latest plans.

    The margin, billing unit and SLA terms move the price at once: only a change of volume,
    profile, options or simulated days plans again (:func:`staffing.pricing.plan_bid`).
    """
    key = planning_key(bid)
    with _PLANNING:
        planned = _PLANNED.get(key)
        if planned is None:
            planned = plan_bid(bid, progress=progress)
            _PLANNED.clear()
            _PLANNED[key] = planned
    return price_planned(bid, planned, progress=progress)


_WRITING = threading.Lock()


def sheet_files(result: BidResult, folder: Path) -> dict[str, Path]:
    """Write the bid sheet (the files of ``staffing bid --out``) once; its top-level files.

    The recommended option's day plans go to ``plan_*`` folders beside them, as the
    command writes them; the page offers the sheet, its tables and charts.
    """
    with _WRITING:
        if not folder.is_dir():
            out = OutputFolder(folder, "bid", force=True)
            with out.staging() as stage:
                write_bid_sheet(result, stage, force=True)
    return {p.name: p for p in sorted(folder.iterdir()) if p.is_file()}
