"""Planning a center of several queues and groups: requirements, schedules, verification.

The pipeline of :mod:`staffing.plan` for a scenario with ``[[queues]]`` and ``[[groups]]``
(DESIGN.md sections 3 and 8), in the spirit of Wallace & Whitt (2005): size the pooled
center by Erlang, split it among the groups, schedule each group, and refine by simulation.

1. **Requirements** per interval (:func:`center_requirements`):

   - each queue alone: the Erlang A requirement for its own targets and patience (Erlang C
     where callers never hang up), its handle time multiplied by its home group's
     ``handle_factor``. The sum over queues is what dedicated groups would need.
   - the pooled requirement ``N`` of each *component* of the center (queues linked by the
     groups that serve them; disjoint groups make separate components): the Erlang
     requirement of the component's load summed over its queues, for each queue's targets
     and patience in turn, the largest of them where that queue has calls (in one pool
     every contact sees the same waits, so the strictest queue's targets bind).
   - the split among groups (the *split rule*). A queue's **home group** is, among the
     groups serving it, the one with the queue earliest in its skills, then one taking it
     without ``overflow_after`` delay, then the first in file order. A group's **home load**
     is the offered load of the queues it is home to [Erlangs]; the load of a queue that
     several groups serve first, without delay, is shared equally among them. Groups with
     fixed ``agents`` keep them; the component's other groups share ``N`` less those fixed
     agents in proportion to their home loads, rounded to whole agents by largest
     remainders (ties to the first group in file order), so the shares add up to the pooled
     requirement (all groups share it equally in an interval where none has a home load).
     A group is finally given at least the requirement of the queues only it serves,
     sized as a pool by the same rule: no split leaves a queue nobody else can answer
     short. Wallace & Whitt found by simulation that when handle times do not depend on
     the call type or the agent and each agent has two skills in suitable combinations,
     service is almost as good as when every agent has every skill; they size the total
     staff by Erlang as if fully pooled, give each call type's primary-skill agents a
     square-root-staffing share of it, then refine by simulation. This planner splits the
     total in proportion to the home loads instead (the simpler rule of issue 11), and
     relies on the simulation rounds below for the refinement.

2. **Schedules per group**: :func:`staffing.scheduling.schedule` with the group's ``shifts``
   patterns, each costed at the group's marginal hourly cost (its ``hourly_wage`` or that of
   ``[costs]``, with the loadings: :attr:`staffing.costs.CostModel.per_hour`), and the
   scenario's ``[schedule]`` rules (part-time share, time limit, cyclic week).

3. **Verification rounds**: the schedules are simulated
   (:func:`staffing.simulation.center_run.simulate_center`, the scenario's replications and
   seed, the same seed every round: common random numbers, so rounds differ by staffing
   only). Wherever a queue's simulated mean misses one of its targets in an interval, the
   requirement of the group whose first skill is that queue (else of the queue's home group
   among the planned ones) is raised in that interval to one agent above the coverage it
   had, as the iterative staffing algorithm raises a missing interval (Feldman, Mandelbaum,
   Massey & Whitt 2008); at most ``[simulation] rounds`` rounds. Then, from the cheapest
   round missing nothing, each planned group's requirement is lowered by one agent in the
   intervals where every queue it serves beats each of its targets by more than the
   tolerance (:func:`lowered`), and the day is rescheduled and simulated again (as many
   rounds); a trial that misses somewhere is discarded and every group keeps its
   requirement in the intervals that missed. The round kept is the cheapest one with no
   queue missing a target in any interval, else the one with fewest missing
   queue-intervals (then the cheapest).

Chat and email: a chat queue counts in a pool by its handle time per agent at full
concurrency (:func:`_agent_aht`), and alone by :func:`staffing.erlang.chat_required_agents`.
Email queues are no part of the Erlang pools (:func:`components`): their work is shared
among the groups that serve them and each group's schedule must fit its share by the
deadline in the time its calls and chats leave (:mod:`staffing.blending`,
:class:`staffing.deferred.DeferredWork`). An email queue is judged per day; where a day's
items fall due late more often than ``within_deadline`` allows, the next round gives email
a smaller usable share of that free time, while the calls it delayed raise their groups as
above.

Costs: each group's paid hours (its schedule's, divided by ``1 - shrinkage``, plus the
simulated overtime of contacts finishing after a shift or into a break) at its marginal
hourly cost; a group's cost is shared among the queues it served by their share of its
handle time (:meth:`staffing.simulation.center_run.CenterResult.costs`).

References
----------
.. [1] R. B. Wallace and W. Whitt, "A staffing algorithm for call centers with skill-based
   routing", Manufacturing & Service Operations Management 7(4), 276-294, 2005.
   doi:10.1287/msom.1050.0086
.. [2] Z. Feldman, A. Mandelbaum, W. A. Massey and W. Whitt, "Staffing of time-varying
   queues to achieve time-stable performance", Management Science 54(2), 324-338, 2008.
   doi:10.1287/mnsc.1070.0821
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from staffing import erlang
from staffing.blending import email_work, live_load, refined_usable
from staffing.center import Center, Group, Queue
from staffing.channels import channel_table
from staffing.costs import CostModel
from staffing.deferred import DeferredWork
from staffing.errors import InputError
from staffing.scenario import Scenario
from staffing.scheduling import ScheduleResult, schedule
from staffing.shifts import ShiftPattern
from staffing.simulation import Grid
from staffing.simulation.center_run import CenterResult, simulate_center

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


# --------------------------------------------------------------------------- requirements


@dataclass(frozen=True)
class CenterRequirements:
    """Agents required on the phones per interval (before shrinkage).

    Attributes
    ----------
    queues : ndarray of int, shape (queues, intervals)
        Each queue alone, for its own targets: what a dedicated group would need.
    pooled : ndarray of int, shape (intervals,)
        The pooled requirement, summed over the center's components.
    groups : ndarray of int, shape (groups, intervals)
        The split: each group's share of its component's pooled requirement (groups with
        fixed ``agents``: those agents).
    home : tuple of int
        Per queue, the index of its home group.
    load : ndarray of float, shape (groups, intervals)
        Each group's home load [Erlangs]: calls x handle time (with the group's handle
        factor) / interval length, over the queues it is home to.
    """

    queues: IntArray
    pooled: IntArray
    groups: IntArray
    home: tuple[int, ...]
    load: FloatArray


def home_groups(center: Center) -> tuple[int, ...]:
    """Per queue, its home group: the queue earliest in the skills, no delay, file order."""
    homes = []
    for queue in center.queues:
        candidates = [
            (group.skills.index(queue.name), group.delay(queue.name) > 0.0, g)
            for g, group in enumerate(center.groups)
            if queue.name in group.skills
        ]
        homes.append(min(candidates)[2])
    return tuple(homes)


def components(center: Center) -> list[tuple[list[int], list[int]]]:
    """Live queues linked by the groups serving them: ``(queue indices, group indices)`` each.

    Email queues (deferred work) link nothing and belong to no component: their work is
    planned by the deadline constraint, in the idle time of the groups serving them. A
    group belongs to the component of its first live skill; a group serving email only
    belongs to none.
    """
    index = {name: q for q, name in enumerate(center.queue_names)}
    parent = list(range(len(center.queues)))

    def root(q: int) -> int:
        while parent[q] != q:
            q = parent[q]
        return q

    live = [
        [index[s] for s in g.skills if not center.queues[index[s]].deferred] for g in center.groups
    ]
    for skills in live:
        for q in skills[1:]:
            parent[root(q)] = root(skills[0])
    out: dict[int, tuple[list[int], list[int]]] = {}
    for q, queue in enumerate(center.queues):
        if not queue.deferred:
            out.setdefault(root(q), ([], []))[0].append(q)
    for g, skills in enumerate(live):
        if skills:
            out[root(skills[0])][1].append(g)
    return sorted(out.values())


def _patience(queue: Queue) -> FloatArray:
    """Mean patience per interval [s]; inf where callers never hang up (Erlang C)."""
    n = queue.forecast.n_intervals
    default = np.inf if queue.callers.patience is None else float(queue.callers.patience)
    if queue.patience is None:
        return np.full(n, default)
    return np.where(np.isnan(queue.patience), default, queue.patience)


def _agent_aht(queue: Queue, factor: float) -> FloatArray:
    """Return a contact's handle time in agent-seconds [s]; a chat's is shared by slots.

    A chat agent holds ``k`` sessions, each at speed ``s_k`` when all are open, so one chat
    takes ``aht / (k s_k)`` of an agent's time at full concurrency: the effective-handle-time
    picture of :func:`staffing.erlang.chat_kpis`, in agents rather than slots.
    """
    aht = queue.forecast.aht * factor
    if queue.channel != "chat":
        return aht
    speed = queue.session_speed or (1.0,)
    return aht / (queue.max_sessions * speed[-1])


def _pool_need(center: Center, queues: Sequence[int], factors: Sequence[float]) -> IntArray:
    """Erlang requirement of ``queues`` as one pool: the largest over the queues' targets.

    The pool's calls are summed and its handle time is the calls-weighted mean of each
    queue's AHT times its factor (a chat's in agent-seconds: :func:`_agent_aht`); for each
    queue with calls in an interval, the agents meeting that queue's targets with that
    queue's patience (Erlang A, or C without one). A chat queue alone is sized by
    :func:`staffing.erlang.chat_required_agents` (its occupancy cap, if any, is left to
    the simulation rounds).
    """
    fc = center.forecast
    if len(queues) == 1 and center.queues[queues[0]].channel == "chat":
        queue = center.queues[queues[0]]
        kwargs = queue.targets.as_kwargs()
        kwargs.pop("max_occupancy")
        agents = erlang.chat_required_agents(
            queue.forecast.calls,
            queue.forecast.aht * factors[0],
            queue.max_sessions,
            session_speed=queue.session_speed,
            interval=fc.interval,
            patience=_patience(queue),
            **kwargs,
        )
        return np.where(queue.forecast.calls > 0, np.asarray(agents), 0).astype(np.int64)
    calls = np.sum([center.queues[q].forecast.calls for q in queues], axis=0)
    work = np.sum(
        [
            center.queues[q].forecast.calls * _agent_aht(center.queues[q], f)
            for q, f in zip(queues, factors, strict=True)
        ],
        axis=0,
    )
    aht = np.divide(work, calls, out=np.zeros_like(work), where=calls > 0)
    need = np.zeros(fc.n_intervals, dtype=np.int64)
    for q in queues:
        queue = center.queues[q]
        agents = np.asarray(
            erlang.required_agents(
                calls,
                aht,
                interval=fc.interval,
                patience=_patience(queue),
                **queue.targets.as_kwargs(),
            )
        )
        need = np.maximum(need, np.where(queue.forecast.calls > 0, agents, 0))
    return need


def apportion(total: IntArray, weights: FloatArray) -> IntArray:
    """Split whole agents ``total`` per interval in proportion to ``weights`` per row.

    Largest-remainder rounding (Hamilton's method): each row gets the whole part of its
    exact share, and the agents left go one each to the largest fractional parts (ties to
    the first row). Rows share equally where every weight is 0.

    Parameters
    ----------
    total : ndarray of int, shape (intervals,)
        Agents to split, >= 0.
    weights : ndarray of float, shape (rows, intervals)
        Weights >= 0 (loads [Erlangs]).

    Returns
    -------
    ndarray of int, shape (rows, intervals)
        Shares adding up to ``total`` in every interval.

    Examples
    --------
    >>> apportion(np.array([25]), np.array([[15.0], [5.0]])).ravel().tolist()
    [19, 6]
    """
    weights = np.asarray(weights, dtype=float)
    rows, n = weights.shape
    out = np.zeros((rows, n), dtype=np.int64)
    if rows == 0:
        return out
    summed = weights.sum(axis=0)
    share = np.where(summed > 0, weights / np.where(summed > 0, summed, 1.0), 1.0 / rows)
    exact = share * np.asarray(total, dtype=float)
    out[:] = np.floor(exact + 1e-9).astype(np.int64)
    left = np.asarray(total, dtype=np.int64) - out.sum(axis=0)
    for t in np.flatnonzero(left > 0):
        remainder = exact[:, t] - out[:, t]
        order = np.lexsort((np.arange(rows), -remainder))
        out[order[: left[t]], t] += 1
    return out


def center_requirements(center: Center) -> CenterRequirements:
    """Size each queue alone, the pooled center, and split it among the groups.

    The split rule is described in the module's docstring (Wallace & Whitt 2005).

    Parameters
    ----------
    center : Center
        Queues with forecasts, targets and callers; groups with skills and agents.

    Returns
    -------
    CenterRequirements

    Raises
    ------
    InputError
        If a queue's targets hold over days or the horizon (not planned for several queues).
    """
    for queue in center.queues:
        if queue.targets.over != "interval":
            raise InputError(
                f"queue {queue.name!r}: targets over = {queue.targets.over!r}; a center of "
                "several queues is planned with targets per interval for now"
            )
    fc = center.forecast
    n_groups, n = len(center.groups), fc.n_intervals
    home = home_groups(center)
    factor = [center.groups[home[q]].factor(queue.name) for q, queue in enumerate(center.queues)]
    per_queue = np.array(
        [
            np.zeros(n, dtype=np.int64) if queue.deferred else _pool_need(center, [q], [factor[q]])
            for q, queue in enumerate(center.queues)
        ],
        dtype=np.int64,
    )
    load = np.zeros((n_groups, n))
    for q, queue in enumerate(center.queues):
        if queue.deferred:
            continue
        first = [
            g
            for g, group in enumerate(center.groups)
            if group.skills[0] == queue.name and group.delay(queue.name) == 0.0
        ] or [home[q]]
        for g in first:  # groups sharing a first skill share its load
            work = queue.forecast.calls * _agent_aht(queue, center.groups[g].factor(queue.name))
            load[g] += work / fc.interval / len(first)
    served_by = [
        [g for g, group in enumerate(center.groups) if name in group.skills]
        for name in center.queue_names
    ]
    pooled = np.zeros(n, dtype=np.int64)
    groups = np.zeros((n_groups, n), dtype=np.int64)
    for queues, members in components(center):
        need = _pool_need(center, queues, [factor[q] for q in queues])
        pooled += need
        fixed = [g for g in members if center.groups[g].agents is not None]
        planned = [g for g in members if center.groups[g].agents is None]
        on_hand = np.zeros(n, dtype=np.int64)
        for g in fixed:
            agents = center.agents(g)
            assert agents is not None
            groups[g] = agents
            on_hand += agents
        if not planned:
            continue
        groups[planned] = apportion(np.maximum(need - on_hand, 0), load[planned])
        for g in planned:
            alone = [q for q in queues if served_by[q] == [g]]
            if alone:
                skill = center.groups[g].factor
                floor = _pool_need(center, alone, [skill(center.queue_names[q]) for q in alone])
                groups[g] = np.maximum(groups[g], floor)
    return CenterRequirements(per_queue, pooled, groups, home, load)


# --------------------------------------------------------------------------- rounds


@dataclass(frozen=True)
class CenterRound:
    """One schedule-and-simulate round of a center.

    Attributes
    ----------
    number : int
        0 for the schedules of the split Erlang requirement, then 1, 2, ...
    phase : str
        ``erlang`` (round 0), ``raise`` or ``trim``.
    requirement : ndarray of int, shape (groups, intervals)
        Agents required on the phones per group and interval in this round (groups with
        fixed ``agents``: those agents).
    schedules : dict of str to ScheduleResult
        Each planned group's schedule, by group name.
    simulation : CenterResult
        The simulated KPIs, each group's ``paid_hours`` with shrinkage and overtime [h].
    missing : ndarray of bool, shape (queues, intervals)
        Where a queue with contacts misses one of its targets (simulated mean).
    paid_hours : pandas.Series
        Paid hours per group over the horizon (mean), shrinkage and overtime included [h].
    cost : float
        Those hours at each group's marginal hourly cost [currency].
    usable : dict of str to float
        Per email queue, the usable share of free time its groups' schedules were given
        (:mod:`staffing.blending`).
    """

    number: int
    phase: str
    requirement: IntArray
    schedules: dict[str, ScheduleResult]
    simulation: CenterResult
    missing: BoolArray
    paid_hours: pd.Series
    cost: float
    usable: dict[str, float] = field(default_factory=dict)

    @property
    def misses(self) -> int:
        """Queue-intervals missing a target."""
        return int(self.missing.sum())

    def coverage(self, center: Center) -> FloatArray:
        """Agents on the phones per group and interval: scheduled, or the fixed agents."""
        out = np.zeros(self.requirement.shape)
        for g, group in enumerate(center.groups):
            if group.name in self.schedules:
                out[g] = self.schedules[group.name].coverage
            else:
                out[g] = self.requirement[g]
        return out


@dataclass(frozen=True)
class QueueCheck:
    """One queue's target against the kept round's simulated whole-horizon value.

    ``status`` is ``met``, ``within tolerance`` or ``missed``
    (:func:`staffing.requirements.kpi_status`); ``half`` is the 95 % half-width.
    """

    queue: str
    label: str
    key: str
    target: float
    value: float
    half: float
    higher_is_better: bool
    status: str


@dataclass(frozen=True)
class CenterPlanResult:
    """Everything a center's plan produced; ``best`` is the round kept.

    Attributes
    ----------
    scenario : Scenario
        The planning problem.
    requirements : CenterRequirements
        Per queue, pooled and split Erlang requirements.
    rounds : list of CenterRound
        Every round, in order.
    best : CenterRound
        The round kept.
    dedicated_paid_hours : pandas.Series
        Per queue: paid hours of a dedicated group scheduled for that queue's own Erlang
        requirement with its home group's patterns, shrinkage included [h]; NaN for a
        queue whose home group has fixed agents.
    unraised : int
        Queue-intervals that missed in some round with no planned group to raise.
    """

    scenario: Scenario
    requirements: CenterRequirements
    rounds: list[CenterRound]
    best: CenterRound
    dedicated_paid_hours: pd.Series
    unraised: int = 0

    @property
    def erlang_only(self) -> CenterRound:
        """The first round: the schedules of the split Erlang requirement."""
        return self.rounds[0]

    @property
    def center(self) -> Center:
        """The scenario's center."""
        center = self.scenario.center
        assert center is not None
        return center

    def pooled_paid_hours(self, number: int = 0) -> float:
        """Scheduled paid hours of the planned groups in round ``number``, shrinkage in [h]."""
        shrink = 1.0 - self.scenario.shrinkage
        return sum(s.paid_hours for s in self.rounds[number].schedules.values()) / shrink

    def checks(self) -> list[QueueCheck]:
        """Every queue's targets against the kept round's whole-horizon simulation."""
        out = []
        for queue in self.center.queues:
            for t in queue.targets.given():
                value, half = self.best.simulation.kpi(queue.name, t.kpi)
                out.append(
                    QueueCheck(
                        queue.name,
                        t.label,
                        t.kpi,
                        t.value,
                        value,
                        half,
                        t.higher_is_better,
                        t.status(value, self.scenario.tolerance),
                    )
                )
        return out

    def costs(self) -> pd.DataFrame:
        """Cost per contact handled per queue in the kept round.

        Columns ``queue, answered, cost, cost_per_contact`` (means per replication).
        """
        return self.best.simulation.costs(self.center, self.scenario.costs)

    def channels(self) -> pd.DataFrame:
        """Contacts, cost per contact and resolution rate per channel in the kept round.

        :func:`staffing.channels.channel_table`, with the resolution band of the
        scenario's ``[scorecard] sector``.
        """
        sc = self.scenario
        return channel_table(
            self.center, self.best.simulation, sc.costs, sector=sc.scorecard.sector
        )


def group_cost(costs: CostModel, group: Group) -> float:
    """Marginal cost of one paid hour of ``group`` [currency/h]: its wage or ``costs``'."""
    if group.hourly_wage is None:
        return costs.per_hour
    return replace(costs, hourly_wage=group.hourly_wage).per_hour


def group_patterns(scenario: Scenario, group: Group) -> tuple[ShiftPattern, ...]:
    """Return the group's ``shifts`` patterns, costed at its marginal hourly cost."""
    per_hour = group_cost(scenario.costs, group)
    patterns = [p for p in scenario.patterns if p.name in group.shifts]
    if per_hour > 0.0:
        patterns = [replace(p, hourly_cost=per_hour) for p in patterns]
    return tuple(patterns)


def misses(center: Center, result: CenterResult) -> BoolArray:
    """Per queue and interval: whether a queue with contacts misses a target (means).

    An email queue misses in the intervals (with items falling due) of each day whose items
    came late more often than its ``within_deadline`` allows.
    """
    table = result.intervals
    out = []
    for queue in center.queues:
        if queue.deferred:  # judged per day, as a deadline share is: the day's due intervals
            rows = result.backlog[result.backlog["queue"] == queue.name]
            days = result.deferred_days[result.deferred_days["queue"] == queue.name]
            late = days["day"][days["within_deadline"] < float(queue.targets.within_deadline)]
            day = pd.to_datetime(rows["start"]).dt.strftime("%Y-%m-%d").to_numpy()
            out.append(np.isin(day, late.to_numpy()) & (rows["due"].to_numpy() > 0))
            continue
        rows = table[table["queue"] == queue.name]
        miss = np.zeros(len(rows), dtype=bool)
        for t in queue.targets.given():
            miss |= t.missed(rows[t.kpi].to_numpy(dtype=float))
        out.append(miss & (rows["offered"].to_numpy() > 0))
    return np.array(out, dtype=bool).reshape(len(center.queues), center.forecast.n_intervals)


def raised(
    center: Center, requirement: IntArray, coverage: FloatArray, missing: BoolArray
) -> tuple[IntArray, int]:
    """Raise, where a queue misses, the requirement of the group answering for it.

    The group answering for a queue is the first planned group (no fixed ``agents``) in
    file order whose first skill is the queue, else the queue's home group among the
    planned groups serving it (:func:`home_groups`' order). Its requirement in each missing
    interval becomes one agent above what it had or was covered with, whichever is more
    (several queues missing in one interval raise a group once).

    Returns
    -------
    (ndarray of int, int)
        The new requirement, and the queue-intervals no planned group serves.
    """
    out = requirement.copy()
    raise_ = np.zeros(requirement.shape, dtype=bool)
    left = 0
    for q, name in enumerate(center.queue_names):
        if not missing[q].any() or center.queues[q].deferred:
            continue  # email: the deadline constraint's next round answers for it
        g = responsible(center, name)
        if g is None:
            left += int(missing[q].sum())
            continue
        raise_[g] |= missing[q]
    covered = np.ceil(coverage - 1e-9).astype(np.int64)
    out[raise_] = np.maximum(requirement, covered)[raise_] + 1
    return out, left


def responsible(center: Center, queue: str) -> int | None:
    """Return the planned group raised when ``queue`` misses (None if none serves it)."""
    planned = [g for g, group in enumerate(center.groups) if group.agents is None]
    for g in planned:
        if center.groups[g].skills[0] == queue:
            return g
    serving = [
        (center.groups[g].skills.index(queue), center.groups[g].delay(queue) > 0.0, g)
        for g in planned
        if queue in center.groups[g].skills
    ]
    return min(serving)[2] if serving else None


def lowered(center: Center, round_: CenterRound, blocked: BoolArray, tolerance: float) -> IntArray:
    """Lower by one agent each group's intervals where all it serves beats every target.

    The other half of the iterative staffing algorithm (Feldman et al. 2008), as
    :func:`staffing.plan.plan` trims a single queue: a planned group's requirement in an
    interval falls to one below what it had or was covered with, whichever is less, when
    every queue the group serves that has contacts there beats each of its targets by more
    than the tolerance band (80 % with a 5 % tolerance: above 84 %); ``blocked`` cells, and
    groups with fixed agents, keep theirs.
    """
    table = round_.simulation.intervals
    n = center.forecast.n_intervals
    beats = {}
    for queue in center.queues:
        if queue.deferred:  # its capacity is the deadline constraint's, kept in every round
            beats[queue.name] = np.ones(n, dtype=bool)
            continue
        rows = table[table["queue"] == queue.name]
        ok = np.ones(n, dtype=bool)
        for t in queue.targets.given():
            band = abs(t.value) * tolerance
            achieved = rows[t.kpi].to_numpy(dtype=float)
            ok &= achieved > t.value + band if t.higher_is_better else achieved < t.value - band
        beats[queue.name] = ok | (rows["offered"].to_numpy() <= 0)
    out = round_.requirement.copy()
    covered = np.ceil(round_.coverage(center) - 1e-9).astype(np.int64)
    for g, group in enumerate(center.groups):
        if group.agents is not None:
            continue
        where = np.logical_and.reduce([beats[s] for s in group.skills]) & ~blocked[g]
        out[g, where] = np.maximum(np.minimum(out[g, where], covered[g, where]) - 1, 0)
    return out


def _schedule_group(
    scenario: Scenario,
    group: Group,
    requirement: IntArray,
    grid: Grid,
    deferred: DeferredWork | None = None,
) -> ScheduleResult:
    """Least-cost schedule of ``group``'s patterns covering ``requirement`` (and its email)."""
    rules = scenario.rules
    result = schedule(
        requirement,
        grid.start,
        grid.length,
        group_patterns(scenario, group),
        max_part_time_share=rules.max_part_time_share,
        time_limit=rules.time_limit,
        cyclic=rules.cyclic,
        deferred=deferred,
    )
    if not result.shifts and (requirement.any() or deferred is not None):
        raise InputError(
            f"{scenario.path}: group {group.name!r}: no shift could be scheduled: "
            + "; ".join(result.messages)
        )
    return result


def _check(scenario: Scenario) -> Center:
    center = scenario.center
    if center is None:
        raise InputError(f"{scenario.path}: has no [[queues]]; plan it with staffing.plan.plan")
    if scenario.rules.max_headcount is not None or scenario.rules.min_headcount is not None:
        raise InputError(
            f"{scenario.path}: schedule.max_headcount / min_headcount with [[queues]]: limits "
            "on a center's headcount are not planned yet (they would bind each group alone); "
            "drop them"
        )
    if not any((q.forecast.calls > 0).any() for q in center.queues):
        raise InputError(f"{scenario.path}: no queue has calls in any interval; nothing to staff")
    return center


def _worst_day(result: CenterResult, queue: str) -> float:
    """Return the lowest share within deadline of an email queue's days (NaN: none due)."""
    days = result.deferred_days
    values = days.loc[days["queue"] == queue, "within_deadline"].to_numpy(dtype=float)
    return float(np.nanmin(values)) if np.isfinite(values).any() else float("nan")


def _occupancy(center: Center, need: CenterRequirements) -> FloatArray:
    """Per group and interval: its component's calls-and-chats load over its requirement."""
    out = np.zeros(need.groups.shape)
    for _, members in components(center):
        load = need.load[members].sum(axis=0)
        agents = need.groups[members].sum(axis=0)
        out[members] = np.divide(load, agents, out=np.zeros_like(load), where=agents > 0)
    return out


def plan_center(
    scenario: Scenario,
    *,
    progress: Callable[[str, int, int], None] | None = None,
) -> CenterPlanResult:
    """Plan a center: split the pooled Erlang requirement, schedule groups, verify, raise.

    Parameters
    ----------
    scenario : Scenario
        A scenario with ``[[queues]]`` and ``[[groups]]``.
    progress : callable, optional
        Called as ``progress(stage, done, total)`` while rounds simulate.

    Returns
    -------
    CenterPlanResult

    Raises
    ------
    InputError
        Without a center, with headcount limits, targets over days, or a group whose
        patterns cannot cover its requirement.
    """
    center = _check(scenario)
    grid = Grid.of(center.forecast)
    try:
        need = center_requirements(center)
    except InputError as error:
        raise InputError(f"{scenario.path}: {error}") from None
    planned = [g for g, group in enumerate(center.groups) if group.agents is None]
    sim = scenario.simulation
    solved: dict[tuple[int, bytes, tuple], ScheduleResult] = {}
    rounds: list[CenterRound] = []
    load = live_load(center, need.groups, _occupancy(center, need))
    emails = [q for q in center.queues if q.deferred]

    def run(requirement: IntArray, phase: str, usable: dict[str, float]) -> CenterRound:
        number = len(rounds)
        stage = "Erlang-split schedules" if number == 0 else f"round {number}"
        if progress is not None:
            progress(stage, 0, sim.replications)
        work = email_work(center, need.groups, load, usable)  # shares fixed: raises are slack
        schedules = {}
        for g in planned:
            key = (g, requirement[g].tobytes(), tuple(sorted(usable.items())))
            if key not in solved:  # a group whose requirement did not change keeps its shifts
                solved[key] = _schedule_group(
                    scenario, center.groups[g], requirement[g], grid, work.get(g)
                )
            schedules[center.groups[g].name] = solved[key]
        result = simulate_center(
            center,
            shifts={name: s.shifts for name, s in schedules.items()},
            shrinkage=scenario.shrinkage,
            replications=sim.replications,
            seed=sim.seed,
            volume_cv=sim.volume_cv,
            cyclic=scenario.rules.cyclic,
            progress=None
            if progress is None
            else (lambda done: progress(stage, done, sim.replications)),
        )
        paid = result.paid_hours.copy()
        loading = 1.0 / (1.0 - scenario.shrinkage) - 1.0
        for name, s in schedules.items():  # counts were simulated with shrinkage already
            paid[name] += s.paid_hours * loading
        result = replace(result, paid_hours=paid)
        cost = float(sum(paid[g.name] * group_cost(scenario.costs, g) for g in center.groups))
        rounds.append(
            CenterRound(
                number,
                phase,
                requirement.copy(),
                schedules,
                result,
                misses(center, result),
                paid,
                cost,
                dict(usable),
            )
        )
        return rounds[-1]

    last = run(need.groups.copy(), "erlang", {q.name: 1.0 for q in emails})
    unraised = 0
    while last.misses and len(rounds) <= sim.rounds:
        requirement, left = raised(center, last.requirement, last.coverage(center), last.missing)
        unraised = max(unraised, left)
        usable = {
            q.name: refined_usable(
                last.usable[q.name],
                _worst_day(last.simulation, q.name),
                float(q.targets.within_deadline or 0.0),
            )
            for q in emails
        }
        if np.array_equal(requirement, last.requirement) and usable == last.usable:
            break
        last = run(requirement, "raise", usable)
    best = min(rounds, key=lambda r: (r.misses, r.cost))
    # trim: from the cheapest clean round, lower what beats every target; keep improvements
    blocked = np.zeros(best.requirement.shape, dtype=bool)
    blocked[[g for g, group in enumerate(center.groups) if group.agents is not None]] = True
    for _ in range(sim.rounds if best.misses == 0 else 0):
        requirement = lowered(center, best, blocked, scenario.tolerance)
        if np.array_equal(requirement, best.requirement):
            break
        if rounds[-1].phase == "trim" and np.array_equal(requirement, rounds[-1].requirement):
            break  # the same trial again: nothing left to lower
        trial = run(requirement, "trim", best.usable)
        if trial.misses == 0 and trial.cost < best.cost:
            best = trial
        else:
            # every group keeps its requirement where the trial missed (a group lowered
            # there sends its contacts to others by overflow), and where it did not move
            blocked[:, trial.missing.any(axis=0)] = True
            blocked |= requirement == best.requirement
    return CenterPlanResult(
        scenario, need, rounds, best, _dedicated(scenario, center, need, grid), unraised
    )


def _only(group: Group, queue: str) -> Group:
    """``group`` serving ``queue`` alone, with its proficiency on it."""
    return Group(
        group.name,
        (queue,),
        handle_factor={queue: group.factor(queue)},
        agents=group.agents,
        shifts=group.shifts,
        hourly_wage=group.hourly_wage,
    )


def _dedicated(
    scenario: Scenario, center: Center, need: CenterRequirements, grid: Grid
) -> pd.Series:
    """Paid hours of a dedicated group per queue, sized for the queue alone [h].

    Each queue's own Erlang requirement scheduled with its home group's patterns: the
    center without pooling, what the pooling gain is measured against. An email queue's
    dedicated group has only its items to work, by their deadline (no blending).
    """
    hours = {}
    for q, queue in enumerate(center.queues):
        name = queue.name
        group = center.groups[need.home[q]]
        n = need.queues.shape[1]
        alone = (  # email: the items by their deadline, and nothing else to do
            email_work(
                replace(center, queues=(queue,), groups=(_only(group, name),)),
                np.zeros((1, n), dtype=np.int64),
                np.zeros((1, n)),
                {},
            )
            if queue.deferred
            else {}
        )
        if group.agents is not None or not (need.queues[q].any() or alone):
            hours[name] = np.nan if group.agents is not None else 0.0
            continue
        result = _schedule_group(scenario, group, need.queues[q], grid, alone.get(0))
        hours[name] = result.paid_hours / (1.0 - scenario.shrinkage)
    return pd.Series(hours, dtype=float)
