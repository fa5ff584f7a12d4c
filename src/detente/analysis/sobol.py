"""Variance-based sensitivity: Sobol indices of the headline numbers over the ranges.

First-order and total indices with Saltelli's sampling design and the estimators of
Saltelli et al. (2010), "Variance based sensitivity analysis of model output. Design and
estimator for the total sensitivity index", *Computer Physics Communications* 181(2):
259-270, as implemented by SALib (Herman & Usher 2017, "SALib: An open-source Python
library for sensitivity analysis", *JOSS* 2(9): 97). The inputs are the distributions of
the scenario's ranges (SALib samples the unit cube; each range's inverse CDF,
:meth:`detente.quantity.Range.ppf`, is applied here).

The ``N x (D + 2)`` rows of the design are evaluated in a few coarse tasks of
contiguous rows (:class:`SobolRows`, :func:`evaluate_rows`) on any executor
(:mod:`detente.executors`); a row's numbers depend on the row alone, so the indices are
the same, byte for byte in JSON, serial, in local processes or on Dask.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.analysis.headline_numbers import (
    Metric,
    headline_metrics,
    pick_headline,
    static_headlines,
    static_models,
)
from detente.errors import DetenteError
from detente.quantity import Range
from detente.scenario import Scenario
from detente.scenario_edits import DatedEvaluator, ParameterInfo, dated_model, ranged_parameters

if TYPE_CHECKING:
    from detente.executors import Executor

__all__ = [
    "SOBOL_DEFAULT_MODELS",
    "SobolIndices",
    "SobolResult",
    "SobolRows",
    "evaluate_rows",
    "sobol_analysis",
    "sobol_sensitivity",
]

SOBOL_DEFAULT_MODELS = ("compromise", "median", "two-level")
DATED_SHOCK_PATHS = 16
"""Shock paths per row for P(agreement) in a Sobol design (the dated model at the row)."""


def _bootstrap_seed(seed: int) -> int:
    """The seed of SALib's bootstrap of the confidence intervals, never 0.

    ``SALib.analyze.sobol.analyze`` seeds its resampling only ``if seed:``, so seed 0
    (detente's default) would leave the intervals unseeded and different on every run.
    Every non-negative seed maps to its own non-zero seed.
    """
    return seed + 1 if seed >= 0 else seed


@dataclass(frozen=True)
class SobolIndices:
    """First-order and total Sobol indices of one output, with 95% bootstrap intervals."""

    first: tuple[float, ...]
    first_conf: tuple[float, ...]
    total: tuple[float, ...]
    total_conf: tuple[float, ...]
    variance: float


def sobol_analysis(
    function: Callable[[np.ndarray], np.ndarray],
    ranges: Sequence[Range],
    *,
    n: int,
    seed: int,
) -> list[SobolIndices | None]:
    """Sobol indices of each output of ``function`` over the ranges' distributions.

    ``function`` maps an ``(M, D)`` matrix of inputs to ``(M,)`` or ``(M, K)`` outputs;
    ``ranges`` are the D inputs' laws (triangular unless a range names another); ``n``
    (a power of 2) is the base sample of Saltelli's design without second-order
    indices, so ``function`` sees ``n * (D + 2)`` rows; ``seed`` seeds the scrambled
    Sobol' sequence and the bootstrap of the 95% intervals. Returns one
    :class:`SobolIndices` per output, ``None`` where
    an output does not vary (the indices are undefined) or is not finite everywhere.
    Estimators: Saltelli et al. (2010), Comput. Phys. Commun. 181(2): 259-270, as
    implemented in SALib (Herman & Usher 2017, JOSS 2(9): 97).
    """
    if n < 2 or n & (n - 1):
        raise DetenteError(f"the Sobol sample size N must be a power of 2 (e.g. 64), got {n}")
    if not ranges:
        raise DetenteError("no parameter is given as a range: nothing to analyse")
    try:  # SALib ships no type information, hence import_module
        sampler = importlib.import_module("SALib.sample.sobol")
        analyser = importlib.import_module("SALib.analyze.sobol")
    except ImportError:
        raise DetenteError(
            "Sobol indices need SALib: pip install 'detente[analysis]' (or pip install SALib)"
        ) from None
    problem = {
        "num_vars": len(ranges),
        "names": [f"x{k}" for k in range(len(ranges))],
        "bounds": [[0.0, 1.0]] * len(ranges),
    }
    unit = sampler.sample(problem, n, calc_second_order=False, seed=seed)
    inputs = np.column_stack([r.ppf(unit[:, k]) for k, r in enumerate(ranges)])
    outputs = np.asarray(function(inputs), dtype=float)
    if outputs.ndim == 1:
        outputs = outputs[:, None]
    found: list[SobolIndices | None] = []
    for column in outputs.T:
        if not np.all(np.isfinite(column)) or float(np.var(column)) == 0.0:
            found.append(None)
            continue
        with warnings.catch_warnings():  # SALib warns of constant bootstrap resamples
            warnings.simplefilter("ignore", UserWarning)
            result = analyser.analyze(
                problem,
                column,
                calc_second_order=False,
                seed=_bootstrap_seed(seed),
                print_to_console=False,
            )
        first, first_conf, total, total_conf = (
            tuple(float(x) for x in result[key]) for key in ("S1", "S1_conf", "ST", "ST_conf")
        )
        found.append(SobolIndices(first, first_conf, total, total_conf, float(np.var(column))))
    return found


@dataclass(frozen=True)
class SobolResult:
    """Sobol indices of every headline number over the scenario's ranged parameters."""

    title: str
    parameters: tuple[ParameterInfo, ...]
    metrics: tuple[Metric, ...]
    indices: dict[str, SobolIndices | None]
    n: int
    seed: int
    models: tuple[str, ...]
    evaluations: int = 0

    def ranked(self, metric: str) -> list[dict[str, Any]]:
        """Per parameter ``{path, S1, S1_conf, ST, ST_conf}``, by decreasing total index."""
        found = self.indices.get(metric)
        if found is None:
            return []
        columns = {"S1": found.first, "S1_conf": found.first_conf, "ST": found.total,
                   "ST_conf": found.total_conf}  # fmt: skip
        rows = [
            {"path": p.path, **{k: v[i] if np.isfinite(v[i]) else None for k, v in columns.items()}}
            for i, p in enumerate(self.parameters)
        ]  # an estimate that failed (nan) is reported as None, which JSON can hold
        return sorted(rows, key=lambda r: (-(r["ST"] if r["ST"] is not None else -1.0), r["path"]))

    def headline(self) -> str | None:
        """The metric shown by default (see :func:`pick_headline`)."""
        return pick_headline({m: 0.0 if i is None else i.variance for m, i in self.indices.items()})

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "sobol",
            "scenario": self.title,
            "models": list(self.models),
            "n": self.n,
            "seed": self.seed,
            "evaluations": self.evaluations,
            "estimator": "Saltelli et al. (2010) via SALib (Herman & Usher 2017)",
            "metrics": [{"id": m.id, "label": m.label, "scale": m.scale} for m in self.metrics],
            "indices": {
                m.id: None
                if (i := self.indices.get(m.id)) is None
                else {"variance": i.variance, "parameters": self.ranked(m.id)}
                for m in self.metrics
            },
        }


@dataclass(frozen=True)
class SobolRows:
    """One task: the headline numbers of a block of rows of the Sobol design (picklable,
    pure: each row's numbers depend on that row only)."""

    scenario: Scenario
    models: tuple[str, ...]
    metrics: tuple[str, ...]
    inputs: np.ndarray
    seed: int


def evaluate_rows(task: SobolRows) -> np.ndarray:
    """Shape ``(rows, metrics)``: each metric of each input row (nan where a model gave
    none). Static models run on a scenario per row (built without re-validation, as in
    Monte Carlo: crossed ``accepts`` bounds collapse to their midpoint); P(agreement by
    the horizon) is the dated model at the row's parameters, :data:`DATED_SHOCK_PATHS`
    shock paths seeded by ``task.seed``, and the calibrated P is that read through the
    calibration with the row's two-level verdict
    (:func:`~detente.analysis.headline_numbers.calibrated_numbers`).

    Raises
    ------
    DetenteError
        A model cannot forecast one of the rows.
    """
    from detente.analysis.headline_numbers import P_AGREEMENT, P_CALIBRATED, calibrated_numbers
    from detente.uncertainty import Draws, ScenarioSampler

    scenario, inputs = task.scenario, task.inputs
    params = ranged_parameters(scenario)
    sampler = ScenarioSampler(scenario)
    where = {p.key: k for k, p in enumerate(params)}
    order = [where[key] for key in sampler.uncertain]
    units = np.array([params[k].unit for k in order])
    out = np.full((inputs.shape[0], len(task.metrics)), np.nan)
    stored = inputs[:, order] / units
    draws = Draws({key: k for k, key in enumerate(sampler.uncertain)}, stored, {})
    rows = [sampler.scenario_at(draws, row) for row in range(inputs.shape[0])]
    for row, numbers in enumerate(static_headlines(rows, list(task.models))):
        if isinstance(numbers, DetenteError):
            raise numbers
        for m, metric in enumerate(task.metrics):
            value = numbers.get(metric)
            if value is not None:
                out[row, m] = value
    if P_AGREEMENT in task.metrics or P_CALIBRATED in task.metrics:
        evaluator = DatedEvaluator(scenario, runs=0, seed=task.seed, shock_paths=DATED_SHOCK_PATHS)
        settings = [
            {p.path: float(v) for p, v in zip(params, values, strict=True)} for values in inputs
        ]
        dated = np.asarray(evaluator(settings), dtype=float)
        if P_AGREEMENT in task.metrics:
            out[:, task.metrics.index(P_AGREEMENT)] = dated
        if P_CALIBRATED in task.metrics:
            known = (
                out[:, task.metrics.index("two-level:possible")].tolist()
                if "two-level:possible" in task.metrics
                else None
            )
            calibrated = calibrated_numbers(scenario, list(rows), dated.tolist(), known)
            out[:, task.metrics.index(P_CALIBRATED)] = [
                np.nan if v is None else v for v in calibrated
            ]
    return out


def sobol_sensitivity(
    scenario: Scenario,
    *,
    n: int = 64,
    seed: int = 0,
    models: Sequence[str] | None = None,
    executor: Executor | None = None,
    tasks: int | None = None,
) -> SobolResult:
    """Sobol indices of the headline numbers over every ranged parameter.

    Parameters
    ----------
    scenario:
        The scenario; its ranged parameters are the inputs.
    n, seed:
        The base sample (a power of 2; ``n * (D + 2)`` evaluations) and the seed of the
        design, the bootstrap and the dated model's shock paths.
    models:
        Static models (default: compromise, median and two-level, the fast ones).
    executor:
        Where the rows are evaluated (default: serially in this process).
    tasks:
        How many tasks of contiguous rows (default :func:`~detente.executors.task_count`);
        the result does not depend on it.
    """
    from detente.executors import SerialExecutor, run_ordered, split_evenly, task_count

    chosen = models or [m for m in SOBOL_DEFAULT_MODELS if m in static_models(scenario)]
    names = static_models(scenario, chosen)
    params = ranged_parameters(scenario)
    metrics = headline_metrics(scenario, names, with_dated=dated_model(scenario) is not None)
    where = executor or SerialExecutor()
    ids = tuple(m.id for m in metrics)

    def evaluate(inputs: np.ndarray) -> np.ndarray:
        blocks = split_evenly(range(inputs.shape[0]), tasks or task_count(where))
        work = [
            SobolRows(scenario, tuple(names), ids, inputs[block[0] : block[-1] + 1], seed)
            for block in blocks
        ]
        parts: list[np.ndarray] = []
        run_ordered(where, evaluate_rows, work, lambda _task, part: parts.append(part))
        return np.concatenate(parts) if parts else np.empty((0, len(ids)))

    indices = sobol_analysis(evaluate, [p.value for p in params], n=n, seed=seed)
    return SobolResult(
        scenario.title,
        tuple(params),
        tuple(metrics),
        {m.id: found for m, found in zip(metrics, indices, strict=True)},
        n,
        seed,
        tuple(names),
        n * (len(params) + 2),
    )
