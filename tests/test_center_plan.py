"""Planning a center of several queues and groups (staffing.center_plan, `staffing plan`)."""

import csv
import itertools
import math
from fnmatch import fnmatchcase
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from staffing import erlang
from staffing.callers import CallerBehaviour
from staffing.center import Center, Group, Queue
from staffing.center_plan import (
    CenterPlanResult,
    CenterRound,
    apportion,
    center_requirements,
    home_groups,
    lowered,
    raised,
    responsible,
)
from staffing.cli import main
from staffing.forecast import Forecast
from staffing.plan import plan
from staffing.report.output import OUTPUTS
from staffing.requirements import ServiceTargets
from staffing.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
BANK_PLAN = ROOT / "simulations" / "bank_center_plan.toml"
BANK_FIXED = ROOT / "simulations" / "bank_center.toml"


def forecast(calls: list[float], aht: float) -> Forecast:
    starts = np.datetime64("2026-03-02T09:00", "s") + np.arange(len(calls)) * np.timedelta64(
        1800, "s"
    )
    return Forecast(
        start=starts, calls=np.array(calls, float), aht=np.full(len(calls), aht), interval=1800
    )


def queue(name: str, calls: list[float], aht: float = 180.0, **targets) -> Queue:
    return Queue(
        name,
        forecast(calls, aht),
        CallerBehaviour(),  # no patience: Erlang C
        ServiceTargets(**({"service_level": 0.8, "threshold": 20.0} | targets)),
    )


def erlang_c_by_hand(load: float, agents: int) -> float:
    """Erlang C from the Erlang B recursion B(n) = a B(n-1) / (n + a B(n-1)) (Cooper 1981)."""
    b = 1.0
    for n in range(1, agents + 1):
        b = load * b / (n + load * b)
    return agents * b / (agents - load * (1.0 - b))


def agents_by_hand(calls: float, aht: float, sl: float = 0.8, threshold: float = 20.0) -> int:
    """Smallest N with 1 - C(N, a) exp(-(N - a) t / aht) >= sl (Erlang C service level)."""
    load = calls * aht / 1800.0
    n = math.floor(load) + 1
    while 1.0 - erlang_c_by_hand(load, n) * math.exp(-(n - load) * threshold / aht) < sl:
        n += 1
    return n


# ------------------------------------------------------------------------------ the split


def test_apportion_by_largest_remainder():
    # 24 agents on loads 14 : 6 -> exact 16.8 and 7.2 -> 16 + 7, the agent left to 16.8
    assert apportion(np.array([24]), np.array([[14.0], [6.0]])).ravel().tolist() == [17, 7]
    # equal remainders go to the first row; no weight at all: shared equally
    assert apportion(np.array([3, 4]), np.array([[1.0, 0.0], [1.0, 0.0]])).tolist() == [
        [2, 2],
        [1, 2],
    ]


def test_hand_sized_center_split_by_home_load():
    # q1 140 calls and q2 60 calls of 180 s, q3 40 calls of 300 s, per 30 min: loads 14, 6
    # and 20/3 Erlangs. A is home to q1, B to q2, D to q3, and q3 only D serves.
    center = Center(
        (queue("q1", [140.0]), queue("q2", [60.0]), queue("q3", [40.0], aht=300.0)),
        (
            Group("A", ("q1", "q2"), shifts=("x",)),
            Group("B", ("q2", "q1"), shifts=("x",)),
            Group("D", ("q3", "q1"), shifts=("x",)),
        ),
    )
    assert home_groups(center) == (0, 1, 2)
    need = center_requirements(center)
    # each queue alone (Erlang C, 80/20), checked against the textbook formula
    assert need.queues.ravel().tolist() == [18, 9, 10]
    assert [agents_by_hand(140, 180), agents_by_hand(60, 180), agents_by_hand(40, 300)] == [
        18,
        9,
        10,
    ]
    # the pool: 240 calls of mean AHT (140*180 + 60*180 + 40*300)/240 = 200 s, 26.67 Erlangs
    assert agents_by_hand(240, 200) == 32
    assert need.pooled.tolist() == [32]
    # split 32 by 14 : 6 : 6.67 -> 16.8, 7.2, 8.0 -> 17, 7, 8; D has at least q3 alone: 10
    assert need.groups.ravel().tolist() == [17, 7, 10]
    assert need.load.ravel() == pytest.approx([14.0, 6.0, 20.0 / 3.0])


def test_fixed_agents_count_against_the_pool():
    center = Center(
        (queue("q1", [140.0]), queue("q2", [60.0])),
        (Group("A", ("q1", "q2"), shifts=("x",)), Group("B", ("q2", "q1"), agents=5)),
    )
    need = center_requirements(center)
    # the pool of 200 calls of 180 s needs 24 (by hand); B keeps its 5, A plans the other 19
    assert agents_by_hand(200, 180) == 24
    assert need.groups.ravel().tolist() == [19, 5]


def test_disjoint_single_skill_groups_plan_like_single_queues():
    calls_1, calls_2 = [30.0, 90.0, 150.0], [10.0, 0.0, 45.0]
    center = Center(
        (queue("a", calls_1), queue("b", calls_2, aht=240.0, service_level=0.9)),
        (Group("ga", ("a",), shifts=("x",)), Group("gb", ("b",), shifts=("x",))),
    )
    need = center_requirements(center)
    alone_a = erlang.required_agents(np.array(calls_1), 180.0, service_level=0.8, threshold=20)
    alone_b = erlang.required_agents(np.array(calls_2), 240.0, service_level=0.9, threshold=20)
    assert need.queues.tolist() == [alone_a.tolist(), alone_b.tolist()]
    assert need.groups.tolist() == need.queues.tolist()
    assert need.pooled.tolist() == (alone_a + alone_b).tolist()
    assert [agents_by_hand(c, 180) for c in calls_1] == alone_a.tolist()


def test_strictest_queue_targets_size_the_pool():
    # one pool of two queues of 100 calls: 80/20 for one, 90/15 for the other; the pool must
    # meet 90/15 (in one pool both queues see the same waits)
    center = Center(
        (queue("a", [100.0]), queue("b", [100.0], service_level=0.9, threshold=15.0)),
        (Group("g", ("a", "b"), shifts=("x",)),),
    )
    need = center_requirements(center)
    assert need.pooled.tolist() == [agents_by_hand(200, 180, 0.9, 15.0)]
    assert need.pooled[0] > agents_by_hand(200, 180)


# ------------------------------------------------------------------------------ the rounds


def test_raise_goes_to_the_group_whose_first_skill_missed():
    center = Center(
        (queue("q1", [10, 10]), queue("q2", [10, 10]), queue("q3", [10, 10]), queue("q4", [5, 5])),
        (
            Group("A", ("q1", "q4"), shifts=("x",)),
            Group("B", ("q2", "q1", "q4"), shifts=("x",)),
            Group("F", ("q3", "q2"), agents=4),
        ),
    )
    requirement = np.array([[5, 6], [3, 3], [4, 4]])
    coverage = np.array([[5.0, 7.5], [3.0, 3.0], [4.0, 4.0]])
    missing = np.array(
        [
            [False, True],  # q1 at 2: A (first skill), covered 7.5 -> 8 + 1
            [True, False],  # q2 at 1: B (first skill), 3 -> 4
            [True, True],  # q3: only the fixed group F serves it: nobody to raise
            [True, False],  # q4 at 1: nobody's first skill; A has it earlier than B: A
        ]
    )
    out, left = raised(center, requirement, coverage, missing)
    assert out.tolist() == [[6, 9], [4, 3], [4, 4]]
    assert left == 2
    assert [responsible(center, q) for q in ("q1", "q2", "q3", "q4")] == [0, 1, None, 0]


def test_trim_lowers_a_group_where_every_queue_it_serves_beats_its_targets():
    center = Center(
        (queue("a", [10, 10, 10]), queue("b", [10, 10, 0])),
        (
            Group("A", ("a",), shifts=("x",)),
            Group("B", ("b", "a"), shifts=("x",)),
            Group("F", ("a",), agents=3),
        ),
    )
    # 80/20 with a 5 % tolerance: an interval beats it above 84 %; b has no contacts at 3
    table = pd.DataFrame(
        {
            "queue": ["a"] * 3 + ["b"] * 3,
            "offered": [10.0, 10.0, 10.0, 10.0, 10.0, 0.0],
            "service_level": [0.90, 0.83, 0.95, 0.90, 0.90, np.nan],
        }
    )
    requirement = np.array([[6, 6, 6], [4, 4, 4], [3, 3, 3]])
    coverage = {"A": np.array([7.0, 6.0, 5.2]), "B": np.array([4.0, 4.0, 4.0])}
    round_ = CenterRound(
        0,
        "erlang",
        requirement,
        {name: SimpleNamespace(coverage=c) for name, c in coverage.items()},
        SimpleNamespace(intervals=table),
        np.zeros((2, 3), dtype=bool),
        pd.Series(dtype=float),
        0.0,
    )
    blocked = np.zeros((3, 3), dtype=bool)
    blocked[1, 0] = True
    out = lowered(center, round_, blocked, tolerance=0.05)
    # A: beats at 1 and 3 -> min(requirement, ceil(coverage)) - 1 = 5 and 5; not at 2 (83 %)
    # B: blocked at 1, a misses the band at 2, b has no contacts at 3 and a beats: 3
    # F: fixed agents stay
    assert out.tolist() == [[5, 6, 5], [4, 4, 3], [3, 3, 3]]


@pytest.fixture(scope="module")
def bank_plan() -> CenterPlanResult:
    result = plan(load_scenario(BANK_PLAN))
    assert isinstance(result, CenterPlanResult)
    return result


def test_bank_rounds_raise_only_the_responsible_groups_where_queues_missed(bank_plan):
    center = bank_plan.center
    raises = [r for r in bank_plan.rounds if r.phase in ("erlang", "raise")]
    assert [r.phase for r in bank_plan.rounds[: len(raises)]] == ["erlang"] + ["raise"] * (
        len(raises) - 1
    )
    assert 1 <= len(raises) <= bank_plan.scenario.simulation.rounds + 1
    for before, after in itertools.pairwise(raises):
        expected = np.zeros(before.requirement.shape, dtype=bool)
        for q, name in enumerate(center.queue_names):
            expected[responsible(center, name)] |= before.missing[q]
        grew = after.requirement > before.requirement
        assert (grew == expected).all()
        assert (after.requirement >= before.requirement).all()
    kept = bank_plan.best
    assert kept.misses == min(r.misses for r in bank_plan.rounds)
    assert kept.cost == min(r.cost for r in bank_plan.rounds if r.misses == kept.misses)


def test_bank_trims_lower_only_below_the_clean_round(bank_plan):
    # trimming starts from the cheapest clean raise round and only ever lowers requirements
    trims = [r for r in bank_plan.rounds if r.phase == "trim"]
    clean = [r for r in bank_plan.rounds if r.phase != "trim" and r.misses == 0]
    assert clean, "the bank's raise rounds reach a clean plan"
    start = min(clean, key=lambda r: r.cost)
    assert 0 < len(trims) <= bank_plan.scenario.simulation.rounds
    for trim in trims:
        assert (trim.requirement <= start.requirement).all()
        assert (trim.requirement < start.requirement).any()
    assert bank_plan.best.misses == 0
    assert bank_plan.best.cost <= start.cost


def test_bank_plan_costs_add_up_and_pooling_saves(bank_plan):
    sc, best = bank_plan.scenario, bank_plan.best
    # scheduled paid hours with shrinkage, plus overtime, equal the groups' paid hours
    scheduled = sum(s.paid_hours for s in best.schedules.values()) / (1.0 - sc.shrinkage)
    assert float(best.paid_hours.sum()) >= scheduled
    assert bank_plan.costs().set_index("queue").loc["all", "cost"] == pytest.approx(best.cost)
    # the Erlang requirement summed over queues alone is more than the pool's
    need = bank_plan.requirements
    assert need.pooled.sum() < need.queues.sum()
    assert bank_plan.pooled_paid_hours(0) < bank_plan.dedicated_paid_hours.sum()


def test_plan_of_fixed_agents_simulates_once_and_names_what_it_cannot_raise(tmp_path, capsys):
    status = main(["plan", str(BANK_FIXED), "--out", str(tmp_path / "p")])
    err = capsys.readouterr().err.strip().splitlines()
    # the bank's fixed agents leave service_fr short (72 % answered in 20 s): exit 1
    assert status == 1
    assert err[-1].startswith("the plan misses its targets: service_fr service level missed")
    assert "served only by groups with fixed agents" in err[-1]
    with open(tmp_path / "p" / "rounds.csv", newline="") as f:
        assert len(list(csv.DictReader(f))) == 1
    summary = (tmp_path / "p" / "summary.md").read_text()
    assert "No group is planned from shifts (all have fixed agents)" in summary


# ------------------------------------------------------------------------------ end to end


def test_cli_plans_the_bank_center(tmp_path, capsys):
    out = tmp_path / "plan"
    status = main(["plan", str(BANK_PLAN), "--out", str(out)])
    captured = capsys.readouterr()
    assert status in (0, 1)
    names = {p.name for p in out.iterdir()}
    assert all(any(fnmatchcase(n, pattern) for pattern in OUTPUTS["plan"]) for n in names)
    assert {"coverage_generalists.png", "coverage_bilingual.png"} <= names
    assert {"queues.csv", "groups.csv", "intervals.csv", "shifts.csv", "rounds.csv"} <= names
    summary = (out / "summary.md").read_text()
    with open(out / "rounds.csv", newline="") as f:
        rounds = list(csv.DictReader(f))
    kept = next(r for r in rounds if r["kept"] == "True")
    if status == 0:
        assert kept["queue_intervals_missing"] == "0"
        assert "Every queue meets its targets in every interval" in summary
    else:
        assert f"The plan misses: {kept['queue_intervals_missing']} queue-interval" in summary
        assert captured.err.count("\n") == 1
    for name in ("service_en", "service_fr", "cards", "mortgages"):
        assert summary.count(f"| {name}") >= 3  # targets, misses, cost per contact
    with open(out / "shifts.csv", newline="") as f:
        shifts = list(csv.DictReader(f))
    assert {r["group"] for r in shifts} == {"generalists", "bilingual", "specialists"}
    assert {r["name"].rsplit(" ", 1)[0] for r in shifts if r["group"] == "specialists"} == {
        "full day"
    }
    with open(out / "intervals.csv", newline="") as f:
        queues = {r["queue"] for r in csv.DictReader(f)}
    assert queues == {"service_en", "service_fr", "cards", "mortgages", "all"}
    assert "nan" not in captured.out.lower()
    assert "nan" not in summary.lower()
    # the channel table (the bank has voice only): in the summary and channels.csv
    assert "## By channel" in summary
    assert "| voice   |" in summary
    with open(out / "channels.csv", newline="") as f:
        assert [r["channel"] for r in csv.DictReader(f)] == ["voice", "all"]
    assert "chat_concurrency.png" not in names
    # --force replaces the plan's own files
    assert main(["plan", str(BANK_PLAN), "--out", str(out), "--force"]) == status
    assert "replaced in" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('over = "day"', "queue 'a': targets over = 'day'; a center of several queues"),
        ("[schedule]\nmax_headcount = 10", "schedule.max_headcount / min_headcount with"),
    ],
)
def test_what_a_center_plan_cannot_do_yet_is_refused_in_one_line(tmp_path, capsys, extra, message):
    (tmp_path / "a.csv").write_text("start,calls,aht\n09:00,60,180\n09:30,90,180\n")
    (tmp_path / "s.toml").write_text(
        f"""[targets]
service_level = "80/20"
{extra}
[[queues]]
name = "a"
forecast = "a.csv"
[[groups]]
name = "A"
skills = ["a"]
shifts = ["short"]
[[shifts]]
name = "short"
length = "1h"
starts = {{ from = "09:00", to = "09:00", every = "30min" }}
"""
    )
    status = main(["plan", str(tmp_path / "s.toml"), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1
    assert f"{tmp_path / 's.toml'}: {message}" in err
    assert not (tmp_path / "out").exists()


CHAT_CENTER = """[simulation]
replications = 8
seed = 3
[[queues]]
name = "voice"
forecast = "voice.csv"
patience = "3min"
targets = {{ service_level = "80/20" }}
[[queues]]
name = "chat"
channel = "chat"
forecast = "chat.csv"
patience = "4min"
max_sessions = 3
session_speed = [1.0, 0.85, 0.7]
targets = {{ service_level = "80/60" }}
[[groups]]
name = "phone"
skills = ["voice"]
shifts = ["two hours"]
[[groups]]
name = "web"
skills = ["chat", "voice"]
overflow_after = {{ voice = "30s" }}
shifts = ["two hours"]
[[shifts]]
name = "two hours"
length = "2h"
starts = {{ from = "09:00", to = "11:00", every = "30min" }}
"""


def write_flat(path: Path, calls: float, aht: float) -> None:
    """A forecast CSV of 8 half-hours from 09:00 with the same calls and AHT in each."""
    rows = "".join(f"{9 + h // 2:02d}:{30 * (h % 2):02d},{calls:g},{aht:g}\n" for h in range(8))
    path.write_text("start,calls,aht\n" + rows)


def test_a_chat_queue_is_planned_with_sessions_and_meets_its_target(tmp_path, capsys):
    write_flat(tmp_path / "voice.csv", 60, 240)
    write_flat(tmp_path / "chat.csv", 40, 480)
    (tmp_path / "s.toml").write_text(CHAT_CENTER.format())
    sc = load_scenario(tmp_path / "s.toml")
    need = center_requirements(sc.center)
    # the web group serves the chat queue alone: it gets at least the chat's own need, the
    # effective-handle-time requirement of erlang.chat_required_agents
    alone = erlang.chat_required_agents(
        np.full(8, 40.0),
        np.full(8, 480.0),
        3,
        session_speed=[1.0, 0.85, 0.7],
        threshold=60,
        patience=240.0,
    )
    np.testing.assert_array_equal(need.queues[1], alone)
    assert (need.groups[1] >= alone).all()
    assert main(["plan", str(tmp_path / "s.toml"), "--out", str(tmp_path / "out")]) == 0
    queues = pd.read_csv(tmp_path / "out" / "queues.csv").set_index("queue")
    assert queues.loc["chat", "service_level"] >= 0.8
    assert queues.loc["voice", "service_level"] >= 0.8
    chat = pd.read_csv(tmp_path / "out" / "chat.csv")
    assert 1.5 < chat.loc[0, "concurrency"] <= 3.0
    assert "chat" in capsys.readouterr().out
