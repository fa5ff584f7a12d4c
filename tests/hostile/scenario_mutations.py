"""Mutate a valid scenario one field at a time, and find the line each path stands on.

A demanding user's test: every field of a real scenario is given, in turn, a value of
the wrong type, a value far out of range, no value at all (the key removed) and an
unknown sibling key. Each mutated document is written in YAML block style, so every
value has a line of its own and a message that names a neighbour's line is caught.

The expected line of a path is read from PyYAML's own node tree (:func:`line_of_path`),
not from detente's reader, so the test does not grade detente by its own line map.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

__all__ = [
    "FAR_OUT",
    "FREE_MAPPINGS",
    "RANGE_KEYS",
    "Mutation",
    "dump",
    "field_of",
    "line_of_path",
    "mutations",
]

Path = tuple[Any, ...]

#: A number far outside every bounded field (scales, 0-1, >= 0, dates aside).
FAR_OUT = -1e9

#: The keys of a range ``{low, mode, high, dist}``.
RANGE_KEYS = frozenset({"low", "mode", "high", "dist"})

#: Mappings whose keys are data (issue ids, anchor points, model names, metadata), not
#: field names: removing one of their keys is no "missing field".
FREE_MAPPINGS = frozenset({"anchors", "stances", "accepts", "tolerance", "metadata", "settled"})


@dataclass(frozen=True)
class Mutation:
    """One mutated document: ``kind`` of change, the ``path`` changed, the YAML ``text``,
    and the schema ``field`` changed (:func:`field_of`; for ``unknown``, the mapping's)."""

    kind: str
    path: Path
    text: str
    field: str

    @property
    def name(self) -> str:
        return f"{self.kind}:" + ".".join(str(p) for p in self.path)


def dump(data: Any) -> str:
    """``data`` as block-style YAML: one value per line."""
    return yaml.safe_dump(
        data, sort_keys=False, default_flow_style=False, allow_unicode=True, width=10**6
    )


def _nodes(data: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _nodes(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _nodes(value, (*path, index))


def _is_range(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and set(value) <= RANGE_KEYS


def _wrong_type(value: Any) -> Any:
    """A value of another type than ``value``'s (never one pydantic would coerce back)."""
    if isinstance(value, bool):
        return "perhaps"
    if isinstance(value, int | float | dt.date | list):
        return "lots"
    if isinstance(value, str):
        return {"unexpected": "mapping"}
    if _is_range(value):
        return [1, 2]  # the form new users try for a range
    return 5


def _replaced(data: Any, path: Path, value: Any) -> Any:
    out = copy.deepcopy(data)
    node = out
    for part in path[:-1]:
        node = node[part]
    if value is _REMOVE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return out


_REMOVE = object()


def field_of(path: Path, value: Any) -> str:
    """The schema field ``path`` stands for: list indices (but a scalar's) and data keys
    dropped, the value's shape kept (``actors[].stances.*.position:range``), so that one
    mutation per field and shape tests what every other instance of it would."""
    parts = []
    for index, part in enumerate(path):
        if isinstance(part, int) and index == len(path) - 1 and not isinstance(value, dict):
            parts.append(f"[{part}]")  # the ends of a pair (a scale, bounds) differ
        elif isinstance(part, int):
            parts.append("[]")
        elif index and path[index - 1] in FREE_MAPPINGS:
            parts.append(".*")
        else:
            parts.append(f".{part}")
    shape = "range" if _is_range(value) else type(value).__name__
    return "".join(parts) + ":" + shape


def mutations(data: dict[str, Any], seen: set[str] | None = None) -> Iterator[Mutation]:
    """Single-field mutations of ``data`` (a scenario mapping), in document order.

    Kinds: ``type`` (a value of the wrong type), ``range`` (a number set to
    :data:`FAR_OUT`), ``missing`` (a field's key removed; not for the keys of
    :data:`FREE_MAPPINGS`), ``unknown`` (a key ``colour`` added to a mapping) and
    ``duplicate`` (the second record of a list given the first one's id). Each
    field (:func:`field_of`) is mutated once in each way, at its first instance; pass
    ``seen`` to share that across documents.
    """
    seen = set() if seen is None else seen
    for path, value in _nodes(data):
        field = field_of(path, value)
        if field in seen:
            continue
        seen.add(field)
        if path:
            wrong = _wrong_type(value)
            yield Mutation("type", path, dump(_replaced(data, path, wrong)), field)
            if isinstance(value, int | float) and not isinstance(value, bool):
                yield Mutation("range", path, dump(_replaced(data, path, FAR_OUT)), field)
            parent = path[-2] if len(path) > 1 else None
            if isinstance(path[-1], str) and parent not in FREE_MAPPINGS:
                yield Mutation("missing", path, dump(_replaced(data, path, _REMOVE)), field)
        key = _record_key(value)
        if key is not None:
            copied = (*path, 1, key)
            yield Mutation("duplicate", copied, dump(_replaced(data, copied, value[0][key])), field)
        if isinstance(value, dict):
            added = (*path, "colour")
            yield Mutation("unknown", added, dump(_replaced(data, added, "red")), field)


def _record_key(value: Any) -> str | None:
    """``id`` or ``actor``: the key naming each record of a list of two or more records."""
    if not isinstance(value, list) or len(value) < 2:
        return None
    if not all(isinstance(item, dict) for item in value):
        return None
    return next((k for k in ("id", "actor") if all(k in item for item in value)), None)


def _key_matches(node: yaml.Node, part: Any) -> bool:
    if isinstance(part, float | int) and not isinstance(part, bool):
        try:
            return float(node.value) == part
        except ValueError:
            return False
    return bool(node.value == str(part))


def line_of_path(text: str, path: Path) -> int:
    """1-based line of ``path`` in YAML ``text``, from PyYAML's node marks.

    A mapping entry stands on its key's line, a list item on its own line; a path that
    is not in the document (a removed key) stands on the line of its nearest ancestor.
    """
    node = yaml.compose(text)
    line = node.start_mark.line + 1
    for part in path:
        if isinstance(node, yaml.MappingNode):
            match = next((pair for pair in node.value if _key_matches(pair[0], part)), None)
            if match is None:
                return line
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line
