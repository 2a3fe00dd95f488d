"""Tests of ``staffing.simulation``: the simulated day, checked by hand, by invariants, by theory.

What is checked, and against what:

* **Tiny hand-checkable days** (STYLE habit 10): callers and agent windows built directly,
  each engine of ``ENGINES`` run (SimPy ``run_day`` and the compiled one), and every
  outcome array asserted exactly -- who is answered, by which agent, after what wait, who
  hangs up and when, the agents' logged segments -- for shift ends mid-call, breaks (idle
  at the start, in a call, overrunning the break and the window after it), closing time
  with and without queue clearing, and callers stranded with no agent left.
* **Invariants on random days** (Hypothesis; peaked forecasts, staffing by interval or by
  shifts with breaks): every caller answered or gone; the sample-path Little's law
  (``queue_area`` measured inside the engine equals the sum of waits; Little 1961, and
  for a finite sample path that starts and ends empty it is an identity, Stidham 1974);
  FCFS order of answers; no agent serves two callers at once, starts a call outside its
  windows, or is idle while a caller waits; per-interval and per-day KPIs recomputed
  independently from the call records equal the result tables.
* **Common random numbers and reproducibility**: same seed, same tables; the same callers
  whatever the staffing; more agents give a clearly higher service level.
* **Theory** (DESIGN.md section 6; STYLE habit 8): on long stationary days, simulated service
  level, ASA, mean wait, P(wait), abandon rate and occupancy agree with the exact Erlang C
  (M/M/n) and Erlang A (M/M/n+M) values of ``staffing.erlang.kpis`` within 3 half-widths of
  their 95 % confidence intervals, and those half-widths are narrower than stated widths --
  never a pinned seeded number.
* **Non-exponential handle times**: the mean handle time is the AHT asked for; occupancy is
  the offered load over agents whatever the service distribution (Little's law for the
  busy servers of a stable M/G/n); less variable handle times give a higher service level
  (Lee & Longton 1959; Whitt 1993).
* ``simulate`` input errors (``InputError`` naming the field).

References
----------
.. [1] J. D. C. Little, "A proof for the queuing formula L = lambda W", Operations Research
   9(3), 383-387, 1961. doi:10.1287/opre.9.3.383
.. [2] S. Stidham, "A last word on L = lambda W", Operations Research 22(2), 417-421, 1974.
   doi:10.1287/opre.22.2.417
.. [3] A. M. Lee and P. A. Longton, "Queueing processes associated with airline passenger
   check-in", Operational Research Quarterly 10(1), 56-71, 1959.
.. [4] W. Whitt, "Approximations for the GI/G/m queue", Production and Operations
   Management 2(2), 114-161, 1993.
.. [5] N. Gans, G. Koole and A. Mandelbaum, "Telephone call centers: tutorial, review, and
   research prospects", Manufacturing & Service Operations Management 5(2), 79-141, 2003.
   doi:10.1287/msom.5.2.79.16071
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from staffing import distributions, erlang
from staffing.callers import CallerBehaviour
from staffing.errors import InputError
from staffing.forecast import Forecast
from staffing.shifts import Break, Shift, coverage
from staffing.simulation import (
    ABANDONED,
    ANSWERED,
    ENGINES,
    AgentWindows,
    Callers,
    Grid,
    SimulationResult,
    draw_callers,
    simulate,
    windows_from_counts,
    windows_from_shifts,
)
from staffing.simulation.simpy_engine import run_day

H = 3600.0
INF = math.inf
NO_PAY = np.zeros((0, 3))


def forecast(calls, aht=180.0, start="2026-03-02T08:00", interval=1800) -> Forecast:
    calls = np.atleast_1d(np.asarray(calls, dtype=float))
    starts = np.datetime64(start, "s") + np.arange(calls.size) * np.timedelta64(int(interval), "s")
    aht = np.broadcast_to(np.asarray(aht, dtype=float), calls.shape).copy()
    return Forecast(start=starts, calls=calls, aht=aht, interval=interval)


def callers(arrival, handle, patience=None, interval=None) -> Callers:
    arrival = np.asarray(arrival, dtype=float)
    return Callers(
        arrival=arrival,
        handle=np.asarray(handle, dtype=float),
        patience=np.full(arrival.size, INF) if patience is None else np.asarray(patience, float),
        interval=np.zeros(arrival.size, np.int64) if interval is None else np.asarray(interval),
    )


def windows(*per_agent) -> AgentWindows:
    """Agent windows as ``windows([(on, off, stays), ...], [...])``, one list per agent."""
    return AgentWindows(tuple(tuple(w) for w in per_agent), NO_PAY)


def t_interval(values) -> tuple[float, float]:
    """Mean and 95 % Student-t half-width, computed here independently of staffing.kpis."""
    x = np.asarray(values, dtype=float)
    return float(x.mean()), float(
        stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / math.sqrt(x.size)
    )


# =========================================================================== hand-checked days


@pytest.fixture(params=sorted(ENGINES))
def engine(request):
    """Each engine's one-day function (SimPy and compiled): both must pass every hand case."""
    return ENGINES[request.param]()


def segments_of(out) -> np.ndarray:
    """Logged ``(on, off)`` segments in time order (engines may record them in any order)."""
    seg = out.logged
    return seg[np.lexsort((seg[:, 1], seg[:, 0]))]


def test_two_agents_four_callers_by_hand(engine):
    # Agents 0 and 1 on the phones 0-1000 s. Callers (arrival, handle, patience):
    #   c0 (0, 100, inf): both idle; agent 0 has been idle the longest (both since 0,
    #       agent 0 first in line) -> answered at 0 by agent 0, busy to 100.
    #   c1 (10, 50, inf): agent 1 idle -> answered at 10, busy to 60.
    #   c2 (20, 30, 25): both busy, queues; hangs up at 45 after 25 s.
    #   c3 (30, 20, inf): queues behind c2; agent 1 frees at 60, skips c2 (gone) -> answered
    #       at 60 after 30 s, busy to 80.
    #   c4 (200, 5, inf): both idle; agent 1 since 80, agent 0 since 100 -> agent 1.
    c = callers([0, 10, 20, 30, 200], [100, 50, 30, 20, 5], [INF, INF, 25, INF, INF])
    out = engine(c, windows([(0, 1000, False)], [(0, 1000, False)]))
    np.testing.assert_array_equal(out.status, [ANSWERED, ANSWERED, ABANDONED, ANSWERED, ANSWERED])
    np.testing.assert_array_equal(out.wait, [0, 0, 25, 30, 0])
    np.testing.assert_array_equal(out.agent, [0, 1, -1, 1, 1])
    np.testing.assert_array_equal(segments_of(out), [[0, 1000], [0, 1000]])
    assert out.queue_area == 55.0  # c2 waited 20-45, c3 30-60


def test_idle_agent_free_longest_takes_the_call(engine):
    # agent 0 frees at 50, agent 1 at 30, agent 2 at 40: a caller at 100 goes to agent 1,
    # the next (110) to agent 2, the next (120) to agent 0.
    c = callers([0, 1, 2, 100, 110, 120], [50, 29, 38, 500, 500, 500])
    out = engine(c, windows(*[[(0, 1000, False)]] * 3))
    np.testing.assert_array_equal(out.agent, [0, 1, 2, 1, 2, 0])
    np.testing.assert_array_equal(out.wait, np.zeros(6))
    assert out.queue_area == 0.0


def test_shift_end_mid_call_finishes_the_call_then_leaves(engine):
    # One agent 0-100 s. c0 arrives at 50, needs 100 s: answered, the agent stays to 150.
    # c1 (patience 30) arrives at 60 and hangs up at 90. c2 (patience 200) arrives at 140,
    # while the agent is still there but busy, and hangs up at 340: the agent left at 150.
    c = callers([50, 60, 140], [100, 10, 10], [INF, 30, 200])
    out = engine(c, windows([(0, 100, False)]))
    np.testing.assert_array_equal(out.status, [ANSWERED, ABANDONED, ABANDONED])
    np.testing.assert_array_equal(out.wait, [0, 30, 200])
    np.testing.assert_array_equal(out.agent, [0, -1, -1])
    np.testing.assert_array_equal(
        segments_of(out), [[0, 150]]
    )  # the segment ends at the call's end
    assert out.queue_area == 230.0


def test_break_taken_when_idle_and_caller_waits_for_its_end(engine):
    # Shift 0-1000 with a break 300-400: the agent is idle at 300 and leaves on time.
    # A caller arriving at 320 waits for the scheduled end of the break.
    shift = Shift(0.0, 1000.0, breaks=(Break(300.0, 400.0),))
    assert shift.windows() == [(0.0, 300.0), (400.0, 1000.0)]
    c = callers([100, 320], [50, 50])
    out = engine(c, windows([(0, 300, False), (400, 1000, False)]))
    np.testing.assert_array_equal(out.status, [ANSWERED, ANSWERED])
    np.testing.assert_array_equal(out.wait, [0, 80])
    np.testing.assert_array_equal(segments_of(out), [[0, 300], [400, 1000]])
    assert out.queue_area == 80.0


def test_break_starts_after_the_call_in_progress_and_ends_on_schedule(engine):
    # The call answered at 250 runs to 350: the break starts late (350) and is shortened,
    # not moved: the agent is back at 400. A caller at 360 is answered at 400.
    c = callers([250, 360], [100, 10])
    out = engine(c, windows([(0, 300, False), (400, 1000, False)]))
    np.testing.assert_array_equal(out.status, [ANSWERED, ANSWERED])
    np.testing.assert_array_equal(out.wait, [0, 40])
    np.testing.assert_array_equal(segments_of(out), [[0, 350], [400, 1000]])


def test_call_overrunning_the_whole_break_goes_straight_on(engine):
    # The call answered at 250 runs to 450, past the break's end (400): no break at all;
    # the agent answers the caller waiting since 300 at 450.
    c = callers([250, 300], [200, 10])
    out = engine(c, windows([(0, 300, False), (400, 1000, False)]))
    np.testing.assert_array_equal(out.wait, [0, 150])
    np.testing.assert_array_equal(out.agent, [0, 0])
    np.testing.assert_array_equal(segments_of(out), [[0, 450], [450, 1000]])


def test_only_agent_on_break_then_answered_by_the_other(engine):
    # Agent 0 breaks 300-400, agent 1 works 0-1000 but is busy 290-500: the caller at 320
    # is answered at 400 by agent 0, back from its break.
    c = callers([0, 290, 320], [10, 210, 30])
    out = engine(c, windows([(0, 300, False), (400, 1000, False)], [(0, 1000, False)]))
    np.testing.assert_array_equal(out.agent, [0, 1, 0])
    np.testing.assert_array_equal(out.wait, [0, 0, 80])


def test_call_overrunning_break_and_next_window_then_leaves(engine):
    # Windows 0-300 and 400-500 (a break 300-400, shift end 500). The call answered at 250
    # runs to 550: the shift end (500) came during the call, so the agent finishes it and
    # leaves (module docstring: "an agent whose break or shift end comes during a call
    # finishes the call first, then leaves"). The caller waiting since 260 (no patience) is
    # never answered: stranded, it counts as abandoned when the agent leaves at 550.
    c = callers([250, 260], [300, 10])
    out = engine(c, windows([(0, 300, False), (400, 500, False)]))
    np.testing.assert_array_equal(out.status, [ANSWERED, ABANDONED])
    np.testing.assert_array_equal(out.agent, [0, -1])
    np.testing.assert_array_equal(out.wait, [0, 290])
    np.testing.assert_array_equal(segments_of(out), [[0, 550]])
    assert out.queue_area == 290.0


def test_closing_time_window_serves_the_queue_until_empty(engine):
    # One agent 0-100 flagged to stay at closing. c0 runs 0-150; c1 and c2 queue behind it
    # and are served 150-170 and 170-190, after the window's end: the agent stays to 190.
    c = callers([0, 10, 20], [150, 20, 20])
    out = engine(c, windows([(0, 100, True)]))
    np.testing.assert_array_equal(out.status, [ANSWERED] * 3)
    np.testing.assert_array_equal(out.wait, [0, 140, 150])
    np.testing.assert_array_equal(segments_of(out), [[0, 190]])
    assert out.queue_area == 290.0


def test_window_without_closing_flag_leaves_the_queue(engine):
    # Same day, not a closing time: the agent leaves at 150 after its call; c1 and c2 (no
    # patience) are stranded and counted as hanging up at the day's last event (150).
    c = callers([0, 10, 20], [150, 20, 20])
    out = engine(c, windows([(0, 100, False)]))
    np.testing.assert_array_equal(out.status, [ANSWERED, ABANDONED, ABANDONED])
    np.testing.assert_array_equal(out.wait, [0, 140, 130])
    np.testing.assert_array_equal(out.agent, [0, -1, -1])
    np.testing.assert_array_equal(segments_of(out), [[0, 150]])
    assert out.queue_area == 270.0


def test_stranded_callers_hang_up_at_the_days_last_event(engine):
    # The agent works 0-100 and is idle when it leaves at 100. Callers without patience at
    # 120 and 150 find no agent ever again; the day ends with the last arrival (150), later
    # than the agent's departure, so they count as abandoned after 30 s and 0 s.
    c = callers([10, 120, 150], [50, 10, 10])
    out = engine(c, windows([(0, 100, False)]))
    np.testing.assert_array_equal(out.status, [ANSWERED, ABANDONED, ABANDONED])
    np.testing.assert_array_equal(out.wait, [0, 30, 0])
    np.testing.assert_array_equal(out.agent, [0, -1, -1])
    np.testing.assert_array_equal(segments_of(out), [[0, 100]])
    assert out.queue_area == 30.0


def test_agent_starting_later_answers_the_queue_at_its_start(engine):
    c = callers([10, 20], [30, 30], [INF, 100])
    out = engine(c, windows([(50, 500, False)]))
    np.testing.assert_array_equal(out.wait, [40, 60])
    np.testing.assert_array_equal(out.status, [ANSWERED, ANSWERED])
    np.testing.assert_array_equal(segments_of(out), [[50, 500]])


def test_no_callers_and_no_agents(engine):
    out = engine(callers([], []), windows([(0, 100, False)]))
    assert out.status.size == 0
    np.testing.assert_array_equal(segments_of(out), [[0, 100]])
    out = engine(callers([5.0], [1.0]), windows())
    np.testing.assert_array_equal(out.status, [ABANDONED])
    assert out.wait.tolist() == [0.0]
    assert out.logged.shape == (0, 2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"handle": [1.0]}, "handle has 1 values for 2 arrivals"),
        ({"arrival": [5.0, 1.0]}, "non-decreasing"),
        ({"handle": [1.0, 0.0]}, "handle times must be finite and > 0"),
        ({"handle": [1.0, INF]}, "handle times must be finite and > 0"),
        ({"patience": [1.0, 0.0]}, "patience must be > 0"),
    ],
)
def test_callers_are_checked_at_the_door(kwargs, message):
    values = {"arrival": [1.0, 2.0], "handle": [3.0, 4.0], "patience": [INF, INF]}
    values.update(kwargs)
    with pytest.raises(InputError, match=message):
        callers(values["arrival"], values["handle"], values["patience"], np.zeros(2, np.int64))


# =========================================================================== grid and windows


def test_grid_from_a_two_day_forecast_and_its_closing_times():
    starts = np.array(
        ["2026-03-02T08:00", "2026-03-02T08:30", "2026-03-03T08:00", "2026-03-03T08:30"],
        dtype="datetime64[s]",
    )
    f = Forecast(start=starts, calls=[1.0] * 4, aht=[100.0] * 4, interval=1800)
    grid = Grid.of(f)
    np.testing.assert_array_equal(grid.start, [8 * H, 8.5 * H, 32 * H, 32.5 * H])
    assert grid.length == 1800.0
    np.testing.assert_array_equal(grid.closing, [9 * H, 33 * H])


def test_windows_from_counts():
    # 08:00-10:00, agents [2, 1, 0, 2]: agent 0 works 08:00-09:00 then 09:30-10:00 (closing),
    # agent 1 08:00-08:30 then 09:30-10:00.
    grid = Grid.of(forecast([10, 10, 10, 10]))
    w = windows_from_counts(np.array([2, 1, 0, 2]), grid, shrinkage=0.2)
    assert w.windows == (
        ((8 * H, 9 * H, False), (9.5 * H, 10 * H, True)),
        ((8 * H, 8.5 * H, False), (9.5 * H, 10 * H, True)),
    )
    np.testing.assert_allclose(w.paid[:, 2], [2.5, 1.25, 0.0, 2.5])  # agents / (1 - 0.2)
    np.testing.assert_array_equal(w.paid[:, 0], grid.start)
    assert windows_from_counts(np.zeros(4, np.int64), grid).windows == ()


def test_windows_from_shifts():
    # forecast 08:00-12:00 (closing 12:00)
    grid = Grid.of(forecast([10] * 8))
    morning = Shift(8 * H, 12 * H, headcount=2, breaks=(Break(10 * H, 10.25 * H, paid=True),))
    late = Shift(9 * H, 13 * H, headcount=1, breaks=(Break(11 * H, 11.5 * H),))
    w = windows_from_shifts([morning, late], grid)
    first = ((8 * H, 10 * H, False), (10.25 * H, 12 * H, True))
    assert w.windows == (first, first, ((9 * H, 11 * H, False), (11.5 * H, 13 * H, True)))
    # paid time: the paid break counts, the unpaid one does not
    np.testing.assert_array_equal(
        w.paid, [[8 * H, 12 * H, 2], [9 * H, 11 * H, 1], [11.5 * H, 13 * H, 1]]
    )


# =========================================================================== drawing callers


def test_draw_callers_poisson_counts_uniform_times_and_scaled_handle_times():
    f = forecast([3.5, 40.0, 0.0, 12.0], aht=[100.0, 300.0, 0.0, 200.0])
    grid = Grid.of(f)
    handle = distributions.make("lognormal", 1.0, 0.8)
    patience = distributions.make("exponential", 90.0)
    rng = np.random.default_rng(2026)
    draws = 1500
    counts = np.zeros((draws, 4))
    fractions, handles, patiences = [], [[] for _ in range(4)], []
    for d in range(draws):
        c = draw_callers(rng, f.calls, f.aht, grid, handle, patience)
        assert (np.diff(c.arrival) >= 0).all()
        counts[d] = np.bincount(c.interval, minlength=4)
        start = grid.start[c.interval]
        assert ((c.arrival >= start) & (c.arrival < start + grid.length)).all()
        fractions.append((c.arrival - start) / grid.length)
        for k in range(4):
            handles[k].append(c.handle[c.interval == k])
        patiences.append(c.patience)
    # Poisson counts: mean = forecast calls (4 standard errors), variance = mean
    np.testing.assert_array_less(
        np.abs(counts.mean(0) - f.calls), 4 * np.sqrt(f.calls / draws) + 1e-12
    )
    assert counts[:, 2].max() == 0
    for k in (0, 1, 3):
        assert counts[:, k].var(ddof=1) / f.calls[k] == pytest.approx(1.0, abs=0.15)
    # arrival times uniform within their interval
    assert stats.kstest(np.concatenate(fractions), "uniform").pvalue > 1e-3
    # handle times: mean = that interval's AHT, CV 0.8
    for k in (0, 1, 3):
        h = np.concatenate(handles[k])
        assert abs(h.mean() - f.aht[k]) < 4 * 0.8 * f.aht[k] / math.sqrt(h.size)
    p = np.concatenate(patiences)
    assert abs(p.mean() - 90.0) < 4 * 90.0 / math.sqrt(p.size)


def test_given_arrivals_are_replayed_in_every_replication():
    # 08:00-09:30; times in seconds from midnight
    f = forecast([2.0, 1.0, 1.0], aht=[100.0, 300.0, 200.0])
    times = [8 * H, 8 * H + 60.0, 8.5 * H + 5.0, 9 * H + 1799.0]
    result = simulate(f, agents=[1, 1, 1], replications=40, seed=3, keep_records=True)
    given = simulate(
        f, agents=[1, 1, 1], replications=40, seed=3, keep_records=True, arrivals=times
    )
    assert {c.size for c in result.callers} != {4}  # Poisson draws
    for c in given.callers:
        np.testing.assert_array_equal(c.arrival, times)
        np.testing.assert_array_equal(c.interval, [0, 0, 1, 2])
    handles = np.array([c.handle for c in given.callers])
    assert handles.mean() == pytest.approx(np.mean([100, 100, 300, 200]), rel=0.25)
    np.testing.assert_array_equal(given.day_replications["offered"], 4.0)
    for bad, match in (
        ([9.5 * H + 10.0], r"arrivals\[0\] = 34210 s is in no interval"),
        ([8 * H + 9.0, 8 * H], r"arrivals\[1\] = 28800 s comes before arrivals\[0\]"),
    ):
        with pytest.raises(InputError, match=match):
            simulate(f, agents=[1, 1, 1], arrivals=bad)
    with pytest.raises(InputError, match="volume_cv must be 0"):
        simulate(f, agents=[1, 1, 1], arrivals=times, volume_cv=0.1)


def test_draw_order_keeps_callers_common_across_distributions():
    # Counts and times are drawn before handle times, handle times before patience: changing
    # the handle distribution keeps the arrivals; changing patience keeps arrivals and handles.
    f = forecast([30, 50, 20])
    grid = Grid.of(f)
    exp = distributions.make("exponential", 1.0)
    logn = distributions.make("lognormal", 1.0, 0.5)
    a = draw_callers(np.random.default_rng(1), f.calls, f.aht, grid, exp, None)
    b = draw_callers(np.random.default_rng(1), f.calls, f.aht, grid, logn, None)
    c = draw_callers(
        np.random.default_rng(1), f.calls, f.aht, grid, exp, distributions.Exponential(60.0)
    )
    np.testing.assert_array_equal(a.arrival, b.arrival)
    np.testing.assert_array_equal(a.interval, b.interval)
    assert not np.array_equal(a.handle, b.handle)
    np.testing.assert_array_equal(a.arrival, c.arrival)
    np.testing.assert_array_equal(a.handle, c.handle)
    assert np.isinf(a.patience).all()
    assert np.isfinite(c.patience).all()


# =========================================================================== simulate: inputs


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"agents": [3, 3], "shifts": [Shift(8 * H, 9 * H)]}, r"give either agents .* or shifts"),
        ({}, r"give either agents .* or shifts"),
        ({"agents": [3, 3, 3]}, r"agents: 3 values for 2 forecast intervals"),
        ({"agents": [[3, 3]]}, r"agents: 2 values for 2 forecast intervals"),
        ({"agents": [3, 1.5]}, r"agents\[1\] = 1.5; agents must be whole numbers >= 0"),
        ({"agents": [-1, 3]}, r"agents\[0\] = -1; agents must be whole numbers >= 0"),
        ({"agents": [3, math.nan]}, r"agents\[1\] = nan; agents must be whole numbers"),
        ({"agents": [3, 3], "replications": 0}, r"replications = 0; must be a whole number >= 1"),
        ({"agents": [3, 3], "replications": 2.5}, r"replications = 2.5; must be a whole number"),
        ({"agents": [3, 3], "threshold": -1.0}, r"threshold = -1.0; threshold must be >= 0"),
        ({"agents": [3, 3], "threshold": math.nan}, r"threshold = nan; threshold must be >= 0"),
        (
            {"agents": [3, 3], "shrinkage": 1.0},
            r"shrinkage = 1; shrinkage must be >= 0 and below 100%",
        ),
        (
            {"agents": [3, 3], "shrinkage": -0.1},
            r"shrinkage = -0.1; shrinkage must be >= 0 and below 100%",
        ),
    ],
)
def test_simulate_input_errors(kwargs, message):
    with pytest.raises(InputError, match=message):
        simulate(forecast([10, 10]), **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"handle_distribution": "weibull"}, r"handle_distribution: distribution = 'weibull'"),
        (
            {"patience": 60.0, "patience_distribution": "weibull"},
            r"patience_distribution: distribution = 'weibull'; choose one of",
        ),
        ({"handle_distribution": "lognormal"}, r"handle_distribution: lognormal needs a cv"),
        ({"handle_distribution": "gamma", "handle_cv": -1.0}, r"gamma cv = -1.0"),
        ({"handle_cv": 0.5}, r"exponential has cv 1; cv = 0.5 is not possible"),
        ({"patience": -5.0}, r"patience = -5.0; patience must be > 0 seconds"),
        ({"patience": 0.0}, r"patience = 0.0; patience must be > 0 seconds"),
        ({"patience": math.nan}, r"patience = nan; patience must be > 0 seconds"),
        ({"patience": 60.0, "patience_distribution": "gamma"}, r"patience_.*gamma needs a cv"),
        ({"handle_distribution": "gamma"}, r"handle_.*gamma needs a cv"),
    ],
)
def test_caller_behaviour_errors_name_the_field(kwargs, message):
    # DESIGN.md section 7: checked once, when the behaviour is built, naming the field.
    with pytest.raises(InputError, match=message):
        CallerBehaviour(**kwargs)


def test_infinite_patience_is_no_patience():
    a = simulate(
        forecast([40, 40]),
        agents=[4, 4],
        replications=3,
        seed=5,
        callers=CallerBehaviour(patience=math.inf),
    )
    b = simulate(
        forecast([40, 40]),
        agents=[4, 4],
        replications=3,
        seed=5,
        callers=CallerBehaviour(patience=None),
    )
    pd.testing.assert_frame_equal(a.day, b.day)
    assert a.kpi("abandon_rate") == (0.0, 0.0)


def test_progress_and_kpi_accessor():
    seen = []
    r = simulate(forecast([20, 20]), agents=[3, 3], replications=4, seed=1, progress=seen.append)
    assert seen == [1, 2, 3, 4]
    assert isinstance(r, SimulationResult)
    mean, half = r.kpi("service_level")
    assert mean == r.day.loc["service_level", "mean"]
    assert half == r.day.loc["service_level", "ci"]
    assert r.callers is None
    assert r.outcomes is None
    assert r.replications["service_level"].shape == (4, 2)
    assert r.day_replications["asa"].shape == (4,)
    expected = ["start", "calls", "agents", "offered"]
    for name in (
        "service_level",
        "service_level_answered",
        "service_level_excl_short_abandons",
        "asa",
        "mean_wait",
        "p_wait",
        "abandon_rate",
        "occupancy",
        "utilization",
    ):
        expected += [name, f"{name}_ci"]
    assert list(r.intervals.columns) == expected


def test_time_past_a_shifts_end_is_paid_so_utilization_stays_below_occupancy():
    # 4 agents 08:00-09:00, none 09:00-09:30, 1 agent 09:30-10:00, shrinkage 0.3. Calls
    # answered before 09:00 run on into 09:00-09:30, where no paid time is scheduled: that
    # overrun is paid (DESIGN.md section 3), so utilization there is busy / logged time,
    # equal to occupancy, never a division by nothing (once ~1e13 from rounding residue).
    f = forecast([40, 40, 0, 5], aht=[300, 300, 0, 100])
    r = simulate(f, agents=[4, 4, 0, 1], shrinkage=0.3, replications=3, seed=1)
    occupancy, utilization = r.replications["occupancy"], r.replications["utilization"]
    assert (occupancy[:, 2] > 0).all()  # calls did run on into it
    np.testing.assert_allclose(utilization[:, 2], occupancy[:, 2])
    assert (utilization[:, :2] <= occupancy[:, :2] * 0.7 + 1e-9).all()  # paid = logged / 0.7


def test_overtime_is_the_time_past_scheduled_ends_by_hand():
    # one agent 08:00-08:30; calls at 08:10 and 08:29 of exactly 600 s each: the first ends
    # at 08:20, the second at 08:39, 540 s past the end of the agent's time (overtime,
    # paid); the day's handle time is 1,200 s
    f = forecast([2.0], aht=600.0)
    times = [8 * H + 600.0, 8 * H + 1740.0]
    fixed = CallerBehaviour(handle_distribution="deterministic")
    for engine in ("simpy", "fast"):
        r = simulate(
            f, agents=[1], replications=2, seed=1, arrivals=times, callers=fixed, engine=engine
        )
        np.testing.assert_allclose(r.day_replications["overtime_hours"], 540.0 / 3600.0)
        np.testing.assert_allclose(r.day_replications["handle_hours"], 1200.0 / 3600.0)


def test_callers_left_without_agents_count_as_abandoned():
    # 3 agents 08:00-08:30, none 08:30-09:00 (not a closing time: agents leave after their
    # call), nobody hangs up: every caller of the second interval is stranded, so it counts
    # as abandoned; none is answered within T.
    r = simulate(forecast([30, 30]), agents=[3, 0], replications=3, seed=4, keep_records=True)
    for c, out in zip(r.callers, r.outcomes, strict=True):
        late = c.interval == 1
        assert late.sum() > 10
        assert (out.status[late] == ABANDONED).all()
        stranded = out.status == ABANDONED
        np.testing.assert_allclose(c.arrival[stranded] + out.wait[stranded], c.arrival.max())
    np.testing.assert_array_equal(r.replications["abandon_rate"][:, 1], 1.0)
    np.testing.assert_array_equal(r.replications["service_level"][:, 1], 0.0)
    assert r.kpi("answered")[0] + r.kpi("abandoned")[0] == pytest.approx(r.kpi("offered")[0])


def test_queue_is_cleared_at_each_days_closing_time():
    # Two days 08:00-09:00 with a gap overnight; 3 agents for 6 Erlangs in the last interval
    # of each day, nobody hangs up: the backlog at 09:00 is served after closing by the
    # agents on the phones (overtime), so every caller is answered on its own day.
    starts = np.array(
        ["2026-03-02T08:00", "2026-03-02T08:30", "2026-03-03T08:00", "2026-03-03T08:30"],
        dtype="datetime64[s]",
    )
    f = Forecast(start=starts, calls=[20.0, 60.0] * 2, aht=[180.0] * 4, interval=1800)
    r = simulate(f, agents=[3, 3, 3, 3], replications=3, seed=8, keep_records=True)
    for c, out in zip(r.callers, r.outcomes, strict=True):
        assert (out.status == ANSWERED).all()
        begin = c.arrival + out.wait
        day_one = c.interval < 2
        assert begin[day_one].max() > 9 * H  # answered after closing ...
        assert begin[day_one].max() < 32 * H  # ... on the same day
        assert (begin[~day_one] >= 32 * H).all()
        assert out.logged[:, 1].max() > 33 * H  # overtime on day two as well
        assert out.logged.shape == (6, 2)  # one segment per agent per day
    # the interval table counts on-phone time inside the intervals only
    np.testing.assert_allclose(r.intervals["agents"], [3.0] * 4)


@pytest.mark.parametrize("engine_name", sorted(ENGINES))
def test_a_day_without_agents_loses_every_caller(engine_name):
    r = simulate(
        forecast([5, 3]),
        agents=[0, 0],
        replications=3,
        seed=0,
        keep_records=True,
        engine=engine_name,
    )
    for c, out in zip(r.callers, r.outcomes, strict=True):
        assert c.size > 0
        assert (out.status == ABANDONED).all()
        np.testing.assert_allclose(c.arrival + out.wait, c.arrival.max())  # the day's end
        assert out.logged.shape == (0, 2)
        assert out.queue_area == pytest.approx(out.wait.sum())
    np.testing.assert_array_equal(r.replications["abandon_rate"], 1.0)
    np.testing.assert_array_equal(r.intervals["agents"], [0.0, 0.0])
    assert r.intervals["occupancy"].isna().all()


def test_a_day_without_calls_reports_agents_and_undefined_service():
    f = Forecast(start=forecast([0, 0]).start, calls=[0.0, 0.0], aht=[0.0, 0.0], interval=1800)
    r = simulate(f, agents=[2, 3], replications=3, seed=0)
    np.testing.assert_array_equal(r.intervals["agents"], [2.0, 3.0])
    np.testing.assert_array_equal(r.intervals["offered"], [0.0, 0.0])
    assert r.intervals["service_level"].isna().all()
    np.testing.assert_array_equal(r.intervals["occupancy"], [0.0, 0.0])
    assert r.kpi("offered") == (0.0, 0.0)


# =========================================================================== reproducibility, CRN


def small_day() -> Forecast:
    return forecast([20, 45, 60, 45, 20], aht=[150, 180, 200, 180, 150])


def test_same_seed_gives_identical_results():
    kw = {"agents": [3, 5, 6, 5, 3], "callers": CallerBehaviour(patience=90.0), "replications": 6}
    a = simulate(small_day(), seed=42, **kw)
    b = simulate(small_day(), seed=42, **kw)
    pd.testing.assert_frame_equal(a.intervals, b.intervals)
    pd.testing.assert_frame_equal(a.day, b.day)
    for name, values in a.replications.items():
        np.testing.assert_array_equal(values, b.replications[name])
    c = simulate(small_day(), seed=np.random.SeedSequence(42), **kw)
    pd.testing.assert_frame_equal(a.intervals, c.intervals)


def test_different_seeds_give_different_days():
    kw = {"agents": [3, 5, 6, 5, 3], "callers": CallerBehaviour(patience=90.0), "replications": 6}
    a = simulate(small_day(), seed=1, **kw)
    b = simulate(small_day(), seed=2, **kw)
    assert not np.array_equal(a.intervals["offered"], b.intervals["offered"])
    assert a.kpi("service_level") != b.kpi("service_level")


def test_same_seed_sequence_object_twice_gives_the_same_callers():
    # Passing a SeedSequence must not advance it (spawning children from it would): the same
    # object used twice gives the same callers, as numpy.random.default_rng(seq) would.
    seed = np.random.SeedSequence(42)
    a = simulate(small_day(), agents=[3, 5, 6, 5, 3], seed=seed, replications=2, keep_records=True)
    b = simulate(small_day(), agents=[4, 6, 7, 6, 4], seed=seed, replications=2, keep_records=True)
    np.testing.assert_array_equal(a.callers[0].arrival, b.callers[0].arrival)


def test_more_replications_extend_without_changing_the_first_ones():
    kw = {
        "agents": [3, 5, 6, 5, 3],
        "callers": CallerBehaviour(patience=90.0),
        "seed": 9,
        "keep_records": True,
    }
    a = simulate(small_day(), replications=3, **kw)
    b = simulate(small_day(), replications=5, **kw)
    for r in range(3):
        np.testing.assert_array_equal(a.callers[r].arrival, b.callers[r].arrival)
        np.testing.assert_array_equal(a.outcomes[r].wait, b.outcomes[r].wait)
    np.testing.assert_array_equal(
        a.replications["service_level"], b.replications["service_level"][:3]
    )


def test_common_random_numbers_same_callers_whatever_the_staffing():
    f = small_day()
    kw = {
        "callers": CallerBehaviour(patience=90.0),
        "replications": 4,
        "seed": 7,
        "keep_records": True,
    }
    a = simulate(f, agents=[3, 5, 6, 5, 3], **kw)
    b = simulate(f, agents=[4, 6, 7, 6, 4], **kw)
    shifts = [Shift(8 * H, 10.5 * H, headcount=5, breaks=(Break(9 * H, 9.25 * H),))]
    c = simulate(f, shifts=shifts, **kw)
    for r in range(4):
        for other in (b, c):
            np.testing.assert_array_equal(a.callers[r].arrival, other.callers[r].arrival)
            np.testing.assert_array_equal(a.callers[r].handle, other.callers[r].handle)
            np.testing.assert_array_equal(a.callers[r].patience, other.callers[r].patience)
    # ... but not the same outcomes
    assert not all(np.array_equal(a.outcomes[r].wait, b.outcomes[r].wait) for r in range(4))
    # replications differ from each other
    assert a.callers[0].size != a.callers[1].size or not np.array_equal(
        a.callers[0].arrival, a.callers[1].arrival
    )


def test_one_more_agent_raises_service_level_clearly_on_common_random_numbers():
    # 100 calls / 30 min, AHT 180 s: Erlang C gives SL 0.7956 with 13 agents and 0.8884 with
    # 14. With the same callers the paired difference is estimated much more precisely than
    # either level; it must be clearly positive. (Each caller's wait need not fall pathwise
    # when staffing varies over the day, so only the mean is asserted.)
    f = forecast([100] * 12, start="2026-03-02T06:00")
    kw = {"replications": 30, "seed": 11}
    low = simulate(f, agents=[13] * 12, **kw).day_replications["service_level"]
    high = simulate(f, agents=[14] * 12, **kw).day_replications["service_level"]
    mean, half = t_interval(high - low)
    assert mean - half > 0.05
    assert abs(mean - (0.8884 - 0.7956)) < 3 * half + 0.01  # start-empty days: a bit less
    assert half < 0.015


# =========================================================================== invariants


@dataclass
class Day:
    forecast: Forecast
    kwargs: dict
    shifts: list | None
    agents: np.ndarray | None


@st.composite
def peaked_days(draw) -> Day:
    n = draw(st.integers(6, 16))
    peak = draw(st.floats(5.0, 120.0))
    centre = draw(st.floats(0.0, n - 1.0))
    width = draw(st.floats(1.0, 5.0))
    k = np.arange(n)
    calls = np.round(peak * np.exp(-0.5 * ((k - centre) / width) ** 2), 2)
    aht = draw(st.floats(60.0, 400.0))
    f = forecast(calls, aht)
    handle = draw(
        st.sampled_from(
            [("exponential", None), ("deterministic", None), ("lognormal", 1.5), ("gamma", 0.5)]
        )
    )
    patience = draw(st.one_of(st.none(), st.floats(20.0, 400.0)))
    patience_dist = draw(
        st.sampled_from(
            [("exponential", None), ("deterministic", None), ("lognormal", 1.2), ("gamma", 0.7)]
        )
    )
    kwargs = {
        "callers": CallerBehaviour(
            handle_distribution=handle[0],
            handle_cv=handle[1],
            patience=patience,
            patience_distribution=patience_dist[0],
            patience_cv=patience_dist[1],
        ),
        "threshold": draw(st.sampled_from([0.0, 20.0, 60.0])),
        "shrinkage": draw(st.sampled_from([0.0, 0.3])),
        "seed": draw(st.integers(0, 2**32 - 1)),
    }
    if draw(st.booleans()):
        base = erlang.required_agents(calls, aht, interval=1800, service_level=0.8, threshold=20)
        offset = np.array(draw(st.lists(st.integers(-3, 1), min_size=n, max_size=n)))
        return Day(f, kwargs, None, np.maximum(base + offset, 0))
    # shifts, some with a short window between breaks or at the end, so that calls overrun
    # a break, return late from it, or outlast the whole window after it
    shifts = []
    for _ in range(draw(st.integers(1, 5))):
        start = 8 * H + draw(st.integers(0, n - 2)) * 1800 + draw(st.sampled_from([0, 300, 900]))
        length = draw(st.sampled_from([3 * H, 4 * H, 5 * H]))
        kind = draw(st.integers(0, 3))
        if kind == 0:
            breaks = ()
        elif kind == 1:
            breaks = (
                Break(start + 0.5 * length, start + 0.5 * length + 1800, paid=draw(st.booleans())),
            )
        elif kind == 2:
            breaks = (
                Break(start + 0.3 * length, start + 0.3 * length + 900, paid=True),
                Break(start + 0.65 * length, start + 0.65 * length + 1800),
            )
        else:  # 5-min break, 5-min window, 5-min break, 10 min to the end
            end = start + length
            breaks = (Break(end - 1500, end - 1200), Break(end - 900, end - 600))
        shifts.append(
            Shift(start, start + length, headcount=draw(st.integers(0, 4)), breaks=breaks)
        )
    return Day(f, kwargs, shifts, None)


def agent_windows(day: Day) -> AgentWindows:
    grid = Grid.of(day.forecast)
    if day.shifts is not None:
        return windows_from_shifts(day.shifts, grid)
    return windows_from_counts(day.agents, grid, day.kwargs["shrinkage"])


def clip_time(start, end, bins, length, weight=None):
    """Brute-force time of segments inside each bin (independent of kpis.time_in_bins)."""
    weight = np.ones(len(start)) if weight is None else weight
    return np.array(
        [
            (weight * np.clip(np.minimum(end, b + length) - np.maximum(start, b), 0, None)).sum()
            for b in bins
        ]
    )


def check_outcome(c: Callers, out, agents: AgentWindows, tol: float = 1e-6) -> None:
    """Invariants every simulated day must satisfy, whatever the inputs."""
    status, wait, agent = out.status, out.wait, out.agent
    ans, ab = status == ANSWERED, status == ABANDONED
    assert (ans | ab).all()  # every caller answered or gone
    # sample-path Little's law: the queue-length integral equals the sum of waits
    assert out.queue_area == pytest.approx(wait.sum(), rel=1e-9, abs=1e-9)
    assert (wait >= 0).all()
    finite = np.isfinite(c.patience)
    # a caller who hangs up waited exactly its patience; one answered, at most that
    np.testing.assert_array_equal(wait[ab & finite], c.patience[ab & finite])
    assert (wait[ans & finite] <= c.patience[ans & finite] + tol).all()
    # stranded callers (no patience, no agent left) all leave at the same last instant
    stranded = ab & ~finite
    begin = c.arrival[ans] + wait[ans]
    end = begin + c.handle[ans]
    if stranded.any():
        last = c.arrival[stranded] + wait[stranded]
        np.testing.assert_allclose(last, last[0], rtol=0, atol=tol)
        assert (
            last[0]
            >= max(end.max(initial=0), out.logged[:, 1].max(initial=0), c.arrival.max()) - tol
        )
    assert (agent[ab] == -1).all()
    assert ((agent[ans] >= 0) & (agent[ans] < len(agents.windows))).all()
    # FCFS: answered callers are answered in the order they arrived
    assert (np.diff(begin) >= -tol).all()
    # logged time covers every scheduled window, and agents busy <= agents logged at all times
    scheduled = sum(off - on for mine in agents.windows for on, off, _ in mine)
    logged = out.logged[:, 1] - out.logged[:, 0]
    assert (logged >= -tol).all()
    assert logged.sum() >= scheduled - tol
    points = np.unique(np.concatenate([out.logged.ravel(), begin, end]))
    gaps = np.diff(points) > tol  # (end and next begin of one agent can differ by an ulp)
    mids = ((points[1:] + points[:-1]) / 2)[gaps]
    on_phone = np.searchsorted(np.sort(out.logged[:, 0]), mids) - np.searchsorted(
        np.sort(out.logged[:, 1]), mids
    )
    busy = np.searchsorted(np.sort(begin), mids) - np.searchsorted(np.sort(end), mids)
    assert (busy <= on_phone).all()
    # per agent: one call at a time, calls start inside a window (or back to back after a
    # closing time while the queue lasts), never idle in a window while a caller waits
    waiting = wait > tol
    w_from, w_to = c.arrival[waiting], c.arrival[waiting] + wait[waiting]
    agent_ans = agent[ans]
    for j, mine in enumerate(agents.windows):
        mine_idx = np.flatnonzero(agent_ans == j)
        s, e = begin[mine_idx], end[mine_idx]
        assert (s[1:] >= e[:-1] - tol).all(), f"agent {j} serves two callers at once"
        # A call may start outside every window only at the end of a chain of back-to-back
        # calls that was under way at the end of a window flagged to stay at closing: the
        # agent, on the phones at closing, serves the queue until it is empty.
        chain_start, prev_end = -INF, -INF
        for start_k, end_k in zip(s, e, strict=True):
            if abs(start_k - prev_end) > tol:
                chain_start = start_k
            inside = any(on - tol <= start_k <= off + tol for on, off, _ in mine)
            clearing = any(
                stays and chain_start - tol <= off <= start_k + tol for _, off, stays in mine
            )
            assert inside or clearing, (
                f"agent {j} starts a call at {start_k} outside its windows {mine}"
            )
            prev_end = end_k
        idle = []
        for on, off, _ in mine:
            t = on
            for bs, be in zip(s, e, strict=True):
                if be <= t or bs >= off:
                    continue
                if bs > t:
                    idle.append((t, bs))
                t = max(t, be)
            if off > t:
                idle.append((t, off))
        for u, v in idle:
            overlap = np.minimum(v, w_to) - np.maximum(u, w_from)
            assert (overlap <= tol).all(), f"agent {j} idle in {u}-{v} while a caller waits"


def check_tables(day: Day, result: SimulationResult, agents: AgentWindows) -> None:
    """The result tables equal KPIs recomputed here from the call records."""
    grid = Grid.of(day.forecast)
    n = day.forecast.n_intervals
    threshold = day.kwargs["threshold"]
    paid_rows = agents.paid
    for r, (c, out) in enumerate(zip(result.callers, result.outcomes, strict=True)):
        ans = out.status == ANSWERED
        begin = c.arrival[ans] + out.wait[ans]
        end = begin + c.handle[ans]
        expect = {name: np.full(n, np.nan) for name in result.replications}
        offered = np.bincount(c.interval, minlength=n)
        answered = np.bincount(c.interval[ans], minlength=n)
        abandoned = np.bincount(c.interval[~ans], minlength=n)
        np.testing.assert_array_equal(offered, answered + abandoned)  # flow conservation
        busy = clip_time(begin, end, grid.start, grid.length)
        logged = clip_time(out.logged[:, 0], out.logged[:, 1], grid.start, grid.length)
        # paid: the scheduled paid time, plus time logged beyond the scheduled time on the
        # phones (calls finished past a shift's end or into a break, staying at closing)
        *_, on, off, _ = agents.flat
        scheduled = clip_time(on, off, grid.start, grid.length)
        paid = clip_time(paid_rows[:, 0], paid_rows[:, 1], grid.start, grid.length, paid_rows[:, 2])
        paid = paid + np.maximum(logged - scheduled, 0.0)
        for k in range(n):
            mine = c.interval == k
            w, a = out.wait[mine], ans[mine]
            if mine.any():
                expect["service_level"][k] = np.mean(a & (w <= threshold))
                expect["mean_wait"][k] = w.mean()
                expect["p_wait"][k] = np.mean(w > 0)
                expect["abandon_rate"][k] = np.mean(~a)
                short = np.sum(~a & (w <= threshold))
                if mine.sum() > short:
                    expect["service_level_excl_short_abandons"][k] = np.sum(
                        a & (w <= threshold)
                    ) / (mine.sum() - short)
            if a.any():
                expect["service_level_answered"][k] = np.mean(w[a] <= threshold)
                expect["asa"][k] = w[a].mean()
            if logged[k] > 0:
                expect["occupancy"][k] = busy[k] / logged[k]
            if paid[k] > 0:
                expect["utilization"][k] = busy[k] / paid[k]
                assert busy[k] / paid[k] <= (busy[k] / logged[k] if logged[k] else 0) + 1e-9
        for name, values in expect.items():
            # atol: kpis.time_in_bins zeroes overlaps below 1 ms of agent time (rounding residue)
            np.testing.assert_allclose(
                result.replications[name][r], values, rtol=1e-9, atol=1e-6, err_msg=name
            )
        # whole day: calls pooled, agent time whole (calls after closing included)
        total_busy = c.handle[ans].sum()
        total_logged = (out.logged[:, 1] - out.logged[:, 0]).sum()
        total_paid = ((paid_rows[:, 1] - paid_rows[:, 0]) * paid_rows[:, 2]).sum() + max(
            total_logged - (off - on).sum(), 0.0
        )
        whole = result.day_replications
        if c.size:
            assert whole["service_level"][r] == pytest.approx(
                np.mean(ans & (out.wait <= threshold))
            )
            assert whole["abandon_rate"][r] == pytest.approx(np.mean(~ans))
        if total_logged > 0:
            assert whole["occupancy"][r] == pytest.approx(total_busy / total_logged)
            assert whole["occupancy"][r] <= 1.0 + 1e-9
        if total_paid > 0:
            assert whole["utilization"][r] == pytest.approx(total_busy / total_paid)
            assert whole["utilization"][r] <= whole["occupancy"][r] + 1e-9
        if r == 0 and result.replications["occupancy"].size:
            occ = result.replications["occupancy"][r]
            assert (occ[~np.isnan(occ)] <= 1.0 + 1e-6).all()  # rounding only
    # the interval table: means over replications (NaN left out); agents = logged / length
    for name, values in result.replications.items():
        with np.errstate(all="ignore"):
            counts = (~np.isnan(values)).sum(0)
            mean = np.where(counts > 0, np.nansum(values, 0) / np.maximum(counts, 1), np.nan)
        np.testing.assert_allclose(result.intervals[name], mean, rtol=1e-12, equal_nan=True)
    logged_mean = np.mean(
        [
            clip_time(o.logged[:, 0], o.logged[:, 1], grid.start, grid.length)
            for o in result.outcomes
        ],
        axis=0,
    )
    np.testing.assert_allclose(
        result.intervals["agents"], logged_mean / grid.length, rtol=1e-9, atol=1e-9
    )
    offered = np.mean([np.bincount(c.interval, minlength=n) for c in result.callers], axis=0)
    np.testing.assert_allclose(result.intervals["offered"], offered)
    totals = result.day["mean"]
    assert totals["offered"] == pytest.approx(totals["answered"] + totals["abandoned"])
    if day.shifts is not None:
        # agents on the phones per interval at least the shifts' coverage (overruns add)
        origin = grid.start[0]  # coverage() counts intervals from time 0
        moved = [
            replace(
                s,
                start=s.start - origin,
                end=s.end - origin,
                breaks=tuple(
                    replace(b, start=b.start - origin, end=b.end - origin) for b in s.breaks
                ),
            )
            for s in day.shifts
        ]
        cover = coverage(moved, grid.length, n)
        assert (result.intervals["agents"].to_numpy() >= cover - 1e-9).all()
    else:
        assert (result.intervals["agents"].to_numpy() >= day.agents - 1e-9).all()


@pytest.mark.parametrize("engine_name", sorted(ENGINES))
@settings(max_examples=100)
@given(day=peaked_days())
def test_random_days_keep_every_invariant(engine_name, day):
    staffing = {"shifts": day.shifts} if day.shifts is not None else {"agents": day.agents}
    result = simulate(
        day.forecast,
        replications=2,
        keep_records=True,
        engine=engine_name,
        **staffing,
        **day.kwargs,
    )
    agents = agent_windows(day)
    for c, out in zip(result.callers, result.outcomes, strict=True):
        check_outcome(c, out, agents)
    check_tables(day, result, agents)


@pytest.mark.parametrize("engine_name", sorted(ENGINES))
def test_invariants_on_a_busy_day_with_shifts_and_overruns(engine_name):
    # A fixed, heavier day than the Hypothesis ones: 08:00-16:00, peaked, 5 shift patterns
    # with breaks, lognormal handle times and patience, overload in the peak.
    k = np.arange(16)
    calls = 20 + 80 * np.exp(-0.5 * ((k - 7) / 3) ** 2)
    f = forecast(calls, 240.0)
    shifts = [
        Shift(8 * H, 12 * H, headcount=4, breaks=(Break(10 * H, 10.25 * H, paid=True),)),
        Shift(8 * H, 16 * H, headcount=5, breaks=(Break(12 * H, 12.5 * H),)),
        Shift(
            10 * H, 16 * H, headcount=4, breaks=(Break(11.75 * H, 12 * H), Break(13.5 * H, 14 * H))
        ),
        Shift(11 * H, 15 * H, headcount=3),
        Shift(13 * H + 600, 17 * H, headcount=2, breaks=(Break(15 * H, 15.5 * H),)),
    ]
    day = Day(f, {"threshold": 20.0}, shifts, None)
    result = simulate(
        f,
        shifts=shifts,
        replications=3,
        seed=123,
        keep_records=True,
        engine=engine_name,
        callers=CallerBehaviour(
            patience=150.0,
            patience_distribution="lognormal",
            patience_cv=1.0,
            handle_distribution="lognormal",
            handle_cv=0.9,
        ),
    )
    agents = agent_windows(day)
    for c, out in zip(result.callers, result.outcomes, strict=True):
        check_outcome(c, out, agents)
        assert (out.status == ABANDONED).sum() > 10  # the peak is overloaded: the test bites
    check_tables(day, result, agents)


# =========================================================================== theory: Erlang C, A


@dataclass(frozen=True)
class Point:
    """A stationary operating point: calls per 30 min, AHT [s], agents, mean patience [s]."""

    calls: float
    agents: int
    patience: float | None
    replications: int
    seed: int
    aht: float = 180.0
    intervals: int = 24
    warmup: int = 2


# Half-widths the tests require, so a pass means the comparison was sharp: service level and
# P(wait) within +-0.01, abandon rate and occupancy within +-0.005, ASA and mean wait within
# +-8 % of the exact value.
WIDTH = {"service_level": 0.01, "p_wait": 0.01, "abandon_rate": 0.005, "occupancy": 0.005}
RELATIVE_WIDTH = {"asa": 0.08, "mean_wait": 0.08}

POINTS = {
    # the classic worked example: 100 calls / 30 min, AHT 3 min, 14 agents (SL 0.888, ASA 7.8)
    "erlang_c_10_erlangs_14_agents": Point(100, 14, None, replications=200, seed=101),
    # the same load, heavily loaded: occupancy 0.83, SL 0.640, ASA 40 s
    "erlang_c_10_erlangs_12_agents": Point(100, 12, None, replications=300, seed=102),
    # a large group: 500 calls / 30 min = 50 Erlangs, 55 agents (SL 0.779, occupancy 0.91)
    "erlang_c_50_erlangs_55_agents": Point(500, 55, None, replications=300, seed=103),
    # Erlang A at the critical load (agents = load), patience 120 s: abandon rate 0.14
    "erlang_a_10_erlangs_10_agents_patience_120s": Point(
        100, 10, 120.0, replications=150, seed=104
    ),
    # Erlang A in overload (8 agents for 10 Erlangs): stable only through abandonment
    "erlang_a_overload_10_erlangs_8_agents_patience_120s": Point(
        100, 8, 120.0, replications=150, seed=105
    ),
}


def stationary_day(p: Point, **behaviour) -> SimulationResult:
    """A long day with constant calls, AHT and agents, starting at midnight."""
    f = forecast([p.calls] * p.intervals, p.aht, start="2026-03-02T00:00")
    return simulate(
        f,
        agents=[p.agents] * p.intervals,
        replications=p.replications,
        seed=p.seed,
        keep_records=True,
        callers=CallerBehaviour(patience=p.patience, **behaviour),
    )


def steady_state_kpis(result: SimulationResult, warmup: int, threshold: float = 20.0) -> dict:
    """Per-replication KPIs of the callers arriving after the warm-up intervals.

    The day starts empty, so the first intervals are dropped; each replication is one
    independent observation (an independent day), so the t interval over replications is
    valid however correlated callers are within a day (Law 2015, section 9.4.1).
    """
    out = {name: [] for name in ("service_level", "asa", "mean_wait", "p_wait", "abandon_rate")}
    for c, o in zip(result.callers, result.outcomes, strict=True):
        keep = c.interval >= warmup
        wait, ans = o.wait[keep], o.status[keep] == ANSWERED
        out["service_level"].append(np.mean(ans & (wait <= threshold)))
        out["asa"].append(wait[ans].mean())
        out["mean_wait"].append(wait.mean())
        out["p_wait"].append(np.mean(wait > 0))
        out["abandon_rate"].append(np.mean(~ans))
    # every kept interval has the same logged time (agents x 30 min, nobody leaves before the
    # end), so the mean of the interval occupancies is the pooled busy / logged ratio
    out["occupancy"] = result.replications["occupancy"][:, warmup:].mean(axis=1)
    return out


@pytest.mark.parametrize("name", list(POINTS))
def test_stationary_day_agrees_with_erlang(name):
    p = POINTS[name]
    exact = erlang.kpis(p.calls, p.aht, p.agents, interval=1800, threshold=20, patience=p.patience)
    sim = steady_state_kpis(stationary_day(p), p.warmup)
    report = []
    for kpi, values in sim.items():
        mean, half = t_interval(values)
        target = float(getattr(exact, kpi))
        report.append(f"{kpi}: sim {mean:.4f} +- {half:.4f}, exact {target:.4f}")
        if p.patience is None and kpi == "abandon_rate":
            assert mean == 0.0  # Erlang C: nobody hangs up
            continue
        width = WIDTH.get(kpi, RELATIVE_WIDTH.get(kpi, 0.0) * target)
        assert half < width, report[-1]
        assert abs(mean - target) <= 3 * half, report[-1]
    if p.patience is None:  # Erlang C: ASA and mean wait coincide (DESIGN.md section 4)
        np.testing.assert_allclose(sim["asa"], sim["mean_wait"], rtol=1e-12)


def test_simulated_day_table_agrees_with_erlang_c_too():
    # The whole-day table (not only records) tells the same story: all intervals, including the
    # empty-start first one, give an SL within a few half-widths of Erlang C plus its small
    # start-empty bias (upwards: the first caller of the day never waits).
    p = Point(100, 13, None, replications=30, seed=7, intervals=16)
    result = stationary_day(p)
    exact = erlang.kpis(100, 180, 13, interval=1800, threshold=20)
    mean, half = result.kpi("service_level")
    assert half < 0.025
    assert -3 * half <= mean - exact.service_level <= 3 * half + 0.02
    mean, half = result.kpi("occupancy")
    assert abs(mean - exact.occupancy) <= 3 * half + 0.005
    mean, half = result.kpi("offered")
    assert abs(mean - 1600) <= 3 * half  # Poisson: 16 intervals x 100 calls


# =========================================================================== non-exponential


def test_lognormal_handle_times_have_the_asked_aht_and_occupancy():
    # M/G/n, lognormal CV 1: the Erlang C values are NOT assumed. What holds for any service
    # distribution: the mean handle time is the AHT, and (Little's law for busy agents in a
    # stable queue without abandonment) occupancy = offered load / agents = 10 / 13.
    p = Point(100, 13, None, replications=40, seed=201)
    result = stationary_day(p, handle_distribution="lognormal", handle_cv=1.0)
    handle = [c.handle[c.interval >= p.warmup].mean() for c in result.callers]
    mean, half = t_interval(handle)
    assert half < 2.0
    assert abs(mean - 180.0) <= 3 * half
    cv = [c.handle.std() / c.handle.mean() for c in result.callers]
    mean, half = t_interval(cv)
    assert abs(mean - 1.0) <= 3 * half + 0.01  # a sample CV is biased low by O(1/n)
    occupancy = result.replications["occupancy"][:, p.warmup :].mean(axis=1)
    mean, half = t_interval(occupancy)
    assert half < 0.01
    assert abs(mean - 10 / 13) <= 3 * half


def test_less_variable_handle_times_give_a_higher_service_level():
    # M/G/n: at the same load and staffing, queueing falls with the service-time variability;
    # the Lee-Longton approximation E[Wq(M/G/n)] ~ (1 + CV^2) / 2 E[Wq(M/M/n)] (Lee & Longton
    # 1959; Whitt 1993; Gans, Koole & Mandelbaum 2003) predicts waits ~ 0.625 x the
    # exponential ones for CV 0.5, hence a higher service level. Common random numbers made
    # sharp: each replication's callers are drawn once with exponential handle times, and
    # the same callers get lognormal CV 0.5 handle times by the quantile transform of the
    # same uniforms (u = P(Exp > h)), so only the shape of the distribution differs.
    f = forecast([100] * 24, 180.0, start="2026-03-02T00:00")
    grid = Grid.of(f)
    agents = windows_from_counts(np.full(24, 13), grid)
    sigma2 = math.log1p(0.5**2)
    lognormal = stats.lognorm(s=math.sqrt(sigma2), scale=math.exp(-sigma2 / 2))  # mean 1, CV 0.5
    exponential = distributions.make("exponential", 1.0)
    gain, wait_ratio = [], []
    for child in np.random.SeedSequence(202).spawn(40):
        c = draw_callers(np.random.default_rng(child), f.calls, f.aht, grid, exponential, None)
        u = np.exp(-c.handle / f.aht[c.interval])
        smooth = Callers(c.arrival, f.aht[c.interval] * lognormal.isf(u), c.patience, c.interval)
        keep = c.interval >= 2
        a, b = run_day(c, agents), run_day(smooth, agents)
        sl_a = np.mean((a.status[keep] == ANSWERED) & (a.wait[keep] <= 20))
        sl_b = np.mean((b.status[keep] == ANSWERED) & (b.wait[keep] <= 20))
        gain.append(sl_b - sl_a)
        wait_ratio.append(b.wait[keep].mean() / a.wait[keep].mean())
    mean, half = t_interval(gain)
    assert mean - half > 0.01
    mean, half = t_interval(wait_ratio)
    assert half < 0.08
    assert mean - half > 0.5  # Lee-Longton: 0.625
    assert mean + half < 0.85
