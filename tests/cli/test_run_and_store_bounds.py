"""Bounded Monte Carlo and a typed --store path: refused before any work, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.errors import DetenteError
from detente.limits import MAX_RUNS
from detente.scenarios import load_embedded
from detente.uncertainty import run_monte_carlo

from cli_helpers import run_cli


@pytest.mark.parametrize(
    "command",
    [
        ("forecast",),
        ("whatif",),
        ("flip",),
        ("sensitivity",),
        ("report", "-o", "r.html"),
        ("backtest", "cases"),
    ],
)
def test_runs_past_the_limit_are_refused_at_once(
    capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    # 10^12 draws asked the seed tree for more memory than the machine had
    code, out, err = run_cli(capsys, *command, "--runs", str(10**12), "--no-store")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"1<=x<={MAX_RUNS}" in err or f"0<=x<={MAX_RUNS}" in err


def test_runs_past_the_limit_from_python() -> None:
    with pytest.raises(DetenteError, match="at most 10,000,000 Monte Carlo draws"):
        run_monte_carlo(load_embedded(), runs=MAX_RUNS + 1, seed=0)


def test_a_typed_store_in_a_missing_folder_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    store = tmp_path / "missing" / "runs.sqlite3"
    code, out, err = run_cli(capsys, "forecast", "-m", "compromise", "--store", str(store))
    assert code == 2 and out == ""
    assert f"the folder {store.parent} does not exist" in err
    assert not store.parent.exists()  # nothing made, nothing computed


def test_the_configured_store_still_makes_its_folders(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DETENTE_STORE and the default store under XDG_DATA_HOME are configuration, not an
    # output path typed for one command: their folders are made on the first record
    store = tmp_path / "made" / "runs.sqlite3"
    monkeypatch.setenv("DETENTE_STORE", str(store))
    code, _, err = run_cli(capsys, "forecast", "-m", "compromise")
    assert code == 0 and store.exists()
    assert err.endswith(f"recorded as run 1 in {store}\n")


def test_backtest_deu_with_only_models_it_cannot_score_is_an_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # DEU issues have no signatories: asking only for agreement models scores nothing
    data = "tests/data/deu_small.tsv"
    code, out, err = run_cli(capsys, "backtest", "deu", data, "-m", "two-level", "--no-store")
    assert code == 2 and out == ""
    assert "none of the models asked for can be scored on DEU (two-level: requires" in err
    code, out, _ = run_cli(
        capsys, "backtest", "deu", data, "-m", "compromise", "-m", "two-level", "--no-store",
        "-f", "json",
    )  # fmt: skip
    assert code == 0 and '"two-level"' in out  # listed as excluded beside compromise


def test_an_absurd_institution_weight_is_blamed_on_the_option(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # 1e308 used to overflow the capabilities and be reported at a line of the data file
    args = ("backtest", "deu", "tests/data/deu_small.tsv", "--no-store")
    code, out, err = run_cli(capsys, *args, "--institution-weight", "1e308")
    assert code == 2 and out == ""
    assert "Invalid value for '--institution-weight'" in err and "deu_small.tsv:" not in err
