"""Stacked regression on the simplex, fitted and scored with proposal-grouped folds.

:func:`fit_simplex_lad` finds the weights ``w >= 0``, ``sum w = 1`` that minimise the
sum of absolute errors ``sum_i |y_i - X_i w|`` (least absolute deviations; a linear
programme solved by scipy's HiGHS). Stacking: Wolpert (1992), "Stacked
generalization", Neural Networks 5(2): 241-259; Breiman (1996), "Stacked regressions",
Machine Learning 24: 49-64 (non-negative weights). The absolute loss is the score the
DEU literature reports (Achen 2006).

:func:`grouped_folds` splits issues into folds by proposal (no proposal in two folds),
with the rule of scikit-learn's ``GroupKFold``: groups from largest to smallest, each
into the fold with the fewest issues so far (scikit-learn is not a run-time
dependency of detente; the tests compare the folds with it).
:func:`grouped_cv_predictions` fits on the other folds and predicts each fold, one
weight vector per stratum (e.g. voting rule), so every prediction is out of sample.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from detente.errors import DetenteError

__all__ = ["fit_simplex_lad", "grouped_cv_predictions", "grouped_folds"]


def fit_simplex_lad(features: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Weights on the simplex minimising the sum of absolute errors.

    Parameters
    ----------
    features:
        ``(n, k)`` candidate forecasts, one row per issue.
    target:
        ``(n,)`` outcomes.

    Returns
    -------
    numpy.ndarray
        ``(k,)`` weights, each >= 0, summing to 1. Without rows, equal weights.

    Raises
    ------
    DetenteError
        When the shapes disagree, a value is not finite, or the solver fails.
    """
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix, eye, hstack, vstack

    x = np.asarray(features, dtype=float)
    y = np.asarray(target, dtype=float)
    if x.ndim != 2 or y.shape != (x.shape[0],):
        raise DetenteError(f"features (n, k) and target (n,) expected, got {x.shape}, {y.shape}")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise DetenteError("features and target must be finite")
    n, k = x.shape
    if n == 0:
        return np.full(k, 1.0 / k)
    # variables: w (k), over (n), under (n); X w - over + under = y; sum w = 1
    cost = np.r_[np.zeros(k), np.ones(2 * n)]
    rows = hstack([csr_matrix(x), -eye(n), eye(n)])
    simplex = csr_matrix(np.r_[np.ones(k), np.zeros(2 * n)][None, :])
    found = linprog(
        cost,
        A_eq=vstack([rows, simplex]).tocsr(),
        b_eq=np.r_[y, 1.0],
        bounds=(0, None),
        method="highs",
    )
    if found.status != 0:
        raise DetenteError(f"least-absolute-deviation fit failed: {found.message}")
    weights = np.clip(found.x[:k], 0.0, None)
    return np.asarray(weights / weights.sum(), dtype=float)


def grouped_folds(groups: Sequence[str], n_folds: int) -> np.ndarray:
    """``(n,)`` fold index of each item, every group wholly in one fold.

    Groups go, largest first (among equal sizes, the label that sorts last first), to
    the fold with the fewest items so far (ties to the lower fold): the rule of
    scikit-learn's ``GroupKFold`` without shuffling (the tests check that the folds are
    the same), so the folds are deterministic and balanced in size.

    Raises
    ------
    DetenteError
        When there are fewer groups than folds or fewer than 2 folds.
    """
    labels, inverse, counts = np.unique(
        np.asarray(groups, dtype=object).astype(str), return_inverse=True, return_counts=True
    )
    if n_folds < 2 or labels.size < n_folds:
        raise DetenteError(
            f"grouped cross-validation needs 2 <= folds <= groups, got {n_folds} folds "
            f"and {labels.size} groups"
        )
    order = np.argsort(counts, kind="stable")[::-1]
    sizes = np.zeros(n_folds, dtype=int)
    fold_of_group = np.empty(labels.size, dtype=int)
    for group in order:
        fold = int(np.argmin(sizes))
        fold_of_group[group] = fold
        sizes[fold] += counts[group]
    return np.asarray(fold_of_group[inverse], dtype=int)


def grouped_cv_predictions(
    features: np.ndarray,
    target: np.ndarray,
    folds: np.ndarray,
    strata: Sequence[str],
) -> np.ndarray:
    """``(n,)`` out-of-sample predictions of the stratified simplex stack.

    For each fold (``folds``: each item's fold, from :func:`grouped_folds`), one weight
    vector per stratum is fitted by :func:`fit_simplex_lad` on the items of that
    stratum in the other folds, and predicts the fold's items of that stratum. A
    stratum with no training item in the other folds uses equal weights.
    """
    x = np.asarray(features, dtype=float)
    y = np.asarray(target, dtype=float)
    fold_of = np.asarray(folds, dtype=int)
    layer = np.asarray(strata, dtype=object).astype(str)
    predictions = np.full(y.shape, np.nan)
    for fold in np.unique(fold_of):
        test = fold_of == fold
        for stratum in np.unique(layer[test]):
            train = ~test & (layer == stratum)
            weights = fit_simplex_lad(x[train], y[train])
            chosen = test & (layer == stratum)
            predictions[chosen] = x[chosen] @ weights
    return predictions
