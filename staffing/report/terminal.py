"""What the command line prints: tables, summaries and progress, as text.

Every KPI that is undefined (an interval or a day without contacts, an unstable queue's
wait) prints as an em dash, never ``nan`` or ``inf`` (DESIGN.md section 7). Progress shows
as bars on a terminal and as one line per step elsewhere (a log, a pipe, CI), with no
silence longer than :data:`Progress.EVERY` seconds while counted work goes on.
"""

import math
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from staffing import units

if TYPE_CHECKING:
    import pandas as pd

    from staffing.center import Center
    from staffing.center_plan import CenterPlanResult
    from staffing.costs import CostModel
    from staffing.history.forecasting import HistoryForecast
    from staffing.history.intervals import IntervalHistory
    from staffing.plan import PlanResult
    from staffing.pricing import BidResult
    from staffing.requirements import Requirements, ServiceTargets
    from staffing.simulation import SimulationResult
    from staffing.simulation.center_run import CenterResult

DASH = "—"
"""What an undefined value prints as."""


def _defined(value: float) -> bool:
    return value is not None and math.isfinite(float(value))


def runs(replications: int, days: int) -> str:
    """Say how many times the horizon was simulated: ``20 simulated days`` or weeks of it."""
    return f"{replications} simulated days" if days == 1 else f"{replications} runs of {days} days"


def pct(value: float) -> str:
    """Format a share as a percentage, one decimal (``0.8123`` -> ``81.2%``), else a dash."""
    return f"{100 * value:.1f}%" if _defined(value) else DASH


def sec(value: float) -> str:
    """Format seconds with one decimal, else a dash (no contacts; a queue never clearing)."""
    return f"{value:.1f}" if _defined(value) else DASH


def number(value: float, spec: str = ",.0f") -> str:
    """Format a number in ``spec``, else a dash."""
    return format(value, spec) if _defined(value) else DASH


def with_ci(mean: float, half: float, fmt: Callable[[float], str]) -> str:
    """Format ``mean ± half`` (the half-width without its unit), or the mean alone."""
    if not (_defined(mean) and _defined(half)):
        return fmt(mean)
    return f"{fmt(mean)} ± {fmt(half).rstrip('%s')}"


def render(rows: Sequence[Sequence[str]], header: Sequence[str], marks: Sequence[str] = ()) -> str:
    """Right-aligned text table; ``marks`` is a prefix per row (e.g. ``'>'``)."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    marks = list(marks) or [""] * len(rows)
    pad = max((len(m) for m in marks), default=0)
    lines = [" " * pad + "  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True))]
    for mark, row in zip(marks, rows, strict=True):
        cells = "  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True))
        lines.append(mark.ljust(pad) + cells)
    return "\n".join(lines)


def describe_targets(targets: "ServiceTargets", patience: float | None) -> str:
    """Describe the queueing model and the targets in one line."""
    parts = []
    if targets.service_level is not None:
        answer = units.format_duration(targets.threshold)
        parts.append(f"{pct(targets.service_level)} answered in {answer}")
    if targets.asa is not None:
        parts.append(f"ASA <= {units.format_duration(targets.asa)}")
    if targets.abandon_rate is not None:
        parts.append(f"abandonment <= {pct(targets.abandon_rate)}")
    if targets.max_occupancy is not None:
        parts.append(f"occupancy <= {pct(targets.max_occupancy)}")
    model = (
        "Erlang C (no abandonment)"
        if patience is None
        else f"Erlang A (mean patience {units.format_duration(patience)})"
    )
    return f"{model}; targets: {', '.join(parts) or 'none'}"


def start_labels(start: Any, dated: bool) -> list[str]:
    """Label interval starts as ``HH:MM``, with the date when ``dated``."""
    fmt = "%Y-%m-%d %H:%M" if dated else "%H:%M"
    return [t.strftime(fmt) for t in start]


def requirements_table(req: "Requirements") -> str:
    """Tabulate the per-interval requirement with its KPIs, then the totals."""
    frame = req.to_frame()
    dated = len(req.forecast.days) > 1
    header = ["start", "calls", "AHT s", "load", "agents", "scheduled"]
    header += ["SL", "ASA s", "abandoned", "occupancy"]
    rows = []
    for label, row in zip(start_labels(frame.start, dated), frame.itertuples(), strict=True):
        served = row.calls > 0  # the KPIs of an interval without calls are undefined
        rows.append(
            [
                label,
                f"{row.calls:g}",
                number(row.aht) if served else DASH,
                f"{row.load:.2f}",
                str(row.agents),
                str(row.scheduled),
                pct(row.service_level) if served else DASH,
                sec(row.asa) if served else DASH,
                pct(row.abandon_rate) if served else DASH,
                pct(row.occupancy) if row.agents > 0 else DASH,
            ]
        )
    t = req.totals
    overall = (
        f"over all calls: service level {pct(t.service_level)}, ASA {sec(t.asa)} s, "
        f"abandoned {pct(t.abandon_rate)}, occupancy {pct(t.occupancy)}"
        if t.calls > 0
        else "no calls in any interval: no KPIs"
    )
    return "\n".join(
        [
            describe_targets(req.targets, req.patience),
            render(rows, header),
            "",
            f"total: {t.calls:g} calls; peak {t.peak_agents} agents; {t.agent_hours:.1f} agent "
            f"hours on the phones, {t.scheduled_hours:.1f} scheduled hours = {t.fte:.1f} FTE",
            overall,
        ]
    )


def simulation_table(
    result: "SimulationResult", dated: bool, threshold: float, target: float | None
) -> str:
    """Tabulate whole-horizon KPIs with 95 % half-widths, then one row per interval."""
    day = result.day
    answer = units.format_duration(threshold)
    whole = [
        ["calls offered", with_ci(*day.loc["offered"], number)],
        [f"service level ({answer})", with_ci(*day.loc["service_level"], pct)],
        ["service level of answered", with_ci(*day.loc["service_level_answered"], pct)],
        ["ASA s", with_ci(*day.loc["asa"], sec)],
        ["abandoned", with_ci(*day.loc["abandon_rate"], pct)],
        ["occupancy", with_ci(*day.loc["occupancy"], pct)],
        ["utilization", with_ci(*day.loc["utilization"], pct)],
    ]
    table = result.intervals
    header = ["start", "calls", "agents", "SL", "± CI", "ASA s", "abandoned", "occupancy"]
    rows = [
        [
            label,
            f"{row.calls:g}",
            f"{row.agents:.1f}",
            pct(row.service_level),
            pct(row.service_level_ci).rstrip("%") if _defined(row.service_level) else "",
            sec(row.asa),
            pct(row.abandon_rate),
            pct(row.occupancy),
        ]
        for label, row in zip(start_labels(table.start, dated), table.itertuples(), strict=True)
    ]
    lines = [render(whole, ["whole horizon", "mean ± 95% CI"]), "", render(rows, header)]
    with_calls = int((table.offered > 0).sum())
    if target is not None and with_calls:
        missed = int(((table.offered > 0) & (table.service_level < target)).sum())
        lines += ["", f"intervals below the {pct(target)} target in simulation: {missed} of "]
        lines[-1] += str(with_calls)
    if not with_calls:
        lines += ["", "no contacts arrived in any simulated day: KPIs are undefined (—)"]
    return "\n".join(lines)


def plan_summary(result: "PlanResult", checks: Sequence[Any]) -> str:
    """Summarize the rounds of a plan, the round kept, and each target's status."""
    sc, best = result.scenario, result.best
    header = ["round", "shifts", "people", "paid hours", f"cost {sc.costs.currency}"]
    header += ["service level (95% CI)", "intervals missing"]
    rows = [
        [
            str(r.number),
            str(sum(s.headcount for s in r.schedule.shifts)),
            str(r.people),
            f"{r.paid_hours:,.1f}",
            f"{r.cost:,.0f}",
            with_ci(*r.simulation.day.loc["service_level"], pct),
            str(r.missing.size),
        ]
        for r in result.rounds
    ]
    lines = [
        f"{sc.name}: {sc.forecast.total_calls:,.0f} calls, {sc.forecast.n_intervals} "
        f"intervals; {describe_targets(sc.targets, sc.callers.patience)}",
        render(rows, header, marks=["*" if r is best else "" for r in result.rounds]),
        "",
        f"* kept: round {best.number}",
    ]
    for c in checks:
        fmt = sec if c.key == "asa" else pct
        lines.append(f"  {c.label}: {fmt(c.value)} vs target {fmt(c.target)}: {c.status}")
    return "\n".join(lines)


def bid_summary(result: "BidResult") -> str:
    """Tabulate a bid's options: cost, price, SLA risk; the recommended one marked."""
    bid = result.bid
    table = result.table()
    currency = bid.scenario.costs.currency
    header = ["plan SL", "FTE", f"month {currency}", "list price", "P(miss)", "90% range"]
    header += ["E[credit]", "E[bonus]", "risk-adjusted price"]
    rows = [
        [
            pct(r["plan service level"]),
            f"{r['FTE']:,.1f}",
            f"{r['monthly cost']:,.0f}",
            f"{r['list price']:,.2f}",
            pct(r["P(miss SLA)"]),
            f"{pct(r['P(miss) 5%'])}-{pct(r['P(miss) 95%'])}",
            f"{100 * r['expected credit']:.2f}%",
            f"{100 * r['expected bonus']:.2f}%",
            number(r["risk-adjusted price"], ",.2f"),
        ]
        for _, r in table.iterrows()
    ]
    rec = result.recommended
    return "\n".join(
        [
            f"{bid.name}: {bid.monthly_volume:,.0f} contacts/month; SLA "
            f"{bid.sla.service_level:.0%}/{bid.sla.threshold:g}s monthly; billed per "
            f"{table.attrs['unit']} at a {bid.margin:.0%} margin",
            render(rows, header, marks=["*" if r else "" for r in table["recommended"]]),
            "",
            f"* recommended: {rec.risk_adjusted_price:,.2f} {currency} per {table.attrs['unit']}",
        ]
    )


class Progress:
    """Progress of long work: bars on a terminal, step lines elsewhere.

    Call it as ``progress(stage, done, total)``; :meth:`step` announces work that is not
    counted. Off a terminal a line is printed when a stage starts and ends, and, while work
    goes on, at least every :data:`EVERY` seconds (a heartbeat thread repeats the current
    state), so a log never falls silent for long. Use it as a context manager, or call
    :meth:`close`.
    """

    EVERY = 2.0
    """Longest silence between step lines [s]."""

    def __init__(self, unit: str, stream: TextIO | None = None) -> None:
        self.unit = unit
        self.stream = sys.stderr if stream is None else stream
        self.tty = self.stream.isatty()
        self._bars: dict[str, Any] = {}
        self._state = ""
        self._since = time.monotonic()
        self._last = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Report ``done`` of ``total`` units of ``stage``."""
        if self.tty:
            bar = self._bars.get(stage)
            if bar is None:
                from tqdm import tqdm

                bar = self._bars[stage] = tqdm(
                    total=total, desc=stage, unit=self.unit, file=self.stream, leave=False
                )
            bar.update(done - bar.n)
            return
        state = f"{stage}: {done}/{total} {self.unit}s"
        with self._lock:
            new_stage = not self._state.startswith(f"{stage}: ")
            if new_stage:
                self._since = time.monotonic()
            self._state = state
            if new_stage or done >= total or time.monotonic() - self._last >= self.EVERY:
                self._emit(state)

    def step(self, message: str) -> None:
        """Announce a step of work that is not counted (a solve, writing files)."""
        self._close_bars()
        with self._lock:
            self._state = f"{message}..."
            self._since = time.monotonic()
            self._emit(self._state)

    def close(self) -> None:
        """Close the bars and stop the heartbeat."""
        self._close_bars()
        self._stop.set()
        if self._beat is not None:
            self._beat.join()

    def _close_bars(self) -> None:
        for bar in self._bars.values():
            bar.close()
        self._bars.clear()

    def _emit(self, line: str) -> None:
        """Print a step line (the lock held) and make sure the heartbeat runs."""
        print(line, file=self.stream, flush=True)
        self._last = time.monotonic()
        if self._beat is None and not self.tty:
            self._beat = threading.Thread(target=self._heartbeat, daemon=True)
            self._beat.start()

    def _heartbeat(self) -> None:
        while not self._stop.wait(0.25):
            with self._lock:
                now = time.monotonic()
                if now - self._last >= self.EVERY:
                    print(
                        f"{self._state} ({now - self._since:.0f} s)", file=self.stream, flush=True
                    )
                    self._last = now


def _signed(value: float) -> str:
    return f"{100 * value:+.1f}%" if _defined(value) else DASH


def forecast_summary(
    history: "IntervalHistory", result: "HistoryForecast", *, by_origin: bool = False
) -> str:
    """Describe the history, the method, its backtest against seasonal naive, the forecast.

    ``by_origin`` adds the WAPE of each backtest origin.
    """
    days = history.days
    present = int(history.present.sum())
    test, base = result.backtest, result.baseline
    lines = [
        f"history: {history.source or 'in memory'}: {present} days from {days[0]} to "
        f"{days[-1]} ({days.size - present} days without data), {history.calls.shape[1]} "
        f"intervals of {units.format_duration(history.interval)} a day",
        f"method: {result.method.name} "
        + (
            f"(lowest backtest WAPE of {len(result.selection)} tried)"
            if len(result.selection) > 1
            else "(as asked)"
        ),
        f"backtest: {sum(map(_defined, test.wape_by_origin))} weekly origins, one week ahead, "
        f"{test.days.size} days scored",
        render(
            [
                [name, pct(b.wape), pct(b.daily_mape), _signed(b.bias)]
                for name, b in (("method", test), ("seasonal naive", base))
            ],
            ["", "WAPE per interval", "daily MAPE", "bias"],
        ),
    ]
    if by_origin:
        rows = [
            [str(day), pct(a), pct(b)]
            for day, a, b in zip(
                test.origins, test.wape_by_origin, base.wape_by_origin, strict=True
            )
        ]
        lines += ["", render(rows, ["origin", "WAPE method", "WAPE seasonal naive"])]
    f = result.forecast
    cv = f"{result.volume_cv:.3f}" if _defined(result.volume_cv) else DASH
    aht = float((f.calls * f.aht).sum() / f.total_calls) if f.total_calls else math.nan
    lines += [
        "",
        f"volume_cv {cv} (day-to-day error of daily totals: [simulation] volume_cv); interval "
        f"quantiles negative binomial, over-dispersion {test.dispersion:.4f}",
        f"forecast: {len(f.days)} days from {f.days[0]} to {f.days[-1]}, "
        f"{f.total_calls:,.0f} calls, AHT {sec(aht)} s",
    ]
    if result.skipped.size:
        lines.append(
            f"not forecast (no history for that weekday): {', '.join(map(str, result.skipped))}"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------- several queues


def queue_rows(result: "CenterResult") -> tuple[list[list[str]], list[str]]:
    """Rows and header of the per-queue table shown on the terminal.

    With email queues, a ``within deadline`` column; an email row's ASA (hours to the start
    of handling) is left to the backlog table.
    """
    header = ["queue", "offered", "service level", "ASA [s]", "abandoned", "occupancy"]
    email = "within_deadline" in result.queues
    if email:
        header.append("within deadline")
    rows = []
    for _, r in result.queues.iterrows():
        deferred = r["channel"] == "email"
        row = [
            str(r["queue"]),
            number(r["offered"]),
            with_ci(r["service_level"], r["service_level_hw"], pct),
            DASH if deferred else with_ci(r["asa"], r["asa_hw"], sec),
            with_ci(r["abandon_rate"], r["abandon_rate_hw"], pct),
            pct(r["occupancy"]),
        ]
        if email:
            row.append(with_ci(r["within_deadline"], r["within_deadline_hw"], pct))
        rows.append(row)
    return rows, header


def backlog_rows(result: "CenterResult") -> tuple[list[list[str]], list[str]]:
    """Rows and header of the email backlog per day (a row per email queue and day)."""
    rows = [
        [
            str(r["queue"]),
            str(r["day"]),
            number(r["backlog_start"]),
            number(r["arrived"]),
            number(r["handled"]),
            number(r["backlog_end"]),
            with_ci(r["within_deadline"], r["within_deadline_hw"], pct),
            number(r["oldest_age_max"] / 3600.0, ",.1f"),
        ]
        for _, r in result.deferred_days.iterrows()
    ]
    header = ["email queue", "day", "backlog at start", "arrived", "handled", "backlog at end"]
    return rows, [*header, "within deadline", "oldest [h]"]


def chat_rows(result: "CenterResult") -> tuple[list[list[str]], list[str]]:
    """Rows and header of the chat-concurrency table (a row per chat queue)."""
    frame = result.chat
    shares = [c for c in frame.columns if c.startswith("sessions_")]
    header = ["chat queue", "max sessions", "concurrency", "occupancy"]
    header += [f"at {c.removeprefix('sessions_')}" for c in shares]
    rows = [
        [
            str(r["queue"]),
            str(int(r["max_sessions"])),
            with_ci(r["concurrency"], r["concurrency_hw"], lambda v: number(v, ",.2f")),
            pct(r["occupancy"]),
            *(pct(r[c]) for c in shares),
        ]
        for _, r in frame.iterrows()
    ]
    return rows, header


def group_rows(result: "CenterResult") -> tuple[list[list[str]], list[str]]:
    """Rows and header of the per-group table shown on the terminal."""
    frame = result.groups
    rows = [
        [str(r["group"]), number(r["agents"], ",.1f"), pct(r["occupancy"]), pct(r["utilization"])]
        for _, r in frame.iterrows()
    ]
    return rows, ["group", "agents (mean)", "occupancy", "utilization"]


def cost_rows(
    result: "CenterResult", center: "Center", costs: "CostModel"
) -> tuple[list[list[str]], list[str]]:
    """Rows and header of the cost-per-contact table shown on the terminal."""
    frame = result.costs(center, costs)
    rows = [
        [
            str(r["queue"]),
            number(r["answered"]),
            number(r["cost"]),
            number(r["cost_per_contact"], ",.2f"),
        ]
        for _, r in frame.iterrows()
    ]
    return rows, ["queue", "answered", f"cost [{costs.currency}]", "per contact"]


def channel_rows(table: "pd.DataFrame") -> tuple[list[list[str]], list[str]]:
    """Rows and header of the by-channel table (:func:`staffing.channels.channel_table`)."""

    def band(low: float, high: float, spec: str) -> str:
        if not (_defined(low) and _defined(high)):
            return DASH
        return f"{format(low, spec)}-{format(high, spec)}"

    rows = [
        [
            str(r["channel"]),
            number(r["handled"]),
            number(r["cost_per_contact"], ",.2f"),
            band(r["cost_low"], r["cost_high"], ".2f"),
            str(r["cost_status"]),
            pct(r["resolution_rate"]),
            band(r["resolution_low"], r["resolution_high"], ".0%"),
            str(r["resolution_status"]),
        ]
        for _, r in table.iterrows()
    ]
    header = ["channel", "handled", "per contact", "band", "status", "resolved", "band", "status"]
    return rows, header


def center_plan_summary(result: "CenterPlanResult") -> str:
    """Summarize a planned center for the terminal: queues, groups, costs, pooling, rounds."""
    sc, best = result.scenario, result.best
    center = result.center
    dedicated = float(result.dedicated_paid_hours.sum(skipna=True))
    pooled = result.pooled_paid_hours(0)
    gain = f" ({(dedicated - pooled) / dedicated:.1%})" if dedicated > 0 else ""
    lines = [
        f"{sc.name}: round {best.number} kept of {len(result.rounds)} "
        f"({runs(sc.simulation.replications, len(sc.forecast.days))} each, seed "
        f"{sc.simulation.seed}; "
        "95% confidence half-widths after ±)",
        render(*queue_rows(best.simulation)),
        "",
        render(*group_rows(best.simulation)),
        "",
        "cost per contact (groups' paid hours shared by their handle time; no fixed costs)",
        render(*cost_rows(best.simulation, center, sc.costs)),
        "",
        "by channel (reference bands: KPI_BENCHMARKS.md industry ranges)",
        render(*channel_rows(result.channels())),
        "",
        f"paid hours: {number(float(best.paid_hours.sum()), ',.1f')} "
        f"(cost {number(best.cost)} {sc.costs.currency})"
        + (
            f"; Erlang schedules: dedicated groups queue by queue {number(dedicated, ',.1f')} h, "
            f"pooled and split {number(pooled, ',.1f')} h: pooling saves "
            f"{number(dedicated - pooled, ',.1f')} h{gain}"
            if result.erlang_only.schedules
            else "; every group has fixed agents (nothing scheduled)"
        ),
        "rounds (paid hours, queue-intervals missing): "
        + ", ".join(
            f"{r.number}: {number(float(r.paid_hours.sum()), ',.1f')} h, {r.misses}"
            for r in result.rounds
        ),
    ]
    return "\n".join(lines)
