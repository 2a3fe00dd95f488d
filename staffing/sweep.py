"""What-if sweeps: plan many variants of one scenario and compare them side by side.

A sweep varies one or more inputs of a scenario over a grid (``volume=0.9:1.2:0.05``) or a
list (``shrinkage=0.25,0.35``), plans every combination with :func:`staffing.plan.plan`, and
reduces each plan to one row of headline numbers: agents, paid hours, FTE, cost, cost per
contact and the simulated KPIs. What can vary, and how a value is parsed and applied, is
:mod:`staffing.whatif`.

A scenario with ``[[queues]]`` is planned by :func:`staffing.center_plan.plan_center` (as
``staffing plan`` does); its row has the same columns, of all its contacts pooled, and
a few per queue after them (:data:`QUEUE_COLUMNS`).

Variants are planned in parallel, one task per variant, on any
:class:`concurrent.futures.Executor`: by default a process pool started with "spawn" (a
forked copy of a process running threads can deadlock), or a Dask cluster through
``distributed.Client(address).get_executor()``. The rows come back in variant order, and
every variant is planned with the scenario's own seed, so the table is the same whatever
runs it.
"""

import math
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from staffing.center_plan import CenterPlanResult
from staffing.costs import fte
from staffing.parallel import run_tasks
from staffing.plan import plan, predicted_csat
from staffing.requirements import positions
from staffing.scenario import Scenario
from staffing.simulation.center_run import ALL
from staffing.whatif import (
    Value,
    apply_variant,
    check_effect,
    describe,
    variants,
)

RESULT_COLUMNS = (
    "agents",
    "positions",
    "paid hours",
    "FTE",
    "cost",
    "cost per contact",
    "cost per issue",
    "contacts offered",
    "repeats",
    "redials",
    "returns outside",
    "service level",
    "service level 95% CI",
    "ASA s",
    "abandon rate",
    "occupancy",
    "utilization",
    "intervals missing a target",
    "CSAT predicted",
)
"""Columns of a sweep's table after the varied keys (see :class:`SweepResult`)."""

_FROM_TOTALS = {
    "agents": "shifts",
    "paid hours": "paid_hours",
    "FTE": "fte",
    "cost": "cost",
    "cost per contact": "cost_per_contact",
    "contacts offered": "offered",
    "service level": "service_level",
    "service level 95% CI": "service_level_ci",
    "ASA s": "asa",
    "abandon rate": "abandon_rate",
    "occupancy": "occupancy",
    "utilization": "utilization",
    "intervals missing a target": "intervals_missing",
}
"""Columns read from the kept round's :class:`staffing.plan.PlanTotals`, by field."""
_FROM_DAY = {"repeats": "repeats", "redials": "redials", "returns outside": "returns_outside"}
"""Columns read from the kept plan's simulated day, by row name."""

QUEUE_COLUMNS = ("service level", "abandon rate", "cost per contact", "intervals missing a target")
"""Columns a center's table has per queue, after :data:`RESULT_COLUMNS`, named
``<column>:<queue>`` (:func:`queue_column`). An email queue's ``service level`` is its
share within deadline, its ``abandon rate`` 0 (items do not hang up)."""


def queue_column(column: str, queue: str) -> str:
    """Name of a per-queue column of a center's table: ``service level:cards``."""
    return f"{column}:{queue}"


def _center_row(result: CenterPlanResult) -> dict[str, float]:
    """Reduce a center's kept round to its headline numbers: contacts pooled, and per queue.

    As ``staffing plan`` reports a center: cost and paid hours of every group (shrinkage
    and overtime included, no fixed monthly costs), agents the shifts of the planned groups
    (fixed ones are not scheduled), KPIs of the simulated ``all`` row (the calls and chats),
    contacts offered and cost per contact over every queue (email items included), and
    queue-intervals missing a target. Utilization is the groups' handle hours over their paid hours.
    Contacts do not come back in a center's simulation: no repeats, redials or CSAT curve.
    """
    sc, best = result.scenario, result.best
    queues = best.simulation.queues.set_index("queue")
    pooled = queues.loc[ALL]
    paid = float(best.paid_hours.sum())
    costs = result.costs().set_index("queue")
    handled = float(costs.loc[ALL, "answered"])  # email items included
    row = {
        "agents": float(sum(s.headcount for k in best.schedules.values() for s in k.shifts)),
        "paid hours": paid,
        "FTE": fte(paid, sc.fte_hours_per_day, len(sc.forecast.days)),
        "cost": best.cost,
        "cost per contact": best.cost / handled if handled > 0 else math.nan,
        "contacts offered": float(queues.loc[list(result.center.queue_names), "offered"].sum()),
        "repeats": 0.0,
        "redials": 0.0,
        "returns outside": 0.0,
        "service level": float(pooled["service_level"]),
        "service level 95% CI": float(pooled["service_level_hw"]),
        "ASA s": float(pooled["asa"]),
        "abandon rate": float(pooled["abandon_rate"]),
        "occupancy": float(pooled["occupancy"]),
        "utilization": float(best.simulation.handle_hours.to_numpy().sum()) / paid
        if paid > 0
        else math.nan,
        "intervals missing a target": float(best.misses),
        "CSAT predicted": math.nan,
    }
    row["cost per issue"] = row["cost per contact"]
    row["positions"] = float(positions(row["agents"], sc.shrinkage))
    row = {column: row[column] for column in RESULT_COLUMNS}
    for q, queue in enumerate(result.center.queues):
        name = queue.name
        if queue.deferred:  # an email queue's service: its share within deadline
            row[queue_column("service level", name)] = float(queues.loc[name, "within_deadline"])
            row[queue_column("abandon rate", name)] = 0.0
        else:
            row[queue_column("service level", name)] = float(queues.loc[name, "service_level"])
            row[queue_column("abandon rate", name)] = float(queues.loc[name, "abandon_rate"])
        row[queue_column("cost per contact", name)] = float(costs.loc[name, "cost_per_contact"])
        row[queue_column("intervals missing a target", name)] = float(best.missing[q].sum())
    return row


def _plan_row(scenario: Scenario) -> dict[str, float]:
    """Plan one variant and keep its headline numbers (the task sent to a worker)."""
    planned = plan(scenario)
    if isinstance(planned, CenterPlanResult):
        return _center_row(planned)
    best = planned.best
    totals = best.totals
    row = {column: float(getattr(totals, field)) for column, field in _FROM_TOTALS.items()}
    for column, name in _FROM_DAY.items():
        row[column] = float(best.simulation.day.loc[name, "mean"])
    # an issue is a first contact (repeats and redials are the same issues again): the cost
    # per contact handled times the contacts per issue, so without returns the two agree
    first = row["contacts offered"] - row["repeats"] - row["redials"]
    per_issue = row["contacts offered"] / first if first > 0 else math.nan
    row["cost per issue"] = row["cost per contact"] * per_issue
    row["positions"] = float(positions(row["agents"], scenario.shrinkage))
    row["CSAT predicted"] = predicted_csat(scenario, best.simulation)
    return {column: row[column] for column in RESULT_COLUMNS}


def run_sweep(
    scenario: Scenario,
    varies: Mapping[str, Sequence[Value]],
    *,
    executor: Executor | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> "SweepResult":
    """Plan every variant of a scenario and tabulate their headline numbers.

    Every variant is planned with :func:`staffing.plan.plan` in a task of its own, and with
    the scenario's own seed: all variants meet the same simulated callers (common random
    numbers), so differences between rows are effects of the inputs and the staffing, not
    sampling noise, and a comparison of two rows is far sharper than their confidence
    intervals suggest.

    Parameters
    ----------
    scenario
        The base scenario.
    varies
        Values per key of :data:`staffing.whatif.PARAMETERS`, in the package's units (as
        :func:`staffing.whatif.parse_vary` returns them), e.g. ``{"volume": [0.9, 1.0, 1.1]}``;
        for a scenario with ``[[queues]]`` a key may name a queue: ``{"volume:sales": [...]}``.
    executor
        Where the plans run: any :class:`concurrent.futures.Executor`, e.g. a
        ``ThreadPoolExecutor`` or a Dask cluster's ``Client(address).get_executor()``; it is
        not shut down. Default: a process pool of ``workers`` processes started with "spawn".
    workers
        Size of the default process pool; default: the number of CPUs (at most one per
        variant). Ignored when ``executor`` is given.
    progress
        Called as ``progress(done, total)`` each time a variant's plan finishes.

    Returns
    -------
    SweepResult
        One row per variant, in the order of :func:`staffing.whatif.variants`, whatever the
        executor.

    Raises
    ------
    InputError
        For a bad key or value (before anything runs) or a variant that cannot be planned,
        naming the variant.
    """
    grid = variants(varies)
    scenarios = [apply_variant(scenario, variant) for variant in grid]
    check_effect(varies, scenarios)
    rows = run_tasks(
        _plan_row,
        [(sc,) for sc in scenarios],
        executor=executor,
        workers=workers,
        progress=progress,
        name=lambda i: f"variant {describe(grid[i])}",
    )
    table = pd.DataFrame(
        [
            {**{k: math.inf if v is None else v for k, v in variant.items()}, **row}
            for variant, row in zip(grid, rows, strict=True)
        ]
    )
    queues = () if scenario.center is None else scenario.center.queue_names
    missing = [queue_column("intervals missing a target", name) for name in queues]
    for column in ("agents", "intervals missing a target", *missing):
        table[column] = table[column].round().astype(np.int64)
    return SweepResult(scenario, table, tuple(varies))


@dataclass(frozen=True)
class SweepResult:
    """The plans of a sweep, one row each.

    Attributes
    ----------
    scenario : Scenario
        The base scenario.
    table : pandas.DataFrame
        One row per variant in the order of :func:`variants`: the varied keys (values in
        the package's units; a patience of none is ``inf``), then :data:`RESULT_COLUMNS`
        for the kept plan of the variant: ``agents`` (on the phones: headcount on
        shifts), ``positions`` (agents / (1 - shrinkage): what shrinkage costs), ``paid hours``
        [h] (shrinkage included), ``FTE``, ``cost`` and ``cost per contact`` (per contact
        handled) and ``cost per issue`` (cost per contact handled times contacts offered
        per first contact: repeats and redials are the same issues again) in the scenario's
        currency, ``contacts offered`` (of which ``repeats`` and ``redials``), ``returns
        outside`` (returns due after closing, not simulated), ``service level`` with its
        ``service level 95% CI``
        half-width, ``ASA s`` [s], ``abandon rate``, ``occupancy`` and ``utilization``
        (fractions, whole horizon, simulated means), ``intervals missing a target``, and
        ``CSAT predicted`` (from the scenario's CSAT-wait curve, :func:`predicted_csat`;
        NaN without one).

        A scenario with ``[[queues]]``: the same columns for all its contacts pooled (as
        ``staffing plan`` reports a center: ``agents`` are the shifts of the groups planned
        from shifts, ``cost`` leaves fixed monthly costs out, ``utilization`` is the groups'
        handle hours over their paid hours, ``intervals missing a target`` counts
        queue-intervals, no returns and no CSAT prediction), then per queue, in file order,
        the :data:`QUEUE_COLUMNS` named ``<column>:<queue>`` (its simulated service level and
        abandon rate, cost per contact handled with each group's cost shared by handle time,
        and intervals missing one of its targets).
    keys : tuple of str
        The varied keys, in order.
    """

    scenario: Scenario
    table: pd.DataFrame
    keys: tuple[str, ...]
