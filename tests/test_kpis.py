"""Tests of ``staffing.kpis``: time in bins, per-interval sums, KPI ratios, confidence intervals.

KPI definitions are DESIGN.md section 4; the confidence interval is the Student-t interval of
Law (2015), section 9.4.1, checked against ``scipy.stats.t.interval``.
"""

import math

import numpy as np
import pytest
from scipy import stats

from staffing import kpis
from staffing.kpis import KPI_NAMES, Sums, confidence, day_sums, interval_sums, ratios, time_in_bins

nan = math.nan


# --------------------------------------------------------------------------- time in bins


def test_one_segment_spanning_three_bins():
    # [50, 250) over bins [0, 100), [100, 200), [200, 300): 50 + 100 + 50
    out = time_in_bins(
        np.array([50.0]), np.array([250.0]), np.array([1.0]), np.arange(3) * 100.0, 100.0
    )
    np.testing.assert_allclose(out, [50.0, 100.0, 50.0], rtol=0, atol=1e-12)


def test_segments_outside_bins_and_in_gaps_between_bins():
    # bins [0, 100) and [200, 300) with a gap between; segments before, across the gap, after
    bins = np.array([0.0, 200.0])
    start = np.array([-80.0, 50.0, 150.0, 290.0, 400.0])
    end = np.array([-10.0, 250.0, 190.0, 320.0, 500.0])
    out = time_in_bins(start, end, np.ones(5), bins, 100.0)
    # [-80, -10): nothing; [50, 250): 50 + 50; [150, 190): in the gap; [290, 320): 10; after: 0
    np.testing.assert_allclose(out, [50.0, 60.0], rtol=0, atol=1e-12)


def test_weights_multiply_and_overlapping_segments_add():
    start = np.array([0.0, 30.0, 90.0])
    end = np.array([60.0, 120.0, 95.0])
    weight = np.array([2.0, 0.5, 4.0])
    out = time_in_bins(start, end, weight, np.array([0.0, 60.0]), 60.0)
    # bin [0, 60): 2*60 + 0.5*30; bin [60, 120): 0.5*60 + 4*5
    np.testing.assert_allclose(out, [135.0, 50.0], rtol=0, atol=1e-12)


def test_segment_inside_one_bin_and_bins_out_of_order():
    out = time_in_bins(
        np.array([1810.0]), np.array([1830.0]), np.array([1.0]), np.array([1800.0, 0.0]), 1800.0
    )
    np.testing.assert_allclose(out, [20.0, 0.0], rtol=0, atol=1e-12)


def test_no_rounding_residue_where_nothing_overlaps():
    # Paid rows at 30 % shrinkage (weights agents / 0.7) at 08:00-10:00, nobody paid
    # 09:00-09:30: exactly zero there, not the ~3e-11 s the cumulative sums leave, which made
    # a utilization of ~1e13 when calls ran on into that interval.
    bins = 8 * 3600.0 + np.arange(6) * 1800.0
    weight = np.array([2, 2, 0, 1, 0, 0]) / 0.7
    out = time_in_bins(bins, bins + 1800.0, weight, bins, 1800.0)
    np.testing.assert_allclose(out, 1800.0 * weight, rtol=1e-12)
    assert out[2] == 0.0
    assert out[4] == 0.0


def test_no_segments_gives_zeros():
    empty = np.zeros(0)
    out = time_in_bins(empty, empty, empty, np.arange(4) * 900.0, 900.0)
    np.testing.assert_array_equal(out, np.zeros(4))


def test_time_in_bins_agrees_with_brute_force_clipping():
    rng = np.random.default_rng(5)
    start = rng.uniform(0, 10_000, 300)
    end = start + rng.exponential(400, 300)
    weight = rng.integers(1, 4, 300).astype(float)
    bins = np.arange(0, 12_000, 900.0)
    brute = np.array(
        [
            (weight * np.clip(np.minimum(end, b + 900) - np.maximum(start, b), 0, None)).sum()
            for b in bins
        ]
    )
    np.testing.assert_allclose(
        time_in_bins(start, end, weight, bins, 900.0), brute, rtol=1e-9, atol=1e-3
    )


# --------------------------------------------------------------------------- interval sums


def test_interval_sums_on_a_hand_case():
    # interval 0: waits 0 (answered), 20 (answered, exactly T), 21 (answered), 5 (abandoned)
    # interval 1: wait 30 (abandoned); interval 2: no calls
    arrival_interval = np.array([0, 0, 0, 0, 1])
    answered = np.array([True, True, True, False, False])
    wait = np.array([0.0, 20.0, 21.0, 5.0, 30.0])
    busy = np.array([[0.0, 100.0], [1790.0, 1850.0]])  # one call crosses into interval 1
    logged = np.array([[0.0, 3600.0], [1800.0, 5400.0]])
    paid = np.array([[0.0, 5400.0, 1.5]])
    scheduled = np.array([[0.0, 3600.0], [1800.0, 5400.0]])  # as logged: no overtime
    s = interval_sums(
        arrival_interval,
        answered,
        wait,
        busy,
        logged,
        paid,
        scheduled,
        np.arange(3) * 1800.0,
        1800.0,
        20.0,
    )
    np.testing.assert_array_equal(s.offered, [4, 1, 0])
    np.testing.assert_array_equal(s.answered, [3, 0, 0])
    np.testing.assert_array_equal(s.abandoned, [1, 1, 0])
    np.testing.assert_array_equal(s.answered_in_time, [2, 0, 0])  # wait <= T counts
    np.testing.assert_array_equal(s.abandoned_in_time, [1, 0, 0])
    np.testing.assert_array_equal(s.waited, [3, 1, 0])
    np.testing.assert_array_equal(s.wait_answered, [41, 0, 0])
    np.testing.assert_array_equal(s.wait_all, [46, 30, 0])
    np.testing.assert_allclose(s.busy, [110.0, 50.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(s.logged, [1800.0, 3600.0, 1800.0], atol=1e-12)
    np.testing.assert_allclose(s.paid, [2700.0, 2700.0, 2700.0], atol=1e-9)
    # one agent scheduled 00:00-00:30 only, logged to 01:00 (a call ran on): the 30 minutes
    # past the schedule are paid on top of the scheduled 0.5 agent paid time
    late = interval_sums(
        arrival_interval,
        answered,
        wait,
        busy,
        logged,
        paid,
        np.array([[0.0, 1800.0], [1800.0, 5400.0]]),
        np.arange(3) * 1800.0,
        1800.0,
        20.0,
    )
    np.testing.assert_allclose(late.paid, [2700.0, 2700.0 + 1800.0, 2700.0], atol=1e-9)

    k = ratios(s)
    np.testing.assert_allclose(k["service_level"], [2 / 4, 0, nan])
    np.testing.assert_allclose(k["service_level_answered"], [2 / 3, nan, nan])
    np.testing.assert_allclose(k["service_level_excl_short_abandons"], [2 / 3, 0, nan])
    np.testing.assert_allclose(k["asa"], [41 / 3, nan, nan])
    np.testing.assert_allclose(k["mean_wait"], [46 / 4, 30, nan])
    np.testing.assert_allclose(k["p_wait"], [3 / 4, 1, nan])
    np.testing.assert_allclose(k["abandon_rate"], [1 / 4, 1, nan])
    np.testing.assert_allclose(k["occupancy"], [110 / 1800, 50 / 3600, 0.0])
    np.testing.assert_allclose(k["utilization"], [110 / 2700, 50 / 2700, 0.0])

    day = day_sums(s, busy=160.0, logged=5400.0, paid=8100.0)
    assert (day.offered, day.answered, day.abandoned, day.answered_in_time) == (5, 3, 2, 2)
    assert (day.busy, day.logged, day.paid) == (160.0, 5400.0, 8100.0)
    d = ratios(day)
    assert float(d["service_level"]) == pytest.approx(2 / 5)
    assert float(d["asa"]) == pytest.approx(41 / 3)
    assert float(d["occupancy"]) == pytest.approx(160 / 5400)


# --------------------------------------------------------------------------- ratios


def sums(**values) -> Sums:
    fields = dict.fromkeys(Sums.__annotations__, 0.0)
    fields.update(values)
    return Sums(**fields)


def test_ratios_return_every_kpi_name():
    assert tuple(ratios(sums(offered=1.0)).keys()) == KPI_NAMES


def test_zero_denominators_give_nan_not_warnings():
    k = ratios(sums())  # nothing offered, answered, logged or paid
    for name in KPI_NAMES:
        assert math.isnan(float(k[name])), name


def test_nothing_answered_gives_nan_asa_but_defined_service_level():
    # 3 calls offered, all abandoned, one within T
    k = ratios(sums(offered=3.0, abandoned=3.0, abandoned_in_time=1.0, waited=3.0, wait_all=90.0))
    assert float(k["service_level"]) == 0.0
    assert math.isnan(float(k["service_level_answered"]))
    assert float(k["service_level_excl_short_abandons"]) == 0.0
    assert math.isnan(float(k["asa"]))
    assert float(k["mean_wait"]) == 30.0
    assert float(k["abandon_rate"]) == 1.0
    # all offered calls abandoned within T: the excluding-short-abandons SL has no denominator
    k = ratios(sums(offered=2.0, abandoned=2.0, abandoned_in_time=2.0))
    assert math.isnan(float(k["service_level_excl_short_abandons"]))


def test_ratios_broadcast_over_intervals():
    s = sums(
        offered=np.array([4.0, 0.0]),
        answered_in_time=np.array([3.0, 0.0]),
        busy=np.array([1.0, 2.0]),
        logged=np.array([2.0, 0.0]),
    )
    k = ratios(s)
    np.testing.assert_array_equal(k["service_level"], [0.75, nan])
    np.testing.assert_array_equal(k["occupancy"], [0.5, nan])


# --------------------------------------------------------------------------- confidence


def scipy_half_width(x, level=0.95):
    x = np.asarray(x, dtype=float)
    lo, hi = stats.t.interval(level, x.size - 1, loc=x.mean(), scale=stats.sem(x))
    return (hi - lo) / 2


def test_confidence_matches_scipy_t_interval():
    x = np.array([0.81, 0.77, 0.9, 0.84, 0.79])
    mean, half = confidence(x)
    assert float(mean) == pytest.approx(x.mean(), rel=1e-14)
    assert float(half) == pytest.approx(scipy_half_width(x), rel=1e-12)
    _, half90 = confidence(x, level=0.9)
    assert float(half90) == pytest.approx(scipy_half_width(x, 0.9), rel=1e-12)
    # by hand: mean 0.822, s^2 = 0.01028 / 4 = 0.00257, t_{0.975, 4} = 2.7764451052
    assert float(half) == pytest.approx(2.7764451052 * math.sqrt(0.00257 / 5), rel=1e-9)


def test_confidence_per_column_ignores_nan_and_reports_small_samples():
    values = np.array(
        [
            [1.0, 2.0, nan, nan],
            [2.0, nan, nan, 5.0],
            [4.0, 6.0, nan, nan],
            [7.0, 7.0, nan, nan],
        ]
    )
    mean, half = confidence(values)
    assert mean[0] == pytest.approx(3.5)
    assert half[0] == pytest.approx(scipy_half_width([1, 2, 4, 7]), rel=1e-12)
    assert mean[1] == pytest.approx(5.0)  # NaN left out: mean of 2, 6, 7
    assert half[1] == pytest.approx(scipy_half_width([2, 6, 7]), rel=1e-12)
    assert math.isnan(mean[2])  # m == 0: nothing
    assert math.isnan(half[2])
    assert mean[3] == 5.0  # m == 1: a mean, no half-width
    assert math.isnan(half[3])


def test_confidence_of_a_constant_sample_is_zero_width():
    mean, half = confidence(np.full(6, 0.25))
    assert float(mean) == 0.25
    assert float(half) == 0.0


def test_confidence_of_one_value_has_no_half_width():
    mean, half = confidence(np.array([3.0]))
    assert float(mean) == 3.0
    assert math.isnan(float(half))


def test_confidence_does_not_modify_its_input():
    x = np.array([[1.0, nan], [3.0, 4.0]])
    before = x.copy()
    confidence(x)
    np.testing.assert_array_equal(x, before)


def test_module_names_match_design_section_4():
    # DESIGN.md section 4 lists these KPI names (plus cost_per_contact, computed elsewhere)
    assert set(kpis.KPI_NAMES) == {
        "service_level",
        "service_level_answered",
        "service_level_excl_short_abandons",
        "asa",
        "mean_wait",
        "p_wait",
        "abandon_rate",
        "occupancy",
        "utilization",
    }
