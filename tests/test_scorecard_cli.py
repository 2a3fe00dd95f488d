"""``staffing scorecard`` end to end: the folder it writes, its exit codes and its errors."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from test_scorecard import AGENT_TIME, LOG, QA, SURVEYS

from staffing.cli import main
from staffing.report.output import OUTPUTS

ROOT = Path(__file__).resolve().parent.parent

SCENARIO = """name = "Hand-made desk"
[forecast]
file = "forecast.csv"
[targets]
service_level = "80/20"
asa = "15s"
abandon_rate = "5%"
tolerance = "5%"
[scorecard]
csat = "50%"
fcr = "70%"
nps = 25
qa_score = 85
sector = "healthcare"
[[shifts]]
name = "day"
length = "8h"
starts = ["08:00"]
[costs]
hourly_wage = 36.0
fixed_monthly = 304
"""


@pytest.fixture
def inputs(tmp_path):
    files = {
        "log.csv": LOG,
        "surveys.csv": SURVEYS,
        "qa.csv": QA,
        "time.csv": AGENT_TIME,
        "desk.toml": SCENARIO,
        "forecast.csv": "start,calls,aht\n08:00,10,300\n08:30,10,300\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _run(inputs, *extra):
    return main(
        [
            "scorecard",
            str(inputs / "log.csv"),
            "--surveys",
            str(inputs / "surveys.csv"),
            "--qa",
            str(inputs / "qa.csv"),
            "--agent-time",
            str(inputs / "time.csv"),
            "--scenario",
            str(inputs / "desk.toml"),
            *extra,
        ]
    )


def test_writes_the_scorecard_folder(inputs, capsys):
    out = inputs / "card"
    assert _run(inputs, "--out", str(out)) == 0
    names = {p.name for p in out.iterdir()}
    assert {"scorecard.csv", "scorecard.md", "agents.csv", "csat_wait.toml"} <= names
    assert names <= set(OUTPUTS["scorecard"])
    table = pd.read_csv(out / "scorecard.csv", keep_default_na=False)
    assert list(table.columns[:6]) == ["period", "queue", "kpi", "value", "target", "status"]
    # the empty day is empty, never "nan", and has no colour
    empty = table[(table.period == "2026-03-31") & (table.kpi == "service_level")]
    assert (empty.value == "").all()
    assert (empty.status == "none").all()
    whole = table[(table.period == "all") & (table.queue == "all") & (table.channel == "all")]
    status = dict(zip(whole.kpi, whole.status, strict=True))
    assert status["csat"] == "green"
    assert status["fcr"] == "yellow"
    assert status["nps"] == "red"
    assert status["qa_score"] == "red"  # 80 against 85: the band reaches 80.75
    assert float(whole[whole.kpi == "csat"].benchmark_low.item()) == 0.88  # healthcare
    text = (out / "scorecard.md").read_text(encoding="utf-8")
    assert "nan" not in text.lower().replace("financial", "")
    assert "🔴 missed" in text
    assert "2026-03-29" in text
    printed = capsys.readouterr().out
    assert "CSAT" in printed
    assert "50.0%" in printed


def test_plan_against_actual_from_a_plan_folder(inputs):
    plan = inputs / "plan"
    plan.mkdir()
    (plan / "requirements.csv").write_text(
        "start,calls,aht,coverage\n09:00,2,300,1\n09:30,1,300,1\n", encoding="utf-8"
    )
    (plan / "kpis.csv").write_text(
        "start,service_level,service_level_ci,abandon_rate,abandon_rate_ci\n"
        "09:00,0.9,0.05,0.02,0.01\n09:30,0.8,0.05,0.03,0.01\n",
        encoding="utf-8",
    )
    out = inputs / "card"
    assert _run(inputs, "--plan", str(plan), "--out", str(out)) == 0
    days = pd.read_csv(out / "plan_actual_days.csv")
    # contacts at 09:00 and 09:30 on 03-30 only (c5, c6): both answered at once
    day = days[days.day == "2026-03-30"].iloc[0]
    assert (day.actual_calls, day.service_level_actual) == (2, 1.0)
    assert "## Plan against actual" in (out / "scorecard.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sector", "retail"], "--sector = 'retail'; choose one of general"),
        (["--threshold", "30s"], "--threshold = '30s' conflicts with the scenario"),
        (["--plan", "nowhere"], "--plan nowhere: not a folder"),
    ],
)
def test_bad_flags_are_one_line_and_exit_2(inputs, capsys, args, message, monkeypatch):
    monkeypatch.chdir(inputs)
    assert _run(inputs, *args, "--out", "card") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert message in err[0]
    assert not (inputs / "card").exists()


def test_a_survey_off_its_scale_names_the_row(inputs, capsys):
    (inputs / "surveys.csv").write_text("contact,csat\nc1,5\nc2,9\n", encoding="utf-8")
    assert _run(inputs, "--out", str(inputs / "card")) == 2
    assert "surveys.csv row 3: csat = '9'" in capsys.readouterr().err


def test_help_lists_the_verb_and_loads_nothing_heavy():
    code = (
        "import sys; from staffing.cli import build_parser; build_parser(); "
        "print(','.join(m for m in ('pandas', 'scipy', 'matplotlib', 'numba') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert loaded.stdout.strip() == ""


def test_trend_arrows_say_better_or_worse():
    from staffing.report.scorecard import fmt, trend

    assert trend("service_level", 0.021) == "↑ +2.1 pts (better)"
    assert trend("abandon_rate", 0.021) == "↑ +2.1 pts (worse)"
    assert trend("asa", -5.5) == "↓ -5.5 s (better)"
    assert trend("aht", 0.2) == "→ +0.2 s"  # under half a second: steady
    assert trend("offered", -282.0) == "-282"
    assert trend("csat", float("nan")) == "—"
    assert fmt("nps", 33.04) == "+33.0"
    assert fmt("qa_score", float("nan")) == "—"
    assert fmt("service_level", 0.8056) == "80.6%"


def test_force_replaces_only_the_scorecards_files(inputs):
    out = inputs / "card"

    def run(*extra):
        return main(["scorecard", str(inputs / "log.csv"), "--out", str(out), *extra])

    assert run() == 0
    (out / "mine.txt").write_text("keep", encoding="utf-8")
    assert run() == 2  # not empty, no --force
    assert run("--force") == 0
    assert (out / "mine.txt").read_text(encoding="utf-8") == "keep"


def test_the_bundled_month_gives_the_readme_figures():
    from staffing.history.csat_wait import csat_by_wait
    from staffing.history.feedback import read_agent_time, read_qa, read_surveys
    from staffing.history.log import read_log
    from staffing.history.scorecard import scorecard
    from staffing.scenario import load_scenario

    here = ROOT / "simulations"
    scenario = load_scenario(here / "bank_month.toml")
    log = read_log(here / "bank_month_contacts.csv")
    surveys = read_surveys(here / "bank_month_surveys.csv")
    card = scorecard(
        log,
        surveys=surveys,
        qa=read_qa(here / "bank_month_qa.csv"),
        agent_time=read_agent_time(here / "bank_month_agent_time.csv"),
        service=scenario.targets,
        tolerance=scenario.tolerance,
        settings=scenario.scorecard,
        costs=scenario.costs,
    )
    assert log.size == 32_638
    figures = {
        "service_level": 0.806,
        "abandon_rate": 0.058,
        "fcr": 0.801,
        "csat": 0.862,
        "cost_per_contact": 7.36,
    }
    for kpi, shown in figures.items():
        assert round(card.value(kpi), 3 if kpi != "cost_per_contact" else 2) == shown, kpi
    assert round(card.value("service_level", "2026-03-16"), 3) == 0.502
    curve = csat_by_wait(log, surveys)
    assert (curve.knee, round(100 * curve.slope, 1)) == (70.0, 2.2)
