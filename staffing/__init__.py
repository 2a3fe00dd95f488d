"""staffing: contact-center workforce planning and staffing simulation.

The public API, by layer (DESIGN.md section 2); durations are seconds throughout:

- models: :func:`erlang_b`, :func:`erlang_c`, :func:`erlang_kpis`, :func:`required_agents`
  (module :mod:`staffing.erlang`), :class:`CostModel` and :func:`cost_breakdown`;
- value types: :class:`Forecast` (:func:`read_forecast`), :class:`ServiceTargets`,
  :class:`CallerBehaviour`, :class:`Returns`, :class:`Shift`, :class:`ShiftPattern`,
  :class:`BreakRule`, :class:`Agent`, :class:`Scenario` (:func:`load_scenario`);
- engines: :func:`compute_requirements`, :func:`simulate`, :func:`schedule`,
  :func:`roster` (the ``[roster]`` extra);
- use cases: :func:`load_bid` and :func:`price_bid`, :func:`run_sweep`; the planning
  pipeline is :func:`staffing.plan.plan` (``staffing.plan`` is its module's name).

Renderers live in :mod:`staffing.report` (import the submodule you need). Names are loaded
on first use, so ``import staffing`` is instant and loads no numerical library.

Examples
--------
>>> import staffing
>>> round(float(staffing.erlang_c(10.0, 14)), 4)
0.1741
"""

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_HOMES = {
    "InputError": "staffing.errors",
    "erlang_b": "staffing.erlang",
    "erlang_c": "staffing.erlang",
    "required_agents": "staffing.erlang",
    "CostModel": "staffing.costs",
    "cost_breakdown": "staffing.costs",
    "Forecast": "staffing.forecast",
    "read_forecast": "staffing.forecast",
    "ServiceTargets": "staffing.requirements",
    "compute_requirements": "staffing.requirements",
    "CallerBehaviour": "staffing.callers",
    "Returns": "staffing.callers",
    "Shift": "staffing.shifts",
    "ShiftPattern": "staffing.shifts",
    "BreakRule": "staffing.shifts",
    "Agent": "staffing.agents",
    "Scenario": "staffing.scenario",
    "load_scenario": "staffing.scenario",
    "simulate": "staffing.simulation",
    "SimulationResult": "staffing.simulation",
    "schedule": "staffing.scheduling",
    "roster": "staffing.rostering",
    "load_bid": "staffing.bid_terms",
    "price_bid": "staffing.pricing",
    "run_sweep": "staffing.sweep",
}
_RENAMED = {"erlang_kpis": ("staffing.erlang", "kpis")}

__all__ = sorted([*_HOMES, *_RENAMED, "__version__"])


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use (PEP 562)."""
    if name in _HOMES:
        value = getattr(import_module(_HOMES[name]), name)
    elif name in _RENAMED:
        module, attribute = _RENAMED[name]
        value = getattr(import_module(module), attribute)
    else:
        raise AttributeError(f"module 'staffing' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
