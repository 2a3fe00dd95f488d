"""The scorecard's folder: its tables, ``scorecard.md`` and charts.

Charts: KPI trends with target bands, daily service, waits, CSAT against wait, and the plan
against actual.
"""

import math
from pathlib import Path

import numpy as np
import pandas as pd

from staffing.history.csat_wait import CsatWaitCurve
from staffing.history.log import ContactLog
from staffing.history.plan_actual import PlanActual
from staffing.history.scorecard import KPIS, Scorecard
from staffing.report.charts import BLUE, DARK, LIGHT_BLUE, PURPLE, TALL, WIDE, new_figure, save_png
from staffing.report.scorecard import LABELS, SECONDS, SHARES, summary_markdown

_TREND_KPIS = ("service_level", "abandon_rate", "asa", "aht", "fcr", "csat")


def _monday(week: str) -> pd.Timestamp:
    """Return the Monday that starts an ISO week label such as ``2026-W10``."""
    year, number = week.split("-W")
    return pd.Timestamp.fromisocalendar(int(year), int(number), 1)


def plot_trends(card: Scorecard, path: Path) -> Path:
    """Draw daily KPIs of all contacts with weekly means, target lines and tolerance bands."""
    present = [k for k in _TREND_KPIS if k in set(card.table.kpi)]
    days = card.rows("day").set_index("kpi")
    weeks = card.rows("week").set_index("kpi")
    fig = new_figure(TALL)
    columns = 2
    rows = math.ceil(len(present) / columns)
    for i, kpi in enumerate(present):
        ax = fig.add_subplot(rows, columns, i + 1)
        d = days.loc[[kpi]]
        x = pd.to_datetime(d.period).to_numpy()
        scale = 100.0 if kpi in SHARES else 1.0
        ax.plot(x, d.value * scale, "o-", color=BLUE, markersize=3, label="day")
        w = weeks.loc[[kpi]]
        mondays = [_monday(label) for label in w.period]
        edges = [*mondays, mondays[-1] + pd.Timedelta(days=7)]
        ax.stairs(w.value * scale, edges, baseline=None, color=PURPLE, label="week")
        target = d.target.iloc[0]
        if math.isfinite(target):
            band = abs(target) * card.tolerance
            up = KPIS[kpi][2]
            edge = target - band if up else target + band
            ax.axhline(target * scale, color=DARK, linestyle="--", linewidth=1, label="target")
            ax.axhspan(
                min(target, edge) * scale,
                max(target, edge) * scale,
                color="#fff59d",
                alpha=0.6,
                label="tolerance",
            )
        ax.set_title(
            LABELS[kpi] + (" [%]" if kpi in SHARES else " [s]" if kpi in SECONDS else ""),
            fontsize=10,
        )
        ax.grid(alpha=0.3)
        ax.tick_params(axis="x", labelsize=8, rotation=30)
        if i == 0:
            ax.legend(frameon=False, fontsize=8)
    fig.suptitle("KPIs per day, all contacts", fontsize=11)
    return save_png(fig, path)


def plot_daily_service(card: Scorecard, path: Path) -> Path:
    """Draw daily service level and abandonment, misses in red, with their targets."""
    days = card.rows("day").set_index("kpi")
    fig = new_figure(TALL)
    for i, kpi in enumerate(("service_level", "abandon_rate")):
        ax = fig.add_subplot(2, 1, i + 1)
        d = days.loc[[kpi]]
        x = np.arange(len(d))
        colours = [{"red": "#c62828", "yellow": "#f9a825"}.get(s, BLUE) for s in d.status]
        ax.bar(x, 100 * d.value.fillna(0), color=colours)
        target = d.target.iloc[0]
        if math.isfinite(target):
            ax.axhline(100 * target, color=DARK, linestyle="--", linewidth=1, label="target")
            ax.legend(frameon=False, fontsize=8)
        step = max(1, len(d) // 20)
        ax.set_xticks(x[::step], d.period.iloc[::step], rotation=45, ha="right", fontsize=8)
        ax.set_ylabel(LABELS[kpi] + " [%]")
        ax.grid(alpha=0.3, axis="y")
    fig.suptitle(f"Daily service level (within {card.threshold:g} s) and abandonment", fontsize=11)
    return save_png(fig, path)


def plot_wait_distribution(log: ContactLog, threshold: float, path: Path) -> Path:
    """Draw the waits of answered and abandoned contacts, with the answer time T."""
    fig = new_figure(WIDE)
    ax = fig.add_subplot(1, 1, 1)
    queued = log.wait > 0
    top = float(np.quantile(log.wait[queued], 0.99)) if queued.any() else threshold * 2
    edges = np.linspace(0, max(top, threshold * 2, 10.0), 41)
    ax.hist(
        [
            np.minimum(log.wait[log.answered], edges[-1]),
            np.minimum(log.wait[~log.answered], edges[-1]),
        ],
        bins=edges,
        stacked=True,
        color=[BLUE, LIGHT_BLUE],
        label=["answered", "abandoned"],
    )
    ax.axvline(threshold, color=DARK, linestyle="--", linewidth=1, label=f"T = {threshold:g} s")
    ax.set_xlabel("wait [s] (the last bar holds everything beyond)")
    ax.set_ylabel("contacts")
    ax.set_yscale("log")
    ax.legend(frameon=False, fontsize=9)
    ax.set_title(
        f"Waits: {(~queued).mean():.0%} answered at once; 99 % waited under {top:.0f} s",
        fontsize=10,
    )
    return save_png(fig, path)


def plot_csat_wait(curve: CsatWaitCurve, path: Path) -> Path:
    """Draw CSAT per wait bin with its 95 % interval, the fitted hinge and the rule of thumb."""
    bins = curve.bins[curve.bins.surveys > 0]
    fig = new_figure(WIDE)
    ax = fig.add_subplot(1, 1, 1)
    x = bins.mean_wait.to_numpy()
    ax.errorbar(
        x,
        100 * bins.csat,
        yerr=[100 * (bins.csat - bins.csat_low), 100 * (bins.csat_high - bins.csat)],
        fmt="o",
        color=BLUE,
        capsize=3,
        label="surveys (95 % CI)",
    )
    grid = np.linspace(0, max(float(x.max()), 120.0) * 1.05, 200)
    ax.plot(grid, 100 * curve.predict(grid), color=PURPLE, label="fitted")
    past = np.maximum(grid - 60.0, 0) / 30.0
    ax.fill_between(
        grid,
        100 * (curve.base - 0.02 * past),
        100 * (curve.base - 0.03 * past),
        color="#bdbdbd",
        alpha=0.5,
        label="rule of thumb: -2 to -3 pts per 30 s past 60 s",
    )
    ax.set_xlabel("wait [s]")
    ax.set_ylabel("CSAT [% of answers 4-5]")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=9)
    ax.set_title(f"CSAT against wait ({curve.surveys:,} answers)", fontsize=10)
    return save_png(fig, path)


def plot_plan_actual(result: PlanActual, path: Path) -> Path:
    """Draw forecast against actual calls, and predicted against actual service level."""
    slots = result.slots.sort_values("start")
    x = np.arange(len(slots))
    fig = new_figure(TALL)
    ax = fig.add_subplot(2, 1, 1)
    ax.plot(x, slots.forecast_calls, "--", color=DARK, label="forecast")
    ax.plot(x, slots.actual_calls, "o-", color=BLUE, markersize=3, label="actual")
    ax.set_ylabel("calls (all days)")
    ax.legend(frameon=False, fontsize=8)
    ax.grid(alpha=0.3)
    ax = fig.add_subplot(2, 1, 2)
    ax.errorbar(
        x,
        100 * slots.service_level_predicted,
        yerr=100 * slots.service_level_hw,
        fmt="s",
        color=DARK,
        capsize=2,
        label="predicted (95 % CI)",
    )
    ax.plot(x, 100 * slots.service_level_actual, "o", color=BLUE, label="actual")
    ax.set_ylabel("service level [%]")
    step = max(1, len(x) // 16)
    ax.set_xticks(x[::step], slots.start.iloc[::step], rotation=45, ha="right", fontsize=8)
    ax.legend(frameon=False, fontsize=8)
    ax.grid(alpha=0.3)
    fig.suptitle("Plan against actual, per interval of the day", fontsize=11)
    return save_png(fig, path)


def write_report(
    card: Scorecard,
    folder: Path,
    *,
    log: ContactLog,
    title: str,
    targets_from: str,
    curve: CsatWaitCurve | None = None,
    plan: PlanActual | None = None,
) -> list[Path]:
    """Write the scorecard's files into ``folder``; return their paths."""
    folder = Path(folder)
    written = [folder / "scorecard.csv", folder / "agents.csv", folder / "scorecard.md"]
    card.table.to_csv(written[0], index=False)
    card.agents.to_csv(written[1], index=False)
    written[2].write_text(
        summary_markdown(card, title=title, targets_from=targets_from, curve=curve, plan=plan),
        encoding="utf-8",
    )
    written.append(plot_trends(card, folder / "kpi_trends.png"))
    written.append(plot_daily_service(card, folder / "daily_service.png"))
    written.append(plot_wait_distribution(log, card.threshold, folder / "wait_distribution.png"))
    if curve is not None:
        written.append(plot_csat_wait(curve, folder / "csat_wait.png"))
        (folder / "csat_wait.toml").write_text(curve.toml(), encoding="utf-8")
        curve.bins.to_csv(folder / "csat_wait.csv", index=False)
        written += [folder / "csat_wait.toml", folder / "csat_wait.csv"]
    if plan is not None:
        plan.intervals.to_csv(folder / "plan_actual.csv", index=False)
        plan.days.to_csv(folder / "plan_actual_days.csv", index=False)
        written += [folder / "plan_actual.csv", folder / "plan_actual_days.csv"]
        written.append(plot_plan_actual(plan, folder / "plan_actual.png"))
    return written
