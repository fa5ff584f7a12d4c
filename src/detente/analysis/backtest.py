"""Backtest the models on real negotiations: forecasts against the DEU outcomes.

For every issue of a DEU file (:mod:`detente.io.deu`) with a coded outcome and at least
three actors with a position, every selected model forecasts the outcome from the
positions, saliences and capabilities alone, and the forecast is scored by its absolute
error against the actual outcome on the 0-100 scale, as in Achen (2006), "Evaluating
political decision-making models", ch. 10 of Thomson, Stokman, Achen & Koenig (eds.),
*The European Union Decides*, Cambridge UP.

Per model (one :class:`ModelScore` each): mean absolute error (MAE), median absolute
error, share of issues within 10 points (absolute error <= 10), a percentile bootstrap
95% interval of the MAE (issues resampled with replacement), and the paired comparison
with the compromise model on the issues both forecast: the mean of
``|error_model| - |error_compromise|`` (negative: the model does better) with its
bootstrap 95% interval, and the share of issues where the model's error is strictly
smaller.

Baselines, scored like models (``kind="baseline"``):

``baseline:constant``
    The same forecast for every issue: the median outcome of the scored issues. It
    uses the outcomes it is scored on (in-sample), so it flatters itself slightly; it is
    the "constant forecast" of the DEU literature.
``baseline:reference-point``
    The reference point (``rp``): what happens without a decision. Scored only on the
    issues where ``rp`` is coded (the others count as ``no_forecast``).
``baseline:mean``
    The unweighted mean of the positions.

Randomness: forecasts of issue *k* use a generator from the *k*-th child of
``SeedSequence(seed)``; the bootstrap of a row uses ``default_rng([seed, crc32(name)])``.
Results therefore depend neither on the order of the models nor on which other models
run. Models whose ``requires_agreement`` is true are excluded (DEU issues have no
signatories); a model raising :class:`~detente.errors.ModelError` on an issue has that
issue counted as a failure.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.analysis.voting_weights import CapabilityFn, capability_function
from detente.errors import DetenteError, ModelError
from detente.io.deu import DeuIssue, MissingSalience, read_deu
from detente.models import Model, available_models, get_model
from detente.scenario import Scenario

if TYPE_CHECKING:
    from detente.executors import Executor

__all__ = [
    "BASELINES",
    "MIN_ACTORS",
    "REFERENCE_MODEL",
    "WITHIN",
    "BacktestResult",
    "IssueResult",
    "ModelScore",
    "backtest_issues",
    "bootstrap_mean_ci",
    "run_deu_backtest",
]

REFERENCE_MODEL = "compromise"
WITHIN = 10.0
"""Points on the 0-100 scale within which a forecast counts as close."""
MIN_ACTORS = 3
BASELINES = ("baseline:constant", "baseline:reference-point", "baseline:mean")
SKIP_NO_OUTCOME = "no_outcome"
SKIP_FEW_ACTORS = "fewer_than_3_actors"
_TOL = 1e-9

Interval = tuple[float, float]


@dataclass(frozen=True)
class IssueResult:
    """One model's forecast on one scored issue (a tidy record)."""

    isnr: str
    model: str
    outcome: float
    forecast: float | None
    abs_error: float | None
    failure: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "issue": self.isnr,
            "model": self.model,
            "outcome": self.outcome,
            "forecast": self.forecast,
            "abs_error": self.abs_error,
            "failure": self.failure,
        }


@dataclass(frozen=True)
class ModelScore:
    """Accuracy of one model (or baseline) over the scored issues.

    ``n`` issues were forecast; ``failures`` raised :class:`ModelError`;
    ``no_forecast`` gave no outcome (no settlement predicted and no status quo, or a
    reference-point baseline on an issue without ``rp``). Accuracy fields are ``None``
    when ``n`` is 0; the comparison fields are ``None`` for the compromise model itself
    and when no issue is shared with it.
    """

    model: str
    kind: str
    n: int
    failures: int
    no_forecast: int
    mae: float | None
    median_ae: float | None
    within_10: float | None
    mae_ci95: Interval | None
    n_paired: int = 0
    diff_vs_compromise: float | None = None
    diff_ci95: Interval | None = None
    beats_compromise: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "kind": self.kind,
            "mae": self.mae,
            "median_ae": self.median_ae,
            "within_10": self.within_10,
            "mae_ci95": None if self.mae_ci95 is None else list(self.mae_ci95),
            "n": self.n,
            "failures": self.failures,
            "no_forecast": self.no_forecast,
            "n_paired": self.n_paired,
            "diff_vs_compromise": self.diff_vs_compromise,
            "diff_ci95": None if self.diff_ci95 is None else list(self.diff_ci95),
            "beats_compromise": self.beats_compromise,
        }


@dataclass(frozen=True)
class BacktestResult:
    """Everything a backtest produced: one row per model, skip counts, tidy forecasts."""

    dataset: str
    capabilities: str
    seed: int
    bootstrap: int
    n_issues: int
    scored: int
    skipped: Mapping[str, int]
    rows: tuple[ModelScore, ...]
    excluded_models: Mapping[str, str] = field(default_factory=dict)
    issues: tuple[IssueResult, ...] = ()

    def row(self, model: str) -> ModelScore:
        """The row of ``model`` (raises ``KeyError`` when it did not run)."""
        for row in self.rows:
            if row.model == model:
                return row
        raise KeyError(model)

    def to_dict(self, *, include_issues: bool = False) -> dict[str, Any]:
        """JSON-ready summary; ``include_issues`` adds every per-issue forecast."""
        out: dict[str, Any] = {
            "dataset": self.dataset,
            "capabilities": self.capabilities,
            "seed": self.seed,
            "bootstrap": self.bootstrap,
            "issues": self.n_issues,
            "scored": self.scored,
            "skipped": dict(self.skipped),
            "reference_model": REFERENCE_MODEL,
            "excluded_models": dict(self.excluded_models),
            "models": [row.to_dict() for row in self.rows],
        }
        if include_issues:
            out["forecasts"] = [item.to_dict() for item in self.issues]
        return out


def bootstrap_mean_ci(
    values: np.ndarray, *, rng: np.random.Generator, n_resamples: int, level: float = 0.95
) -> Interval:
    """Percentile bootstrap interval of the mean of ``values`` (Efron & Tibshirani 1993).

    All ``n_resamples`` resamples are drawn at once as an index matrix.
    """
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        raise ValueError("cannot bootstrap an empty sample")
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be >= 1, got {n_resamples}")
    index = rng.integers(0, values.size, size=(n_resamples, values.size))
    means = values[index].mean(axis=1)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return float(low), float(high)


def _row_rng(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])


def _select_models(models: Sequence[str] | None) -> tuple[list[Model], dict[str, str]]:
    names = list(dict.fromkeys(available_models() if models is None else models))
    if REFERENCE_MODEL not in names:
        names.insert(0, REFERENCE_MODEL)
    chosen: list[Model] = []
    excluded: dict[str, str] = {}
    for name in names:
        model = get_model(name)
        if model.requires_agreement:
            excluded[name] = "requires an agreement with signatories; DEU issues have none"
        else:
            chosen.append(model)
    return chosen, excluded


@dataclass(frozen=True)
class _Scored:
    """An issue that is scored: its record, scenario and outcome (both known)."""

    issue: DeuIssue
    scenario: Scenario
    outcome: float


def _eligible(issues: Sequence[DeuIssue]) -> tuple[list[_Scored], dict[str, int]]:
    skipped = {SKIP_NO_OUTCOME: 0, SKIP_FEW_ACTORS: 0}
    keep: list[_Scored] = []
    for issue in issues:
        if issue.outcome is None:
            skipped[SKIP_NO_OUTCOME] += 1
        elif issue.n_actors < MIN_ACTORS or issue.scenario is None:
            skipped[SKIP_FEW_ACTORS] += 1
        else:
            keep.append(_Scored(issue, issue.scenario, float(issue.outcome)))
    return keep, skipped


def _forecast(
    model: Model, item: _Scored, rng: np.random.Generator
) -> tuple[float | None, str | None]:
    """(forecast, failure message) of ``model`` on one issue."""
    try:
        forecast = model.forecast(item.scenario, rng=rng)
    except ModelError as exc:
        return None, f"ModelError: {exc}"
    value = forecast.outcome(item.issue.isnr)
    return (None, None) if value is None else (float(value), None)


def _batched(
    model: Model, items: Sequence[_Scored]
) -> list[tuple[float | None, str | None]] | None:
    """(forecast, failure) of every issue at once, for a model that solves many issues
    together (``predict_issues``: the expected-utility model's batched kernel, issues
    of the same size in one batch); ``None`` for the other models."""
    solve = getattr(model, "predict_issues", None)
    if solve is None:
        return None
    found = solve([item.scenario.issue_data(item.issue.isnr) for item in items])
    return [
        (None, f"ModelError: {value}") if isinstance(value, ModelError) else (value, None)
        for value in found
    ]


@dataclass(frozen=True)
class _IssueBatch:
    """One task: every model on a run of consecutive issues, each with its own seed."""

    models: tuple[str, ...]
    items: tuple[_Scored, ...]
    seeds: tuple[np.random.SeedSequence, ...]


def _forecast_batch(batch: _IssueBatch) -> list[list[tuple[float | None, str | None]]]:
    """Per issue of ``batch``, per model: (forecast, failure message) (in a worker)."""
    models = [get_model(name) for name in batch.models]
    batched = [_batched(model, batch.items) for model in models]
    return [
        [
            _forecast(model, item, np.random.default_rng(seed)) if found is None else found[k]
            for model, found in zip(models, batched, strict=True)
        ]
        for k, (item, seed) in enumerate(zip(batch.items, batch.seeds, strict=True))
    ]


def _baseline_forecasts(items: Sequence[_Scored]) -> dict[str, list[float | None]]:
    outcomes = np.array([item.outcome for item in items], dtype=float)
    constant = float(np.median(outcomes)) if outcomes.size else 0.0
    return {
        "baseline:constant": [constant] * len(items),
        "baseline:reference-point": [item.issue.reference_point for item in items],
        "baseline:mean": [float(np.mean(list(item.issue.positions.values()))) for item in items],
    }


def _score(
    name: str,
    kind: str,
    records: Sequence[IssueResult],
    reference: Mapping[str, float] | None,
    *,
    seed: int,
    bootstrap: int,
) -> ModelScore:
    errors_by_issue = {r.isnr: r.abs_error for r in records if r.abs_error is not None}
    failures = sum(1 for r in records if r.failure is not None)
    no_forecast = sum(1 for r in records if r.abs_error is None and r.failure is None)
    errors = np.fromiter(errors_by_issue.values(), dtype=float, count=len(errors_by_issue))
    if errors.size == 0:
        return ModelScore(name, kind, 0, failures, no_forecast, None, None, None, None)
    rng = _row_rng(seed, name)
    mae_ci = bootstrap_mean_ci(errors, rng=rng, n_resamples=bootstrap)
    score = ModelScore(
        name,
        kind,
        int(errors.size),
        failures,
        no_forecast,
        float(errors.mean()),
        float(np.median(errors)),
        float(np.mean(errors <= WITHIN + _TOL)),
        mae_ci,
    )
    if reference is None:
        return score
    shared = [isnr for isnr in errors_by_issue if isnr in reference]
    if not shared:
        return score
    mine = np.array([errors_by_issue[isnr] for isnr in shared])
    theirs = np.array([reference[isnr] for isnr in shared])
    diff = mine - theirs
    return replace(
        score,
        n_paired=len(shared),
        diff_vs_compromise=float(diff.mean()),
        diff_ci95=bootstrap_mean_ci(diff, rng=rng, n_resamples=bootstrap),
        beats_compromise=float(np.mean(mine < theirs - _TOL)),
    )


def backtest_issues(
    issues: Sequence[DeuIssue],
    *,
    models: Sequence[str] | None = None,
    seed: int = 0,
    bootstrap: int = 2000,
    baselines: bool = True,
    dataset: str = "",
    capabilities: str = "",
    progress: Callable[[int, int], None] | None = None,
    executor: Executor | None = None,
) -> BacktestResult:
    """Score models (and baselines) on already-loaded DEU issues.

    Parameters
    ----------
    issues:
        From :func:`detente.io.deu.read_deu`; their scenarios carry the capabilities.
    models:
        Registered model names; ``None`` runs every registered model. The compromise
        model always runs, as the reference of the paired comparison. Models that
        require an agreement are excluded and listed in
        :attr:`BacktestResult.excluded_models`.
    seed:
        Seed of the models' generators and of the bootstrap.
    bootstrap:
        Number of bootstrap resamples (>= 1).
    baselines:
        Add the rows of :data:`BASELINES`.
    dataset, capabilities:
        Labels stored in the result.
    progress:
        Called as ``progress(done, total)`` as issues are scored (for a progress bar).
    executor:
        Where the forecasts run, in a few tasks of consecutive issues
        (:mod:`detente.executors`; default: serially here). Issue *k*'s generator is
        the *k*-th seed child whichever task holds it, so the result does not depend
        on the executor.
    """
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int) or bootstrap < 1:
        raise DetenteError(f"bootstrap must be a positive number of resamples, got {bootstrap!r}")
    chosen, excluded = _select_models(models)
    scored, skipped = _eligible(issues)
    children = np.random.SeedSequence(seed).spawn(len(scored))
    records: dict[str, list[IssueResult]] = {model.name: [] for model in chosen}
    from detente.executors import SerialExecutor, run_ordered, split_evenly, task_count

    where = executor or SerialExecutor()
    names = tuple(model.name for model in chosen)
    batches = [
        _IssueBatch(names, tuple(scored[k] for k in part), tuple(children[k] for k in part))
        for part in split_evenly(range(len(scored)), task_count(where))
    ]
    done = 0

    def fold(batch: _IssueBatch, found: list[list[tuple[float | None, str | None]]]) -> None:
        nonlocal done
        for item, row in zip(batch.items, found, strict=True):
            for name, (value, failure) in zip(names, row, strict=True):
                error = None if value is None else abs(value - item.outcome)
                records[name].append(
                    IssueResult(item.issue.isnr, name, item.outcome, value, error, failure)
                )
        done += len(batch.items)
        if progress is not None:
            progress(done, len(scored))

    if progress is not None:
        progress(0, len(scored))
    run_ordered(where, _forecast_batch, batches, fold)
    kinds = dict.fromkeys(records, "model")
    if baselines:
        for name, values in _baseline_forecasts(scored).items():
            kinds[name] = "baseline"
            records[name] = [
                IssueResult(
                    item.issue.isnr,
                    name,
                    item.outcome,
                    value,
                    None if value is None else abs(value - item.outcome),
                )
                for item, value in zip(scored, values, strict=True)
            ]
    reference = {r.isnr: r.abs_error for r in records[REFERENCE_MODEL] if r.abs_error is not None}
    rows = tuple(
        _score(
            name,
            kinds[name],
            recs,
            None if name == REFERENCE_MODEL else reference,
            seed=seed,
            bootstrap=bootstrap,
        )
        for name, recs in records.items()
    )
    return BacktestResult(
        dataset=dataset,
        capabilities=capabilities,
        seed=seed,
        bootstrap=bootstrap,
        n_issues=len(issues),
        scored=len(scored),
        skipped=skipped,
        rows=rows,
        excluded_models=excluded,
        issues=tuple(item for recs in records.values() for item in recs),
    )


def run_deu_backtest(
    path: str | os.PathLike[str],
    *,
    models: Sequence[str] | None = None,
    capabilities: str | CapabilityFn = "council",
    seed: int = 0,
    bootstrap: int = 2000,
    institution_weight: float = 1.0,
    missing_salience: MissingSalience = "mean",
    baselines: bool = True,
    progress: Callable[[int, int], None] | None = None,
    executor: Executor | None = None,
) -> BacktestResult:
    """Read a DEU TSV file and backtest the models on it.

    Parameters
    ----------
    path:
        A DEU-format TSV file (see :mod:`detente.io.deu`).
    models:
        Model names; ``None`` runs every registered model (see :func:`backtest_issues`).
    capabilities:
        ``"council"`` (Council QMV weights at the proposal's introduction date),
        ``"equal"``, or a function ``f(date, actor_codes) -> {code: capability}``; see
        :mod:`detente.analysis.voting_weights`.
    seed, bootstrap:
        Seed and number of bootstrap resamples.
    institution_weight:
        Weight of the Commission and the Parliament as a multiple of the mean member-
        state weight (1 by default).
    missing_salience:
        Handling of a position without a salience (see :func:`detente.io.deu.read_deu`).
    baselines:
        Add the baseline rows.
    progress:
        Called as ``progress(done, total)`` as issues are scored.
    executor:
        Where the forecasts run (see :func:`backtest_issues`).

    Raises
    ------
    ScenarioError
        For a malformed file.
    DetenteError
        For an unknown model or capabilities option.
    """
    weights = capability_function(capabilities, institution_weight=institution_weight)
    label = capabilities if isinstance(capabilities, str) else "custom"
    if isinstance(capabilities, str) and institution_weight != 1.0:
        label += f" (institution_weight={institution_weight:g})"
    issues = read_deu(path, capabilities=weights, missing_salience=missing_salience)
    return backtest_issues(
        issues,
        models=models,
        seed=seed,
        bootstrap=bootstrap,
        baselines=baselines,
        dataset=Path(path).name,
        capabilities=label,
        progress=progress,
        executor=executor,
    )
