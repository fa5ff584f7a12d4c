"""The tutorial's scenario runs and gives the numbers docs/tutorial.md states."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.cli import main
from detente.io import load_scenario, parse_scenario
from detente.models import get_model
from detente.provenance import untraced

TUTORIAL = Path(__file__).resolve().parents[2] / "docs" / "examples" / "water_treaty.yaml"


def test_tutorial_scenario_is_fully_traced() -> None:
    assert untraced(load_scenario(TUTORIAL)) == []


def test_tutorial_forecast(capsys: pytest.CaptureFixture[str]) -> None:
    main(
        [
            "forecast",
            str(TUTORIAL),
            "--format",
            "json",
            "-m",
            "compromise",
            "-m",
            "median",
            "-m",
            "nash",
            "-m",
            "two-level",
        ]
    )
    document = json.loads(capsys.readouterr().out)
    outcomes = {f["model"]: f["outcome"] for f in document["issues"][0]["forecasts"]}
    # weights 2*0.7, 1*0.95, 0.5*0.9 = 1.4, 0.95, 0.45: (49 + 57 + 13.5) / 2.8 = 42.68
    assert outcomes["compromise"] == pytest.approx(119.5 / 2.8)
    assert outcomes["median"] == 35  # 1.4 of 2.8 at or below 35, 2.35 at or above
    assert outcomes["nash"] == 30  # the farmers stand at the status quo
    assert outcomes["two-level"] == 40
    agreement = document["agreement"]
    assert agreement["possible"] is True
    assert agreement["issues"]["share"]["zopa"] == [40, 40]


def test_tutorial_what_if_narrow_tolerance() -> None:
    text = TUTORIAL.read_text().replace(
        "tolerance: {share: {low: 5, mode: 10, high: 15}}", "tolerance: {share: 5}"
    )
    verdict = get_model("two-level").forecast(parse_scenario(text)).agreement
    assert verdict is not None and not verdict.possible
    assert verdict.issues["share"]["signatories"][0]["win_set"] == [30, 35]
    assert verdict.issues["share"]["gap"]["size"] == 5
