r"""Shift scheduling: how many agents start each shift pattern, with breaks placed, at least cost.

A :class:`ShiftPattern` is a kind of shift (length, allowed start times of day, break rules,
cost); :func:`schedule` chooses how many agents start each pattern at each allowed start on
each day of the horizon, and where each of their breaks falls, so that the agents on the
phones cover a requirement per interval at the least cost. The result is a list of
:class:`staffing.shifts.Shift` objects with concrete breaks, ready for
:func:`staffing.shifts.coverage` and the simulator.

Times are seconds from midnight of the horizon's first day (as in :mod:`staffing.shifts`);
pattern starts are times of day, repeated on every day of the horizon, so a night shift
crosses midnight into the next day and the days of a week are planned as a whole.

Notes
-----
The set-covering model of Dantzig [1]_ with implicit break placement in the manner of
Bechtold & Jacobs [2]_ and Aykin [3]_: integer ``x[c]`` agents start candidate shift ``c``
(a pattern at one start time on one day); integer ``y[c, b, e]`` of them take break rule
``b`` at offset ``e`` (every ``break_step`` inside the rule's window), with
``sum_e y[c, b, e] = x[c]``; shortfall ``u[k] >= 0``. With ``on[c, k]`` and ``off[c, b, e, k]``
the shares of interval ``k`` that the shift and the break overlap,

.. math::

    \min \sum_c h_c x_c + \pi \, \Delta \sum_k u_k
    \quad \text{s.t.} \quad
    \sum_c on_{ck} x_c - \sum_{c,b,e} off_{cbek} \, y_{cbe} + u_k \ge r_k,

with ``h_c`` the cost of one agent's shift (paid hours x hourly cost), ``pi`` the shortfall
penalty per agent-hour, ``Delta`` the interval in hours and ``r_k`` the requirement, plus the
optional limits on agents per start, total headcount and part-time share, and optionally
the fluid deadline rows of deferred work (:mod:`staffing.deferred`). Break windows of
one pattern must not overlap, so any pairing of the per-break counts gives each agent a
valid set of breaks; the shifts are rebuilt that way. The MILP is solved by HiGHS [4]_
through :func:`scipy.optimize.milp`.

References
----------
.. [1] G. B. Dantzig, "A comment on Edie's 'Traffic delays at toll booths'", Journal of the
   Operations Research Society of America 2(3), 339-341, 1954. doi:10.1287/opre.2.3.339
.. [2] S. E. Bechtold and L. W. Jacobs, "Implicit modeling of flexible break assignments in
   optimal shift scheduling", Management Science 36(11), 1339-1351, 1990.
   doi:10.1287/mnsc.36.11.1339
.. [3] T. Aykin, "Optimal shift scheduling with multiple break windows", Management Science
   42(4), 591-602, 1996. doi:10.1287/mnsc.42.4.591
.. [4] Q. Huangfu and J. A. J. Hall, "Parallelizing the dual revised simplex method",
   Mathematical Programming Computation 10, 119-142, 2018. doi:10.1007/s12532-017-0130-5
"""

import math
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp

from staffing._checks import count, number
from staffing.deferred import DeferredWork
from staffing.errors import InputError
from staffing.forecast import INTERVALS
from staffing.pooling import PooledTargets
from staffing.programme_rows import (
    DAY,
    TOL,
    Programme,
    Reach,
    add_deferred,
    add_pooled,
    clock,
    deferred_outcome,
)
from staffing.shifts import Break, BreakRule, Shift, ShiftPattern, coverage, in_day

# Default shortfall penalty: one agent-interval short costs this many times the dearest shift.
_PENALTY_FACTOR = 10.0


class ScheduleStatus(Enum):
    """How the solve ended."""

    OPTIMAL = "optimal"
    """Proven optimal within the relative gap ``mip_gap``."""
    FEASIBLE = "feasible"
    """The time limit was reached with a schedule in hand; ``gap`` says how far from optimal."""
    ERROR = "error"
    """No schedule: the solver stopped without one (the messages say why)."""


@dataclass(frozen=True, eq=False)
class ScheduleResult:
    """A schedule chosen by :func:`schedule`, with its coverage, shortfall and cost.

    Attributes
    ----------
    status : ScheduleStatus
        How the solve ended.
    shifts : list of Shift
        The shifts with their breaks placed, one per pattern, start and break times, named
        ``"<pattern> HH:MM"``; times in seconds from midnight of day one.
    coverage : ndarray of float
        Agents on the phones per interval of the grid (time-averaged), from
        :func:`staffing.shifts.coverage` of ``shifts``.
    shortfall : ndarray of float
        ``max(requirement - coverage, 0)`` per interval [agents].
    uncovered : list of int
        Intervals with a positive requirement that no pattern at any allowed start can cover.
    cost : float
        Sum of paid hours x hourly cost over the shifts [currency].
    paid_hours : float
        Paid hours of all agents [h].
    headcount : int
        Agents on shifts over the horizon (a multi-day horizon counts an agent once per shift).
    objective : float
        Cost plus the shortfall penalty [currency]; NaN without a schedule.
    gap : float
        HiGHS's relative MIP gap, (objective - bound) / objective: the optimum's objective
        is at most this share below the schedule's (NaN without a schedule).
    runtime : float
        Wall-clock time of building and solving the programme [s].
    messages : list of str
        What the planner should know: uncovered intervals, shortfall, binding limits,
        deferred work done late or left to grow.
    deferred_done : ndarray of float or None
        With ``deferred=``: deferred work done per interval by the work-conserving fluid
        plan under ``coverage`` [agent-seconds] (:func:`staffing.deferred.fluid_plan`).
    deferred_backlog : ndarray of float or None
        With ``deferred=``: deferred work waiting at the end of each interval
        [agent-seconds].
    deferred_late : float
        Deferred work the fluid plan does after its deadline, or not within the horizon
        although due in it [agent-seconds]; 0 without ``deferred=``.
    """

    status: ScheduleStatus
    shifts: list[Shift]
    coverage: NDArray[np.float64]
    shortfall: NDArray[np.float64]
    uncovered: list[int]
    cost: float
    paid_hours: float
    headcount: int
    objective: float
    gap: float
    runtime: float
    messages: list[str]
    deferred_done: NDArray[np.float64] | None = None
    deferred_backlog: NDArray[np.float64] | None = None
    deferred_late: float = 0.0


def _overlap(
    begin: NDArray[np.float64], end: NDArray[np.float64], grid: NDArray[np.float64], interval: float
) -> sparse.csr_array:
    """Share of each grid interval that each window ``[begin, end)`` overlaps, (windows, K)."""
    k0 = np.searchsorted(grid + interval, begin, side="right")
    k1 = np.searchsorted(grid, end, side="left")
    counts = np.maximum(k1 - k0, 0)
    rows = np.repeat(np.arange(begin.size), counts)
    cols = np.arange(counts.sum()) + np.repeat(k0 - (np.cumsum(counts) - counts), counts)
    share = np.minimum(end[rows], grid[cols] + interval) - np.maximum(begin[rows], grid[cols])
    return sparse.csr_array(
        (share / interval, (rows, cols)), shape=(begin.size, grid.size), dtype=float
    )


def _check_grid(
    requirement: ArrayLike, grid_start: ArrayLike, interval: float
) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    """Validate the requirement, the interval starts and the interval length."""
    if (
        isinstance(interval, bool)
        or not isinstance(interval, int | float | np.number)
        or float(interval) not in INTERVALS
    ):
        raise InputError(f"interval = {interval!r}; the interval must be 900, 1800 or 3600 seconds")
    interval = float(interval)
    try:
        req = np.asarray(requirement, dtype=float)
        grid = np.asarray(grid_start, dtype=float)
    except (TypeError, ValueError):
        raise InputError(
            "requirement and grid_start must be arrays of numbers (agents; seconds)"
        ) from None
    if req.ndim != 1 or req.size == 0:
        raise InputError("requirement must be a non-empty 1-d array of agents per interval")
    if not (np.all(np.isfinite(req)) and np.all(req >= 0) and np.all(req == np.round(req))):
        k = int(np.flatnonzero(~(np.isfinite(req) & (req >= 0) & (req == np.round(req))))[0])
        raise InputError(f"requirement[{k}] = {req[k]:g}; agents needed must be whole numbers >= 0")
    if grid.shape != req.shape:
        raise InputError(
            f"grid_start has {grid.size} starts but requirement {req.size} intervals; give "
            "one start per interval"
        )
    on_grid = np.isfinite(grid) & (grid >= 0) & (np.mod(grid, interval) == 0)
    if not np.all(on_grid):
        k = int(np.flatnonzero(~on_grid)[0])
        raise InputError(
            f"grid_start[{k}] = {grid[k]:g}; starts must be multiples of the interval "
            f"({interval:g} s) after midnight of day one, >= 0"
        )
    if np.any(np.diff(grid) <= 0):
        k = int(np.flatnonzero(np.diff(grid) <= 0)[0]) + 1
        raise InputError(
            f"grid_start[{k}] = {grid[k]:g} is not after grid_start[{k - 1}]; starts must increase"
        )
    return req, grid, interval


def _check_patterns(patterns: Sequence[ShiftPattern]) -> tuple[ShiftPattern, ...]:
    if isinstance(patterns, ShiftPattern) or not isinstance(patterns, Sequence):
        raise InputError("patterns must be a sequence of ShiftPattern")
    if not patterns or not all(isinstance(p, ShiftPattern) for p in patterns):
        raise InputError("patterns must be a non-empty sequence of ShiftPattern")
    names = Counter(p.name for p in patterns)
    twice = [name for name, n in names.items() if n > 1]
    if twice:
        raise InputError(f"patterns: name {twice[0]!r} is used twice; give each a unique name")
    return tuple(patterns)


def _check_opening(opening: tuple[float, float] | None) -> tuple[float, float] | None:
    if opening is None:
        return None
    if isinstance(opening, str) or not isinstance(opening, Sequence) or len(opening) != 2:
        raise InputError(f"opening = {opening!r}; give (open, close) in seconds after midnight")
    start = number(opening[0], "opening[0] (open)", "seconds in [0, 86400)", in_day)
    close = number(
        opening[1],
        "opening[1] (close)",
        "seconds after open and at most 24 h after it",
        lambda v: start < v <= start + DAY,
    )
    return start, close


def _candidates(
    patterns: tuple[ShiftPattern, ...], days: int, opening: tuple[float, float] | None
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Pattern index and start time [s] of every shift allowed on the horizon."""
    pattern_of, start_of = [], []
    for p, pattern in enumerate(patterns):
        for day in range(days):
            for s in pattern.starts:
                t = day * DAY + s
                if opening is None or any(
                    d * DAY + opening[0] <= t and t + pattern.length <= d * DAY + opening[1]
                    for d in (day - 1, day)
                ):
                    pattern_of.append(p)
                    start_of.append(t)
    return np.array(pattern_of, dtype=np.int64), np.array(start_of, dtype=float)


def _runs(indices: list[int]) -> list[list[int]]:
    """Split sorted indices into runs of consecutive ones."""
    runs: list[list[int]] = []
    for k in indices:
        if runs and runs[-1][-1] == k - 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    return runs


_interrupted = threading.Event()


def solve_interrupted() -> bool:
    """Tell whether Ctrl-C cut a shift solve short in this process.

    HiGHS may then be left with threads that abort the interpreter's normal exit, so the
    command line leaves at once instead (:func:`staffing.cli.main`).
    """
    return _interrupted.is_set()


def _interruptible_milp(*args: object, **kwargs: object) -> OptimizeResult:
    """Run :func:`scipy.optimize.milp` in a daemon thread and wait for it in short steps.

    HiGHS releases the GIL while it solves but :func:`~scipy.optimize.milp` offers no way
    to stop it, so a Ctrl-C during a long solve would wait for the solve's end. Waiting
    here instead lets the interrupt reach the caller at once (DESIGN.md section 7: stop
    within 1 s); the abandoned solve ends with the process (:func:`solve_interrupted`).
    """
    box: dict[str, object] = {}

    def solve() -> None:
        try:
            box["result"] = milp(*args, **kwargs)
        except BaseException as error:  # handed back to the waiting thread
            box["error"] = error

    worker = threading.Thread(target=solve, name="highs", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.05)
    except KeyboardInterrupt:
        _interrupted.set()
        raise
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["result"]  # type: ignore[return-value]


def schedule(
    requirement: ArrayLike,
    grid_start: ArrayLike,
    interval: float,
    patterns: Sequence[ShiftPattern],
    *,
    opening: tuple[float, float] | None = None,
    shortfall_penalty: float | None = None,
    max_headcount: int | None = None,
    min_headcount: int | None = None,
    max_part_time_share: float | None = None,
    break_step: float = 900.0,
    time_limit: float = 30.0,
    mip_gap: float = 0.005,
    cyclic: bool = False,
    pooled: PooledTargets | None = None,
    deferred: DeferredWork | None = None,
) -> ScheduleResult:
    """Choose how many agents start each pattern when, and place their breaks, at least cost.

    Among schedules of (nearly) equal cost, one whose surplus coverage falls where more
    agents are required is preferred: each shift's cost carries a tie-break of at most
    0.1 %, in proportion to its mean of ``1 / (1 + requirement)`` over its time (1 for a
    shift wholly in intervals requiring nobody), rounded to quarters. With fixed-length
    shifts many schedules cost the same, and without it the surplus could land in the empty
    hours before a peak.

    Parameters
    ----------
    requirement
        Agents needed on the phones per interval (whole numbers >= 0).
    grid_start
        Start of each interval [s after midnight of day one]: increasing multiples of
        ``interval``; gaps between days are allowed (a line open 08:00-20:00 every day).
        The horizon has as many days as the last start's day number.
    interval
        Interval length [s]: 900, 1800 or 3600.
    patterns
        The shift patterns to choose from; each start time repeats every day.
    opening
        ``(open, close)`` [s after midnight; ``close`` may pass midnight, up to 24 h after
        ``open``]: only shifts lying wholly within one day's opening hours are allowed.
        None allows every start (a shift may then run past the horizon's end: its hours are
        paid and cover nothing there).
    shortfall_penalty
        Cost of one agent-hour below the requirement [currency/agent-hour]. The default
        makes one agent-interval short cost 10 times the dearest shift, so shortfall appears
        only where no schedule within the limits avoids it.
    max_headcount, min_headcount
        Limits on the agents on shifts over the horizon.
    max_part_time_share
        Part-time agents at most this share of all agents, in [0, 1].
    break_step
        Spacing of the allowed break starts inside each break window [s], > 0: a break may
        start at ``earliest``, ``earliest + break_step``, ... up to ``latest`` after the
        shift start.
    time_limit
        HiGHS time limit [s]; when it is reached the best schedule found is returned with
        status FEASIBLE and its gap.
    mip_gap
        Relative optimality gap at which HiGHS stops, in [0, 1); the default 0.5 % keeps a
        day of 15-min intervals to seconds (proving the last fraction of a percent can take
        far longer than finding the schedule).
    cyclic
        The horizon repeats (a 24/7 week planned as one week): a shift running past the
        horizon's end covers its start, as Sunday night's shift covers Monday's early hours
        of the next week (:func:`staffing.shifts.wrap`). Default: the horizon ends.
    pooled
        Targets held over days or the horizon (:func:`staffing.pooling.pooled_targets`):
        ``requirement`` is then each interval's floor, and the agents the schedule puts on
        the phones above it must earn each period's need of every pooled measure. The
        schedule chooses where service goes, the cheapest way its shifts allow.
    deferred
        Deferred work (email, back office) the same agents take in their time free of
        ``deferred.load`` (:class:`staffing.deferred.DeferredWork`, one value per
        interval): the schedule must give it the capacity to meet its deadline, in the
        fluid model of :mod:`staffing.deferred`. Work that no schedule can do in time is
        penalized like shortfall (one agent-hour overdue for one hour costs
        ``shortfall_penalty``), reported in the messages and in ``deferred_late``.

    Returns
    -------
    ScheduleResult
        Status, shifts with breaks, coverage, shortfall, cost and messages.

    Raises
    ------
    InputError
        For an invalid argument, or a ``min_headcount`` the other limits cannot allow.

    Examples
    --------
    Two agents for four hours, one four-hour pattern starting at midnight:

    >>> day = ShiftPattern("day", 4 * 3600, starts=(0,))
    >>> result = schedule([2, 2, 2, 2], [0, 3600, 7200, 10800], 3600, [day])
    >>> result.status.name, result.headcount, result.paid_hours
    ('OPTIMAL', 2, 8.0)
    """
    started = time.perf_counter()
    req, grid, interval = _check_grid(requirement, grid_start, interval)
    patterns = _check_patterns(patterns)
    opening = _check_opening(opening)
    break_step = number(break_step, "break_step", "a number of seconds > 0", lambda v: v > 0)
    time_limit = number(time_limit, "time_limit", "a number of seconds > 0", lambda v: v > 0)
    mip_gap = number(mip_gap, "mip_gap", "a number in [0, 1)", lambda v: 0 <= v < 1)
    dearest = max(p.shift_cost for p in patterns)
    if shortfall_penalty is None:
        shortfall_penalty = _PENALTY_FACTOR * dearest * 3600 / interval
    penalty = number(
        shortfall_penalty,
        "shortfall_penalty",
        "a number > 0 [currency/agent-hour]",
        lambda v: v > 0,
    )
    hi = None if max_headcount is None else count(max_headcount, "max_headcount")
    lo = None if min_headcount is None else count(min_headcount, "min_headcount")
    if hi is not None and lo is not None and lo > hi:
        raise InputError(f"min_headcount = {lo} is above max_headcount = {hi}; lower min_headcount")
    share = None
    if max_part_time_share is not None:
        share = number(
            max_part_time_share, "max_part_time_share", "a share in [0, 1]", lambda v: 0 <= v <= 1
        )
    days = int(grid[-1] // DAY) + 1

    # Candidate shifts: a pattern at one start on one day, kept when it can be on duty.
    pattern_of, start_of = _candidates(patterns, days, opening)
    length = np.array([patterns[p].length for p in pattern_of], dtype=float)
    period = days * DAY if cyclic else None

    def overlap(begin: NDArray[np.float64], end: NDArray[np.float64]) -> sparse.csr_array:
        share = _overlap(begin, end, grid, interval)
        if period is not None:  # the part past the horizon's end lands at its start
            share = share + _overlap(begin - period, end - period, grid, interval)
        return share.tocsr()

    on = overlap(start_of, start_of + length)
    keep = np.flatnonzero(on.sum(axis=1) > 0)
    pattern_of, start_of, on = pattern_of[keep], start_of[keep], on[keep]
    messages = [
        f"shift pattern {p.name!r} is never on duty during the grid's intervals"
        + (" within the opening hours" if opening else "")
        for i, p in enumerate(patterns)
        if not np.any(pattern_of == i)
    ]
    groups = _break_groups(patterns, pattern_of, start_of, break_step)
    off = [overlap(g.times, g.times + g.rule.duration) for g in groups]
    uncovered = _uncovered(req, on, groups, off)
    messages += _uncovered_messages(req, grid, interval, uncovered, days)

    if pooled is not None and not np.array_equal(pooled.floor, req):
        raise InputError("with pooled targets, the requirement must be their floor")
    c_vec, a_mat, lo_rows, hi_rows, upper = _programme(
        req, interval, patterns, pattern_of, on, groups, off, penalty, (lo, hi), share
    )
    n_x, n_k = pattern_of.size, req.size
    n_int = c_vec.size - n_k  # shifts and break placements are whole; shortfall is not
    if pooled is not None:
        c_vec, a_mat, lo_rows, hi_rows, upper = add_pooled(
            pooled, c_vec, a_mat, lo_rows, hi_rows, upper
        )
    dues = None
    if deferred is not None:
        if not isinstance(deferred, DeferredWork):
            raise InputError(f"deferred = {deferred!r}; give a staffing.deferred.DeferredWork")
        dues = deferred.dues(grid, interval, cyclic)
        programme = (c_vec, a_mat, lo_rows, hi_rows, upper)
        c_vec, a_mat, lo_rows, hi_rows, upper = add_deferred(
            deferred, dues, interval, penalty, Reach(on, groups, off), n_int, programme
        )
    solution = _interruptible_milp(
        c_vec,
        constraints=LinearConstraint(a_mat, lo_rows, hi_rows),
        integrality=np.concatenate([np.ones(n_int), np.zeros(c_vec.size - n_int)]),
        bounds=Bounds(0, upper),
        options={"time_limit": time_limit, "mip_rel_gap": mip_gap},
    )
    if solution.status == 2:
        raise InputError(
            f"min_headcount = {lo} cannot be reached within max_agents"
            + (" and max_part_time_share" if share is not None else "")
            + "; lower min_headcount or relax those limits"
        )
    if solution.x is None:
        why = (
            f"the time limit ({time_limit:g} s) was reached before any schedule was found; "
            "raise time_limit"
            if solution.status == 1
            else f"HiGHS stopped without a schedule: {solution.message}"
        )
        return ScheduleResult(
            status=ScheduleStatus.ERROR,
            shifts=[],
            coverage=np.zeros(req.size),
            shortfall=req.copy(),
            uncovered=uncovered,
            cost=0.0,
            paid_hours=0.0,
            headcount=0,
            objective=math.nan,
            gap=math.nan,
            runtime=time.perf_counter() - started,
            messages=[*messages, why],
        )

    values = np.round(solution.x[:n_int]).astype(np.int64)
    shift_cost = sum(
        patterns[p].shift_cost * n for p, n in zip(pattern_of, values[:n_x], strict=True)
    )
    x = values[:n_x]
    shifts = _build_shifts(patterns, pattern_of, start_of, x, groups, values[n_x:])
    span = int(grid[-1] // interval) + 1
    cov = coverage(shifts, interval, span, period)[np.round(grid / interval).astype(np.int64)]
    short = np.maximum(req - cov, 0.0)
    short[short < TOL] = 0.0
    gap = float(solution.mip_gap)
    status = ScheduleStatus.OPTIMAL if solution.status == 0 else ScheduleStatus.FEASIBLE
    if status is ScheduleStatus.FEASIBLE:
        messages.append(
            f"time limit ({time_limit:g} s) reached before a proof of optimality: MIP gap "
            f"{gap:.2%} (the optimum's objective may be up to that share lower); raise "
            "time_limit for a better schedule"
        )
    gapped = np.flatnonzero(short > 0)
    if gapped.size:
        messages.append(
            f"requirement not met in {gapped.size} intervals, {short.sum() * interval / 3600:g} "
            f"agent-hours short in all (first at {clock(grid[gapped[0]], days)})"
        )
    messages += _binding(patterns, pattern_of, start_of, x, hi, share, days)
    objective = shift_cost + penalty * float(short.sum()) * interval / 3600
    done = waiting = None
    late = 0.0
    if deferred is not None and dues is not None:
        # a cyclic horizon without a backlog starts with the carry-over chosen with it
        chosen = cyclic and deferred.backlog == 0
        start = min(max(float(solution.x[-1]) * interval, 0.0), dues.carry) if chosen else None
        done, waiting, late, overdue, said = deferred_outcome(
            deferred, dues, cov, grid, interval, days, start
        )
        objective += penalty * overdue / 3600
        messages += said
    return ScheduleResult(
        status=status,
        shifts=shifts,
        coverage=cov,
        shortfall=short,
        uncovered=uncovered,
        cost=shift_cost,
        paid_hours=sum(s.paid_seconds * s.headcount for s in shifts) / 3600,
        headcount=int(x.sum()),
        objective=objective,
        gap=gap,
        runtime=time.perf_counter() - started,
        messages=messages,
        deferred_done=done,
        deferred_backlog=waiting,
        deferred_late=late,
    )


@dataclass(frozen=True)
class _BreakGroup:
    """The allowed starts of one break rule of one pattern, for each of its candidate shifts.

    Attributes
    ----------
    rule : BreakRule
        The rule.
    shifts : ndarray of int
        The pattern's candidate shifts, in start order.
    first, last : ndarray of int
        Per shift, the index in ``times`` of its earliest and latest allowed break start;
        the shift may take the break at any of ``times[first:last + 1]``.
    times : ndarray of float
        Every allowed break start of the pattern's shifts [s], increasing.
    """

    rule: BreakRule
    shifts: NDArray[np.int64]
    first: NDArray[np.int64]
    last: NDArray[np.int64]
    times: NDArray[np.float64]

    def placements(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Return the shift and the index in ``times`` of each (shift, break start) pair."""
        counts = self.last - self.first + 1
        offset = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        return np.repeat(self.shifts, counts), np.repeat(self.first, counts) + offset


def _break_groups(
    patterns: tuple[ShiftPattern, ...],
    pattern_of: NDArray[np.int64],
    start_of: NDArray[np.float64],
    step: float,
) -> list[_BreakGroup]:
    """One group per pattern and break rule, with the allowed break starts of its shifts."""
    groups = []
    for p, pattern in enumerate(patterns):
        shifts = np.flatnonzero(pattern_of == p)
        for rule in pattern.breaks:
            offsets = rule.offsets(step)
            times = np.unique(start_of[shifts, None] + offsets)
            first = np.searchsorted(times, start_of[shifts] + offsets[0])
            last = np.searchsorted(times, start_of[shifts] + offsets[-1])
            groups.append(_BreakGroup(rule, shifts, first, last, times))
    return groups


def _programme(
    req: NDArray[np.float64],
    interval: float,
    patterns: tuple[ShiftPattern, ...],
    pattern_of: NDArray[np.int64],
    on: sparse.csr_array,
    groups: list[_BreakGroup],
    off: list[sparse.csr_array],
    penalty: float,
    headcount: tuple[int | None, int | None],
    share: float | None,
) -> Programme:
    """Build the MILP: costs, constraint matrix, row bounds and variable upper bounds.

    Variables: ``x`` agents per candidate shift, ``y`` agents of a shift taking a break at
    one allowed start (group by group, in the order of :meth:`_BreakGroup.placements`),
    ``u`` shortfall per interval. Rows: coverage per interval, then ``sum y = x`` per shift
    and break rule, then the headcount and part-time limits that are set.
    """
    n_x, n_k = pattern_of.size, req.size
    pairs = [g.placements() for g in groups]
    n_y = sum(shift.size for shift, _ in pairs)
    blocks = [on.T]
    link_rows, link_cols, link_vals = [], [], []
    first_row, first_col = 0, n_x
    for group, m, (shift, index) in zip(groups, off, pairs, strict=True):
        blocks.append(-m[index].T)
        # Row of each (shift, rule): sum of its break placements minus its agents = 0.
        row = first_row + np.searchsorted(group.shifts, shift)
        link_rows += [row, first_row + np.arange(group.shifts.size)]
        link_cols += [first_col + np.arange(shift.size), group.shifts]
        link_vals += [np.ones(shift.size), -np.ones(group.shifts.size)]
        first_row += group.shifts.size
        first_col += shift.size
    blocks.append(sparse.eye_array(n_k))
    cover = sparse.hstack(blocks, format="csr")
    rows = [cover]
    lo, hi = [req], [np.full(n_k, np.inf)]
    if groups:
        rows.append(
            sparse.csr_array(
                (
                    np.concatenate(link_vals),
                    (np.concatenate(link_rows), np.concatenate(link_cols)),
                ),
                shape=(first_row, n_x + n_y + n_k),
            )
        )
        lo.append(np.zeros(first_row))
        hi.append(np.zeros(first_row))
    lowest, highest = headcount
    if lowest is not None or highest is not None:
        rows.append(sparse.csr_array(np.concatenate([np.ones(n_x), np.zeros(n_y + n_k)])[None]))
        lo.append(np.array([lowest or 0.0]))
        hi.append(np.array([np.inf if highest is None else highest]))
    if share is not None:
        part = np.array([patterns[p].part_time for p in pattern_of], dtype=float)
        rows.append(sparse.csr_array(np.concatenate([part - share, np.zeros(n_y + n_k)])[None]))
        lo.append(np.array([-np.inf]))
        hi.append(np.array([0.0]))
    cost = np.array([patterns[p].shift_cost for p in pattern_of])
    # tie-break among equally cheap schedules: coverage where little is required costs a
    # little more (a shift lying wholly in intervals requiring nobody costs 0.1 % more, less
    # than the default MIP gap), so surplus agents go where they serve calls rather than to
    # empty hours. The share is rounded to quarters: shifts of equal cost stay symmetric,
    # which keeps HiGHS as fast as without a tie-break (unrounded, 2-6x slower). The
    # objective reported is the cost and shortfall penalty alone.
    empty = (on @ (1.0 / (1.0 + req))) / np.maximum(np.asarray(on.sum(axis=1)).ravel(), TOL)
    cost = cost * (1.0 + 1e-3 * np.round(4.0 * empty) / 4.0)
    c_vec = np.concatenate([cost, np.zeros(n_y), np.full(n_k, penalty * interval / 3600)])
    x_max = np.array(
        [np.inf if patterns[p].max_agents is None else patterns[p].max_agents for p in pattern_of]
    )
    y_max = [x_max[shift] for shift, _ in pairs]
    upper = np.concatenate([x_max, *y_max, req])
    return (
        c_vec,
        sparse.vstack(rows, format="csr"),
        np.concatenate(lo),
        np.concatenate(hi),
        upper,
    )


def _uncovered(
    req: NDArray[np.float64],
    on: sparse.csr_array,
    groups: list[_BreakGroup],
    off: list[sparse.csr_array],
) -> list[int]:
    """Intervals with a positive requirement that no candidate shift can cover at all.

    A break's overlap with an interval, as a function of the break start, rises, stays flat
    and falls, so over a shift's allowed starts its least value is at the first or the last;
    an agent can be on the phones in interval ``k`` iff the shift's share of ``k`` exceeds
    the sum of those least break shares.
    """
    best = on.toarray()
    for group, m in zip(groups, off, strict=True):
        forced = m[group.first].minimum(m[group.last]).toarray()
        best[group.shifts] -= forced
    reachable = best.max(axis=0, initial=0.0) > TOL
    return [int(k) for k in np.flatnonzero((req > 0) & ~reachable)]


def _uncovered_messages(
    req: NDArray[np.float64],
    grid: NDArray[np.float64],
    interval: float,
    uncovered: list[int],
    days: int,
) -> list[str]:
    """One message per run of consecutive uncovered intervals."""
    out = []
    for run in _runs(uncovered):
        need = int(req[run].max())
        agents = f"{need} agent{'s' if need != 1 else ''}"
        if len(run) == 1:
            out.append(
                f"interval {clock(grid[run[0]], days)} needs {agents} but no shift pattern "
                "covers it"
            )
        else:
            span = f"{clock(grid[run[0]], days)}-{clock(grid[run[-1]] + interval, days)}"
            out.append(f"intervals {span} need up to {agents} but no shift pattern covers them")
    return out


def _build_shifts(
    patterns: tuple[ShiftPattern, ...],
    pattern_of: NDArray[np.int64],
    start_of: NDArray[np.float64],
    x: NDArray[np.int64],
    groups: list[_BreakGroup],
    y: NDArray[np.int64],
) -> list[Shift]:
    """Shifts with concrete breaks from the solution.

    The agents of one candidate take their ``i``-th break of each rule from the sorted list
    of that rule's placements; break windows do not overlap, so every pairing is valid, and
    agents with identical break times form one :class:`Shift`.
    """
    placed: dict[int, list[NDArray[np.float64]]] = {int(c): [] for c in np.flatnonzero(x)}
    first = 0
    for group in groups:
        shift, index = group.placements()
        counts = y[first : first + shift.size]
        first += shift.size
        for c in group.shifts[x[group.shifts] > 0]:
            mine = shift == c
            placed[int(c)].append(np.repeat(group.times[index[mine]], counts[mine]))
    shifts = []
    for c, per_rule in placed.items():
        pattern = patterns[pattern_of[c]]
        t = float(start_of[c])
        name = f"{pattern.name} {clock(t % DAY, 1)}"
        sets = Counter(zip(*per_rule, strict=True)) if per_rule else Counter({(): int(x[c])})
        for times, headcount in sorted(sets.items()):
            breaks = tuple(
                Break(float(b), float(b + rule.duration), rule.paid)
                for b, rule in zip(times, pattern.breaks, strict=True)
            )
            shifts.append(Shift(t, t + pattern.length, headcount, breaks, name))
    return shifts


def _binding(
    patterns: tuple[ShiftPattern, ...],
    pattern_of: NDArray[np.int64],
    start_of: NDArray[np.float64],
    x: NDArray[np.int64],
    max_headcount: int | None,
    share: float | None,
    days: int,
) -> list[str]:
    """Messages naming the limits the schedule reaches."""
    out = []
    if max_headcount is not None and x.sum() >= max_headcount:
        out.append(f"max_headcount = {max_headcount} binds: {x.sum()} agents scheduled")
    for p, pattern in enumerate(patterns):
        if not pattern.max_agents:
            continue
        full = np.flatnonzero((pattern_of == p) & (x >= pattern.max_agents))
        if full.size:
            when = ", ".join(clock(start_of[c], days) for c in full)
            out.append(
                f"max_agents = {pattern.max_agents} of pattern {pattern.name!r} binds at {when}"
            )
    part = int(sum(n for p, n in zip(pattern_of, x, strict=True) if patterns[p].part_time))
    if share is not None and x.sum() and part >= share * x.sum() - TOL:
        out.append(f"max_part_time_share = {share:g} binds: {part} of {x.sum()} agents part-time")
    return out
