"""The run store: round trips, versions, atomic records, concurrent writers, diffs."""

from __future__ import annotations

import multiprocessing
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from detente.result_diff import diff_results
from detente.scenario import Scenario
from detente.scenario_edits import set_parameter
from detente.scenarios import DEFAULT, load_embedded
from detente.store import (
    SCHEMA_VERSION,
    StoreError,
    default_store_path,
    get_run,
    list_runs,
    record_run,
    resolve_store,
    scenario_hash,
)


@pytest.fixture(autouse=True)
def _private_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # never touch the real user data directory
    monkeypatch.setenv("DETENTE_STORE", str(tmp_path / "env.sqlite3"))


@pytest.fixture(scope="module")
def default() -> Scenario:
    return load_embedded(DEFAULT)


def count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0])


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def test_round_trip(tmp_path: Path, default: Scenario) -> None:
    path = tmp_path / "deep" / "runs.sqlite3"  # parent directories are created
    result = {"issues": [{"id": "territory", "outcome": 53.0}], "possible": False}
    options = {"models": ["compromise", "two-level"], "metric": None}
    run_id = record_run(
        path, command="forecast", scenario=default, result=result, options=options, seed=7, runs=100
    )
    assert run_id == 1
    found = get_run(path, run_id)
    assert found.result == result
    assert found.options == options
    assert found.models == ["compromise", "two-level"]
    assert (found.command, found.seed, found.runs) == ("forecast", 7, 100)
    assert found.scenario_title == default.title
    assert found.scenario_hash == scenario_hash(default)
    assert found.detente_version == "0.1.0"
    assert found.created_at.endswith("+00:00")
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        meta = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    assert meta == (str(SCHEMA_VERSION),)


def test_models_come_from_the_result_when_not_in_options(tmp_path: Path) -> None:
    result = {"models": [{"name": "median", "citation": "Black 1948"}]}
    run_id = record_run(
        tmp_path / "s.sqlite3", command="forecast", scenario=None, result=result, options={}
    )
    found = get_run(tmp_path / "s.sqlite3", run_id)
    assert found.models == ["median"]
    assert found.scenario_hash is None and found.scenario_title is None


def test_scenario_hash_follows_content(default: Scenario) -> None:
    again = load_embedded(DEFAULT)
    assert scenario_hash(again) == scenario_hash(default)
    edited = set_parameter(default, "actors.russia.capability", 0.9)
    assert scenario_hash(edited) != scenario_hash(default)
    assert len(scenario_hash(default)) == 64


def test_list_newest_first_with_limit_and_command(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    for k, command in enumerate(["forecast", "flip", "forecast", "whatif"]):
        record_run(path, command=command, scenario=None, result={"k": k}, options={})
    assert [r.id for r in list_runs(path)] == [4, 3, 2, 1]
    assert [r.id for r in list_runs(path, limit=2)] == [4, 3]
    assert [r.id for r in list_runs(path, command="forecast")] == [3, 1]
    assert list_runs(tmp_path / "missing.sqlite3") == []
    assert not (tmp_path / "missing.sqlite3").exists()


def test_store_locations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert default_store_path({"DETENTE_STORE": "/x/runs.db"}) == Path("/x/runs.db")
    assert default_store_path({"XDG_DATA_HOME": "/data"}) == Path("/data/detente/runs.sqlite3")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_store_path({}) == tmp_path / ".local" / "share" / "detente" / "runs.sqlite3"
    assert resolve_store(None, no_store=True) is None
    assert resolve_store("/y/z.sqlite3") == Path("/y/z.sqlite3")
    assert resolve_store(None) == tmp_path / "env.sqlite3"  # DETENTE_STORE (the fixture)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    record_run(path, command="forecast", scenario=None, result={}, options={})
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION + 1),)
        )
    message = f"has schema version {SCHEMA_VERSION + 1}, newer than this detente"
    with pytest.raises(StoreError, match=message):
        record_run(path, command="forecast", scenario=None, result={}, options={})
    with pytest.raises(StoreError, match=message):
        list_runs(path)
    assert count(path) == 1


def test_not_a_store(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(StoreError, match="is not a detente run store"):
        get_run(other, 1)
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("not a database at all, " * 100)
    with pytest.raises(StoreError, match=r"junk\.sqlite3"):
        record_run(junk, command="x", scenario=None, result={}, options={})
    with pytest.raises(StoreError, match="no run store at"):
        get_run(tmp_path / "none.sqlite3", 1)


def test_invalid_json_is_refused_before_writing(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    record_run(path, command="forecast", scenario=None, result={"ok": 1}, options={})
    with pytest.raises(StoreError, match="result is not valid JSON"):
        record_run(path, command="forecast", scenario=None, result={"p": float("nan")}, options={})
    with pytest.raises(StoreError, match="options is not valid JSON"):
        record_run(path, command="forecast", scenario=None, result={}, options={"f": object()})
    assert count(path) == 1
    with pytest.raises(StoreError, match="no run 2 in the run store"):
        get_run(path, 2)


_CRASH = """
import os, sys
from detente.store import connect, transaction
with connect(sys.argv[1]) as conn, transaction(conn):
    conn.execute(
        "INSERT INTO runs (created_at, detente_version, command, models, options, result) "
        "VALUES ('t', 'v', 'crash', '[]', '{}', '{}')"
    )
    os._exit(1)  # dies inside the transaction, before COMMIT
"""


def test_a_crash_mid_record_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"
    record_run(path, command="forecast", scenario=None, result={"k": 1}, options={})
    done = subprocess.run([sys.executable, "-c", _CRASH, str(path)], check=False)
    assert done.returncode == 1
    assert count(path) == 1
    assert [r.command for r in list_runs(path)] == ["forecast"]
    assert integrity(path) == "ok"


def _writer(path: str, worker: int, records: int, start: Any) -> None:
    start.wait(60)  # every writer starts at once
    for k in range(records):
        record_run(
            path, command="forecast", scenario=None, result={"worker": worker, "k": k},
            options={"worker": worker}, seed=k,
        )  # fmt: skip


def test_concurrent_writers(tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite3"  # created by the racing writers themselves
    workers, records = 6, 15
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    processes = [
        context.Process(target=_writer, args=(str(path), w, records, start)) for w in range(workers)
    ]
    for process in processes:
        process.start()
    start.set()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * workers
    assert count(path) == workers * records
    assert integrity(path) == "ok"
    runs = [get_run(path, i) for i in range(1, workers * records + 1)]
    seen = {(r.result["worker"], r.result["k"]) for r in runs}
    assert seen == {(w, k) for w in range(workers) for k in range(records)}


def test_diff_of_two_results() -> None:
    old = {
        "issues": [
            {"id": "territory", "forecasts": [{"model": "compromise", "outcome": 53.0}]},
            {"id": "linkage", "forecasts": [{"model": "compromise", "outcome": 59.3}]},
        ],
        "agreement": {"possible": False, "gap": 35},
        "note": "old",
    }
    new = {
        "issues": [
            {"id": "linkage", "forecasts": [{"model": "compromise", "outcome": 59.3}]},
            {"id": "territory", "forecasts": [{"model": "compromise", "outcome": 50.5}]},
        ],
        "agreement": {"possible": True, "gap": 0},
        "extra": [1, 2],
    }
    found = {d.path: d for d in diff_results(old, new)}
    assert set(found) == {
        "issues.territory.forecasts.compromise.outcome",
        "agreement.possible",
        "agreement.gap",
        "note",
        "extra",
    }
    outcome = found["issues.territory.forecasts.compromise.outcome"]
    assert (outcome.old, outcome.new, outcome.delta) == (53.0, 50.5, -2.5)
    assert found["agreement.possible"].delta is None  # booleans are not numbers
    assert (found["note"].kind, found["extra"].kind) == ("removed", "added")
    assert diff_results(old, old) == []
    # within the tolerance, numbers count as equal
    assert "agreement.gap" not in {d.path for d in diff_results(old, new, tolerance=40)}
