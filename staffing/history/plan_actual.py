r"""Plan against actual: what a ``staffing plan`` folder predicted, and what the log shows.

Per interval of the plan: forecast against actual volume and AHT, scheduled agents against
the agents on duty inferred from the log (:func:`staffing.history.on_duty.agents_on_duty`),
predicted service level and abandonment (with the plan's 95 % half-widths) against the
actual ones; per day; and which intervals of the day explain the gap.

A plan of times of day (one day, no dates) is compared with every day of the log; a dated
plan with the days it covers. A contact outside the plan's intervals is left out (and
counted).

Forecast accuracy (Hyndman & Athanasopoulos 2021, section 5.8):

.. math::

    \mathrm{WAPE} = \frac{\sum_i |A_i - F_i|}{\sum_i A_i}, \qquad
    \mathrm{bias} = \frac{\sum_i (F_i - A_i)}{\sum_i A_i}

over intervals :math:`i` (volume :math:`A_i` actual, :math:`F_i` forecast; for AHT the
terms are weighted by the actual calls); a positive bias is an over-forecast.

References
----------
.. [1] R. J. Hyndman and G. Athanasopoulos, *Forecasting: principles and practice*, 3rd
   ed., OTexts, 2021, section 5.8 (scale-dependent and percentage errors).
"""

from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from staffing.csvfile import parse_number, read_rows
from staffing.errors import InputError
from staffing.forecast import Forecast, read_forecast
from staffing.history.log import ContactLog
from staffing.history.on_duty import agents_on_duty

FloatArray = NDArray[np.float64]

_DAY = 86_400


@dataclass(frozen=True)
class PlanPrediction:
    """What a plan folder predicted per interval.

    Attributes
    ----------
    forecast : Forecast
        Calls and AHT per interval (``requirements.csv``).
    scheduled : ndarray
        Agents on the phones by the schedule (``coverage``).
    service_level, service_level_hw, abandon_rate, abandon_rate_hw : ndarray
        Simulated KPIs of the plan and their 95 % half-widths (``kpis.csv``).
    source : str
        The folder.
    """

    forecast: Forecast
    scheduled: FloatArray
    service_level: FloatArray
    service_level_hw: FloatArray
    abandon_rate: FloatArray
    abandon_rate_hw: FloatArray
    source: str


def read_plan(folder: str | PathLike[str]) -> PlanPrediction:
    """Read the prediction of a ``staffing plan --out DIR`` folder.

    Reads ``requirements.csv`` (``start, calls, aht, coverage``) and ``kpis.csv``
    (``start, service_level, service_level_ci, abandon_rate, abandon_rate_ci``).

    Raises
    ------
    InputError
        A missing folder, file or column, or files that disagree on their intervals.
    """
    path = Path(folder)
    if not path.is_dir():
        raise InputError(f"--plan {path}: not a folder; give a `staffing plan --out` folder")
    requirements, kpis = path / "requirements.csv", path / "kpis.csv"
    for file in (requirements, kpis):
        if not file.exists():
            raise InputError(f"--plan {path}: no {file.name}; is it a `staffing plan` folder?")
    forecast = read_forecast(requirements)

    def column(file: Path, names: tuple[str, ...]) -> dict[str, FloatArray]:
        rows = read_rows(file, {"start": ("start",)} | {n: (n,) for n in names})
        if len(rows) != len(forecast.calls):
            raise InputError(
                f"{file}: {len(rows)} rows; requirements.csv has {len(forecast.calls)} intervals"
            )
        return {
            n: np.array(
                [
                    np.nan
                    if cells[n] == ""
                    else parse_number(cells[n], where, n, f"{n} must be a number")
                    for where, cells in rows
                ]
            )
            for n in names
        }

    coverage = column(requirements, ("coverage",))["coverage"]
    ci = ("service_level", "service_level_ci", "abandon_rate", "abandon_rate_ci")
    predicted = column(kpis, ci)
    return PlanPrediction(
        forecast=forecast,
        scheduled=coverage,
        service_level=predicted["service_level"],
        service_level_hw=predicted["service_level_ci"],
        abandon_rate=predicted["abandon_rate"],
        abandon_rate_hw=predicted["abandon_rate_ci"],
        source=str(path),
    )


@dataclass(frozen=True)
class PlanActual:
    """Plan against actual.

    Attributes
    ----------
    intervals : pandas.DataFrame
        Per day and interval of the plan: ``day, start, forecast_calls, actual_calls,
        forecast_aht, actual_aht`` [s], ``scheduled, on_duty`` [agents],
        ``service_level_predicted, service_level_hw, service_level_actual,
        abandon_rate_predicted, abandon_rate_hw, abandon_rate_actual`` and ``late_vs_plan``
        (contacts answered within the threshold fewer than the plan's service level
        promised on the actual volume; negative when better).
    days : pandas.DataFrame
        Per day: forecast and actual calls, predicted (forecast-weighted) and actual service
        level and abandonment, mean scheduled and on-duty agents.
    slots : pandas.DataFrame
        Per interval of the day over all days: the same, with the actual's own 95 %
        half-width from the day-to-day spread (``service_level_actual_hw``) and whether the
        actual is within the combined half-widths (``within``); sorted by ``late_vs_plan``,
        largest first (the intervals that explain the gap).
    accuracy : dict of str to float
        ``volume_wape``, ``volume_bias``, ``aht_wape``, ``aht_bias`` (shares),
        ``scheduled``, ``on_duty`` (mean agents), ``short_intervals`` (share of intervals
        with at least half an agent fewer on duty than scheduled), ``service_level_predicted``,
        ``service_level_actual``, ``abandon_rate_predicted``, ``abandon_rate_actual``.
    outside : int
        Contacts arriving outside the plan's intervals (left out).
    """

    intervals: pd.DataFrame
    days: pd.DataFrame
    slots: pd.DataFrame
    accuracy: dict[str, float]
    outside: int


def _ratio(top: FloatArray, bottom: FloatArray) -> FloatArray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1.0), np.nan)


def plan_vs_actual(log: ContactLog, plan: PlanPrediction, threshold: float) -> PlanActual:
    """Compare a plan's prediction with a contact log, interval by interval.

    Parameters
    ----------
    log
        The contacts (with an ``agent`` column for the agents on duty).
    plan
        From :func:`read_plan`.
    threshold
        Service-level answer time [s].

    Returns
    -------
    PlanActual

    Raises
    ------
    InputError
        When no contact of the log falls in the plan's intervals.
    """
    fc = plan.forecast
    step = int(fc.interval)
    starts = fc.start.astype("datetime64[s]").astype(np.int64)
    seconds = log.arrival.astype(np.int64)
    if fc.has_dates:
        keys = starts
        contact_key = seconds - seconds % step
        day_of = contact_key // _DAY
        days = np.unique(starts // _DAY)
    else:
        keys = starts % _DAY
        contact_key = seconds % _DAY - (seconds % _DAY) % step
        days = np.unique(seconds // _DAY)
        day_of = seconds // _DAY
    slot = np.searchsorted(keys, contact_key)
    slot = np.minimum(slot, keys.size - 1)
    inside = keys[slot] == contact_key
    day_index = np.searchsorted(days, day_of)
    inside &= (day_index < days.size) & (days[np.minimum(day_index, days.size - 1)] == day_of)
    if not inside.any():
        raise InputError(
            f"{log.source or 'contact log'}: no contact falls in the intervals of the plan "
            f"{plan.source}; compare a plan with the log of the days and hours it covers"
        )
    n_slots = keys.size
    n_days = 1 if fc.has_dates else days.size
    cell = (0 if fc.has_dates else day_index) * n_slots + slot
    size = n_days * n_slots

    def count(mask: NDArray[np.bool_], weight: FloatArray | None = None) -> FloatArray:
        m = mask & inside
        w = None if weight is None else weight[m]
        return np.bincount(cell[m], weights=w, minlength=size).reshape(n_days, n_slots)

    wrap = np.nan_to_num(np.asarray(log.columns.get("wrap", np.zeros(log.size)), dtype=float))
    work = np.where(log.answered, log.handle + wrap, 0.0)
    every = np.ones(log.size, dtype=bool)
    calls = count(every)
    answered = count(log.answered)
    within = count(log.answered & (log.wait <= threshold))
    abandoned = count(~log.answered)
    handle = count(log.answered, work)
    on_duty = np.full((n_days, n_slots), np.nan)
    duty = agents_on_duty(log, float(step))
    if duty is not None:
        t = duty.start.astype(np.int64)
        k = t % _DAY if not fc.has_dates else t
        d = np.searchsorted(days, t // _DAY)
        s = np.searchsorted(keys, k)
        ok = (s < n_slots) & (keys[np.minimum(s, n_slots - 1)] == k)
        ok &= (d < days.size) & (days[np.minimum(d, days.size - 1)] == t // _DAY)
        on_duty[(0 if fc.has_dates else d[ok]), s[ok]] = duty.agents[ok]
        on_duty[np.isnan(on_duty)] = 0.0

    tile = (n_days, 1)
    f_calls, f_aht = np.tile(fc.calls, tile), np.tile(fc.aht, tile)
    sl_p, sl_hw = np.tile(plan.service_level, tile), np.tile(plan.service_level_hw, tile)
    ab_p, ab_hw = np.tile(plan.abandon_rate, tile), np.tile(plan.abandon_rate_hw, tile)
    scheduled = np.tile(plan.scheduled, tile)
    sl_a, ab_a = _ratio(within, calls), _ratio(abandoned, calls)
    aht_a = _ratio(handle, answered)
    late = np.where(calls > 0, (sl_p - np.nan_to_num(sl_a)) * calls, 0.0)
    day_labels = (days * _DAY).astype("datetime64[s]").astype("datetime64[D]")
    day_col = np.repeat(day_labels if not fc.has_dates else day_labels[:1], n_slots)
    offsets = (keys if not fc.has_dates else keys % _DAY).astype("timedelta64[s]")
    start_col = (
        np.tile(fc.start.astype("datetime64[s]"), 1)
        if fc.has_dates
        else (day_col.astype("datetime64[s]") + np.tile(offsets, n_days))
    )
    intervals = pd.DataFrame(
        {
            "day": day_col.astype(str),
            "start": pd.to_datetime(start_col),
            "forecast_calls": f_calls.ravel(),
            "actual_calls": calls.ravel(),
            "forecast_aht": f_aht.ravel(),
            "actual_aht": aht_a.ravel(),
            "scheduled": scheduled.ravel(),
            "on_duty": on_duty.ravel(),
            "service_level_predicted": sl_p.ravel(),
            "service_level_hw": sl_hw.ravel(),
            "service_level_actual": sl_a.ravel(),
            "abandon_rate_predicted": ab_p.ravel(),
            "abandon_rate_hw": ab_hw.ravel(),
            "abandon_rate_actual": ab_a.ravel(),
            "late_vs_plan": late.ravel(),
        }
    )
    if fc.has_dates:
        intervals["day"] = intervals.start.dt.strftime("%Y-%m-%d")

    def weighted(values: FloatArray, weights: FloatArray, axis: int) -> FloatArray:
        v = np.nan_to_num(values)
        return _ratio((v * weights).sum(axis=axis), (weights * ~np.isnan(values)).sum(axis=axis))

    day_frame = intervals.groupby("day", sort=True).apply(_day_row, include_groups=False)
    day_frame = day_frame.reset_index()
    slot_sl = _ratio(within.sum(axis=0), calls.sum(axis=0))
    daily = np.where(calls > 0, sl_a, np.nan)
    n_obs = (calls > 0).sum(axis=0)
    centre = _ratio(np.nan_to_num(daily).sum(axis=0), n_obs.astype(float))
    squares = np.where(calls > 0, (np.nan_to_num(daily) - centre) ** 2, 0.0).sum(axis=0)
    spread = np.sqrt(_ratio(squares, n_obs - 1.0))
    t_value = stats.t.ppf(0.975, np.maximum(n_obs - 1, 1))
    actual_hw = t_value * spread / np.sqrt(np.maximum(n_obs, 1))
    combined = np.sqrt(plan.service_level_hw**2 + np.nan_to_num(actual_hw) ** 2)
    slots = pd.DataFrame(
        {
            "start": fc.start_text(),
            "forecast_calls": fc.calls * n_days,
            "actual_calls": calls.sum(axis=0),
            "forecast_aht": fc.aht,
            "actual_aht": _ratio(handle.sum(axis=0), answered.sum(axis=0)),
            "scheduled": plan.scheduled,
            "on_duty": on_duty.mean(axis=0),
            "service_level_predicted": plan.service_level,
            "service_level_hw": plan.service_level_hw,
            "service_level_actual": slot_sl,
            "service_level_actual_hw": actual_hw,
            "within": pd.array(
                np.where(np.isnan(slot_sl), None, np.abs(slot_sl - plan.service_level) <= combined),
                dtype="boolean",
            ),
            "late_vs_plan": late.sum(axis=0),
        }
    )
    slots = slots.sort_values("late_vs_plan", ascending=False, kind="stable")
    actual_total = calls.sum()
    accuracy = {
        "volume_wape": float(np.abs(calls - f_calls).sum() / actual_total),
        "volume_bias": float((f_calls - calls).sum() / actual_total),
        "aht_wape": float(
            np.nansum(answered * np.abs(aht_a - f_aht)) / np.nansum(answered * aht_a)
        ),
        "aht_bias": float(np.nansum(answered * (f_aht - aht_a)) / np.nansum(answered * aht_a)),
        "scheduled": float(scheduled.mean()),
        "on_duty": float(np.nanmean(on_duty)) if duty is not None else float("nan"),
        "short_intervals": float((on_duty < scheduled - 0.5).mean())
        if duty is not None
        else float("nan"),
        "service_level_predicted": float(weighted(sl_p, f_calls, axis=None)),
        "service_level_actual": float(within.sum() / actual_total),
        "abandon_rate_predicted": float(weighted(ab_p, f_calls, axis=None)),
        "abandon_rate_actual": float(abandoned.sum() / actual_total),
    }
    return PlanActual(
        intervals=intervals,
        days=day_frame,
        slots=slots.reset_index(drop=True),
        accuracy=accuracy,
        outside=int((~inside).sum()),
    )


def _day_row(group: pd.DataFrame) -> pd.Series:
    """One day's plan against actual (service level and abandonment weighted by forecast)."""
    f = group.forecast_calls.to_numpy()
    a = group.actual_calls.to_numpy()
    predicted_sl = float((group.service_level_predicted * f).sum() / f.sum()) if f.sum() else np.nan
    predicted_ab = float((group.abandon_rate_predicted * f).sum() / f.sum()) if f.sum() else np.nan
    within = np.nansum(group.service_level_actual.to_numpy() * a)
    abandoned = np.nansum(group.abandon_rate_actual.to_numpy() * a)
    return pd.Series(
        {
            "forecast_calls": f.sum(),
            "actual_calls": a.sum(),
            "service_level_predicted": predicted_sl,
            "service_level_actual": within / a.sum() if a.sum() else np.nan,
            "abandon_rate_predicted": predicted_ab,
            "abandon_rate_actual": abandoned / a.sum() if a.sum() else np.nan,
            "scheduled": group.scheduled.mean(),
            "on_duty": group.on_duty.mean(),
        }
    )
