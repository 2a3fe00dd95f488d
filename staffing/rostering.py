"""Rostering: named agents on the shifts of a multi-day schedule, with days off and contracts.

:func:`roster` takes the shifts of a schedule (e.g. :attr:`ScheduleResult.shifts
<staffing.scheduling.ScheduleResult>` on a week), counts the agents each shift needs on each
day, and assigns named :class:`Agent` s to them: every shift filled, at most one shift a day
per agent, each agent's contracted hours reached, days off, banned shifts and the most
working days respected, and a minimum rest between the end of one shift and the start of the
next. Among such rosters it finds one with the fewest paid hours.

Notes
-----
The binary programme of pyworkforce's ``MinHoursRoster`` [1]_ (``a[n, d, s] = 1`` when agent
``n`` works shift ``s`` on day ``d``; shift needs as lower bounds; one shift a day; banned
shifts; forbidden shift sequences; minimum hours; minimise the hours rostered), extended
with a contract minimum, day-off list and working-day cap for each agent (``MinHoursRoster``
takes one minimum for all and has no cap) and with forbidden sequences derived from the
shift times and the minimum rest (11 h by default, the daily rest of the EU Working Time
Directive [2]_). Solved by OR-Tools CP-SAT [3]_, the solver ``MinHoursRoster`` uses.

References
----------
.. [1] pyworkforce, ``pyworkforce.rostering.binary_programming.MinHoursRoster``,
   https://github.com/rodrigo-arenas/pyworkforce
.. [2] Directive 2003/88/EC of the European Parliament and of the Council concerning certain
   aspects of the organisation of working time, Article 3 (daily rest), 2003.
.. [3] L. Perron and F. Didier, "CP-SAT", OR-Tools, Google, 2024.
   https://developers.google.com/optimization/cp/cp_solver

Agents CSV read by :func:`read_agents`
---------------------------------------
One row per agent, the file rules of :func:`staffing.forecast.read_forecast` (UTF-8, ``,``
``;`` or tab, header names case-insensitive):

==================  ===========================================================  ==========
column              meaning                                                      default
==================  ===========================================================  ==========
``name``            the agent's name, unique                                     required
``contract_hours``  paid hours the agent must work over the horizon, ``>= 0``    required
``max_days``        most working days over the horizon                           no cap
``days_off``        day numbers the agent cannot work, counted from 1 (``6 7``)  none
``banned``          shifts or patterns the agent cannot work, separated by ``|``  none
                    (``night`` bans every shift named ``night HH:MM``)
==================  ===========================================================  ==========
"""

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from os import PathLike

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from staffing.errors import InputError
from staffing.forecast import read_rows
from staffing.shifts import Shift

AGENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "agent"),
    "contract_hours": ("contract_hours", "contract", "hours"),
    "max_days?": ("max_days",),
    "days_off?": ("days_off",),
    "banned?": ("banned", "banned_shifts"),
}
"""Accepted headers of an agents CSV; the last three columns are optional."""

DEFAULT_MIN_REST = 11 * 3600.0
"""Minimum rest between two shifts of one agent [s]: 11 h, EU Directive 2003/88/EC art. 3."""

_DAY = 86_400


@dataclass(frozen=True)
class Agent:
    """A named agent and the rules of their contract.

    Attributes
    ----------
    name : str
        Unique, non-empty.
    contract : float
        Paid time the agent must work over the horizon [s], ``>= 0``.
    max_days : int or None
        Most working days over the horizon, or no cap.
    days_off : tuple of int
        Days the agent cannot work, numbered from 1 (the first day of the horizon).
    banned : tuple of str
        Shift names (``"early 06:00"``) or pattern names (``"early"``, banning every shift
        named ``"early HH:MM"``) the agent cannot work.
    """

    name: str
    contract: float
    max_days: int | None = None
    days_off: tuple[int, ...] = ()
    banned: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Check every field, naming the agent and the field at fault."""
        if not isinstance(self.name, str) or not self.name.strip():
            raise InputError(f"Agent.name = {self.name!r}; give a non-empty name")
        where = f"agent {self.name!r}"
        if not _real(self.contract) or not (math.isfinite(self.contract) and self.contract >= 0):
            raise InputError(
                f"{where}: contract = {self.contract!r}; give the paid seconds to work, >= 0"
            )
        if self.max_days is not None and not (_whole(self.max_days) and self.max_days >= 0):
            raise InputError(
                f"{where}: max_days = {self.max_days!r}; give a whole number of days >= 0"
            )
        for day in self.days_off:
            if not (_whole(day) and day >= 1):
                raise InputError(f"{where}: days_off has {day!r}; give day numbers counted from 1")
        object.__setattr__(self, "days_off", tuple(sorted({int(d) for d in self.days_off})))
        if isinstance(self.banned, str) or not all(
            isinstance(b, str) and b.strip() for b in self.banned
        ):
            raise InputError(f"{where}: banned must be a sequence of non-empty shift names")
        object.__setattr__(self, "banned", tuple(b.strip() for b in self.banned))

    def may_work(self, shift_name: str) -> bool:
        """Whether no entry of ``banned`` names this shift or its pattern."""
        return not any(shift_name == b or shift_name.startswith(b + " ") for b in self.banned)


def _real(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float | np.number)


def _whole(value: object) -> bool:
    return _real(value) and math.isfinite(float(value)) and float(value) == int(value)


class RosterStatus(Enum):
    """How the search ended (CP-SAT's status names)."""

    OPTIMAL = "optimal"
    """A roster with the fewest paid hours."""
    FEASIBLE = "feasible"
    """A roster meeting every rule, found before the time limit; maybe not the fewest hours."""
    INFEASIBLE = "infeasible"
    """No roster meets every rule; the messages say which need cannot be met when known."""
    UNKNOWN = "unknown"
    """The time limit came before a roster was found or ruled out."""


@dataclass(frozen=True, eq=False)
class RosterResult:
    """Named agents on the shifts, by :func:`roster`.

    Attributes
    ----------
    status : RosterStatus
        How the search ended.
    roster : pandas.DataFrame
        One row per agent and working day: ``agent``, ``day`` (from 1), ``shift`` (name),
        ``start`` and ``end`` [s from midnight of day one], ``hours`` (paid hours). Empty
        without a roster.
    hours : pandas.DataFrame
        One row per agent: ``agent``, ``contract_hours``, ``hours`` rostered, ``days``
        worked. Hours are paid hours.
    messages : list of str
        Why there is no roster, or what the planner should know (agents beyond the
        schedule's headcount, added to reach contracts).
    runtime : float
        Wall-clock time of the search [s].
    """

    status: RosterStatus
    roster: pd.DataFrame
    hours: pd.DataFrame
    messages: list[str]
    runtime: float


@dataclass(frozen=True)
class _Kind:
    """One shift name of the schedule: its time of day and paid time."""

    name: str
    start: int  # s after midnight of the shift's day
    length: int  # s
    paid: int  # s


def _kinds(shifts: Sequence[Shift]) -> tuple[list[_Kind], dict[tuple[int, int], int]]:
    """Return the distinct shifts by name and the agents needed per (day, kind) index pair."""
    kinds: dict[str, _Kind] = {}
    need: dict[tuple[int, int], int] = {}
    for shift in shifts:
        if not isinstance(shift, Shift) or not shift.name:
            raise InputError("shifts must be named Shift objects (as a ScheduleResult gives)")
        day, start = divmod(round(shift.start), _DAY)
        kind = _Kind(shift.name, start, round(shift.end - shift.start), round(shift.paid_seconds))
        known = kinds.setdefault(shift.name, kind)
        if known != kind:
            raise InputError(
                f"shifts: {shift.name!r} appears with two start times, lengths or paid "
                "times; give each kind of shift its own name"
            )
        key = (day, list(kinds).index(shift.name))
        need[key] = need.get(key, 0) + shift.headcount
    return list(kinds.values()), {k: n for k, n in need.items() if n > 0}


def roster(
    shifts: Sequence[Shift],
    agents: Sequence[Agent],
    *,
    days: int | None = None,
    min_rest: float = DEFAULT_MIN_REST,
    time_limit: float = 10.0,
) -> RosterResult:
    """Assign named agents to the shifts of a schedule, meeting every contract rule.

    Parameters
    ----------
    shifts
        The schedule's shifts (times from midnight of day one); a shift's day is the day it
        starts on, and shifts of one name must share their time of day and length.
    agents
        The agents to roster, with unique names.
    days
        Days in the horizon; by default up to the last day a shift starts on.
    min_rest
        Least time between the end of one shift and the start of the agent's next [s].
    time_limit
        CP-SAT time limit [s].

    Returns
    -------
    RosterResult
        Status, the roster table, hours per agent against contract, messages.

    Raises
    ------
    InputError
        For invalid shifts, agents or arguments (e.g. a day off beyond the horizon).
    """
    clock = time.perf_counter()
    kinds, need = _kinds(shifts)
    last = max((d for d, _ in need), default=0) + 1
    if days is None:
        days = last
    if not (_whole(days) and days >= last):
        raise InputError(f"days = {days!r}; give a whole number >= {last}, the shifts' days")
    days = int(days)
    if not all(isinstance(a, Agent) for a in agents) or not agents:
        raise InputError("agents must be a non-empty sequence of Agent")
    names = [a.name for a in agents]
    twice = {n for n in names if names.count(n) > 1}
    if twice:
        raise InputError(f"agents: name {sorted(twice)[0]!r} appears twice; names must be unique")
    for agent in agents:
        if agent.days_off and agent.days_off[-1] > days:
            raise InputError(
                f"agent {agent.name!r}: day off {agent.days_off[-1]} is beyond the horizon "
                f"of {days} days"
            )
    if not _real(min_rest) or not (math.isfinite(min_rest) and min_rest >= 0):
        raise InputError(f"min_rest = {min_rest!r}; give a number of seconds >= 0")
    if not _real(time_limit) or not (math.isfinite(time_limit) and time_limit > 0):
        raise InputError(f"time_limit = {time_limit!r}; give a number of seconds > 0")

    # One variable per agent and needed (day, shift) the agent may work.
    can = {
        (n, d, s): None
        for n, agent in enumerate(agents)
        for d, s in need
        if d + 1 not in agent.days_off and agent.may_work(kinds[s].name)
    }
    problems = _precheck(agents, kinds, need, can, days)
    if problems:
        return _empty(RosterStatus.INFEASIBLE, agents, problems, clock)

    model = cp_model.CpModel()
    work = {key: model.new_bool_var(f"a{key}") for key in can}
    by_slot: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    by_day: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    for (n, d, s), var in work.items():
        by_slot.setdefault((d, s), []).append(var)
        by_day.setdefault((n, d), []).append(var)
    for slot, count in need.items():
        model.add(sum(by_slot[slot]) >= count)
    for vars_ in by_day.values():
        model.add_at_most_one(vars_)
    reach = int(min_rest + max(k.length for k in kinds)) // _DAY + 1
    for (n, d, s), var in work.items():
        end = d * _DAY + kinds[s].start + kinds[s].length
        for d2 in range(d + 1, min(d + reach + 1, days)):
            for s2 in range(len(kinds)):
                other = work.get((n, d2, s2))
                if other is not None and d2 * _DAY + kinds[s2].start - end < min_rest:
                    model.add_bool_or([var.Not(), other.Not()])
    for n, agent in enumerate(agents):
        mine = [(var, kinds[s].paid) for (m, _, s), var in work.items() if m == n]
        model.add(sum(v * p for v, p in mine) >= math.ceil(agent.contract))
        if agent.max_days is not None:
            model.add(sum(v for v, _ in mine) <= agent.max_days)
    model.minimize(sum(var * kinds[s].paid for (_, _, s), var in work.items()))

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_workers = 2
    status = RosterStatus[solver.status_name(solver.solve(model))]
    if status is RosterStatus.INFEASIBLE:
        rest = f"{min_rest / 3600:g} h rest between shifts"
        why = (
            "no roster meets every rule at once (shift needs, days off, banned shifts, "
            f"max_days, contract hours, {rest}); relax one of them or add agents"
        )
        return _empty(status, agents, [why], clock)
    if status is RosterStatus.UNKNOWN:
        why = f"no roster found or ruled out within time_limit = {time_limit:g} s; raise it"
        return _empty(status, agents, [why], clock)

    rows = [
        {
            "agent": agents[n].name,
            "day": d + 1,
            "shift": kinds[s].name,
            "start": float(d * _DAY + kinds[s].start),
            "end": float(d * _DAY + kinds[s].start + kinds[s].length),
            "hours": kinds[s].paid / 3600,
        }
        for (n, d, s), var in sorted(work.items())
        if solver.value(var)
    ]
    table = pd.DataFrame(rows, columns=["agent", "day", "shift", "start", "end", "hours"])
    extra = len(rows) - sum(need.values())
    messages = []
    if extra:
        messages.append(
            f"{extra} shifts rostered beyond the schedule's headcount to reach contract hours"
        )
    return RosterResult(status, table, _hours(agents, table), messages, time.perf_counter() - clock)


def _precheck(
    agents: Sequence[Agent],
    kinds: list[_Kind],
    need: dict[tuple[int, int], int],
    can: dict[tuple[int, int, int], None],
    days: int,
) -> list[str]:
    """Needs that no roster can meet, found by counting: one message each."""
    out = []
    for (d, s), count in sorted(need.items()):
        able = sum((n, d, s) in can for n in range(len(agents)))
        if able < count:
            out.append(
                f"day {d + 1}: shift {kinds[s].name!r} needs {count} agents but only {able} "
                "can work it (days off, banned shifts)"
            )
    for d in range(days):
        count = sum(c for (day, _), c in need.items() if day == d)
        able = sum(any((n, d, s) in can for s in range(len(kinds))) for n in range(len(agents)))
        if able < count:
            out.append(
                f"day {d + 1} needs {count} agents on shifts but only {able} can work that day"
            )
    capacity = 0
    for n, agent in enumerate(agents):
        open_days = [d for d in range(days) if any((n, d, s) in can for s in range(len(kinds)))]
        most = len(open_days) if agent.max_days is None else min(agent.max_days, len(open_days))
        capacity += most
        longest = sorted(
            (max(kinds[s].paid for s in range(len(kinds)) if (n, d, s) in can) for d in open_days),
            reverse=True,
        )[:most]
        if sum(longest) < agent.contract:
            out.append(
                f"agent {agent.name!r}: contract of {agent.contract / 3600:g} h cannot be "
                f"reached: at most {sum(longest) / 3600:g} h on the shifts they may work"
            )
    total = sum(need.values())
    if capacity < total:
        out.append(
            f"the schedule has {total} agent-shifts but the agents can work at most "
            f"{capacity} days in all; add agents or relax days off and max_days"
        )
    return out


def _hours(agents: Sequence[Agent], table: pd.DataFrame) -> pd.DataFrame:
    """Hours and days rostered per agent, against the contract."""
    worked = table.groupby("agent")["hours"].agg(["sum", "count"])
    return pd.DataFrame(
        {
            "agent": [a.name for a in agents],
            "contract_hours": [a.contract / 3600 for a in agents],
            "hours": [float(worked["sum"].get(a.name, 0.0)) for a in agents],
            "days": [int(worked["count"].get(a.name, 0)) for a in agents],
        }
    )


def _empty(
    status: RosterStatus, agents: Sequence[Agent], messages: list[str], clock: float
) -> RosterResult:
    table = pd.DataFrame(columns=["agent", "day", "shift", "start", "end", "hours"])
    return RosterResult(status, table, _hours(agents, table), messages, time.perf_counter() - clock)


def read_agents(path: str | PathLike[str]) -> list[Agent]:
    """Agents from a CSV (format in the module docstring); errors name the row and field."""
    agents = []
    seen: dict[str, str] = {}
    for where, cells in read_rows(path, AGENT_COLUMNS):
        name = cells["name"]
        if not name:
            raise InputError(f"{where}: name is empty; give each agent a name")
        if name in seen:
            raise InputError(
                f"{where}: name {name!r} appears twice ({seen[name]}); names must be unique"
            )
        seen[name] = " ".join(where.rsplit(" ", 2)[-2:])
        hours = _cell_number(cells["contract_hours"], where, "contract_hours", "hours >= 0")
        max_days = None
        if cells["max_days"]:
            max_days = _cell_whole(cells["max_days"], where, "max_days", 0)
        days_off = tuple(
            _cell_whole(item, where, "days_off", 1)
            for item in cells["days_off"].replace(",", " ").split()
        )
        banned = tuple(b.strip() for b in cells["banned"].split("|") if b.strip())
        agents.append(Agent(name, hours * 3600, max_days, days_off, banned))
    if not agents:
        raise InputError(f"{path}: no agents; give one row per agent")
    return agents


def _cell_number(text: str, where: str, field: str, rule: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        raise InputError(f"{where}: {field} = {text!r}; {field} must be a number of {rule}")
    return value


def _cell_whole(text: str, where: str, field: str, least: int) -> int:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value == int(value) and value >= least):
        raise InputError(f"{where}: {field} = {text!r}; {field} must be whole numbers >= {least}")
    return int(value)
