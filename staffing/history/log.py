"""A contact log: one row per contact, as DESIGN.md section 9 defines it.

:class:`ContactLog` holds the columns as arrays, validated once when built; readers of CSV
exports build it (and name the file, row and column in every error).
"""

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from staffing.errors import InputError

FloatArray = NDArray[np.float64]

OPTIONAL_COLUMNS = ("contact", "queue", "channel", "agent", "customer", "resolved", "wrap")
"""The optional columns of a log, in DESIGN.md section 9 order."""


@dataclass(frozen=True)
class ContactLog:
    """Contacts as arrays of equal length, in arrival order.

    Attributes
    ----------
    arrival : ndarray of datetime64[s]
        When each contact arrived (local wall-clock time), non-decreasing.
    wait : ndarray
        Time in queue [s], ``>= 0``: until answered, or until the caller hung up.
    answered : ndarray of bool
        True if an agent answered, False if the caller abandoned.
    handle : ndarray
        Handle time of answered contacts [s] (talk + hold + wrap, or without wrap when
        ``wrap`` is given separately), ``> 0``; NaN for abandoned contacts.
    columns : dict of str to ndarray
        Optional columns present in the source (:data:`OPTIONAL_COLUMNS`): ``contact``,
        ``queue``, ``channel``, ``agent``, ``customer`` (str arrays, "" when empty),
        ``resolved`` (float 0/1, NaN when unknown), ``wrap`` [s] (float, NaN when unknown).
    source : str
        Where the log came from, for messages ("" when built in code).
    """

    arrival: NDArray[np.datetime64]
    wait: FloatArray
    answered: NDArray[np.bool_]
    handle: FloatArray
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    source: str = ""

    def __post_init__(self) -> None:
        """Check lengths, order and values, naming the first contact at fault."""
        where = self.source or "contact log"
        arrival = np.asarray(self.arrival, dtype="datetime64[s]")
        wait = np.asarray(self.wait, dtype=float)
        answered = np.asarray(self.answered, dtype=bool)
        handle = np.asarray(self.handle, dtype=float)
        n = arrival.size
        for name, values in (("wait", wait), ("answered", answered), ("handle", handle)):
            if values.shape != (n,):
                raise InputError(f"{where}: {name} has {values.size} values for {n} contacts")
        for name, values in self.columns.items():
            if name not in OPTIONAL_COLUMNS:
                raise InputError(
                    f"{where}: unknown column {name!r}; optional columns are "
                    f"{', '.join(OPTIONAL_COLUMNS)}"
                )
            if np.shape(values) != (n,):
                raise InputError(f"{where}: {name} has {np.size(values)} values for {n} contacts")

        def first(bad: NDArray[np.bool_]) -> int:
            return int(np.argmax(bad))

        if n and (np.diff(arrival.astype(np.int64)) < 0).any():
            k = first(np.diff(arrival.astype(np.int64)) < 0) + 1
            raise InputError(
                f"{where}: contact {k} arrives before contact {k - 1}; sort by arrival"
            )
        bad = ~(np.isfinite(wait) & (wait >= 0))
        if bad.any():
            raise InputError(
                f"{where}: contact {first(bad)}: wait = {wait[first(bad)]!r}; must be >= 0 s"
            )
        bad = answered & ~(np.isfinite(handle) & (handle > 0))
        if bad.any():
            k = first(bad)
            raise InputError(
                f"{where}: contact {k}: handle = {handle[k]!r}; an answered contact needs a "
                "handle time > 0 s"
            )
        for name, values in (
            ("arrival", arrival),
            ("wait", wait),
            ("answered", answered),
            ("handle", np.where(answered, handle, np.nan)),
        ):
            object.__setattr__(self, name, values)

    @property
    def size(self) -> int:
        """Number of contacts."""
        return int(self.arrival.size)
