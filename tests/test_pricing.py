"""Bid pricing: price at a margin, SLA credit terms, monthly risk, bid files, the bid sheet.

Everything that runs :func:`staffing.pricing.price_bid` uses a tiny operation (12 half-hour
intervals, 20-60 calls each, one 4 h shift pattern, 5 replications, one correction round)
and a tiny risk simulation (20 days per weekday, 200 months), so the whole file runs in a
few seconds. The bundled bid is loaded but never priced here (that takes ~15 s).
"""

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from staffing.bid_terms import BILLING_UNITS, load_bid
from staffing.cli import main
from staffing.costs import cost_breakdown
from staffing.errors import InputError
from staffing.pricing import (
    _recommend,
    plan_bid,
    planning_key,
    price_at_margin,
    price_bid,
    price_planned,
)
from staffing.report.bid_sheet import write_bid_sheet
from staffing.sla import SlaTerms

ROOT = Path(__file__).resolve().parent.parent

# --------------------------------------------------------------------------- tiny files

# 08:00-14:00 in 12 half-hour intervals; AHT cycles 180/200/240 s so an AHT override has a
# shape to keep
PROFILE_CALLS = [20, 30, 40, 50, 60, 55, 50, 45, 40, 30, 25, 20]
PROFILE_AHT = [180, 200, 240] * 4
PROFILE_CSV = "start,calls,aht\n" + "".join(
    f"{8 + i // 2:02d}:{30 * (i % 2):02d},{c},{a}\n"
    for i, (c, a) in enumerate(zip(PROFILE_CALLS, PROFILE_AHT, strict=True))
)

SCENARIO = """
name = "tiny operation"
[forecast]
file = "{csv}"
[targets]
service_level = "80/20"
[callers]
patience = "2min"
[staffing]
shrinkage = "20%"
fte_hours = "8h"
[[shifts]]
name = "half"
length = "4h"
starts = {{ from = "08:00", to = "10:00", every = "30min" }}
[costs]
hourly_wage = 20.0
loading = "25%"
seat_cost_per_hour = 2.0
overhead = "10%"
fixed_monthly = 3040
currency = "USD"
[simulation]
replications = 5
seed = 3
rounds = 1
"""

# Sunday closed; Tue-Fri share a weight (one day type); Mon and Sat are types of their own.
BID = """
name = "tiny bid"
client = "Test Client"
scenario = "{scenario}"

[volume]
monthly = 12000
daily_cv = "5%"
days_per_month = 30
week = {{ mon = 1.2, tue = 1, wed = 1, thu = 1, fri = 1, sat = 0.5, sun = 0 }}

[sla]
service_level = "80/20"
abandon_rate = "5%"
credit = {{ per_point = "1%", cap = "10%" }}
bonus = {{ per_point = "0.5%", cap = "3%" }}

[price]
billing_unit = "hour"
margin = "20%"
fte_hours_per_month = "160h"

[risk]
plan_service_levels = ["70%", "90%"]
days = 20
months = 200
seed = 5
"""


def write_files(folder: Path, bid: str = BID, csv: str = PROFILE_CSV) -> Path:
    """Write the profile CSV, the scenario and the bid into ``folder``; return the bid."""
    (folder / "profile.csv").write_text(csv)
    (folder / "operation.toml").write_text(SCENARIO.format(csv="profile.csv"))
    path = folder / "bid.toml"
    path.write_text(bid.format(scenario="operation.toml"))
    return path


@pytest.fixture
def bid_file(tmp_path):
    """Write the tiny files, with the bid text edited by ``old -> new`` replacements."""

    def write(*edits: tuple[str, str], extra: str = "", csv: str = PROFILE_CSV) -> Path:
        text = BID
        for old, new in edits:
            assert old in text, old
            text = text.replace(old, new)
        return write_files(tmp_path, text + extra, csv)

    return write


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    """The tiny bid and its plans, planned once for the module."""
    bid = load_bid(write_files(tmp_path_factory.mktemp("pricing_bid")))
    return bid, plan_bid(bid, workers=1)


@pytest.fixture(scope="module")
def priced(planned):
    """The tiny bid, priced once for the module."""
    return price_planned(*planned)


def test_new_money_terms_reprice_without_planning_again(planned, priced):
    # the margin, billing unit and SLA credits move the price on the same plans and days:
    # the list price scales by (1 - 0.20) / (1 - 0.30); the risk is the same months
    bid, plans = planned
    dearer = replace(bid, margin=0.30)
    again = price_planned(dearer, plans)
    for before, after in zip(priced.options, again.options, strict=True):
        assert after.plans is before.plans
        assert after.price == pytest.approx(before.price * (1 - bid.margin) / 0.70, rel=1e-12)
        np.testing.assert_array_equal(after.risk.service_level, before.risk.service_level)
    # planning inputs are checked: other volumes need new plans
    more = replace(bid, monthly_volume=2 * bid.monthly_volume)
    assert planning_key(more) != plans.key
    with pytest.raises(InputError, match="plan the bid again"):
        price_planned(more, plans)
    # and price_bid is the two steps in one
    assert price_bid(bid, workers=1).table().equals(priced.table())


# --------------------------------------------------------------------------- price_at_margin


def test_price_at_margin_hand_checked():
    # 100,000 / (1 - 0.20) = 125,000 billed; / 5,000 units = 25.00 per unit
    assert price_at_margin(100_000.0, 0.20, 5_000.0) == pytest.approx(25.0, rel=1e-12)
    # no margin: the price is the cost per unit
    assert price_at_margin(100_000.0, 0.0, 5_000.0) == pytest.approx(20.0, rel=1e-12)
    # margin on revenue, not markup on cost: 50 % margin doubles the cost
    assert price_at_margin(300.0, 0.5, 3.0) == pytest.approx(200.0, rel=1e-12)


@pytest.mark.parametrize(
    ("margin", "units", "expected"),
    [
        (1.0, 5_000.0, "margin"),
        (1.5, 5_000.0, "margin"),
        (-0.1, 5_000.0, "margin"),
        (math.nan, 5_000.0, "margin"),
        (0.2, 0.0, "units"),
        (0.2, -10.0, "units"),
        (0.2, math.nan, "units"),
    ],
)
def test_price_at_margin_rejects_bad_inputs(margin, units, expected):
    with pytest.raises(InputError, match=expected) as info:
        price_at_margin(100_000.0, margin, units)
    assert "\n" not in str(info.value)


# --------------------------------------------------------------------------- Bid


def test_day_types_group_equal_weights(bid_file):
    bid = load_bid(bid_file())
    types = bid.day_types()
    # weights 1.2 > 1 > 0.5, Sunday closed
    assert [(label, days) for label, days, _ in types] == [
        ("Mon", (0,)),
        ("Tue-Fri", (1, 2, 3, 4)),
        ("Sat", (5,)),
    ]
    # a week of a 30-day month: 12,000 x 7 / 30 = 2,800 contacts over weight 5.7
    calls = {label: c for label, _, c in types}
    assert calls["Mon"] == pytest.approx(2800 * 1.2 / 5.7, rel=1e-12)
    assert calls["Tue-Fri"] == pytest.approx(2800 / 5.7, rel=1e-12)
    assert calls["Sat"] == pytest.approx(2800 * 0.5 / 5.7, rel=1e-12)
    # a month has 30/7 of each weekday: the days add up to the monthly volume
    month = sum(len(days) * bid.days_per_month / 7 * c for _, days, c in types)
    assert month == pytest.approx(12_000, rel=1e-12)


def test_day_types_of_a_week_with_non_default_month_length(bid_file):
    bid = load_bid(
        bid_file(
            ("days_per_month = 30", "days_per_month = 30.4"),
            ("mon = 1.2, tue = 1", "mon = 1, tue = 1"),
            ("sat = 0.5, sun = 0", "sat = 0.6, sun = 0.6"),
        )
    )
    types = bid.day_types()
    assert [days for _, days, _ in types] == [(0, 1, 2, 3, 4), (5, 6)]
    assert [label for label, _, _ in types] == ["Mon-Fri", "Sat-Sun"]
    month = sum(len(days) * 30.4 / 7 * c for _, days, c in types)
    assert month == pytest.approx(12_000, rel=1e-12)
    # a Saturday has 0.6 of a weekday's calls
    assert types[1][2] / types[0][2] == pytest.approx(0.6, rel=1e-12)


def test_forecast_scales_the_profile_and_keeps_its_shape(bid_file):
    bid = load_bid(bid_file())
    assert bid.aht is None
    fc = bid.forecast(700.0)
    profile = np.array(PROFILE_CALLS, dtype=float)
    assert fc.calls.sum() == pytest.approx(700.0, rel=1e-12)
    np.testing.assert_allclose(fc.calls, profile * 700.0 / profile.sum(), rtol=1e-12)
    np.testing.assert_array_equal(fc.aht, PROFILE_AHT)
    np.testing.assert_array_equal(fc.start, bid.scenario.forecast.start)


def test_aht_override_sets_the_call_weighted_mean_and_keeps_the_shape(bid_file):
    bid = load_bid(bid_file(("daily_cv", 'aht = "4min"\ndaily_cv')))
    assert bid.aht == 240.0
    fc = bid.forecast(500.0)
    # call-weighted mean of the profile: sum(calls x aht) / sum(calls)
    profile_mean = np.dot(PROFILE_CALLS, PROFILE_AHT) / sum(PROFILE_CALLS)
    assert np.dot(fc.calls, fc.aht) / fc.calls.sum() == pytest.approx(240.0, rel=1e-12)
    np.testing.assert_allclose(fc.aht, np.array(PROFILE_AHT) * 240.0 / profile_mean, rtol=1e-12)
    assert fc.calls.sum() == pytest.approx(500.0, rel=1e-12)


def test_bundled_bid_loads():
    bid = load_bid(ROOT / "simulations" / "ecommerce_bid.toml")
    assert bid.name == "Online retailer, inbound customer service"
    assert bid.client == "Example Retail"
    assert bid.scenario.name == "E-commerce weekday"
    assert bid.monthly_volume == 480_000
    assert bid.aht == 270.0
    assert bid.daily_cv == pytest.approx(0.08)
    assert bid.days_per_month == 30.4
    np.testing.assert_allclose(bid.week, [1.15, 1, 1, 1, 1, 0.6, 0.6])
    assert bid.sla == SlaTerms(
        service_level=0.8,
        threshold=20.0,
        abandon_rate=pytest.approx(0.05),
        credit_per_point=pytest.approx(0.01),
        credit_cap=pytest.approx(0.10),
        bonus_per_point=pytest.approx(0.005),
        bonus_cap=pytest.approx(0.03),
    )
    assert bid.billing_unit == "productive_hour"
    assert bid.margin == pytest.approx(0.18)
    assert bid.fte_hours_per_month == pytest.approx(2080 / 12)
    assert bid.plan_service_levels == pytest.approx((0.6, 0.7, 0.8, 0.9))
    assert (bid.days, bid.months, bid.seed) == (400, 4000, 7)
    assert [label for label, _, _ in bid.day_types()] == ["Mon", "Tue-Fri", "Sat-Sun"]
    month = sum(len(d) * 30.4 / 7 * c for _, d, c in bid.day_types())
    assert month == pytest.approx(480_000, rel=1e-12)


def test_defaults_of_a_minimal_bid(tmp_path):
    write_files(tmp_path)
    path = tmp_path / "minimal.toml"
    path.write_text('scenario = "operation.toml"\n[volume]\nmonthly = 1000\n')
    bid = load_bid(path)
    assert bid.name == "minimal"
    np.testing.assert_array_equal(bid.week, np.ones(7))
    assert bid.days_per_month == 30.4
    assert bid.sla.service_level == 0.8
    assert bid.sla.threshold == 20.0
    assert bid.sla.abandon_rate is None
    assert bid.billing_unit == "hour"
    assert bid.margin == 0.0
    # default options: the SLA's level -5, 0, +5 and +10 points
    assert bid.plan_service_levels == pytest.approx((0.75, 0.80, 0.85, 0.90))
    assert (bid.days, bid.months, bid.seed) == (400, 4000, 0)
    assert not bid.count_bonus
    assert (bid.price_tolerance, bid.max_p_miss) == (0.005, 0.1)


# --------------------------------------------------------------------------- load_bid errors


# every weekday given and 0 (a weekday left out has weight 1)
ALL_CLOSED = "mon = 0, tue = 0, wed = 0, thu = 0, fri = 0, sat = 0"


@pytest.mark.parametrize(
    ("edits", "extra", "expected"),
    [
        ([('scenario = "{scenario}"', "")], "", "scenario is missing"),
        ([("monthly = 12000", "")], "", "volume.monthly"),
        ([("monthly = 12000", "monthly = 0")], "", "volume.monthly"),
        ([("monthly = 12000", "monthly = -5")], "", "volume.monthly"),
        (
            [("mon = 1.2, tue = 1, wed = 1, thu = 1, fri = 1, sat = 0.5", ALL_CLOSED)],
            "",
            "every weekday is closed",
        ),
        ([("margin", "marign")], "", "price.marign"),
        ([], "[misc]\nx = 1\n", "misc"),
        ([('per_point = "1%"', 'per_pont = "1%"')], "", "sla.credit.per_pont"),
        ([('billing_unit = "hour"', 'billing_unit = "seat"')], "", "price.billing_unit"),
        ([('margin = "20%"', 'margin = "100%"')], "", "price.margin"),
        ([('margin = "20%"', 'margin = "120%"')], "", "price.margin"),
        ([('margin = "20%"', "margin = 20")], "", "price.margin"),
        ([('["70%", "90%"]', '"80%"')], "", "risk.plan_service_levels"),
        ([('["70%", "90%"]', "[]")], "", "risk.plan_service_levels"),
        ([('["70%", "90%"]', '["70%", 0]')], "", "risk.plan_service_levels"),
        ([('["70%", "90%"]', '["70%", "120%"]')], "", "risk.plan_service_levels"),
        ([('["70%", "90%"]', '["70%", "100%"]')], "", "risk.plan_service_levels"),
        ([("days = 20", "days = 9")], "", "risk.days"),
        ([("days = 20", "days = 20.5")], "", "risk.days"),
        ([("months = 200", "months = 50")], "", "risk.months"),
        ([("days_per_month = 30", "days_per_month = 27")], "", "volume.days_per_month"),
        ([("days_per_month = 30", "days_per_month = 32")], "", "volume.days_per_month"),
        ([("daily_cv", 'aht = "-3min"\ndaily_cv')], "", "volume.aht"),
        ([('"80/20"', '"120/20"')], "", "sla.service_level"),
        ([('fte_hours_per_month = "160h"', "fte_hours_per_month = 0")], "", "fte_hours"),
    ],
)
def test_bad_bids_name_the_file_and_key(bid_file, edits, extra, expected):
    path = bid_file(*edits, extra=extra)
    with pytest.raises(InputError, match=expected) as info:
        load_bid(path)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_malformed_toml(bid_file):
    path = bid_file(("[price]", "[price"))
    with pytest.raises(InputError, match="not valid TOML") as info:
        load_bid(path)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_bid_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        load_bid(tmp_path / "nope.toml")


def test_scenario_not_found_names_the_scenario_file(bid_file, tmp_path):
    path = bid_file(('scenario = "{scenario}"', 'scenario = "nope.toml"'))
    with pytest.raises(InputError, match="file not found") as info:
        load_bid(path)
    # the bid file and its key, and the name as written
    assert str(path) in str(info.value)
    assert "scenario = 'nope.toml'" in str(info.value)
    assert "\n" not in str(info.value)


def test_a_multi_day_scenario_is_not_an_intraday_profile(bid_file):
    csv = "start,calls,aht\n" + "".join(
        f"2026-03-0{d} {t},20,180\n" for d in (2, 3) for t in ("08:00", "08:30")
    )
    path = bid_file(csv=csv)
    with pytest.raises(InputError, match="covers 2 days") as info:
        load_bid(path)
    assert str(path) in str(info.value)
    assert "operation.toml" in str(info.value)
    assert "\n" not in str(info.value)


def test_a_profile_without_calls_is_refused(bid_file):
    path = bid_file(csv="start,calls,aht\n08:00,0,180\n08:30,0,180\n")
    with pytest.raises(InputError, match="no calls") as info:
        load_bid(path)
    assert str(path) in str(info.value)


# --------------------------------------------------------------------------- price_bid


def _month_days(bid, weekdays) -> float:
    return len(weekdays) * bid.days_per_month / 7.0


def test_each_day_type_is_planned_for_its_calls(priced):
    bid = priced.bid
    assert priced.day_types == bid.day_types()
    for option in priced.options:
        assert list(option.plans) == ["Mon", "Tue-Fri", "Sat"]
        for label, _, calls in priced.day_types:
            p = option.plans[label]
            assert p.scenario.forecast.calls.sum() == pytest.approx(calls, rel=1e-12)
            assert p.scenario.targets.service_level == option.plan_service_level
            assert p.scenario.targets.threshold == 20.0
            # the day's paid hours are the schedule's, grossed up for 20 % shrinkage, plus
            # the simulated overtime finishing calls past shift ends
            shifts = p.best.schedule.shifts
            paid = sum(s.headcount * s.paid_seconds for s in shifts) / 3600 / 0.8
            overtime = p.best.simulation.day.loc["overtime_hours", "mean"]
            assert 0 < overtime < 0.05 * paid
            assert p.best.costs.paid_hours == pytest.approx(paid + overtime, rel=1e-12)


def test_month_cost_is_the_cost_model_over_a_month_of_days(priced):
    bid = priced.bid
    costs = bid.scenario.costs
    for option in priced.options:
        # a 30-day month: 30/7 Mondays, 4 x 30/7 Tue-Fri days, 30/7 Saturdays, no Sundays
        hours = {
            name: sum(
                _month_days(bid, days) * getattr(option.plans[label].best.costs, name)
                for label, days, _ in priced.day_types
            )
            for name in ("paid_hours", "handled_calls", "handle_hours")
        }
        expected = cost_breakdown(
            costs,
            **hours,
            period_days=30.0,
            fte_hours_per_day=160.0 / 30.0,
            days_per_month=30.0,
        )
        month = option.month
        assert month.total == pytest.approx(expected.total, rel=1e-12)
        assert month.paid_hours == pytest.approx(hours["paid_hours"], rel=1e-12)
        # per paid hour: (20 x 1.25) x 1.10 + 2 = 29.50, plus the whole fixed 3,040 a month
        assert costs.per_hour == pytest.approx(29.5)
        assert month.total == pytest.approx(29.5 * hours["paid_hours"] + 3040.0, rel=1e-12)
        # FTE = paid hours / 160 h per FTE-month
        assert month.fte == pytest.approx(hours["paid_hours"] / 160.0, rel=1e-12)


def test_prices_at_the_margin_and_after_expected_credits(priced):
    # by default only expected credits are priced in; bonuses are upside, so the margin
    # over the simulated months is at least the target
    margin = priced.bid.margin
    assert margin == pytest.approx(0.20)
    for option in priced.options:
        # billed per paid hour
        assert option.units == pytest.approx(option.month.paid_hours, rel=1e-12)
        list_price = option.month.total / (1 - margin) / option.month.paid_hours
        assert option.price == pytest.approx(list_price, rel=1e-12)
        credit = np.mean(option.risk.credit)
        assert option.risk_adjusted_price == pytest.approx(option.price / (1 - credit), rel=1e-12)
        revenue = option.risk_adjusted_price * option.units * (1 - option.risk.adjustment)
        profit = revenue - option.month.total
        assert profit.sum() / revenue.sum() >= margin - 1e-12


def test_counting_bonuses_prices_to_the_margin_exactly(priced):
    bid = replace(priced.bid, count_bonus=True, plan_service_levels=(0.9,))
    margin = bid.margin
    for option in price_bid(bid, workers=1).options:
        adjustment = np.mean(option.risk.credit - option.risk.bonus)
        assert option.risk.expected_adjustment == pytest.approx(adjustment, abs=1e-15)
        assert option.risk_adjusted_price == pytest.approx(
            option.price / (1 - adjustment), rel=1e-12
        )
        # Month i invoices R_i = P U (1 - adj_i) and costs C, so over all simulated months
        #   sum(R_i - C) / sum(R_i) = 1 - C / (P U (1 - mean adj)),
        # which with P = C / ((1 - m) U (1 - mean adj)) is exactly m.
        revenue = option.risk_adjusted_price * option.units * (1 - option.risk.adjustment)
        profit = revenue - option.month.total
        assert profit.sum() / revenue.sum() == pytest.approx(margin, abs=1e-9)
        # Option.margins is each month's profit / invoiced revenue
        np.testing.assert_allclose(option.margins(option.risk_adjusted_price), profit / revenue)


def test_risk_months_are_the_bids(priced):
    bid = priced.bid
    for option in priced.options:
        risk = option.risk
        assert risk.service_level.shape == (bid.months,)
        assert np.all((risk.service_level > 0) & (risk.service_level <= 1))
        assert np.all((risk.abandon_rate >= 0) & (risk.abandon_rate < 1))
        np.testing.assert_array_equal(
            risk.credit, bid.sla.credit(risk.service_level, risk.abandon_rate)
        )
        np.testing.assert_array_equal(
            risk.bonus, bid.sla.bonus(risk.service_level, risk.abandon_rate)
        )
        assert np.all(risk.credit <= 0.10 + 1e-15)
        assert np.all(risk.bonus <= 0.03 + 1e-15)
        # never both in one month
        assert not np.any((risk.credit > 0) & (risk.bonus > 0))


def test_more_staffing_costs_more_and_risks_less(priced):
    low, high = priced.options
    assert (low.plan_service_level, high.plan_service_level) == (0.7, 0.9)
    assert high.month.fte > low.month.fte
    assert high.month.total > low.month.total
    # common random numbers: same day seeds and month draws for both options
    assert high.risk.p_miss <= low.risk.p_miss
    assert np.mean(high.risk.credit) <= np.mean(low.risk.credit)
    assert np.median(high.risk.service_level) > np.median(low.risk.service_level)
    # the tiny bid is built so that the lean option does miss sometimes
    assert low.risk.p_miss > 0


def variant(option, price, p_miss):
    """The option with this risk-adjusted price and share of months missing (of 100)."""
    missed = np.zeros(100)
    missed[: round(100 * p_miss)] = 1.0
    return replace(option, risk=replace(option.risk, missed=missed), risk_adjusted_price=price)


@pytest.mark.parametrize(
    ("options", "chosen"),
    [
        # the cheapest misses most months: set aside (max_p_miss 10 %)
        ([(100.0, 0.5), (100.3, 0.05), (103.0, 0.0)], 1),
        # within 0.5 % of the lowest price, the safer one
        ([(100.0, 0.09), (100.4, 0.02), (101.0, 0.0)], 1),
        # beyond 0.5 %, the cheaper one
        ([(100.0, 0.09), (100.6, 0.02)], 0),
        # none keeps the SLA: the least likely to miss
        ([(100.0, 0.6), (101.0, 0.3), (99.0, 0.4)], 1),
    ],
)
def test_the_recommendation_keeps_the_sla_then_is_cheapest(priced, options, chosen):
    base = priced.options[0]
    made = [variant(base, price, p) for price, p in options]
    assert _recommend(priced.bid, made) is made[chosen]


def test_the_recommended_option_is_marked_in_the_table(priced):
    prices = [o.risk_adjusted_price for o in priced.options]
    assert priced.recommended in priced.options
    table = priced.table()
    assert table["recommended"].tolist() == [o is priced.recommended for o in priced.options]
    assert table["risk-adjusted price"].tolist() == pytest.approx(prices)
    assert table.attrs["unit"] == "paid agent hour"


def test_pricing_is_reproducible(priced):
    again = price_bid(replace(priced.bid, plan_service_levels=(0.7,)), workers=1)
    first = priced.options[0]
    assert again.options[0].month.total == first.month.total
    np.testing.assert_array_equal(again.options[0].risk.service_level, first.risk.service_level)


def test_a_process_pool_prices_the_bid_as_one_process_does(priced):
    # the day plans run as separate tasks; results are gathered in task order and every
    # task is seeded, so two worker processes give exactly the single-process result
    pooled = price_bid(priced.bid, workers=2)
    pd.testing.assert_frame_equal(pooled.table(), priced.table())
    for a, b in zip(pooled.options, priced.options, strict=True):
        np.testing.assert_array_equal(a.risk.service_level, b.risk.service_level)


@pytest.mark.parametrize("unit", sorted(BILLING_UNITS))
def test_billing_units(priced, unit):
    # one option is enough: the plans do not depend on the billing unit
    bid = replace(priced.bid, billing_unit=unit, plan_service_levels=(0.7,))
    option = price_bid(bid, workers=1).options[0]
    reference = priced.options[0]
    assert option.month.total == pytest.approx(reference.month.total, rel=1e-12)
    month_of = {
        name: sum(
            _month_days(bid, days) * getattr(option.plans[label].best.costs, name)
            for label, days, _ in priced.day_types
        )
        for name in ("paid_hours", "handled_calls", "handle_hours")
    }
    expected = {
        "hour": month_of["paid_hours"],
        "productive_hour": month_of["handle_hours"],
        "handle_minute": 60.0 * month_of["handle_hours"],
        "contact": month_of["handled_calls"],
        "fte": month_of["paid_hours"] / 160.0,
    }[unit]
    assert option.units == pytest.approx(expected, rel=1e-12)
    assert option.price == pytest.approx(option.month.total / 0.8 / expected, rel=1e-12)
    # the risk does not depend on the unit, and neither does the monthly bill
    assert option.risk.expected_adjustment == reference.risk.expected_adjustment
    assert option.price * option.units == pytest.approx(reference.price * reference.units)


# --------------------------------------------------------------------------- bid sheet, CLI


def test_write_bid_sheet(priced, tmp_path):
    out = tmp_path / "sheet"
    written = write_bid_sheet(priced, out)
    for name in ("bid.md", "options.csv", "months.csv", "tradeoff.png", "monthly_sl.png"):
        assert written[name] == out / name
        assert (out / name).stat().st_size > 0
    for label in ("mon", "tue-fri", "sat"):
        assert (out / f"plan_{label}" / "summary.md").is_file()
    assert not (out / "plan_sun").exists()
    assert all(p.exists() for p in written.values())
    rec = priced.recommended
    sheet = (out / "bid.md").read_text()
    assert f"**{rec.risk_adjusted_price:,.2f} USD per paid agent hour**" in sheet
    assert "Test Client" in sheet
    options = pd.read_csv(out / "options.csv")
    assert len(options) == 2
    assert options["risk-adjusted price"].tolist() == pytest.approx(
        [o.risk_adjusted_price for o in priced.options]
    )
    assert options["recommended"].tolist() == [o is rec for o in priced.options]
    months = pd.read_csv(out / "months.csv")
    assert len(months) == 2 * priced.bid.months
    low = months[months["plan service level"] == 0.7]
    np.testing.assert_allclose(low["service level"], priced.options[0].risk.service_level)
    np.testing.assert_allclose(low["credit"], priced.options[0].risk.credit)


def test_cli_bid_writes_and_never_overwrites_without_force(capsys, tmp_path):
    path = write_files(tmp_path)
    out = tmp_path / "out"
    code = main(["bid", str(path), "--out", str(out), "--workers", "1"])
    stdout, err = capsys.readouterr()
    assert code == 0, err
    options = pd.read_csv(out / "options.csv")
    price = float(options.loc[options["recommended"], "risk-adjusted price"].iloc[0])
    assert f"* recommended: {price:,.2f} USD per paid agent hour" in stdout
    assert f"**{price:,.2f} USD per paid agent hour**" in (out / "bid.md").read_text()
    for name in ("bid.md", "options.csv", "months.csv", "tradeoff.png", "monthly_sl.png"):
        assert (out / name).is_file()
    assert (out / "plan_tue-fri" / "summary.md").is_file()

    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    code = main(["bid", str(path), "--out", str(out)])
    stdout, err = capsys.readouterr()
    assert code == 2
    assert err.count("\n") == 1
    assert "exists and is not empty" in err
    assert "--force" in err
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    assert after == before

    code = main(["bid", str(path), "--out", str(out), "--force", "--workers", "1"])
    _, err = capsys.readouterr()
    assert code == 0, err
    assert (out / "bid.md").read_text() == before[out / "bid.md"][0].decode()


def test_cli_bid_bad_file_is_one_line(capsys, bid_file, tmp_path):
    path = bid_file(("margin", "marign"))
    code = main(["bid", str(path), "--out", str(tmp_path / "out")])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.count("\n") == 1
    assert "price.marign" in err
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- fixed bugs


def test_sla_threshold_is_not_silently_ignored(bid_file):
    path = bid_file(('service_level = "80/20"', 'service_level = "80/20"\nthreshold = "30s"'))
    try:
        bid = load_bid(path)
    except InputError as error:  # a conflict reported is a fine fix too
        message = str(error)
    else:
        message = f"sla.threshold = {bid.sla.threshold:g}"
    assert "sla.threshold" in message
    assert "= 20" not in message


def test_a_bid_credited_in_full_every_month_is_not_a_traceback(bid_file):
    # planned to 5 % per interval against a 99/5 SLA, with 100 % credit per point capped at
    # 100 %: every simulated month owes the whole bill, E[credit - bonus] = 1, which no
    # price can recover: a one-line error, not price / (1 - 1)
    path = bid_file(
        ('service_level = "80/20"', 'service_level = "99/5"'),
        ('per_point = "1%", cap = "10%"', 'per_point = "100%", cap = "100%"'),
        ('["70%", "90%"]', '["5%"]'),
    )
    bid = load_bid(path)
    try:
        result = price_bid(bid, workers=1)
    except InputError:
        return
    assert not math.isfinite(result.options[0].risk_adjusted_price)


@pytest.mark.parametrize(("text", "hours"), [("160", 160.0), ('"160h"', 160.0), ("173.5", 173.5)])
def test_fte_hours_per_month_bare_numbers_are_hours(bid_file, text, hours):
    bid = load_bid(bid_file(('fte_hours_per_month = "160h"', f"fte_hours_per_month = {text}")))
    assert bid.fte_hours_per_month == hours


def test_days_without_contacts_do_not_poison_the_months(bid_file):
    # about 1.3 contacts a day: a quarter of the simulated days have none, and no service
    # level; they count as nothing offered and nothing answered, not as NaN months (which
    # made every price infinite and a false "credits take the whole bill" error)
    bid = load_bid(bid_file(("monthly = 12000", "monthly = 40")))
    result = price_bid(replace(bid, plan_service_levels=(0.8,)), workers=1)
    risk = result.options[0].risk
    assert np.isfinite(risk.service_level).all()
    assert math.isfinite(result.options[0].risk_adjusted_price)
