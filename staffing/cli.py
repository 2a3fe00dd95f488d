"""The ``staffing`` command: it parses, calls the library, prints.

Verbs:

- ``staffing erlang``: an Erlang calculator for one interval: the requirement and the KPIs
  for agent counts around it.
- ``staffing requirements FORECAST.csv``: agents per interval for a forecast, as a table on
  the terminal and optionally a CSV file.
- ``staffing plan SCENARIO.toml --out DIR``: the main job: requirements, a least-cost shift
  schedule, simulation-verified corrections, and a report folder (CSV, PNG, summary.md).
- ``staffing simulate FORECAST.csv``: simulate days of calls under a staffing per interval
  (``--agents``), a shift schedule (``--shifts``) or, by default, the Erlang requirement,
  and print the KPIs with 95 % confidence intervals.
- ``staffing bid BID.toml --out DIR``: price an outsourcing bid: staffing options, monthly
  cost, price per billing unit at the target margin, SLA risk, and a bid sheet.
- ``staffing whatif SCENARIO.toml --vary KEY=FROM:TO:STEP --out DIR``: plan variants of a
  scenario in parallel (processes or a Dask cluster) and compare them: table and charts.

Units on the command line are human-friendly (``30min``, ``180s``, ``3m``, ``30%``,
``80/20``); the library receives seconds and fractions. A user's mistake is one line on
stderr and exit status 2, never a traceback.
"""

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from tqdm import tqdm

from staffing import erlang, units
from staffing.callers import CallerBehaviour
from staffing.errors import InputError
from staffing.forecast import read_forecast
from staffing.plan import plan, target_checks
from staffing.pricing import load_bid, price_bid
from staffing.report.bid_sheet import write_bid_sheet
from staffing.report.output import check_out_dir
from staffing.report.plan_report import write_report
from staffing.requirements import (
    Requirements,
    ServiceTargets,
    compute_requirements,
    scheduled_positions,
)
from staffing.scenario import load_scenario
from staffing.shifts import read_agents, read_shifts
from staffing.simulation import simulate


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def _sec(value: float) -> str:
    return "inf" if math.isinf(value) else f"{value:.1f}"


def _render(rows: list[list[str]], header: list[str], marks: Sequence[str] = ()) -> str:
    """Right-aligned text table; ``marks`` is a prefix per row (e.g. ``'>'``)."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    marks = list(marks) or [""] * len(rows)
    pad = max((len(m) for m in marks), default=0)
    lines = [" " * pad + "  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True))]
    for mark, row in zip(marks, rows, strict=True):
        cells = "  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True))
        lines.append(mark.ljust(pad) + cells)
    return "\n".join(lines)


def _targets(args: argparse.Namespace) -> ServiceTargets:
    """Service targets from the shared target options."""
    if args.sl.strip().lower() in {"off", "none"}:
        service_level, threshold = None, 20.0
    else:
        service_level, threshold = units.parse_service_target(args.sl, "--sl")
    return ServiceTargets(
        service_level=service_level,
        threshold=threshold,
        asa=None if args.asa is None else units.parse_duration(args.asa, "--asa"),
        abandon_rate=(
            None if args.abandon is None else units.parse_fraction(args.abandon, "--abandon")
        ),
        max_occupancy=(
            None
            if args.max_occupancy is None
            else units.parse_fraction(args.max_occupancy, "--max-occupancy")
        ),
    )


def _shrinkage(args: argparse.Namespace) -> float:
    value = units.parse_fraction(args.shrinkage, "--shrinkage")
    if value >= 1.0:
        raise InputError(f"--shrinkage = {args.shrinkage!r}; shrinkage must be below 100%")
    return value


def _patience(args: argparse.Namespace) -> float | None:
    if args.patience is None:
        return None
    value = units.parse_duration(args.patience, "--patience")
    if value <= 0:
        raise InputError(f"--patience = {args.patience!r}; patience must be > 0 seconds")
    return value


def _describe(targets: ServiceTargets, patience: float | None) -> str:
    parts = []
    if targets.service_level is not None:
        parts.append(
            f"{_pct(targets.service_level)} answered in {units.format_duration(targets.threshold)}"
        )
    if targets.asa is not None:
        parts.append(f"ASA <= {units.format_duration(targets.asa)}")
    if targets.abandon_rate is not None:
        parts.append(f"abandonment <= {_pct(targets.abandon_rate)}")
    if targets.max_occupancy is not None:
        parts.append(f"occupancy <= {_pct(targets.max_occupancy)}")
    model = (
        "Erlang C (no abandonment)"
        if patience is None
        else f"Erlang A (mean patience {units.format_duration(patience)})"
    )
    return f"{model}; targets: {', '.join(parts)}"


def _cmd_erlang(args: argparse.Namespace) -> int:
    calls = float(args.calls)
    interval = units.parse_duration(args.interval, "--interval")
    aht = units.parse_duration(args.aht, "--aht")
    shrinkage = _shrinkage(args)
    targets = _targets(args)
    patience = _patience(args)
    need = int(
        erlang.required_agents(
            calls, aht, interval=interval, patience=patience, **targets.as_kwargs()
        )
    )
    load = calls * aht / interval
    scheduled = int(scheduled_positions(need, shrinkage))
    print(
        f"{calls:g} calls in {units.format_duration(interval)}, AHT "
        f"{units.format_duration(aht)}: offered load {load:.2f} Erlang"
    )
    print(_describe(targets, patience))
    print(
        f"required: {need} agents on the phones; {scheduled} scheduled at "
        f"{_pct(shrinkage)} shrinkage\n"
    )
    counts = np.arange(max(need - args.around, 1), need + args.around + 1)
    k = erlang.kpis(
        calls, aht, counts, interval=interval, threshold=targets.threshold, patience=patience
    )
    header = ["agents", "service level", "ASA s", "P(wait)", "occupancy"]
    columns: list[tuple[str, Callable[[float], str], np.ndarray]] = [
        ("service level", _pct, np.atleast_1d(k.service_level)),
        ("ASA s", _sec, np.atleast_1d(k.asa)),
        ("P(wait)", _pct, np.atleast_1d(k.p_wait)),
        ("occupancy", _pct, np.atleast_1d(k.occupancy)),
    ]
    if patience is not None:
        header[2:2] = ["SL answered"]
        columns.insert(1, ("SL answered", _pct, np.atleast_1d(k.service_level_answered)))
        header.insert(-1, "abandoned")
        columns.insert(-1, ("abandoned", _pct, np.atleast_1d(k.abandon_rate)))
    rows = [
        [str(n), *(fmt(float(values[i])) for _, fmt, values in columns)]
        for i, n in enumerate(counts)
    ]
    print(_render(rows, header, marks=[">" if n == need else "" for n in counts]))
    return 0


def _print_requirements(req: Requirements) -> None:
    frame = req.to_frame()
    has_dates = len(req.forecast.days) > 1
    fmt = "%Y-%m-%d %H:%M" if has_dates else "%H:%M"
    header = [
        "start",
        "calls",
        "AHT s",
        "load",
        "agents",
        "scheduled",
        "SL",
        "ASA s",
        "abandoned",
        "occupancy",
    ]
    rows = [
        [
            row.start.strftime(fmt),
            f"{row.calls:g}",
            f"{row.aht:.0f}",
            f"{row.load:.2f}",
            str(row.agents),
            str(row.scheduled),
            _pct(row.service_level),
            _sec(row.asa),
            _pct(row.abandon_rate),
            _pct(row.occupancy),
        ]
        for row in frame.itertuples()
    ]
    print(_describe(req.targets, req.patience))
    print(_render(rows, header))
    t = req.totals
    print(
        f"\ntotal: {t.calls:g} calls; peak {t.peak_agents} agents; {t.agent_hours:.1f} agent "
        f"hours on the phones, {t.scheduled_hours:.1f} scheduled hours = {t.fte:.1f} FTE"
    )
    print(
        f"over all calls: service level {_pct(t.service_level)}, ASA {_sec(t.asa)} s, "
        f"abandoned {_pct(t.abandon_rate)}, occupancy {_pct(t.occupancy)}"
    )


def _cmd_requirements(args: argparse.Namespace) -> int:
    out = _out_path(args)
    interval = None if args.interval is None else units.parse_duration(args.interval, "--interval")
    forecast = read_forecast(args.forecast, interval=interval)
    shrinkage = _shrinkage(args)
    fte_hours = units.parse_duration(args.fte_hours, "--fte-hours") / 3600.0
    req = compute_requirements(
        forecast,
        _targets(args),
        patience=_patience(args),
        shrinkage=shrinkage,
        fte_hours=fte_hours,
    )
    _print_requirements(req)
    if out is not None:
        req.to_frame().to_csv(out, index=False)
        print(f"\nwrote {out}")
    return 0


def _out_path(args: argparse.Namespace) -> Path | None:
    """Return the ``--out`` file; refuse one that exists unless ``--force`` is given."""
    out = Path(args.out) if args.out else None
    if out is not None and out.exists() and not args.force:
        raise InputError(f"--out {out} exists; choose another file or add --force to replace it")
    return out


def _ci(mean: float, half: float, fmt: Callable[[float], str]) -> str:
    return fmt(mean) if math.isnan(half) else f"{fmt(mean)} ± {fmt(half).rstrip('%s')}"


def _cmd_simulate(args: argparse.Namespace) -> int:
    out = _out_path(args)
    forecast = read_forecast(args.forecast)
    targets = _targets(args)
    patience = _patience(args)
    shrinkage = _shrinkage(args)
    if args.agents and args.shifts:
        raise InputError("give --agents or --shifts, not both")
    if args.agents:
        plan = {"agents": read_agents(args.agents, forecast), "shrinkage": shrinkage}
        source = f"agents per interval from {args.agents}"
    elif args.shifts:
        shifts = read_shifts(args.shifts, forecast)
        plan = {"shifts": shifts}
        source = (
            f"{sum(s.headcount for s in shifts)} agents on {len(shifts)} shifts from {args.shifts}"
        )
    else:
        req = compute_requirements(forecast, targets, patience=patience)
        plan = {"agents": req.agents, "shrinkage": shrinkage}
        source = "the Erlang requirement per interval (SIPP) for the targets"
    handle_cv = None if args.handle_cv is None else float(args.handle_cv)
    patience_cv = None if args.patience_cv is None else float(args.patience_cv)
    with tqdm(
        total=args.replications, desc="simulating", unit="day", disable=None, file=sys.stderr
    ) as bar:
        result = simulate(
            forecast,
            **plan,
            threshold=targets.threshold,
            callers=CallerBehaviour(
                patience=patience,
                patience_distribution=args.patience_dist,
                patience_cv=patience_cv,
                handle_distribution=args.handle_dist,
                handle_cv=handle_cv,
            ),
            replications=args.replications,
            seed=args.seed,
            engine=args.engine,
            workers=args.workers,
            progress=lambda done: bar.update(done - bar.n),
        )
    print(f"{args.replications} simulated days, seed {args.seed}; staffing: {source}")
    print(
        f"handle times {args.handle_dist}"
        + (f" (CV {handle_cv:g})" if handle_cv else "")
        + (
            "; no abandonment"
            if patience is None
            else f"; patience {args.patience_dist}, mean {units.format_duration(patience)}"
        )
    )
    day = result.day
    rows = [
        ["calls offered", _ci(*day.loc["offered"], lambda v: f"{v:.0f}")],
        [
            f"service level ({units.format_duration(targets.threshold)})",
            _ci(*day.loc["service_level"], _pct),
        ],
        ["service level of answered", _ci(*day.loc["service_level_answered"], _pct)],
        ["ASA s", _ci(*day.loc["asa"], _sec)],
        ["abandoned", _ci(*day.loc["abandon_rate"], _pct)],
        ["occupancy", _ci(*day.loc["occupancy"], _pct)],
        ["utilization", _ci(*day.loc["utilization"], _pct)],
    ]
    print(_render(rows, ["whole horizon", "mean ± 95% CI"]) + "\n")
    table = result.intervals
    fmt = "%Y-%m-%d %H:%M" if len(forecast.days) > 1 else "%H:%M"
    header = ["start", "calls", "agents", "SL", "± CI", "ASA s", "abandoned", "occupancy"]
    lines = [
        [
            row.start.strftime(fmt),
            f"{row.calls:g}",
            f"{row.agents:.1f}",
            _pct(row.service_level) if row.offered else "-",
            _pct(row.service_level_ci).rstrip("%") if row.offered else "",
            _sec(row.asa) if not math.isnan(row.asa) else "-",
            _pct(row.abandon_rate) if row.offered else "-",
            _pct(row.occupancy) if not math.isnan(row.occupancy) else "-",
        ]
        for row in table.itertuples()
    ]
    print(_render(lines, header))
    if targets.service_level is not None:
        missed = table[(table.offered > 0) & (table.service_level < targets.service_level)]
        print(
            f"\nintervals below the {_pct(targets.service_level)} target in simulation: "
            f"{len(missed)} of {int((table.offered > 0).sum())}"
        )
    if out is not None:
        table.to_csv(out, index=False)
        print(f"wrote {out}")
    return 0


def _new_folder(args: argparse.Namespace) -> Path:
    """Return the ``--out`` folder: new or empty, unless ``--force`` allows writing."""
    try:
        return check_out_dir(args.out, force=args.force)
    except InputError as error:
        raise InputError(f"--out {error}") from None


class _Bars:
    """tqdm progress bars on stderr, one per stage, for ``progress(stage, done, total)``."""

    def __init__(self, unit: str) -> None:
        self.unit = unit
        self.bars: dict[str, tqdm] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        bar = self.bars.get(stage)
        if bar is None:
            bar = self.bars[stage] = tqdm(
                total=total, desc=stage, unit=self.unit, disable=None, file=sys.stderr, leave=False
            )
        bar.update(done - bar.n)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def _cmd_plan(args: argparse.Namespace) -> int:
    out = _new_folder(args)
    scenario = load_scenario(args.scenario)
    bars = _Bars("day")
    result = plan(scenario, progress=bars)
    bars.close()
    paths = write_report(result, out)
    sc, best = result.scenario, result.best
    print(
        f"{sc.name}: {sc.forecast.total_calls:,.0f} calls, {sc.forecast.n_intervals} "
        f"intervals; {_describe(sc.targets, sc.callers.patience)}"
    )
    rows = [
        [
            str(r.number),
            str(sum(s.headcount for s in r.schedule.shifts)),
            f"{r.paid_hours:,.1f}",
            f"{r.cost:,.0f}",
            _ci(*r.simulation.day.loc["service_level"], _pct),
            str(r.missing.size),
        ]
        for r in result.rounds
    ]
    print(
        _render(
            rows,
            [
                "round",
                "agents",
                "paid hours",
                f"cost {sc.costs.currency}",
                "service level (95% CI)",
                "intervals missing",
            ],
            marks=["*" if r is best else "" for r in result.rounds],
        )
    )
    print(f"\n* kept: round {best.number}")
    for c in target_checks(result):
        fmt = _sec if c.key == "asa" else _pct
        print(f"  {c.label}: {fmt(c.value)} vs target {fmt(c.target)}: {c.status}")
    print(f"\nreport: {paths['summary']} (charts and tables in {out})")
    return 0


def _cmd_bid(args: argparse.Namespace) -> int:
    out = _new_folder(args)
    bid = load_bid(args.bid)
    bars = _Bars("plan")
    result = price_bid(
        bid,
        workers=args.workers,
        progress=lambda done, total: bars("planning options by weekday", done, total),
    )
    bars.close()
    paths = write_bid_sheet(result, out, force=True)  # --out checked before the work
    table = result.table()
    currency = bid.scenario.costs.currency
    print(
        f"{bid.name}: {bid.monthly_volume:,.0f} contacts/month; SLA "
        f"{bid.sla.service_level:.0%}/{bid.sla.threshold:g}s monthly; billed per "
        f"{table.attrs['unit']} at a {bid.margin:.0%} margin"
    )
    rows = [
        [
            _pct(r["plan service level"]),
            f"{r['FTE']:,.1f}",
            f"{r['monthly cost']:,.0f}",
            f"{r['list price']:,.2f}",
            _pct(r["P(miss SLA)"]),
            f"{_pct(r['P(miss) 5%'])}-{_pct(r['P(miss) 95%'])}",
            f"{100 * r['expected credit']:.2f}%",
            f"{100 * r['expected bonus']:.2f}%",
            f"{r['risk-adjusted price']:,.2f}",
        ]
        for _, r in table.iterrows()
    ]
    header = [
        "plan SL",
        "FTE",
        f"month {currency}",
        "list price",
        "P(miss)",
        "90% range",
        "E[credit]",
        "E[bonus]",
    ]
    print(
        _render(
            rows,
            [*header, "risk-adjusted price"],
            marks=["*" if rec else "" for rec in table["recommended"]],
        )
    )
    rec = result.recommended
    print(f"\n* recommended: {rec.risk_adjusted_price:,.2f} {currency} per {table.attrs['unit']}")
    print(f"bid sheet: {paths['bid.md']} (charts, tables and day plans in {out})")
    return 0


def _cmd_whatif(args: argparse.Namespace) -> int:
    from staffing import sweep, whatif
    from staffing.report import whatif_report

    out = _new_folder(args)
    if args.workers is not None and args.workers < 1:
        raise InputError(f"--workers {args.workers}: give 1 or more processes")
    if args.workers is not None and args.scheduler:
        raise InputError("give --workers or --scheduler, not both")
    varies = whatif.parse_varies(args.vary)
    total = len(whatif.variants(varies))
    scenario = load_scenario(args.scenario)
    client = None
    if args.scheduler:
        try:
            from distributed import Client
        except ImportError:
            raise InputError(
                "--scheduler needs Dask's distributed package: pip install 'staffing[dask]'"
            ) from None
        try:
            client = Client(args.scheduler)
        except (OSError, TimeoutError, ValueError) as error:
            raise InputError(f"--scheduler {args.scheduler}: cannot connect ({error})") from None
    bars = _Bars("plan")
    try:
        result = sweep.run_sweep(
            scenario,
            varies,
            executor=None if client is None else client.get_executor(),
            workers=args.workers,
            progress=lambda done, _: bars(f"planning {total} variants", done, total),
        )
    finally:
        bars.close()
        if client is not None:
            client.close()
    paths = whatif_report.write_whatif(result, out, force=args.force)
    print(
        f"{scenario.name}: {total} variants of {whatif.describe_varies(varies)}; every variant "
        f"meets the same simulated callers (seed {scenario.simulation.seed})"
    )
    shown = whatif_report.display(result)
    print(_render(shown.values.tolist(), list(shown.columns)))
    print("", *whatif_report.headlines(result), sep="\n")
    print(f"\nwrote {', '.join(str(path) for path in paths.values())}")
    return 0


def _add_output(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--out", metavar="FILE.csv", help=what)
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")


def _add_targets(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("service targets (every one given is met)")
    group.add_argument(
        "--sl",
        default="80/20",
        metavar="PCT/T",
        help="service level: PCT%% answered within T (default 80/20; 'off' to drop it)",
    )
    group.add_argument("--asa", metavar="DURATION", help="maximum average speed of answer")
    group.add_argument("--abandon", metavar="PCT", help="maximum abandonment rate, e.g. 5%%")
    group.add_argument("--max-occupancy", metavar="PCT", help="maximum occupancy, e.g. 85%%")
    parser.add_argument(
        "--patience",
        metavar="DURATION",
        help="mean caller patience: uses Erlang A (callers hang up); default Erlang C",
    )
    parser.add_argument(
        "--shrinkage",
        default="0%",
        metavar="PCT",
        help="share of paid time off the phones, for scheduled positions (default 0%%)",
    )


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of the ``staffing`` command."""
    parser = argparse.ArgumentParser(
        prog="staffing",
        description="Contact-center staffing: Erlang B/C/A requirements per interval.",
        epilog="Durations: 180, 180s, 3m, 3min, 1h30m. Shares: 30% or 0.3.",
    )
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")

    p = verbs.add_parser(
        "erlang",
        help="Erlang calculator for one interval",
        description="Agents required for one interval, and KPIs for counts around it.",
    )
    p.add_argument("--calls", type=float, required=True, help="calls offered in the interval")
    p.add_argument("--aht", required=True, metavar="DURATION", help="average handle time")
    p.add_argument(
        "--interval", default="30min", metavar="DURATION", help="interval length (default 30min)"
    )
    _add_targets(p)
    p.add_argument(
        "--around",
        type=int,
        default=4,
        metavar="N",
        help="rows shown either side of the requirement (default 4)",
    )
    p.set_defaults(run=_cmd_erlang)

    p = verbs.add_parser(
        "requirements",
        help="agents per interval for a forecast CSV",
        description="Agents per interval meeting the targets, for a forecast CSV with "
        "columns start, calls, aht (seconds).",
    )
    p.add_argument("forecast", help="forecast CSV (start, calls, aht)")
    _add_targets(p)
    p.add_argument(
        "--interval",
        metavar="DURATION",
        help="interval length, when it cannot be inferred from the starts",
    )
    p.add_argument(
        "--fte-hours",
        default="8h",
        metavar="DURATION",
        help="paid hours of one full-time employee per day (default 8h)",
    )
    _add_output(p, "write the per-interval table as CSV")
    p.set_defaults(run=_cmd_requirements)

    p = verbs.add_parser(
        "plan",
        help="plan a scenario: schedule, verify by simulation, write a report",
        description="Requirements per interval, a least-cost shift schedule (MILP), "
        "simulation-verified corrections, and a report folder with CSV tables, PNG charts "
        "and summary.md.",
    )
    p.add_argument("scenario", help="scenario TOML file (see README)")
    p.add_argument("--out", required=True, metavar="DIR", help="report folder to create")
    p.add_argument("--force", action="store_true", help="write into an existing folder")
    p.set_defaults(run=_cmd_plan)

    p = verbs.add_parser(
        "bid",
        help="price an outsourcing bid: cost, price per billing unit, SLA risk",
        description="Plan every staffing option of a bid file, cost a month, price it per "
        "billing unit at the target margin, simulate months of SLA results with day-to-day "
        "volume error, and write a bid sheet (bid.md, CSV tables, PNG charts).",
    )
    p.add_argument("bid", help="bid TOML file (see README)")
    p.add_argument("--out", required=True, metavar="DIR", help="bid sheet folder to create")
    p.add_argument("--force", action="store_true", help="write into an existing folder")
    p.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="processes planning options and weekdays in parallel (default: all CPUs)",
    )
    p.set_defaults(run=_cmd_bid)

    p = verbs.add_parser(
        "simulate",
        help="simulate days of calls under a staffing plan or shift schedule",
        description="Simulate the forecast's days (Poisson arrivals, queue, abandonment, "
        "agents by interval or by shift and break) and print KPIs with 95%% confidence "
        "intervals. Without --agents or --shifts the Erlang requirement is simulated.",
    )
    p.add_argument("forecast", help="forecast CSV (start, calls, aht)")
    p.add_argument(
        "--agents",
        metavar="FILE.csv",
        help="agents on the phones per interval (columns start, agents)",
    )
    p.add_argument(
        "--shifts",
        metavar="FILE.csv",
        help="shift schedule (columns start, end, headcount, breaks, paid_breaks)",
    )
    _add_targets(p)
    p.add_argument(
        "--handle-dist",
        default="exponential",
        choices=["exponential", "lognormal", "gamma", "deterministic"],
        help="handle-time distribution (default exponential)",
    )
    p.add_argument("--handle-cv", metavar="CV", help="handle-time coefficient of variation")
    p.add_argument(
        "--patience-dist",
        default="exponential",
        choices=["exponential", "lognormal", "gamma", "deterministic"],
        help="patience distribution (default exponential)",
    )
    p.add_argument("--patience-cv", metavar="CV", help="patience coefficient of variation")
    p.add_argument(
        "--replications", type=int, default=30, metavar="N", help="simulated days (default 30)"
    )
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="threads to spread the replications over (default 1; same results)",
    )
    p.add_argument(
        "--engine",
        default="fast",
        choices=["fast", "simpy"],
        help="simulation engine: compiled (default) or SimPy; same results",
    )
    _add_output(p, "write the per-interval KPIs as CSV")
    p.set_defaults(run=_cmd_simulate)

    from staffing.whatif import PARAMETERS

    p = verbs.add_parser(
        "whatif",
        help="plan variants of a scenario and compare them",
        description="Plan every combination of the varied inputs (as `staffing plan` does, "
        "in parallel, with the same simulated callers for every variant) and write a "
        "comparison: whatif.csv, whatif.md and PNG charts.",
        epilog="keys, each with an example (a grid FROM:TO:STEP includes TO):\n"
        + "\n".join(f"  {k:<13} {v.meaning}: {k}={v.example}" for k, v in PARAMETERS.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", help="scenario TOML file (see README)")
    p.add_argument(
        "--vary",
        action="append",
        required=True,
        metavar="KEY=FROM:TO:STEP|KEY=A,B,C",
        help="an input to vary over an inclusive grid or a list; repeat for more inputs",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="folder to create")
    p.add_argument("--force", action="store_true", help="write into an existing folder")
    p.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="processes planning variants in parallel (default: one per CPU)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run the plans on a Dask cluster, e.g. tcp://10.0.0.5:8786 (needs staffing[dask])",
    )
    p.set_defaults(run=_cmd_whatif)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``staffing`` command; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except InputError as exc:
        print(f"staffing: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
