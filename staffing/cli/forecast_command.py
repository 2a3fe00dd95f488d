"""The ``staffing forecast`` verb: calls and AHT per interval from history (DESIGN.md §9)."""

import argparse

from staffing import units
from staffing.cli.commands import EXIT_OK, forecast_interval
from staffing.errors import InputError


def _horizon(text: str) -> int:
    """Whole days from ``14d``, ``2w`` or a bare number of days (``14``)."""
    problem = f"--horizon = {text!r}; give whole days or weeks, e.g. 14d or 2w"
    bare = text.strip().isdigit()
    try:
        seconds = 86_400.0 * int(text) if bare else units.parse_duration(text, "--horizon")
    except InputError:
        raise InputError(problem) from None
    days, rest = divmod(seconds, 86_400.0)
    if days < 1 or rest:
        raise InputError(problem)
    return int(days)


def _columns(text: str | None) -> dict[str, str]:
    """``arrival=call_start,handle=talk_s`` as a mapping."""
    mapping: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InputError(
                f"--columns: {part.strip()!r}; give NAME=EXPORT_NAME pairs, e.g. "
                "arrival=call_start,handle=talk_s"
            )
        mapping[key.strip().lower()] = value.strip()
    return mapping


def cmd_forecast(args: argparse.Namespace) -> int:
    """Forecast calls and AHT per interval from history; print the backtest; write the CSV."""
    from staffing.report.output import OutputFile

    out = OutputFile(args.out, force=args.force)
    chart = None
    if args.backtest:
        chart_path = out.path.with_name(f"{out.path.stem}_backtest.png")
        chart = OutputFile(chart_path, force=args.force)
    horizon = _horizon(args.horizon)
    interval = forecast_interval(args.interval)
    columns = _columns(args.columns)
    if args.origins < 1:
        raise InputError(f"--origins = {args.origins}; give 1 or more weekly origins")

    from staffing.history.forecasting import as_dates, forecast_history
    from staffing.history.intervals import read_history
    from staffing.history.smoothing import METHODS
    from staffing.report import terminal as term

    exclude = as_dates(
        [day.strip() for day in (args.exclude or "").split(",") if day.strip()], "--exclude"
    )
    start = None if args.start is None else as_dates([args.start], "--start")[0]
    history = read_history(args.history, columns=columns, interval=interval)
    result = forecast_history(
        history,
        horizon_days=horizon,
        start=start,
        exclude=exclude,
        origins=args.origins,
        methods=METHODS[args.method],
    )
    print(term.forecast_summary(history, result, by_origin=args.backtest))
    table = result.to_frame()
    table["start"] = result.forecast.start_text()
    table = table.round({"calls": 3, "aht": 1})
    path = out.write(lambda p: table.to_csv(p, index=False))
    print(f"wrote {path}")
    if chart is not None:
        from staffing.report.forecast_report import plot_backtest

        chart.write(lambda p: plot_backtest(result, p))
        print(f"wrote {chart.path}")
    return EXIT_OK


def add_parser(verbs: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Register ``staffing forecast`` on the command's verbs."""
    p = verbs.add_parser(
        "forecast",
        help="forecast calls and AHT per interval from history (interval CSV or contact log)",
        description="Forecast calls and AHT per interval: by default a weighted average of "
        "the last k same weekdays, k and the weights chosen by a rolling-origin backtest (one "
        "week ahead from each of the last 8 weeks); or Holt-Winters or MSTL (the forecast "
        "extra). Prints the method's WAPE per interval, daily MAPE and bias against seasonal "
        "naive, and the day-to-day volume error (volume_cv). Writes the forecast CSV (start, "
        "calls, aht, calls_p50 ... calls_p95).",
    )
    p.add_argument("history", help="interval CSV (start, calls, aht) or contact log (arrival, ...)")
    p.add_argument("--horizon", default="14d", metavar="DAYS", help="days ahead (default 14d)")
    p.add_argument("--out", required=True, metavar="FILE.csv", help="forecast CSV to write")
    p.add_argument(
        "--force", action="store_true", help="replace --out (and its chart) if it exists"
    )
    p.add_argument(
        "--backtest",
        action="store_true",
        help="also print the backtest by origin and write FILE_backtest.png beside --out",
    )
    p.add_argument(
        "--exclude",
        metavar="DATES",
        help="dates not used as history nor scored, e.g. 2026-12-25,2026-12-26",
    )
    p.add_argument(
        "--start", metavar="DATE", help="first day forecast (default: after the history)"
    )
    p.add_argument(
        "--interval",
        metavar="DURATION",
        help="interval of a contact log's counts (default 30min), or of an interval CSV",
    )
    p.add_argument(
        "--columns",
        metavar="NAME=EXPORT,...",
        help="the export's column names, e.g. arrival=call_start,handle=talk_s",
    )
    p.add_argument(
        "--origins", type=int, default=8, metavar="N", help="weekly backtest origins (default 8)"
    )
    p.add_argument(
        "--method",
        choices=("auto", "same_weekday", "holt_winters", "mstl"),
        default="auto",
        help="auto or same_weekday: same-weekday averages chosen by backtest (default); "
        "holt_winters or mstl: statsmodels models (pip install 'staffing[forecast]')",
    )
    p.set_defaults(run=cmd_forecast)
