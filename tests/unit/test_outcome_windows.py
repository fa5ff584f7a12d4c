"""Partial agreements and several windows in a case's outcome block."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from detente.errors import DetenteError, ScenarioError
from detente.io import parse_scenario
from detente.outcomes import scored_windows
from detente.scenario import Scenario

from strategies import attrition_pair


def japan_ussr(agreement_level: str | None) -> dict[str, Any]:
    # as of 1955-06 the talks could end in a treaty or only a joint declaration; the
    # declaration came on 1956-10-19, no treaty followed
    data = attrition_pair()
    data["as_of"], data["horizon"] = "1955-06-01", "1960-12-31"
    data["outcome"] = {
        "agreed": False,
        "levels": ["declaration", "treaty"],
        "windows": [
            {"end": "1956-12-31", "agreed": True, "level": "declaration", "date": "1956-10-19"},
            {"end": "1960-12-31", "agreed": True, "level": "declaration", "date": "1956-10-19"},
        ],
    }
    if agreement_level is not None:
        data["outcome"]["agreement_level"] = agreement_level
    return data


def test_a_treaty_case_scores_the_declaration_as_no_agreement() -> None:
    windows = scored_windows(Scenario.from_dict(japan_ussr(None)))  # default: the strongest
    assert [(str(w.end), w.agreed) for w in windows] == [
        ("1956-12-31", False),
        ("1960-12-31", False),
    ]


def test_a_declaration_case_scores_it_as_agreed() -> None:
    windows = scored_windows(Scenario.from_dict(japan_ussr("declaration")))
    assert [w.agreed for w in windows] == [True, True]
    assert windows[0].level == "declaration"


def test_a_case_without_windows_has_one_at_the_horizon() -> None:
    data = attrition_pair()
    data["outcome"] = {"agreed": True, "date": "2021-06-01"}
    (window,) = scored_windows(Scenario.from_dict(data))
    assert (str(window.end), window.agreed, window.level) == ("2022-01-01", True, "agreement")
    with pytest.raises(DetenteError):
        scored_windows(Scenario.from_dict(attrition_pair()))


def error_of(data: dict[str, Any]) -> str:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(yaml.safe_dump(data, sort_keys=False), "case.yaml")
    return str(info.value)


def test_bad_windows_name_their_field() -> None:
    data = japan_ussr(None)
    data["outcome"]["windows"][0]["level"] = "armistice"
    assert "outcome.windows[0].level" in error_of(data)
    data = japan_ussr(None)
    data["outcome"]["windows"][1]["end"] = "1970-01-01"
    assert "outcome.windows[1].end" in error_of(data)
    data = japan_ussr("armistice")
    assert "outcome.agreement_level" in error_of(data)
