"""What-if inputs: parsing --vary, the product of variants, applying a variant to a scenario."""

import dataclasses

import numpy as np
import pytest

from staffing import whatif
from staffing.errors import InputError

# ----------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "key", "values"),
    [
        ("volume=0.9:1.2:0.05", "volume", [0.9, 0.95, 1.0, 1.05, 1.1, 1.15, 1.2]),
        ("volume=0.1:0.3:0.1", "volume", [0.1, 0.2, 0.3]),  # 0.1 + 0.1 + 0.1 != 0.3 in floats
        ("volume=1:1.25:0.1", "volume", [1.0, 1.1, 1.2]),  # TO not on the grid: stop below it
        ("volume=1:1:0.1", "volume", [1.0]),
        ("aht=-30:30:15", "aht", [-30.0, -15.0, 0.0, 15.0, 30.0]),
        ("aht=-1min:+30s:30s", "aht", [-60.0, -30.0, 0.0, 30.0]),
        ("shrinkage=25%:35%:5%", "shrinkage", [0.25, 0.3, 0.35]),
        ("patience=1min:3min:1min", "patience", [60.0, 120.0, 180.0]),
        ("service_level=0.8:0.9:0.05", "service_level", [0.8, 0.85, 0.9]),
    ],
)
def test_grid_is_inclusive_and_exact(text, key, values):
    assert whatif.parse_vary(text) == (key, values)


@pytest.mark.parametrize(
    ("text", "key", "values"),
    [
        ("shrinkage=0.25,35%", "shrinkage", [0.25, 0.35]),
        ("patience=3min, none", "patience", [180.0, None]),
        ("service_level=85%", "service_level", [0.85]),
        ("threshold=20s,1min", "threshold", [20.0, 60.0]),
        ("abandon_rate=5%,0.08", "abandon_rate", [0.05, 0.08]),
        ("wage=16,18.5", "wage", [16.0, 18.5]),
        ("fcr=80%,1", "fcr", [0.8, 1.0]),
        ("redial=0,20%", "redial", [0.0, 0.2]),
        ("repeat_delay=30min,1h", "repeat_delay", [1800.0, 3600.0]),
        ("redial_delay=90s", "redial_delay", [90.0]),
        (" AHT-Factor = 0.9,1.1", "aht_factor", [0.9, 1.1]),
    ],
)
def test_lists_take_the_units_of_their_key(text, key, values):
    assert whatif.parse_vary(text) == (key, values)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("colour=1,2", "unknown key 'colour'; allowed keys: volume, aht, aht_factor"),
        ("volume", "expected KEY=FROM:TO:STEP (inclusive) or KEY=A,B,C; allowed keys: volume"),
        ("volume=", "allowed keys: volume, aht"),
        ("volume=1,x", "'x': expected a number like 1.1"),
        ("volume=0.9:x:0.05", "volume=0.9:x:0.05' TO = 'x': expected a number"),
        ("volume=1.2:0.9:0.05", "FROM '1.2' is above TO '0.9'; the grid is empty"),
        ("volume=0.9:1.2:0", "STEP = '0': must be > 0"),
        ("aht=-30:30:0", "STEP = '0'; the step must be > 0"),
        ("aht=-30:30:-15", "STEP = '-15'; the step must be > 0"),
        ("volume=0.9:1.2", "a grid is FROM:TO:STEP"),
        ("volume=-1", "must be > 0"),
        ("volume=1,1.0", "1 is listed twice"),
        ("shrinkage=30", "for a percentage write 30%"),
        ("patience=1min:none:1min", "a grid takes numbers"),
        ("patience=0", "patience must be > 0 seconds"),
        ("aht=3x", "unknown unit 'x'"),
        ("volume=0.5:1000:0.5", "2000 values; a sweep plans at most 1000 variants"),
    ],
)
def test_bad_vary_is_one_line_naming_the_flag(text, expected):
    with pytest.raises(InputError) as caught:
        whatif.parse_vary(text)
    message = str(caught.value)
    assert message.startswith("--vary ")
    assert "\n" not in message
    assert expected in message


def test_a_value_error_says_what_the_key_takes():
    with pytest.raises(InputError, match=r"volume is a multiplier on every interval's calls, e\.g"):
        whatif.parse_vary("volume=abc")


def test_a_key_varies_once():
    assert whatif.parse_varies(["volume=0.9,1", "fcr=0.8"]) == {"volume": [0.9, 1.0], "fcr": [0.8]}
    with pytest.raises(InputError, match="volume is varied twice"):
        whatif.parse_varies(["volume=0.9", "volume=1.1"])


def test_variants_are_the_product_in_a_stable_order():
    grid = whatif.variants({"volume": [0.9, 1.1], "shrinkage": [0.3, 0.2], "patience": [None]})
    assert grid == [
        {"volume": 0.9, "shrinkage": 0.3, "patience": None},
        {"volume": 0.9, "shrinkage": 0.2, "patience": None},
        {"volume": 1.1, "shrinkage": 0.3, "patience": None},
        {"volume": 1.1, "shrinkage": 0.2, "patience": None},
    ]
    with pytest.raises(InputError, match="nothing to vary"):
        whatif.variants({})
    with pytest.raises(InputError, match="unknown key 'speed'"):
        whatif.variants({"speed": [1.0]})
    with pytest.raises(InputError, match="volume: no values"):
        whatif.variants({"volume": []})
    with pytest.raises(InputError, match="1010 variants; a sweep plans at most 1000"):
        whatif.variants({"volume": list(range(1, 102)), "shrinkage": [i / 100 for i in range(10)]})


# ----------------------------------------------------------------------------- appliers


def diff(old, new, where=""):
    """Dotted names of the fields that differ between two scenarios, down to the leaves."""
    if dataclasses.is_dataclass(old):
        return set().union(
            *(
                diff(getattr(old, f.name), getattr(new, f.name), f"{where}{f.name}.")
                for f in dataclasses.fields(old)
            )
        )
    same = np.array_equal(old, new) if isinstance(old, np.ndarray) else old == new
    return set() if same else {where.rstrip(".")}


def test_volume_and_aht_change_the_forecast_only(desk):
    fc = desk.forecast
    more = whatif.apply_variant(desk, {"volume": 1.1})
    assert diff(desk, more) == {"forecast.calls"}
    np.testing.assert_allclose(more.forecast.calls, fc.calls * 1.1)

    faster = whatif.apply_variant(desk, {"aht": -15.0})
    assert diff(desk, faster) == {"forecast.aht"}
    np.testing.assert_array_equal(faster.forecast.aht, fc.aht - 15.0)

    longer = whatif.apply_variant(desk, {"aht_factor": 1.5})
    assert diff(desk, longer) == {"forecast.aht"}
    np.testing.assert_allclose(longer.forecast.aht, fc.aht * 1.5)
    assert (desk.forecast.aht == 240.0).all()  # the base scenario is untouched


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("shrinkage", 0.35, "shrinkage"),
        ("patience", None, "callers.patience"),
        ("patience", 300.0, "callers.patience"),
        ("service_level", 0.9, "targets.service_level"),
        ("threshold", 30.0, "targets.threshold"),
        ("abandon_rate", 0.05, "targets.abandon_rate"),
        ("wage", 25.0, "costs.hourly_wage"),
        ("fcr", 0.7, "callers.returns.fcr"),
        ("redial", 0.3, "callers.returns.redial"),
        ("repeat_delay", 600.0, "callers.returns.repeat_delay"),
        ("redial_delay", 120.0, "callers.returns.redial_delay"),
    ],
)
def test_each_key_sets_its_field_and_nothing_else(desk, key, value, field):
    variant = whatif.apply_variant(desk, {key: value})
    assert diff(desk, variant) == {field}
    leaf = variant
    for name in field.split("."):
        leaf = getattr(leaf, name)
    assert leaf == value
