"""Generate the bundled synthetic contact history, ``history_contacts.csv``.

Run ``python simulations/make_history.py`` from the repository root; it writes the same
bytes every time (fixed seeds) and reads the file back with
:func:`staffing.history.log.read_log`. The data are invented, never real: the project's own
simulator writes them (:func:`staffing.history.synthetic.simulated_log`), so calibrating the
log must give back the callers below.

A small service desk over eight weeks, Monday 2026-03-02 to Saturday 2026-04-25: open
08:00-18:00 on weekdays and 09:00-13:00 on Saturdays, closed on Sundays; about 600 calls on
a Monday, fewer later in the week, 150 on a Saturday, in 30-minute intervals with a
mid-morning and an early-afternoon peak. Each day's volume is scaled by a gamma "busyness"
factor of mean 1 and CV 0.08; arrivals are Poisson within it. Good Friday 2026-04-03 is a
holiday with a fifth of the usual calls, and Easter Monday 2026-04-06 has no data (the line
was closed), so the history shows both a date to exclude and a missing day.

Callers hang up after an exponential patience of mean 120 s; handle times are lognormal
(mean 300 s, CV 0.6). The desk is staffed for 80 % answered in 20 s on each weekday's usual
volume (Erlang A), so busy days run short. The log has ``agent`` and ``customer`` columns
(every caller its own customer: no redials or repeats).
"""

from pathlib import Path

import numpy as np

from staffing.callers import CallerBehaviour
from staffing.forecast import Forecast
from staffing.history.log import read_log, write_log
from staffing.history.synthetic import simulated_log
from staffing.requirements import ServiceTargets, compute_requirements

HERE = Path(__file__).resolve().parent
FILE = HERE / "history_contacts.csv"
FIRST_DAY = np.datetime64("2026-03-02")
WEEKS = 8
WEEKDAY_CALLS = (600.0, 520.0, 480.0, 470.0, 430.0, 150.0, 0.0)  # Monday first
HOLIDAY, CLOSED = np.datetime64("2026-04-03"), np.datetime64("2026-04-06")
CALLERS = CallerBehaviour(patience=120.0, handle_distribution="lognormal", handle_cv=0.6)
AHT = 300.0
INTERVAL = 1800


def day_shape(open_: int, close: int) -> tuple[np.ndarray, np.ndarray]:
    """Interval starts [min] and each interval's share of the day: peaks at 10:30 and 14:30."""
    starts = np.arange(open_, close, INTERVAL // 60)
    middle = starts + INTERVAL / 120
    rate = np.exp(-(((middle - 630) / 80) ** 2)) + 0.8 * np.exp(-(((middle - 870) / 90) ** 2))
    rate = 0.25 + rate
    return starts, rate / rate.sum()


def history(rng: np.random.Generator) -> tuple[Forecast, np.ndarray]:
    """Return the eight weeks' expected calls per interval and the agents staffed in each."""
    starts, calls, agents = [], [], []
    for offset in range(7 * WEEKS):
        day = FIRST_DAY + np.timedelta64(offset, "D")
        usual = WEEKDAY_CALLS[offset % 7]
        if usual == 0 or day == CLOSED:
            continue
        minutes, share = day_shape(*((540, 780) if offset % 7 == 5 else (480, 1080)))
        busyness = rng.gamma(1 / 0.08**2, 0.08**2) * (0.2 if day == HOLIDAY else 1.0)
        planned = Forecast(
            start=day.astype("datetime64[s]") + minutes.astype("timedelta64[m]"),
            calls=usual * share,
            aht=np.full(minutes.size, AHT),
            interval=INTERVAL,
        )
        required = compute_requirements(
            planned, ServiceTargets(service_level=0.8, threshold=20.0), patience=120.0
        ).agents
        starts.append(planned.start)
        calls.append(planned.calls * busyness)
        agents.append(required)
    forecast = Forecast(
        start=np.concatenate(starts),
        calls=np.concatenate(calls),
        aht=np.full(sum(s.size for s in starts), AHT),
        interval=INTERVAL,
    )
    return forecast, np.concatenate(agents)


def main() -> None:
    """Write the file and read it back."""
    forecast, agents = history(np.random.default_rng(20260302))
    write_log(simulated_log(forecast, agents, CALLERS, seed=20260302), FILE)
    log = read_log(FILE)
    print(f"{FILE.name}: {log.size:,} contacts, {FILE.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
