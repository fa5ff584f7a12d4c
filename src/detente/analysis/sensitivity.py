"""Which inputs drive a forecast: one-at-a-time swings and variance-based Sobol indices.

The two methods live in their own modules; this one gathers their public names:

* :mod:`detente.analysis.headline_numbers`: the numbers followed (each static model's
  outcome per issue, the two-level gap and verdict, the calibrated P(agreement by the
  horizon) that ``forecast`` reports, the default ranking, and the dated model's own P);
* :mod:`detente.analysis.one_at_a_time`: every ranged parameter swung to its low and
  high, the others at their mode (the tornado; Saltelli et al. 2008, *Global
  Sensitivity Analysis: The Primer*, Wiley, ch. 1);
* :mod:`detente.analysis.sobol`: first-order and total Sobol indices (Saltelli et al.
  2010, *Computer Physics Communications* 181(2): 259-270, via SALib).

Both cut their evaluations into coarse tasks on any executor (:mod:`detente.executors`),
with the same answer on each.
"""

from __future__ import annotations

from detente.analysis.before_after import compare_documents
from detente.analysis.headline_numbers import (
    P_AGREEMENT,
    P_CALIBRATED,
    Metric,
    headline_metrics,
    pick_headline,
    static_headline,
    static_headlines,
    static_models,
)
from detente.analysis.one_at_a_time import SensitivityResult, Swing, one_at_a_time
from detente.analysis.sobol import SobolIndices, SobolResult, sobol_analysis, sobol_sensitivity
from detente.quantity import triangular_ppf

__all__ = [
    "P_AGREEMENT",
    "P_CALIBRATED",
    "Metric",
    "SensitivityResult",
    "SobolIndices",
    "SobolResult",
    "Swing",
    "compare_documents",
    "headline_metrics",
    "one_at_a_time",
    "pick_headline",
    "sobol_analysis",
    "sobol_sensitivity",
    "static_headline",
    "static_headlines",
    "static_models",
    "triangular_ppf",
]
