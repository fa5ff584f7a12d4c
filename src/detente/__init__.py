"""detente: forecast multi-actor negotiations.

What outcome is likely, whether and when an agreement gets signed, how sure we are,
and what would have to change to flip the answer.

The stable API (``docs/api.md``) mirrors the command line's verbs::

    import detente
    scenario = detente.load("russia_japan_2018")  # a file or an embedded scenario
    result = scenario.forecast(runs=500)          # detente forecast --runs 500
    result.to_frame()                             # pandas, one row per issue and model
    scenario.whatif(["russia.capability=0.5"]), scenario.flip(), scenario.sensitivity()
    detente.backtest_deu("deu.tsv"), detente.backtest_cases()
    detente.sweep("sweep.yaml")                   # detente sweep sweep.yaml --out FILE

The lower-level names below (``load_scenario``, ``run_models``, ``get_model``, ...) stay
exported as before. Everything is imported lazily (``detente --help`` must start fast).
Modules not reached from here (``detente.commands``, ``detente.analysis``, ...) are
internal.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "load": "detente.api",
    "backtest_deu": "detente.api",
    "backtest_cases": "detente.api",
    "sweep": "detente.api",
    "Sweep": "detente.api",
    "LoadedScenario": "detente.api",
    "ForecastResult": "detente.api",
    "MonteCarlo": "detente.api",
    "WhatIf": "detente.api",
    "FlipSearch": "detente.api",
    "Sensitivity": "detente.api",
    "SobolSensitivity": "detente.api",
    "DeuBacktest": "detente.api",
    "CaseBacktest": "detente.api",
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
