"""Correlated ranges: the Gaussian copula, its checks, and its effect on P(agreement).

Hand-worked case (the zone exists iff Japan's upper bound reaches Russia's lower one):
Japan accepts [0, 40 + 20 u1], Russia [45 + 20 u2, 100], u1, u2 uniform; no one has a
cost of delay, so no one concedes and P(agreement by any date) = P(u1 - u2 >= 0.25).
Independent (rho = 0): the triangle of area (1 - 0.25)^2 / 2 = 0.28125. Comonotone
(rho = 1, u1 = u2): 0. Countermonotone (rho = -1, u2 = 1 - u1): P(u1 >= 0.625) = 0.375.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.errors import ScenarioError
from detente.io import parse_scenario
from detente.models.deadline_bargaining import MODEL
from detente.scenario import Scenario
from detente.uncertainty import ScenarioSampler

from strategies import attrition_pair

JP_HI = "agreement.signatories.jp.accepts.t.1"
RU_LO = "agreement.signatories.ru.accepts.t.0"


def uncertain_pair(rho: float | None) -> dict[str, Any]:
    data = attrition_pair()
    data["actors"][0]["motives"] = []  # no cost of delay: nobody concedes
    del data["dynamics"]
    data["agreement"]["signatories"][0]["accepts"]["t"] = [
        {"low": 45, "high": 65, "dist": "uniform"},
        100,
    ]
    data["agreement"]["signatories"][1]["accepts"]["t"] = [
        0,
        {"low": 40, "high": 60, "dist": "uniform"},
    ]
    if rho is not None:
        data["correlation"] = [{"id": "misjudged", "ranges": [JP_HI, RU_LO], "rho": rho}]
    return data


def p_agreement(data: dict[str, Any], n: int = 40_000, seed: int = 1) -> float:
    scenario = Scenario.from_dict(data)
    draws = ScenarioSampler(scenario).sample(np.random.default_rng(seed), n)
    result = MODEL.forecast_draws(
        scenario, draws, MODEL.sample_process(scenario, draws, np.random.default_rng(0))
    )
    return float(result.by[:, -1].mean())


@pytest.mark.parametrize(
    ("rho", "expected"),
    [(None, 0.28125), (0.0, 0.28125), (1.0, 0.0), (-1.0, 0.375)],
)
def test_correlation_moves_p_agreement_as_worked_by_hand(
    rho: float | None, expected: float
) -> None:
    # 40,000 draws: standard error <= sqrt(0.25 / 40000) = 0.0025; tolerance 4 SE = 0.01
    assert p_agreement(uncertain_pair(rho)) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("rho", [-1.0, 0.5, 1.0])
def test_fixing_one_range_of_the_pair_gives_the_hand_worked_p(rho: float) -> None:
    # Japan's bound fixed at 60: the zone exists iff 60 >= 45 + 20 u2, P = 0.75; Russia's
    # fixed at 50: iff 40 + 20 u1 >= 50, P = 0.5; whatever rho, since a fixed range leaves
    # its group (docs/uncertainty.md) and the other keeps its own law. 40,000 draws: SE
    # <= 0.0025; tolerance 4 SE = 0.01.
    from detente.scenario_edits import DatedEvaluator, set_parameter

    scenario = Scenario.from_dict(uncertain_pair(rho))
    edited = set_parameter(scenario, JP_HI, 60)  # what whatif and sweep forecast
    assert edited.correlation == []
    assert p_agreement(edited.to_dict()) == pytest.approx(0.75, abs=0.01)
    # what flip and sensitivity evaluate: the joint draws with one column set
    evaluator = DatedEvaluator(scenario, runs=40_000, seed=1)
    assert evaluator([{JP_HI: 60}, {RU_LO: 50}]) == pytest.approx([0.75, 0.5], abs=0.01)


def test_without_groups_the_draws_are_the_independent_stream() -> None:
    # a scenario without correlation must sample exactly as before the feature existed
    scenario = Scenario.from_dict(uncertain_pair(None))
    sampler = ScenarioSampler(scenario)
    draws = sampler.sample(np.random.default_rng(5), 10)
    rng = np.random.default_rng(5)
    expected = [
        scenario.agreement.signatories[0].accepts["t"][0].sample(rng, 10),  # type: ignore[union-attr]
        scenario.agreement.signatories[1].accepts["t"][1].sample(rng, 10),  # type: ignore[union-attr]
    ]
    assert np.array_equal(draws.matrix, np.column_stack(expected))


def test_rank_correlation_of_the_draws_is_kruskals_formula() -> None:
    # Spearman's rho of a Gaussian copula is (6/pi) asin(rho/2) (Kruskal 1958), whatever
    # the marginals: 0.4828 for rho = 0.5. 40,000 draws: SE about 0.004; tolerance 0.015.
    from scipy.stats import spearmanr

    scenario = Scenario.from_dict(uncertain_pair(0.5))
    sampler = ScenarioSampler(scenario)
    draws = sampler.sample(np.random.default_rng(3), 40_000)
    jp = draws.get(("agreement", "signatories", 1, "accepts", "t", 1))
    ru = draws.get(("agreement", "signatories", 0, "accepts", "t", 0))
    assert spearmanr(jp, ru).statistic == pytest.approx(6 / math.pi * math.asin(0.25), abs=0.015)


def test_correlated_draws_keep_each_range_within_its_bounds() -> None:
    scenario = Scenario.from_dict(uncertain_pair(-0.7))
    draws = ScenarioSampler(scenario).sample(np.random.default_rng(0), 2000)
    jp = draws.get(("agreement", "signatories", 1, "accepts", "t", 1))
    assert jp.min() >= 40 and jp.max() <= 60


def error_of(data: dict[str, Any]) -> str:
    import yaml

    with pytest.raises(ScenarioError) as info:
        parse_scenario(yaml.safe_dump(data, sort_keys=False), "pair.yaml")
    return str(info.value)


def test_an_unknown_path_names_the_file_line_and_field() -> None:
    data = uncertain_pair(0.5)
    data["correlation"][0]["ranges"][1] = "agreement.signatories.ru.accepts.nowhere.0"
    message = error_of(data)
    assert "pair.yaml" in message and "correlation[0].ranges[1]" in message
    assert "'nowhere'" in message


def test_a_fixed_number_cannot_be_correlated() -> None:
    data = uncertain_pair(0.5)
    data["correlation"][0]["ranges"][1] = "agreement.signatories.ru.accepts.t.1"
    assert "fixed at 100" in error_of(data)


def test_a_pair_takes_one_correlation() -> None:
    data = uncertain_pair(0.5)
    data["correlation"].append({"id": "again", "ranges": [RU_LO, JP_HI], "rho": 0.2})
    message = error_of(data)
    assert "correlation[1].rho" in message and "already have rho 0.5" in message


def test_rho_outside_minus_one_to_one_is_refused() -> None:
    data = uncertain_pair(1.5)
    assert "correlation[0].rho" in error_of(data)


def three_ranges(rho: float) -> dict[str, Any]:
    data = uncertain_pair(None)
    data["actors"][0]["capability"] = {"low": 0.5, "mode": 1, "high": 2}
    data["correlation"] = [
        {"id": "all", "ranges": [JP_HI, RU_LO, "actors.ru.capability"], "rho": rho}
    ]
    return data


def test_correlations_that_cannot_all_hold_are_refused() -> None:
    # three variables pairwise at -0.9: eigenvalue 1 + 2(-0.9) = -0.8 < 0
    message = error_of(three_ranges(-0.9))
    assert "not positive semi-definite" in message and "-0.8" in message
    assert "correlation[0].rho" in message


@settings(max_examples=40, deadline=None)
@given(rho=st.floats(-1.0, 1.0))
def test_an_equicorrelated_group_is_valid_iff_rho_is_at_least_minus_one_half(rho: float) -> None:
    # the m x m matrix with rho off the diagonal has eigenvalues 1 + (m-1) rho and 1 - rho,
    # so with m = 3 it is a correlation matrix iff rho >= -1/2
    if abs(rho + 0.5) < 1e-6:
        return
    data = three_ranges(rho)
    if rho > -0.5:
        Scenario.from_dict(data)
    else:
        with pytest.raises(ScenarioError):
            Scenario.from_dict(data)


@settings(max_examples=15, deadline=None)
@given(rho=st.floats(-1.0, 1.0), seed=st.integers(0, 2**16))
def test_correlation_never_changes_a_ranges_own_law(rho: float, seed: int) -> None:
    # each marginal stays uniform on [40, 60]: Kolmogorov-Smirnov distance of 4,000 draws
    # below 0.035 (the 0.1% critical value is 1.95 / sqrt(4000) = 0.031)
    scenario = Scenario.from_dict(uncertain_pair(rho))
    draws = ScenarioSampler(scenario).sample(np.random.default_rng(seed), 4000)
    jp = np.sort(draws.get(("agreement", "signatories", 1, "accepts", "t", 1)))
    ecdf = np.arange(1, 4001) / 4000
    assert np.max(np.abs(ecdf - (jp - 40) / 20)) < 0.035
