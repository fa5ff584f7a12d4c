"""Sampling a scenario's uncertain numbers: ``n`` draws of every range, by path.

:class:`ScenarioSampler` finds every :class:`~detente.quantity.Range` of a scenario
(capabilities, positions, saliences, accepted bounds, dynamics parameters, ...), draws
them jointly, each from its own law (triangular, uniform or Beta-PERT), with an explicit
``numpy.random.Generator`` (ranges named in the scenario's ``correlation`` groups
together through a Gaussian copula, :mod:`detente.copula`; the rest independently),
and rebuilds a fixed :class:`~detente.scenario.Scenario` for any single draw.
:mod:`detente.uncertainty` builds Monte Carlo runs on it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel

from detente.copula import copula_factor, copula_uniforms
from detente.errors import PathPart
from detente.quantity import Range
from detente.scenario import Scenario
from detente.scenario_checks import correlated_ranges

__all__ = ["Draws", "Path", "ScenarioSampler"]

Path = tuple[PathPart, ...]


class Draws:
    """``n`` sampled values of every number of a scenario, looked up by path."""

    def __init__(self, columns: dict[Path, int], matrix: np.ndarray, fixed: dict[Path, float]):
        self._columns = columns
        self.matrix = matrix
        self._fixed = fixed

    @property
    def n(self) -> int:
        return int(self.matrix.shape[0])

    def get(self, path: Path, default: float | None = None) -> np.ndarray:
        """Values of the number at ``path``, shape ``(n,)`` (``default`` if it has none)."""
        column = self._columns.get(path)
        if column is not None:
            return np.asarray(self.matrix[:, column])
        if path in self._fixed:
            return np.full(self.n, self._fixed[path])
        if default is None:
            raise KeyError(path)
        return np.full(self.n, float(default))

    @staticmethod
    def concat(parts: Sequence[Draws]) -> Draws:
        first = parts[0]
        return Draws(first._columns, np.concatenate([p.matrix for p in parts]), first._fixed)


def _leaves(node: Any, path: Path) -> Iterator[tuple[Path, Range]]:
    if isinstance(node, Range):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _leaves(getattr(node, name), (*path, name))
    elif isinstance(node, list | tuple):
        for index, item in enumerate(node):
            yield from _leaves(item, (*path, index))
    elif isinstance(node, dict):
        for key, item in node.items():
            if isinstance(key, str):
                yield from _leaves(item, (*path, key))


class ScenarioSampler:
    """Samples every range of a scenario jointly, each from its own law.

    Ranges are independent unless the scenario's ``correlation`` groups join them; the
    joined ones are drawn through a Gaussian copula with the groups' correlation matrix.
    Without groups the draws are exactly those of independent sampling (same stream).

    Parameters
    ----------
    scenario:
        The scenario whose ranges are sampled; fixed numbers stay fixed.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        leaves = dict(_leaves(scenario, ()))
        self.uncertain: tuple[Path, ...] = tuple(p for p, r in leaves.items() if not r.is_fixed)
        self._ranges = [leaves[p] for p in self.uncertain]
        self._columns = {p: k for k, p in enumerate(self.uncertain)}
        self._fixed = {p: r.mode for p, r in leaves.items() if r.is_fixed}
        self._dirty = {p[:k] for p in self.uncertain for k in range(1, len(p) + 1)}
        keys, matrix = correlated_ranges(scenario)
        self.correlated: tuple[Path, ...] = tuple(keys)
        self._factor = copula_factor(matrix) if keys else np.zeros((0, 0))

    def sample(self, rng: np.random.Generator, n: int) -> Draws:
        """``n`` joint draws, one column per uncertain number, in a fixed order.

        Independent ranges are drawn first, in column order; then the correlated ones
        through the copula (:func:`detente.copula.copula_uniforms` and each range's
        :meth:`~detente.quantity.Range.ppf`).
        """
        matrix = np.empty((n, len(self._ranges)))
        joined = set(self.correlated)
        for k, r in enumerate(self._ranges):
            if self.uncertain[k] not in joined:
                matrix[:, k] = r.sample(rng, n)
        if self.correlated:
            uniforms = copula_uniforms(self._factor, rng, n)
            for m, key in enumerate(self.correlated):
                k = self._columns[key]
                matrix[:, k] = self._ranges[k].ppf(uniforms[:, m])
        return Draws(self._columns, matrix, self._fixed)

    def modes(self, n: int = 1) -> Draws:
        """``n`` copies of the modes (what the static models use)."""
        row = np.array([r.mode for r in self._ranges])
        return Draws(self._columns, np.tile(row, (n, 1)), self._fixed)

    def scenario_at(self, draws: Draws, i: int) -> Scenario:
        """Draw ``i`` as a scenario whose every number is fixed (no re-validation).

        An ``accepts`` pair whose sampled bounds cross collapses to their midpoint.
        """
        values = draws.matrix[i]
        out = self._rebuild(self.scenario, (), values)
        assert isinstance(out, Scenario)
        return out

    def _rebuild(self, node: Any, path: Path, values: np.ndarray) -> Any:
        if isinstance(node, Range):
            v = float(values[self._columns[path]])
            return Range.model_construct(low=v, mode=v, high=v)
        if isinstance(node, BaseModel):
            update = {
                name: self._rebuild(getattr(node, name), (*path, name), values)
                for name in type(node).model_fields
                if (*path, name) in self._dirty
            }
            return node.model_copy(update=update)
        if isinstance(node, list | tuple):
            items = [
                self._rebuild(x, (*path, k), values) if (*path, k) in self._dirty else x
                for k, x in enumerate(node)
            ]
            if len(items) == 2 and path[-2:-1] == ("accepts",) and items[0].mode > items[1].mode:
                mid = (items[0].mode + items[1].mode) / 2
                items = [Range.model_construct(low=mid, mode=mid, high=mid)] * 2
            return tuple(items) if isinstance(node, tuple) else items
        if isinstance(node, dict):
            return {
                k: self._rebuild(x, (*path, k), values) if (*path, k) in self._dirty else x
                for k, x in node.items()
            }
        return node  # pragma: no cover - only containers lead to ranges
