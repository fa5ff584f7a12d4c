"""Damaged rows in the run store: `runs list/show/diff` name them and go on, never a traceback.

A row can be damaged by another program writing to the SQLite file, by a hand edit, or
by a disk error; each test damages one field of a real recorded run with plain SQL.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from detente.store import get_run, list_runs, record_run

from cli_helpers import run_cli


def two_runs(path: Path) -> tuple[int, int]:
    first = record_run(
        path, command="forecast", scenario=None, result={"p": 0.25, "models": ["median"]},
        options={"models": ["median"]}, seed=1, runs=100,
    )  # fmt: skip
    second = record_run(
        path, command="forecast", scenario=None, result={"p": 0.5, "models": ["median"]},
        options={"models": ["median"]}, seed=2, runs=100,
    )  # fmt: skip
    return first, second


def damage(path: Path, run_id: int, column: str, value: object) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(f"UPDATE runs SET {column} = ? WHERE id = ?", (value, run_id))


DAMAGES = [
    ("result", "{not json", "result is not valid JSON"),
    ("result", b"\xff\xfe{}", "result is not valid JSON"),  # a blob, not UTF-8
    ("result", "[" * 100_000 + "]" * 100_000, "result is not valid JSON (nested too deeply)"),
    ("models", "not json", "models is not valid JSON"),
    ("models", '{"a": 1}', "models is a JSON dict, not a list"),
    ("options", "[1, 2]", "options is a JSON list, not a dict"),
    ("options", 42, "options is a JSON int, not a dict"),  # the TEXT column keeps '42'
    ("seed", "seven", "seed is of type str, not a whole number"),
    ("created_at", b"\x00\x01", "created_at is of type bytes, not text"),  # a blob
    ("command", b"forecast", "command is of type bytes, not text"),
]


@pytest.mark.parametrize(("column", "value", "note"), DAMAGES)
def test_a_damaged_row_is_shown_as_damaged(
    tmp_path: Path, column: str, value: object, note: str
) -> None:
    path = tmp_path / "runs.sqlite3"
    first, second = two_runs(path)
    damage(path, second, column, value)
    listed = {r.id: r for r in list_runs(path)}
    shown = get_run(path, second)
    assert listed[first].damage is None and get_run(path, first).result["p"] == 0.25
    if column != "result":  # the list does not read results
        assert listed[second].damage is not None and note in listed[second].damage
    assert shown.damage is not None and note in shown.damage
    assert shown.to_dict()["damaged"] == shown.damage
    json.dumps(shown.to_dict())  # still a JSON document


def test_text_that_is_not_utf8_reads_with_replacement_characters(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    _, second = two_runs(path)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE runs SET scenario_title = CAST(X'ff41' AS TEXT) WHERE id = ?", (second,)
        )
    assert list_runs(path)[0].scenario_title == "\ufffdA"


@pytest.mark.parametrize("fmt", ["table", "json"])
@pytest.mark.parametrize(("column", "value", "note"), DAMAGES)
def test_runs_commands_note_the_damaged_row_and_exit_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, column: str, value: object,
    note: str,
) -> None:  # fmt: skip
    path = tmp_path / "runs.sqlite3"
    first, second = two_runs(path)
    damage(path, second, column, value)
    for args in (
        ["runs", "--store", str(path), "list", "-f", fmt],
        ["runs", "--store", str(path), "show", str(second), "-f", fmt],
        ["runs", "--store", str(path), "diff", str(first), str(second), "-f", fmt],
    ):
        code, out, err = run_cli(capsys, *args)
        assert code == 0, err
        assert "Traceback" not in err
        if args[3] != "list" or column != "result":
            assert f"detente: note: run {second}: damaged row: " in err
            assert note in err
        if fmt == "json":
            json.loads(out)


def test_a_file_that_is_not_a_database_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "runs.sqlite3"
    two_runs(path)
    data = bytearray(path.read_bytes())
    data[100:4000] = b"\x00garbage" * 487 + b"\x00" * 4
    path.write_bytes(bytes(data))
    code, _, err = run_cli(capsys, "runs", "--store", str(path), "list")
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("detente: error: ")
    assert str(path) in err
