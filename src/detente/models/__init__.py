"""Forecasting models, one module each, behind one interface (:mod:`detente.models.base`).

Every public module in this package (a name not starting with ``_``, other than
``base``) defines ``MODEL``, an instance satisfying :class:`~detente.models.base.Model`.
The registry finds them by listing the package, so adding a model is adding a module:
there is no hand-kept list to forget. Modules are imported only when asked for.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from detente.errors import DetenteError
from detente.models.base import Forecast, IssueForecast, Model

__all__ = ["Forecast", "IssueForecast", "Model", "available_models", "get_model"]

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
