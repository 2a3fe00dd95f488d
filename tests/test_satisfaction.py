"""A plan's CSAT from a CSAT-wait curve (staffing.satisfaction), against exact wait laws."""

import math

import numpy as np
import pytest

from staffing.erlang import kpis
from staffing.errors import InputError
from staffing.satisfaction import WaitSatisfaction, read_wait_satisfaction


def test_exponential_waits_are_recovered_by_hand():
    # half the contacts queue, then wait Exp(mean 40 s): ASA 20 s, late past 20 s
    # 0.5 exp(-0.5); the fit recovers m = 40, so E[max(0, W - 60)] = 20 exp(-1.5) and CSAT is
    # 0.9 - 0.025 x 4.4626 / 30 = 0.896281
    curve = WaitSatisfaction(base=0.9, knee=60.0, slope=0.025)
    late = 0.5 * math.exp(-0.5)
    got = curve.expected([20.0], [1.0 - late], 20.0, [100.0])
    assert got == pytest.approx(0.9 - 0.025 * 20.0 * math.exp(-1.5) / 30.0, rel=1e-9)
    # weights: an interval nobody waited in is at the base
    both = curve.expected([20.0, 0.0], [1.0 - late, 1.0], 20.0, [100.0, 300.0])
    assert both == pytest.approx((got * 100 + 0.9 * 300) / 400, rel=1e-9)
    assert math.isnan(curve.expected([5.0], [0.9], 20.0, [0.0]))


def test_erlang_c_waits_give_the_exact_tail_expectation():
    # Erlang C: P(W > t) = C exp(-(n mu - lambda) t) exactly (Gross & Harris 1998, 2.3), so
    # E[max(0, W - k)] = C / (n mu - lambda) exp(-(n mu - lambda) k); from the interval's ASA
    # and service level alone the same value follows
    calls, aht, n, interval = 100.0, 180.0, 11, 1800.0
    k = kpis(calls, aht, n, interval=interval, threshold=20.0)
    rate = n / aht - calls / interval
    wait_prob = float(k.asa) * rate
    tail = wait_prob / rate * math.exp(-rate * 90.0)
    curve = WaitSatisfaction(base=0.85, knee=90.0, slope=0.03)
    got = curve.expected([float(k.asa)], [float(k.service_level)], 20.0, [calls])
    assert got == pytest.approx(0.85 - 0.03 * tail / 30.0, rel=1e-6)
    assert 0.0 < wait_prob < 1.0
    assert got < 0.85


def test_curve_files_and_values_are_checked(tmp_path):
    path = tmp_path / "csat_wait.toml"
    path.write_text(WaitSatisfaction(0.8, 70.0, 0.022, 6201).toml())
    curve = read_wait_satisfaction(path)
    assert (curve.base, curve.knee, curve.slope, curve.surveys) == (0.8, 70.0, 0.022, 6201)
    np.testing.assert_allclose(curve.predict([0, 70, 100, 10_000]), [0.8, 0.8, 0.778, 0.0])
    path.write_text("[csat_wait]\nbase = 1.4\nknee = 70\nslope = 0.02\n")
    with pytest.raises(InputError, match=r"csat_wait.toml: base = 1.4; the CSAT at no wait"):
        read_wait_satisfaction(path)
    path.write_text("[other]\n")
    with pytest.raises(InputError, match=r"not a \[csat_wait\] curve"):
        read_wait_satisfaction(path)
