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

from detente.models.base import IssueModel
from detente.scenario import IssueData

__all__ = ["MODEL", "MedianModel", "weighted_median"]


def weighted_median(positions: np.ndarray, weights: np.ndarray) -> float:
    """Weighted median of ``positions`` (midpoint rule on an exact half split)."""
    order = np.argsort(positions, kind="stable")
    x = positions[order]
    w = weights[order]
    keep = w > 0
    x, w = x[keep], w[keep]
    cumulative = np.cumsum(w)
    half = cumulative[-1] / 2.0
    # first position whose cumulative weight reaches half the total
    k = int(np.searchsorted(cumulative, half - 1e-12 * cumulative[-1]))
    if np.isclose(cumulative[k], half, rtol=1e-12, atol=0.0) and k + 1 < x.size:
        return float((x[k] + x[k + 1]) / 2.0)
    return float(x[k])


class MedianModel(IssueModel):
    """Weighted median voter position (Black 1948)."""

    name = "median"
    title = "Weighted median voter (Condorcet winner), weights capability x salience"
    citation = (
        "Black (1948) On the rationale of group decision-making, J. Political Economy 56(1); "
        "Black (1958) The Theory of Committees and Elections"
    )

    def predict_issue(
        self, data: IssueData, *, rng: np.random.Generator
    ) -> tuple[float, dict[str, Any]]:
        return weighted_median(data.positions, data.weights), {}


MODEL = MedianModel()
