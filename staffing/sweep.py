"""What-if sweeps: plan many variants of one scenario and compare them side by side.

A sweep varies one or more inputs of a scenario over a grid (``volume=0.9:1.2:0.05``) or a
list (``shrinkage=0.25,0.35``), plans every combination with :func:`staffing.plan.plan`, and
reduces each plan to one row of headline numbers: agents, paid hours, FTE, cost, cost per
contact and the simulated KPIs. What can vary, and how a value is parsed and applied, is
:mod:`staffing.whatif`.

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

from staffing.errors import InputError
from staffing.parallel import run_tasks
from staffing.plan import plan, predicted_csat
from staffing.requirements import positions
from staffing.scenario import Scenario
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


def _plan_row(scenario: Scenario) -> dict[str, float]:
    """Plan one variant and keep its headline numbers (the task sent to a worker)."""
    best = plan(scenario).best
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
        :func:`staffing.whatif.parse_vary` returns them), e.g. ``{"volume": [0.9, 1.0, 1.1]}``.
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
    if scenario.center is not None:
        raise InputError(
            f"{scenario.path}: what-if variants of several queues and groups are not yet "
            "available; plan it with `staffing plan`"
        )
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
    for column in ("agents", "intervals missing a target"):
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
    keys : tuple of str
        The varied keys, in order.
    """

    scenario: Scenario
    table: pd.DataFrame
    keys: tuple[str, ...]
