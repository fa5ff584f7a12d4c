"""Scores of probability forecasts against what happened: Brier score, calibration.

Pure functions on arrays, used by the case backtest (:mod:`detente.analysis.case_backtest`).

The Brier score is the mean squared difference between forecast probability and the
0/1 outcome (Brier 1950, "Verification of forecasts expressed in terms of
probability", *Monthly Weather Review* 78(1)); skill is measured against a reference
forecaster as ``1 - Brier / Brier_reference``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.errors import DetenteError

__all__ = [
    "CalibrationBin",
    "ForecasterScore",
    "brier_score",
    "calibration_table",
    "score_forecaster",
]


def _checked(probabilities: Sequence[float], outcomes: Sequence[bool]) -> np.ndarray:
    p = np.asarray(probabilities, dtype=float)
    if p.ndim != 1 or p.size != len(outcomes):
        raise DetenteError(
            f"need one probability per outcome, got {p.size} probabilities and "
            f"{len(outcomes)} outcomes"
        )
    if p.size == 0:
        raise DetenteError("cannot score an empty set of forecasts")
    if not np.all(np.isfinite(p)) or np.any(p < 0) or np.any(p > 1):
        raise DetenteError(f"probabilities must lie in [0, 1], got {p.tolist()}")
    return p


def brier_score(probabilities: Sequence[float], outcomes: Sequence[bool]) -> float:
    """Mean squared error of probability forecasts of binary events (Brier 1950).

    Parameters
    ----------
    probabilities:
        Forecast probability of each event, in [0, 1].
    outcomes:
        Whether each event happened.

    Returns
    -------
    float
        ``mean((p - o)^2)`` with ``o`` = 1 for an event that happened, else 0.
    """
    p = _checked(probabilities, outcomes)
    o = np.asarray(outcomes, dtype=float)
    return float(np.mean((p - o) ** 2))


@dataclass(frozen=True)
class CalibrationBin:
    """One probability bin of a calibration table.

    Forecasts ``low <= p < high`` fall in the bin (the last bin also holds ``p = 1``).
    ``mean_forecast`` and ``observed`` (the share of events that happened) are ``None``
    when the bin is empty.
    """

    low: float
    high: float
    count: int
    mean_forecast: float | None
    observed: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "low": self.low,
            "high": self.high,
            "count": self.count,
            "mean_forecast": self.mean_forecast,
            "observed": self.observed,
        }


def calibration_table(
    probabilities: Sequence[float], outcomes: Sequence[bool], *, bins: int = 5
) -> tuple[CalibrationBin, ...]:
    """Reliability table: per equal-width bin, mean forecast against observed frequency.

    Parameters
    ----------
    probabilities:
        Forecast probability of each event, in [0, 1].
    outcomes:
        Whether each event happened.
    bins:
        Number of equal-width bins on [0, 1] (>= 1).

    Returns
    -------
    tuple of CalibrationBin
        One entry per bin, empty bins included, in increasing order (Murphy & Winkler
        1977).
    """
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 1:
        raise DetenteError(f"bins must be an integer >= 1, got {bins!r}")
    p = _checked(probabilities, outcomes)
    o = np.asarray(outcomes, dtype=float)
    index = np.minimum((p * bins).astype(int), bins - 1)
    out = []
    for b in range(bins):
        mask = index == b
        count = int(mask.sum())
        out.append(
            CalibrationBin(
                low=b / bins,
                high=(b + 1) / bins,
                count=count,
                mean_forecast=float(p[mask].mean()) if count else None,
                observed=float(o[mask].mean()) if count else None,
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class ForecasterScore:
    """The score of one forecaster over the cases.

    ``skill`` is the Brier skill score against the base-rate forecaster,
    ``1 - brier / brier_base_rate`` (``None`` when the base rate itself scores 0, i.e.
    every case has the same outcome).
    """

    forecaster: str
    kind: str
    n: int
    brier: float
    skill: float | None
    calibration: tuple[CalibrationBin, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "forecaster": self.forecaster,
            "kind": self.kind,
            "n": self.n,
            "brier": self.brier,
            "skill_vs_base_rate": self.skill,
            "calibration": [b.to_dict() for b in self.calibration],
        }


def score_forecaster(
    name: str,
    kind: str,
    probabilities: Sequence[float],
    outcomes: Sequence[bool],
    *,
    reference: float | None = None,
    bins: int = 5,
) -> ForecasterScore:
    """Score one forecaster: Brier score, skill and calibration table.

    Parameters
    ----------
    name, kind:
        The forecaster's name and kind (``"model"`` or ``"baseline"``), for the report.
    probabilities, outcomes:
        One forecast probability and one outcome per case.
    reference:
        The Brier score of the reference forecaster (the base rate); the skill is
        ``1 - brier / reference``, ``None`` without a reference or when it is 0.
    bins:
        Bins of the calibration table.

    Returns
    -------
    ForecasterScore
    """
    brier = brier_score(probabilities, outcomes)
    skill = None if reference is None or reference == 0 else 1.0 - brier / reference
    return ForecasterScore(
        name,
        kind,
        len(outcomes),
        brier,
        skill,
        calibration_table(probabilities, outcomes, bins=bins),
    )
