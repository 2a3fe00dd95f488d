"""The ``staffing scorecard`` verb: actual KPIs from a contact log, against targets and a plan.

It checks its flags and output folder first, reads the inputs, calls
:mod:`staffing.history.scorecard`, writes the folder through
:mod:`staffing.report.scorecard` and prints through :mod:`staffing.report.terminal`.
"""

import argparse

from staffing import units
from staffing.cli.commands import EXIT_OK
from staffing.errors import InputError


def add_parser(verbs: argparse._SubParsersAction) -> None:
    """Register ``scorecard`` (nothing heavy is imported: ``--help`` stays instant)."""
    p = verbs.add_parser(
        "scorecard",
        help="actual KPIs from a contact log, against targets, benchmarks and a plan",
        description="Every KPI the data allows (service level, ASA, abandonment, AHT, FCR, "
        "CSAT, NPS, CES, QA, occupancy, utilization, cost per contact) per day, week, month "
        "and the whole period, per queue, channel and all, coloured against the scenario's "
        "targets, with trends, breaches, agents, plan against actual and CSAT against wait. "
        "Writes scorecard.csv, scorecard.md, agents.csv and PNG charts.",
    )
    p.add_argument("log", help="contact log CSV (arrival, wait, outcome, handle, ...)")
    p.add_argument("--surveys", metavar="FILE.csv", help="surveys: contact, csat, nps, ces")
    p.add_argument("--qa", metavar="FILE.csv", help="QA scores: score with contact, or agent+date")
    p.add_argument(
        "--agent-time",
        metavar="FILE.csv",
        help="agent, date, logged_in, paid [s] per agent and day (occupancy, utilization, cost)",
    )
    p.add_argument(
        "--scenario",
        metavar="FILE.toml",
        help="scenario: [targets], [scorecard] targets and sector, [costs]",
    )
    p.add_argument("--plan", metavar="DIR", help="a `staffing plan --out` folder to compare with")
    p.add_argument(
        "--threshold",
        metavar="DURATION",
        help="service-level answer time (default: the scenario's, else 20s)",
    )
    p.add_argument(
        "--sector",
        metavar="NAME",
        help="benchmark ranges shown beside KPIs without a target: general, healthcare, "
        "financial_services, ecommerce or technology (default: the scenario's, else general)",
    )
    p.add_argument("--out", required=True, metavar="DIR", help="report folder to create")
    p.add_argument(
        "--force",
        action="store_true",
        help="write into an existing folder, replacing only this command's earlier files",
    )
    p.set_defaults(run=cmd_scorecard)


def cmd_scorecard(args: argparse.Namespace) -> int:
    """Measure the log's KPIs, write the scorecard folder, print the whole period's table."""
    from staffing.report.output import OutputFolder

    folder = OutputFolder(args.out, "scorecard", force=args.force)
    threshold = None
    if args.threshold is not None:
        threshold = units.parse_duration(args.threshold, "--threshold")

    from dataclasses import replace

    from staffing.benchmarks import SECTORS, ScorecardTargets
    from staffing.history import feedback
    from staffing.history.csat_wait import csat_by_wait
    from staffing.history.log import read_log
    from staffing.history.plan_actual import plan_vs_actual, read_plan
    from staffing.history.scorecard import scorecard
    from staffing.report.scorecard import terminal_summary
    from staffing.report.scorecard_files import write_report

    service, tolerance, settings, costs = None, 0.05, ScorecardTargets(), None
    queue_targets = None
    targets_from = "none given (add --scenario)"
    if args.scenario is not None:
        from staffing.scenario import load_scenario

        scenario = load_scenario(args.scenario)
        service, tolerance = scenario.targets, scenario.tolerance
        settings, costs = scenario.scorecard, scenario.costs
        if scenario.center is not None:  # each queue's own targets and answer time
            queue_targets = {q.name: q.targets for q in scenario.center.queues}
        targets_from = f"{scenario.name} ({args.scenario}), tolerance {tolerance:.0%}"
        if threshold is not None and threshold != service.threshold:
            raise InputError(
                f"--threshold = {args.threshold!r} conflicts with the scenario's service level "
                f"answer time ({service.threshold:g} s); give it once"
            )
    if args.sector is not None:
        if args.sector not in SECTORS:
            raise InputError(f"--sector = {args.sector!r}; choose one of {', '.join(SECTORS)}")
        settings = replace(settings, sector=args.sector)
    plan = read_plan(args.plan) if args.plan is not None else None
    log = read_log(args.log)
    surveys = feedback.read_surveys(args.surveys) if args.surveys else None
    qa = feedback.read_qa(args.qa) if args.qa else None
    agent_time = feedback.read_agent_time(args.agent_time) if args.agent_time else None
    card = scorecard(
        log,
        surveys=surveys,
        qa=qa,
        agent_time=agent_time,
        service=service,
        tolerance=tolerance,
        settings=settings,
        costs=costs,
        threshold=threshold,
        queue_targets=queue_targets,
    )
    curve = csat_by_wait(log, surveys) if surveys is not None else None
    compared = plan_vs_actual(log, plan, card.threshold) if plan is not None else None
    title = args.log
    with folder.staging() as stage:
        write_report(
            card,
            stage,
            log=log,
            title=title,
            targets_from=targets_from,
            curve=curve,
            plan=compared,
        )
    print(terminal_summary(card, title=title))
    for note in card.notes:
        print(f"note: {note}")
    print(
        f"report: {folder.path / 'scorecard.md'} (scorecard.csv, agents.csv and charts beside it)"
    )
    return EXIT_OK
