import dataclasses
import doctest
import math

import numpy as np
import pytest

import staffing.costs
from staffing.costs import (
    COST_PER_CONTACT_USD,
    ONSHORE_US,
    PRESETS,
    UTILIZATION_RANGE,
    CostBreakdown,
    CostModel,
    cost_breakdown,
)
from staffing.errors import InputError

# The hand-checked case: 1,000 paid hours in 1 day of a 30.4-day month.
#   agent wages        1,000 h x $20              = 20,000
#   agent loadings     20,000 x 25 %              =  5,000
#   seats              1,000 h x $2               =  2,000
#   team lead hours    1,000 h / 10               =    100 h
#   team lead wages    100 h x $30                =  3,000
#   team lead loadings 3,000 x 25 %               =    750
#   direct labour      20,000 + 5,000 + 3,000 + 750 = 28,750
#   overhead           28,750 x 10 %              =  2,875
#   fixed              3,040 x 1 / 30.4           =    100
#   total              28,750 + 2,000 + 2,875 + 100 = 33,725
#   per paid hour      33,725 / 1,000 h           = 33.725
#   per productive h   33,725 / 800 h             = 42.15625
#   per contact        33,725 / 6,745 calls       = 5.00
#   FTE                1,000 h / (8 h x 1 d)      = 125
#   utilization        800 h / 1,000 h            = 0.80
MODEL = CostModel(
    hourly_wage=20.0,
    loading=0.25,
    seat_cost_per_hour=2.0,
    agents_per_team_lead=10,
    team_lead_hourly_wage=30.0,
    overhead=0.10,
    fixed_monthly=3040.0,
)
HOURS = {"paid_hours": 1000.0, "handled_calls": 6745, "handle_hours": 800.0, "period_days": 1}


@pytest.fixture
def hand() -> CostBreakdown:
    return cost_breakdown(MODEL, **HOURS)


def test_hand_checked_components(hand: CostBreakdown) -> None:
    assert hand.agent_wages == pytest.approx(20_000.0)
    assert hand.agent_loadings == pytest.approx(5_000.0)
    assert hand.seats == pytest.approx(2_000.0)
    assert hand.team_lead_hours == pytest.approx(100.0)
    assert hand.team_lead_wages == pytest.approx(3_000.0)
    assert hand.team_lead_loadings == pytest.approx(750.0)
    assert hand.direct_labour == pytest.approx(28_750.0)
    assert hand.overhead == pytest.approx(2_875.0)
    assert hand.fixed == pytest.approx(100.0)
    assert hand.total == pytest.approx(33_725.0)


def test_hand_checked_per_unit_figures(hand: CostBreakdown) -> None:
    assert hand.per_paid_hour == pytest.approx(33.725)
    assert hand.per_productive_hour == pytest.approx(42.15625)
    assert hand.per_contact == pytest.approx(5.0)
    assert hand.fte == pytest.approx(125.0)
    assert hand.utilization == pytest.approx(0.8)
    assert hand.currency == "USD"


def test_per_hour_is_marginal_cost_of_a_paid_hour(hand: CostBreakdown) -> None:
    # 25 + 2 + 3.75 + 2.875 = 33.625 per paid hour; fixed costs on top.
    assert MODEL.per_hour == pytest.approx(33.625)
    assert hand.total == pytest.approx(1000.0 * MODEL.per_hour + hand.fixed)


def test_neutral_defaults_match_scenario_costs() -> None:
    # neutral defaults: per_hour = 20 x 1.25 = 25, only the loaded wage.
    model = CostModel(hourly_wage=20.0, loading=0.25)
    assert model.per_hour == pytest.approx(25.0)
    b = cost_breakdown(model, paid_hours=10.0, handled_calls=0, handle_hours=0.0, period_days=1)
    assert b.total == pytest.approx(250.0)
    assert b.seats == b.team_lead_hours == b.team_lead_wages == b.overhead == b.fixed == 0.0


def test_fixed_share_and_fte_scale_with_the_period() -> None:
    # A week: 3,040 x 7 / 30.4 = 700; FTE = 280 h / (40/7 h/d x 7 d) = 7.
    b = cost_breakdown(
        MODEL,
        paid_hours=280.0,
        handled_calls=0,
        handle_hours=0.0,
        period_days=7,
        fte_hours_per_day=40 / 7,
    )
    assert b.fixed == pytest.approx(700.0)
    assert b.fte == pytest.approx(7.0)
    month = cost_breakdown(
        MODEL, paid_hours=0.0, handled_calls=0, handle_hours=0.0, period_days=30, days_per_month=30
    )
    assert month.fixed == pytest.approx(3040.0)


def test_zero_calls_gives_nan_per_contact_and_no_cost_warning() -> None:
    b = cost_breakdown(MODEL, paid_hours=100.0, handled_calls=0, handle_hours=0.0, period_days=1)
    assert math.isnan(b.per_contact)
    assert math.isnan(b.per_productive_hour)
    assert b.utilization == 0.0
    assert b.total > 0
    assert len(b.warnings) == 1
    assert "utilization 0.0%" in b.warnings[0]


def test_nothing_paid_leaves_only_the_fixed_share() -> None:
    b = cost_breakdown(MODEL, paid_hours=0.0, handled_calls=0, handle_hours=0.0, period_days=1)
    assert b.total == pytest.approx(100.0)
    assert b.fte == 0.0
    assert math.isnan(b.per_paid_hour)
    assert math.isnan(b.utilization)
    assert b.warnings == []


def test_no_warnings_inside_the_ranges(hand: CostBreakdown) -> None:
    assert hand.warnings == []
    assert hand.check("phone") == []


@pytest.mark.parametrize(
    ("calls", "handle", "words"),
    [
        (20_000, 800.0, ["cost per contact 1.69 USD is below the usual phone range 3.50 to 8.00"]),
        (2_000, 800.0, ["cost per contact 16.86 USD is above"]),
        (6_745, 600.0, ["utilization 60.0% is outside the usual 70% to 85% (overstaffing)"]),
        (6_745, 900.0, ["utilization 90.0% is outside", "burnout risk"]),
        (20_000, 950.0, ["below the usual phone range", "burnout risk"]),
    ],
)
def test_warnings_fire_outside_the_ranges(calls: int, handle: float, words: list[str]) -> None:
    b = cost_breakdown(
        MODEL, paid_hours=1000.0, handled_calls=calls, handle_hours=handle, period_days=1
    )
    text = "\n".join(b.warnings)
    for w in words:
        assert w in text
    assert all("\n" not in m for m in b.warnings)


def test_warning_bounds_are_inclusive() -> None:
    low, high = UTILIZATION_RANGE
    for u in (low, high):
        b = cost_breakdown(
            MODEL, paid_hours=1000.0, handled_calls=6745, handle_hours=1000.0 * u, period_days=1
        )
        assert b.warnings == []


def test_check_channel_and_currency() -> None:
    b = cost_breakdown(
        MODEL, paid_hours=1000.0, handled_calls=6745, handle_hours=800.0, period_days=1
    )
    chat = cost_breakdown(
        MODEL, paid_hours=1000.0, handled_calls=5000, handle_hours=800.0, period_days=1
    )
    assert chat.check("chat") == [
        "cost per contact 6.75 USD is above the usual chat range 2.00 to 5.00;"
        " check wages, handle time and volumes"
    ]
    assert chat.check("phone") == []
    assert b.check(cost_range=(2.0, 5.5)) == []
    assert len(b.check("email")) == 1
    assert "above the usual email range 1.50 to 4.00" in b.check("email")[0]
    assert b.check(cost_range=(6.0, 9.0))[0].startswith("cost per contact 5.00 USD is below")
    euro = cost_breakdown(
        dataclasses.replace(MODEL, currency="EUR"),
        paid_hours=1000.0,
        handled_calls=20_000,
        handle_hours=800.0,
        period_days=1,
    )
    assert euro.warnings == []  # USD ranges do not apply to EUR
    assert "EUR" in euro.check(cost_range=(3.0, 7.0))[0]
    with pytest.raises(InputError, match="channel = 'fax'"):
        b.check("fax")  # type: ignore[arg-type]


def test_rows_and_frame(hand: CostBreakdown) -> None:
    rows = hand.rows()
    items = [r[0] for r in rows]
    assert items[:8] == [
        "agent wages",
        "agent loadings",
        "seats",
        "team lead wages",
        "team lead loadings",
        "overhead",
        "fixed",
        "total",
    ]
    assert sum(r[1] for r in rows[:7]) == pytest.approx(rows[7][1])
    frame = hand.to_frame()
    assert list(frame.columns) == ["value", "unit"]
    assert frame.loc["total", "value"] == pytest.approx(33_725.0)
    assert frame.loc["per productive hour", "unit"] == "USD/h"
    assert frame.loc["utilization", "value"] == pytest.approx(0.8)


def test_onshore_us_preset_lands_in_the_phone_range() -> None:
    # 5-6 min handle time at 80 % utilization, one 8-hour day of 100 agents.
    assert PRESETS["onshore_us"] is ONSHORE_US
    low, high = COST_PER_CONTACT_USD["phone"]
    for aht_min in (5.0, 6.0):
        b = cost_breakdown(
            ONSHORE_US,
            paid_hours=800.0,
            handled_calls=640.0 * 60.0 / aht_min,
            handle_hours=640.0,
            period_days=1,
        )
        assert low <= b.per_contact <= high
        assert b.warnings == []


def test_numpy_scalars_accepted() -> None:
    b = cost_breakdown(
        MODEL,
        paid_hours=np.float64(1000.0),
        handled_calls=np.int64(6745),
        handle_hours=np.float32(800.0),
        period_days=np.int64(1),
    )
    assert b.total == pytest.approx(33_725.0)


def test_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        MODEL.hourly_wage = 1.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("hourly_wage", -1.0),
        ("hourly_wage", math.nan),
        ("hourly_wage", "20"),
        ("hourly_wage", True),
        ("loading", -0.1),
        ("loading", 2.5),
        ("loading", 25),
        ("seat_cost_per_hour", -2.0),
        ("agents_per_team_lead", 0.5),
        ("agents_per_team_lead", 0),
        ("agents_per_team_lead", math.inf),
        ("team_lead_hourly_wage", -30.0),
        ("overhead", -0.1),
        ("overhead", 10.0),
        ("fixed_monthly", -1.0),
        ("currency", ""),
        ("currency", 3),
    ],
)
def test_bad_model_inputs_name_the_field(field: str, value: object) -> None:
    with pytest.raises(InputError, match=rf"^{field} = ") as err:
        dataclasses.replace(MODEL, **{field: value})
    assert "\n" not in str(err.value)


def test_loading_bounds_allowed() -> None:
    assert dataclasses.replace(MODEL, loading=0.0, overhead=2.0).loading == 0.0
    assert dataclasses.replace(MODEL, loading=2.0).loading == 2.0
    assert dataclasses.replace(MODEL, agents_per_team_lead=1).team_lead_share == 1.0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("paid_hours", -1.0),
        ("paid_hours", math.inf),
        ("handled_calls", -3),
        ("handle_hours", -0.5),
        ("handle_hours", 1000.5),  # more than paid
        ("period_days", 0),
        ("period_days", -1),
        ("fte_hours_per_day", 0.0),
        ("fte_hours_per_day", 25.0),
        ("days_per_month", 0.0),
        ("handle_hours", None),
    ],
)
def test_bad_breakdown_inputs_name_the_field(field: str, value: object) -> None:
    kwargs = {**HOURS, field: value}
    with pytest.raises(InputError, match=rf"^{field} = ") as err:
        cost_breakdown(MODEL, **kwargs)  # type: ignore[arg-type]
    assert "\n" not in str(err.value)


def test_calls_without_handle_time_rejected() -> None:
    with pytest.raises(InputError, match=r"^handle_hours = 0 with handled_calls = 5"):
        cost_breakdown(MODEL, paid_hours=10.0, handled_calls=5, handle_hours=0.0, period_days=1)


def test_model_must_be_a_cost_model() -> None:
    with pytest.raises(InputError, match=r"^model = "):
        cost_breakdown(None, **HOURS)  # type: ignore[arg-type]


def test_module_doctests() -> None:
    result = doctest.testmod(staffing.costs, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
