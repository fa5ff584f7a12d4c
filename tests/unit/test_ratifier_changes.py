"""Ratifiers that appear, vanish, or may not be called (hand-worked).

Setting (``strategies.attrition_pair``): Russia concedes at hazard 0.5 a year into its
win-set, Japan never concedes and holds [0, 40]. Russia's Duma (a ratifier) accepts
only [70, 100]: while it binds, Russia's win-set misses Japan's set and nothing can be
agreed (Russia's stake stays 0.2: its own set [60, 100] is 20 from Japan's, 0 from the
Duma's). Grid steps are months; a change at a date takes effect from the next step.

* Optional, called with probability q: P(by t) = (1 - q)(1 - exp(-0.5 t)), exactly.
* Appears on A: P(by t) = 1 - exp(-0.5 min(t, t_A)).
* Vanishes on V: nothing before V; from the next step a conceded Russia (probability
  1 - exp(-0.5 t)) accepts the whole scale, so P(by t) = 1 - exp(-0.5 t) there.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
import yaml

from detente.errors import ScenarioError
from detente.io import parse_scenario

from strategies import attrition_pair, dated_curve

AS_OF, CHANGE = dt.date(2020, 1, 1), dt.date(2021, 1, 1)
T_C = (CHANGE - AS_OF).days / 365.25


def with_duma(**duma: Any) -> dict[str, Any]:
    data = attrition_pair()
    data["actors"].append(
        {
            "id": "duma",
            "name": "Duma",
            "capability": 1,
            "stances": {"t": {"position": 100, "salience": 1}},
        }
    )
    data["agreement"]["signatories"][0]["ratifiers"] = [
        {"actor": "duma", "accepts": {"t": [70, 100]}}
    ]
    data["dynamics"]["signatories"][0]["ratifiers"] = [{"actor": "duma", **duma}]
    return data


def curve(data: dict[str, Any]) -> list[tuple[dt.date, float, float]]:
    return dated_curve(data)


@pytest.mark.parametrize("q", [0.0, 0.3, 1.0])
def test_an_optional_ratifier_mixes_the_curves(q: float) -> None:
    for _, t, p in curve(with_duma(called=q)):
        assert p == pytest.approx((1 - q) * (1 - math.exp(-0.5 * t)), abs=1e-12)


def test_a_ratifier_that_appears_freezes_the_curve() -> None:
    for day, t, p in curve(with_duma(appears=CHANGE.isoformat())):
        assert p == pytest.approx(1 - math.exp(-0.5 * min(t, T_C)), abs=1e-12), day


def test_a_ratifier_that_vanishes_opens_the_talks() -> None:
    for day, t, p in curve(with_duma(vanishes=CHANGE.isoformat())):
        expected = 0.0 if day <= CHANGE else 1 - math.exp(-0.5 * t)
        assert p == pytest.approx(expected, abs=1e-12), day


def error_of(data: dict[str, Any]) -> str:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(yaml.safe_dump(data, sort_keys=False), "duma.yaml")
    return str(info.value)


def test_bad_changes_name_their_field() -> None:
    message = error_of(with_duma(appears="2030-01-01"))
    assert "duma.yaml" in message and "dynamics.signatories[0].ratifiers[0].appears" in message
    message = error_of(with_duma(appears="2021-01-01", vanishes="2020-06-01"))
    assert "dynamics.signatories[0].ratifiers[0].vanishes" in message
    assert "called must be a probability" in error_of(with_duma(called=1.5))
