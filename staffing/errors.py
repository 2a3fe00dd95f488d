"""The one exception type for a user's bad input.

Every check on user input (function arguments, CSV rows, TOML keys, CLI flags) raises
:class:`InputError` with a one-line message naming the field, the bad value and what is
allowed, e.g. ``forecast.csv row 14: calls = -3; calls must be >= 0``. The CLI prints the
message alone, without a traceback.
"""


class InputError(ValueError):
    """A user's input is invalid; the message says which field, the value, and the fix."""
