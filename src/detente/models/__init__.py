"""Forecasting models, one module each, behind one interface (:mod:`detente.models.base`).

Every public module in this package (a name not starting with ``_``, other than
``base``) defines ``MODEL``, an instance satisfying :class:`~detente.models.base.Model`.
The registry finds them by listing the package, so adding a model is adding a module:
there is no hand-kept list to forget. Modules are imported only when asked for.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from detente.errors import DetenteError, ScenarioError
from detente.models.base import (
    Forecast,
    IssueForecast,
    Model,
    OptionSpec,
    check_options,
    declared_options,
    with_options,
)

__all__ = [
    "Forecast",
    "IssueForecast",
    "Model",
    "OptionSpec",
    "available_models",
    "check_model_options",
    "get_model",
    "model_options",
    "parse_option_assignments",
]

_NOT_MODELS = {"base"}


@cache
def _registry() -> dict[str, Model]:
    found: dict[str, Model] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name in _NOT_MODELS:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        model = getattr(module, "MODEL", None)
        if not isinstance(model, Model):
            raise TypeError(f"{module.__name__} defines no MODEL satisfying the Model protocol")
        if model.name in found:
            raise TypeError(f"two models are named {model.name!r}")
        found[model.name] = model
    return dict(sorted(found.items()))


def available_models() -> list[str]:
    """Names of every registered model, sorted."""
    return list(_registry())


@cache
def _direct(name: str) -> Model | None:
    """The model ``name`` from its own module (``expected-utility`` lives in
    ``expected_utility``) without importing the others, or None if it is not there."""
    module_name = name.replace("-", "_")
    if module_name.startswith("_") or module_name in _NOT_MODELS or not module_name.isidentifier():
        return None
    if not any(info.name == module_name for info in pkgutil.iter_modules(__path__)):
        return None
    model = getattr(importlib.import_module(f"{__name__}.{module_name}"), "MODEL", None)
    return model if isinstance(model, Model) and model.name == name else None


def get_model(name: str) -> Model:
    """The model registered as ``name``; a :class:`DetenteError` lists the choices.

    Only the model's own module is imported when it follows the naming convention
    (module ``expected_utility`` for ``expected-utility``), so that a command that runs
    one model does not pay for importing the others.
    """
    model = _direct(name)
    if model is not None:
        return model
    registry = _registry()
    if name not in registry:
        raise DetenteError(f"unknown model {name!r}; available: {', '.join(registry)}")
    return registry[name]


def model_options(name: str) -> dict[str, OptionSpec]:
    """The options model ``name`` declares (:func:`~detente.models.base.declared_options`)."""
    return declared_options(get_model(name))


def check_model_options(options: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Check a scenario's ``models`` mapping against each model's declared options.

    Raises
    ------
    ScenarioError
        With the path ``models.<name>[.<option>]``: an unknown model, an unknown
        option, or a value of the wrong type.
    """
    registry = _registry()
    out = {}
    for name, chosen in options.items():
        if name not in registry:
            raise ScenarioError(
                f"unknown model {name!r}; available: {', '.join(registry)}", ("models", name)
            )
        with_options(registry[name], chosen)  # the model's own checks (ranges) run too
        out[name] = dict(chosen)
    return out


def parse_option_assignments(texts: Sequence[str]) -> dict[str, dict[str, Any]]:
    """``["expected-utility.probability=pair", ...]`` as ``{model: {option: value}}``.

    Each value is converted to the option's declared type and checked.

    Raises
    ------
    DetenteError
        A text not of the form ``MODEL.OPTION=VALUE``, an unknown model or option, or a
        value that does not fit.
    """
    out: dict[str, dict[str, Any]] = {}
    for text in texts:
        try:  # checked one assignment at a time, so the message names the one at fault
            model = _assign(text, out)
            check_model_options({model: out[model]})
        except ScenarioError as exc:
            raise DetenteError(f"--option {text.strip()}: {exc.message}") from None
    return out


def _assign(text: str, out: dict[str, dict[str, Any]]) -> str:
    """Parse ``MODEL.OPTION=VALUE`` into ``out``; return the model's name."""
    target, sep, value = text.partition("=")
    model, dot, option = target.strip().partition(".")
    if not (sep and dot and model and option):
        raise DetenteError(
            "--option: expected MODEL.OPTION=VALUE such as "
            f"expected-utility.probability=pair, got {text!r}"
        )
    declared = model_options(model)
    if option not in declared:
        check_options(get_model(model), {option: None})  # raises, naming the options
    spec = declared[option]
    try:
        parsed = spec.parse(value.strip())
        if spec.choices and parsed not in spec.choices:
            raise ValueError(parsed)
    except ValueError:
        raise DetenteError(
            f"--option {text.strip()}: {model}.{option} expects {spec.describe()}, "
            f"got {value.strip()!r}"
        ) from None
    out.setdefault(model, {})[option] = parsed
    return model
