"""Regenerate the stored high-precision reference tables used by ``tests/test_erlang.py``.

    cd /work/main && .venv/bin/python tests/make_reference.py

writes

* ``tests/data/erlang_bc_reference.csv``: Erlang B and Erlang C at integer agents, loads from
  1e-6 to 100,000 Erlangs, agents from 1 to ~1.2 x load and at occupancy 0.999;
* ``tests/data/erlang_kpis_reference.csv``: every KPI of ``staffing.erlang.kpis`` for Erlang C
  (model ``C``, patience ``inf``) and exact Erlang A (model ``A``): AHT 30 s to 1800 s, patience
  5 s to 4 h (and patience == AHT), under- and over-loaded, thresholds 0 s to 1 h.

Every value comes from :mod:`erlang_reference` (mpmath, 50 digits) and is written with 25
significant digits; inputs are written with ``repr`` so they read back as the same doubles.
It takes a few minutes on two cores. The tests re-derive a sample of rows on every run, so a
table that no longer matches its generator fails the suite.
"""

from __future__ import annotations

import csv
import math
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import mpmath as mp

sys.path.insert(0, str(Path(__file__).resolve().parent))

import erlang_reference as ref

DATA = Path(__file__).resolve().parent / "data"
BC_FILE = DATA / "erlang_bc_reference.csv"
KPI_FILE = DATA / "erlang_kpis_reference.csv"
KPI_COLUMNS = (
    "model",
    "calls",
    "aht",
    "agents",
    "interval",
    "threshold",
    "patience",
    *ref.KPI_NAMES,
)


def fmt(x: mp.mpf) -> str:
    """25 significant digits, or ``inf``."""
    if mp.isinf(x):
        return "inf"
    return mp.nstr(x, 25, min_fixed=1, max_fixed=0)


# ---------------------------------------------------------------------------- grids

BC_LOADS = (
    1e-6, 3.7e-4, 0.05, 0.7, 1.0, 2.5, 9.99, 42.0, 137.2, 999.5, 5000.0, 20000.0, 1e5,
)  # fmt: skip


def agents_around(load: float, *, small: bool = True) -> list[int]:
    """Agent counts from 1 to ~1.2 x load, and near the load (occupancy 0.999 ... 0.8)."""
    cands = {
        math.floor(load * 0.5),
        math.floor(load),
        math.ceil(load),
        math.ceil(load) + 1,
        math.ceil(load / 0.999),
        math.ceil(load / 0.99),
        math.ceil(load / 0.95),
        math.ceil(load / 0.9),
        math.ceil(load / 0.8),
        math.ceil(load * 1.2),
        math.ceil(load + 3 * math.sqrt(load)),
    }
    if small:
        cands |= {1, 2, 5}
    if load < 1:
        cands |= {3, 10, 30}
    return sorted(n for n in cands if n >= 1)


def bc_cases() -> list[tuple[float, int]]:
    cases = {(load, n) for load in BC_LOADS for n in agents_around(load)}
    # The large-scale checkpoints: exactly 1,000, 20,000 and 100,000 agents.
    cases |= {(990.0, 1000), (999.5, 1000), (19990.0, 20000), (19000.0, 20000)}
    cases |= {(99900.0, 100000), (99000.0, 100000), (100000.0, 100000), (99999.5, 100000)}
    return sorted(cases)


def bc_row(case: tuple[float, int]) -> list[str]:
    load, n = case
    return [repr(load), str(n), fmt(ref.erlang_b(load, n)), fmt(ref.erlang_c(load, n))]


C_KPI_LOADS = (1e-6, 0.02, 0.9, 7.5, 33.3, 250.0, 2000.0, 30000.0, 1e5)
C_AHTS = (30.0, 180.0, 240.0, 600.0, 1800.0)
INTERVALS = (1800.0, 900.0, 3600.0)
THRESHOLDS = (0.0, 20.0, 180.0, 3600.0)


def c_kpi_cases() -> list[tuple]:
    cases = []
    for i, load in enumerate(C_KPI_LOADS):
        for k, aht in enumerate(C_AHTS):
            interval = INTERVALS[(i + k) % len(INTERVALS)]
            calls = load * interval / aht
            for n in agents_around(load, small=load < 10):
                for t in THRESHOLDS:
                    cases.append(("C", calls, aht, n, interval, t, math.inf))
    # The classic worked example: 100 calls / 30 min, AHT 180 s, 13 and 14 agents, T = 20 s.
    cases += [("C", 100.0, 180.0, n, 1800.0, 20.0, math.inf) for n in (11, 12, 13, 14, 15)]
    return cases


A_LOADS = (0.3, 4.2, 17.5, 48.3)
A_AHTS = (30.0, 180.0, 600.0, 1800.0)
A_PATIENCES = (5.0, 60.0, 600.0, 3600.0, 14400.0)


def a_base_cases() -> list[tuple]:
    """(calls, aht, agents, interval, patience), thresholds added later."""
    cases = []
    for i, load in enumerate(A_LOADS):
        for k, aht in enumerate(A_AHTS):
            interval = INTERVALS[(i + k) % len(INTERVALS)]
            calls = load * interval / aht
            agents = sorted(
                {
                    max(1, round(0.6 * load)),
                    max(1, math.floor(load)),
                    math.ceil(load) + 1,
                    math.ceil(1.3 * load) + 2,
                }
            )
            for patience in sorted({*A_PATIENCES, aht}):
                for n in agents:
                    cases.append((calls, aht, n, interval, patience))
    # Far right tail: P(wait) below 1e-100.
    for load, aht, n in ((0.3, 180.0, 60), (0.05, 600.0, 60), (4.2, 30.0, 90)):
        cases += [(load * 1800.0 / aht, aht, n, 1800.0, p) for p in (60.0, 3600.0)]
    # No agents at all: everyone abandons.
    cases += [(40.0, 180.0, 0, 1800.0, 60.0), (3.0, 600.0, 0, 1800.0, 3600.0)]
    # Larger centres (short patience keeps the reference's queue truncation small).
    for load, aht, ns, patiences in (
        (150.0, 180.0, (120, 140, 150, 165), (60.0, 180.0, 600.0)),
        (5000.0, 300.0, (4900, 5000, 5100), (120.0,)),
        (20000.0, 240.0, (19800, 20000, 20200), (60.0,)),
    ):
        calls = load * 1800.0 / aht
        cases += [(calls, aht, n, 1800.0, p) for n in ns for p in patiences]
    return cases


def a_rows(case: tuple) -> list[list[str]]:
    calls, aht, n, interval, patience = case
    kpis, sls = ref.erlang_a_kpis(calls, aht, n, interval, THRESHOLDS, patience)
    rows = []
    for t in THRESHOLDS:
        values = dict(kpis)
        values["service_level"], values["service_level_answered"] = sls[t]
        rows.append(
            ["A", repr(calls), repr(aht), str(n), repr(interval), repr(t), repr(patience)]
            + [fmt(values[k]) for k in ref.KPI_NAMES]
        )
    return rows


def c_row(case: tuple) -> list[str]:
    _, calls, aht, n, interval, t, _ = case
    values = ref.erlang_c_kpis(calls, aht, n, interval, t)
    return ["C", repr(calls), repr(aht), str(n), repr(interval), repr(t), "inf"] + [
        fmt(values[k]) for k in ref.KPI_NAMES
    ]


def main() -> None:
    DATA.mkdir(exist_ok=True)
    with ProcessPoolExecutor() as pool:
        bc = list(pool.map(bc_row, bc_cases()))
        c_rows = list(pool.map(c_row, c_kpi_cases()))
        a_nested = list(pool.map(a_rows, a_base_cases()))
    with BC_FILE.open("w", newline="") as f:
        f.write("# Erlang B and C references: mpmath at 50 digits; by tests/make_reference.py\n")
        w = csv.writer(f)
        w.writerow(["load", "agents", "erlang_b", "erlang_c"])
        w.writerows(bc)
    with KPI_FILE.open("w", newline="") as f:
        f.write(
            "# Erlang C and exact Erlang A KPI references (seconds): mpmath at 50 digits;"
            " made by tests/make_reference.py\n"
        )
        w = csv.writer(f)
        w.writerow(KPI_COLUMNS)
        w.writerows(c_rows)
        for rows in a_nested:
            w.writerows(rows)
    print(f"{BC_FILE}: {len(bc)} rows")
    print(f"{KPI_FILE}: {len(c_rows)} Erlang C rows, {4 * len(a_nested)} Erlang A rows")


if __name__ == "__main__":
    main()
