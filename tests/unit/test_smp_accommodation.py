"""KTAB's ideal-accommodation matrix and generator as ``smp`` options, by hand."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.errors import ModelError, ScenarioError
from detente.models._smp_accommodation import (
    accommodation_matrix,
    move_ideals,
    parse_accommodation,
)
from detente.models.smp import SMPModel
from detente.scenario import Scenario


def test_parse_rows_and_defaults() -> None:
    rows = parse_accommodation(" A: A=0.87 ; B: B=0.75, A=0.07; ")
    assert rows == {"A": {"A": 0.87}, "B": {"B": 0.75, "A": 0.07}}
    assert parse_accommodation("") == {}


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("A A=0.5", "not 'ACTOR: ACTOR=RATE"),
        ("A: A=1.5", "rate in \\[0, 1\\]"),
        ("A: A=x", "rate in \\[0, 1\\]"),
        ("A: A=0.6, B=0.6", "sum to 1.2"),
        ("A: A=0.5; A: B=0.1", "twice"),
        ("A: A=0.5, A=0.1", "twice"),
    ],
)
def test_bad_rows_are_model_errors(text: str, why: str) -> None:
    with pytest.raises(ModelError, match=why):
        parse_accommodation(text)


def test_ideals_move_as_ktab_logs_them() -> None:
    # 20170530_ref-smpExample.txt, turn 0 -> 1, first dimension (0-100): Bob's ideal
    # 15.9 + 0.75 (23.48 - 15.9) + 0.07 (55.53 - 15.9) = 24.3591, as printed ("ideal 1");
    # Carol 61.1 + 0.65 (33.48 - 61.1) + 0.13 (26.3 - 61.1) = 38.623; Ellie (identity)
    # takes her new position, 64.11
    rows = parse_accommodation("Bob: Bob=0.75, Alice=0.07; Carol: Carol=0.65, David=0.13")
    acc = accommodation_matrix(rows, ["Alice", "Bob", "Carol", "David", "Ellie"], {}, 1)
    ideals = np.array([[52.8], [15.9], [61.1], [26.3], [73.3]])
    positions = np.array([[55.53], [23.48], [33.48], [26.3], [64.11]])
    moved = move_ideals(ideals, positions, acc)
    assert moved[:, 0] == pytest.approx([55.53, 24.3591, 38.623, 26.3, 64.11])
    assert np.array_equal(move_ideals(ideals, positions, None), positions)


def test_pull_toward_an_actor_out_of_play_is_toward_its_fixed_position() -> None:
    # A keeps 0.5 of its ideal 0.2, moves 0.3 toward its position 0.4 and 0.2 toward
    # Z, out of play at 0.9: 0.5 x 0.2 + 0.3 x 0.4 + 0.2 x 0.9 = 0.4
    acc = accommodation_matrix(
        parse_accommodation("A: A=0.3, Z=0.2"), ["A"], {"Z": np.array([0.9])}, 1
    )
    assert acc is not None
    assert move_ideals(np.array([[0.2]]), np.array([[0.4]]), acc)[0, 0] == pytest.approx(0.4)


def test_unknown_actor_is_named() -> None:
    with pytest.raises(ModelError, match="'Q', not in the scenario"):
        accommodation_matrix(parse_accommodation("A: Q=0.5"), ["A", "B"], {}, 1)


def scenario(accommodation: str | None = None, **options: Any) -> dict[str, Any]:
    actors = [
        ("north", 60, (20, 70), (0.8, 0.4)),
        ("south", 40, (80, 30), (0.5, 0.9)),
        ("east", 30, (50, 10), (0.6, 0.6)),
        ("west", 50, (35, 90), (0.9, 0.2)),
    ]
    data: dict[str, Any] = {
        "schema": "detente/1",
        "title": "accommodation",
        "as_of": "2024-01-01",
        "horizon": "2025-01-01",
        "issues": [{"id": i, "name": i, "scale": [0, 100]} for i in ("tax", "trade")],
        "actors": [
            {
                "id": ident,
                "name": ident,
                "capability": cap,
                "stances": {
                    i: {"position": p, "salience": s}
                    for i, p, s in zip(("tax", "trade"), pos, sal, strict=True)
                },
            }
            for ident, cap, pos, sal in actors
        ],
    }
    smp = dict(options)
    if accommodation is not None:
        smp["accommodation"] = accommodation
    if smp:
        data["models"] = {"smp": smp}
    return data


def outcomes(data: dict[str, Any], seed: int = 5) -> list[float | None]:
    forecast = SMPModel().forecast(Scenario.from_dict(data), rng=seed)
    return [item.outcome for item in forecast.issues]


ROWS = "north: north=0.5, south=0.2; east: east=0.3"


def test_accommodation_changes_the_game_and_identity_rows_change_nothing() -> None:
    plain = outcomes(scenario(transitions="deterministic"))
    assert outcomes(scenario("north: north=1; west: west=1", transitions="deterministic")) == plain
    assert outcomes(scenario(ROWS, transitions="deterministic")) != plain


def test_renaming_and_reordering_actors_with_accommodation_changes_nothing() -> None:
    data = scenario(ROWS)
    renamed = copy.deepcopy(data)
    names = {"north": "zeta", "south": "alpha", "east": "mu", "west": "beta"}
    for actor in renamed["actors"]:
        actor["id"] = actor["name"] = names[actor["id"]]
    renamed["actors"].reverse()
    renamed["models"]["smp"]["accommodation"] = "zeta: zeta=0.5, alpha=0.2; mu: mu=0.3"
    assert outcomes(renamed) == pytest.approx(outcomes(data), abs=1e-9)


def test_bad_accommodation_in_a_scenario_is_a_scenario_error() -> None:
    with pytest.raises(ScenarioError, match="models"):
        Scenario.from_dict(scenario("north: north=2"))
    with pytest.raises(ModelError, match="'nobody', not in the scenario"):
        outcomes(scenario("north: nobody=0.5"))


def test_ktab_generator_ignores_the_run_seed_and_follows_its_own() -> None:
    ktab = scenario(rng="ktab", ktab_seed=42)
    assert outcomes(ktab, seed=1) == outcomes(ktab, seed=2)
    with pytest.raises(ScenarioError, match="ktab_seed"):
        Scenario.from_dict(scenario(rng="ktab", ktab_seed=0))


def test_ktab_xml_ideal_adjustment_out_of_range_names_its_line() -> None:
    from detente.io.ktab import read_ktab_xml

    xml = """<Scenario><name>t</name>
<Dimensions><dName>d</dName></Dimensions>
<Actors><Actor><name>A</name><capability>10</capability>
<Position><dCoord>50</dCoord></Position><Salience><dSal>50</dSal></Salience></Actor></Actors>
<IdealAdjustment><iaPair><adjustingIdeal>A</adjustingIdeal><referencePos>A</referencePos>
<adjust>1.5</adjust></iaPair></IdealAdjustment></Scenario>"""
    with pytest.raises(ScenarioError, match=r"adjust in 0\.\.1") as caught:
        read_ktab_xml(xml, "t.xml")
    assert caught.value.line == 5  # the <iaPair>


def test_rounds_show_the_ideals_when_an_accommodation_is_given() -> None:
    forecast = SMPModel().forecast(Scenario.from_dict(scenario(ROWS)), rng=1)
    rounds = forecast.issues[0].details["rounds"]
    assert rounds[0]["ideals"] == pytest.approx(rounds[0]["positions"])  # ideals start there
    # west and south keep identity rows: their ideals are their positions every round
    for step in rounds:
        for who in ("west", "south"):
            assert step["ideals"][who] == pytest.approx(step["positions"][who])
    plain = SMPModel().forecast(Scenario.from_dict(scenario()), rng=1)
    assert "ideals" not in plain.issues[0].details["rounds"][0]


@settings(max_examples=50, deadline=None)
@given(
    rates=st.lists(st.floats(0, 1), min_size=9, max_size=9),
    ideals=st.lists(st.floats(0, 1), min_size=3, max_size=3),
    positions=st.lists(st.floats(0, 1), min_size=3, max_size=3),
)
def test_new_ideals_stay_between_old_ideals_and_positions(
    rates: list[float], ideals: list[float], positions: list[float]
) -> None:
    # each new ideal is a weighted average (weights >= 0, summing to 1) of the actor's
    # old ideal and the positions, so it lies within their range
    matrix = np.array(rates).reshape(3, 3)
    matrix = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1.0)
    names = ["a", "b", "c"]
    text = "; ".join(
        f"{w}: " + ", ".join(f"{t}={float(matrix[i, j])!r}" for j, t in enumerate(names))
        for i, w in enumerate(names)
    )
    acc = accommodation_matrix(parse_accommodation(text), names, {}, 1)
    old, pos = np.array(ideals)[:, None], np.array(positions)[:, None]
    new = move_ideals(old, pos, acc)[:, 0]
    for i in range(3):
        lo = min(old[i, 0], pos.min())
        hi = max(old[i, 0], pos.max())
        assert lo - 1e-12 <= new[i] <= hi + 1e-12
