"""Rostering: named agents on the shifts of a multi-day schedule, with days off and contracts.

:func:`roster` takes the shifts of a schedule (e.g. :attr:`ScheduleResult.shifts
<staffing.scheduling.ScheduleResult>` on a week), counts the agents each shift needs on each
day, and assigns named :class:`Agent` s to them: every shift filled, at most one shift a day
per agent, each agent's contracted hours reached, days off, banned shifts and the most
working days respected, and a minimum rest between the end of one shift and the start of the
next. Among such rosters it finds one with the fewest paid hours.
:func:`staffing.shifts.read_plan_shifts` reads the shifts from a plan's ``shifts.csv`` (a
one-day plan repeated over a week) and :func:`staffing.agents.read_agents` the agents from
a CSV; :mod:`staffing.report.roster` writes the roster.

OR-Tools is an optional extra (``pip install 'staffing[roster]'``): it is imported by
:func:`roster` alone, so loading this module does not load it.

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

"""

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from types import ModuleType

import pandas as pd

from staffing._checks import is_real, is_whole
from staffing.agents import Agent
from staffing.errors import InputError
from staffing.shifts import Shift

MISSING_ORTOOLS = "rostering needs OR-Tools: pip install 'staffing[roster]'"
"""The message of the :class:`InputError` raised by :func:`roster` without OR-Tools."""

DEFAULT_MIN_REST = 11 * 3600.0
"""Minimum rest between two shifts of one agent [s]: 11 h, EU Directive 2003/88/EC art. 3."""

_DAY = 86_400


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
        Why there is no roster (the most binding reason first), or what the planner should
        know (shifts beyond the schedule's headcount, added to reach contracts). One line each.
    runtime : float
        Wall-clock time of the search [s].
    days : int
        Days in the horizon.
    needed : pandas.DataFrame
        The schedule's needs: one row per day and shift name with agents needed, ``day``
        (from 1), ``shift``, ``headcount``.
    """

    status: RosterStatus
    roster: pd.DataFrame
    hours: pd.DataFrame
    messages: list[str]
    runtime: float
    days: int
    needed: pd.DataFrame

    @property
    def has_roster(self) -> bool:
        """Whether a roster meeting every rule was found (optimal or not)."""
        return self.status in (RosterStatus.OPTIMAL, RosterStatus.FEASIBLE)

    @property
    def reason(self) -> str:
        """Why there is no roster, in one line (``""`` when there is one)."""
        if self.has_roster:
            return ""
        more = len(self.messages) - 1
        return self.messages[0] + (f" (and {more} more problems)" if more > 0 else "")


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
        For invalid shifts, agents or arguments (e.g. a day off beyond the horizon), or
        without OR-Tools (:data:`MISSING_ORTOOLS`).
    """
    cp_model = _cp_model()
    clock = time.perf_counter()
    kinds, need = _kinds(shifts)
    last = max((d for d, _ in need), default=0) + 1
    if days is None:
        days = last
    if not (is_whole(days) and days >= last):
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
    if not is_real(min_rest) or not (math.isfinite(min_rest) and min_rest >= 0):
        raise InputError(f"min_rest = {min_rest!r}; give a number of seconds >= 0")
    if not is_real(time_limit) or not (math.isfinite(time_limit) and time_limit > 0):
        raise InputError(f"time_limit = {time_limit!r}; give a number of seconds > 0")

    # One variable per agent and needed (day, shift) the agent may work.
    can = {
        (n, d, s): None
        for n, agent in enumerate(agents)
        for d, s in need
        if d + 1 not in agent.days_off and agent.may_work(kinds[s].name)
    }
    needed = pd.DataFrame(
        [(d + 1, kinds[s].name, n) for (d, s), n in sorted(need.items())],
        columns=["day", "shift", "headcount"],
    )
    problems = _precheck(agents, kinds, need, can, days)
    if problems:
        return _result(RosterStatus.INFEASIBLE, agents, problems, clock, days, needed)

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
        return _result(status, agents, [why], clock, days, needed)
    if status is RosterStatus.UNKNOWN:
        why = f"no roster found or ruled out within time_limit = {time_limit:g} s; raise it"
        return _result(status, agents, [why], clock, days, needed)

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
    return _result(status, agents, messages, clock, days, needed, table)


def _cp_model() -> ModuleType:
    """Return OR-Tools' CP-SAT module, imported on first use (an optional extra)."""
    try:
        from ortools.sat.python import cp_model
    except ImportError:
        raise InputError(MISSING_ORTOOLS) from None
    return cp_model


def _precheck(
    agents: Sequence[Agent],
    kinds: list[_Kind],
    need: dict[tuple[int, int], int],
    can: dict[tuple[int, int, int], None],
    days: int,
) -> list[str]:
    """Needs that no roster can meet, found by counting: one line each, the widest first.

    The order is the whole horizon, then days, then shifts, then agents' contracts, so the
    first message is the most binding one (:attr:`RosterResult.reason`).
    """
    horizon, by_day, by_shift, contracts = [], [], [], []
    for (d, s), count in sorted(need.items()):
        able = sum((n, d, s) in can for n in range(len(agents)))
        if able < count:
            by_shift.append(
                f"day {d + 1}: shift {kinds[s].name!r} needs {count} agents but only {able} "
                "can work it (days off, banned shifts)"
            )
    for d in range(days):
        count = sum(c for (day, _), c in need.items() if day == d)
        able = sum(any((n, d, s) in can for s in range(len(kinds))) for n in range(len(agents)))
        if able < count:
            by_day.append(
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
            contracts.append(
                f"agent {agent.name!r}: contract of {agent.contract / 3600:g} h cannot be "
                f"reached: at most {sum(longest) / 3600:g} h on the shifts they may work"
            )
    total = sum(need.values())
    if capacity < total:
        paid = sum(kinds[s].paid * c for (_, s), c in need.items()) / 3600
        horizon.append(
            f"the schedule has {total} shifts ({paid:g} paid hours) but the agents can work "
            f"at most {capacity} of them (days off, banned shifts, max_days); add agents or "
            "relax those rules"
        )
    return horizon + by_day + by_shift + contracts


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


def _result(
    status: RosterStatus,
    agents: Sequence[Agent],
    messages: list[str],
    clock: float,
    days: int,
    needed: pd.DataFrame,
    table: pd.DataFrame | None = None,
) -> RosterResult:
    """Wrap up a solve started at ``clock``; without a ``table`` there is no roster."""
    if table is None:
        table = pd.DataFrame(columns=["agent", "day", "shift", "start", "end", "hours"])
    return RosterResult(
        status,
        table,
        _hours(agents, table),
        messages,
        time.perf_counter() - clock,
        days,
        needed,
    )
