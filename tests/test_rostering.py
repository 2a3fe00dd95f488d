"""Rostering: named agents on a week's shifts, contracts, days off, rest, bad agents files."""

import re

import numpy as np
import pytest

from staffing.errors import InputError
from staffing.rostering import Agent, RosterStatus, read_agents, roster
from staffing.scheduling import schedule
from staffing.shifts import Shift, ShiftPattern

H = 3600.0
DAY = 86_400.0


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
