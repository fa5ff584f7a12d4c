"""What a model offers Monte Carlo to forecast many draws at once (protocols).

:func:`detente.uncertainty.run_monte_carlo` runs a model with a vectorised
``forecast_draws`` (:class:`DatedModel`, the dated model) on whole batches of draws, and
an issue model with ``predict_draws`` (:class:`DrawModel`) on all the draws of a task at
once; :class:`DatedDraws` is what a dated model returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from detente.sampling import Draws
from detente.scenario import Scenario

__all__ = ["DatedDraws", "DatedModel", "DrawModel"]


@dataclass(frozen=True)
class DatedDraws:
    """What a dated model returns for ``n`` draws (K grid dates, J issues)."""

    dates: tuple[Any, ...]  # the K grid dates (datetime.date)
    by: np.ndarray  # (n, K) probability of agreement by each date
    outcome: np.ndarray  # (n, J) issue outcome (nan: none)
    agreed: np.ndarray  # (n, J) expected agreed point given agreement (nan: never agreed)
    median_index: np.ndarray  # (n,) first date index with P >= 0.5 (K: not by the horizon)


@runtime_checkable
class DatedModel(Protocol):
    """A model that forecasts whole batches of draws at once."""

    name: str

    def grid(self, scenario: Scenario) -> tuple[tuple[Any, ...], dict[Any, str]]:
        """The grid dates and the named ones among them."""
        ...

    def sample_process(
        self, scenario: Scenario, draws: Draws, rng: np.random.Generator
    ) -> np.ndarray:
        """The model's own randomness for ``draws`` (first axis: draws)."""
        ...

    def forecast_draws(self, scenario: Scenario, draws: Draws, process: np.ndarray) -> DatedDraws:
        """Forecast every draw."""
        ...


@runtime_checkable
class DrawModel(Protocol):
    """An issue model that forecasts many draws of one issue at once."""

    name: str

    def predict_draws(
        self,
        actor_ids: Sequence[str],
        positions: np.ndarray,
        saliences: np.ndarray,
        capabilities: np.ndarray,
        scale: tuple[float, float],
    ) -> np.ndarray:
        """``(m, n)`` arrays of ``m`` draws of the issue's actors -> ``(m,)`` outcomes
        on the scale (nan where a draw cannot be forecast); as ``forecast`` on each."""
        ...
