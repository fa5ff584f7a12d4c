"""Reading what a user names as a scenario: a file of any supported format, or the name of
an embedded scenario. The one path from a name to a :class:`~detente.scenario.Scenario`
for the command line (``[SCENARIO]``) and the Python API (:func:`detente.load`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = ["read_scenario"]


def read_scenario(
    path: str | os.PathLike[str] | None,
    *,
    scale: tuple[float, float] | None = None,
    table_format: str | None = None,
    salience_scale: int | None = None,
) -> tuple[Scenario, list[str]]:
    """The scenario named by ``path``, and the notes on how it was read.

    Parameters
    ----------
    path:
        A scenario file (YAML/JSON), a table or XML import (CSV/TSV: classic, KTAB or
        decide; KTAB or Genius XML), the name of an embedded scenario (see
        :func:`detente.embedded_names`), or ``None`` for the default scenario.
    scale:
        ``(low, high)`` of a classic table's scale (default: min..max of positions).
    table_format:
        ``classic``, ``ktab``, ``ktab-xml``, ``genius`` or ``decide`` (default: detected).
    salience_scale:
        1 or 100 for a classic table's saliences (default: inferred).

    Returns
    -------
    (Scenario, list of str)
        The validated scenario, and one sentence per thing an import inferred, kept or
        skipped, and for drafted scenarios the values that are drafting defaults.

    Raises
    ------
    ScenarioError
        No such file nor embedded scenario, or invalid content (file, line, field).
    """
    from detente.errors import ScenarioError
    from detente.io import load_any
    from detente.provenance import drafted_defaults
    from detente.scenarios import DEFAULT, embedded_names, load_embedded

    if path is None:
        return load_embedded(DEFAULT), []
    text = os.fspath(path)
    if not Path(text).exists() and text in embedded_names():
        return load_embedded(text), []
    if not Path(text).exists() and not Path(text).suffix and "/" not in text:
        raise ScenarioError(
            "no such file, nor an embedded scenario (embedded: "
            f"{', '.join(embedded_names())}; see detente scenarios)",
            file=text,
        )
    notes: list[str] = []
    loaded = load_any(
        text,
        scale=scale,
        table_format=table_format,
        salience_scale=salience_scale,
        notes=notes,
    )
    defaults = drafted_defaults(loaded)
    if defaults:
        shown = ", ".join(defaults[:3]) + (", ..." if len(defaults) > 3 else "")
        notes.append(
            f"{len(defaults)} values are drafting defaults, not in the source "
            f"({shown}): every forecast rests on them until an analyst sets them "
            "(docs/drafting.md)"
        )
    return loaded, notes
