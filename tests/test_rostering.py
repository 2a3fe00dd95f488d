"""Rostering: named agents on a week's shifts, contracts, days off, rest, bad agents files,
plans read from shifts.csv, the roster report, and OR-Tools as an optional extra."""

import builtins
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from staffing.agents import Agent, read_agents
from staffing.cli import main
from staffing.errors import InputError
from staffing.report.roster import render_roster, write_roster
from staffing.rostering import MISSING_ORTOOLS, RosterStatus, roster
from staffing.scheduling import schedule
from staffing.shifts import Break, Shift, ShiftPattern, read_plan_shifts

H = 3600.0
DAY = 86_400.0
DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parents[1]
TUESDAY = date(2026, 3, 3)


@pytest.fixture(scope="module")
def week_shifts() -> list[Shift]:
    """A week of 2 early (06:00-14:00) and 1 late (14:00-22:00) agents a day: 21 shifts."""
    requirement = np.zeros(168, dtype=int)
    for d in range(7):
        requirement[d * 24 + 6 : d * 24 + 14] = 2
        requirement[d * 24 + 14 : d * 24 + 22] = 1
    patterns = [ShiftPattern("early", 8 * H, (6 * H,)), ShiftPattern("late", 8 * H, (14 * H,))]
    result = schedule(requirement, np.arange(168) * H, H, patterns)
    assert result.headcount == 21
    return result.shifts


def five_agents() -> list[Agent]:
    return [
        Agent("Ann", 40 * H, max_days=5, days_off=(6, 7)),
        Agent("Bob", 40 * H, max_days=5, days_off=(1, 2)),
        Agent("Cy", 32 * H, max_days=4, banned=("late",)),
        Agent("Di", 40 * H, max_days=5),
        Agent("Ed", 16 * H, max_days=2, days_off=(1,)),
    ]


def test_feasible_week_fills_every_shift_and_keeps_every_rule(week_shifts):
    agents = five_agents()
    result = roster(week_shifts, agents, time_limit=5)
    assert result.status is RosterStatus.OPTIMAL
    table = result.roster
    # Contracts add up to the 21 shifts x 8 h = 168 h needed, so nobody works extra.
    assert table["hours"].sum() == pytest.approx(168.0)
    counts = table.groupby(["day", "shift"]).size()
    for day in range(1, 8):
        assert counts[(day, "early 06:00")] == 2
        assert counts[(day, "late 14:00")] == 1
    assert table.groupby(["agent", "day"]).size().max() == 1  # one shift a day
    for agent in agents:
        mine = table[table["agent"] == agent.name]
        assert mine["hours"].sum() >= agent.contract / 3600
        assert len(mine) <= agent.max_days
        assert not set(mine["day"]) & set(agent.days_off)
        assert all(agent.may_work(name) for name in mine["shift"])
        late = set(mine.loc[mine["shift"] == "late 14:00", "day"])
        early = set(mine.loc[mine["shift"] == "early 06:00", "day"])
        assert not {d + 1 for d in late} & early  # 8 h rest after a late shift is too little
    hours = result.hours.set_index("agent")
    assert hours.loc["Cy", "hours"] == pytest.approx(32.0)
    assert hours.loc["Cy", "contract_hours"] == pytest.approx(32.0)
    assert hours.loc["Ed", "days"] == 2
    assert result.messages == []


def test_contracts_above_the_need_add_shifts_and_say_so(week_shifts):
    agents = [*five_agents()[:4], Agent("Ed", 24 * H, max_days=3, days_off=(1,))]
    result = roster(week_shifts, agents, time_limit=5)
    assert result.status is RosterStatus.OPTIMAL
    assert result.roster["hours"].sum() == pytest.approx(176.0)  # one shift beyond 21
    assert result.messages == [
        "1 shifts rostered beyond the schedule's headcount to reach contract hours"
    ]


def test_too_few_agents_is_reported_per_day(week_shifts):
    agents = [a for a in five_agents() if a.name != "Di"]
    result = roster(week_shifts, agents, time_limit=5)
    assert result.status is RosterStatus.INFEASIBLE
    assert result.roster.empty
    assert "day 1 needs 3 agents on shifts but only 2 can work that day" in result.messages
    assert any("can work at most" in m for m in result.messages)


def test_unreachable_contract_is_named(week_shifts):
    agents = [
        *five_agents()[:4],
        Agent("Ed", 48 * H, max_days=5, banned=("early", "late")),
    ]
    result = roster(week_shifts, agents, time_limit=5)
    assert result.status is RosterStatus.INFEASIBLE
    assert (
        "agent 'Ed': contract of 48 h cannot be reached: at most 0 h on the shifts they may work"
        in result.messages
    )


def test_rest_rule_makes_a_roster_impossible():
    # One agent must work a late shift on day 1 and the early shift on day 2: 8 h of rest.
    late = Shift(14 * H, 22 * H, 1, name="late 14:00")
    early = Shift(DAY + 6 * H, DAY + 14 * H, 1, name="early 06:00")
    only = [Agent("Ann", 16 * H)]
    result = roster([late, early], only, time_limit=5)
    assert result.status is RosterStatus.INFEASIBLE
    assert "11 h rest between shifts" in result.messages[0]
    relaxed = roster([late, early], only, min_rest=8 * H, time_limit=5)
    assert relaxed.status is RosterStatus.OPTIMAL
    assert list(relaxed.roster["shift"]) == ["late 14:00", "early 06:00"]
    assert list(relaxed.roster["day"]) == [1, 2]


# --------------------------------------------------------------------------- agents CSV


def write(tmp_path, text: str):
    path = tmp_path / "agents.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_read_agents(tmp_path):
    path = write(
        tmp_path,
        "name,contract_hours,max_days,days_off,banned\n"
        "Ann,40,5,6 7,\n"
        "Bob,32,,,night|late 14:00\n"
        "Cy,16,2,1,\n",
    )
    agents = read_agents(path)
    assert agents[0] == Agent("Ann", 40 * H, 5, (6, 7))
    assert agents[1] == Agent("Bob", 32 * H, None, (), ("night", "late 14:00"))
    assert not agents[1].may_work("night 22:00")
    assert agents[1].may_work("late 15:00")
    assert agents[2].days_off == (1,)


def test_read_agents_without_optional_columns(tmp_path):
    agents = read_agents(write(tmp_path, "agent;hours\nAnn;40\n"))
    assert agents == [Agent("Ann", 40 * H)]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("Ann,x\n", "row 2: contract_hours = 'x'"),
        ("Ann,-1\n", "row 2: contract_hours = '-1'"),
        ("Ann,40\nAnn,30\n", "row 3: name 'Ann' appears twice (row 2)"),
        (",40\n", "row 2: name is empty"),
        ("Ann,40,-1\n", "row 2: max_days = '-1'"),
        ("Ann,40,5,0\n", "row 2: days_off = '0'"),
        ("Ann,40,5,sat\n", "row 2: days_off = 'sat'"),
    ],
)
def test_bad_agents_rows_are_named(tmp_path, rows, message):
    path = write(tmp_path, "name,contract_hours,max_days,days_off\n" + rows)
    with pytest.raises(InputError, match=re.escape(message)):
        read_agents(path)


def test_agents_file_without_a_contract_column(tmp_path):
    with pytest.raises(InputError, match="contract_hours"):
        read_agents(write(tmp_path, "name\nAnn\n"))


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"name": " "}, "Agent.name"),
        ({"contract": -1}, "contract = -1"),
        ({"max_days": 1.5}, "max_days = 1.5"),
        ({"days_off": (0,)}, "days_off has 0"),
        ({"banned": "night"}, "banned must be a sequence"),
    ],
)
def test_bad_agent_names_the_field(kwargs, text):
    with pytest.raises(InputError, match=text):
        Agent(**{"name": "Ann", "contract": 0.0, **kwargs})


def test_bad_roster_input_names_the_field(week_shifts):
    agents = five_agents()
    with pytest.raises(InputError, match="day off 8 is beyond the horizon of 7 days"):
        roster(week_shifts, [*agents[:4], Agent("Ed", 0, days_off=(8,))])
    with pytest.raises(InputError, match="name 'Ann' appears twice"):
        roster(week_shifts, [*agents, Agent("Ann", 0)])
    with pytest.raises(InputError, match="days = 3"):
        roster(week_shifts, agents, days=3)
    with pytest.raises(InputError, match="min_rest"):
        roster(week_shifts, agents, min_rest=-1)
    with pytest.raises(InputError, match="time_limit"):
        roster(week_shifts, agents, time_limit=0)
    with pytest.raises(InputError, match="agents must be a non-empty"):
        roster(week_shifts, [])
    clash = [Shift(0, 8 * H, 1, name="day"), Shift(DAY + H, DAY + 9 * H, 1, name="day")]
    with pytest.raises(InputError, match="'day' appears with two start times"):
        roster(clash, agents)


# --------------------------------------------------------------------------- hand-solved roster


@pytest.fixture(scope="module")
def hand():
    """The plan of ``data/roster_day_shifts.csv`` over 3 days from Tuesday, and its agents."""
    shifts, days, first = read_plan_shifts(
        DATA / "roster_day_shifts.csv", days=3, first_day=TUESDAY
    )
    agents = read_agents(DATA / "roster_agents.csv", first_day=first, days=days)
    return shifts, days, first, agents


HAND_ROSTER = {
    ("Ann", 1): "early 06:00",
    ("Ann", 2): "early 06:00",
    ("Bob", 2): "late 14:00",
    ("Bob", 3): "late 14:00",
    ("Cy", 1): "late 14:00",
    ("Cy", 3): "early 06:00",
}
"""The only roster of :func:`hand` (derived in :func:`test_hand_solved_roster`)."""


def test_hand_solved_roster(hand):
    """Three days of one early (06:00-14:30) and one late (14:00-22:30) shift, 8 paid h each.

    Six shifts, and three agents of 16 h contracts and at most 2 days: the six days they can
    work are exactly the six shifts, so each works exactly two. Ann may not work late and is
    unavailable on day 3 (2026-03-05): she works early on days 1 and 2. Bob is off on day 1,
    so Cy works late on day 1. Day 3 needs two agents and only Bob and Cy can work it, so
    both do; Cy's two days are then 1 and 3, and Bob works late on day 2. Late on day 2 ends
    at 22:30, 7.5 h before early on day 3 (rest must be 11 h), so Bob works late on day 3
    and Cy early. That is the only roster.
    """
    shifts, days, _, agents = hand
    result = roster(shifts, agents, days=days, time_limit=5)
    assert result.status is RosterStatus.OPTIMAL
    got = {(r.agent, r.day): r.shift for r in result.roster.itertuples()}
    assert got == HAND_ROSTER
    assert list(result.roster["hours"]) == [8.0] * 6
    assert list(result.hours["hours"]) == [16.0, 16.0, 16.0]
    assert result.messages == []
    assert result.reason == ""


def test_hand_solved_roster_report(hand, tmp_path):
    shifts, days, first, agents = hand
    result = roster(shifts, agents, days=days, time_limit=5)
    written = write_roster(result, tmp_path / "out", first_day=first)
    assert sorted(written) == ["roster.csv", "roster.md"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["roster.csv", "roster.md"]
    assert written["roster.csv"].read_text(encoding="utf-8") == (
        "agent,day,date,weekday,shift,start,end,paid_hours\n"
        "Ann,1,2026-03-03,Tuesday,early 06:00,2026-03-03 06:00,2026-03-03 14:30,8\n"
        "Ann,2,2026-03-04,Wednesday,early 06:00,2026-03-04 06:00,2026-03-04 14:30,8\n"
        "Ann,3,2026-03-05,Thursday,off,,,0\n"
        "Bob,1,2026-03-03,Tuesday,off,,,0\n"
        "Bob,2,2026-03-04,Wednesday,late 14:00,2026-03-04 14:00,2026-03-04 22:30,8\n"
        "Bob,3,2026-03-05,Thursday,late 14:00,2026-03-05 14:00,2026-03-05 22:30,8\n"
        "Cy,1,2026-03-03,Tuesday,late 14:00,2026-03-03 14:00,2026-03-03 22:30,8\n"
        "Cy,2,2026-03-04,Wednesday,off,,,0\n"
        "Cy,3,2026-03-05,Thursday,early 06:00,2026-03-05 06:00,2026-03-05 14:30,8\n"
    )
    assert written["roster.md"].read_text(encoding="utf-8") == (
        "# Roster\n"
        "\n"
        "3 days, Tue 2026-03-03 to Thu 2026-03-05; 3 agents; 6 shifts (48 paid hours); optimal.\n"
        "\n"
        "| agent | Tue 2026-03-03 | Wed 2026-03-04 | Thu 2026-03-05 | paid h | contract h |\n"
        "|---|---|---|---|---:|---:|\n"
        "| Ann | 06:00-14:30 | 06:00-14:30 | off | 16 | 16 |\n"
        "| Bob | off | 14:00-22:30 | 14:00-22:30 | 16 | 16 |\n"
        "| Cy | 14:00-22:30 | off | 06:00-14:30 | 16 | 16 |\n"
        "| **shifts rostered / needed** | 2 / 2 | 2 / 2 | 2 / 2 | 48 | 48 |\n"
    )


def test_report_without_dates_numbers_the_days(hand):
    shifts, days, _, agents = hand
    texts = render_roster(roster(shifts, agents, days=days, time_limit=5))
    assert texts["roster.csv"].splitlines()[1] == "Ann,1,,,early 06:00,06:00,14:30,8"
    assert "| agent | day 1 | day 2 | day 3 | paid h | contract h |" in texts["roster.md"]
    assert "\n3 days; 3 agents;" in texts["roster.md"]


def test_infeasible_roster_gives_the_binding_reason_and_writes_nothing(hand, tmp_path):
    shifts, days, first, agents = hand
    result = roster(shifts, agents[:2], days=days, time_limit=5)
    assert result.status is RosterStatus.INFEASIBLE
    assert not result.has_roster
    assert result.reason == (
        "the schedule has 6 shifts (48 paid hours) but the agents can work at most 4 of "
        "them (days off, banned shifts, max_days); add agents or relax those rules "
        "(and 3 more problems)"
    )
    assert "\n" not in result.reason
    with pytest.raises(InputError, match=r"^no roster to write: the schedule has 6 shifts"):
        write_roster(result, tmp_path / "out", first_day=first)
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- plan shifts


def test_one_day_plan_is_repeated_over_a_week():
    shifts, days, first = read_plan_shifts(DATA / "roster_day_shifts.csv")
    assert (days, first) == (7, None)
    assert len(shifts) == 14
    assert [s.name for s in shifts[:2]] == ["early 06:00", "late 14:00"]
    late_sunday = shifts[13]
    assert late_sunday == Shift(
        6 * DAY + 14 * H,
        6 * DAY + 22.5 * H,
        1,
        (
            Break(6 * DAY + 16 * H, 6 * DAY + 16.25 * H, True),
            Break(6 * DAY + 18 * H, 6 * DAY + 18.5 * H),
        ),
        "late 14:00",
    )
    assert late_sunday.paid_seconds == 8 * H


def test_one_dated_day_is_repeated_from_its_date(tmp_path):
    path = tmp_path / "shifts.csv"
    path.write_text(
        "name,start,end,headcount,breaks,paid_breaks\n"
        "night 22:00,2026-03-03 22:00,2026-03-04 06:00,2,02:00-02:30,\n",
        encoding="utf-8",
    )
    shifts, days, first = read_plan_shifts(path, days=2)
    assert (days, first) == (2, TUESDAY)
    assert [(s.start, s.end) for s in shifts] == [(22 * H, 30 * H), (DAY + 22 * H, DAY + 30 * H)]
    assert shifts[1].breaks == (Break(DAY + 26 * H, DAY + 26.5 * H),)


def test_dated_plan_keeps_its_days(tmp_path):
    path = tmp_path / "shifts.csv"
    path.write_text(
        "name,start,end,headcount,breaks,paid_breaks\n"
        "early 06:00,2026-03-03 06:00,2026-03-03 14:00,2,,\n"
        "late 14:00,2026-03-05 14:00,2026-03-05 22:00,1,,\n",
        encoding="utf-8",
    )
    shifts, days, first = read_plan_shifts(path)
    assert (days, first) == (3, TUESDAY)
    assert [(s.start, s.end, s.headcount) for s in shifts] == [
        (6 * H, 14 * H, 2),
        (2 * DAY + 14 * H, 2 * DAY + 22 * H, 1),
    ]
    with pytest.raises(InputError) as error:
        read_plan_shifts(path, days=7)
    assert str(error.value) == (
        f"days = 7; {path} is a plan of 3 days (2026-03-03 to 2026-03-05); days applies "
        "only to a one-day plan"
    )
    with pytest.raises(InputError, match=r"first_day = 2026-03-03; .* fix the first day"):
        read_plan_shifts(path, first_day=TUESDAY)


HEADER = "name,start,end,headcount,breaks,paid_breaks\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,end,headcount\nx,14:00,1\n", "shifts.csv: no start column"),
        (HEADER + "x,8h,14:00,1,,\n", "shifts.csv row 2 (start): start = '8h'"),
        (HEADER + "x,08:00,2pm,1,,\n", "shifts.csv row 2 (end): start = '2pm'"),
        (HEADER + "x,08:00,14:00,-1,,\n", "shifts.csv row 2: headcount = '-1'"),
        (HEADER + "x,08:00,14:00,1,noon,\n", "shifts.csv row 2: break 'noon'"),
        (
            HEADER + "x,08:00,14:00,1,,\nx,09:00,15:00,1,,\n",
            "shifts.csv row 3: name = 'x' is also the name of row 2, with another start time",
        ),
        (
            HEADER + "x,2026-03-03 08:00,2026-03-03 14:00,1,,\ny,09:00,15:00,1,,\n",
            "shifts.csv row 3: start = '09:00'; the first row's start has a date",
        ),
        (
            HEADER + "x,08:00,2026-03-03 14:00,1,,\n",
            "shifts.csv row 2: end = '2026-03-03 14:00'; the first row's start has a time of day",
        ),
    ],
)
def test_bad_plan_shifts_name_the_row_and_column(tmp_path, text, message):
    path = tmp_path / "shifts.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_plan_shifts(path)
    assert str(error.value).startswith(f"{tmp_path / message}")
    assert "\n" not in str(error.value)


def test_bad_plan_arguments():
    with pytest.raises(InputError, match=r"days = 0; give a whole number of days >= 1"):
        read_plan_shifts(DATA / "roster_day_shifts.csv", days=0)


# --------------------------------------------------------------------------- unavailable days


def test_unavailable_days_join_days_off(tmp_path):
    path = write(
        tmp_path,
        "name,contract_hours,days_off,unavailable\n"
        "Ann,40,6 7,3 2026-03-05 2026-02-27 2026-03-10\n"
        "Bob,40,,\n",
    )
    ann, bob = read_agents(path, first_day=TUESDAY, days=7)
    assert ann.days_off == (3, 6, 7)  # dates outside the 7 days from 2026-03-03 are skipped
    assert bob.days_off == ()
    assert read_agents(path, first_day=TUESDAY)[0].days_off == (3, 6, 7, 8)


@pytest.mark.parametrize(
    ("cell", "kwargs", "message"),
    [
        (
            "monday",
            {},
            "row 2: unavailable = 'monday'; unavailable must be whole numbers >= 1 or dates "
            "like 2026-03-05",
        ),
        ("0", {}, "row 2: unavailable = '0'"),
        (
            "2026-02-30",
            {"first_day": TUESDAY},
            "row 2: unavailable = '2026-02-30'; not a valid date",
        ),
        (
            "2026-03-05",
            {},
            "row 2: unavailable = '2026-03-05'; a date needs the roster's first day",
        ),
        ("8", {"days": 7}, "row 2: unavailable = '8'; the roster has 7 days, numbered 1 to 7"),
    ],
)
def test_bad_unavailable_cells_are_named(tmp_path, cell, kwargs, message):
    path = write(tmp_path, f"name,contract_hours,unavailable\nAnn,40,{cell}\n")
    with pytest.raises(InputError, match=re.escape(message)):
        read_agents(path, **kwargs)


def test_days_off_beyond_the_roster_are_named(tmp_path):
    path = write(tmp_path, "name,contract_hours,days_off\nAnn,40,6 9\n")
    with pytest.raises(InputError, match=re.escape("row 2: days_off = '9'; the roster has 7")):
        read_agents(path, days=7)


# --------------------------------------------------------------------------- OR-Tools extra


def test_loading_rostering_does_not_import_ortools():
    code = (
        "import sys, staffing.rostering, staffing.report.roster; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'ortools'))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "[]"


def test_missing_ortools_is_one_line(monkeypatch, hand):
    real_import = builtins.__import__

    def no_ortools(name, *args, **kwargs):
        if name == "ortools" or name.startswith("ortools."):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ortools)
    shifts, days, _, agents = hand
    with pytest.raises(InputError) as error:
        roster(shifts, agents, days=days)
    assert str(error.value) == MISSING_ORTOOLS
    assert MISSING_ORTOOLS == "rostering needs OR-Tools: pip install 'staffing[roster]'"


def test_bundled_ecommerce_agents_read():
    path = ROOT / "simulations" / "ecommerce_agents.csv"
    agents = read_agents(path, first_day=TUESDAY, days=7)
    assert len(agents) == 427
    assert sum(a.contract for a in agents) / H == 256 * 40 + 171 * 20
    ft002 = next(a for a in agents if a.name == "FT002")
    assert ft002.days_off == (3,)  # unavailable 2026-03-05, day 3 of the week from Tuesday


# =========================================================================== the command


def roster_args(out: Path, *extra: str) -> list[str]:
    shifts, agents = DATA / "roster_day_shifts.csv", DATA / "roster_agents.csv"
    days = ["--days", "3", "--first-day", "2026-03-03"]
    return ["roster", str(shifts), str(agents), *days, "--out", str(out), *extra]


def test_cli_roster_writes_the_hand_solved_week(capsys, tmp_path):
    # the roster of tests/test_rostering.py::test_hand_solved_roster, through the command
    code = main(roster_args(tmp_path / "R"))
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "roster optimal" in out
    table = pd.read_csv(tmp_path / "R" / "roster.csv")
    worked = table[table["shift"] != "off"]
    got = {(r.agent, int(r.day)): r.shift for r in worked.itertuples()}
    assert got == HAND_ROSTER
    assert sorted(p.name for p in (tmp_path / "R").iterdir()) == ["roster.csv", "roster.md"]
    assert "| Ann |" in (tmp_path / "R" / "roster.md").read_text().replace("  ", " ")


def test_cli_roster_without_a_solution_exits_1_with_the_reason(capsys, tmp_path):
    agents = tmp_path / "two.csv"
    agents.write_text("name,contract_hours,max_days\nAnn,16,2\nBob,16,2\n")
    args = roster_args(tmp_path / "R")
    args[2] = str(agents)
    code = main(args)
    _, err = capsys.readouterr()
    assert code == 1
    assert err.strip().splitlines()[-1].startswith("no roster (infeasible): the schedule has 6")
    assert not (tmp_path / "R").exists()


def test_cli_roster_bad_first_day_is_one_line(capsys, tmp_path):
    code = main([*roster_args(tmp_path / "R")[:-2], "--first-day", "3 March", "--out", "R"])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.strip() == ("staffing: error: --first-day = '3 March'; give a date like 2026-03-02")
