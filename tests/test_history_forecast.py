"""Forecasting from history, hand-checked on tiny histories; the staffing forecast verb."""

import math
import sys

import numpy as np
import pytest
from scipy import stats

from staffing.cli import main
from staffing.errors import InputError
from staffing.forecast import read_forecast
from staffing.history.forecasting import (
    SEASONAL_NAIVE,
    Backtest,
    SameWeekday,
    backtest,
    count_quantiles,
    forecast_history,
    select_method,
)
from staffing.history.intervals import IntervalHistory, read_history
from staffing.history.smoothing import HoltWinters, Mstl, open_series

MONDAY = np.datetime64("2026-03-02")


def tiny(weeks=3, missing=()):
    """Every day of `weeks` weeks, 2 intervals (08:00, 08:30): calls [10 + day, 20], AHT 100/200."""
    days = np.arange(7 * weeks, dtype=float)
    calls = np.column_stack([10 + days, np.full(days.size, 20.0)])
    aht = np.column_stack([np.full(days.size, 100.0), np.full(days.size, 200.0)])
    calls[list(missing)] = np.nan
    aht[list(missing)] = np.nan
    return IntervalHistory(MONDAY, calls, aht, first_slot=8 * 3600, interval=1800, source="h")


def first_day_forecast(history, method, **kwargs):
    result = forecast_history(
        history, horizon_days=1, methods=[method], origins=1, backtest_days=7, **kwargs
    )
    return result.forecast


def test_the_same_weekday_average_is_the_hand_computed_one():
    # day 21 is a Monday: the Mondays before it are days 14, 7, 0 (calls 24, 17, 10)
    f = first_day_forecast(tiny(), SameWeekday(2))
    assert f.start.astype(str).tolist() == ["2026-03-23T08:00:00", "2026-03-23T08:30:00"]
    np.testing.assert_allclose(f.calls, [(24 + 17) / 2, 20])
    np.testing.assert_allclose(f.aht, [100, 200])
    f = first_day_forecast(tiny(), SameWeekday(2, 0.5))
    np.testing.assert_allclose(f.calls, [(24 + 0.5 * 17) / 1.5, 20])
    f = first_day_forecast(tiny(), SameWeekday(3))
    np.testing.assert_allclose(f.calls, [(24 + 17 + 10) / 3, 20])


def test_excluded_and_missing_days_are_skipped_not_zero():
    excluded = first_day_forecast(tiny(), SameWeekday(2), exclude=["2026-03-16"])
    np.testing.assert_allclose(excluded.calls, [(17 + 10) / 2, 20])
    missing = first_day_forecast(tiny(missing=[14]), SameWeekday(2))
    np.testing.assert_allclose(missing.calls, [(17 + 10) / 2, 20])


def test_seasonal_naive_is_the_last_same_weekday():
    np.testing.assert_allclose(first_day_forecast(tiny(), SEASONAL_NAIVE).calls, [24, 20])
    np.testing.assert_allclose(
        first_day_forecast(tiny(missing=[14]), SEASONAL_NAIVE).calls, [17, 20]
    )


def test_the_aht_is_weighted_by_calls():
    history = tiny(weeks=2)
    aht = history.aht.copy()
    aht[0] = [300, 200]  # Monday week 1: 10 calls at 300 s; week 2: 17 calls at 100 s
    history = IntervalHistory(MONDAY, history.calls, aht, 8 * 3600, 1800)
    f = first_day_forecast(history, SameWeekday(2))
    assert f.aht[0] == pytest.approx((10 * 300 + 17 * 100) / 27)


def test_wape_daily_mape_and_bias_are_the_hand_computed_ones():
    # last day 20 (Sunday); origin 13 forecasts days 14..20 from days 7..13 (k = 1):
    # interval errors are -7 on the first interval, 0 on the second, every day
    (test,) = backtest(tiny(), [SEASONAL_NAIVE], origins=1, horizon_days=7)
    actual = 24 + np.arange(7)  # first interval of days 14..20
    assert test.days.astype(str)[0] == "2026-03-16"
    assert test.wape == pytest.approx(7 * 7 / (actual.sum() + 7 * 20))
    assert test.bias == pytest.approx(-7 * 7 / (actual.sum() + 7 * 20))
    assert test.daily_mape == pytest.approx(np.mean(7 / (actual + 20)))
    assert test.wape_by_origin.tolist() == pytest.approx([test.wape])


def test_the_backtest_picks_the_k_that_averages_out_an_alternation():
    # each weekday alternates 90, 110, 90, ... week by week: two weeks average to the truth
    weeks = 10
    level = np.repeat(100 + 10 * (-1.0) ** np.arange(weeks), 7)
    calls = np.column_stack([level, level])
    history = IntervalHistory(MONDAY, calls, np.full(calls.shape, 180.0), 8 * 3600, 1800)
    tests = backtest(history, [SameWeekday(k) for k in (1, 2, 3, 4)], origins=4)
    assert [round(t.wape, 4) for t in tests] == [0.2, 0.1, 0.1333, 0.1]
    chosen, table = select_method(tests)
    assert chosen.method == SameWeekday(2)
    assert table["k"].tolist() == [2, 4, 3, 1]


def backtest_of(actual, forecast):
    a, f = np.array(actual, float), np.array(forecast, float)
    return Backtest(SEASONAL_NAIVE, MONDAY, MONDAY, a, f, 0.0, 0.0, 0.0, np.zeros(1))


def test_volume_cv_is_the_cv_of_daily_ratios():
    test = backtest_of([[45, 45], [55, 55]], [[50, 50], [50, 50]])  # ratios 0.9, 1.1
    assert test.volume_cv == pytest.approx(math.sqrt(0.02))
    assert math.isnan(backtest_of([[1, 1]], [[1, 1]]).volume_cv)


def test_dispersion_and_quantiles_follow_the_negative_binomial():
    poisson = backtest_of([[10, 10]], [[10, 10]])  # squared errors 0 < F: no over-dispersion
    assert poisson.dispersion == 0
    spread = backtest_of([[0, 200]], [[100, 100]])  # (1e4 - 100) * 2 / (2 * 1e4)
    assert spread.dispersion == pytest.approx(0.99)
    q = count_quantiles(np.array([0.0, 10.0, 100.0]), 0.0, (0.5, 0.9))
    np.testing.assert_array_equal(
        q[0.9], [0, stats.poisson.ppf(0.9, 10), stats.poisson.ppf(0.9, 100)]
    )
    q = count_quantiles(np.array([100.0]), 0.04, (0.9,))
    n = 1 / 0.04
    assert q[0.9][0] == stats.nbinom.ppf(0.9, n, n / (n + 100)) > stats.poisson.ppf(0.9, 100)
    with pytest.raises(InputError, match=r"quantile level 1\.5"):
        count_quantiles(np.array([1.0]), 0.0, (1.5,))


def test_a_history_too_short_to_backtest_is_refused():
    with pytest.raises(InputError, match="no day to backtest on"):
        forecast_history(tiny(weeks=1))


# ------------------------------------------------------- Holt-Winters and MSTL (statsmodels)


def weekly(weeks=10, holiday=45, seed=1):
    """Closed on Sundays; 6 intervals; Poisson calls around a known weekly pattern."""
    day = np.arange(7 * weeks)
    level = np.array([120, 100, 100, 95, 110, 60, 0.0])[day % 7]
    profile = np.array([0.5, 1.0, 1.5, 1.2, 1.0, 0.8]) / 6
    calls = np.random.default_rng(seed).poisson(level[:, None] * profile).astype(float)
    calls[(day % 7 == 6) | (day == holiday)] = np.nan  # Sundays and a holiday are missing
    return IntervalHistory(MONDAY, calls, np.full(calls.shape, 240.0), 8 * 3600, 1800)


def test_the_open_days_series_leaves_closed_weekdays_out_and_fills_gaps():
    history = tiny(weeks=4, missing=[6, 13, 20, 27, 15])  # Sundays closed; Tuesday 15 missing
    series, open_days = open_series(history, history.present, origin=27)
    assert open_days.tolist() == [0, 1, 2, 3, 4, 5]
    assert series.shape == (24, 2)  # 4 weeks of 6 open days
    # Tuesday 15 is row 13: the mean of the Tuesdays 8 and 22 around it (calls 18 and 32)
    np.testing.assert_allclose(series[13], [(18 + 32) / 2, 20])
    np.testing.assert_allclose(series[12], [24, 20])


@pytest.mark.parametrize("method", [HoltWinters(), Mstl()], ids=["holt_winters", "mstl"])
def test_smoothing_methods_beat_seasonal_naive_on_a_known_weekly_pattern(method):
    history = weekly()
    naive, test = backtest(history, [SEASONAL_NAIVE, method], origins=4)
    assert test.days.size == naive.days.size == 4 * 6 - 1  # open days, the holiday not scored
    assert test.wape < naive.wape
    result = forecast_history(history, horizon_days=14, methods=[method], origins=4)
    f = result.forecast
    assert f.calls.size == 12 * 6  # two weeks of 6 open days, 6 intervals each
    assert np.isfinite(f.calls).all()
    assert (f.calls >= 0).all()
    assert result.skipped.astype(str).tolist() == ["2026-05-17", "2026-05-24"]  # Sundays
    daily = f.calls.reshape(12, 6).sum(axis=1)
    np.testing.assert_allclose(daily[:6], [120, 100, 100, 95, 110, 60], rtol=0.25)
    assert result.selection["method"].tolist() == [method.name]


def test_without_statsmodels_the_method_asks_for_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "statsmodels.tsa.holtwinters", None)
    with pytest.raises(InputError, match=r"^method holt_winters needs statsmodels: pip install "):
        backtest(weekly(), [HoltWinters()])


# --------------------------------------------------------------------------- the verb


@pytest.fixture
def log_path(tmp_path):
    rng = np.random.default_rng(3)
    lines = ["arrival,wait,outcome,handle"]
    for day in range(21):
        if day % 7 == 6:
            continue  # closed on Sundays
        for _ in range(rng.poisson(40)):
            t = np.datetime64("2026-03-02") + np.timedelta64(day, "D")
            t = t + np.timedelta64(int(rng.integers(8 * 3600, 10 * 3600)), "s")
            lines.append(
                f"{str(t).replace('T', ' ')},{rng.integers(0, 30)},answered,{rng.integers(60, 600)}"
            )
    lines[1:] = sorted(lines[1:])
    path = tmp_path / "log.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_the_verb_writes_a_forecast_that_reads_back(tmp_path, log_path, capsys):
    out = tmp_path / "f.csv"
    code = main(
        [
            "forecast",
            str(log_path),
            "--horizon",
            "1w",
            "--out",
            str(out),
            "--backtest",
            "--exclude",
            "2026-03-04",
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0
    assert "seasonal naive" in printed
    assert "volume_cv" in printed
    assert "nan" not in printed.lower()
    assert "inf" not in printed
    forecast = read_forecast(out)
    assert forecast.interval == 1800
    assert len(forecast.days) == 6
    header = out.read_text().splitlines()[0]
    assert header == "start,calls,aht,calls_p50,calls_p80,calls_p90,calls_p95"
    assert (tmp_path / "f_backtest.png").stat().st_size > 10_000


def test_the_verb_forecasts_the_bundled_history_by_holt_winters(tmp_path, capsys):
    history = "simulations/history_contacts.csv"
    out = tmp_path / "f.csv"
    code = main(
        ["forecast", history, "--method", "holt_winters", "--horizon", "1w", "--out", str(out)]
    )
    printed = capsys.readouterr().out
    assert code == 0
    assert "method: Holt-Winters" in printed
    assert "seasonal naive" in printed
    assert "nan" not in printed.lower()
    forecast = read_forecast(out)
    assert len(forecast.days) == 6  # closed on Sundays
    assert forecast.calls.min() >= 0
    assert read_history(history).calls.shape[1] * 6 == forecast.n_intervals


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--horizon", "two weeks"], "--horizon = 'two weeks'"),
        (["--exclude", "2026-13-01"], "--exclude: '2026-13-01' is not a date"),
        (["--columns", "arrival"], "--columns: 'arrival'"),
        (["--interval", "7min"], "--interval"),
    ],
)
def test_bad_flags_are_one_line_and_exit_2(tmp_path, log_path, capsys, extra, message):
    code = main(["forecast", str(log_path), "--out", str(tmp_path / "f.csv"), *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert err.count("\n") == 1
    assert not (tmp_path / "f.csv").exists()


def test_an_existing_out_is_kept_without_force(tmp_path, log_path, capsys):
    out = tmp_path / "f.csv"
    out.write_text("mine")
    assert main(["forecast", str(log_path), "--out", str(out)]) == 2
    assert "exists" in capsys.readouterr().err
    assert out.read_text() == "mine"
    assert main(["forecast", str(log_path), "--out", str(out), "--force"]) == 0
    assert read_forecast(out).n_intervals > 0


def test_a_bad_history_row_is_one_line(tmp_path, capsys):
    path = tmp_path / "log.csv"
    path.write_text("arrival,wait,outcome,handle\n2026-03-02 08:00,-1,answered,100\n")
    assert main(["forecast", str(path), "--out", str(tmp_path / "f.csv")]) == 2
    assert "log.csv row 2: wait = '-1'" in capsys.readouterr().err
