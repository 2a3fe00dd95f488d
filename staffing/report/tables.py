"""Markdown tables for the report files, and the status marks they show."""

from collections.abc import Mapping

import pandas as pd

from staffing.errors import InputError
from staffing.forecast import Forecast
from staffing.requirements import MET, MISSED, NO_DATA, WITHIN_TOLERANCE

STATUS_MARKS: dict[str, str] = {
    MET: "🟢 met",
    WITHIN_TOLERANCE: "🟡 within tolerance",
    MISSED: "🔴 missed",
    NO_DATA: "⚪ no data",
}
"""Text for each status in Markdown tables: a coloured disc, then the word.

The word is always there, so the table reads the same in a terminal without emoji and for
readers who do not tell red from green.
"""


def _cell(value: object, spec: str | None, column: str) -> str:
    """One table cell: formatted, missing values as an em dash, pipes escaped."""
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return "—"
    try:
        if spec is None:
            text = str(value)
        elif "{" in spec:
            text = spec.format(value)
        else:
            text = format(value, spec)
    except (TypeError, ValueError, KeyError, IndexError):
        raise InputError(
            f"markdown_table: format {spec!r} of column {column!r} does not fit value {value!r}"
        ) from None
    return text.replace("|", "\\|").replace("\n", "<br>")


def markdown_table(frame: pd.DataFrame, formats: Mapping[str, str] | None = None) -> str:
    """Render a frame as a GitHub-flavoured Markdown table.

    Parameters
    ----------
    frame
        The table. Its index becomes the first column unless it is an unnamed integer
        index (the default ``0, 1, 2...``).
    formats
        Format per column name: a format spec as for :func:`format` (``".1%"``, ``",d"``)
        or a :meth:`str.format` template (``"{:.1f} s"``); other columns use ``str``.
        Missing values (None, NaN, NaT) print as an em dash.

    Returns
    -------
    str
        The table, one line per row, columns padded to equal width, numeric columns
        right-aligned; ends with a newline. A frame without columns gives ``""``.

    Raises
    ------
    InputError
        If ``formats`` names a column the frame lacks, or a format does not fit a value.

    Examples
    --------
    >>> frame = pd.DataFrame({"interval": ["09:00", "09:30"], "service level": [0.8123, 0.75]})
    >>> print(markdown_table(frame, {"service level": ".1%"}), end="")
    | interval | service level |
    | -------- | ------------: |
    | 09:00    |         81.2% |
    | 09:30    |         75.0% |
    """
    formats = dict(formats or {})
    unknown = [name for name in formats if name not in frame.columns]
    if unknown:
        raise InputError(
            f"markdown_table: formats name column(s) {', '.join(map(repr, unknown))} that the "
            f"table lacks; columns are {', '.join(map(repr, map(str, frame.columns)))}"
        )
    index = frame.index
    show_index = index.name is not None or not pd.api.types.is_integer_dtype(index)
    columns: list[tuple[str, list[str], bool]] = []
    if show_index:
        header = "" if index.name is None else str(index.name)
        columns.append((header, [_cell(v, None, header) for v in index], False))
    for name in frame.columns:
        series = frame[name]
        numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
        spec = formats.get(name)
        cells = [_cell(v, spec, str(name)) for v in series]
        columns.append((_cell(name, None, str(name)), cells, numeric))
    if not columns:
        return ""
    widths = [max(3, len(header), *map(len, cells)) for header, cells, _ in columns]

    def row(texts: list[str], right: list[bool]) -> str:
        padded = (
            t.rjust(w) if r else t.ljust(w) for t, w, r in zip(texts, widths, right, strict=True)
        )
        return "| " + " | ".join(padded) + " |"

    align = [numeric for _, _, numeric in columns]
    rule = ["-" * (w - 1) + ":" if r else "-" * w for w, r in zip(widths, align, strict=True)]
    lines = [row([header for header, _, _ in columns], align), row(rule, align)]
    lines += [row([cells[i] for _, cells, _ in columns], align) for i in range(len(frame))]
    return "\n".join(lines) + "\n"


def with_start_text(frame: pd.DataFrame, forecast: Forecast) -> pd.DataFrame:
    """Return a copy of a per-interval table whose ``start`` is written as the forecast was.

    A forecast of times of day only gets ``HH:MM`` starts, never a made-up date
    (:meth:`staffing.forecast.Forecast.start_text`).
    """
    out = frame.copy()
    out["start"] = forecast.start_text()
    return out
