"""The hand-written import examples of docs/examples import and forecast as documented.

``decide_fisheries.csv`` (decide's ``#A/#P/#M/#D`` rows) and ``genius_profile.xml`` (a
Genius utility space) are invented for the docs (``docs/scenario-format.md``, "Tables
and imports"); every expected number below is worked out by hand from the file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.io import load_any

from cli_helpers import run_cli

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
DECIDE = EXAMPLES / "decide_fisheries.csv"
GENIUS = EXAMPLES / "genius_profile.xml"


def test_decide_example_reads_every_row() -> None:
    notes: list[str] = []
    scenario = load_any(DECIDE, notes=notes)
    assert [a.id for a in scenario.actors] == ["coastal", "fleet", "ngo", "processors"]
    quota, access = scenario.issues
    # the scale runs from the lowest to the highest #M row
    assert (quota.scale, access.scale) == ((0.0, 100.0), (0.0, 10.0))
    assert quota.anchors[60.0] == "the scientists' advice"
    coastal = scenario.actor("coastal")
    assert coastal.capability.mode == 0.5  # decide's power
    assert coastal.stances["quota"].position.mode == 55
    assert coastal.stances["quota"].salience.mode == 0.7
    assert "access" not in scenario.actor("processors").stances  # no #D row for it
    assert notes == []  # every #A actor has #D rows


def test_genius_example_is_one_actor_at_its_best_values() -> None:
    notes: list[str] = []
    scenario = load_any(GENIUS, notes=notes)
    (profile,) = scenario.actors
    licence, catch = scenario.issues
    # discrete values in file order at 0, 1, 2; 'three years' has the top evaluation 1.0
    assert licence.scale == (0.0, 2.0) and licence.anchors[1.0] == "three years"
    assert profile.stances["Licence_length"].position.mode == 1.0
    # a real issue with a falling linear evaluator (slope -0.01): best at the lower bound
    assert catch.scale == (0.0, 100.0) and profile.stances["Catch"].position.mode == 0.0
    # weights 0.7 and 0.3 as KTAB-style shares: total 1, so 0.7/0.7 = 1 and 0.3/0.7
    assert profile.stances["Licence_length"].salience.mode == pytest.approx(1.0)
    assert profile.stances["Catch"].salience.mode == pytest.approx(0.3 / 0.7)
    assert profile.metadata == {"reservation": "0.4", "discount_factor": "0.95"}
    assert len(notes) == 1 and "one side's preferences" in notes[0]


def _outcomes(capsys: pytest.CaptureFixture[str], path: Path) -> dict[tuple[str, str], float]:
    code, out, err = run_cli(
        capsys, "forecast", str(path), "-m", "compromise", "-m", "median", "-f", "json"
    )
    assert code == 0, err
    document = json.loads(out)
    return {
        (issue["id"], f["model"]): f["outcome"]
        for issue in document["issues"]
        for f in issue["forecasts"]
    }


def test_decide_example_forecasts(capsys: pytest.CaptureFixture[str]) -> None:
    outcomes = _outcomes(capsys, DECIDE)
    # compromise: sum(power x salience x position) / sum(power x salience) on the quota:
    # (0.35*55 + 0.27*95 + 0.10*10 + 0.16*85) / (0.35 + 0.27 + 0.10 + 0.16) = 59.5 / 0.88
    assert outcomes["quota", "compromise"] == pytest.approx(59.5 / 0.88)
    # weighted median: weights 0.10 (10), 0.35 (55), 0.16 (85), 0.27 (95) of 0.88; the
    # running total first passes half (0.44) at 55
    assert outcomes["quota", "median"] == 55.0
    # access (no processors): (0.45*3 + 0.30*10 + 0.03*0) / 0.78
    assert outcomes["access", "compromise"] == pytest.approx(4.35 / 0.78)


def test_genius_example_forecasts(capsys: pytest.CaptureFixture[str]) -> None:
    outcomes = _outcomes(capsys, GENIUS)
    # one actor: every model returns its position
    assert outcomes["Licence_length", "compromise"] == outcomes["Licence_length", "median"] == 1.0
    assert outcomes["Catch", "compromise"] == outcomes["Catch", "median"] == 0.0
