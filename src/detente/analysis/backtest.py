"""Backtest the models on real negotiations: forecasts against the DEU outcomes.

For every issue of a DEU file (:mod:`detente.io.deu`) with a coded outcome and at least
three actors with a position, every selected model forecasts the outcome from the
positions, saliences and capabilities alone, and the forecast is scored by its absolute
error against the actual outcome on the 0-100 scale, as in Achen (2006), "Evaluating
political decision-making models", ch. 10 of Thomson, Stokman, Achen & Koenig (eds.),
*The European Union Decides*, Cambridge UP. Single-issue models forecast each issue as
its own scenario; the multi-issue models (exchange, smp) forecast one scenario per
proposal and are scored on each of its issues (:mod:`detente.analysis.backtest_models`,
:mod:`detente.analysis.deu_proposals`, :mod:`detente.analysis.backtest_forecasts`).

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

Baselines (:mod:`detente.analysis.backtest_baselines`) are scored like models
(``kind="baseline"``); the reference-point baseline only where ``rp`` is coded (the
others count as ``no_forecast``).

Randomness: forecasts of issue *k* use a generator from the *k*-th child of
``SeedSequence(seed)`` (a proposal's, from that of its first scored issue); the
bootstrap of a row uses ``default_rng([seed, crc32(name)])`` (with the subset in the
name for subset rows). Results therefore depend neither on the order of the models nor
on which other models run. Models whose
``requires_agreement`` is true are excluded (DEU issues have no signatories); a model
raising :class:`~detente.errors.ModelError` on an issue has that issue counted as a
failure.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from detente.analysis.backtest_baselines import BASELINES, FOLDS, baseline_forecasts, fold_map
from detente.analysis.backtest_forecasts import MIN_ACTORS, eligible, run_forecasts
from detente.analysis.backtest_models import CROSS_VALIDATORS, PER_PROPOSAL, select_models
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
    issue_records,
    score_rows,
)
from detente.analysis.voting_weights import CapabilityFn, capability_function, capability_notes
from detente.errors import DetenteError
from detente.io.deu import DeuIssue, MissingSalience, read_deu

if TYPE_CHECKING:
    from detente.executors import Executor

__all__ = [
    "BASELINES",
    "FOLDS",
    "IN_SAMPLE",
    "MIN_ACTORS",
    "NOT_FITTED",
    "PER_PROPOSAL",
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

SUBSET_FIELDS = ("procedure", "voting_rule")
"""The DEU fields the rows are broken down by: ``proc`` and ``counvte``."""
NOT_CODED = "not coded"


def _subset_value(issue: DeuIssue, field_name: str) -> str:
    if field_name == "procedure":
        return issue.procedure if issue.procedure in ("COD", "CNS") else NOT_CODED
    from detente.analysis.procedural_fit import voting_rule_of

    return voting_rule_of(issue) or NOT_CODED


def backtest_issues(
    issues: Sequence[DeuIssue],
    *,
    models: Sequence[str] | None = None,
    per_issue: Sequence[str] = (),
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
        proposal-grouped cross-validation only; the models of :data:`PER_PROPOSAL`
        forecast one scenario per proposal
        (:func:`detente.analysis.deu_proposals.proposal_scenario`), scored on each of
        its issues.
    per_issue:
        Models of :data:`PER_PROPOSAL` to score issue by issue instead (to compare).
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
        Where the forecasts run, in a few tasks of consecutive proposals
        (:mod:`detente.executors`; default: serially here). Issue *k*'s generator is
        the *k*-th seed child whichever task holds it, so the result does not depend
        on the executor. The cross-validation of fitted rows and the bootstrap run here.

    Raises
    ------
    DetenteError
        For a bad ``bootstrap``, an unknown model, only excluded models, a bad
        ``per_issue`` name.
    """
    if isinstance(bootstrap, bool) or not isinstance(bootstrap, int) or bootstrap < 1:
        raise DetenteError(f"bootstrap must be a positive number of resamples, got {bootstrap!r}")
    chosen = select_models(models, per_issue)
    scored, skipped = eligible(issues)
    folds, n_folds = fold_map(scored)
    found = run_forecasts(
        scored,
        issues,
        per_issue=chosen.per_issue,
        per_proposal=chosen.per_proposal,
        seed=seed,
        executor=executor,
        progress=progress,
    )
    outcomes = [(item.issue.isnr, item.outcome) for item in scored]
    records = {name: issue_records(name, outcomes, found[name]) for name in chosen.forecast}
    kinds = dict.fromkeys(records, "model")
    evaluations = dict.fromkeys(records, NOT_FITTED)
    cv_label = grouped_cv_label(n_folds)
    for name in chosen.fitted:
        issues_scored = [item.issue for item in scored]
        by_issue = CROSS_VALIDATORS[name](issues_scored, folds) if folds else {}
        why = "fewer than 2 proposals: no out-of-sample score"
        records[name] = issue_records(
            name, outcomes, [by_issue.get(isnr, (None, why)) for isnr, _ in outcomes]
        )
        kinds[name], evaluations[name] = "model", cv_label
    if baselines:
        for name, points in baseline_forecasts(scored, folds).items():
            kinds[name] = "baseline"
            evaluations[name] = cv_label if name == "baseline:constant" else NOT_FITTED
            no_cv = name == "baseline:constant" and not folds
            records[name] = issue_records(
                name,
                outcomes,
                [(v, "fewer than 2 proposals" if no_cv else None) for v in points],
            )
    groups = {item.issue.isnr: item.issue.prnr for item in scored}
    rows = score_rows(
        records, kinds, evaluations, groups, lambda _: True, seed=seed, bootstrap=bootstrap
    )
    subsets: dict[str, dict[str, tuple[ModelScore, ...]]] = {}
    for field_name in SUBSET_FIELDS:
        value_of = {item.issue.isnr: _subset_value(item.issue, field_name) for item in scored}
        subsets[field_name] = {
            value: score_rows(
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
        excluded_models=chosen.excluded,
        per_proposal=chosen.per_proposal,
        issues=tuple(item for recs in records.values() for item in recs),
        subsets=subsets,
        folds=n_folds,
        n_proposals=len(set(groups.values())),
    )


def run_deu_backtest(
    path: str | os.PathLike[str],
    *,
    models: Sequence[str] | None = None,
    per_issue: Sequence[str] = (),
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
    per_issue:
        Models scored per proposal by default to score issue by issue instead.
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
        per_issue=per_issue,
        seed=seed,
        bootstrap=bootstrap,
        baselines=baselines,
        dataset=Path(path).name,
        capabilities=label,
        progress=progress,
        executor=executor,
    )
