"""Simulation of a contact-center day: the shared model, two engines, replications and KPIs.

- :mod:`~staffing.simulation.model`: callers drawn up front, agents' on-phone windows,
  outcomes, and the interval clock, shared by both engines;
- :mod:`~staffing.simulation.simpy_engine`: the readable SimPy reference engine;
- :mod:`~staffing.simulation.fast_engine`: the compiled engine (numba), the same outcome
  for every caller;
- :mod:`~staffing.simulation.run`: :func:`simulate`, replications in either engine reduced
  to KPI tables with confidence intervals.

The engines import the model, never each other (an import contract checks it); the engines
themselves are imported only when a simulation runs.
"""

from staffing.simulation.model import (
    ABANDONED,
    ANSWERED,
    FRESH,
    REDIAL,
    REPEAT,
    WAITING,
    AgentWindows,
    Callers,
    Grid,
    Outcome,
    ReturnDraws,
    callers_at,
    draw_callers,
    windows_from_counts,
    windows_from_shifts,
)
from staffing.simulation.run import ENGINES, SimulationResult, simulate

__all__ = [
    "ABANDONED",
    "ANSWERED",
    "ENGINES",
    "FRESH",
    "REDIAL",
    "REPEAT",
    "WAITING",
    "AgentWindows",
    "Callers",
    "Grid",
    "Outcome",
    "ReturnDraws",
    "SimulationResult",
    "callers_at",
    "draw_callers",
    "simulate",
    "windows_from_counts",
    "windows_from_shifts",
]
