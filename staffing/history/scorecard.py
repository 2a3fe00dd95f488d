r"""Actual KPIs from a contact log, per day, week, month and the whole period, against targets.

The scorecard of DESIGN.md sections 4 and 9: every KPI the data allows, per period and per
queue, channel and all contacts, each with its target, a status (``green`` met, ``yellow``
within tolerance, ``red`` missed, ``none`` without a target or without data), the sector's
benchmark range as a reference, and the change since the previous period of the same kind.

How it is computed: every KPI is a ratio of sums (:data:`SUMS`). The sums are counted once
per day and per (queue, channel) with :func:`numpy.bincount`, then added up into weeks,
months and the whole period, and into queues, channels and ``all``; the ratios come last.
A million contacts take well under a second.

Definitions (DESIGN.md section 4; all over offered contacts unless said otherwise):

- a contact belongs to the day it **arrives**; weeks run Monday to Sunday (ISO 8601 week
  numbers, ``2026-W10``); months are calendar months (``2026-03``);
- answered within T: ``wait <= T`` (the simulator's rule, :func:`staffing.kpis.interval_sums`);
  a short abandon hangs up within T; a contact queued if ``wait > 0``;
- handle time (``aht``, occupancy, utilization) = ``handle`` + ``wrap`` when the log gives
  after-call work separately;
- FCR (an *issue* is an answered contact that is not a repeat: no answered contact of the
  same customer ended within the repeat window before it arrived; without a known customer
  every answered contact is an issue): with a ``resolved`` column, issues flagged resolved
  ÷ issues flagged 0 or 1; otherwise, with a ``customer`` column, issues whose customer
  does not contact again within the repeat window after the end of the contact ÷ issues
  whose window closes before the log's last arrival (later ones cannot be judged yet);
- ``resolution_rate``: answered contacts flagged resolved ÷ answered contacts flagged;
- CSAT: answers of 4 or 5 ÷ answers (the top two boxes of the 1-5 scale); NPS: % of 9-10
  minus % of 0-6, in points (Reichheld 2003); CES: mean answer (1-7, lower is better);
- occupancy and utilization: handle time of all contacts ÷ logged-in and ÷ paid time of
  all agents (``--agent-time``); so for ``queue = all`` only;
- cost per contact: :math:`(H_p \, c_h + F \, d / 30.4) / N`, the cost of
  :mod:`staffing.costs` for the paid hours :math:`H_p` of the period (:math:`c_h` =
  :attr:`~staffing.costs.CostModel.per_hour`, :math:`F` the fixed monthly cost, :math:`d`
  the period's days), over the contacts handled :math:`N`; a queue's share of the cost is
  its share of handle time.

References
----------
.. [1] F. F. Reichheld, "The one number you need to grow", Harvard Business Review 81(12),
   46-54, 2003 (the Net Promoter Score).
.. [2] ISO 8601-1:2019, Date and time, section 5.2.3 (week dates).
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from staffing.benchmarks import EXPERIENCE_KPIS, ScorecardTargets, benchmarks
from staffing.costs import CostModel
from staffing.errors import InputError
from staffing.history.coaching import agent_table
from staffing.history.feedback import AgentTime, QaScores, Surveys, contact_rows
from staffing.history.log import ContactLog
from staffing.history.repeats import fcr_counts, handle_with_wrap
from staffing.requirements import MET, MISSED, WITHIN_TOLERANCE, ServiceTargets, kpi_status

FloatArray = NDArray[np.float64]

PERIOD_TYPES = ("day", "week", "month", "all")
"""The periods of a scorecard, shortest first."""

ALL = "all"
"""The ``queue`` (and ``channel``) of rows over every contact."""

STATUS = {MET: "green", WITHIN_TOLERANCE: "yellow", MISSED: "red"}
"""Scorecard colours of :func:`staffing.requirements.kpi_status`; anything else is ``none``."""

COLUMNS = (
    "period",
    "queue",
    "kpi",
    "value",
    "target",
    "status",
    "channel",
    "period_type",
    "n",
    "benchmark_low",
    "benchmark_high",
    "change",
)
"""Columns of the scorecard table: the DESIGN.md section 9 contract first (``period, queue,
kpi, value, target, status``), then ``channel``, ``period_type``, ``n`` (contacts, answers or
evaluations the value is over), the benchmark range and ``change`` (value minus the previous
period's of the same kind)."""

SUMS = (
    "offered",
    "answered",
    "abandoned",
    "within",
    "short_abandoned",
    "queued",
    "wait",
    "wait_answered",
    "work",
    "fcr_resolved",
    "fcr_issues",
    "resolved",
    "flagged",
    "satisfied",
    "csat_answers",
    "promoters",
    "detractors",
    "nps_answers",
    "ces_total",
    "ces_answers",
    "qa_total",
    "qa_count",
    "logged_in",
    "paid",
)
"""The sums every KPI is a ratio of, counted per day and (queue, channel)."""

KPIS: dict[str, tuple[str, str, bool | None]] = {
    "offered": ("offered", "offered", None),
    "service_level": ("within", "offered", True),
    "service_level_answered": ("within", "answered", True),
    "service_level_excl_short_abandons": ("within", "offered-short", True),
    "asa": ("wait_answered", "answered", False),
    "mean_wait": ("wait", "offered", False),
    "p_wait": ("queued", "offered", False),
    "abandon_rate": ("abandoned", "offered", False),
    "aht": ("work", "answered", False),
    "occupancy": ("work", "logged_in", False),
    "utilization": ("work", "paid", True),
    "cost_per_contact": ("cost", "answered", False),
    "fcr": ("fcr_resolved", "fcr_issues", True),
    "resolution_rate": ("resolved", "flagged", True),
    "csat": ("satisfied", "csat_answers", True),
    "nps": ("promoters-detractors", "nps_answers", True),
    "ces": ("ces_total", "ces_answers", False),
    "qa_score": ("qa_total", "qa_count", True),
}
"""Each KPI in report order: numerator, denominator (names of :data:`SUMS`), and whether
higher is better (None: a volume, no direction)."""

DAYS_PER_MONTH = 30.4
"""Days in a month for the fixed costs (365 / 12, as :func:`staffing.costs.cost_breakdown`)."""


@dataclass(frozen=True)
class Scorecard:
    """A scorecard: KPIs per period and queue, their targets, statuses and trends.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per period, (queue, channel) and KPI, columns :data:`COLUMNS`; shares as
        fractions, durations [s], NPS [points], QA 0-100, cost [currency]. ``value`` is NaN
        (shown as "—") where the period has no data, with status ``none``.
    threshold : float
        Service-level answer time [s].
    fcr_method : str
        ``"resolved"`` (flag), ``"repeat"`` (repeat window) or ``""`` (no FCR).
    first_day, last_day : numpy.datetime64
        The days the log spans.
    notes : list of str
        What the data did not allow, or left out (surveys of unknown contacts...).
    agents : pandas.DataFrame
        Per agent (:func:`staffing.history.coaching.agent_table`).
    tolerance : float
        Width of the yellow band as a share of each target.
    """

    table: pd.DataFrame
    threshold: float
    fcr_method: str
    first_day: np.datetime64
    last_day: np.datetime64
    notes: list[str] = field(default_factory=list)
    agents: pd.DataFrame = field(default_factory=pd.DataFrame)
    tolerance: float = 0.05

    def value(self, kpi: str, period: str = ALL, queue: str = ALL, channel: str = ALL) -> float:
        """Return the value of one KPI (NaN when undefined); raises KeyError if there is no row."""
        t = self.table
        row = t[(t.kpi == kpi) & (t.period == period) & (t.queue == queue) & (t.channel == channel)]
        if len(row) != 1:
            raise KeyError(f"no scorecard row for {kpi}, {period}, {queue}, {channel}")
        return float(row.value.iloc[0])

    def rows(self, period_type: str, queue: str = ALL, channel: str = ALL) -> pd.DataFrame:
        """Return the rows of one kind of period for one (queue, channel)."""
        t = self.table
        keep = (t.period_type == period_type) & (t.queue == queue) & (t.channel == channel)
        return t[keep]


# --------------------------------------------------------------------------- periods


def _week_label(monday: np.datetime64) -> str:
    year, week, _ = pd.Timestamp(monday).isocalendar()
    return f"{year}-W{week:02d}"


def periods(first: np.datetime64, last: np.datetime64) -> dict[str, tuple[list[str], NDArray]]:
    """Labels of each kind of period over the days from ``first`` to ``last``, and each day's.

    Returns
    -------
    dict
        By period type (:data:`PERIOD_TYPES`): the labels in time order (``2026-03-02``,
        ``2026-W10``, ``2026-03``, ``all``) and, for every day of the span, the index of the
        period it falls in.
    """
    days = np.arange(first, last + np.timedelta64(1, "D"), dtype="datetime64[D]")
    monday = days - ((days.astype(np.int64) + 3) % 7).astype("timedelta64[D]")
    month = days.astype("datetime64[M]")
    out: dict[str, tuple[list[str], NDArray]] = {
        "day": ([str(d) for d in days], np.arange(days.size))
    }
    for name, key, label in (
        ("week", monday, _week_label),
        ("month", month, str),
    ):
        unique, index = np.unique(key, return_inverse=True)
        out[name] = ([label(u) for u in unique], index)
    out["all"] = ([ALL], np.zeros(days.size, dtype=np.int64))
    return out


# --------------------------------------------------------------------------- contacts


# --------------------------------------------------------------------------- scorecard


def _combos(log: ContactLog) -> tuple[NDArray[np.int64], list[tuple[str, str]]]:
    """Each contact's (queue, channel) combination, and the combinations in order."""
    queue = np.asarray(log.columns.get("queue", np.full(log.size, "")), dtype=str)
    channel = np.asarray(log.columns.get("channel", np.full(log.size, "")), dtype=str)
    q, queues = pd.factorize(queue, sort=True)
    c, channels = pd.factorize(channel, sort=True)
    codes, pairs = pd.factorize(q.astype(np.int64) * len(channels) + c, sort=True)
    combos = [(str(queues[p // len(channels)]), str(channels[p % len(channels)])) for p in pairs]
    return codes.astype(np.int64), combos


def _segments(combos: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], FloatArray]:
    """Return the scorecard's (queue, channel) rows and which combinations each adds up.

    ``all`` always; each channel when there are several; each queue (with its channel)
    when the log names queues. The last row of the matrix is the pseudo-combination of
    inputs known only for all contacts (agent time, QA by agent and date).
    """
    queues = sorted({q for q, _ in combos if q})
    channels = sorted({c for _, c in combos if c})
    rows: list[tuple[str, str]] = [(ALL, ALL)]
    members: list[list[int]] = [list(range(len(combos) + 1))]
    if len(channels) > 1:
        for ch in channels:
            rows.append((ALL, ch))
            members.append([i for i, (_, c) in enumerate(combos) if c == ch])
    if queues:
        for i, (q, c) in enumerate(combos):
            rows.append((q or "(none)", c or ALL))
            members.append([i])
    matrix = np.zeros((len(combos) + 1, len(rows)))
    for j, found in enumerate(members):
        matrix[found, j] = 1.0
    return rows, matrix


def _thresholds(
    log: ContactLog, threshold: float, queue_targets: Mapping[str, ServiceTargets]
) -> FloatArray:
    """Each contact's service-level answer time [s]: its queue's, else ``threshold``."""
    limit = np.full(log.size, threshold)
    if queue_targets and "queue" in log.columns:
        queue = np.asarray(log.columns["queue"], dtype=str)
        for name, targets in queue_targets.items():
            limit[queue == name] = targets.threshold
    return limit


def _targets(
    service: ServiceTargets | None, settings: ScorecardTargets
) -> dict[str, tuple[float, bool]]:
    """Target and direction (higher is better) per KPI."""
    found = {t.kpi: (t.value, t.higher_is_better) for t in (service.given() if service else ())}
    for kpi, value in settings.targets.items():
        found[kpi] = (float(value), EXPERIENCE_KPIS[kpi][0])
    return found


class _Counter:
    """Sums of :data:`SUMS` per (day, combination) cell, filled with :func:`numpy.bincount`."""

    def __init__(self, cells: int) -> None:
        self.cells = cells
        self.sums = np.zeros((cells, len(SUMS)))

    def add(self, name: str, cell: NDArray[np.int64], weight: FloatArray | None = None) -> None:
        column = SUMS.index(name)
        self.sums[:, column] += np.bincount(cell, weights=weight, minlength=self.cells)


def scorecard(
    log: ContactLog,
    *,
    surveys: Surveys | None = None,
    qa: QaScores | None = None,
    agent_time: AgentTime | None = None,
    service: ServiceTargets | None = None,
    tolerance: float = 0.05,
    settings: ScorecardTargets | None = None,
    costs: CostModel | None = None,
    threshold: float | None = None,
    queue_targets: Mapping[str, ServiceTargets] | None = None,
) -> Scorecard:
    """Measure every KPI the data allows, per period and queue, against targets.

    Parameters
    ----------
    log
        The contacts (DESIGN.md section 9).
    surveys
        Post-contact surveys (:func:`~staffing.history.feedback.read_surveys`), joined to
        the log by its ``contact`` column; for CSAT, NPS and CES.
    qa
        Quality evaluations, by contact or by agent and date; for the QA score.
    agent_time
        Logged-in and paid time per agent and day; for occupancy, utilization and (with
        ``costs``) cost per contact.
    service
        Service targets (service level with its answer time, ASA, abandonment, occupancy):
        a scenario's ``[targets]``; they apply to every queue.
    tolerance
        Width of the yellow band as a share of a target (:func:`staffing.requirements.
        kpi_status`); ``settings.tolerance`` overrides it when given.
    settings
        Targets of the experience KPIs, benchmark sector and repeat window (a scenario's
        ``[scorecard]``).
    costs
        Cost model, for cost per contact.
    threshold
        Service-level answer time [s] when ``service`` is None (default 20 s).
    queue_targets
        Service targets of some queues by name (a scenario's ``[[queues]]``), each with its
        answer time: a contact of such a queue is answered in time within its queue's
        threshold (so the ``all`` rows judge each contact by its own queue's), and the
        queue's rows are judged against its targets; other rows take ``service``.

    Returns
    -------
    Scorecard

    Raises
    ------
    InputError
        An empty log, or surveys / QA by contact without a ``contact`` column in the log.
    """
    settings = settings or ScorecardTargets()
    if log.size == 0:
        raise InputError(f"{log.source or 'contact log'}: no contacts; nothing to score")
    if service is not None:
        threshold = service.threshold
    threshold = 20.0 if threshold is None else float(threshold)
    if not (math.isfinite(threshold) and threshold >= 0):
        raise InputError(f"threshold = {threshold!r}; give an answer time >= 0 s")
    band = settings.tolerance if settings.tolerance is not None else tolerance
    notes: list[str] = []

    day = log.arrival.astype("datetime64[D]")
    first, last = day[0], day[-1]
    n_days = int((last - first).astype(np.int64)) + 1
    combo, combos = _combos(log)
    width = len(combos) + 1
    cell = (day - first).astype(np.int64) * width + combo
    count = _Counter(n_days * width)

    answered, wait = log.answered, log.wait
    limit = _thresholds(log, threshold, queue_targets or {})
    work = handle_with_wrap(log)
    count.add("offered", cell)
    count.add("answered", cell[answered])
    count.add("abandoned", cell[~answered])
    count.add("within", cell[answered & (wait <= limit)])
    count.add("short_abandoned", cell[~answered & (wait <= limit)])
    count.add("queued", cell[wait > 0])
    count.add("wait", cell, wait)
    count.add("wait_answered", cell[answered], wait[answered])
    count.add("work", cell, work)
    fcr_resolved, fcr_issues, fcr_method = fcr_counts(log, settings.repeat_window)
    count.add("fcr_resolved", cell, fcr_resolved)
    count.add("fcr_issues", cell, fcr_issues)
    if "resolved" in log.columns:
        flag = np.asarray(log.columns["resolved"], dtype=float)
        flagged = answered & ~np.isnan(flag)
        count.add("resolved", cell[flagged & (flag == 1)])
        count.add("flagged", cell[flagged])

    survey_row = np.zeros(0, dtype=np.int64)
    if surveys is not None and surveys.size:
        survey_row = contact_rows(log, surveys.contact, "surveys")
        unknown = int((survey_row < 0).sum())
        if unknown:
            notes.append(f"{unknown:,} surveys name contacts not in the log; left out")
        found = survey_row >= 0
        at = cell[survey_row[found]]
        csat, nps, ces = (np.asarray(x)[found] for x in (surveys.csat, surveys.nps, surveys.ces))
        count.add("satisfied", at[csat >= 4])
        count.add("csat_answers", at[~np.isnan(csat)])
        count.add("promoters", at[nps >= 9])
        count.add("detractors", at[nps <= 6])
        count.add("nps_answers", at[~np.isnan(nps)])
        count.add("ces_total", at[~np.isnan(ces)], ces[~np.isnan(ces)])
        count.add("ces_answers", at[~np.isnan(ces)])

    qa_agent = np.zeros(0, dtype=str)
    if qa is not None and qa.score.size:
        by_contact = qa.contact != ""
        rows = np.full(qa.score.size, -1, dtype=np.int64)
        if by_contact.any():
            rows[by_contact] = contact_rows(log, qa.contact[by_contact], "QA scores")
        qa_day = np.where(rows >= 0, day[np.maximum(rows, 0)], qa.day)
        qa_cell = np.where(
            rows >= 0,
            cell[np.maximum(rows, 0)],
            (qa_day - first).astype(np.int64) * width + width - 1,
        )
        inside = (rows >= 0) | (~np.isnat(qa.day) & (qa.day >= first) & (qa.day <= last))
        if (~inside).sum():
            notes.append(
                f"{int((~inside).sum()):,} QA scores name contacts not in the log or dates "
                "outside it; left out"
            )
        count.add("qa_total", qa_cell[inside], qa.score[inside])
        count.add("qa_count", qa_cell[inside])
        contact_agent = np.asarray(log.columns.get("agent", np.full(log.size, "")), dtype=str)
        qa_agent = np.where(
            qa.agent != "", qa.agent, np.where(rows >= 0, contact_agent[np.maximum(rows, 0)], "")
        )
        qa_agent = np.where(inside, qa_agent, "")

    if agent_time is not None and agent_time.day.size:
        inside = (agent_time.day >= first) & (agent_time.day <= last)
        if (~inside).any():
            notes.append(
                f"{int((~inside).sum()):,} agent-time rows fall outside the log's days; left out"
            )
        at = (agent_time.day[inside] - first).astype(np.int64) * width + width - 1
        count.add("logged_in", at, agent_time.logged_in[inside])
        count.add("paid", at, agent_time.paid[inside])

    segments, members = _segments(combos)
    by_day = count.sums.reshape(n_days, width, len(SUMS))
    present = _present_kpis(log, surveys, qa, agent_time, costs, fcr_method)
    by_queue = queue_targets or {}
    targets = [_targets(by_queue.get(queue, service), settings) for queue, _ in segments]
    bench = benchmarks(settings.sector)
    spans = periods(first, last)
    frames = []
    for kind in PERIOD_TYPES:
        labels, index = spans[kind]
        onehot = np.zeros((n_days, len(labels)))
        onehot[np.arange(n_days), index] = 1.0
        sums = np.einsum("dp,dgs->pgs", onehot, np.einsum("dcs,cg->dgs", by_day, members))
        days_in = onehot.sum(axis=0)
        values, n = _ratios(sums, days_in, costs)
        frames.append(_long(kind, labels, segments, values, n, present, targets, band, bench))
    table = pd.concat(frames, ignore_index=True)
    if fcr_method == "repeat":
        notes.append(
            f"FCR from repeat contacts within {settings.repeat_window / 86_400:g} days; "
            "contacts whose window runs past the log's end are not counted"
        )
    agents = agent_table(log, work, fcr_resolved, fcr_issues, surveys, survey_row, qa, qa_agent)
    return Scorecard(
        table=table,
        threshold=threshold,
        fcr_method=fcr_method,
        first_day=first,
        last_day=last,
        notes=notes,
        agents=agents,
        tolerance=band,
    )


def _present_kpis(
    log: ContactLog,
    surveys: Surveys | None,
    qa: QaScores | None,
    agent_time: AgentTime | None,
    costs: CostModel | None,
    fcr_method: str,
) -> list[str]:
    """Return the KPIs the data allows, in :data:`KPIS` order."""
    given = dict.fromkeys(KPIS, True)
    given["occupancy"] = given["utilization"] = agent_time is not None
    given["cost_per_contact"] = agent_time is not None and costs is not None
    given["fcr"] = bool(fcr_method)
    given["resolution_rate"] = "resolved" in log.columns
    for question in ("csat", "nps", "ces"):
        answers = getattr(surveys, question) if surveys is not None else np.zeros(0)
        given[question] = bool(np.isfinite(answers).any())
    given["qa_score"] = qa is not None
    return [k for k in KPIS if given[k]]


def _ratios(
    sums: FloatArray, days: FloatArray, costs: CostModel | None
) -> tuple[dict[str, FloatArray], dict[str, FloatArray]]:
    """Every KPI's value and count, shape (periods, segments), from the sums."""
    s = {name: sums[:, :, i] for i, name in enumerate(SUMS)}
    s["offered-short"] = s["offered"] - s["short_abandoned"]
    s["promoters-detractors"] = 100.0 * (s["promoters"] - s["detractors"])
    for name in ("logged_in", "paid"):  # agents' time is known for all contacts only
        s[name] = np.repeat(s[name][:, :1], sums.shape[1], axis=1)
        s[name][:, 1:] = 0.0
    work_all = s["work"][:, :1]
    cost = np.zeros_like(s["work"])
    if costs is not None:
        total = s["paid"][:, :1] / 3600.0 * costs.per_hour + costs.fixed_monthly * (
            days[:, None] / DAYS_PER_MONTH
        )
        with np.errstate(invalid="ignore", divide="ignore"):
            cost = np.where(work_all > 0, total * s["work"] / work_all, 0.0)
    s["cost"] = cost
    values, counts = {}, {}
    for kpi, (top, bottom, _) in KPIS.items():
        den = s[bottom]
        with np.errstate(invalid="ignore", divide="ignore"):
            values[kpi] = np.where(den > 0, s[top] / np.where(den > 0, den, 1.0), np.nan)
        counts[kpi] = den if bottom not in ("logged_in", "paid") else s["answered"]
    values["offered"] = s["offered"]
    values["occupancy"] = np.where(s["logged_in"] > 0, values["occupancy"], np.nan)
    return values, counts


def _long(
    kind: str,
    labels: list[str],
    segments: list[tuple[str, str]],
    values: dict[str, FloatArray],
    counts: dict[str, FloatArray],
    present: list[str],
    targets: list[dict[str, tuple[float, bool]]],
    band: float,
    bench: dict,
) -> pd.DataFrame:
    """Build the rows of one kind of period, in the order period, segment, KPI."""
    rows = []
    time_only = {"occupancy", "utilization"}
    for kpi in present:
        value, n = values[kpi], counts[kpi]
        change = np.full_like(value, np.nan)
        change[1:] = value[1:] - value[:-1]
        reference = bench.get(kpi)
        for g, (queue, channel) in enumerate(segments):
            if kpi in time_only and g:
                continue
            goal, up = targets[g].get(kpi, (math.nan, True))
            for p, label in enumerate(labels):
                v = float(value[p, g])
                status = (
                    STATUS.get(kpi_status(v, goal, higher_is_better=up, tolerance=band), "none")
                    if math.isfinite(goal)
                    else "none"
                )
                rows.append(
                    (
                        label,
                        queue,
                        kpi,
                        v,
                        goal,
                        status,
                        channel,
                        kind,
                        float(n[p, g]),
                        reference.low if reference else math.nan,
                        reference.high if reference else math.nan,
                        float(change[p, g]),
                    )
                )
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    order = {label: i for i, label in enumerate(labels)}
    seg = {s: i for i, s in enumerate(segments)}
    frame["_p"] = frame.period.map(order)
    frame["_g"] = [seg[(q, c)] for q, c in zip(frame.queue, frame.channel, strict=True)]
    frame["_k"] = frame.kpi.map({k: i for i, k in enumerate(KPIS)})
    return frame.sort_values(["_p", "_g", "_k"], kind="stable").drop(columns=["_p", "_g", "_k"])
