"""Fit the procedural stacked model (:mod:`detente.models.procedural`) on DEU issues.

DEU fields used (Thomson et al. 2006): ``proc`` (``COD`` co-decision, ``CNS``
consultation), ``counvte`` (``QMV``, ``QMV(10)``, ``Unan``), ``rp`` (reference point),
``out`` (the target), ``prnr`` (the proposal: the group of the cross-validation) and
the Commission's (``com``) and Parliament's (``ep``) positions. ``QMV(10)`` (two
issues of DEU I-II) is read as QMV. Member states vote with their capabilities (the
backtest's ``--capabilities``); the QMV quota is the one in force on the proposal's
introduction date.

The fit, every step proposal-grouped (:mod:`detente.analysis.stacking`):

1. The expected-utility option among :data:`EU_CANDIDATES` (its probability
   denominator) is chosen by grouped cross-validation: in each fold the candidate with
   the lowest MAE on the other folds forecasts the fold; the out-of-sample MAE of that
   selection is reported, and the candidate best on all issues becomes the model's.
2. The stack's weights, one vector per voting rule, are fitted by least absolute
   deviations on the simplex, and the trees' settings are tuned by an inner grouped CV
   (:mod:`detente.analysis.procedural_trees`). The blend's nested grouped-CV MAE is
   reported beside compromise's on the same issues, with the settings each outer fold
   chose. The shipped weights and trees are the fit on all issues (settings tuned by
   grouped CV on all of them).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from detente.analysis.procedural_trees import (
    BLEND,
    TrainingIssues,
    export_trees,
    fit_stack_by_rule,
    fit_trees,
    nested_cv_predictions,
    tune_trees,
)
from detente.analysis.stacking import grouped_folds
from detente.errors import ModelError
from detente.io.deu import ACTOR_NAMES, DeuIssue, read_deu
from detente.models import _eu_institutions as eu
from detente.models.procedural import (
    FEATURES,
    TREE_FEATURES,
    IssueFeatures,
    ProceduralContext,
    ProceduralModel,
)
from detente.scenario import Scenario

__all__ = [
    "EU_CANDIDATES",
    "FOLDS",
    "ProceduralRows",
    "cross_validated_forecasts",
    "deu_context",
    "deu_procedure",
    "fit_procedural",
    "procedural_rows",
    "procedural_scenario",
    "voting_rule_of",
]

FOLDS = 10
"""Folds of the proposal-grouped cross-validation."""
EU_CANDIDATES: tuple[dict[str, Any], ...] = (
    {"probability": "all-votes"},
    {"probability": "pair"},
)
"""Expected-utility options compared by grouped CV (the other options at their defaults)."""
_RULES = {"QMV": "QMV", "QMV(10)": "QMV", "Unan": "unanimity", "unanimity": "unanimity"}


def voting_rule_of(issue: DeuIssue) -> str | None:
    """``"QMV"`` or ``"unanimity"`` from DEU's ``counvte`` (``QMV(10)`` is QMV), or
    ``None`` when not coded."""
    return _RULES.get(issue.voting_rule)


def deu_procedure(issue: DeuIssue) -> tuple[str, str] | None:
    """``(procedure, voting_rule)`` of a DEU issue as the model's options, or ``None``
    when either field is missing or not one DEU uses."""
    rule = voting_rule_of(issue)
    if issue.procedure not in ("COD", "CNS") or rule is None:
        return None
    return issue.procedure, rule


def deu_context(issue: DeuIssue) -> ProceduralContext | None:
    """The model's view of a DEU issue's institutions (``com``, ``ep`` by their codes)."""
    found = deu_procedure(issue)
    if found is None:
        return None
    procedure, rule = found
    quota = 1.0 if rule == "unanimity" else eu.qmv_quota_on(issue.intro)
    return ProceduralContext(procedure == "COD", rule == "unanimity", quota, "com", "ep")


def procedural_scenario(issue: DeuIssue) -> Scenario:
    """The issue's scenario with what the procedural model needs: the procedure and
    voting rule as model options and ``eu_role`` on the Commission and Parliament.

    An institution that took no position on the issue is added without a stance (and
    with capability 0), so that its role is known and the model applies its rule for
    an institution without a stance, as the backtest does.

    Raises
    ------
    ModelError
        When the issue has no scenario or no recognised procedure and voting rule.
    """
    found = deu_procedure(issue)
    if issue.scenario is None or found is None:
        raise ModelError(f"issue {issue.isnr}: no procedure and voting rule to model")
    data = issue.scenario.to_dict()
    roles = {"com": "commission", "ep": "parliament"}
    present = {actor["id"] for actor in data["actors"]}
    for code in roles:
        if code not in present:
            name = ACTOR_NAMES[code]
            data["actors"].append({"id": code, "name": name, "capability": 0, "stances": {}})
    for actor in data["actors"]:
        if actor["id"] in roles:
            actor["metadata"] = {**actor.get("metadata", {}), "eu_role": roles[actor["id"]]}
    data["models"] = {"procedural": {"procedure": found[0], "voting_rule": found[1]}}
    return Scenario.from_dict(data)


@dataclass(frozen=True)
class ProceduralRows:
    """The candidate forecasts and tree inputs of the issues the model can forecast.

    ``features``: ``(n, len(FEATURES))`` candidates on the scale; ``tree_inputs``:
    ``(n, len(TREE_FEATURES))``; ``low``, ``width``: ``(n,)`` the actors' ranges.
    """

    issues: tuple[DeuIssue, ...]
    features: np.ndarray
    tree_inputs: np.ndarray
    low: np.ndarray
    width: np.ndarray
    outcomes: np.ndarray
    groups: tuple[str, ...]
    rules: tuple[str, ...]
    failures: dict[str, str]

    def training(self) -> TrainingIssues:
        """The rows as the fit sees them."""
        return TrainingIssues(
            self.features,
            self.tree_inputs,
            self.low,
            self.width,
            self.outcomes,
            np.asarray(self.groups, dtype=str),
            np.asarray(self.rules, dtype=str),
        )

    def nested_cv(self, folds: np.ndarray) -> tuple[np.ndarray, list[Any]]:
        """Out-of-sample blended forecasts on the scale, and each fold's settings."""
        predictions, chosen = nested_cv_predictions(self.training(), folds)
        scales = np.array([i.scenario.issues[0].scale for i in self.issues if i.scenario])
        return np.clip(predictions, scales[:, 0], scales[:, 1]), chosen


def procedural_rows(
    issues: Sequence[DeuIssue], eu_options: dict[str, Any] | None = None
) -> ProceduralRows:
    """Candidate forecasts (:data:`~detente.models.procedural.FEATURES`) of the scored
    issues; ``eu_options`` overrides the shipped expected-utility options.

    Issues without an outcome, scenario or procedure are left out; issues the model
    cannot forecast are listed in ``failures`` with the reason.
    """
    model = ProceduralModel()
    kept: list[tuple[DeuIssue, ProceduralContext]] = []
    failures: dict[str, str] = {}
    for issue in issues:
        context = deu_context(issue)
        if issue.outcome is None or issue.scenario is None:
            continue
        if context is None:
            failures[issue.isnr] = "no procedure and voting rule coded"
            continue
        kept.append((issue, context))
    datas = [issue.scenario.issue_data(issue.isnr) for issue, _ in kept if issue.scenario]
    rows = model.feature_rows(datas, [c for _, c in kept], eu_options=eu_options)
    good = list(zip(kept, rows, strict=True))
    for (issue, _), row in good:
        if isinstance(row, ModelError):
            failures[issue.isnr] = f"ModelError: {row}"
    usable = [(issue, ctx, row) for (issue, ctx), row in good if isinstance(row, IssueFeatures)]
    features = np.array([r.candidates for _, _, r in usable], dtype=float)
    inputs = np.array([r.tree_inputs for _, _, r in usable], dtype=float)
    return ProceduralRows(
        issues=tuple(issue for issue, _, _ in usable),
        features=features.reshape(-1, len(FEATURES)),
        tree_inputs=inputs.reshape(-1, len(TREE_FEATURES)),
        low=np.array([r.low for _, _, r in usable], dtype=float),
        width=np.array([r.width for _, _, r in usable], dtype=float),
        outcomes=np.array([float(issue.outcome or 0.0) for issue, _, _ in usable]),
        groups=tuple(issue.prnr for issue, _, _ in usable),
        rules=tuple(ctx.rule for _, ctx, _ in usable),
        failures=failures,
    )


def _choose_eu_option(
    issues: Sequence[DeuIssue], min_actors: int, n_folds: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The EU candidate best on all issues and the grouped-CV MAE of choosing by fold."""
    from detente.models.expected_utility import ExpectedUtilityModel

    scored = [
        i for i in issues if i.outcome is not None and i.scenario and i.n_actors >= min_actors
    ]
    datas = [i.scenario.issue_data(i.isnr) for i in scored if i.scenario]
    y = np.array([float(i.outcome or 0.0) for i in scored])
    errors = []
    for options in EU_CANDIDATES:
        found = ExpectedUtilityModel(**options).predict_issues(datas)
        values = np.array([np.nan if isinstance(v, ModelError) else v for v in found])
        errors.append(np.abs(values - y))
    table = np.array(errors)  # (candidates, issues)
    folds = grouped_folds([i.prnr for i in scored], n_folds)
    chosen_errors = np.empty(y.size)
    for fold in range(n_folds):
        test = folds == fold
        best = int(np.nanargmin(np.nanmean(table[:, ~test], axis=1)))
        chosen_errors[test] = table[best, test]
    best_all = int(np.nanargmin(np.nanmean(table, axis=1)))
    report = {
        "candidates": [
            {"options": dict(o), "mae_in_sample": float(np.nanmean(e))}
            for o, e in zip(EU_CANDIDATES, table, strict=True)
        ],
        "grouped_cv_mae_of_choice": float(np.nanmean(chosen_errors)),
        "n": int(y.size),
    }
    return dict(EU_CANDIDATES[best_all]), report


def fit_procedural(
    path: str | os.PathLike[str], *, n_folds: int = FOLDS, min_actors: int = 3
) -> dict[str, Any]:
    """Refit the procedural model on a DEU file; the JSON that ships with the model.

    Capabilities are the Council weights in force (``council``, institutions weighing
    as an average member state), as in the default backtest.
    """
    from detente.analysis.voting_weights import capability_function

    issues = read_deu(path, capabilities=capability_function("council"))
    issues = [i for i in issues if i.n_actors >= min_actors]
    eu_options, eu_report = _choose_eu_option(issues, min_actors, n_folds)
    rows = procedural_rows(issues, eu_options)
    folds = grouped_folds(rows.groups, n_folds)
    predictions, fold_settings = rows.nested_cv(folds)
    weights = fit_stack_by_rule(rows.features, rows.outcomes, rows.rules, FEATURES)
    training = rows.training()
    settings, inner = tune_trees(training)
    trees = export_trees(fit_trees(training.inputs, training.places, settings))
    compromise = rows.features[:, FEATURES.index("compromise")]
    cv_mae = float(np.mean(np.abs(predictions - rows.outcomes)))
    reference = float(np.mean(np.abs(compromise - rows.outcomes)))
    return {
        "source": Path(path).name,
        "features": list(FEATURES),
        "tree_features": list(TREE_FEATURES),
        "weights": weights,
        "blend": BLEND,
        "tree_settings": settings.to_dict(),
        "tree_settings_inner_mae": [round(float(e), 4) for e in inner],
        "trees": trees.to_dict(),
        "expected_utility_options": eu_options,
        "expected_utility_choice": eu_report,
        "cross_validation": {
            "folds": n_folds,
            "groups": "prnr (proposal)",
            "n": int(rows.outcomes.size),
            "mae": round(cv_mae, 4),
            "compromise_mae": round(reference, 4),
            "difference": round(cv_mae - reference, 4),
            "nested": "tree settings tuned by an inner grouped CV within each outer fold",
            "settings_by_fold": [s.to_dict() for s in fold_settings],
        },
        "failures": rows.failures,
    }


def cross_validated_forecasts(
    issues: Sequence[DeuIssue], folds: Mapping[str, int]
) -> dict[str, tuple[float | None, str | None]]:
    """Out-of-sample forecasts of the procedural model on scored DEU issues.

    ``folds`` gives each issue's fold (proposal-grouped, shared with every other fitted
    row of the backtest). Each fold is forecast by the stack's weights (per voting rule)
    and trees fitted on the issues of the other folds only, the trees' settings tuned by
    an inner grouped CV on those issues (nested; the shipped weights and trees are never
    used here, since they were fitted on DEU I-II). Returns ``{isnr: (forecast,
    failure)}``.
    """
    rows = procedural_rows(issues)
    out: dict[str, tuple[float | None, str | None]] = {
        isnr: (None, failure) for isnr, failure in rows.failures.items()
    }
    if rows.outcomes.size:
        fold_of = np.array([folds[issue.isnr] for issue in rows.issues])
        try:
            predictions, _ = rows.nested_cv(fold_of)
        except ModelError as exc:  # scikit-learn missing: every issue says why
            return {**out, **{issue.isnr: (None, str(exc)) for issue in rows.issues}}
        for issue, value in zip(rows.issues, predictions, strict=True):
            out[issue.isnr] = (float(value), None)
    return out
