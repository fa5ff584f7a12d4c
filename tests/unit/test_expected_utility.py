"""Hand-computed checks of the expected-utility model's formulas, on 2- and 3-actor cases.

Equation labels (E1)-(E12) as in ``docs/models/expected-utility.md`` (after Scholz,
Calbert & Smith 2011). Every expected value below is worked out by hand in the comments.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

from detente.errors import ModelError
from detente.models import _eu_rounds as eu
from detente.models import get_model
from detente.models.expected_utility import ExpectedUtilityModel
from detente.scenario import Scenario

SQRT2 = math.sqrt(2.0)


def scenario(actors: list[tuple[str, float, float, float]], scale: tuple[float, float]) -> Scenario:
    """Actors as (id, position, capability, salience on 0-1)."""
    return Scenario.from_dict(
        {
            "schema": "detente/1",
            "title": "hand case",
            "as_of": "2020-01-01",
            "horizon": "2021-01-01",
            "issues": [{"id": "x", "name": "x", "scale": list(scale)}],
            "actors": [
                {
                    "id": ident,
                    "name": ident,
                    "capability": c,
                    "stances": {"x": {"position": pos, "salience": sal}},
                }
                for ident, pos, c, sal in actors
            ],
        }
    )


def details(model: ExpectedUtilityModel, sc: Scenario) -> dict[str, Any]:
    return model.forecast(sc).issues[0].details


# --- three actors: A at 0 (c=1, s=1), B at 1 (c=1, s=0.5), C at 2 (c=2, s=0.5) --------
# weights w = c s = (1, 0.5, 1); R = 2, so d_AB = d_BC = 0.5, d_AC = 1       (E1)
X3 = np.array([0.0, 1.0, 2.0])
S3 = np.array([1.0, 0.5, 0.5])
W3 = np.array([1.0, 0.5, 1.0])


def test_probability_pair_denominator_eq31() -> None:
    # With r = 1 a voter's vote for i over j is w_k (d_kj - d_ki)              (E2)
    # N_AB: A gives 1 x 0.5, B -0.25 (dropped), C -0.5 (dropped) -> 0.5
    # N_BA: B 0.5 x 0.5 = 0.25, C 1 x 0.5 = 0.5 -> 0.75
    # N_AC: A 1 x 1 = 1, B 0 -> 1; N_CA: C 1 x 1 = 1 -> 1
    # N_BC: A 1 x 0.5 + B 0.5 x 0.5 = 0.75; N_CB: C 1 x 0.5 = 0.5
    # eq. (31): P_ij = N_ij / (N_ij + N_ji)
    expected = [[0, 0.4, 0.5], [0.6, 0, 0.6], [0.5, 0.4, 0]]
    got = eu.probability_matrix(X3, W3, np.ones(3), 2.0, "pair")
    np.testing.assert_allclose(got, expected, atol=1e-15)


def test_probability_all_votes_denominator() -> None:
    # every voter's absolute vote on every ordered pair: row A (0, .5, 1) gives
    # 2 (.5 + 1 + .5) = 4, times w_A = 1; row B (.5, 0, .5): 2 x 1 = 2, times .5 = 1;
    # row C like A: 4. Total 9, so P = N / 9.
    expected = [[0, 0.5 / 9, 1 / 9], [0.75 / 9, 0, 0.75 / 9], [1 / 9, 0.5 / 9, 0]]
    got = eu.probability_matrix(X3, W3, np.ones(3), 2.0, "all-votes")
    np.testing.assert_allclose(got, expected, atol=1e-15)
    # the same total as twice the sum of the supports N_ij (0.5 + 1 + 0.75 + 0.75 +
    # 1 + 0.5 = 4.5)
    geo = eu.Geometry(X3[:, None], np.array([2.0]))
    support = eu.support(geo, W3[:, None], geo.dist)
    assert 2.0 * support.sum() == pytest.approx(9.0, abs=1e-14)


def test_probability_uses_each_voters_own_risk_exponent() -> None:
    # r = (2, 1, 1): A's losses become d^2 = (0, .25, 1); N_AB = 1 x .25 = .25,
    # N_BA = .75 as before; pair denominator: P_AB = .25 / 1 = .25
    got = eu.probability_matrix(X3, W3, np.array([2.0, 1.0, 1.0]), 2.0, "pair")
    assert got[0, 1] == pytest.approx(0.25, abs=1e-15)
    assert got[1, 0] == pytest.approx(0.75, abs=1e-15)


def test_risk_exponents_two_pass_three_actors() -> None:
    # With r = 1: U_s = 2d, U_f = -2d, U_sq = 0, so with Q = 1 (E9) is
    # EU(ij) = 2 d (1 - 2 s_j (1 - P_ij)). With the all-votes P above:
    # EU(A->B) = 1 - 17/18 = 1/18      EU(B->A) = 1 - 2 (11/12) = -5/6
    # EU(A->C) = 2 (1 - 8/9) = 2/9      EU(C->A) = 2 (1 - 16/9) = -14/9
    # EU(B->C) = 1 - 11/12 = 1/12       EU(C->B) = 1 - 17/18 = 1/18
    # exposures S_i = sum_j EU(j->i): S_A = -43/18, S_B = 1/9, S_C = 11/36   (E10)
    # R_A = -1 -> r_A = 2; R_C = 1 -> r_C = 1/2; R_B = 83/97 -> r_B = 104/187 (E11)
    expected = [2.0, 104 / 187, 0.5]
    np.testing.assert_allclose(eu.risk_exponents(np.array([-43 / 18, 1 / 9, 11 / 36])), expected)
    result = eu.play_round(X3, W3, S3, eu.Settings(position_range=2.0))
    np.testing.assert_allclose(result.risk, expected, rtol=1e-12)


def test_risk_exponents_all_equal_exposure() -> None:
    np.testing.assert_array_equal(eu.risk_exponents(np.array([0.3, 0.3, 0.3])), [1.0, 1.0, 1.0])


def test_round_zero_median_and_mean() -> None:
    # sum_k w_k |x_k - p|: p=0 -> 2.5, p=1 -> 2, p=2 -> 2.5: median 1 (B)
    # mean (0 x 1 + 1 x .5 + 2 x 1) / 2.5 = 1
    sc = scenario([("a", 0, 1, 1), ("b", 1, 1, 0.5), ("c", 2, 2, 0.5)], (0, 2))
    first = details(ExpectedUtilityModel(max_rounds=1), sc)["rounds"][0]
    assert first == {
        "round": 0,
        "median": 1.0,
        "mean": 1.0,
        "positions": {"a": 0.0, "b": 1.0, "c": 2.0},
        "offers": [],
    }


def test_expected_utility_with_better_and_worse() -> None:
    # r = 1, d = .5, d_mu = .5: U_s = 1, U_f = -1, U_sq = 0,
    # U_b = 2 - 4 (.5 - .25 (.5 + .5)) = 1, U_w = 2 - 4 (.75) = -1            (E4-E8)
    # Q = .5, T = .25, P = .25, s_j = .5:
    # .5 (.25 - .75) + .5 (1) - .5 (0) - .5 (.25 (1) + .75 (-1)) = -.25 + .5 + .25 = .5
    one = np.array(1.0)
    got = eu.expected_utility(one, -one, np.array(0.25), np.array(0.5), np.array(0.5),
                              np.array(0.5), one, 0.5, 0.25)  # fmt: skip
    assert float(got) == pytest.approx(0.5, abs=1e-15)
    # r = 2: U_s = 2 - 4 (.25)^2 = 1.75, U_f = 2 - 4 (.75)^2 = -.25, U_sq = 1,
    # U_b = 1.75, U_w = -.25: .5 (.4375 - .1875) + .875 - .5 - .5 (.25) = .375
    two = np.array(2.0)
    got = eu.expected_utility(np.array(1.75), np.array(-0.25), np.array(0.25), np.array(0.5),
                              np.array(0.5), np.array(0.5), two, 0.5, 0.25)  # fmt: skip
    assert float(got) == pytest.approx(0.375, abs=1e-15)


# --- two actors: a at 0 (c=1, s=1), b at 1 (c=1, s=.5); scale 0..10, R = 1 ----------
# Pass 1 (r = 1, d = 1): N_ab = 1, N_ba = .5, all-votes total 2 (1 + .5) = 3,
# P_ab = 1/3, P_ba = 1/6. EU(a->b) = 2 (1 - 2 (.5)(2/3)) = 2/3,
# EU(b->a) = 2 (1 - 2 (1)(5/6)) = -4/3. b is the more exposed: r_b = 1/2, r_a = 2.
# Pass 2: with d = 1 the votes are 1^r = 1, so P is unchanged; U_s = 2, U_f = -2, and
# U_sq = 2 - 4 (1/2)^r: 1 for r = 2, 2 - 2 sqrt 2 for r = 1/2.
TWO = [("a", 0.0, 1.0, 1.0), ("b", 1.0, 1.0, 0.5)]
TABLE2 = "scholz-2011-table2"  # the hand-worked two-actor cases use its denominator


def test_two_actors_compromise() -> None:
    # b's view (r_b = 1/2): E_i = EU(b->a) = -4/3 - (2 - 2 sqrt 2) = 2 sqrt 2 - 10/3 < 0
    # E_j = EU(a->b) = 2/3 - (2 - 2 sqrt 2) = 2 sqrt 2 - 4/3 > |E_i|: compromise (E12),
    # b moves the share |E_i| / E_j of the way to 0.
    # a's view (r_a = 2): EU(a->b) = 2/3 - 1 < 0 and EU(b->a) = -4/3 - 1 < 0: no offer.
    share = (10 / 3 - 2 * SQRT2) / (2 * SQRT2 - 4 / 3)
    out = details(ExpectedUtilityModel(max_rounds=1, preset=TABLE2), scenario(TWO, (0, 10)))
    assert out["risk_exponents"] == pytest.approx({"a": 2.0, "b": 0.5})
    first = out["rounds"][1]
    assert first["positions"]["a"] == 0.0
    assert first["positions"]["b"] == pytest.approx(1 - share, abs=1e-12)
    assert first["offers"] == [
        {"from": "a", "to": "b", "type": "compromise", "new_position": first["positions"]["b"]}
    ]
    # mean (0 x 1 + x_b x .5) / 1.5, median stays at a (weight 1 of 1.5)
    assert first["mean"] == pytest.approx((1 - share) / 3, abs=1e-12)
    assert first["median"] == 0.0


def test_two_actors_neutral_risk_capitulation() -> None:
    # r = 1 throughout, U_sq = 0: b's view E_i = -4/3, E_j = 2/3 < |E_i|: capitulation
    model = ExpectedUtilityModel(max_rounds=1, risk="neutral", preset=TABLE2)
    first = details(model, scenario(TWO, (0, 10)))["rounds"][1]
    assert first["positions"] == {"a": 0.0, "b": 0.0}
    assert first["offers"] == [
        {"from": "a", "to": "b", "type": "capitulation", "new_position": 0.0}
    ]


def test_two_actors_pair_denominator_conflict() -> None:
    # eq. (31): P_ab = 1 / 1.5 = 2/3, P_ba = 1/3. Pass 1: EU(a->b) = 2 (1 - 1/3) = 4/3,
    # EU(b->a) = 2 (1 - 4/3) = -2/3, so again r_b = 1/2, r_a = 2. b's view:
    # E_i = -2/3 - (2 - 2 sqrt 2) = .1618 > 0, E_j = 4/3 - (2 - 2 sqrt 2) = 2.1618 > E_i:
    # b expects to lose the conflict and moves to 0.
    model = ExpectedUtilityModel(max_rounds=1, probability="pair")
    first = details(model, scenario(TWO, (0, 10)))["rounds"][1]
    assert first["positions"] == {"a": 0.0, "b": 0.0}
    assert first["offers"] == [{"from": "a", "to": "b", "type": "conflict", "new_position": 0.0}]


def test_two_actors_own_perspective_no_move() -> None:
    # b credits a with r_a = 2: E_j = EU(a->b) = 2/3 - 1 = -1/3 < 0, so no offer to b;
    # a credits b with r_b = 1/2: EU(b->a) = 2 sqrt 2 - 10/3 < 0, no offer to a.
    out = details(ExpectedUtilityModel(perspective="own", preset=TABLE2), scenario(TWO, (0, 10)))
    assert out["converged"] is True
    assert out["stopped_after"] == 1
    assert out["rounds"][1]["positions"] == {"a": 0.0, "b": 1.0}
    assert out["rounds"][1]["offers"] == []
    assert out["outcome_rule"] == "final-median"


# --- offers (E12) on hand-made expected utilities -----------------------------------
def test_classify_offers() -> None:
    # receiver 0 at 0; proposers 1..3 at 1, 2, 3; proposer 4 at 0 (same position)
    x = np.array([0.0, 1.0, 2.0, 3.0, 0.0])
    e_i = np.zeros((5, 5))
    e_j = np.zeros((5, 5))
    e_i[0] = [0, 0.2, -0.1, -0.5, 0.3]
    e_j[0] = [0, 0.5, 0.4, 0.2, 0.9]
    kind = eu.classify_offers(x, e_i, e_j)
    # 1: .5 > .2 > 0 conflict; 2: |-.1| <= .4 compromise; 3: |-.5| > .2 capitulation;
    # 4: same position, no offer
    assert kind[0].tolist() == [0, eu.CONFLICT, eu.COMPROMISE, eu.CAPITULATION, 0]
    assert kind[1:].tolist() == [[0] * 5] * 4
    assert eu.compromise_share(np.array(-0.1), np.array(0.4)) == pytest.approx(0.25)


def choose(rule: eu.OfferChoice, x: np.ndarray, e_i: np.ndarray, e_j: np.ndarray) -> int:
    kind = eu.classify_offers(x, e_i, e_j)
    dist = np.abs(x[:, None] - x[None, :]) / 10.0
    one = (kind[..., None], dist[..., None], x[:, None], e_i[..., None], e_j[..., None])
    return int(eu.choose_offers(*one, rule, np.array([10.0]))[0, 0])


def test_choose_offers_rules() -> None:
    # receiver 0 at 5 gets two compromises: from 1 (at 0) with E_i = -.1, E_j = .4 and
    # from 2 (at 10) with E_i = -.2, E_j = .5.
    #   least move: 1 asks .25 x 5 = 1.25, 2 asks .4 x 5 = 2 -> 1
    #   scholz-code: EU-weighted points (.1 x 5 + .4 x 0) / .5 = 1 and
    #                (.2 x 5 + .5 x 10) / .7 = 8.57; the lowest -> 1
    #   type-strongest: the larger E_j (.5) -> 2
    x = np.array([5.0, 0.0, 10.0])
    e_i = np.zeros((3, 3))
    e_j = np.zeros((3, 3))
    e_i[0] = [0, -0.1, -0.2]
    e_j[0] = [0, 0.4, 0.5]
    assert choose("least-move", x, e_i, e_j) == 1
    assert choose("scholz-code", x, e_i, e_j) == 1
    assert choose("type-strongest", x, e_i, e_j) == 2
    # make 2 a conflict (E_j > E_i > 0): the by-type rules take it although it moves
    # the receiver 5, least-move keeps the compromise with 1
    e_i[0, 2], e_j[0, 2] = 0.1, 0.3
    assert choose("scholz-code", x, e_i, e_j) == 2
    assert choose("type-strongest", x, e_i, e_j) == 2
    assert choose("least-move", x, e_i, e_j) == 1


@pytest.mark.parametrize("rule", ["scholz-code", "type-strongest", "least-move"])
def test_choose_offers_ties_are_broken_by_the_destination_not_the_name(
    rule: eu.OfferChoice,
) -> None:
    # receiver 0 at 5, two identical conflicts from 1 at 0 and 2 at 10: both move it 5,
    # so the lower destination (0) wins, in whichever order the proposers come
    e_i = np.full((3, 3), 0.1)
    e_j = np.full((3, 3), 0.5)
    for x, winner in (([5.0, 0.0, 10.0], 1), ([5.0, 10.0, 0.0], 2)):
        assert choose(rule, np.array(x), e_i, e_j) == winner


def test_choose_offers_same_destination_records_the_first() -> None:
    # two identical conflicts from 1 and 2, both at 10: the receiver lands on 10 either
    # way; the first of the two is recorded as the proposer
    x = np.array([0.0, 10.0, 10.0])
    e_i = np.full((3, 3), 0.1)
    e_j = np.full((3, 3), 0.5)
    assert choose("scholz-code", x, e_i, e_j) == 1


# --- the model's options, stopping rule and details ---------------------------------
@pytest.mark.parametrize(
    "kwargs",
    [
        {"q": 1.5},
        {"t": -0.1},
        {"probability": "eq31"},
        {"perspective": "mine"},
        {"risk": "three-pass"},
        {"position_range": "current"},
        {"offer_choice": "nearest"},
        {"max_rounds": 0},
        {"max_rounds": 2.5},
        {"tol": -1.0},
        {"outcome": "mode"},
    ],
)
def test_invalid_options_raise_model_error(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ModelError, match="expected-utility"):
        ExpectedUtilityModel(**kwargs)


def test_registered_with_defaults() -> None:
    model = get_model("expected-utility")
    assert isinstance(model, ExpectedUtilityModel)
    assert model.options() == {
        "q": 1.0,
        "t": 1.0,
        "preset": "deu-grouped-cv",
        "probability": "pair",
        "perspective": "perceiver",
        "risk": "two-pass",
        "position_range": "initial",
        "offer_choice": "scholz-code",
        "max_rounds": 100,
        "tol": 1e-6,
        "outcome": "settled",
    }


def test_fixed_range() -> None:
    sc = scenario([("a", 2.0, 1, 1), ("b", 5.0, 1, 1)], (0, 10))
    data = sc.issue_data("x")
    assert ExpectedUtilityModel().settings(data).position_range == 3.0
    assert ExpectedUtilityModel(position_range="scale").settings(data).position_range == 10.0
    same = scenario([("a", 5.0, 1, 1), ("b", 5.0, 1, 1)], (0, 10)).issue_data("x")
    assert ExpectedUtilityModel().settings(same).position_range == 10.0


FOUR = [("w", 0.0, 1.0, 0.9), ("x", 3.0, 0.5, 0.4), ("y", 7.0, 0.8, 0.3), ("z", 10.0, 0.2, 0.8)]


def test_stopping_rule_and_outcome_statistics() -> None:
    sc = scenario(FOUR, (0, 10))
    for rule in ("final-median", "average-median", "settled"):
        out = details(ExpectedUtilityModel(max_rounds=3, tol=0.0, outcome=rule), sc)
        played = out["stopped_after"]
        assert played == len(out["rounds"]) - 1 <= 3
        medians = [r["median"] for r in out["rounds"][1:]]
        outcome = ExpectedUtilityModel(max_rounds=3, tol=0.0, outcome=rule).forecast(sc)
        value = outcome.issues[0].outcome
        if out["outcome_rule"] == "final-median":
            assert value == medians[-1]
        else:
            assert value == pytest.approx(sum(medians) / len(medians), abs=1e-12)
        if rule != "settled":
            assert out["outcome_rule"] == rule
        else:
            expected = "final-median" if out["converged"] else "average-median"
            assert out["outcome_rule"] == expected
        if not out["converged"]:
            assert played == 3


def test_details_are_plain_json() -> None:
    out = details(ExpectedUtilityModel(max_rounds=4), scenario(FOUR, (0, 10)))
    assert json.loads(json.dumps(out)) == out
    for k, entry in enumerate(out["rounds"]):
        assert set(entry) == {"round", "median", "mean", "positions", "offers"}
        assert entry["round"] == k
        assert set(entry["positions"]) == {"w", "x", "y", "z"}
        for offer in entry["offers"]:
            assert set(offer) == {"from", "to", "type", "new_position"}
            assert offer["type"] in {"conflict", "compromise", "capitulation"}
            assert offer["from"] != offer["to"]
            assert entry["positions"][offer["to"]] == offer["new_position"]
        movers = [o["to"] for o in entry["offers"]]
        assert len(movers) == len(set(movers))  # at most one accepted offer per actor


# --- issue #12: equally distant conflict offers; the answer must not depend on names ----
# A (c=0.5, x=75, s=0.3), B (c=3, x=50, s=0.3), C (c=3, x=100, s=0.3); w = (.15, .9, .9),
# R = 50, so d_AB = d_AC = 0.5, d_BC = 1.                                           (E1)
# Round 1, first pass (r = 1): N_AB = .15 x .5 + .9 x .5 = .525, N_BA = .9 x .5 = .45,
#   N_BC = N_CB = .9; all-votes D = .15 x 2 + .9 x 4 + .9 x 4 = 7.5.               (E3)
#   With q = 1, r = 1: EU(ij) = 2 d_ij (1 - 2 s_j (1 - P_ij)) = 2 d (.4 + .6 P).  (E9)
#   S_A = 2 x (.4 + .6 x .06) = .872, S_B = S_C = (.4 + .6 x .07) + 2 (.4 + .6 x .12)
#   = 1.386, so R_A = -1, R_B = R_C = 1: r_A = 2, r_B = r_C = .5.             (E10-E11)
# Second pass: A (r = 2) on B: U_s = 2 - 4 x .25^2 = 1.75, U_f = 2 - 4 x .75^2 = -.25,
#   U_sq = 1; P_AB = (.15 x .25 + .9 x (1 - .5^.5)) / 7.35 = .04097,
#   P_BA = .9 x .5^.5 / 7.35 = .08658; E_i = .3 (.04097 x 1.75 - .95903 x .25) + .7 x 1.75
#   - 1 = .1746 and E_j = .3 (.08658 x 1.75 - .91342 x .25) + .225 = .2020: E_j > E_i > 0,
#   a conflict, and by symmetry the same from C. B and C get no offer (B on C: E_i = E_j).
#   The two conflicts move A by 25 either way: the tie goes to the lower destination, 50.
# Round 2 (A, B at 50; C at 100): r_A = r_B = 2, r_C = .5; C (r = .5) on A: U_s = 2,
#   U_f = -2, U_sq = 2 - 4 x .5^.5; P_AC = 1.05 / 7.8, P_CA = .9 / 7.8;
#   E_i = .3 (4 P_CA - 2) + 1.4 - U_sq = 1.7669 < E_j = .3 (4 P_AC - 2) + 1.4 - U_sq
#   = 1.7900: C loses a conflict and moves to 50. Round 3: nobody moves (converged).
# So the forecast is 50 under every naming (before the fix: 50 or 100 by the names).
@pytest.mark.parametrize("names", [("A", "B", "C"), ("A", "C", "B"), ("Z", "B", "A")])
def test_equally_distant_conflicts_do_not_depend_on_names(names: tuple[str, str, str]) -> None:
    a, b, c = names
    sc = scenario([(a, 75.0, 0.5, 0.3), (b, 50.0, 3.0, 0.3), (c, 100.0, 3.0, 0.3)], (0, 100))
    out = details(ExpectedUtilityModel(), sc)
    first = out["rounds"][1]
    assert first["positions"] == {a: 50.0, b: 50.0, c: 100.0}
    assert first["offers"] == [{"from": b, "to": a, "type": "conflict", "new_position": 50.0}]
    assert out["rounds"][2]["positions"] == {a: 50.0, b: 50.0, c: 50.0}
    assert out["converged"] and out["stopped_after"] == 3
    assert ExpectedUtilityModel().forecast(sc).issues[0].outcome == 50.0


def test_equally_distant_conflicts_round_one_numbers() -> None:
    # the hand-computed risk exponents and expected utilities of the case above
    x, c, s = np.array([75.0, 50.0, 100.0]), np.array([0.5, 3.0, 3.0]), np.full(3, 0.3)
    result = eu.play_round(x, c * s, s, eu.Settings(position_range=50.0))
    np.testing.assert_allclose(result.risk, [2.0, 0.5, 0.5], rtol=1e-12)
    order = np.argsort(x)
    geo = eu.Geometry(x[order][:, None], np.array([50.0]))
    r = result.risk[order][:, None]
    p = eu.probability_of_success(geo, (c * s)[order][:, None], r, "all-votes")
    e_i, e_j = eu.challenge_utilities(geo, p, s[order][:, None], np.zeros((3, 1)), r, eu.Settings())
    # sorted: B (50) = 0, A (75) = 1, C (100) = 2; A's view of B's challenge
    assert e_i[1, 0, 0] == pytest.approx(0.17458, abs=1e-4)
    assert e_j[1, 0, 0] == pytest.approx(0.20195, abs=1e-4)
    assert result.proposer.tolist() == [1, -1, -1] and result.positions[0] == 50.0
