"""The ``staffing`` command: output of each verb, files it writes, one-line errors."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from staffing.cli import main

ROOT = Path(__file__).resolve().parent.parent
WEEKDAY = ROOT / "simulations" / "ecommerce_weekday.csv"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_erlang_calculator_worked_example(capsys):
    code, out, err = run(
        capsys,
        "erlang",
        "--calls",
        "100",
        "--interval",
        "30min",
        "--aht",
        "3m",
        "--sl",
        "80/20",
        "--shrinkage",
        "30%",
    )
    assert code == 0, err
    assert "offered load 10.00 Erlang" in out
    assert "required: 14 agents on the phones; 20 scheduled at 30.0% shrinkage" in out
    table, note = out.split("\n\n", 1)[1].split("\n\n")
    rows = {line.lstrip("> ").split()[0]: line for line in table.splitlines()[1:]}
    assert set(rows) == {str(n) for n in range(10, 19)}
    assert rows["14"].startswith(">")
    assert "88.8%" in rows["14"]
    assert "79.6%" in rows["13"]
    assert rows["10"].split()[2] == "—"  # 10 agents for 10 Erlangs: unstable queue, no ASA
    assert "10 agents or fewer, 10.00 Erlangs never clear" in note


def test_erlang_a_calculator_shows_abandonment(capsys):
    code, out, _ = run(
        capsys, "erlang", "--calls", "100", "--aht", "180", "--patience", "2min", "--around", "1"
    )
    assert code == 0
    assert "Erlang A (mean patience 120 s)" in out
    assert "abandoned" in out
    assert "SL answered" in out
    assert "required: 12 agents" in out


def test_requirements_table_and_csv(capsys, tmp_path):
    out_csv = tmp_path / "req.csv"
    code, out, err = run(
        capsys,
        "requirements",
        str(WEEKDAY),
        "--sl",
        "80/20",
        "--patience",
        "3min",
        "--shrinkage",
        "30%",
        "--out",
        str(out_csv),
    )
    assert code == 0, err
    assert "total: 20163 calls" in out
    assert f"wrote {out_csv}" in out
    frame = pd.read_csv(out_csv)
    assert len(frame) == 96
    assert (frame.loc[frame.calls == 0, "agents"] == 0).all()
    assert (frame.loc[frame.calls > 0, "service_level"] >= 0.8).all()
    assert frame.scheduled.max() >= frame.agents.max() / 0.7


def test_requirements_never_overwrites_without_force(capsys, tmp_path):
    out_csv = tmp_path / "mine.csv"
    out_csv.write_text("my own notes\n")
    code, _, err = run(capsys, "requirements", str(WEEKDAY), "--out", str(out_csv))
    assert code == 2
    assert "--force" in err
    assert out_csv.read_text() == "my own notes\n"
    code, _, _ = run(capsys, "requirements", str(WEEKDAY), "--out", str(out_csv), "--force")
    assert code == 0
    assert len(pd.read_csv(out_csv)) == 96


def test_requirements_extra_targets(capsys):
    code, out, _ = run(
        capsys,
        "requirements",
        str(WEEKDAY),
        "--sl",
        "off",
        "--asa",
        "15s",
        "--max-occupancy",
        "85%",
    )
    assert code == 0
    assert "ASA <= 15 s" in out
    assert "occupancy <= 85.0%" in out


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["erlang", "--calls", "-3", "--aht", "180"], "calls"),
        (["erlang", "--calls", "100", "--aht", "0"], "aht"),
        (["erlang", "--calls", "100", "--aht", "3x"], "--aht"),
        (["erlang", "--calls", "100", "--aht", "180", "--sl", "120/20"], "--sl"),
        (["erlang", "--calls", "100", "--aht", "180", "--sl", "80/-5"], "--sl"),
        (["erlang", "--calls", "100", "--aht", "180", "--shrinkage", "100%"], "shrinkage"),
        (["erlang", "--calls", "100", "--aht", "180", "--patience", "0"], "patience"),
        (["erlang", "--calls", "100", "--aht", "180", "--abandon", "150%"], "--abandon"),
        (["requirements", "no/such/file.csv"], "file.csv"),
    ],
)
def test_bad_input_is_one_line_naming_the_field(capsys, argv, field):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert err.startswith("staffing: error: ")
    assert err.count("\n") == 1
    assert field in err
    assert "Traceback" not in err


def test_bad_csv_row_is_named(capsys, tmp_path):
    path = tmp_path / "forecast.csv"
    path.write_text("start,calls,aht\n08:00,10,180\n08:30,-3,180\n")
    code, _, err = run(capsys, "requirements", str(path))
    assert code == 2
    assert "row 3" in err
    assert "calls" in err


def test_installed_command_runs_without_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "staffing.cli", "erlang", "--calls", "-1", "--aht", "180"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "calls" in result.stderr


SHIFTS = ROOT / "simulations" / "ecommerce_weekday_shifts.csv"


def test_simulate_default_is_the_erlang_requirement(capsys, tmp_path):
    out_csv = tmp_path / "sim.csv"
    code, out, err = run(
        capsys,
        "simulate",
        str(WEEKDAY),
        "--patience",
        "3min",
        "--replications",
        "4",
        "--seed",
        "3",
        "--out",
        str(out_csv),
    )
    assert code == 0, err
    assert "4 simulated days, seed 3" in out
    assert "the Erlang requirement per interval" in out
    assert "intervals below the 80.0% target in simulation" in out
    frame = pd.read_csv(out_csv)
    assert len(frame) == 96
    assert {"service_level", "service_level_ci", "asa", "abandon_rate", "occupancy"} <= set(
        frame.columns
    )
    # same seed, same numbers
    code, _, _ = run(
        capsys,
        "simulate",
        str(WEEKDAY),
        "--patience",
        "3min",
        "--replications",
        "4",
        "--seed",
        "3",
        "--out",
        str(out_csv),
        "--force",
    )
    assert code == 0
    assert pd.read_csv(out_csv).equals(frame)


def test_simulate_shift_schedule(capsys):
    code, out, err = run(
        capsys,
        "simulate",
        str(WEEKDAY),
        "--shifts",
        str(SHIFTS),
        "--patience",
        "3min",
        "--handle-dist",
        "lognormal",
        "--handle-cv",
        "1",
        "--replications",
        "2",
    )
    assert code == 0, err
    assert "304 agents on 29 shifts" in out
    assert "handle times lognormal (CV 1)" in out


def test_simulate_agents_file_round_trips_requirements(capsys, tmp_path):
    req_csv = tmp_path / "req.csv"
    assert main(["requirements", str(WEEKDAY), "--out", str(req_csv)]) == 0
    capsys.readouterr()
    code, out, err = run(
        capsys, "simulate", str(WEEKDAY), "--agents", str(req_csv), "--replications", "2"
    )
    assert code == 0, err
    assert f"agents per interval from {req_csv}" in out


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ("start,agents\n00:00,3\n", "no row for the forecast interval"),
        ("start,agents\n00:00,3\n00:00,4\n", "appears twice"),
        ("start,agents\n00:00,-1\n", "agents"),
        ("start,agents\n00:07,1\n", "not an interval of the forecast"),
    ],
)
def test_simulate_bad_agents_file(capsys, tmp_path, content, field):
    path = tmp_path / "agents.csv"
    path.write_text(content)
    code, _, err = run(capsys, "simulate", str(WEEKDAY), "--agents", str(path))
    assert code == 2
    assert field in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ("start,end,headcount\n08:00,16:00,x\n", "headcount"),
        ("start,end,headcount,breaks\n08:00,16:00,2,12:00\n", "break"),
        ("start,end,headcount,breaks\n08:00,16:00,2,17:00-17:30\n", "inside the shift"),
        ("start,end\n08:00,16:00\n", "headcount"),
        ("start,end,headcount\n8h,16:00,1\n", "start"),
    ],
)
def test_simulate_bad_shifts_file(capsys, tmp_path, content, field):
    path = tmp_path / "shifts.csv"
    path.write_text(content)
    code, _, err = run(capsys, "simulate", str(WEEKDAY), "--shifts", str(path))
    assert code == 2
    assert field in err
    assert "row 2" in err or "no headcount column" in err
    assert err.count("\n") == 1
