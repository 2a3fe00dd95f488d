r"""Deferred work (email, back office) as a fluid deadline constraint of the schedule.

Items of deferred work wait in a backlog, worked oldest first, by agents who have no voice
or chat contact to take (blending), and must be handled within a deadline. For a schedule
only the fluid view matters: work is a continuous quantity [agent-seconds], the agents on
the phones in an interval take it at the rate of their time left over by the voice and chat
load, and a schedule is good enough when, at the end of every interval, the work done so far
covers the starting backlog and the items that are due by then. This is the fluid view of
blended, deferrable back-office work in the call-center survey of Gans, Koole & Mandelbaum
[1]_ (its discussion of call blending and of fluid models of the day: the deferred queue
absorbs the inbound agents' idle time and is judged by the work it leaves undone). The
cumulative rows below are written here for a piecewise-constant capacity; that a server
doing the oldest (here: earliest-due) work first meets every deadline iff its cumulative
work dominates the cumulative due work at every deadline is the optimality of
earliest-deadline-first of Liu & Layland [2]_.

Notes
-----
With interval length :math:`\Delta`, ``work`` :math:`W_t` arriving in interval ``t``,
starting ``backlog`` :math:`B`, coverage :math:`c_t` (agents on the phones, net of breaks),
other ``load`` :math:`L_t` [Erlang] and ``usable`` share :math:`\eta`, the fluid plan does
work :math:`p_t \ge 0` in interval ``t`` with cumulative :math:`P_t = \sum_{s \le t} p_s`:

.. math::

    p_t \le \eta \, (c_t - L_t) \, \Delta                   \quad\text{(capacity)}\\
    P_t \le B + \sum_{s \le t} W_s                           \quad\text{(availability)}\\
    P_t \ge B \, [t \ge t_B] + \sum_{s:\, d(s) \le t} W_s    \quad\text{(deadline)}\\
    P_{K-1} \ge \sum_s W_s                                   \quad\text{(sustainability)}

Work arriving in an interval may be done in it (fluidly). **Due** is defined conservatively:
the items of interval ``s`` are due at :math:`\tau_s = g_s + \lceil D / \Delta \rceil \Delta`
(``g_s`` the interval's start, ``D`` the deadline): the deadline of its earliest item,
rounded up to whole intervals (for a deadline that is a multiple of the interval, which
24 h, 4 h or 1 h are, no item gets more than its deadline). They count in the deadline row
:math:`d(s)` of the last grid interval ending at or before :math:`\tau_s` (a deadline of
one interval makes each interval's items due in that interval). The starting backlog is due
``deadline`` after the horizon's start, by the same rule (:math:`t_B = d(0)`).

*Gaps.* A grid may skip hours (a line open 08:00-20:00 every day): nobody works in a gap, so
the backlog simply carries over it, and items due inside a gap are due at the end of the
last interval before it (finishing them at 20:00 or by 08:00 the next morning is the same
thing, nobody working in between). Items due after the end of the horizon's last interval
are not due within the horizon; they are the backlog carried over, which the
sustainability row keeps from growing: the backlog at the horizon's end is at most the one
at its start, so with ``deadline = inf`` the schedule still has to work the horizon's
average workload.

*Cyclic horizons* (a 24/7 week planned as one repeating week): the backlog at the start is
the one the horizon carries over to itself (a steady state): with ``backlog = 0`` it is
chosen with the schedule, a variable :math:`b` (at most the work not due within the
horizon), the latest arrivals of the horizon worked at the start of the next repetition.
A given ``backlog`` is taken as that carry-over, :math:`b = B`; the part of it beyond the
work the horizon itself leaves undue is older and due like a backlog at the start
(:math:`t_B`). Items due after the
horizon's end are due at :math:`\tau_s` minus the horizon's length in the next repetition
(at the horizon's last interval when that falls before the first interval ends); with
:math:`N_t` the carried work not yet due by the end of interval ``t``, the deadline rows
read :math:`P_t \ge b - N_t + \sum_{d(s) \le t} W_s` and availability
:math:`P_t \le b + \sum_{s \le t} W_s`; sustainability stays as it is (:math:`P_{K-1} \ge
\sum_s W_s`: the horizon leaves at most the carry-over it found). A deadline that would
wrap more than once is never due (only sustainability applies).

*Lateness* must not make a schedule impossible: in :func:`staffing.scheduling.schedule` the
deadline rows take a slack (work overdue at the end of an interval) and the sustainability
row another (the backlog's growth), each costing the shortfall penalty per agent-interval,
so an agent-hour overdue for one hour costs what an agent-hour short does. Where the
coverage falls below the load there is no free time (:math:`p_t = 0`); the programme lets it
fall there only at twice the shortfall penalty per agent below the load (a slack on the
capacity row), so a requirement below the load costs more with deferred work than without.

Once the schedule is chosen, the fluid plan reported is the work-conserving one
(:func:`fluid_plan`): each interval does all the work it can. It reaches every
cumulative level at least as early as any other plan under the same coverage, so it meets
every deadline row that any plan meets, and what it leaves late is the least possible.

References
----------
.. [1] N. Gans, G. Koole and A. Mandelbaum, "Telephone call centers: tutorial, review, and
   research prospects", Manufacturing & Service Operations Management 5(2), 79-141, 2003.
   doi:10.1287/msom.5.2.79.16071
.. [2] C. L. Liu and J. W. Layland, "Scheduling algorithms for multiprogramming in a
   hard-real-time environment", Journal of the ACM 20(1), 46-61, 1973.
   doi:10.1145/321738.321743
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from staffing._checks import is_real
from staffing.errors import InputError

_DAY = 86_400.0
_TOL = 1e-9


def _array(value: object, field: str, rule: str) -> NDArray[np.float64]:
    """Return a non-empty 1-d array of finite numbers >= 0, or raise naming the first bad one."""
    try:
        array = np.array(value, dtype=np.float64, ndmin=1)
    except (TypeError, ValueError):
        raise InputError(f"DeferredWork {field} = {value!r}; {field} must be {rule}") from None
    if array.ndim != 1 or array.size == 0:
        raise InputError(
            f"DeferredWork {field} has shape {array.shape}; give a non-empty 1-d array ({rule})"
        )
    bad = np.flatnonzero(~np.isfinite(array) | (array < 0))
    if bad.size:
        i = int(bad[0])
        raise InputError(f"DeferredWork {field}[{i}] = {array[i]:g}; {field} must be {rule}")
    return array


def _scalar(value: object, field: str, rule: str, ok: Callable[[float], bool]) -> float:
    """``value`` as a float (inf allowed where ``ok`` allows it), or InputError."""
    number = float(value) if is_real(value) else math.nan
    if math.isnan(number) or not ok(number):
        raise InputError(f"DeferredWork {field} = {value!r}; {field} must be {rule}")
    return number


@dataclass(frozen=True, eq=False)
class DeferredWork:
    """Deferred work (email, back office) that a schedule's agents must fit in their idle time.

    Arrays are copied, made read-only and validated when the object is built.

    Parameters
    ----------
    work
        Work arriving per interval of the schedule's grid [agent-seconds]: items x handle
        time x the group's handle-time factor; finite, >= 0. Work arriving while the grid
        has no interval (closed hours) belongs to the next interval of the grid.
    deadline
        Time within which an item must be handled after it arrives [s], > 0; ``math.inf``
        for no deadline (the schedule must then still keep up with the work on average).
    backlog
        Work waiting at the start of the horizon [agent-seconds], finite, >= 0; due
        ``deadline`` after the horizon's start (on a cyclic horizon, the carry-over from
        the previous repetition: see the module's Notes).
    load
        Voice and chat load the same agents carry per interval [Erlang], finite, >= 0:
        only the coverage above it is free for deferred work. None: no other work.
    usable
        Share of the free time that deferred work may take, in (0, 1] (below 1 to leave the
        voice queue some idle agents).

    Raises
    ------
    InputError
        If any rule above is broken; the message names the field and index at fault.

    Examples
    --------
    Ten 6-minute emails an hour for two hours, due within 4 hours:

    >>> d = DeferredWork.from_items([10, 10], 360, deadline=4 * 3600)
    >>> d.work, d.total
    (array([3600., 3600.]), 7200.0)
    """

    work: np.ndarray
    deadline: float
    backlog: float = 0.0
    load: np.ndarray | None = None
    usable: float = 1.0

    def __post_init__(self) -> None:
        work = _array(self.work, "work", "agent-seconds >= 0 per interval")
        deadline = _scalar(
            self.deadline, "deadline", "a number of seconds > 0, or math.inf", lambda v: v > 0
        )
        backlog = _scalar(
            self.backlog,
            "backlog",
            "a finite number of agent-seconds >= 0",
            lambda v: 0 <= v < math.inf,
        )
        usable = _scalar(self.usable, "usable", "a share in (0, 1]", lambda v: 0 < v <= 1)
        if self.load is None:
            load = np.zeros(work.size)
        else:
            load = _array(self.load, "load", "Erlangs >= 0 per interval")
            if load.size != work.size:
                raise InputError(
                    f"DeferredWork load has {load.size} intervals but work {work.size}; give "
                    "one load per interval"
                )
        for array in (work, load):
            array.setflags(write=False)
        object.__setattr__(self, "work", work)
        object.__setattr__(self, "deadline", deadline)
        object.__setattr__(self, "backlog", backlog)
        object.__setattr__(self, "load", load)
        object.__setattr__(self, "usable", usable)

    @classmethod
    def from_items(
        cls,
        items: ArrayLike,
        handle_time: ArrayLike,
        deadline: float,
        *,
        backlog: float = 0.0,
        handle_factor: float = 1.0,
        load: ArrayLike | None = None,
        usable: float = 1.0,
    ) -> "DeferredWork":
        """Build it from items per interval and their handle time.

        Parameters
        ----------
        items
            Items arriving per interval, >= 0.
        handle_time
            Mean handle time of an item [s], one value or one per interval, > 0.
        deadline
            As in the class [s].
        backlog
            Items waiting at the start of the horizon, >= 0; each takes the first
            interval's handle time.
        handle_factor
            The group's handle-time factor (proficiency), > 0.
        load, usable
            As in the class.

        Returns
        -------
        DeferredWork
            With ``work = items x handle_time x handle_factor`` [agent-seconds].
        """
        count = _array(items, "items", "a number of items >= 0 per interval")
        aht = _array(handle_time, "handle_time", "seconds > 0")
        if aht.size not in (1, count.size):
            raise InputError(
                f"DeferredWork handle_time has {aht.size} values but items {count.size}; give "
                "one handle time or one per interval"
            )
        if np.any(aht <= 0):
            i = int(np.flatnonzero(aht <= 0)[0])
            raise InputError(f"DeferredWork handle_time[{i}] = {aht[i]:g}; handle_time must be > 0")
        factor = _scalar(
            handle_factor, "handle_factor", "a finite number > 0", lambda v: 0 < v < math.inf
        )
        waiting = _scalar(
            backlog, "backlog", "a finite number of items >= 0", lambda v: 0 <= v < math.inf
        )
        aht = np.broadcast_to(aht, count.shape) * factor
        return cls(count * aht, deadline, waiting * float(aht[0]), load, usable)

    @property
    def total(self) -> float:
        """Work arriving over the horizon [agent-seconds]."""
        return float(self.work.sum())

    def dues(self, grid: NDArray[np.float64], interval: float, cyclic: bool = False) -> "Dues":
        """When the work falls due on a grid, by the rules of the module's Notes.

        Parameters
        ----------
        grid
            Interval starts [s after midnight of day one], increasing, one per ``work``.
        interval
            Interval length [s].
        cyclic
            Whether the horizon repeats (its length is whole days).

        Returns
        -------
        Dues

        Raises
        ------
        InputError
            If the grid's length differs from ``work``'s.
        """
        grid = np.asarray(grid, dtype=float)
        n = self.work.size
        if grid.size != n:
            raise InputError(
                f"deferred work has {n} intervals but the grid {grid.size}; give one work "
                "value per interval"
            )
        end = grid + interval
        pending = np.zeros(n)
        if math.isinf(self.deadline):
            carry = self.total if cyclic else 0.0
            return Dues(np.zeros(n), np.full(n, -1), None, pending + carry, carry, cyclic)
        span = math.ceil(self.deadline / interval - _TOL) * interval
        inside = grid + span <= end[-1] + _TOL
        row = np.where(inside, np.searchsorted(end, grid + span, side="right") - 1, -1)
        backlog_row = int(row[0]) if inside[0] else None
        carry = 0.0
        if cyclic:
            period = (int(grid[-1] // _DAY) + 1) * _DAY
            later = grid + span - period  # due time in the next repetition
            wrapped = np.searchsorted(end, later, side="right") - 1
            # due before the next repetition's first interval ends: by this horizon's end
            row[~inside & (wrapped < 0)] = n - 1
            carried = row < 0
            carry = float(self.work[carried].sum())
            landed = carried & (later <= end[-1] + _TOL)  # the rest wraps more than once
            pending = (
                carry
                - np.bincount(wrapped[landed], weights=self.work[landed], minlength=n).cumsum()
            )
        due_in = row >= 0
        due = np.bincount(row[due_in], weights=self.work[due_in], minlength=n).cumsum()
        return Dues(due, row, backlog_row, pending, carry, cyclic)


@dataclass(frozen=True)
class Dues:
    """When deferred work falls due on a grid (:meth:`DeferredWork.dues`).

    Attributes
    ----------
    due : ndarray of float
        Work arriving in the horizon that is due by the end of each interval, cumulative
        [agent-seconds] (the starting backlog excluded).
    row : ndarray of int
        For each interval's arrivals, the interval by whose end they are due; -1 when
        they are not due within the horizon (carried over).
    backlog_row : int or None
        Interval by whose end the starting backlog is due; None when it is not due within
        the horizon.
    pending : ndarray of float
        Cyclic horizons: work carried over from the previous repetition that is not yet due
        by the end of each interval [agent-seconds] (zeros otherwise).
    carry : float
        Cyclic horizons: the work not due within the horizon, the most it can carry over
        [agent-seconds] (0 otherwise).
    cyclic : bool
        Whether the horizon repeats.
    """

    due: NDArray[np.float64]
    row: NDArray[np.int64]
    backlog_row: int | None
    pending: NDArray[np.float64]
    carry: float
    cyclic: bool

    def required(self, backlog: float) -> NDArray[np.float64]:
        """Work that must be done by the end of each interval [agent-seconds], cumulative.

        ``backlog`` is the work waiting at the start. With a cyclic horizon, up to
        ``carry`` of it is the previous repetition's latest arrivals, due as they land
        (as ``pending`` falls); any more is older, due like a backlog at the horizon's
        start.
        """
        start = np.zeros(self.due.size)
        older = max(backlog - self.carry, 0.0) if self.cyclic else backlog
        if self.backlog_row is not None:
            start[self.backlog_row :] = older
        if self.cyclic:
            start += np.maximum(min(backlog, self.carry) - self.pending, 0.0)
        return start + self.due


def fluid_plan(
    work: NDArray[np.float64], capacity: NDArray[np.float64], backlog: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Plan the deferred work fluidly and work-conserving: each interval does all it can.

    Parameters
    ----------
    work
        Work arriving per interval [agent-seconds].
    capacity
        Time free for deferred work per interval [agent-seconds], >= 0.
    backlog
        Work waiting at the start [agent-seconds].

    Returns
    -------
    done, waiting : ndarray of float
        Work done in each interval and left waiting at its end [agent-seconds].
    """
    done = np.zeros(work.size)
    waiting = np.zeros(work.size)
    left = backlog
    for t in range(work.size):
        done[t] = min(capacity[t], left + work[t])
        left = max(left + work[t] - done[t], 0.0)
        waiting[t] = left
    return done, waiting


def late_work(done: NDArray[np.float64], required: NDArray[np.float64]) -> tuple[float, int | None]:
    """Work done after its deadline, and the first interval whose due work is not all done.

    Work becomes due in interval ``t`` from the cumulative level ``R[t-1]`` to ``R[t]``
    (``required``, non-decreasing); done cumulatively up to ``P[t]``, oldest first, the part
    above ``max(P[t], R[t-1])`` misses its deadline.

    Parameters
    ----------
    done
        Work done per interval [agent-seconds].
    required
        Work due by the end of each interval, cumulative [agent-seconds].

    Returns
    -------
    late : float
        Work done after its deadline (or not at all within the horizon) [agent-seconds].
    first : int or None
        The first interval by whose end due work is left undone, or None.
    """
    level = np.maximum.accumulate(required)
    before = np.concatenate([[0.0], level[:-1]])
    late = np.maximum(level - np.maximum(np.cumsum(done), before), 0.0)
    late[late < 1e-6] = 0.0
    first = np.flatnonzero(late > 0)
    return float(late.sum()), int(first[0]) if first.size else None
