"""Forecasting calls and AHT per interval from history, and keeping it honest by backtest.

The default method forecasts each interval as a weighted average of the same interval on
the last *k* same weekdays in the history (:class:`SameWeekday`); the number of weeks and
the weights are chosen by a rolling-origin backtest (:func:`select_method`). For intraday
call-center arrivals up to a couple of weeks ahead this simple method is what Taylor (2008)
found hardest to beat; seasonal naive (the same interval one week earlier) is the baseline
every method is scored against.

Accuracy measures (Hyndman & Koehler 2006), over the intervals or days scored:

- WAPE per interval = sum |forecast - actual| / sum actual, over every interval;
- daily MAPE = mean over days of |forecast - actual| / actual of the daily totals;
- bias = sum (forecast - actual) / sum actual (positive: the forecast is too high).

Uncertainty comes from the backtest's residuals: ``volume_cv`` is the coefficient of
variation of daily-total ratios actual / forecast (the day-to-day "busyness" a simulation or
a bid draws as a gamma factor of mean 1), and interval quantiles come from a Poisson-gamma
(negative binomial) model whose over-dispersion is fitted to the interval residuals.

References
----------
J. W. Taylor, "A comparison of univariate time series methods for forecasting intraday
arrivals at a call center", *Management Science* 54(2):253-265, 2008.
https://doi.org/10.1287/mnsc.1070.0786

R. J. Hyndman and A. B. Koehler, "Another look at measures of forecast accuracy",
*International Journal of Forecasting* 22(4):679-688, 2006.
https://doi.org/10.1016/j.ijforecast.2006.03.001

G. Jongbloed and G. Koole, "Managing uncertainty in call centres using Poisson mixtures",
*Applied Stochastic Models in Business and Industry* 17(4):307-318, 2001.
https://doi.org/10.1002/asmb.444
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from staffing.errors import InputError
from staffing.forecast import Forecast
from staffing.history.intervals import IntervalHistory

FloatArray = NDArray[np.float64]
DateArray = NDArray[np.datetime64]

LOOKBACK_WEEKS = 12
"""How far back a forecast looks for same weekdays [weeks before the origin]."""

QUANTILES: tuple[float, ...] = (0.5, 0.8, 0.9, 0.95)
"""Default interval quantile levels of the calls forecast."""


class Method(Protocol):
    """What :func:`backtest` and :func:`forecast_history` need of a forecasting method."""

    @property
    def name(self) -> str:
        """Describe the method in a few words."""
        ...

    def predict(
        self,
        history: IntervalHistory,
        targets: NDArray[np.int64],
        origins: NDArray[np.int64],
        usable: NDArray[np.bool_],
    ) -> tuple[FloatArray, FloatArray]:
        """Forecast calls and AHT [s] per interval of each target day from its origin.

        Parameters
        ----------
        history
            The interval history.
        targets, origins
            Day indices (rows of ``history``) to forecast, and for each the last day of
            history it may use (``origin < target``).
        usable
            Whether each day of the history may be used (present and not excluded).

        Returns
        -------
        tuple of ndarray
            Calls and AHT, shape (targets, intervals of the day); calls are a NaN row on a
            day the method cannot forecast.
        """
        ...


@dataclass(frozen=True)
class SameWeekday:
    """A weighted average of the last ``k`` same weekdays, interval by interval.

    For a target day, the candidate days are the same weekday 1, 2, ... weeks back, at or
    before the forecast origin, within :data:`LOOKBACK_WEEKS`, skipping days missing from
    the history and excluded dates. The ``k`` most recent candidates are averaged with
    weights ``decay**j`` (``j = 0`` for the most recent): ``decay = 1`` is the plain average
    of Taylor (2008), a smaller one leans on recent weeks. ``SameWeekday(1)`` is seasonal
    naive (the last available same weekday).

    Parameters
    ----------
    k
        Weeks averaged, >= 1.
    decay
        Weight ratio from one week to the one before it, in (0, 1].
    """

    k: int
    decay: float = 1.0

    def __post_init__(self) -> None:
        if isinstance(self.k, bool) or not isinstance(self.k, int | np.integer) or self.k < 1:
            raise InputError(f"k = {self.k!r}; give a whole number of weeks >= 1")
        if self.k > LOOKBACK_WEEKS:
            raise InputError(f"k = {self.k}; at most {LOOKBACK_WEEKS} weeks are looked back")
        if not 0 < self.decay <= 1:
            raise InputError(f"decay = {self.decay!r}; give a weight ratio in (0, 1]")

    @property
    def name(self) -> str:
        """Describe the method in a few words."""
        if self.k == 1:
            return "seasonal naive (last same weekday)"
        weights = "equal weights" if self.decay == 1 else f"weights x{self.decay:g} per week back"
        return f"average of the last {self.k} same weekdays, {weights}"

    def weights(self, available: NDArray[np.bool_]) -> FloatArray:
        """Weights of candidate days ordered most recent first (``available``: per column).

        Parameters
        ----------
        available
            Shape (targets, candidates): whether each candidate day can be used, most
            recent first.

        Returns
        -------
        ndarray
            Same shape: ``decay**j`` on the first ``k`` available candidates of each row
            (``j`` counting available ones), 0 elsewhere.
        """
        rank = np.cumsum(available, axis=1) - 1
        return np.where(available & (rank < self.k), self.decay ** np.maximum(rank, 0), 0.0)

    def predict(
        self,
        history: IntervalHistory,
        targets: NDArray[np.int64],
        origins: NDArray[np.int64],
        usable: NDArray[np.bool_],
    ) -> tuple[FloatArray, FloatArray]:
        """Forecast calls and AHT [s] per interval of each target day (see :class:`Method`).

        A target with no usable same weekday within :data:`LOOKBACK_WEEKS` is a NaN row.
        """
        return _predict(history, self, _candidates(targets, origins), usable)


SEASONAL_NAIVE = SameWeekday(1)
"""The baseline: the same interval on the last available same weekday."""

CANDIDATES: tuple[Method, ...] = (
    SEASONAL_NAIVE,
    *(SameWeekday(k, decay) for k in range(2, 9) for decay in (1.0, 0.8, 0.6)),
)
"""The methods :func:`select_method` chooses among: 1 to 8 weeks, equal or decaying weights."""


@dataclass(frozen=True, eq=False)
class Backtest:
    """A method's rolling-origin backtest: what it would have forecast, and how well.

    Attributes
    ----------
    method
        The method scored.
    origins
        The forecast origins (last day of history used), oldest first.
    days
        The days scored (present in the history, not excluded), oldest first.
    actual, forecast
        Calls per interval on those days, shape (days, intervals of the day).
    wape
        Sum of absolute interval errors / sum of actual calls.
    daily_mape
        Mean absolute percentage error of the daily totals (days with calls).
    bias
        Sum of errors / sum of actual calls (positive: forecast too high).
    wape_by_origin
        WAPE of each origin's horizon (NaN where nothing was scored).
    """

    method: Method
    origins: DateArray
    days: DateArray
    actual: FloatArray
    forecast: FloatArray
    wape: float
    daily_mape: float
    bias: float
    wape_by_origin: FloatArray

    @property
    def daily_actual(self) -> FloatArray:
        """Actual calls per scored day."""
        return self.actual.sum(axis=1)

    @property
    def daily_forecast(self) -> FloatArray:
        """Forecast calls per scored day."""
        return self.forecast.sum(axis=1)

    @property
    def volume_cv(self) -> float:
        """CV of the daily ratios actual / forecast: std / mean over the days forecast > 0.

        The day-to-day volume error around the forecast, as simulations and bids take it
        (``volume_cv``: a gamma day factor of mean 1). Bias is reported apart (:attr:`bias`).
        NaN with fewer than two days.
        """
        ok = self.daily_forecast > 0
        ratio = self.daily_actual[ok] / self.daily_forecast[ok]
        if ratio.size < 2 or ratio.mean() <= 0:
            return float("nan")
        return float(ratio.std(ddof=1) / ratio.mean())

    @property
    def dispersion(self) -> float:
        """Over-dispersion of interval counts around the forecast, >= 0 (0: Poisson).

        The moment estimate of ``c2`` in Var(actual | forecast F) = F + c2 F**2, the
        variance of a Poisson count whose rate is scaled by a gamma factor of mean 1 and
        squared CV ``c2`` (Jongbloed & Koole 2001): sum((A - F)**2 - F) / sum(F**2) over
        intervals with F > 0.
        """
        f, a = self.forecast.ravel(), self.actual.ravel()
        ok = f > 0
        if not ok.any():
            return 0.0
        excess = ((a[ok] - f[ok]) ** 2 - f[ok]).sum() / (f[ok] ** 2).sum()
        return float(max(excess, 0.0))


@dataclass(frozen=True, eq=False)
class HistoryForecast:
    """A forecast from history, its method, its backtest against seasonal naive, its spread.

    Attributes
    ----------
    forecast
        Calls and AHT [s] per interval over the horizon (days that no same weekday in the
        history can forecast are left out: see :attr:`skipped`).
    quantiles
        Calls per interval at each level of :data:`QUANTILES` (or as asked), by level: the
        negative binomial of mean ``forecast.calls`` and over-dispersion
        ``backtest.dispersion``.
    backtest
        The chosen method's backtest.
    baseline
        Seasonal naive's backtest on the same origins and days.
    selection
        Every method tried: ``method`` (its name), ``k``, ``decay`` (NaN for a method other
        than :class:`SameWeekday`), ``wape``, ``daily_mape``, ``bias``; sorted by WAPE (the
        first row was chosen).
    volume_cv
        Day-to-day volume error (:attr:`Backtest.volume_cv` of the chosen method).
    skipped
        Days of the horizon the method cannot forecast (for :class:`SameWeekday`: no same
        weekday in the last :data:`LOOKBACK_WEEKS`).
    """

    forecast: Forecast
    quantiles: dict[float, FloatArray]
    backtest: Backtest
    baseline: Backtest
    selection: pd.DataFrame
    volume_cv: float
    skipped: DateArray

    @property
    def method(self) -> Method:
        """The method used."""
        return self.backtest.method

    def to_frame(self) -> pd.DataFrame:
        """One row per interval: ``start``, ``calls``, ``aht`` [s], ``calls_p50``, ..."""
        frame = self.forecast.to_frame().drop(columns="load")
        for level, values in self.quantiles.items():
            frame[f"calls_p{100 * level:g}"] = values
        return frame


def as_dates(values: Iterable[str | date | np.datetime64], what: str = "exclude") -> DateArray:
    """Dates as ``datetime64[D]``; text must read like ``2026-12-25``.

    Raises
    ------
    InputError
        Naming the value that is not a date.
    """
    out = []
    for value in values:
        try:
            day = np.datetime64(value, "D")
        except (TypeError, ValueError):
            raise InputError(
                f"{what}: {value!r} is not a date; write dates like 2026-12-25"
            ) from None
        if np.isnat(day):
            raise InputError(f"{what}: {value!r} is not a date; write dates like 2026-12-25")
        out.append(day)
    return np.array(out, dtype="datetime64[D]")


def _usable(history: IntervalHistory, exclude: DateArray) -> NDArray[np.bool_]:
    return history.present & ~np.isin(history.days, exclude)


def _candidates(targets: NDArray[np.int64], origins: NDArray[np.int64]) -> NDArray[np.int64]:
    """Day indices of the same weekdays at or before each target's origin, most recent first.

    Shape (targets, :data:`LOOKBACK_WEEKS`); -1 where before the history's first day.
    """
    weeks_back = -(-(targets - origins) // 7)  # ceil: the first same weekday <= origin
    days = targets[:, None] - 7 * (weeks_back[:, None] + np.arange(LOOKBACK_WEEKS))
    return np.where(days >= 0, days, -1)


def _predict(
    history: IntervalHistory,
    method: SameWeekday,
    candidates: NDArray[np.int64],
    usable: NDArray[np.bool_],
) -> tuple[FloatArray, FloatArray]:
    """Predict calls and AHT per interval for each row of candidates (NaN: no candidate)."""
    available = (candidates >= 0) & usable[np.maximum(candidates, 0)]
    w = method.weights(available)
    calls = np.nan_to_num(history.calls)[np.maximum(candidates, 0)]  # (targets, cand, slots)
    total = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        forecast = np.einsum("tc,tcs->ts", w, calls) / total[:, None]
        known = np.isfinite(history.aht)[np.maximum(candidates, 0)]
        weighted = np.where(known, calls, 0.0)
        aht = np.nan_to_num(history.aht)[np.maximum(candidates, 0)]
        num = np.einsum("tc,tcs->ts", w, weighted * aht)
        den = np.einsum("tc,tcs->ts", w, weighted)
        aht_forecast = np.where(den > 0, num / den, _mean_aht(history))
    forecast[total == 0] = np.nan
    return forecast, aht_forecast


def _mean_aht(history: IntervalHistory) -> float:
    """Calls-weighted AHT of the whole history [s]: for intervals whose days have none."""
    known = np.isfinite(history.aht)
    calls = np.where(known, np.nan_to_num(history.calls), 0.0)
    if calls.sum() == 0:
        where = history.source or "the history"
        raise InputError(f"{where}: no AHT anywhere; the forecast needs handle times")
    return float((calls * np.nan_to_num(history.aht)).sum() / calls.sum())


def _backtest_targets(
    history: IntervalHistory,
    usable: NDArray[np.bool_],
    origin: int,
    origins: int,
    horizon_days: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Scored target days, their origins, and the origin indices, for a rolling origin."""
    targets, target_origins = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    starts = origin - 7 * np.arange(origins, 0, -1)
    starts = starts[starts >= 0]
    for o in starts:
        days = np.arange(o + 1, min(o + horizon_days, origin) + 1)
        days = days[usable[days]]
        targets.append(days)
        target_origins.append(np.full(days.size, o))
    return np.concatenate(targets), np.concatenate(target_origins), starts


def _score(
    method: Method,
    history: IntervalHistory,
    targets: NDArray[np.int64],
    target_origins: NDArray[np.int64],
    origin_days: NDArray[np.int64],
    forecast: FloatArray,
) -> Backtest:
    actual = history.calls[targets]
    error = forecast - actual
    total = actual.sum()
    daily_a, daily_f = actual.sum(axis=1), forecast.sum(axis=1)
    with_calls = daily_a > 0
    wape_by_origin = np.array(
        [
            np.abs(error[target_origins == o]).sum() / actual[target_origins == o].sum()
            if actual[target_origins == o].sum() > 0
            else np.nan
            for o in origin_days
        ]
    )
    return Backtest(
        method=method,
        origins=history.first_day + origin_days,
        days=history.first_day + targets,
        actual=actual,
        forecast=forecast,
        wape=float(np.abs(error).sum() / total) if total > 0 else float("nan"),
        daily_mape=(
            float(np.mean(np.abs(daily_f - daily_a)[with_calls] / daily_a[with_calls]))
            if with_calls.any()
            else float("nan")
        ),
        bias=float(error.sum() / total) if total > 0 else float("nan"),
        wape_by_origin=wape_by_origin,
    )


def _origin_index(history: IntervalHistory, start: np.datetime64 | None) -> int:
    """Index of the last history day before the horizon starts."""
    last = history.calls.shape[0] - 1
    if start is None:
        return last
    return min(last, int((start - history.first_day).astype(int)) - 1)


def backtest(
    history: IntervalHistory,
    methods: Iterable[Method] = CANDIDATES,
    *,
    origins: int = 8,
    horizon_days: int = 7,
    exclude: Iterable[str | date | np.datetime64] = (),
    end: str | date | np.datetime64 | None = None,
) -> list[Backtest]:
    """Backtest methods from rolling origins: one each week over the last ``origins`` weeks.

    Origin ``i`` (``i = 1 .. origins``) is the day ``7 i`` days before the end of the
    history used; each forecasts the next ``horizon_days`` days from the history up to that
    origin only, and is scored on those days that are in the history, not excluded, and not
    past the end. Every method is scored on the same days.

    Parameters
    ----------
    history
        The interval history.
    methods
        Methods to score (default :data:`CANDIDATES`).
    origins
        Weekly origins, >= 1.
    horizon_days
        Days forecast from each origin, >= 1.
    exclude
        Dates neither used as history nor scored (holidays, outages).
    end
        Last day of history used (default: the last day of the history).

    Returns
    -------
    list of Backtest
        In the order of ``methods``.

    Raises
    ------
    InputError
        If no day can be scored (history shorter than two weeks before the end).
    """
    if origins < 1 or horizon_days < 1:
        raise InputError(f"origins = {origins}, horizon_days = {horizon_days}; give >= 1 each")
    excluded = as_dates(exclude)
    usable = _usable(history, excluded)
    stop = None if end is None else as_dates([end], "end")[0] + np.timedelta64(1, "D")
    origin = _origin_index(history, stop)
    targets, target_origins, origin_days = _backtest_targets(
        history, usable, origin, origins, horizon_days
    )
    methods = list(methods)
    predictions = [m.predict(history, targets, target_origins, usable)[0] for m in methods]
    scored = np.ones(targets.size, dtype=bool)
    for p in predictions:
        scored &= np.isfinite(p[:, 0])
    if not scored.any():
        where = history.source or "the history"
        raise InputError(
            f"{where}: no day to backtest on: the history needs at least two weeks before its "
            "last day, with the same weekdays in both"
        )
    return [
        _score(m, history, targets[scored], target_origins[scored], origin_days, p[scored])
        for m, p in zip(methods, predictions, strict=True)
    ]


def select_method(backtests: Iterable[Backtest]) -> tuple[Backtest, pd.DataFrame]:
    """Choose the backtest of lowest WAPE (the fewest weeks, then equal weights, on a tie).

    Returns
    -------
    tuple of Backtest and pandas.DataFrame
        The chosen backtest, and the table of all of them (``method``, ``k``, ``decay``,
        ``wape``, ``daily_mape``, ``bias``; ``k`` and ``decay`` NaN for a method other than
        :class:`SameWeekday`) sorted best first.
    """
    tests = list(backtests)
    same = [isinstance(b.method, SameWeekday) for b in tests]
    table = pd.DataFrame(
        {
            "method": [b.method.name for b in tests],
            "k": [b.method.k if s else np.nan for b, s in zip(tests, same, strict=True)],
            "decay": [b.method.decay if s else np.nan for b, s in zip(tests, same, strict=True)],
            "wape": [b.wape for b in tests],
            "daily_mape": [b.daily_mape for b in tests],
            "bias": [b.bias for b in tests],
        }
    )
    order = np.lexsort((-table["decay"].to_numpy(), table["k"].to_numpy(), table["wape"].round(12)))
    return tests[int(order[0])], table.iloc[order].reset_index(drop=True)


def count_quantiles(
    mean: FloatArray, dispersion: float, levels: Iterable[float]
) -> dict[float, FloatArray]:
    """Quantiles of counts of a given mean under a Poisson-gamma (negative binomial) model.

    Parameters
    ----------
    mean
        Expected calls per interval, >= 0.
    dispersion
        ``c2`` >= 0: Var = mean + c2 mean**2 (0: Poisson).
    levels
        Probabilities in (0, 1).

    Returns
    -------
    dict of float to ndarray
        The smallest count whose cumulative probability reaches each level [calls].

    Notes
    -----
    A day's or an interval's calls are Poisson given their rate, and the rate is uncertain;
    a gamma-distributed rate makes the count negative binomial, the standard over-dispersed
    model of call-center arrivals (Jongbloed & Koole 2001).
    """
    from scipy import stats

    mean = np.asarray(mean, dtype=float)
    out = {}
    for level in levels:
        if not 0 < level < 1:
            raise InputError(f"quantile level {level!r}; give a probability in (0, 1)")
        if dispersion > 0:
            n = 1.0 / dispersion
            values = stats.nbinom.ppf(level, n, n / (n + mean))
        else:
            values = stats.poisson.ppf(level, mean)
        out[float(level)] = np.where(mean > 0, values, 0.0)
    return out


def forecast_history(
    history: IntervalHistory,
    *,
    horizon_days: int = 14,
    start: str | date | np.datetime64 | None = None,
    exclude: Iterable[str | date | np.datetime64] = (),
    methods: Iterable[Method] = CANDIDATES,
    origins: int = 8,
    backtest_days: int = 7,
    quantiles: Iterable[float] = QUANTILES,
) -> HistoryForecast:
    """Forecast calls and AHT per interval, with the method chosen by a rolling backtest.

    Parameters
    ----------
    history
        The interval history.
    horizon_days
        Days to forecast, >= 1.
    start
        First day forecast (default: the day after the history ends). History on or after
        it is not used.
    exclude
        Dates not used as history and not scored (holidays, outages).
    methods
        Methods to choose among by backtest WAPE (default :data:`CANDIDATES`; the methods
        of :mod:`~staffing.history.smoothing` need the ``forecast`` extra).
    origins, backtest_days
        Weekly backtest origins, and days forecast from each (default one week ahead).
    quantiles
        Levels of the interval quantiles of calls.

    Returns
    -------
    HistoryForecast

    Raises
    ------
    InputError
        For bad arguments, too short a history, or a horizon no history can forecast.

    Notes
    -----
    The method is chosen on the same backtest it is then reported with, so its reported
    errors are slightly optimistic; seasonal naive, fixed in advance, is not chosen. The AHT
    is each method's own (:class:`SameWeekday`: the calls-weighted mean AHT of the same days
    and weights as its calls).
    """
    if isinstance(horizon_days, bool) or not isinstance(horizon_days, int) or horizon_days < 1:
        raise InputError(f"horizon = {horizon_days!r}; give a whole number of days >= 1")
    excluded = as_dates(exclude)
    first = (
        history.days[-1] + np.timedelta64(1, "D")
        if start is None
        else as_dates([start], "start")[0]
    )
    origin = _origin_index(history, first)
    if origin < 0:
        raise InputError(
            f"start = {first}; the history ({history.days[0]} to {history.days[-1]}) has no "
            "day before it"
        )
    methods = list(methods)
    tests = backtest(
        history,
        [SEASONAL_NAIVE, *methods],
        origins=origins,
        horizon_days=backtest_days,
        exclude=excluded,
        end=history.days[origin],
    )
    chosen, selection = select_method(tests[1:])
    days = (first - history.first_day).astype(int) + np.arange(horizon_days)
    calls, aht = chosen.method.predict(
        history, days, np.full(days.size, origin), _usable(history, excluded)
    )
    ok = np.isfinite(calls[:, 0])
    if not ok.any():
        raise InputError(
            f"no day from {first} to {first + np.timedelta64(horizon_days - 1, 'D')} can be "
            f"forecast by {chosen.method.name}: none has a same weekday in the last "
            f"{LOOKBACK_WEEKS} weeks of history"
        )
    starts = (history.first_day + days[ok]).astype("datetime64[s]")[:, None] + np.timedelta64(
        1, "s"
    ) * history.slot_starts.astype(np.int64)[None, :]
    forecast = Forecast(
        start=starts.ravel(),
        calls=calls[ok].ravel(),
        aht=np.where(calls[ok] > 0, aht[ok], 0.0).ravel(),
        interval=history.interval,
        source=history.source,
    )
    return HistoryForecast(
        forecast=forecast,
        quantiles=count_quantiles(forecast.calls, chosen.dispersion, quantiles),
        backtest=chosen,
        baseline=tests[0],
        selection=selection,
        volume_cv=chosen.volume_cv,
        skipped=history.first_day + days[~ok],
    )
