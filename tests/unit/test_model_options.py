"""Model options from the scenario (``models:``) and the command line (``--option``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from detente.errors import DetenteError, ScenarioError
from detente.io import parse_scenario
from detente.models import check_model_options, get_model, model_options
from detente.models.expected_utility import ExpectedUtilityModel
from detente.scenario import Scenario
from detente.store import get_run

from cli_helpers import run_cli
from strategies import minimal

# three actors whose expected-utility forecast depends on the probability denominator
ACTORS = [
    {"id": "a", "name": "A", "capability": 1, "stances": {"x": {"position": 0, "salience": 0.9}}},
    {"id": "b", "name": "B", "capability": 2, "stances": {"x": {"position": 6, "salience": 0.5}}},
    {"id": "c", "name": "C", "capability": 1, "stances": {"x": {"position": 10, "salience": 0.8}}},
]


def scenario(**models: Any) -> dict[str, Any]:
    data = minimal(actors=ACTORS)
    if models:
        data["models"] = models
    return data


def test_declared_options_are_the_constructor_keywords() -> None:
    # the options documented in ExpectedUtilityModel's docstring, with their defaults
    declared = model_options("expected-utility")
    assert {
        "q", "t", "probability", "perspective", "risk", "position_range",
        "offer_choice", "max_rounds", "tol", "outcome",
    } <= set(declared)  # fmt: skip
    assert declared["probability"].choices == ("preset", "all-votes", "pair")
    assert declared["preset"].choices == ("deu-grouped-cv", "scholz-2011-table2")
    assert declared["preset"].default == "deu-grouped-cv"
    assert declared["q"].kind is float and declared["q"].default == 1.0
    assert declared["max_rounds"].kind is int and declared["max_rounds"].default == 100
    assert model_options("median") == {} and model_options("two-level") == {}


def test_scenario_options_apply_wherever_the_model_runs() -> None:
    plain = Scenario.from_dict(scenario())
    chosen = Scenario.from_dict(scenario(**{"expected-utility": {"probability": "all-votes"}}))
    expected = ExpectedUtilityModel(probability="all-votes").forecast(plain).outcome("x")
    default = ExpectedUtilityModel().forecast(plain).outcome("x")
    assert expected != pytest.approx(default)  # the option matters on this input
    assert get_model("expected-utility").forecast(chosen).outcome("x") == pytest.approx(expected)


def test_unknown_option_in_a_file_names_its_line() -> None:
    data = scenario(**{"expected-utility": {"probabilty": "pair"}})
    text = yaml.safe_dump(json.loads(json.dumps(data, default=str)), sort_keys=False)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "s.yaml")
    message = str(info.value)
    assert (
        "models.expected-utility.probabilty" in message and "did you mean 'probability'" in message
    )
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "probabilty" in ln)
    assert info.value.line == line


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"expected-utility": {"probability": "most"}}, "expected one of preset, all-votes, pair"),
        ({"expected-utility": {"q": "high"}}, "expected a number"),
        ({"expected-utility": {"max_rounds": 2.5}}, "expected an integer"),
        ({"expected-utility": {"q": 2}}, "q must lie in [0, 1]"),
        ({"median": {"rule": "mean"}}, "has no option 'rule' (its options: none)"),
        ({"nope": {}}, "unknown model 'nope'"),
    ],
)
def test_bad_options_are_clear_errors(options: dict[str, Any], words: str) -> None:
    with pytest.raises(ScenarioError, match=None) as info:
        check_model_options(options)
    assert words in str(info.value)


def test_cli_option_runs_recorded_and_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(scenario(), default=str))
    store = tmp_path / "runs.sqlite3"
    monkeypatch.setenv("DETENTE_STORE", str(store))
    code, out, _ = run_cli(
        capsys, "forecast", str(path), "-m", "expected-utility", "-f", "json",
        "--option", "expected-utility.probability=pair", "--option", "expected-utility.q=0.5",
    )  # fmt: skip
    assert code == 0
    document = json.loads(out)
    assert document["models"][0]["options"] == {"probability": "pair", "q": 0.5}
    expected = ExpectedUtilityModel(probability="pair", q=0.5).forecast(
        Scenario.from_dict(scenario())
    )
    assert document["issues"][0]["forecasts"][0]["outcome"] == pytest.approx(expected.outcome("x"))
    assert get_run(store, 1).options["model_options"] == {
        "expected-utility": {"probability": "pair", "q": 0.5}
    }
    code, out, _ = run_cli(
        capsys, "forecast", str(path), "-m", "expected-utility", "--no-store",
        "--option", "expected-utility.probability=pair",
    )  # fmt: skip
    assert code == 0 and "model options: expected-utility: probability=pair" in out


def test_cli_option_overrides_the_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.json"
    path.write_text(
        json.dumps(scenario(**{"expected-utility": {"probability": "pair", "q": 0.5}}), default=str)
    )
    code, out, _ = run_cli(
        capsys, "forecast", str(path), "-m", "expected-utility", "-f", "json", "--no-store",
        "--option", "expected-utility.probability=all-votes",
    )  # fmt: skip
    assert code == 0
    assert json.loads(out)["models"][0]["options"] == {"probability": "all-votes", "q": 0.5}


@pytest.mark.parametrize(
    ("option", "words"),
    [
        ("expected-utility.probability", "expected MODEL.OPTION=VALUE"),
        ("expected-utility.q=abc", "expects a number, got 'abc'"),
        ("expected-utility.probabilty=pair", "did you mean 'probability'"),
        ("nope.q=1", "unknown model 'nope'"),
        # an invalid choice names the option and the choices (it once said only
        # "expected one of ...")
        ("smp.voting=foo", "--option smp.voting=foo: smp.voting expects one of binary,"),
        ("exchange.rate=xyz", "exchange.rate expects one of equal-gain, random, got 'xyz'"),
        ("smp.max_turns=-3", "--option smp.max_turns=-3: smp: max_turns must be an integer"),
    ],
)
def test_cli_bad_option_is_one_line(
    capsys: pytest.CaptureFixture[str], option: str, words: str
) -> None:
    code, out, err = run_cli(capsys, "forecast", "--no-store", "--option", option)
    assert code == 2 and out == "" and words in err and len(err.strip().splitlines()) == 1


def test_detente_error_type_for_library_users() -> None:
    from detente.models import parse_option_assignments

    with pytest.raises(DetenteError):
        parse_option_assignments(["expected-utility.outcome=best"])


def test_models_command_lists_declared_options(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "models", "-f", "json")
    rows = {m["name"]: m for m in json.loads(out)}
    assert code == 0 and rows["median"]["options"] == {}
    assert rows["expected-utility"]["options"]["probability"] == {
        "accepts": "one of preset, all-votes, pair",
        "default": "preset",
    }
    code, out, _ = run_cli(capsys, "models")
    assert code == 0 and "--option MODEL.OPTION=VALUE" in out


@pytest.mark.parametrize(
    ("name", "options"),
    [("smp", {"transitions": "deterministic", "voting": "binary"}), ("exchange", {"rounds": 2})],
)
def test_scenario_options_reach_the_multi_issue_models(name: str, options: dict[str, Any]) -> None:
    # smp and exchange are not IssueModels: they once ignored the scenario's models block
    # (and so --option); the forecast must be that of the model configured directly
    from detente.models import get_model
    from detente.scenarios import load_embedded

    scenario = load_embedded("russia_japan_2018")
    model = get_model(name)
    chosen = scenario.model_copy(update={"models": {name: options}})
    direct = type(model)(**options).forecast(scenario, rng=0)
    assert model.forecast(chosen, rng=0).to_dict() == direct.to_dict()
    assert model.forecast(scenario, rng=0).to_dict() != direct.to_dict()
