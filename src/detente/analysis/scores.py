"""Scores of probability forecasts against what happened: Brier, log score, AUC, calibration.

Pure functions on arrays, used by the case backtest (:mod:`detente.analysis.case_backtest`).

* The Brier score is the mean squared difference between forecast probability and the
  0/1 outcome (Brier 1950, "Verification of forecasts expressed in terms of
  probability", *Monthly Weather Review* 78(1)); skill is measured against a reference
  forecaster as ``1 - Brier / Brier_reference``.
* Its Murphy decomposition (Murphy 1973, "A new vector partition of the probability
  score", *Journal of Applied Meteorology* 12(4): 595-600) splits it into reliability
  (REL, lower is better), resolution (RES, higher is better) and uncertainty (UNC, the
  Brier score of the in-sample base rate): ``Brier = REL - RES + UNC`` exactly when all
  forecasts in a bin are equal. Forecasts are binned into ``bins`` equal-width bins of
  [0, 1] (the bins of the calibration table); the within-bin spread leaves a remainder,
  reported as ``within_bin = Brier - (REL - RES + UNC)`` (Stephenson, Coelho & Jolliffe
  2008, "Two extra components in the Brier score decomposition", *Weather and
  Forecasting* 23(4): 752-757).
* The log score is the mean negative natural logarithm of the probability given to what
  happened (Good 1952, "Rational decisions", *JRSS B* 14(1): 107-114), in nats, lower is
  better; a constant 0.5 scores ln 2 = 0.693. A forecast of exactly 0 or 1 that is wrong
  scores infinity, so probabilities are clipped to ``[LOG_CLIP, 1 - LOG_CLIP]`` first
  (``LOG_CLIP`` = 0.001, the resolution at which detente prints probabilities: a printed
  0.000 is treated as 0.001). The number of clipped forecasts is reported beside it.
* The AUC is the area under the ROC curve: the probability that a randomly chosen case
  that happened got a higher forecast than one that did not, ties counting one half
  (Hanley & McNeil 1982, "The meaning and use of the area under a receiver operating
  characteristic (ROC) curve", *Radiology* 143(1): 29-36); it is the Mann-Whitney U
  statistic divided by the number of pairs. Undefined (``None``) when every case has the
  same outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.errors import DetenteError

__all__ = [
    "LOG_CLIP",
    "BrierDecomposition",
    "CalibrationBin",
    "ForecasterScore",
    "auc_score",
    "brier_decomposition",
    "brier_score",
    "calibration_table",
    "log_score",
    "score_forecaster",
]

LOG_CLIP = 1e-3


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


def log_score(
    probabilities: Sequence[float], outcomes: Sequence[bool], *, clip: float = LOG_CLIP
) -> tuple[float, int]:
    """Mean negative log probability of what happened, in nats (lower is better).

    Parameters
    ----------
    probabilities, outcomes:
        As for :func:`brier_score`.
    clip:
        Probabilities are clipped to ``[clip, 1 - clip]`` before the logarithm, so a
        confident miss costs ``-ln(clip)`` (6.9 nats at the default) instead of infinity.

    Returns
    -------
    (float, int)
        The score and the number of forecasts that the clipping changed.
    """
    if not 0 < clip < 0.5:
        raise DetenteError(f"clip must lie in (0, 0.5), got {clip}")
    p = _checked(probabilities, outcomes)
    o = np.asarray(outcomes, dtype=bool)
    clipped = np.clip(p, clip, 1 - clip)
    given = np.where(o, clipped, 1 - clipped)
    return float(-np.mean(np.log(given))), int(np.count_nonzero(clipped != p))


def auc_score(probabilities: Sequence[float], outcomes: Sequence[bool]) -> float | None:
    """Area under the ROC curve (Mann-Whitney form, ties count 1/2); ``None`` if one class.

    Every pair of a case that happened and one that did not is compared, so the cost is
    ``n_events * n_non_events`` (fine for case libraries of hundreds).
    """
    p = _checked(probabilities, outcomes)
    o = np.asarray(outcomes, dtype=bool)
    positive, negative = p[o], p[~o]
    if positive.size == 0 or negative.size == 0:
        return None
    difference = positive[:, None] - negative[None, :]
    wins = np.count_nonzero(difference > 0) + 0.5 * np.count_nonzero(difference == 0)
    return float(wins / difference.size)


@dataclass(frozen=True)
class BrierDecomposition:
    """Murphy's (1973) partition of the Brier score over equal-width bins.

    ``brier = reliability - resolution + uncertainty + within_bin``; ``within_bin`` is 0
    when the forecasts in each bin are equal (Stephenson et al. 2008).
    """

    reliability: float
    resolution: float
    uncertainty: float
    within_bin: float
    bins: int

    def to_dict(self) -> dict[str, float | int]:
        return {
            "reliability": self.reliability,
            "resolution": self.resolution,
            "uncertainty": self.uncertainty,
            "within_bin": self.within_bin,
            "bins": self.bins,
        }


def brier_decomposition(
    probabilities: Sequence[float], outcomes: Sequence[bool], *, bins: int = 5
) -> BrierDecomposition:
    """Reliability, resolution and uncertainty of the Brier score (Murphy 1973).

    With ``N`` forecasts, ``n_k`` of them in bin ``k`` with mean forecast ``f_k`` and
    observed frequency ``o_k``, and overall frequency ``o``:
    ``REL = sum n_k (f_k - o_k)^2 / N``, ``RES = sum n_k (o_k - o)^2 / N``,
    ``UNC = o (1 - o)``. The bins are those of :func:`calibration_table`.
    """
    table = calibration_table(probabilities, outcomes, bins=bins)
    o = np.asarray(outcomes, dtype=float)
    n, base = o.size, float(o.mean())
    reliability = sum(
        b.count * (b.mean_forecast - b.observed) ** 2
        for b in table
        if b.mean_forecast is not None and b.observed is not None
    )
    resolution = sum(b.count * (b.observed - base) ** 2 for b in table if b.observed is not None)
    uncertainty = base * (1 - base)
    brier = brier_score(probabilities, outcomes)
    rel, res = float(reliability / n), float(resolution / n)
    return BrierDecomposition(rel, res, uncertainty, brier - (rel - res + uncertainty), bins)


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
    decomposition: BrierDecomposition
    log_score: float
    log_clipped: int
    auc: float | None
    default: bool = False
    description: str = ""
    brier_se: float | None = None
    versus_reference: tuple[float, float | None] | None = None

    def to_dict(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "name": self.forecaster,
            "forecaster": self.forecaster,
            "kind": self.kind,
            "description": self.description,
            "n": self.n,
            "brier": self.brier,
            "skill_vs_base_rate": self.skill,
            "brier_se": self.brier_se,
            "brier_minus_base_rate": None
            if self.versus_reference is None
            else {"mean": self.versus_reference[0], "se": self.versus_reference[1]},
            "brier_decomposition": self.decomposition.to_dict(),
            "log_score": self.log_score,
            "log_score_clip": LOG_CLIP,
            "log_score_clipped": self.log_clipped,
            "auc": self.auc,
            "calibration": [b.to_dict() for b in self.calibration],
        }
        if self.default:
            document["default"] = True
        return document


def score_forecaster(
    name: str,
    kind: str,
    probabilities: Sequence[float],
    outcomes: Sequence[bool],
    *,
    reference: float | None = None,
    bins: int = 5,
    default: bool = False,
    description: str = "",
    reference_probabilities: Sequence[float] | None = None,
) -> ForecasterScore:
    """Score one forecaster: Brier score and its decomposition, skill, log score, AUC.

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
        Bins of the calibration table and of the Murphy decomposition.
    default, description:
        Whether this is the forecaster detente reports by default, and what it is.
    reference_probabilities:
        The reference forecaster's probabilities for the same cases: the paired
        difference of squared errors (this one minus the reference), its mean and its
        standard error ``sd / sqrt(n)``, go into ``versus_reference``.

    Returns
    -------
    ForecasterScore
    """
    brier = brier_score(probabilities, outcomes)
    skill = None if reference is None or reference == 0 else 1.0 - brier / reference
    logarithmic, clipped = log_score(probabilities, outcomes)
    errors = (np.asarray(probabilities, dtype=float) - np.asarray(outcomes, dtype=float)) ** 2
    versus = None
    if reference_probabilities is not None:
        reference_errors = (
            _checked(reference_probabilities, outcomes) - np.asarray(outcomes, dtype=float)
        ) ** 2
        versus = (
            float(np.mean(errors - reference_errors)),
            _standard_error(errors - reference_errors),
        )
    return ForecasterScore(
        forecaster=name,
        kind=kind,
        n=len(outcomes),
        brier=brier,
        skill=skill,
        calibration=calibration_table(probabilities, outcomes, bins=bins),
        decomposition=brier_decomposition(probabilities, outcomes, bins=bins),
        log_score=logarithmic,
        log_clipped=clipped,
        auc=auc_score(probabilities, outcomes),
        default=default,
        description=description,
        brier_se=_standard_error(errors),
        versus_reference=versus,
    )


def _standard_error(values: np.ndarray) -> float | None:
    """``sd / sqrt(n)`` with ``n - 1`` in the variance; ``None`` for fewer than 2 values."""
    if values.size < 2:
        return None
    return float(np.std(values, ddof=1) / np.sqrt(values.size))
