"""Known answers of the static models on small cases worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from detente.errors import ModelError
from detente.models import get_model
from detente.models.median import weighted_median
from detente.models.nash import nash_bargaining_point
from detente.scenario import Scenario

from strategies import minimal, one_issue


def ec_emissions_inputs() -> Scenario:
    """Table 1 of Scholz, Calbert & Smith (2011): (capability, position, salience 0-100)."""
    rows = [
        (0.08, 4, 80),
        (0.08, 7, 40),
        (0.03, 4, 20),
        (0.16, 4, 80),
        (0.16, 10, 60),
        (0.16, 10, 60),
        (0.16, 10, 90),
        (0.05, 7, 10),
        (0.05, 4, 100),
        (0.08, 7, 70),
    ]
    return one_issue([r[1] for r in rows], [(r[0], r[2] / 100) for r in rows], scale=[4, 10])


def outcome(model: str, scenario: Scenario) -> float | None:
    return get_model(model).forecast(scenario).outcome("x")


# -- compromise: sum(c s x) / sum(c s) --------------------------------------------------


def test_compromise_weighted_mean_by_hand() -> None:
    # weights 1*1, 2*0.5, 1*0.5 = 1, 1, 0.5; (0*1 + 6*1 + 10*0.5) / 2.5 = 11 / 2.5 = 4.4
    s = one_issue([0, 6, 10], [(1, 1), (2, 0.5), (1, 0.5)])
    assert outcome("compromise", s) == pytest.approx(4.4)


def test_compromise_ec_emissions_inputs() -> None:
    # Scholz et al. (2011) report the weighted mean of the EC car-emissions inputs as 7.39
    # (capability x salience weights); we recompute it from their Table 1.
    s = ec_emissions_inputs()
    assert outcome("compromise", s) == pytest.approx(7.39, abs=0.005)


# -- median: Black's weighted median ----------------------------------------------------


def test_median_by_hand() -> None:
    # weights 1, 1, 3 at 0, 5, 10: cumulative 1, 2, 5 of 5; half is 2.5 -> position 10
    assert outcome("median", one_issue([0, 5, 10], [(1, 1), (1, 1), (3, 1)])) == 10
    # weights 2, 1, 1: cumulative 2, 3, 4 of 4. At 0: left 2 >= 2, right 4 >= 2; at 5:
    # left 3, right 2 >= 2. Both (and all between) are medians -> midpoint 2.5
    assert outcome("median", one_issue([0, 5, 10], [(2, 1), (1, 1), (1, 1)])) == 2.5
    # weights 1, 2, 1: only 5 has >= 2 on both sides
    assert outcome("median", one_issue([0, 5, 10], [(1, 1), (2, 1), (1, 1)])) == 5


def test_median_exact_split_takes_midpoint() -> None:
    # weight 2 at 4 and 2 at 10: every point of [4, 10] is a weighted median -> 7
    assert weighted_median(np.array([10.0, 4.0]), np.array([2.0, 2.0])) == 7.0


def test_median_ec_emissions_inputs() -> None:
    # Scholz et al. (2011): weighted median of the inputs (before round 1) is 7.0
    s = ec_emissions_inputs()
    assert outcome("median", s) == 7.0


# -- nash: argmax sum w log(|q - x_i| - |x - x_i|) ----------------------------------------


def test_nash_symmetric_without_status_quo_is_midpoint() -> None:
    # no status quo: d_i is the worst end, reach 10 for both; max log(10-x) + log(x) -> 5
    assert outcome("nash", one_issue([0, 10], [(1, 1), (1, 1)])) == pytest.approx(5.0, abs=1e-9)


def test_nash_weights_pull_towards_heavier() -> None:
    # 2 log(10 - x) + log(x): derivative -2/(10-x) + 1/x = 0 -> x = 10/3
    assert outcome("nash", one_issue([0, 10], [(2, 1), (1, 1)])) == pytest.approx(10 / 3, abs=1e-9)


def test_nash_status_quo_between_actors_is_kept() -> None:
    # actor at 0 gains only left of 5, actor at 10 only right of 5: F is empty -> 5
    s = one_issue([0, 10], [(1, 1), (1, 1)], status_quo=5)
    assert outcome("nash", s) == 5
    forecast = get_model("nash").forecast(s)
    assert forecast.issues[0].details["improves_on_status_quo"] is False


def test_nash_with_status_quo_on_one_side() -> None:
    # q = 10, actors at 0 and 4 (weights 1): reaches 10 and 6; F = (-2, 10) within [0, 10].
    # max log(10 - x) + log(6 - |x - 4|). For 0 < x < 4: log(10-x) + log(2+x):
    # -1/(10-x) + 1/(2+x) = 0 -> x = 4; at x = 4 the right slope is -1/6 - 1/6 < 0 -> 4.
    assert nash_bargaining_point(np.array([0.0, 4.0]), np.array([1.0, 1.0]), (0, 10), 10.0) == (
        pytest.approx(4.0, abs=1e-9),
        True,
    )


# -- two-level: win-sets and their overlap -------------------------------------------------


def _agreement(
    a_accepts: list[float], b_accepts: list[float], ratifier: list[float] | None
) -> Scenario:
    actors = [
        {"id": "a", "name": "A", "capability": 1, "stances": {"x": {"position": 2, "salience": 1}}},
        {"id": "b", "name": "B", "capability": 1, "stances": {"x": {"position": 8, "salience": 1}}},
        {
            "id": "h",
            "name": "Home of A",
            "capability": 1,
            "stances": {"x": {"position": 0, "salience": 1}},
        },
    ]
    sig_a: dict[str, object] = {"actor": "a", "accepts": {"x": a_accepts}}
    if ratifier is not None:
        sig_a["ratifiers"] = [{"actor": "h", "accepts": {"x": ratifier}}]
    agreement = {
        "name": "deal",
        "signatories": [sig_a, {"actor": "b", "accepts": {"x": b_accepts}}],
    }
    return Scenario.from_dict(minimal(actors=actors, agreement=agreement))


def test_two_level_overlap_and_outcome() -> None:
    # A accepts 0-6, B accepts 4-10: ZOPA 4-6; signatories' mean (2+8)/2 = 5 lies inside
    f = get_model("two-level").forecast(_agreement([0, 6], [4, 10], None))
    assert f.agreement is not None and f.agreement.possible
    assert f.agreement.issues["x"]["zopa"] == [4, 6]
    assert f.outcome("x") == 5


def test_two_level_ratifier_closes_the_zopa() -> None:
    # A's home accepts only 0-3: A's win-set 0-3; B accepts 4-10 -> gap of 1 between 3 and 4
    f = get_model("two-level").forecast(_agreement([0, 6], [4, 10], [0, 3]))
    assert f.agreement is not None and not f.agreement.possible
    gap = f.agreement.issues["x"]["gap"]
    assert gap["size"] == 1
    assert gap["lowest_acceptable"]["held_by"] == "b"
    assert gap["highest_acceptable"]["held_by"] == "h"
    assert gap["to_settle_at_highest_acceptable"] == ["b"]
    assert gap["to_settle_at_lowest_acceptable"] == ["h"]
    assert f.outcome("x") is None  # no agreement and no status quo
    assert "Home of A accepts nothing above 3" in f.agreement.explanation


def test_two_level_outcome_projected_into_zopa() -> None:
    # A accepts 0-6, B 5.5-10: ZOPA 5.5-6; mean 5 is projected to 5.5
    assert get_model("two-level").forecast(_agreement([0, 6], [5.5, 10], None)).outcome("x") == 5.5


def test_two_level_default_acceptance_is_better_than_status_quo() -> None:
    # no accepts/tolerance, status quo 7: A (at 2) accepts |x - 2| <= 5 -> 0..7 on the scale;
    # B (at 4) accepts |x - 4| <= 3 -> 1..7; ZOPA 1-7
    actors = [
        {"id": "a", "name": "A", "capability": 1, "stances": {"x": {"position": 2, "salience": 1}}},
        {"id": "b", "name": "B", "capability": 1, "stances": {"x": {"position": 4, "salience": 1}}},
    ]
    s = Scenario.from_dict(
        minimal(
            issues=[{"id": "x", "name": "X", "scale": [0, 10], "status_quo": 7}],
            actors=actors,
            agreement={"name": "d", "signatories": [{"actor": "a"}, {"actor": "b"}]},
        )
    )
    f = get_model("two-level").forecast(s)
    assert f.agreement is not None and f.agreement.issues["x"]["zopa"] == [1, 7]
    assert f.outcome("x") == 3  # signatories' mean (2 + 4) / 2


def test_two_level_needs_an_agreement() -> None:
    with pytest.raises(ModelError, match="needs an agreement"):
        get_model("two-level").forecast(Scenario.from_dict(minimal()))


def test_zero_weights_are_a_clear_error() -> None:
    s = one_issue([0, 10], [(0, 1), (1, 0)])
    for name in ("compromise", "median", "nash"):
        with pytest.raises(ModelError, match="zero weight"):
            get_model(name).forecast(s)


# -- named distributions of a range -------------------------------------------------------


def test_uniform_and_pert_ranges() -> None:
    from detente.quantity import Range

    uniform = Range.model_validate({"dist": "uniform", "low": 2, "high": 6})
    assert uniform.mode == 4  # the midpoint, what static models use
    assert list(uniform.ppf(np.array([0.0, 0.25, 1.0]))) == [2, 3, 6]
    draws = uniform.sample(np.random.default_rng(1), 200_000)
    # uniform on [2, 6]: mean 4, variance 16/12
    assert draws.min() >= 2 and draws.max() <= 6
    assert draws.mean() == pytest.approx(4, abs=0.01)
    assert draws.var() == pytest.approx(16 / 12, rel=0.01)
    pert = Range.model_validate({"dist": "pert", "low": 0, "mode": 3, "high": 12})
    # Beta-PERT: a = 1 + 4*3/12 = 2, b = 1 + 4*9/12 = 4; mean (0 + 4*3 + 12)/6 = 4
    # variance of 12 * Beta(2, 4): 144 * (2*4) / (6^2 * 7) = 32/7
    sample = pert.sample(np.random.default_rng(2), 200_000)
    assert sample.mean() == pytest.approx(4, abs=0.02)
    assert sample.var() == pytest.approx(32 / 7, rel=0.02)
    # median of Beta(2, 4) is about 0.3138 -> 3.766 on [0, 12]
    assert float(pert.ppf(np.array([0.5]))[0]) == pytest.approx(12 * 0.31381, abs=1e-3)
    assert pert.describe() == "3 (pert 0–12)"


def test_a_named_law_round_trips_through_a_scenario_file() -> None:
    data = minimal()
    data["actors"][0]["capability"] = {"dist": "pert", "low": 0.5, "mode": 1, "high": 3}
    scenario = Scenario.from_dict(data)
    assert scenario.actor("a").capability.dist == "pert"
    again = Scenario.from_dict(scenario.to_dict())
    assert again == scenario
    with pytest.raises(ValidationError, match="triangular"):
        data["actors"][0]["capability"] = {"dist": "normal", "low": 0, "mode": 1, "high": 2}
        Scenario.from_dict(data)
