"""Which inputs drive a forecast: one-at-a-time swings and variance-based Sobol indices.

**Headline numbers.** Each static model's outcome per issue (``compromise:territory``),
the two-level verdict (``two-level:gap``, the summed gap of the issues without a zone
of possible agreement; ``two-level:possible``, 1 or 0) and, when the dated model is
registered, ``p_agreement``: P(agreement signed by the horizon).

**One at a time (OAT).** Every parameter the analyst gave as a range is set to its
``low`` and then its ``high`` with every other parameter at its mode, and the headline
numbers are recomputed (the tornado diagram of decision analysis; Saltelli et al. 2008,
*Global Sensitivity Analysis: The Primer*, Wiley, ch. 1). P(agreement) is a Monte Carlo
estimate over ``runs`` joint draws of the *other* ranges with a fixed seed and common
random numbers: every swing reuses the same draws and shock paths, so differences
between swings are not sampling noise. With ``runs=0`` it is the dated model at the
modes. A parameter's *effect* on a number is the spread (max - min) of the number over
{low, mode, high}, divided by the number's scale (the issue's width for outcomes and
gaps, 1 for probabilities); parameters are ranked by their largest effect.

**Sobol indices.** First-order and total indices with Saltelli's sampling design and
the estimators of Saltelli et al. (2010), "Variance based sensitivity analysis of model
output. Design and estimator for the total sensitivity index", *Computer Physics
Communications* 181(2): 259-270, as implemented by SALib (Herman & Usher 2017, "SALib:
An open-source Python library for sensitivity analysis", *JOSS* 2(9): 97). The inputs
are the distributions of the scenario's ranges (SALib samples the unit cube; each
range's inverse CDF, :meth:`detente.quantity.Range.ppf`, is applied here).
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.errors import DetenteError
from detente.quantity import Range, triangular_ppf
from detente.scenario import Scenario
from detente.scenario_edits import DatedEvaluator, ParameterInfo, dated_model, ranged_parameters
from detente.scenario_edits import set_parameter as _set

__all__ = [
    "P_AGREEMENT",
    "Metric",
    "SensitivityResult",
    "SobolResult",
    "Swing",
    "compare_documents",
    "headline_metrics",
    "one_at_a_time",
    "pick_headline",
    "sobol_analysis",
    "sobol_sensitivity",
    "static_headline",
    "static_headlines",
    "triangular_ppf",
]

P_AGREEMENT = "p_agreement"
SOBOL_DEFAULT_MODELS = ("compromise", "median", "two-level")


@dataclass(frozen=True)
class Metric:
    """One headline number: its id, a label for people, and the scale of its effects."""

    id: str
    label: str
    scale: float


def pick_headline(spread: Mapping[str, float]) -> str | None:
    """P(agreement) if it moves, else the two-level gap or verdict, else the metric
    that moves most (``spread``: how much each metric moves); ``None`` if none moves."""
    moving = {m: v for m, v in spread.items() if v > 0}
    for preferred in (P_AGREEMENT, "two-level:gap", "two-level:possible"):
        if preferred in moving:
            return preferred
    return max(moving, key=lambda m: moving[m], default=None)


# -- the headline numbers ------------------------------------------------------------


def static_models(scenario: Scenario, models: Sequence[str] | None = None) -> list[str]:
    """The static (non-dated) models among ``models`` (default: all that apply)."""
    from detente.forecasting import select_models
    from detente.models import get_model
    from detente.uncertainty import DatedModel

    return [n for n in select_models(scenario, models) if not isinstance(get_model(n), DatedModel)]


def headline_metrics(
    scenario: Scenario, models: Sequence[str], *, with_dated: bool
) -> list[Metric]:
    """The metrics :func:`static_headline` (and the dated model) report, in order."""
    out = []
    for name in models:
        if name == "two-level":
            continue
        for issue in scenario.issues:
            width = issue.scale[1] - issue.scale[0]
            out.append(Metric(f"{name}:{issue.id}", f"{name} outcome on {issue.name}", width))
    if "two-level" in models and scenario.agreement is not None:
        widest = max(i.scale[1] - i.scale[0] for i in scenario.issues)
        out.append(Metric("two-level:gap", "two-level gap (summed over issues)", widest))
        out.append(Metric("two-level:possible", "two-level: agreement possible (1/0)", 1.0))
    if with_dated:
        out.append(Metric(P_AGREEMENT, f"P(agreement by {scenario.horizon})", 1.0))
    return out


def static_headline(scenario: Scenario, models: Sequence[str]) -> dict[str, float | None]:
    """Each static model's outcome per issue and the two-level gap and verdict."""
    found = static_headlines([scenario], models)[0]
    if isinstance(found, DetenteError):
        raise found
    return found


def static_headlines(
    scenarios: Sequence[Scenario], models: Sequence[str]
) -> list[dict[str, float | None] | DetenteError]:
    """:func:`static_headline` of many scenarios (or the error one raises).

    A model that solves many issues at once (``predict_issues``: the expected-utility
    model's batched kernel) gets every issue of every scenario in one call; the others
    forecast scenario by scenario.
    """
    from detente.models import get_model

    out: list[dict[str, float | None] | DetenteError] = [{} for _ in scenarios]
    for name in models:
        model = get_model(name)
        solve = getattr(model, "predict_issues", None)
        if solve is not None:
            keys = [(k, i.id) for k, sc in enumerate(scenarios) for i in sc.issues]
            datas = [scenarios[k].issue_data(issue) for k, issue in keys]
            for (k, issue), value in zip(keys, solve(datas), strict=True):
                numbers = out[k]
                if isinstance(numbers, dict):
                    out[k] = value if isinstance(value, DetenteError) else numbers
                    numbers[f"{name}:{issue}"] = None if isinstance(value, DetenteError) else value
            continue
        for k, scenario in enumerate(scenarios):
            numbers = out[k]
            if not isinstance(numbers, dict):
                continue
            try:
                forecast = model.forecast(scenario)
            except DetenteError as exc:
                out[k] = exc
                continue
            if name == "two-level":
                verdict = forecast.agreement
                if verdict is not None:
                    gaps = [
                        v["gap"]["size"] for v in verdict.issues.values() if v["gap"] is not None
                    ]
                    numbers["two-level:gap"] = float(sum(gaps))
                    numbers["two-level:possible"] = float(verdict.possible)
                continue
            for item in forecast.issues:
                numbers[f"{name}:{item.issue_id}"] = item.outcome
    return out


# -- one at a time ---------------------------------------------------------------------


@dataclass(frozen=True)
class Swing:
    """The headline numbers with one parameter at its low and at its high."""

    parameter: ParameterInfo
    low: dict[str, float | None]
    high: dict[str, float | None]
    effects: dict[str, float]
    error: str | None = None

    @property
    def effect(self) -> float:
        """The largest normalised effect over all metrics (0 when none)."""
        return max(self.effects.values(), default=0.0)

    def to_dict(self) -> dict[str, Any]:
        p = self.parameter
        return {
            "path": p.path,
            "range": p.value.model_dump(),
            "at_low": self.low,
            "at_high": self.high,
            "effects": self.effects,
            "effect": self.effect,
            "error": self.error,
        }


@dataclass(frozen=True)
class SensitivityResult:
    """One-at-a-time swings of every ranged parameter (see :func:`one_at_a_time`)."""

    title: str
    metrics: tuple[Metric, ...]
    base: dict[str, float | None]
    swings: tuple[Swing, ...]
    models: tuple[str, ...]
    runs: int
    seed: int

    def ranked(self, metric: str | None = None) -> list[Swing]:
        """Swings by decreasing effect on ``metric`` (ties: by the largest effect on any),
        or by the largest effect on any metric when ``metric`` is ``None``."""
        if metric is not None and metric not in {m.id for m in self.metrics}:
            known = ", ".join(m.id for m in self.metrics)
            raise DetenteError(f"unknown metric {metric!r}; expected one of {known}")
        return sorted(
            self.swings,
            key=lambda s: (
                -s.effects.get(metric, 0.0) if metric else 0.0,
                -s.effect,
                s.parameter.path,
            ),
        )

    def headline(self) -> str | None:
        """The metric a tornado shows by default (see :func:`pick_headline`)."""
        effects = {
            m.id: max((s.effects.get(m.id, 0.0) for s in self.swings), default=0.0)
            for m in self.metrics
        }
        return pick_headline(effects)

    def to_dict(self, metric: str | None = None) -> dict[str, Any]:
        return {
            "method": "one-at-a-time",
            "scenario": self.title,
            "models": list(self.models),
            "runs": self.runs,
            "seed": self.seed,
            "metrics": [{"id": m.id, "label": m.label, "scale": m.scale} for m in self.metrics],
            "base": self.base,
            "ranked_by": metric or "largest effect on any metric",
            "swings": [s.to_dict() for s in self.ranked(metric)],
        }


def _effects(
    metrics: Sequence[Metric], base: Mapping[str, float | None], *values: Mapping[str, float | None]
) -> dict[str, float]:
    out = {}
    for metric in metrics:
        seen = [base.get(metric.id), *(v.get(metric.id) for v in values)]
        numbers = [x for x in seen if x is not None and np.isfinite(x)]
        if len(numbers) == len(seen):
            out[metric.id] = (max(numbers) - min(numbers)) / metric.scale
    return out


def one_at_a_time(
    scenario: Scenario,
    *,
    models: Sequence[str] | None = None,
    runs: int = 256,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> SensitivityResult:
    """Swing every ranged parameter between its low and high, the others at their mode.

    ``models`` are the static models run (default: all that apply). ``runs`` Monte Carlo
    draws with common random numbers (seed ``seed``) estimate P(agreement by the
    horizon) when a dated model is registered (0: at the modes). ``progress`` is called
    with ``(done, total)`` after each parameter.
    """
    if runs < 0:
        raise DetenteError(f"runs must be >= 0, got {runs}")
    names = static_models(scenario, models)
    evaluator = DatedEvaluator(scenario, runs=runs, seed=seed) if dated_model(scenario) else None
    metrics = headline_metrics(scenario, names, with_dated=evaluator is not None)
    params = ranged_parameters(scenario)
    base = static_headline(scenario, names)
    # every swing's scenario first, then the static models on all of them at once
    swung: list[Scenario | DetenteError] = []
    for p in params:
        for value in (p.value.low, p.value.high):
            try:
                swung.append(_set(scenario, p.path, value))
            except DetenteError as exc:
                swung.append(exc)
    valid = [s for s in swung if isinstance(s, Scenario)]
    solved = iter(static_headlines(valid, names))
    headlines = [s if isinstance(s, DetenteError) else next(solved) for s in swung]
    dated: np.ndarray | None = None
    if evaluator is not None:
        settings: list[dict[str, float]] = [{}]
        for p in params:
            settings += [{p.path: p.value.low}, {p.path: p.value.high}]
        dated = evaluator(settings)
        base[P_AGREEMENT] = float(dated[0])
    swings = []
    for index, p in enumerate(params):
        ends: list[dict[str, float | None]] = []
        error = None
        for k in range(2):
            found = headlines[2 * index + k]
            if isinstance(found, DetenteError):
                numbers, error = {}, str(found)
            else:
                numbers = dict(found)
            if dated is not None:
                numbers[P_AGREEMENT] = float(dated[1 + 2 * index + k])
            ends.append(numbers)
        swings.append(Swing(p, ends[0], ends[1], _effects(metrics, base, *ends), error))
        if progress is not None:
            progress(index + 1, len(params))
    return SensitivityResult(
        scenario.title, tuple(metrics), base, tuple(swings), tuple(names), runs, seed
    )


# -- Sobol indices ---------------------------------------------------------------------


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
                problem, column, calc_second_order=False, seed=seed, print_to_console=False
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


def sobol_sensitivity(
    scenario: Scenario,
    *,
    n: int = 64,
    seed: int = 0,
    models: Sequence[str] | None = None,
) -> SobolResult:
    """Sobol indices of the headline numbers over every ranged parameter.

    Static models (default: compromise, median and two-level, the fast ones) run on a
    scenario per sample row (built without re-validation, as in Monte Carlo: crossed
    ``accepts`` bounds collapse to their midpoint); P(agreement by the horizon) is the
    dated model's exact probability given each row's parameters.
    """
    from detente.uncertainty import Draws, ScenarioSampler

    chosen = models or [m for m in SOBOL_DEFAULT_MODELS if m in static_models(scenario)]
    names = static_models(scenario, chosen)
    params = ranged_parameters(scenario)
    model = dated_model(scenario)
    metrics = headline_metrics(scenario, names, with_dated=model is not None)
    sampler = ScenarioSampler(scenario)
    where = {p.key: k for k, p in enumerate(params)}
    order = [where[key] for key in sampler.uncertain]
    units = np.array([params[k].unit for k in order])

    def evaluate(inputs: np.ndarray) -> np.ndarray:
        out = np.full((inputs.shape[0], len(metrics)), np.nan)
        stored = inputs[:, order] / units
        draws = Draws({key: k for k, key in enumerate(sampler.uncertain)}, stored, {})
        rows = [sampler.scenario_at(draws, row) for row in range(inputs.shape[0])]
        for row, numbers in enumerate(static_headlines(rows, names)):
            if isinstance(numbers, DetenteError):
                raise numbers
            for m, metric in enumerate(metrics):
                value = numbers.get(metric.id)
                if value is not None:
                    out[row, m] = value
        if model is not None:
            evaluator = DatedEvaluator(scenario, runs=0, seed=seed, shock_paths=16)
            settings = [
                {p.path: float(v) for p, v in zip(params, values, strict=True)} for values in inputs
            ]
            out[:, -1] = evaluator(settings)
        return out

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


# -- the forecast before and after a change -------------------------------------------


def compare_documents(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Outcomes per issue and model, and the agreement verdict, before and after."""
    rows = []
    for issue_b, issue_a in zip(before["issues"], after["issues"], strict=True):
        for entry_b, entry_a in zip(issue_b["forecasts"], issue_a["forecasts"], strict=True):
            old, new = entry_b["outcome"], entry_a["outcome"]
            row: dict[str, Any] = {
                "issue": issue_b["id"],
                "model": entry_b["model"],
                "before": old,
                "after": new,
                "change": None if old is None or new is None else new - old,
                "anchor_before": (entry_b.get("nearest_anchor") or {}).get("label"),
                "anchor_after": (entry_a.get("nearest_anchor") or {}).get("label"),
            }
            if "p_agreement" in entry_b:
                row["p_agreement"] = [entry_b["p_agreement"], entry_a.get("p_agreement")]
            rows.append(row)
    out: dict[str, Any] = {"outcomes": rows}
    if "agreement" in before:
        old_a, new_a = before["agreement"], after["agreement"]
        out["agreement"] = {
            "possible": [old_a["possible"], new_a["possible"]],
            "changed": old_a["possible"] != new_a["possible"],
            "gaps": {k: [_gap(old_a, k), _gap(new_a, k)] for k in old_a["issues"]},
            "explanation": [old_a["explanation"], new_a["explanation"]],
        }
    return out


def _gap(agreement: dict[str, Any], issue: str) -> float:
    gap = agreement["issues"][issue]["gap"]
    return 0.0 if gap is None else float(gap["size"])
