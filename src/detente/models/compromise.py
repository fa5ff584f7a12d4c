"""The compromise model: the capability x salience weighted mean of positions.

.. math:: \\hat{x} = \\frac{\\sum_i c_i s_i x_i}{\\sum_i c_i s_i}

where :math:`c_i` is actor *i*'s capability, :math:`s_i` its salience on the issue and
:math:`x_i` its position. The outcome is where the actors' weighted pulls balance.

Sources: van den Bos, J. M. M. (1991), *Dutch EC Policy Making: A Model-Guided
Approach to Coordination and Negotiation*, Thela Thesis; Achen, C. H. (2006),
"Evaluating political decision-making models", ch. 10 of Thomson, Stokman, Achen &
Koenig (eds.), *The European Union Decides*, Cambridge UP. On the DEU data it is the
benchmark that the more elaborate models struggle to beat.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from detente.models.base import WeightedStatisticModel
from detente.scenario import IssueData

__all__ = ["MODEL", "CompromiseModel", "weighted_mean"]


def weighted_mean(positions: np.ndarray, weights: np.ndarray) -> float:
    """Weighted mean along the last axis (weights need a positive sum)."""
    return float(np.sum(positions * weights, axis=-1) / np.sum(weights, axis=-1))


class CompromiseModel(WeightedStatisticModel):
    """Capability x salience weighted mean (Achen 2006; van den Bos 1991)."""

    name = "compromise"
    title = "Compromise model: capability x salience weighted mean of positions"
    citation = (
        "van den Bos (1991) Dutch EC Policy Making; Achen (2006) in Thomson et al. (eds.) "
        "The European Union Decides, Cambridge UP"
    )

    @staticmethod
    def statistic(positions: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """The weighted mean of each row."""
        return np.asarray(np.sum(positions * weights, axis=-1) / np.sum(weights, axis=-1))

    def predict_issue(
        self, data: IssueData, *, rng: np.random.Generator
    ) -> tuple[float, dict[str, Any]]:
        return weighted_mean(data.positions, data.weights), {}


MODEL = CompromiseModel()
