"""Editing a scenario by parameter path: values, units, domains, errors, short forms."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from detente.commands.whatif import expand_path, parse_assignment, parse_value
from detente.errors import DetenteError
from detente.models import get_model
from detente.quantity import Range
from detente.scenario import Scenario
from detente.scenario_edits import (
    get_parameter,
    numeric_parameters,
    parameter_info,
    ranged_parameters,
    set_parameter,
    set_parameters,
)
from detente.scenarios import DEFAULT, load_embedded

RP_FLOOR = "agreement.signatories.russia.ratifiers.russian_public.accepts.territory.0"
RU_FLOOR = "agreement.signatories.russia.accepts.territory.0"
JP_CEILING = "agreement.signatories.japan.ratifiers.japanese_public.accepts.territory.1"


@pytest.fixture(scope="module")
def default() -> Scenario:
    return load_embedded(DEFAULT)


def territory_gap(scenario: Scenario) -> float:
    verdict = get_model("two-level").forecast(scenario).agreement
    assert verdict is not None
    gap = verdict.issues["territory"]["gap"]
    return 0.0 if gap is None else float(gap["size"])


def test_set_bound_reads_back_and_moves_the_gap(default: Scenario) -> None:
    edited = set_parameter(default, RP_FLOOR, 50)
    assert get_parameter(edited, RP_FLOOR) == Range(low=50, mode=50, high=50)
    # the floor is now max(presidency 80, public 50) = 80 against the ceiling 50: gap 30
    assert territory_gap(default) == 35
    assert territory_gap(edited) == 30
    # the original is untouched (scenarios are frozen values)
    assert get_parameter(default, RP_FLOOR) == Range(low=70, mode=85, high=100)


def test_two_floors_at_fifty_open_a_zone(default: Scenario) -> None:
    edited = set_parameters(default, {RP_FLOOR: 50, RU_FLOOR: 50})
    assert territory_gap(edited) == 0
    verdict = get_model("two-level").forecast(edited).agreement
    assert verdict is not None and verdict.possible
    assert verdict.issues["territory"]["zopa"] == [50, 50]


def test_saliences_are_in_the_files_units(default: Scenario) -> None:
    # the default file writes saliences on 0-100 (salience_scale: 100); stored on 0-1
    path = "actors.russia.stances.territory.salience"
    assert get_parameter(default, path) == Range(low=60, mode=80, high=90)
    edited = set_parameter(default, path, 50)
    assert edited.actor("russia").stances["territory"].salience.mode == pytest.approx(0.5)
    assert get_parameter(edited, path) == Range(low=50, mode=50, high=50)


def test_set_a_range_and_a_date(default: Scenario) -> None:
    value = Range(low=0.5, mode=0.9, high=1.5)
    edited = set_parameter(default, "actors.japan.capability", value)
    assert get_parameter(edited, "actors.japan.capability") == value
    term = "agreement.signatories.russia.leader.term_ends"
    moved = set_parameter(default, term, dt.date(2020, 5, 7))
    assert get_parameter(moved, term) == dt.date(2020, 5, 7)
    leader = moved.agreement.signatories[0].leader  # type: ignore[union-attr]
    assert leader is not None and leader.term_ends == dt.date(2020, 5, 7)


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("actors.rusia.capability", 1, "no 'rusia' in actors; expected one of russia, japan"),
        ("actors.russia.capabilty", 1, "no 'capabilty' in actors.russia; expected one of capab"),
        (RP_FLOOR[:-2], 50, "is a pair [low, high]; add .0 for the lower bound or .1"),
        (RP_FLOOR[:-1] + "2", 50, "expected .0 (low) or .1 (high), got '2'"),
        ("actors.russia", 1, "names a whole entry"),
        ("actors.russia.name", 1, "is text, not a number"),
        ("actors.russia.capability", -1, "capability must be >= 0, got -1"),
        (RP_FLOOR, 120, "must be [low, high] with low <= high, got [120, 100]"),
        ("actors.russia.capability", float("nan"), "expected a finite number"),
        ("actors.russia.capability", dt.date(2020, 1, 1), "expected a number or a range"),
        ("horizon", 3, "is a date; expected YYYY-MM-DD"),
        ("actors..capability", 1, "dot-separated names"),
    ],
)
def test_bad_paths_and_values_name_the_path(
    default: Scenario, path: str, value: object, expected: str
) -> None:
    with pytest.raises(DetenteError) as info:
        set_parameter(default, path, value)  # type: ignore[arg-type]
    message = str(info.value)
    assert expected in message
    assert path.split(".")[0] in message  # the path (or its head) is named


def test_ranged_parameters_are_exactly_those_with_low_below_high(default: Scenario) -> None:
    ranged = {p.path for p in ranged_parameters(default)}
    every = numeric_parameters(default)
    assert {p.path for p in every if p.value.low < p.value.high} == ranged
    assert {RP_FLOOR, RU_FLOOR, JP_CEILING, "actors.russia.capability"} <= ranged
    # fixed numbers are parameters but not ranged
    fixed = {
        "agreement.signatories.russia.accepts.territory.1",
        "actors.russia.stances.linkage.position",
    }
    assert fixed <= {p.path for p in every} - ranged
    # the scenario's own order: actors before the agreement
    paths = [p.path for p in ranged_parameters(default)]
    assert paths.index("actors.russia.capability") < paths.index(RU_FLOOR)


def test_domains_and_scales(default: Scenario) -> None:
    floor = parameter_info(default, RP_FLOOR)
    # a lower bound ranges from the scale's minimum to its own upper bound (100)
    assert (floor.kind, floor.scale, floor.domain) == ("bound", 100.0, (0.0, 100.0))
    assert floor.relative(50) == pytest.approx(0.35)  # |50 - 85| / 100
    assert floor.outside(50) == pytest.approx(20)  # 70 - 50
    assert floor.outside(90) == 0
    ceiling = parameter_info(default, "agreement.signatories.japan.accepts.territory.1")
    assert ceiling.domain == (0.0, 100.0)  # from its lower bound 0 to the scale's top
    lower = parameter_info(default, "agreement.signatories.japan.accepts.territory.0")
    assert lower.domain == (0.0, 50.0)  # up to its upper bound's mode 50
    salience = parameter_info(default, "actors.japan.stances.territory.salience")
    assert (salience.unit, salience.scale, salience.domain) == (100.0, 100.0, (0.0, 100.0))
    capability = parameter_info(default, "actors.japan.capability")
    # relative to the strongest actor (Russia, 1.0); up to four times it
    assert (capability.scale, capability.domain) == (1.0, (0.0, 4.0))
    assert capability.actor == "japan" and floor.actor == "russian_public"


# -- the command line's short forms -----------------------------------------------------


@pytest.mark.parametrize(
    ("short", "full"),
    [
        ("russia.capability", "actors.russia.capability"),
        ("russian_public.territory.position", "actors.russian_public.stances.territory.position"),
        ("japan.linkage.salience", "actors.japan.stances.linkage.salience"),
        ("russia.break_isolation.weight", "actors.russia.motives.break_isolation.weight"),
        ("russian_public.accepts.territory.0", RP_FLOOR),
        ("russia.accepts.territory.0", RU_FLOOR),
        ("russia.leader.term_ends", "agreement.signatories.russia.leader.term_ends"),
        ("territory.status_quo", "issues.territory.status_quo"),
        (RP_FLOOR, RP_FLOOR),
        ("horizon", "horizon"),
    ],
)
def test_short_forms_expand(default: Scenario, short: str, full: str) -> None:
    assert expand_path(default, short) == full


def test_parse_values() -> None:
    assert parse_value("50") == 50.0
    assert parse_value("-0.5e1") == -5.0
    assert parse_value("40:50:60") == Range(low=40, mode=50, high=60)
    assert parse_value("2020-12-31") == dt.date(2020, 12, 31)
    for bad, expected in (
        ("abc", r"expected a number \(50\)"),
        ("60:50:40", "low <= mode <= high"),
        ("2020-13-01", "not a valid date"),
    ):
        with pytest.raises(DetenteError, match=expected):
            parse_value(bad)


def test_parse_assignment_errors(default: Scenario) -> None:
    assert parse_assignment(default, "russia.capability=0.5") == ("actors.russia.capability", 0.5)
    for bad, expected in (
        ("russia.capability", "expected PATH=VALUE"),
        ("=3", "expected PATH=VALUE"),
        ("rusia.capability=1", "'rusia' is no actor (russia, japan"),
        ("russia.nothing=1", "expected ACTOR.capability"),
        ("japan.accepts.nothing.0=1", "no 'nothing' in agreement.signatories.japan.accepts"),
    ):
        with pytest.raises(DetenteError, match=expected.replace("(", r"\(")):
            parse_assignment(default, bad)


def test_a_range_with_its_own_law_is_read_and_set_by_path() -> None:
    # a uniform or PERT range dumps with its "dist": still one range, not a group
    data = load_embedded(DEFAULT).to_dict()
    data["actors"][0]["capability"] = {"low": 0.5, "high": 1.5, "dist": "uniform"}
    scenario = Scenario.from_dict(data)
    path = f"actors.{scenario.actors[0].id}.capability"
    assert get_parameter(scenario, path) == Range(low=0.5, mode=1.0, high=1.5, dist="uniform")
    pert = Range(low=0.2, mode=0.4, high=1.0, dist="pert")
    assert get_parameter(set_parameter(scenario, path, pert), path) == pert
    assert get_parameter(set_parameter(scenario, path, 0.7), path) == Range(
        low=0.7, mode=0.7, high=0.7
    )


@pytest.mark.parametrize(
    "name", ["russia_japan_2018", "russia_japan_2018_whatif", "docs/examples/every_block.yaml"]
)
def test_every_short_path_flip_and_sensitivity_print_reads_back_in_whatif(name: str) -> None:
    """A new user pasted flip's ``dynamics.serbia.drift`` into ``whatif --set`` and was
    refused: every displayed short form must expand to the full path it came from."""
    from detente.io import load_scenario
    from detente.report.explain_tables import short_path
    from detente.scenario_edits import numeric_parameters
    from detente.scenario_paths import expand_path
    from detente.scenarios import load_embedded

    root = Path(__file__).resolve().parents[2]
    scenario = load_scenario(root / name) if name.endswith(".yaml") else load_embedded(name)
    paths = [info.path for info in numeric_parameters(scenario)]
    assert any(p.startswith("dynamics.signatories.") for p in paths)  # the case that failed
    for path in paths:
        assert expand_path(scenario, short_path(path)) == path, path
