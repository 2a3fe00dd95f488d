"""Industry benchmark ranges of the KPIs, by sector, and the scorecard's targets.

Presets as documented constants: the typical ranges that contact-center guides publish,
shown on a scorecard *beside* a KPI that has no target. A benchmark is a reference, never a
target: a KPI without a target gets no colour (DESIGN.md section 9, status ``none``).

Units as everywhere in the package: shares as fractions (0.75 = 75 %), durations in
seconds, NPS in points (-100 to 100), QA scores 0-100, cost per contact in USD.

Sources
-------
All figures come from ``KPI_BENCHMARKS.md`` (the project's digest of industry guides on
call-center KPIs: ICMI, SQM Group, and outsourcing providers' published benchmarks). The
"average" column gives the general range; the "by sector" table overrides it for
healthcare, financial services, e-commerce and technology.
"""

from dataclasses import dataclass, field

from staffing.costs import COST_PER_CONTACT_USD
from staffing.errors import InputError


@dataclass(frozen=True)
class Benchmark:
    """A typical range of one KPI [the KPI's unit], (low, high), and its source line."""

    low: float
    high: float
    source: str


_GUIDES = "KPI_BENCHMARKS.md (ICMI, SQM Group, outsourcers' benchmarks)"

GENERAL: dict[str, Benchmark] = {
    "fcr": Benchmark(0.70, 0.75, f"{_GUIDES}: FCR average 70-75 %, best in class 85 %+"),
    "csat": Benchmark(0.75, 0.85, f"{_GUIDES}: CSAT average 75-85 %, best in class > 90 %"),
    "nps": Benchmark(20.0, 30.0, f"{_GUIDES}: NPS average +20 to +30, best +50 to +70"),
    "aht": Benchmark(240.0, 360.0, f"{_GUIDES}: AHT of general service 4-6 min"),
    "service_level": Benchmark(0.80, 0.80, f"{_GUIDES}: 80 % within 20 s, the common standard"),
    "abandon_rate": Benchmark(0.05, 0.08, f"{_GUIDES}: abandonment 5-8 %, best < 3 %"),
    "asa": Benchmark(20.0, 30.0, f"{_GUIDES}: ASA 20-30 s, best < 15 s"),
    "qa_score": Benchmark(80.0, 85.0, f"{_GUIDES}: QA score 80-85, best 90+"),
    "utilization": Benchmark(0.75, 0.85, f"{_GUIDES}: utilization target 75-85 %"),
    "cost_per_contact": Benchmark(
        *COST_PER_CONTACT_USD["phone"], f"{_GUIDES}: phone $3.50-$8.00 per contact"
    ),
}
"""Typical ranges across sectors (the "average" column of KPI_BENCHMARKS.md)."""

_SECTOR_FIGURES: dict[str, dict[str, Benchmark]] = {
    "healthcare": {
        "fcr": Benchmark(0.72, 0.80, f"{_GUIDES}, healthcare: FCR 72-80 %"),
        "csat": Benchmark(0.88, 0.92, f"{_GUIDES}, healthcare: CSAT 88-92 %"),
    },
    "financial_services": {
        "fcr": Benchmark(0.75, 0.82, f"{_GUIDES}, financial services: FCR 75-82 %"),
        "aht": Benchmark(300.0, 480.0, f"{_GUIDES}, financial services: AHT 5-8 min"),
    },
    "ecommerce": {
        "aht": Benchmark(180.0, 300.0, f"{_GUIDES}, e-commerce and retail: AHT 3-5 min"),
    },
    "technology": {
        "aht": Benchmark(480.0, 900.0, f"{_GUIDES}, technology / SaaS: AHT 8-15 min"),
        "fcr": Benchmark(0.60, 0.70, f"{_GUIDES}, technology / SaaS: tier 1 resolves 60-70 %"),
    },
}

SECTORS: dict[str, dict[str, Benchmark]] = {
    "general": GENERAL,
    **{name: {**GENERAL, **figures} for name, figures in _SECTOR_FIGURES.items()},
}
"""Benchmark ranges by sector: ``general``, ``healthcare``, ``financial_services``,
``ecommerce`` and ``technology`` (each the general ranges with the sector's own figures)."""


CHANNEL_COST_NAMES: dict[str, str] = {"voice": "phone", "chat": "chat", "email": "email"}
"""The name of each channel of a center (DESIGN.md section 3) in the cost-per-contact
ranges of :data:`staffing.costs.COST_PER_CONTACT_USD` (the guides say "phone" for voice)."""


def channel_benchmarks(channel: str, sector: str = "general") -> dict[str, Benchmark]:
    """Return the reference bands of one channel: ``cost_per_contact`` and ``resolution_rate``.

    ``cost_per_contact`` [USD per contact handled] is the channel's range of
    :data:`staffing.costs.COST_PER_CONTACT_USD` (phone $3.50-$8.00, chat $2.00-$5.00,
    email $1.50-$4.00). ``resolution_rate`` [share] is the sector's FCR range (general:
    70-75 %): the guides quote no resolution figures by channel, so every channel is
    compared with the same band. A name without a cost range (``all``, the row of every
    channel together) has no ``cost_per_contact`` entry.

    Raises
    ------
    InputError
        For an unknown sector, naming the known ones.

    Examples
    --------
    >>> band = channel_benchmarks("chat")["cost_per_contact"]
    >>> band.low, band.high
    (2.0, 5.0)
    """
    sector_bands = benchmarks(sector)
    fcr = sector_bands["fcr"]
    out = {
        "resolution_rate": Benchmark(
            fcr.low, fcr.high, f"{fcr.source} (the guides give no figure by channel)"
        )
    }
    name = CHANNEL_COST_NAMES.get(channel, channel)
    if name in COST_PER_CONTACT_USD:
        low, high = COST_PER_CONTACT_USD[name]
        out["cost_per_contact"] = Benchmark(
            low, high, f"{_GUIDES}: {name} ${low:.2f}-${high:.2f} per contact"
        )
    return out


def benchmarks(sector: str) -> dict[str, Benchmark]:
    """Return the benchmark ranges of a sector (:data:`SECTORS`), by KPI name.

    Raises
    ------
    InputError
        For an unknown sector, naming the known ones.

    Examples
    --------
    >>> benchmarks("healthcare")["csat"].low
    0.88
    """
    if sector not in SECTORS:
        raise InputError(f"sector = {sector!r}; choose one of {', '.join(SECTORS)}")
    return SECTORS[sector]


_ANY = float("inf")

EXPERIENCE_KPIS: dict[str, tuple[bool, float, float]] = {
    "fcr": (True, 0.0, 1.0),
    "csat": (True, 0.0, 1.0),
    "nps": (True, -100.0, 100.0),
    "ces": (False, 0.0, _ANY),
    "qa_score": (True, 0.0, 100.0),
    "aht": (False, 0.0, _ANY),
    "utilization": (True, 0.0, 1.0),
    "cost_per_contact": (False, 0.0, _ANY),
}
"""The KPIs a scenario's ``[scorecard]`` section may set a target on: whether higher is
better (True: the target is a floor; False: a cap) and the allowed range of a target."""


@dataclass(frozen=True)
class ScorecardTargets:
    """Targets of the experience KPIs and how a scorecard reads a log.

    Attributes
    ----------
    targets : dict of str to float
        Target per KPI of :data:`EXPERIENCE_KPIS`, in its unit (FCR, CSAT and utilization
        as shares; NPS in points; CES on the survey's scale; QA 0-100; AHT [s]; cost per
        contact [currency]). A KPI left out has no target (status ``none``).
    tolerance : float or None
        Width of the yellow band as a share of the target (0.05 = 5 %); None: the
        scenario's ``[targets] tolerance``.
    sector : str
        Benchmark preset shown beside KPIs without a target (:data:`SECTORS`).
    repeat_window : float
        A contact of the same customer this soon after an answered one is a repeat [s]
        (FCR without a resolved flag; DESIGN.md section 4: 7 days by default).
    """

    targets: dict[str, float] = field(default_factory=dict)
    tolerance: float | None = None
    sector: str = "general"
    repeat_window: float = 7 * 86_400.0

    def __post_init__(self) -> None:
        """Check names, ranges and the sector."""
        for kpi, value in self.targets.items():
            if kpi not in EXPERIENCE_KPIS:
                raise InputError(
                    f"{kpi} is not a scorecard KPI; targets may be set on "
                    f"{', '.join(EXPERIENCE_KPIS)}"
                )
            _, low, high = EXPERIENCE_KPIS[kpi]
            if isinstance(value, bool) or not (
                isinstance(value, int | float) and low <= value <= high
            ):
                raise InputError(
                    f"{kpi} = {value!r}; {kpi} must be a number in [{low:g}, {high:g}]"
                )
        if self.tolerance is not None and not 0.0 <= self.tolerance < 1.0:
            raise InputError(f"tolerance = {self.tolerance!r}; give a share in [0, 1), e.g. 5%")
        benchmarks(self.sector)
        if not self.repeat_window > 0:
            raise InputError(f"repeat_window = {self.repeat_window!r}; give a duration > 0")
