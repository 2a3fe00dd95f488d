"""Per agent, for coaching: contacts, AHT, QA, CSAT and FCR, with small-sample warnings.

Part of the scorecard (:mod:`staffing.history.scorecard`): each agent's figures over the
whole log, from the same per-contact handle times and FCR counts, joined to the surveys and
QA evaluations that name the agent's contacts (or the agent).
"""

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from staffing.history.feedback import QaScores, Surveys
from staffing.history.log import ContactLog

FloatArray = NDArray[np.float64]

MIN_SAMPLE = 30
"""Fewest answers behind an agent's CSAT, FCR or QA before it is read without a warning.

Rationale: a share measured on n = 30 answers has a 95 % confidence half-width of up to
1.96 sqrt(0.25 / 30) = 18 points (normal approximation to the binomial), already too wide to
rank agents; below 30 the warning says so rather than hiding the number.
"""


def agent_table(
    log: ContactLog,
    work: FloatArray,
    fcr_resolved: FloatArray,
    fcr_issues: FloatArray,
    surveys: Surveys | None,
    survey_row: NDArray[np.int64],
    qa: QaScores | None,
    qa_agent: NDArray[np.str_],
) -> pd.DataFrame:
    """Per agent, for coaching: contacts, AHT [s], QA, CSAT, FCR, with small-sample warnings.

    Columns ``agent, contacts, aht, qa_score, evaluations, csat, surveys, fcr, issues,
    warning``; a share or score over fewer than :data:`MIN_SAMPLE` answers is named in
    ``warning``. Empty without an ``agent`` column.
    """
    if "agent" not in log.columns:
        return pd.DataFrame(columns=["agent"])
    agent = np.asarray(log.columns["agent"], dtype=str)
    codes, found = pd.factorize(np.concatenate([agent, qa_agent]), sort=True)
    named = np.asarray(found, dtype=str) != ""
    names = np.asarray(found, dtype=str)[named]
    k = names.size
    index = np.where(named, np.cumsum(named) - 1, k)[codes]  # "" and no agent: k
    who, qa_who = index[: agent.size], index[agent.size :]
    handled = log.answered & (who < k)

    def per_agent(index: NDArray[np.int64], weight: FloatArray | None = None) -> FloatArray:
        return np.bincount(index, weights=weight, minlength=k + 1)[:k]

    contacts = per_agent(who[handled])
    aht = per_agent(who[handled], work[handled])
    issues = per_agent(who, fcr_issues)
    resolved = per_agent(who, fcr_resolved)
    satisfied = answers = np.zeros(k)
    if surveys is not None and survey_row.size:
        found = survey_row >= 0
        rows = survey_row[found]
        csat = np.asarray(surveys.csat)[found]
        answered = ~np.isnan(csat)
        answers = per_agent(who[rows[answered]])
        satisfied = per_agent(who[rows[answered & (csat >= 4)]])
    evaluations = total = np.zeros(k)
    if qa is not None and qa_agent.size:
        ok = qa_who < k
        evaluations = per_agent(qa_who[ok])
        total = per_agent(qa_who[ok], qa.score[ok])

    def ratio(top: FloatArray, bottom: FloatArray) -> FloatArray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1), np.nan)

    frame = pd.DataFrame(
        {
            "agent": names,
            "contacts": contacts.astype(np.int64),
            "aht": ratio(aht, contacts),
            "qa_score": ratio(total, evaluations),
            "evaluations": evaluations.astype(np.int64),
            "csat": ratio(satisfied, answers),
            "surveys": answers.astype(np.int64),
            "fcr": ratio(resolved, issues),
            "issues": issues.astype(np.int64),
        }
    )
    warnings = []
    for row in frame.itertuples():
        few = [
            f"{what} on {n}"
            for what, n, used in (
                ("QA", row.evaluations, qa is not None),
                ("CSAT", row.surveys, surveys is not None),
                ("FCR", row.issues, bool(fcr_issues.any())),
            )
            if used and 0 < n < MIN_SAMPLE
        ]
        warnings.append(f"few answers: {', '.join(few)} (< {MIN_SAMPLE})" if few else "")
    frame["warning"] = warnings
    return frame.sort_values(["contacts", "agent"], ascending=[False, True], ignore_index=True)
