"""The stable Python API (``detente.load`` and the verbs): known answers, the same JSON as
the command line, tidy tables, and a lazy import.

Known answers are worked out by hand in the comments, on scenarios written for the test.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import detente
from detente.errors import DetenteError, ScenarioError

from cli_helpers import run_cli

pd = pytest.importorskip("pandas")

# Two actors on a 0-100 scale. A: capability 1, position 0; B: capability 3, position
# 100; both salience 50 (so weights c x s are 50 and 150).
TWO_ACTORS = "actor,capability,position,salience\nA,1,0,50\nB,3,100,50\n"


@pytest.fixture
def two_actors(tmp_path: Path) -> Path:
    path = tmp_path / "two.csv"
    path.write_text(TWO_ACTORS)
    return path


def test_two_actor_compromise_and_median_known_answers(two_actors: Path) -> None:
    scenario = detente.load(two_actors, scale=(0, 100))
    frame = scenario.forecast(models=["compromise", "median"]).to_frame()
    assert list(frame["model"]) == ["compromise", "median"]
    assert list(frame["issue"]) == [scenario.scenario.issues[0].id] * 2
    outcome = dict(zip(frame["model"], frame["outcome"], strict=True))
    # compromise (van den Bos 1991; Achen 2006): sum(c s x) / sum(c s)
    #   = (50 x 0 + 150 x 100) / 200 = 75 (tolerance: float rounding only)
    assert outcome["compromise"] == pytest.approx(75.0, abs=1e-9)
    # weighted median (Black 1948): B holds 150 of 200 weight, more than half, so 100
    assert outcome["median"] == pytest.approx(100.0, abs=1e-9)
    # without runs there are no Monte Carlo columns to fill
    assert frame["mean"].isna().all() and frame["n"].isna().all()


def test_two_actor_monte_carlo_of_fixed_values_is_the_point_forecast(two_actors: Path) -> None:
    # no ranges: every draw is the same scenario, so mean = median = p05 = p95 = 75
    result = detente.load(two_actors, scale=(0, 100)).forecast(
        models=["compromise"], runs=300, seed=3
    )
    row = result.to_frame().iloc[0]
    for column in ("mean", "median", "p05", "p95"):
        assert row[column] == pytest.approx(75.0, abs=1e-6)
    assert row["n"] == 300
    # no agreement block: no dated model, so no P(agreement) rows and an empty curve
    assert result.to_frame("agreement").empty
    assert result.monte_carlo is not None and result.monte_carlo.to_frame().empty


def test_forecast_to_dict_is_the_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        capsys, "forecast", "russia_japan_2018", "--runs", "200", "--seed", "4", "-f", "json"
    )
    assert code == 0
    result = detente.load("russia_japan_2018").forecast(runs=200, seed=4)
    assert json.loads(json.dumps(result.to_dict())) == json.loads(out)


def test_whatif_to_dict_is_the_cli_json_and_frame_pairs_before_after(
    capsys: pytest.CaptureFixture[str],
) -> None:
    changes = ["russian_public.accepts.territory.0=45", "russia.accepts.territory.0=45"]
    args = [a for c in changes for a in ("--set", c)]
    runs = ["--runs", "100", "--seed", "2"]
    code, out, _ = run_cli(capsys, "whatif", "russia_japan_2018", *args, *runs, "-f", "json")
    assert code == 0
    result = detente.load("russia_japan_2018").whatif(changes, runs=100, seed=2)
    assert json.loads(json.dumps(result.to_dict())) == json.loads(out)
    # the same changes as a mapping give the same document
    mapping = {"russian_public.accepts.territory.0": 45, "russia.accepts.territory.0": "45"}
    again = detente.load("russia_japan_2018").whatif(mapping, runs=100, seed=2)
    assert again.to_dict() == result.to_dict()
    # the calibrated forecast before and after: one row per named date, P rises with the
    # changes (a zone of agreement opens) and stays a probability
    agreement = result.to_frame("agreement")
    assert len(agreement) == len(result.to_dict()["before"]["agreement"]["by"])
    assert (agreement["after"] > agreement["before"]).all()
    assert agreement["after"].between(0, 1).all()
    assert (agreement["after_low"] <= agreement["after"]).all()
    frame = result.to_frame()
    row = frame[(frame["model"] == "deadline-bargaining") & (frame["issue"] == "territory")]
    # the dated model: before, no agreement is possible, so it reads the status quo (100);
    # after, Russia's and its public's floors are 45 and Japan's ceiling is 50 (the
    # scenario's mode), so an agreed point lies in the zone 45-50
    assert float(row["before"].iloc[0]) == pytest.approx(100.0)
    assert 45.0 - 1e-9 <= float(row["after"].iloc[0]) <= 50.0 + 1e-9


def test_bad_input_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such file, nor an embedded scenario"):
        detente.load("no_such_scenario")
    scenario = detente.load("russia_japan_2018")
    with pytest.raises(DetenteError, match="set twice"):
        scenario.whatif(["russia.capability=0.5", "actors.russia.capability=0.4"])
    with pytest.raises(DetenteError, match="table: expected one of"):
        scenario.forecast(models=["median"]).to_frame("nonsense")
    with pytest.raises(DetenteError, match="unknown metric"):
        scenario.sensitivity(metric="nonsense")


def test_import_detente_is_lazy_and_the_cli_does_not_load_the_facade() -> None:
    probe = (
        "import sys, detente, detente.cli;"
        "print(sorted(m for m in ('pandas', 'detente.api', 'numpy') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_issue_one_liner_prints_a_table() -> None:
    code = (
        "import detente; "
        "print(detente.load('russia_japan_2018').forecast(runs=500).to_frame().head())"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "issue" in lines[0] and "territory" in result.stdout and len(lines) >= 6


def test_model_options_as_texts_or_mapping_are_the_cli_option(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = "docs/examples/classic_table.csv"
    option = "expected-utility.probability=pair"
    code, out, _ = run_cli(
        capsys, "forecast", path, "--scale", "0:100", "-m", "expected-utility",
        "--option", option, "-f", "json",
    )  # fmt: skip
    assert code == 0
    scenario = detente.load(path, scale=(0, 100))
    texts = scenario.forecast(models=["expected-utility"], model_options=[option])
    mapping = scenario.forecast(
        models=["expected-utility"], model_options={"expected-utility": {"probability": "pair"}}
    )
    assert json.loads(json.dumps(texts.to_dict())) == json.loads(out)
    assert mapping.to_dict() == texts.to_dict()
    assert texts.to_dict()["models"][0]["options"] == {"probability": "pair"}
    with pytest.raises(ScenarioError, match="expected one of preset, all-votes, pair"):
        scenario.forecast(model_options={"expected-utility": {"probability": "nope"}})


def test_import_notes_are_kept_and_warned_as_the_cli_prints_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # an extra column 'resolve' is not read: the importer says so (one note)
    path = tmp_path / "extra.csv"
    path.write_text("name,power,position,salience,resolve\nA,1,0,80,x\nB,1,10,60,y\n")
    with pytest.warns(UserWarning, match="resolve") as caught:
        scenario = detente.load(path, salience_scale=100)
    assert len(caught) == 1 and scenario.notes == (str(caught[0].message),)
    code, _, err = run_cli(capsys, "validate", str(path), "--salience-scale", "100")
    assert code == 0 and err.strip() == f"detente: note: {scenario.notes[0]}"


def test_one_model_may_be_named_by_a_plain_string() -> None:
    # a str is a Sequence[str]: without care "compromise" reads as models c, o, m, ...
    scenario = detente.load("russia_japan_2018")
    one = scenario.forecast(models="compromise").to_dict()
    assert one == scenario.forecast(models=["compromise"]).to_dict()
    assert [m["name"] for m in one["models"]] == ["compromise"]


@pytest.mark.parametrize(
    ("verb", "kwargs", "expected"),
    [
        # before: a TypeError from a comparison deep inside
        ("forecast", {"runs": "10"}, "runs: expected a whole number from 1 to 10,000,000 or "
         "None, got '10' (str)"),
        ("forecast", {"runs": True}, "runs: expected a whole number from 1 to 10,000,000 or "
         "None, got True (bool)"),
        # before: accepted, though the command line refuses them
        ("forecast", {"seed": -3}, "seed: expected a whole number >= 0, got -3 (int)"),
        ("forecast", {"workers": 0}, "workers: expected a whole number >= 1, got 0 (int)"),
        ("forecast", {"runs": 10_000_001}, "runs: expected a whole number from 1 to 10,000,000"),
        ("whatif", {"runs": 2.5}, "runs: expected a whole number from 0 to 10,000,000, got 2.5"),
        ("flip", {"threshold": "0.5"}, "threshold: expected a number strictly between 0 and 1, "
         "got '0.5' (str)"),
        ("flip", {"limit": 0}, "limit: expected a whole number >= 1, got 0 (int)"),
        ("flip", {"seed": -1}, "seed: expected a whole number >= 0, got -1 (int)"),
        ("sensitivity", {"top": 0}, "top: expected a whole number >= 1, got 0 (int)"),
        ("sensitivity", {"samples": "4"}, "samples: expected a whole number >= 2, got '4' (str)"),
        ("sensitivity", {"workers": 0}, "workers: expected a whole number >= 1, got 0 (int)"),
    ],
)  # fmt: skip
def test_api_arguments_are_as_strict_as_the_command_line(
    two_actors: Path, verb: str, kwargs: dict[str, object], expected: str
) -> None:
    scenario = detente.load(two_actors, scale=(0, 100))
    args: tuple[object, ...] = (["A.capability=2"],) if verb == "whatif" else ()
    with pytest.raises(DetenteError) as info:
        getattr(scenario, verb)(*args, **kwargs)
    assert str(info.value).startswith(expected)


def test_a_numpy_integer_is_a_whole_number() -> None:
    import numpy as np

    from detente.api.arguments import check_runs, check_whole

    assert check_whole("runs", np.int64(5), 1) == 5
    assert check_runs(None, 1, optional=True) is None
    with pytest.raises(DetenteError, match="runs: expected a whole number from 1 to"):
        check_runs(None, 1)


def _table(actors: int) -> str:
    rows = [f"a{i},{1 + i % 5},{(i * 37) % 101},50" for i in range(actors)]
    return "actor,capability,position,salience\n" + "\n".join(rows) + "\n"


def test_exchange_and_smp_are_left_out_by_default_above_50_actors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from detente.forecasting import select_models, too_many_actors

    at_limit, over = tmp_path / "fifty.csv", tmp_path / "many.csv"
    at_limit.write_text(_table(50))
    over.write_text(_table(51))
    fifty = detente.load(at_limit, scale=(0, 100)).scenario
    many = detente.load(over, scale=(0, 100))
    assert {"exchange", "smp"} <= set(select_models(fifty)) and not too_many_actors(fifty)
    chosen = select_models(many.scenario)
    assert "exchange" not in chosen and "smp" not in chosen and "compromise" in chosen
    assert select_models(many.scenario, ["smp"]) == ["smp"]  # named: runs at any size
    document = many.forecast(models=["compromise", "median"]).to_dict()
    assert "models_left_out" not in document  # models named: nothing left out
    code, out, err = run_cli(
        capsys, "forecast", str(over), "--scale", "0:100", "-f", "json", "--no-store"
    )
    assert code == 0
    left = json.loads(out)["models_left_out"]
    assert [item["model"] for item in left] == ["exchange", "smp"]
    assert left[0]["note"] == (
        "exchange left out: 51 actors, more than the 50 it runs on by default (its time "
        "grows with about the cube of the actor count); name it to run it (--model "
        "exchange, or models=['exchange'])"
    )
    assert f"note: {left[1]['note']}" in err


def test_a_path_of_the_wrong_type_is_one_clear_error() -> None:
    """A new user's ``detente.load(123)`` and ``report(123)`` raised raw TypeErrors."""
    import detente
    from detente.errors import DetenteError

    with pytest.raises(
        DetenteError, match=r"path_or_name: expected a file path or a name or None, got 123 \(int\)"
    ):
        detente.load(123)  # type: ignore[arg-type]
    with pytest.raises(
        DetenteError, match=r"path: expected a file path or a name, got 123 \(int\)"
    ):
        detente.load("russia_japan_2018").report(123)  # type: ignore[arg-type]
