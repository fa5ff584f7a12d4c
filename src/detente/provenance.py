"""Trace every parameter of a scenario to its evidence.

A *parameter* is any number, range or date a forecast depends on: capabilities,
positions, saliences, accepted bounds, tolerances, motive weights, term ends, status
quos, anchors, key dates, and the numbers of a ``dynamics`` block. Its *path* names list
items by id (``actors.russia.stances.territory.position``), the form evidence entries
use in their ``about`` field. An evidence entry covers its own path and everything
below it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from detente.scenario import Evidence, Scenario

__all__ = ["NOT_IN_SOURCE", "Parameter", "drafted_defaults", "parameters", "untraced"]

#: The judgment ``detente draft`` writes for a value the article does not support.
NOT_IN_SOURCE = "not in the source; set by the analyst"

# Fields that are descriptive text or identifiers, not parameters.
_TEXT = {
    "id",
    "name",
    "title",
    "description",
    "label",
    "outlet",
    "author",
    "url",
    "actor",
    "schema",
}
# Top-level blocks that hold no parameters of the negotiation itself.
_SKIP_TOP = {"sources", "evidence", "schema", "salience_scale", "title", "description", "outcome"}


@dataclass(frozen=True)
class Parameter:
    """One traced value: its path, its value as written, and the evidence covering it."""

    path: str
    value: Any
    evidence: tuple[Evidence, ...]


def _is_range(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"low", "mode", "high"}


def _key(item: Any, index: int) -> str:
    if isinstance(item, dict):
        for field in ("id", "actor", "date"):
            if field in item:
                return str(item[field])
    return str(index)


def _walk(node: Any, path: list[str], out: list[tuple[str, Any]]) -> None:
    if _is_range(node) or (isinstance(node, int | float | dt.date) and not isinstance(node, bool)):
        out.append((".".join(path), node))
    elif isinstance(node, dict):
        for key, value in node.items():
            if str(key) in _TEXT:
                continue
            _walk(value, [*path, _format_key(key)], out)
    elif isinstance(node, list | tuple):
        if node and all(isinstance(v, int | float) or _is_range(v) for v in node):
            out.append((".".join(path), node))  # a pair of bounds or a scale
            return
        for index, item in enumerate(node):
            _walk(item, [*path, _key(item, index)], out)


def _format_key(key: Any) -> str:
    if isinstance(key, float) and key.is_integer():
        return str(int(key))
    return str(key)


def parameters(scenario: Scenario) -> list[Parameter]:
    """Every parameter of ``scenario`` with the evidence entries that cover it."""
    document = scenario.model_dump(mode="python", by_alias=True, exclude_none=True)
    found: list[tuple[str, Any]] = []
    for key, value in document.items():
        if key in _SKIP_TOP:
            continue
        _walk(value, [key], found)
    out = []
    for path, value in found:
        covering = tuple(
            e for e in scenario.evidence if path == e.about or path.startswith(e.about + ".")
        )
        out.append(Parameter(path, value, covering))
    return out


def untraced(scenario: Scenario) -> list[str]:
    """Paths of the parameters no evidence entry covers."""
    return [p.path for p in parameters(scenario) if not p.evidence]


def drafted_defaults(scenario: Scenario) -> list[str]:
    """The ``about`` paths of evidence entries that mark a value as a drafting default.

    ``detente draft`` gives a value the article does not support its widest range and
    the judgment :data:`NOT_IN_SOURCE`; a forecast rests on such values until an analyst
    replaces them, so the commands say so (docs/drafting.md).
    """
    return [e.about for e in scenario.evidence if (e.judgment or "").strip() == NOT_IN_SOURCE]
