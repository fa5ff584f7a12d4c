"""The calibrated answer to "whether and when" for one scenario, by date.

:func:`calibrated_by_date` takes the dated model's Monte Carlo P(agreement by date) and
the two-level verdict, picks the scenario's reference class
(:func:`~detente.outside_view.infer.choose_reference_class`) and returns, for each date,
the calibrated probability (the default forecaster, :mod:`detente.outside_view.combined`
with the shipped coefficients), the outside view alone and the structural model with the
hazard of routes it cannot see. Dates on or before ``as_of`` get 0: nothing can be
signed before the forecast is made (the only exact 0 detente prints).

Where the scenario's outside view or dated-model probability lies outside the range the
coefficients were fitted on, the forecast is made at the inputs bounded to that range
(winsorised, :meth:`~detente.outside_view.combined.Calibration.bounded`) and the block
says so per date (``bounded``) with the range (``fitted_range``), so the table can mark
those dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np

from detente.outside_view.combined import Calibration, shipped_calibration
from detente.outside_view.curves import years_between
from detente.outside_view.infer import choose_reference_class
from detente.scenario import Scenario

__all__ = ["FORECASTER", "CalibratedAtHorizon", "calibrated_by_date"]

FORECASTER = "calibrated"


def calibrated_by_date(
    scenario: Scenario,
    dated_by: Mapping[str, float],
    possible_now: bool,
    calibration: Calibration | None = None,
    zone_share: float | None = None,
) -> dict[str, Any]:
    """The ``whether_and_when`` block of a forecast document.

    Parameters
    ----------
    scenario:
        The scenario (its ``as_of`` and reference class).
    dated_by:
        ``{ISO date: P(agreement by date)}`` from the dated model's Monte Carlo.
    possible_now:
        The two-level verdict at the modes (a zone of agreement exists now).
    calibration:
        Coefficients; default the shipped ones (:func:`shipped_calibration`).
    zone_share:
        The share of the Monte Carlo draws in which a zone of agreement exists now (the
        two-level model over the scenario's ranges), when known. When it contradicts the
        verdict at the modes (a zone at the modes but in fewer than half of the draws,
        or the reverse), the block carries ``fragile_verdict``: the calibrated P by date
        had the modes given the other verdict (the coefficients weigh the verdict at the
        modes, docs/calibration.md, "A verdict on a knife edge").

    Returns
    -------
    dict
        ``forecaster``, ``reference_class`` (name, label, age, how it was chosen, N),
        ``by`` (calibrated), ``by_band`` (its 90% band from the coefficients'
        uncertainty, :meth:`~detente.outside_view.combined.Calibration.band`),
        ``outside_view``, ``structural`` (with unseen routes),
        ``deadline_bargaining`` (the model alone), ``bounded`` (per date: whether an
        input was outside the fitted range and bounded to it) and the ``calibration``
        used (with its ``fitted_range``); ``zone_share`` (``None`` when not given) and
        ``fragile_verdict`` (``None``, or ``{"zone_share", "verdict_at_modes",
        "by_other_verdict"}``).
    """
    fitted = shipped_calibration() if calibration is None else calibration
    chosen = choose_reference_class(scenario)
    keys = list(dated_by)
    dates = [dt.date.fromisoformat(key) for key in keys]
    years = np.array([years_between(scenario.as_of, day) for day in dates])
    after = years > 0
    outside = chosen.conditional(years)
    structural = np.array([float(dated_by[key]) for key in keys])
    calibrated = np.where(after, fitted.predict(outside, structural, possible_now), 0.0)
    low, high = fitted.band(outside, structural, possible_now)
    band = np.where(after[:, None], np.stack([low, high], axis=-1), 0.0)
    _, _, changed = fitted.bounded(outside, structural, possible_now)
    bounded = after & changed
    floored = np.where(after, fitted.structural_with_floor(outside, structural), 0.0)
    fragile = None
    if zone_share is not None and (zone_share < 0.5) == bool(possible_now):
        other = np.where(after, fitted.predict(outside, structural, not possible_now), 0.0)
        fragile = {
            "zone_share": float(zone_share),
            "verdict_at_modes": bool(possible_now),
            "by_other_verdict": dict(zip(keys, other.tolist(), strict=True)),
        }
    outside = np.where(after, outside, 0.0)
    return {
        "forecaster": FORECASTER,
        "default": True,
        "reference_class": chosen.to_dict(),
        "by": dict(zip(keys, calibrated.tolist(), strict=True)),
        "by_band": dict(zip(keys, band.tolist(), strict=True)),
        "outside_view": dict(zip(keys, outside.tolist(), strict=True)),
        "structural": dict(zip(keys, floored.tolist(), strict=True)),
        "deadline_bargaining": dict(zip(keys, structural.tolist(), strict=True)),
        "bounded": dict(zip(keys, bounded.tolist(), strict=True)),
        "calibration": fitted.to_dict(),
        "zone_share": None if zone_share is None else float(zone_share),
        "fragile_verdict": fragile,
    }


class CalibratedAtHorizon:
    """The calibrated P(agreement by the horizon) from the dated model's P and the verdict.

    What :func:`calibrated_by_date` reports at the horizon: the outside view of the
    scenario's reference class at the horizon and the given (default: shipped)
    coefficients, fixed once for a scenario, so that edits of its numbers (``flip``,
    ``sensitivity``) are read through the same calibrated layer (edits change numbers,
    not the class, the ``as_of`` or the horizon).

    Parameters
    ----------
    scenario:
        The scenario (its ``as_of``, horizon and reference class).
    calibration:
        Coefficients; default the shipped ones.
    """

    def __init__(self, scenario: Scenario, calibration: Calibration | None = None) -> None:
        self.fitted = shipped_calibration() if calibration is None else calibration
        years = years_between(scenario.as_of, scenario.horizon)
        self.outside = float(choose_reference_class(scenario).conditional(np.array([years]))[0])

    def __call__(self, structural: np.ndarray, possible: np.ndarray) -> np.ndarray:
        """Shape of ``structural``: the calibrated P for each dated-model P and verdict
        (``possible``: a zone of agreement now, broadcast against ``structural``)."""
        structural = np.asarray(structural, dtype=float)
        outside = np.full(structural.shape, self.outside)
        return np.asarray(self.fitted.predict(outside, structural, possible), dtype=float)
