"""Simulating a center of several queues and groups: replications reduced to KPI tables.

The model is that of :mod:`staffing.simulation.run` (Poisson arrivals per interval, pre-drawn
handle times and patience, agents on windows from counts or shifts, the day run until every
contact is answered or gone), with several queues, each with its own forecast and callers,
served by groups of agents routed as :class:`staffing.simulation.model.Routing` says. Each
replication draws one busyness factor (``volume_cv``) shared by all queues, then each
queue's callers in queue order from the replication's own seed: with one queue and one
group, the callers, and so the numbers, are those of :func:`staffing.simulation.simulate`.

KPIs (DESIGN.md section 4) are reported per queue (and ``all``), per group, per interval
and per day, each as a mean over replications with its Student-t 95 % half-width (Law
2015, section 9.4.1). A queue's ``occupancy`` is that of the groups serving it (their
handle time on every queue over their time on the phones).

Chat queues (:class:`staffing.center.Queue` with ``channel = "chat"``): an agent is busy
while any session (or call) is open, so a group's busy time is the union of its agents'
contacts, not the sum of their handle times; ``chat`` adds, per chat queue over the groups
serving it, the mean concurrency (sessions open per agent with any open, the time-average
of Tezcan & Zhang 2014) and the share of on-phone time at 0, 1, ..., k sessions. A chat
contact's share of a group's handle hours (for the cost per contact) is its work at full
speed, handle time times the group's factor.

Email queues (``channel = "email"``, deferred work; rule 10 of ``Routing``): their items
never hang up and are worked when no live contact waits; the horizon is one run, so the
backlog carries over from day to day. A queue's ``backlog`` items are drawn after its
other items, arriving at the horizon's start with handle times of mean
:attr:`staffing.center.Queue.backlog_aht`.
``backlog`` and ``deferred_days`` tabulate the backlog, the oldest item's age and the
share within deadline (:mod:`staffing.simulation.backlog`); in ``queues``, an email row's
``answered`` is the items handled (``abandoned``: 0; ``offered`` counts the starting
backlog), its ``asa`` the mean time to the start of handling, and its service level and
abandonment, which do not apply, are empty; ``within_deadline`` is its own column. The row
``all`` is over the contacts of the live channels (voice and chat) when the center has
any, so that email items do not dilute the callers' service level; in a center of email
queues only, it is an email row over all their items.

References
----------
.. [1] A. M. Law, Simulation Modeling and Analysis, 5th ed., McGraw-Hill, 2015.
.. [2] T. Tezcan and J. Zhang, "Routing and staffing in customer service chat systems with
   impatient customers", Operations Research 62(4), 943-956, 2014.
"""

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field

import numpy as np
import pandas as pd

from staffing import _checks, kpis
from staffing.center import Center, Queue
from staffing.costs import CostModel
from staffing.errors import InputError
from staffing.shifts import Shift
from staffing.simulation.backlog import DeferredSums, backlog_tables, deferred_sums
from staffing.simulation.model import (
    ANSWERED,
    AgentWindows,
    Callers,
    CenterOutcome,
    FloatArray,
    Grid,
    Routing,
    draw_queue_callers,
    join_windows,
    merge_queues,
    windows_from_counts,
    windows_from_shifts,
)

ALL = "all"
"""The name of the row or table of all queues together."""

_COUNTS = ("offered", "answered", "abandoned")
_QUEUE_KPIS = ("service_level", "asa", "abandon_rate", "occupancy")


@dataclass(frozen=True)
class CenterResult:
    """KPIs of a simulated center over many replications.

    Attributes
    ----------
    queues : pandas.DataFrame
        DESIGN.md section 8: a row per queue and a row ``all``: ``queue, channel, offered,
        answered, abandoned, service_level, service_level_hw, asa, asa_hw, abandon_rate,
        abandon_rate_hw, occupancy`` (counts are means per replication over the horizon;
        ``_hw``: 95 % half-width).
    groups : pandas.DataFrame
        A row per group: ``group, agents`` (mean on the phones over the forecast's
        intervals), ``occupancy``, ``utilization``.
    intervals : pandas.DataFrame
        A row per queue (and ``all``) and interval: ``queue, start, calls, agents``
        (of the groups serving it, on the phones), ``offered``, then every KPI of
        :data:`staffing.kpis.KPI_NAMES` and ``<kpi>_ci``.
    group_intervals : pandas.DataFrame
        A row per group and interval: ``group, start, agents, occupancy, occupancy_ci,
        utilization, utilization_ci``.
    days : pandas.DataFrame
        A row per queue (and ``all``) and calendar day: ``queue, day, offered`` and each
        KPI with ``<kpi>_ci``.
    replications : dict
        Per queue name (and ``all``): per KPI, the whole-horizon value of each replication.
    handle_hours : pandas.DataFrame
        Mean handle time per replication [h], a row per group, a column per queue.
    paid_hours : pandas.Series
        Mean paid time per replication [h] by group (overruns included).
    backlog : pandas.DataFrame
        A row per email queue and interval (none without):
        :func:`staffing.simulation.backlog.backlog_tables`' interval table.
    deferred_days : pandas.DataFrame
        A row per email queue and calendar day: backlog at the start and end, items
        arrived, handled and due, ``within_deadline`` with its half-width, the oldest
        item's largest age [s].
    chat : pandas.DataFrame
        A row per chat queue (none without): ``queue, max_sessions, concurrency,
        concurrency_hw, occupancy``, then ``sessions_0`` ... ``sessions_K`` (K the largest
        ``max_sessions``): the share of the serving groups' on-phone time with that many
        sessions open (0 beyond a queue's own ``max_sessions``); ``concurrency`` is the
        mean number open while at least one is, ``_hw`` its 95 % half-width.
    chat_intervals : pandas.DataFrame
        The same per chat queue and interval: ``queue, start, agents`` (of the serving
        groups, on the phones), ``concurrency, concurrency_hw, sessions_0 ... sessions_K``
        (time within the interval; NaN where no agent was on the phones).
    callers, outcomes : list or None
        Every replication's contacts and outcome, if ``keep_records`` was set.
    """

    queues: pd.DataFrame
    groups: pd.DataFrame
    intervals: pd.DataFrame
    group_intervals: pd.DataFrame
    days: pd.DataFrame
    replications: dict[str, dict[str, FloatArray]]
    handle_hours: pd.DataFrame
    paid_hours: pd.Series
    chat: pd.DataFrame = dataclass_field(default_factory=pd.DataFrame)
    backlog: pd.DataFrame = dataclass_field(default_factory=pd.DataFrame)
    deferred_days: pd.DataFrame = dataclass_field(default_factory=pd.DataFrame)
    chat_intervals: pd.DataFrame = dataclass_field(default_factory=pd.DataFrame)
    callers: list[Callers] | None = None
    outcomes: list[CenterOutcome] | None = None

    def costs(self, center: Center, costs: CostModel) -> pd.DataFrame:
        """Cost per contact handled, per queue and ``all`` (DESIGN.md section 4).

        Each group's paid hours cost its wage (``hourly_wage`` of the group, else of
        ``costs``) with the loadings, seats, team leads and overhead of ``costs``
        (:attr:`staffing.costs.CostModel.per_hour`); a group's cost is shared among the
        queues it served by their share of its handle time. Fixed monthly costs are left
        out. Columns: ``queue, answered, cost, cost_per_contact`` (mean per replication;
        ``all``: every contact handled, email items included).
        """
        shares = self.handle_hours.div(self.handle_hours.sum(axis=1), axis=0).fillna(0.0)
        per_hour = [
            replace(costs, hourly_wage=g.hourly_wage).per_hour
            if g.hourly_wage is not None
            else costs.per_hour
            for g in center.groups
        ]
        group_cost = self.paid_hours.to_numpy() * np.array(per_hour)
        cost = shares.mul(group_cost, axis=0).sum(axis=0)
        answered = self.queues.set_index("queue")["answered"]
        rows = [(name, float(answered[name]), float(cost[name])) for name in center.queue_names]
        handled = float(sum(answered[name] for name in center.queue_names))
        rows.append((ALL, handled, float(group_cost.sum())))
        frame = pd.DataFrame(rows, columns=["queue", "answered", "cost"])
        frame["cost_per_contact"] = np.where(
            frame["answered"] > 0,
            frame["cost"] / frame["answered"].where(frame["answered"] > 0),
            np.nan,
        )
        return frame

    def kpi(self, queue: str, name: str) -> tuple[float, float]:
        """Whole-horizon ``(mean, 95 % half-width)`` of one KPI of ``queue`` (or ``all``)."""
        mean, half = kpis.confidence(self.replications[queue][name])
        return float(mean), float(half)


def _center_engine(engine: str) -> Callable[[Callers, AgentWindows, Routing], CenterOutcome]:
    if engine == "fast":
        from staffing.simulation.fast_center import run_center_day_fast  # compiled on first use

        return run_center_day_fast
    from staffing.simulation.simpy_engine import run_center_day

    return run_center_day


@dataclass(frozen=True)
class _Setup:
    """What every replication shares."""

    center: Center
    grid: Grid
    per_group: tuple[AgentWindows, ...]
    windows: AgentWindows
    routing: Routing
    patience_means: tuple[FloatArray | None, ...]
    engine: str
    volume_cv: float


def simulate_center(
    center: Center,
    *,
    shifts: Mapping[str, Sequence[Shift]] | None = None,
    shrinkage: float = 0.0,
    replications: int = 30,
    seed: int | np.random.SeedSequence = 0,
    engine: str = "fast",
    volume_cv: float = 0.0,
    keep_records: bool = False,
    progress: Callable[[int], None] | None = None,
    cyclic: bool = False,
    workers: int = 1,
) -> CenterResult:
    """Simulate the center's days, with replications.

    Parameters
    ----------
    center : Center
        Queues (forecasts, callers, targets, priorities) and groups (skills, overflow
        delays, handle factors, agents per interval).
    shifts : mapping of str to sequence of Shift, optional
        Per group name, a shift schedule (times in seconds from midnight of the forecast's
        first day) used instead of the group's ``agents``; a group without agents needs
        one.
    shrinkage : float, default 0
        For groups staffed by counts: paid time is on-phone time / (1 - shrinkage).
    replications : int, default 30
        Independent days simulated.
    seed : int or SeedSequence, default 0
        Root of every replication's random numbers (the same callers whatever the staffing).
    engine : {"fast", "simpy"}
        The compiled engine or the SimPy reference; both give the same outcome for every
        contact.
    volume_cv : float, default 0
        One gamma busyness factor per day (mean 1, this CV) multiplying every queue's calls
        (Jongbloed & Koole 2001).
    keep_records : bool
        Keep every replication's contacts and outcomes.
    progress : callable, optional
        Called with the number of replications done after each one.
    cyclic : bool
        With shifts: the horizon repeats (a 24/7 week).
    workers : int, default 1
        Threads the replications are spread over; the results are those of one thread.

    Returns
    -------
    CenterResult
    """
    if int(replications) != replications or replications < 1:
        raise InputError(f"replications = {replications!r}; must be a whole number >= 1")
    if int(workers) != workers or workers < 1:
        raise InputError(f"workers = {workers!r}; must be a whole number >= 1")
    if engine not in ("fast", "simpy"):
        raise InputError(f"engine = {engine!r}; choose one of fast, simpy")
    _checks.shrinkage(shrinkage)
    if not (volume_cv == 0.0 or 1e-6 <= volume_cv <= 10.0):
        raise InputError(f"volume_cv = {volume_cv!r}; must be 0 or from 1e-6 to 10")
    shifts = dict(shifts or {})
    unknown = sorted(set(shifts) - set(center.group_names))
    if unknown:
        raise InputError(f"shifts: {unknown[0]!r} names no group; groups: {center.group_names}")
    grid = Grid.of(center.forecast)
    per_group = []
    for g, group in enumerate(center.groups):
        if group.name in shifts:
            per_group.append(windows_from_shifts(shifts[group.name], grid, cyclic=cyclic))
        elif (agents := center.agents(g)) is not None:
            per_group.append(windows_from_counts(agents, grid, shrinkage))
        else:
            raise InputError(
                f"group {group.name!r} has shifts to plan but no agents; give it agents = N "
                "(or a list per interval) to simulate it"
            )
    windows, group_of = join_windows(per_group)
    means = []
    for queue in center.queues:
        if queue.patience is None:
            means.append(None)
        else:
            default = np.inf if queue.callers.patience is None else queue.callers.patience
            means.append(np.where(np.isnan(queue.patience), default, queue.patience))
    setup = _Setup(
        center,
        grid,
        tuple(per_group),
        windows,
        Routing.of(center, group_of),
        tuple(means),
        engine,
        float(volume_cv),
    )
    root = (
        np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key)
        if isinstance(seed, np.random.SeedSequence)
        else np.random.SeedSequence(seed)
    )
    run_day = _center_engine(engine)

    def replicate(child: np.random.SeedSequence) -> tuple[_Reduced, Callers, CenterOutcome]:
        callers = _draw(setup, np.random.default_rng(child))
        outcome = run_day(callers, windows, setup.routing)
        return _reduce(setup, callers, outcome), callers, outcome

    children = root.spawn(int(replications))
    workers = max(1, min(int(workers), len(children)))
    if workers == 1:
        reps = []
        for r, child in enumerate(children):
            reps.append(replicate(child))
            if progress is not None:
                progress(r + 1)
    else:
        # threads: the compiled engine runs without the GIL; each replication has its own
        # seed, gathered back in order, so the results are those of one thread
        pool = ThreadPoolExecutor(workers)
        try:
            futures = {pool.submit(replicate, child): r for r, child in enumerate(children)}
            done: dict[int, tuple[_Reduced, Callers, CenterOutcome]] = {}
            for future in as_completed(futures):
                done[futures[future]] = future.result()
                if progress is not None:
                    progress(len(done))
        finally:
            pool.shutdown(cancel_futures=True)
        reps = [done[r] for r in range(len(children))]
    return _tables(setup, [rep[0] for rep in reps], keep_records, reps)


def _draw(setup: _Setup, rng: np.random.Generator) -> Callers:
    """One day's contacts of every queue: the day's busyness, then each queue in order."""
    factor = 1.0
    if setup.volume_cv > 0.0:
        shape = setup.volume_cv**-2
        factor = float(rng.gamma(shape, 1.0 / shape))
    per_queue = []
    for queue, means in zip(setup.center.queues, setup.patience_means, strict=True):
        callers = draw_queue_callers(
            rng,
            queue.forecast.calls * factor,
            queue.forecast.aht,
            setup.grid,
            queue.callers.handle_shape(),
            queue.callers.patience_times(),
            means,
        )
        if queue.backlog:
            per_queue.append(_with_backlog(callers, queue, setup.grid, rng))
        else:
            per_queue.append(callers)
    return merge_queues(per_queue)


def _with_backlog(callers: Callers, queue: Queue, grid: Grid, rng: np.random.Generator) -> Callers:
    """Put ``queue.backlog`` items, arriving at the horizon's start, before the day's items."""
    b, mean = queue.backlog, queue.backlog_aht
    return Callers(
        np.concatenate([np.full(b, grid.start[0]), callers.arrival]),
        np.concatenate([mean * queue.callers.handle_shape().unit(rng, b), callers.handle]),
        np.concatenate([np.full(b, np.inf), callers.patience]),
        np.concatenate([np.zeros(b, dtype=np.int64), callers.interval]),
    )


@dataclass(frozen=True)
class _Reduced:
    """One replication's sums: per queue name (and ``all``), per group index."""

    queue_sums: dict[str, kpis.Sums]
    queue_days: dict[str, kpis.Sums]
    group_sums: list[tuple[FloatArray, FloatArray, FloatArray]]
    group_days: list[tuple[float, float, float]]
    handled: FloatArray
    """Handle time per group and queue [agent-seconds]."""
    sessions: FloatArray
    """Per group: its agents' time with 1, ..., K chat sessions open [agent-seconds]."""
    deferred: dict[str, DeferredSums]
    """Per email queue: its backlog's measures."""
    session_bins: FloatArray
    """The same per interval of the grid, shape (groups, K + 1, intervals)."""


def _reduce(setup: _Setup, callers: Callers, outcome: CenterOutcome) -> _Reduced:
    """Per-interval and whole-day sums of one replication, per queue and per group."""
    grid, routing = setup.grid, setup.routing
    answered = outcome.status == ANSWERED
    group = np.where(answered, routing.group_of[np.maximum(outcome.agent, 0)], -1)
    factor = np.nan_to_num(routing.factor, nan=1.0)
    handled = np.where(answered, callers.handle * factor[np.maximum(group, 0), callers.queue], 0.0)
    begin = callers.arrival + outcome.wait
    groups, queues = routing.shape
    assert routing.chat is not None
    has_chat = bool(routing.chat.any())
    sessions = np.zeros((groups, _max_sessions(routing) + 1))
    session_bins = np.zeros((*sessions.shape, grid.start.size))
    group_sums, group_days = [], []
    for g, windows in enumerate(setup.per_group):
        mine = group == g
        if has_chat:
            assert outcome.end is not None
            start, stop, level, chat_level, sessions[g] = _open_profile(
                outcome.agent[mine],
                begin[mine],
                outcome.end[mine],
                routing.chat[callers.queue[mine]],
                sessions.shape[1] - 1,
            )
            for m in range(1, sessions.shape[1]):
                at_m = chat_level == m
                session_bins[g, m] = kpis.time_in_bins(
                    start[at_m], stop[at_m], np.ones(int(at_m.sum())), grid.start, grid.length
                )
            busy_segments = level > 0
            busy = kpis.time_in_bins(
                start[busy_segments],
                stop[busy_segments],
                np.ones(int(busy_segments.sum())),
                grid.start,
                grid.length,
            )
            busy_day = float((stop[busy_segments] - start[busy_segments]).sum())
        else:
            busy = kpis.time_in_bins(
                begin[mine],
                begin[mine] + handled[mine],
                np.ones(int(mine.sum())),
                grid.start,
                grid.length,
            )
            busy_day = float(handled[mine].sum())
        seg = outcome.logged[routing.group_of[outcome.logged_agent] == g]
        logged = kpis.time_in_bins(seg[:, 0], seg[:, 1], np.ones(len(seg)), grid.start, grid.length)
        _, _, on, off, _ = windows.flat
        scheduled = kpis.time_in_bins(on, off, np.ones(on.size), grid.start, grid.length)
        paid_rows = windows.paid
        paid = kpis.time_in_bins(
            paid_rows[:, 0], paid_rows[:, 1], paid_rows[:, 2], grid.start, grid.length
        ) + np.maximum(logged - scheduled, 0.0)
        group_sums.append((busy, logged, paid))
        logged_day = float((seg[:, 1] - seg[:, 0]).sum())
        paid_day = float(((paid_rows[:, 1] - paid_rows[:, 0]) * paid_rows[:, 2]).sum())
        paid_day += max(logged_day - float((off - on).sum()), 0.0)
        group_days.append((busy_day, logged_day, paid_day))
    queue_sums, queue_days = {}, {}
    names = setup.center.queue_names
    served = routing.preference >= 0
    empty2, empty3 = np.zeros((0, 2)), np.zeros((0, 3))
    live = ~np.asarray(routing.deferred)
    everyone = live[callers.queue] if live.any() else np.ones(callers.size, dtype=bool)
    for q, name in enumerate((*names, ALL)):
        mine = callers.queue == q if name != ALL else everyone
        serving = np.flatnonzero(served[:, q]) if name != ALL else np.arange(len(group_sums))
        sums = kpis.interval_sums(
            callers.interval[mine],
            answered[mine],
            outcome.wait[mine],
            empty2,
            empty2,
            empty3,
            empty2,
            grid.start,
            grid.length,
            setup.center.queues[min(q, len(names) - 1)].targets.threshold,
        )
        if name == ALL:
            sums = _all_in_time(setup, callers, outcome, sums, everyone)
        agent_time = [np.sum([group_sums[g][k] for g in serving], axis=0) for k in range(3)]
        sums = replace(sums, busy=agent_time[0], logged=agent_time[1], paid=agent_time[2])
        day_time = [sum(group_days[g][k] for g in serving) for k in range(3)]
        queue_sums[name] = sums
        queue_days[name] = kpis.day_sums(sums, *day_time)
    cell = np.maximum(group, 0) * queues + callers.queue
    per_cell = np.bincount(cell[answered], weights=handled[answered], minlength=groups * queues)
    deferred = {
        queue.name: deferred_sums(grid, callers, outcome, q, float(queue.deadline), queue.backlog)
        for q, queue in enumerate(setup.center.queues)
        if queue.deferred and queue.deadline is not None
    }
    return _Reduced(
        queue_sums,
        queue_days,
        group_sums,
        group_days,
        per_cell.reshape(groups, queues),
        sessions,
        deferred,
        session_bins,
    )


def _max_sessions(routing: Routing) -> int:
    return max(routing.sessions(g) for g in range(routing.shape[0]))


def _open_profile(
    agent: np.ndarray, begin: FloatArray, end: FloatArray, chat: np.ndarray, k: int
) -> tuple[FloatArray, FloatArray, np.ndarray, np.ndarray, FloatArray]:
    """Contacts open per agent over time, from each answered contact's begin and end [s].

    Returns the segments ``[start, stop)`` between an agent's consecutive openings and
    closings with the contacts open in each (calls and sessions: busy if > 0) and the chat
    sessions open in each (at most ``k``), and the agent-seconds with 1, ..., ``k`` chat
    sessions open (entry 0 left 0).
    """
    times = np.concatenate([begin, end])
    step = np.concatenate([np.ones(begin.size), -np.ones(end.size)])
    chat_step = step * np.concatenate([chat, chat])
    who = np.concatenate([agent, agent])
    order = np.lexsort((times, who))
    times, step, chat_step, who = times[order], step[order], chat_step[order], who[order]
    # each agent's steps sum to 0, so running sums over the sorted steps are per agent
    level = np.rint(np.cumsum(step)).astype(np.int64)
    chat_level = np.rint(np.cumsum(chat_step)).astype(np.int64)
    same = who[1:] == who[:-1] if who.size else np.zeros(0, dtype=bool)
    start, stop = times[:-1][same], times[1:][same]
    level, chat_level = level[:-1][same], np.minimum(chat_level[:-1][same], k)
    at = np.bincount(chat_level, weights=stop - start, minlength=k + 1)
    at[0] = 0.0
    return start, stop, level, chat_level, at


def _all_in_time(
    setup: _Setup, callers: Callers, outcome: CenterOutcome, sums: kpis.Sums, mine: np.ndarray
) -> kpis.Sums:
    """Count contacts (of ``mine``) within the answer time, each by its queue's threshold."""
    threshold = np.array([q.targets.threshold for q in setup.center.queues])[callers.queue]
    in_time = (outcome.wait <= threshold) & mine
    answered = outcome.status == ANSWERED
    n = setup.grid.start.size

    def count(mask: np.ndarray) -> FloatArray:
        return np.bincount(callers.interval[mask], minlength=n).astype(float)

    return replace(
        sums,
        answered_in_time=count(answered & in_time),
        abandoned_in_time=count(~answered & in_time),
    )


def _tables(setup: _Setup, reduced: list[_Reduced], keep_records: bool, reps: list) -> CenterResult:
    center, grid = setup.center, setup.grid
    names = (*center.queue_names, ALL)
    starts = pd.to_datetime(center.forecast.start)
    channel = {q.name: q.channel for q in center.queues} | {ALL: ""}
    calls = {q.name: q.forecast.calls for q in center.queues}
    live = [q.forecast.calls for q in center.queues if not q.deferred]
    calls[ALL] = np.sum(live or list(calls.values()), axis=0)
    day_of = np.asarray(
        center.forecast.start.astype("datetime64[D]")
        - center.forecast.start[0].astype("datetime64[D]"),
        dtype=np.int64,
    )
    days_text = pd.to_datetime(center.forecast.start.astype("datetime64[D]")).strftime("%Y-%m-%d")
    queue_rows, interval_frames, day_frames, per_queue_reps = [], [], [], {}
    for name in names:
        per_interval = [kpis.ratios(r.queue_sums[name]) for r in reduced]
        per_day = [kpis.ratios(r.queue_days[name]) for r in reduced]
        day_values = {k: np.array([float(d[k]) for d in per_day]) for k in kpis.KPI_NAMES}
        counts = {
            k: np.array([float(np.sum(getattr(r.queue_sums[name], k))) for r in reduced])
            for k in _COUNTS
        }
        per_queue_reps[name] = day_values | counts
        row = {"queue": name, "channel": channel[name]}
        row |= {k: float(np.mean(v)) for k, v in counts.items()}
        for k in _QUEUE_KPIS:
            mean, half = kpis.confidence(day_values[k])
            row[k] = float(mean)
            if k != "occupancy":
                row[f"{k}_hw"] = float(half)
        queue_rows.append(row)
        frame = pd.DataFrame({"queue": name, "start": starts, "calls": calls[name]})
        logged = np.array([r.queue_sums[name].logged for r in reduced])
        frame["agents"] = logged.mean(axis=0) / grid.length
        frame["offered"] = np.mean([r.queue_sums[name].offered for r in reduced], axis=0)
        for k in kpis.KPI_NAMES:
            mean, half = kpis.confidence(np.array([p[k] for p in per_interval]))
            frame[k] = mean
            frame[f"{k}_ci"] = half
        interval_frames.append(frame)
        day_frames.append(_day_rows(name, reduced, day_of, days_text))
    queues = pd.DataFrame(queue_rows)[
        [
            "queue",
            "channel",
            "offered",
            "answered",
            "abandoned",
            "service_level",
            "service_level_hw",
            "asa",
            "asa_hw",
            "abandon_rate",
            "abandon_rate_hw",
            "occupancy",
        ]
    ]
    backlog, deferred_days, within = backlog_tables(
        center, grid, {name: [r.deferred[name] for r in reduced] for name in reduced[0].deferred}
    )
    intervals = pd.concat(interval_frames, ignore_index=True)
    days = pd.concat(day_frames, ignore_index=True)
    if within:
        queues = _deferred_rows(queues, within, per_queue_reps)
        email = list(within)
        if all(q.deferred for q in center.queues):  # the row all is email items too
            queues = _deferred_rows(queues, {ALL: _pooled_within(reduced)}, per_queue_reps)
            queues.loc[queues["queue"] == ALL, "channel"] = "email"
            email.append(ALL)
        for frame in (intervals, days):
            rows = frame["queue"].isin(email)
            for k in _NOT_DEFERRED:
                frame.loc[rows, [k, f"{k}_ci"]] = np.nan
    group_rows, group_frames = [], []
    open_time = grid.start.size * grid.length
    for g, group in enumerate(center.groups):
        busy = np.array([r.group_days[g][0] for r in reduced])
        logged = np.array([r.group_days[g][1] for r in reduced])
        paid = np.array([r.group_days[g][2] for r in reduced])
        interval_logged = np.array([r.group_sums[g][1] for r in reduced])
        group_rows.append(
            {
                "group": group.name,
                "agents": float(interval_logged.sum(axis=1).mean() / open_time),
                "occupancy": float(np.mean(_ratio(busy, logged))),
                "utilization": float(np.mean(_ratio(busy, paid))),
            }
        )
        frame = pd.DataFrame({"group": group.name, "start": starts})
        frame["agents"] = interval_logged.mean(axis=0) / grid.length
        for k, den in (("occupancy", 1), ("utilization", 2)):
            values = np.array([_ratio(r.group_sums[g][0], r.group_sums[g][den]) for r in reduced])
            mean, half = kpis.confidence(values)
            frame[k] = np.minimum(mean, 1.0) if k == "occupancy" else mean
            frame[f"{k}_ci"] = half
        group_frames.append(frame)
    return CenterResult(
        chat=_chat_table(setup, reduced, queues),
        chat_intervals=_chat_intervals(setup, reduced),
        queues=queues,
        groups=pd.DataFrame(group_rows, columns=["group", "agents", "occupancy", "utilization"]),
        intervals=intervals,
        group_intervals=pd.concat(group_frames, ignore_index=True),
        days=days,
        backlog=backlog,
        deferred_days=deferred_days,
        replications=per_queue_reps,
        handle_hours=pd.DataFrame(
            np.mean([r.handled for r in reduced], axis=0) / 3600.0,
            index=list(center.group_names),
            columns=list(center.queue_names),
        ),
        paid_hours=pd.Series(
            [
                np.mean([r.group_days[g][2] for r in reduced]) / 3600.0
                for g in range(len(center.groups))
            ],
            index=list(center.group_names),
        ),
        callers=[rep[1] for rep in reps] if keep_records else None,
        outcomes=[rep[2] for rep in reps] if keep_records else None,
    )


_NOT_DEFERRED = ("service_level", "abandon_rate")
"""KPIs of callers on the line, which do not apply to email items (left empty for them)."""


def _pooled_within(reduced: list[_Reduced]) -> FloatArray:
    """Each replication's share within deadline over every email queue's items due."""
    due = np.array([sum(d.due.sum() for d in r.deferred.values()) for r in reduced])
    met = np.array([sum(d.in_time.sum() for d in r.deferred.values()) for r in reduced])
    return _ratio(met, due)


def _deferred_rows(
    queues: pd.DataFrame, within: dict[str, FloatArray], reps: dict[str, dict[str, FloatArray]]
) -> pd.DataFrame:
    """Email rows of ``queues``: no abandonment or service level; ``within_deadline`` added.

    Each queue's replications in ``reps`` gain their ``within_deadline`` values too (what
    :meth:`CenterResult.kpi` reads).
    """
    queues = queues.copy()
    if "within_deadline" not in queues:
        queues["within_deadline"] = np.nan
        queues["within_deadline_hw"] = np.nan
    for name, values in within.items():
        row = queues["queue"] == name
        mean, half = kpis.confidence(values)
        queues.loc[row, ["within_deadline", "within_deadline_hw"]] = [float(mean), float(half)]
        queues.loc[row, "abandoned"] = 0.0
        for k in _NOT_DEFERRED:
            queues.loc[row, [k, f"{k}_hw"]] = np.nan
        reps[name]["within_deadline"] = values
    return queues


def _chat_table(setup: _Setup, reduced: list[_Reduced], queues: pd.DataFrame) -> pd.DataFrame:
    """Concurrency of each chat queue's serving groups (DESIGN.md section 4, issue 12)."""
    center, routing = setup.center, setup.routing
    k = _max_sessions(routing)
    columns = ["queue", "max_sessions", "concurrency", "concurrency_hw", "occupancy"]
    columns += [f"sessions_{m}" for m in range(k + 1)]
    occupancy = queues.set_index("queue")["occupancy"]
    rows = []
    for q, queue in enumerate(center.queues):
        if queue.channel != "chat":
            continue
        serving = np.flatnonzero(routing.preference[:, q] >= 0)
        at = np.array([r.sessions[serving].sum(axis=0) for r in reduced])
        logged = np.array([sum(r.group_days[g][1] for g in serving) for r in reduced])
        levels = np.arange(k + 1)
        busy = at[:, 1:].sum(axis=1)
        mean, half = kpis.confidence(_ratio(at @ levels, busy))
        at[:, 0] = logged - busy
        share = _ratio(at, logged[:, None])
        row = {
            "queue": queue.name,
            "max_sessions": queue.max_sessions,
            "concurrency": float(mean),
            "concurrency_hw": float(half),
            "occupancy": float(occupancy[queue.name]),
        }
        row |= {f"sessions_{m}": float(np.nanmean(share[:, m])) for m in range(k + 1)}
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def _chat_intervals(setup: _Setup, reduced: list[_Reduced]) -> pd.DataFrame:
    """Concurrency of each chat queue's serving groups per interval (as :func:`_chat_table`)."""
    center, routing, grid = setup.center, setup.routing, setup.grid
    k = _max_sessions(routing)
    levels = np.arange(k + 1)
    columns = ["queue", "start", "agents", "concurrency", "concurrency_hw"]
    columns += [f"sessions_{m}" for m in levels]
    frames = []
    for q, queue in enumerate(center.queues):
        if queue.channel != "chat":
            continue
        serving = np.flatnonzero(routing.preference[:, q] >= 0)
        at = np.array([r.session_bins[serving].sum(axis=0) for r in reduced])
        logged = np.array([sum(r.group_sums[g][1] for g in serving) for r in reduced])
        busy = at[:, 1:].sum(axis=1)
        frame = pd.DataFrame({"queue": queue.name, "start": pd.to_datetime(center.forecast.start)})
        frame["agents"] = logged.mean(axis=0) / grid.length
        mean, half = kpis.confidence(_ratio(np.einsum("rmn,m->rn", at, levels), busy))
        frame["concurrency"], frame["concurrency_hw"] = mean, half
        at[:, 0] = np.maximum(logged - busy, 0.0)
        share = _ratio(at, logged[:, None, :])
        for m in levels:
            frame[f"sessions_{m}"] = kpis.confidence(share[:, m])[0]
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def _ratio(num: FloatArray, den: FloatArray) -> FloatArray:
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _day_rows(
    name: str, reduced: list[_Reduced], day_of: np.ndarray, days_text: pd.Index
) -> pd.DataFrame:
    """Tabulate one queue per calendar day: contacts summed over the day's intervals."""
    rows = []
    for d in np.unique(day_of):
        mask = day_of == d
        per_rep = []
        for r in reduced:
            s = r.queue_sums[name]
            fields = {k: float(np.sum(getattr(s, k)[mask])) for k in kpis.Sums.__annotations__}
            per_rep.append(kpis.ratios(kpis.Sums(**fields)))
        row = {"queue": name, "day": days_text[int(np.argmax(mask))]}
        row["offered"] = float(np.mean([np.sum(r.queue_sums[name].offered[mask]) for r in reduced]))
        for k in kpis.KPI_NAMES:
            mean, half = kpis.confidence(np.array([float(p[k]) for p in per_rep]))
            row[k] = float(mean)
            row[f"{k}_ci"] = float(half)
        rows.append(row)
    return pd.DataFrame(rows)
