"""The calculator screen: one interval's Erlang C and Erlang A, forwards and backwards.

:func:`calculate` reads the form as typed (``"3min"``, ``"80/20"``, ``"30%"``), checks each
field on its own so that every mistake is shown beside its field, and answers with plain
numbers for the page: the requirement for the targets (the reverse question, KPIs to
agents), the KPIs at the agents chosen with the slider, and the curves of service level,
ASA, abandonment and occupancy against agents, for Erlang C and Erlang A side by side.
Every number comes from :mod:`staffing.erlang`; the app computes none itself.
"""

from collections.abc import Callable, Mapping
from dataclasses import fields
from typing import Any

import numpy as np

from staffing import _checks, erlang, units
from staffing.errors import InputError
from staffing.requirements import ServiceTargets, scheduled_positions

FIELDS: dict[str, str] = {
    "calls": "120",
    "interval": "30min",
    "aht": "4min",
    "sl": "80/20",
    "asa": "",
    "abandon": "",
    "max_occupancy": "",
    "patience": "3min",
    "shrinkage": "30%",
    "agents": "",
}
"""The calculator's fields and their defaults, as typed; an empty field is not given."""

KPIS = tuple(kpi.name for kpi in fields(erlang.ErlangKPIs))
"""KPIs shown in the table, as :class:`staffing.erlang.ErlangKPIs` names them."""

_MORE_AGENTS = 0.4
"""The curves run to the requirement plus this share of it (at least 6 agents more)."""

_TARGET_FIELDS = {
    "service_level": "sl",
    "abandon_rate": "abandon",
    "max_occupancy": "max_occupancy",
    "asa": "asa",
}


def _calls(text: str, field: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (np.isfinite(value) and value >= 0):
        raise InputError(f"{field} = {text!r}; give a number of calls >= 0, like 120")
    return value


def _positive_duration(text: str, field: str) -> float:
    value = units.parse_duration(text, field)
    if value <= 0:
        raise InputError(f"{field} = {text!r}; {field} must be > 0 seconds")
    return value


def _agents(text: str, field: str) -> int:
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{field} = {text!r}; give a whole number of agents >= 1") from None
    if not (np.isfinite(value) and value >= 1 and value == int(value)):
        raise InputError(f"{field} = {text!r}; give a whole number of agents >= 1")
    return int(value)


_PARSERS: dict[str, Callable[[str, str], Any]] = {
    "calls": _calls,
    "interval": lambda t, f: units.parse_duration(t, f, plausible="interval"),
    "aht": lambda t, f: units.parse_duration(t, f, plausible="aht"),
    "sl": units.parse_service_target,
    "asa": _positive_duration,
    "abandon": units.parse_fraction,
    "max_occupancy": units.parse_fraction,
    "patience": _positive_duration,
    "shrinkage": lambda t, f: _checks.shrinkage(units.parse_fraction(t, f), f),
    "agents": _agents,
}


def parse(form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Parse the form field by field.

    Returns
    -------
    values : dict
        Each field given and valid, in the library's units (seconds, fractions); an empty
        optional field is None.
    errors : dict
        The one-line message of each field in error, by field.
    """
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, default in FIELDS.items():
        text = str(form.get(name, default)).strip()
        if not text:
            if name in ("calls", "interval", "aht", "shrinkage"):
                errors[name] = f"{name} is empty; give a value like {default}"
            else:
                values[name] = None
            continue
        try:
            values[name] = _PARSERS[name](text, name)
        except InputError as error:
            errors[name] = str(error)
    return values, errors


def _targets(values: dict[str, Any], errors: dict[str, str]) -> ServiceTargets | None:
    """Return the service targets, or None with the message beside the field at fault."""
    share, threshold = values["sl"] if values.get("sl") else (None, 20.0)
    try:
        return ServiceTargets(
            service_level=share,
            threshold=threshold,
            asa=values.get("asa"),
            abandon_rate=values.get("abandon"),
            max_occupancy=values.get("max_occupancy"),
        )
    except InputError as error:
        message = str(error)
        field = next((f for k, f in _TARGET_FIELDS.items() if message.startswith(k)), "sl")
        errors[field] = message
        return None


def _clean(values: Any) -> list[float | None]:
    """Numbers for JSON: inf and NaN (an unstable queue's wait) become None, shown as —."""
    return [float(v) if np.isfinite(v) else None for v in np.atleast_1d(values)]


def _required(calls: float, aht: float, v: dict[str, Any], targets: ServiceTargets) -> dict:
    """Agents required by Erlang C (targets without abandonment) and Erlang A."""
    args = {"interval": v["interval"], **targets.as_kwargs()}
    c_args = {**args, "abandon_rate": None}
    need = {"C": int(erlang.required_agents(calls, aht, **c_args))}
    if v["patience"] is not None:
        need["A"] = int(erlang.required_agents(calls, aht, patience=v["patience"], **args))
    return need


def calculate(form: Mapping[str, str]) -> dict[str, Any]:
    """Answer the calculator's form.

    Parameters
    ----------
    form : mapping of str to str
        Field texts as typed (see :data:`FIELDS`); missing fields take their defaults.

    Returns
    -------
    dict
        ``errors`` (message by field; nothing else when not empty), else ``load``
        [Erlang], ``required`` (agents on the phones by model ``C`` and ``A``), ``scheduled``
        (positions before shrinkage by model), ``agents`` (the count shown: the slider's,
        else the requirement), ``table`` (each KPI at ``agents`` by model) and ``curves``
        (``agents`` and each KPI by model against them). Waits are in seconds; shares in
        [0, 1]; an undefined value (an unstable queue's wait) is None.

    Notes
    -----
    Erlang C assumes callers never hang up, so it ignores the abandonment target; Erlang A
    (Palm 1943; Garnett, Mandelbaum & Reiman 2002) needs a patience and is left out without
    one. The formulas are those of :func:`staffing.erlang.kpis`.
    """
    v, errors = parse(form)
    targets = _targets(v, errors) if "sl" not in errors else None
    if errors or targets is None:
        return {"errors": errors}
    calls, aht = v["calls"], v["aht"]
    load = calls * aht / v["interval"]
    need = _required(calls, aht, v, targets)
    top = max(need.values())
    shown = v["agents"] if v["agents"] is not None else need.get("A", need["C"])
    high = max(top + max(6, int(np.ceil(_MORE_AGENTS * top))), shown + 2)
    counts = np.arange(max(int(np.floor(load)) - 2, 1), high + 1)
    models = {"C": None, "A": v["patience"]} if v["patience"] is not None else {"C": None}
    curves: dict[str, Any] = {"agents": counts.tolist()}
    table: dict[str, dict[str, float | None]] = {}
    for model, patience in models.items():
        common = {"interval": v["interval"], "threshold": targets.threshold, "patience": patience}
        at = erlang.kpis(calls, aht, shown, **common)
        table[model] = {k: _clean(getattr(at, k))[0] for k in KPIS}
        k = erlang.kpis(calls, aht, counts, **common)
        curves[model] = {name: _clean(getattr(k, name)) for name in KPIS}
    return {
        "errors": {},
        "load": load,
        "required": need,
        "scheduled": {m: int(scheduled_positions(n, v["shrinkage"])) for m, n in need.items()},
        "agents": shown,
        "threshold": targets.threshold,
        "targets": {
            "service_level": targets.service_level,
            "asa": targets.asa,
            "abandon_rate": targets.abandon_rate,
            "max_occupancy": targets.max_occupancy,
        },
        "table": table,
        "curves": curves,
    }
