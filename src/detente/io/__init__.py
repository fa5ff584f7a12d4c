"""Readers and writers: scenario files (YAML/JSON), CSV tables, embedded scenarios.

Every reader raises :class:`~detente.errors.ScenarioError` naming the file, line and
field of a problem; none of them prints or exits.
"""

from __future__ import annotations

import os
from pathlib import Path

from detente.io.scenario_file import load_scenario, parse_scenario, save_scenario, write_atomically
from detente.io.tables import load_table
from detente.scenario import Scenario

__all__ = [
    "load_any",
    "load_scenario",
    "load_table",
    "parse_scenario",
    "save_scenario",
    "write_atomically",
]

TABLE_SUFFIXES = {".csv", ".tsv", ".txt"}


def load_any(
    path: str | os.PathLike[str],
    *,
    scale: tuple[float, float] | None = None,
    table_format: str | None = None,
) -> Scenario:
    """Load a scenario from a YAML/JSON file or a CSV table, chosen by the file suffix.

    ``scale`` applies to classic CSV tables only (their scale otherwise spans the data).
    """
    if Path(path).suffix.lower() in TABLE_SUFFIXES or table_format is not None:
        return load_table(path, scale=scale, fmt=table_format)
    return load_scenario(path)
