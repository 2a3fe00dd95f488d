"""A calibration as text and charts: the summary on the terminal, and patience survival.

The chart (Kaplan-Meier against the fitted curves) is drawn with the chart kit of
:mod:`staffing.report.charts` (Agg canvas, no pyplot registry).
"""

from os import PathLike
from pathlib import Path

import numpy as np

from staffing import units
from staffing.history.calibrate import Calibration, Share
from staffing.history.log import ContactLog
from staffing.report.charts import BLUE, DARK, LIGHT_BLUE, PURPLE, WIDE, new_figure, save_png
from staffing.report.terminal import pct, render

_FIT_COLOURS = {"exponential": PURPLE, "lognormal": BLUE, "gamma": "#2e7d32"}
_Z95 = 1.959964


def plot_patience(calibration: Calibration, path: str | PathLike[str]) -> Path:
    r"""Draw the patience survival curve: Kaplan-Meier with its 95 % band, and each fit.

    Parameters
    ----------
    calibration : Calibration
        A calibration of a contact log.
    path : path
        The PNG to write.

    Returns
    -------
    Path
        The PNG written.

    Notes
    -----
    The band is pointwise, :math:`\hat S \pm 1.96\,\mathrm{se}` with Greenwood's standard
    error (Kaplan & Meier 1958; Lawless 2003, section 3.2), clipped to [0, 1]. Fitted
    curves are drawn to the longest hang-up; the legend gives each fit's mean, CV and AIC
    (the least AIC is the one written to the ``[callers]`` section).
    """
    fit = calibration.patience
    km = fit.km
    t_max = float(km.time.max()) if km.time.size else 1.0
    x = np.concatenate(([0.0], km.time))
    s = np.concatenate(([1.0], km.survival))
    se = np.concatenate(([0.0], km.se))
    fig = new_figure(WIDE)
    ax = fig.add_subplot()
    ax.fill_between(
        x,
        np.clip(s - _Z95 * se, 0, 1),
        np.clip(s + _Z95 * se, 0, 1),
        step="post",
        color=LIGHT_BLUE,
        alpha=0.5,
        linewidth=0,
        label="Kaplan-Meier 95 % band",
    )
    ax.step(x, s, where="post", color=DARK, linewidth=1.5, label="Kaplan-Meier (censored waits)")
    grid = np.linspace(0.0, t_max, 400)
    for kind, f in fit.fits.items():
        best = " (chosen)" if f is fit.best else ""
        ax.plot(
            grid,
            f.survival(grid),
            color=_FIT_COLOURS[kind],
            linestyle="-" if best else "--",
            linewidth=1.5,
            label=f"{kind}{best}: mean {f.mean:.0f} s, CV {f.cv:.2f}, AIC {f.aic:.0f}",
        )
    ax.set_xlim(0.0, t_max)
    ax.set_ylim(0.0, 1.02)
    ax.set_xlabel("time waited [s]")
    ax.set_ylabel("share still willing to wait")
    ax.set_title(
        f"Patience: {calibration.abandoned:,} hang-ups (events) among "
        f"{calibration.contacts:,} contacts (answers are censored waits)",
        fontsize=10,
    )
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", frameon=False, fontsize=9)
    return save_png(fig, path)


def _share(share: Share | None, what: str, after: str) -> str:
    if share is None:
        return "not measured"
    return (
        f"{pct(share.share)} ± {100 * share.se:.1f} of {share.contacts:,} {what} within "
        f"{units.format_duration(share.window)} {after}"
        + (f", mean delay {share.delay:.0f} s" if share.followed else "")
    )


def summary_text(calibration: Calibration, log: ContactLog, threshold: float) -> str:
    """Summarize a calibration for the terminal (``±`` is one standard error).

    Parameters
    ----------
    calibration : Calibration
        The calibration.
    log : ContactLog
        The log it was made from (for the observed KPIs).
    threshold : float
        Service-level answer time [s]: the observed service level is answered within it
        over offered (DESIGN.md section 4).
    """
    c = calibration
    answered_in_time = int((log.answered & (log.wait <= threshold)).sum())
    lines = [
        f"{c.source or 'contact log'}: {c.contacts:,} contacts, {c.abandoned:,} abandoned "
        f"({pct(c.abandoned / c.contacts)}); service level {pct(answered_in_time / c.contacts)}"
        f" (answered within {threshold:g} s / offered)",
        "",
        "patience (hang-ups are events, answered waits censored); ± one standard error",
    ]
    rows = []
    for kind, f in c.patience.fits.items():
        cv = "1" if kind == "exponential" else f"{f.cv:.3f} ± {f.cv_se:.3f}"
        rows.append([kind, f"{f.mean:.1f} ± {f.mean_se:.1f}", cv, f"{f.aic:.1f}"])
    marks = ["*" if f is c.patience.best else "" for f in c.patience.fits.values()]
    lines.append(render(rows, ["distribution", "mean [s]", "CV", "AIC"], marks))
    h = c.handle
    lines += [
        "",
        f"handle time: mean {h.mean:.1f} ± {h.mean_se:.1f} s; {h.best.distribution} CV "
        f"{h.best.cv:.3f} ± {h.best.cv_se:.3f} (AIC "
        + ", ".join(f"{k} {f.aic:.1f}" for k, f in h.fits.items())
        + ")"
        + ("" if h.wrap is None else f"; wrap-up {h.wrap:.1f} s included"),
        f"redials: {_share(c.redial, 'hang-ups', 'of hanging up')}",
        f"repeats: {_share(c.repeat, 'answered contacts', 'of the end')}"
        + ("" if c.repeat is None else f" (FCR proxy {pct(1 - c.repeat.share)})"),
    ]
    if c.on_duty is None:
        lines.append("agents on duty: no agent column")
    else:
        on = c.on_duty.agents[c.on_duty.agents > 0]
        lines.append(
            f"agents on duty: peak {on.max():.1f}, mean {on.mean():.1f} over "
            f"{on.size} intervals of {units.format_duration(c.on_duty.interval)} (busy spans "
            f"joined across idle gaps up to {units.format_duration(c.on_duty.max_idle)}, "
            "and longer ones while no caller waited)"
        )
    lines += [f"note: {note}" for note in c.notes]
    return "\n".join(lines)
