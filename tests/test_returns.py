"""Returning contacts (first-contact resolution, redials) and day-to-day volume uncertainty.

What is checked, and against what:

* **By hand, draw for draw**: ``run_day_returning`` on hand-made callers against a plain
  Python re-implementation of the documented rules and draw order of ``ReturnDraws`` (per
  fresh caller a uniform, then a unit exponential; then pool chunks of handle shapes,
  patience, uniforms, exponentials). A repeat arrives at the end of the call plus
  ``repeat_delay`` times its exponential; a redial at the hang-up time plus ``redial_delay``
  times its exponential; its handle time is the AHT of the interval it arrives in times
  its pool's unit draw; its ``kind`` is REPEAT or REDIAL; one that would arrive after the
  last interval or in a closed gap is not simulated but counted in ``returns_outside``.
* **The day with returns is an ordinary day**: replaying the final caller list (fresh and
  returns) through either engine without returns gives the same outcome for every caller.
* **Theory**, with z <= 4 bounds from the exact sampling distributions (never a pinned
  seeded number): every answered contact is unresolved with probability ``1 - fcr`` and
  every hang-up redials with probability ``redial`` (sums of independent Bernoulli
  decisions, optional stopping: mean ``p * count``, variance ``p (1 - p) * count``); with no
  abandonment an issue takes a geometric number of contacts, mean ``1 / fcr``; the volume
  factor is gamma with mean 1 and CV ``volume_cv``, so a day's count is negative binomial
  with variance ``lam + cv^2 lam^2`` (Jongbloed & Koole 2001).
* **Identities**: offered = fresh + repeats + redials; answered + abandoned = offered.
* **Reproducibility**: same seed, same tables; ``returns=None``, an inactive ``Returns()``
  and ``volume_cv=0`` leave every random stream as before the features; a pool of return
  draws that has to grow gives exactly the result of a pool large enough from the start.
* Errors: ``InputError`` naming the field, for ``Returns``, ``simulate`` and the scenario.

References
----------
.. [1] G. Jongbloed and G. Koole, "Managing uncertainty in call centres using Poisson
   mixtures", Applied Stochastic Models in Business and Industry 17(4), 307-318, 2001.
   doi:10.1002/asmb.444
"""

from __future__ import annotations

import heapq
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from staffing import distributions
from staffing.callers import CallerBehaviour, Returns
from staffing.errors import InputError
from staffing.forecast import Forecast
from staffing.scenario import load_scenario
from staffing.shifts import Break, Shift
from staffing.simulation import (
    ABANDONED,
    ANSWERED,
    FRESH,
    REDIAL,
    REPEAT,
    Callers,
    Grid,
    ReturnDraws,
    draw_callers,
    simulate,
    windows_from_counts,
    windows_from_shifts,
)
from staffing.simulation.fast_engine import run_day_fast, run_day_returning
from staffing.simulation.simpy_engine import run_day

Z = 4.0  # two-sided z bound: a false alarm about once in 16,000 runs per check

COUNTS = ("offered", "answered", "abandoned", "repeats", "redials", "returns_outside")


def day(calls, aht=240.0, interval=900.0) -> Forecast:
    calls = np.asarray(calls, dtype=float)
    starts = np.datetime64("2026-03-03T00:00", "s") + np.arange(calls.size) * np.timedelta64(
        int(interval), "s"
    )
    return Forecast(start=starts, calls=calls, aht=np.full(calls.size, aht), interval=interval)


def assert_same_result(a, b) -> None:
    """Two SimulationResults are identical: tables, per-replication values and records."""
    pd.testing.assert_frame_equal(a.intervals, b.intervals)
    pd.testing.assert_frame_equal(a.day, b.day)
    assert a.day_replications.keys() == b.day_replications.keys()
    for name in a.day_replications:
        np.testing.assert_array_equal(a.day_replications[name], b.day_replications[name])
    for name in a.replications:
        np.testing.assert_array_equal(a.replications[name], b.replications[name])
    for x, y in zip(a.callers or [], b.callers or [], strict=True):
        for field in ("arrival", "handle", "patience", "interval", "kind"):
            np.testing.assert_array_equal(getattr(x, field), getattr(y, field))


# =========================================================================== by hand

# four 15-min intervals with a closed gap: open 0-2700 and 3600-4500
GAP_GRID = Grid(start=np.array([0.0, 900.0, 1800.0, 3600.0]), length=900.0)
GAP_AHT = np.array([100.0, 200.0, 300.0, 400.0])


def inside(grid: Grid, t: float) -> int:
    """Index of the interval holding ``t``, or -1 (after the end or in a gap)."""
    for k, s in enumerate(grid.start):
        if s <= t < s + grid.length:
            return k
    return -1


def reference_day(fresh: Callers, mode: str, returns: Returns, seed: int, handle, patience):
    """The returning day by the documented rules, for days without queueing.

    ``mode`` "answered": every caller is answered on arrival (checked against the engine);
    "abandoned": no agents, every caller hangs up after its patience. Draws in the order of
    ``ReturnDraws``: uniforms and exponentials of the fresh callers, then one pool chunk of
    handle shapes, patience, uniforms and exponentials. Callers are taken in arrival order,
    a fresh one first on a tie, returns on a tie in the order they were generated.
    """
    rng = np.random.default_rng(seed)
    n = fresh.size
    decide = list(rng.random(n))
    delay = list(rng.standard_exponential(n))
    c = ReturnDraws.CHUNK
    units = handle.unit(rng, c)
    pats = np.full(c, np.inf) if patience is None else patience.sample(rng, c)
    pool_u, pool_e = rng.random(c), rng.standard_exponential(c)
    arrival, hold = list(fresh.arrival), list(fresh.handle)
    pat, interval = list(fresh.patience), list(fresh.interval)
    kind = [FRESH] * n
    outside, due, nxt = 0, [], 0
    while nxt < n or due:
        if nxt < n and (not due or arrival[nxt] <= due[0][0]):
            i, nxt = nxt, nxt + 1
        else:
            i = heapq.heappop(due)[1]
        if mode == "answered":
            p, new_kind = 1.0 - returns.fcr, REPEAT
            back = arrival[i] + hold[i] + returns.repeat_delay * delay[i]
        else:
            p, new_kind = returns.redial, REDIAL
            back = arrival[i] + pat[i] + returns.redial_delay * delay[i]
        if not decide[i] < p:
            continue
        k = inside(GAP_GRID, back)
        if k < 0:
            outside += 1
            continue
        g = len(arrival) - n
        arrival.append(back)
        hold.append(GAP_AHT[k] * units[g])
        pat.append(pats[g])
        interval.append(k)
        kind.append(new_kind)
        decide.append(pool_u[g])
        delay.append(pool_e[g])
        heapq.heappush(due, (back, len(arrival) - 1))
    assert len(arrival) - n < c  # one chunk was enough
    order = np.argsort(arrival, kind="stable")
    return {
        "arrival": np.array(arrival)[order],
        "handle": np.array(hold)[order],
        "patience": np.array(pat)[order],
        "interval": np.array(interval)[order],
        "kind": np.array(kind)[order],
        "outside": outside,
    }


def three_fresh_callers(patience=None) -> Callers:
    return Callers(
        arrival=np.array([100.0, 1000.0, 2000.0]),
        handle=np.array([150.0, 250.0, 350.0]),
        patience=np.full(3, np.inf) if patience is None else np.asarray(patience, float),
        interval=np.array([0, 1, 2]),
    )


@pytest.mark.parametrize("mode", ["answered", "abandoned"])
def test_returns_arrive_when_and_as_the_draws_say(mode):
    # 40 seeds, each checked exactly against the reference; together they must exercise
    # returns that land inside the grid, after its end and in the closed gap (2700-3600).
    handle = distributions.make("exponential", 1.0)
    if mode == "answered":
        returns = Returns(fcr=0.3, repeat_delay=600.0)
        fresh, patience = three_fresh_callers(), None
        agents = np.full(4, 10)  # never more than a handful of calls at once: no queueing
    else:
        returns = Returns(redial=0.7, redial_delay=600.0)
        fresh, patience = (
            three_fresh_callers([30.0, 60.0, 90.0]),
            distributions.make("exponential", 45.0),
        )
        agents = np.zeros(4, dtype=np.int64)  # nobody answers: everyone hangs up
    windows = windows_from_counts(agents, GAP_GRID)
    landed_in_gap = landed_after_end = returned = 0
    for seed in range(40):
        draws = ReturnDraws(np.random.default_rng(seed), handle, patience)
        everyone, out = run_day_returning(fresh, windows, returns, draws, GAP_AHT, GAP_GRID)
        ref = reference_day(fresh, mode, returns, seed, handle, patience)
        for field in ("arrival", "handle", "patience", "interval", "kind"):
            np.testing.assert_array_equal(getattr(everyone, field), ref[field], err_msg=field)
        assert out.returns_outside == ref["outside"]
        if mode == "answered":
            assert (out.status == ANSWERED).all()
            np.testing.assert_array_equal(out.wait, 0.0)  # the reference's premise
            assert set(everyone.kind.tolist()) <= {FRESH, REPEAT}
        else:
            assert (out.status == ABANDONED).all()
            np.testing.assert_array_equal(out.wait, everyone.patience)
            np.testing.assert_array_equal(out.agent, -1)
            assert set(everyone.kind.tolist()) <= {FRESH, REDIAL}
        # every return arrives in an open interval, in the interval it is attributed to
        starts = GAP_GRID.start[everyone.interval]
        assert ((everyone.arrival >= starts) & (everyone.arrival < starts + 900.0)).all()
        returned += everyone.size - fresh.size
        # where did the lost returns go? (recomputed from the same draws)
        # (the fresh callers' own returns; p = 0.7 in both modes, both delays 600 s)
        rng = np.random.default_rng(seed)
        u, e = rng.random(3), rng.standard_exponential(3)
        end = fresh.arrival + (fresh.handle if mode == "answered" else fresh.patience)
        lost = (end + 600.0 * e)[u < 0.7]
        landed_in_gap += int(((lost >= 2700.0) & (lost < 3600.0)).sum())
        landed_after_end += int((lost >= 4500.0).sum())
    assert returned > 10
    assert landed_in_gap > 0
    assert landed_after_end > 0


def test_a_repeat_by_hand():
    # One caller at 100 s in interval 0, handle 150 s, one agent, FCR 0.1, repeat delay
    # 600 s. With the generator's first uniform u0 and exponential e0, the caller comes back
    # (u0 < 0.9) at 100 + 150 + 600 e0, in interval k, with handle AHT[k] x the pool's first
    # handle shape. A seed is picked whose repeat lands in a later open interval.
    def first_draws(seed):
        rng = np.random.default_rng(seed)
        u0, e0 = rng.random(1)[0], rng.standard_exponential(1)[0]
        return u0, 250.0 + 600.0 * e0, rng.standard_exponential(ReturnDraws.CHUNK)[0]

    seed = next(
        s for s in range(100) if first_draws(s)[0] < 0.9 and inside(GAP_GRID, first_draws(s)[1]) > 0
    )
    _, back, shape = first_draws(seed)
    k = inside(GAP_GRID, back)
    fresh = Callers(np.array([100.0]), np.array([150.0]), np.array([np.inf]), np.array([0]))
    draws = ReturnDraws(np.random.default_rng(seed), distributions.make("exponential", 1.0), None)
    everyone, out = run_day_returning(
        fresh,
        windows_from_counts(np.ones(4, dtype=np.int64), GAP_GRID),
        Returns(fcr=0.1, repeat_delay=600.0),
        draws,
        GAP_AHT,
        GAP_GRID,
    )
    assert everyone.size >= 2
    assert everyone.arrival[1] == back
    assert everyone.kind.tolist()[:2] == [FRESH, REPEAT]
    assert everyone.interval[1] == k
    assert everyone.handle[1] == GAP_AHT[k] * shape
    assert out.status[1] == ANSWERED
    assert out.wait[1] == 0.0
    # the chain goes on until a repeat is resolved or lands outside the grid
    assert out.returns_outside in (0, 1)


def test_a_day_with_returns_replays_as_an_ordinary_day():
    # The returns are callers like any other: the final list through either engine without
    # returns gives the outcome run_day_returning reported, caller by caller (a peaked day,
    # shifts with a break, patience, repeats and redials).
    fc = day([20, 60, 90, 60, 20, 10], aht=200.0)
    grid = Grid.of(fc)
    windows = windows_from_shifts(
        [Shift(0.0, 3 * 3600.0, 6, (Break(3600.0, 4500.0),)), Shift(1800.0, 5400.0, 4)], grid
    )
    handle = distributions.make("lognormal", 1.0, 0.8)
    patience = distributions.make("exponential", 120.0)
    returns = Returns(fcr=0.7, repeat_delay=900.0, redial=0.5, redial_delay=300.0)
    kinds = set()
    for seed in range(3):
        rng = np.random.default_rng(seed)
        fresh = draw_callers(rng, fc.calls, fc.aht, grid, handle, patience)
        everyone, out = run_day_returning(
            fresh, windows, returns, ReturnDraws(rng, handle, patience), fc.aht, grid
        )
        kinds |= set(everyone.kind.tolist())
        plain = Callers(everyone.arrival, everyone.handle, everyone.patience, everyone.interval)
        for engine in (run_day, run_day_fast):
            again = engine(plain, windows)
            np.testing.assert_array_equal(again.status, out.status)
            np.testing.assert_allclose(again.wait, out.wait, rtol=0, atol=1e-9)
            np.testing.assert_array_equal(again.agent, out.agent)
    assert kinds == {FRESH, REPEAT, REDIAL}


# =========================================================================== theory

WEEK = 7 * 96  # 15-min intervals


@pytest.mark.parametrize("fcr", [0.6, 0.8])
def test_fcr_gives_a_geometric_number_of_contacts_per_issue(fcr):
    # A week at 20 fresh calls per 15 min (~13,400 a week), 30 agents for at most
    # 20 / 0.6 * 240 / 900 = 8.9 Erlangs, nobody hangs up: every contact is answered.
    lam, aht, delay, reps = 20.0, 240.0, 60.0, 4
    res = simulate(
        day(np.full(WEEK, lam), aht=aht),
        agents=np.full(WEEK, 30),
        replications=reps,
        seed=7,
        keep_records=True,
        callers=CallerBehaviour(returns=Returns(fcr=fcr, repeat_delay=delay)),
    )
    d = {name: res.day_replications[name] for name in COUNTS}
    fresh = np.array([(c.kind == FRESH).sum() for c in res.callers], dtype=float)
    # exact identities, replication by replication
    np.testing.assert_array_equal(d["offered"], fresh + d["repeats"] + d["redials"])
    np.testing.assert_array_equal(d["answered"] + d["abandoned"], d["offered"])
    np.testing.assert_array_equal(d["abandoned"], 0.0)
    np.testing.assert_array_equal(d["redials"], 0.0)
    np.testing.assert_array_equal(d["repeats"], [(c.kind == REPEAT).sum() for c in res.callers])
    np.testing.assert_array_equal(d["offered"], [c.size for c in res.callers])
    np.testing.assert_array_equal(res.day_replications["volume_factor"], 1.0)

    answered, unresolved = d["answered"].sum(), (d["repeats"] + d["returns_outside"]).sum()
    n_fresh, offered, outside = fresh.sum(), d["offered"].sum(), d["returns_outside"].sum()
    # (a) each answered contact is unresolved with probability 1 - f, independently of the
    # past: a sum of Bernoulli decisions up to a stopping count, mean (1 - f) A and variance
    # f (1 - f) A (sd ~ 70 of ~9,000 here).
    q = 1.0 - fcr
    assert abs(unresolved - q * answered) <= Z * math.sqrt(answered * fcr * q)
    # edge effect: a return is lost only if due after the horizon, i.e. mostly for contacts
    # of the last (AHT + delay) seconds: expected lost / fresh ~ (q / f) (AHT + delay) / H
    # = 3e-4 at f = 0.6. Allow 10x that (the count is ~Poisson with mean ~4 a replication).
    horizon = WEEK * 900.0
    assert outside / n_fresh <= 10 * q / fcr * (aht + delay) / horizon
    # (b) contacts per issue: geometric with mean 1/f and variance (1 - f)/f^2, so over F
    # issues offered/F has sd sqrt((1 - f) / (f^2 F)) (~0.4 % of 1/f here); issues cut at
    # the horizon lower it by at most lost / (f F).
    sd = math.sqrt(q / (fcr**2 * n_fresh))
    assert abs(offered / n_fresh - 1.0 / fcr) <= Z * sd + outside / (fcr * n_fresh)


@pytest.mark.parametrize("fcr", [1.0, 0.7])
def test_hang_ups_redial_with_the_redial_probability(fcr):
    # A day at 40 calls per 15 min (10.7 Erlangs) on 8 agents with a mean patience of 60 s:
    # about a third hang up. Every hang-up redials with probability p = 0.5 and every answer
    # is unresolved with probability 1 - f: the returns generated (simulated or lost outside
    # the horizon; returns_outside counts both kinds, so they are summed) have mean
    # p B + (1 - f) A and variance p (1 - p) B + f (1 - f) A (A answered, B abandoned).
    p, reps = 0.5, 4
    res = simulate(
        day(np.full(96, 40.0)),
        agents=np.full(96, 8),
        replications=reps,
        seed=3,
        keep_records=True,
        callers=CallerBehaviour(
            patience=60.0,
            returns=Returns(fcr=fcr, repeat_delay=600.0, redial=p, redial_delay=300.0),
        ),
    )
    d = {name: res.day_replications[name] for name in COUNTS}
    fresh = np.array([(c.kind == FRESH).sum() for c in res.callers], dtype=float)
    np.testing.assert_array_equal(d["offered"], fresh + d["repeats"] + d["redials"])
    np.testing.assert_array_equal(d["answered"] + d["abandoned"], d["offered"])
    np.testing.assert_array_equal(d["redials"], [(c.kind == REDIAL).sum() for c in res.callers])
    if fcr == 1.0:
        np.testing.assert_array_equal(d["repeats"], 0.0)
    a, b = d["answered"].sum(), d["abandoned"].sum()
    assert b > 0.2 * d["offered"].sum()  # the premise: many hang-ups
    generated = (d["repeats"] + d["redials"] + d["returns_outside"]).sum()
    mean = p * b + (1.0 - fcr) * a
    assert abs(generated - mean) <= Z * math.sqrt(p * (1 - p) * b + fcr * (1 - fcr) * a)
    # a redial is due within minutes: few are lost past the end of the day
    assert d["returns_outside"].sum() < 0.01 * generated


def test_volume_factor_is_gamma_and_daily_counts_negative_binomial():
    # 1,000 days of 4 intervals of 25 calls (lam = 100 a day), CV 0.3.
    cv, lam, n = 0.3, 100.0, 1000
    res = simulate(
        day([25.0] * 4), agents=[10] * 4, replications=n, seed=5, volume_cv=cv, workers=2
    )
    factor = res.day_replications["volume_factor"]
    offered = res.day_replications["offered"]
    k = cv**-2  # gamma shape; scale 1 / k: mean 1, variance cv^2
    # the factors follow that gamma law (Kolmogorov-Smirnov; p is uniform under the law)
    assert stats.kstest(factor, stats.gamma(k, scale=1.0 / k).cdf).pvalue > 1e-4
    # mean 1: sd of the mean cv / sqrt(n)
    assert abs(factor.mean() - 1.0) <= Z * cv / math.sqrt(n)
    # CV: Var(s^2) ~ sigma^4 (2 / (n - 1) + kurt / n), gamma excess kurtosis 6 / k; the
    # relative sd of s is half that of s^2
    rel = 0.5 * math.sqrt(2 / (n - 1) + 6 / k / n)
    assert abs(factor.std(ddof=1) / cv - 1.0) <= Z * rel
    # given its factor, a day's count is Poisson(lam * factor): standardized residuals have
    # mean 0 and variance 1 (Poisson excess kurtosis 1 / mu ~ 0.01, ignored in the bound)
    z = (offered - lam * factor) / np.sqrt(lam * factor)
    assert abs(z.mean()) <= Z / math.sqrt(n)
    assert abs(z.var(ddof=1) - 1.0) <= Z * math.sqrt(2 / (n - 1) + 0.05 / n)
    # marginally negative binomial: mean lam, variance lam + cv^2 lam^2 = 1000 (ten times
    # the Poisson variance); the sample variance's sd from the NB excess kurtosis
    var = lam + cv**2 * lam**2
    nb = stats.nbinom(k, k / (k + lam))
    assert nb.var() == pytest.approx(var)
    kurt = float(nb.stats(moments="k"))
    assert abs(offered.mean() - lam) <= Z * math.sqrt(var / n)
    assert abs(offered.var(ddof=1) / var - 1.0) <= Z * math.sqrt(2 / (n - 1) + kurt / n)


def test_no_volume_uncertainty_leaves_the_streams_unchanged():
    fc = day([30, 60, 30])
    kw = {
        "agents": [8, 14, 8],
        "callers": CallerBehaviour(patience=90.0),
        "replications": 5,
        "seed": 4,
    }
    base = simulate(fc, keep_records=True, **kw)
    zero = simulate(fc, keep_records=True, volume_cv=0.0, **kw)
    assert_same_result(base, zero)
    np.testing.assert_array_equal(zero.day_replications["volume_factor"], 1.0)
    varied = simulate(fc, keep_records=True, volume_cv=0.2, **kw)
    assert (varied.day_replications["volume_factor"] != 1.0).all()


# =========================================================================== reproducibility


def test_same_seed_same_day_and_inactive_returns_change_nothing():
    fc = day([30, 60, 90, 60, 30])
    kw = {"agents": [8, 14, 18, 14, 8], "replications": 4, "seed": 12}
    returning = CallerBehaviour(
        patience=90.0, returns=Returns(fcr=0.7, repeat_delay=600.0, redial=0.4)
    )
    on = {"callers": returning, "volume_cv": 0.2}
    one = simulate(fc, keep_records=True, **kw, **on)
    assert_same_result(one, simulate(fc, keep_records=True, **kw, **on))
    # threads: each replication's draws are its own
    assert_same_result(one, simulate(fc, keep_records=True, workers=2, **kw, **on))
    assert one.day_replications["repeats"].sum() > 0
    assert one.day_replications["redials"].sum() > 0
    plain = simulate(fc, keep_records=True, **kw, callers=CallerBehaviour(patience=90.0))
    for returns in (Returns(), Returns(fcr=1.0, repeat_delay=5.0, redial_delay=9.0)):
        callers = CallerBehaviour(patience=90.0, returns=returns)
        same = simulate(fc, keep_records=True, **kw, callers=callers)
        assert_same_result(plain, same)
        assert same.callers[0].kind is None
    # the fresh callers of a day with returns are the callers of the day without
    with_returns = simulate(fc, keep_records=True, **kw, callers=returning)
    for c, p in zip(with_returns.callers, plain.callers, strict=True):
        fresh = c.kind == FRESH
        np.testing.assert_array_equal(c.arrival[fresh], p.arrival)
        np.testing.assert_array_equal(c.handle[fresh], p.handle)
        np.testing.assert_array_equal(c.patience[fresh], p.patience)


def test_pool_draws_are_a_prefix_whatever_the_size():
    handle = distributions.make("lognormal", 1.0, 0.7)
    patience = distributions.make("exponential", 60.0)

    def pool(*sizes):
        draws = ReturnDraws(np.random.default_rng(9), handle, patience)
        draws.fresh(5)
        return [draws.pool(s) for s in sizes][-1]

    small, grown, big = pool(10), pool(10, 5000, 9000), pool(9000)
    for a, b, c in zip(small, grown, big, strict=True):
        assert a.size == 10
        assert b.size == c.size == 9000
        np.testing.assert_array_equal(b, c)
        np.testing.assert_array_equal(a, c[:10])


@pytest.mark.parametrize("chunk", [ReturnDraws.CHUNK, 100])
def test_a_pool_that_runs_out_gives_the_same_day(monkeypatch, chunk):
    # ~2,900 fresh callers at FCR 0.5: ~2,900 returns. Sized from 1, the pool runs out,
    # doubles and the day is run again, many times (across chunk boundaries at chunk 100).
    monkeypatch.setattr(ReturnDraws, "CHUNK", chunk)
    sizes = []
    original_pool = ReturnDraws.pool

    def recording_pool(self, size):
        sizes.append(size)
        return original_pool(self, size)

    monkeypatch.setattr(ReturnDraws, "pool", recording_pool)
    fc = day(np.full(96, 30.0))
    kw = {
        "agents": np.full(96, 12),
        "callers": CallerBehaviour(
            patience=200.0, returns=Returns(fcr=0.5, repeat_delay=900.0, redial=0.3)
        ),
        "replications": 2,
        "seed": 8,
        "keep_records": True,
    }
    normal = simulate(fc, **kw)
    assert len(sizes) == 2  # one pool per replication was enough
    sizes.clear()
    monkeypatch.setattr(ReturnDraws, "expected", lambda self, n, returns: 1)
    grown = simulate(fc, **kw)
    assert sizes[0] == 1
    assert max(sizes) >= 2048
    assert len(sizes) > 20
    assert_same_result(normal, grown)


# =========================================================================== errors


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"fcr": 0.0}, "fcr"),
        ({"fcr": 1.2}, "fcr"),
        ({"fcr": -0.5}, "fcr"),
        ({"fcr": math.nan}, "fcr"),
        ({"redial": 1.0}, "redial"),
        ({"redial": -0.1}, "redial"),
        ({"repeat_delay": -1.0}, "repeat_delay"),
        ({"repeat_delay": math.inf}, "repeat_delay"),
        ({"redial_delay": math.nan}, "redial_delay"),
        ({"redial_delay": -60.0}, "redial_delay"),
    ],
)
def test_returns_errors_name_the_field(kwargs, field):
    with pytest.raises(InputError, match=f"^{field} = ") as info:
        Returns(**kwargs)
    assert "\n" not in str(info.value)


def test_returns_are_for_the_fast_engine_only():
    with pytest.raises(InputError, match="fast") as info:
        simulate(
            day([10]), agents=[3], engine="simpy", callers=CallerBehaviour(returns=Returns(fcr=0.8))
        )
    assert "engine" in str(info.value)
    # inactive returns are no returns: SimPy is fine
    simulate(
        day([10]),
        agents=[3],
        engine="simpy",
        replications=1,
        callers=CallerBehaviour(returns=Returns()),
    )


@pytest.mark.parametrize("cv", [-0.1, math.nan, math.inf])
def test_volume_cv_errors(cv):
    with pytest.raises(InputError, match="volume_cv"):
        simulate(day([10]), agents=[3], volume_cv=cv)


SCENARIO = """
name = "tiny"
[forecast]
file = "f.csv"
[targets]
service_level = "80/20"
[[shifts]]
name = "day"
length = "4h"
starts = ["08:00"]
[callers]
{callers}
"""


def scenario(tmp_path, callers: str):
    (tmp_path / "f.csv").write_text("start,calls,aht\n08:00,20,180\n08:30,30,180\n")
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO.format(callers=callers))
    return path


def test_scenario_without_return_keys_has_no_returns(tmp_path):
    sc = load_scenario(scenario(tmp_path, 'patience = "3min"'))
    assert sc.callers.returns == Returns()
    assert not sc.callers.returns.active


def test_scenario_return_keys(tmp_path):
    text = 'fcr = "75%"\nrepeat_delay = "2h"\nredial = "30%"\nredial_delay = "10min"'
    sc = load_scenario(scenario(tmp_path, text))
    assert sc.callers.returns == Returns(0.75, 7200.0, 0.3, 600.0)


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ('fcr = "120%"', r"callers\.fcr = '120%'"),
        ('redial = "-5%"', r"callers\.redial = '-5%'"),
        ('repeat_delay = "soon"', r"callers\.repeat_delay = 'soon'"),
        ("fcr = 0", r"fcr = 0"),
    ],
)
def test_scenario_return_errors_name_file_and_key(tmp_path, text, pattern):
    path = scenario(tmp_path, text)
    with pytest.raises(InputError, match=pattern) as info:
        load_scenario(path)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_a_return_into_an_interval_forecast_empty_takes_its_cause_aht():
    # the forecast allows AHT 0 where no calls are forecast; a repeat landing there still
    # needs a handle time: its cause's interval's AHT (here 300 s, deterministic shape)
    starts = np.datetime64("2026-03-03T08:00", "s") + np.arange(4) * np.timedelta64(900, "s")
    fc = Forecast(
        start=starts, calls=[40.0, 0.0, 0.0, 0.0], aht=[300.0, 0.0, 0.0, 0.0], interval=900
    )
    r = simulate(
        fc,
        agents=[20] * 4,
        replications=3,
        seed=4,
        keep_records=True,
        callers=CallerBehaviour(
            handle_distribution="deterministic", returns=Returns(fcr=0.5, repeat_delay=600.0)
        ),
    )
    for callers in r.callers:
        assert (callers.handle == 300.0).all()
        assert (callers.kind == REPEAT).any()
        assert (callers.interval[callers.kind == REPEAT] > 0).any()
