"""The ``detente`` command as a user runs it: output, exit codes, one-line errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import run_cli as run
from shared_data import DATA as SHARED_DATA

ROOT = Path(__file__).resolve().parents[2]
EC_CSV = SHARED_DATA / "ec-emissions" / "actors.csv"


def test_forecast_default_reaches_the_article_conclusion(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "forecast")
    assert code == 0 and re.fullmatch(r"recorded as run 1 in \S+runs\.sqlite3\n", err)
    assert "Russia-Japan peace treaty" in out
    assert "No agreement is possible now" in out
    assert "compromise" in out and "two-level" in out


def test_forecast_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "forecast", "--format", "json", "--model", "compromise", "--model", "median"
    )
    assert code == 0
    document = json.loads(out)
    territory = next(i for i in document["issues"] if i["id"] == "territory")
    assert [f["model"] for f in territory["forecasts"]] == ["compromise", "median"]
    assert territory["forecasts"][1]["outcome"] == 100
    assert territory["forecasts"][1]["nearest_anchor"] == {
        "value": 100,
        "label": "no territorial change",
    }
    # with signatories the two-level verdict is always included
    assert document["agreement"]["possible"] is False
    assert document["agreement"]["issues"]["territory"]["gap"]["size"] == 35


def test_forecast_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "forecast", "-f", "markdown")
    assert code == 0
    assert out.startswith("# Russia-Japan")
    assert "| compromise |" in out and "## Verdict:" in out


@pytest.mark.skipif(not EC_CSV.exists(), reason=f"shared data not found at {EC_CSV}")
def test_forecast_on_the_classic_csv(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "forecast", str(EC_CSV), "--model", "median", "--format", "json")
    assert code == 0
    document = json.loads(out)
    assert document["issues"][0]["scale"] == [4, 10]
    assert document["issues"][0]["forecasts"][0]["outcome"] == 7.0  # Scholz et al. 2011: 7.0
    assert "agreement" not in document


def test_show_prints_provenance(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # no wrapping inside the quotes
    code, out, _ = run(capsys, "show")
    assert code == 0
    assert "Provenance" in out and "impossible for Putin to make concessions" in out
    assert "no evidence given" not in out


def test_show_yaml_round_trips(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "show", "--format", "yaml")
    assert code == 0
    path = tmp_path / "copy.yaml"
    path.write_text(out)
    code, out2, err = run(capsys, "validate", str(path))
    assert code == 0 and "valid (4 actors, 2 issues)" in out2, err
    from detente.io import load_scenario
    from detente.scenarios import load_embedded

    assert load_scenario(path) == load_embedded()


def test_models_lists_citations(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "models", "--format", "json")
    rows = {m["name"]: m for m in json.loads(out)}
    assert (
        code == 0
        and "Putnam" in rows["two-level"]["citation"]
        and "Nash" in rows["nash"]["citation"]
    )


def test_scenarios_lists_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "scenarios")
    assert code == 0 and "russia_japan_2018 (default)" in out


def test_bad_file_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "schema: detente/1\ntitle: x\nas_of: 2020-01-01\nhorizon: 2021-01-01\n"
        "issues: []\nactors: []\n"
    )
    code, out, err = run(capsys, "forecast", str(path))
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"detente: error: {path}:5: issues: ")
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["forecast", "nope.yaml"], "nope.yaml: no such file"),
        (["forecast", "russia_japan_2018_whatiff"], "nor an embedded scenario (embedded: "),
        (["forecast", "--model", "oracle"], "unknown model 'oracle'"),
        (["forecast", "--format", "pdf"], "Invalid value for '--format'"),
        (["forecast", "x.csv", "--scale", "10"], "expected LO:HI"),
        (["forecast", "-m", "median", "--rounds"], "--rounds needs a model with rounds"),
        (["forecast", "-m", "median", "--plot", "x.png"], "--plot without --runs needs a model"),
        (["frobnicate"], "No such command"),
        (["validate"], "Missing argument"),
    ],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and words in err and "Traceback" not in err
    assert out == ""  # nothing printed before the error


def test_two_level_on_a_scenario_without_agreement(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "t.csv"
    path.write_text("actor,capability,position,salience\nA,1,0,50\nB,1,10,50\n")
    code, _, err = run(capsys, "forecast", str(path), "--model", "two-level")
    assert code == 2 and "needs an agreement" in err


def test_help_does_not_import_heavy_libraries() -> None:
    # `detente --help` must start fast: the CLI module imports no numpy, pydantic or rich
    probe = (
        "import sys, detente.cli; heavy = {'numpy', 'pydantic', 'rich', 'matplotlib', 'yaml'};"
        "print(sorted(heavy & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_console_script_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "detente.cli", "forecast", "--model", "median", "-f", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["issues"][0]["forecasts"][0]["model"] == "median"


def test_forecast_runs_without_a_dated_model_prints_no_empty_whether_and_when(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """-m exchange --runs: the draws' outcome table, but no dated-model table with no rows."""
    code, out, err = run(capsys, "forecast", "-m", "compromise", "--runs", "50", "--no-store")
    assert code == 0, err
    assert "Outcomes across 50 draws" in out
    assert "No dated model was run" not in out
    assert "structural model alone" not in out


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_monte_carlo_outcomes_say_a_draw_without_agreement_is_the_status_quo(
    capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    # Issue 10: "no agreement" is never shown as if it were an agreed outcome. In the
    # default scenario no draw has an agreement (the win-sets are 35 points apart), so
    # the dated and two-level rows read the status quo, 100, and must say so.
    code, out, _ = run(capsys, "forecast", "--runs", "64", "-f", fmt, "--no-store")
    assert code == 0
    flat = " ".join(out.split())
    assert "deadline-bargaining and two-level: a draw without an agreement counts as" in flat
    # without an agreement model among the rows, there is nothing to explain
    code, out, _ = run(
        capsys, "forecast", "--runs", "64", "-m", "compromise", "-f", fmt, "--no-store"
    )
    assert code == 0
    assert "a draw without an agreement" not in " ".join(out.split())


def test_drafting_defaults_are_named_when_a_scenario_is_loaded(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A draft gives what the article does not say its widest range; a forecast then rests
    # on the default (a tester's all-default draft read P = 0.98). Every command that
    # loads such a scenario says how many values are defaults, and which.
    text = (ROOT / "docs" / "examples" / "water_treaty.yaml").read_text(encoding="utf-8")
    marked = text.replace(
        "  - about: actors.upstream\n    source: notes\n    quote: we could live with a bit "
        "more than today\n",
        "  - about: actors.upstream\n    judgment: not in the source; set by the analyst\n",
    )
    assert marked != text
    path = tmp_path / "drafted.yaml"
    path.write_text(marked, encoding="utf-8")
    code, _, err = run(capsys, "forecast", str(path), "-m", "compromise", "--no-store")
    assert code == 0
    assert "1 values are drafting defaults, not in the source (actors.upstream)" in err
    code, _, err = run(capsys, "validate", str(ROOT / "docs" / "examples" / "water_treaty.yaml"))
    assert code == 0
    assert "drafting defaults" not in err
