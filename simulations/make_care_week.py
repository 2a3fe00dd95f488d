"""Generate the bundled multi-channel example: an online shop's customer care over one week.

Run ``python simulations/make_care_week.py`` from the repository root; it overwrites the
files below with the same bytes every time (a ``numpy.random.Generator`` with a fixed seed)
and prints a summary. Volumes are invented but shaped like retail customer care (Monday
busiest, Saturday and Sunday lighter; a late-morning and an early-evening peak); handle
times sit in the ranges of ``KPI_BENCHMARKS.md`` (retail AHT 4-6 min; chat 8-12 min of work
spread over several sessions; email 5-10 min per item):

``care_voice.csv``
    Calls, Monday 2026-03-02 to Sunday 2026-03-08, 08:00-20:00 by 30 min; ~120 calls per
    30 min at Monday's peak, AHT ~300 s.
``care_chat.csv``
    Web chat on the same grid, ~60 chats per 30 min at the peak, 9 min of work per chat at
    full speed.
``care_email.csv``
    Emails and web forms: the items that arrived overnight land at 08:00 (the inbox at
    opening), then ~15-30 per 30 min; 5 min per item.
``care_week.toml``
    The scenario for ``staffing simulate`` and ``staffing plan``: three queues (voice at
    80/20 with 5 % abandonment; chat at 80/60 with 3 sessions per agent slowing as they
    open; email answered within 24 h for 90 % of items, with 150 items waiting on Monday
    morning) and three groups: phone agents (voice only), chat agents (chat, and calls
    waiting over 60 s when no session is open) and blended agents (voice, then email
    whenever no call waits and two other blended agents stay idle: ``reserve = 2``).
    First-contact resolution per queue (74 % voice, 68 % chat, 80 % email) is reported
    in the table by channel beside the e-commerce sector's range. Each group's agents
    per interval (for ``simulate``; ``plan`` schedules them from the shifts) are its
    Erlang requirement for the queue it serves first; the email workload is left to the
    idle time of the blended group, plus the email's mean workload in agents.
``care_week_plan.toml``
    The same scenario for ``staffing plan``: no fixed agents, every group is scheduled
    from its ``shifts`` patterns, email by its deadline in the idle time of the groups
    that blend it (:mod:`staffing.blending`).
"""

import csv
from pathlib import Path

import numpy as np

from staffing.erlang import chat_required_agents, required_agents
from staffing.forecast import read_forecast

HERE = Path(__file__).resolve().parent
DAYS = [f"2026-03-0{d}" for d in range(2, 9)]  # Monday to Sunday
DAY_FACTOR = np.array([1.25, 1.1, 1.0, 1.0, 1.05, 0.75, 0.6])
HOURS = 8.0 + 0.5 * np.arange(24)  # interval starts, 08:00 to 19:30
MIDDLE = HOURS + 0.25
SPEED = (1.0, 0.85, 0.7)
"""Speed of each chat session with 1, 2, 3 open."""
RESERVE = 2
"""Blended agents kept idle for calls before any takes an email."""


def _bump(centre: float, width: float) -> np.ndarray:
    """Gaussian bump of height 1 centred at ``centre`` hours, ``width`` hours wide."""
    return np.exp(-0.5 * ((MIDDLE - centre) / width) ** 2)


SHAPES = {
    "voice": (30.0 + 60.0 * _bump(11.0, 1.4) + 40.0 * _bump(17.5, 1.6), 300.0),
    "chat": (12.0 + 30.0 * _bump(12.0, 1.8) + 25.0 * _bump(19.0, 1.5), 540.0),
    "email": (14.0 + 10.0 * _bump(10.0, 2.0) + 0.0 * MIDDLE, 300.0),
}
"""Mean contacts per 30 min on a day of factor 1, and mean handle time [s], per queue."""

OVERNIGHT = 90.0
"""Emails arriving overnight, counted in the 08:00 interval (times the day's factor)."""


def _write_forecast(name: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    mean, aht = SHAPES[name]
    rows = []
    for day, factor in zip(DAYS, DAY_FACTOR, strict=True):
        level = mean * factor
        if name == "email":
            level = level.copy()
            level[0] += OVERNIGHT * factor
        calls = rng.poisson(level)
        handle = np.round(aht * (1.0 + 0.04 * np.sin(MIDDLE / 3.0)) + rng.normal(0, 5, 24))
        for h, n, a in zip(HOURS, calls, handle, strict=True):
            rows.append([f"{day} {int(h):02d}:{round(h % 1 * 60):02d}", int(n), int(a)])
    path = HERE / f"care_{name}.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["start", "calls", "aht"])
        writer.writerows(rows)
    forecast = read_forecast(path)
    print(
        f"{path.name}: {forecast.total_calls:,.0f} contacts, peak {forecast.calls.max():.0f} "
        f"per 30 min ({forecast.load.max():.1f} Erlang), mean handle {forecast.aht.mean():.0f} s"
    )
    return forecast.calls, forecast.aht


def _toml_list(values: np.ndarray) -> str:
    return "[" + ", ".join(str(int(v)) for v in values) + "]"


TEMPLATE = """\
# An online shop's customer care over one week, 08:00-20:00 by 30 min: voice, chat and email
# queues, three groups of agents, email blended into the idle time of phone agents.
# Written by simulations/make_care_week.py (run it again to regenerate).
name = "Online shop customer care, one week"
description = "Calls, web chat (3 sessions per agent) and email answered within 24 h."

[callers]
handle_distribution = "lognormal"
handle_cv = 0.8

[staffing]
shrinkage = "30%"

[scorecard]
sector = "ecommerce"

[[queues]]
name = "voice"
forecast = "care_voice.csv"
patience = "3min"
fcr = "74%"
targets = {{ service_level = "80/20", abandon_rate = "5%" }}

[[queues]]
name = "chat"
channel = "chat"
forecast = "care_chat.csv"
patience = "4min"
max_sessions = 3
session_speed = [{speed}]
fcr = "68%"
targets = {{ service_level = "80/60" }}

[[queues]]
name = "email"
channel = "email"
forecast = "care_email.csv"
deadline = "24h"
backlog = 150
fcr = "80%"
targets = {{ within_deadline = "90%" }}

[[groups]]
name = "phone"
skills = ["voice"]
agents = {phone}
shifts = ["full day", "part day"]

[[groups]]
name = "chat"
skills = ["chat", "voice"]
overflow_after = {{ voice = "60s" }}
agents = {chat}
shifts = ["full day", "part day"]

[[groups]]
name = "blended"
skills = ["voice", "email"]
reserve = {reserve}
agents = {blended}
shifts = ["full day", "part day"]
hourly_wage = 23.0

[[shifts]]
name = "full day"
length = "8h30m"
starts = {{ from = "08:00", to = "11:30", every = "30min" }}
breaks = [
    {{ duration = "30min", window = ["3h30m", "5h"] }},
    {{ duration = "15min", window = ["1h30m", "2h30m"], paid = true }},
]

[[shifts]]
name = "part day"
length = "4h"
starts = {{ from = "08:00", to = "16:00", every = "1h" }}
part_time = true

[costs]
hourly_wage = 21.0
loading = "30%"
seat_cost_per_hour = 2.5

[simulation]
replications = 20
seed = 5
rounds = 6
"""


def main() -> None:
    """Write the forecasts and the scenario; print what was written."""
    rng = np.random.default_rng(20260302)
    data = {name: _write_forecast(name, rng) for name in SHAPES}
    calls, aht = data["voice"]
    voice = np.asarray(
        required_agents(calls, aht, interval=1800, service_level=0.8, threshold=20, patience=180.0)
    )
    chats, chat_aht = data["chat"]
    chat = np.asarray(
        chat_required_agents(
            chats,
            chat_aht,
            interval=1800,
            max_sessions=3,
            session_speed=SPEED,
            service_level=0.8,
            threshold=60,
            patience=240.0,
        )
    )
    items, item_aht = data["email"]
    email_load = items * item_aht / 1800
    # phone agents carry 70 % of the voice requirement, blended agents the rest, the email's
    # mean workload (their reserve is left to the idle time of the calls)
    phone = np.floor(0.7 * voice).astype(int)
    blended = voice - phone + int(np.ceil(email_load.mean()))
    text = TEMPLATE.format(
        speed=", ".join(str(v) for v in SPEED),
        phone=_toml_list(phone),
        chat=_toml_list(chat),
        blended=_toml_list(blended),
        reserve=RESERVE,
    )
    path = HERE / "care_week.toml"
    path.write_text(text, encoding="utf-8")
    planned = "".join(line for line in text.splitlines(True) if not line.startswith("agents ="))
    planned = planned.replace('one week"\n', 'one week, planned"\n', 1).replace(
        "(for ``simulate``", "(for ``simulate``", 1
    )
    (HERE / "care_week_plan.toml").write_text(planned, encoding="utf-8")
    print(
        f"{path.name}: peak agents phone {phone.max()}, chat {chat.max()}, blended "
        f"{blended.max()}; email {email_load.mean():.1f} Erlangs on average"
    )


if __name__ == "__main__":
    main()
