"""Sweeps in the run store: many runs recorded as one sweep with its spec, seed and versions.

Two tables beside ``runs`` (:mod:`detente.store`), created on first use in any store of
schema version 1 (older detente versions ignore them)::

    sweeps(id INTEGER PRIMARY KEY AUTOINCREMENT,
           created_at TEXT, detente_version TEXT,
           spec TEXT,        -- JSON: the sweep's specification, as resolved
           seed INTEGER,
           versions TEXT,    -- JSON: detente, numpy, python and the executor
           tasks INTEGER,    -- runs the sweep has in all
           status TEXT)      -- 'running', 'complete', 'failed' or 'cancelled'
    sweep_runs(sweep_id, task, run_id)   -- which run is which task of which sweep

Consistency. Each finished task is recorded as it arrives, its ``runs`` row and its
``sweep_runs`` row in one transaction, so an interrupted sweep keeps every run that
finished and no half-written one; its status says it did not complete.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from detente import __version__
from detente.store import StoreError, _dumps, _insert_run, _now, _run_row, connect, transaction

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = ["SWEEP_STATUSES", "finish_sweep", "get_sweep", "record_sweep_run", "start_sweep"]

SWEEP_STATUSES = ("running", "complete", "failed", "cancelled")

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS sweeps (id INTEGER PRIMARY KEY AUTOINCREMENT, "
    "created_at TEXT NOT NULL, detente_version TEXT NOT NULL, spec TEXT NOT NULL, "
    "seed INTEGER, versions TEXT NOT NULL, tasks INTEGER NOT NULL, status TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sweep_runs (sweep_id INTEGER NOT NULL REFERENCES sweeps(id), "
    "task INTEGER NOT NULL, run_id INTEGER NOT NULL REFERENCES runs(id), "
    "PRIMARY KEY (sweep_id, task))",
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
    row = (_now(), __version__, _dumps(dict(spec), "spec"), seed,
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


def record_sweep_run(
    store_path: str | os.PathLike[str],
    sweep_id: int,
    task: int,
    *,
    scenario: Scenario | None,
    result: Any,
    options: Mapping[str, Any],
    seed: int | None = None,
    runs: int | None = None,
) -> int:
    """Record task ``task`` of sweep ``sweep_id`` as a ``sweep`` run (one transaction)."""
    row = _run_row("sweep", scenario, result, options, seed, runs)
    with connect(store_path) as conn, transaction(conn):
        run_id = _insert_run(conn, row)
        conn.execute(
            "INSERT INTO sweep_runs (sweep_id, task, run_id) VALUES (?, ?, ?)",
            (sweep_id, task, run_id),
        )
    return run_id


def finish_sweep(store_path: str | os.PathLike[str], sweep_id: int, status: str) -> None:
    """Set the sweep's final status (``complete``, ``failed`` or ``cancelled``)."""
    if status not in SWEEP_STATUSES:
        raise ValueError(f"status must be one of {SWEEP_STATUSES}, got {status!r}")
    with connect(store_path) as conn, transaction(conn):
        conn.execute("UPDATE sweeps SET status = ? WHERE id = ?", (status, sweep_id))


def get_sweep(store_path: str | os.PathLike[str], sweep_id: int) -> dict[str, Any]:
    """The sweep ``sweep_id``: its row and ``runs``, a ``{task: run id}`` mapping."""
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
        runs = conn.execute(
            "SELECT task, run_id FROM sweep_runs WHERE sweep_id = ? ORDER BY task", (sweep_id,)
        ).fetchall()
    return {
        "id": row[0], "created_at": row[1], "detente_version": row[2],
        "spec": json.loads(row[3]), "seed": row[4], "versions": json.loads(row[5]),
        "tasks": row[6], "status": row[7], "runs": {int(t): int(r) for t, r in runs},
    }  # fmt: skip
