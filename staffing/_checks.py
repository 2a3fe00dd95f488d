"""Shared checks of numbers at the door: one message form, the field and rule named.

Each returns the value as a Python number, or raises :class:`staffing.errors.InputError`
``"<field> = <value>; <field> must be <rule>"``.
"""

import math
from collections.abc import Callable

import numpy as np

from staffing.errors import InputError


def number(value: object, field: str, rule: str, ok: Callable[[float], bool]) -> float:
    """Return ``value`` as a float, or raise InputError naming ``field`` and ``rule``."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise InputError(f"{field} = {value!r}; {field} must be {rule}")
    number = float(value)
    if not (math.isfinite(number) and ok(number)):
        raise InputError(f"{field} = {value!r}; {field} must be {rule}")
    return number


def count(value: object, field: str) -> int:
    """Return ``value`` as an int >= 0, or raise InputError naming ``field``."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float | np.number)
        or not math.isfinite(float(value))
        or float(value) != int(value)
        or value < 0
    ):
        raise InputError(f"{field} = {value!r}; {field} must be a whole number >= 0")
    return int(value)


def shrinkage(value: float, field: str = "shrinkage") -> float:
    """Check a shrinkage: a share of paid time ``>= 0`` and ``< 1`` (100 % leaves nobody)."""
    if not (math.isfinite(value) and 0.0 <= value < 1.0):
        raise InputError(
            f"{field} = {value:g}; shrinkage must be >= 0 and below 100% (e.g. 30% or 0.3)"
        )
    return float(value)


def is_real(value: object) -> bool:
    """Whether ``value`` is a real number (not a bool)."""
    return not isinstance(value, bool) and isinstance(value, int | float | np.number)


def is_whole(value: object) -> bool:
    """Whether ``value`` is a finite real number with no fractional part."""
    return is_real(value) and math.isfinite(float(value)) and float(value) == int(value)
