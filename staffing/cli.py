"""The ``staffing`` command: it parses, calls the library, prints through ``report.terminal``.

Verbs:

- ``staffing erlang``: an Erlang calculator for one interval: the requirement and the KPIs
  for agent counts around it.
- ``staffing requirements FORECAST.csv``: agents per interval for a forecast, as a table on
  the terminal and optionally a CSV file.
- ``staffing simulate FORECAST.csv``: simulate days of calls under a staffing per interval
  (``--agents``), a shift schedule (``--shifts``) or, by default, the Erlang requirement,
  and print the KPIs with 95 % confidence intervals.
- ``staffing plan SCENARIO.toml --out DIR``: the main job: requirements, a least-cost shift
  schedule, simulation-verified corrections, and a report folder (CSV, PNG, summary.md).
- ``staffing bid BID.toml --out DIR``: price an outsourcing bid: staffing options, monthly
  cost, price per billing unit at the target margin, SLA risk, and a bid sheet.
- ``staffing whatif SCENARIO.toml --vary KEY=FROM:TO:STEP --out DIR``: plan variants of a
  scenario in parallel (processes or a Dask cluster) and compare them: table and charts.
- ``staffing roster SHIFTS.csv AGENTS.csv --out DIR``: named agents on a plan's shifts over
  a week (needs the ``[roster]`` extra).

Units on the command line are human-friendly (``30min``, ``180s``, ``3m``, ``30%``,
``80/20``); the library receives seconds and fractions. Exit status (DESIGN.md section 7):
0 done; 1 a plan or bid that misses a target or is infeasible (the reason printed); 2 a
user's mistake, as one line on stderr naming the flag, file, row or key, never a traceback;
130 interrupted by Ctrl-C (one line; no output folder is left half-written).

Only argparse and the units module load before the arguments are parsed; each verb imports
the library it needs, so ``staffing --help`` answers at once.
"""

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from staffing import units
from staffing.errors import InputError

EXIT_OK, EXIT_MISSED, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130
"""Exit statuses of the command (DESIGN.md section 7)."""


def _real(text: str | None, flag: str, rule: str = "a number") -> float | None:
    """Parse a plain number given to ``flag``; None stays None."""
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{flag} = {text!r}; give {rule}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise InputError(f"{flag} = {text!r}; give {rule}")
    return value


def _at_least(value: int | None, flag: str, least: int, what: str) -> None:
    if value is not None and value < least:
        raise InputError(f"{flag} = {value}; give {least} or more {what}")


def _targets(args: argparse.Namespace) -> Any:
    """Service targets from the shared target options."""
    from staffing.requirements import ServiceTargets

    if args.sl.strip().lower() in {"off", "none"}:
        service_level, threshold = None, 20.0
    else:
        service_level, threshold = units.parse_service_target(args.sl, "--sl")
    try:
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
    except InputError as error:
        raise InputError(f"targets: {error}") from None


def _shrinkage(args: argparse.Namespace) -> float:
    from staffing import _checks

    return _checks.shrinkage(units.parse_fraction(args.shrinkage, "--shrinkage"), "--shrinkage")


def _patience(args: argparse.Namespace) -> float | None:
    if args.patience is None:
        return None
    value = units.parse_duration(args.patience, "--patience")
    if value <= 0:
        raise InputError(f"--patience = {args.patience!r}; patience must be > 0 seconds")
    return value


def _interval(text: str | None) -> float | None:
    if text is None:
        return None
    return units.parse_duration(text, "--interval", plausible="interval")


def _cmd_erlang(args: argparse.Namespace) -> int:
    calls = _real(args.calls, "--calls", "a number of calls >= 0")
    if calls < 0:
        raise InputError(f"--calls = {args.calls!r}; give a number of calls >= 0")
    interval = _interval(args.interval)
    aht = units.parse_duration(args.aht, "--aht", plausible="aht")
    _at_least(args.around, "--around", 0, "rows")
    shrinkage = _shrinkage(args)
    targets = _targets(args)
    patience = _patience(args)

    import numpy as np

    from staffing import erlang
    from staffing.report import terminal as term
    from staffing.requirements import scheduled_positions

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
    print(term.describe_targets(targets, patience))
    print(
        f"required: {need} agents on the phones; {scheduled} scheduled at "
        f"{term.pct(shrinkage)} shrinkage\n"
    )
    counts = np.arange(max(need - args.around, 1), need + args.around + 1)
    k = erlang.kpis(
        calls, aht, counts, interval=interval, threshold=targets.threshold, patience=patience
    )
    columns = [
        ("service level", term.pct, k.service_level),
        ("ASA s", term.sec, k.asa),
        ("P(wait)", term.pct, k.p_wait),
        ("occupancy", term.pct, k.occupancy),
    ]
    if patience is not None:
        columns.insert(1, ("SL answered", term.pct, k.service_level_answered))
        columns.insert(-1, ("abandoned", term.pct, k.abandon_rate))
    rows = [
        [str(n), *(fmt(float(np.atleast_1d(values)[i])) for _, fmt, values in columns)]
        for i, n in enumerate(counts)
    ]
    header = ["agents", *(name for name, _, _ in columns)]
    print(term.render(rows, header, marks=[">" if n == need else "" for n in counts]))
    if patience is None and counts[0] <= load:
        print(
            f"\n—: with {int(load)} agents or fewer, {load:.2f} Erlangs never clear (nobody "
            "hangs up): no finite wait"
        )
    return EXIT_OK


def _cmd_requirements(args: argparse.Namespace) -> int:
    from staffing.report.output import OutputFile

    out = None if args.out is None else OutputFile(args.out, force=args.force)
    interval = _interval(args.interval)
    shrinkage = _shrinkage(args)
    fte_hours = units.parse_duration(args.fte_hours, "--fte-hours") / 3600.0
    targets = _targets(args)
    patience = _patience(args)

    from staffing.forecast import read_forecast
    from staffing.report import terminal as term
    from staffing.report.tables import with_start_text
    from staffing.requirements import compute_requirements

    forecast = read_forecast(args.forecast, interval=interval)
    req = compute_requirements(
        forecast, targets, patience=patience, shrinkage=shrinkage, fte_hours=fte_hours
    )
    print(term.requirements_table(req))
    if out is not None:
        table = with_start_text(req.to_frame(), forecast)
        path = out.write(lambda p: table.to_csv(p, index=False))
        print(f"\nwrote {path}")
    return EXIT_OK


def _cmd_simulate(args: argparse.Namespace) -> int:
    from staffing.report.output import OutputFile

    out = None if args.out is None else OutputFile(args.out, force=args.force)
    if args.agents and args.shifts:
        raise InputError("give --agents or --shifts, not both")
    targets = _targets(args)
    patience = _patience(args)
    shrinkage = _shrinkage(args)
    handle_cv = _real(args.handle_cv, "--handle-cv", "a coefficient of variation like 0.8")
    patience_cv = _real(args.patience_cv, "--patience-cv", "a coefficient of variation like 1")
    _at_least(args.replications, "--replications", 1, "simulated days")
    _at_least(args.workers, "--workers", 1, "threads")

    from staffing.callers import CallerBehaviour

    try:
        callers = CallerBehaviour(
            patience=patience,
            patience_distribution=args.patience_dist,
            patience_cv=patience_cv,
            handle_distribution=args.handle_dist,
            handle_cv=handle_cv,
        )
    except InputError as error:
        raise InputError(f"--{str(error).replace('_distribution', '-dist', 1)}") from None

    from staffing.forecast import read_forecast
    from staffing.report import terminal as term
    from staffing.report.tables import with_start_text
    from staffing.requirements import compute_requirements
    from staffing.shifts import read_agents, read_shifts
    from staffing.simulation import simulate

    forecast = read_forecast(args.forecast)
    if args.agents:
        staffing = {"agents": read_agents(args.agents, forecast), "shrinkage": shrinkage}
        source = f"agents per interval from {args.agents}"
    elif args.shifts:
        shifts = read_shifts(args.shifts, forecast)
        staffing = {"shifts": shifts}
        heads = sum(s.headcount for s in shifts)
        source = f"{heads} agents on {len(shifts)} shifts from {args.shifts}"
    else:
        req = compute_requirements(forecast, targets, patience=patience)
        staffing = {"agents": req.agents, "shrinkage": shrinkage}
        source = "the Erlang requirement per interval (SIPP) for the targets"
    progress = term.Progress("day")
    try:
        result = simulate(
            forecast,
            **staffing,
            threshold=targets.threshold,
            callers=callers,
            replications=args.replications,
            seed=args.seed,
            engine=args.engine,
            workers=args.workers,
            progress=lambda done: progress("simulating", done, args.replications),
        )
    finally:
        progress.close()
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
    dated = len(forecast.days) > 1
    print(term.simulation_table(result, dated, targets.threshold, targets.service_level))
    if out is not None:
        table = with_start_text(result.intervals, forecast)
        path = out.write(lambda p: table.to_csv(p, index=False))
        print(f"wrote {path}")
    return EXIT_OK


def _cmd_plan(args: argparse.Namespace) -> int:
    from staffing.report.output import OutputFolder

    folder = OutputFolder(args.out, "plan", force=args.force)

    from staffing.plan import plan, target_checks
    from staffing.report import terminal as term
    from staffing.report.plan_report import write_report
    from staffing.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    progress = term.Progress("day")
    try:
        result = plan(scenario, progress=progress)
        progress.step(f"writing the report into {folder.path}")
        with folder.staging() as stage:
            write_report(result, stage)
    finally:
        progress.close()
    checks = target_checks(result)
    print(term.plan_summary(result, checks))
    _replaced(folder)
    print(f"\nreport: {folder.path / 'summary.md'} (charts and tables in {folder.path})")
    best = result.best
    missed = [c for c in checks if c.status == "missed"]
    if best.missing.size or missed:
        reasons = [f"{c.label} {c.status}" for c in missed]
        if best.missing.size:
            starts = [scenario.forecast.start_text()[k][-5:] for k in best.missing[:3]]
            more = ", ..." if best.missing.size > 3 else ""
            reasons.append(
                f"{best.missing.size} interval(s) miss a target in simulation "
                f"(from {', '.join(starts)}{more})"
            )
        print(f"the plan misses its targets: {'; '.join(reasons)}", file=sys.stderr)
        return EXIT_MISSED
    return EXIT_OK


def _replaced(folder: Any) -> None:
    if folder.replaced:
        print(f"replaced in {folder.path}: {', '.join(folder.replaced)}")


def _cmd_bid(args: argparse.Namespace) -> int:
    from staffing.report.output import OutputFolder

    folder = OutputFolder(args.out, "bid", force=args.force)
    _at_least(args.workers, "--workers", 1, "processes")

    from staffing.pricing import load_bid, price_bid
    from staffing.report import terminal as term
    from staffing.report.bid_sheet import write_bid_sheet

    bid = load_bid(args.bid)
    progress = term.Progress("plan")
    try:
        result = price_bid(bid, workers=args.workers, progress=progress)
        progress.step(f"writing the bid sheet into {folder.path}")
        with folder.staging() as stage:
            write_bid_sheet(result, stage)
    finally:
        progress.close()
    print(term.bid_summary(result))
    _replaced(folder)
    print(f"bid sheet: {folder.path / 'bid.md'} (charts, tables and day plans in {folder.path})")
    rec = result.recommended
    if rec.risk.p_miss > bid.max_p_miss:
        print(
            f"no staffing option keeps the SLA in {1 - bid.max_p_miss:.0%} of months: the "
            f"safest ({rec.plan_service_level:.0%}) misses it in {rec.risk.p_miss:.1%}; "
            "add higher options ([risk] plan_service_levels)",
            file=sys.stderr,
        )
        return EXIT_MISSED
    return EXIT_OK


def _cmd_whatif(args: argparse.Namespace) -> int:
    from staffing.report.output import OutputFolder

    folder = OutputFolder(args.out, "whatif", force=args.force)
    _at_least(args.workers, "--workers", 1, "processes")
    if args.workers is not None and args.scheduler:
        raise InputError("give --workers or --scheduler, not both")

    from staffing import sweep, whatif
    from staffing.report import terminal as term
    from staffing.report import whatif_report
    from staffing.scenario import load_scenario

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
    progress = term.Progress("plan")
    try:
        result = sweep.run_sweep(
            scenario,
            varies,
            executor=None if client is None else client.get_executor(),
            workers=args.workers,
            progress=lambda done, _: progress(f"planning {total} variants", done, total),
        )
        progress.step(f"writing the comparison into {folder.path}")
        with folder.staging() as stage:
            paths = whatif_report.write_whatif(result, stage)
    finally:
        progress.close()
        if client is not None:
            client.close()
    print(
        f"{scenario.name}: {total} variants of {whatif.describe_varies(varies)}; every variant "
        f"meets the same simulated callers (seed {scenario.simulation.seed})"
    )
    shown = whatif_report.display(result)
    print(term.render(shown.values.tolist(), list(shown.columns)))
    print("", *whatif_report.headlines(result), sep="\n")
    _replaced(folder)
    print(f"\nwrote {', '.join(str(folder.path / p.name) for p in paths.values())}")
    return EXIT_OK


def _cmd_roster(args: argparse.Namespace) -> int:
    from staffing.report.output import OutputFolder

    folder = OutputFolder(args.out, "roster", force=args.force)
    _at_least(args.days, "--days", 1, "days")
    first_day = None
    if args.first_day is not None:
        from datetime import date

        try:
            first_day = date.fromisoformat(args.first_day)
        except ValueError:
            raise InputError(
                f"--first-day = {args.first_day!r}; give a date like 2026-03-02"
            ) from None
    min_rest = units.parse_duration(args.min_rest, "--min-rest")
    time_limit = units.parse_duration(args.time_limit, "--time-limit")
    if time_limit <= 0:
        raise InputError(f"--time-limit = {args.time_limit!r}; give a duration > 0")

    from staffing.report import terminal as term
    from staffing.report.roster import write_roster
    from staffing.rostering import read_agents, read_plan_shifts, roster

    shifts, days, first_day = read_plan_shifts(args.shifts, days=args.days, first_day=first_day)
    agents = read_agents(args.agents, first_day=first_day, days=days)
    needed = sum(s.headcount for s in shifts)
    print(f"{args.shifts}: {needed:,} shifts over {days} days; {len(agents):,} agents")
    progress = term.Progress("roster")
    progress.step(f"solving the roster (at most {units.format_duration(time_limit)})")
    result = roster(shifts, agents, days=days, min_rest=min_rest, time_limit=time_limit)
    if not result.has_roster:
        print(f"no roster ({result.status.value}): {result.reason}", file=sys.stderr)
        return EXIT_MISSED
    with folder.staging() as stage:
        write_roster(result, stage, first_day=first_day)
    hours = result.hours
    print(
        f"roster {result.status.value} in {result.runtime:.1f} s: {len(result.roster):,} "
        f"shifts, {hours['hours'].sum():,g} paid hours (contracts "
        f"{hours['contract_hours'].sum():,g} h)"
    )
    for message in result.messages:
        print(f"  {message}")
    _replaced(folder)
    print(f"roster: {folder.path / 'roster.md'} and {folder.path / 'roster.csv'}")
    return EXIT_OK


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (exit status 2), as every other error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """Print one line naming the problem, and exit with status 2."""
        self.exit(EXIT_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _add_output(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--out", metavar="FILE.csv", help=what)
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")


def _add_folder(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--out", required=True, metavar="DIR", help=what)
    parser.add_argument(
        "--force",
        action="store_true",
        help="write into an existing folder, replacing only this command's earlier files",
    )


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
    parser = _Parser(
        prog="staffing",
        description="Contact-center workforce planning: Erlang requirements, shift plans "
        "verified by simulation, bids, what-if sweeps and rosters.",
        epilog="Durations: 180, 180s, 3m, 3min, 1h30m. Shares: 30% or 0.3. Exit status: 0 "
        "done, 1 a plan or bid misses a target, 2 bad input, 130 interrupted.",
    )
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")

    p = verbs.add_parser(
        "erlang",
        help="Erlang calculator for one interval",
        description="Agents required for one interval, and KPIs for counts around it.",
    )
    p.add_argument("--calls", required=True, help="calls offered in the interval")
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
    _add_folder(p, "report folder to create")
    p.set_defaults(run=_cmd_plan)

    p = verbs.add_parser(
        "bid",
        help="price an outsourcing bid: cost, price per billing unit, SLA risk",
        description="Plan every staffing option of a bid file, cost a month, price it per "
        "billing unit at the target margin, simulate months of SLA results with day-to-day "
        "volume error, and write a bid sheet (bid.md, CSV tables, PNG charts).",
    )
    p.add_argument("bid", help="bid TOML file (see README)")
    _add_folder(p, "bid sheet folder to create")
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

    from staffing.whatif import PARAMETERS  # light: the keys for the help text

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
    _add_folder(p, "folder to create")
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

    p = verbs.add_parser(
        "roster",
        help="roster named agents on a plan's shifts (needs staffing[roster])",
        description="Assign named agents (contract hours, most days, days off, unavailable "
        "days, banned shifts, 11 h rest) to the shifts of a plan's shifts.csv with CP-SAT, "
        "fewest paid hours first. A one-day plan is repeated over --days days (a week). "
        "Writes roster.csv and roster.md.",
    )
    p.add_argument("shifts", help="a plan's shifts.csv (written by staffing plan --out DIR)")
    p.add_argument(
        "agents",
        help="agents CSV: name, contract_hours, and optional max_days, days_off, banned, "
        "unavailable",
    )
    _add_folder(p, "roster folder to create")
    p.add_argument(
        "--days", type=int, metavar="N", help="days to repeat a one-day plan over (default 7)"
    )
    p.add_argument(
        "--first-day",
        metavar="DATE",
        help="date of day 1 for a plan of times of day (e.g. 2026-03-02)",
    )
    p.add_argument(
        "--min-rest",
        default="11h",
        metavar="DURATION",
        help="least rest between two shifts of an agent (default 11h)",
    )
    p.add_argument(
        "--time-limit", default="60s", metavar="DURATION", help="solver time limit (default 60s)"
    )
    p.set_defaults(run=_cmd_roster)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``staffing`` command; returns the exit status.

    A user's mistake (:class:`~staffing.errors.InputError`, or a file named on the command
    line that cannot be read or written) is one line on stderr and status 2; Ctrl-C is one
    line and status 130. Anything else is a bug, and shows its traceback.
    """
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except InputError as error:
        print(f"staffing: error: {error}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("staffing: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # output piped into a program that stopped reading (head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as error:
        if error.filename is None:
            raise
        print(f"staffing: error: {error.filename}: {error.strerror}", file=sys.stderr)
        return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
