"""Generate the bundled example forecasts in this folder.

Run ``python simulations/make_examples.py`` from the repository root; it overwrites the three
CSV files below with the same bytes every time (a ``numpy.random.Generator`` with a fixed seed
per file), reads each back with :func:`staffing.forecast.read_forecast` and prints a summary.

The volumes are invented but shaped like real lines, and the handle times sit in the industry
ranges of ``KPI_BENCHMARKS.md`` (e-commerce and retail AHT 3-5 min, technical support
8-15 min, general service 4-6 min):

``ecommerce_weekday.csv``
    E-commerce / retail customer service on Tuesday 2026-03-03, 96 x 15 min over 24 h.
    Near-zero volume at night (several intervals with no call between 01:00 and 05:00), a ramp
    from 07:00, a late-morning peak around 11:00 and an evening peak around 20:00 of about
    500 calls per 15 min (~130 Erlang at 240 s); about 20,000 calls in the day. AHT about
    240 s (220-270 s), longer at night.
``techsupport_day.csv``
    A technical-support desk open 07:00-21:00, 28 x 30 min, times of day only (no date).
    Peaks around 10:00 and 14:00 of about 120 calls per 30 min; AHT about 600 s (540-660 s).
``healthcare_week.csv``
    A healthcare line open 24/7 for the week Monday 2026-03-02 to Sunday 2026-03-08,
    168 x 60 min. Busiest on Monday mornings, quieter at weekends; AHT about 360 s.

Calls are Poisson draws around a smooth profile, so they are whole numbers with realistic
noise; AHT values are whole seconds.
"""

import csv
from collections.abc import Callable
from pathlib import Path

import numpy as np

from staffing.forecast import read_forecast

HERE = Path(__file__).resolve().parent


def _bump(hours: np.ndarray, centre: float, width: float) -> np.ndarray:
    """Gaussian bump of height 1 centred at ``centre`` hours, ``width`` hours wide."""
    return np.exp(-0.5 * ((hours - centre) / width) ** 2)


def _ramp(hours: np.ndarray, at: float, width: float) -> np.ndarray:
    """Logistic step from 0 to 1 around ``at`` hours."""
    return 1.0 / (1.0 + np.exp(-(hours - at) / width))


def ecommerce_weekday(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hours of day, calls and AHT [s] for the e-commerce weekday (15-min intervals)."""
    hours = np.arange(96) * 0.25
    middle = hours + 0.125
    day = _ramp(middle, 7.6, 0.45) * (1.0 - _ramp(middle, 22.6, 0.45))
    mean_calls = (
        0.4
        + 40.0 * _bump(middle, 0.0, 0.8)
        + 40.0 * _bump(middle, 24.0, 0.8)
        + day * (250.0 + 230.0 * _bump(middle, 11.0, 1.3) + 250.0 * _bump(middle, 20.0, 0.9))
    )
    calls = rng.poisson(mean_calls)
    night = _bump(middle, 3.5, 2.0)
    aht = 234.0 + 34.0 * night + 6.0 * _bump(middle, 15.0, 2.5) + rng.normal(0.0, 3.0, 96)
    return hours, calls, np.clip(np.round(aht), 220, 270)


def techsupport_day(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hours of day, calls and AHT [s] for the technical-support day (30-min intervals)."""
    hours = 7.0 + np.arange(28) * 0.5
    middle = hours + 0.25
    mean_calls = (
        22.0
        + 82.0 * _bump(middle, 10.2, 1.5)
        + 70.0 * _bump(middle, 14.3, 1.7)
        - 20.0 * _bump(middle, 12.4, 0.6)
        - 8.0 * _ramp(middle, 19.5, 0.6)
    )
    calls = rng.poisson(mean_calls)
    aht = 590.0 + 40.0 * _ramp(middle, 16.0, 1.5) - 25.0 * _bump(middle, 7.5, 1.0)
    aht += rng.normal(0.0, 8.0, 28)
    return hours, calls, np.clip(np.round(aht), 540, 660)


def healthcare_week(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hours since Monday 00:00, calls and AHT [s] for the healthcare week (60-min intervals)."""
    hours = np.arange(168.0)
    hour_of_day = hours % 24 + 0.5
    weekday = (hours // 24).astype(int)
    day_factor = np.array([1.15, 1.0, 0.95, 0.95, 0.9, 0.55, 0.45])[weekday]
    profile = (
        6.0
        + 150.0 * _bump(hour_of_day, 9.5, 1.8)
        + 95.0 * _bump(hour_of_day, 14.5, 2.2)
        + 40.0 * _bump(hour_of_day, 19.0, 1.5)
    )
    calls = rng.poisson(profile * day_factor)
    night = _bump(hour_of_day, 3.0, 2.5) + _bump(hour_of_day, 27.0, 2.5)
    aht = 352.0 + 30.0 * night + rng.normal(0.0, 6.0, 168)
    return hours, calls, np.round(aht)


def _write(
    name: str,
    generate: Callable[[np.random.Generator], tuple[np.ndarray, np.ndarray, np.ndarray]],
    seed: int,
    label: Callable[[float], str],
) -> None:
    """Write one example file and print a summary of it as read back."""
    hours, calls, aht = generate(np.random.default_rng(seed))
    path = HERE / name
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["start", "calls", "aht"])
        for h, n, a in zip(hours, calls, aht, strict=True):
            writer.writerow([label(float(h)), int(n), int(a)])
    forecast = read_forecast(path)
    peak = int(np.argmax(forecast.calls))
    when = str(forecast.start[peak]) if forecast.has_dates else str(forecast.start[peak])[11:16]
    print(
        f"{name}: {forecast.n_intervals} x {forecast.interval / 60:g} min, "
        f"{forecast.total_calls:,.0f} calls, peak {forecast.calls[peak]:.0f} calls at "
        f"{when} ({forecast.load[peak]:.1f} Erlang), "
        f"AHT {forecast.aht.min():.0f}-{forecast.aht.max():.0f} s, "
        f"{int((forecast.calls == 0).sum())} intervals without calls"
    )


def _clock(hours: float) -> str:
    """``HH:MM`` for a time of day in hours."""
    return f"{int(hours):02d}:{round(hours % 1 * 60):02d}"


def main() -> None:
    """Write the three example forecasts next to this script."""
    _write(
        "ecommerce_weekday.csv",
        ecommerce_weekday,
        seed=20260303,
        label=lambda h: f"2026-03-03 {_clock(h)}",
    )
    _write("techsupport_day.csv", techsupport_day, seed=20260304, label=_clock)
    _write(
        "healthcare_week.csv",
        healthcare_week,
        seed=20260302,
        label=lambda h: f"2026-03-{2 + int(h // 24):02d} {_clock(h % 24)}",
    )


if __name__ == "__main__":
    main()
