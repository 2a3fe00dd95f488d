"""A scorecard's folder: ``scorecard.csv``, ``scorecard.md``, ``agents.csv`` and charts.

``scorecard.md`` is one page to forward: the RAG table of all contacts over the whole period
with the last month and week and their trends, the KPIs that moved most, the breaches with
their dates, the queues and channels, plan against actual, what waiting costs in
satisfaction, and the agents. Undefined values print as an em dash, never NaN.
"""

import math

import numpy as np
import pandas as pd

from staffing.history.csat_wait import CsatWaitCurve
from staffing.history.plan_actual import PlanActual
from staffing.history.scorecard import ALL, KPIS, Scorecard, periods
from staffing.report import terminal as term
from staffing.report.tables import STATUS_MARKS, markdown_table
from staffing.requirements import MET, MISSED, NO_DATA, WITHIN_TOLERANCE

LABELS = {
    "offered": "offered",
    "service_level": "service level",
    "service_level_answered": "service level of answered",
    "service_level_excl_short_abandons": "service level excl. short abandons",
    "asa": "ASA",
    "mean_wait": "mean wait",
    "p_wait": "share queued",
    "abandon_rate": "abandonment",
    "aht": "AHT",
    "occupancy": "occupancy",
    "utilization": "utilization",
    "cost_per_contact": "cost per contact",
    "fcr": "FCR",
    "resolution_rate": "resolution rate",
    "csat": "CSAT",
    "nps": "NPS",
    "ces": "CES",
    "qa_score": "QA score",
}
"""How each KPI is named in reports."""

SHARES = {
    "service_level",
    "service_level_answered",
    "service_level_excl_short_abandons",
    "p_wait",
    "abandon_rate",
    "occupancy",
    "utilization",
    "fcr",
    "resolution_rate",
    "csat",
}
SECONDS = {"asa", "mean_wait", "aht"}
_STEADY = {"share": 0.005, "seconds": 0.5, "points": 0.5, "score": 0.05, "money": 0.005}
_MARKS = {
    "green": STATUS_MARKS[MET],
    "yellow": STATUS_MARKS[WITHIN_TOLERANCE],
    "red": STATUS_MARKS[MISSED],
    "none": "—",
}
_ALL_MARK = STATUS_MARKS[NO_DATA]


def _unit(kpi: str) -> str:
    if kpi in SHARES:
        return "share"
    if kpi in SECONDS:
        return "seconds"
    if kpi == "nps":
        return "points"
    if kpi == "cost_per_contact":
        return "money"
    return "count" if kpi == "offered" else "score"


def fmt(kpi: str, value: float) -> str:
    """Format a KPI value in its unit; an em dash when undefined."""
    if value is None or not math.isfinite(value):
        return term.DASH
    unit = _unit(kpi)
    if unit == "share":
        return term.pct(value)
    if unit == "seconds":
        return f"{value:.1f} s"
    if unit == "points":
        return f"{value:+.1f}"
    if unit == "money":
        return f"{value:,.2f}"
    if unit == "count":
        return term.number(value)
    return f"{value:.1f}" if kpi == "qa_score" else f"{value:.2f}"


def trend(kpi: str, change: float) -> str:
    """Show an arrow and the change since the previous period, judged better or worse."""
    if change is None or not math.isfinite(change):
        return term.DASH
    unit = _unit(kpi)
    if unit == "count":
        return f"{change:+,.0f}"
    shown = {
        "share": f"{100 * change:+.1f} pts",
        "seconds": f"{change:+.1f} s",
        "points": f"{change:+.1f}",
        "money": f"{change:+,.2f}",
    }.get(unit, f"{change:+.2f}")
    if abs(change) < _STEADY[unit]:
        return f"→ {shown}"
    up = KPIS[kpi][2]
    arrow = "↑" if change > 0 else "↓"
    if up is None:
        return f"{arrow} {shown}"
    better = (change > 0) == up
    return f"{arrow} {shown} ({'better' if better else 'worse'})"


def _bench(row: pd.Series) -> str:
    low, high = row.benchmark_low, row.benchmark_high
    if not math.isfinite(low):
        return term.DASH
    if low == high:
        return fmt(row.kpi, low)
    return f"{fmt(row.kpi, low)} - {fmt(row.kpi, high)}"


def _target(row: pd.Series) -> str:
    return fmt(row.kpi, row.target) if math.isfinite(row.target) else term.DASH


def _latest(card: Scorecard, kind: str) -> tuple[str, pd.DataFrame]:
    rows = card.rows(kind)
    last = rows.period.iloc[-1]
    return last, rows[rows.period == last].set_index("kpi", drop=False)


def _days_in_latest(card: Scorecard, kind: str) -> str:
    """`` (N days)`` when the latest period of ``kind`` is cut by the log's span, else ``""``."""
    labels, index = periods(card.first_day, card.last_day)[kind]
    seen = int((index == len(labels) - 1).sum())
    full = 7 if kind == "week" else pd.Period(labels[-1]).days_in_month
    return f" ({seen} days)" if seen < full else ""


def _with_mark(row: pd.Series) -> str:
    mark = _MARKS[row.status] if row.status != "none" else ""
    return f"{fmt(row.kpi, row.value)} {mark}".strip()


def overview(card: Scorecard) -> pd.DataFrame:
    """Build the RAG table of all contacts: whole period, last month and week, trends."""
    whole = card.rows("all")
    month, by_month = _latest(card, "month")
    week, by_week = _latest(card, "week")
    month += _days_in_latest(card, "month")
    week += _days_in_latest(card, "week")
    rows = []
    for row in whole.itertuples(index=False):
        kpi = row.kpi
        m, w = by_month.loc[kpi], by_week.loc[kpi]
        rows.append(
            {
                "KPI": LABELS[kpi],
                "whole period": fmt(kpi, row.value),
                "target": _target(row),
                "status": _MARKS[row.status],
                f"month {month}": _with_mark(m),
                "vs month before": trend(kpi, m.change),
                f"week {week}": _with_mark(w),
                "vs week before": trend(kpi, w.change),
                "benchmark": _bench(row),
            }
        )
    return pd.DataFrame(rows)


def movers(card: Scorecard, kind: str = "week", top: int = 5) -> list[str]:
    """List the KPIs of all contacts that moved most since the previous period, as lines.

    Changes are compared relative to the previous value (a share moving 80 % to 72 % moved
    10 %); volumes are left out.
    """
    _, latest = _latest(card, kind)
    moved = []
    for row in latest.itertuples(index=False):
        if row.kpi == "offered" or not math.isfinite(row.change):
            continue
        before = row.value - row.change
        if not (math.isfinite(before) and before != 0):
            continue
        moved.append((abs(row.change / before), row))
    moved.sort(key=lambda pair: -pair[0])
    return [
        f"{LABELS[row.kpi]}: {fmt(row.kpi, row.value - row.change)} → {fmt(row.kpi, row.value)}, "
        f"{trend(row.kpi, row.change)}"
        for _, row in moved[:top]
    ]


def breaches(card: Scorecard, limit: int = 12) -> list[str]:
    """Days that missed a target (red) or fell within tolerance (yellow), per KPI and queue.

    In :data:`KPIS` order, all contacts first; a log of one queue lists it once (as all).
    """
    table = card.table
    days = table[(table.period_type == "day") & table.status.isin(["red", "yellow"])]
    if len(table[table.period_type == "all"].groupby(["queue", "channel"])) <= 2:
        days = days[(days.queue == ALL) & (days.channel == ALL)]
    order = {kpi: i for i, kpi in enumerate(KPIS)}
    groups = sorted(
        days.groupby(["queue", "channel", "kpi"], sort=False),
        key=lambda item: (item[0][:2] != (ALL, ALL), order[item[0][2]]),
    )
    lines = []
    for (queue, channel, kpi), group in groups:
        where = "all contacts" if (queue, channel) == (ALL, ALL) else f"{queue} ({channel})"
        parts = []
        for status in ("red", "yellow"):
            hit = group[group.status == status]
            if hit.empty:
                continue
            listed = ", ".join(
                f"{r.period} ({fmt(kpi, r.value)})" for r in hit.head(limit).itertuples()
            )
            more = f" and {len(hit) - limit} more" if len(hit) > limit else ""
            parts.append(f"{_MARKS[status]}: {listed}{more}")
        target = group.target.iloc[0]
        lines.append(f"{LABELS[kpi]}, {where}, target {fmt(kpi, target)}: " + "; ".join(parts))
    return lines


_QUEUE_KPIS = ("offered", "service_level", "asa", "abandon_rate", "aht", "fcr", "csat", "qa_score")


def by_queue(card: Scorecard) -> pd.DataFrame:
    """Whole-period KPIs per (queue, channel) row of the scorecard."""
    whole = card.table[card.table.period_type == "all"]
    kpis = [k for k in _QUEUE_KPIS if k in set(whole.kpi)]
    rows = []
    for (queue, channel), group in whole.groupby(["queue", "channel"], sort=False):
        values = group.set_index("kpi")
        row = {"queue": queue, "channel": channel}
        for kpi in kpis:
            r = values.loc[kpi]
            mark = {"green": " 🟢", "yellow": " 🟡", "red": " 🔴"}.get(r.status, "")
            row[LABELS[kpi]] = fmt(kpi, r.value) + mark
        rows.append(row)
    return pd.DataFrame(rows)


def _plan_section(result: PlanActual) -> list[str]:
    a = result.accuracy
    top = result.slots.head(5)
    table = pd.DataFrame(
        {
            "interval": top.start,
            "late vs plan": top.late_vs_plan.map(lambda v: f"{v:+,.0f}"),
            "calls (forecast → actual)": [
                f"{f:,.0f} → {x:,.0f}"
                for f, x in zip(top.forecast_calls, top.actual_calls, strict=True)
            ],
            "AHT (forecast → actual)": [
                f"{f:.0f} → {term.sec(x)} s"
                for f, x in zip(top.forecast_aht, top.actual_aht, strict=True)
            ],
            "agents (scheduled → on duty)": [
                f"{s:.1f} → {term.number(d, '.1f')}"
                for s, d in zip(top.scheduled, top.on_duty, strict=True)
            ],
            "service level (predicted → actual)": [
                f"{term.with_ci(p, h, term.pct)} → {term.pct(x)}"
                for p, h, x in zip(
                    top.service_level_predicted,
                    top.service_level_hw,
                    top.service_level_actual,
                    strict=True,
                )
            ],
        }
    )
    within = result.slots.within.dropna()
    lines = [
        "## Plan against actual",
        "",
        f"- volume: WAPE {term.pct(a['volume_wape'])}, bias {100 * a['volume_bias']:+.1f} % "
        "(positive: the forecast was too high)",
        f"- AHT: WAPE {term.pct(a['aht_wape'])}, bias {100 * a['aht_bias']:+.1f} %",
        f"- agents: {a['scheduled']:.1f} scheduled on average, {term.number(a['on_duty'], '.1f')} "
        f"on duty (inferred from busy spans, a lower bound); "
        f"{term.pct(a['short_intervals'])} of intervals at least half an agent short",
        f"- service level: predicted {term.pct(a['service_level_predicted'])}, actual "
        f"{term.pct(a['service_level_actual'])}; abandonment predicted "
        f"{term.pct(a['abandon_rate_predicted'])}, actual {term.pct(a['abandon_rate_actual'])}",
        f"- intervals of the day within the plan's 95 % interval (with the days' own spread): "
        f"{int(within.sum())} of {len(within)}",
    ]
    if result.outside:
        lines.append(f"- {result.outside:,} contacts arrived outside the plan's intervals")
    lines += [
        "",
        "The intervals that explain the gap (contacts answered within the threshold fewer than "
        "the plan's service level promised, on the actual volume):",
        "",
        markdown_table(table).rstrip(),
        "",
    ]
    return lines


def _csat_section(curve: CsatWaitCurve) -> list[str]:
    bins = curve.bins
    table = pd.DataFrame(
        {
            "wait": [
                f"{a:g}+ s" if not math.isfinite(b) else f"{a:g}-{b:g} s"
                for a, b in zip(bins.wait_from, bins.wait_to, strict=True)
            ],
            "surveys": bins.surveys.map(lambda n: f"{n:,}"),
            "CSAT (95 % CI)": [
                f"{term.pct(c)} ({term.pct(lo)} - {term.pct(hi)})"
                for c, lo, hi in zip(bins.csat, bins.csat_low, bins.csat_high, strict=True)
            ],
            "fitted": [term.pct(float(curve.predict(w))) for w in bins.mean_wait.fillna(0)],
        }
    )
    if "nps" in bins:
        table["NPS"] = bins.nps.map(lambda v: fmt("nps", v))
    return [
        "## What waiting costs in satisfaction",
        "",
        f"From {curve.surveys:,} CSAT answers joined to their contacts' waits: CSAT "
        f"{term.pct(curve.base)} for waits up to {curve.knee:g} s, then "
        f"{100 * curve.slope:.1f} points lower per further 30 s. The industry's rule of "
        "thumb (KPI_BENCHMARKS.md): satisfaction falls noticeably past 60 s, each further "
        "30 s costs 2-3 points. The fitted curve is in `csat_wait.toml`.",
        "",
        markdown_table(table).rstrip(),
        "",
    ]


def _agents_section(agents: pd.DataFrame, top: int = 10) -> list[str]:
    if agents.empty or "contacts" not in agents:
        return []
    show = agents.head(top)
    table = pd.DataFrame(
        {
            "agent": show.agent,
            "contacts": show.contacts.map(lambda n: f"{n:,}"),
            "AHT": show.aht.map(lambda v: fmt("aht", v)),
            "QA": show.qa_score.map(lambda v: fmt("qa_score", v)),
            "CSAT": show.csat.map(lambda v: fmt("csat", v)),
            "FCR": show.fcr.map(lambda v: fmt("fcr", v)),
            "warning": show.warning,
        }
    )
    warned = int((agents.warning != "").sum())
    return [
        "## Agents",
        "",
        f"{len(agents)} agents; the {min(top, len(agents))} with most contacts below, all in "
        f"`agents.csv`. {warned} have a share or score over few answers (flagged: read "
        "with care, not for ranking).",
        "",
        markdown_table(table).rstrip(),
        "",
    ]


def summary_markdown(
    card: Scorecard,
    *,
    title: str,
    targets_from: str,
    curve: CsatWaitCurve | None = None,
    plan: PlanActual | None = None,
) -> str:
    """Write the one-page scorecard: RAG table, movers, breaches, queues, plan, CSAT, agents."""
    whole = card.rows("all").set_index("kpi")
    offered = whole.loc["offered", "value"]
    has_targets = bool(np.isfinite(card.table.target).any())
    lines = [
        f"# Scorecard: {title}",
        "",
        f"{card.first_day} to {card.last_day}: {offered:,.0f} contacts. Service level: "
        f"answered within {card.threshold:g} s of offered. Targets: {targets_from}. "
        "Statuses: 🟢 met, 🟡 within tolerance, 🔴 missed; without a target no colour "
        "(the benchmark column is the sector's usual range, for reference).",
        "",
        "## All contacts",
        "",
        markdown_table(overview(card)).rstrip(),
        "",
        "## Moved most, week over week",
        "",
    ]
    moved = movers(card)
    lines += [f"- {line}" for line in moved] or ["- (one week only: no trend yet)"]
    lines += ["", "## Breaches (days)", ""]
    found = breaches(card)
    if found:
        lines += [f"- {line}" for line in found]
    elif has_targets:
        lines.append("No day missed a target or fell within tolerance.")
    else:
        lines.append("No targets given (`--scenario`): nothing is judged.")
    queues = by_queue(card)
    if len(queues) > 2:
        lines += ["", "## Queues and channels (whole period)", "", markdown_table(queues).rstrip()]
    lines.append("")
    if plan is not None:
        lines += _plan_section(plan)
    if curve is not None:
        lines += _csat_section(curve)
    lines += _agents_section(card.agents)
    if card.notes:
        lines += ["## Notes", "", *[f"- {note}" for note in card.notes], ""]
    lines += [
        "`scorecard.csv` has every KPI per day, ISO week, month and the whole period, per "
        "queue, channel and all: `period, queue, kpi, value, target, status` (DESIGN.md "
        "section 9), then `channel, period_type, n, benchmark_low, benchmark_high, change`; "
        "shares as fractions, times in seconds, empty where a period has no data.",
    ]
    return "\n".join(lines) + "\n"


def terminal_summary(card: Scorecard, *, title: str) -> str:
    """Show the whole period's KPIs of all contacts as text for the terminal."""
    whole = card.rows("all")
    rows = [
        [LABELS[r.kpi], fmt(r.kpi, r.value), _target(r), r.status, _bench(r)]
        for r in whole.itertuples(index=False)
    ]
    head = f"Scorecard: {title}, {card.first_day} to {card.last_day}"
    return head + "\n" + term.render(rows, ["KPI", "value", "target", "status", "benchmark"])
