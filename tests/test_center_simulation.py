"""Simulated centers against today's single queue and against queueing theory.

- One queue and one group give today's single-queue numbers, seed for seed.
- Two queues served by disjoint groups are two independent Erlang queues.
- Pooling bounds: a fully cross-trained center with equal handle times is one M/M/N queue
  (Erlang C of the pooled load); dedicated groups are per-queue Erlang C; a partly
  cross-trained center lies between them.
- ``staffing simulate SCENARIO.toml --out DIR`` writes the contract's tables.

Theory values are Erlang C and Erlang A (Erlang 1917; Garnett, Mandelbaum & Reiman 2002) from
:mod:`staffing.erlang`, itself checked against published tables in tests/test_erlang.py. Each
comparison is over the steady state (the first intervals, starting empty, are dropped) with
a Student-t 95 % interval over independent days (Law 2015, section 9.4.1), and asks the
interval to be narrow, so a pass means the comparison was sharp.
"""

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from staffing import erlang
from staffing.callers import CallerBehaviour
from staffing.center import Center, Group, Queue
from staffing.cli import main
from staffing.forecast import Forecast, read_forecast
from staffing.requirements import ServiceTargets, compute_requirements
from staffing.shifts import Break, Shift
from staffing.simulation import ANSWERED, simulate
from staffing.simulation.center_run import simulate_center

ROOT = Path(__file__).resolve().parent.parent
WARMUP = 2


def constant(calls: float, intervals: int = 20, aht: float = 180.0) -> Forecast:
    starts = np.datetime64("2026-03-02T00:00", "s") + np.arange(intervals) * np.timedelta64(
        1800, "s"
    )
    return Forecast(
        start=starts, calls=np.full(intervals, calls), aht=np.full(intervals, aht), interval=1800
    )


def t_interval(values) -> tuple[float, float]:
    """Mean and 95 % Student-t half-width, computed here independently of staffing.kpis."""
    x = np.asarray(values, dtype=float)
    return float(x.mean()), float(
        stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / math.sqrt(x.size)
    )


def steady(result, queue: int | None, threshold: float = 20.0) -> dict[str, list[float]]:
    """Per-day service level, ASA and abandon rate of one queue (None: all) after warm-up."""
    out = {"service_level": [], "asa": [], "abandon_rate": []}
    for c, o in zip(result.callers, result.outcomes, strict=True):
        keep = c.interval >= WARMUP
        if queue is not None:
            keep &= c.queue == queue
        wait, ans = o.wait[keep], o.status[keep] == ANSWERED
        out["service_level"].append(np.mean(ans & (wait <= threshold)))
        out["asa"].append(wait[ans].mean())
        out["abandon_rate"].append(np.mean(~ans))
    return out


def assert_matches(values: dict, exact, widths: dict) -> None:
    for kpi, width in widths.items():
        mean, half = t_interval(values[kpi])
        target = float(getattr(exact, kpi))
        where = f"{kpi}: sim {mean:.4f} +- {half:.4f}, theory {target:.4f}"
        assert half < width, where
        assert abs(mean - target) <= 3 * half, where


# =========================================================================== today's numbers


@pytest.mark.parametrize("engine", ["fast", "simpy"])
def test_one_queue_one_group_gives_todays_numbers_seed_for_seed(engine):
    fc = read_forecast(ROOT / "simulations" / "techsupport_day.csv")
    callers = CallerBehaviour(patience=240.0, handle_distribution="gamma", handle_cv=0.8)
    agents = compute_requirements(fc, ServiceTargets(threshold=60.0), patience=240.0).agents
    today = simulate(
        fc,
        agents=agents,
        callers=callers,
        threshold=60.0,
        replications=4,
        seed=5,
        engine=engine,
        shrinkage=0.12,
    )
    center = Center(
        (Queue("desk", fc, callers, ServiceTargets(threshold=60.0)),),
        (Group("all", ("desk",), agents=tuple(int(a) for a in agents)),),
    )
    new = simulate_center(center, replications=4, seed=5, engine=engine, shrinkage=0.12)
    rows = new.intervals[new.intervals["queue"] == "desk"].reset_index(drop=True)
    kpis = ("service_level", "asa", "abandon_rate", "occupancy", "utilization", "p_wait")
    columns = ("offered", "agents", *kpis, *(f"{k}_ci" for k in kpis))
    for column in columns:
        np.testing.assert_allclose(rows[column], today.intervals[column], rtol=1e-9, atol=1e-12)
    for kpi in ("service_level", "asa", "abandon_rate", "occupancy", "utilization"):
        assert new.kpi("desk", kpi) == pytest.approx(today.kpi(kpi), rel=1e-9)
    queues = new.queues.set_index("queue")
    assert queues.loc["desk", "offered"] == today.kpi("offered")[0]
    assert queues.loc["all", "service_level"] == pytest.approx(today.kpi("service_level")[0])


def test_one_queue_one_group_on_shifts_gives_todays_numbers():
    fc = constant(100.0, intervals=8)
    t0 = float((fc.start[0] - fc.start[0].astype("datetime64[D]")).astype(int))
    shifts = [
        Shift(t0, t0 + 4 * 3600.0, 8, (Break(t0 + 7200.0, t0 + 8100.0),)),
        Shift(t0 + 3600.0, t0 + 4 * 3600.0 + 3600.0 * 3, 7, ()),
    ]
    callers = CallerBehaviour(patience=120.0)
    today = simulate(fc, shifts=shifts, callers=callers, replications=3, seed=9)
    center = Center((Queue("q", fc, callers),), (Group("g", ("q",), shifts=("any",)),))
    new = simulate_center(center, shifts={"g": shifts}, replications=3, seed=9)
    for kpi in ("service_level", "asa", "abandon_rate", "occupancy", "utilization"):
        assert new.kpi("q", kpi) == pytest.approx(today.kpi(kpi), rel=1e-9)


# =========================================================================== against theory


def test_disjoint_groups_are_independent_erlang_queues():
    # Queue a: 100 calls / 30 min of 180 s (10 Erlangs), 12 agents, patience 120 s: Erlang A.
    # Queue b: 50 calls of 180 s (5 Erlangs), 7 agents, nobody hangs up: Erlang C.
    a = Queue("a", constant(100.0), CallerBehaviour(patience=120.0))
    b = Queue("b", constant(50.0))
    center = Center((a, b), (Group("ga", ("a",), agents=12), Group("gb", ("b",), agents=7)))
    result = simulate_center(center, replications=100, seed=31, keep_records=True)
    exact_a = erlang.kpis(100, 180, 12, interval=1800, threshold=20, patience=120.0)
    exact_b = erlang.kpis(50, 180, 7, interval=1800, threshold=20)
    widths = {"service_level": 0.02, "abandon_rate": 0.006}
    assert_matches(steady(result, 0), exact_a, widths)
    assert_matches(steady(result, 1), exact_b, {"service_level": 0.03, "asa": 3.5})
    assert max(steady(result, 1)["abandon_rate"]) == 0.0


def two_queues(groups: tuple[Group, ...], replications: int, seed: int):
    queues = (Queue("a", constant(100.0)), Queue("b", constant(100.0)))
    return simulate_center(
        Center(queues, groups), replications=replications, seed=seed, keep_records=True
    )


POOLED = erlang.kpis(200, 180, 24, interval=1800, threshold=20)  # 20 Erlangs, 24 agents: SL 0.81
DEDICATED = erlang.kpis(100, 180, 12, interval=1800, threshold=20)  # 10 Erlangs, 12: SL 0.64


def test_full_cross_training_is_the_pooled_erlang_c_queue():
    # two groups of 12, both serving both queues, equal priorities and handle times: one
    # FCFS queue of 20 Erlangs on 24 agents (SL 0.81, against 0.64 for 12 agents on 10)
    groups = (Group("x", ("a", "b"), agents=12), Group("y", ("b", "a"), agents=12))
    result = two_queues(groups, replications=80, seed=41)
    assert_matches(steady(result, None), POOLED, {"service_level": 0.02, "asa": 2.5})
    for q in (0, 1):  # each queue sees the pooled queue's waits
        assert_matches(steady(result, q), POOLED, {"service_level": 0.025})


def test_dedicated_groups_are_per_queue_erlang_c():
    groups = (Group("x", ("a",), agents=12), Group("y", ("b",), agents=12))
    result = two_queues(groups, replications=80, seed=42)
    for q in (0, 1):
        assert_matches(steady(result, q), DEDICATED, {"service_level": 0.03, "asa": 6.0})


def test_partial_cross_training_lies_between_the_pooling_bounds():
    # 10 dedicated agents per queue and 4 who serve both: the same 24 agents
    groups = (
        Group("x", ("a",), agents=10),
        Group("y", ("b",), agents=10),
        Group("flex", ("a", "b"), agents=4),
    )
    result = two_queues(groups, replications=80, seed=43)
    mean, half = t_interval(steady(result, None)["service_level"])
    assert half < 0.02
    assert DEDICATED.service_level + 3 * half < mean < POOLED.service_level - 3 * half, mean


# =========================================================================== the command


def test_simulate_command_writes_the_contract_tables(tmp_path, capsys):
    out = tmp_path / "bank"
    status = main(
        [
            "simulate",
            str(ROOT / "simulations" / "bank_center.toml"),
            "--out",
            str(out),
            "--replications",
            "3",
        ]
    )
    assert status == 0
    printed = capsys.readouterr().out
    assert "service_en" in printed
    assert "bilingual" in printed
    with (out / "queues.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == [
        "queue",
        "channel",
        "offered",
        "answered",
        "abandoned",
        "service_level",
        "service_level_hw",
        "asa",
        "asa_hw",
        "abandon_rate",
        "abandon_rate_hw",
        "occupancy",
    ]
    assert [r["queue"] for r in rows] == ["service_en", "service_fr", "cards", "mortgages", "all"]
    total = sum(float(r["offered"]) for r in rows[:-1])
    assert float(rows[-1]["offered"]) == pytest.approx(total)
    for r in rows:  # flow conservation in the table
        assert float(r["answered"]) + float(r["abandoned"]) == pytest.approx(float(r["offered"]))
    with (out / "groups.csv").open() as f:
        groups = list(csv.DictReader(f))
    assert list(groups[0]) == ["group", "agents", "occupancy", "utilization"]
    assert all(0 < float(g["utilization"]) < float(g["occupancy"]) <= 1 for g in groups)
    with (out / "intervals.csv").open() as f:
        head = next(csv.reader(f))
    assert head[:3] == ["queue", "start", "calls"]
    assert (out / "costs.csv").exists()
    assert {p.name for p in out.glob("*.png")} == {
        "queues_service_level.png",
        "queues_waits.png",
        "groups_occupancy.png",
    }


def test_simulate_scenario_refuses_flags_the_file_sets(tmp_path, capsys):
    status = main(
        [
            "simulate",
            str(ROOT / "simulations" / "bank_center.toml"),
            "--out",
            str(tmp_path / "x"),
            "--patience",
            "3min",
        ]
    )
    assert status == 2
    assert "--patience: a scenario file sets this itself" in capsys.readouterr().err


def test_cost_per_contact_shares_each_groups_cost_by_handle_time():
    # disjoint groups: each queue carries its own group's paid hours at its own wage; a
    # shared group's cost is split by handle time, and the parts add up to the whole
    from staffing.costs import CostModel

    a = Queue("a", constant(60.0, intervals=4))
    b = Queue("b", constant(30.0, intervals=4), CallerBehaviour(patience=60.0))
    model = CostModel(hourly_wage=20.0, loading=0.25)
    alone = Center(
        (a, b), (Group("ga", ("a",), agents=8), Group("gb", ("b",), agents=5, hourly_wage=40.0))
    )
    result = simulate_center(alone, replications=3, seed=3)
    table = result.costs(alone, model).set_index("queue")
    assert result.paid_hours["ga"] >= 8 * 2.0  # 8 agents for 2 h, plus any overrun
    assert table.loc["a", "cost"] == pytest.approx(result.paid_hours["ga"] * 20.0 * 1.25)
    assert table.loc["b", "cost"] == pytest.approx(result.paid_hours["gb"] * 40.0 * 1.25)
    assert table.loc["a", "cost_per_contact"] == pytest.approx(
        table.loc["a", "cost"] / result.queues.set_index("queue").loc["a", "answered"]
    )
    shared = Center((a, b), (Group("g", ("a", "b"), agents=12),))
    result = simulate_center(shared, replications=3, seed=3)
    table = result.costs(shared, model).set_index("queue")
    hours = result.handle_hours.loc["g"]
    assert table.loc["a", "cost"] / table.loc["b", "cost"] == pytest.approx(hours["a"] / hours["b"])
    assert table.loc["a", "cost"] + table.loc["b", "cost"] == pytest.approx(
        table.loc["all", "cost"]
    )


def test_whatif_of_several_queues_refuses_returns_in_one_line(tmp_path, capsys):
    status = main(
        [
            "whatif",
            str(ROOT / "simulations" / "bank_center.toml"),
            "--vary",
            "fcr=0.8,1",
            "--out",
            str(tmp_path / "w"),
            "--workers",
            "1",
        ]
    )
    assert status == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_volume_uncertainty_is_one_busyness_factor_shared_by_all_queues():
    # one queue: the factor is drawn as simulate() draws it, seed for seed
    fc = constant(100.0, intervals=4)
    today = simulate(fc, agents=[14] * 4, replications=4, seed=8, volume_cv=0.3)
    center = Center((Queue("q", fc),), (Group("g", ("q",), agents=14),))
    new = simulate_center(center, replications=4, seed=8, volume_cv=0.3)
    np.testing.assert_allclose(new.replications["q"]["offered"], today.day_replications["offered"])
    # two queues: a busy day is busy on both. With 400 calls a day each and a gamma factor
    # of CV 0.3, each day's count has variance 400 + 400^2 0.09 and the two share the
    # covariance 400^2 0.09: a correlation of 14400 / 14800 = 0.97 (0 without the factor)
    two = Center((Queue("a", fc), Queue("b", fc)), (Group("g", ("a", "b"), agents=30),))
    result = simulate_center(two, replications=40, seed=9, volume_cv=0.3)
    a, b = result.replications["a"]["offered"], result.replications["b"]["offered"]
    assert np.corrcoef(a, b)[0, 1] > 0.75
    flat = simulate_center(two, replications=40, seed=9)
    a, b = flat.replications["a"]["offered"], flat.replications["b"]["offered"]
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.4


def test_threads_give_the_results_of_one_thread():
    center = Center(
        (Queue("a", constant(80.0, intervals=4)), Queue("b", constant(40.0, intervals=4))),
        (Group("x", ("a", "b"), agents=8), Group("y", ("b",), agents=3)),
    )
    one = simulate_center(center, replications=4, seed=2)
    two = simulate_center(center, replications=4, seed=2, workers=2)
    for name in ("a", "b", "all"):
        for kpi in ("service_level", "asa", "offered"):
            np.testing.assert_array_equal(two.replications[name][kpi], one.replications[name][kpi])


def test_a_group_with_shifts_only_needs_a_schedule_to_simulate():
    from staffing.errors import InputError

    center = Center(
        (Queue("a", constant(10.0, intervals=2)),), (Group("x", ("a",), shifts=("d",)),)
    )
    with pytest.raises(InputError, match="group 'x' has shifts to plan but no agents"):
        simulate_center(center, replications=2)


def test_both_engines_give_the_same_tables_on_the_bank_example():
    center = load_scenario_center()
    fast = simulate_center(center, replications=2, seed=4)
    slow = simulate_center(center, replications=2, seed=4, engine="simpy")
    columns = ["offered", "answered", "service_level", "asa", "abandon_rate", "occupancy"]
    np.testing.assert_allclose(fast.queues[columns], slow.queues[columns], rtol=1e-9)
    np.testing.assert_allclose(
        fast.groups[["agents", "occupancy"]], slow.groups[["agents", "occupancy"]], rtol=1e-9
    )


def load_scenario_center() -> Center:
    from staffing.scenario import load_scenario

    return load_scenario(ROOT / "simulations" / "bank_center.toml").center


def test_a_patience_column_overrides_the_queues_patience_per_interval():
    # 4 overloaded intervals (10 Erlangs on 6 agents), callers' patience 60 s; the column
    # says: nobody hangs up in the first two intervals (inf), keep 60 s in the third (NaN),
    # 600 s in the fourth
    fc = constant(100.0, intervals=4)
    queue = Queue(
        "q", fc, CallerBehaviour(patience=60.0), patience=np.array([np.inf, np.inf, np.nan, 600.0])
    )
    result = simulate_center(
        Center((queue,), (Group("g", ("q",), agents=6),)), replications=2, seed=1, keep_records=True
    )
    for callers in result.callers:
        means = [callers.patience[callers.interval == k] for k in range(4)]
        assert np.isinf(means[0]).all()
        assert np.isinf(means[1]).all()
        assert 40 < means[2].mean() < 80  # exponential, mean 60 s
        assert 450 < means[3].mean() < 750  # exponential, mean 600 s
    rows = result.intervals[result.intervals["queue"] == "q"]
    assert rows["abandon_rate"].iloc[0] == 0.0
    assert rows["abandon_rate"].iloc[2] > 0.2
