"""The records of a DEU backtest (:mod:`detente.analysis.backtest`): per issue, per model,
per subset (procedure, voting rule), each JSON-ready."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "IN_SAMPLE",
    "NOT_FITTED",
    "REFERENCE_MODEL",
    "WITHIN",
    "BacktestResult",
    "IssueResult",
    "ModelScore",
    "grouped_cv_label",
]

REFERENCE_MODEL = "compromise"
WITHIN = 10.0
"""Points on the 0-100 scale within which a forecast counts as close."""
NOT_FITTED = "not fitted to the outcomes"
IN_SAMPLE = "in-sample"

Interval = tuple[float, float]


def grouped_cv_label(folds: int) -> str:
    """How a fitted row was scored: ``grouped CV (10 folds by proposal)``."""
    return f"grouped CV ({folds} folds by proposal)"


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
    """Accuracy of one model (or baseline) over the scored issues (or a subset).

    ``n`` issues were forecast; ``failures`` raised :class:`ModelError`;
    ``no_forecast`` gave no outcome (no settlement predicted and no status quo, or a
    reference-point baseline on an issue without ``rp``). Accuracy fields are ``None``
    when ``n`` is 0; the comparison fields are ``None`` for the compromise model itself
    and when no issue is shared with it. Intervals are proposal-grouped bootstrap
    intervals (proposals resampled, not issues). ``evaluation`` says how the forecasts
    were obtained: :data:`NOT_FITTED`, or a grouped cross-validation
    (:func:`grouped_cv_label`) for a model fitted to DEU outcomes.
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
    evaluation: str = NOT_FITTED
    n_proposals: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "kind": self.kind,
            "evaluation": self.evaluation,
            "mae": self.mae,
            "median_ae": self.median_ae,
            "within_10": self.within_10,
            "mae_ci95": None if self.mae_ci95 is None else list(self.mae_ci95),
            "n": self.n,
            "n_proposals": self.n_proposals,
            "failures": self.failures,
            "no_forecast": self.no_forecast,
            "n_paired": self.n_paired,
            "diff_vs_compromise": self.diff_vs_compromise,
            "diff_ci95": None if self.diff_ci95 is None else list(self.diff_ci95),
            "beats_compromise": self.beats_compromise,
        }


@dataclass(frozen=True)
class BacktestResult:
    """Everything a backtest produced: one row per model, skip counts, tidy forecasts,
    and the same rows per procedure and per voting rule (``subsets``).

    ``per_proposal`` names the models forecast on one scenario per proposal (all its
    issues at once) rather than issue by issue."""

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
    subsets: Mapping[str, Mapping[str, tuple[ModelScore, ...]]] = field(default_factory=dict)
    folds: int = 0
    n_proposals: int = 0
    per_proposal: tuple[str, ...] = ()

    def row(self, model: str, subset: tuple[str, str] | None = None) -> ModelScore:
        """The row of ``model`` (in ``subset``, e.g. ``("procedure", "COD")``); raises
        ``KeyError`` when it did not run."""
        rows = self.rows if subset is None else self.subsets[subset[0]][subset[1]]
        for row in rows:
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
            "bootstrap_unit": "proposal",
            "cv_folds": self.folds,
            "issues": self.n_issues,
            "scored": self.scored,
            "proposals": self.n_proposals,
            "skipped": dict(self.skipped),
            "reference_model": REFERENCE_MODEL,
            "excluded_models": dict(self.excluded_models),
            "scored_per_proposal": list(self.per_proposal),
            "models": [row.to_dict() for row in self.rows],
            "subsets": {
                field_name: {value: [row.to_dict() for row in rows] for value, rows in by.items()}
                for field_name, by in self.subsets.items()
            },
        }
        if include_issues:
            out["forecasts"] = [item.to_dict() for item in self.issues]
        return out
