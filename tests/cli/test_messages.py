"""The messages of a new user's trial (findings of 2026-11-30, item 12): each says what
is wrong in the user's terms, once, with what to do."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from detente.errors import ScenarioError
from detente.io import parse_scenario
from detente.report.calibrated_table import _years_old
from detente.store import record_run
from hostile.hostile_helpers import GOOD, line_of

from cli_helpers import run_cli

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "src" / "detente" / "scenarios" / "russia_japan_2018.yaml"


def error_of(text: str) -> str:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "s.yaml")
    return str(info.value)


def test_a_date_with_a_time_of_day_is_shown_as_written() -> None:
    # before: "got datetime.datetime(2020, 1, 1, 10, 0)"
    text = GOOD.replace("as_of: 2020-01-01", "as_of: 2020-01-01T10:00:00")
    assert "as_of: 2020-01-01T10:00:00" in text
    assert error_of(text) == (
        f"s.yaml:{line_of(text, 'as_of:')}: as_of: expected a date as YYYY-MM-DD, got the "
        "date and time 2020-01-01T10:00:00"
    )


def test_an_unquoted_label_with_a_comma_is_one_problem_with_the_fix() -> None:
    # YAML reads {6: about 6,000 (deal)} as {6: "about 6", "000 (deal)": null}: a bad key
    # and a missing label at the same place, reported once (before: twice)
    text = GOOD.replace("scale: [0, 10]", "scale: [0, 10]\n    anchors: {6: about 6,000 (deal)}")
    message = error_of(text)
    assert message == (
        f"s.yaml:{line_of(text, 'anchors:')}: issues[0].anchors.000 (deal): expected a number "
        "as the key, got '000 (deal)'; quote a label that holds a comma, e.g. "
        '{6: "about 6,000 (final deal)"}'
    )


def test_setting_a_value_the_scenario_lacks_says_how_to_add_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # before: "...; expected one of nothing"
    code, _, err = run_cli(
        capsys, "whatif", str(DEFAULT), "--runs", "0", "--set", "japan.tolerance.territory=3"
    )
    assert code == 2
    assert "expected one of nothing" not in err
    assert err.strip().endswith(
        "no 'territory' in agreement.signatories.japan.tolerance; it sets nothing in this "
        "scenario, and a change can only alter a value the scenario has: add the value to the "
        "scenario file first"
    )


def test_a_store_that_is_a_folder_is_named_as_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # before: "cannot open the run store /tmp/x: unable to open database file"
    monkeypatch.setenv("DETENTE_STORE", str(tmp_path))
    code, _, err = run_cli(capsys, "runs", "list")
    assert code == 2
    assert err == (
        f"detente: error: the run store {tmp_path} is a folder; a store is one SQLite file: "
        f"name a file (e.g. {tmp_path / 'runs.sqlite3'}) in DETENTE_STORE or --store\n"
    )


def test_runs_diff_on_two_versions_of_one_scenario_says_what_differs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "runs.sqlite3"
    first = parse_scenario(GOOD, "s.yaml")
    edited = parse_scenario(GOOD.replace("capability: 2", "capability: 3"), "s.yaml")
    assert first.title == edited.title
    old = record_run(store, command="forecast", scenario=first, result={}, options={})
    new = record_run(store, command="whatif", scenario=edited, result={}, options={})
    code, out, _ = run_cli(capsys, "runs", "diff", str(old), str(new), "--store", str(store))
    assert code == 0
    text = " ".join(out.split())
    assert f"different scenarios ('{first.title}' and '{first.title}')" not in text
    assert f"different contents of the scenario '{first.title}' (content hashes" in text
    assert f"(run {old}: forecast, run {new}: whatif)" in text


def test_a_full_standard_output_is_named(tmp_path: Path) -> None:
    import subprocess

    full = Path("/dev/full")
    if not full.exists():
        pytest.skip("no /dev/full on this system")
    with full.open("w") as sink:
        done = subprocess.run(
            [sys.executable, "-m", "detente.cli", "validate", str(DEFAULT)],
            stdout=sink,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 2
    # before: "detente: error: [Errno 28] No space left on device"
    assert done.stderr == (
        "detente: error: cannot write the output to standard output (No space left on "
        "device); redirect it elsewhere, or write a file where the command offers one\n"
    )


@pytest.mark.parametrize(
    ("age", "shown"),
    [(0.2, "0 years old"), (1.0, "1 year old"), (1.4, "1 year old"), (12.9, "13 years old")],
)
def test_a_dispute_one_year_old_is_singular(age: float, shown: str) -> None:
    assert _years_old(age) == shown
