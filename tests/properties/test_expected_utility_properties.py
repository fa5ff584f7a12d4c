"""Properties of the expected-utility model that must hold on any scenario (hypothesis).

Same input, same output; the order of the actors does not matter; positions stay within
the scale (indeed within the initial range, since every move goes toward another
actor's position); actors who all start at one position never move; multiplying every
capability by one constant changes nothing (capabilities enter only through ratios of
votes).
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.models.expected_utility import ExpectedUtilityModel
from detente.scenario import Scenario

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

options = st.fixed_dictionaries(
    {
        "q": st.sampled_from([1.0, 0.6]),
        "probability": st.sampled_from(["all-votes", "pair"]),
        "perspective": st.sampled_from(["perceiver", "own"]),
        "risk": st.sampled_from(["two-pass", "neutral"]),
        "offer_choice": st.sampled_from(["scholz-code", "type-strongest", "least-move"]),
        "position_range": st.sampled_from(["initial", "scale"]),
    }
)


@st.composite
def issue_scenarios(draw: st.DrawFn, same_position: bool = False) -> dict[str, Any]:
    n = draw(st.integers(1, 8))
    lo = draw(st.floats(-100, 100))
    width = draw(st.floats(1, 200))
    common = draw(st.floats(lo, lo + width))
    actors = []
    for k in range(n):
        position = common if same_position else draw(st.floats(lo, lo + width))
        actors.append(
            {
                "id": f"actor{k}",
                "name": f"actor {k}",
                "capability": draw(st.floats(0.01, 10)),
                "stances": {"x": {"position": position, "salience": draw(st.floats(0.01, 1))}},
            }
        )
    return {
        "schema": "detente/1",
        "title": "random",
        "as_of": "2020-01-01",
        "horizon": "2021-01-01",
        "issues": [{"id": "x", "name": "x", "scale": [lo, lo + width]}],
        "actors": actors,
    }


def run(data: dict[str, Any], opts: dict[str, Any], rounds: int = 12) -> dict[str, Any]:
    model = ExpectedUtilityModel(max_rounds=rounds, **opts)
    forecast = model.forecast(Scenario.from_dict(data))
    item = forecast.issues[0]
    return {"outcome": item.outcome, **item.details}


def positions(out: dict[str, Any]) -> list[dict[str, float]]:
    return [entry["positions"] for entry in out["rounds"]]


@SETTINGS
@given(data=issue_scenarios(), opts=options)
def test_same_input_same_output(data: dict[str, Any], opts: dict[str, Any]) -> None:
    assert run(data, opts) == run(data, opts)


@SETTINGS
@given(data=issue_scenarios(), opts=options, seed=st.integers(0, 2**32 - 1))
def test_actor_order_does_not_matter(data: dict[str, Any], opts: dict[str, Any], seed: int) -> None:
    shuffled = dict(data)
    shuffled["actors"] = list(data["actors"])
    random.Random(seed).shuffle(shuffled["actors"])
    assert run(shuffled, opts) == run(data, opts)


@SETTINGS
@given(data=issue_scenarios(), opts=options)
def test_positions_stay_within_the_scale(data: dict[str, Any], opts: dict[str, Any]) -> None:
    lo, hi = data["issues"][0]["scale"]
    start = [a["stances"]["x"]["position"] for a in data["actors"]]
    out = run(data, opts)
    for entry in out["rounds"]:
        for value in entry["positions"].values():
            assert lo <= value <= hi
            assert min(start) <= value <= max(start)
        assert min(start) <= entry["median"] <= max(start)
    assert lo <= out["outcome"] <= hi


@SETTINGS
@given(data=issue_scenarios(same_position=True), opts=options)
def test_common_position_nothing_moves(data: dict[str, Any], opts: dict[str, Any]) -> None:
    common = data["actors"][0]["stances"]["x"]["position"]
    out = run(data, opts)
    assert out["converged"] is True
    assert out["stopped_after"] == 1
    for entry in out["rounds"]:
        assert entry["offers"] == []
        assert set(entry["positions"].values()) == {common}
    assert out["outcome"] == common


@SETTINGS
@given(data=issue_scenarios(), opts=options, factor=st.floats(0.01, 100))
def test_scaling_capabilities_changes_nothing(
    data: dict[str, Any], opts: dict[str, Any], factor: float
) -> None:
    scaled = dict(data)
    scaled["actors"] = [{**a, "capability": a["capability"] * factor} for a in data["actors"]]
    base, other = run(data, opts), run(scaled, opts)
    ids = list(base["rounds"][0]["positions"])
    assert len(other["rounds"]) == len(base["rounds"])
    for mine, theirs in zip(base["rounds"], other["rounds"], strict=True):
        np.testing.assert_allclose(
            [theirs["positions"][i] for i in ids], [mine["positions"][i] for i in ids], atol=1e-9
        )
        assert [(o["from"], o["to"], o["type"]) for o in theirs["offers"]] == [
            (o["from"], o["to"], o["type"]) for o in mine["offers"]
        ]
    np.testing.assert_allclose(other["outcome"], base["outcome"], atol=1e-9)


@st.composite
def grid_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """Positions on a coarse grid and few distinct capabilities and saliences, so that
    equally distant proposers and exactly tied offers are common."""
    n = draw(st.integers(2, 7))
    actors = [
        {
            "id": f"actor{k}",
            "name": f"actor {k}",
            "capability": draw(st.sampled_from([0.5, 1.0, 3.0])),
            "stances": {
                "x": {
                    "position": draw(st.sampled_from([0.0, 25.0, 50.0, 75.0, 100.0])),
                    "salience": draw(st.sampled_from([0.3, 0.6, 1.0])),
                }
            },
        }
        for k in range(n)
    ]
    return {
        "schema": "detente/1",
        "title": "grid",
        "as_of": "2020-01-01",
        "horizon": "2021-01-01",
        "issues": [{"id": "x", "name": "x", "scale": [0, 100]}],
        "actors": actors,
    }


@SETTINGS
@given(data=grid_scenarios(), opts=options, seed=st.integers(0, 2**32 - 1))
def test_renaming_actors_changes_nothing(
    data: dict[str, Any], opts: dict[str, Any], seed: int
) -> None:
    # issue #12: no forecast may depend on an actor's name, even when offers tie
    renamed = {**data, "actors": [dict(a) for a in data["actors"]]}
    names = [f"n{k}" for k in range(len(data["actors"]))]
    random.Random(seed).shuffle(names)
    for actor, name in zip(renamed["actors"], names, strict=True):
        actor["id"] = actor["name"] = name
    before, after = run(data, opts), run(renamed, opts)
    # the actors are processed in another order: equal up to rounding (scale 0-100)
    assert after["outcome"] == pytest.approx(before["outcome"], abs=1e-9)
    new_name = {a["id"]: b["id"] for a, b in zip(data["actors"], renamed["actors"], strict=True)}
    for old, new in zip(positions(before), positions(after), strict=True):
        assert {new_name[k]: v for k, v in old.items()} == pytest.approx(new, abs=1e-9)
