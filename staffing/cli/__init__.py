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
- ``staffing forecast HISTORY --horizon 14d --out forecast.csv``: calls and AHT per interval
  from an interval CSV or a contact log, backtested against seasonal naive.
- ``staffing calibrate LOG --out callers.toml``: the ``[callers]`` section of a scenario
  (patience, handle times, redials, repeats, with standard errors) from a contact log.
- ``staffing replay LOG --train-until DATE --out DIR``: calibrate on past days, simulate
  the later ones, compare abandonment and service level per day with what happened.
- ``staffing scorecard LOG --out DIR``: actual KPIs per day, week, month and period,
  against targets, benchmarks and a plan (:mod:`staffing.cli.scorecard_command`).
- ``staffing app [--port N] [--no-browser]``: the browser app (the ``[app]`` extra) on
  127.0.0.1: Erlang calculator, a day's plan with what-if sliders, a bid.

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

from staffing.cli.app_command import add_parser as add_app_parser
from staffing.cli.commands import (
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    cmd_bid,
    cmd_erlang,
    cmd_plan,
    cmd_requirements,
    cmd_roster,
    cmd_simulate,
    cmd_whatif,
)
from staffing.cli.forecast_command import add_parser as add_forecast_parser
from staffing.cli.scorecard_command import add_parser as add_scorecard_parser
from staffing.errors import InputError


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
    p.set_defaults(run=cmd_erlang)

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
        help="paid hours of one full-time employee per working day (default 8h)",
    )
    p.add_argument(
        "--days-per-week",
        default="5",
        metavar="N",
        help="working days of one full-time employee per week, for FTE (default 5)",
    )
    _add_output(p, "write the per-interval table as CSV")
    p.set_defaults(run=cmd_requirements)

    p = verbs.add_parser(
        "plan",
        help="plan a scenario: schedule, verify by simulation, write a report",
        description="Requirements per interval, a least-cost shift schedule (MILP), "
        "simulation-verified corrections, and a report folder with CSV tables, PNG charts "
        "and summary.md.",
    )
    p.add_argument("scenario", help="scenario TOML file (see README)")
    _add_folder(p, "report folder to create")
    p.set_defaults(run=cmd_plan)

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
    p.set_defaults(run=cmd_bid)

    p = verbs.add_parser(
        "simulate",
        help="simulate days of calls under a staffing plan or shift schedule",
        description="Simulate the forecast's days (Poisson arrivals, queue, abandonment, "
        "agents by interval or by shift and break) and print KPIs with 95%% confidence "
        "intervals. Without --agents or --shifts the Erlang requirement is simulated.",
    )
    p.add_argument(
        "forecast",
        help="forecast CSV (start, calls, aht), or a scenario TOML with [[queues]] and "
        "[[groups]] (then --out DIR gets queues.csv, groups.csv, intervals.csv and charts)",
    )
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
    p.add_argument(
        "--cyclic",
        action="store_true",
        help="with --shifts: the horizon repeats (a 24/7 week), so shifts past its end "
        "cover its start",
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
        "--replications",
        type=int,
        metavar="N",
        help="simulated days (default 30; a scenario's [simulation] replications)",
    )
    p.add_argument(
        "--seed", type=int, help="random seed (default 0; a scenario's [simulation] seed)"
    )
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
    _add_output(p, "write the per-interval KPIs as CSV (a scenario: the report folder)")
    p.set_defaults(run=cmd_simulate)

    from staffing.whatif import PARAMETERS  # light: the keys for the help text

    p = verbs.add_parser(
        "whatif",
        help="plan variants of a scenario and compare them",
        description="Plan every combination of the varied inputs (as `staffing plan` does, "
        "in parallel, with the same simulated callers for every variant) and write a "
        "comparison: whatif.csv, whatif.md and PNG charts.",
        epilog="keys, each with an example (a grid FROM:TO:STEP includes TO):\n"
        + "\n".join(f"  {k:<13} {v.meaning}: {k}={v.example}" for k, v in PARAMETERS.items())
        + "\nwith [[queues]]: KEY:QUEUE=... varies one queue (volume:sales=0.9,1.1); a plain "
        f"KEY applies to every queue ({', '.join(k for k, v in PARAMETERS.items() if v.queue)}) "
        f"or to the whole center ({', '.join(k for k, v in PARAMETERS.items() if v.center)}; "
        "a varied wage replaces each group's own)",
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
    p.set_defaults(run=cmd_whatif)

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
    p.set_defaults(run=cmd_roster)
    add_forecast_parser(verbs)
    _add_history_verbs(verbs)
    add_scorecard_parser(verbs)
    add_app_parser(verbs)
    return parser


def _add_history_verbs(verbs: argparse._SubParsersAction) -> None:
    """Register ``calibrate`` and ``replay`` (:mod:`staffing.cli.calibrate_commands`)."""
    from staffing.cli.calibrate_commands import cmd_calibrate, cmd_replay

    p = verbs.add_parser(
        "calibrate",
        help="calibrate callers from a contact log: patience, handle times, returns",
        description="Fit patience from censored waits (Kaplan-Meier; exponential, lognormal "
        "and gamma by censored maximum likelihood, the least AIC kept), handle times, "
        "redials and repeat contacts, and write the [callers] section of a scenario with "
        "standard errors, and a chart of patience survival beside it (same name, .png).",
    )
    p.add_argument("log", help="contact log CSV (arrival, wait, outcome, handle, ...)")
    p.add_argument("--out", required=True, metavar="FILE.toml", help="[callers] file to write")
    p.add_argument("--force", action="store_true", help="replace --out (and its chart) if present")
    p.add_argument(
        "--repeat-window",
        default="7d",
        metavar="DURATION",
        help="a contact of the same customer this soon after an answer is a repeat (default 7d)",
    )
    p.add_argument(
        "--redial-window",
        default="1h",
        metavar="DURATION",
        help="a contact of the same customer this soon after hanging up is a redial (default 1h)",
    )
    p.add_argument(
        "--threshold",
        default="20s",
        metavar="DURATION",
        help="service-level answer time for the observed KPIs shown (default 20s)",
    )
    p.set_defaults(run=cmd_calibrate)

    p = verbs.add_parser(
        "replay",
        help="calibrate on past days, simulate later days, compare with what happened",
        description="Calibrate the callers on the days up to --train-until (and fit the "
        "after-call work by simulation on them), simulate every later day with its own "
        "arrivals per interval and the staffing inferred from the agents' busy spans, and "
        "write replay.csv, replay.png and summary.md (observed against simulated "
        "abandonment and service level per day).",
    )
    p.add_argument("log", help="contact log CSV with an agent column")
    p.add_argument("--train-until", required=True, metavar="DATE", help="last training day")
    _add_folder(p, "report folder to create")
    p.add_argument(
        "--interval", default="15min", metavar="DURATION", help="interval length (default 15min)"
    )
    p.add_argument(
        "--threshold", default="20s", metavar="DURATION", help="service-level answer time"
    )
    p.add_argument("--replications", type=int, default=30, metavar="N", help="per day (default 30)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.set_defaults(run=cmd_replay)


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
        solver = sys.modules.get("staffing.scheduling")
        if solver is not None and solver.solve_interrupted():
            # a shift solve cut short leaves HiGHS threads that abort the interpreter's
            # normal exit: leave at once; the output folder was already cleaned up
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(EXIT_INTERRUPTED)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # output piped into a program that stopped reading (head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as error:
        if error.filename is None:
            raise
        print(f"staffing: error: {error.filename}: {error.strerror}", file=sys.stderr)
        return EXIT_INPUT
