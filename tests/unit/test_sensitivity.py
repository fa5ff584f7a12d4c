"""One-at-a-time swings and Sobol indices, against answers worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from detente.analysis.sensitivity import (
    P_AGREEMENT,
    one_at_a_time,
    pick_headline,
    sobol_analysis,
    sobol_sensitivity,
    triangular_ppf,
)
from detente.errors import DetenteError
from detente.models import get_model
from detente.quantity import Range
from detente.scenario import Scenario
from detente.scenario_edits import DatedEvaluator
from detente.scenarios import DEFAULT, load_embedded

from strategies import minimal

RP_FLOOR = "agreement.signatories.russia.ratifiers.russian_public.accepts.territory.0"


def two_actors(**b: object) -> Scenario:
    """A (capability 1, salience 1) at 0 against B at 100 on a 0-100 issue."""
    actors = [
        {"id": "a", "name": "A", "capability": 1, "stances": {"x": {"position": 0, "salience": 1}}},
        {
            "id": "b",
            "name": "B",
            "capability": 1,
            "stances": {"x": {"position": 100, "salience": 1}},
        },
    ]
    actors[1].update(b)  # type: ignore[arg-type]
    return Scenario.from_dict(
        minimal(issues=[{"id": "x", "name": "X", "scale": [0, 100]}], actors=actors)
    )


def test_oat_compromise_two_actors_by_hand() -> None:
    # compromise = (1*1*0 + c_B*1*x_B) / (1 + c_B), with c_B in {1, 2, 3} and x_B in
    # {60, 80, 100}. Modes: 2*80/3 = 53.33. c_B: 1*80/2 = 40 and 3*80/4 = 60 -> effect
    # (60 - 40)/100 = 0.2. x_B: 2*60/3 = 40 and 2*100/3 = 66.67 -> effect 0.2667.
    scenario = two_actors(
        capability={"low": 1, "mode": 2, "high": 3},
        stances={"x": {"position": {"low": 60, "mode": 80, "high": 100}, "salience": 1}},
    )
    result = one_at_a_time(scenario, models=["compromise"], runs=0)
    assert [m.id for m in result.metrics] == ["compromise:x"]  # no agreement: no dated model
    assert result.base["compromise:x"] == pytest.approx(160 / 3)
    first, second = result.ranked("compromise:x")
    assert first.parameter.path == "actors.b.stances.x.position"
    assert first.low["compromise:x"] == pytest.approx(40)
    assert first.high["compromise:x"] == pytest.approx(200 / 3)
    assert first.effects["compromise:x"] == pytest.approx((200 / 3 - 40) / 100)
    assert second.parameter.path == "actors.b.capability"
    assert (second.low["compromise:x"], second.high["compromise:x"]) == pytest.approx((40, 60))
    assert second.effect == pytest.approx(0.2)
    assert result.headline() == "compromise:x"


def test_oat_a_weightless_actor() -> None:
    # B's salience {0, 1, 1}: at the low B has no weight and the compromise is A's 0; at
    # the mode and the high both weigh 1: (0 + 100) / 2 = 50 -> effect (50 - 0) / 100.
    scenario = two_actors(
        stances={"x": {"position": 100, "salience": {"low": 0, "mode": 1, "high": 1}}}
    )
    (swing,) = one_at_a_time(scenario, models=["compromise"], runs=0).swings
    assert (swing.low["compromise:x"], swing.high["compromise:x"]) == pytest.approx((0, 50))
    assert swing.effect == pytest.approx(0.5)


def test_oat_on_the_default_ranks_the_home_fronts_first() -> None:
    # Two-level gap = highest floor - lowest ceiling = max(80, 85) - min(50, 50) = 35.
    # Russian public's floor 70..100: at 70 the presidency's 80 binds, gap 80 - 50 = 30;
    # at 100, gap 50 -> spread 50 - 30 = 20 points, 0.2 of the 100-point scale.
    # Japanese public's ceiling 30..60: gap 85 - 30 = 55 .. 85 - 50 = 35 (Japan's 50
    # binds) -> 0.2. Japan's ceiling 40..60: 45 .. 35 -> 0.1. Russia's floor 70..90: the
    # public's 85 binds below 85, so 35 .. 90 - 50 = 40 -> 0.05.
    result = one_at_a_time(load_embedded(DEFAULT), models=["two-level"], runs=16, seed=1)
    assert result.base["two-level:gap"] == 35
    ranked = result.ranked("two-level:gap")
    effects = {s.parameter.path: s.effects["two-level:gap"] for s in ranked[:4]}
    assert effects == pytest.approx(
        {
            RP_FLOOR: 0.2,
            "agreement.signatories.japan.ratifiers.japanese_public.accepts.territory.1": 0.2,
            "agreement.signatories.japan.accepts.territory.1": 0.1,
            "agreement.signatories.russia.accepts.territory.0": 0.05,
        }
    )
    floor = next(s for s in ranked if s.parameter.path == RP_FLOOR)
    assert (floor.low["two-level:gap"], floor.high["two-level:gap"]) == (30, 50)
    assert all(s.effects["two-level:gap"] == 0 for s in ranked[4:])
    # the dated model is registered, so P(agreement) is a metric; no single range of the
    # default closes the ratifiers' 35-point gap, so it stays 0 in every swing
    assert P_AGREEMENT in result.base and result.base[P_AGREEMENT] == 0
    assert result.headline() == "two-level:gap"


def test_pick_headline_prefers_the_agreement_numbers() -> None:
    assert pick_headline({"compromise:x": 0.5, "two-level:gap": 0.1, P_AGREEMENT: 0.0}) == (
        "two-level:gap"
    )
    assert pick_headline({"compromise:x": 0.5, P_AGREEMENT: 0.01}) == P_AGREEMENT
    assert pick_headline({"a:x": 0.1, "b:x": 0.3}) == "b:x"
    assert pick_headline({"a:x": 0.0}) is None


def test_dated_evaluator_reproduces_the_models_forecast() -> None:
    scenario = load_embedded(DEFAULT)
    model = get_model("deadline-bargaining")
    agreement = model.forecast(scenario).agreement
    assert agreement is not None
    expected = agreement.extra["by"][scenario.horizon.isoformat()]
    # same modes, same seed (0), same shock paths: exactly the model's own number
    assert DatedEvaluator(scenario)([{}])[0] == pytest.approx(expected, abs=1e-12)


def test_dated_evaluator_common_random_numbers() -> None:
    scenario = load_embedded(DEFAULT)
    evaluator = DatedEvaluator(scenario, runs=32, seed=3)
    settings = [{RP_FLOOR: 40.0}, {RP_FLOOR: 95.0}, {RP_FLOOR: 40.0}]
    values = evaluator(settings)
    # the same setting gets the same draws and shock paths, however it is batched
    assert values[0] == values[2]
    assert evaluator([{RP_FLOOR: 40.0}])[0] == values[0]
    # a floor of 95 leaves the 45-point gap open in every draw: no agreement
    assert values[1] == 0.0
    with pytest.raises(DetenteError, match="not a number of this scenario"):
        evaluator([{"actors.nobody.capability": 1.0}])


# -- Sobol -----------------------------------------------------------------------------


def test_triangular_quantiles_by_hand() -> None:
    # symmetric on [0, 1]: F(x) = 2x^2 below the mode, so F^-1(0.125) = 0.25
    u = np.array([0.125, 0.5, 0.875])
    assert triangular_ppf(u, 0, 0.5, 1) == pytest.approx([0.25, 0.5, 0.75])
    # mode at the low end: F(x) = 1 - (1 - x)^2, so F^-1(0.75) = 0.5
    assert triangular_ppf(np.array([0.75]), 0, 0, 1) == pytest.approx([0.5])
    assert triangular_ppf(np.array([0.3]), 2, 2, 2) == pytest.approx([2.0])


def test_sobol_first_order_indices_of_an_additive_model() -> None:
    # y = sum a_i x_i with independent x_i: S1_i = ST_i = a_i^2 Var(x_i) / sum_j a_j^2 Var(x_j),
    # and the variance of a triangular(l, m, h) law is (l^2 + m^2 + h^2 - lm - lh - mh) / 18.
    ranges = [
        Range(low=0, mode=1, high=2),
        Range(low=0, mode=0, high=3),
        Range(low=-1, mode=0.5, high=1),
    ]
    a = np.array([1.0, 2.0, 3.0])
    var = np.array(
        [
            (r.low**2 + r.mode**2 + r.high**2 - r.low * r.mode - r.low * r.high - r.mode * r.high)
            / 18
            for r in ranges
        ]
    )
    expected = a**2 * var / np.sum(a**2 * var)  # 0.044, 0.527, 0.429
    (found,) = sobol_analysis(lambda x: x @ a, ranges, n=1024, seed=7)
    assert found is not None
    assert found.first == pytest.approx(expected, abs=0.03)
    assert found.total == pytest.approx(expected, abs=0.03)
    assert found.variance == pytest.approx(np.sum(a**2 * var), rel=0.05)


def test_sobol_undefined_for_a_constant_output_and_bad_sizes() -> None:
    ranges = [Range(low=0, mode=1, high=2), Range(low=0, mode=1, high=2)]
    constant, varying = sobol_analysis(
        lambda x: np.column_stack([np.ones(len(x)), x[:, 0]]), ranges, n=64, seed=0
    )
    assert constant is None
    assert varying is not None and varying.first[1] == pytest.approx(0, abs=0.05)
    with pytest.raises(DetenteError, match="power of 2"):
        sobol_analysis(lambda x: x[:, 0], ranges, n=100, seed=0)


def test_sobol_on_a_scenario_attributes_the_compromise_to_the_position() -> None:
    # compromise = x_B / 2 with equal weights: linear in B's position, untouched by B's
    # motive weight, so S1(position) = ST(position) = 1 and both indices of the weight are 0.
    scenario = two_actors(
        stances={"x": {"position": {"low": 40, "mode": 60, "high": 100}, "salience": 1}},
        motives=[{"id": "m", "description": "m", "weight": {"low": 0.1, "mode": 0.5, "high": 0.9}}],
    )
    result = sobol_sensitivity(scenario, n=64, seed=2, models=["compromise"])
    assert result.evaluations == 64 * (2 + 2)
    rows = {r["path"]: r for r in result.ranked("compromise:x")}
    position, weight = rows["actors.b.stances.x.position"], rows["actors.b.motives.m.weight"]
    assert (position["S1"], position["ST"]) == pytest.approx((1, 1), abs=0.02)
    assert (weight["S1"], weight["ST"]) == pytest.approx((0, 0), abs=0.02)
    assert result.headline() == "compromise:x"


def test_sobol_confidence_intervals_repeat_with_seed_0() -> None:
    # SALib seeds its bootstrap only for a truthy seed: seed 0 must still repeat exactly
    ranges = [Range(low=0, mode=1, high=2), Range(low=0, mode=1, high=3)]
    a = np.array([1.0, 2.0])
    runs = [sobol_analysis(lambda x: x @ a, ranges, n=64, seed=0)[0] for _ in range(2)]
    first, again = runs
    assert first is not None and again is not None
    assert first.first_conf == again.first_conf and first.total_conf == again.total_conf
