"""SLA terms and simulated months: credits, bonuses, missed points, monthly composition.

Hand-checked cases, expectations against known distributions (normal: closed form;
discrete: exact), and months composed from identical days whose service level is exact.
"""

import math
from dataclasses import replace

import numpy as np
import pytest

from staffing.sla import MonthlyRisk, SlaTerms, monthly_risk

# --------------------------------------------------------------------------- SLA terms

TERMS = SlaTerms(
    service_level=0.80,
    threshold=20.0,
    abandon_rate=0.05,
    credit_per_point=0.01,
    credit_cap=0.10,
    bonus_per_point=0.005,
    bonus_cap=0.03,
)


@pytest.mark.parametrize(
    ("sl", "ab", "points", "credit", "bonus"),
    [
        # 80 - 78.5 = 1.5 points x 1 %/pt = 1.5 % of the bill
        (0.785, 0.03, 1.5, 0.015, 0.0),
        # half a point counts as half a point (continuous)
        (0.795, 0.03, 0.5, 0.005, 0.0),
        # 20 points x 1 % = 20 %, capped at 10 %
        (0.60, 0.03, 20.0, 0.10, 0.0),
        # 1.5 points of SL + (7 % - 5 %) = 2 points of abandonment = 3.5 points
        (0.785, 0.07, 3.5, 0.035, 0.0),
        # SL 5 points above target but abandonment 2 points over: credit 2 %, no bonus
        (0.85, 0.07, 2.0, 0.02, 0.0),
        # every term met: 5 points above x 0.5 %/pt = 2.5 % bonus, no credit
        (0.85, 0.03, 0.0, 0.0, 0.025),
        # 15 points above x 0.5 % = 7.5 %, capped at 3 %
        (0.95, 0.03, 0.0, 0.0, 0.03),
        # exactly on target on both terms: nothing either way
        (0.80, 0.05, 0.0, 0.0, 0.0),
    ],
)
def test_sla_terms_hand_cases(sl, ab, points, credit, bonus):
    sl_a, ab_a = np.array([sl]), np.array([ab])
    assert TERMS.missed_points(sl_a, ab_a) == pytest.approx([points], abs=1e-9)
    assert TERMS.credit(sl_a, ab_a) == pytest.approx([credit], abs=1e-12)
    assert TERMS.bonus(sl_a, ab_a) == pytest.approx([bonus], abs=1e-12)


def test_sla_terms_are_vectorized_and_ignore_abandonment_without_a_limit():
    sl = np.array([0.785, 0.60, 0.85, 0.95])
    ab = np.array([0.03, 0.03, 0.03, 0.03])
    assert TERMS.credit(sl, ab) == pytest.approx([0.015, 0.10, 0.0, 0.0], abs=1e-12)
    assert TERMS.bonus(sl, ab) == pytest.approx([0.0, 0.0, 0.025, 0.03], abs=1e-12)
    # no abandonment term: 50 % abandonment costs nothing and does not block the bonus
    no_limit = replace(TERMS, abandon_rate=None)
    ab = np.full(2, 0.5)
    sl = np.array([0.80, 0.85])
    assert no_limit.missed_points(sl, ab) == pytest.approx([0.0, 0.0])
    assert no_limit.credit(sl, ab) == pytest.approx([0.0, 0.0])
    assert no_limit.bonus(sl, ab) == pytest.approx([0.0, 0.025])


# ----------------------------------------------------------- SLA expectation, known laws


def _normal_call_put(k: float, mu: float, sigma: float) -> tuple[float, float]:
    """``E[(k - X)+]`` and ``E[(X - k)+]`` for X ~ Normal(mu, sigma) (Bachelier formulas).

    With d = (k - mu) / sigma: E[(k - X)+] = sigma phi(d) + (k - mu) Phi(d) and
    E[(X - k)+] = sigma phi(d) + (mu - k) Phi(-d).
    """
    d = (k - mu) / sigma
    pdf = math.exp(-0.5 * d * d) / math.sqrt(2.0 * math.pi)
    cdf = 0.5 * (1.0 + math.erf(d / math.sqrt(2.0)))
    return sigma * pdf + (k - mu) * cdf, sigma * pdf + (mu - k) * (1.0 - cdf)


def test_expected_credit_and_bonus_of_a_normal_monthly_service_level():
    # Monthly SL X ~ Normal(0.80, 0.02) against an 81 % target; no abandonment term.
    # Credit = min(cap, a (t - X)+) with a = per_point x 100 points per unit of SL;
    # min(c, a y+) = a (y+ - (y - c/a)+), so
    #   E[credit] = a (E[(t - X)+] - E[(t - cap/a - X)+]).
    # The bonus is paid exactly when X >= t (nothing else can be missed), so likewise
    #   E[bonus] = b (E[(X - t)+] - E[(X - t - bcap/b)+]).
    mu, sigma, target = 0.80, 0.02, 0.81
    terms = SlaTerms(
        service_level=target,
        threshold=20.0,
        credit_per_point=0.01,
        credit_cap=0.02,
        bonus_per_point=0.005,
        bonus_cap=0.01,
    )
    a, b = 100 * terms.credit_per_point, 100 * terms.bonus_per_point
    expected_credit = a * (
        _normal_call_put(target, mu, sigma)[0]
        - _normal_call_put(target - terms.credit_cap / a, mu, sigma)[0]
    )
    expected_bonus = b * (
        _normal_call_put(target, mu, sigma)[1]
        - _normal_call_put(target + terms.bonus_cap / b, mu, sigma)[1]
    )
    n = 200_000
    x = np.random.default_rng(20240611).normal(mu, sigma, n)
    ab = np.zeros(n)
    credit, bonus = terms.credit(x, ab), terms.bonus(x, ab)
    assert abs(credit.mean() - expected_credit) < 4 * credit.std() / math.sqrt(n)
    assert abs(bonus.mean() - expected_bonus) < 4 * bonus.std() / math.sqrt(n)
    # and P(credit > 0) = P(X < t) = Phi(0.5)
    p_miss = 0.5 * (1 + math.erf(0.5 / math.sqrt(2)))
    risk = MonthlyRisk(x, ab, terms.missed_points(x, ab), credit, bonus)
    assert abs(risk.p_miss - p_miss) < 4 * math.sqrt(p_miss * (1 - p_miss) / n)


def test_expected_adjustment_of_a_discrete_monthly_service_level():
    # SL 75 % w.p. 0.1, 79 % w.p. 0.2, 80 % w.p. 0.3, 85 % w.p. 0.4 (ten equally likely
    # months); target 80 %, credit 1 %/pt capped at 3 %, bonus 0.5 %/pt capped at 2 %:
    #   75 %: 5 points -> min(5 %, 3 %) = 3 % credit
    #   79 %: 1 point  -> 1 % credit
    #   80 %: on target -> nothing
    #   85 %: met, 5 points above -> min(2.5 %, 2 %) = 2 % bonus
    # E[credit] = 0.1 x 3 % + 0.2 x 1 % = 0.5 %; E[bonus] = 0.4 x 2 % = 0.8 %;
    # E[credit - bonus] = -0.3 %; P(miss) = 0.3.
    terms = SlaTerms(
        service_level=0.80,
        threshold=20.0,
        abandon_rate=0.05,
        credit_per_point=0.01,
        credit_cap=0.03,
        bonus_per_point=0.005,
        bonus_cap=0.02,
    )
    sl = np.array([0.75] + [0.79] * 2 + [0.80] * 3 + [0.85] * 4)
    ab = np.full(sl.size, 0.02)
    risk = MonthlyRisk(
        sl, ab, terms.missed_points(sl, ab), terms.credit(sl, ab), terms.bonus(sl, ab)
    )
    assert np.mean(risk.credit) == pytest.approx(0.005, abs=1e-12)
    assert np.mean(risk.bonus) == pytest.approx(0.008, abs=1e-12)
    assert risk.expected_adjustment == pytest.approx(-0.003, abs=1e-12)
    assert risk.p_miss == pytest.approx(0.3)


# --------------------------------------------------------------------------- monthly_risk


def _constant_days(values: dict[int, tuple[float, float, float]], n: int = 3) -> dict:
    """Simulated days that are all alike per weekday: (offered, within, abandoned)."""
    return {
        d: {
            "offered": np.full(n, o),
            "within": np.full(n, w),
            "abandoned": np.full(n, a),
        }
        for d, (o, w, a) in values.items()
    }


WEEKDAY = (100.0, 90.0, 2.0)  # SL 0.9, 2 % abandoned
WEEKEND = (50.0, 30.0, 5.0)  # SL 0.6, 10 % abandoned


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_four_week_month_has_an_exact_service_level(seed):
    # 28 days = 4 of each weekday whatever the start:
    #   offered   4 x (5 x 100 + 2 x 50) = 2,400
    #   within    4 x (5 x 90 + 2 x 30)  = 2,040 -> SL 2,040 / 2,400 = 0.85
    #   abandoned 4 x (5 x 2 + 2 x 5)    = 80    -> 1/30
    # Against 86 %/20 s with 1 %/pt: 1 point missed every month -> credit 1 %, P(miss) 1.
    days = _constant_days(dict.fromkeys(range(5), WEEKDAY) | {5: WEEKEND, 6: WEEKEND})
    terms = replace(TERMS, service_level=0.86)
    risk = monthly_risk(days, terms, month_days=28, months=50, rng=np.random.default_rng(seed))
    assert risk.service_level == pytest.approx(np.full(50, 0.85), abs=1e-15)
    assert risk.abandon_rate == pytest.approx(np.full(50, 1 / 30), abs=1e-15)
    assert risk.credit == pytest.approx(np.full(50, 0.01), abs=1e-12)
    assert risk.bonus.tolist() == [0.0] * 50
    assert risk.p_miss == 1.0
    assert risk.expected_adjustment == pytest.approx(0.01, abs=1e-12)
    # against 80 %: every term met, 5 points above -> 2.5 % bonus, no credit
    risk = monthly_risk(days, TERMS, month_days=28, months=50, rng=np.random.default_rng(seed))
    assert risk.p_miss == 0.0
    assert risk.expected_adjustment == pytest.approx(-0.025, abs=1e-12)


def test_closed_weekdays_contribute_nothing():
    # Sunday absent: 4 x (500 + 50) = 2,200 offered, 4 x (450 + 30) = 1,920 within,
    # SL = 48/55; abandoned 4 x (10 + 5) = 60 -> 3/110
    days = _constant_days(dict.fromkeys(range(5), WEEKDAY) | {5: WEEKEND})
    risk = monthly_risk(days, TERMS, month_days=28, months=20, rng=np.random.default_rng(4))
    assert risk.service_level == pytest.approx(np.full(20, 48 / 55), abs=1e-15)
    assert risk.abandon_rate == pytest.approx(np.full(20, 3 / 110), abs=1e-15)


def test_a_thirty_day_month_depends_only_on_its_start_day():
    # 30 days = 4 weeks (2,400 offered, 2,040 within, 80 abandoned, as above) plus the start
    # weekday s and s + 1 once more:
    #   two weekdays (s = Mon..Thu, P = 4/7):  2,220 / 2,600 = 0.853846, 84 / 2,600 ab.
    #   one weekend day (Fri, Sun, P = 2/7):   2,160 / 2,550 = 0.847059, 87 / 2,550 ab.
    #   Sat + Sun (P = 1/7):                   2,100 / 2,500 = 0.84,     90 / 2,500 ab.
    # Against 84.5 % only the Sat start misses, by 0.5 point: 0.5 % credit at 1 %/pt.
    days = _constant_days(dict.fromkeys(range(5), WEEKDAY) | {5: WEEKEND, 6: WEEKEND})
    possible = {
        "weekdays": (2220 / 2600, 84 / 2600, 4 / 7),
        "one weekend day": (2160 / 2550, 87 / 2550, 2 / 7),
        "weekend": (2100 / 2500, 90 / 2500, 1 / 7),
    }
    terms = replace(TERMS, service_level=0.845)
    n = 700
    risk = monthly_risk(days, terms, month_days=30, months=n, rng=np.random.default_rng(9))
    counts = dict.fromkeys(possible, 0)
    for sl, ab in zip(risk.service_level, risk.abandon_rate, strict=True):
        (kind,) = [k for k, (v, r, _) in possible.items() if abs(sl - v) + abs(ab - r) < 1e-12]
        counts[kind] += 1
    for kind, (_, _, p) in possible.items():
        assert abs(counts[kind] - n * p) < 4 * math.sqrt(n * p * (1 - p)), (kind, counts)
    missed = np.isclose(risk.service_level, 0.84, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(risk.credit > 0, missed)
    assert risk.p_miss == counts["weekend"] / n
    assert risk.credit[missed] == pytest.approx(np.full(missed.sum(), 0.005), abs=1e-12)
    # every other month meets both terms (abandonment 3.2-3.4 % is within 5 %) and earns
    # 0.5 %/pt x the points above 84.5 %: 0.44 % (85.38 %) or 0.10 % (84.71 %)
    assert risk.bonus[~missed] == pytest.approx(
        0.005 * 100 * (risk.service_level[~missed] - 0.845), abs=1e-12
    )


def test_monthly_risk_is_reproducible_from_its_rng():
    rng = np.random.default_rng(11)
    days = {
        d: {
            "offered": rng.uniform(80, 120, 40),
            "within": rng.uniform(50, 80, 40),
            "abandoned": rng.uniform(0, 8, 40),
        }
        for d in range(6)
    }
    one = monthly_risk(days, TERMS, month_days=30, months=300, rng=np.random.default_rng(3))
    two = monthly_risk(days, TERMS, month_days=30, months=300, rng=np.random.default_rng(3))
    other = monthly_risk(days, TERMS, month_days=30, months=300, rng=np.random.default_rng(4))
    for name in ("service_level", "abandon_rate", "credit", "bonus"):
        np.testing.assert_array_equal(getattr(one, name), getattr(two, name))
    assert not np.array_equal(one.service_level, other.service_level)
    # every month's SL is a ratio of sums of simulated days, so between the extreme day SLs
    day_sl = np.concatenate([v["within"] / v["offered"] for v in days.values()])
    assert day_sl.min() <= one.service_level.min() <= one.service_level.max() <= day_sl.max()


def test_p_miss_counts_missed_months_without_credit_terms():
    # A contract with an SLA but no credit (per_point defaults to 0): every month at 85 %
    # misses an 86 % SLA, and P(miss) says so though no credit is owed.
    days = _constant_days(dict.fromkeys(range(5), WEEKDAY) | {5: WEEKEND, 6: WEEKEND})
    terms = SlaTerms(service_level=0.86, threshold=20.0)
    risk = monthly_risk(days, terms, month_days=28, months=10, rng=np.random.default_rng(0))
    assert risk.service_level == pytest.approx(np.full(10, 0.85))
    assert risk.p_miss == 1.0


def test_the_bootstrap_range_is_a_point_for_identical_days_and_brackets_otherwise():
    terms = SlaTerms(service_level=0.86, threshold=20.0)
    days = _constant_days(dict.fromkeys(range(5), WEEKDAY) | {5: WEEKEND, 6: WEEKEND})
    risk = monthly_risk(
        days, terms, month_days=28, months=50, rng=np.random.default_rng(1), bootstrap=20
    )
    assert risk.p_miss_range == (1.0, 1.0)
    rng = np.random.default_rng(2)
    pool = {
        "offered": np.full(60, 100.0),
        "within": rng.binomial(100, 0.86, 60).astype(float),
        "abandoned": np.zeros(60),
    }
    risk = monthly_risk(
        dict.fromkeys(range(7), pool), terms, month_days=30, months=2000, rng=rng, bootstrap=40
    )
    low, high = risk.p_miss_range
    assert 0.0 < low < high < 1.0
    # without bootstrap, no range (and the months drawn first are the same)
    plain = monthly_risk(dict.fromkeys(range(7), pool), terms, month_days=30, months=10, rng=rng)
    assert all(math.isnan(v) for v in plain.p_miss_range)
