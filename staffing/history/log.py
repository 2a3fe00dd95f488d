"""A contact log: one row per contact, as DESIGN.md section 9 defines it.

:class:`ContactLog` holds the columns as arrays, validated once when built; :func:`read_log`
builds it from a CSV export (and names the file, row and column in every error).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from os import PathLike

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from staffing.csvfile import normalize_header
from staffing.errors import InputError
from staffing.history.cells import Cells

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


REQUIRED_COLUMNS = ("arrival", "wait", "outcome", "handle")
"""The columns every log has (DESIGN.md section 9)."""

OUTCOMES = ("answered", "abandoned")
"""The values of the ``outcome`` column (compared case-insensitively)."""

_TEXT_COLUMNS = ("contact", "queue", "channel", "agent", "customer")
_ARRIVAL = r"\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
_ARRIVAL_FORMS = "2026-03-02 08:05:17 (or with T; seconds and their fractions optional)"


def read_log(path: str | PathLike[str], *, columns: Mapping[str, str] | None = None) -> ContactLog:
    """Read a contact log from a CSV export (DESIGN.md section 9), one row per contact.

    Parameters
    ----------
    path
        The CSV file: UTF-8, fields separated by ``,``, ``;`` or a tab (chosen from the
        header line), a header naming the columns (case-insensitive; spaces and hyphens
        count as ``_``), blank lines skipped. Columns: ``arrival`` (local date and time,
        ``2026-03-02 08:05:17`` or with ``T``; seconds optional, fractions of a second
        dropped), ``wait`` [s] (>= 0), ``outcome`` (``answered`` or ``abandoned``),
        ``handle`` [s] (> 0 when answered; when abandoned empty, or a number that is
        ignored), and the optional :data:`OPTIONAL_COLUMNS` (``resolved`` 0/1 or empty,
        ``wrap`` [s] >= 0 or empty). Other columns are ignored. A quoted field spanning
        lines shifts the row numbers of later messages.
    columns
        The export's name for some of the columns, by DESIGN name, e.g.
        ``{"arrival": "call_start", "handle": "talk_s"}``; a mapped column is looked up
        under its export name only.

    Returns
    -------
    ContactLog
        The contacts, sorted by arrival (stably: contacts arriving in the same second keep
        their order in the file). Exports are often grouped by agent or queue, so an
        unordered file is sorted, not refused.

    Raises
    ------
    InputError
        For an unreadable file, a missing column, or a bad value: one line naming the
        file, the row (as a text editor numbers lines, header = its own line), the column
        and the value, e.g. ``log.csv row 7: wait = '-3'; wait must be a number of
        seconds >= 0``.

    Notes
    -----
    Cells are parsed column by column with pandas; cells are stripped only when the file
    has blanks next to a delimiter or a line end, and the usual date-time form is parsed in
    one pass (the other forms are checked cell by cell). Only the first bad cell of a
    column is reported.
    """
    name = str(path)
    table = Cells(
        path,
        _column_spec(columns, name),
        "a header line such as arrival,wait,outcome,handle and one row per contact",
    )
    cells, refuse = table.cells, table.refuse

    # the usual form parsed at once; the others (T, no seconds, fractions) checked and parsed
    arrival_text = cells["arrival"]
    stamps = pd.to_datetime(arrival_text, format="%Y-%m-%d %H:%M:%S", errors="coerce")
    other = stamps.isna().to_numpy()
    if other.any():
        shaped = np.ones(other.size, dtype=bool)
        shaped[other] = arrival_text[other].str.fullmatch(_ARRIVAL).to_numpy(dtype=bool)
        refuse(~shaped, "arrival", f"expected a date and time like {_ARRIVAL_FORMS}")
        stamps[other] = pd.to_datetime(arrival_text[other], format="ISO8601", errors="coerce")
        refuse(stamps.isna().to_numpy(), "arrival", "not a valid date and time")
    arrival = stamps.to_numpy().astype("datetime64[s]")

    outcome = cells["outcome"]
    if not outcome.isin(OUTCOMES).all():
        outcome = outcome.str.lower()
        refuse(
            ~outcome.isin(OUTCOMES).to_numpy(), "outcome", "outcome must be answered or abandoned"
        )
    answered = (outcome == "answered").to_numpy()

    def seconds(field_name: str, rule: str, *, required: NDArray[np.bool_]) -> FloatArray:
        text_values = cells[field_name]
        empty = (text_values == "").to_numpy()
        refuse(empty & required, field_name, rule)
        values = pd.to_numeric(text_values, errors="coerce").to_numpy(float)
        bad = ~empty & ~np.isfinite(values)
        if bad.any():
            commas = np.zeros(bad.size, dtype=bool)
            commas[bad] = text_values[bad].str.fullmatch(r"[+-]?\d+,\d+").to_numpy(dtype=bool)
            refuse(commas, field_name, f"decimal commas are not supported (write 180.5); {rule}")
            refuse(bad, field_name, rule)
        refuse(values < 0, field_name, rule)
        return values

    everyone = np.ones(answered.size, dtype=bool)
    wait = seconds("wait", "wait must be a number of seconds >= 0", required=everyone)
    handle_rule = "an answered contact needs a handle time > 0 s"
    handle = seconds("handle", handle_rule, required=answered)
    refuse(answered & (handle == 0), "handle", handle_rule)

    extra: dict[str, np.ndarray] = {}
    for field_name in cells:
        if field_name in _TEXT_COLUMNS:
            extra[field_name] = cells[field_name].to_numpy(dtype=str)
        elif field_name == "resolved":
            flag = cells[field_name]
            refuse(
                ~flag.isin(("", "0", "1")).to_numpy(), field_name, "resolved must be 0, 1 or empty"
            )
            extra[field_name] = np.where(flag == "", np.nan, (flag == "1").to_numpy(float))
        elif field_name == "wrap":
            nobody = np.zeros(answered.size, dtype=bool)
            extra[field_name] = seconds(
                field_name, "wrap must be a number of seconds >= 0, or empty", required=nobody
            )
    order = np.argsort(arrival, kind="stable")
    return ContactLog(
        arrival=arrival[order],
        wait=wait[order],
        answered=answered[order],
        handle=handle[order],
        columns={k: v[order] for k, v in extra.items()},
        source=name,
    )


def _column_spec(columns: Mapping[str, str] | None, name: str) -> dict[str, tuple[str, ...]]:
    """Return the accepted header names of each log column (optional: ``?``), after mapping."""
    known = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
    mapping = dict(columns or {})
    for key, value in mapping.items():
        if key not in known:
            raise InputError(
                f"{name}: columns maps {key!r}, which is not a log column; the columns are "
                f"{', '.join(known)}"
            )
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"{name}: columns maps {key!r} to {value!r}; give a column name")
    spec: dict[str, tuple[str, ...]] = {}
    for key in known:
        field_name = key if key in REQUIRED_COLUMNS else f"{key}?"
        spec[field_name] = (normalize_header(mapping.get(key, key)),)
    return spec


def write_log(log: ContactLog, path: str | PathLike[str]) -> None:
    """Write a log as the CSV that :func:`read_log` reads back: DESIGN.md section 9 columns.

    Arrivals to the second; waits and handle times in whole seconds (rounded; a handle time
    of at least 1 s); the optional columns the log has, after the four required ones.
    """
    frame = pd.DataFrame(
        {
            "arrival": pd.to_datetime(log.arrival).strftime("%Y-%m-%d %H:%M:%S"),
            "wait": np.rint(log.wait).astype(np.int64),
            "outcome": np.where(log.answered, "answered", "abandoned"),
            "handle": [
                str(max(1, round(h))) if a else ""
                for a, h in zip(log.answered, log.handle, strict=True)
            ],
        }
    )
    for name in OPTIONAL_COLUMNS:
        if name in log.columns:
            frame[name] = log.columns[name]
    if "resolved" in log.columns:  # 0, 1 or empty, as read_log reads it (never "1.0")
        flag = np.asarray(log.columns["resolved"], dtype=float)
        frame["resolved"] = np.where(np.isnan(flag), "", np.where(flag == 1, "1", "0"))
    frame.to_csv(path, index=False)
