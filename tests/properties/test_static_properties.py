"""Properties the static models must always have (hypothesis)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.models import get_model
from detente.scenario import Scenario

from strategies import scenario_dicts

WEIGHTED = ["compromise", "median", "nash"]
SETTINGS = settings(max_examples=60, deadline=None)


def outcome(name: str, data: dict[str, Any]) -> float:
    value = get_model(name).forecast(Scenario.from_dict(data)).outcome("i0")
    assert value is not None
    return value


def mirror(x: float, lo: float, hi: float) -> float:
    return min(hi, max(lo, lo + hi - x))  # clamp away floating-point overshoot


def positions(data: dict[str, Any]) -> list[float]:
    return [a["stances"]["i0"]["position"] for a in data["actors"]]


@pytest.mark.parametrize("name", WEIGHTED)
@SETTINGS
@given(data=scenario_dicts(max_issues=1))
def test_outcome_lies_between_the_extreme_positions(name: str, data: dict[str, Any]) -> None:
    # true of the mean and median; for Nash, the Pareto set on a line is [min, max]
    # (any point outside is worse for everyone than the nearest extreme), and the
    # status quo when it is kept
    value = outcome(name, data)
    lo, hi = min(positions(data)), max(positions(data))
    if name == "nash" and "status_quo" in data["issues"][0]:
        lo = min(lo, data["issues"][0]["status_quo"])
        hi = max(hi, data["issues"][0]["status_quo"])
    width = data["issues"][0]["scale"][1] - data["issues"][0]["scale"][0]
    assert lo - 1e-9 * width <= value <= hi + 1e-9 * width


@pytest.mark.parametrize("name", WEIGHTED)
@SETTINGS
@given(data=scenario_dicts(max_issues=1))
def test_reflecting_the_scale_reflects_the_outcome(name: str, data: dict[str, Any]) -> None:
    lo, hi = data["issues"][0]["scale"]
    mirrored = copy.deepcopy(data)
    for actor in mirrored["actors"]:
        stance = actor["stances"]["i0"]
        stance["position"] = mirror(stance["position"], lo, hi)
    if "status_quo" in mirrored["issues"][0]:
        mirrored["issues"][0]["status_quo"] = mirror(mirrored["issues"][0]["status_quo"], lo, hi)
    assert outcome(name, mirrored) == pytest.approx(
        lo + hi - outcome(name, data), abs=1e-7 * (hi - lo)
    )


@pytest.mark.parametrize("name", ["compromise", "median"])
@SETTINGS
@given(data=scenario_dicts(max_issues=1), who=st.integers(0, 6), step=st.floats(0, 1))
def test_moving_an_actor_up_never_moves_the_outcome_down(
    name: str, data: dict[str, Any], who: int, step: float
) -> None:
    who %= len(data["actors"])
    before = outcome(name, data)
    stance = data["actors"][who]["stances"]["i0"]
    hi = data["issues"][0]["scale"][1]
    stance["position"] = min(hi, stance["position"] + step * (hi - stance["position"]))
    assert outcome(name, data) >= before - 1e-9 * abs(before) - 1e-12


@SETTINGS
@given(data=scenario_dicts(max_issues=1, status_quo=True))
def test_nash_leaves_no_actor_worse_than_the_status_quo(data: dict[str, Any]) -> None:
    value = outcome("nash", data)
    sq = data["issues"][0]["status_quo"]
    width = data["issues"][0]["scale"][1] - data["issues"][0]["scale"][0]
    for x in positions(data):
        assert abs(value - x) <= abs(sq - x) + 1e-9 * width


@SETTINGS
@given(data=scenario_dicts(min_actors=3, max_issues=2, with_agreement=True), extra=st.floats(0, 50))
def test_widening_a_ratifier_never_closes_the_zopa(data: dict[str, Any], extra: float) -> None:
    model = get_model("two-level")
    before = model.forecast(Scenario.from_dict(data)).agreement
    wider = copy.deepcopy(data)
    ratifier = wider["agreement"]["signatories"][0]["ratifiers"][0]
    ratifier["tolerance"] = {k: v + extra for k, v in ratifier["tolerance"].items()}
    after = model.forecast(Scenario.from_dict(wider)).agreement
    assert before is not None and after is not None
    assert after.possible or not before.possible
    for issue_id, verdict in before.issues.items():
        if verdict["zopa"] is not None:
            lo, hi = verdict["zopa"]
            new_lo, new_hi = after.issues[issue_id]["zopa"]
            assert new_lo <= lo and new_hi >= hi


@SETTINGS
@given(data=scenario_dicts(min_actors=2, max_issues=2, with_agreement=True))
def test_zopa_lies_in_every_win_set(data: dict[str, Any]) -> None:
    verdict = get_model("two-level").forecast(Scenario.from_dict(data)).agreement
    assert verdict is not None
    for result in verdict.issues.values():
        if result["zopa"] is None:
            assert result["gap"]["size"] > 0
            continue
        lo, hi = result["zopa"]
        for side in result["signatories"]:
            assert side["win_set"][0] <= lo <= hi <= side["win_set"][1]
