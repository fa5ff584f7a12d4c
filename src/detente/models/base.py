"""The one model interface and the forecast result types.

Every model is an object with a ``name``, a one-line ``title``, a ``citation`` and a
``forecast(scenario, *, rng=None)`` method returning a :class:`Forecast`. Models that
work issue by issue (most of them) subclass :class:`IssueModel` and implement
:meth:`IssueModel.predict_issue` on the arrays of one issue (:class:`IssueData`).

Results are plain frozen dataclasses whose ``to_dict`` gives the JSON documented in
``docs/json-output.md``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np

from detente.errors import ModelError
from detente.scenario import IssueData, Scenario

__all__ = [
    "AgreementVerdict",
    "Forecast",
    "IssueForecast",
    "IssueModel",
    "Model",
    "RngLike",
    "WeightedStatisticModel",
    "as_generator",
    "check_issue_data",
    "usable_draws",
    "weighted_draws",
]

RngLike = np.random.Generator | int | None


def as_generator(rng: RngLike) -> np.random.Generator:
    """Return ``rng`` itself, or a new ``Generator`` seeded with it (``None``: seed 0).

    detente never draws from global random state: a model that is given no seed uses
    seed 0, so two calls without ``rng`` give the same answer.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(0 if rng is None else rng)


@dataclass(frozen=True)
class IssueForecast:
    """A model's forecast on one issue.

    ``outcome`` is on the issue's scale, or ``None`` when the model predicts no
    settlement and the issue has no status quo to fall back on. ``details`` holds
    model-specific, JSON-ready extras (e.g. the rounds of the expected-utility model).
    """

    issue_id: str
    outcome: float | None
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"issue": self.issue_id, "outcome": self.outcome, **self.details}


@dataclass(frozen=True)
class AgreementVerdict:
    """Whether the signatories can agree now, and the ranges behind the answer."""

    possible: bool
    explanation: str
    issues: dict[str, dict[str, Any]]
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "possible": self.possible,
            "explanation": self.explanation,
            "issues": self.issues,
            **self.extra,
        }


@dataclass(frozen=True)
class Forecast:
    """One model's forecast for a whole scenario."""

    model: str
    issues: tuple[IssueForecast, ...]
    agreement: AgreementVerdict | None = None

    def outcome(self, issue_id: str) -> float | None:
        for item in self.issues:
            if item.issue_id == issue_id:
                return item.outcome
        raise KeyError(issue_id)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"model": self.model, "issues": [i.to_dict() for i in self.issues]}
        if self.agreement is not None:
            out["agreement"] = self.agreement.to_dict()
        return out


@runtime_checkable
class Model(Protocol):
    """What every registered model provides."""

    name: str
    title: str
    citation: str
    requires_agreement: bool

    def forecast(self, scenario: Scenario, *, rng: RngLike = None) -> Forecast:
        """Forecast every issue (and the agreement, where the model judges one)."""
        ...


def check_issue_data(data: IssueData) -> None:
    """Raise :class:`ModelError` unless ``data`` can be forecast by a weighted model."""
    name = data.issue.id
    if data.positions.size == 0:
        raise ModelError(f"issue {name!r}: no actor takes a stance")
    for label, values in (
        ("position", data.positions),
        ("salience", data.saliences),
        ("capability", data.capabilities),
    ):
        if not np.all(np.isfinite(values)):
            raise ModelError(f"issue {name!r}: every {label} must be a finite number")
    if np.any(data.capabilities < 0) or np.any(data.saliences < 0):
        raise ModelError(f"issue {name!r}: capabilities and saliences must be >= 0")
    if not data.weights.sum() > 0:
        raise ModelError(
            f"issue {name!r}: every actor has zero weight (capability x salience); "
            "at least one actor needs both a capability and a salience above zero"
        )


def usable_draws(
    positions: np.ndarray, saliences: np.ndarray, capabilities: np.ndarray
) -> np.ndarray:
    """``(m,)``: which rows of ``(m, n)`` draws :func:`check_issue_data` would accept."""
    finite = np.isfinite(positions) & np.isfinite(saliences) & np.isfinite(capabilities)
    signed = (saliences >= 0) & (capabilities >= 0)
    weight = np.sum(np.where(finite, capabilities * saliences, 0.0), axis=1)
    return np.asarray(np.all(finite & signed, axis=1) & (weight > 0), dtype=bool)


def weighted_draws(
    positions: np.ndarray, saliences: np.ndarray, capabilities: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(ok, x, w)``: :func:`usable_draws`, and positions and weights (capability x
    salience) with the unusable rows replaced by harmless numbers (0 and 1), for
    models that forecast many draws at once and then mark those rows as nan."""
    ok = usable_draws(positions, saliences, capabilities)
    w = np.where(ok[:, None], capabilities * saliences, 1.0)
    return ok, np.where(ok[:, None], positions, 0.0), w


class IssueModel(ABC):
    """Base of models that forecast each issue on its own from its arrays."""

    name: ClassVar[str]
    title: ClassVar[str]
    citation: ClassVar[str]
    requires_agreement: ClassVar[bool] = False

    def forecast(self, scenario: Scenario, *, rng: RngLike = None) -> Forecast:
        generator = as_generator(rng)
        results = []
        for data in scenario.iter_issue_data():
            check_issue_data(data)
            outcome, details = self.predict_issue(data, rng=generator)
            lo, hi = data.scale
            results.append(IssueForecast(data.issue.id, float(np.clip(outcome, lo, hi)), details))
        return Forecast(self.name, tuple(results))

    @abstractmethod
    def predict_issue(
        self, data: IssueData, *, rng: np.random.Generator
    ) -> tuple[float, dict[str, Any]]:
        """Return the predicted outcome on one issue and JSON-ready details."""


class WeightedStatisticModel(IssueModel):
    """An issue model whose forecast is a statistic of the positions weighted by
    capability x salience; it forecasts many Monte Carlo draws at once."""

    @staticmethod
    @abstractmethod
    def statistic(positions: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """The statistic of each row: ``(m, n)`` positions and weights -> ``(m,)``."""

    def predict_draws(
        self,
        actor_ids: Sequence[str],
        positions: np.ndarray,
        saliences: np.ndarray,
        capabilities: np.ndarray,
        scale: tuple[float, float],
    ) -> np.ndarray:
        """The forecast of each of ``m`` draws (``(m, n)`` arrays -> ``(m,)``), clipped to
        the scale; nan where a draw has no positive total weight."""
        ok, x, w = weighted_draws(positions, saliences, capabilities)
        return np.where(ok, np.clip(self.statistic(x, w), *scale), np.nan)
