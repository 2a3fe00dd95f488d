"""What customers and quality reviewers said, and the hours agents worked: scorecard inputs.

Three CSV files beside a contact log (DESIGN.md section 9), each read whole with pandas and
checked column by column, naming the file, row, column and value of the first bad cell:

- surveys: ``contact`` and any of ``csat`` (1-5), ``nps`` (0-10), ``ces`` (1-7), empty
  where the customer did not answer that question;
- QA evaluations: ``score`` (0-100) with ``contact``, or with ``agent`` and ``date``;
- agent time: ``agent``, ``date``, ``logged_in`` and ``paid`` [s] per agent and day, for
  occupancy, utilization and cost per contact.
"""

from dataclasses import dataclass
from os import PathLike

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from staffing.errors import InputError
from staffing.history.cells import Cells
from staffing.history.log import ContactLog

FloatArray = NDArray[np.float64]

SURVEY_SCALES: dict[str, tuple[float, float]] = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}
"""The answer scale of each survey question, (lowest, highest), DESIGN.md section 9."""


@dataclass(frozen=True)
class Surveys:
    """Survey answers, one row per surveyed contact.

    Attributes
    ----------
    contact : ndarray of str
        The contact surveyed (the log's ``contact`` id).
    csat, nps, ces : ndarray of float
        The answers on :data:`SURVEY_SCALES`; NaN where not answered.
    """

    contact: NDArray[np.str_]
    csat: FloatArray
    nps: FloatArray
    ces: FloatArray

    @property
    def size(self) -> int:
        """Number of surveys."""
        return int(self.contact.size)


@dataclass(frozen=True)
class QaScores:
    """Quality evaluations: a score 0-100, of a contact or of an agent on a date.

    Attributes
    ----------
    score : ndarray of float
        Evaluation score, 0-100.
    contact : ndarray of str
        The contact evaluated ("" when the row names an agent and a date instead).
    agent : ndarray of str
        The agent evaluated ("" when unknown: then the contact's agent is used).
    day : ndarray of datetime64[D]
        The evaluation's date (NaT when unknown: then the contact's date is used).
    """

    score: FloatArray
    contact: NDArray[np.str_]
    agent: NDArray[np.str_]
    day: NDArray[np.datetime64]


@dataclass(frozen=True)
class AgentTime:
    """Logged-in and paid time per agent and day.

    Attributes
    ----------
    agent : ndarray of str
    day : ndarray of datetime64[D]
    logged_in : ndarray of float
        Time logged in to take contacts [s], ``<= paid``.
    paid : ndarray of float
        Paid time [s].
    """

    agent: NDArray[np.str_]
    day: NDArray[np.datetime64]
    logged_in: FloatArray
    paid: FloatArray


class _Cells(Cells):
    """The cells of a feedback file, with numbers and dates checked column by column."""

    def number(
        self, field: str, low: float, high: float, rule: str, *, required: bool
    ) -> FloatArray:
        """Numbers in [low, high]; NaN where empty (refused when ``required``)."""
        if field not in self.cells:
            return np.full(self.lines.size, np.nan)
        cells = self.cells[field]
        empty = (cells == "").to_numpy()
        if required:
            self.refuse(empty, field, rule)
        values = pd.to_numeric(cells.where(~empty, "nan"), errors="coerce").to_numpy(float)
        self.refuse(
            ~empty & ~(np.isfinite(values) & (values >= low) & (values <= high)), field, rule
        )
        return values

    def dates(self, field: str, *, required: bool) -> NDArray[np.datetime64]:
        if field not in self.cells:
            return np.full(self.lines.size, np.datetime64("NaT", "D"))
        cells = self.cells[field]
        empty = (cells == "").to_numpy()
        rule = "expected a date like 2026-03-02"
        if required:
            self.refuse(empty, field, rule)
        stamps = pd.to_datetime(cells.where(~empty, None), format="%Y-%m-%d", errors="coerce")
        self.refuse(~empty & stamps.isna().to_numpy(), field, rule)
        return stamps.to_numpy().astype("datetime64[D]")


def read_surveys(path: str | PathLike[str]) -> Surveys:
    """Read post-contact surveys: ``contact`` and any of ``csat``, ``nps``, ``ces``.

    Parameters
    ----------
    path
        CSV file (the rules of :mod:`staffing.csvfile`). ``csat`` 1-5, ``nps`` 0-10 and
        ``ces`` 1-7 (:data:`SURVEY_SCALES`), whole or not, empty when not answered.

    Raises
    ------
    InputError
        No ``contact`` column, none of the three questions, a score off its scale, or the
        same contact surveyed twice; naming the file, row, column and value.
    """
    spec = {"contact": ("contact", "contact_id")} | {f"{q}?": (q,) for q in SURVEY_SCALES}
    cells = _Cells(path, spec)
    if not any(cells.has(q) for q in SURVEY_SCALES):
        raise InputError(f"{cells.name}: no csat, nps or ces column; a survey needs one")
    contact = cells.text("contact")
    cells.refuse(contact == "", "contact", "every survey names the contact it is about")
    _, first, counts = np.unique(contact, return_index=True, return_counts=True)
    twice = np.zeros(contact.size, dtype=bool)
    twice[np.sort(first[counts > 1])] = True
    if twice.any():
        dup = str(contact[twice][0])
        rows = cells.lines[contact == dup][:2]
        raise InputError(
            f"{cells.name} rows {rows[0]} and {rows[1]}: contact {dup!r} is surveyed twice; "
            "keep one answer per contact"
        )
    scores = {
        q: cells.number(
            q, low, high, f"{q} must be a score from {low} to {high}, or empty", required=False
        )
        for q, (low, high) in SURVEY_SCALES.items()
    }
    return Surveys(contact=contact, **scores)


def read_qa(path: str | PathLike[str]) -> QaScores:
    """Read quality evaluations: ``score`` (0-100) with ``contact``, or ``agent`` and ``date``.

    Raises
    ------
    InputError
        A missing column, a score outside 0-100, a bad date, or a row naming neither a
        contact nor an agent and a date.
    """
    spec = {
        "score": ("score", "qa_score", "qa"),
        "contact?": ("contact", "contact_id"),
        "agent?": ("agent",),
        "date?": ("date", "day"),
    }
    cells = _Cells(path, spec)
    if not cells.has("contact") and not (cells.has("agent") and cells.has("date")):
        raise InputError(
            f"{cells.name}: QA scores need a contact column, or agent and date columns"
        )
    score = cells.number("score", 0, 100, "score must be a number from 0 to 100", required=True)
    contact, agent = cells.text("contact"), cells.text("agent")
    day = cells.dates("date", required=False)
    orphan = (contact == "") & ((agent == "") | np.isnat(day))
    cells.refuse(orphan, "score", "the row names no contact, nor an agent and a date")
    return QaScores(score=score, contact=contact, agent=agent, day=day)


def read_agent_time(path: str | PathLike[str]) -> AgentTime:
    """Read logged-in and paid time per agent and day: ``agent, date, logged_in, paid`` [s].

    Raises
    ------
    InputError
        A missing column or cell, a negative time, or logged-in time above paid time (the
        row named).
    """
    spec = {
        "agent": ("agent",),
        "date": ("date", "day"),
        "logged_in": ("logged_in", "logged_in_s", "login"),
        "paid": ("paid", "paid_s"),
    }
    cells = _Cells(path, spec)
    agent = cells.text("agent")
    cells.refuse(agent == "", "agent", "every row names an agent")
    day = cells.dates("date", required=True)
    rule = "must be a number of seconds from 0 to 86400"
    logged = cells.number("logged_in", 0, 86_400, f"logged_in {rule}", required=True)
    paid = cells.number("paid", 0, 86_400, f"paid {rule}", required=True)
    cells.refuse(logged > paid, "logged_in", "logged_in must be <= paid (the same row)")
    return AgentTime(agent=agent, day=day, logged_in=logged, paid=paid)


def contact_rows(log: ContactLog, keys: NDArray[np.str_], what: str) -> NDArray[np.int64]:
    """Return the log row of each contact id in ``keys`` (first occurrence), -1 if absent."""
    if "contact" not in log.columns:
        raise InputError(
            f"{log.source or 'contact log'}: no contact column; {what} name contacts by id, "
            "so the log needs a contact column"
        )
    codes, uniques = pd.factorize(np.asarray(log.columns["contact"], dtype=str))
    first = np.empty(len(uniques), dtype=np.int64)
    first[codes[::-1]] = np.arange(codes.size - 1, -1, -1)  # the first occurrence wins
    where = pd.Index(uniques).get_indexer(keys)
    return np.where(where >= 0, first[np.maximum(where, 0)], -1).astype(np.int64)
