"""Calibration of the callers from a contact log: patience, handle times, returns, agents.

Pure functions of a :class:`~staffing.history.log.ContactLog` and a result dataclass,
:class:`Calibration`, whose :meth:`Calibration.callers` is the
:class:`~staffing.callers.CallerBehaviour` a scenario or a simulation takes, and whose
:func:`callers_toml` is the ``[callers]`` section of a scenario, with standard errors.

- **Patience** is seen only through censored waits: a caller who hung up after waiting
  ``w`` had patience ``w`` (an event); a caller answered after ``w`` had patience ``> w``
  (right-censored). :mod:`~staffing.history.survival` gives its Kaplan-Meier curve (Kaplan
  & Meier 1958), the estimator call-center studies use for patience (Brown et al. 2005,
  section 5; Mandelbaum & Zeltyn 2013), and exponential, lognormal and gamma fits by
  censored maximum likelihood; :func:`fit_patience` keeps the one with the smallest AIC
  (Akaike 1974).
- **Handle times** (talk + hold + wrap-up; the ``wrap`` column added when the log keeps
  it apart) are fitted as lognormal (Brown et al. 2005, section 4) and gamma, the better
  by AIC (:func:`fit_handle`).
- **Returns**: redials (:func:`redial_share`, the same customer again within a window after
  hanging up) and repeat contacts (:func:`repeat_share`, the same customer again within the
  repeat window after an answered contact: one minus the share is the FCR proxy of
  DESIGN.md section 4).
- **Agents on duty** per interval from the agents' busy spans
  (:func:`staffing.history.on_duty.agents_on_duty`).

All durations are seconds. Standard errors come from the observed information (the
inverse Hessian of the negative log-likelihood at the maximum), carried to the mean and CV
by the delta method (Casella & Berger 2002, section 10.1); shares have binomial standard
errors.

References
----------
.. [1] E. L. Kaplan and P. Meier, "Nonparametric estimation from incomplete observations",
   Journal of the American Statistical Association 53(282), 457-481, 1958.
   doi:10.1080/01621459.1958.10501452
.. [2] L. Brown, N. Gans, A. Mandelbaum, A. Sakov, H. Shen, S. Zeltyn and L. Zhao,
   "Statistical analysis of a telephone call center: a queueing-science perspective",
   Journal of the American Statistical Association 100(469), 36-50, 2005.
   doi:10.1198/016214504000001808
.. [3] A. Mandelbaum and S. Zeltyn, "Data-stories about (im)patient customers in
   tele-queues", Queueing Systems 75(2-4), 115-146, 2013. doi:10.1007/s11134-013-9354-x
.. [4] J. F. Lawless, *Statistical Models and Methods for Lifetime Data*, 2nd ed., Wiley,
   2003: censored likelihood (section 2.2), Greenwood's variance (section 3.2).
.. [5] H. Akaike, "A new look at the statistical model identification", IEEE Transactions
   on Automatic Control 19(6), 716-723, 1974. doi:10.1109/TAC.1974.1100705
.. [6] G. Casella and R. L. Berger, *Statistical Inference*, 2nd ed., Duxbury, 2002.
"""

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from staffing.callers import CallerBehaviour, Returns
from staffing.errors import InputError
from staffing.history.log import ContactLog
from staffing.history.on_duty import MAX_IDLE, OnDuty, agents_on_duty
from staffing.history.repeats import known_customers, next_arrival_gap
from staffing.history.survival import DISTRIBUTIONS, Fit, KaplanMeier, fit_censored, kaplan_meier

FloatArray = NDArray[np.float64]

REDIAL_WINDOW = 3600.0
"""Default redial window [s]: a contact of the same customer within 1 h of hanging up is a
redial (most redials come within minutes: Mandelbaum & Zeltyn 2013, section 6)."""

REPEAT_WINDOW = 7 * 86_400.0
"""Default repeat window [s]: 7 days, DESIGN.md section 4 (``fcr``)."""


# --------------------------------------------------------------------------- patience and handle


@dataclass(frozen=True)
class PatienceFit:
    """Patience from censored waits: the Kaplan-Meier curve and the parametric fits.

    Attributes
    ----------
    km : KaplanMeier
        Nonparametric survival of patience.
    fits : dict of str to Fit
        Exponential, lognormal and gamma fits.
    best : Fit
        The fit with the smallest AIC.
    """

    km: KaplanMeier
    fits: dict[str, Fit]
    best: Fit


def fit_patience(wait: FloatArray, answered: NDArray[np.bool_]) -> PatienceFit:
    """Fit patience to waits: hang-ups are events, answered waits right-censored.

    Parameters
    ----------
    wait : ndarray
        Time in queue of every offered contact [s].
    answered : ndarray of bool
        True if answered (patience longer than the wait), False if abandoned.

    Returns
    -------
    PatienceFit
        Kaplan-Meier (Kaplan & Meier 1958) and the censored-ML fits, the best by AIC.

    Notes
    -----
    Waits are censored by answers, so the naive mean wait of abandoned callers
    underestimates patience (Brown et al. 2005, section 5; Mandelbaum & Zeltyn 2013).
    """
    events = ~np.asarray(answered, dtype=bool)
    km = kaplan_meier(wait, events)
    fits = {kind: fit_censored(wait, events, kind) for kind in DISTRIBUTIONS}
    return PatienceFit(km=km, fits=fits, best=min(fits.values(), key=lambda f: f.aic))


@dataclass(frozen=True)
class HandleFit:
    """Handle times: lognormal and gamma fits, the better by AIC, and the sample mean.

    Attributes
    ----------
    fits : dict of str to Fit
        Lognormal and gamma maximum-likelihood fits.
    best : Fit
        The one with the smallest AIC.
    mean, mean_se : float
        Sample mean handle time (AHT) [s] and its standard error.
    wrap : float or None
        Mean wrap-up time included [s], when the log has a ``wrap`` column.
    """

    fits: dict[str, Fit]
    best: Fit
    mean: float
    mean_se: float
    wrap: float | None = None


def fit_handle(handle: FloatArray, wrap: FloatArray | None = None) -> HandleFit:
    """Fit handle times (talk + hold, plus ``wrap`` where given) as lognormal and gamma.

    Parameters
    ----------
    handle : ndarray
        Handle times of answered contacts [s], ``> 0``.
    wrap : ndarray, optional
        Wrap-up time of the same contacts [s], added where not NaN (a log's ``wrap`` column,
        when its handle times exclude wrap-up).

    Returns
    -------
    HandleFit

    Notes
    -----
    Uncensored maximum likelihood (:func:`fit_censored` with every time observed).
    Brown et al. (2005, section 4) find call-center service times close to lognormal.
    """
    total = np.asarray(handle, dtype=float)
    wrap_mean = None
    if wrap is not None:
        wrap = np.asarray(wrap, dtype=float)
        known = np.isfinite(wrap)
        if known.any():
            wrap_mean = float(wrap[known].mean())
            total = total + np.where(known, wrap, 0.0)
    every = np.ones(total.size, dtype=bool)
    fits = {kind: fit_censored(total, every, kind) for kind in ("lognormal", "gamma")}
    return HandleFit(
        fits=fits,
        best=min(fits.values(), key=lambda f: f.aic),
        mean=float(total.mean()),
        mean_se=float(total.std(ddof=1) / math.sqrt(total.size)),
        wrap=wrap_mean,
    )


# --------------------------------------------------------------------------- returns


@dataclass(frozen=True)
class Share:
    """A share of contacts followed by another contact of the same customer, with the delay.

    Attributes
    ----------
    share, se : float
        The share and its binomial standard error ``sqrt(share (1 - share) / n)``.
    contacts : int
        Contacts it is measured over (``n``).
    followed : int
        Of which followed by a contact of the same customer within the window.
    delay : float
        Mean delay to that contact [s], exponential, corrected for the window's truncation.
    window : float
        The window [s].
    """

    share: float
    se: float
    contacts: int
    followed: int
    delay: float
    window: float


def _truncated_exponential_mean(observed_mean: float, window: float) -> float:
    r"""Mean :math:`\mu` of an exponential whose values below ``window`` average ``observed_mean``.

    Solves :math:`\mu - W / (e^{W/\mu} - 1) = m` (the mean of an exponential truncated at
    :math:`W`; Johnson, Kotz & Balakrishnan 1994, eq. 19.10); when :math:`m \ge W/2` the
    delays look uniform over the window and the mean is taken as :math:`m`.
    """
    if observed_mean >= window / 2 or observed_mean <= 0:
        return observed_mean
    from scipy.optimize import brentq

    def gap(mu: float) -> float:
        return mu - window / math.expm1(window / mu) - observed_mean

    return float(brentq(gap, observed_mean, 1e3 * window))


def _share(mask: NDArray[np.bool_], after: FloatArray, window: float) -> Share | None:
    """Share of ``mask`` contacts with a next contact within ``window`` of ``after``."""
    n = int(mask.sum())
    if n == 0:
        return None
    delay = after[mask]
    hit = (delay >= 0) & (delay <= window)
    k = int(hit.sum())
    p = k / n
    mean = _truncated_exponential_mean(float(delay[hit].mean()), window) if k else window
    return Share(p, math.sqrt(p * (1 - p) / n), n, k, mean, window)


def _returns_input(log: ContactLog, window: float, name: str) -> tuple[NDArray, FloatArray]:
    if "customer" not in log.columns:
        raise InputError(f"{log.source or 'contact log'}: no customer column; {name} need one")
    if not (math.isfinite(window) and window > 0):
        raise InputError(f"{name} window = {window!r}; must be a duration > 0 s")
    return known_customers(log), next_arrival_gap(log)


def redial_share(log: ContactLog, window: float = REDIAL_WINDOW) -> Share | None:
    """Share of abandoned contacts whose customer calls again within ``window`` of hanging up.

    Parameters
    ----------
    log : ContactLog
        With a ``customer`` column (``""`` or ``"0"``: unidentified, left out).
    window : float
        Redial window [s], :data:`REDIAL_WINDOW` (1 h) by default.

    Returns
    -------
    Share or None
        None when no abandoned contact has a known customer. The delay is measured from
        hanging up (arrival + wait) to the next arrival of the same customer. Hang-ups
        whose window runs past the log's last arrival are left out (their redial could not
        be seen).
    """
    known, gap = _returns_input(log, window, "redials")
    after = gap - log.wait
    last = log.arrival[-1].astype(np.int64) if log.size else 0
    hang_up = log.arrival.astype(np.int64) + log.wait
    return _share(known & ~log.answered & (hang_up + window <= last), after, window)


def repeat_share(log: ContactLog, window: float = REPEAT_WINDOW) -> Share | None:
    """Share of answered contacts whose customer contacts again within ``window`` of the end.

    Parameters
    ----------
    log : ContactLog
        With a ``customer`` column (``""`` or ``"0"``: unidentified, left out).
    window : float
        Repeat window [s], :data:`REPEAT_WINDOW` (7 days, DESIGN.md section 4) by default.

    Returns
    -------
    Share or None
        ``1 - share`` is the FCR proxy of DESIGN.md section 4 (no repeat contact of the same
        customer within the repeat window). Measured from the end of the contact (answer +
        handle). Contacts whose window runs past the log's last arrival are left out; None
        when none is left (a log shorter than the window).
    """
    known, gap = _returns_input(log, window, "repeat contacts")
    end = log.wait + np.where(log.answered, log.handle, 0.0)
    last = log.arrival[-1].astype(np.int64) if log.size else 0
    closes = log.arrival.astype(np.int64) + end + window
    return _share(known & log.answered & (closes <= last), gap - end, window)


# --------------------------------------------------------------------------- agents on duty


@dataclass(frozen=True)
class Calibration:
    """What a contact log says about its callers and agents.

    Attributes
    ----------
    patience : PatienceFit
        Patience: Kaplan-Meier and censored-ML fits.
    handle : HandleFit
        Handle-time fits.
    redial, repeat : Share or None
        Redials after hanging up and repeat contacts after an answer (None: no ``customer``
        column, or nothing to measure them on).
    on_duty : OnDuty or None
        Agents on duty per interval (None: no ``agent`` column).
    contacts, abandoned : int
        Contacts in the log, and hang-ups among them.
    source : str
        Where the log came from.
    notes : tuple of str
        What could not be measured, and why.
    """

    patience: PatienceFit
    handle: HandleFit
    redial: Share | None
    repeat: Share | None
    on_duty: OnDuty | None
    contacts: int
    abandoned: int
    source: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    def callers(self) -> CallerBehaviour:
        """Return the callers of the calibration: best fits, and returns where measured."""
        p, h = self.patience.best, self.handle.best
        returns = Returns(
            fcr=1.0 if self.repeat is None else max(1.0 - self.repeat.share, 1e-6),
            repeat_delay=3600.0 if self.repeat is None else self.repeat.delay,
            redial=0.0 if self.redial is None else min(self.redial.share, 0.999),
            redial_delay=300.0 if self.redial is None else self.redial.delay,
        )
        return CallerBehaviour(
            patience=p.mean,
            patience_distribution=p.distribution,
            patience_cv=None if p.distribution == "exponential" else p.cv,
            handle_distribution=h.distribution,
            handle_cv=h.cv,
            returns=returns,
        )


def calibrate(
    log: ContactLog,
    *,
    redial_window: float = REDIAL_WINDOW,
    repeat_window: float = REPEAT_WINDOW,
    interval: float = 900.0,
    max_idle: float = MAX_IDLE,
) -> Calibration:
    """Calibrate callers (patience, handle times, returns) and agents on duty from a log.

    Parameters
    ----------
    log : ContactLog
        The contacts.
    redial_window, repeat_window : float
        Windows of :func:`redial_share` and :func:`repeat_share` [s].
    interval, max_idle : float
        Of :func:`agents_on_duty` [s].

    Returns
    -------
    Calibration

    Raises
    ------
    InputError
        A log with fewer than 2 hang-ups or 2 answered contacts (nothing to fit).
    """
    where = log.source or "contact log"
    abandoned = int((~log.answered).sum())
    if abandoned < 2 or log.size - abandoned < 2:
        raise InputError(
            f"{where}: {abandoned} abandoned and {log.size - abandoned} answered contacts; "
            "calibration needs at least 2 of each"
        )
    has_customer = "customer" in log.columns
    notes = []
    redial = redial_share(log, redial_window) if has_customer else None
    repeat = repeat_share(log, repeat_window) if has_customer else None
    if not has_customer:
        notes.append("no customer column: redials and repeats not measured")
    elif repeat is None:
        notes.append("the log is shorter than the repeat window: repeats not measured")
    wrap = log.columns.get("wrap")
    return Calibration(
        patience=fit_patience(log.wait, log.answered),
        handle=fit_handle(log.handle[log.answered], None if wrap is None else wrap[log.answered]),
        redial=redial,
        repeat=repeat,
        on_duty=agents_on_duty(log, interval, max_idle),
        contacts=log.size,
        abandoned=abandoned,
        source=log.source,
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------- the [callers] section


def callers_toml(calibration: Calibration, notes: tuple[str, ...] = ()) -> str:
    """Write the calibration as the ``[callers]`` section of a scenario file.

    Keys are those :func:`staffing.scenario.load_scenario` reads (``patience``,
    ``patience_distribution``, ``patience_cv``, ``handle_distribution``, ``handle_cv``,
    ``fcr``, ``repeat_delay``, ``redial``, ``redial_delay``), durations in seconds; each
    estimate's standard error (``se``) is a comment on its line, since a scenario admits no
    other keys. Quantities not measured are left out (the scenario's defaults apply) with a
    comment saying why.

    Parameters
    ----------
    calibration : Calibration
        The calibration to write.
    notes : tuple of str
        Extra comment lines for the header (e.g. quantities fitted by simulation).

    Returns
    -------
    str
        TOML text, ending with a newline.
    """
    c, p, h = calibration, calibration.patience.best, calibration.handle.best
    km = calibration.patience.km
    median = km.time[np.searchsorted(-km.survival, -0.5)] if (km.survival <= 0.5).any() else None

    def aic(fits: dict[str, Fit]) -> str:
        return ", ".join(f"{k} {f.aic:.1f}" for k, f in fits.items())

    head = [
        f"# Callers calibrated by `staffing calibrate` from {c.source or 'a contact log'}: "
        f"{c.contacts} contacts, {c.abandoned} abandoned.",
        "# Standard errors (se) follow each estimate; durations in seconds.",
        *(f"# {line}" for line in (*c.notes, *notes)),
        "[callers]",
    ]
    rows = [
        (
            f"patience = {p.mean:.1f}",
            f"se {p.mean_se:.1f} s; censored ML from {p.events} hang-ups and {p.censored} "
            "answered waits" + ("" if median is None else f"; Kaplan-Meier median {median:.0f} s"),
        ),
        (f'patience_distribution = "{p.distribution}"', f"least AIC of {aic(c.patience.fits)}"),
    ]
    if p.distribution != "exponential":
        rows.append((f"patience_cv = {p.cv:.3f}", f"se {p.cv_se:.3f}"))
    rows += [
        (f'handle_distribution = "{h.distribution}"', f"least AIC of {aic(c.handle.fits)}"),
        (
            f"handle_cv = {h.cv:.3f}",
            f"se {h.cv_se:.3f}; mean handle time {c.handle.mean:.1f} s (se "
            f"{c.handle.mean_se:.1f}), the forecast's aht"
            + ("" if c.handle.wrap is None else f", of which wrap-up {c.handle.wrap:.1f} s"),
        ),
    ]
    for share, key, delay_key, what in (
        (c.repeat, "fcr", "repeat_delay", "answered contacts"),
        (c.redial, "redial", "redial_delay", "hang-ups"),
    ):
        if share is None:
            rows.append((f"# {key}, {delay_key}: not measured, defaults apply", ""))
            continue
        value = 1.0 - share.share if key == "fcr" else share.share
        rows.append(
            (
                f"{key} = {value:.4f}",
                f"se {share.se:.4f}; {share.followed} of {share.contacts} {what} followed "
                f"by the same customer within {share.window:g} s",
            )
        )
        if share.followed:
            rows.append(
                (f"{delay_key} = {share.delay:.1f}", "mean delay, exponential fitted to the window")
            )
    width = max(len(key) for key, comment in rows if comment) + 2
    lines = [f"{key:<{width}}# {comment}" if comment else key for key, comment in rows]
    return "\n".join([*head, *lines]) + "\n"
