"""Human-friendly units at the edges: durations, shares and service-level targets.

Inside the package every duration is in seconds and every share is a fraction in [0, 1].
These parsers turn what a person types on the command line or in a scenario file
(``3min``, ``30%``, ``80/20``) into those numbers; :func:`format_duration` turns seconds
back into a short label for tables and summaries.

Every parser takes the name of the option or field it reads (``--aht``, ``targets.threshold``)
and raises :class:`~staffing.errors.InputError` with a one-line message naming that field, the
text given and the accepted forms, e.g.
``--aht = '3x': expected a duration like 180, 180s, 3m, 3min, 1h30m``.

Examples
--------
>>> parse_duration("1h30m", "--patience")
5400.0
>>> parse_fraction("30%", "--shrinkage")
0.3
>>> parse_service_target("80/20", "--sl")
(0.8, 20.0)
>>> format_duration(1800)
'30 min'
"""

import math
import re

from staffing.errors import InputError

_NUMBER = r"(?:\d+(?:\.\d*)?|\.\d+)"
_SIGNED_NUMBER = re.compile(rf"[+-]?{_NUMBER}")
_DURATION = re.compile(rf"(?:\s*{_NUMBER}\s*[a-z]+)+\s*", re.IGNORECASE)
_DURATION_PART = re.compile(rf"({_NUMBER})\s*([a-z]+)", re.IGNORECASE)
_PERCENT = re.compile(rf"([+-]?{_NUMBER})\s*%")

_UNIT_SECONDS = {
    "w": 604_800.0, "week": 604_800.0, "weeks": 604_800.0,
    "d": 86_400.0, "day": 86_400.0, "days": 86_400.0,
    "h": 3600.0, "hr": 3600.0, "hrs": 3600.0, "hour": 3600.0, "hours": 3600.0,
    "m": 60.0, "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0,
    "s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0,
}  # fmt: skip

PLAUSIBLE: dict[str, tuple[float, float, str]] = {
    "shift": (3600.0, 86_400.0, "a shift"),
    "break": (300.0, 4 * 3600.0, "a break"),
    "interval": (300.0, 86_400.0, "an interval"),
    "aht": (5.0, 4 * 3600.0, "an AHT"),
    "every": (300.0, 86_400.0, "a step between shift starts"),
    "fte_day": (3600.0, 86_400.0, "a full-time day"),
}
"""Plausible ranges [s] of durations easily typed in the wrong unit, and what each measures.

A shift under 1 h, a break under 5 min, an interval under 5 min, an AHT under 5 s or over
4 h, a step between shift starts under 5 min, a full-time day under 1 h: each is almost
surely a unit slip (``length = 8`` is 8 s, meant as 8 h), refused with the unit it probably
meant (:func:`parse_duration` with ``plausible``).
"""

_DURATION_FORMS = "like 180, 180s, 3m, 3min, 1h30m"
_FRACTION_FORMS = "like 30% or 0.3"
_TARGET_FORMS = "like 80/20, 80%/20s, 0.8/20 or 90/15 (share answered / answer time)"


class _TextError(Exception):
    """What is wrong with a piece of text, before the field name is known."""


def _number(text: str, expected: str) -> float:
    """Parse a plain decimal number (no exponent, NaN, infinity or decimal comma)."""
    if not _SIGNED_NUMBER.fullmatch(text):
        raise _TextError(expected)
    return float(text)


def _duration(text: str) -> float:
    """Seconds in ``text``; raises `_TextError` saying what is wrong."""
    stripped = text.strip()
    expected = f"expected a duration {_DURATION_FORMS}"
    if stripped.startswith("-") and _duration_or_none(stripped[1:]) is not None:
        raise _TextError(f"a duration must be >= 0, {_DURATION_FORMS}")
    seconds = _duration_or_none(stripped)
    if seconds is None:
        if _DURATION.fullmatch(stripped):
            units = [unit for _, unit in _DURATION_PART.findall(stripped)]
            unknown = [unit for unit in units if unit.lower() not in _UNIT_SECONDS]
            if unknown:
                raise _TextError(
                    f"{expected} (unknown unit {unknown[0]!r}; units are s, min, h, d, w)"
                )
            raise _TextError(f"{expected} (units must come in w, d, h, m, s order, each once)")
        raise _TextError(expected)
    if not math.isfinite(seconds):
        raise _TextError(f"too large; {expected}")
    return seconds


def _duration_or_none(text: str) -> float | None:
    """Seconds in ``text``, or None unless it is a well-formed non-negative duration."""
    text = text.strip()
    if re.fullmatch(_NUMBER, text):
        return float(text)
    if not _DURATION.fullmatch(text):
        return None
    total = 0.0
    previous = math.inf
    for value, unit in _DURATION_PART.findall(text):
        scale = _UNIT_SECONDS.get(unit.lower())
        if scale is None or scale >= previous:
            return None
        previous = scale
        total += float(value) * scale
    return total


def parse_duration(text: str, field: str, *, plausible: str | None = None) -> float:
    """Parse a duration typed by a person into seconds.

    Parameters
    ----------
    text
        A bare number of seconds (``180``, ``2.5``) or numbers with units in h-m-s order:
        ``180s``, ``180sec``, ``3m``, ``3min``, ``2.5min``, ``1h``, ``1h30m``, ``90 s``.
        Units (case-insensitive): s, sec, secs, second(s); m, min, mins, minute(s);
        h, hr, hrs, hour(s).
    field
        The option or field the text came from, for the error message (``--aht``).
    plausible
        A key of :data:`PLAUSIBLE`: refuse a duration outside that range, suggesting the
        unit a bare number probably meant (``length = '8': 8 s; did you mean "8h"?``).

    Returns
    -------
    float
        The duration [s], >= 0. Whether 0 is acceptable is the caller's decision.

    Raises
    ------
    InputError
        If the text is empty, negative, not finite, has an unknown unit or is malformed,
        or lies outside the ``plausible`` range.

    Examples
    --------
    >>> parse_duration("2.5min", "--aht")
    150.0
    """
    try:
        seconds = _duration(text)
    except _TextError as problem:
        raise InputError(f"{field} = {text!r}: {problem}") from None
    if plausible is not None:
        _check_plausible(seconds, text, field, plausible)
    return seconds


def _check_plausible(seconds: float, text: str, field: str, what: str) -> None:
    """Refuse a duration outside the plausible range of ``what``, naming the likely unit."""
    low, high, noun = PLAUSIBLE[what]
    if low <= seconds <= high:
        return
    given = f"{field} = {text!r}: {format_duration(seconds)}"
    bare = _SIGNED_NUMBER.fullmatch(text.strip()) is not None
    if seconds < low:
        if bare and seconds > 0:
            unit = "h" if low >= 3600 else "min"
            raise InputError(f'{given}; did you mean "{text.strip()}{unit}"?')
        raise InputError(f"{given}; {noun} must be at least {format_duration(low)}")
    raise InputError(f"{given}; {noun} must be at most {format_duration(high)}")


def parse_fraction(text: str, field: str) -> float:
    """Parse a share typed by a person (``30%`` or ``0.3``) into a fraction in [0, 1].

    Parameters
    ----------
    text
        A percentage with a ``%`` sign (``30%``, ``12.5 %``) or a bare fraction (``0.3``).
        A bare number above 1 is rejected as ambiguous: write ``30%`` for thirty percent.
    field
        The option or field the text came from, for the error message (``--shrinkage``).

    Returns
    -------
    float
        The share as a fraction in [0, 1].

    Raises
    ------
    InputError
        If the text is malformed, a bare number above 1, or outside 0%..100%.

    Examples
    --------
    >>> parse_fraction("0.35", "--shrinkage")
    0.35
    """
    try:
        return _fraction(text)
    except _TextError as problem:
        raise InputError(f"{field} = {text!r}: {problem}") from None


def _fraction(text: str) -> float:
    """Fraction in ``text``; raises `_TextError` saying what is wrong."""
    stripped = text.strip()
    percent = _PERCENT.fullmatch(stripped)
    if percent:
        value = float(percent.group(1)) / 100.0
    else:
        value = _number(stripped, f"expected a share {_FRACTION_FORMS}")
        if value > 1.0:
            raise _TextError(
                f"a bare number must be a fraction between 0 and 1; "
                f"for a percentage write {stripped}%"
            )
    if not 0.0 <= value <= 1.0:
        raise _TextError(f"a share must be between 0% and 100% (0 and 1), {_FRACTION_FORMS}")
    return value


def parse_service_target(text: str, field: str) -> tuple[float, float]:
    """Parse a service-level target such as ``80/20`` into (share, threshold).

    Parameters
    ----------
    text
        ``share/threshold``: the share of calls to answer within the threshold, then the
        threshold. The share is a percentage (``80`` or ``80%``) or a fraction (``0.8``); a bare
        number above 1 is a percentage, below 1 a fraction (``1`` alone is ambiguous and
        rejected). The threshold is a duration as in :func:`parse_duration` (``20``, ``20s``,
        ``1m``). Examples: ``80/20``, ``80%/20s``, ``90/15``, ``0.8/20``, ``80/1m``.
    field
        The option or field the text came from, for the error message (``--sl``).

    Returns
    -------
    share : float
        The target share, strictly between 0 and 1 (100% can never be guaranteed).
    threshold : float
        The answer time T [s], >= 0.

    Raises
    ------
    InputError
        If either part is malformed or out of range.

    Examples
    --------
    >>> parse_service_target("90%/15s", "--sl")
    (0.9, 15.0)
    """
    try:
        return _service_target(text)
    except _TextError as problem:
        raise InputError(f"{field} = {text!r}: {problem}") from None


def _service_target(text: str) -> tuple[float, float]:
    """(share, threshold) in ``text``; raises `_TextError` saying what is wrong."""
    parts = text.split("/")
    if len(parts) != 2:
        raise _TextError(f"expected a service-level target {_TARGET_FORMS}")
    share_text, threshold_text = (part.strip() for part in parts)
    percent = _PERCENT.fullmatch(share_text)
    if percent:
        share = float(percent.group(1)) / 100.0
    else:
        share = _number(share_text, f"expected a share before the '/', {_TARGET_FORMS}")
        if share == 1.0:
            raise _TextError("the share '1' is ambiguous; write 1% or a fraction below 1 like 0.8")
        if share > 1.0:
            share /= 100.0
    if not 0.0 < share < 1.0:
        raise _TextError(
            "the share must be above 0% and below 100% (no staffing guarantees 100%), "
            f"{_TARGET_FORMS}"
        )
    try:
        threshold = _duration(threshold_text)
    except _TextError as problem:
        raise _TextError(f"answer time {threshold_text!r}: {problem}") from None
    return share, threshold


def format_duration(seconds: float) -> str:
    """Format a duration for a table header or summary line.

    Whole hours print as ``h``, whole minutes from 10 min up as ``min``, anything else as
    seconds with at most one decimal: ``180 s``, ``22.5 s``, ``30 min``, ``90 min``, ``1 h``.

    Parameters
    ----------
    seconds
        The duration [s]. Infinite or NaN values print as ``inf s`` or ``nan s``.

    Returns
    -------
    str
        The label, number and unit separated by a space.

    Examples
    --------
    >>> format_duration(180), format_duration(1800), format_duration(3600)
    ('180 s', '30 min', '1 h')
    """
    value = float(seconds)
    if not math.isfinite(value):
        return f"{value} s"
    if value != 0 and value % 3600 == 0:
        return f"{value / 3600:.0f} h"
    if abs(value) >= 600 and value % 60 == 0:
        return f"{value / 60:.0f} min"
    return f"{round(value, 1) + 0.0:.1f}".removesuffix(".0") + " s"
