"""Deadlines and focal dates independent of leaders (hand-worked).

Setting (``strategies.attrition_pair``): Russia concedes at hazard 0.5 a year (cost of
delay 0.1 a year over a stake of 0.2), Japan never does; Russia's own set is [60, 100],
Japan's [0, 40]. Deadline D = 2021-01-01 (t_D = 366/365.25 years).

* Japan values signing before D with weight 0.1: over its stake 0.2 its concession
  hazard is 0.5 / (t_D - t), so P(by t) = 1 - exp(-0.5 t) (1 - t/t_D)^0.5 before D,
  and 1 at D (the deadline effect).
* Talks lapse after D: P(by t) = 1 - exp(-0.5 t) up to D and stays at its D value.
* Sets widen by 0.25 of the scale after D: Russia's reach below 40 -> 65 ([35, 100]),
  Japan's above 40 -> 65 ([0, 65]): a zone from the first step after D, P = 1.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
import yaml

from detente.errors import ScenarioError
from detente.io import parse_scenario
from detente.models.deadline_bargaining import MODEL
from detente.scenario import Scenario

from strategies import attrition_pair, dated_curve

AS_OF, D = dt.date(2020, 1, 1), dt.date(2021, 1, 1)
T_D = (D - AS_OF).days / 365.25


def with_deadline(**deadline: Any) -> dict[str, Any]:
    return attrition_pair(deadlines=[{"id": "summit", "date": D.isoformat(), **deadline}])


def curve(data: dict[str, Any]) -> list[tuple[dt.date, float, float]]:
    return dated_curve(data)


def test_valuing_a_deadline_gives_the_deadline_effect() -> None:
    data = with_deadline(valued_by=[{"actor": "jp", "weight": 0.1}])
    for day, t, p in curve(data):
        if day < D:
            assert p == pytest.approx(1 - math.exp(-0.5 * t) * (1 - t / T_D) ** 0.5, abs=1e-9)
        else:
            assert p == pytest.approx(1.0, abs=1e-12)


def test_talks_that_lapse_stop_at_the_deadline() -> None:
    for day, t, p in curve(with_deadline(after="lapse")):
        expected = 1 - math.exp(-0.5 * min(t, T_D))
        assert p == pytest.approx(expected, abs=1e-12), day


def test_sets_that_widen_after_the_deadline_open_a_zone() -> None:
    for day, t, p in curve(with_deadline(after="widen", change=0.25)):
        expected = 1 - math.exp(-0.5 * t) if day <= D else 1.0
        assert p == pytest.approx(expected, abs=1e-12), day


def test_sets_that_narrow_raise_the_other_sides_stake() -> None:
    # only Japan narrows after D: its reach above 0 shrinks 40 -> 30, so Russia's stake
    # grows from 20/100 to 30/100 and its hazard falls from 0.1/0.2 = 0.5 to 0.1/0.3 = 1/3
    # in the steps that start on or after D
    for day, t, p in curve(with_deadline(after="narrow", change=0.1, targets=["jp"])):
        hazard = 0.5 * t if day <= D else 0.5 * T_D + (t - T_D) / 3
        assert p == pytest.approx(1 - math.exp(-hazard), abs=1e-12), day


def test_a_legacy_can_run_until_a_deadline_instead_of_a_term_end() -> None:
    data = with_deadline()
    data["actors"][1]["motives"] = [{"id": "nobel", "description": "legacy", "weight": 0.1}]
    data["dynamics"]["signatories"].append(
        {"actor": "jp", "discount_rate": 0, "legacy": ["nobel"], "legacy_until": "summit"}
    )
    for day, t, p in curve(data):
        if day < D:
            assert p == pytest.approx(1 - math.exp(-0.5 * t) * (1 - t / T_D) ** 0.5, abs=1e-9)


def test_the_deadline_is_named_on_the_grid() -> None:
    forecast = MODEL.forecast(Scenario.from_dict(with_deadline(label="G20 summit")))
    assert forecast.agreement is not None
    assert forecast.agreement.extra["labels"][D.isoformat()].startswith("G20 summit")


def error_of(data: dict[str, Any]) -> str:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(yaml.safe_dump(data, sort_keys=False), "deadline.yaml")
    return str(info.value)


@pytest.mark.parametrize(
    ("deadline", "field", "words"),
    [
        ({"date": "2030-01-01"}, "dynamics.deadlines[0].date", "outside"),
        ({"valued_by": [{"actor": "nobody", "weight": 1}]}, "valued_by[0].actor", "signatory"),
        ({"targets": ["nobody"]}, "dynamics.deadlines[0].targets[0]", "neither"),
        ({"after": "widen"}, "dynamics.deadlines[0].change", "change > 0"),
        ({"after": "explode"}, "after", "continue"),
    ],
)
def test_bad_deadlines_name_their_field(deadline: dict[str, Any], field: str, words: str) -> None:
    data = with_deadline()
    data["dynamics"]["deadlines"][0].update(deadline)
    message = error_of(data)
    assert "deadline.yaml" in message and field in message and words in message


def test_legacy_until_must_name_a_deadline() -> None:
    data = with_deadline()
    data["dynamics"]["signatories"][0]["legacy_until"] = "elsewhere"
    assert "dynamics.signatories[0].legacy_until" in error_of(data)
