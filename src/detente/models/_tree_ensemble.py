"""A shipped ensemble of regression trees (gradient boosting), evaluated with numpy.

The procedural model (:mod:`detente.models.procedural`) ships the trees of a gradient
boosting regressor fitted offline with scikit-learn's ``HistGradientBoostingRegressor``
(``loss="absolute_error"``; Friedman 2001, "Greedy function approximation: a gradient
boosting machine", Annals of Statistics 29(5): 1189-1232, whose least-absolute-deviation
boosting fits each tree to the signs of the residuals and sets each leaf to the median
residual of its items). scikit-learn is needed only to fit them
(:mod:`detente.analysis.procedural_trees`); forecasting needs numpy alone.

A tree is stored as flat node arrays, in scikit-learn's layout: node 0 is the root; an
internal node sends an item to ``left`` when its ``feature`` value is ``<= threshold``
and to ``right`` otherwise; a leaf holds ``value`` (already multiplied by the learning
rate). The prediction is ``baseline + sum of the leaf values`` reached in every tree.
The inputs have no missing values (the procedural features are always defined), so
scikit-learn's missing-value branch is not stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.errors import DetenteError

__all__ = ["TreeEnsemble"]


@dataclass(frozen=True)
class TreeEnsemble:
    """Regression trees padded to one node count; arrays are ``(trees, nodes)``.

    Attributes
    ----------
    baseline:
        The constant the trees add to (scikit-learn's baseline prediction: the median
        target for the absolute loss).
    feature, threshold, left, right, is_leaf, value:
        Per node: the split feature's column, the split threshold, the children's node
        indices, whether the node is a leaf, and the leaf's value. Padding nodes are
        leaves of value 0.
    n_features:
        Number of input columns.
    """

    baseline: float
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    is_leaf: np.ndarray
    value: np.ndarray
    n_features: int

    def predict(self, inputs: np.ndarray) -> np.ndarray:
        """``(n,)`` predictions for ``(n, n_features)`` finite inputs.

        All trees and items are walked at once, one level per step.

        Raises
        ------
        DetenteError
            When the inputs have the wrong number of columns or a value is not finite.
        """
        x = np.asarray(inputs, dtype=float)
        if x.ndim != 2 or x.shape[1] != self.n_features:
            raise DetenteError(f"tree inputs: expected (n, {self.n_features}), got {x.shape}")
        if not np.all(np.isfinite(x)):
            raise DetenteError("tree inputs must be finite")
        trees = np.arange(self.feature.shape[0])[:, None]
        items = np.arange(x.shape[0])[None, :]
        node = np.zeros((trees.size, x.shape[0]), dtype=int)
        for _ in range(self.feature.shape[1]):  # a path is shorter than the node count
            leaf = self.is_leaf[trees, node]
            if leaf.all():
                break
            go_left = x[items, self.feature[trees, node]] <= self.threshold[trees, node]
            child = np.where(go_left, self.left[trees, node], self.right[trees, node])
            node = np.where(leaf, node, child)
        return np.asarray(self.baseline + self.value[trees, node].sum(axis=0), dtype=float)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready lists (the shipped form; :meth:`from_dict` reads it back)."""
        return {
            "baseline": float(self.baseline),
            "n_features": int(self.n_features),
            "feature": self.feature.tolist(),
            "threshold": self.threshold.tolist(),
            "left": self.left.tolist(),
            "right": self.right.tolist(),
            "is_leaf": self.is_leaf.astype(int).tolist(),
            "value": self.value.tolist(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TreeEnsemble:
        """The ensemble of :meth:`to_dict` (raises ``DetenteError`` on bad shapes)."""
        arrays = {
            "feature": np.asarray(data["feature"], dtype=int),
            "threshold": np.asarray(data["threshold"], dtype=float),
            "left": np.asarray(data["left"], dtype=int),
            "right": np.asarray(data["right"], dtype=int),
            "is_leaf": np.asarray(data["is_leaf"], dtype=bool),
            "value": np.asarray(data["value"], dtype=float),
        }
        shapes = {a.shape for a in arrays.values()}
        if len(shapes) != 1 or arrays["feature"].ndim != 2:
            raise DetenteError(f"tree ensemble: node arrays differ in shape: {sorted(shapes)}")
        return cls(float(data["baseline"]), n_features=int(data["n_features"]), **arrays)

    @classmethod
    def from_nodes(
        cls, baseline: float, trees: Sequence[Mapping[str, np.ndarray]], n_features: int
    ) -> TreeEnsemble:
        """Pad per-tree node arrays (``feature``, ``threshold``, ``left``, ``right``,
        ``is_leaf``, ``value``, each ``(nodes,)``) to one node count."""
        width = max((len(t["value"]) for t in trees), default=1)
        fill = {
            "feature": 0,
            "threshold": 0.0,
            "left": 0,
            "right": 0,
            "is_leaf": True,
            "value": 0.0,
        }
        arrays = {}
        for name, pad in fill.items():
            table = np.full((len(trees), width), pad, dtype=type(pad))
            for k, tree in enumerate(trees):
                table[k, : len(tree[name])] = tree[name]
            arrays[name] = table
        return cls(float(baseline), n_features=n_features, **arrays)
