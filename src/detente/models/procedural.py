"""The procedural model: base forecasts and EU institutions, combined by a convex stack
and by gradient-boosted trees, both learned with proposal-grouped cross-validation on DEU.

For an EU legislative issue the model computes nine candidate forecasts, each on the
issue's scale:

* four base models: ``compromise``, ``median``, ``expected-utility`` (with the options
  it was fitted with, stored beside the weights) and ``nash``;
* five institutional quantities (:mod:`detente.models._eu_institutions`): the Council
  pivot on the side of change (QMV or unanimity pivot), the Commission's position, the
  agenda-setter outcome (the Commission's position within the Council's win-set of the
  reference point), the Parliament's position and its outcome under co-decision (under
  consultation both are the Commission's, since the Parliament has no veto).

The forecast is the mean of two parts (``blend`` in the shipped file: 0.5 each):

Convex stack
    ``sum_k w_k f_k`` (``w_k >= 0``, ``sum_k w_k = 1``), one weight vector per Council
    voting rule (QMV, unanimity), fitted by least absolute deviations on the simplex
    (stacked regression after Wolpert 1992 and Breiman 1996, with the non-negativity
    Breiman found essential and the absolute loss of the score, the MAE).
Gradient-boosted trees
    Least-absolute-deviation boosting (Friedman 2001) of the outcome's place within the
    actors' range, ``t = (outcome - lo) / (hi - lo)`` with ``lo``, ``hi`` the lowest and
    highest position taken, on :data:`TREE_FEATURES`: the nine candidates, the reference
    point and the Council's two pivots at their places in that range, whether the
    reference point is coded and whether it lies in the Council's core (gridlock:
    Tsebelis 2002; Krehbiel 1998), the capability-times-salience share of the actors
    standing at the reference point, the Commission's and Parliament's saliences, the
    Council's capability-weighted mean position, and the procedure and voting rule. The
    trees can learn what a linear stack cannot: that DEU outcomes pile up at the ends
    of the range and at the reference point, and when. The forecast is
    ``lo + (hi - lo) t``.

Both parts are unchanged when the scale is shifted or stretched, the actors renamed or
reordered, or the capabilities scaled (every tree input is a place within the actors'
range, a share or a dummy); when every actor stands at ``x`` the range is empty and
both give ``x``. The forecast is clipped to the issue's scale.

The reference point enters the stack only through the pivot and the two win-set
outcomes, and the trees only through its place in the actors' range: on its own it
would violate unanimity (every actor at ``x`` must give ``x``).

What a scenario must say (otherwise :class:`~detente.errors.ModelError`):

* ``models: {procedural: {procedure: COD|CNS, voting_rule: QMV|unanimity}}`` (or
  ``--option procedural.procedure=COD`` ...);
* which actor is the Commission: ``metadata: {eu_role: commission}`` on that actor,
  and under co-decision which is the Parliament (``eu_role: parliament``). Every other
  actor with a stance is a Council member, voting with its capability. On an issue
  where the Commission takes no stance its proposal is the Council pivot; where the
  Parliament takes none, the issue is treated as under consultation;
* the issue's ``status_quo`` is the reference point (optional; see
  :mod:`detente.models._eu_institutions` for what happens without it);
* ``qmv_quota`` (option) is the QMV quota as a share of the Council's weight; 0, the
  default, takes the quota in force on the scenario's ``as_of`` date.

Sources: Steunenberg, Selck et al. (2006), "Testing procedural models of EU
legislative decision-making", ch. 3 of Thomson, Stokman, Achen & Koenig (eds.), *The
European Union Decides*, Cambridge UP; Crombez (1996) BJPolS 26(2); Tsebelis &
Garrett (2000) European Union Politics 1(1); Breiman (1996) Machine Learning 24;
Friedman (2001) Annals of Statistics 29(5); Tsebelis (2002) *Veto Players*, Princeton
UP; Krehbiel (1998) *Pivotal Politics*, Chicago UP. The weights and trees ship in
``procedural_weights.json``; ``scripts/fit_procedural.py`` refits them from
``../shared/data/deu/deu-I-II.tsv``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, ClassVar, Literal

import numpy as np

from detente.errors import ModelError, ScenarioError
from detente.models import _eu_institutions as eu
from detente.models._tree_ensemble import TreeEnsemble
from detente.models.base import Forecast, IssueForecast, IssueModel, RngLike, check_issue_data
from detente.models.base import with_options as _with_options
from detente.scenario import IssueData, Scenario

__all__ = [
    "BASE_MODELS",
    "FEATURES",
    "INSTITUTIONAL",
    "MODEL",
    "ROLE_KEY",
    "TREE_FEATURES",
    "VOTING_RULES",
    "IssueFeatures",
    "ProceduralContext",
    "ProceduralModel",
    "combination_weights",
    "shipped_fit",
    "shipped_trees",
]

BASE_MODELS = ("compromise", "median", "expected-utility", "nash")
INSTITUTIONAL = (
    "council_pivot",
    "commission",
    "commission_outcome",
    "parliament",
    "parliament_outcome",
)
FEATURES = BASE_MODELS + INSTITUTIONAL
"""The candidate forecasts, in the order of the weight vectors."""
TREE_FEATURES = (
    *FEATURES,
    "reference_point",
    "reference_point_coded",
    "pivot_left",
    "pivot_right",
    "gridlock",
    "share_at_reference_point",
    "commission_salience",
    "parliament_salience",
    "council_mean",
    "codecision",
    "unanimity",
)
"""The trees' inputs, in column order: positions as places in the actors' range (0 the
lowest position taken, 1 the highest; the reference point may lie outside, and where it
is not coded it is the compromise's place), dummies, shares and saliences on 0-1."""
VOTING_RULES = ("QMV", "unanimity")
ROLE_KEY = "eu_role"
"""Actor ``metadata`` key naming an EU institution: ``commission`` or ``parliament``."""
WEIGHTS_FILE = "procedural_weights.json"

Procedure = Literal["unset", "COD", "CNS"]
Rule = Literal["unset", "QMV", "unanimity"]


@cache
def shipped_fit() -> dict[str, Any]:
    """The shipped fit (``procedural_weights.json``): weights per voting rule, the
    expected-utility options, the features and the fit's provenance and CV score."""
    text = files("detente.models").joinpath(WEIGHTS_FILE).read_text(encoding="utf-8")
    fit: dict[str, Any] = json.loads(text)
    return fit


@cache
def shipped_trees() -> TreeEnsemble:
    """The shipped gradient-boosted trees (``trees`` in ``procedural_weights.json``)."""
    return TreeEnsemble.from_dict(shipped_fit()["trees"])


@dataclass(frozen=True)
class IssueFeatures:
    """What the model computes of one issue before combining.

    ``candidates``: ``(len(FEATURES),)`` forecasts on the issue's scale;
    ``tree_inputs``: ``(len(TREE_FEATURES),)``; ``low``, ``width``: the lowest position
    taken and the width of the actors' range (0 when all stand together).
    """

    candidates: np.ndarray
    tree_inputs: np.ndarray
    low: float
    width: float


@dataclass(frozen=True)
class ProceduralContext:
    """What the model knows of an issue's institutions: procedure, rule, roles."""

    codecision: bool
    unanimity: bool
    quota: float
    commission: str
    parliament: str | None

    @property
    def rule(self) -> str:
        """``"unanimity"`` or ``"QMV"``, the key of the weight vector."""
        return "unanimity" if self.unanimity else "QMV"


class ProceduralModel(IssueModel):
    """Convex stack and boosted trees on base forecasts and EU institutions (see module).

    Parameters
    ----------
    procedure : {"unset", "COD", "CNS"}, default "unset"
        The legislative procedure: co-decision or consultation. Must be set.
    voting_rule : {"unset", "QMV", "unanimity"}, default "unset"
        The Council's voting rule. Must be set.
    qmv_quota : float, default 0.0
        QMV quota as a share of the Council's weight, in (0.5, 1]; 0 takes the quota in
        force on the scenario's ``as_of`` (:data:`~detente.models._eu_institutions.QMV_QUOTAS`).
    """

    name: ClassVar[str] = "procedural"
    title: ClassVar[str] = (
        "Procedural model (EU legislation): base forecasts, Council pivots, Commission "
        "and Parliament under the procedure, combined by a convex stack and "
        "gradient-boosted trees fitted on DEU I-II"
    )
    citation: ClassVar[str] = (
        "Steunenberg, Selck et al. (2006) in Thomson et al. (eds.) The European Union "
        "Decides, ch. 3; Crombez (1996) BJPolS 26(2); Tsebelis & Garrett (2000) EUP 1(1); "
        "Breiman (1996) Stacked regressions, Machine Learning 24; Friedman (2001) "
        "Gradient boosting, Annals of Statistics 29(5)"
    )
    fitted: ClassVar[bool] = True
    """Its weights are fitted on DEU: backtests score it only out of sample."""

    def __init__(
        self, *, procedure: Procedure = "unset", voting_rule: Rule = "unset", qmv_quota: float = 0.0
    ) -> None:
        if procedure not in ("unset", "COD", "CNS"):
            raise ModelError(f"procedural: procedure must be COD or CNS, got {procedure!r}")
        if voting_rule not in ("unset", "QMV", "unanimity"):
            raise ModelError(
                f"procedural: voting_rule must be QMV or unanimity, got {voting_rule!r}"
            )
        if not (isinstance(qmv_quota, int | float) and (qmv_quota == 0 or 0.5 < qmv_quota <= 1)):
            raise ModelError(f"procedural: qmv_quota must be 0 or in (0.5, 1], got {qmv_quota!r}")
        self.procedure: Procedure = procedure
        self.voting_rule: Rule = voting_rule
        self.qmv_quota = float(qmv_quota)

    # -- what the scenario must say ------------------------------------------------
    def context(self, scenario: Scenario) -> ProceduralContext:
        """The issue's institutions from the options and the actors' ``eu_role``.

        Raises
        ------
        ModelError
            When the procedure, the voting rule, the Commission or (under co-decision)
            the Parliament is not given, or a role is given twice.
        """
        if self.procedure == "unset" or self.voting_rule == "unset":
            raise ModelError(
                "procedural: not applicable without the EU procedure and Council voting rule; "
                "set models.procedural.procedure (COD or CNS) and voting_rule (QMV or "
                "unanimity) in the scenario, or --option procedural.procedure=COD"
            )
        roles: dict[str, list[str]] = {}
        for actor in scenario.actors:
            role = actor.metadata.get(ROLE_KEY)
            if role is not None:
                roles.setdefault(role, []).append(actor.id)
        for role, ids in roles.items():
            if len(ids) > 1:
                raise ModelError(f"procedural: {len(ids)} actors have {ROLE_KEY} {role!r}")
        commission = roles.get("commission", [None])[0]
        parliament = roles.get("parliament", [None])[0]
        codecision = self.procedure == "COD"
        if commission is None or (codecision and parliament is None):
            missing = "commission" if commission is None else "parliament"
            raise ModelError(
                f"procedural: not applicable without the {missing}: give that actor "
                f"metadata {{{ROLE_KEY}: {missing}}}"
            )
        if all(actor.id in (commission, parliament) for actor in scenario.actors):
            raise ModelError("procedural: not applicable without a Council member among the actors")
        unanimity = self.voting_rule == "unanimity"
        quota = 1.0 if unanimity else (self.qmv_quota or eu.qmv_quota_on(scenario.as_of))
        return ProceduralContext(codecision, unanimity, quota, commission, parliament)

    def not_applicable(self, scenario: Scenario) -> str | None:
        """Why the model cannot run on ``scenario`` (options and roles), or ``None``."""
        try:
            configured = _with_options(self, scenario.models.get(self.name))
            configured.context(scenario)
        except (ModelError, ScenarioError) as exc:
            return str(exc)
        return None

    # -- features and forecast ---------------------------------------------------
    def institutions(self, data: IssueData, context: ProceduralContext) -> eu.Institutions:
        """The institutional quantities of one issue (raises ``ModelError``)."""
        ids = data.actor_ids
        institutions = (context.commission, context.parliament)
        members = [k for k, a in enumerate(ids) if a not in institutions]
        if not members or not data.capabilities[members].sum() > 0:
            raise ModelError(
                f"procedural: issue {data.issue.id!r}: no Council member with a capability "
                "above zero takes a stance"
            )
        parliament = (
            float(data.positions[ids.index(context.parliament)])
            if context.parliament in ids
            else None
        )
        commission = (
            float(data.positions[ids.index(context.commission)])
            if context.commission in ids
            else None
        )
        return eu.institutional_quantities(
            data.positions[members],
            data.capabilities[members],
            commission=commission,
            parliament=parliament,
            reference_point=data.status_quo,
            codecision=context.codecision,
            quota=context.quota,
        )

    def tree_inputs(
        self,
        data: IssueData,
        context: ProceduralContext,
        found: eu.Institutions,
        candidates: np.ndarray,
    ) -> IssueFeatures:
        """The trees' inputs (:data:`TREE_FEATURES`) of one issue, with its range."""
        positions, weights = data.positions, data.capabilities * data.saliences
        low = float(positions.min())
        width = float(positions.max()) - low

        def place(value: float | np.ndarray) -> Any:
            return (np.asarray(value, dtype=float) - low) / width if width > 0 else 0.0 * value

        rp = data.status_quo
        coded = rp is not None
        ids = data.actor_ids
        members = np.array([a not in (context.commission, context.parliament) for a in ids])
        at_rp = (
            np.abs(place(positions) - place(float(rp))) <= 1e-9
            if rp is not None
            else np.zeros(len(ids), dtype=bool)
        )
        total = float(weights.sum())

        def salience(actor: str | None) -> float:
            return float(data.saliences[ids.index(actor)]) if actor in ids else 0.0

        row = [
            *place(candidates),
            place(float(rp)) if rp is not None else place(float(candidates[0])),
            float(coded),
            place(found.pivot_left),
            place(found.pivot_right),
            float(coded and found.council_pivot == float(rp or 0.0)),
            float(weights[at_rp].sum()) / total if total > 0 else 0.0,
            salience(context.commission),
            salience(context.parliament),
            place(float(np.average(positions[members], weights=data.capabilities[members]))),
            float(context.codecision),
            float(context.unanimity),
        ]
        return IssueFeatures(candidates, np.array(row, dtype=float), low, width)

    def feature_rows(
        self,
        issues: Sequence[IssueData],
        contexts: Sequence[ProceduralContext],
        *,
        eu_options: Mapping[str, Any] | None = None,
    ) -> list[IssueFeatures | ModelError]:
        """The candidate forecasts and tree inputs of each issue, or its error.

        The expected-utility model solves all issues at once (``predict_issues``) with
        ``eu_options`` (default: the options stored with the shipped weights).
        """
        from detente.models.compromise import MODEL as COMPROMISE
        from detente.models.expected_utility import ExpectedUtilityModel
        from detente.models.median import MODEL as MEDIAN
        from detente.models.nash import MODEL as NASH

        simple = {"compromise": COMPROMISE, "median": MEDIAN, "nash": NASH}

        expected = ExpectedUtilityModel(
            **(shipped_fit()["expected_utility_options"] if eu_options is None else eu_options)
        )
        eu_values = expected.predict_issues(issues)
        rng = np.random.default_rng(0)  # the base models used here draw nothing
        out: list[IssueFeatures | ModelError] = []
        for data, context, eu_value in zip(issues, contexts, eu_values, strict=True):
            try:
                check_issue_data(data)
                if isinstance(eu_value, ModelError):
                    raise eu_value
                found = self.institutions(data, context)
                row = [
                    float(simple[name].predict_issue(data, rng=rng)[0])
                    if name in simple
                    else float(eu_value)
                    for name in BASE_MODELS
                ]
                row += [float(getattr(found, name)) for name in INSTITUTIONAL]
                lo, hi = data.scale
                candidates = np.clip(np.array(row, dtype=float), lo, hi)
                out.append(self.tree_inputs(data, context, found, candidates))
            except ModelError as exc:
                out.append(exc)
        return out

    def forecast(self, scenario: Scenario, *, rng: RngLike = None) -> Forecast:
        """Forecast each issue; options in ``scenario.models["procedural"]`` apply."""
        configured = _with_options(self, scenario.models.get(self.name))
        if configured is not self:
            return configured.forecast(scenario, rng=rng)
        for data in scenario.iter_issue_data():
            check_issue_data(data)
        context = self.context(scenario)
        issues = list(scenario.iter_issue_data())
        weights = combination_weights(context.rule)
        blend = float(shipped_fit()["blend"])
        rows = self.feature_rows(issues, [context] * len(issues))
        for row in rows:
            if isinstance(row, ModelError):
                raise row
        found = [row for row in rows if not isinstance(row, ModelError)]
        places = shipped_trees().predict(np.array([row.tree_inputs for row in found]))
        results = []
        for data, row, place in zip(issues, found, places, strict=True):
            lo, hi = data.scale
            stack = float(row.candidates @ weights)
            trees = row.low + row.width * float(place)
            value = float(np.clip((1.0 - blend) * stack + blend * trees, lo, hi))
            details = {
                "procedure": self.procedure,
                "voting_rule": self.voting_rule,
                "candidates": dict(zip(FEATURES, map(float, row.candidates), strict=True)),
                "weights": dict(zip(FEATURES, map(float, weights), strict=True)),
                "stack": stack,
                "trees": trees,
                "blend": blend,
            }
            results.append(IssueForecast(data.issue.id, value, details))
        return Forecast(self.name, tuple(results))

    def predict_issue(
        self, data: IssueData, *, rng: np.random.Generator
    ) -> tuple[float, dict[str, Any]]:
        """Not used: the model needs the whole scenario (options and roles)."""
        raise ModelError("procedural: forecast a whole scenario (it needs the actors' roles)")


def combination_weights(rule: str, fit: Mapping[str, Any] | None = None) -> np.ndarray:
    """The shipped (or given) weight vector of ``rule``, in the order of :data:`FEATURES`."""
    chosen = shipped_fit() if fit is None else fit
    by_name = chosen["weights"][rule]
    return np.array([float(by_name[name]) for name in FEATURES], dtype=float)


MODEL = ProceduralModel()
