r"""Cost per contact and resolution rate by channel, beside the industry's reference bands.

The per-channel KPIs of DESIGN.md section 4 for a simulated center (issue 12):

- ``cost_per_contact``: the channel's share of the cost over the contacts it handled. Each
  group's paid hours cost its hourly rate with the loadings, seats, team leads and overhead
  of the :class:`staffing.costs.CostModel`; a group's cost is shared among the queues it
  served by their share of its handle time
  (:meth:`staffing.simulation.center_run.CenterResult.costs`), and a channel's cost is the
  sum over its queues. Fixed monthly costs are left out.
- ``resolution_rate``: contacts resolved over contacts handled. A queue's resolved contacts
  are its handled contacts times its ``fcr`` (:attr:`staffing.center.Queue.fcr`), the
  *expected* count: the center's engines do not generate repeat contacts, so the rate is
  an input carried through, weighted by the simulated handled volumes. A channel with a
  queue of unknown ``fcr`` has an unknown rate.

Each figure is placed against its band (:func:`staffing.benchmarks.channel_benchmarks`):
``below``, ``within`` or ``above`` the range; ``unknown`` when the figure is (no contact
handled, or no ``fcr``); ``no band`` where none applies (the ``all`` row's cost, whose
channels have different ranges, and costs in a currency other than USD, as the ranges are
in USD). A band is a reference, not a target.

With ``n_q`` contacts handled and cost ``C_q`` for queue ``q`` of channel ``c``:

.. math::

    \text{cost per contact}_c = \frac{\sum_{q \in c} C_q}{\sum_{q \in c} n_q}, \qquad
    \text{resolution rate}_c = \frac{\sum_{q \in c} n_q f_q}{\sum_{q \in c} n_q}

References
----------
.. [1] KPI_BENCHMARKS.md, the project's digest of industry guides (ICMI, SQM Group,
   outsourcers' published benchmarks): cost per contact phone $3.50-$8.00, chat
   $2.00-$5.00, email $1.50-$4.00; FCR 70-75 % on average.
"""

import math

import numpy as np
import pandas as pd

from staffing.benchmarks import Benchmark, benchmarks, channel_benchmarks
from staffing.center import Center
from staffing.costs import CostModel
from staffing.simulation.center_run import ALL, CenterResult

ORDER = ("voice", "chat", "email")
"""Channels in the order the table lists them; any other channel follows, in file order."""

COLUMNS = (
    "channel",
    "queues",
    "offered",
    "handled",
    "cost",
    "cost_per_contact",
    "cost_low",
    "cost_high",
    "cost_status",
    "resolved",
    "resolution_rate",
    "resolution_low",
    "resolution_high",
    "resolution_status",
)
"""Columns of :func:`channel_table` (and ``channels.csv``)."""


def band_status(value: float, band: Benchmark | None) -> str:
    """Place ``value`` against ``band``: ``below``, ``within``, ``above``, or why not.

    ``unknown`` for a NaN value, ``no band`` without a band (the bounds are inside).

    Examples
    --------
    >>> band_status(4.2, Benchmark(3.5, 8.0, "phone"))
    'within'
    """
    if band is None:
        return "no band"
    if not math.isfinite(value):
        return "unknown"
    if value < band.low:
        return "below"
    return "above" if value > band.high else "within"


def channel_table(
    center: Center, result: CenterResult, costs: CostModel, *, sector: str = "general"
) -> pd.DataFrame:
    """Tabulate contacts, cost per contact and resolution rate per channel and ``all``.

    Parameters
    ----------
    center : Center
        The simulated center (queues with their channel and ``fcr``, groups with wages).
    result : CenterResult
        Its simulation.
    costs : CostModel
        Prices of the paid hours; the bands apply when its currency is ``USD``.
    sector : str, default "general"
        Benchmark sector of the resolution band (:data:`staffing.benchmarks.SECTORS`).

    Returns
    -------
    pandas.DataFrame
        A row per channel present (in :data:`ORDER`) and a row ``all``, columns
        :data:`COLUMNS`: ``queues`` (names, comma-separated), ``offered`` and ``handled``
        (contacts, means per simulated day), ``cost`` [currency per day],
        ``cost_per_contact`` [currency per contact handled], ``resolved`` (expected
        contacts resolved at first contact), ``resolution_rate`` [share], each band's
        ``_low`` and ``_high`` and the ``_status``. Undefined figures are NaN.
    """
    per_queue = result.costs(center, costs).set_index("queue")
    offered = result.queues.set_index("queue")["offered"]
    channels = sorted(
        dict.fromkeys(q.channel for q in center.queues),
        key=lambda c: ORDER.index(c) if c in ORDER else len(ORDER),
    )
    rows = []
    for channel in (*channels, ALL):
        queues = [q for q in center.queues if channel in (ALL, q.channel)]
        names = [q.name for q in queues]
        handled = float(per_queue.loc[names, "answered"].sum())
        cost = float(per_queue.loc[ALL if channel == ALL else names, "cost"].sum())
        fcr = [q.fcr for q in queues]
        resolved = (
            math.nan
            if None in fcr
            else float(sum(per_queue.loc[q.name, "answered"] * q.fcr for q in queues))
        )
        bands = channel_benchmarks(channel, sector)
        cost_band = bands.get("cost_per_contact") if costs.currency == "USD" else None
        rows.append(
            _row(channel, names, float(offered.loc[names].sum()), handled, cost, resolved)
            | _band("cost", cost / handled if handled > 0 else math.nan, cost_band)
            | _band(
                "resolution",
                resolved / handled if handled > 0 else math.nan,
                bands["resolution_rate"],
            )
        )
    frame = pd.DataFrame(rows)
    frame["cost_per_contact"] = frame.pop("cost_value")
    frame["resolution_rate"] = frame.pop("resolution_value")
    return frame[list(COLUMNS)]


def _row(
    channel: str, names: list[str], offered: float, handled: float, cost: float, resolved: float
) -> dict[str, object]:
    return {
        "channel": channel,
        "queues": ", ".join(names),
        "offered": offered,
        "handled": handled,
        "cost": cost,
        "resolved": resolved,
    }


def _band(prefix: str, value: float, band: Benchmark | None) -> dict[str, object]:
    return {
        f"{prefix}_value": value,
        f"{prefix}_low": np.nan if band is None else band.low,
        f"{prefix}_high": np.nan if band is None else band.high,
        f"{prefix}_status": band_status(value, band),
    }


def bands_note(sector: str = "general") -> str:
    """One line naming the bands and their source, for a report beside the table."""
    fcr = benchmarks(sector)["fcr"]
    cost = ", ".join(
        f"{channel} {band.low:.2f}-{band.high:.2f}"
        for channel in ORDER
        if (band := channel_benchmarks(channel, sector).get("cost_per_contact")) is not None
    )
    where = "" if sector == "general" else f" ({sector.replace('_', ' ')})"
    return (
        f"Reference bands: cost per contact in USD {cost}; resolution rate "
        f"{fcr.low:.0%}-{fcr.high:.0%}, the FCR range{where} for every channel (the guides "
        "give none by channel). Source: KPI_BENCHMARKS.md (ICMI, SQM Group, outsourcers' "
        "published benchmarks); a reference, not a target."
    )
