"""The one model interface and the forecast result types.

Every model is an object with a ``name``, a one-line ``title``, a ``citation`` and a
``forecast(scenario, *, rng=None)`` method returning a :class:`Forecast`. Models that
work issue by issue (most of them) subclass :class:`IssueModel` and implement
:meth:`IssueModel.predict_issue` on the arrays of one issue (:class:`IssueData`).

Results are plain frozen dataclasses whose ``to_dict`` gives the JSON documented in
``docs/json-output.md``.

Options. A model's options are the keyword-only parameters of its class's constructor,
each with a type hint (``float``, ``int``, ``bool``, ``str`` or a ``Literal`` of
choices) and a default, and each stored on the instance under its own name (as
:class:`~detente.models.expected_utility.ExpectedUtilityModel` does).
:func:`declared_options` reads them from the signature, so a model declares its options
once, where they are documented, and the registry never keeps a second list. A
scenario chooses options with ``models: {name: {option: value}}``; an
:class:`IssueModel` honours them wherever it runs (:meth:`IssueModel.forecast`).

Applicability. A model that needs more than positions, saliences and capabilities
says so: ``requires_agreement`` (signatories), or an optional method
``not_applicable(scenario) -> str | None`` returning why it cannot run on a scenario
(the procedural model without the EU procedure). :func:`not_applicable` combines
both; commands skip such models unless they are named, and then say why.
"""

from __future__ import annotations

import inspect
import typing
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, ClassVar, Literal, Protocol, TypeVar, runtime_checkable

import numpy as np

from detente.errors import ModelError, ScenarioError
from detente.scenario import IssueData, Scenario

__all__ = [
    "AgreementVerdict",
    "Forecast",
    "IssueForecast",
    "IssueModel",
    "Model",
    "OptionSpec",
    "RngLike",
    "WeightedStatisticModel",
    "as_generator",
    "check_issue_data",
    "check_options",
    "declared_options",
    "not_applicable",
    "usable_draws",
    "weighted_draws",
    "with_options",
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
        """``{"issue", "outcome", **details}``: one entry of ``issues`` in the JSON of
        ``docs/json-output.md``; ``outcome`` on the issue's scale or ``None``."""
        return {"issue": self.issue_id, "outcome": self.outcome, **self.details}


@dataclass(frozen=True)
class AgreementVerdict:
    """Whether the signatories can agree now, and the ranges behind the answer."""

    possible: bool
    explanation: str
    issues: dict[str, dict[str, Any]]
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """``{"possible", "explanation", "issues", **extra}``: the ``agreement`` object of
        the JSON of ``docs/json-output.md``."""
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
        """The forecast outcome on issue ``issue_id``, on that issue's scale.

        ``None`` when the model predicts no settlement and the issue has no status quo.

        Raises
        ------
        KeyError
            ``issue_id`` is not an issue of this forecast.
        """
        for item in self.issues:
            if item.issue_id == issue_id:
                return item.outcome
        raise KeyError(issue_id)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready forecast (``model``, ``issues``, and ``agreement`` when the model
        judges one), as documented in ``docs/json-output.md``."""
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


class _Named(Protocol):
    @property
    def name(self) -> str: ...


M = TypeVar("M", bound=_Named)


@dataclass(frozen=True)
class OptionSpec:
    """One declared model option: its name, type, allowed choices and default."""

    name: str
    kind: type
    default: Any
    choices: tuple[str, ...] = ()

    def describe(self) -> str:
        """What the option accepts, e.g. ``one of all-votes, pair`` or ``a number``."""
        if self.choices:
            return "one of " + ", ".join(self.choices)
        return {bool: "true or false", int: "an integer", float: "a number"}.get(self.kind, "text")

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` (as read from YAML/JSON) has this option's type."""
        if self.choices:
            return value in self.choices
        if self.kind is bool:
            return isinstance(value, bool)
        if self.kind is int:
            return isinstance(value, int) and not isinstance(value, bool)
        if self.kind is float:
            return isinstance(value, int | float) and not isinstance(value, bool)
        return isinstance(value, self.kind)

    def parse(self, text: str) -> Any:
        """``text`` (from the command line) as this option's type; ``ValueError`` if not."""
        if self.choices or self.kind is str:
            return text
        if self.kind is bool:
            lowered = text.strip().lower()
            if lowered in ("true", "yes", "1"):
                return True
            if lowered in ("false", "no", "0"):
                return False
            raise ValueError(text)
        return self.kind(text)


@cache
def _options_of(cls: type) -> dict[str, OptionSpec]:
    init = cls.__dict__.get("__init__")
    if init is None:
        for base in cls.__mro__[1:]:
            if "__init__" in base.__dict__ and base is not object:
                return _options_of(base)
        return {}
    hints = typing.get_type_hints(init)
    found = {}
    for parameter in inspect.signature(init).parameters.values():
        if parameter.kind is not inspect.Parameter.KEYWORD_ONLY:
            continue
        hint = hints.get(parameter.name, str)
        if typing.get_origin(hint) is Literal:
            spec = OptionSpec(
                parameter.name, str, parameter.default, tuple(map(str, typing.get_args(hint)))
            )
        else:
            spec = OptionSpec(parameter.name, hint, parameter.default)
        found[parameter.name] = spec
    return found


def not_applicable(model: Model, scenario: Scenario) -> str | None:
    """Why ``model`` cannot run on ``scenario`` (``None`` when it can).

    A model needing an agreement on a scenario without one, or a model whose optional
    ``not_applicable(scenario)`` method gives a reason.
    """
    if model.requires_agreement and scenario.agreement is None:
        return (
            f"model {model.name!r} needs an agreement with signatories, and this scenario has none"
        )
    check = getattr(model, "not_applicable", None)
    reason = check(scenario) if callable(check) else None
    return None if reason is None else str(reason)


def declared_options(model: _Named) -> dict[str, OptionSpec]:
    """The options ``model`` declares: its class's keyword-only constructor parameters."""
    return dict(_options_of(type(model)))


def check_options(model: _Named, options: Mapping[str, Any]) -> dict[str, Any]:
    """``options`` if every name is declared by ``model`` and every value fits its type.

    Raises
    ------
    ScenarioError
        With the path ``models.<model>.<option>``: an unknown option (naming the close
        match and the declared ones) or a value of the wrong type or choice.
    """
    import difflib

    declared = declared_options(model)
    for name, value in options.items():
        path = ("models", model.name, name)
        if name not in declared:
            hint = difflib.get_close_matches(str(name), list(declared), n=1)
            known = ", ".join(declared) if declared else "none"
            raise ScenarioError(
                f"model {model.name!r} has no option {name!r}"
                + (f"; did you mean {hint[0]!r}?" if hint else "")
                + f" (its options: {known})",
                path,
            )
        spec = declared[name]
        if not spec.accepts(value):
            raise ScenarioError(f"expected {spec.describe()}, got {value!r}", path)
    return dict(options)


_UNSET = object()


@cache
def _configured(cls: type, options: tuple[tuple[str, Any], ...]) -> Any:
    return cls(**dict(options))


def with_options(model: M, options: Mapping[str, Any] | None) -> M:
    """``model`` configured with ``options`` (checked by :func:`check_options`).

    Without options, ``model`` itself. Instances are cached per set of options, so
    repeated forecasts (Monte Carlo draws) build each configuration once.

    Raises
    ------
    ScenarioError
        With the path ``models.<name>``: an unknown option, a value of the wrong type,
        or one the model's constructor rejects.
    """
    if not options:
        return model
    key = tuple(sorted(check_options(model, options).items()))
    if all(getattr(model, name, _UNSET) == value for name, value in key):
        return model  # already configured so (each option is stored under its name)
    try:
        configured: M = _configured(type(model), key)
    except ModelError as exc:
        raise ScenarioError(str(exc), ("models", model.name)) from None
    return configured


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
    models that forecast many draws at once and then mark those rows as nan.

    The inputs are ``(m, n)`` arrays (``m`` draws, ``n`` actors); ``ok`` has shape
    ``(m,)``, ``x`` and ``w`` shape ``(m, n)``."""
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
        """Forecast each issue; options in ``scenario.models[self.name]`` apply."""
        configured = with_options(self, scenario.models.get(self.name))
        if configured is not self:
            return configured.forecast(scenario, rng=rng)
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
