"""Reading the CSV files people give: one set of rules, and every error naming file and row.

UTF-8 (a byte-order mark allowed), ``,`` ``;`` or tab as the separator (the header line's
most frequent one), blank lines skipped, header names case-insensitive with accepted
aliases. Used for forecasts, shift schedules, agents and contact histories.
"""

import csv
import io
import math
import re
from datetime import datetime
from os import PathLike
from pathlib import Path

from staffing.errors import InputError

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_COMMA_NUMBER = re.compile(r"[+-]?\d+(?:,\d+)+(?:\.\d*)?")
_TIME = r"(\d{1,2}):(\d{2})(?::(\d{2}))?"
_DATETIME = re.compile(rf"(\d{{4}})-(\d{{2}})-(\d{{2}})[ T]{_TIME}")
_TIME_OF_DAY = re.compile(_TIME)
_START_FORMS = "2026-03-02 08:00, 2026-03-02T08:00:00, or a time of day alone like 08:00"
_EPOCH = datetime(1970, 1, 1)


def read_rows(
    path: str | PathLike[str], column_names: dict[str, tuple[str, ...]]
) -> list[tuple[str, dict[str, str]]]:
    """Rows of a CSV file as ``(where, cells)``: the place for messages, and cells by field.

    ``column_names`` maps each field to its accepted header names (case-insensitive); a
    field whose name ends in ``?`` is optional (its cell is ``""`` when the column is
    missing). The file rules are this module's (UTF-8, ``,`` ``;`` or tab, blank lines
    skipped); ``where`` reads like ``shifts.csv row 7``.
    """
    name = str(path)
    rows, line_numbers, columns = read_table(Path(path), name, column_names)
    return [
        (
            f"{name} row {line}",
            {
                field.rstrip("?"): (
                    row[columns[field]].strip()
                    if field in columns and columns[field] < len(row)
                    else ""
                )
                for field in column_names
            },
        )
        for row, line in zip(rows, line_numbers, strict=True)
    ]


def read_text(path: str | PathLike[str], name: str) -> str:
    """Return the text of a CSV file; refuse what is not UTF-8 text in one line.

    Parameters
    ----------
    path
        The file.
    name
        How messages name it (as the user gave it).

    Raises
    ------
    InputError
        For a missing or unreadable file, a folder, an Excel workbook, UTF-16 text or bytes
        that are not UTF-8 (naming the row).
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{name}: file not found") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a folder, not a CSV file") from None
    except OSError as error:
        raise InputError(f"{name}: cannot be read ({error.strerror})") from None
    if data.startswith(b"PK\x03\x04"):
        raise InputError(f"{name}: looks like an Excel workbook; save it as CSV UTF-8")
    if b"\x00" in data:
        raise InputError(f"{name}: contains NUL bytes (UTF-16 text?); save it as CSV UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            f"{name} row {line}: not UTF-8 text (byte 0x{data[error.start]:02x}); "
            "save the file as CSV UTF-8"
        ) from None
    return text


def read_table(
    path: Path, name: str, column_names: dict[str, tuple[str, ...]]
) -> tuple[list[list[str]], list[int], dict[str, int]]:
    """Read the data rows, their line numbers, and the column index of each field."""
    text = read_text(path, name)
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=header_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    header_at = 0
    rows: list[list[str]] = []
    line_numbers: list[int] = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header, header_at = row, reader.line_num
                continue
            rows.append(row)
            line_numbers.append(reader.line_num)
    except csv.Error as error:
        raise InputError(f"{name} row {reader.line_num}: unreadable CSV ({error})") from None
    if header is None:
        raise InputError(
            f"{name}: the file is empty; expected a header line such as start,calls,aht and "
            "one row per interval"
        )
    columns = find_columns(header, header_at, name, delimiter, column_names)
    if not rows:
        raise InputError(f"{name}: no data rows under the header (row {header_at})")
    width = len(header)
    for row, line in zip(rows, line_numbers, strict=True):
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            hint = " (a decimal comma? use a point: 180.5)" if delimiter == "," else ""
            raise InputError(
                f"{name} row {line}: {len(row)} fields but the header (row {header_at}) has "
                f"{width}{hint}"
            )
    return rows, line_numbers, columns


def normalize_header(cell: str) -> str:
    """Return a header name as compared: stripped, lower case, spaces and hyphens as ``_``."""
    return re.sub(r"[\s-]+", "_", cell.strip().lower())


def find_columns(
    header: list[str],
    line: int,
    name: str,
    delimiter: str,
    column_names: dict[str, tuple[str, ...]],
) -> dict[str, int]:
    """Column index of each field of ``column_names`` in the header row.

    ``column_names`` is as in :func:`read_rows` (a field ending in ``?`` is optional); the
    names are compared with :func:`normalize_header`. ``line`` is the header's row number and
    ``delimiter`` its separator, for messages.
    """
    normalized = [normalize_header(cell) for cell in header]
    columns: dict[str, int] = {}
    for field, aliases in column_names.items():
        found = [i for i, cell in enumerate(normalized) if cell in aliases]
        if len(found) > 1:
            both = " and ".join(repr(header[i].strip()) for i in found)
            raise InputError(f"{name} row {line}: columns {both} both give {field}; keep one")
        if found:
            columns[field] = found[0]
    if not columns and _looks_like_data(header[0].strip()):
        raise InputError(
            f"{name} row {line}: {delimiter.join(header)!r} looks like data, not a header; "
            "the first line must name the columns, e.g. start,calls,aht"
        )
    for field, aliases in column_names.items():
        if field not in columns and not field.endswith("?"):
            seen = ", ".join(repr(cell.strip()) for cell in header)
            raise InputError(
                f"{name}: no {field} column; the header (row {line}) has {seen}; accepted "
                f"names for {field}: {', '.join(aliases)}"
            )
    return columns


def _looks_like_data(cell: str) -> bool:
    """Whether a header cell looks like a start time or a number."""
    return bool(
        _DATETIME.fullmatch(cell) or _TIME_OF_DAY.fullmatch(cell) or _NUMBER.fullmatch(cell)
    )


def parse_start(text: str, where: str) -> tuple[int, bool]:
    """Seconds since 1970-01-01 of a start cell, and whether it carried a date."""
    match = _DATETIME.fullmatch(text)
    dated = match is not None
    if match is None:
        match = _TIME_OF_DAY.fullmatch(text)
    if match is None:
        raise InputError(f"{where}: start = {text!r}; expected a start like {_START_FORMS}")
    parts = [int(part) for part in match.groups(default="0")]
    date = parts[:3] if dated else [1970, 1, 1]
    hour, minute, second = parts[-3:]
    try:
        moment = datetime(*date, hour, minute, second)
    except ValueError as error:
        raise InputError(
            f"{where}: start = {text!r}; not a valid date and time ({error}); expected a start "
            f"like {_START_FORMS}"
        ) from None
    return int((moment - _EPOCH).total_seconds()), dated


def parse_number(text: str, where: str, field: str, rule: str) -> float:
    """Parse a finite decimal number from a cell; raise InputError naming the row and field."""
    if _COMMA_NUMBER.fullmatch(text):
        raise InputError(
            f"{where}: {field} = {text!r}; decimal commas and thousands separators are not "
            f"supported: write numbers like 180.5; {rule}"
        )
    if not _NUMBER.fullmatch(text) or not math.isfinite(value := float(text)):
        raise InputError(f"{where}: {field} = {text!r}; {rule}")
    return value
