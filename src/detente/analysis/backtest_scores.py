"""Scores of a DEU backtest: MAE, proposal-grouped bootstrap intervals, paired differences.

Issues of one proposal share actors, context and often the outcome's logic, so they
are not independent draws. The intervals here resample *proposals* with replacement
(a cluster bootstrap: Davison & Hinkley 1997, *Bootstrap Methods and their
Application*, section 3.8; Cameron, Gelbach & Miller 2008, "Bootstrap-based
improvements for inference with clustered errors", REStat 90(3)): a resample draws as
many proposals as there are, and its MAE is the mean over all issues of the drawn
proposals (a ratio of sums, since proposals hold different numbers of issues). The
95% interval is the percentile interval (Efron & Tibshirani 1993). All resamples are
drawn at once as an index matrix.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import numpy as np

from detente.analysis.backtest_results import (
    NOT_FITTED,
    REFERENCE_MODEL,
    WITHIN,
    Interval,
    IssueResult,
    ModelScore,
)

__all__ = [
    "bootstrap_mean_ci",
    "grouped_bootstrap_mean_ci",
    "issue_records",
    "row_rng",
    "score_records",
    "score_rows",
]

_TOL = 1e-9


def bootstrap_mean_ci(
    values: np.ndarray, *, rng: np.random.Generator, n_resamples: int, level: float = 0.95
) -> Interval:
    """Percentile bootstrap interval of the mean of ``values`` (Efron & Tibshirani 1993),
    every value its own unit (:func:`grouped_bootstrap_mean_ci` with one group each)."""
    values = np.asarray(values, dtype=float)
    return grouped_bootstrap_mean_ci(
        values, np.arange(values.size), rng=rng, n_resamples=n_resamples, level=level
    )


def grouped_bootstrap_mean_ci(
    values: np.ndarray,
    groups: Sequence[str] | np.ndarray,
    *,
    rng: np.random.Generator,
    n_resamples: int,
    level: float = 0.95,
) -> Interval:
    """Percentile interval of the mean of ``values`` resampling whole groups.

    Parameters
    ----------
    values:
        ``(n,)`` per-issue numbers (absolute errors, or paired differences).
    groups:
        ``(n,)`` the proposal of each issue.
    rng, n_resamples, level:
        The generator, the number of resamples (>= 1) and the interval's level.

    Raises
    ------
    ValueError
        For an empty sample, lengths that differ, or ``n_resamples < 1``.
    """
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        raise ValueError("cannot bootstrap an empty sample")
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be >= 1, got {n_resamples}")
    labels = np.asarray(groups)
    if labels.shape != values.shape:
        raise ValueError(f"values {values.shape} and groups {labels.shape} differ in shape")
    _, inverse = np.unique(labels, return_inverse=True)
    sums = np.bincount(inverse, weights=values)
    counts = np.bincount(inverse).astype(float)
    index = rng.integers(0, sums.size, size=(n_resamples, sums.size))
    means = sums[index].sum(axis=1) / counts[index].sum(axis=1)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return float(low), float(high)


def row_rng(seed: int, name: str) -> np.random.Generator:
    """The bootstrap generator of one row: ``default_rng([seed, crc32(name)])``, so a row
    does not depend on which other rows are computed or in what order."""
    return np.random.default_rng([seed, zlib.crc32(name.encode("utf-8"))])


def score_records(
    name: str,
    kind: str,
    records: Sequence[IssueResult],
    reference: Mapping[str, float] | None,
    groups: Mapping[str, str],
    *,
    seed: int,
    bootstrap: int,
    evaluation: str = NOT_FITTED,
    stream: str = "",
) -> ModelScore:
    """One row of the backtest from a model's per-issue records.

    ``reference`` maps issues to the compromise model's absolute error (``None`` for the
    compromise row itself); ``groups`` maps issues to their proposal; ``stream`` names
    the subset, so each subset's bootstrap has its own generator.
    """
    errors_by_issue = {r.isnr: r.abs_error for r in records if r.abs_error is not None}
    failures = sum(1 for r in records if r.failure is not None)
    no_forecast = sum(1 for r in records if r.abs_error is None and r.failure is None)
    if not errors_by_issue:
        return ModelScore(
            name, kind, 0, failures, no_forecast, None, None, None, None, evaluation=evaluation
        )
    issues = list(errors_by_issue)
    errors = np.array([errors_by_issue[i] for i in issues], dtype=float)
    proposals = np.array([groups[i] for i in issues])
    rng = row_rng(seed, name if not stream else f"{name}|{stream}")
    score = ModelScore(
        name,
        kind,
        int(errors.size),
        failures,
        no_forecast,
        float(errors.mean()),
        float(np.median(errors)),
        float(np.mean(errors <= WITHIN + _TOL)),
        grouped_bootstrap_mean_ci(errors, proposals, rng=rng, n_resamples=bootstrap),
        evaluation=evaluation,
        n_proposals=int(np.unique(proposals).size),
    )
    if reference is None:
        return score
    shared = [i for i in issues if i in reference]
    if not shared:
        return score
    mine = np.array([errors_by_issue[i] for i in shared])
    theirs = np.array([reference[i] for i in shared])
    diff = mine - theirs
    return replace(
        score,
        n_paired=len(shared),
        diff_vs_compromise=float(diff.mean()),
        diff_ci95=grouped_bootstrap_mean_ci(
            diff, np.array([groups[i] for i in shared]), rng=rng, n_resamples=bootstrap
        ),
        beats_compromise=float(np.mean(mine < theirs - _TOL)),
    )


def issue_records(
    name: str,
    outcomes: Sequence[tuple[str, float]],
    found: Sequence[tuple[float | None, str | None]],
) -> list[IssueResult]:
    """Tidy records of one model: ``outcomes`` are (issue, outcome) pairs and ``found``
    the model's (forecast, failure message) on each, in the same order."""
    return [
        IssueResult(
            isnr, name, outcome, value, None if value is None else abs(value - outcome), failure
        )
        for (isnr, outcome), (value, failure) in zip(outcomes, found, strict=True)
    ]


def score_rows(
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
    """One row per model (:func:`score_records`) over the issues ``keep`` accepts, each
    compared with the :data:`REFERENCE_MODEL`'s errors on the same issues."""
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
