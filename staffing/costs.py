r"""What a schedule costs: loaded wages, seats, supervision, overhead and fixed costs.

A bottom-layer module of pure functions and frozen dataclasses (it imports nothing from
the rest of the package but :mod:`staffing.errors`). :class:`CostModel` holds the prices,
:func:`cost_breakdown` turns the hours of a plan into a :class:`CostBreakdown` with every
component, the per-unit figures of DESIGN.md section 4 (``cost_per_contact``,
``utilization``) and sanity warnings against the ranges of KPI_BENCHMARKS.md.

Costs are priced per hour, so this module takes hours [h], not seconds: convert at the
call site (``paid_seconds / 3600``). Shares are fractions (0.25 = 25 %).

The cost of a period is

.. math::

    W &= H_p w, \quad L = \ell W, \quad S = H_p s, \\
    W_{tl} &= \frac{H_p}{n} w_{tl}, \quad L_{tl} = \ell W_{tl}, \\
    O &= o (W + L + W_{tl} + L_{tl}), \quad F = f \frac{d}{d_m}, \\
    C &= W + L + S + W_{tl} + L_{tl} + O + F

with :math:`H_p` the paid agent hours, :math:`w` the agent wage, :math:`\ell` the loading,
:math:`s` the seat cost per paid agent hour, :math:`n` the agents per team lead,
:math:`w_{tl}` the team lead wage, :math:`o` the overhead share, :math:`f` the fixed
monthly cost, :math:`d` the days in the period and :math:`d_m` the days in a month.
Everything but :math:`F` is proportional to the paid hours, so
:attr:`CostModel.per_hour` is the marginal cost of one paid agent hour (the figure a
schedule optimiser should minimise) and :math:`C = H_p \times` ``per_hour`` :math:`+ F`.

The industry ranges of KPI_BENCHMARKS.md (phone cost per contact $3.50-$8.00,
utilization 70-85 %) are *checks on the output* (:meth:`CostBreakdown.check`), never
inputs.

Examples
--------
>>> model = CostModel(hourly_wage=20.0, loading=0.25, seat_cost_per_hour=2.0)
>>> b = cost_breakdown(
...     model, paid_hours=1000.0, handled_calls=6000, handle_hours=800.0, period_days=1
... )
>>> b.total, b.per_contact, b.utilization
(27000.0, 4.5, 0.8)
>>> b.check()
[]
"""

import math
from dataclasses import dataclass
from numbers import Real
from typing import Literal

import pandas as pd

from staffing.errors import InputError

Channel = Literal["phone", "chat", "email"]

COST_PER_CONTACT_USD: dict[str, tuple[float, float]] = {
    "phone": (3.50, 8.00),
    "chat": (2.00, 5.00),
    "email": (1.50, 4.00),
}
"""Usual cost per contact handled by channel [USD], (low, high).

Source: KPI_BENCHMARKS.md (industry guides: ICMI, SQM Group, outsourcers' published
benchmarks). A sanity check on outputs only: a figure far outside means an input is wrong.
"""

UTILIZATION_RANGE: tuple[float, float] = (0.70, 0.85)
"""Sane agent utilization (handle time / paid time), (low, high) [share].

Source: KPI_BENCHMARKS.md: target 75-85 %, above 85 % risks burnout, below 70 % means
overstaffing. Warnings fire outside 70-85 %.
"""

MAX_SHARE = 2.0
"""Largest ``loading`` or ``overhead`` accepted (200 % on top) [share].

Rationale: real loadings are 20-45 % and overheads rarely above 50 %; anything above
200 % is almost surely a percentage typed as a number (``25`` for 25 %).
"""


def _real(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InputError(f"{name} = {value!r}; {name} must be a number")
    x = float(value)
    if not math.isfinite(x):
        raise InputError(f"{name} = {x}; {name} must be finite")
    return x


def _at_least(name: str, value: object, low: float) -> float:
    x = _real(name, value)
    if x < low:
        raise InputError(f"{name} = {x:g}; {name} must be >= {low:g}")
    return x


def _positive(name: str, value: object) -> float:
    x = _real(name, value)
    if x <= 0.0:
        raise InputError(f"{name} = {x:g}; {name} must be > 0")
    return x


def _share(name: str, value: object) -> float:
    x = _real(name, value)
    if not 0.0 <= x <= MAX_SHARE:
        raise InputError(
            f"{name} = {x:g}; {name} must be a share in [0, {MAX_SHARE:g}] (0.25 = 25 %)"
        )
    return x


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0.0 else math.nan


@dataclass(frozen=True)
class CostModel:
    """Prices that turn paid agent hours into money.

    The defaults are *neutral*: every component but the wage is off, so
    ``CostModel(hourly_wage=w, loading=l)`` costs ``w (1 + l)`` per paid hour. For typical
    figures start from a preset such as :data:`ONSHORE_US`
    (``dataclasses.replace(ONSHORE_US, hourly_wage=18.0)``).

    Attributes
    ----------
    hourly_wage : float
        Agent wage per paid hour [currency/h], >= 0.
    loading : float
        Employer costs on top of wages (benefits, payroll taxes) as a share of the wage,
        in [0, 2] (0.25 = +25 %). Applied to agents and team leads alike.
    seat_cost_per_hour : float
        Workstation, telephony and licences per paid agent hour [currency/h], >= 0.
    agents_per_team_lead : float or None
        Span of control: agents per team lead, >= 1. Team lead hours are the paid agent
        hours divided by it (leads work the same hours as their agents; fractional leads,
        not rounded, as the hours are totals over a period). None: no team leads.
    team_lead_hourly_wage : float
        Team lead wage per paid hour [currency/h], >= 0, loaded like the agents'.
    overhead : float
        Management and general & administrative cost as a share of direct labour cost
        (agent and team lead wages with their loadings; not seats or fixed costs),
        in [0, 2].
    fixed_monthly : float
        Costs independent of the hours (facilities, fixed contracts) [currency/month], >= 0.
    currency : str
        Label for reports; the cost-per-contact sanity check uses the USD ranges only when
        this is ``"USD"``.
    """

    hourly_wage: float
    loading: float = 0.0
    seat_cost_per_hour: float = 0.0
    agents_per_team_lead: float | None = None
    team_lead_hourly_wage: float = 0.0
    overhead: float = 0.0
    fixed_monthly: float = 0.0
    currency: str = "USD"

    def __post_init__(self) -> None:
        _at_least("hourly_wage", self.hourly_wage, 0.0)
        _share("loading", self.loading)
        _at_least("seat_cost_per_hour", self.seat_cost_per_hour, 0.0)
        if self.agents_per_team_lead is not None:
            _at_least("agents_per_team_lead", self.agents_per_team_lead, 1.0)
        _at_least("team_lead_hourly_wage", self.team_lead_hourly_wage, 0.0)
        _share("overhead", self.overhead)
        _at_least("fixed_monthly", self.fixed_monthly, 0.0)
        if not isinstance(self.currency, str) or not self.currency.strip():
            raise InputError(f"currency = {self.currency!r}; currency must be a non-empty label")

    @property
    def team_lead_share(self) -> float:
        """Team lead hours per paid agent hour [h/h] (0 without team leads)."""
        if self.agents_per_team_lead is None:
            return 0.0
        return 1.0 / self.agents_per_team_lead

    @property
    def per_hour(self) -> float:
        """Marginal cost of one paid agent hour, fixed costs excluded [currency/h].

        Loaded agent wage, seat, the loaded team lead share and overhead on both.
        """
        direct = (self.hourly_wage + self.team_lead_share * self.team_lead_hourly_wage) * (
            1.0 + self.loading
        )
        return direct * (1.0 + self.overhead) + self.seat_cost_per_hour


ONSHORE_US = CostModel(
    hourly_wage=20.0,
    loading=0.30,
    seat_cost_per_hour=2.0,
    agents_per_team_lead=12.0,
    team_lead_hourly_wage=30.0,
    overhead=0.15,
    fixed_monthly=0.0,
    currency="USD",
)
"""An in-house US phone center, round figures [USD].

- ``hourly_wage`` 20.0: assumption, a round figure. The U.S. Bureau of Labor Statistics
  Occupational Outlook Handbook gives a median of $15.53/h for customer service
  representatives (SOC 43-4051) in May 2016, and wages have risen since; use the current
  OEWS figure for your area.
- ``loading`` 0.30: BLS Employer Costs for Employee Compensation (September 2010 release):
  benefits were 29.4 % of private-industry compensation (about +42 % on wages), of which
  paid leave 6.7 %. Paid leave is counted in the paid hours here (as shrinkage), which
  leaves about +32 % on wages; rounded to the top of the 20-30 % range of the issue.
- ``agents_per_team_lead`` 12: ICMI, "Staff to Supervisor Ratio" (2012): many centers
  have 8 to 12 staff per supervisor (5 in technical support, 20 in reservations).
- ``team_lead_hourly_wage`` 30.0: assumption, 1.5 x the agent wage.
- ``seat_cost_per_hour`` 2.0: assumption (workstation, telephony, contact-center and WFM
  licences spread over about 160 paid hours a month).
- ``overhead`` 0.15: assumption (managers, WFM, quality, HR, IT support).
- ``fixed_monthly`` 0.0: site-specific; no sensible default.

With these, a 5-6 min handle time at 80 % utilization costs $3.70-$4.50 per call, inside
the $3.50-$8.00 phone range of KPI_BENCHMARKS.md.
"""

PRESETS: dict[str, CostModel] = {"onshore_us": ONSHORE_US}
"""Named cost presets, for scenario files and the command line."""


def fte(paid_hours: float, fte_hours_per_day: float, days: float) -> float:
    """Full-time equivalents: paid hours over those of one full-time employee.

    Parameters
    ----------
    paid_hours
        Paid hours over the period [h].
    fte_hours_per_day
        Paid hours of one full-time employee per **calendar** day of the period [h]
        (:func:`fte_hours_per_calendar_day`: 8 h on 5 days a week is 5.71 h a day).
    days
        Calendar days in the period.

    Returns
    -------
    float
        ``paid_hours / (fte_hours_per_day * days)``: DESIGN.md section 3 (a 40-hour week:
        2,160 paid hours in a week are 54 FTE).
    """
    return paid_hours / (fte_hours_per_day * days)


def fte_hours_per_calendar_day(hours_per_working_day: float, days_per_week: float) -> float:
    """Paid hours of one full-time employee per calendar day [h].

    A full-time employee works ``hours_per_working_day`` on ``days_per_week`` days of every
    7: 8 h on 5 days is 40 h a week, 5.71 h per calendar day.
    """
    return hours_per_working_day * days_per_week / 7.0


@dataclass(frozen=True)
class CostBreakdown:
    """The cost of a plan over a period, by component, with per-unit figures.

    Attributes
    ----------
    currency : str
        Label of every money amount.
    paid_hours, handle_hours : float
        Paid agent hours and hours spent handling contacts [h].
    handled_calls : float
        Contacts handled in the period.
    period_days : float
        Length of the period [d].
    agent_wages, agent_loadings, seats : float
        Agent wages, their loadings and seat costs [currency].
    team_lead_hours : float
        Paid team lead hours [h].
    team_lead_wages, team_lead_loadings : float
        Team lead wages and their loadings [currency].
    overhead : float
        Management and G&A on direct labour [currency].
    fixed : float
        Share of the fixed monthly costs falling in the period [currency].
    fte : float
        Full-time equivalents: paid hours / (FTE hours per day x period days).
    """

    currency: str
    paid_hours: float
    handle_hours: float
    handled_calls: float
    period_days: float
    agent_wages: float
    agent_loadings: float
    seats: float
    team_lead_hours: float
    team_lead_wages: float
    team_lead_loadings: float
    overhead: float
    fixed: float
    fte: float

    @property
    def direct_labour(self) -> float:
        """Agent and team lead wages with their loadings [currency]."""
        return (
            self.agent_wages + self.agent_loadings + self.team_lead_wages + self.team_lead_loadings
        )

    @property
    def total(self) -> float:
        """Total cost of the period [currency]."""
        return self.direct_labour + self.seats + self.overhead + self.fixed

    @property
    def per_paid_hour(self) -> float:
        """Total cost per paid agent hour [currency/h]; NaN with no paid hours."""
        return _ratio(self.total, self.paid_hours)

    @property
    def per_productive_hour(self) -> float:
        """Total cost per handling hour [currency/h]; NaN with no handling time."""
        return _ratio(self.total, self.handle_hours)

    @property
    def per_contact(self) -> float:
        """Total cost per contact handled [currency]; NaN with no contacts handled.

        DESIGN.md section 4 ``cost_per_contact``. NaN, as ``staffing.plan`` reports it and
        as reports print a missing value, rather than ``inf``: a zero-call plan is
        legitimate and its cost per contact is undefined, not infinite.
        """
        return _ratio(self.total, self.handled_calls)

    @property
    def utilization(self) -> float:
        """Handle time / paid time [share]; NaN with no paid hours.

        DESIGN.md section 4 ``utilization`` (shrinkage lowers it).
        """
        return _ratio(self.handle_hours, self.paid_hours)

    def rows(self) -> list[tuple[str, float, str]]:
        """Report lines as ``(item, value, unit)``, components first, then totals."""
        c = self.currency
        return [
            ("agent wages", self.agent_wages, c),
            ("agent loadings", self.agent_loadings, c),
            ("seats", self.seats, c),
            ("team lead wages", self.team_lead_wages, c),
            ("team lead loadings", self.team_lead_loadings, c),
            ("overhead", self.overhead, c),
            ("fixed", self.fixed, c),
            ("total", self.total, c),
            ("per paid hour", self.per_paid_hour, f"{c}/h"),
            ("per productive hour", self.per_productive_hour, f"{c}/h"),
            ("per contact", self.per_contact, c),
            ("paid hours", self.paid_hours, "h"),
            ("team lead hours", self.team_lead_hours, "h"),
            ("handle hours", self.handle_hours, "h"),
            ("contacts handled", self.handled_calls, ""),
            ("FTE", self.fte, ""),
            ("utilization", self.utilization, "share"),
        ]

    def to_frame(self) -> pd.DataFrame:
        """:meth:`rows` as a frame indexed by ``item`` with ``value`` and ``unit``."""
        return pd.DataFrame(self.rows(), columns=["item", "value", "unit"]).set_index("item")

    def check(
        self,
        channel: Channel = "phone",
        *,
        cost_range: tuple[float, float] | None = None,
        utilization_range: tuple[float, float] = UTILIZATION_RANGE,
    ) -> list[str]:
        """Flag outputs outside the usual industry ranges; messages, never errors.

        Parameters
        ----------
        channel
            Selects the cost-per-contact range of :data:`COST_PER_CONTACT_USD`.
        cost_range
            (low, high) cost per contact [currency]. Default: the channel's USD range if
            ``currency`` is ``"USD"``, otherwise no cost check.
        utilization_range
            (low, high) utilization [share]; default :data:`UTILIZATION_RANGE`.

        Returns
        -------
        list of str
            One line per figure out of range; empty when all is plausible. Undefined
            figures (NaN: no calls, no paid hours) are not flagged.
        """
        if channel not in COST_PER_CONTACT_USD:
            raise InputError(
                f"channel = {channel!r}; channel must be one of {sorted(COST_PER_CONTACT_USD)}"
            )
        if cost_range is None and self.currency == "USD":
            cost_range = COST_PER_CONTACT_USD[channel]
        out = []
        cpc = self.per_contact
        if cost_range is not None and not math.isnan(cpc):
            low, high = cost_range
            if not low <= cpc <= high:
                side = "below" if cpc < low else "above"
                out.append(
                    f"cost per contact {cpc:,.2f} {self.currency} is {side} the usual {channel}"
                    f" range {low:,.2f} to {high:,.2f}; check wages, handle time and volumes"
                )
        u = self.utilization
        low, high = utilization_range
        if not math.isnan(u) and not low <= u <= high:
            meaning = "overstaffing" if u < low else "burnout risk"
            usual = f"{low:.0%} to {high:.0%}"
            out.append(f"utilization {u:.1%} is outside the usual {usual} ({meaning})")
        return out

    @property
    def warnings(self) -> list[str]:
        """:meth:`check` with its defaults (phone contacts)."""
        return self.check()


def cost_breakdown(
    model: CostModel,
    *,
    paid_hours: float,
    handled_calls: float,
    handle_hours: float,
    period_days: float,
    fte_hours_per_day: float = 8.0,
    days_per_month: float = 30.4,
) -> CostBreakdown:
    """Cost a plan's hours, component by component.

    Parameters
    ----------
    model
        The prices.
    paid_hours
        Paid agent hours of the period, shrinkage included [h], >= 0.
    handled_calls
        Contacts handled in the period, >= 0 (a mean over replications may be fractional).
    handle_hours
        Agent hours spent handling them (talk, hold, after-call work) [h], in
        [0, ``paid_hours``]; > 0 when any contact is handled.
    period_days
        Length of the period [d], > 0; scales the fixed monthly costs and the FTE.
    fte_hours_per_day
        Paid hours of one FTE per day of the period [h/d], in (0, 24]. Default 8.0: an
        8-hour day, for a one-day plan; for a calendar week of 40-hour FTEs use 40 / 7.
    days_per_month
        Days in a month [d], > 0. Default 30.4 = 365 / 12, rounded (assumption: the
        fixed costs accrue evenly over the calendar).

    Returns
    -------
    CostBreakdown
        Every component, the total and the per-unit figures. Per-unit figures with a zero
        denominator are NaN (see :attr:`CostBreakdown.per_contact`).

    Raises
    ------
    InputError
        A bad argument, named in the message.
    """
    if not isinstance(model, CostModel):
        raise InputError(f"model = {model!r}; model must be a CostModel")
    paid = _at_least("paid_hours", paid_hours, 0.0)
    calls = _at_least("handled_calls", handled_calls, 0.0)
    handle = _at_least("handle_hours", handle_hours, 0.0)
    days = _positive("period_days", period_days)
    fte_day = _positive("fte_hours_per_day", fte_hours_per_day)
    if fte_day > 24.0:
        raise InputError(f"fte_hours_per_day = {fte_day:g}; fte_hours_per_day must be <= 24")
    month = _positive("days_per_month", days_per_month)
    if handle > paid * (1.0 + 1e-9):
        raise InputError(
            f"handle_hours = {handle:g}; handle_hours must be <= paid_hours = {paid:g}"
        )
    if calls > 0.0 and handle == 0.0:
        raise InputError(
            f"handle_hours = 0 with handled_calls = {calls:g}; handle_hours must be > 0"
        )

    agent_wages = paid * model.hourly_wage
    lead_hours = paid * model.team_lead_share
    lead_wages = lead_hours * model.team_lead_hourly_wage
    agent_loadings = agent_wages * model.loading
    lead_loadings = lead_wages * model.loading
    direct = agent_wages + agent_loadings + lead_wages + lead_loadings
    return CostBreakdown(
        currency=model.currency,
        paid_hours=paid,
        handle_hours=handle,
        handled_calls=calls,
        period_days=days,
        agent_wages=agent_wages,
        agent_loadings=agent_loadings,
        seats=paid * model.seat_cost_per_hour,
        team_lead_hours=lead_hours,
        team_lead_wages=lead_wages,
        team_lead_loadings=lead_loadings,
        overhead=direct * model.overhead,
        fixed=model.fixed_monthly * days / month,
        fte=fte(paid, fte_day, days),
    )
