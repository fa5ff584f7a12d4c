"""Hand-worked cases of the dated model (deadline-bargaining).

Every expected value below is worked out by hand from the model's equations
(``docs/models/deadline-bargaining.md``): with one leader able to concede at a constant
hazard h and nothing else moving, P(agreement by t) = 1 - exp(-h t); with a legacy
motive of weight L and stake V before a term end T, P = 1 - (1 - t/T)^(L/V).
Times are years of 365.25 days from ``as_of``.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pytest

from detente.errors import ModelError
from detente.models import get_model
from detente.models._deadline_arrays import inputs, structure
from detente.models._deadline_chain import concession_probability
from detente.models.deadline_bargaining import MODEL
from detente.scenario import Scenario
from detente.scenarios import load_embedded
from detente.uncertainty import ScenarioSampler, run_monte_carlo

from strategies import attrition_pair as base

AS_OF = dt.date(2020, 1, 1)


def years(day: dt.date) -> float:
    return (day - AS_OF).days / 365.25


def curve(data: dict[str, Any]) -> dict[str, float]:
    forecast = MODEL.forecast(Scenario.from_dict(data))
    assert forecast.agreement is not None
    return dict(forecast.agreement.extra["curve"])


def test_registered_under_its_name() -> None:
    assert get_model("deadline-bargaining") is MODEL


def test_constant_hazard_gives_an_exponential_curve() -> None:
    # h = 0.5 a year; Russia's concession opens the zone [0, 40] at once (no ratifiers)
    by = curve(base())
    for day, p in by.items():
        t = years(dt.date.fromisoformat(day))
        assert p == pytest.approx(1 - math.exp(-0.5 * t), abs=1e-12)


def test_agreed_point_is_the_compromise_clipped_into_the_zone() -> None:
    # weighted mean of 100 and 0 (equal weights) is 50, clipped into [0, 40] -> 40;
    # P(by 2022-01-01) = 1 - exp(-0.5 * 731/365.25) = 0.632 >= 0.5, so the outcome is 40
    forecast = MODEL.forecast(Scenario.from_dict(base()))
    assert forecast.outcome("t") == pytest.approx(40.0)
    assert forecast.issues[0].details["p_agreement"] == pytest.approx(
        1 - math.exp(-0.5 * 731 / 365.25)
    )


def test_median_time_is_the_first_grid_date_past_ln2_over_h() -> None:
    # ln 2 / 0.5 = 1.386 years: 2021-05-01 is 486 days (1.331 y), 2021-06-01 517 days (1.415 y)
    forecast = MODEL.forecast(Scenario.from_dict(base()))
    assert forecast.agreement is not None
    assert forecast.agreement.extra["median_time"] == "2021-06-01"


def test_no_cost_of_delay_means_no_concession_and_no_agreement() -> None:
    data = base()
    data["actors"][0]["motives"] = []
    forecast = MODEL.forecast(Scenario.from_dict(data))
    assert forecast.agreement is not None
    assert set(forecast.agreement.extra["curve"].values()) == {0.0}
    assert forecast.agreement.possible is False
    assert forecast.outcome("t") is None  # no status quo to fall back on


def test_status_quo_when_no_deal() -> None:
    data = base()
    data["actors"][0]["motives"] = []
    data["issues"][0]["status_quo"] = 100
    assert MODEL.forecast(Scenario.from_dict(data)).outcome("t") == 100.0


def test_ratifier_blocks_until_its_set_drifts_open() -> None:
    # Russia's ratifier accepts 70-100 (anchor 85 without a stance, reach 15 each side);
    # drift 0.1 a year widens the reach by 10 points a year: its floor is 70 - 10 t and
    # meets Japan's 40 at t = 3 years. Russia concedes at 0.5 a year meanwhile, so
    # P(by t) = 0 before t = 3 and 1 - exp(-0.5 t) after.
    data = base(
        signatories=[
            {"actor": "ru", "discount_rate": 0.2, "ratifiers": [{"actor": "duma", "drift": 0.1}]}
        ]
    )
    data["horizon"] = "2025-01-01"
    data["actors"].append({"id": "duma", "name": "Duma", "capability": 1})
    data["agreement"]["signatories"][0]["ratifiers"] = [
        {"actor": "duma", "accepts": {"t": [70, 100]}}
    ]
    for day, p in curve(data).items():
        t = years(dt.date.fromisoformat(day))
        expected = 0.0 if 70 - 10 * t > 40 + 1e-9 else 1 - math.exp(-0.5 * t)
        assert p == pytest.approx(expected, abs=1e-12), day


def test_disjoint_win_sets_give_exactly_zero() -> None:
    # Russia's Duma accepts 70-100, Japan's Diet 0-40: even if both leaders concede
    # (both have a cost of delay here) the win-sets leave a gap of 30 points.
    data = base(signatories=[{"actor": "ru", "discount_rate": 0.2}, {"actor": "jp"}])
    data["actors"][1]["motives"] = [{"id": "deal", "description": "wants it", "weight": 0.5}]
    data["actors"].append({"id": "duma", "name": "Duma", "capability": 1})
    data["actors"].append({"id": "diet", "name": "Diet", "capability": 1})
    data["agreement"]["signatories"][0]["ratifiers"] = [
        {"actor": "duma", "accepts": {"t": [70, 100]}}
    ]
    data["agreement"]["signatories"][1]["ratifiers"] = [
        {"actor": "diet", "accepts": {"t": [0, 40]}}
    ]
    forecast = MODEL.forecast(Scenario.from_dict(data))
    assert forecast.agreement is not None
    assert max(forecast.agreement.extra["curve"].values()) == 0.0
    zone = forecast.agreement.issues["t"]
    assert zone["zone_if_leaders_concede"] is None
    assert zone["gap_if_leaders_concede"] == pytest.approx(30.0)


def test_legacy_makes_concession_certain_by_the_term_end() -> None:
    # Japan's only motive (weight 0.5) is a legacy valued before its leader's term ends on
    # 2021-01-01 (T = 366/365.25 y); Japan's stake is 1 x 20/100 = 0.2; Russia has no
    # motive. P(by t) = 1 - (1 - t/T)^(0.5/0.2) before T and 1 from T on.
    data = base(signatories=[{"actor": "jp", "legacy": ["name"]}])
    data["actors"][0]["motives"] = []
    data["actors"][1]["motives"] = [{"id": "name", "description": "history", "weight": 0.5}]
    data["agreement"]["signatories"][1]["leader"] = {"name": "Abe", "term_ends": "2021-01-01"}
    term = years(dt.date(2021, 1, 1))
    for day, p in curve(data).items():
        t = years(dt.date.fromisoformat(day))
        expected = 1.0 if t >= term else 1 - (1 - t / term) ** 2.5
        assert p == pytest.approx(expected, abs=1e-12), day


def test_successor_flexibility_scales_the_stake_after_the_term_end() -> None:
    # Japan (motive 0.5, rate 0.2: cost 0.1 a year) must concede; Russia never does.
    # Russia accepts 60-100 around its position 100 (reach 40 below). Japan's stake is
    # 20/100 = 0.2 (h = 0.5) until Putin's term ends on 2021-01-01; the successor's
    # reach is 0.5 x 40 = 20, so Russia's floor is 80, the stake 0.4 and h = 0.25.
    data = base(signatories=[{"actor": "jp", "discount_rate": 0.2}])
    data["actors"][1]["motives"] = [{"id": "deal", "description": "wants it", "weight": 0.5}]
    data["actors"][0]["motives"] = []
    data["agreement"]["signatories"][0]["leader"] = {
        "name": "Putin",
        "term_ends": "2021-01-01",
        "successor_flexibility": 0.5,
    }
    term = years(dt.date(2021, 1, 1))
    for day, p in curve(data).items():
        t = years(dt.date.fromisoformat(day))
        hazard = 0.5 * t if t <= term else 0.5 * term + 0.25 * (t - term)
        assert p == pytest.approx(1 - math.exp(-hazard), abs=1e-12), day


def test_turnover_resets_a_concession_of_the_departing_leader() -> None:
    # Russia's own set after the term end (successor flexibility 0.5) is 80-100: the
    # arrays show the leader's floor at 60 before and 80 after.
    data = base()
    data["agreement"]["signatories"][0]["leader"] = {
        "name": "Putin",
        "term_ends": "2021-01-01",
        "successor_flexibility": 0.5,
    }
    scenario = Scenario.from_dict(data)
    st = structure(scenario)
    inp = inputs(st, ScenarioSampler(scenario).modes(1), np.zeros((1, 0, st.line.steps)))
    k_end = st.line.index(dt.date(2021, 1, 1))
    assert inp.own_lo[0, 0, 0, k_end] == pytest.approx(60.0)
    assert inp.own_lo[0, 0, 0, k_end + 1] == pytest.approx(80.0)
    assert st.turnover_step[0] == k_end + 1


def test_signing_lag_delays_an_existing_zone() -> None:
    # Both accept 40-60: a zone exists from the start; mean lag 6 months is a signing
    # hazard of 2 a year, so P(by t) = 1 - exp(-2 t).
    data = base(signing_lag=6)
    data["agreement"]["signatories"][0]["accepts"] = {"t": [40, 60]}
    data["agreement"]["signatories"][1]["accepts"] = {"t": [40, 60]}
    for day, p in curve(data).items():
        t = years(dt.date.fromisoformat(day))
        assert p == pytest.approx(1 - math.exp(-2 * t), abs=1e-12), day


def test_zone_at_start_is_signed_in_the_first_step_without_lag() -> None:
    data = base()
    data["agreement"]["signatories"][1]["accepts"] = {"t": [0, 70]}
    by = curve(data)
    assert next(iter(by.values())) == 1.0
    # compromise 50 clipped into the zone [60, 70] is 60
    assert MODEL.forecast(Scenario.from_dict(data)).outcome("t") == pytest.approx(60.0)


def test_position_shock_that_always_arrives_closes_the_gap() -> None:
    # A position shock on Japan of size +0.3 (30 points) at the largest rate allowed
    # (limits.MAX_HAZARD, one a day) arrives in the first step with all but certainty
    # (P(no event in a month) = exp(-365.25/12), about 6e-14): Japan's set
    # becomes 30-70 and overlaps Russia's 60-100, so P(by first grid date) = 1.
    data = base(
        shocks=[{"id": "s", "target": "jp", "effect": "position", "hazard": 365.25, "size": 0.3}]
    )
    data["actors"][0]["motives"] = []
    by = curve(data)
    assert next(iter(by.values())) == pytest.approx(1.0)


def test_concession_probability_edge_cases() -> None:
    cost = np.array([0.0, 0.1, 0.0, np.inf, 0.1])
    stake = np.array([0.0, 0.0, 0.2, 0.2, 0.2])
    expected = [1.0, 1.0, 0.0, 1.0, 1 - math.exp(-0.5)]
    assert concession_probability(cost, stake) == pytest.approx(expected)


def test_needs_an_agreement() -> None:
    data = base()
    del data["agreement"]
    del data["dynamics"]
    with pytest.raises(ModelError, match="agreement"):
        MODEL.forecast(Scenario.from_dict(data))


def test_forecast_draws_matches_forecast_at_the_modes() -> None:
    scenario = Scenario.from_dict(base())
    draws = ScenarioSampler(scenario).modes(3)
    result = MODEL.forecast_draws(scenario, draws, np.zeros((3, 0, len(MODEL.grid(scenario)[0]))))
    forecast = MODEL.forecast(scenario)
    assert forecast.agreement is not None
    single = list(forecast.agreement.extra["curve"].values())
    assert result.by.shape == (3, len(single))
    for row in result.by:
        assert row == pytest.approx(single, abs=1e-15)


def test_default_scenario_leaves_no_draw_with_a_chance_of_agreement() -> None:
    # Worked by hand from the default's ranges: the Russian public's floor on territory is
    # at least 70 and Japan's ceilings (government and Diet) at most 60, a gap of >= 10
    # points; drift can open at most 0.5 + 0.5 points a year, 7.3 points by 2025-12-31,
    # and the only shock narrows the Russian set: no draw ever has a zone.
    scenario = load_embedded()
    assert scenario.dynamics is not None
    result = run_monte_carlo(scenario, runs=512, seed=7, models=["deadline-bargaining"])
    assert result.agreement is not None
    assert all(s.mean == 0.0 and s.p95 == 0.0 for s in result.agreement.by)
    assert result.agreement.possible == 0.0


def test_whatif_differs_from_the_default_in_the_three_documented_numbers_only() -> None:
    default = load_embedded().to_dict()
    whatif = load_embedded("russia_japan_2018_whatif").to_dict()
    changed = [
        ("agreement", "signatories", 0, "ratifiers", 0, "accepts", "territory", 0),
        ("agreement", "signatories", 1, "accepts", "territory", 1),
        ("agreement", "signatories", 1, "ratifiers", 0, "accepts", "territory", 1),
    ]
    expected = [
        {"low": 40.0, "mode": 45.0, "high": 50.0},
        {"low": 50.0, "mode": 50.0, "high": 60.0},
        {"low": 50.0, "mode": 50.0, "high": 60.0},
    ]
    for path, value in zip(changed, expected, strict=True):
        node_d, node_w = default, whatif
        for part in path[:-1]:
            node_d, node_w = node_d[part], node_w[part]
        assert node_w[path[-1]] == value
        node_d[path[-1]] = value
    for key in ("title", "description", "evidence"):
        default.pop(key)
        whatif.pop(key)
    assert whatif == default
