"""Accuracy and speed of ``staffing.history.forecasting`` on the US bank call data.

Reads ``/work/shared/data/us_bank_calls_5min_2003.csv`` (Weinberg, Brown & Stroud, JASA
2007; the fpp3 ``bank_calls`` data, via Rdatasets; see that folder's README) when present,
aggregates it to 30-min intervals and backtests one week ahead from each of the last 8
weeks: WAPE per interval, daily MAPE and bias of the default method (k and weights chosen by
the backtest), the plain average of the last 4 same weekdays, seasonal naive, and (with the
``forecast`` extra) Holt-Winters and MSTL, each with the time its 8-origin backtest takes
(statsmodels' import is timed apart). The data have no handle times, so a
placeholder AHT of 300 s is used (it does not enter the scores).

Speed: the whole forecast with its 8-origin backtest (22 methods tried), as a ratio to one
seasonal-naive backtest in the same process; and reading a 1-million-row synthetic contact
log written to a temporary folder. Run: ``python benchmarks/bench_forecast.py``.

Goals: default WAPE at least as good as the 4-week average (~7.4 %) and well ahead of
seasonal naive (~9.5 %); the forecast with its backtest under 5 s; the 1-million-row log
read well under 15 s.
"""

import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from staffing.history.forecasting import SEASONAL_NAIVE, SameWeekday, backtest, forecast_history
from staffing.history.intervals import IntervalHistory
from staffing.history.log import read_log
from staffing.history.smoothing import HoltWinters, Mstl

DATA = Path("/work/shared/data/us_bank_calls_5min_2003.csv")


def bank_history(path: Path) -> IntervalHistory:
    """The 5-min counts summed into 30-min intervals; days without rows stay missing."""
    table = pd.read_csv(path)
    start = pd.to_datetime(table["DateTime"].str.rstrip("Z")).dt.floor("30min")
    calls = table.groupby(start)["Calls"].sum()
    days = calls.index.normalize()
    seconds = (calls.index - days).total_seconds().to_numpy()
    row = (days - days.min()).days.to_numpy()
    col = ((seconds - seconds.min()) // 1800).astype(int)
    grid = np.full((row.max() + 1, col.max() + 1), np.nan)
    grid[np.unique(row)] = 0.0
    grid[row, col] = calls.to_numpy()
    return IntervalHistory(
        first_day=np.datetime64(days.min().date()),
        calls=grid,
        aht=np.where(grid > 0, 300.0, np.nan),
        first_slot=float(seconds.min()),
        interval=1800,
        source=path.name,
    )


def accuracy() -> None:
    if not DATA.exists():
        print(f"{DATA} not found: accuracy and forecast timing skipped")
        return
    history = bank_history(DATA)
    print(
        f"{DATA.name}: {int(history.present.sum())} days, {history.calls.shape[1]} x 30 min, "
        "8 weekly origins, one week ahead"
    )
    t0 = time.perf_counter()
    backtest(history, [SEASONAL_NAIVE])
    baseline = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = forecast_history(history, horizon_days=7)
    elapsed = time.perf_counter() - t0
    t0 = time.perf_counter()
    (four,) = backtest(history, [SameWeekday(4)])
    rows = [
        (f"default: {result.method.name}", result.backtest, elapsed),
        ("average of the last 4 same weekdays", four, time.perf_counter() - t0),
        ("seasonal naive", result.baseline, baseline),
    ]
    try:
        t0 = time.perf_counter()
        import statsmodels.tsa.holtwinters
        import statsmodels.tsa.seasonal  # noqa: F401

        print(f"statsmodels import: {time.perf_counter() - t0:.2f} s")
        for method in (HoltWinters(), Mstl()):
            t0 = time.perf_counter()
            (test,) = backtest(history, [method])
            rows.append((method.name, test, time.perf_counter() - t0))
    except ImportError:
        print("statsmodels not installed (pip install 'staffing[forecast]'): skipped")
    print(f"{'method':<70} {'WAPE':>6} {'MAPE':>6} {'bias':>6} {'time':>7}")
    for name, test, seconds in rows:
        print(
            f"{name:<70} {100 * test.wape:5.2f}% {100 * test.daily_mape:5.2f}% "
            f"{100 * test.bias:+5.2f}% {seconds:6.2f}s"
        )
    print(
        f"volume_cv {result.volume_cv:.3f}, "
        f"interval over-dispersion {result.backtest.dispersion:.4f}"
    )
    print(
        f"forecast with its backtest: {elapsed:.2f} s "
        f"({elapsed / baseline:.1f}x one seasonal-naive backtest, {baseline:.3f} s)"
    )


def log_speed(rows: int = 1_000_000) -> None:
    rng = np.random.default_rng(0)
    arrival = np.sort(
        np.datetime64("2026-01-05T00:00:00")
        + rng.integers(0, 90 * 86_400, size=rows).astype("timedelta64[s]")
    )
    answered = rng.random(rows) < 0.9
    frame = pd.DataFrame(
        {
            "arrival": pd.to_datetime(arrival).strftime("%Y-%m-%d %H:%M:%S"),
            "wait": rng.integers(0, 300, size=rows),
            "outcome": np.where(answered, "answered", "abandoned"),
            "handle": np.where(answered, rng.integers(30, 900, size=rows).astype(str), ""),
            "queue": rng.choice(["sales", "support"], size=rows),
        }
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "log.csv"
        frame.to_csv(path, index=False)
        size = path.stat().st_size / 1e6
        t0 = time.perf_counter()
        pd.read_csv(path, dtype=str)
        baseline = time.perf_counter() - t0
        t0 = time.perf_counter()
        log = read_log(path)
        elapsed = time.perf_counter() - t0
    print(
        f"read_log of {log.size:,} rows ({size:.0f} MB): {elapsed:.2f} s "
        f"({elapsed / baseline:.1f}x a bare pandas read_csv, {baseline:.2f} s)"
    )


if __name__ == "__main__":
    accuracy()
    log_speed()
