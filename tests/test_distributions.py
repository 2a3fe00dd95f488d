"""Tests of ``staffing.distributions``: moments they report, moments they draw, bad input.

Each distribution reports its own ``mean``, ``cv`` and ``variance`` (STYLE habit 11); here
200,000 draws from a fixed seed must match those moments within a few standard errors, and
match the matching ``scipy.stats`` distribution in a Kolmogorov-Smirnov test (so the shape,
not only the first two moments, is the one documented).

Standard errors used:

* sample mean: ``sd / sqrt(n)``;
* sample variance: ``sigma^2 sqrt((kurtosis - 1) / n)`` (the standard large-sample
  variance of ``s^2``, ``(mu_4 - sigma^4) / n``). Kurtosis (not excess): exponential 9;
  gamma with shape ``k``: ``3 + 6 / k``; lognormal with ``w = 1 + CV^2``:
  ``w^4 + 2 w^3 + 3 w^2 - 3``.
"""

import math

import numpy as np
import pytest
from scipy import stats

from staffing import distributions
from staffing.distributions import Deterministic, Exponential, Gamma, Lognormal, make
from staffing.errors import InputError

N = 200_000


def kurtosis(dist: distributions.Distribution) -> float:
    """Kurtosis (4th standardized moment, 3 for a normal) of the documented distribution."""
    if isinstance(dist, Exponential):
        return 9.0
    if isinstance(dist, Gamma):
        return 3.0 + 6.0 * dist.cv**2
    if isinstance(dist, Lognormal):
        w = 1.0 + dist.cv**2
        return w**4 + 2 * w**3 + 3 * w**2 - 3.0
    raise AssertionError(dist)


def scipy_twin(dist: distributions.Distribution):
    """The scipy.stats frozen distribution with the documented parameterization."""
    if isinstance(dist, Exponential):
        return stats.expon(scale=dist.mean)
    if isinstance(dist, Gamma):
        shape = 1.0 / dist.cv**2
        return stats.gamma(a=shape, scale=dist.mean / shape)
    if isinstance(dist, Lognormal):
        sigma2 = math.log1p(dist.cv**2)
        return stats.lognorm(s=math.sqrt(sigma2), scale=dist.mean * math.exp(-sigma2 / 2))
    raise AssertionError(dist)


# --------------------------------------------------------------------------- reported moments


@pytest.mark.parametrize(
    ("dist", "mean", "cv"),
    [
        (Exponential(180.0), 180.0, 1.0),
        (Deterministic(42.0), 42.0, 0.0),
        (Lognormal(200.0, 0.5), 200.0, 0.5),
        (Lognormal(200.0, 2.0), 200.0, 2.0),
        (Gamma(90.0, 0.7), 90.0, 0.7),
        (Gamma(90.0, 2.0), 90.0, 2.0),
    ],
)
def test_reported_mean_cv_and_variance(dist, mean, cv):
    assert dist.mean == mean
    assert dist.cv == cv
    assert dist.variance == pytest.approx((cv * mean) ** 2, rel=1e-15)


def test_reported_variance_matches_scipy_twin():
    # The variance property (cv * mean)^2 is the true variance of the parameterization used.
    for dist in (Exponential(3.0), Lognormal(50.0, 1.3), Gamma(7.0, 0.4)):
        assert dist.variance == pytest.approx(scipy_twin(dist).var(), rel=1e-12)
        assert dist.mean == pytest.approx(scipy_twin(dist).mean(), rel=1e-12)


def test_make_builds_each_kind():
    assert make("exponential", 10.0) == Exponential(10.0)
    assert make("exponential", 10.0, 1.0) == Exponential(10.0)
    assert make("deterministic", 10.0) == Deterministic(10.0)
    assert make("deterministic", 10.0, 0.0) == Deterministic(10.0)
    assert make("lognormal", 10.0, 0.8) == Lognormal(10.0, 0.8)
    assert make("gamma", 10.0, 0.8) == Gamma(10.0, 0.8)
    assert set(distributions.KINDS) == {"exponential", "deterministic", "lognormal", "gamma"}


# --------------------------------------------------------------------------- drawn moments


@pytest.mark.parametrize(
    "dist",
    [
        Exponential(180.0),
        Lognormal(180.0, 0.5),
        Lognormal(180.0, 1.0),
        Gamma(180.0, 0.5),
        Gamma(180.0, 2.0),
    ],
    ids=lambda d: f"{d.kind}-cv{d.cv:g}",
)
def test_sample_moments_match_reported_moments(dist):
    x = dist.sample(np.random.default_rng(20260302), N)
    assert x.shape == (N,)
    assert (x > 0).all()
    sd = dist.cv * dist.mean
    se_mean = sd / math.sqrt(N)
    assert abs(x.mean() - dist.mean) < 4 * se_mean
    se_var = dist.variance * math.sqrt((kurtosis(dist) - 1.0) / N)
    assert abs(x.var(ddof=1) - dist.variance) < 4 * se_var
    # CV within a few percent (the variance check above is the sharp one)
    assert x.std(ddof=1) / x.mean() == pytest.approx(dist.cv, rel=0.05)


@pytest.mark.parametrize(
    "dist",
    [Exponential(60.0), Lognormal(60.0, 0.5), Lognormal(60.0, 1.5), Gamma(60.0, 0.5)],
    ids=lambda d: f"{d.kind}-cv{d.cv:g}",
)
def test_sample_shape_is_the_documented_distribution(dist):
    # Kolmogorov-Smirnov against scipy's distribution of the documented parameterization:
    # with 200,000 draws a wrong shape (say gamma drawn for lognormal) gives p ~ 0.
    x = dist.sample(np.random.default_rng(7), N)
    assert stats.kstest(x, scipy_twin(dist).cdf).pvalue > 1e-3
    # and a twin with the same mean and a slightly different CV is rejected
    if not isinstance(dist, Exponential):
        other = type(dist)(dist.mean, dist.cv * 1.1)
        assert stats.kstest(x, scipy_twin(other).cdf).pvalue < 1e-6


def test_lognormal_log_has_the_documented_sigma():
    # sigma^2 = ln(1 + CV^2), mu = ln(mean) - sigma^2 / 2
    x = Lognormal(300.0, 1.0).sample(np.random.default_rng(3), N)
    logs = np.log(x)
    sigma = math.sqrt(math.log(2.0))
    assert abs(logs.mean() - (math.log(300.0) - sigma**2 / 2)) < 4 * sigma / math.sqrt(N)
    assert logs.std(ddof=1) == pytest.approx(sigma, rel=4 / math.sqrt(2 * N))


def test_deterministic_draws_the_mean():
    d = Deterministic(37.5)
    assert d.sample(np.random.default_rng(0), 5).tolist() == [37.5] * 5
    assert d.unit(np.random.default_rng(0), 3).tolist() == [1.0, 1.0, 1.0]
    assert d.variance == 0.0


@pytest.mark.parametrize("dist", [Exponential(5.0), Lognormal(5.0, 0.9), Gamma(5.0, 1.7)])
def test_unit_draws_have_mean_one_and_sample_scales_them(dist):
    u = dist.unit(np.random.default_rng(11), N)
    assert abs(u.mean() - 1.0) < 4 * dist.cv / math.sqrt(N)
    # sample() is mean * unit() on the same stream
    a = dist.sample(np.random.default_rng(12), 10)
    b = dist.mean * dist.unit(np.random.default_rng(12), 10)
    np.testing.assert_array_equal(a, b)


def test_randomness_comes_only_from_the_generator_passed_in():
    dist = Lognormal(100.0, 0.8)
    a = dist.sample(np.random.default_rng(99), 1000)
    np.random.seed(0)  # global state must not matter  # noqa: NPY002
    b = dist.sample(np.random.default_rng(99), 1000)
    np.testing.assert_array_equal(a, b)
    c = dist.sample(np.random.default_rng(100), 1000)
    assert not np.array_equal(a, c)


# --------------------------------------------------------------------------- bad input


def test_make_unknown_name_lists_the_choices():
    with pytest.raises(InputError, match=r"distribution = 'weibull'; choose one of exponential"):
        make("weibull", 10.0)


@pytest.mark.parametrize("kind", ["lognormal", "gamma"])
def test_make_needs_a_cv_for_lognormal_and_gamma(kind):
    with pytest.raises(InputError, match=rf"{kind} needs a cv"):
        make(kind, 10.0)


@pytest.mark.parametrize(("kind", "cv"), [("exponential", 0.5), ("deterministic", 1.0)])
def test_make_rejects_an_impossible_cv(kind, cv):
    with pytest.raises(InputError, match=rf"{kind} has cv .*; cv = {cv:g} is not possible"):
        make(kind, 10.0, cv)


@pytest.mark.parametrize("bad", [0.0, -5.0, math.nan, math.inf])
@pytest.mark.parametrize("kind", ["exponential", "deterministic", "lognormal", "gamma"])
def test_bad_mean_names_the_field(kind, bad):
    cv = 1.0 if kind in ("lognormal", "gamma") else None
    with pytest.raises(InputError, match=rf"{kind} mean = {bad!r}; {kind} mean must be"):
        make(kind, bad, cv)


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf])
@pytest.mark.parametrize("cls", [Lognormal, Gamma])
def test_bad_cv_names_the_field(cls, bad):
    with pytest.raises(InputError, match=rf"{cls.kind} cv = {bad!r}; {cls.kind} cv must be"):
        cls(10.0, bad)
