"""detente: forecast multi-actor negotiations.

What outcome is likely, whether and when an agreement gets signed, how sure we are,
and what would have to change to flip the answer.

The public API is imported lazily (``detente --help`` must start fast)::

    import detente
    scenario = detente.load_embedded()            # the Russia-Japan 2018 default
    forecasts = detente.run_models(scenario)      # every model that applies
    detente.get_model("two-level").forecast(scenario).agreement.possible
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Actor": "detente.scenario",
    "Agreement": "detente.scenario",
    "Issue": "detente.scenario",
    "Scenario": "detente.scenario",
    "Range": "detente.quantity",
    "DetenteError": "detente.errors",
    "ModelError": "detente.errors",
    "ScenarioError": "detente.errors",
    "Forecast": "detente.models.base",
    "available_models": "detente.models",
    "get_model": "detente.models",
    "load_any": "detente.io",
    "load_scenario": "detente.io",
    "load_table": "detente.io",
    "parse_scenario": "detente.io",
    "save_scenario": "detente.io",
    "load_embedded": "detente.scenarios",
    "embedded_names": "detente.scenarios",
    "run_models": "detente.forecasting",
    "forecast_document": "detente.forecasting",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'detente' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
