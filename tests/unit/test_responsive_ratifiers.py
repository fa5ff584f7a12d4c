"""Responsive ratifiers (side payments) and mediators (hand-worked).

Setting (``strategies.attrition_pair``) with nobody conceding (Russia's motive removed):
Russia's own set is [60, 100]. Japan's leader accepts anything, but its Diet (a
ratifier at position 0) accepts [0, 40], so Japan's win-set is [0, 40]: a gap of 20.

* Japan's leader buys the Diet's consent at rate 0.1 of the scale a year, up to 0.3:
  the Diet's set reaches 40 + 10 t, meeting 60 at t = 2 years. The first grid date at
  or past 2 years is 2022-01-01 (731 days = 2.0014 y; 2021-12-01 is 700 days). So P = 0
  before it and 1 from it.
* At a cost of 1 per unit of the scale, with the deal worth 0.25 to Japan, it buys at
  most 0.25 (40 + 25 = 65 >= 60: same curve); at a cost of 2, at most 0.125 (52.5 < 60):
  P = 0 throughout.
* A mediator widening Russia's set by 0.25 from 2021-01-01 (reach 40 -> 65, [35, 100])
  opens the zone from the first step after that date; without a start, at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from detente.errors import ScenarioError
from detente.io import parse_scenario
from detente.models.deadline_bargaining import MODEL
from detente.scenario import Scenario

from strategies import attrition_pair


def with_diet(payments: dict[str, Any] | None = None, japan_value: float = 0.25) -> dict[str, Any]:
    data = attrition_pair()
    data["horizon"] = "2023-01-01"
    data["actors"][0]["motives"] = []
    data["actors"][1]["motives"] = [{"id": "deal", "description": "d", "weight": japan_value}]
    data["actors"].append(
        {
            "id": "diet",
            "name": "Diet",
            "capability": 1,
            "stances": {"t": {"position": 0, "salience": 1}},
        }
    )
    japan = data["agreement"]["signatories"][1]
    japan["accepts"] = {"t": [0, 100]}
    japan["ratifiers"] = [{"actor": "diet", "accepts": {"t": [0, 40]}}]
    entry: dict[str, Any] = {"actor": "jp", "ratifiers": [{"actor": "diet"}]}
    if payments is not None:
        entry["ratifiers"][0]["side_payments"] = payments
    data["dynamics"]["signatories"].append(entry)
    return data


def curve(data: dict[str, Any]) -> dict[dt.date, float]:
    forecast = MODEL.forecast(Scenario.from_dict(data))
    assert forecast.agreement is not None
    return {dt.date.fromisoformat(d): p for d, p in forecast.agreement.extra["curve"].items()}


def test_without_side_payments_the_gap_stays() -> None:
    assert set(curve(with_diet()).values()) == {0.0}


@pytest.mark.parametrize("cost", [0.0, 1.0])
def test_side_payments_close_the_gap_at_their_rate(cost: float) -> None:
    for day, p in curve(with_diet({"rate": 0.1, "limit": 0.3, "cost": cost})).items():
        assert p == (1.0 if day >= dt.date(2022, 1, 1) else 0.0), day


def test_side_payments_stop_at_what_the_deal_is_worth() -> None:
    data = with_diet({"rate": 0.1, "limit": 0.3, "cost": 2.0})
    assert set(curve(data).values()) == {0.0}


def test_side_payments_stop_at_their_limit() -> None:
    data = with_diet({"rate": 0.1, "limit": 0.15})
    assert set(curve(data).values()) == {0.0}


def with_mediator(**mediator: Any) -> dict[str, Any]:
    data = attrition_pair()
    data["actors"][0]["motives"] = []
    data["dynamics"]["mediators"] = [{"id": "un", "targets": ["ru"], "widen": 0.25, **mediator}]
    return data


def test_a_mediator_opens_the_zone_from_its_start() -> None:
    for day, p in curve(with_mediator(start="2021-01-01")).items():
        assert p == (1.0 if day > dt.date(2021, 1, 1) else 0.0), day
    assert set(curve(with_mediator()).values()) == {1.0}


def test_a_mediator_too_small_changes_nothing() -> None:
    # reach 40 -> 55: Russia's set [45, 100] still misses Japan's [0, 40]
    assert set(curve(with_mediator(widen=0.15)).values()) == {0.0}


def error_of(data: dict[str, Any]) -> str:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(yaml.safe_dump(data, sort_keys=False), "lever.yaml")
    return str(info.value)


def test_bad_levers_name_their_field() -> None:
    message = error_of(with_mediator(targets=["nobody"]))
    assert "lever.yaml" in message and "dynamics.mediators[0].targets[0]" in message
    message = error_of(with_mediator(start="2030-01-01"))
    assert "dynamics.mediators[0].start" in message
    message = error_of(with_diet({"rate": -0.1}))
    assert "rate must be >= 0" in message
