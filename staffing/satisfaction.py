r"""What waiting costs in satisfaction: a hinge of CSAT against wait, and a plan's CSAT from it.

The scorecard fits the hinge to a center's own surveys (:mod:`staffing.history.csat_wait`),

.. math::

    p(w) = b - s \, \frac{\max(0, w - k)}{30},

CSAT :math:`b` for contacts answered within the knee :math:`k` [s], :math:`s` lost per
further 30 s. A plan's CSAT is the mean of :math:`p` over its answered contacts' waits.
Simulation tables keep, per interval, the mean wait of answered contacts (ASA) and the
share of them answered within the threshold :math:`T`, not every wait; so the waits of an
interval are taken as queued with probability :math:`q` and then exponential with mean
:math:`m` (the Erlang C form of the wait distribution, Gross & Harris 1998, §2.3), with
:math:`q m = \mathrm{ASA}` and :math:`q e^{-T/m} = 1 - \mathrm{SL}_{answered}` fitted to
both figures. Then :math:`E[\max(0, W - k)] = \mathrm{ASA}\, e^{-k/m}`, and the interval's
CSAT is :math:`b - s\, \mathrm{ASA}\, e^{-k/m} / 30` (clipped to [0, 1]).

References
----------
.. [1] D. Gross and C. M. Harris, *Fundamentals of Queueing Theory*, 3rd ed., Wiley, 1998.
"""

import math
import tomllib
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from staffing.errors import InputError


@dataclass(frozen=True)
class WaitSatisfaction:
    """CSAT against the wait of a contact: flat up to a knee, then falling linearly.

    Attributes
    ----------
    base : float
        CSAT of contacts answered within the knee [share], in [0, 1].
    knee : float
        Wait past which satisfaction falls [s], >= 0.
    slope : float
        CSAT lost per further 30 s of wait [share per 30 s].
    surveys : int
        Survey answers the curve was fitted on.
    """

    base: float
    knee: float
    slope: float
    surveys: int = 0

    def __post_init__(self) -> None:
        """Check the curve's numbers."""
        if not (math.isfinite(self.base) and 0.0 <= self.base <= 1.0):
            raise InputError(f"base = {self.base!r}; the CSAT at no wait is a share in [0, 1]")
        if not (math.isfinite(self.knee) and self.knee >= 0.0):
            raise InputError(f"knee = {self.knee!r}; give a wait in seconds >= 0")
        if not math.isfinite(self.slope):
            raise InputError(f"slope = {self.slope!r}; give a share per 30 s")

    def predict(self, wait: ArrayLike) -> NDArray[np.float64]:
        """Return the CSAT expected of contacts that waited ``wait`` [s], clipped to [0, 1]."""
        w = np.asarray(wait, dtype=float)
        return np.clip(self.base - self.slope * np.maximum(w - self.knee, 0.0) / 30.0, 0.0, 1.0)

    def expected(
        self, asa: ArrayLike, within: ArrayLike, threshold: float, answered: ArrayLike
    ) -> float:
        """CSAT of a plan's answered contacts, from each interval's ASA and service level.

        Parameters
        ----------
        asa
            Mean wait of answered contacts per interval [s] (NaN where none were answered).
        within
            Share of answered contacts answered within ``threshold`` per interval.
        threshold
            The service level's answer time [s], > 0.
        answered
            Contacts answered per interval (the weights).

        Returns
        -------
        float
            The answered contacts' mean CSAT (module docstring), NaN with none answered.
        """
        a = np.nan_to_num(np.asarray(asa, dtype=float))
        late = np.clip(1.0 - np.nan_to_num(np.asarray(within, dtype=float), nan=1.0), 0.0, 1.0)
        weight = np.asarray(answered, dtype=float)
        if not weight.sum() > 0:
            return math.nan
        excess = np.array(
            [_excess(x, p, threshold, self.knee) for x, p in zip(a, late, strict=True)]
        )
        csat = np.clip(self.base - self.slope * excess / 30.0, 0.0, 1.0)
        return float(csat @ weight / weight.sum())

    def toml(self) -> str:
        """Write the curve as a ``[csat_wait]`` TOML table (:func:`read_wait_satisfaction`)."""
        return (
            "# CSAT against wait, fitted on the surveys: "
            "p(w) = base - slope * max(0, w - knee) / 30\n"
            "[csat_wait]\n"
            f"base = {self.base:.6f}        # CSAT of contacts answered within the knee (share)\n"
            f"knee = {self.knee:g}            # wait past which CSAT falls [s]\n"
            f"slope = {self.slope:.6f}      # CSAT lost per further 30 s of wait (share)\n"
            f"surveys = {self.surveys}\n"
        )


def _excess(asa: float, late: float, threshold: float, knee: float) -> float:
    """E[max(0, W - knee)] of an interval's answered waits (module docstring) [s].

    With q = ASA / m, the late share (ASA / m) exp(-T / m) rises in m up to m = T and falls
    after it; of the two m that fit it, the larger (the fatter tail, so the lower CSAT) is
    taken, and where no m with q <= 1 reaches the late share, the m coming closest.
    """
    if asa <= 0.0 or late <= 0.0:
        return 0.0

    def gap(m: float) -> float:
        return math.log(asa / m) - threshold / m - math.log(late)

    low = high = max(asa, threshold)
    if gap(low) > 0.0:  # bisect the falling branch: gap(low) > 0 >= gap(high)
        while gap(high) > 0.0:
            low, high = high, 2.0 * high
        for _ in range(60):
            mid = 0.5 * (low + high)
            low, high = (mid, high) if gap(mid) > 0.0 else (low, mid)
    return asa * math.exp(-knee / high)


def read_wait_satisfaction(path: str | PathLike[str]) -> WaitSatisfaction:
    """Read a ``[csat_wait]`` curve written by ``staffing scorecard`` (``csat_wait.toml``)."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))["csat_wait"]
        values = {key: float(data[key]) for key in ("base", "knee", "slope")}
        surveys = int(data.get("surveys", 0))
    except (OSError, KeyError, ValueError, TypeError, tomllib.TOMLDecodeError) as error:
        raise InputError(f"{path}: not a [csat_wait] curve ({error})") from None
    try:
        return WaitSatisfaction(**values, surveys=surveys)
    except InputError as error:
        raise InputError(f"{path}: {error}") from None
