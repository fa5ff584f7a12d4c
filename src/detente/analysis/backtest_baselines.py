"""Baselines and grouped folds of a DEU backtest (:mod:`detente.analysis.backtest`).

``baseline:constant``
    The same forecast for every issue of a fold: the median outcome of the other
    folds (proposal-grouped cross-validation, the folds of :func:`fold_map`), the
    "constant forecast" of the DEU literature without its in-sample advantage.
``baseline:reference-point``
    The reference point (``rp``): what happens without a decision. ``None`` where
    ``rp`` is not coded.
``baseline:mean``
    The unweighted mean of the positions.

The folds are those of :func:`detente.analysis.stacking.grouped_folds` (whole proposals
per fold), also used to refit the fitted models out of sample.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from detente.analysis.backtest_forecasts import ScoredIssue
from detente.analysis.stacking import grouped_folds

__all__ = ["BASELINES", "FOLDS", "baseline_forecasts", "fold_map"]

FOLDS = 10
"""Folds of the proposal-grouped cross-validation of fitted rows (fewer when the file
has fewer proposals)."""
BASELINES = ("baseline:constant", "baseline:reference-point", "baseline:mean")


def fold_map(items: Sequence[ScoredIssue]) -> tuple[dict[str, int], int]:
    """Each scored issue's proposal-grouped fold, and the number of folds (0: too few
    proposals for a cross-validation)."""
    proposals = [item.issue.prnr for item in items]
    n_folds = min(FOLDS, len(set(proposals)))
    if n_folds < 2:
        return {}, 0
    folds = grouped_folds(proposals, n_folds)
    return {item.issue.isnr: int(f) for item, f in zip(items, folds, strict=True)}, n_folds


def _constant_cv(items: Sequence[ScoredIssue], folds: Mapping[str, int]) -> list[float | None]:
    """The median outcome of the other folds, for each issue (``None`` without folds)."""
    if not folds:
        return [None] * len(items)
    outcomes = np.array([item.outcome for item in items], dtype=float)
    fold_of = np.array([folds[item.issue.isnr] for item in items])
    medians = {int(f): float(np.median(outcomes[fold_of != f])) for f in np.unique(fold_of)}
    return [medians[int(f)] for f in fold_of]


def baseline_forecasts(
    items: Sequence[ScoredIssue], folds: Mapping[str, int]
) -> dict[str, list[float | None]]:
    """Each baseline's forecast of every scored issue (``None``: no forecast)."""
    return {
        "baseline:constant": _constant_cv(items, folds),
        "baseline:reference-point": [item.issue.reference_point for item in items],
        "baseline:mean": [float(np.mean(list(item.issue.positions.values()))) for item in items],
    }
