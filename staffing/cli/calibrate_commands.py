"""The history verbs of the ``staffing`` command that model callers: ``calibrate`` and ``replay``.

Each checks its flags and outputs first, reads the log, calls :mod:`staffing.history`, and
prints through :mod:`staffing.report.terminal`; heavy libraries load inside the verb.
"""

import argparse

from staffing import units
from staffing.cli.commands import EXIT_OK, forecast_interval
from staffing.errors import InputError


def _window(text: str, flag: str) -> float:
    """Parse a window [s]: a duration such as ``1h``, ``30min`` or ``7d``."""
    value = units.parse_duration(text, flag)
    if value <= 0:
        raise InputError(f"{flag} = {text!r}; give a window > 0, like 1h or 7d")
    return value


def _threshold(text: str) -> float:
    value = units.parse_duration(text, "--threshold")
    if value < 0:
        raise InputError(f"--threshold = {text!r}; give an answer time >= 0, like 20s")
    return value


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Calibrate callers from a contact log; write the ``[callers]`` section and a chart."""
    from pathlib import Path

    from staffing.report.output import OutputFile

    out = OutputFile(args.out, force=args.force)
    chart = OutputFile(Path(args.out).with_suffix(".png"), force=args.force)
    repeat_window = _window(args.repeat_window, "--repeat-window")
    redial_window = _window(args.redial_window, "--redial-window")
    threshold = _threshold(args.threshold)

    from staffing.history.calibrate import calibrate, callers_toml
    from staffing.history.log import read_log
    from staffing.report.calibration_report import plot_patience, summary_text

    log = read_log(args.log)
    result = calibrate(log, redial_window=redial_window, repeat_window=repeat_window)
    print(summary_text(result, log, threshold))
    text = callers_toml(result)
    toml_path = out.write(lambda p: p.write_text(text, encoding="utf-8"))
    png_path = chart.write(lambda p: plot_patience(result, p))
    print(f"\nwrote {toml_path} (the [callers] section of a scenario) and {png_path}")
    return EXIT_OK


def cmd_replay(args: argparse.Namespace) -> int:
    """Calibrate on the days up to --train-until, replay the later days, write the report."""
    from staffing.report.output import OutputFolder

    folder = OutputFolder(args.out, "replay", force=args.force)
    threshold = _threshold(args.threshold)
    interval = forecast_interval(args.interval)
    if args.replications < 2:
        raise InputError(f"--replications = {args.replications}; give 2 or more")

    import numpy as np

    try:
        until = np.datetime64(args.train_until, "D")
    except ValueError:
        raise InputError(
            f"--train-until = {args.train_until!r}; give a date like 2026-03-14"
        ) from None

    from staffing.history.log import read_log
    from staffing.history.replay import replay
    from staffing.report import terminal as term
    from staffing.report.replay_report import summary_markdown, write_report

    log = read_log(args.log)
    with term.Progress("step") as progress:
        result = replay(
            log,
            until,
            interval=interval,
            threshold=threshold,
            replications=args.replications,
            seed=args.seed,
            progress=progress,
        )
        with folder.staging() as stage:
            write_report(result, stage)
    print(summary_markdown(result))
    print(f"report: {folder.path / 'summary.md'} (replay.csv and replay.png beside it)")
    return EXIT_OK
