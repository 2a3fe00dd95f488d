"""Distributions of handle times and patience, given by their mean and coefficient of variation.

Each distribution knows its own mean and coefficient of variation (CV = standard deviation /
mean), so the simulator and its tests agree on what was asked for (as Ciw's distributions
do), and draws from a ``numpy.random.Generator`` passed in: no global random state.

- :class:`Exponential` (CV 1): the Erlang C / Erlang A assumption.
- :class:`Lognormal`: the usual empirical fit of call-center service times (Brown et al.
  2005, section 4).
- :class:`Gamma`: a flexible alternative with a lighter right tail.
- :class:`Deterministic` (CV 0): fixed times, for hand-checkable cases.

References
----------
.. [1] L. Brown, N. Gans, A. Mandelbaum, A. Sakov, H. Shen, S. Zeltyn and L. Zhao,
   "Statistical analysis of a telephone call center: a queueing-science perspective",
   Journal of the American Statistical Association 100(469), 36-50, 2005.
   doi:10.1198/016214504000001808
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from staffing.errors import InputError


def _positive(value: float, name: str) -> None:
    if not (np.isfinite(value) and value > 0.0):
        raise InputError(f"{name} = {value!r}; {name} must be a number > 0")


@dataclass(frozen=True)
class Distribution(ABC):
    """A positive random duration with a given mean [s] and coefficient of variation."""

    mean: float
    kind: ClassVar[str] = ""

    def __post_init__(self) -> None:
        """Check the mean (and CV) when the distribution is built."""
        _positive(self.mean, f"{self.kind} mean")

    @property
    @abstractmethod
    def cv(self) -> float:
        """Coefficient of variation: standard deviation / mean."""

    @property
    def variance(self) -> float:
        """Variance [s^2]."""
        return (self.cv * self.mean) ** 2

    def sample(self, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
        """Draw ``size`` values with mean 1 scaled by :attr:`mean`."""
        return self.mean * self.unit(rng, size)

    @abstractmethod
    def unit(self, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
        """Draw ``size`` values of the same shape with mean 1 (to be scaled per caller)."""


@dataclass(frozen=True)
class Exponential(Distribution):
    """Exponential durations (CV 1)."""

    kind: ClassVar[str] = "exponential"

    @property
    def cv(self) -> float:
        """Coefficient of variation: 1."""
        return 1.0

    def unit(self, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
        """Draw standard exponential values."""
        return rng.standard_exponential(size)


@dataclass(frozen=True)
class Deterministic(Distribution):
    """Every duration equals the mean (CV 0)."""

    kind: ClassVar[str] = "deterministic"

    @property
    def cv(self) -> float:
        """Coefficient of variation: 0."""
        return 0.0

    def unit(self, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
        """Return ones."""
        return np.ones(size)


@dataclass(frozen=True)
class Lognormal(Distribution):
    r"""Lognormal durations with the given mean and CV.

    With :math:`\sigma^2 = \ln(1 + CV^2)` and :math:`\mu = \ln(\mathrm{mean}) - \sigma^2/2`,
    the mean and CV are exactly those asked for.
    """

    coefficient: float = 1.0
    kind: ClassVar[str] = "lognormal"

    def __post_init__(self) -> None:
        """Check mean and CV."""
        super().__post_init__()
        _positive(self.coefficient, "lognormal cv")

    @property
    def cv(self) -> float:
        """Coefficient of variation as given."""
        return self.coefficient

    def unit(self, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
        """Draw lognormal values with mean 1."""
        sigma2 = np.log1p(self.coefficient**2)
        return rng.lognormal(-0.5 * sigma2, np.sqrt(sigma2), size)


@dataclass(frozen=True)
class Gamma(Distribution):
    """Gamma durations with the given mean and CV (shape ``1 / CV**2``)."""

    coefficient: float = 1.0
    kind: ClassVar[str] = "gamma"

    def __post_init__(self) -> None:
        """Check mean and CV."""
        super().__post_init__()
        _positive(self.coefficient, "gamma cv")

    @property
    def cv(self) -> float:
        """Coefficient of variation as given."""
        return self.coefficient

    def unit(self, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
        """Draw gamma values with mean 1."""
        shape = 1.0 / self.coefficient**2
        return rng.gamma(shape, 1.0 / shape, size)


KINDS: dict[str, type[Distribution]] = {
    cls.kind: cls for cls in (Exponential, Deterministic, Lognormal, Gamma)
}


def make(kind: str, mean: float, cv: float | None = None) -> Distribution:
    """Build a distribution by name: ``exponential``, ``lognormal``, ``gamma``, ``deterministic``.

    ``cv`` is required for lognormal and gamma and must be omitted (or match) for the others.
    """
    cls = KINDS.get(kind)
    if cls is None:
        raise InputError(f"distribution = {kind!r}; choose one of {', '.join(KINDS)}")
    if cls in (Lognormal, Gamma):
        if cv is None:
            raise InputError(f"{kind} needs a cv (coefficient of variation), e.g. cv = 1.0")
        return cls(mean, cv)
    dist = cls(mean)
    if cv is not None and not np.isclose(cv, dist.cv):
        raise InputError(f"{kind} has cv {dist.cv:g}; cv = {cv:g} is not possible")
    return dist
