"""The procedural stacked model: EU institutional quantities, the simplex stack and its
grouped folds, worked by hand; the model's options, roles and refusals."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.analysis.stacking import fit_simplex_lad, grouped_cv_predictions, grouped_folds
from detente.errors import DetenteError, ModelError
from detente.forecasting import select_models
from detente.models import get_model
from detente.models._eu_institutions import (
    council_pivots,
    institutional_quantities,
    qmv_quota_on,
)
from detente.models.procedural import (
    FEATURES,
    TREE_FEATURES,
    ProceduralModel,
    combination_weights,
    shipped_fit,
    shipped_trees,
)
from detente.scenario import Scenario

from strategies import minimal

# Five member states, weights 10, 10, 5, 5, 2 (total 32); quota 0.71 needs 22.72.
STATES = np.array([0.0, 20.0, 40.0, 60.0, 100.0])
WEIGHTS = np.array([10.0, 10.0, 5.0, 5.0, 2.0])


def test_pivots_by_hand() -> None:
    # from the left 10, 20, 25 >= 22.72 at 40; from the right 2, 7, 12, 22, 32 at 0
    assert council_pivots(STATES, WEIGHTS, 0.71) == (40.0, 0.0)
    # unanimity: the two extreme states
    assert council_pivots(STATES, WEIGHTS, 1.0) == (100.0, 0.0)
    # four equal states, quota 3/4: left 10, 30, 50 -> 50; right 70, 50, 30 -> 30
    four = np.array([10.0, 30.0, 50.0, 70.0])
    assert council_pivots(four, np.ones(4), 0.75) == (50.0, 30.0)


def test_agenda_setter_in_the_win_set_by_hand() -> None:
    # rp 90, core [0, 40]: the pivot on the side of change is the state at 40; the
    # QMV win-set of 90 is [max(2*40 - 90, 0), 90] = [0, 90] (states at 0, 20, 40,
    # weight 25 >= 22.72, prefer any point in it), so the Commission at 70 gets 70;
    # under co-decision the Parliament at 5 gets 5.
    found = institutional_quantities(
        STATES, WEIGHTS, commission=70.0, parliament=5.0, reference_point=90.0,
        codecision=True, quota=0.71,
    )  # fmt: skip
    assert (found.council_pivot, found.commission_outcome) == (40.0, 70.0)
    assert (found.parliament, found.parliament_outcome) == (5.0, 5.0)
    # under consultation the Parliament's quantities are the Commission's
    cns = institutional_quantities(
        STATES, WEIGHTS, commission=70.0, parliament=5.0, reference_point=90.0,
        codecision=False, quota=0.71,
    )  # fmt: skip
    assert (cns.parliament, cns.parliament_outcome) == (70.0, 70.0)


def test_unanimity_gridlock_and_the_unanimity_pivot_by_hand() -> None:
    # rp 90 lies inside the states' range [0, 100]: under unanimity nothing moves
    found = institutional_quantities(
        STATES, WEIGHTS, commission=70.0, parliament=None, reference_point=90.0,
        codecision=False, quota=1.0,
    )  # fmt: skip
    assert (found.council_pivot, found.commission_outcome) == (90.0, 90.0)
    # rp 0 below states at 10..70: the unanimity pivot is the closest state, 10; the
    # win-set is [0, 2*10 - 0] = [0, 20], so a Commission at 50 gets 20
    four = np.array([10.0, 30.0, 50.0, 70.0])
    found = institutional_quantities(
        four, np.ones(4), commission=50.0, parliament=None, reference_point=0.0,
        codecision=False, quota=1.0,
    )  # fmt: skip
    assert (found.council_pivot, found.commission_outcome) == (10.0, 20.0)


def test_without_reference_point_the_core_and_weighted_median() -> None:
    # weighted median of the states: cumulative 10, 20 passes 16 at 20; the
    # Commission at 70 is projected on the core [0, 40]
    found = institutional_quantities(
        STATES, WEIGHTS, commission=70.0, parliament=None, reference_point=None,
        codecision=False, quota=0.71,
    )  # fmt: skip
    assert (found.council_pivot, found.commission_outcome) == (20.0, 40.0)
    # no Commission position: its proposal is the pivot
    none = institutional_quantities(
        STATES, WEIGHTS, commission=None, parliament=None, reference_point=None,
        codecision=False, quota=0.71,
    )  # fmt: skip
    assert none.commission == none.commission_outcome == 20.0


def test_qmv_quotas_by_date() -> None:
    import datetime as dt

    assert qmv_quota_on(dt.date(2000, 1, 1)) == pytest.approx(62 / 87)
    assert qmv_quota_on(dt.date(2005, 1, 1)) == pytest.approx(232 / 321)
    assert qmv_quota_on(dt.date(2008, 1, 1)) == pytest.approx(255 / 345)
    # 2014-11 to 2017-03: the Nice quota by default (detente.eu_council.rules), 65 % read as Lisbon
    assert qmv_quota_on(dt.date(2016, 1, 1)) == pytest.approx(260 / 352)
    assert qmv_quota_on(dt.date(2016, 1, 1), "lisbon") == 0.65
    assert qmv_quota_on(dt.date(2018, 1, 1)) == 0.65


def test_lad_on_the_simplex_by_hand() -> None:
    # a constant target 4 from candidates 0 and 10: 0.6 * 0 + 0.4 * 10
    x = np.array([[0.0, 10.0]] * 3)
    assert fit_simplex_lad(x, np.full(3, 4.0)) == pytest.approx([0.6, 0.4], abs=1e-9)
    # one candidate is the target: all the weight on it
    y = np.array([0.0, 10.0, 10.0, 3.0])
    x = np.column_stack([y, np.full(4, 5.0)])
    assert fit_simplex_lad(x, y) == pytest.approx([1.0, 0.0], abs=1e-9)
    with pytest.raises(DetenteError, match="finite"):
        fit_simplex_lad(np.array([[np.nan]]), np.array([1.0]))


@settings(max_examples=30, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 6), min_size=3, max_size=25),
    folds=st.integers(2, 5),
)
def test_grouped_folds_are_sklearns_group_k_fold(sizes: list[int], folds: int) -> None:
    from sklearn.model_selection import GroupKFold

    groups = [f"p{k:02d}" for k, n in enumerate(sizes) for _ in range(n)][::-1]
    if folds > len(sizes):
        with pytest.raises(DetenteError, match="folds"):
            grouped_folds(groups, folds)
        return
    mine = grouped_folds(groups, folds)
    theirs = np.empty(len(groups), dtype=int)
    for fold, (_, test) in enumerate(GroupKFold(n_splits=folds).split(groups, groups=groups)):
        theirs[test] = fold
    assert mine.tolist() == theirs.tolist()


def test_cross_validation_never_trains_on_the_proposal_it_predicts() -> None:
    # each proposal's outcome is its own candidate 0 exactly and candidate 1 elsewhere;
    # a fit that saw the test proposal would not change the held-out prediction, but a
    # leak is visible in the folds: no proposal spans two
    groups = ["a", "a", "b", "b", "c", "d", "d", "e"]
    folds = grouped_folds(groups, 3)
    for g in set(groups):
        assert len({int(f) for f, h in zip(folds, groups, strict=True) if h == g}) == 1
    x = np.array([[1.0, 2.0]] * 8)
    predictions = grouped_cv_predictions(x, np.full(8, 2.0), folds, ["s"] * 8)
    assert predictions == pytest.approx(np.full(8, 2.0))


def eu_scenario(**options: Any) -> dict[str, Any]:
    actors = [
        ("com", 70.0, "commission"),
        ("ep", 5.0, "parliament"),
        ("de", 0.0, None),
        ("fr", 20.0, None),
        ("it", 40.0, None),
        ("nl", 60.0, None),
        ("lu", 100.0, None),
    ]
    caps = {"com": 6.4, "ep": 6.4, "de": 10, "fr": 10, "it": 5, "nl": 5, "lu": 2}
    data = minimal(
        issues=[{"id": "x", "name": "X", "scale": [0, 100], "status_quo": 90}],
        actors=[
            {
                "id": a,
                "name": a,
                "capability": caps[a],
                "stances": {"x": {"position": p, "salience": 0.5}},
                **({"metadata": {"eu_role": role}} if role else {}),
            }
            for a, p, role in actors
        ],
    )
    if options:
        data["models"] = {"procedural": options}
    return data


def test_forecast_is_the_shipped_combination_of_its_candidates() -> None:
    scenario = Scenario.from_dict(eu_scenario(procedure="COD", voting_rule="QMV", qmv_quota=0.71))
    item = get_model("procedural").forecast(scenario).issues[0]
    candidates = np.array([item.details["candidates"][name] for name in FEATURES])
    # the institutional candidates are the hand-worked ones above
    assert item.details["candidates"]["council_pivot"] == 40.0
    assert item.details["candidates"]["commission_outcome"] == 70.0
    assert item.details["candidates"]["parliament_outcome"] == 5.0
    weights = combination_weights("QMV")
    assert weights.sum() == pytest.approx(1.0) and np.all(weights >= 0)
    assert item.details["stack"] == pytest.approx(float(candidates @ weights))
    # the trees' inputs by hand: positions span 0-100, so each place is position / 100;
    # rp 90 lies outside the core [0, 40] (no gridlock) and no actor stands at it; the
    # Council's weighted mean is (0*10 + 20*10 + 40*5 + 60*5 + 100*2) / 32 = 28.125
    by_hand = {
        **{name: value / 100 for name, value in item.details["candidates"].items()},
        "reference_point": 0.9,
        "reference_point_coded": 1.0,
        "pivot_left": 0.4,
        "pivot_right": 0.0,
        "gridlock": 0.0,
        "share_at_reference_point": 0.0,
        "commission_salience": 0.5,
        "parliament_salience": 0.5,
        "council_mean": 0.28125,
        "codecision": 1.0,
        "unanimity": 0.0,
    }
    inputs = np.array([[by_hand[name] for name in TREE_FEATURES]])
    trees = 100 * float(shipped_trees().predict(inputs)[0])
    assert item.details["trees"] == pytest.approx(trees)
    assert shipped_fit()["blend"] == 0.5
    assert item.outcome == pytest.approx(0.5 * item.details["stack"] + 0.5 * trees)


def test_refuses_clearly_without_procedure_or_roles() -> None:
    model = get_model("procedural")
    with pytest.raises(ModelError, match=r"models\.procedural\.procedure"):
        model.forecast(Scenario.from_dict(eu_scenario()))
    no_roles = eu_scenario(procedure="COD", voting_rule="QMV")
    for actor in no_roles["actors"]:
        actor.pop("metadata", None)
    with pytest.raises(ModelError, match="eu_role: commission"):
        model.forecast(Scenario.from_dict(no_roles))
    # a default forecast leaves it out; naming it says why
    plain = Scenario.from_dict(minimal())
    assert "procedural" not in select_models(plain)
    with pytest.raises(DetenteError, match="procedure"):
        select_models(plain, ["procedural"])
    assert "procedural" in select_models(
        Scenario.from_dict(eu_scenario(procedure="CNS", voting_rule="unanimity"))
    )


def test_options_are_checked() -> None:
    with pytest.raises(ModelError, match="qmv_quota"):
        ProceduralModel(qmv_quota=0.3)
    with pytest.raises(ModelError, match="procedure"):
        ProceduralModel(procedure="OLP")  # type: ignore[arg-type]


def test_a_deu_issue_as_a_scenario_gives_the_backtests_candidates() -> None:
    # the scenario route (options and eu_role, as a user would write them) and the
    # backtest's route (contexts from the DEU fields) compute the same candidates
    from pathlib import Path

    from detente.analysis.procedural_fit import procedural_rows, procedural_scenario
    from detente.analysis.voting_weights import capability_function
    from detente.io.deu import read_deu

    small = Path(__file__).resolve().parents[1] / "data" / "deu_small.tsv"
    issues = [i for i in read_deu(small, capabilities=capability_function("council"))]
    rows = procedural_rows([i for i in issues if i.n_actors >= 3])
    assert len(rows.issues) == 4 and not rows.failures
    for issue, row in zip(rows.issues, rows.features, strict=True):
        scenario = procedural_scenario(issue)
        item = get_model("procedural").forecast(scenario).issues[0]
        found = np.array([item.details["candidates"][name] for name in FEATURES])
        assert found == pytest.approx(row)
        k = rows.issues.index(issue)
        weights = combination_weights(rows.rules[k])
        place = float(shipped_trees().predict(rows.tree_inputs[k : k + 1])[0])
        trees = rows.low[k] + rows.width[k] * place
        assert item.outcome == pytest.approx(0.5 * float(row @ weights) + 0.5 * trees)


def test_example_scenario_end_to_end(capsys: pytest.CaptureFixture[str]) -> None:
    # docs/examples/eu_codecision.yaml: the hand-worked institutions above, with Nice
    # weights: the model runs by default on it, on the command line and under Monte
    # Carlo, and the voting rule can be switched with --option
    import json
    from pathlib import Path

    from cli_helpers import run_cli

    example = str(Path(__file__).resolve().parents[2] / "docs" / "examples" / "eu_codecision.yaml")
    code, out, err = run_cli(
        capsys, "forecast", example, "-m", "procedural", "--runs", "20", "--no-store", "-f", "json"
    )
    assert code == 0, err
    document = json.loads(out)
    first = document["issues"][0]["forecasts"][0]
    assert first["model"] == "procedural" and 0 <= first["outcome"] <= 100
    # Nice quota 232/321 of the states' 104 votes needs 75.2: from the left 29, 58, 87
    # reach it at Italy (40); the Commission at 70 lies in the win-set of 90
    assert first["candidates"]["council_pivot"] == 40.0
    assert first["candidates"]["commission_outcome"] == 70.0
    code, out, _ = run_cli(
        capsys, "forecast", example, "-m", "procedural", "--no-store", "-f", "json",
        "--option", "procedural.voting_rule=unanimity",
    )  # fmt: skip
    # under unanimity rp 90 lies inside the states' range: gridlock at the pivot
    assert json.loads(out)["issues"][0]["forecasts"][0]["candidates"]["council_pivot"] == 90.0
