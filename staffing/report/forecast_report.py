"""The chart of a forecast's backtest: daily totals as forecast and as they came, by origin.

One PNG, two panels: the daily calls of every backtest day (actual, the chosen method and
seasonal naive), and the WAPE per interval of each weekly origin for both methods.
"""

from os import PathLike
from pathlib import Path

import numpy as np

from staffing.history.forecasting import HistoryForecast
from staffing.report.charts import (
    BLUE,
    DARK,
    LIGHT_BLUE,
    TALL,
    legend_outside,
    new_figure,
    save_png,
)


def plot_backtest(result: HistoryForecast, path: str | PathLike[str]) -> Path:
    """Draw the backtest of a forecast from history; return the PNG's path.

    Parameters
    ----------
    result
        The forecast, with its backtest and seasonal naive's.
    path
        The PNG to write.
    """
    test, base = result.backtest, result.baseline
    fig = new_figure(TALL)
    top, bottom = fig.subplots(2, 1)
    days = test.days.astype("datetime64[s]").astype(object)
    top.plot(days, test.daily_actual, "o-", color=DARK, lw=1.2, ms=3, label="actual")
    top.plot(days, test.daily_forecast, "o-", color=BLUE, lw=1.2, ms=3, label="method")
    top.plot(days, base.daily_forecast, "o--", color=LIGHT_BLUE, lw=1, ms=3, label="seasonal naive")
    top.set_ylabel("calls per day")
    top.set_ylim(bottom=0)
    top.set_title(
        f"Backtest, one week ahead from each origin: {result.method.name} "
        f"(WAPE {100 * test.wape:.1f}%) vs seasonal naive ({100 * base.wape:.1f}%)",
        fontsize=10,
        loc="left",
    )
    legend_outside(top)
    x = np.arange(test.origins.size)
    bottom.bar(x - 0.2, 100 * test.wape_by_origin, 0.4, color=BLUE, label="method")
    bottom.bar(x + 0.2, 100 * base.wape_by_origin, 0.4, color=LIGHT_BLUE, label="seasonal naive")
    bottom.set_xticks(x, [f"from {day}" for day in test.origins], fontsize=8)
    bottom.set_ylabel("WAPE per interval, %")
    legend_outside(bottom)
    return save_png(fig, path)
