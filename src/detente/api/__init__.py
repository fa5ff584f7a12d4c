"""detente's stable Python API: the command line's verbs for notebooks and scripts.

::

    import detente

    scenario = detente.load("russia_japan_2018")     # a file, or an embedded scenario
    result = scenario.forecast(runs=500, seed=0)     # like `detente forecast --runs 500`
    result.to_frame()                                # one row per issue and model
    result.to_frame("agreement")                     # P(agreement by date), with its band
    result.plot()                                    # a matplotlib Axes
    result.to_dict()                                 # the JSON `-f json` prints

    scenario.whatif(["russia.capability=0.5"])       # detente whatif --set ...
    scenario.flip()                                  # detente flip
    scenario.sensitivity(method="oat")               # detente sensitivity
    scenario.report("report.html")                   # detente report -o report.html
    detente.backtest_deu("tests/data/deu_small.tsv") # detente backtest deu PATH
    detente.backtest_cases()                         # detente backtest cases
    detente.sweep("docs/examples/sweep.yaml")        # detente sweep SPEC --out FILE

Keyword arguments carry the command-line options' names and defaults. The names listed
in ``__all__`` (and re-exported by :mod:`detente`) are the stable API documented in
``docs/api.md``; every other module of detente is internal and may change.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from detente.api.backtests import CaseBacktest, DeuBacktest
from detente.api.results import (
    FlipSearch,
    ForecastResult,
    MonteCarlo,
    Sensitivity,
    SobolSensitivity,
    WhatIf,
)
from detente.api.scenario import LoadedScenario, load
from detente.api.sweeps import Sweep

__all__ = [
    "CaseBacktest",
    "DeuBacktest",
    "FlipSearch",
    "ForecastResult",
    "LoadedScenario",
    "MonteCarlo",
    "Sensitivity",
    "SobolSensitivity",
    "Sweep",
    "WhatIf",
    "backtest_cases",
    "backtest_deu",
    "load",
    "sweep",
]


def backtest_deu(
    path: str | os.PathLike[str],
    *,
    models: Sequence[str] = (),
    capabilities: str = "council",
    institution_weight: float = 1.0,
    seed: int = 0,
    bootstrap: int = 2000,
    workers: int = 1,
    dask: str | None = None,
    per_issue: Sequence[str] = (),
) -> DeuBacktest:
    """Score the models on a DEU-format TSV file of EU legislative negotiations
    (``detente backtest deu PATH``; ``docs/backtest-deu.md``).

    Parameters
    ----------
    path:
        A DEU-format TSV file (Thomson et al. 2006, 2012; e.g. ``tests/data/deu_small.tsv``).
    models:
        Models to score (``--model``; default: every model). The multi-issue models
        (exchange, smp) forecast one scenario per proposal, scored on each of its issues.
    capabilities:
        ``"council"`` (Council voting weights in force at the proposal's date),
        ``"banzhaf"`` or ``"shapley"`` (voting power in force, ``docs/voting-power.md``)
        or ``"equal"`` (``--capabilities``).
    institution_weight:
        Weight of the Commission and Parliament, as a multiple of the mean member-state
        weight.
    seed, bootstrap:
        Seed and number of resamples of the bootstrap intervals.
    workers, dask:
        Local processes, or a Dask scheduler address / ``"local"``; the same answer.
    per_issue:
        Multi-issue models to score issue by issue instead (``--per-issue``).

    Returns
    -------
    DeuBacktest
        ``to_frame()``: one row per issue and model (forecast, outcome, absolute error on
        the 0-100 scale); ``to_frame("models")``: each model's MAE with its 95% interval.

    Raises
    ------
    ScenarioError
        A malformed file (file, line, field).
    """
    from detente.api import verbs

    return verbs.backtest_deu(
        path, models=models, capabilities=capabilities,
        institution_weight=institution_weight, seed=seed, bootstrap=bootstrap,
        workers=workers, dask=dask, per_issue=per_issue,
    )  # fmt: skip


def backtest_cases(
    directory: str | os.PathLike[str] | None = None,
    *,
    runs: int = 2000,
    seed: int = 0,
    workers: int = 1,
    dask: str | None = None,
) -> CaseBacktest:
    """Score the whether-and-when forecasters on historical cases (``detente backtest
    cases [DIR]``; ``docs/backtest-cases.md``).

    Parameters
    ----------
    directory:
        A folder of case files (scenarios with an ``outcome``); default: the cases that
        ship with detente.
    runs:
        Monte Carlo draws per case.
    seed:
        Root seed of the draws.
    workers, dask:
        Local processes, or a Dask scheduler address / ``"local"``; the same answer.

    Returns
    -------
    CaseBacktest
        ``to_frame()``: one row per case and forecaster (P(agreement by the horizon),
        outcome, squared error); ``to_frame("scores")``: Brier score, skill, log score
        and AUC per forecaster.
    """
    from detente.api import verbs

    return verbs.backtest_cases(directory, runs=runs, seed=seed, workers=workers, dask=dask)


def sweep(
    spec: str | os.PathLike[str],
    *,
    workers: int = 1,
    dask: str | None = None,
    store: str | os.PathLike[str] | None = None,
) -> Sweep:
    """The forecast at every point of a sweep specification: a grid or a sample of
    parameter settings of one or more scenarios (``detente sweep SPEC``;
    ``docs/scale-out.md``).

    Parameters
    ----------
    spec:
        A sweep specification file (YAML or JSON; e.g. ``docs/examples/sweep.yaml``):
        scenarios, seed, runs and a ``grid`` or ``sample`` of parameter paths as in
        ``whatif --set``.
    workers, dask:
        Local processes, or a Dask scheduler address / ``"local"``; the same answer.
    store:
        A run store (SQLite file) to record the sweep and its runs in; default: nothing
        is recorded.

    Returns
    -------
    Sweep
        ``to_frame()``: one row per run (the varied parameters, then every model's
        numbers, as the ``--out`` table); ``plot()``: the headline number against the
        first varied parameter.

    Raises
    ------
    ScenarioError
        A malformed spec (file, line, field), before any run.
    DetenteError
        A run that fails, naming its scenario and parameters.
    """
    from detente.api import verbs

    return verbs.sweep(spec, workers=workers, dask=dask, store=store)
