"""How callers behave: patience, handle-time spread, and the contacts that come back.

Value types, validated once when built: :class:`Returns` (first-contact resolution and
redials) and :class:`CallerBehaviour` (patience and handle-time distributions, with the
returns). A scenario holds one; :func:`staffing.simulation.simulate` takes one; the plan
sizes the Erlang requirement with :meth:`Returns.contacts`.
"""

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from staffing import distributions
from staffing.errors import InputError

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Returns:
    """Contacts that come back: unresolved calls and abandoned callers who redial.

    First-contact resolution (FCR) drives repeat volume: an answered contact that does not
    resolve the issue brings the caller back, so with FCR ``f`` and nobody hanging up an
    issue takes a geometric number of contacts with mean ``1 / f``.

    Attributes
    ----------
    fcr : float
        Probability that an answered contact resolves the issue, in (0, 1]; 1: no repeats.
    repeat_delay : float
        Mean time from the end of an unresolved call to the repeat contact [s]
        (exponential).
    redial : float
        Probability that a caller who hung up calls again, in [0, 1).
    redial_delay : float
        Mean time from hanging up to the redial [s] (exponential).
    """

    fcr: float = 1.0
    repeat_delay: float = 3600.0
    redial: float = 0.0
    redial_delay: float = 300.0

    def __post_init__(self) -> None:
        """Check probabilities and delays at the door."""
        if not 0.0 < self.fcr <= 1.0:
            raise InputError(f"fcr = {self.fcr!r}; first-contact resolution must be > 0 and <= 1")
        if not 0.0 <= self.redial < 1.0:
            raise InputError(f"redial = {self.redial!r}; must be >= 0 and < 1")
        for name in ("repeat_delay", "redial_delay"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0.0):
                raise InputError(f"{name} = {value!r}; must be a number of seconds >= 0")

    @property
    def active(self) -> bool:
        """Whether any contact can come back."""
        return self.fcr < 1.0 or self.redial > 0.0

    def contacts(self, issues: FloatArray) -> FloatArray:
        """Mean contacts that ``issues`` first contacts bring when nobody hangs up.

        An issue takes a geometric number of contacts with mean ``1 / fcr``, so the
        steady-state volume is ``issues / fcr``, what an Erlang requirement is sized for.
        """
        return issues / self.fcr


@dataclass(frozen=True)
class CallerBehaviour:
    """How callers behave: patience and handle-time distributions, and returns.

    Attributes
    ----------
    patience : float or None
        Mean patience [s], ``> 0``; None (or ``inf``): nobody hangs up (Erlang C).
    patience_distribution, handle_distribution : str
        ``exponential``, ``lognormal``, ``gamma`` or ``deterministic``.
    patience_cv, handle_cv : float or None
        Coefficients of variation (required by lognormal and gamma).
    returns : Returns
        First-contact resolution and redials: contacts that come back (in simulation).
    """

    patience: float | None = None
    patience_distribution: str = "exponential"
    patience_cv: float | None = None
    handle_distribution: str = "exponential"
    handle_cv: float | None = None
    returns: Returns = field(default_factory=Returns)

    def __post_init__(self) -> None:
        """Check patience and both distributions; an infinite patience is no patience."""
        if self.patience is not None:
            if math.isnan(self.patience) or self.patience <= 0:
                raise InputError(
                    f"patience = {self.patience!r}; patience must be > 0 seconds (leave it "
                    "out for callers who never hang up)"
                )
            if math.isinf(self.patience):
                object.__setattr__(self, "patience", None)
        for prefix in ("handle", "patience"):
            kind, cv = getattr(self, f"{prefix}_distribution"), getattr(self, f"{prefix}_cv")
            try:
                distributions.make(kind, 1.0, cv)
            except InputError as error:
                raise InputError(f"{prefix}_distribution: {error}") from None
        if not isinstance(self.returns, Returns):
            raise InputError(f"returns = {self.returns!r}; give a Returns")

    @property
    def hangs_up(self) -> bool:
        """Whether callers abandon (a finite patience)."""
        return self.patience is not None

    def handle_shape(self) -> distributions.Distribution:
        """Handle-time distribution with mean 1: scaled to each interval's AHT."""
        return distributions.make(self.handle_distribution, 1.0, self.handle_cv)

    def patience_times(self) -> distributions.Distribution | None:
        """Patience distribution [s], or None when nobody hangs up."""
        if self.patience is None:
            return None
        return distributions.make(self.patience_distribution, self.patience, self.patience_cv)
