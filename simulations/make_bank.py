"""Generate the bundled multi-skill example: a retail bank's contact center on one weekday.

Run ``python simulations/make_bank.py`` from the repository root; it overwrites the files
below with the same bytes every time (a ``numpy.random.Generator`` with a fixed seed) and
prints a summary. Volumes are invented but shaped like a bank's lines (a morning peak near
10:00, a smaller one after lunch, a quiet evening); handle times sit in the ranges of
``KPI_BENCHMARKS.md`` (financial services AHT 5-8 min, simple inquiries 2-3 min):

``bank_service_en.csv``
    General service in English, 08:00-20:00 by 30 min, ~330 calls per 30 min at the peak,
    AHT ~330 s.
``bank_service_fr.csv``
    The same service in French (the second language): about a fifth of the English volume,
    AHT ~360 s.
``bank_cards.csv``
    Lost and stolen cards: short urgent calls (AHT ~200 s), flatter over the day.
``bank_mortgages.csv``
    The specialist mortgage line: few long calls (AHT ~720 s), busiest at lunch and after
    work.
``bank_center.toml``
    The scenario: the four queues, and three groups: generalists (English service and
    cards), bilingual agents (French first, then English after 20 s and cards; French and
    cards have priority) and mortgage
    specialists (mortgages, and English service after 60 s at 1.15 times the handle time).
    Each group's agents per interval are its Erlang A requirement (queues it serves first,
    at their targets), less one agent in peaks for generalists, who get help by overflow.
``bank_center_plan.toml``
    The same scenario for ``staffing plan``: no fixed agents, so every group is scheduled
    from its ``shifts`` patterns.
``bank_chat.csv``
    Web chat: ~110 chats per 30 min at the peak, 9 min of work per chat at full speed.
``bank_center_chat.toml``
    The same center with the web chat queue (3 sessions per agent, each at 1, 0.85 or 0.7
    of full speed with 1, 2 or 3 open) and a chat group, which also takes English calls
    after 30 s when it has no session open; its agents per interval are
    ``erlang.chat_required_agents`` at 80/60 (the effective-handle-time method). For the
    channel table, first-contact resolution (reported, not simulated) is 78 % on the calls
    (``[callers] fcr``) and 68 % on chat, compared with the financial services FCR range.
"""

import csv
from pathlib import Path

import numpy as np

from staffing.erlang import chat_required_agents, required_agents
from staffing.forecast import read_forecast

HERE = Path(__file__).resolve().parent
DAY = "2026-03-03"
HOURS = 8.0 + 0.5 * np.arange(24)  # interval starts, 08:00 to 19:30
MIDDLE = HOURS + 0.25


def _bump(centre: float, width: float) -> np.ndarray:
    """Gaussian bump of height 1 centred at ``centre`` hours, ``width`` hours wide."""
    return np.exp(-0.5 * ((MIDDLE - centre) / width) ** 2)


SHAPES = {
    "service_en": (60.0 + 270.0 * _bump(10.0, 1.3) + 170.0 * _bump(14.0, 1.5), 330.0),
    "service_fr": (12.0 + 55.0 * _bump(10.2, 1.4) + 35.0 * _bump(14.2, 1.4), 360.0),
    "cards": (30.0 + 25.0 * _bump(9.0, 1.5) + 20.0 * _bump(18.5, 1.2), 200.0),
    "mortgages": (6.0 + 14.0 * _bump(12.5, 1.0) + 18.0 * _bump(17.5, 1.2), 720.0),
    "chat": (20.0 + 60.0 * _bump(11.0, 1.6) + 45.0 * _bump(15.0, 1.8), 540.0),
}
"""Mean calls per 30 min and mean AHT [s] of each queue."""


def _write_forecast(name: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    mean_calls, aht = SHAPES[name]
    calls = rng.poisson(mean_calls)
    handle = np.round(aht * (1.0 + 0.05 * np.sin(MIDDLE / 3.0)) + rng.normal(0, 6, HOURS.size))
    path = HERE / f"bank_{name}.csv"
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["start", "calls", "aht"])
        for h, n, a in zip(HOURS, calls, handle, strict=True):
            writer.writerow([f"{DAY} {int(h):02d}:{round(h % 1 * 60):02d}", int(n), int(a)])
    forecast = read_forecast(path)
    print(
        f"{path.name}: {forecast.total_calls:,.0f} calls, peak {forecast.calls.max():.0f} per "
        f"30 min ({forecast.load.max():.1f} Erlang), AHT {forecast.aht.mean():.0f} s"
    )
    return forecast.calls, forecast.aht


def _need(calls: np.ndarray, aht: np.ndarray, level: float, threshold: float, patience: float):
    return np.asarray(
        required_agents(
            calls,
            aht,
            interval=1800,
            service_level=level,
            threshold=threshold,
            patience=patience,
        )
    )


def _toml_list(values: np.ndarray) -> str:
    return "[" + ", ".join(str(int(v)) for v in values) + "]"


TEMPLATE = """\
# A retail bank's contact center on a weekday, 08:00-20:00 by 30 min: four queues, three
# groups of agents. Written by simulations/make_bank.py (run it again to regenerate).
name = "Retail bank, multi-skill"
description = "English and French service, lost cards and mortgages; three skill groups."

[targets]
service_level = "80/20"
abandon_rate = "5%"

[callers]
patience = "3min"
handle_distribution = "lognormal"
handle_cv = 0.9

[staffing]
shrinkage = "30%"

[[queues]]
name = "service_en"
forecast = "bank_service_en.csv"
priority = 1

[[queues]]
name = "service_fr"
forecast = "bank_service_fr.csv"
priority = 0

[[queues]]
name = "cards"
forecast = "bank_cards.csv"
patience = "2min"
priority = 0
targets = {{ service_level = "90/15", abandon_rate = "3%" }}

[[queues]]
name = "mortgages"
forecast = "bank_mortgages.csv"
patience = "5min"
priority = 1
targets = {{ service_level = "80/60" }}

[[groups]]
name = "generalists"
skills = ["service_en", "cards"]
agents = {generalists}
shifts = ["full day", "part day"]

[[groups]]
name = "bilingual"
skills = ["service_fr", "service_en", "cards"]
overflow_after = {{ service_en = "20s" }}
agents = {bilingual}
shifts = ["full day", "part day"]
hourly_wage = 25.0

[[groups]]
name = "specialists"
skills = ["mortgages", "service_en"]
overflow_after = {{ service_en = "60s" }}
handle_factor = {{ service_en = 1.15 }}
agents = {specialists}
shifts = ["full day"]
hourly_wage = 31.0

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
hourly_wage = 22.0
loading = "30%"
seat_cost_per_hour = 2.5

[simulation]
replications = 20
seed = 11
"""


def _plan_variant(text: str) -> str:
    """Return the scenario without fixed agents: every group planned from its patterns."""
    lines = text.splitlines(keepends=True)
    header = (
        "# The retail bank of bank_center.toml for `staffing plan`: the same queues, groups and\n"
        "# forecasts, with no fixed agents, so each group is scheduled from its shifts patterns.\n"
    )
    body = [
        line.replace('"Retail bank, multi-skill"', '"Retail bank, multi-skill, planned"')
        for line in lines[2:]
        if not line.startswith("agents = [")
    ]
    return header + "".join(body)


SPEED = (1.0, 0.85, 0.7)
"""Speed of each chat session with 1, 2, 3 open."""

CHAT = """\
[[queues]]
name = "chat"
channel = "chat"
forecast = "bank_chat.csv"
patience = "4min"
priority = 1
fcr = "68%"
max_sessions = 3
session_speed = [{speed}]
targets = {{ service_level = "80/60" }}

[[groups]]
name = "chat"
skills = ["chat", "service_en"]
overflow_after = {{ service_en = "30s" }}
agents = {agents}
shifts = ["full day", "part day"]

"""


SECTOR = """
[scorecard]
sector = "financial_services"
"""
"""The chat scenario's benchmark sector: its channel table's resolution band is the
financial services FCR range (75-82 %)."""


def main() -> None:
    """Write the five forecasts and the three scenarios next to this script."""
    rng = np.random.default_rng(20260303)
    data = {name: _write_forecast(name, rng) for name in SHAPES}
    en, fr, cards, mortgages = (data[k] for k in ("service_en", "service_fr", "cards", "mortgages"))
    # generalists: English service and cards pooled (AHT weighted), less one in the peaks
    pooled = en[0] + cards[0]
    aht = (en[0] * en[1] + cards[0] * cards[1]) / pooled
    generalists = _need(pooled, aht, 0.8, 20.0, 180.0)
    generalists = generalists - (generalists >= 30)
    bilingual = _need(fr[0], fr[1], 0.8, 20.0, 180.0)
    specialists = _need(mortgages[0], mortgages[1], 0.8, 60.0, 300.0)
    path = HERE / "bank_center.toml"
    text = TEMPLATE.format(
        generalists=_toml_list(generalists),
        bilingual=_toml_list(bilingual),
        specialists=_toml_list(specialists),
    )
    path.write_text(text, encoding="utf-8")
    (HERE / "bank_center_plan.toml").write_text(_plan_variant(text), encoding="utf-8")
    print(
        f"{path.name}: peak agents generalists {generalists.max()}, bilingual "
        f"{bilingual.max()}, specialists {specialists.max()}"
    )
    chats, chat_aht = data["chat"]
    chat_agents = np.asarray(
        chat_required_agents(
            chats,
            chat_aht,
            3,
            session_speed=SPEED,
            service_level=0.8,
            threshold=60.0,
            patience=240.0,
        )
    )
    block = CHAT.format(speed=", ".join(str(v) for v in SPEED), agents=_toml_list(chat_agents))
    head, shifts = text.split("[[shifts]]", 1)
    head = head.replace("four queues, three\n# groups", "five queues (one chat), four\n# groups", 1)
    head = head.replace(
        'description = "English and French service, lost cards and mortgages; three skill groups."',
        'description = "The bank center with web chat: 3 sessions per chat agent, slowing as they '
        'open."',
        1,
    )
    head = head.replace("handle_cv = 0.9\n", 'handle_cv = 0.9\nfcr = "78%"\n', 1)
    path = HERE / "bank_center_chat.toml"
    path.write_text(head + block + "[[shifts]]" + shifts + SECTOR, encoding="utf-8")
    print(f"{path.name}: peak agents in chat {chat_agents.max()}")


if __name__ == "__main__":
    main()
