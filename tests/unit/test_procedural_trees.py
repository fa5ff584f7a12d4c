"""The procedural model's boosted trees: the numpy evaluator against scikit-learn (the
original program), a tree worked by hand, the shipped form, and the nested tuning that
never lets an outer fold see its own outcomes."""

from __future__ import annotations

import sys
from dataclasses import replace

import numpy as np
import pytest

from detente.analysis import procedural_trees as pt
from detente.analysis.stacking import grouped_folds
from detente.errors import DetenteError
from detente.models._tree_ensemble import TreeEnsemble
from detente.models.procedural import TREE_FEATURES, shipped_trees


def test_one_tree_by_hand() -> None:
    # root: x0 <= 0.5 ? node 1 : node 2; node 1: x1 <= 2 ? leaf 3 (-1) : leaf 4 (+1);
    # node 2 a leaf (+3); baseline 10
    tree = {
        "feature": np.array([0, 1, 0, 0, 0]),
        "threshold": np.array([0.5, 2.0, 0.0, 0.0, 0.0]),
        "left": np.array([1, 3, 0, 0, 0]),
        "right": np.array([2, 4, 0, 0, 0]),
        "is_leaf": np.array([False, False, True, True, True]),
        "value": np.array([0.0, 0.0, 3.0, -1.0, 1.0]),
    }
    single = {**tree, **{k: v[:1] for k, v in tree.items()}}  # a lone leaf of value 0
    single["is_leaf"] = np.array([True])
    ensemble = TreeEnsemble.from_nodes(10.0, [tree, single], n_features=2)
    x = np.array([[0.5, 2.0], [0.2, 2.5], [0.9, 0.0]])
    assert ensemble.predict(x).tolist() == [9.0, 11.0, 13.0]
    again = TreeEnsemble.from_dict(ensemble.to_dict())
    assert again.predict(x).tolist() == [9.0, 11.0, 13.0]


def test_evaluator_predicts_what_scikit_learn_predicts() -> None:
    rng = np.random.default_rng(5)
    x = rng.random((120, 4))
    y = np.where(x[:, 0] > 0.6, 1.0, 0.0) + 0.3 * x[:, 1] + 0.05 * rng.standard_normal(120)
    model = pt.fit_trees(x, y, pt.TreeSettings(3, 10, 60))
    fresh = rng.random((50, 4))
    exported = pt.export_trees(model)
    assert exported.predict(fresh) == pytest.approx(model.predict(fresh), abs=1e-12)
    assert exported.predict(x) == pytest.approx(model.predict(x), abs=1e-12)


def test_shipped_trees_read_and_refuse_bad_input() -> None:
    trees = shipped_trees()
    assert trees.n_features == len(TREE_FEATURES)
    with pytest.raises(DetenteError, match="expected"):
        trees.predict(np.zeros((1, 3)))
    with pytest.raises(DetenteError, match="finite"):
        trees.predict(np.full((1, len(TREE_FEATURES)), np.nan))
    bad = trees.to_dict()
    bad["value"] = bad["value"][:-1]
    with pytest.raises(DetenteError, match="shape"):
        TreeEnsemble.from_dict(bad)


@pytest.fixture()
def small_grid(monkeypatch: pytest.MonkeyPatch) -> None:
    # the same code on a grid small enough for a unit test
    monkeypatch.setattr(pt, "_DEPTHS", (2,))
    monkeypatch.setattr(pt, "_LEAVES", (3, 5))
    monkeypatch.setattr(pt, "_ROUNDS", (5, 10))
    grid = tuple(pt.TreeSettings(2, s, r) for s in (3, 5) for r in (5, 10))
    monkeypatch.setattr(pt, "GRID", grid)


def synthetic(groups: list[str], rules: list[str]) -> pt.TrainingIssues:
    n = len(groups)
    rng = np.random.default_rng(2)
    candidates = rng.uniform(0, 100, (n, 3))
    inputs = np.c_[candidates / 100, rng.random((n, 2))]
    outcomes = np.clip(candidates[:, 0] + rng.normal(0, 10, n), 0, 100)
    return pt.TrainingIssues(
        candidates, inputs, np.zeros(n), np.full(n, 100.0), outcomes, np.array(groups),
        np.array(rules),
    )  # fmt: skip


@pytest.mark.usefixtures("small_grid")
def test_nested_cv_never_sees_the_outer_folds_outcomes() -> None:
    groups = [f"p{k // 3}" for k in range(48)]
    rules = ["QMV" if k % 4 else "unanimity" for k in range(48)]
    issues = synthetic(groups, rules)
    folds = grouped_folds(groups, 4)
    first, settings = pt.nested_cv_predictions(issues, folds)
    assert len(settings) == 4 and all(s in pt.GRID for s in settings)
    # scrambling the outcomes of fold 0 changes no forecast of fold 0 (nor its tuning)
    scrambled = issues.outcomes.copy()
    scrambled[folds == 0] = 100 - scrambled[folds == 0]
    second, again = pt.nested_cv_predictions(replace(issues, outcomes=scrambled), folds)
    assert second[folds == 0] == pytest.approx(first[folds == 0], abs=1e-12)
    assert again[0] == settings[0]


@pytest.mark.usefixtures("small_grid")
def test_tuning_picks_the_lowest_inner_error_and_needs_two_proposals() -> None:
    issues = synthetic([f"p{k // 4}" for k in range(48)], ["QMV"] * 48)
    chosen, errors = pt.tune_trees(issues)
    assert chosen == pt.GRID[int(np.argmin(errors))] and np.all(np.isfinite(errors))
    alone, none = pt.tune_trees(replace(issues, groups=np.array(["p"] * 48)))
    assert alone == pt.GRID[0] and np.all(np.isnan(none))
    # places in the actors' range: an empty range gives 0
    assert pt.range_places(np.array([30.0, 5.0]), np.array([10.0, 5.0]), np.array([40.0, 0.0])
    ).tolist() == [0.5, 0.0]  # fmt: skip


def test_backtest_without_scikit_learn_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    from detente.analysis.backtest import run_deu_backtest

    monkeypatch.setitem(sys.modules, "sklearn.ensemble", None)  # import fails
    small = Path(__file__).resolve().parents[1] / "data" / "deu_small.tsv"
    result = run_deu_backtest(small, models=["procedural"], capabilities="equal", bootstrap=20)
    row = result.row("procedural")
    assert row.n == 0 and row.failures == 4
    reasons = {r.failure for r in result.issues if r.model == "procedural"}
    assert reasons and all("scikit-learn" in str(reason) for reason in reasons)
