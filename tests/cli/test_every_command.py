"""Every command runs through a real run store, and every recording command records.

``backtest deu`` once crashed (``KeyError: 'name'``) when it recorded its run, after all
its work, in every format; no test noticed because none ran it through the store
without ``-m``. Here every leaf command of ``detente`` (the list is read from the click
tree, so a new command without a case below fails the test) runs in each of its formats
with ``--store`` naming a real SQLite file (and the default store, ``DETENTE_STORE``
unset, pointing into a temporary ``XDG_DATA_HOME``), and the run must be in the store
afterwards with the command's name.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import click
import pytest

from detente.cli import cli

from cli_helpers import run_cli as run

ROOT = Path(__file__).resolve().parents[2]
DEU = str(ROOT / "tests" / "data" / "deu_small.tsv")
SCENARIO = str(ROOT / "docs" / "examples" / "water_treaty.yaml")
SWEEP = str(ROOT / "docs" / "examples" / "sweep.yaml")

# command path -> (arguments, the name it records under or None)
CASES: dict[str, tuple[list[str], str | None]] = {
    "forecast": (["forecast", "-m", "median", "-m", "two-level"], "forecast"),
    "validate": (["validate", SCENARIO], None),
    "show": (["show", SCENARIO], None),
    "models": (["models"], None),
    "scenarios": (["scenarios"], None),
    "whatif": (["whatif", "--set", "russia.capability=0.5", "-m", "median"], "whatif"),
    "flip": (["flip", "--target", "zopa", "--no-pairs", "--limit", "1"], "flip"),
    "sensitivity": (
        ["sensitivity", "-m", "median", "--runs", "0", "--top", "3", "--workers", "2"],
        "sensitivity",
    ),
    "report": (["report", "--runs", "16", "--no-sensitivity"], "report"),
    "backtest deu": (
        ["backtest", "deu", DEU, "--bootstrap", "20", "-q", "--workers", "2"],
        "backtest deu",
    ),
    "backtest cases": (
        ["backtest", "cases", "--runs", "8", "-q", "--workers", "2"],
        "backtest cases",
    ),
    "base-rate": (["base-rate"], None),
    "sweep": (["sweep", SWEEP, "-q", "--out", "sweep.csv"], "sweep"),
    "runs list": (["runs", "list"], None),
    "runs show": (["runs", "show", "1"], None),
    "runs diff": (["runs", "diff", "1", "1"], None),
    "draft": (["draft", str(ROOT / "tests" / "drafting" / "articles" / "nile_dam_2021.txt")], None),
}
NOT_HERE = {
    "serve": "a server: started and stopped by tests/cli/test_readme_commands.py; "
    "its options (--memory-budget, ...) in tests/web/test_serve_command.py"
}


def _leaves(group: click.Command, prefix: str = "") -> list[str]:
    if isinstance(group, click.Group):
        return [
            leaf
            for name, sub in group.commands.items()
            for leaf in _leaves(sub, f"{prefix} {name}".strip())
        ]
    return [prefix]


def _formats(path: str) -> list[str]:
    command: click.Command = cli
    for part in path.split():
        assert isinstance(command, click.Group)
        command = command.commands[part]
    for param in command.params:
        if param.name == "fmt":
            assert isinstance(param.type, click.Choice)
            return [str(c) for c in param.type.choices]
    return ["table"]


def test_every_command_has_a_case() -> None:
    assert sorted(_leaves(cli)) == sorted([*CASES, *NOT_HERE])


def _runs(store: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(store) as conn:
        return list(conn.execute("SELECT id, command FROM runs ORDER BY id"))


@pytest.fixture
def real_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real store file given with --store; the default store is a real file too."""
    monkeypatch.delenv("DETENTE_STORE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "runs.sqlite3"


def test_every_command_in_every_format_through_a_real_store(
    capsys: pytest.CaptureFixture[str], real_store: Path, tmp_path: Path
) -> None:
    # a first recorded run, so that runs show/diff have something to read
    code, _, err = run(capsys, *CASES["forecast"][0], "--store", str(real_store))
    assert code == 0, err
    for path, (args, recorded_as) in CASES.items():
        for fmt in _formats(path):
            extra = ["-f", fmt] if fmt != "table" or len(_formats(path)) > 1 else []
            if path == "report":  # its format is its file's suffix
                extra = ["-o", str(tmp_path / "report.md")]
            store = [] if recorded_as is None and not path.startswith("runs") else ["--store"]
            store += [str(real_store)] if store else []
            before = _runs(real_store)
            code, out, err = run(capsys, *args, *extra, *store)
            assert code == 0, f"{path} -f {fmt}: {err}"
            assert "Traceback" not in err
            if fmt == "json":
                json.loads(out)
            after = _runs(real_store)
            if recorded_as is None:
                assert after == before, path
            else:
                assert after[:-1] == before and after[-1][1] == recorded_as, path
                assert f"recorded as run {after[-1][0]} in {real_store}" in err


def test_the_default_store_is_a_real_file(
    capsys: pytest.CaptureFixture[str], real_store: Path, tmp_path: Path
) -> None:
    code, _, err = run(capsys, "backtest", "deu", DEU, "--bootstrap", "20", "-q", "-f", "json")
    assert code == 0, err
    default = tmp_path / "xdg" / "detente" / "runs.sqlite3"
    assert _runs(default) == [(1, "backtest deu")]
    code, out, _ = run(capsys, "runs", "list", "-f", "json")
    assert code == 0 and [r["command"] for r in json.loads(out)] == ["backtest deu"]
