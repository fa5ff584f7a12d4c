"""One command line: the same options on sibling commands, one-line usage errors, and no
wasted work (outputs and the store checked first; a failed command records nothing;
what is written is said)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import click
import pytest

from detente.cli import cli

from cli_helpers import run_cli as run


def _commands(group: click.Group = cli, prefix: str = "detente") -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        out.append((path, command))
        if isinstance(command, click.Group):
            out += _commands(command, path)
    return out


COMMANDS = _commands()


def _options(command: click.Command) -> set[str]:
    return {opt for p in command.params if isinstance(p, click.Option) for opt in p.opts}


def test_every_scenario_command_takes_the_same_input_options() -> None:
    takers = [(path, c) for path, c in COMMANDS if any(p.name == "scenario" for p in c.params)]
    assert {path for path, _ in takers} == {
        "detente forecast", "detente show", "detente whatif", "detente flip",
        "detente sensitivity", "detente report", "detente base-rate",
    }  # fmt: skip
    for path, command in takers:
        assert {"--scale", "--table-format"} <= _options(command), path
    validate = dict(COMMANDS)["detente validate"]
    assert {"--scale", "--table-format"} <= _options(validate)


def test_one_format_vocabulary() -> None:
    for path, command in COMMANDS:
        for param in command.params:
            if "--format" in getattr(param, "opts", []):
                assert isinstance(param.type, click.Choice)
                choices = list(param.type.choices)
                expected = ["table", "json", "markdown"] + (
                    ["yaml"] if path == "detente show" else []
                )
                assert choices == expected, path
                assert "-f" in param.opts, path


def test_store_options_on_every_recording_command_and_after_runs_subcommands() -> None:
    recording = {"forecast", "whatif", "flip", "sensitivity", "report", "deu", "cases"}
    for path, command in COMMANDS:
        if path.split()[-1] in recording:
            assert {"--store", "--no-store"} <= _options(command), path
        if path.startswith("detente runs "):
            assert "--store" in _options(command), path


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS] + ["detente"])
def test_help_has_no_doubled_percent(capsys: pytest.CaptureFixture[str], path: str) -> None:
    code, out, _ = run(capsys, *path.split()[1:], "--help")
    assert code == 0 and "%%" not in out


@pytest.mark.parametrize(
    "args",
    [
        ["forecast", "--bogus"],
        ["forecast", "-f", "xml"],
        ["forecast", "--runs", "0"],
        ["nonsense"],
        ["runs", "show"],
        ["runs", "list", "-f", "yaml"],
        ["backtest", "deu"],
        ["forecast", "--scale", "9:1", "x.csv"],
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert err.startswith("detente: error: ") and err.count("\n") == 1, err
    assert "--help'" in err  # where to look next


def test_runs_store_before_or_after_the_subcommand(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    store = tmp_path / "mine.sqlite3"
    code, _, err = run(capsys, "forecast", "-m", "median", "--store", str(store), "-f", "json")
    assert code == 0 and err == f"recorded as run 1 in {store}\n"
    for args in (
        ["runs", "list", "--store", str(store), "-f", "json"],
        ["runs", "--store", str(store), "list", "-f", "json"],
        ["runs", "--store", str(tmp_path / "other"), "list", "--store", str(store), "-f", "json"],
    ):
        code, out, _ = run(capsys, *args)
        assert code == 0 and '"command": "forecast"' in out, args


# -- never waste work ----------------------------------------------------------------------


@pytest.fixture
def no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any model run, Monte Carlo or report build fails the test: errors must come first."""

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("computed before the output was checked")

    monkeypatch.setattr("detente.forecasting.run_models", forbidden)
    monkeypatch.setattr("detente.analysis.one_at_a_time.one_at_a_time", forbidden)
    monkeypatch.setattr("detente.report.document.build_report", forbidden)


def _recorded(store: Path) -> int:
    if not store.exists():
        return 0
    with sqlite3.connect(store) as conn:
        return int(conn.execute("SELECT count(*) FROM runs").fetchone()[0])


@pytest.mark.parametrize(
    ("command", "target", "message"),
    [
        (["forecast", "--runs", "10"], "p.xyz", "expected a .png, .svg or .pdf file name"),
        (["sensitivity"], "t.gif", "expected a .png, .svg or .pdf file name"),
        (["forecast", "--runs", "10"], "afile/p.png", "afile is not a folder"),
        (["sensitivity"], "afile/deeper/t.png", "afile is not a folder"),
        (["forecast", "--runs", "10"], "folder", "is a folder"),
        (["report"], "afile/r.html", "afile is not a folder"),
        (["report"], "r.txt", "cannot tell the report format"),
        (["report"], "folder.html", "is a folder"),
        # a missing folder is an error, never made silently
        (["forecast", "--runs", "10"], "new/p.png", "the folder new does not exist"),
        (["report"], "folder/new/r.html", "the folder folder/new does not exist"),
    ],
)
def test_bad_outputs_fail_before_any_work(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_work: None,
    command: list[str],
    target: str,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("x")
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder.html").mkdir()
    store = tmp_path / "runs.sqlite3"
    flag = "-o" if command[0] == "report" else "--plot"
    code, out, err = run(capsys, *command, flag, target, "--store", str(store))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith(f"detente: error: {target}: ") and message in err, err
    assert _recorded(store) == 0 and not store.exists()


def test_write_atomically_never_makes_a_missing_folder(tmp_path: Path) -> None:
    from detente.errors import DetenteError
    from detente.io import save_scenario, write_atomically
    from detente.scenarios import load_embedded

    target = tmp_path / "new" / "deeper" / "x.csv"
    with pytest.raises(DetenteError) as caught:
        write_atomically(target, "a,b\n")
    assert str(caught.value) == (
        f"{target}: the folder {target.parent} does not exist (make it first, or write elsewhere)"
    )
    with pytest.raises(DetenteError, match="does not exist"):
        save_scenario(load_embedded(), tmp_path / "new" / "s.yaml")
    assert not (tmp_path / "new").exists()
    write_atomically(tmp_path / "x.csv", "a,b\n")  # an existing folder is written to
    assert (tmp_path / "x.csv").read_text() == "a,b\n"


def test_a_failed_write_names_the_file_and_records_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The write itself fails (a full disk, a folder made read-only meanwhile): the error
    names the file asked for, not the temporary file, and no run is recorded."""
    import tempfile

    real = tempfile.mkstemp

    def refused(*args: object, **kwargs: object) -> tuple[int, str]:
        if str(kwargs.get("prefix", "")).startswith(".p.png"):
            raise PermissionError(13, "Permission denied", str(tmp_path / ".p.png.x7q"))
        return real(*args, **kwargs)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    monkeypatch.chdir(tmp_path)
    store = tmp_path / "runs.sqlite3"
    code, out, err = run(
        capsys, "forecast", "--runs", "8", "--plot", "p.png", "--store", str(store)
    )
    assert code == 2 and out == ""
    assert err == "detente: error: p.png: Permission denied\n"
    assert _recorded(store) == 0


def test_plot_without_runs_names_every_file_it_writes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(
        capsys, "forecast", "-m", "expected-utility", "--plot", "x.png", "-f", "json", "--no-store"
    )
    assert code == 0
    # the default scenario has two issues: one figure each, named after the id
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["x-linkage.png", "x-territory.png"]
    assert re.findall(r"^wrote (\S+) \(expected-utility rounds on .+\)$", err, re.M) == [
        "x-territory.png",
        "x-linkage.png",
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["forecast", "-m", "median", "--runs", "10", "--plot", "p.png"],
        ["forecast", "docs/examples/classic_table.csv", "--runs", "10", "--plot", "p.png"],
        ["forecast", "-m", "median", "--plot", "p.png"],
        ["forecast", "-m", "median", "--rounds"],
    ],
)
def test_plots_that_cannot_be_drawn_fail_before_any_work(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_work: None,
    args: list[str],
) -> None:
    root = Path(__file__).resolve().parents[2]
    args = [str(root / a) if a.startswith("docs/") else a for a in args]
    monkeypatch.chdir(tmp_path)
    store = tmp_path / "runs.sqlite3"
    code, out, err = run(capsys, *args, "--store", str(store))
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert "needs" in err and "--model" in err
    assert not store.exists() and not (tmp_path / "p.png").exists()


def test_a_store_the_user_chose_is_checked_before_any_work(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, no_work: None
) -> None:
    not_a_store = tmp_path / "notes.txt"
    not_a_store.write_text("my notes\n")
    code, out, err = run(capsys, "forecast", "--store", str(not_a_store))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert str(not_a_store) in err
    assert not_a_store.read_text() == "my notes\n"
    blocked = tmp_path / "afile"
    blocked.write_text("x")
    code, _, err = run(capsys, "forecast", "--store", str(blocked / "runs.sqlite3"))
    assert code == 2 and f"{blocked} is not a folder" in err


def test_backtest_cases_finds_every_shipped_case_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from detente.api.verbs import shipped_cases

    monkeypatch.chdir(tmp_path)
    root = Path(__file__).resolve().parents[2] / "cases"
    shipped = sorted(p.name for p in Path(shipped_cases()).glob("*.yaml"))
    assert shipped == sorted(p.name for p in root.glob("*.yaml"))
    assert len(shipped) >= 12


@pytest.mark.parametrize("args", [[], ["runs"], ["backtest"]])
def test_a_group_alone_prints_its_help(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, out, err = run(capsys, *args)
    assert code == 0 and err == ""
    assert out.startswith(f"Usage: {' '.join(['detente', *args])} [OPTIONS] COMMAND")


def test_rounds_in_every_format(capsys: pytest.CaptureFixture[str]) -> None:
    base = ("forecast", "-m", "expected-utility", "--rounds", "--no-store")
    code, out, _ = run(capsys, *base, "-f", "markdown")
    assert code == 0 and out.count("| Round | Median | Mean | Moves | Accepted offers |") == 2
    code, out, _ = run(capsys, *base)
    assert code == 0 and out.count("Accepted offers") == 2
