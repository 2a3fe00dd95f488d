"""Replay of a real month, and calibration speed on a million contacts.

1. **Replay** (goal: on at least 80 % of the replayed days, daily abandonment within ±3
   points and service level within ±5 points of observed): the "Anonymous Bank" log of
   February 1999 (Technion call-center data, organised by I. Guedj and A. Mandelbaum; copy
   and terms in ``/work/shared/data/README.md``; studied by Brown et al., JASA 100 (2005)
   36-50). Calibrated on the first 14 days; every later day simulated with its own arrivals
   per interval and inferred staffing. Skipped, with a message, when the file is absent:
   the data are never copied into the repository.
2. **Calibration speed** (goal: a 1-million-contact log calibrated in under 15 s): a log
   written by the simulator (lognormal patience, gamma handle times, 60 stationary days).

Run: ``python benchmarks/bench_replay.py [PATH.tsv]``.

The TSV reader below is private to this script (the project's CSV log reader,
``staffing.history.log.read_log``, is developed on another branch and reads DESIGN.md
section 9 CSV logs, not this file's raw columns). Rules, from the data README: PHANTOM rows
dropped; offered = entered the queue or served (VRU-only hang-ups dropped); arrival =
``vru_exit`` (a time before ``vru_entry`` is past midnight); wait = ``q_time``; answered =
``AGENT``; handle = ``ser_time`` (talk only, at least 1 s); agent = ``server`` (none for
``NO_SERVER``); customer = the pseudonymous ``customer_id`` (0 = unidentified).
"""

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from staffing.callers import CallerBehaviour
from staffing.forecast import Forecast
from staffing.history.calibrate import calibrate
from staffing.history.log import ContactLog
from staffing.history.replay import replay
from staffing.history.synthetic import simulated_log

BANK = Path("/work/shared/data/anonymous_bank_1999_02_calls.tsv")


def _bank_log(path: Path) -> ContactLog:
    """Read the Anonymous Bank TSV as a contact log (rules in the module docstring)."""
    raw = pd.read_csv(path, sep="\t", dtype=str)
    raw = raw[raw["outcome"] != "PHANTOM"]
    served = raw["outcome"] == "AGENT"
    raw = raw[served | (raw["q_start"] != "0:00:00")]

    def seconds(column: str) -> np.ndarray:
        hms = raw[column].str.split(":", expand=True).astype(int).to_numpy()
        return hms[:, 0] * 3600 + hms[:, 1] * 60 + hms[:, 2]

    date = pd.to_datetime("19" + raw["date"], format="%Y%m%d").to_numpy().astype("datetime64[s]")
    exit_, entry = seconds("vru_exit"), seconds("vru_entry")
    arrival = date + (exit_ + 86_400 * (exit_ < entry)).astype("timedelta64[s]")
    order = np.argsort(arrival, kind="stable")
    answered = (raw["outcome"] == "AGENT").to_numpy()
    handle = np.where(answered, np.maximum(raw["ser_time"].astype(float), 1.0), np.nan)
    server = raw["server"].to_numpy(dtype=str)
    return ContactLog(
        arrival=arrival[order],
        wait=raw["q_time"].astype(float).to_numpy()[order],
        answered=answered[order],
        handle=handle[order],
        columns={
            "agent": np.where(server == "NO_SERVER", "", server)[order],
            "customer": raw["customer_id"].to_numpy(dtype=str)[order],
        },
        source=path.name,
    )


def bench_replay(path: Path) -> None:
    """Replay the Anonymous Bank month trained on its first 14 days."""
    if not path.exists():
        print(f"replay: {path} not found; skipped (real data are never in the repository)")
        return
    log = _bank_log(path)
    first = log.arrival[0].astype("datetime64[D]")
    until = first + np.timedelta64(13, "D")
    t0 = time.perf_counter()
    result = replay(log, until, replications=30)
    elapsed = time.perf_counter() - t0
    print(f"replay of {path.name}: {log.size:,} offered contacts, trained up to {until}")
    cal = result.calibration
    p, h = cal.patience.best, cal.handle.best
    print(
        f"  calibration (training days): patience {p.distribution} mean {p.mean:.0f} ± "
        f"{p.mean_se:.0f} s, CV {p.cv:.2f}; handle {h.distribution} mean "
        f"{cal.handle.mean:.0f} s, CV {h.cv:.2f}; fitted by simulation: after-call work "
        f"{result.after_call_work:.0f} s"
    )
    days = result.days
    table = pd.DataFrame(
        {
            "day": days["day"],
            "offered": days["offered"],
            "abandon obs": (100 * days["abandon_rate_observed"]).round(1),
            "abandon sim": (100 * days["abandon_rate_simulated"]).round(1),
            "± hw": (100 * days["abandon_rate_hw"]).round(1),
            "SL obs": (100 * days["service_level_observed"]).round(1),
            "SL sim": (100 * days["service_level_simulated"]).round(1),
            "± hw ": (100 * days["service_level_hw"]).round(1),
        }
    )
    print(table.to_string(index=False))
    err_a = 100 * (days["abandon_rate_simulated"] - days["abandon_rate_observed"])
    err_s = 100 * (days["service_level_simulated"] - days["service_level_observed"])
    both = ((err_a.abs() <= 3) & (err_s.abs() <= 5)).mean()
    print(
        f"  days within ±3 points of abandonment: {result.within('abandon_rate', 3):.0%}; "
        f"within ±5 points of service level: {result.within('service_level', 5):.0%}; "
        f"both: {both:.0%} (goal: 80 %)"
    )
    print(
        f"  mean error (simulated - observed): abandonment {err_a.mean():+.1f} points "
        f"(MAE {err_a.abs().mean():.1f}), service level {err_s.mean():+.1f} points "
        f"(MAE {err_s.abs().mean():.1f}); replay took {elapsed:.0f} s"
    )


def bench_calibration_speed(contacts: int = 1_000_000) -> None:
    """Calibrate a simulated log of about ``contacts`` contacts; print the time."""
    days = 60
    per_interval = contacts / (days * 64)
    day = np.datetime64("2026-01-05T08:00") + np.arange(64) * np.timedelta64(900, "s")
    start = np.concatenate([day + np.timedelta64(d, "D") for d in range(days)])
    callers = CallerBehaviour(
        patience=120.0,
        patience_distribution="lognormal",
        patience_cv=1.2,
        handle_distribution="gamma",
        handle_cv=0.7,
    )
    n = start.size
    forecast = Forecast(
        start=start, calls=np.full(n, per_interval), aht=np.full(n, 180.0), interval=900
    )
    agents = int(np.ceil(per_interval * 180 / 900 * 1.05))
    log = simulated_log(forecast, np.full(n, agents), callers, seed=1)
    t0 = time.perf_counter()
    cal = calibrate(log)
    elapsed = time.perf_counter() - t0
    p = cal.patience.best
    print(
        f"calibration of a simulated log of {log.size:,} contacts ({cal.abandoned:,} "
        f"abandoned): {elapsed:.1f} s (goal < 15 s); patience {p.distribution} mean "
        f"{p.mean:.1f} ± {p.mean_se:.1f} s (true 120), CV {p.cv:.3f} ± {p.cv_se:.3f} (true 1.2)"
    )


if __name__ == "__main__":
    bench_replay(Path(sys.argv[1]) if len(sys.argv) > 1 else BANK)
    bench_calibration_speed()
