"""Readers and writers: scenario files (YAML/JSON), CSV tables, embedded scenarios.

Every reader raises :class:`~detente.errors.ScenarioError` naming the file, line and
field of a problem; none of them prints or exits.
"""

from __future__ import annotations

import os
from pathlib import Path

from detente.io.scenario_file import load_scenario, parse_scenario, save_scenario, write_atomically
from detente.io.tables import load_table, parse_table
from detente.scenario import Scenario

__all__ = [
    "load_any",
    "load_scenario",
    "load_table",
    "parse_scenario",
    "parse_table",
    "save_scenario",
    "write_atomically",
]

TABLE_SUFFIXES = {".csv", ".tsv", ".txt", ".xml"}


def load_any(
    path: str | os.PathLike[str],
    *,
    scale: tuple[float, float] | None = None,
    table_format: str | None = None,
    salience_scale: int | None = None,
    notes: list[str] | None = None,
) -> Scenario:
    """Load a scenario file (YAML/JSON), a table or an XML import, chosen by the suffix.

    ``.csv``, ``.tsv``, ``.txt`` and ``.xml`` files (or any file with ``table_format``)
    go to :func:`~detente.io.tables.load_table`, which tells classic, KTAB and decide
    tables and KTAB and Genius XML apart by their content. ``scale`` and
    ``salience_scale`` apply to classic tables only. Notes on what was inferred or kept
    are appended to ``notes`` when it is given.
    """
    if Path(path).suffix.lower() in TABLE_SUFFIXES or table_format is not None:
        return load_table(
            path, scale=scale, fmt=table_format, salience_scale=salience_scale, notes=notes
        )
    return load_scenario(path)
