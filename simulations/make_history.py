"""Generate the bundled synthetic contact history, ``history_contacts.csv``.

Run ``python simulations/make_history.py`` from the repository root; it writes the same
bytes every time (a ``numpy.random.Generator`` with a fixed seed) and reads the file back
with :func:`staffing.history.log.read_log`. The data are invented, never real.

A small service desk over eight weeks, Monday 2026-03-02 to Saturday 2026-04-25: open
08:00-18:00 on weekdays and 09:00-13:00 on Saturdays, closed on Sundays; about 600 calls on
a Monday, fewer later in the week, 150 on a Saturday. The day's shape has a mid-morning and
an early-afternoon peak. Each day's volume is scaled by a gamma "busyness" factor of mean 1
and CV 0.08; arrivals are Poisson within it. Good Friday 2026-04-03 is a holiday with a fifth
of the usual calls, and Easter Monday 2026-04-06 has no data (the line was closed), so the
history shows both a date to exclude and a missing day.

Contacts wait an exponential time (mean 25 s) and hang up if it passes their exponential
patience (mean 120 s); answered ones have lognormal handle times (mean 300 s, CV 0.6).
"""

from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
FILE = HERE / "history_contacts.csv"
FIRST_DAY = np.datetime64("2026-03-02")
WEEKS = 8
WEEKDAY_CALLS = (600.0, 520.0, 480.0, 470.0, 430.0, 150.0, 0.0)  # Monday first
HOLIDAY, CLOSED = np.datetime64("2026-04-03"), np.datetime64("2026-04-06")


def day_profile(minutes: np.ndarray, open_: float, close: float) -> np.ndarray:
    """Relative arrival rate by minute of the day: peaks at 10:30 and 14:30."""
    rate = np.exp(-(((minutes - 630) / 80) ** 2)) + 0.8 * np.exp(-(((minutes - 870) / 90) ** 2))
    return np.where((minutes >= open_) & (minutes < close), 0.25 + rate, 0.0)


def contacts(rng: np.random.Generator) -> list[str]:
    """One CSV line per contact, in arrival order."""
    minutes = np.arange(1440)
    lines = []
    for offset in range(7 * WEEKS):
        day = FIRST_DAY + np.timedelta64(offset, "D")
        weekday = offset % 7
        mean = WEEKDAY_CALLS[weekday] * (0.2 if day == HOLIDAY else 1.0)
        if mean == 0 or day == CLOSED:
            continue
        hours = (540, 780) if weekday == 5 else (480, 1080)
        shape = day_profile(minutes, *hours)
        n = rng.poisson(mean * rng.gamma(1 / 0.08**2, 0.08**2))
        minute = rng.choice(minutes, size=n, p=shape / shape.sum())
        arrival = np.sort(minute * 60 + rng.integers(0, 60, size=n))
        wait = rng.exponential(25.0, size=n)
        patience = rng.exponential(120.0, size=n)
        answered = wait <= patience
        sigma = np.sqrt(np.log(1 + 0.6**2))
        handle = rng.lognormal(np.log(300.0) - sigma**2 / 2, sigma, size=n)
        for t, w, p, a, h in zip(arrival, wait, patience, answered, handle, strict=True):
            stamp = (day.astype("datetime64[s]") + np.timedelta64(int(t), "s")).astype(str)
            stamp = stamp.replace("T", " ")
            if a:
                lines.append(f"{stamp},{w:.0f},answered,{h:.0f}")
            else:
                lines.append(f"{stamp},{p:.0f},abandoned,")
    return lines


def main() -> None:
    """Write the file and read it back."""
    rng = np.random.default_rng(20260302)
    FILE.write_text("\n".join(["arrival,wait,outcome,handle", *contacts(rng)]) + "\n")
    from staffing.history.log import read_log

    log = read_log(FILE)
    print(f"{FILE.name}: {log.size:,} contacts, {FILE.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
