"""Planning email: the shares of blended groups, the fluid plan against the simulation in the
deterministic limit, and `staffing plan` of a voice-and-email center (issue 12)."""

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from test_center_plan import write_flat

from staffing.blending import email_work, live_load, refined_usable
from staffing.callers import CallerBehaviour
from staffing.center import Center, Group, Queue
from staffing.cli import main
from staffing.deferred import DeferredWork
from staffing.forecast import Forecast
from staffing.report.whatif_report import display
from staffing.requirements import ServiceTargets
from staffing.scenario import load_scenario
from staffing.scheduling import schedule
from staffing.shifts import ShiftPattern
from staffing.simulation import Grid
from staffing.simulation.center_run import simulate_center
from staffing.sweep import run_sweep


def day(calls, aht, start="2026-03-02T08:00") -> Forecast:
    calls = np.asarray(calls, dtype=float)
    starts = np.datetime64(start, "s") + np.arange(calls.size) * np.timedelta64(1800, "s")
    return Forecast(start=starts, calls=calls, aht=np.full(calls.size, float(aht)), interval=1800)


def email(calls, aht=300.0, deadline=7200.0, backlog=0, **kw) -> Queue:
    return Queue(
        "email",
        day(calls, aht),
        CallerBehaviour(**kw),
        ServiceTargets(service_level=None, within_deadline=0.9),
        channel="email",
        deadline=deadline,
        backlog=backlog,
    )


def test_email_work_is_shared_by_free_time_and_a_back_office_takes_the_whole_weight():
    voice = Queue("voice", day([30, 30], 300), CallerBehaviour(patience=120))
    mail = email([12, 6], aht=300.0, backlog=6)
    center = Center(
        (voice, mail),
        (
            Group("blend", ("voice", "email"), shifts=("s",)),
            Group("office", ("email",), shifts=("s",), handle_factor={"email": 1.5}),
        ),
    )
    requirement = np.array([[8, 8], [0, 0]])
    load = live_load(center, requirement, np.full((2, 2), 0.75))
    np.testing.assert_allclose(load, [[6, 6], [0, 0]])  # the office serves email only
    work = email_work(center, requirement, load, {"email": 0.5})
    # free time of blend: (8 - 6) x 2 intervals x 1,800 s = 7,200 agent-s; the office's
    # weight is the queue's whole work, 18 x 300 + 6 x 300 = 7,200 agent-s: half each
    np.testing.assert_allclose(work[0].work, [12 * 300 / 2, 6 * 300 / 2])
    np.testing.assert_allclose(work[1].work, [12 * 300 / 2 * 1.5, 6 * 300 / 2 * 1.5])
    assert work[0].backlog == pytest.approx(6 * 300 / 2)
    assert work[1].backlog == pytest.approx(6 * 300 / 2 * 1.5)
    assert (work[0].deadline, work[0].usable) == (7200.0, 0.5)
    np.testing.assert_allclose(work[0].load, [6, 6])


def test_usable_share_falls_with_the_shortfall_and_never_below_the_floor():
    assert refined_usable(1.0, 0.72, 0.9) == pytest.approx(0.8)
    assert refined_usable(0.8, 0.95, 0.9) == 0.8  # met: unchanged
    assert refined_usable(0.5, math.nan, 0.9) == 0.5  # nothing fell due
    assert refined_usable(0.3, 0.1, 0.9) == 0.2  # at least MIN_USABLE


def _office(items: float, shifts, deadline: float):
    """An email-only office on 16 intervals; items arriving evenly, deterministic handling."""
    queue = email(
        np.full(16, items), aht=600.0, deadline=deadline, handle_distribution="deterministic"
    )
    center = Center((queue,), (Group("office", ("email",), shifts=("s",)),))
    return simulate_center(center, shifts={"office": shifts}, replications=4, seed=2)


@pytest.mark.parametrize("scale", [1.0, 8.0])
def test_the_fluid_plan_meets_its_deadline_in_simulation_in_the_deterministic_limit(scale):
    # 30 items of 600 s per 30 min: 10 agents of work each interval; a 2-h deadline. The
    # fluid programme staffs exactly the workload, and simulated with deterministic
    # handle times every item is within its deadline.
    # With 40 % fewer agents on the same shifts the fluid view predicts the share: 18
    # items handled per interval against 30 arriving, oldest first, so the item arriving
    # at time a (in intervals) starts at 5a/3 and ends 1/3 later; it is within its 4
    # intervals when 5a/3 + 1/3 <= a + 4, i.e. a <= 5.5; items due by the horizon's end
    # (16) arrived by 12: 5.5 / 12 = 0.458. The simulation approaches it as the volume
    # grows (Poisson arrivals are the only noise left).
    items = 30.0 * scale
    grid = Grid.of(day(np.zeros(16), 600.0))
    work = DeferredWork.from_items(np.full(16, items), 600.0, deadline=7200.0)
    pattern = ShiftPattern("s", 8 * 3600, starts=tuple(8 * 3600 + 1800 * k for k in range(9)))
    plan = schedule(np.zeros(16), grid.start, 1800.0, [pattern], deferred=work)
    assert plan.deferred_late == 0.0
    np.testing.assert_allclose(plan.coverage, np.full(16, 10 * scale))
    assert _office(items, plan.shifts, 7200.0).kpi("email", "within_deadline")[0] == 1.0
    short = [replace(s, headcount=round(s.headcount * 0.6)) for s in plan.shifts]
    within = _office(items, short, 7200.0).kpi("email", "within_deadline")[0]
    assert within == pytest.approx(5.5 / 12, abs=0.06 if scale == 1.0 else 0.025)


CENTER = """[simulation]
replications = 6
seed = 4
rounds = 4
[[queues]]
name = "voice"
forecast = "voice.csv"
patience = "3min"
targets = {{ service_level = "80/20" }}
[[queues]]
name = "email"
channel = "email"
forecast = "email.csv"
deadline = "2h"
backlog = 20
targets = {{ within_deadline = "90%" }}
[[groups]]
name = "phone"
skills = ["voice"]
shifts = ["two hours"]
[[groups]]
name = "blended"
skills = ["voice", "email"]
shifts = ["two hours"]
[[shifts]]
name = "two hours"
length = "2h"
starts = {{ from = "09:00", to = "11:00", every = "30min" }}
"""


def test_plan_of_voice_and_blended_email_meets_both_and_prices_the_email(tmp_path, capsys):
    write_flat(tmp_path / "voice.csv", 60, 240)
    write_flat(tmp_path / "email.csv", 20, 300)
    (tmp_path / "s.toml").write_text(CENTER.format())
    assert main(["plan", str(tmp_path / "s.toml"), "--out", str(tmp_path / "out")]) == 0
    queues = pd.read_csv(tmp_path / "out" / "queues.csv").set_index("queue")
    assert queues.loc["email", "within_deadline"] >= 0.9
    assert queues.loc["voice", "service_level"] >= 0.8
    days = pd.read_csv(tmp_path / "out" / "backlog_days.csv")
    assert days.loc[0, "backlog_start"] == 20
    channels = pd.read_csv(tmp_path / "out" / "channels.csv").set_index("channel")
    assert channels.loc["email", "handled"] == pytest.approx(20 + 8 * 20, abs=25)
    out = capsys.readouterr().out
    assert "within deadline" in out
    summary = (tmp_path / "out" / "summary.md").read_text()
    assert "| email | within deadline | 90.0%" in summary
    assert "Usable share in the round kept: email " in summary
    assert "Blended without a reserve: blended." in summary


def test_whatif_of_the_email_volume_counts_its_items_and_its_deadline(tmp_path):
    write_flat(tmp_path / "voice.csv", 60, 240)
    write_flat(tmp_path / "email.csv", 20, 300)
    (tmp_path / "s.toml").write_text(CENTER.format())
    result = run_sweep(load_scenario(tmp_path / "s.toml"), {"volume:email": [1.0, 1.5]}, workers=1)
    table = result.table
    # contacts offered count the items: 8 x 60 calls, 20 items waiting at the start and
    # 8 x 20 arriving (x 1.5 in the second variant): Poisson draws, within a few per cent
    assert table["contacts offered"].iloc[0] == pytest.approx(480 + 20 + 160, rel=0.05)
    assert table["contacts offered"].iloc[1] == pytest.approx(480 + 20 + 240, rel=0.05)
    assert table["cost"].iloc[1] >= table["cost"].iloc[0]
    shown = display(result)
    assert "in deadline email" in shown.columns
    assert not shown.map(lambda v: "nan" in str(v)).any().any()
