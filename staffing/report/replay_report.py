"""A replay's report folder: ``replay.csv``, ``replay.png`` and ``summary.md``.

``replay.csv`` has exactly the columns of DESIGN.md section 9 (shares as fractions); the
chart draws, per day, observed abandonment and service level against the simulated ones with
their 95 % confidence bars; the summary gives the share of days within ±3 and ±5 points and
says which quantities were fitted by simulation rather than read from the log.
"""

from pathlib import Path

import numpy as np

from staffing.history.replay import ReplayResult
from staffing.report.charts import BLUE, DARK, TALL, new_figure, save_png


def plot_replay(result: ReplayResult, path: Path) -> Path:
    """Draw observed against simulated abandonment and service level per replayed day."""
    days = result.days
    x = np.arange(len(days))
    fig = new_figure(TALL)
    for i, (name, label) in enumerate(
        (("abandon_rate", "abandonment [%]"), ("service_level", "service level [%]"))
    ):
        ax = fig.add_subplot(2, 1, i + 1)
        ax.errorbar(
            x + 0.1,
            100 * days[f"{name}_simulated"],
            yerr=100 * days[f"{name}_hw"],
            fmt="o",
            color=BLUE,
            capsize=3,
            label="simulated (95 % CI)",
        )
        ax.plot(x - 0.1, 100 * days[f"{name}_observed"], "s", color=DARK, label="observed")
        ax.set_ylabel(label)
        ax.set_xticks(x, days["day"], rotation=45, ha="right", fontsize=8)
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", frameon=False, fontsize=9)
    fig.suptitle(
        f"Replay after {result.train_until}: each day simulated with its own arrivals and "
        f"staffing (after-call work {result.after_call_work:.0f} s fitted on training days)",
        fontsize=10,
    )
    return save_png(fig, path)


def summary_markdown(result: ReplayResult) -> str:
    """Summarize a replay: errors, share of days within ±3 / ±5 points, what was fitted."""
    days, cal = result.days, result.calibration
    err_a = 100 * (days["abandon_rate_simulated"] - days["abandon_rate_observed"])
    err_s = 100 * (days["service_level_simulated"] - days["service_level_observed"])
    p, h = cal.patience.best, cal.handle
    lines = [
        f"# Replay after {result.train_until}",
        "",
        f"Calibrated on the days up to {result.train_until} ({cal.contacts:,} contacts); "
        f"{len(days)} later days simulated, each with its own contacts at the times they "
        "arrived, mean handle time per interval and agents on duty inferred from busy spans "
        "and the queue.",
        "",
        "| error (simulated - observed), points | mean | mean absolute | max absolute |",
        "|---|---|---|---|",
        f"| abandonment | {err_a.mean():+.1f} | {err_a.abs().mean():.1f} | "
        f"{err_a.abs().max():.1f} |",
        f"| service level (within {result.threshold:g} s) | {err_s.mean():+.1f} | "
        f"{err_s.abs().mean():.1f} | {err_s.abs().max():.1f} |",
        "",
        f"- days with abandonment within ±3 points: {result.within('abandon_rate', 3):.0%}",
        f"- days with service level within ±5 points: {result.within('service_level', 5):.0%}",
        "",
        "## Model",
        "",
        f"- patience: {p.distribution}, mean {p.mean:.0f} s (se {p.mean_se:.0f}), CV "
        f"{p.cv:.2f}: censored maximum likelihood on the training days",
        f"- handle time: {h.best.distribution}, CV {h.best.cv:.2f}; mean {h.mean:.0f} s on "
        "the training days (each replayed interval uses its own observed mean)",
        f"- **fitted by simulation** (the log cannot show it): after-call work "
        f"{result.after_call_work:.0f} s added to every handle time, the value of "
        f"{len(result.search)} tried that best matches the training days' abandonment and "
        "service level",
        "- redials and repeats are not simulated: the observed arrivals already hold them",
        "",
        "Columns of replay.csv: shares as fractions; `_hw` is the 95 % half-width over the "
        "simulated replications.",
    ]
    return "\n".join(lines) + "\n"


def write_report(result: ReplayResult, folder: Path) -> None:
    """Write ``replay.csv``, ``replay.png`` and ``summary.md`` into ``folder``."""
    result.days.to_csv(folder / "replay.csv", index=False)
    plot_replay(result, folder / "replay.png")
    (folder / "summary.md").write_text(summary_markdown(result), encoding="utf-8")
