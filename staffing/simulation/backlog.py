"""Deferred work in a simulated center: backlog, age of the oldest item, within deadline.

An email (or back-office) queue's items wait in a backlog worked oldest first (rule 10 of
:class:`staffing.simulation.model.Routing`); these functions measure one replication's
backlog from its contacts and outcome, and tabulate the replications.

- The **backlog** at an instant ``e`` is the items arrived by ``e`` whose handling had not
  started by then: ``#{arrival <= e} - #{start <= e}``. The **oldest item's age** is ``e``
  minus the arrival of the first item, in arrival order, not started by ``e``: the first
  index where the running maximum of the start times passes ``e``.
- An item is **due** ``deadline`` after it arrived (the starting backlog: after the
  horizon's start, when it is taken to arrive). It is **within its deadline** when its
  handling *ended* by then. ``within_deadline`` of a period (DESIGN.md section 4) is the
  items due in the period that were within their deadline, over the items due in it;
  items due after the horizon's end are not counted anywhere (they are not yet due).
- Per calendar day (midnight to midnight), the backlog at the day's start plus the items
  arriving in it, less the items whose handling started in it, is the backlog at its end:
  flow conservation, exact on every sample path.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from staffing import kpis
from staffing.center import Center
from staffing.simulation.model import ANSWERED, DAY, Callers, CenterOutcome, FloatArray, Grid


@dataclass(frozen=True)
class DeferredSums:
    """One replication's measures of one deferred queue.

    Attributes
    ----------
    backlog, oldest : ndarray, shape (intervals,)
        Items waiting, and the oldest one's age [s] (0 with none), at each interval's end.
    due, in_time : ndarray, shape (intervals,)
        Items due in each interval (a due time in a gap between intervals counts in the
        interval before it), and those of them handled by their due time.
    days : ndarray, shape (days, 6)
        Per calendar day from the grid's first: backlog at its start, items arriving, items
        whose handling started, backlog at its end, items due, items due within deadline.
    """

    backlog: FloatArray
    oldest: FloatArray
    due: FloatArray
    in_time: FloatArray
    days: FloatArray


def deferred_sums(
    grid: Grid, callers: Callers, outcome: CenterOutcome, queue: int, deadline: float, backlog: int
) -> DeferredSums:
    """Measure queue ``queue``'s backlog in one replication.

    Parameters
    ----------
    grid : Grid
        The forecast's intervals on the simulation clock.
    callers, outcome : Callers, CenterOutcome
        The replication's contacts (``queue`` set) and what happened to them; ``outcome.end``
        gives each handled item's end.
    queue : int
        Index of the deferred queue.
    deadline : float
        Time from an item's arrival to its due time [s].
    backlog : int
        Items waiting at the horizon's start: the queue's first ``backlog`` items.

    Returns
    -------
    DeferredSums
    """
    mine = np.flatnonzero(callers.queue == queue)  # in arrival order
    arrival = callers.arrival[mine]
    handled = outcome.status[mine] == ANSWERED
    start = np.where(handled, arrival + outcome.wait[mine], np.inf)
    assert outcome.end is not None
    done = np.where(handled, outcome.end[mine], np.inf)
    started = np.sort(start)
    ends = grid.start + grid.length
    n_arrived = np.searchsorted(arrival, ends, side="right")
    n_started = np.searchsorted(started, ends, side="right")
    waiting = n_arrived - n_started
    first = np.searchsorted(np.maximum.accumulate(start), ends, side="right")
    padded = np.append(arrival, np.inf)
    oldest = np.where(waiting > 0, ends - padded[np.minimum(first, arrival.size)], 0.0)
    due_at = arrival + deadline
    horizon_end = float(ends[-1])
    counted = due_at <= horizon_end
    slot = np.clip(np.searchsorted(grid.start, due_at[counted], side="right") - 1, 0, None)
    in_time = (done <= due_at)[counted]
    n = grid.start.size
    due = np.bincount(slot, minlength=n).astype(float)
    met = np.bincount(slot[in_time], minlength=n).astype(float)
    midnight = np.arange(grid.days + 1) * DAY
    arrived_by = np.searchsorted(arrival, midnight, side="left").astype(float)
    arrived_by[0] = min(backlog, arrival.size)  # the starting backlog waits at the start
    started_by = np.searchsorted(started, midnight, side="left").astype(float)
    level = arrived_by - started_by
    day_due = np.histogram(due_at[counted], bins=midnight)[0].astype(float)
    day_met = np.histogram(due_at[counted][in_time], bins=midnight)[0].astype(float)
    days = np.column_stack(
        (
            level[:-1],
            np.diff(arrived_by),
            np.diff(started_by),
            level[1:],
            day_due,
            day_met,
        )
    )
    return DeferredSums(waiting.astype(float), oldest.astype(float), due, met, days)


DAY_COLUMNS = (
    "backlog_start",
    "arrived",
    "handled",
    "backlog_end",
    "due",
    "within_deadline",
)
"""Per-day columns of :func:`backlog_tables`' day table (counts are means per replication)."""


def backlog_tables(
    center: Center, grid: Grid, sums: dict[str, list[DeferredSums]]
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, FloatArray]]:
    """Tabulate the replications: per interval, per day, and each replication's horizon value.

    Parameters
    ----------
    center : Center
        For the interval starts and each queue's deadline.
    grid : Grid
        The forecast's intervals.
    sums : dict
        Per deferred queue name, one :class:`DeferredSums` per replication.

    Returns
    -------
    intervals : pandas.DataFrame
        ``queue, start, backlog, backlog_ci, oldest_age, oldest_age_ci, due,
        within_deadline, within_deadline_ci`` (means over replications; ``_ci``: 95 %
        half-width; ``within_deadline`` empty where nothing was ever due).
    days : pandas.DataFrame
        ``queue, day, backlog_start, arrived, handled, backlog_end, due, within_deadline,
        within_deadline_hw, oldest_age_max``.
    horizon : dict
        Per queue name, each replication's within-deadline share over the horizon (NaN
        where nothing fell due).
    """
    starts = pd.to_datetime(center.forecast.start)
    first_day = center.forecast.start[0].astype("datetime64[D]")
    interval_frames, day_rows, horizon = [], [], {}
    day_of = (grid.start // DAY).astype(np.int64)
    for name, reps in sums.items():
        frame = pd.DataFrame({"queue": name, "start": starts})
        for column, values in (
            ("backlog", [r.backlog for r in reps]),
            ("oldest_age", [r.oldest for r in reps]),
            ("within_deadline", [_share(r.in_time, r.due) for r in reps]),
        ):
            mean, half = kpis.confidence(np.array(values))
            if column == "within_deadline":
                frame["due"] = np.mean([r.due for r in reps], axis=0)
            frame[column] = mean
            frame[f"{column}_ci"] = half
        interval_frames.append(frame)
        horizon[name] = np.array([_share(r.in_time.sum(), r.due.sum()) for r in reps])
        table = np.array([r.days for r in reps])
        for d in range(table.shape[1]):
            counts = table[:, d, :].mean(axis=0)
            share, half = kpis.confidence(_share(table[:, d, 5], table[:, d, 4]))
            oldest = [r.oldest[day_of == d].max(initial=0.0) for r in reps]
            day_rows.append(
                {
                    "queue": name,
                    "day": str(first_day + np.timedelta64(d, "D")),
                    **{c: float(v) for c, v in zip(DAY_COLUMNS[:5], counts, strict=False)},
                    "within_deadline": float(share),
                    "within_deadline_hw": float(half),
                    "oldest_age_max": float(np.mean(oldest)),
                }
            )
    intervals = pd.concat(interval_frames, ignore_index=True) if interval_frames else pd.DataFrame()
    return intervals, pd.DataFrame(day_rows), horizon


def _share(num: FloatArray | float, den: FloatArray | float) -> FloatArray:
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out
