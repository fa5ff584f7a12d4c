"""The procedural model's trees: fit, tune by nested grouped CV, export for shipping.

The trees are a least-absolute-deviation gradient boosting regressor (Friedman 2001,
"Greedy function approximation: a gradient boosting machine", Annals of Statistics
29(5): 1189-1232) from scikit-learn (``HistGradientBoostingRegressor(loss=
"absolute_error")``; scikit-learn is in the ``calibration`` extra and needed only to
fit). They predict the outcome's place in the actors' range from
:data:`~detente.models.procedural.TREE_FEATURES`; the model's forecast is the mean of
their forecast and the convex stack's (:data:`BLEND`).

Hyperparameters (tree depth, smallest leaf, number of boosting rounds, from
:data:`GRID`; learning rate :data:`LEARNING_RATE`) are chosen by an inner
proposal-grouped cross-validation (:data:`INNER_FOLDS` folds) on the training issues
only, by the mean absolute error of the blended forecast in points. Scored by
:func:`nested_cv_predictions`, no outer fold ever sees the tuning: in each outer fold
the inner CV runs on the other folds, the trees and the stack are fitted there, and
the fold is forecast (nested cross-validation; Varma & Simon 2006, "Bias in error
estimation when using cross-validation for model selection", BMC Bioinformatics 7: 91).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.analysis.stacking import fit_simplex_lad, grouped_cv_predictions, grouped_folds
from detente.errors import ModelError
from detente.models._tree_ensemble import TreeEnsemble

__all__ = [
    "BLEND",
    "GRID",
    "INNER_FOLDS",
    "LEARNING_RATE",
    "TrainingIssues",
    "TreeSettings",
    "export_trees",
    "fit_trees",
    "nested_cv_predictions",
    "range_places",
    "tune_trees",
]

BLEND = 0.5
"""Weight of the trees in the forecast (the convex stack has the rest)."""
LEARNING_RATE = 0.05
INNER_FOLDS = 5
_DEPTHS = (2, 3)
_LEAVES = (10, 20, 40)
_ROUNDS = (100, 200, 400)


@dataclass(frozen=True)
class TreeSettings:
    """Hyperparameters of the boosted trees."""

    max_depth: int
    min_samples_leaf: int
    max_iter: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with the learning rate."""
        return {
            "max_depth": self.max_depth,
            "min_samples_leaf": self.min_samples_leaf,
            "max_iter": self.max_iter,
            "learning_rate": LEARNING_RATE,
        }


GRID = tuple(TreeSettings(d, s, r) for d, s, r in itertools.product(_DEPTHS, _LEAVES, _ROUNDS))
"""The 18 settings compared by the inner cross-validation (ties go to the first)."""


def _regressor(depth: int, leaf: int, rounds: int) -> Any:
    try:
        from sklearn.ensemble import HistGradientBoostingRegressor
    except ImportError as exc:
        raise ModelError(
            "procedural: fitting its trees needs scikit-learn (pip install 'detente[calibration]')"
        ) from exc
    return HistGradientBoostingRegressor(
        loss="absolute_error",
        learning_rate=LEARNING_RATE,
        max_iter=rounds,
        max_depth=depth,
        min_samples_leaf=leaf,
        early_stopping=False,
        random_state=0,
    )


def fit_trees(inputs: np.ndarray, places: np.ndarray, settings: TreeSettings) -> Any:
    """The fitted scikit-learn regressor of ``places`` on ``(n, k)`` ``inputs``."""
    model = _regressor(settings.max_depth, settings.min_samples_leaf, settings.max_iter)
    return model.fit(np.asarray(inputs, dtype=float), np.asarray(places, dtype=float))


def export_trees(model: Any) -> TreeEnsemble:
    """The fitted regressor's trees as a :class:`TreeEnsemble` (numpy only).

    Reads scikit-learn's fitted node arrays (``_predictors``, ``_baseline_prediction``);
    the tests check that the export predicts what scikit-learn predicts.
    """
    trees = []
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        trees.append(
            {
                "feature": nodes["feature_idx"].astype(int),
                "threshold": nodes["num_threshold"].astype(float),
                "left": nodes["left"].astype(int),
                "right": nodes["right"].astype(int),
                "is_leaf": nodes["is_leaf"].astype(bool),
                "value": np.where(nodes["is_leaf"], nodes["value"], 0.0).astype(float),
            }
        )
    baseline = float(np.ravel(model._baseline_prediction)[0])
    return TreeEnsemble.from_nodes(baseline, trees, int(model.n_features_in_))


def _tree_places(inputs: np.ndarray, places: np.ndarray, train: np.ndarray) -> np.ndarray:
    """``(len(GRID), n)`` forecasts of every setting for every item, trees fitted on
    ``train`` (one fit per depth and leaf size; the rounds from its staged forecasts)."""
    out = np.empty((len(GRID), inputs.shape[0]))
    for depth, leaf in itertools.product(_DEPTHS, _LEAVES):
        model = _regressor(depth, leaf, max(_ROUNDS)).fit(inputs[train], places[train])
        for rounds, staged in enumerate(model.staged_predict(inputs), start=1):
            if rounds in _ROUNDS:
                out[GRID.index(TreeSettings(depth, leaf, rounds))] = staged
    return out


@dataclass(frozen=True)
class TrainingIssues:
    """The issues a fit sees, one row each.

    ``candidates`` ``(n, len(FEATURES))`` on the scale, ``inputs`` ``(n,
    len(TREE_FEATURES))``, ``low`` and ``width`` the actors' ranges, ``outcomes`` in
    points, ``groups`` the proposals, ``rules`` the voting rules (all ``(n,)``).
    """

    candidates: np.ndarray
    inputs: np.ndarray
    low: np.ndarray
    width: np.ndarray
    outcomes: np.ndarray
    groups: np.ndarray
    rules: np.ndarray

    def subset(self, chosen: np.ndarray) -> TrainingIssues:
        """The issues where the boolean ``chosen`` is true."""
        return TrainingIssues(
            *(np.asarray(getattr(self, f))[chosen] for f in self.__dataclass_fields__)
        )

    @property
    def places(self) -> np.ndarray:
        """The outcomes' places in the actors' ranges."""
        return range_places(self.outcomes, self.low, self.width)


def tune_trees(issues: TrainingIssues) -> tuple[TreeSettings, np.ndarray]:
    """The setting whose blended forecast has the lowest inner grouped-CV MAE.

    ``issues`` are the training issues only. With fewer than two proposals there is
    nothing to tune on, and the first setting is taken. Returns the setting and the
    ``(len(GRID),)`` inner MAEs (NaN untuned).
    """
    groups = [str(g) for g in issues.groups]
    n_groups = len(set(groups))
    if n_groups < 2:
        return GRID[0], np.full(len(GRID), np.nan)
    folds = grouped_folds(groups, min(INNER_FOLDS, n_groups))
    stack = grouped_cv_predictions(issues.candidates, issues.outcomes, folds, list(issues.rules))
    trees = np.empty((len(GRID), issues.outcomes.size))
    for fold in np.unique(folds):
        test = folds == fold
        trees[:, test] = _tree_places(issues.inputs, issues.places, ~test)[:, test]
    blended = (1.0 - BLEND) * stack + BLEND * (issues.low + issues.width * trees)
    errors = np.mean(np.abs(blended - issues.outcomes), axis=1)
    return GRID[int(np.argmin(errors))], errors


def range_places(outcomes: np.ndarray, low: np.ndarray, width: np.ndarray) -> np.ndarray:
    """The outcomes' places in the actors' ranges (0 where the range is empty)."""
    safe = np.where(width > 0, width, 1.0)
    return np.where(width > 0, (outcomes - low) / safe, 0.0)


def nested_cv_predictions(
    issues: TrainingIssues, folds: np.ndarray
) -> tuple[np.ndarray, list[TreeSettings]]:
    """``(n,)`` out-of-sample forecasts (points, unclipped) and each fold's setting.

    For every outer fold (``folds``, proposal-grouped): the setting is tuned by
    :func:`tune_trees` on the other folds, the trees and the stack's weights per rule
    are fitted on them, and the fold is forecast by the blend.
    """
    stack = grouped_cv_predictions(issues.candidates, issues.outcomes, folds, list(issues.rules))
    predictions = np.full(issues.outcomes.shape, np.nan)
    chosen = []
    for fold in np.unique(folds):
        test, train = folds == fold, folds != fold
        training = issues.subset(train)
        settings, _ = tune_trees(training)
        chosen.append(settings)
        model = fit_trees(training.inputs, training.places, settings)
        trees = issues.low[test] + issues.width[test] * model.predict(issues.inputs[test])
        predictions[test] = (1.0 - BLEND) * stack[test] + BLEND * trees
    return predictions, chosen


def fit_stack_by_rule(
    candidates: np.ndarray, outcomes: np.ndarray, rules: Sequence[str], names: Sequence[str]
) -> dict[str, dict[str, float]]:
    """The convex stack's weights per voting rule, fitted on all given issues."""
    rule_of = np.asarray(rules, dtype=object).astype(str)
    weights = {}
    for rule in ("QMV", "unanimity"):
        chosen = rule_of == rule
        fitted = fit_simplex_lad(candidates[chosen], outcomes[chosen])
        weights[rule] = {name: round(float(w), 6) for name, w in zip(names, fitted, strict=True)}
    return weights
