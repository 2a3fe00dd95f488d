"""The bid sheet: what a sales team reads, from a priced bid (:mod:`staffing.pricing`).

:func:`write_bid_sheet` writes ``bid.md`` (recommendation, terms, the options' price and
risk table, the cost build-up and checks against industry ranges), ``options.csv``,
``months.csv`` (every simulated month), two charts, and the recommended option's plan
report per day type.
"""

from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from staffing.bid_terms import BILLING_UNITS, WEEKDAYS, Bid, FloatArray
from staffing.pricing import BidResult
from staffing.report import charts
from staffing.report.output import check_out_dir
from staffing.report.plan_report import write_report
from staffing.report.tables import markdown_table
from staffing.requirements import MET, MISSED


def write_bid_sheet(
    result: BidResult, out_dir: str | PathLike[str], *, force: bool = False
) -> dict[str, Path]:
    """Write the bid sheet: ``bid.md``, ``options.csv``, ``months.csv`` and charts.

    The recommended option's plans are written as plan reports in ``plan_<day type>/``.
    ``out_dir`` must be new or empty unless ``force``
    (:func:`staffing.report.output.check_out_dir`).

    Returns
    -------
    dict of str to Path
        What was written, by name.
    """
    out = check_out_dir(out_dir, force=force)
    out.mkdir(parents=True, exist_ok=True)
    bid = result.bid
    written: dict[str, Path] = {}
    table = result.table()
    written["options.csv"] = out / "options.csv"
    table.to_csv(written["options.csv"], index=False)
    months = pd.concat(
        pd.DataFrame(
            {
                "plan service level": o.plan_service_level,
                "month": np.arange(o.risk.service_level.size),
                "service level": o.risk.service_level,
                "abandon rate": o.risk.abandon_rate,
                "credit": o.risk.credit,
                "bonus": o.risk.bonus,
                "margin at risk-adjusted price": o.margins(o.risk_adjusted_price),
            }
        )
        for o in result.options
    )
    written["months.csv"] = out / "months.csv"
    months.to_csv(written["months.csv"], index=False)
    written["tradeoff.png"] = plot_tradeoff(
        table, bid.sla.service_level, bid.scenario.costs.currency, out / "tradeoff.png"
    )
    written["monthly_sl.png"] = plot_monthly_service_level(
        {f"plan {o.plan_service_level:.0%}": o.risk.service_level for o in result.options},
        bid.sla.service_level,
        out / "monthly_sl.png",
    )
    for label, p in result.recommended.plans.items():
        folder = out / _folder(label)
        written |= {f"{folder.name}/{k}": v for k, v in write_report(p, folder).items()}
    written["bid.md"] = out / "bid.md"
    written["bid.md"].write_text(_sheet(result, table), encoding="utf-8")
    return written


def _operation_targets(bid: Bid) -> str:
    """Name the operation's per-interval targets that every option keeps."""
    kept = []
    for t in bid.scenario.targets.given():
        if t.kpi == "service_level":
            continue
        value = f"{t.value:g} s" if t.kpi == "asa" else f"{t.value:.0%}"
        kept.append(f"{t.label} {'≥' if t.higher_is_better else '≤'} {value}")
    if not kept:
        return "- Every option is planned to its service level per interval alone."
    return (
        f"- Every option also keeps the operation's own per-interval targets "
        f"({bid.scenario.path.name}): {', '.join(kept)}."
    )


def _folder(label: str) -> str:
    """Folder of a day type's plan report: ``plan_tue-fri``, ``plan_mon_wed``."""
    return "plan_" + label.lower().replace(",", "_")


def _range(bounds: tuple[float, float]) -> str:
    return f"{bounds[0]:.1%}-{bounds[1]:.1%}"


def _money(value: float, currency: str) -> str:
    return f"{value:,.2f} {currency}"


def _sheet(result: BidResult, table: pd.DataFrame) -> str:
    bid = result.bid
    rec = result.recommended
    c = bid.scenario.costs.currency
    unit = BILLING_UNITS[bid.billing_unit]
    sla = bid.sla
    terms = f"{sla.service_level:.0%} answered within {sla.threshold:g} s"
    if sla.abandon_rate is not None:
        terms += f", abandonment at most {sla.abandon_rate:.1%}"
    week = ", ".join(f"{d.capitalize()} {w:g}" for d, w in zip(WEEKDAYS, bid.week, strict=True))
    margins = rec.margins(rec.risk_adjusted_price)
    lines = [
        f"# Bid: {bid.name}",
        "",
        f"Client: {bid.client or '-'}. Operation: {bid.scenario.name} ({bid.scenario.path.name}).",
        "",
        "## Recommendation",
        "",
        f"**{_money(rec.risk_adjusted_price, c)} per {unit}**, staffing planned to "
        f"{rec.plan_service_level:.0%} per interval ({rec.month.fte:,.1f} FTE).",
        "",
        f"- Target margin {bid.margin:.1%} after expected SLA credits"
        + (" and bonuses" if bid.count_bonus else " (bonuses are upside, not priced in)")
        + f"; in 19 months of 20 the margin is at least {np.quantile(margins, 0.05):.1%}.",
        f"- Chance of missing the monthly SLA: {rec.risk.p_miss:.1%} "
        f"({_range(rec.risk.p_miss_range)} over bootstrap replicates of the simulated days); "
        f"expected credit {np.mean(rec.risk.credit):.2%} of the bill, expected bonus "
        f"{np.mean(rec.risk.bonus):.2%}.",
        f"- Monthly cost {_money(rec.month.total, c)}; list price at the target margin "
        f"before SLA risk {_money(rec.price, c)} per {unit}; cost per contact "
        f"{_money(rec.month.per_contact, c)}.",
        "",
        "## What was priced",
        "",
        f"- Volume: {bid.monthly_volume:,.0f} contacts per month ({bid.days_per_month:g} days), "
        f"weekly profile {week}; day-to-day forecast error {bid.daily_cv:.0%} (CV).",
        f"- SLA, measured monthly: {terms}. Credit {sla.credit_per_point:.2%} of the bill per "
        f"point missed, capped at {sla.credit_cap:.1%}; bonus {sla.bonus_per_point:.2%} per "
        f"point above target, capped at {sla.bonus_cap:.1%}.",
        f"- Billing: per {unit}; target margin {bid.margin:.1%} (profit / revenue).",
        f"- Risk: {bid.days} simulated days per day type and option, composed into "
        f"{bid.months:,} months of {round(bid.days_per_month)} days. Options missing the SLA in "
        f"more than {bid.max_p_miss:.0%} of months are not recommended; of the others, those "
        f"priced within {bid.price_tolerance:.1%} of the lowest are alike, and the least likely "
        "to miss is recommended.",
        "",
        _operation_targets(bid),
        "",
        "## Price and risk by staffing option",
        "",
        "Planning each interval to a higher service level costs more and risks less, unless "
        "the operation's own targets bind first: then options plan the same staffing.",
        "",
        markdown_table(_display(table, c)),
        "",
        "![trade-off](tradeoff.png)",
        "",
        "![monthly service level](monthly_sl.png)",
        "",
        "## Cost of an average month (recommended option)",
        "",
        markdown_table(
            pd.DataFrame(
                [(item, f"{value:,.2f}", u) for item, value, u in rec.month.rows()],
                columns=["item", "value", "unit"],
            )
        ),
        "",
    ]
    warnings = rec.month.warnings
    if warnings:
        lines += ["Checks against industry ranges:", ""] + [f"- {w}" for w in warnings] + [""]
    lines += ["## Day plans (recommended option)", ""]
    for label, _, calls in result.day_types:
        p = rec.plans[label]
        sl = p.best.simulation.kpi("service_level")[0]
        lines.append(
            f"- {label}: {calls:,.0f} contacts a day, "
            f"{sum(x.headcount for x in p.best.schedule.shifts)} agents on shifts, "
            f"simulated day SL {sl:.1%}; report in `{_folder(label)}/summary.md`."
        )
    lines.append("")
    return "\n".join(lines)


def _display(table: pd.DataFrame, currency: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "plan SL": table["plan service level"].map("{:.0%}".format),
            "FTE": table["FTE"].map("{:,.1f}".format),
            f"monthly cost {currency}": table["monthly cost"].map("{:,.0f}".format),
            "list price": table["list price"].map("{:,.2f}".format),
            "P(miss)": table["P(miss SLA)"].map("{:.1%}".format),
            "P(miss) 90% range": [
                _range((a, b))
                for a, b in zip(table["P(miss) 5%"], table["P(miss) 95%"], strict=True)
            ],
            "E[credit]": table["expected credit"].map("{:.2%}".format),
            "E[bonus]": table["expected bonus"].map("{:.2%}".format),
            "monthly SL 5%-median": [
                f"{a:.1%}-{b:.1%}"
                for a, b in zip(table["monthly SL 5%"], table["monthly SL median"], strict=True)
            ],
            "margin at list": table["margin at list price"].map("{:.1%}".format),
            "risk-adjusted price": table["risk-adjusted price"].map("{:,.2f}".format),
            "margin, worst 5%": table["margin 5% worst"].map("{:.1%}".format),
            "": table["recommended"].map({True: "recommended", False: ""}),
        }
    )


def plot_tradeoff(
    table: pd.DataFrame, sla: float, currency: str, path: str | PathLike[str]
) -> Path:
    """Draw price per unit and SLA risk against staffing (FTE), one point per option.

    Left: the list price at the target margin and the risk-adjusted price; right: the
    chance of missing the monthly SLA and the expected credit. Returns the PNG's path.
    """
    fig = charts.new_figure(charts.WIDE)
    left, right = fig.subplots(1, 2)
    fte = table["FTE"].to_numpy()
    labels = [f"{v:.0%}" for v in table["plan service level"]]
    left.plot(fte, table["list price"], "o--", color=charts.LIGHT_BLUE, label="list price")
    left.plot(fte, table["risk-adjusted price"], "o-", color=charts.BLUE, label="risk-adjusted")
    rec = table["recommended"].to_numpy()
    left.plot(
        fte[rec],
        table["risk-adjusted price"][rec],
        "*",
        ms=16,
        color=charts.STATUS_COLOURS[MET],
        label="recommended",
    )
    for x, y, text in zip(fte, table["risk-adjusted price"], labels, strict=True):
        left.annotate(f"plan {text}", (x, y), textcoords="offset points", xytext=(4, 6))
    left.set(
        xlabel="staffing [FTE per month]",
        ylabel=f"price per {table.attrs.get('unit', 'unit')} [{currency}]",
        title="Price at the target margin",
    )
    charts.legend_outside(left)
    right.plot(fte, 100 * table["P(miss SLA)"], "o-", color=charts.PURPLE, label="P(miss SLA)")
    right.plot(
        fte, 100 * table["expected credit"], "s--", color=charts.DARK, label="expected credit"
    )
    right.set(
        xlabel="staffing [FTE per month]",
        ylabel="% of months / % of the bill",
        title=f"Monthly SLA risk (target {sla:.0%})",
    )
    right.set_ylim(bottom=0)
    charts.legend_outside(right)
    return charts.save_png(fig, path)


def plot_monthly_service_level(
    months: dict[str, FloatArray], sla: float, path: str | PathLike[str]
) -> Path:
    """Draw the distribution of monthly service level per option, with the SLA target."""
    fig = charts.new_figure(charts.WIDE)
    ax = fig.subplots()
    values = np.concatenate(list(months.values()))
    bins = np.linspace(100 * values.min(), 100 * max(values.max(), sla), 60)
    for name, sl in months.items():
        ax.hist(100 * sl, bins=bins, histtype="step", linewidth=1.6, label=name)
    ax.axvline(100 * sla, color=charts.STATUS_COLOURS[MISSED], ls="--", label="SLA")
    ax.set(
        xlabel="service level over the month [%]",
        ylabel="simulated months",
        title="Monthly service level by staffing option",
    )
    charts.legend_outside(ax)
    return charts.save_png(fig, path)
