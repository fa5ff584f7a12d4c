"""Sweeps in the run store: every run of a sweep kept with the sweep's spec, seed and versions.

Two tables beside ``runs`` (:mod:`detente.store`), created on first use in any store of
schema version 1 (older detente versions ignore them)::

    sweeps(id INTEGER PRIMARY KEY AUTOINCREMENT,
           created_at TEXT, detente_version TEXT,
           spec TEXT,        -- JSON: the sweep's specification
           seed INTEGER,
           versions TEXT,    -- JSON: detente, numpy, python and the executor
           tasks INTEGER,    -- runs the sweep has in all
           status TEXT)      -- 'running', 'complete', 'failed' or 'cancelled'
    sweep_results(sweep_id, task,          -- PRIMARY KEY
                  scenario_hash, scenario_title,
                  parameters TEXT,         -- JSON: {path as written: value}
                  seed INTEGER, runs INTEGER,
                  result TEXT)             -- JSON: the run's document

``detente sweep`` also records itself as one ``sweep`` run in ``runs`` (its table and
the sweep's id) once every task has finished.

Consistency. Each finished task is written as it arrives, in its own transaction, so
an interrupted or failed sweep keeps every run that finished and no half-written one;
its status says it did not complete.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from detente import __version__
from detente.store import StoreError, _dumps, connect, scenario_hash, transaction

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = ["SWEEP_STATUSES", "finish_sweep", "get_sweep", "record_sweep_result", "start_sweep"]

SWEEP_STATUSES = ("running", "complete", "failed", "cancelled")

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS sweeps (id INTEGER PRIMARY KEY AUTOINCREMENT, "
    "created_at TEXT NOT NULL, detente_version TEXT NOT NULL, spec TEXT NOT NULL, "
    "seed INTEGER, versions TEXT NOT NULL, tasks INTEGER NOT NULL, status TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sweep_results (sweep_id INTEGER NOT NULL REFERENCES sweeps(id), "
    "task INTEGER NOT NULL, scenario_hash TEXT, scenario_title TEXT, parameters TEXT NOT NULL, "
    "seed INTEGER, runs INTEGER, result TEXT NOT NULL, PRIMARY KEY (sweep_id, task))",
)


def _tables(conn: sqlite3.Connection) -> None:
    for statement in _SCHEMA:
        conn.execute(statement)


def start_sweep(
    store_path: str | os.PathLike[str],
    *,
    spec: Mapping[str, Any],
    seed: int,
    tasks: int,
    versions: Mapping[str, Any],
) -> int:
    """Record a new sweep (status ``running``) and return its id."""
    created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    row = (created, __version__, _dumps(dict(spec), "spec"), seed,
           _dumps(dict(versions), "versions"), tasks, "running")  # fmt: skip
    with connect(store_path) as conn, transaction(conn):
        _tables(conn)
        cursor = conn.execute(
            "INSERT INTO sweeps (created_at, detente_version, spec, seed, versions, tasks, "
            "status) VALUES (?, ?, ?, ?, ?, ?, ?)",
            row,
        )
        if cursor.lastrowid is None:  # pragma: no cover - sqlite always sets it
            raise StoreError("the run store did not return the new sweep's id")
        return cursor.lastrowid


def record_sweep_result(
    store_path: str | os.PathLike[str],
    sweep_id: int,
    task: int,
    *,
    scenario: Scenario,
    parameters: Mapping[str, Any],
    result: Any,
    seed: int,
    runs: int,
) -> None:
    """Record the finished task ``task`` of sweep ``sweep_id`` (one transaction)."""
    row = (
        sweep_id, task, scenario_hash(scenario), scenario.title,
        _dumps(dict(parameters), "parameters"), seed, runs, _dumps(result, "result"),
    )  # fmt: skip
    with connect(store_path) as conn, transaction(conn):
        conn.execute(
            "INSERT INTO sweep_results (sweep_id, task, scenario_hash, scenario_title, "
            "parameters, seed, runs, result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            row,
        )


def finish_sweep(store_path: str | os.PathLike[str], sweep_id: int, status: str) -> None:
    """Set the sweep's final status (``complete``, ``failed`` or ``cancelled``)."""
    if status not in SWEEP_STATUSES:
        raise ValueError(f"status must be one of {SWEEP_STATUSES}, got {status!r}")
    with connect(store_path) as conn, transaction(conn):
        conn.execute("UPDATE sweeps SET status = ? WHERE id = ?", (status, sweep_id))


def get_sweep(store_path: str | os.PathLike[str], sweep_id: int) -> dict[str, Any]:
    """The sweep ``sweep_id``: its row and ``results``, ``{task: result document}`` of the
    tasks that finished."""
    import json

    with connect(store_path, create=False) as conn:
        _tables(conn)
        row = conn.execute(
            "SELECT id, created_at, detente_version, spec, seed, versions, tasks, status "
            "FROM sweeps WHERE id = ?",
            (sweep_id,),
        ).fetchone()
        if row is None:
            raise StoreError(f"no sweep {sweep_id} in the run store {store_path}")
        results = conn.execute(
            "SELECT task, result FROM sweep_results WHERE sweep_id = ? ORDER BY task",
            (sweep_id,),
        ).fetchall()
    return {
        "id": row[0], "created_at": row[1], "detente_version": row[2],
        "spec": json.loads(row[3]), "seed": row[4], "versions": json.loads(row[5]),
        "tasks": row[6], "status": row[7],
        "results": {int(t): json.loads(r) for t, r in results},
    }  # fmt: skip
