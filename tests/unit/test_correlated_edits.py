"""Edits of correlated ranges: what-if, flip, sensitivity and sweep (docs/uncertainty.md).

The rule (``detente.correlation_edits``): a range of a ``correlation`` group set to a
number leaves the group, the other members keep their correlation, a group left with one
member disappears; a range set to a new range stays. Each test compares an edit of
``tests/data/correlated_truce.yaml`` with the same file edited by hand: the number written
in and the path deleted from its group (or the groups deleted), worked out independently
of the code under test.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from detente.analysis.flip import find_flips
from detente.analysis.one_at_a_time import one_at_a_time
from detente.analysis.what_if import what_if
from detente.correlation_edits import correlation_notes
from detente.quantity import Range
from detente.scenario import Scenario
from detente.scenario_edits import set_parameter, set_parameters
from detente.scenario_paths import parse_assignment

FILE = Path(__file__).parents[1] / "data" / "correlated_truce.yaml"
FRONT_FLOOR = "agreement.signatories.front.accepts.autonomy.0"
HARD_CEILING = "agreement.signatories.government.ratifiers.hardliners.accepts.autonomy.1"
GOV_CEILING = "agreement.signatories.government.accepts.autonomy.1"
FRONT_SECURITY = "agreement.signatories.front.accepts.security.0"
GOV_SECURITY = "agreement.signatories.government.accepts.security.1"
MEMBERS = [FRONT_FLOOR, HARD_CEILING, GOV_CEILING, FRONT_SECURITY, GOV_SECURITY]


def document() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    return data


def by_hand(data: dict[str, Any], path: str, value: float) -> dict[str, Any]:
    """``data`` with ``path`` (an accepts bound) written in as ``value``."""
    out = copy.deepcopy(data)
    parts = path.split(".")
    node: Any = out["agreement"]["signatories"]
    node = next(s for s in node if s["actor"] == parts[2])
    if parts[3] == "ratifiers":
        node = next(r for r in node["ratifiers"] if r["actor"] == parts[4])
    node["accepts"][parts[-2]][int(parts[-1])] = value
    return out


@pytest.fixture(scope="module")
def truce() -> Scenario:
    return Scenario.from_dict(document())


@pytest.fixture(scope="module")
def uncorrelated() -> Scenario:
    data = document()
    del data["correlation"]
    data["evidence"] = []
    return Scenario.from_dict(data)


# -- the edit itself ------------------------------------------------------------------------


def test_a_number_leaves_its_group_and_the_others_keep_their_rho(truce: Scenario) -> None:
    edited = set_parameter(truce, FRONT_FLOOR, 35)
    hand = by_hand(document(), FRONT_FLOOR, 35)
    hand["correlation"][0]["ranges"] = [HARD_CEILING, GOV_CEILING]  # rho -0.3 kept
    assert edited == Scenario.from_dict(hand)
    groups = {g.id: (g.ranges, g.rho) for g in edited.correlation}
    assert groups["autonomy_misjudged"] == ([HARD_CEILING, GOV_CEILING], -0.3)
    assert groups["security_pair"] == ([FRONT_SECURITY, GOV_SECURITY], 0.5)


def test_a_pair_left_with_one_member_disappears_with_its_evidence(truce: Scenario) -> None:
    edited = set_parameter(truce, GOV_SECURITY, 50)
    hand = by_hand(document(), GOV_SECURITY, 50)
    del hand["correlation"][1]
    hand["evidence"] = []  # it was about correlation.security_pair.rho
    assert edited == Scenario.from_dict(hand)
    assert [g.id for g in edited.correlation] == ["autonomy_misjudged"]
    assert correlation_notes(truce, edited) == [
        f"{GOV_SECURITY!r} is fixed, so it leaves correlation group 'security_pair', which "
        "keeps fewer than two ranges and is dropped"
    ]


def test_fixing_every_member_leaves_no_group(truce: Scenario, uncorrelated: Scenario) -> None:
    values = {FRONT_FLOOR: 40, HARD_CEILING: 40, GOV_CEILING: 50, FRONT_SECURITY: 40}
    values[GOV_SECURITY] = 45
    edited = set_parameters(truce, values)
    hand = document()
    for path, value in values.items():
        hand = by_hand(hand, path, value)
    del hand["correlation"]
    hand["evidence"] = []
    assert edited == Scenario.from_dict(hand)
    assert set_parameters(uncorrelated, values) == edited


def test_a_new_range_stays_in_its_group(truce: Scenario) -> None:
    edited = set_parameter(truce, FRONT_FLOOR, Range(low=30, mode=40, high=60))
    assert edited.correlation == truce.correlation
    assert correlation_notes(truce, edited) == []
    # a range with low == high is a number
    fixed = set_parameter(truce, FRONT_FLOOR, Range(low=35, mode=35, high=35))
    assert fixed == set_parameter(truce, FRONT_FLOOR, 35)


def test_the_short_path_of_whatif_set(truce: Scenario) -> None:
    path, value = parse_assignment(truce, "front.accepts.autonomy.0=35")
    assert path == FRONT_FLOOR
    assert set_parameter(truce, path, value) == set_parameter(truce, FRONT_FLOOR, 35.0)


# -- what-if ---------------------------------------------------------------------------------


def test_whatif_with_a_number_equals_the_hand_edited_file(truce: Scenario) -> None:
    hand = by_hand(document(), FRONT_FLOOR, 35)
    hand["correlation"][0]["ranges"] = [HARD_CEILING, GOV_CEILING]
    models = ["compromise", "two-level", "deadline-bargaining"]
    result = what_if(truce, {FRONT_FLOOR: 35}, models=models, runs=200, seed=4)
    direct = what_if(Scenario.from_dict(hand), {}, models=models, runs=200, seed=4)
    for part in ("monte_carlo", "whether_and_when", "agreement"):
        assert result["after"][part] == direct["after"][part]
    # the edit closes the autonomy gap at the modes (front 35 <= hardliners 35)
    assert result["comparison"]["agreement"]["possible"] == [False, True]
    assert result["correlation"] == [
        f"{FRONT_FLOOR!r} is fixed, so it leaves correlation group 'autonomy_misjudged', "
        "whose other 2 ranges keep rho -0.3"
    ]


# -- flip ------------------------------------------------------------------------------------


def _singles(result: Any) -> list[tuple[str, float, float]]:
    return [(f.changes[0].parameter.path, f.changes[0].value, f.after) for f in result.singles]


def test_flip_at_the_modes_is_the_flip_without_the_groups(
    truce: Scenario, uncorrelated: Scenario
) -> None:
    # the dated model at the modes does not read correlations, so the search must find
    # exactly what it finds on the file without groups
    mine = find_flips(truce, target="dated", runs=0, shock_paths=8, threshold=0.5)
    plain = find_flips(uncorrelated, target="dated", runs=0, shock_paths=8, threshold=0.5)
    assert _singles(mine) == _singles(plain)
    assert mine.not_evaluated == ()


def test_calibrated_flip_finds_the_correlated_floor(
    truce: Scenario, uncorrelated: Scenario
) -> None:
    mine = find_flips(truce, runs=100, seed=2)
    plain = find_flips(uncorrelated, runs=100, seed=2)
    assert mine.best is not None and plain.best is not None
    # lowering the front's floor from 50 to 35 meets the hardliners' ceiling (35): the
    # same smallest flip with or without the groups (snapped to the same round number)
    best = mine.best.changes[0]
    assert (best.parameter.path, best.value) == (FRONT_FLOOR, 35.0)
    other = plain.best.changes[0]
    assert (other.parameter.path, other.value) == (best.parameter.path, best.value)
    assert mine.before < 0.5 <= mine.best.after
    assert mine.not_evaluated == ()


# -- sensitivity -----------------------------------------------------------------------------


def test_sensitivity_swings_a_correlated_range_like_the_hand_edited_file(
    truce: Scenario, uncorrelated: Scenario
) -> None:
    mine = {s.parameter.path: s for s in one_at_a_time(truce, runs=0).swings}
    plain = {s.parameter.path: s for s in one_at_a_time(uncorrelated, runs=0).swings}
    assert set(mine) == set(plain)
    for path in MEMBERS:
        assert mine[path].error is None
        assert mine[path].effects == plain[path].effects
        assert mine[path].low == plain[path].low and mine[path].high == plain[path].high
    # the front's floor decides whether a zone exists (two-level verdict 0 -> 1)
    assert mine[FRONT_FLOOR].effects["two-level:possible"] == 1.0
    assert mine[FRONT_FLOOR].effect > 0


def test_sensitivity_with_draws_swings_each_member_on_its_hand_edited_scenario(
    truce: Scenario,
) -> None:
    from detente.analysis.headline_numbers import static_headlines

    result = one_at_a_time(truce, runs=32, seed=1, models=["compromise", "two-level"])
    swings = {s.parameter.path: s for s in result.swings}
    for path in (FRONT_FLOOR, GOV_SECURITY):
        swing = swings[path]
        assert swing.error is None
        low = swing.parameter.value.low
        hand = set_parameter(truce, path, low)
        [numbers] = static_headlines([hand], ["compromise", "two-level"])
        assert isinstance(numbers, dict)
        for metric, value in numbers.items():
            assert swing.low[metric] == value
    assert np.isfinite(swings[FRONT_FLOOR].effect) and swings[FRONT_FLOOR].effect > 0


# -- a parameter that cannot be evaluated is reported, never an effect of 0 or "no flip" -------

CROSSING = "agreement.signatories.government.ratifiers.hardliners.accepts.security.1"


@pytest.fixture(scope="module")
def crossing() -> Scenario:
    """The hardliners' security bounds overlap: the ceiling's low (15) lies under the
    floor's mode (20), so setting the ceiling to 15 makes the pair [20, 15] invalid."""
    data = document()
    hardliners = data["agreement"]["signatories"][0]["ratifiers"][0]
    hardliners["accepts"]["security"] = [
        {"low": 0, "mode": 20, "high": 30},
        {"low": 15, "mode": 50, "high": 65},
    ]
    return Scenario.from_dict(data)


def test_sensitivity_reports_a_swing_it_could_not_evaluate(crossing: Scenario) -> None:
    from detente.report.explain_tables import sensitivity_markdown

    result = one_at_a_time(crossing, runs=0, models=["compromise", "two-level"])
    swing = next(s for s in result.swings if s.parameter.path == CROSSING)
    assert not swing.evaluated and swing.effects == {} and swing.low == {}
    assert swing.error is not None and "low <= high" in swing.error
    listed = result.to_dict()["swings"]
    assert listed[-1]["path"] == CROSSING  # ranked after every evaluated swing
    assert listed[-1]["effect"] is None and listed[-1]["error"] == swing.error
    assert all(row["effect"] is not None for row in listed[:-1])
    # the table shows it even when --top cuts the evaluated ones, never as 0.000
    text = sensitivity_markdown(result, top=1)
    row = next(line for line in text.splitlines() if "hardliners.accepts.security.1" in line)
    assert "not evaluated" in row and "0.000" not in row


def test_the_report_lists_what_sensitivity_could_not_evaluate(crossing: Scenario) -> None:
    from detente.report.blocks import Paragraph
    from detente.report.document import _sensitivity

    section = _sensitivity(crossing, 8, 0, "svg")
    notes = [b.text for b in section.blocks if isinstance(b, Paragraph)]
    assert any(CROSSING in text and "Not evaluated" in text for text in notes)


def test_flip_reports_a_value_it_could_not_evaluate(crossing: Scenario) -> None:
    from detente.report.explain_tables import flip_document, flip_markdown

    result = find_flips(crossing, target="dated", runs=0, shock_paths=4, pairs=False)
    failed = {path: (value, error) for path, value, error in result.not_evaluated}
    # the domain of the ceiling is widened to the analyst's low, 15, under the floor's 20
    assert failed[CROSSING][0] == 15.0 and "low <= high" in failed[CROSSING][1]
    document = flip_document(crossing, result)
    assert {"path": CROSSING, "value": 15.0, "error": failed[CROSSING][1]} in document[
        "not_evaluated"
    ]
    assert "Could not evaluate hardliners.accepts.security.1 = 15" in flip_markdown(document)


# -- sweep and Sobol -------------------------------------------------------------------------


def test_a_sweep_over_a_correlated_range_runs_each_hand_edited_file(truce: Scenario) -> None:
    from detente.analysis.sweep import SweepPoint, SweepTask, run_point

    for value in (30.0, 45.0, 60.0):
        point = SweepPoint("truce", truce, {FRONT_FLOOR: value})
        swept = run_point(SweepTask(0, point, 64, 5, None, 4))
        hand = by_hand(document(), FRONT_FLOOR, value)
        hand["correlation"][0]["ranges"] = [HARD_CEILING, GOV_CEILING]
        direct = run_point(
            SweepTask(0, SweepPoint("truce", Scenario.from_dict(hand), {}), 64, 5, None, 4)
        )
        assert swept["results"] == direct["results"]


def test_sobol_rows_fix_every_range_so_the_groups_drop_out(
    truce: Scenario, uncorrelated: Scenario
) -> None:
    # every row of the Saltelli design sets every ranged parameter to a number, so (the
    # rule above) every range leaves its group: the indices are those of the same file
    # without groups, the independent inputs variance-based indices are defined for
    pytest.importorskip("SALib", reason="Sobol indices need SALib (detente[analysis])")
    from detente.analysis.sobol import sobol_sensitivity

    mine = sobol_sensitivity(truce, n=8, seed=3, models=["compromise", "two-level"])
    plain = sobol_sensitivity(uncorrelated, n=8, seed=3, models=["compromise", "two-level"])
    assert mine.indices == plain.indices


# -- the command line, as the new user typed it ----------------------------------------------


def test_whatif_set_a_number_on_a_correlated_range_from_the_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    from cli_helpers import run_cli

    code, out, err = run_cli(
        capsys, "whatif", str(FILE), "--set", "front.accepts.autonomy.0=35", "--runs", "0",
        "-f", "json", "--no-store",
    )  # fmt: skip
    assert code == 0, err
    document = json.loads(out)
    assert document["changes"] == [
        {"path": FRONT_FLOOR, "before": {"low": 30.0, "mode": 50.0, "high": 65.0}, "after": 35.0}
    ]
    assert "leaves correlation group 'autonomy_misjudged'" in document["correlation"][0]
