"""Scorecard speed on a million contacts, and the scorecard of a real month.

1. **Speed** (goal: a 1-million-contact log with surveys to the scorecard's tables in under
   10 s on this machine; charts apart): a log of 30 days, 3 queues on 2 channels, 300 agents,
   repeat customers and a resolved flag, and 200,000 surveys, drawn with numpy (fixed seed)
   and written as CSV. Timed: reading both files, every KPI per day, week, month and period
   and per queue, channel and all, the agents table, CSAT against wait, and writing
   ``scorecard.csv`` and ``agents.csv``.
2. **A real month**: the "Anonymous Bank" log of February 1999 (Technion call-center data,
   organised by I. Guedj and A. Mandelbaum; copy and terms in
   ``/work/shared/data/README.md``; studied by Brown et al., JASA 100 (2005) 36-50), read by
   the TSV reader of ``bench_replay.py``; FCR from repeat contacts of the same pseudonymous
   customer within 7 days. Printed, never written into the repository. Skipped, with a
   message, when the file is absent.

Run: ``python benchmarks/bench_scorecard.py [PATH.tsv]``.
"""

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from bench_replay import BANK, _bank_log

from staffing.history.csat_wait import csat_by_wait
from staffing.history.feedback import read_surveys
from staffing.history.log import ContactLog, read_log, write_log
from staffing.history.scorecard import scorecard
from staffing.report.scorecard import terminal_summary


def synthetic_log(n: int, rng: np.random.Generator) -> tuple[ContactLog, pd.DataFrame]:
    """A month of ``n`` contacts and surveys of a fifth of them (invented, fixed seed)."""
    day = rng.integers(0, 30, n)
    second = rng.integers(8 * 3600, 20 * 3600, n)
    arrival = np.sort(
        np.datetime64("2026-03-01T00:00:00") + (day * 86_400 + second).astype("timedelta64[s]")
    )
    wait = np.where(rng.random(n) < 0.6, 0.0, np.rint(rng.exponential(40.0, n)))
    answered = rng.random(n) > np.minimum(wait / 600.0, 0.5)
    handle = np.where(answered, np.rint(rng.lognormal(5.6, 0.6, n)) + 1, np.nan)
    queue = rng.choice(["sales", "support", "chat"], n, p=[0.4, 0.4, 0.2])
    columns = {
        "contact": np.char.add("k", np.arange(n).astype(str)),
        "queue": queue,
        "channel": np.where(queue == "chat", "chat", "voice"),
        "agent": np.where(answered, np.char.add("a", rng.integers(0, 300, n).astype(str)), ""),
        "customer": np.char.add("c", rng.integers(0, n // 2, n).astype(str)),
        "resolved": np.where(answered, (rng.random(n) < 0.78).astype(float), np.nan),
    }
    log = ContactLog(arrival, wait, answered, handle, columns, source="synthetic")
    asked = np.flatnonzero(answered & (rng.random(n) < 0.2))
    surveys = pd.DataFrame(
        {
            "contact": columns["contact"][asked],
            "csat": rng.integers(1, 6, asked.size),
            "nps": rng.integers(0, 11, asked.size),
            "ces": rng.integers(1, 8, asked.size),
        }
    )
    return log, surveys


def bench_speed(n: int = 1_000_000) -> None:
    """Time a million contacts with surveys from CSV files to the scorecard's tables."""
    log, surveys = synthetic_log(n, np.random.default_rng(14))
    with tempfile.TemporaryDirectory() as folder:
        log_path, survey_path = Path(folder) / "log.csv", Path(folder) / "surveys.csv"
        write_log(log, log_path)
        surveys.to_csv(survey_path, index=False)
        t0 = time.perf_counter()
        read = read_log(log_path)
        answers = read_surveys(survey_path)
        t1 = time.perf_counter()
        card = scorecard(read, surveys=answers)
        t2 = time.perf_counter()
        curve = csat_by_wait(read, answers)
        card.table.to_csv(Path(folder) / "scorecard.csv", index=False)
        card.agents.to_csv(Path(folder) / "agents.csv", index=False)
        t3 = time.perf_counter()
    print(
        f"speed: {n:,} contacts and {len(surveys):,} surveys: read {t1 - t0:.2f} s, "
        f"scorecard {t2 - t1:.2f} s ({len(card.table):,} rows, {len(card.agents)} agents), "
        f"CSAT curve and CSV {t3 - t2:.2f} s; total {t3 - t0:.2f} s (goal < 10 s)"
    )
    fit = f"{curve.base:.1%} up to {curve.knee:g} s, {100 * curve.slope:.2f} pts/30 s"
    print(f"       CSAT fit (answers drawn at random, so flat): {fit}")


def bench_real(path: Path) -> None:
    """Print the scorecard of the Anonymous Bank month (never written to the repository)."""
    if not path.exists():
        print(f"real: {path} not found; skipped (real data are never in the repository)")
        return
    log = _bank_log(path)
    t0 = time.perf_counter()
    card = scorecard(log)
    elapsed = time.perf_counter() - t0
    print(f"\nreal: {path.name}, {log.size:,} contacts offered to agents, in {elapsed:.2f} s")
    print(terminal_summary(card, title=path.name))
    weeks = card.rows("week").pivot(index="period", columns="kpi", values="value")
    print("\nper ISO week:")
    print(weeks[["offered", "service_level", "abandon_rate", "asa", "aht", "fcr"]].round(3))
    days = card.rows("day")
    sl = days[days.kpi == "service_level"].dropna(subset=["value"])
    print(
        f"\ndaily service level: {len(sl)} days with calls, from {sl.value.min():.1%} "
        f"to {sl.value.max():.1%}; worst {sl.loc[sl.value.idxmin(), 'period']}"
    )
    for note in card.notes:
        print(f"note: {note}")
    agents = card.agents
    print(
        f"agents: {len(agents)}; contacts per agent {agents.contacts.min()}-{agents.contacts.max()}"
    )


if __name__ == "__main__":
    bench_speed()
    bench_real(Path(sys.argv[1]) if len(sys.argv) > 1 else BANK)
