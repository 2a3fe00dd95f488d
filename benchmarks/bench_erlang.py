"""Speed of ``staffing.erlang.required_agents`` against pyworkforce, in one run.

Prints, side by side: our time, pyworkforce's time, the ratio, and whether the agent counts
agree, for Erlang C at 10, 1,000 and 20,000 Erlangs and for a 96-interval day (the bundled
e-commerce weekday, peak ~131 Erlangs) in Erlang C and Erlang A. Target 80/20, AHT 180 s
for the single intervals. Run: ``python benchmarks/bench_erlang.py`` (``make bench``).

Goals: the Erlang C day >= 10x faster than pyworkforce; one interval at 20,000 Erlangs under
1 ms; the Erlang A day under 50 ms; identical agent counts wherever pyworkforce is right.
Known pyworkforce differences (0.5.x): its Erlang C search starts at ``round(load + 1)``, so
it can return one agent too many when ``frac(load) >= 0.5``; its Erlang A search starts at
``ceil(load)``, so it over-staffs whenever impatient callers make fewer agents than the load
enough. Each difference is re-checked here with our exact KPIs at both counts.
"""

import math
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from pyworkforce.queuing import ErlangA, ErlangC

from staffing.erlang import kpis, required_agents
from staffing.forecast import read_forecast

DAY = Path(__file__).resolve().parent.parent / "simulations" / "ecommerce_weekday.csv"
SL, T, AHT, PATIENCE = 0.8, 20.0, 180.0, 120.0


def best_time(fn: Callable[[], object], budget: float = 0.5, most: int = 200) -> float:
    """Fastest of repeated runs [s], repeating within ``budget`` seconds."""
    fn()
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < most and (not times or time.perf_counter() - start < budget):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def pyworkforce_c(calls: float, aht: float, interval: float) -> int:
    """pyworkforce's Erlang C requirement (it works in minutes)."""
    if calls == 0:
        return 0
    model = ErlangC(transactions=calls, aht=aht / 60, asa=T / 60, interval=interval / 60)
    return int(model.required_positions(service_level=SL)["raw_positions"])


def pyworkforce_a(calls: float, aht: float, interval: float) -> int:
    """pyworkforce's Erlang A requirement (it works in minutes)."""
    if calls == 0:
        return 0
    model = ErlangA(
        transactions=calls,
        aht=aht / 60,
        asa=T / 60,
        interval=interval / 60,
        patience=PATIENCE / 60,
    )
    return int(model.required_positions(service_level=SL)["raw_positions"])


def explain(calls, aht, interval, ours, theirs, patience, shown: int = 3) -> list[str]:
    """Why counts differ: our exact service level at both counts, for a few intervals."""
    calls, aht, interval = (
        np.atleast_1d(np.asarray(v, dtype=float)) for v in (calls, aht, interval)
    )
    differ = np.flatnonzero(np.atleast_1d(ours) != np.atleast_1d(theirs))
    notes = []
    if differ.size:
        at_ceil = np.atleast_1d(theirs)[differ] == np.ceil(calls * aht / interval)[differ]
        below = np.atleast_1d(ours)[differ] < calls[differ] * aht[differ] / interval[differ]
        notes.append(
            f"    pyworkforce = ceil(load) (its search start) in {at_ceil.sum()} of "
            f"{differ.size}; ours below the load in {below.sum()} of {differ.size}"
        )
    for i in differ[:shown]:
        c, a, h = np.atleast_1d(calls)[i], np.atleast_1d(aht)[i], np.atleast_1d(interval)[i]
        n_ours, n_theirs = np.atleast_1d(ours)[i], np.atleast_1d(theirs)[i]
        sl = kpis(
            c, a, [n_ours - 1, n_ours, n_theirs], interval=h, threshold=T, patience=patience
        ).service_level
        notes.append(
            f"    interval {i}: load {c * a / h:.2f}, ours {n_ours} (SL {sl[1]:.4f}; "
            f"{n_ours - 1} gives {sl[0]:.4f} < {SL}), pyworkforce {n_theirs} (SL {sl[2]:.4f})"
        )
    return notes


def main() -> None:
    rows = []
    notes: list[str] = []
    for load in (10.0, 1_000.0, 20_000.0):
        interval = 1800.0
        calls = load * interval / AHT
        ours = required_agents(calls, AHT, interval=interval, service_level=SL, threshold=T)
        t_ours = best_time(
            lambda c=calls, i=interval: required_agents(
                c, AHT, interval=i, service_level=SL, threshold=T
            )
        )
        t0 = time.perf_counter()
        theirs = pyworkforce_c(calls, AHT, interval)
        t_theirs = time.perf_counter() - t0
        rows.append((f"Erlang C, {load:,.0f} Erlangs", t_ours, t_theirs, ours, theirs))
        notes += explain(calls, AHT, interval, ours, theirs, None)

    day = read_forecast(DAY)
    interval = np.full(day.n_intervals, day.interval)
    for label, patience, theirs_fn in (
        ("Erlang C", None, pyworkforce_c),
        (f"Erlang A (patience {PATIENCE:.0f} s)", PATIENCE, pyworkforce_a),
    ):
        ours = required_agents(
            day.calls,
            day.aht,
            interval=day.interval,
            service_level=SL,
            threshold=T,
            patience=patience,
        )
        t_ours = best_time(
            lambda p=patience: required_agents(
                day.calls, day.aht, interval=day.interval, service_level=SL, threshold=T, patience=p
            )
        )
        t0 = time.perf_counter()
        theirs = np.array(
            [theirs_fn(c, a, day.interval) for c, a in zip(day.calls, day.aht, strict=True)]
        )
        t_theirs = time.perf_counter() - t0
        rows.append(
            (
                f"{label}, 96-interval day, peak {day.load.max():.0f} Erl",
                t_ours,
                t_theirs,
                ours.sum(),
                theirs.sum(),
            )
        )
        notes.append(
            f"  {label} day: {int((ours != theirs).sum())} of {day.n_intervals} intervals differ"
        )
        notes += explain(day.calls, day.aht, interval, ours, theirs, patience)

    print(
        f"{'case':<46} {'staffing':>11} {'pyworkforce':>12} {'speed-up':>9} "
        f"{'agents (ours / theirs)':>23}"
    )
    for name, t_ours, t_theirs, n_ours, n_theirs in rows:
        print(
            f"{name:<46} {t_ours * 1e3:>8.3f} ms {t_theirs * 1e3:>9.1f} ms "
            f"{t_theirs / t_ours:>8.0f}x {int(n_ours):>11} / {int(n_theirs)}"
        )
    print("\nwhere the counts differ (our exact service level at each count):")
    print("\n".join(notes) if notes else "  nowhere")
    c20k = rows[2][1]
    day_c, day_a = rows[3], rows[4]
    print("\ngoals:")
    print(f"  Erlang C day >= 10x pyworkforce: {day_c[2] / day_c[1]:.0f}x")
    print(f"  one interval at 20,000 Erlangs < 1 ms: {c20k * 1e3:.3f} ms")
    print(f"  Erlang A day < 50 ms: {day_a[1] * 1e3:.1f} ms")
    if not math.isfinite(day_a[2]):
        print("  (pyworkforce Erlang A day did not finish)")


if __name__ == "__main__":
    main()
