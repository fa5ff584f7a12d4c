"""The contract every registered model must honour (STYLE.md, convention 2).

Runs over ``available_models()``, so a new model is checked the moment it is added:
same seed same output, actor order does not matter, renaming and reordering actors
changes nothing (no forecast may depend on a label), outcomes inside each issue's scale,
unanimous actors give that position, scaling all capabilities changes nothing,
probabilities in [0, 1] and non-decreasing over dates, and invalid input gives a
detente error, never another exception.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import math
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from detente.errors import DetenteError, ModelError
from detente.models import available_models, get_model
from detente.models.base import Forecast, Model, not_applicable
from detente.scenario import Scenario

from strategies import minimal, scenario_dicts

MODELS = available_models()
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(model: Model, data: dict[str, Any], seed: int = 3) -> Forecast:
    return model.forecast(Scenario.from_dict(data), rng=seed)


def applicable(model: Model, data: dict[str, Any]) -> bool:
    """Whether ``model`` can run on ``data`` (an agreement, the EU procedure ...)."""
    return not_applicable(model, Scenario.from_dict(data)) is None


def outcomes(forecast: Forecast) -> dict[str, float | None]:
    return {i.issue_id: i.outcome for i in forecast.issues}


def close(a: dict[str, float | None], b: dict[str, float | None], tol: float = 1e-7) -> bool:
    for key in a:
        x, y = a[key], b[key]
        if (x is None) != (y is None):
            return False
        if x is not None and y is not None and not math.isclose(x, y, rel_tol=tol, abs_tol=tol):
            return False
    return True


def test_registry_lists_the_foundation_models() -> None:
    assert {"compromise", "median", "nash", "two-level"} <= set(MODELS)


@pytest.mark.parametrize("name", MODELS)
def test_model_declares_name_title_and_citation(name: str) -> None:
    model = get_model(name)
    assert isinstance(model, Model)
    assert model.name == name
    assert model.title and model.citation


@pytest.mark.parametrize("name", MODELS)
@SETTINGS
@given(data=scenario_dicts(with_agreement=True))
def test_same_seed_same_output(name: str, data: dict[str, Any]) -> None:
    model = get_model(name)
    if applicable(model, data):
        assert run(model, data, 11).to_dict() == run(model, data, 11).to_dict()


@pytest.mark.parametrize("name", MODELS)
@SETTINGS
@given(data=scenario_dicts(with_agreement=True), perm_seed=st.randoms(use_true_random=False))
def test_actor_order_does_not_matter(name: str, data: dict[str, Any], perm_seed: Any) -> None:
    model = get_model(name)
    if not applicable(model, data):
        return
    shuffled = dict(data, actors=list(data["actors"]))
    perm_seed.shuffle(shuffled["actors"])
    assert close(outcomes(run(model, data)), outcomes(run(model, shuffled)))


def renamed(data: dict[str, Any], new_ids: list[str], order: random.Random) -> dict[str, Any]:
    """``data`` with every actor renamed to ``new_ids`` (ids, names and references) and
    the actors shuffled."""
    mapping = {a["id"]: new for a, new in zip(data["actors"], new_ids, strict=False)}
    out = copy.deepcopy(data)
    for actor in out["actors"]:
        actor["id"] = actor["name"] = mapping[actor["id"]]
    for signatory in out.get("agreement", {}).get("signatories", []):
        signatory["actor"] = mapping[signatory["actor"]]
        for ratifier in signatory.get("ratifiers", []):
            ratifier["actor"] = mapping[ratifier["actor"]]
    order.shuffle(out["actors"])
    return out


# Bueno de Mesquita-style table of issue #12: A (capability 0.5, position 75) receives
# two equally distant conflict offers from B (3, 50) and C (3, 100), all salience 0.3;
# the answer must not depend on which of B and C has the smaller name.
LABEL_TIE = minimal(
    issues=[{"id": "x", "name": "X", "scale": [50, 100]}],
    actors=[
        {"id": i, "name": i, "capability": c, "stances": {"x": {"position": p, "salience": 0.3}}}
        for i, c, p in (("A", 0.5, 75), ("B", 3, 50), ("C", 3, 100))
    ],
)
IDS = st.from_regex(r"[A-Za-z][A-Za-z0-9_\-]{0,6}", fullmatch=True)


@pytest.mark.parametrize("name", MODELS)
@SETTINGS
@given(
    data=scenario_dicts(with_agreement=True),
    new_ids=st.lists(IDS, min_size=7, max_size=7, unique=True),
    order=st.randoms(use_true_random=False),
)
@example(data=LABEL_TIE, new_ids=["a", "z", "b", "d", "e", "f", "g"], order=random.Random(0))
def test_renaming_and_reordering_actors_changes_nothing(
    name: str, data: dict[str, Any], new_ids: list[str], order: random.Random
) -> None:
    model = get_model(name)
    if not applicable(model, data):
        return
    before, after = run(model, data), run(model, renamed(data, new_ids, order))
    assert close(outcomes(before), outcomes(after))
    if before.agreement is not None and after.agreement is not None:
        assert before.agreement.possible == after.agreement.possible
        assert before.agreement.extra.get("by") == pytest.approx(after.agreement.extra.get("by"))


@pytest.mark.parametrize("name", MODELS)
@SETTINGS
@given(data=scenario_dicts())
def test_outcomes_inside_the_scale(name: str, data: dict[str, Any]) -> None:
    model = get_model(name)
    if not applicable(model, data):
        return
    forecast = run(model, data)
    for issue in data["issues"]:
        value = forecast.outcome(issue["id"])
        lo, hi = issue["scale"]
        assert value is None or lo - 1e-9 <= value <= hi + 1e-9


@pytest.mark.parametrize("name", MODELS)
@SETTINGS
@given(data=scenario_dicts(min_actors=2, with_agreement=True), where=st.floats(0, 1))
def test_unanimous_actors_give_that_position(name: str, data: dict[str, Any], where: float) -> None:
    model = get_model(name)
    if not applicable(model, data):
        return
    for issue in data["issues"]:
        lo, hi = issue["scale"]
        point = lo + where * (hi - lo)
        for actor in data["actors"]:
            actor["stances"][issue["id"]]["position"] = point
    forecast = run(model, data)
    for issue in data["issues"]:
        lo, hi = issue["scale"]
        assert forecast.outcome(issue["id"]) == pytest.approx(
            lo + where * (hi - lo), abs=1e-6 * (hi - lo)
        )


@pytest.mark.parametrize("name", MODELS)
@SETTINGS
@given(data=scenario_dicts(with_agreement=True), factor=st.floats(0.01, 100))
def test_scaling_capabilities_changes_nothing(
    name: str, data: dict[str, Any], factor: float
) -> None:
    model = get_model(name)
    if not applicable(model, data):
        return
    scaled = dict(
        data, actors=[dict(a, capability=a["capability"] * factor) for a in data["actors"]]
    )
    assert close(outcomes(run(model, data)), outcomes(run(model, scaled)), tol=1e-6)


@pytest.mark.parametrize("name", MODELS)
@SETTINGS
@given(data=scenario_dicts(with_agreement=True))
def test_probabilities_are_probabilities(name: str, data: dict[str, Any]) -> None:
    model = get_model(name)
    if not applicable(model, data):
        return
    verdict = run(model, data).agreement
    if verdict is None:
        return
    assert isinstance(verdict.possible, bool)
    by = verdict.extra.get("by", {})
    values = [by[k] for k in sorted(by)]
    assert all(0.0 <= p <= 1.0 for p in values)
    assert all(a <= b + 1e-12 for a, b in itertools.pairwise(values))


@pytest.mark.parametrize("name", MODELS)
def test_invalid_input_is_a_clear_error(name: str) -> None:
    model = get_model(name)
    if model.requires_agreement:
        with pytest.raises(ModelError, match="agreement"):
            model.forecast(Scenario.from_dict(minimal()))
        return
    zero = minimal()
    for actor in zero["actors"]:
        actor["capability"] = 0
    with pytest.raises(ModelError, match="zero weight"):
        model.forecast(Scenario.from_dict(zero))


@pytest.mark.parametrize("name", MODELS)
@SETTINGS
@given(data=scenario_dicts(min_actors=1, max_actors=3, with_agreement=True))
def test_edge_cases_never_raise_anything_but_detente_errors(
    name: str, data: dict[str, Any]
) -> None:
    # positions pushed to the ends of the scale and one actor with zero salience
    for issue in data["issues"]:
        lo, hi = issue["scale"]
        for k, actor in enumerate(data["actors"]):
            actor["stances"][issue["id"]]["position"] = lo if k % 2 else hi
    data["actors"][0]["stances"][data["issues"][0]["id"]]["salience"] = 0.0
    model = get_model(name)
    if not applicable(model, data):
        return
    with contextlib.suppress(DetenteError):
        run(model, data)
