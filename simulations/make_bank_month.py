"""Generate the bundled synthetic month of a retail bank's service line, for the scorecard.

Run ``python simulations/make_bank_month.py`` from the repository root. It writes the same
bytes every time (fixed seeds):

``bank_day.csv``
    The forecast of a usual weekday, 08:00-20:00 in 30-min intervals (times of day): about
    1,500 calls with a late-morning and an early-afternoon peak, AHT about 330 s.
``bank_month_contacts.csv``
    March 2026, weekdays only (22 days), simulated by the project's simulator
    (:func:`staffing.history.synthetic.simulated_log`) under the schedule that
    ``staffing plan simulations/bank_month.toml`` keeps, with the scenario's callers.
    Columns ``arrival, wait, outcome, handle, contact, queue, channel, agent, customer,
    resolved``.
``bank_month_surveys.csv``, ``bank_month_qa.csv``, ``bank_month_agent_time.csv``
    Post-contact surveys, QA evaluations and logged-in / paid time per agent and day.

The data are invented, never real. What happens in the month, so that the scorecard has
something to find:

- each day's volume is scaled by a gamma "busyness" factor of mean 1 and CV 0.08;
  Monday 2026-03-16 has 35 % more calls (a statement mailing);
- in the week of Monday 2026-03-23 a new app release makes calls 15 % longer and resolves
  8 points fewer of them;
- on each day 0, 1 or 2 agents are absent all day (binomial, 2 x 0.3): the schedule's
  coverage minus the absent;
- an answered contact is resolved with probability 0.80 plus its agent's skill (normal,
  sd 0.05); 70 % of unresolved customers call again, 1 h to 6 days later (the same
  ``customer`` on a later contact);
- 20 % of answered contacts answer a survey: satisfied (CSAT 4-5) with probability
  0.92 - 0.025 per 30 s of wait past 60 s - 0.30 if unresolved, the industry's rule of
  thumb (KPI_BENCHMARKS.md); NPS and CES follow satisfaction and resolution;
- four contacts per agent and week are QA-evaluated around 85 plus the agent's own offset;
- agent ``aj`` is on the phones in every interval staffed with more than ``j`` agents (the
  simulator's rule); paid time is logged-in time / (1 - 30 % shrinkage).
"""

from pathlib import Path

import numpy as np
import pandas as pd

from staffing.forecast import Forecast, read_forecast
from staffing.history.log import ContactLog, read_log, write_log
from staffing.history.synthetic import simulated_log
from staffing.scenario import load_scenario

HERE = Path(__file__).resolve().parent
SCENARIO = HERE / "bank_month.toml"
DAY = HERE / "bank_day.csv"
PREFIX = HERE / "bank_month"
FIRST, LAST = np.datetime64("2026-03-02"), np.datetime64("2026-03-31")
MAILING = np.datetime64("2026-03-16")
RELEASE = (np.datetime64("2026-03-23"), np.datetime64("2026-03-27"))
SEED = 20260301


def write_day(rng: np.random.Generator) -> None:
    """Write the usual weekday's forecast: 24 half hours from 08:00."""
    minutes = np.arange(480, 1200, 30)
    middle = minutes + 15
    shape = (
        0.35 + np.exp(-(((middle - 630) / 90) ** 2)) + 0.85 * np.exp(-(((middle - 870) / 100) ** 2))
    )
    calls = rng.poisson(1500 * shape / shape.sum())
    aht = np.rint(330 + rng.normal(0, 10, minutes.size)).astype(int)
    frame = pd.DataFrame(
        {
            "start": [f"{m // 60:02d}:{m % 60:02d}" for m in minutes],
            "calls": calls,
            "aht": aht,
        }
    )
    frame.to_csv(DAY, index=False)


def coverage() -> np.ndarray:
    """Agents on the phones per interval in the schedule `staffing plan` keeps."""
    from staffing.plan import plan

    return np.asarray(plan(load_scenario(SCENARIO)).best.schedule.coverage, dtype=np.int64)


def simulate_month(rng: np.random.Generator, agents: np.ndarray) -> tuple[ContactLog, np.ndarray]:
    """Simulate the month's weekdays; return the log and the agents per interval and day."""
    scenario = load_scenario(SCENARIO)
    day = read_forecast(DAY)
    offsets = day.start.astype("datetime64[s]") - np.datetime64("1970-01-01T00:00:00")
    days = [
        d
        for d in np.arange(FIRST, LAST + np.timedelta64(1, "D"))
        if ((d.astype(np.int64) + 3) % 7) < 5
    ]
    starts, calls, aht, staffed = [], [], [], []
    for d in days:
        busyness = rng.gamma(1 / 0.08**2, 0.08**2) * (1.35 if d == MAILING else 1.0)
        longer = 1.15 if RELEASE[0] <= d <= RELEASE[1] else 1.0
        absent = rng.binomial(2, 0.3)
        starts.append(d.astype("datetime64[s]") + offsets)
        calls.append(day.calls * busyness)
        aht.append(day.aht * longer)
        staffed.append(np.maximum(agents - absent, 1))
    month = Forecast(
        start=np.concatenate(starts),
        calls=np.concatenate(calls),
        aht=np.concatenate(aht),
        interval=day.interval,
    )
    log = simulated_log(month, np.concatenate(staffed), scenario.callers, seed=SEED)
    return log, np.array(staffed)


def outcomes(rng: np.random.Generator, log: ContactLog) -> tuple[ContactLog, np.ndarray]:
    """Add contact ids, queue, channel, resolution and repeat customers to the log."""
    n = log.size
    agent = log.columns["agent"]
    names = np.unique(agent[agent != ""])
    skill = dict(zip(names, rng.normal(0, 0.05, names.size), strict=True))
    day = log.arrival.astype("datetime64[D]")
    release = (day >= RELEASE[0]) & (day <= RELEASE[1])
    p = 0.80 + np.array([skill.get(a, 0.0) for a in agent]) - 0.08 * release
    solved = rng.random(n) < np.clip(p, 0, 1)
    resolved = np.where(log.answered, solved.astype(float), np.nan)
    customer = log.columns["customer"].copy()
    t = log.arrival.astype(np.int64).astype(float)
    end = t + log.wait + np.nan_to_num(log.handle)
    taken = np.zeros(n, dtype=bool)
    for k in np.flatnonzero(log.answered & ~solved):
        if rng.random() >= 0.7:
            continue
        when = end[k] + min(3600.0 + rng.exponential(86_400.0), 6 * 86_400.0)
        j = int(np.searchsorted(t, when))
        while j < n and taken[j]:
            j += 1
        if j < n:
            customer[j] = customer[k]
            taken[j] = True
    columns = {
        "contact": np.char.add("k", np.char.zfill(np.arange(1, n + 1).astype(str), 6)),
        "queue": np.full(n, "service"),
        "channel": np.full(n, "voice"),
        "agent": agent,
        "customer": customer,
        "resolved": resolved,
    }
    return (
        ContactLog(log.arrival, log.wait, log.answered, log.handle, columns, source=log.source),
        solved,
    )


def surveys(rng: np.random.Generator, log: ContactLog, solved: np.ndarray) -> pd.DataFrame:
    """Surveys of a fifth of the answered contacts: CSAT, NPS and CES."""
    asked = np.flatnonzero(log.answered & (rng.random(log.size) < 0.20))
    wait, ok = log.wait[asked], solved[asked]
    p = 0.92 - 0.025 * np.maximum(wait - 60, 0) / 30 - 0.30 * ~ok
    happy = rng.random(asked.size) < np.clip(p, 0, 1)
    size = asked.size
    csat = np.where(happy, rng.choice([4, 5], size, p=[0.4, 0.6]), rng.integers(1, 4, size))
    u = rng.random(size)
    promoter, passive, detractor = (
        rng.integers(9, 11, size),
        rng.integers(7, 9, size),
        rng.integers(0, 7, size),
    )
    nps = np.where(
        happy,
        np.where(u < 0.6, promoter, np.where(u < 0.9, passive, detractor)),
        np.where(u < 0.7, detractor, passive),
    )
    ces = np.clip(np.where(ok, 2, 5) + rng.integers(-1, 2, size), 1, 7)
    nps_answered = rng.random(size) < 0.8
    return pd.DataFrame(
        {
            "contact": log.columns["contact"][asked],
            "csat": csat,
            "nps": pd.Series(nps).astype("Int64").where(nps_answered),
            "ces": ces,
        }
    )


def qa_scores(rng: np.random.Generator, log: ContactLog) -> pd.DataFrame:
    """Four evaluated contacts per agent and ISO week, around 85 plus the agent's offset."""
    agent = log.columns["agent"]
    frame = pd.DataFrame(
        {
            "contact": log.columns["contact"],
            "agent": agent,
            "week": pd.to_datetime(log.arrival).to_period("W-SUN").astype(str),
        }
    )[log.answered & (agent != "")]
    names = np.unique(frame.agent)
    offset = dict(zip(names, rng.normal(0, 4, names.size), strict=True))
    rows = []
    for (name, _), group in frame.groupby(["agent", "week"], sort=True):
        picked = group.contact.to_numpy()[rng.permutation(len(group))[:4]]
        for contact in sorted(picked):
            score = np.clip(np.rint(rng.normal(85 + offset[name], 5)), 0, 100)
            rows.append((contact, int(score)))
    return pd.DataFrame(rows, columns=["contact", "score"]).sort_values("contact")


def agent_time(staffed: np.ndarray, interval: float, shrinkage: float) -> pd.DataFrame:
    """Logged-in and paid seconds per agent and day under the simulator's rule."""
    days = [
        d
        for d in np.arange(FIRST, LAST + np.timedelta64(1, "D"))
        if ((d.astype(np.int64) + 3) % 7) < 5
    ]
    rows = []
    for d, agents in zip(days, staffed, strict=True):
        for j in range(int(agents.max())):
            logged = float((agents > j).sum() * interval)
            rows.append((f"a{j}", str(d), int(logged), round(logged / (1 - shrinkage))))
    return pd.DataFrame(rows, columns=["agent", "date", "logged_in", "paid"])


def main() -> None:
    """Write the files and read the log back."""
    rng = np.random.default_rng(SEED)
    write_day(rng)
    agents = coverage()
    log, staffed = simulate_month(rng, agents)
    log, solved = outcomes(rng, log)
    scenario = load_scenario(SCENARIO)
    write_log(log, f"{PREFIX}_contacts.csv")
    surveys(rng, log, solved).to_csv(f"{PREFIX}_surveys.csv", index=False)
    qa_scores(rng, log).to_csv(f"{PREFIX}_qa.csv", index=False)
    agent_time(staffed, scenario.forecast.interval, scenario.shrinkage).to_csv(
        f"{PREFIX}_agent_time.csv", index=False
    )
    back = read_log(f"{PREFIX}_contacts.csv")
    files = [Path(f"{PREFIX}_{k}.csv") for k in ("contacts", "surveys", "qa", "agent_time")]
    sizes = sum(f.stat().st_size for f in files)
    print(f"{back.size:,} contacts, {int(agents.max())} agents at the peak, {sizes / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
