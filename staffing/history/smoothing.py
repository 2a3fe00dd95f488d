"""Holt-Winters and MSTL forecasts of calls per interval (statsmodels: the ``forecast`` extra).

Both methods model **the series of interval counts of the open days**, one interval after
the other, so that a day's intervals and the week's days are consecutive seasons:

- open weekdays are those usable (present, not excluded) on at least half of their dates in
  the last :data:`~staffing.history.forecasting.LOOKBACK_WEEKS` weeks before the origin; the
  other weekdays (a closed weekend) are left out of the series and never forecast;
- closed hours inside the day's grid (a short Saturday) are the zero counts of the history;
  hours outside the grid (nights) are not in the series at all;
- a missing or excluded open day (a holiday, a gap in the export) would shift every later
  week's phase, so it is filled with the mean of the nearest usable same weekday before it
  and after it (either one at the ends of the series), interval by interval; it is filled,
  never scored.

The weekly season is then ``m = S d`` intervals (``S`` intervals a day, ``d`` open days a
week), the daily one ``S``. Forecasts are clipped at 0 calls. The AHT forecast is the
same-weekday average's (:class:`~staffing.history.forecasting.SameWeekday` ``(4)``): these
methods model calls only.

:class:`HoltWinters` is additive Holt-Winters without trend (ETS(A,N,A) in Hyndman &
Athanasopoulos's taxonomy, ch. 8) with the weekly season: for the intraday arrivals of
Taylor (2008), Holt-Winters with the within-week season was one of the competitive
exponential-smoothing variants. Seasonality is additive because closed intervals count 0,
which multiplicative seasonality cannot hold; a damped trend was no better on the US bank
data and took six times as long. Initial level and seasons: statsmodels' heuristic
(decomposition of the first two seasons); smoothing parameters by least squares.

:class:`Mstl` decomposes the series with MSTL (Bandara, Hyndman & Bergmeir 2021) into a
daily and a weekly seasonal component and the rest (trend + remainder); the rest is forecast
by simple exponential smoothing (a level, Hyndman & Athanasopoulos §8.1), each seasonal
component by its last season, as statsmodels' ``STLForecast`` does.

References
----------
J. W. Taylor, "A comparison of univariate time series methods for forecasting intraday
arrivals at a call center", *Management Science* 54(2):253-265, 2008.
https://doi.org/10.1287/mnsc.1070.0786

R. J. Hyndman and G. Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed.,
OTexts, 2021, ch. 8 (exponential smoothing). https://otexts.com/fpp3/expsmooth.html

K. Bandara, R. J. Hyndman and C. Bergmeir, "MSTL: A seasonal-trend decomposition algorithm
for time series with multiple seasonal patterns", *International Journal of Operational
Research*, 2021 (arXiv:2107.13462).
"""

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from staffing.errors import InputError
from staffing.history.forecasting import CANDIDATES, LOOKBACK_WEEKS, Method, SameWeekday
from staffing.history.intervals import IntervalHistory

FloatArray = NDArray[np.float64]

MIN_WEEKS = 3
"""Weeks of open days a model needs before its origin (two full seasons to start from)."""

AHT_METHOD = SameWeekday(4)
"""Where the AHT of these methods comes from: the last 4 same weekdays, weighted by calls."""


def _statsmodels(method: str) -> tuple[type, type]:
    """Import statsmodels' ``ExponentialSmoothing`` and ``MSTL``, or raise a one-line error."""
    try:
        from statsmodels.tsa.holtwinters import ExponentialSmoothing
        from statsmodels.tsa.seasonal import MSTL
    except ImportError:
        raise InputError(
            f"method {method} needs statsmodels: pip install 'staffing[forecast]'"
        ) from None
    return ExponentialSmoothing, MSTL


def _weekday(history: IntervalHistory) -> NDArray[np.int64]:
    """Day of the week of every row, 0 = Monday."""
    return (history.days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday


def open_series(
    history: IntervalHistory, usable: NDArray[np.bool_], origin: int
) -> tuple[FloatArray, NDArray[np.int64]]:
    """Lay the open days up to ``origin`` out as one series of interval counts, gaps filled.

    Parameters
    ----------
    history
        The interval history.
    usable
        Whether each day may be used (present and not excluded).
    origin
        Last day index used.

    Returns
    -------
    tuple of ndarray
        The calls per interval of every open day from the first usable one to ``origin``,
        shape (open days, intervals of the day), missing and excluded ones filled; and the
        open weekdays (0 = Monday). No row when nothing is usable.
    """
    weekday = _weekday(history)[: origin + 1]
    ok = usable[: origin + 1]
    recent = np.arange(origin + 1) > origin - 7 * LOOKBACK_WEEKS
    dates = np.bincount(weekday[recent], minlength=7)
    open_days = np.flatnonzero(
        (dates > 0) & (2 * np.bincount(weekday[recent & ok], minlength=7) >= dates)
    )
    rows = np.flatnonzero(np.isin(weekday, open_days))
    if not ok[rows].any():
        return np.zeros((0, history.calls.shape[1])), open_days
    rows = rows[np.argmax(ok[rows]) :]
    series = np.where(ok[rows, None], history.calls[rows], np.nan)
    for day in open_days:
        same = np.flatnonzero(weekday[rows] == day)
        have = same[ok[rows[same]]]
        gaps = same[~ok[rows[same]]]
        i = np.searchsorted(have, gaps)
        before, after = have[np.maximum(i - 1, 0)], have[np.minimum(i, have.size - 1)]
        before, after = np.where(i > 0, before, after), np.where(i < have.size, after, before)
        series[gaps] = (series[before] + series[after]) / 2
    return series, open_days


def _by_origin(
    history: IntervalHistory,
    targets: NDArray[np.int64],
    origins: NDArray[np.int64],
    usable: NDArray[np.bool_],
    fit: Callable[[FloatArray, int, int], FloatArray],
) -> FloatArray:
    """Forecast the calls per interval of each target by one fit per origin (NaN: cannot).

    ``fit(series, season, steps)`` forecasts ``steps`` intervals after the flattened
    ``series`` whose weekly season is ``season`` intervals.
    """
    slots = history.calls.shape[1]
    weekday = (_weekday(history)[0] + np.arange(max(targets.max(initial=0), 0) + 1)) % 7
    calls = np.full((targets.size, slots), np.nan)
    for origin in np.unique(origins):
        series, open_days = open_series(history, usable, int(origin))
        if series.shape[0] < MIN_WEEKS * open_days.size or open_days.size == 0:
            continue
        mine = np.flatnonzero((origins == origin) & np.isin(weekday[targets], open_days))
        if mine.size == 0:
            continue
        ahead = np.isin(weekday[origin + 1 : targets[mine].max() + 1], open_days)
        step = np.cumsum(ahead)[targets[mine] - origin - 1] - 1  # open days ahead, from 0
        path = fit(series.ravel(), slots * open_days.size, slots * int(step.max() + 1))
        calls[mine] = np.maximum(path.reshape(-1, slots)[step], 0.0)
    return calls


@dataclass(frozen=True)
class HoltWinters:
    """Additive Holt-Winters with a weekly season on the open days' interval counts.

    See the module notes for the series (open days, gaps filled) and the model.
    """

    @property
    def name(self) -> str:
        """Describe the method in a few words."""
        return "Holt-Winters, additive weekly season (statsmodels)"

    def predict(
        self,
        history: IntervalHistory,
        targets: NDArray[np.int64],
        origins: NDArray[np.int64],
        usable: NDArray[np.bool_],
    ) -> tuple[FloatArray, FloatArray]:
        """Forecast calls and AHT [s] per interval of each target day (see :class:`Method`).

        A NaN row on a closed weekday, or with fewer than :data:`MIN_WEEKS` weeks of open
        days before the origin.
        """
        smoothing, _ = _statsmodels("holt_winters")

        def fit(series: FloatArray, season: int, steps: int) -> FloatArray:
            model = smoothing(
                series,
                seasonal="add",
                seasonal_periods=season,
                initialization_method="heuristic",
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", _convergence_warning())
                return np.asarray(model.fit().forecast(steps))

        calls = _by_origin(history, targets, origins, usable, fit)
        return calls, AHT_METHOD.predict(history, targets, origins, usable)[1]


@dataclass(frozen=True)
class Mstl:
    """MSTL daily and weekly seasons, and a simple exponential smoothing of the rest.

    Parameters
    ----------
    windows
        Seasonal smoother lengths of the daily and the weekly component [seasons], odd
        >= 7. Long ones (the default) keep the seasonal shapes nearly fixed: on the US bank
        data they did better than statsmodels' defaults (11 and 15: WAPE 10.5 % against 9.0 %).
    """

    windows: tuple[int, int] = (101, 101)

    def __post_init__(self) -> None:
        if len(self.windows) != 2 or any(w < 7 or w % 2 == 0 for w in self.windows):
            raise InputError(f"windows = {self.windows!r}; give two odd lengths >= 7")

    @property
    def name(self) -> str:
        """Describe the method in a few words."""
        return "MSTL daily and weekly seasons + exponential smoothing (statsmodels)"

    def predict(
        self,
        history: IntervalHistory,
        targets: NDArray[np.int64],
        origins: NDArray[np.int64],
        usable: NDArray[np.bool_],
    ) -> tuple[FloatArray, FloatArray]:
        """Forecast calls and AHT [s] per interval of each target day (see :class:`Method`).

        A NaN row on a closed weekday, or with fewer than :data:`MIN_WEEKS` weeks of open
        days before the origin.
        """
        smoothing, mstl = _statsmodels("mstl")
        slots = history.calls.shape[1]

        def fit(series: FloatArray, season: int, steps: int) -> FloatArray:
            periods = (slots, season) if season > slots else (season,)
            windows = self.windows[-len(periods) :]
            seasonal = np.asarray(mstl(series, periods=periods, windows=windows).fit().seasonal)
            seasonal = seasonal.reshape(series.size, len(periods))
            rest = smoothing(series - seasonal.sum(axis=1), initialization_method="estimated")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", _convergence_warning())
                path = np.asarray(rest.fit().forecast(steps))
            for column, period in enumerate(periods):
                path = path + np.resize(seasonal[-period:, column], steps)
            return path

        calls = _by_origin(history, targets, origins, usable, fit)
        return calls, AHT_METHOD.predict(history, targets, origins, usable)[1]


def _convergence_warning() -> type[Warning]:
    """Return statsmodels' warning that an optimizer stopped early (the fit is still used)."""
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    return ConvergenceWarning


METHODS: dict[str, tuple[Method, ...]] = {
    "auto": CANDIDATES,
    "same_weekday": CANDIDATES,
    "holt_winters": (HoltWinters(),),
    "mstl": (Mstl(),),
}
"""The methods :func:`~staffing.history.forecasting.forecast_history` chooses among, by name.

``auto`` is the same-weekday candidates: the statsmodels methods were never the best on the
US bank data and would multiply the backtest's time (``benchmarks/bench_forecast.py``).
"""
