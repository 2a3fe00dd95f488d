"""Rows the shift MILP of :mod:`staffing.scheduling` gains beyond coverage.

:func:`staffing.scheduling.schedule` builds its programme (shifts, break placements,
shortfall; coverage rows) and hands it here to add what its options ask for:

- :func:`add_pooled`: targets held over days or the horizon (:mod:`staffing.pooling`);
- :func:`add_deferred` and :func:`deferred_cuts`: deferred work (email, back office) and its
  fluid deadline constraint (:mod:`staffing.deferred`), with mixed-integer rounding cuts
  over each deadline window (:class:`Reach`: the most time a shift can hold there);
- :func:`deferred_outcome`: the fluid plan of the deferred work under the schedule found,
  and what is late.
"""

import math
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from staffing.deferred import DeferredWork, Dues, fluid_plan, late_work
from staffing.pooling import PooledTargets

if TYPE_CHECKING:
    from staffing.scheduling import _BreakGroup

DAY = 86_400.0
"""Seconds in a day."""
TOL = 1e-9
"""Values below this are numerical zeros."""
CUT_FRACTION = 0.05
"""Deferred-work cuts whose rounded-off fraction is below this are left out (numerics)."""


def clock(t: float, days: int) -> str:
    """``HH:MM`` of a time [s from midnight of day one], with ``day N`` on a multi-day horizon."""
    day, rest = divmod(round(t), int(DAY))
    label = f"{rest // 3600:02d}:{rest % 3600 // 60:02d}"
    return label if days == 1 else f"day {day + 1} {label}"


Programme = tuple[
    NDArray[np.float64],
    sparse.csr_array,
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.float64],
]
"""A MILP for :func:`scipy.optimize.milp`: costs, constraint matrix, row bounds, upper bounds."""


def add_pooled(
    pooled: PooledTargets,
    c_vec: NDArray[np.float64],
    a_mat: sparse.csr_array,
    lo_rows: NDArray[np.float64],
    hi_rows: NDArray[np.float64],
    upper: NDArray[np.float64],
) -> Programme:
    """Add the pooled targets to the MILP of :func:`_programme`.

    Variables ``z[t, k]`` in [0, 1]: the ``k + 1``-th agent above interval ``t``'s floor is
    on the phones. The coverage row of ``t`` becomes ``coverage + shortfall - sum_k z[t, k]
    >= floor``; one row per pooled measure and period asks ``sum gains * z >= need``. The
    gains fall with ``k``, so an optimum counts the agents above the floor in order, and
    whole shifts give whole agents.
    """
    n_k, depth = pooled.floor.size, pooled.depth
    n_z = n_k * depth
    cover = sparse.csr_array(
        (-np.ones(n_z), (np.repeat(np.arange(n_k), depth), np.arange(n_z))),
        shape=(a_mat.shape[0], n_z),
    )
    rows, need = [], []
    for j in range(len(pooled.measures)):
        for p in np.flatnonzero(pooled.need[j] > 0):
            rows.append(np.where((pooled.period == p)[:, None], pooled.gains[j], 0.0).ravel())
            need.append(pooled.need[j, p])
    earn = sparse.csr_array(np.array(rows).reshape(len(rows), n_z))
    a_mat = sparse.vstack(
        [
            sparse.hstack([a_mat, cover], format="csr"),
            sparse.hstack([sparse.csr_array((len(rows), a_mat.shape[1])), earn], format="csr"),
        ],
        format="csr",
    )
    return (
        np.concatenate([c_vec, np.zeros(n_z)]),
        a_mat,
        np.concatenate([lo_rows, need]),
        np.concatenate([hi_rows, np.full(len(rows), np.inf)]),
        np.concatenate([upper, np.ones(n_z)]),
    )


def add_deferred(
    deferred: DeferredWork,
    dues: Dues,
    interval: float,
    penalty: float,
    reach: "Reach",
    n_cover: int,
    programme: Programme,
) -> Programme:
    """Add the fluid deadline constraint of deferred work to the MILP of :func:`_programme`.

    Variables, in agent-intervals (agent-seconds / interval): ``P[t]`` deferred work done by
    the end of interval ``t`` (cumulative), ``late[t]`` work due by then and not done,
    ``gap[t]`` the other load above the coverage (capacity rows stay feasible where the
    coverage cannot reach it), ``grow`` the backlog's growth over the horizon, ``b`` the
    backlog at the start (given, or the carry-over a cyclic horizon chooses). Rows
    (:mod:`staffing.deferred`): ``P[t] >= P[t-1]``; capacity ``usable * (coverage[t] +
    gap[t]) - P[t] + P[t-1] >= usable * load[t]``; availability ``P[t] - b <= arrived[t]``;
    deadline ``P[t] + late[t] >= required[t]`` (:meth:`Dues.required`), or with a chosen
    carry-over ``P[t] + late[t] - b >= due[t] - pending[t]``; sustainability ``P[-1] + grow
    >= total``. ``late`` and ``grow`` cost the shortfall penalty per
    agent-interval, ``gap`` twice that (so it never buys deferred capacity that lateness
    would buy cheaper). ``coverage`` is the first ``n_cover`` columns of the coverage rows
    (shifts and break placements); ``reach`` what each shift can hold of a window, for the
    cuts of :func:`deferred_cuts` that follow.
    """
    c_vec, a_mat, lo_rows, hi_rows, upper = programme
    n, m = deferred.work.size, c_vec.size
    eta = deferred.usable
    cum, late, gap, grow, b = m, m + n, m + 2 * n, m + 3 * n, m + 3 * n + 1
    t = np.arange(n)
    rows: list[NDArray[np.int64]] = []
    cols: list[NDArray[np.int64]] = []
    vals: list[NDArray[np.float64]] = []
    lo: list[NDArray[np.float64]] = []
    hi: list[NDArray[np.float64]] = []
    first = 0

    def add(row: NDArray[np.int64], col: NDArray[np.int64] | int, val: float | NDArray) -> None:
        row = np.asarray(row)
        rows.append(first + row)
        cols.append(np.broadcast_to(col, row.shape))
        vals.append(np.broadcast_to(np.asarray(val, dtype=float), row.shape))

    def close(count: int, low: NDArray | float, high: NDArray | float) -> None:
        nonlocal first
        lo.append(np.broadcast_to(np.asarray(low, dtype=float), (count,)))
        hi.append(np.broadcast_to(np.asarray(high, dtype=float), (count,)))
        first += count

    # P[t] - P[t-1] >= 0
    add(t[1:] - 1, cum + t[1:], 1.0)
    add(t[1:] - 1, cum + t[:-1], -1.0)
    close(n - 1, 0.0, np.inf)
    # capacity: usable * gap[t] - P[t] + P[t-1] >= usable * load[t] - usable * coverage[t]
    capacity_row = first
    add(t, gap + t, eta)
    add(t, cum + t, -1.0)
    add(t[1:], cum + t[:-1], 1.0)
    close(n, eta * deferred.load, np.inf)
    arrived = np.cumsum(deferred.work) / interval
    add(t, cum + t, 1.0)  # availability
    add(t, b, -1.0)
    close(n, -np.inf, arrived)
    add(t, cum + t, 1.0)  # deadline
    add(t, late + t, 1.0)
    carried = dues.cyclic and deferred.backlog == 0  # the carry-over b is chosen
    if carried:
        add(t, b, -1.0)
        close(n, (dues.due - dues.pending) / interval, np.inf)
    else:
        close(n, dues.required(deferred.backlog) / interval, np.inf)
    add(np.array([0]), cum + n - 1, 1.0)  # sustainability
    add(np.array([0]), grow, 1.0)
    close(1, arrived[-1], np.inf)
    start = deferred.backlog / interval
    if not carried:  # the backlog is given: b = backlog
        add(np.array([0]), b, 1.0)
        close(1, start, start)
    new = sparse.csr_array(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(first, m + 3 * n + 2),
    )
    cover = sparse.csr_array(a_mat[:n, :n_cover] * eta)
    coupling = sparse.vstack(
        [
            sparse.csr_array((capacity_row, n_cover)),
            cover,
            sparse.csr_array((first - capacity_row - n, n_cover)),
        ]
    )
    new = new + sparse.hstack(
        [coupling, sparse.csr_array((first, new.shape[1] - n_cover))], format="csr"
    )
    cuts, floor = deferred_cuts(deferred, dues, interval, reach, (late, gap, grow))
    unit = penalty * interval / 3600
    return (
        np.concatenate([c_vec, np.zeros(n), np.full(n, unit), np.full(n, 2 * unit), [unit, 0.0]]),
        sparse.vstack(
            [sparse.hstack([a_mat, sparse.csr_array((a_mat.shape[0], 3 * n + 2))]), new, cuts],
            format="csr",
        ),
        np.concatenate([lo_rows, *lo, floor]),
        np.concatenate([hi_rows, *hi, np.full(floor.size, np.inf)]),
        np.concatenate(
            [
                upper,
                np.full(2 * n, np.inf),
                deferred.load,
                [np.inf, dues.carry / interval if carried else start],
            ]
        ),
    )


def deferred_cuts(
    deferred: DeferredWork,
    dues: Dues,
    interval: float,
    reach: "Reach",
    columns: tuple[int, int, int],
) -> tuple[sparse.csr_array, NDArray[np.float64]]:
    """Mixed-integer rounding cuts: whole shifts must hold the work that falls due.

    The items falling due at the end of interval ``t`` arrived from interval ``s`` on, so
    the window ``s..t`` must hold their work ``W`` (less ``late[t]``) on top of its load:
    ``sum_c a_c x[c] + sigma >= beta`` [agent-intervals] with ``a_c`` the most time shift
    ``c`` can be on the phones in the window (:class:`Reach`), ``beta = sum L + W /
    usable`` and ``sigma = late[t] / usable + sum gap >= 0``. Divided by ``d``, for whole
    ``x`` the mixed-integer rounding inequality ``sum_c (floor(a_c / d) + min(f_c, f) / f)
    x[c] + sigma / (d f) >= ceil(beta / d)`` holds, ``f`` and ``f_c`` the fractional parts
    of ``beta / d`` and ``a_c / d`` (Nemhauser & Wolsey, *Integer and Combinatorial
    Optimization*, Wiley 1988, II.1.7; Marchand & Wolsey, "Aggregation and mixed integer
    rounding to solve MIPs", Operations Research 49(3), 2001). ``d`` runs over the least,
    middle and greatest ``a_c``. The whole horizon gives more, from the sustainability row
    (slack ``grow``). Without them, the relaxation spreads fractions of shifts over a small
    email queue's hours, or buys the week's work to the minute, and the solver cannot
    close the gap.
    """
    late, gap, grow = columns
    n, eta = deferred.work.size, deferred.usable
    arrived = np.concatenate([[0.0], np.cumsum(deferred.work)])
    windows = []  # (first interval, last interval, work [agent-s], slack column)
    for t in np.unique(dues.row[dues.row >= 0]):
        s = int(np.flatnonzero(dues.row == t)[0])
        work = dues.due[t] - arrived[s] + (deferred.backlog if s == 0 else 0.0)
        windows.append((s, int(t), work, late + int(t)))
    windows.append((0, n - 1, arrived[-1], grow))
    rows, cols, vals, floor = [], [], [], []
    for s, t, work, slack in windows:
        a = reach.window(s, t)
        meets = np.flatnonzero(a > TOL)
        if work <= 0 or not meets.size:
            continue
        beta = float(deferred.load[s : t + 1].sum()) + work / (eta * interval)
        sizes = np.unique(np.round(a[meets], 6))
        for d in sizes[[0, sizes.size // 2, -1]] if sizes.size > 3 else sizes:
            f = beta / d - math.floor(beta / d)
            if f < CUT_FRACTION:
                continue  # little to gain, and a steep slack weight 1 / f
            parts = a[meets] / d - np.floor(a[meets] / d)
            rows.append(np.full(meets.size + 1 + t - s + 1, len(floor)))
            cols += [meets, np.array([slack]), gap + np.arange(s, t + 1)]
            vals += [
                np.floor(a[meets] / d) + np.minimum(parts, f) / f,
                np.array([1.0 / (eta * d * f)]),
                np.full(t - s + 1, 1.0 / (d * f)),
            ]
            floor.append(math.ceil(beta / d))
    width = gap + n + 2
    if not floor:
        return sparse.csr_array((0, width)), np.zeros(0)
    return (
        sparse.csr_array(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
            shape=(len(floor), width),
        ),
        np.array(floor, dtype=float),
    )


class Reach:
    """The most time each candidate shift can be on the phones in a window of intervals.

    Its share of the window's intervals less, per break rule, the least share of the window
    its break can take: a break's overlap with a window rises, stays flat and falls as its
    start moves, so the least is at its earliest or latest allowed start (as in
    :func:`_uncovered`). Sums over windows come from cumulative sums [intervals].
    """

    def __init__(
        self, on: sparse.csr_array, groups: list["_BreakGroup"], off: list[sparse.csr_array]
    ) -> None:
        def cumulative(m: sparse.csr_array) -> NDArray[np.float64]:
            dense = m.toarray()
            return np.concatenate([np.zeros((dense.shape[0], 1)), dense.cumsum(axis=1)], axis=1)

        self._on = cumulative(on)
        self._breaks = [
            (g.shifts, cumulative(m[g.first]), cumulative(m[g.last]))
            for g, m in zip(groups, off, strict=True)
        ]

    def window(self, s: int, t: int) -> NDArray[np.float64]:
        """Per candidate shift, its most time on the phones in intervals ``s..t``."""
        most = self._on[:, t + 1] - self._on[:, s]
        for shifts, first, last in self._breaks:
            least = np.minimum(first[:, t + 1] - first[:, s], last[:, t + 1] - last[:, s])
            most[shifts] -= least
        return np.maximum(most, 0.0)


def deferred_outcome(
    deferred: DeferredWork,
    dues: Dues,
    cov: NDArray[np.float64],
    grid: NDArray[np.float64],
    interval: float,
    days: int,
    start: float | None,
) -> tuple[NDArray[np.float64], NDArray[np.float64], float, float, list[str]]:
    """Plan the deferred work fluidly under the schedule's coverage; say what is late.

    Returns work done and waiting per interval [agent-seconds], the work done late
    [agent-seconds], the penalized overdue work (overdue agent-seconds summed over the
    intervals, plus the backlog's growth) [agent-seconds], and the messages.
    """
    backlog = deferred.backlog if start is None else start
    free = np.maximum(cov - deferred.load, 0.0) * deferred.usable * interval
    done, waiting = fluid_plan(deferred.work, free, backlog)
    required = dues.required(backlog)
    late, first = late_work(done, required)
    overdue = np.maximum(required - np.cumsum(done), 0.0)
    growth = waiting[-1] - backlog if waiting[-1] > backlog + 1e-6 else 0.0
    messages = []
    if first is not None:
        messages.append(
            f"deferred work late: {round(late / 3600, 2):g} agent-hours done after their "
            f"deadline or not at all (first due by {clock(grid[first] + interval, days)})"
        )
    if growth:
        messages.append(
            f"deferred backlog grows by {round(growth / 3600, 2):g} agent-hours over the "
            f"horizon ({round(backlog / 3600, 2):g} at its start, "
            f"{round(waiting[-1] / 3600, 2):g} at its end): the shifts cannot keep up with it"
        )
    return done, waiting, late, float(overdue.sum()) + growth, messages
