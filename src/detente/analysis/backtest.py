"""Backtest the models on real negotiations: forecasts against the DEU outcomes.

For every issue of a DEU file (:mod:`detente.io.deu`) with a coded outcome and at least
three actors with a position, every selected model forecasts the outcome from the
positions, saliences and capabilities alone, and the forecast is scored by its absolute
error against the actual outcome on the 0-100 scale, as in Achen (2006), "Evaluating
political decision-making models", ch. 10 of Thomson, Stokman, Achen & Koenig (eds.),
*The European Union Decides*, Cambridge UP.

Per model (one :class:`ModelScore` each, :mod:`detente.analysis.backtest_scores`): mean
absolute error (MAE), median absolute error, share of issues within 10 points, a 95%
interval of the MAE from a bootstrap that resamples *proposals* (``prnr``; issues of one
proposal are not independent), and the paired comparison with the compromise model on
the issues both forecast: the mean of ``|error_model| - |error_compromise|`` (negative:
the model does better) with its proposal-grouped interval, and the share of issues
where the model's error is strictly smaller. The same rows are computed per legislative
procedure (COD, CNS) and per Council voting rule (QMV, unanimity): ``subsets``.

Fitted rows are scored out of sample only. A model fitted to DEU outcomes (the
``procedural`` stack) is refitted in proposal-grouped cross-validation
(:data:`FOLDS` folds, :func:`detente.analysis.stacking.grouped_folds`): each issue is
forecast by a fit that never saw its proposal. Its row says so (``evaluation``); its
in-sample score is never shown.

Baselines, scored like models (``kind="baseline"``):

``baseline:constant``
    The same forecast for every issue of a fold: the median outcome of the other
    folds (grouped CV, the same folds), the "constant forecast" of the DEU literature
    without its in-sample advantage.
``baseline:reference-point``
    The reference point (``rp``): what happens without a decision. Scored only on the
    issues where ``rp`` is coded (the others count as ``no_forecast``).
``baseline:mean``
    The unweighted mean of the positions.

Randomness: forecasts of issue *k* use a generator from the *k*-th child of
``SeedSequence(seed)``; the bootstrap of a row uses ``default_rng([seed, crc32(name)])``
(with the subset in the name for subset rows). Results therefore depend neither on
the order of the models nor on which other models run. Models whose
``requires_agreement`` is true are excluded (DEU issues have no signatories); a model
raising :class:`~detente.errors.ModelError` on an issue has that issue counted as a
failure.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from detente.analysis.backtest_results import (
    IN_SAMPLE,
    NOT_FITTED,
    REFERENCE_MODEL,
    WITHIN,
    BacktestResult,
    IssueResult,
    ModelScore,
    grouped_cv_label,
)
from detente.analysis.backtest_scores import (
    bootstrap_mean_ci,
    grouped_bootstrap_mean_ci,
    score_records,
)
from detente.analysis.stacking import grouped_folds
from detente.analysis.voting_weights import CapabilityFn, capability_function, capability_notes
from detente.errors import DetenteError, ModelError
from detente.io.deu import DeuIssue, MissingSalience, read_deu
from detente.models import Model, available_models, get_model
from detente.scenario import Scenario

if TYPE_CHECKING:
    from detente.executors import Executor

__all__ = [
    "BASELINES",
    "FOLDS",
    "IN_SAMPLE",
    "MIN_ACTORS",
    "NOT_FITTED",
    "REFERENCE_MODEL",
    "SUBSET_FIELDS",
    "WITHIN",
    "BacktestResult",
    "IssueResult",
    "ModelScore",
    "backtest_issues",
    "bootstrap_mean_ci",
    "grouped_bootstrap_mean_ci",
    "run_deu_backtest",
]

MIN_ACTORS = 3
FOLDS = 10
"""Folds of the proposal-grouped cross-validation of fitted rows (fewer when the file
has fewer proposals)."""
BASELINES = ("baseline:constant", "baseline:reference-point", "baseline:mean")
SUBSET_FIELDS = ("procedure", "voting_rule")
"""The DEU fields the rows are broken down by: ``proc`` and ``counvte``."""
SKIP_NO_OUTCOME = "no_outcome"
SKIP_FEW_ACTORS = "fewer_than_3_actors"
NOT_CODED = "not coded"

Forecasts = list[tuple[float | None, str | None]]
CrossValidator = Callable[
    [Sequence[DeuIssue], Mapping[str, int]], dict[str, tuple[float | None, str | None]]
]


def _procedural_cv(
    issues: Sequence[DeuIssue], folds: Mapping[str, int]
) -> dict[str, tuple[float | None, str | None]]:
    from detente.analysis.procedural_fit import cross_validated_forecasts

    return cross_validated_forecasts(issues, folds)


_CROSS_VALIDATORS: dict[str, CrossValidator] = {"procedural": _procedural_cv}
"""How each fitted model is refitted out of sample on DEU issues (a model with
``fitted = True`` and no entry here is excluded rather than scored in-sample)."""


def _select_models(
    models: Sequence[str] | None,
) -> tuple[list[Model], list[str], dict[str, str]]:
    """(models forecast as they are, fitted models scored by CV, excluded with why)."""
    names = list(dict.fromkeys(available_models() if models is None else models))
    if REFERENCE_MODEL not in names:
        names.insert(0, REFERENCE_MODEL)
    chosen: list[Model] = []
    fitted: list[str] = []
    excluded: dict[str, str] = {}
    for name in names:
        model = get_model(name)
        if model.requires_agreement:
            excluded[name] = "requires an agreement with signatories; DEU issues have none"
        elif getattr(model, "fitted", False):
            if name in _CROSS_VALIDATORS:
                fitted.append(name)
            else:
                excluded[name] = "fitted to outcomes, and no out-of-sample scorer is defined"
        else:
            chosen.append(model)
    asked = [] if models is None else list(dict.fromkeys(models))
    if asked and all(name in excluded for name in asked):
        reasons = "; ".join(f"{name}: {excluded[name]}" for name in asked)
        raise DetenteError(f"none of the models asked for can be scored on DEU ({reasons})")
    return chosen, fitted, excluded


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


def _batched(model: Model, items: Sequence[_Scored]) -> Forecasts | None:
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


def _fold_map(items: Sequence[_Scored]) -> tuple[dict[str, int], int]:
    """Each scored issue's proposal-grouped fold, and the number of folds (0: too few
    proposals for a cross-validation)."""
    proposals = [item.issue.prnr for item in items]
    n_folds = min(FOLDS, len(set(proposals)))
    if n_folds < 2:
        return {}, 0
    folds = grouped_folds(proposals, n_folds)
    return {item.issue.isnr: int(f) for item, f in zip(items, folds, strict=True)}, n_folds


def _constant_cv(items: Sequence[_Scored], folds: Mapping[str, int]) -> list[float | None]:
    """The median outcome of the other folds, for each issue (``None`` without folds)."""
    if not folds:
        return [None] * len(items)
    outcomes = np.array([item.outcome for item in items], dtype=float)
    fold_of = np.array([folds[item.issue.isnr] for item in items])
    medians = {int(f): float(np.median(outcomes[fold_of != f])) for f in np.unique(fold_of)}
    return [medians[int(f)] for f in fold_of]


def _baseline_forecasts(
    items: Sequence[_Scored], folds: Mapping[str, int]
) -> dict[str, list[float | None]]:
    return {
        "baseline:constant": _constant_cv(items, folds),
        "baseline:reference-point": [item.issue.reference_point for item in items],
        "baseline:mean": [float(np.mean(list(item.issue.positions.values()))) for item in items],
    }


def _subset_value(issue: DeuIssue, field_name: str) -> str:
    if field_name == "procedure":
        return issue.procedure if issue.procedure in ("COD", "CNS") else NOT_CODED
    from detente.analysis.procedural_fit import voting_rule_of

    return voting_rule_of(issue) or NOT_CODED


def _records(
    name: str, items: Sequence[_Scored], found: Sequence[tuple[float | None, str | None]]
) -> list[IssueResult]:
    return [
        IssueResult(
            item.issue.isnr,
            name,
            item.outcome,
            value,
            None if value is None else abs(value - item.outcome),
            failure,
        )
        for item, (value, failure) in zip(items, found, strict=True)
    ]


def _rows(
    records: Mapping[str, Sequence[IssueResult]],
    kinds: Mapping[str, str],
    evaluations: Mapping[str, str],
    groups: Mapping[str, str],
    keep: Callable[[str], bool],
    *,
    seed: int,
    bootstrap: int,
    stream: str = "",
) -> tuple[ModelScore, ...]:
    """One row per model over the issues ``keep`` accepts."""
    chosen = {name: [r for r in recs if keep(r.isnr)] for name, recs in records.items()}
    reference = {r.isnr: r.abs_error for r in chosen[REFERENCE_MODEL] if r.abs_error is not None}
    return tuple(
        score_records(
            name,
            kinds[name],
            recs,
            None if name == REFERENCE_MODEL else reference,
            groups,
            seed=seed,
            bootstrap=bootstrap,
            evaluation=evaluations[name],
            stream=stream,
        )
        for name, recs in chosen.items()
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
        :attr:`BacktestResult.excluded_models`; fitted models are scored by
        proposal-grouped cross-validation only.
    seed:
        Seed of the models' generators and of the bootstrap.
    bootstrap:
        Number of bootstrap resamples (>= 1), each a resample of proposals.
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
        on the executor. The cross-validation of fitted rows and the bootstrap run here.
    """
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int) or bootstrap < 1:
        raise DetenteError(f"bootstrap must be a positive number of resamples, got {bootstrap!r}")
    chosen, fitted, excluded = _select_models(models)
    scored, skipped = _eligible(issues)
    folds, n_folds = _fold_map(scored)
    children = np.random.SeedSequence(seed).spawn(len(scored))
    found: dict[str, Forecasts] = {model.name: [] for model in chosen}
    from detente.executors import SerialExecutor, run_ordered, split_evenly, task_count

    where = executor or SerialExecutor()
    names = tuple(model.name for model in chosen)
    batches = [
        _IssueBatch(names, tuple(scored[k] for k in part), tuple(children[k] for k in part))
        for part in split_evenly(range(len(scored)), task_count(where))
    ]
    done = 0

    def collect(batch: _IssueBatch, rows: list[list[tuple[float | None, str | None]]]) -> None:
        nonlocal done
        for row in rows:
            for name, pair in zip(names, row, strict=True):
                found[name].append(pair)
        done += len(batch.items)
        if progress is not None:
            progress(done, len(scored))

    if progress is not None:
        progress(0, len(scored))
    run_ordered(where, _forecast_batch, batches, collect)
    records = {name: _records(name, scored, values) for name, values in found.items()}
    kinds = dict.fromkeys(records, "model")
    evaluations = dict.fromkeys(records, NOT_FITTED)
    cv_label = grouped_cv_label(n_folds)
    for name in fitted:
        issues_scored = [item.issue for item in scored]
        by_issue = _CROSS_VALIDATORS[name](issues_scored, folds) if folds else {}
        why = "fewer than 2 proposals: no out-of-sample score"
        records[name] = _records(
            name, scored, [by_issue.get(item.issue.isnr, (None, why)) for item in scored]
        )
        kinds[name], evaluations[name] = "model", cv_label
    if baselines:
        for name, points in _baseline_forecasts(scored, folds).items():
            kinds[name] = "baseline"
            evaluations[name] = cv_label if name == "baseline:constant" else NOT_FITTED
            no_cv = name == "baseline:constant" and not folds
            records[name] = _records(
                name,
                scored,
                [(v, "fewer than 2 proposals" if no_cv else None) for v in points],
            )
    groups = {item.issue.isnr: item.issue.prnr for item in scored}
    rows = _rows(
        records, kinds, evaluations, groups, lambda _: True, seed=seed, bootstrap=bootstrap
    )
    subsets: dict[str, dict[str, tuple[ModelScore, ...]]] = {}
    for field_name in SUBSET_FIELDS:
        value_of = {item.issue.isnr: _subset_value(item.issue, field_name) for item in scored}
        subsets[field_name] = {
            value: _rows(
                records,
                kinds,
                evaluations,
                groups,
                lambda isnr, v=value, of=value_of: of[isnr] == v,  # type: ignore[misc]
                seed=seed,
                bootstrap=bootstrap,
                stream=f"{field_name}={value}",
            )
            for value in sorted(set(value_of.values()))
        }
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
        subsets=subsets,
        folds=n_folds,
        n_proposals=len(set(groups.values())),
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
    label += "".join(f" [{n}]" for n in capability_notes(capabilities, [i.intro for i in issues]))
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
