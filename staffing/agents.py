"""Named agents and their contracts: the people a roster assigns to shifts.

:class:`Agent` holds one agent's rules (contract hours, most working days, days off, banned
shifts), validated when built; :func:`read_agents` reads them from a CSV.

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
``unavailable``     other days the agent cannot work (holidays, training): day   none
                    numbers or dates (``3 2026-03-05``)
==================  ===========================================================  ==========

``contract_hours`` is the least the agent works; ``max_days`` and ``banned`` (e.g. a
part-timer banned from ``full-time``) bound what more they may be given. ``unavailable``
days join ``days_off``: a date becomes the day number counted from the roster's first day
(``first_day`` of :func:`read_agents`), and dates outside the roster's days are skipped, so
one file can list a year's holidays. Day numbers beyond the roster's days are errors.
"""

import math
import re
from dataclasses import dataclass
from datetime import date
from os import PathLike

from staffing._checks import is_real, is_whole
from staffing.csvfile import read_rows
from staffing.errors import InputError

AGENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "agent"),
    "contract_hours": ("contract_hours", "contract", "hours"),
    "max_days?": ("max_days",),
    "days_off?": ("days_off",),
    "banned?": ("banned", "banned_shifts"),
    "unavailable?": ("unavailable", "unavailable_days"),
}
"""Accepted headers of an agents CSV; the last four columns are optional."""

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


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
        if not is_real(self.contract) or not (math.isfinite(self.contract) and self.contract >= 0):
            raise InputError(
                f"{where}: contract = {self.contract!r}; give the paid seconds to work, >= 0"
            )
        if self.max_days is not None and not (is_whole(self.max_days) and self.max_days >= 0):
            raise InputError(
                f"{where}: max_days = {self.max_days!r}; give a whole number of days >= 0"
            )
        for day in self.days_off:
            if not (is_whole(day) and day >= 1):
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


def read_agents(
    path: str | PathLike[str], *, first_day: date | None = None, days: int | None = None
) -> list[Agent]:
    """Agents from a CSV (format in the module docstring); errors name the row and column.

    Parameters
    ----------
    path
        The agents CSV; messages name it as given.
    first_day
        Date of the roster's first day, to turn ``unavailable`` dates into day numbers;
        without it those dates are an error.
    days
        Days of the roster: day numbers beyond it are an error, and ``unavailable`` dates
        outside the roster's days are skipped. No check by default.

    Returns
    -------
    list of Agent
        In file order; ``days_off`` holds the ``unavailable`` days too.

    Raises
    ------
    InputError
        For a bad file or cell, naming the file, the row and the column.
    """
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
        days_off = [
            _day(item, where, "days_off", days)
            for item in cells["days_off"].replace(",", " ").split()
        ]
        unavailable = [
            _unavailable(item, where, first_day, days)
            for item in cells["unavailable"].replace(",", " ").split()
        ]
        days_off += [d for d in unavailable if d is not None]
        banned = tuple(b.strip() for b in cells["banned"].split("|") if b.strip())
        agents.append(Agent(name, hours * 3600, max_days, tuple(days_off), banned))
    if not agents:
        raise InputError(f"{path}: no agents; give one row per agent")
    return agents


def _day(text: str, where: str, field: str, days: int | None, also: str = "") -> int:
    """Day number of a cell item, from 1 and at most ``days`` when given."""
    number = _cell_whole(text, where, field, 1, also)
    if days is not None and number > days:
        raise InputError(
            f"{where}: {field} = {text!r}; the roster has {days} days, numbered 1 to {days}"
        )
    return number


def _unavailable(text: str, where: str, first_day: date | None, days: int | None) -> int | None:
    """Day number of an ``unavailable`` item, or None for a date outside the roster's days."""
    if not _DATE.fullmatch(text):
        return _day(text, where, "unavailable", days, "or dates like 2026-03-05")
    try:
        day = date.fromisoformat(text)
    except ValueError as error:
        raise InputError(f"{where}: unavailable = {text!r}; not a valid date ({error})") from None
    if first_day is None:
        raise InputError(
            f"{where}: unavailable = {text!r}; a date needs the roster's first day (a dated plan, "
            "or first_day / --first-day); give day numbers counted from 1 instead"
        )
    number = (day - first_day).days + 1
    return number if number >= 1 and (days is None or number <= days) else None


def _cell_number(text: str, where: str, field: str, rule: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        raise InputError(f"{where}: {field} = {text!r}; {field} must be a number of {rule}")
    return value


def _cell_whole(text: str, where: str, field: str, least: int, also: str = "") -> int:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value == int(value) and value >= least):
        rule = f"{field} must be whole numbers >= {least}" + (f" {also}" if also else "")
        raise InputError(f"{where}: {field} = {text!r}; {rule}")
    return int(value)
