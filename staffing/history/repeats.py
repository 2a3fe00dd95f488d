"""Repeat contacts: the same customer again, for first-contact resolution and calibration.

A contact log with a ``customer`` column tells who came back and when (DESIGN.md section 4,
``fcr``): an answered contact is a repeat when the same customer's latest earlier answered
contact ended within the repeat window before it arrived; an *issue* is an answered contact
that is not a repeat, resolved at first contact when neither a ``resolved`` flag says
otherwise nor the customer comes back within the window. The scorecard counts FCR with
:func:`fcr_counts`; calibration measures the share and delay of returns from
:func:`next_arrival_gap`.
"""

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from staffing.history.log import ContactLog

FloatArray = NDArray[np.float64]


def next_arrival_gap(log: ContactLog) -> FloatArray:
    """Time from each contact's arrival to its customer's next arrival [s] (inf: none)."""
    customer = np.asarray(log.columns["customer"], dtype=str)
    t = log.arrival.astype(np.int64).astype(float)
    order = np.lexsort((t, pd.factorize(customer)[0]))
    same = customer[order][1:] == customer[order][:-1]
    gap = np.full(log.size, np.inf)
    gap[order[:-1][same]] = (t[order][1:] - t[order][:-1])[same]
    return gap


def contact_end(log: ContactLog) -> FloatArray:
    """When each contact left [s since 1970]: answer + handle (+ wrap), or hang-up."""
    work = handle_with_wrap(log)
    return log.arrival.astype(np.int64) + log.wait + np.where(log.answered, work, 0.0)


def handle_with_wrap(log: ContactLog) -> FloatArray:
    """Handle time of each answered contact, wrap included [s] (0 for abandoned ones)."""
    wrap = np.nan_to_num(np.asarray(log.columns.get("wrap", np.zeros(log.size)), dtype=float))
    return np.where(log.answered, log.handle + wrap, 0.0)


def known_customers(log: ContactLog) -> NDArray[np.bool_]:
    """Whether each contact's customer is known (``""`` and ``"0"`` are unidentified)."""
    customer = np.asarray(log.columns["customer"], dtype=str)
    return (customer != "") & (customer != "0")


def repeat_flags(log: ContactLog, window: float) -> tuple[NDArray[np.bool_], FloatArray]:
    """Whether each contact is a repeat, and the time to its customer's next contact [s].

    Parameters
    ----------
    log
        With a ``customer`` column (``""`` or ``"0"``: unknown, never a repeat).
    window
        Repeat window [s].

    Returns
    -------
    is_repeat : ndarray of bool
        The contact arrived within ``window`` after the end of the same customer's latest
        earlier answered contact.
    next_gap : ndarray of float
        Time from the end of the contact to the customer's next arrival [s] (inf if none or
        unknown customer).
    """
    n = log.size
    known = known_customers(log)
    customer = pd.factorize(np.asarray(log.columns["customer"], dtype=str))[0]
    t = log.arrival.astype(np.int64).astype(float)
    order = np.lexsort((np.arange(n), t, customer))
    c, ts, end = customer[order], t[order], contact_end(log)[order]
    start = np.r_[True, c[1:] != c[:-1]]
    first_of_group = np.maximum.accumulate(np.where(start, np.arange(n), 0))
    answered_at = np.where(log.answered[order], np.arange(n), -1)
    latest = np.maximum.accumulate(answered_at)
    previous = np.r_[-1, latest[:-1]]
    has_previous = previous >= first_of_group
    gap_before = np.where(has_previous, ts - end[np.maximum(previous, 0)], np.inf)
    same_next = np.r_[c[1:] == c[:-1], False]
    gap_after = np.where(same_next, np.r_[ts[1:], np.inf] - end, np.inf)
    is_repeat = np.zeros(n, dtype=bool)
    next_gap = np.full(n, np.inf)
    is_repeat[order] = has_previous & (gap_before <= window)
    next_gap[order] = gap_after
    return is_repeat & known, np.where(known, next_gap, np.inf)


def fcr_counts(log: ContactLog, window: float) -> tuple[FloatArray, FloatArray, str]:
    """Per contact: resolved issues and issues counted for FCR (0 or 1 each), and the method.

    See the module notes: ``resolved`` flag first, else the repeat window; ``("", zeros)``
    when the log has neither column.
    """
    n = log.size
    has_customer = "customer" in log.columns
    is_repeat, next_gap = (
        repeat_flags(log, window) if has_customer else (np.zeros(n, bool), np.full(n, np.inf))
    )
    issue = log.answered & ~is_repeat
    if "resolved" in log.columns:
        flag = np.asarray(log.columns["resolved"], dtype=float)
        counted = issue & ~np.isnan(flag)
        return np.where(counted, flag == 1, 0).astype(float), counted.astype(float), "resolved"
    if has_customer:
        last = float(log.arrival[-1].astype(np.int64)) if n else 0.0
        counted = issue & known_customers(log) & (contact_end(log) + window <= last)
        resolved = counted & (next_gap > window)
        return resolved.astype(float), counted.astype(float), "repeat"
    return np.zeros(n), np.zeros(n), ""
