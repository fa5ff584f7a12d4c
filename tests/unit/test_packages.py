"""Package deals: a signatory accepts other sets of terms across issues (hand-worked).

Setting: ``strategies.attrition_pair`` plus an economy issue e (0-100). Russia wants
territory (t) and economy at 100; its own set is t [60, 100], e [0, 50]; Japan's box is
t [0, 40] with no limit on e. Russia concedes at cost 0.1 a year over its stake; Japan
never concedes.

* Without a package Russia's stake is salience 1 x gap 20/100 on t = 0.2: hazard 0.5.
* Japan's package "trade" accepts t [0, 70] if e is in [80, 100]. Against it Russia's
  stake is 0 on t and 0.5 x 30/100 = 0.15 on e: the package asks less of Russia, so its
  hazard is 0.1 / 0.15 = 2/3, and P(by t) = 1 - exp(-2t/3).
* If Russia also accepts e up to 100, the package opens a zone at once: P = 1.
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

from strategies import attrition_pair

AS_OF = dt.date(2020, 1, 1)
TRADE = {"id": "trade", "accepts": {"t": [0, 70], "e": [80, 100]}}


def two_issues(package: dict[str, Any] | None = None, russia_economy: float = 50) -> dict[str, Any]:
    data = attrition_pair()
    data["issues"].append({"id": "e", "name": "economy", "scale": [0, 100]})
    data["actors"][0]["stances"]["e"] = {"position": 100, "salience": 0.5}
    data["actors"][1]["stances"]["e"] = {"position": 0, "salience": 0.5}
    data["agreement"]["signatories"][0]["accepts"]["e"] = [0, russia_economy]
    if package is not None:
        data["agreement"]["signatories"][1]["packages"] = [package]
    return data


def curve(data: dict[str, Any]) -> dict[float, float]:
    forecast = MODEL.forecast(Scenario.from_dict(data))
    assert forecast.agreement is not None
    return {
        (dt.date.fromisoformat(d) - AS_OF).days / 365.25: p
        for d, p in forecast.agreement.extra["curve"].items()
    }


def test_without_a_package_the_box_decides() -> None:
    for t, p in curve(two_issues()).items():
        assert p == pytest.approx(1 - math.exp(-0.5 * t), abs=1e-12)


def test_a_package_that_asks_less_speeds_the_concession() -> None:
    for t, p in curve(two_issues(TRADE)).items():
        assert p == pytest.approx(1 - math.exp(-t * 0.1 / 0.15), abs=1e-12)


def test_a_package_inside_the_other_sides_set_is_signed_at_once() -> None:
    data = two_issues(TRADE, russia_economy=100)
    assert set(curve(data).values()) == {1.0}
    forecast = MODEL.forecast(Scenario.from_dict(data))
    assert forecast.agreement is not None
    assert forecast.agreement.extra["packages"] == {"jp": "trade"}
    # the agreed point: equal-weight compromise 50 on t and 50 on e, clipped into the
    # package's zone t [60, 70], e [80, 100] -> (60, 80)
    assert forecast.outcome("t") == pytest.approx(60.0)
    assert forecast.outcome("e") == pytest.approx(80.0)
    assert "trade" in forecast.agreement.explanation


def test_issues_a_package_leaves_out_keep_the_per_issue_rule() -> None:
    # a package on e alone keeps Japan's t bound [0, 40]: no zone at once, and against it
    # Russia's stake is 0.2 (t) + 0.15 (e) = 0.35 > 0.2, so the box still asks least
    data = two_issues({"id": "economy_only", "accepts": {"e": [80, 100]}}, russia_economy=100)
    for t, p in curve(data).items():
        assert p == pytest.approx(1 - math.exp(-0.5 * t), abs=1e-12)


def error_of(data: dict[str, Any]) -> str:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(yaml.safe_dump(data, sort_keys=False), "package.yaml")
    return str(info.value)


def test_a_package_on_an_unknown_issue_names_its_field() -> None:
    message = error_of(two_issues({"id": "x", "accepts": {"nowhere": [0, 1]}}))
    assert "package.yaml" in message
    assert "agreement.signatories[1].packages[0].accepts.nowhere" in message


def test_a_package_bound_outside_the_scale_is_refused() -> None:
    message = error_of(two_issues({"id": "x", "accepts": {"t": [0, 170]}}))
    assert "agreement.signatories[1].packages[0].accepts.t[1]" in message


def test_package_ids_are_unique() -> None:
    data = two_issues(TRADE)
    data["agreement"]["signatories"][1]["packages"].append(dict(TRADE))
    assert "duplicate package id 'trade'" in error_of(data)


def test_the_two_level_verdict_finds_the_trade() -> None:
    from detente.models import get_model

    forecast = get_model("two-level").forecast(Scenario.from_dict(two_issues(TRADE, 100)))
    assert forecast.agreement is not None and forecast.agreement.possible
    assert forecast.agreement.extra["package"] == {"jp": "trade"}
    # zone t [60, 70], e [80, 100]; equal-weight means 50 and 50 clip to (60, 80)
    assert forecast.outcome("t") == pytest.approx(60.0)
    assert forecast.outcome("e") == pytest.approx(80.0)
    assert "jp's package trade" in forecast.agreement.explanation
    closed = get_model("two-level").forecast(Scenario.from_dict(two_issues(TRADE, 50)))
    assert closed.agreement is not None and not closed.agreement.possible
    assert closed.agreement.extra["package"] is None
