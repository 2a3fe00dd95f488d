"""The text cells of a history CSV file, read whole with pandas and checked column by column.

Contact logs, surveys, QA evaluations and agent time are large files with the rules of
:mod:`staffing.csvfile` (UTF-8, ``,`` ``;`` or tab from the header line, header names
case-insensitive, blank lines skipped). Their cells are read at once as text; readers then
check each column with vectorized tests, and a message names the file, the row (as a text
editor numbers lines, header = its own line), the column and the value of the first bad
cell.
"""

import csv
import io
import re
from os import PathLike

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from staffing.csvfile import find_columns, normalize_header, read_text
from staffing.errors import InputError


class Cells:
    """The text cells of a CSV file by field, stripped, with the file's row numbers.

    Parameters
    ----------
    path
        The file.
    spec
        Each field's accepted header names (:func:`staffing.csvfile.find_columns`; a name
        ending in ``?`` is optional).
    expected
        What an empty file should have held, for its message (e.g. ``"a header line such as
        arrival,wait,outcome,handle and one row per contact"``).

    Attributes
    ----------
    name : str
        The file as messages name it.
    cells : dict of str to pandas.Series
        The non-blank rows' cells of each field found (optional fields may be missing).
    lines : ndarray of int
        Each kept row's line number in the file.
    """

    def __init__(
        self,
        path: str | PathLike[str],
        spec: dict[str, tuple[str, ...]],
        expected: str = "a header line",
    ) -> None:
        self.name = name = str(path)
        text = read_text(path, name)
        at, header_text = next(
            ((i, line) for i, line in enumerate(io.StringIO(text), start=1) if line.strip()),
            (0, ""),
        )
        if not header_text:
            raise InputError(f"{name}: the file is empty; expected {expected}")
        delimiter = max(",;\t", key=header_text.count)
        self.header = header = next(csv.reader([header_text.rstrip("\r\n")], delimiter=delimiter))
        self.index = {
            key.rstrip("?"): i for key, i in find_columns(header, at, name, delimiter, spec).items()
        }
        try:
            table = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                header=None,
                skiprows=at,
                names=list(range(len(header))),
                dtype=str,
                na_filter=False,
                skip_blank_lines=False,
                engine="c",
            )
        except pd.errors.ParserError as error:
            line = re.search(r"line (\d+), saw (\d+)", str(error))
            if line is None:
                raise InputError(f"{name}: unreadable CSV ({error})") from None
            comma = " (a decimal comma? use a point: 180.5)" if delimiter == "," else ""
            raise InputError(
                f"{name} row {line[1]}: {line[2]} fields but the header (row {at}) has "
                f"{len(header)}{comma}"
            ) from None
        except pd.errors.EmptyDataError:
            table = pd.DataFrame(columns=list(range(len(header))))
        cells = {f: table[i].fillna("").astype(str) for f, i in self.index.items()}
        if _padded(text, delimiter):  # cells to strip (most exports have none: skip the work)
            cells = {f: values.str.strip() for f, values in cells.items()}
        keep = np.zeros(len(table), dtype=bool)
        for values in cells.values():
            keep |= (values != "").to_numpy()
        if not keep.any():
            raise InputError(f"{name}: no data rows under the header (row {at})")
        self.cells = {f: values[keep].reset_index(drop=True) for f, values in cells.items()}
        self.lines = (at + 1 + np.arange(len(table)))[keep]

    def has(self, field: str) -> bool:
        """Whether the file has the field's column."""
        return field in self.cells

    def label(self, field: str) -> str:
        """Name the field as messages do: with the file's own header when that differs."""
        given = self.header[self.index[field]].strip()
        return field if normalize_header(given) == field else f"{field} ({given!r})"

    def refuse(self, bad: NDArray[np.bool_], field: str, rule: str) -> None:
        """Raise for the first row where ``bad`` holds, naming the row, column and value."""
        if bad.any():
            i = int(np.argmax(bad))
            value = self.cells[field].iloc[i]
            where = f"{self.name} row {self.lines[i]}"
            raise InputError(f"{where}: {self.label(field)} = {value!r}; {rule}")

    def text(self, field: str) -> NDArray[np.str_]:
        """Return the field's cells as a str array ("" everywhere when the column is missing)."""
        if field not in self.cells:
            return np.full(self.lines.size, "", dtype=str)
        return self.cells[field].to_numpy(dtype=str)


def _padded(text: str, delimiter: str) -> bool:
    """Whether any cell may start or end with blanks (next to a delimiter or a line end).

    Looks at the bytes beside every blank at once (UTF-8 multi-byte characters hold no
    ASCII bytes); a blank beside a quote counts too, as it may pad a quoted cell.
    """
    data = np.frombuffer(text.encode(), dtype=np.uint8)
    blank = data == ord(" ")
    if delimiter != "\t":
        blank |= data == ord("\t")
    where = np.flatnonzero(blank)
    edges = np.frombuffer(f'{delimiter}\n\r"'.encode(), dtype=np.uint8)
    line_end = ord("\n")
    before = np.where(where > 0, data[np.maximum(where - 1, 0)], line_end)
    after = np.where(where + 1 < data.size, data[np.minimum(where + 1, data.size - 1)], line_end)
    return bool(np.isin(before, edges).any() or np.isin(after, edges).any())
