"""The weighted median voter: Black's median with weights capability x salience.

On one dimension with single-peaked preferences, the position ``m`` such that the
actors at or left of ``m`` and the actors at or right of ``m`` each hold at least half
of the total weight ``W = sum_i c_i s_i`` beats every other position in a weighted
pairwise vote: it is the Condorcet winner (Black 1948, 1958).

Choice made here: when the weight splits exactly in half between two adjacent
positions ``a < b`` (every point of ``[a, b]`` is then a weighted median), the
forecast is the midpoint ``(a + b) / 2``, so the result does not depend on the order of
the actors and is symmetric under reflecting the scale.

Sources: Black, D. (1948), "On the rationale of group decision-making", *Journal of
Political Economy* 56(1): 23-34; Black, D. (1958), *The Theory of Committees and
Elections*, Cambridge UP.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from detente.models.base import WeightedStatisticModel
from detente.scenario import IssueData

__all__ = ["MODEL", "MedianModel", "weighted_median", "weighted_medians"]


def weighted_median(positions: np.ndarray, weights: np.ndarray) -> float:
    """Weighted median of ``positions`` (midpoint rule on an exact half split)."""
    x = np.asarray(positions, dtype=float)[None]
    return float(weighted_medians(x, np.asarray(weights, dtype=float)[None])[0])


def weighted_medians(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted median of each row (``(B, n)`` positions and weights -> ``(B,)``).

    The first position, in position order, whose cumulative weight reaches half the
    total (within a relative 1e-12); when the weight splits exactly in half, the
    midpoint of it and the next position with a positive weight. Every row needs a
    positive total weight.
    """
    games = np.arange(x.shape[0])
    order = np.argsort(x, axis=1, kind="stable")
    xs, ws = x[games[:, None], order], w[games[:, None], order]
    cumulative = np.cumsum(ws, axis=1)
    total = cumulative[:, -1]
    half = total / 2.0
    k = np.argmax(cumulative >= (half - 1e-12 * total)[:, None], axis=1)
    after = (ws > 0) & (np.arange(x.shape[1]) > k[:, None])
    split = np.abs(cumulative[games, k] - half) <= 1e-12 * np.abs(half)
    split &= after.any(axis=1)
    here = xs[games, k]
    there = xs[games, np.argmax(after, axis=1)]
    return np.asarray(np.where(split, (here + there) / 2.0, here), dtype=float)


class MedianModel(WeightedStatisticModel):
    """Weighted median voter position (Black 1948)."""

    name = "median"
    title = "Weighted median voter (Condorcet winner), weights capability x salience"
    citation = (
        "Black (1948) On the rationale of group decision-making, J. Political Economy 56(1); "
        "Black (1958) The Theory of Committees and Elections"
    )

    @staticmethod
    def statistic(positions: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """The weighted median of each row."""
        return np.asarray(weighted_medians(positions, weights))

    def predict_issue(
        self, data: IssueData, *, rng: np.random.Generator
    ) -> tuple[float, dict[str, Any]]:
        return weighted_median(data.positions, data.weights), {}


MODEL = MedianModel()
