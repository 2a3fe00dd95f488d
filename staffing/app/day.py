"""The day screen: a scenario (bundled, or with an uploaded forecast), its plan, and what-ifs.

Everything here calls the library: :func:`staffing.scenario.load_scenario` and
:func:`staffing.forecast.read_forecast` read the inputs (their one-line messages name the
file, row and column), :func:`staffing.plan.plan` plans, :func:`staffing.whatif.apply_variant`
makes a variant, :func:`staffing.plan.evaluate_schedule` simulates the kept schedule under
the base and the variant with the same seed (common random numbers), and
:func:`staffing.report.plan_report.write_report` writes the same files as ``staffing plan``.
This module only turns results into plain numbers for the page.
"""

import re
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from staffing.errors import InputError
from staffing.forecast import read_forecast
from staffing.plan import (
    PlanResult,
    Round,
    erlang_requirement,
    evaluate_schedule,
    plan,
    target_checks,
)
from staffing.report.plan_report import cost_driver_lines, write_report
from staffing.scenario import Scenario, default_cyclic, load_scenario, read_toml
from staffing.whatif import PARAMETERS, apply_variant

BUNDLED = Path(__file__).resolve().parents[2] / "simulations"
"""The example scenarios of a source checkout (none in an installed wheel)."""

WHATIF_KEYS = ("volume", "aht", "shrinkage", "patience", "service_level", "threshold", "fcr")
"""The what-if sliders of the day screen: keys of :data:`staffing.whatif.PARAMETERS`."""

WHATIF_REPLICATIONS = 20
"""Simulated days of each side of a what-if."""

_KPIS = ("service_level", "asa", "abandon_rate", "occupancy", "utilization")


def bundled_scenarios(folder: Path = BUNDLED) -> dict[str, Path]:
    """Return the scenario files of ``folder`` (TOML files with a forecast), by file stem."""
    found = {}
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        try:
            if "forecast" in read_toml(path):
                found[path.stem] = path
        except InputError:
            continue
    return found


def _safe_name(name: str) -> str:
    """Return the uploaded file's base name, as typed, reduced to harmless characters."""
    base = Path(name.replace("\\", "/")).name
    return re.sub(r"[^\w.\- ]", "_", base) or "forecast.csv"


@dataclass
class Day:
    """A day (or week) on screen: the scenario, and its plan once run."""

    scenario: Scenario
    plan: PlanResult | None = None
    base: Round | None = None
    files: dict[str, Path] = field(default_factory=dict)


def load_day(name: str, upload: tuple[str, bytes] | None = None) -> Day:
    """Load a bundled scenario, with its forecast replaced by an uploaded CSV if given.

    Parameters
    ----------
    name : str
        A key of :func:`bundled_scenarios`: the shifts, callers, targets and costs.
    upload : (file name, bytes), optional
        A forecast CSV (``start, calls, aht``) for the scenario's operation; read by
        :func:`staffing.forecast.read_forecast`, whose messages name this file name. Unless
        the scenario file sets ``[schedule] cyclic``, whether the schedule wraps around is
        decided for the new forecast (:func:`staffing.scenario.default_cyclic`).

    Raises
    ------
    InputError
        An unknown scenario, or any problem of the scenario or the uploaded file.
    """
    scenarios = bundled_scenarios()
    if name not in scenarios:
        raise InputError(f"scenario = {name!r}; choose one of {', '.join(scenarios) or 'none'}")
    scenario = load_scenario(scenarios[name])
    if upload is None:
        return Day(scenario)
    filename, content = upload
    with tempfile.TemporaryDirectory(prefix="staffing-upload-") as folder:
        path = Path(folder) / _safe_name(filename)
        path.write_bytes(content)
        try:
            forecast = read_forecast(path)
        except InputError as error:  # name the file as the user knows it, not the temp path
            raise InputError(str(error).replace(str(path), path.name)) from None
    forecast = replace(forecast, source=path.name)
    rules = scenario.rules
    if rules.cyclic == default_cyclic(scenario.forecast):  # the file left it to the forecast
        rules = replace(rules, cyclic=default_cyclic(forecast))
    return Day(replace(scenario, forecast=forecast, rules=rules))


def _number(value: float) -> float | None:
    """Return a number for the page: NaN and inf (no calls, no answer) become None."""
    return float(value) if np.isfinite(value) else None


def _numbers(values: Any) -> list[float | None]:
    """Return numbers for the page, one per interval (:func:`_number`)."""
    return [_number(v) for v in np.asarray(values, dtype=float)]


def overview(day: Day) -> dict[str, Any]:
    """Return the scenario before planning: forecast and Erlang requirement per interval."""
    sc = day.scenario
    fc = sc.forecast
    req = erlang_requirement(sc)
    return {
        "name": sc.name,
        "description": sc.description,
        "source": Path(fc.source).name,
        "intervals": fc.n_intervals,
        "interval": fc.interval,
        "days": len(fc.days),
        "calls_total": fc.total_calls,
        "labels": fc.interval_names(np.arange(fc.n_intervals)),
        "calls": _numbers(fc.calls),
        "aht": _numbers(fc.aht),
        "required": req.agents.tolist(),
        "scheduled": req.scheduled.tolist(),
        "targets": _targets(sc),
        "whatif": {key: PARAMETERS[key].current(sc) for key in WHATIF_KEYS},
        "currency": sc.costs.currency,
    }


def _targets(sc: Scenario) -> dict[str, float | None]:
    t = sc.targets
    return {
        "service_level": t.service_level,
        "threshold": t.threshold,
        "abandon_rate": t.abandon_rate,
        "asa": t.asa,
        "max_occupancy": t.max_occupancy,
    }


def run_plan(day: Day, progress: Any = None) -> PlanResult:
    """Plan the day's scenario (:func:`staffing.plan.plan`) and keep the result."""
    result = plan(day.scenario, progress=progress)
    day.plan, day.base, day.files = result, None, {}
    return result


def _round_view(sc: Scenario, r: Round) -> dict[str, Any]:
    """One round's schedule and simulated KPIs, per interval and in total, for the page."""
    table = r.simulation.intervals
    costs = r.costs
    return {
        "required": r.requirement.tolist(),
        "coverage": _numbers(np.asarray(r.schedule.coverage)),
        "intervals": {k: _numbers(table[k]) for k in (*_KPIS, "offered")},
        "service_level_ci": _numbers(table["service_level_ci"]),
        "missing": int(r.missing.size),
        "totals": {k: _number(v) for k, v in asdict(r.totals).items()},
        "costs": {
            "agent wages": costs.agent_wages,
            "agent loadings": costs.agent_loadings,
            "seats": costs.seats,
            "team lead wages": costs.team_lead_wages,
            "team lead loadings": costs.team_lead_loadings,
            "overhead": costs.overhead,
            "fixed": costs.fixed,
            "total": costs.total,
        },
        "currency": sc.costs.currency,
    }


def plan_view(day: Day) -> dict[str, Any]:
    """Return the kept plan for the page: coverage, KPIs per interval, totals, checks, drivers."""
    if day.plan is None:
        raise InputError("no plan yet: run the plan first")
    result = day.plan
    view = _round_view(day.scenario, result.best)
    view["erlang"] = result.erlang.agents.tolist()
    view["rounds"] = len(result.rounds)
    view["kept"] = result.best.number
    view["checks"] = [
        {"label": c.label, "target": c.target, "value": c.value, "half": c.half, "status": c.status}
        for c in target_checks(result)
    ]
    view["drivers"] = cost_driver_lines(result)
    return view


def parse_whatif(form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Parse the what-if sliders (texts as typed) into a variant, field by field.

    Returns
    -------
    variant : dict
        Each given key of :data:`WHATIF_KEYS` and its value in the library's units.
    errors : dict
        The one-line message of each field in error, by key.
    """
    variant: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key in WHATIF_KEYS:
        text = str(form.get(key, "")).strip()
        if text:
            try:
                variant[key] = PARAMETERS[key].parse(text, key)
            except InputError as error:
                errors[key] = str(error)
    return variant, errors


def whatif(day: Day, form: Mapping[str, str]) -> dict[str, Any]:
    """Simulate the kept schedule under the base scenario and under the variant.

    Both sides: the Erlang requirement of their scenario, and
    :data:`WHATIF_REPLICATIONS` simulated days of the kept plan's schedule with the
    scenario's seed (common random numbers: the two sides differ only by what varied).

    Returns
    -------
    dict
        ``errors`` by field (nothing else when not empty), else ``variant`` (its
        description), ``base`` and ``variant_view``: each as :func:`plan_view`'s numbers.
    """
    if day.plan is None:
        raise InputError("no plan yet: run the plan first, then try what-ifs on it")
    variant, errors = parse_whatif(form)
    if errors:
        return {"errors": errors}
    sc = day.scenario
    changed = sc
    for key, value in variant.items():
        try:
            changed = apply_variant(changed, {key: value})
        except InputError as error:
            return {"errors": {key: str(error)}}
    seed = sc.simulation.seed
    if day.base is None:
        day.base = evaluate_schedule(sc, day.plan.best, replications=WHATIF_REPLICATIONS, seed=seed)
    other = evaluate_schedule(changed, day.plan.best, replications=WHATIF_REPLICATIONS, seed=seed)
    described = ", ".join(f"{k} {PARAMETERS[k].text(v)}" for k, v in variant.items())
    return {
        "errors": {},
        "variant": described or "no change",
        "replications": WHATIF_REPLICATIONS,
        "seed": seed,
        "base": _round_view(sc, day.base),
        "other": _round_view(changed, other),
    }


def report_files(day: Day, folder: Path) -> dict[str, Path]:
    """Write the plan's report (the files of ``staffing plan --out``) into ``folder``."""
    from staffing.report.output import OutputFolder

    if day.plan is None:
        raise InputError("no plan yet: run the plan first")
    if not day.files:
        out = OutputFolder(folder, "plan", force=True)
        with out.staging() as stage:
            write_report(day.plan, stage)
        day.files = {p.name: p for p in sorted(out.path.iterdir())}
    return day.files
