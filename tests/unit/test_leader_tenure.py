"""Leader tenure as a hazard: unscheduled exits, elections, successors (hand-worked).

Setting (``strategies.attrition_pair``): Russia concedes at hazard 0.5 a year, Japan
never does (no cost of delay), Russia's own set is [60, 100] and Japan's [0, 40]. A
Japanese successor who accepts [0, 70] opens the zone [60, 70] the moment it takes
office, at the start of the first step after the exit (as for a term end). So with an
exit hazard h, P(by t_k) = 1 - exp(-0.5 t_k) exp(-h t_{k-1}) (t_{-1} = 0), and with
one election at t_e lost with probability q, P(by t_k) = 1 - exp(-0.5 t_k)(1 - q) for
t_{k-1} >= t_e (else 1 - exp(-0.5 t_k)). Times in years of 365.25 days.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
import yaml

from detente.errors import ScenarioError
from detente.io import parse_scenario
from detente.models.deadline_bargaining import DeadlineBargainingModel
from detente.scenario import Scenario
from detente.scenario_parts import EXIT_HAZARD_BY_REGIME

from strategies import attrition_pair

AS_OF = dt.date(2020, 1, 1)


def with_leader(**leader: Any) -> dict[str, Any]:
    data = attrition_pair()
    data["agreement"]["signatories"][1]["leader"] = {
        "name": "PM",
        "successor": {"accepts": {"t": [0, 70]}},
        **leader,
    }
    return data


def curve(data: dict[str, Any], samples: int = 40_000) -> list[tuple[float, float, float]]:
    """(t_{k-1}, t_k, P(by t_k)) for every grid date, from the model at the modes."""
    forecast = DeadlineBargainingModel(shock_samples=samples).forecast(
        Scenario.from_dict(data), rng=7
    )
    assert forecast.agreement is not None
    out, previous = [], 0.0
    for day, p in forecast.agreement.extra["curve"].items():
        t = (dt.date.fromisoformat(day) - AS_OF).days / 365.25
        out.append((previous, t, p))
        previous = t
    return out


def test_an_exit_hazard_opens_the_zone_at_its_rate() -> None:
    # 40,000 sampled exit paths: SE <= 0.0025 per date; tolerance 4 SE = 0.01
    for before, t, p in curve(with_leader(exit_hazard=0.3)):
        assert p == pytest.approx(1 - math.exp(-0.5 * t) * math.exp(-0.3 * before), abs=0.01)


def test_a_lost_election_opens_the_zone_from_the_next_step() -> None:
    data = with_leader(elections=[{"date": "2021-01-01", "turnover": 0.4}])
    t_e = (dt.date(2021, 1, 1) - AS_OF).days / 365.25
    for before, t, p in curve(data):
        survive = 0.6 if before >= t_e - 1e-12 else 1.0
        assert p == pytest.approx(1 - math.exp(-0.5 * t) * survive, abs=0.01)


def test_without_a_hazard_or_an_election_nothing_is_sampled() -> None:
    # a leader with only a successor and no term end never leaves: Russia alone decides
    for _, t, p in curve(with_leader(), samples=1):
        assert p == pytest.approx(1 - math.exp(-0.5 * t), abs=1e-12)


def test_an_election_date_is_a_named_date_on_the_grid() -> None:
    data = with_leader(elections=[{"date": "2021-03-15", "turnover": 0.4, "label": "LDP vote"}])
    forecast = DeadlineBargainingModel(shock_samples=10).forecast(Scenario.from_dict(data), rng=0)
    assert forecast.agreement is not None
    assert forecast.agreement.extra["labels"]["2021-03-15"] == "LDP vote"


def test_a_regime_gives_the_documented_default_hazard() -> None:
    scenario = Scenario.from_dict(with_leader(regime="autocracy"))
    leader = scenario.agreement.signatories[1].leader  # type: ignore[union-attr]
    assert leader is not None and leader.exit_hazard == EXIT_HAZARD_BY_REGIME["autocracy"]
    # an explicit hazard wins over the regime's default
    explicit = Scenario.from_dict(with_leader(regime="autocracy", exit_hazard=0.02))
    leader = explicit.agreement.signatories[1].leader  # type: ignore[union-attr]
    assert leader is not None and leader.exit_hazard is not None
    assert leader.exit_hazard.mode == 0.02


def test_a_scenario_without_the_new_fields_dumps_as_before() -> None:
    data = attrition_pair()
    data["agreement"]["signatories"][1]["leader"] = {"name": "PM", "term_ends": "2021-01-01"}
    dumped = Scenario.from_dict(data).to_dict()["agreement"]["signatories"][1]["leader"]
    assert set(dumped) == {"name", "term_ends", "successor_flexibility"}


def error_of(data: dict[str, Any]) -> str:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(yaml.safe_dump(data, sort_keys=False), "tenure.yaml")
    return str(info.value)


def test_an_election_outside_the_window_names_its_field() -> None:
    message = error_of(with_leader(elections=[{"date": "2030-01-01", "turnover": 0.5}]))
    assert "tenure.yaml" in message
    assert "agreement.signatories[1].leader.elections[0].date" in message


def test_a_turnover_above_one_is_refused() -> None:
    message = error_of(with_leader(elections=[{"date": "2021-01-01", "turnover": 1.5}]))
    assert "turnover" in message and "0..1" in message


def test_a_negative_hazard_is_refused() -> None:
    message = error_of(with_leader(exit_hazard=-0.1))
    assert "exit_hazard must lie in 0..365.25 exits per year" in message and "got -0.1" in message


def test_a_successor_on_an_unknown_issue_is_refused() -> None:
    data = with_leader(successor={"accepts": {"nowhere": [0, 70]}})
    assert "agreement.signatories[1].leader.successor.accepts.nowhere" in error_of(data)


def test_an_unknown_regime_is_refused() -> None:
    assert "regime" in error_of(with_leader(regime="junta"))
