"""Which models a DEU backtest (:mod:`detente.analysis.backtest`) scores, and how.

Every selected model falls in one of four groups:

* **per issue**: forecast on each DEU issue as its own one-issue scenario (the
  single-issue models: compromise, median, nash, expected-utility);
* **per proposal**: the models of :data:`PER_PROPOSAL`, whose forecast of an issue
  depends on the other issues of the scenario, forecast on one multi-issue scenario per
  proposal (:mod:`detente.analysis.deu_proposals`) and scored on each of its issues.
  The exchange model trades voting positions *between* issues, so on one issue it is
  the compromise model; it is applied to DEU proposal by proposal in the literature
  (Arregui, Stokman & Thomson 2006, ch. 5 of *The European Union Decides*). KTAB's
  SMP is multi-dimensional too; per proposal it scores as well as per issue on DEU
  I-II at about three quarters of the CPU (measured in ``docs/backtest-deu.md``,
  "Per proposal"). ``per_issue=`` scores named ones issue by issue instead, for that
  comparison;
* **fitted**: models fitted to DEU outcomes, scored only by proposal-grouped
  cross-validation (:data:`CROSS_VALIDATORS`);
* **excluded**: models that need an agreement with signatories (DEU has none), and
  fitted models without an out-of-sample scorer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from detente.analysis.backtest_results import REFERENCE_MODEL
from detente.errors import DetenteError
from detente.io.deu import DeuIssue
from detente.models import available_models, get_model

__all__ = ["CROSS_VALIDATORS", "PER_PROPOSAL", "CrossValidator", "ModelSelection", "select_models"]

PER_PROPOSAL: tuple[str, ...] = ("exchange", "smp")
"""Registered models scored on one scenario per DEU proposal (see the module docstring)."""

CrossValidator = Callable[
    [Sequence[DeuIssue], Mapping[str, int]], dict[str, tuple[float | None, str | None]]
]


def _procedural_cv(
    issues: Sequence[DeuIssue], folds: Mapping[str, int]
) -> dict[str, tuple[float | None, str | None]]:
    from detente.analysis.procedural_fit import cross_validated_forecasts

    return cross_validated_forecasts(issues, folds)


CROSS_VALIDATORS: dict[str, CrossValidator] = {"procedural": _procedural_cv}
"""How each fitted model is refitted out of sample on DEU issues (a model with
``fitted = True`` and no entry here is excluded rather than scored in-sample)."""


@dataclass(frozen=True)
class ModelSelection:
    """The selected models by how they are scored, each in the order asked for.

    ``forecast`` lists the models forecast as they are (not fitted), in the order
    asked for; ``per_proposal`` those of them scored per proposal.
    """

    forecast: tuple[str, ...]
    per_proposal: tuple[str, ...]
    fitted: tuple[str, ...]
    excluded: dict[str, str] = field(default_factory=dict)

    @property
    def per_issue(self) -> tuple[str, ...]:
        """The models forecast on one-issue scenarios."""
        return tuple(name for name in self.forecast if name not in self.per_proposal)


def select_models(models: Sequence[str] | None, per_issue: Sequence[str] = ()) -> ModelSelection:
    """Sort the models asked for (``None``: every registered model) into the groups of
    the module docstring; the compromise model is always added first (the reference).

    ``per_issue`` names models of :data:`PER_PROPOSAL` to score issue by issue instead.

    Raises
    ------
    DetenteError
        For an unknown model; when every model asked for is excluded (naming why); or
        for a ``per_issue`` name that is not a selected per-proposal model.
    """
    names = list(dict.fromkeys(available_models() if models is None else models))
    if REFERENCE_MODEL not in names:
        names.insert(0, REFERENCE_MODEL)
    forecast: list[str] = []
    proposal_wise: list[str] = []
    fitted: list[str] = []
    excluded: dict[str, str] = {}
    for name in names:
        model = get_model(name)
        if model.requires_agreement:
            excluded[name] = "requires an agreement with signatories; DEU issues have none"
        elif getattr(model, "fitted", False):
            if name in CROSS_VALIDATORS:
                fitted.append(name)
            else:
                excluded[name] = "fitted to outcomes, and no out-of-sample scorer is defined"
        else:
            forecast.append(name)
            if name in PER_PROPOSAL and name not in per_issue:
                proposal_wise.append(name)
    asked = [] if models is None else list(dict.fromkeys(models))
    if asked and all(name in excluded for name in asked):
        reasons = "; ".join(f"{name}: {excluded[name]}" for name in asked)
        raise DetenteError(f"none of the models asked for can be scored on DEU ({reasons})")
    for name in per_issue:
        if name not in PER_PROPOSAL or name not in forecast:
            raise DetenteError(
                f"per-issue scoring was asked for {name!r}, which is not a selected model "
                f"scored per proposal (those are: {', '.join(PER_PROPOSAL)})"
            )
    return ModelSelection(tuple(forecast), tuple(proposal_wise), tuple(fitted), excluded)
