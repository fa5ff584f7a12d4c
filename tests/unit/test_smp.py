"""KTAB SMP building blocks on hand-worked numbers, and the model's options."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from detente.errors import ModelError
from detente.models._smp_pce import (
    coalitions,
    condorcet_probabilities,
    risk_attitudes,
    risk_utility,
    weighted_distance,
)
from detente.models._smp_turns import interpolate
from detente.models.smp import SMPModel
from detente.scenario import Scenario


def test_weighted_distance_by_hand() -> None:
    # actor 0 cares 3:4 about two dimensions; positions 0.1 apart on each:
    # sqrt((0.3*0.1)^2 + (0.4*0.1)^2) / sqrt(0.3^2 + 0.4^2) = 0.05 / 0.5 = 0.1
    x = np.array([[0.2, 0.2], [0.3, 0.3]])
    s = np.array([[0.3, 0.4], [0.5, 0.5]])
    assert weighted_distance(x, s)[0, 1] == pytest.approx(0.1)
    assert risk_utility(np.array(0.1), 1.0) == pytest.approx(0.9 * 1.1)


def test_coalitions_and_conditional_pce_by_hand() -> None:
    # proportional votes: c_01 = 1e-8 + 2 * 0.5, c_10 = 1e-8 + 1 * 0.8
    u = np.array([[1.0, 0.5], [0.2, 1.0]])
    c = coalitions(u, np.array([2.0, 1.0]), "proportional")
    assert c[0, 1] == pytest.approx(1.0 + 1e-8) and c[1, 0] == pytest.approx(0.8 + 1e-8)
    p = condorcet_probabilities(c, "linear", "conditional")
    assert p == pytest.approx([1.0 / 1.8, 0.8 / 1.8])


def test_risk_attitudes_mid_range_by_hand() -> None:
    # (3p - pmax - 2 pmin) / (2 (pmax - pmin)) with pmax 0.5, pmin 0.2
    assert risk_attitudes(np.array([0.5, 0.3, 0.2]), "mid") == pytest.approx([1.0, 0.0, -0.5])


def test_s2p2_bargain_by_hand() -> None:
    # w_i = 0.5^2 0.8^2 = 0.16, w_j = 0.5^2 0.2^2 = 0.01: (0.16 x 0 + 0.01 x 1) / 0.17
    b_i, _ = interpolate(
        np.array([0.0]), np.array([0.5]), 0.8, np.array([1.0]), np.array([0.5]), 0.2
    )
    assert b_i[0] == pytest.approx(round(0.01 / (0.17 + 1e-6), 4))


@pytest.mark.parametrize("options", [{"voting": "plurality"}, {"colour": "red"}, {"max_turns": 0}])
def test_bad_options_are_model_errors(options: dict[str, Any]) -> None:
    with pytest.raises(ModelError):
        SMPModel(**options)


def test_actors_that_care_about_nothing_take_no_part() -> None:
    data: dict[str, Any] = {
        "schema": "detente/1",
        "title": "t",
        "as_of": "2024-01-01",
        "horizon": "2025-01-01",
        "issues": [{"id": "p", "name": "p", "scale": [0, 100]}],
        "actors": [
            {
                "id": "a",
                "name": "A",
                "capability": 1,
                "stances": {"p": {"position": 0, "salience": 0}},
            },
            {
                "id": "b",
                "name": "B",
                "capability": 1,
                "stances": {"p": {"position": 90, "salience": 1}},
            },
        ],
    }
    nobody = {**data, "actors": [data["actors"][0]]}
    with pytest.raises(ModelError, match="every actor has zero weight"):
        SMPModel().forecast(Scenario.from_dict(nobody))
    assert SMPModel(transitions="deterministic").options()["transitions"] == "deterministic"
    # with a third actor that cares, the one that cares about nothing takes no part (it
    # has no effective power, c S = 0, as in 31 of DEU I-II's issues): the forecast is
    # the one without it
    third = {
        "id": "c",
        "name": "C",
        "capability": 2,
        "stances": {"p": {"position": 40, "salience": 0.5}},
    }
    without = {**data, "actors": [data["actors"][1], third]}
    with_it = {**data, "actors": [*data["actors"], third]}
    model = SMPModel(transitions="deterministic")
    alone = model.forecast(Scenario.from_dict(without)).issues[0].outcome
    assert model.forecast(Scenario.from_dict(with_it)).issues[0].outcome == alone


def test_ktab_settings_are_declared_options() -> None:
    """docs/models/smp.md's options reach --option and a scenario's models block."""
    from detente.models.base import check_options, declared_options, with_options

    model = SMPModel()
    declared = declared_options(model)
    assert set(declared) == {
        "voting", "victory", "pce", "big_r_range", "big_r_adjust", "third_party",
        "bargain", "transitions", "interpolation", "max_turns", "accommodation", "rng",
        "ktab_seed",
    }  # fmt: skip
    assert declared["voting"].default == "prop-cubic"
    assert "proportional" in declared["voting"].choices
    options = check_options(model, {"voting": "proportional", "transitions": "deterministic"})
    configured = with_options(model, options)
    assert configured.options()["voting"] == "proportional"
    assert configured.options()["transitions"] == "deterministic"


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        # KTAB's interpBrgnSnPm, worked by hand for t_i 0.2, s_i 0.5, p_i 0.6 and
        # t_j 0.8, s_j 0.4, p_j 0.4. S2P2: w_i = 0.25 x 0.36 = 0.09, w_j = 0.16 x 0.16 =
        # 0.0256; b_i = (0.090001 x 0.2 + 0.0256 x 0.8) / 0.115601 = 0.332871 -> 0.3329,
        # b_j = (0.09 x 0.2 + 0.025601 x 0.8) / 0.115601 = 0.332876 -> 0.3329 (both
        # move to one point; the 1e-6 only breaks 0 / 0)
        ("s2p2", (0.3329, 0.3329)),
        # S1P1: w_i = 0.3, w_j = 0.16; 0.1880002 / 0.460001 = 0.40870 and
        # 0.1880008 / 0.460001 = 0.40870, both 0.4087 at 4 decimals
        ("s1p1", (0.4087, 0.4087)),
        # S2PMax (interpBrgnS2PMax): the stronger i does not move (d_i = 0); j moves by
        # 0.2 x 0.25 / (0.2 x 0.25 + 1e-6 + 0.8 x 0.16) = 0.280897 of the gap of 0.6:
        # 0.8 - 0.168538 = 0.631462, not rounded
        ("s2pmax", (0.2, 0.631462)),
    ],
)
def test_bargain_interpolations_by_hand(rule: str, expected: tuple[float, float]) -> None:
    one = np.array
    b_i, b_j = interpolate(one([0.2]), one([0.5]), 0.6, one([0.8]), one([0.4]), 0.4, rule)  # type: ignore[arg-type]
    assert b_i[0] == pytest.approx(expected[0], abs=1e-6)
    assert b_j[0] == pytest.approx(expected[1], abs=1e-6)
    # an option of the model, read from --option and a scenario's models block
    assert SMPModel(interpolation="s2pmax").options()["interpolation"] == "s2pmax"


def test_init_rcvr_puts_both_sides_bargains_on_both_lists() -> None:
    # KTAB's InitRcvrInterp: the initiator's bargain and the target's are both options
    # of both actors, so each actor chooses among 1 + 2 x (bargains it is part of)
    from detente.models._smp_turns import SMPOptions, run_turn

    x = np.array([[0.1, 0.2], [0.5, 0.9], [0.9, 0.4]])
    s = np.array([[0.5, 0.3], [0.2, 0.6], [0.4, 0.4]])
    c = np.array([100.0, 60.0, 80.0])
    only = run_turn(x, s, c, SMPOptions(transitions="deterministic"), None)
    both = run_turn(x, s, c, SMPOptions(bargain="init-rcvr", transitions="deterministic"), None)
    assert len(both.bargains) == 2 * len(only.bargains)
    for k in range(3):
        assert len(both.options[k]) - 1 == 2 * (len(only.options[k]) - 1)
        assert both.options[k].sum() == pytest.approx(1.0)
    # the initiator's own bargain is the same under both models
    for i, bargain in only.offered.items():
        assert np.array_equal(both.offered[i].pos_init, bargain.pos_init)
