"""The verbs of the ``staffing`` command: each checks its flags, calls the library, prints.

Heavy libraries are imported inside each verb, so only the verb run pays for them.
"""

import argparse
import re
import sys
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


_TARGET_FLAGS = {
    "service_level": "--sl",
    "abandon_rate": "--abandon",
    "max_occupancy": "--max-occupancy",
    "asa": "--asa",
}
"""The flag that sets each field of :class:`~staffing.requirements.ServiceTargets`."""


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
        message = str(error)
        for name, flag in _TARGET_FLAGS.items():
            message = message.replace(name, flag)
        raise InputError(message) from None


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


def forecast_interval(text: str | None) -> float | None:
    """Parse ``--interval`` as a forecast's interval: 15, 30 or 60 minutes (None: not given)."""
    from staffing.forecast import INTERVALS

    interval = _interval(text)
    if interval is not None and interval not in INTERVALS:
        raise InputError(f"--interval = {text!r}; give 15min, 30min or 60min")
    return interval


def cmd_erlang(args: argparse.Namespace) -> int:
    """Erlang calculator: the requirement for one interval and KPIs for counts around it."""
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


def cmd_requirements(args: argparse.Namespace) -> int:
    """Agents per interval for a forecast, printed and optionally written as CSV."""
    from staffing.report.output import OutputFile

    out = None if args.out is None else OutputFile(args.out, force=args.force)
    interval = _interval(args.interval)
    shrinkage = _shrinkage(args)
    fte_hours = units.parse_duration(args.fte_hours, "--fte-hours", plausible="fte_day") / 3600
    days_per_week = _real(args.days_per_week, "--days-per-week", "working days a week, 1 to 7")
    if not 0 < days_per_week <= 7:
        raise InputError(f"--days-per-week = {args.days_per_week!r}; give 1 to 7 working days")
    targets = _targets(args)
    patience = _patience(args)

    from staffing.forecast import read_forecast
    from staffing.report import terminal as term
    from staffing.report.tables import with_start_text
    from staffing.requirements import compute_requirements

    forecast = read_forecast(args.forecast, interval=interval)
    req = compute_requirements(
        forecast,
        targets,
        patience=patience,
        shrinkage=shrinkage,
        fte_hours=fte_hours,
        days_per_week=days_per_week,
    )
    print(term.requirements_table(req))
    if out is not None:
        table = with_start_text(req.to_frame(), forecast)
        path = out.write(lambda p: table.to_csv(p, index=False))
        print(f"\nwrote {path}")
    return EXIT_OK


_SCENARIO_SET = {
    "agents": (None, "--agents"),
    "shifts": (None, "--shifts"),
    "cyclic": (False, "--cyclic"),
    "patience": (None, "--patience"),
    "asa": (None, "--asa"),
    "abandon": (None, "--abandon"),
    "max_occupancy": (None, "--max-occupancy"),
    "handle_cv": (None, "--handle-cv"),
    "patience_cv": (None, "--patience-cv"),
    "handle_dist": ("exponential", "--handle-dist"),
    "patience_dist": ("exponential", "--patience-dist"),
    "shrinkage": ("0%", "--shrinkage"),
    "sl": ("80/20", "--sl"),
}
"""Flags of ``simulate FORECAST.csv`` that a scenario file sets itself: default, flag."""


def cmd_simulate(args: argparse.Namespace) -> int:
    """Simulate the forecast's days under a staffing; print KPIs with 95 % CIs."""
    if args.forecast.lower().endswith(".toml"):
        return _simulate_scenario(args)
    from staffing.report.output import OutputFile

    args.replications = 30 if args.replications is None else args.replications
    args.seed = 0 if args.seed is None else args.seed
    out = None if args.out is None else OutputFile(args.out, force=args.force)
    if args.agents and args.shifts:
        raise InputError("give --agents or --shifts, not both")
    targets = _targets(args)
    patience = _patience(args)
    shrinkage = _shrinkage(args)
    handle_cv = _real(args.handle_cv, "--handle-cv", "a coefficient of variation like 0.8")
    patience_cv = _real(args.patience_cv, "--patience-cv", "a coefficient of variation like 1")
    _at_least(args.replications, "--replications", 1, "simulated days")
    if args.seed < 0:
        raise InputError(f"--seed = {args.seed}; a seed is a whole number >= 0")
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
        staffing = {"shifts": shifts, "cyclic": args.cyclic}
        heads = sum(s.headcount for s in shifts)
        source = f"{heads} agents on {len(shifts)} shifts from {args.shifts}"
    else:
        req = compute_requirements(forecast, targets, patience=patience)
        staffing = {"agents": req.agents, "shrinkage": shrinkage}
        source = "the Erlang requirement per interval (SIPP) for the targets"
    with term.Progress("day") as progress:
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


def _simulate_scenario(args: argparse.Namespace) -> int:
    """Simulate a scenario of several queues and groups; write its report folder."""
    for key, (default, flag) in _SCENARIO_SET.items():
        if getattr(args, key) != default:
            raise InputError(
                f"{flag}: a scenario file sets this itself (in its [[queues]], [[groups]] "
                f"and sections); drop {flag} or simulate a forecast CSV"
            )
    if args.out is None:
        raise InputError("--out DIR is needed to simulate a scenario (its report folder)")
    _at_least(args.replications, "--replications", 2, "simulated days")
    if args.seed is not None and args.seed < 0:
        raise InputError(f"--seed = {args.seed}; a seed is a whole number >= 0")
    _at_least(args.workers, "--workers", 1, "threads")
    from staffing.report.output import OutputFolder

    folder = OutputFolder(args.out, "simulate", force=args.force)

    from staffing.scenario import load_scenario

    scenario = load_scenario(args.forecast)
    if scenario.center is None:
        raise InputError(
            f"{args.forecast}: has no [[queues]]; simulate its forecast CSV with --agents or "
            "--shifts, or plan it with `staffing plan`"
        )
    from staffing.channels import channel_table
    from staffing.report import terminal as term
    from staffing.report.center_report import write_center_report, write_simulation_summary
    from staffing.simulation.center_run import simulate_center

    replications = (
        scenario.simulation.replications if args.replications is None else args.replications
    )
    seed = scenario.simulation.seed if args.seed is None else args.seed
    center = scenario.center
    with term.Progress("day") as progress:
        result = simulate_center(
            center,
            shrinkage=scenario.shrinkage,
            replications=replications,
            seed=seed,
            engine=args.engine,
            volume_cv=scenario.simulation.volume_cv,
            workers=args.workers,
            progress=lambda done: progress("simulating", done, replications),
        )
        progress.step(f"writing the report into {folder.path}")
        with folder.staging() as stage:
            sector = scenario.scorecard.sector
            write_center_report(result, center, stage, scenario.costs, sector=sector)
            write_simulation_summary(result, scenario, stage)
    days = len(result.days["day"].unique())
    print(
        f"{term.runs(replications, days)}, seed {seed}: {len(center.queues)} queues, "
        f"{len(center.groups)} groups (95% confidence half-widths after ±)"
    )
    print(term.render(*term.queue_rows(result)))
    if len(result.deferred_days):
        print("(all: the calls and chats, who wait on the line; email items have their own row)")
    print()
    print(term.render(*term.group_rows(result)))
    if len(result.chat):
        print("\nchat: sessions open per agent in chat, and the share of time at each number")
        print(term.render(*term.chat_rows(result)))
    if len(result.deferred_days):
        print("\nemail: items waiting at each midnight, and the oldest item's largest age")
        print(term.render(*term.backlog_rows(result)))
    print("\ncost per contact (groups' paid hours shared by their handle time; no fixed costs)")
    print(term.render(*term.cost_rows(result, center, scenario.costs)))
    print("\nby channel (reference bands: KPI_BENCHMARKS.md industry ranges)")
    table = channel_table(center, result, scenario.costs, sector=scenario.scorecard.sector)
    print(term.render(*term.channel_rows(table)))
    _replaced(folder)
    print(f"\nreport: {folder.path / 'summary.md'} (tables and charts in {folder.path})")
    return EXIT_OK


def cmd_plan(args: argparse.Namespace) -> int:
    """Plan a scenario and write its report folder; 1 if the plan misses a target."""
    from staffing.report.output import OutputFolder

    folder = OutputFolder(args.out, "plan", force=args.force)

    from staffing.plan import plan, target_checks
    from staffing.report import terminal as term
    from staffing.report.plan_report import cost_driver_lines, write_report
    from staffing.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    if scenario.center is not None:
        return _plan_center(scenario, folder)
    with term.Progress("day") as progress:
        result = plan(scenario, progress=progress)
        progress.step(f"writing the report into {folder.path}")
        with folder.staging() as stage:
            write_report(result, stage)
    checks = target_checks(result)
    print(term.plan_summary(result, checks))
    print("\nwhat drives the cost:", *cost_driver_lines(result), sep="\n")
    _replaced(folder)
    print(f"\nreport: {folder.path / 'summary.md'} (charts and tables in {folder.path})")
    best = result.best
    missed = [c for c in checks if c.status == "missed"]
    if best.missing.size or missed:
        reasons = [f"{c.label} {c.status}" for c in missed]
        if best.missing.size:
            starts = scenario.forecast.interval_names(best.missing[:3])
            more = ", ..." if best.missing.size > 3 else ""
            reasons.append(
                f"{best.missing.size} interval(s) miss a target in simulation "
                f"(from {', '.join(starts)}{more})"
            )
        binding = [m for m in best.schedule.messages if " binds" in m]
        if binding:
            reasons.append(f"binding: {'; '.join(binding)}")
        print(f"the plan misses its targets: {'; '.join(reasons)}", file=sys.stderr)
        return EXIT_MISSED
    return EXIT_OK


def _plan_center(scenario: Any, folder: Any) -> int:
    """Plan a scenario of several queues and groups; 1 if a queue misses a target."""
    from staffing.center_plan import plan_center
    from staffing.report import terminal as term
    from staffing.report.center_plan_report import write_center_plan_report

    with term.Progress("day") as progress:
        result = plan_center(scenario, progress=progress)
        progress.step(f"writing the report into {folder.path}")
        with folder.staging() as stage:
            write_center_plan_report(result, stage)
    print(term.center_plan_summary(result))
    _replaced(folder)
    print(f"\nreport: {folder.path / 'summary.md'} (charts and tables in {folder.path})")
    best = result.best
    missed = [c for c in result.checks() if c.status == "missed"]
    if not best.misses and not missed:
        return EXIT_OK
    reasons = [f"{c.queue} {c.label} {c.status}" for c in missed]
    forecast = result.center.forecast
    for q, name in enumerate(result.center.queue_names):
        where = best.missing[q].nonzero()[0]
        if where.size:
            more = ", ..." if where.size > 3 else ""
            first = ", ".join(forecast.interval_names(where[:3]))
            reasons.append(f"{name}: {where.size} interval(s) miss a target (from {first}{more})")
    if result.unraised:
        reasons.append(
            f"{result.unraised} queue-interval(s) served only by groups with fixed agents"
        )
    binding = [
        f"{name}: {m}" for name, s in best.schedules.items() for m in s.messages if " binds" in m
    ]
    if binding:
        reasons.append(f"binding: {'; '.join(binding)}")
    print(f"the plan misses its targets: {'; '.join(reasons)}", file=sys.stderr)
    return EXIT_MISSED


def _replaced(folder: Any) -> None:
    if folder.replaced:
        print(f"replaced in {folder.path}: {', '.join(folder.replaced)}")


def cmd_bid(args: argparse.Namespace) -> int:
    """Price a bid and write its sheet; 1 if no option keeps the SLA often enough."""
    from staffing.report.output import OutputFolder

    folder = OutputFolder(args.out, "bid", force=args.force)
    _at_least(args.workers, "--workers", 1, "processes")

    from staffing.bid_terms import load_bid
    from staffing.pricing import price_bid
    from staffing.report import terminal as term
    from staffing.report.bid_sheet import write_bid_sheet

    bid = load_bid(args.bid)
    with term.Progress("plan") as progress:
        result = price_bid(bid, workers=args.workers, progress=progress)
        progress.step(f"writing the bid sheet into {folder.path}")
        with folder.staging() as stage:
            write_bid_sheet(result, stage)
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


def cmd_whatif(args: argparse.Namespace) -> int:
    """Plan the variants of a scenario and write the comparison."""
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


def cmd_roster(args: argparse.Namespace) -> int:
    """Roster named agents on a plan's shifts; 1 if no roster exists."""
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

    from staffing.agents import read_agents
    from staffing.report import terminal as term
    from staffing.report.roster import write_roster
    from staffing.rostering import roster
    from staffing.shifts import read_plan_shifts

    try:
        shifts, days, first_day = read_plan_shifts(args.shifts, days=args.days, first_day=first_day)
    except InputError as error:  # the library names its arguments; the user typed flags
        message = re.sub(
            r"^(first_day|days) = ", lambda m: f"--{m[1].replace('_', '-')} = ", str(error)
        )
        raise InputError(message) from None
    agents = read_agents(args.agents, first_day=first_day, days=days)
    needed = sum(s.headcount for s in shifts)
    print(f"{args.shifts}: {needed:,} shifts over {days} days; {len(agents):,} agents")
    with term.Progress("roster") as progress:
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
