"""What can vary in a what-if: scenario inputs parsed from text and applied to a scenario.

:data:`PARAMETERS` lists the inputs a what-if may vary (volume, AHT, shrinkage, patience,
service targets, wage, first-contact resolution, redials); each entry parses the text a
person types (``volume=0.9:1.2:0.05``, ``shrinkage=25%,35%``) and applies a value onto a
:class:`~staffing.scenario.Scenario` with :func:`dataclasses.replace`, so the scenario's
objects validate the variant themselves. :func:`variants` is the cartesian product of the
values; :mod:`staffing.sweep` plans them.

A scenario with ``[[queues]]`` (a center, :class:`staffing.center.Center`) takes the same
keys. Those of a queue's own inputs (volume, AHT, patience, service targets) take a queue's
name after a colon (``volume:sales=1.1`` scales the forecast of ``sales`` alone); without
one they apply to every queue (and to the ``[callers]`` and ``[targets]`` defaults). The
variant's center is rebuilt with :func:`dataclasses.replace`, so it validates itself, and
the scenario's pooled forecast is recomputed from it. ``shrinkage`` and ``wage`` are the
center's as a whole; contacts that come back (``fcr``, ``redial`` and their delays) are
simulated for one queue only, so a center refuses them.

Examples
--------
>>> parse_vary("volume=0.9:1.2:0.05")
('volume', [0.9, 0.95, 1.0, 1.05, 1.1, 1.15, 1.2])
>>> parse_vary("shrinkage=25%,35%")
('shrinkage', [0.25, 0.35])
>>> parse_vary("volume:sales=1,1.2")
('volume:sales', [1.0, 1.2])
>>> variants({"volume": [0.9, 1.1], "shrinkage": [0.25, 0.35]})[:2]
[{'volume': 0.9, 'shrinkage': 0.25}, {'volume': 0.9, 'shrinkage': 0.35}]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from staffing import _checks, units
from staffing.errors import InputError

if TYPE_CHECKING:
    from staffing.center import Queue
    from staffing.scenario import Scenario

Value = float | None
"""One value of a varied input; None only for ``patience`` (callers never hang up)."""


# --------------------------------------------------------------------------- parsing


def _number(text: str, field: str) -> float:
    """Parse a finite decimal number."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise InputError(f"{field} = {text!r}: expected a number like 1.1")
    return value


def _positive(text: str, field: str) -> float:
    value = _number(text, field)
    if value <= 0:
        raise InputError(f"{field} = {text!r}: must be > 0")
    return value


def _non_negative(text: str, field: str) -> float:
    value = _number(text, field)
    if value < 0:
        raise InputError(f"{field} = {text!r}: must be >= 0")
    return value


def _signed_seconds(text: str, field: str) -> float:
    """Parse a duration with an optional sign: ``-30``, ``+15s``, ``-1min``."""
    stripped = text.strip()
    sign = -1.0 if stripped.startswith("-") else 1.0
    return sign * units.parse_duration(stripped.lstrip("+-"), field)


def _patience(text: str, field: str) -> Value:
    if text.strip().lower() in {"none", "off", "inf"}:
        return None
    value = units.parse_duration(text, field)
    if value <= 0:
        raise InputError(f"{field} = {text!r}: patience must be > 0 seconds (or none)")
    return value


# --------------------------------------------------------------------------- appliers


def _scale_calls[Part: (Scenario, Queue)](sc: Part, factor: Value) -> Part:
    """Scale the calls of a scenario of one queue, or of one queue of a center."""
    fc = sc.forecast
    return replace(sc, forecast=replace(fc, calls=fc.calls * factor))


def _shift_aht[Part: (Scenario, Queue)](sc: Part, delta: Value) -> Part:
    import numpy as np

    fc = sc.forecast
    aht = fc.aht + delta
    bad = np.flatnonzero((fc.calls > 0) & (aht <= 0))
    if bad.size:
        k = int(bad[0])
        start = fc.start_text()[k]
        raise InputError(
            f"AHT {fc.aht[k]:g} s {delta:+g} s = {aht[k]:g} s in the interval starting {start}, "
            "which has calls; AHT must stay > 0"
        )
    return replace(sc, forecast=replace(fc, aht=np.maximum(aht, 0.0)))


def _scale_aht[Part: (Scenario, Queue)](sc: Part, factor: Value) -> Part:
    fc = sc.forecast
    return replace(sc, forecast=replace(fc, aht=fc.aht * factor))


def _set_shrinkage(sc: Scenario, value: Value) -> Scenario:
    return replace(sc, shrinkage=_checks.shrinkage(value))


def _set(part: str, name: str) -> Callable[[Any, Value], Any]:
    """Applier setting attribute ``name`` of the ``part`` of a scenario or of a queue.

    A scenario of one queue and each queue of a center carry a ``forecast``, ``callers``
    and ``targets``: the same applier serves both.
    """

    def apply[Part: (Scenario, Queue)](sc: Part, value: Value) -> Part:
        return replace(sc, **{part: replace(getattr(sc, part), **{name: value})})

    return apply


def _queue_patience(queue: Queue, value: Value) -> Queue:
    """Set a queue's mean patience in every interval: its forecast's patience column goes."""
    return replace(queue, callers=replace(queue.callers, patience=value), patience=None)


def _set_wages(sc: Scenario, value: Value) -> Scenario:
    """Set ``[costs] hourly_wage`` of a center; every group is paid it (its own wage goes)."""
    center = sc.center
    assert center is not None
    groups = tuple(replace(g, hourly_wage=None) for g in center.groups)
    costs = replace(sc.costs, hourly_wage=value)
    return replace(sc, costs=costs, center=replace(center, groups=groups))


def _set_returns(name: str) -> Callable[[Scenario, Value], Scenario]:
    """Applier setting attribute ``name`` of the callers' returns (FCR and redials)."""

    def apply(sc: Scenario, value: Value) -> Scenario:
        callers = sc.callers
        returns = replace(callers.returns, **{name: value})
        return replace(sc, callers=replace(callers, returns=returns))

    return apply


# --------------------------------------------------------------------------- registry


def _share_text(value: Value) -> str:
    return "none" if value is None else f"{100 * value:.4g}%"


def _duration_text(value: Value) -> str:
    return "none" if value is None else units.format_duration(value)


@dataclass(frozen=True)
class Parameter:
    """An input a sweep can vary.

    Attributes
    ----------
    key : str
        The name given to ``--vary``.
    meaning : str
        What a value is, with its unit, for messages and help.
    example : str
        Values as typed, e.g. ``0.9:1.2:0.05``.
    label : str
        Axis label with its unit; ``{currency}`` is replaced by the scenario's currency.
    header : str
        Short column header for tables.
    parse : callable
        ``parse(text, field)`` -> value in the package's units (seconds, fractions).
    apply : callable
        ``apply(scenario, value)`` -> the variant scenario.
    current : callable
        ``current(scenario)`` -> the value in the scenario as written (the baseline).
    text : callable
        ``text(value)`` -> the value for tables and headlines (``85%``, ``3 min``).
    percent : bool
        Whether charts draw the value in percent.
    queue : callable or None
        ``queue(queue, value)`` -> one queue of a center with the value applied: the key
        then takes a queue's name (``volume:sales``), and without one applies to every
        queue. None: the key is not a queue's own.
    center : callable or None
        ``center(scenario, value)`` -> the variant of a scenario with ``[[queues]]``, for a
        key that is the center's as a whole (shrinkage, wage). A key with neither
        ``queue`` nor ``center`` cannot vary a center.
    """

    key: str
    meaning: str
    example: str
    label: str
    header: str
    parse: Callable[[str, str], Value]
    apply: Callable[[Scenario, Value], Scenario]
    current: Callable[[Scenario], Value]
    text: Callable[[Value], str] = "{:g}".format
    percent: bool = False
    queue: Callable[[Queue, Value], Queue] | None = None
    center: Callable[[Scenario, Value], Scenario] | None = None


_PARAMETERS = (
    Parameter(
        "volume",
        "a multiplier on every interval's calls",
        "0.9:1.2:0.05",
        "volume [multiple of the forecast calls]",
        "volume",
        _positive,
        _scale_calls,
        lambda sc: 1.0,
        queue=_scale_calls,
    ),
    Parameter(
        "aht",
        "seconds added to every interval's AHT (may be negative)",
        "-30:30:15",
        "AHT change [s]",
        "AHT change",
        _signed_seconds,
        _shift_aht,
        lambda sc: 0.0,
        text=lambda v: f"{v:+g} s",
        queue=_shift_aht,
    ),
    Parameter(
        "aht_factor",
        "a multiplier on every interval's AHT",
        "0.9,1,1.1",
        "AHT [multiple of the forecast AHT]",
        "AHT factor",
        _positive,
        _scale_aht,
        lambda sc: 1.0,
        queue=_scale_aht,
    ),
    Parameter(
        "shrinkage",
        "the share of paid time off the phones besides breaks",
        "25%:35%:5%",
        "shrinkage [%]",
        "shrinkage",
        units.parse_fraction,
        _set_shrinkage,
        lambda sc: sc.shrinkage,
        text=_share_text,
        percent=True,
        center=_set_shrinkage,
    ),
    Parameter(
        "patience",
        "callers' mean patience (none: nobody hangs up)",
        "1min:5min:1min",
        "mean caller patience [s]",
        "patience",
        _patience,
        _set("callers", "patience"),
        lambda sc: sc.callers.patience,
        text=_duration_text,
        queue=_queue_patience,
    ),
    Parameter(
        "service_level",
        "the target share answered within the threshold",
        "80%,85%,90%",
        "target service level [%]",
        "SL target",
        units.parse_fraction,
        _set("targets", "service_level"),
        lambda sc: sc.targets.service_level,
        text=_share_text,
        percent=True,
        queue=_set("targets", "service_level"),
    ),
    Parameter(
        "threshold",
        "the service-level answer time",
        "10:30:10",
        "service-level answer time [s]",
        "SL threshold",
        units.parse_duration,
        _set("targets", "threshold"),
        lambda sc: sc.targets.threshold,
        text=_duration_text,
        queue=_set("targets", "threshold"),
    ),
    Parameter(
        "abandon_rate",
        "the target maximum share abandoned",
        "3%,5%,8%",
        "target abandon rate [%]",
        "abandon target",
        units.parse_fraction,
        _set("targets", "abandon_rate"),
        lambda sc: sc.targets.abandon_rate,
        text=_share_text,
        percent=True,
        queue=_set("targets", "abandon_rate"),
    ),
    Parameter(
        "wage",
        "the agents' hourly wage",
        "16:20:1",
        "hourly wage [{currency}/h]",
        "wage/h",
        _non_negative,
        _set("costs", "hourly_wage"),
        lambda sc: sc.costs.hourly_wage,
        text="{:.2f}".format,
        center=_set_wages,
    ),
    Parameter(
        "fcr",
        "first-contact resolution, in (0, 1]",
        "70%:100%:10%",
        "first-contact resolution [%]",
        "FCR",
        units.parse_fraction,
        _set_returns("fcr"),
        lambda sc: sc.callers.returns.fcr,
        text=_share_text,
        percent=True,
    ),
    Parameter(
        "redial",
        "the probability that a caller who hung up calls again, in [0, 1)",
        "0,20%,40%",
        "redial probability [%]",
        "redial",
        units.parse_fraction,
        _set_returns("redial"),
        lambda sc: sc.callers.returns.redial,
        text=_share_text,
        percent=True,
    ),
    Parameter(
        "repeat_delay",
        "the mean delay from an unresolved call to the repeat contact",
        "30min,1h,2h",
        "mean delay to a repeat contact [s]",
        "repeat delay",
        units.parse_duration,
        _set_returns("repeat_delay"),
        lambda sc: sc.callers.returns.repeat_delay,
        text=_duration_text,
    ),
    Parameter(
        "redial_delay",
        "the mean delay from hanging up to the redial",
        "1min,5min,15min",
        "mean delay to a redial [s]",
        "redial delay",
        units.parse_duration,
        _set_returns("redial_delay"),
        lambda sc: sc.callers.returns.redial_delay,
        text=_duration_text,
    ),
)

PARAMETERS: dict[str, Parameter] = {p.key: p for p in _PARAMETERS}
"""What a sweep can vary, by key, in the order of ``--vary`` help."""

MAX_VARIANTS = 1000
"""Most variants in one sweep: a guard against a mistyped step planning for days."""

_KEYS = ", ".join(PARAMETERS)
_FORMS = "KEY=FROM:TO:STEP (inclusive) or KEY=A,B,C"


_RETURN_KEYS = ", ".join(k for k, p in PARAMETERS.items() if p.queue is p.center is None)


def _parameter(key: str, field: str) -> Parameter:
    p = PARAMETERS.get(key.partition(":")[0])
    if p is None:
        raise InputError(f"{field}: unknown key {key!r}; allowed keys: {_KEYS}")
    return p


def parameter(key: str) -> Parameter:
    """Return the :class:`Parameter` of a key, with or without a queue (``volume:sales``).

    Raises
    ------
    InputError
        For an unknown key.
    """
    return _parameter(key, "vary")


def queue_of(key: str) -> str | None:
    """Return the queue a key names after a colon (``volume:sales``: ``sales``), or None."""
    _, colon, queue = key.partition(":")
    return queue if colon else None


def header(key: str) -> str:
    """Short column header of a key: ``volume``, ``SL target cards``."""
    queue = queue_of(key)
    return parameter(key).header + ("" if queue is None else f" {queue}")


def label(key: str) -> str:
    """Axis label of a key with its unit (``{currency}`` left in): ``cards: target ...``."""
    queue = queue_of(key)
    return ("" if queue is None else f"{queue}: ") + parameter(key).label


def baseline(scenario: Scenario, key: str) -> Value:
    """Return the value of ``key`` in the scenario as written (in the queue it names)."""
    p, queue = parameter(key), queue_of(key)
    if queue is None or scenario.center is None:
        return p.current(scenario)
    return p.current(scenario.center.queues[scenario.center.queue_names.index(queue)])


def _grid(p: Parameter, text: str, field: str) -> list[float]:
    """Values FROM, FROM + STEP, ... up to TO inclusive, exact in decimal arithmetic."""
    parts = text.split(":")
    if len(parts) != 3:
        raise InputError(f"{field}: a grid is FROM:TO:STEP, e.g. {p.key}={p.example}")
    names = ("FROM", "TO", "STEP")
    bounds = [p.parse(part, f"{field} {name}") for part, name in zip(parts, names, strict=True)]
    if any(b is None for b in bounds):
        raise InputError(f"{field}: a grid takes numbers; list other values with commas")
    low, high, step = (Decimal(repr(b)) for b in bounds)
    if step <= 0:
        raise InputError(f"{field}: STEP = {parts[2]!r}; the step must be > 0")
    if low > high:
        raise InputError(f"{field}: FROM {parts[0]!r} is above TO {parts[1]!r}; the grid is empty")
    count = int((high - low) / step) + 1
    if count > MAX_VARIANTS:
        raise InputError(
            f"{field}: {count} values; a sweep plans at most {MAX_VARIANTS} variants, "
            "take a coarser step"
        )
    return [float(low + i * step) for i in range(count)]


def parse_vary(text: str, field: str = "--vary") -> tuple[str, list[Value]]:
    """Parse one ``--vary`` option: a key and its values.

    Parameters
    ----------
    text
        ``KEY=FROM:TO:STEP`` for an inclusive grid (``volume=0.9:1.2:0.05`` gives 7 values,
        exactly, whatever binary floating point does to 0.05), or ``KEY=A,B,C`` for a list
        (``shrinkage=25%,35%``). Values take the units of their key (``patience=2min,3min``,
        ``service_level=85%``). Keys are those of :data:`PARAMETERS`.
    field
        The option the text came from, for error messages.

    Returns
    -------
    key : str
        The key of :data:`PARAMETERS`, with ``:QUEUE`` when one was given.
    values : list
        The values in the package's units (seconds, fractions), in the order given.

    Raises
    ------
    InputError
        One line naming the option and the text, for an unknown key, a malformed or
        out-of-range value, a step <= 0, FROM above TO, a value listed twice, or a queue
        given to a key that is not a queue's own (shrinkage, wage, fcr...). Whether the
        queue exists is checked against the scenario by :func:`apply_variant`.
    """
    key, sep, rest = text.partition("=")
    key, colon, queue = key.partition(":")
    key, queue = key.strip().lower().replace("-", "_"), queue.strip()
    where = f"{field} {text.strip()!r}"
    if not sep or not key or not rest.strip():
        raise InputError(f"{where}: expected {_FORMS}; allowed keys: {_KEYS}")
    p = _parameter(key, where)
    if colon:
        if p.queue is None and p.center is not None:
            raise InputError(
                f"{where}: {key} applies to the whole center, not to one queue; give "
                f"{key}={p.example} without ':{queue}'"
            )
        if p.queue is None:
            raise InputError(
                f"{where}: {key} cannot vary per queue: contacts that come back "
                f"({_RETURN_KEYS}) are simulated for scenarios of one queue only"
            )
        if not queue:
            raise InputError(f"{where}: name a queue after the colon, e.g. {key}:sales={p.example}")
    try:
        if ":" in rest:
            values = _grid(p, rest, where)
        else:
            values = [p.parse(item.strip(), where) for item in rest.split(",")]
    except InputError as error:
        raise InputError(f"{error}; {key} is {p.meaning}, e.g. {field} {key}={p.example}") from None
    seen = [v for i, v in enumerate(values) if v in values[:i]]
    if seen:
        raise InputError(f"{where}: {p.text(seen[0])} is listed twice")
    return (f"{key}:{queue}" if colon else key), values


def parse_varies(texts: Sequence[str], field: str = "--vary") -> dict[str, list[Value]]:
    """Parse several ``--vary`` options into ``{key: values}``; a key may come once."""
    varies: dict[str, list[Value]] = {}
    for text in texts:
        key, values = parse_vary(text, field)
        if key in varies:
            raise InputError(f"{field}: {key} is varied twice; give all its values in one option")
        varies[key] = values
    return varies


def variants(varies: Mapping[str, Sequence[Value]]) -> list[dict[str, Value]]:
    """Every combination of the varied values: the cartesian product, in a stable order.

    The first key changes slowest, the last fastest; each key's values keep their order.

    Raises
    ------
    InputError
        If nothing varies, a key is unknown, a key has no values, or there would be more
        than :data:`MAX_VARIANTS` variants.
    """
    if not varies:
        raise InputError(f"nothing to vary; give at least one of: {_KEYS}")
    for key, values in varies.items():
        _parameter(key, "vary")
        if len(values) == 0:
            raise InputError(f"vary {key}: no values given")
    count = math.prod(len(values) for values in varies.values())
    if count > MAX_VARIANTS:
        raise InputError(
            f"{count} variants; a sweep plans at most {MAX_VARIANTS}, vary fewer values"
        )
    keys = list(varies)
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*varies.values())]


def describe_varies(varies: Mapping[str, Sequence[Value]]) -> str:
    """Format what varies: ``volume 0.9 to 1.1 (3 values), shrinkage 20%, 30%``."""
    parts = []
    for key, values in varies.items():
        texts = [parameter(key).text(v) for v in values]
        if len(texts) > 3:
            parts.append(f"{key} {texts[0]} to {texts[-1]} ({len(texts)} values)")
        else:
            parts.append(f"{key} {', '.join(texts)}")
    return "; ".join(parts)


def value_text(key: str, value: float | None) -> str:
    """Format a value of ``key``; an infinite value in a table stands for None (no limit)."""
    return parameter(key).text(None if value is None or math.isinf(value) else value)


def describe(variant: Mapping[str, Value]) -> str:
    """Format a variant as text: ``volume=1.1, shrinkage=30%``."""
    return ", ".join(f"{k}={parameter(k).text(v)}" for k, v in variant.items())


_NEEDS: dict[str, tuple[Callable[[Scenario], bool], str]] = {
    "repeat_delay": (
        lambda sc: sc.callers.returns.fcr < 1.0,
        "no variant has fcr below 100% (vary fcr too, or set [callers] fcr)",
    ),
    "redial_delay": (
        lambda sc: sc.callers.returns.redial > 0.0 and sc.callers.patience is not None,
        "no variant has callers who hang up and redial (vary redial, or set [callers] "
        "redial and patience)",
    ),
    "redial": (
        lambda sc: sc.callers.patience is not None,
        "callers never hang up in any variant (set [callers] patience, or vary it)",
    ),
}
"""Keys that only act through another input, and what they need to act at all."""


def check_effect(varies: Mapping[str, Sequence[Value]], scenarios: Sequence[Scenario]) -> None:
    """Refuse a varied key that changes nothing in any of the variants.

    Raises
    ------
    InputError
        E.g. ``repeat_delay`` varied while FCR is 100 % everywhere (nobody calls back), which
        would otherwise give identical rows and a "+0 %" headline.
    """
    for key, (acts, why) in _NEEDS.items():
        if key in varies and not any(acts(sc) for sc in scenarios):
            raise InputError(f"--vary {key}: changes nothing, as {why}")


def check_keys(scenario: Scenario, keys: Iterable[str]) -> None:
    """Check that every key fits the scenario: its queues, and what a center can vary.

    Raises
    ------
    InputError
        One line naming the key: a queue named on a scenario of one queue, a queue the
        center does not have (listing its queues), or a key that cannot vary a center.
    """
    center = scenario.center
    for key in keys:
        p, queue = parameter(key), queue_of(key)
        if center is None:
            if queue is not None:
                raise InputError(
                    f"--vary {key}: {scenario.path} has one queue (no [[queues]]); vary "
                    f"{p.key} without ':{queue}'"
                )
        elif queue is not None and queue not in center.queue_names:
            raise InputError(
                f"--vary {key}: {scenario.path} has no queue {queue!r}; its queues: "
                f"{', '.join(center.queue_names)}"
            )
        elif p.queue is None and p.center is None:
            raise InputError(
                f"--vary {key}: {scenario.path} has [[queues]], and contacts that come back "
                f"({_RETURN_KEYS}) are simulated for scenarios of one queue only"
            )


def _apply_center(scenario: Scenario, p: Parameter, queue: str | None, value: Value) -> Scenario:
    """Apply a value to a scenario with ``[[queues]]``: its center rebuilt and validated."""
    center = scenario.center
    assert center is not None
    if p.queue is None:
        assert p.center is not None
        return p.center(scenario, value)
    queues = []
    for q in center.queues:
        if queue is None or q.name == queue:
            try:
                q = p.queue(q, value)
            except InputError as error:
                raise InputError(f"queue {q.name!r}: {error}") from None
        queues.append(q)
    center = replace(center, queues=tuple(queues))
    if queue is None:  # the [callers] and [targets] the queues start from follow
        scenario = p.apply(scenario, value)
    return replace(scenario, center=center, forecast=center.pooled_forecast())


def apply_variant(scenario: Scenario, variant: Mapping[str, Value]) -> Scenario:
    """Return the scenario with every value of ``variant`` applied, in key order.

    A scenario with ``[[queues]]`` gets a new :class:`staffing.center.Center`: a key naming
    a queue (``volume:sales``) changes that queue, a queue's key without a name every
    queue; its ``forecast`` is the new center's pooled forecast.

    Raises
    ------
    InputError
        If a key does not fit the scenario (:func:`check_keys`), or a value is out of range
        for it (AHT <= 0 where calls arrive, a target outside (0, 1), FCR of 0...), naming
        the variant.
    """
    check_keys(scenario, variant)
    for key, value in variant.items():
        p, queue = parameter(key), queue_of(key)
        try:
            if scenario.center is None:
                scenario = p.apply(scenario, value)
            else:
                scenario = _apply_center(scenario, p, queue, value)
        except InputError as error:
            raise InputError(f"variant {describe(variant)}: {error}") from None
    return scenario


# --------------------------------------------------------------------------- running
