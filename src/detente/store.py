"""The run store: every forecast, backtest and analysis run, kept in a local SQLite file.

Where. ``--store PATH`` if given; else the environment variable ``DETENTE_STORE``;
else ``$XDG_DATA_HOME/detente/runs.sqlite3`` (``~/.local/share/detente/runs.sqlite3``
when ``XDG_DATA_HOME`` is unset).

Schema (version :data:`SCHEMA_VERSION`)::

    meta(key TEXT PRIMARY KEY, value TEXT)        -- 'schema_version' -> '1'
    runs(id INTEGER PRIMARY KEY AUTOINCREMENT,
         created_at TEXT,        -- ISO 8601, UTC
         detente_version TEXT,
         command TEXT,           -- 'forecast', 'sensitivity', 'whatif', 'flip', ...
         scenario_hash TEXT,     -- sha256 of the scenario's canonical JSON (NULL: none)
         scenario_title TEXT,
         models TEXT,            -- JSON list
         options TEXT,           -- JSON object
         seed INTEGER, runs INTEGER,
         result TEXT)            -- JSON document

Reading. A row that cannot be read as recorded (not JSON, a wrong type, text that is
not UTF-8; e.g. after another program edited the file) is returned with
:attr:`RunRecord.damage` saying what is wrong, so that listing, showing and comparing
runs never fail on one bad row.

Safety. The database runs in WAL mode with a busy timeout, so several processes may
record at once. Each record is one ``BEGIN IMMEDIATE ... COMMIT`` transaction, and the
result is serialised before the transaction starts, so a crash (or an error) leaves
either the whole record or nothing. A store written by a newer detente (a higher
schema version) is refused with a clear error rather than misread. This module uses the
standard library only (no click, no rich).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente import __version__
from detente.errors import DetenteError

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = [
    "SCHEMA_VERSION",
    "RunRecord",
    "StoreError",
    "connect",
    "default_store_path",
    "get_run",
    "list_runs",
    "record_run",
    "resolve_store",
    "scenario_hash",
]

SCHEMA_VERSION = 1
_TIMEOUT = 30.0  # seconds to wait for another writer's lock

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    detente_version TEXT NOT NULL,
    command TEXT NOT NULL,
    scenario_hash TEXT,
    scenario_title TEXT,
    models TEXT NOT NULL,
    options TEXT NOT NULL,
    seed INTEGER,
    runs INTEGER,
    result TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_by_scenario ON runs (scenario_hash);
CREATE INDEX IF NOT EXISTS runs_by_command ON runs (command);
"""


class StoreError(DetenteError):
    """The run store cannot be opened, read or written."""


def default_store_path(environ: Mapping[str, str] | None = None) -> Path:
    """``DETENTE_STORE``, else ``$XDG_DATA_HOME/detente/runs.sqlite3``, else under
    ``~/.local/share``."""
    env = os.environ if environ is None else environ
    if env.get("DETENTE_STORE"):
        return Path(env["DETENTE_STORE"]).expanduser()
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "detente" / "runs.sqlite3"


def resolve_store(store: str | os.PathLike[str] | None, no_store: bool = False) -> Path | None:
    """The store a command records to: none with ``--no-store``, ``--store`` if given,
    else :func:`default_store_path`."""
    if no_store:
        return None
    return Path(store).expanduser() if store else default_store_path()


def scenario_hash(scenario: Scenario) -> str:
    """sha256 of the scenario's canonical JSON (sorted keys): equal content, equal hash."""
    text = json.dumps(scenario.to_dict(), sort_keys=True, ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@contextmanager
def connect(path: str | os.PathLike[str], *, create: bool = True) -> Iterator[sqlite3.Connection]:
    """Open the store (creating it and its schema if ``create``), check its version.

    Raises
    ------
    StoreError
        When the file is not a detente store, was written by a newer detente, or
        cannot be opened; or, with ``create=False``, when it does not exist.
    """
    target = Path(path)
    if target.is_dir():
        raise StoreError(
            f"the run store {target} is a folder; a store is one SQLite file: name a file "
            f"(e.g. {target / 'runs.sqlite3'}) in DETENTE_STORE or --store"
        )
    if not create and not target.exists():
        raise StoreError(f"no run store at {target} (nothing has been recorded there yet)")
    try:
        if create:
            target.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(target, timeout=_TIMEOUT, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"cannot open the run store {target}: {exc}") from None
    # text that is not UTF-8 (written by another program) reads with U+FFFD in place
    # of the bad bytes instead of failing the whole query
    conn.text_factory = _lenient_text
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(_TIMEOUT * 1000)}")
        conn.execute("PRAGMA journal_mode = WAL")
        _check_schema(conn, target, create)
        yield conn
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"run store {target}: {exc}") from None
    finally:
        conn.close()


def _lenient_text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``; any exception rolls everything back."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _check_schema(conn: sqlite3.Connection, path: Path, create: bool) -> None:
    version = _version(conn)
    if version is None and create:
        with transaction(conn):
            for statement in filter(None, (s.strip() for s in _SCHEMA.split(";"))):
                conn.execute(statement)
            conn.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )
        version = _version(conn)
    if version is None:
        raise StoreError(f"{path} is not a detente run store (it has no schema version)")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"run store {path} has schema version {version}, newer than this detente "
            f"{__version__} understands ({SCHEMA_VERSION}); upgrade detente or choose another "
            "store with --store"
        )


def _version(conn: sqlite3.Connection) -> int | None:
    has_meta = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
    ).fetchone()
    if not has_meta:
        return None
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    try:
        return None if row is None else int(row[0])
    except ValueError:
        return None


def _dumps(value: Any, what: str) -> str:
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise StoreError(f"cannot record the run: its {what} is not valid JSON ({exc})") from None


def _models(options: Mapping[str, Any], result: Any) -> list[str]:
    given = options.get("models")
    if given:
        return [str(m) for m in given]
    listed = result.get("models") if isinstance(result, Mapping) else None
    if not isinstance(listed, list):
        return []
    # a list of names, or of objects naming their model by "name" (forecasts) or "model"
    # (backtest scores); an entry that names none is skipped rather than guessed
    names = [m.get("name", m.get("model")) if isinstance(m, Mapping) else m for m in listed]
    return [str(name) for name in names if isinstance(name, str | int) and name != ""]


def record_run(
    store_path: str | os.PathLike[str],
    *,
    command: str,
    scenario: Scenario | None,
    result: Any,
    options: Mapping[str, Any],
    seed: int | None = None,
    runs: int | None = None,
) -> int:
    """Record one run in one transaction and return its id.

    Parameters
    ----------
    store_path:
        The SQLite file (created with its schema when missing).
    command:
        The command that ran (``forecast``, ``sensitivity``, ...).
    scenario:
        The scenario it ran on (its content hash and title are stored), or ``None``.
    result:
        The JSON-ready result document (NaN and infinities are refused).
    options:
        The options that shaped the result (``models`` among them, if any).
    seed, runs:
        The random seed and number of draws, where the run has them.
    """
    row = (
        dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        __version__,
        command,
        None if scenario is None else scenario_hash(scenario),
        None if scenario is None else scenario.title,
        _dumps(_models(options, result), "model list"),
        _dumps(dict(options), "options"),
        seed,
        runs,
        _dumps(result, "result"),
    )
    with connect(store_path) as conn, transaction(conn):
        cursor = conn.execute(
            "INSERT INTO runs (created_at, detente_version, command, scenario_hash, "
            "scenario_title, models, options, seed, runs, result) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            row,
        )
        run_id = cursor.lastrowid
    if run_id is None:  # pragma: no cover - sqlite always sets it after an INSERT
        raise StoreError("the run store did not return the new run's id")
    return run_id


@dataclass(frozen=True)
class RunRecord:
    """One recorded run.

    ``damage`` is ``None`` for a sound row; for a row that cannot be read as recorded
    (a field that is not valid JSON, or of the wrong type, e.g. after the file was
    edited by hand or by another program) it says which fields, and those fields hold
    neutral values (``[]``, ``{}``, ``None``) instead, so listing, showing and diffing
    still work.
    """

    id: int
    created_at: str
    detente_version: str
    command: str
    scenario_hash: str | None
    scenario_title: str | None
    models: list[str]
    options: dict[str, Any]
    seed: int | None
    runs: int | None
    result: Any
    damage: str | None = None

    def to_dict(self, *, with_result: bool = True) -> dict[str, Any]:
        out = {
            "id": self.id,
            "created_at": self.created_at,
            "detente_version": self.detente_version,
            "command": self.command,
            "scenario_hash": self.scenario_hash,
            "scenario_title": self.scenario_title,
            "models": self.models,
            "options": self.options,
            "seed": self.seed,
            "runs": self.runs,
        }
        if self.damage is not None:
            out["damaged"] = self.damage
        if with_result:
            out["result"] = self.result
        return out


_COLUMNS = (
    "id, created_at, detente_version, command, scenario_hash, scenario_title, models, "
    "options, seed, runs"
)


class _Reader:
    """Reads one row's fields, noting each that is not what :func:`record_run` writes."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def text(self, name: str, value: Any, *, optional: bool = False) -> str | None:
        if value is None and optional:
            return None
        if isinstance(value, str):
            return value
        self.problems.append(f"{name} is {_kind(value)}, not text")
        return None if optional else "?"

    def integer(self, name: str, value: Any) -> int | None:
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        self.problems.append(f"{name} is {_kind(value)}, not a whole number")
        return None

    def json(self, name: str, value: Any, expected: type | None, default: Any) -> Any:
        if not isinstance(value, str | bytes):
            self.problems.append(f"{name} is {_kind(value)}, not JSON text")
            return default
        try:
            parsed = json.loads(value)
        except (ValueError, RecursionError) as exc:
            reason = str(exc) if isinstance(exc, ValueError) else "nested too deeply"
            self.problems.append(f"{name} is not valid JSON ({reason[:80]})")
            return default
        if expected is not None and not isinstance(parsed, expected):
            self.problems.append(
                f"{name} is a JSON {type(parsed).__name__}, not a {expected.__name__}"
            )
            return default
        return parsed

    @property
    def damage(self) -> str | None:
        if not self.problems:
            return None
        return "damaged row: " + "; ".join(self.problems) + " (shown as empty)"


def _kind(value: Any) -> str:
    return "empty" if value is None else f"of type {type(value).__name__}"


def _record(row: Sequence[Any], result: Any = None, *, with_result: bool = False) -> RunRecord:
    """A :class:`RunRecord` from a row; a field that cannot be read is noted, never raised."""
    read = _Reader()
    models = read.json("models", row[6], list, [])
    if not all(isinstance(m, str) for m in models):
        read.problems.append("models holds something other than names")
        models = [str(m) for m in models]
    options = read.json("options", row[7], dict, {})
    if with_result:
        result = read.json("result", result, None, None)
    return RunRecord(
        int(row[0]),
        read.text("created_at", row[1]) or "?",
        read.text("detente_version", row[2]) or "?",
        read.text("command", row[3]) or "?",
        read.text("scenario_hash", row[4], optional=True),
        read.text("scenario_title", row[5], optional=True),
        models,
        options,
        read.integer("seed", row[8]),
        read.integer("runs", row[9]),
        result,
        read.damage,
    )


def list_runs(
    store_path: str | os.PathLike[str], *, limit: int = 20, command: str | None = None
) -> list[RunRecord]:
    """The latest ``limit`` runs, newest first (without their results); none if no store."""
    if not Path(store_path).exists():
        return []
    query = f"SELECT {_COLUMNS} FROM runs"
    params: tuple[Any, ...] = ()
    if command is not None:
        query, params = query + " WHERE command = ?", (command,)
    with connect(store_path, create=False) as conn:
        rows = conn.execute(query + " ORDER BY id DESC LIMIT ?", (*params, limit)).fetchall()
    return [_record(row) for row in rows]


def get_run(store_path: str | os.PathLike[str], run_id: int) -> RunRecord:
    """The run ``run_id`` with its result (a :class:`StoreError` if there is none)."""
    with connect(store_path, create=False) as conn:
        row = conn.execute(
            f"SELECT {_COLUMNS}, result FROM runs WHERE id = ?", (run_id,)
        ).fetchone()
    if row is None:
        raise StoreError(f"no run {run_id} in the run store {store_path}")
    return _record(row[:-1], row[-1], with_result=True)
