"""Pydantic's validation errors of a scenario, as one line a user can act on.

Shared by the scenario-file reader (:mod:`detente.io.scenario_file`) and the table and
XML importers (:mod:`detente.io._import_common`): each maps the error's location to
the document's own path (dropping pydantic's union and validator tags) and to a line,
and words the problem as what was expected and what was found.
"""

from __future__ import annotations

import datetime as dt
import difflib
import types
import typing
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError

from detente.errors import PathPart, ScenarioError, format_path
from detente.scenario import Scenario

__all__ = ["from_validation"]

_BOUNDS = {
    "greater_than_equal": ">=",
    "greater_than": ">",
    "less_than_equal": "<=",
    "less_than": "<",
}


def _rank(message: str) -> int:
    if message.startswith("unknown field"):
        return 0
    return 2 if message == "required field is missing" else 1


def _is_tuple(error: Any) -> bool:
    """Whether a length error is about a fixed pair (pydantic says "Tuple should ...")."""
    return str(error.get("msg", "")).startswith("Tuple")


def _bound_key(kind: str) -> str:
    """The key of pydantic's error context holding the bound of a ``_BOUNDS`` error."""
    return {"greater_than_equal": "ge", "greater_than": "gt", "less_than_equal": "le"}.get(
        kind, "lt"
    )


def _document_path(loc: tuple[Any, ...], data: Any, error_type: str) -> tuple[PathPart, ...]:
    """Drop pydantic's union/validator tags from ``loc``, keeping real document keys."""
    path: list[PathPart] = []
    node = data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_list or (isinstance(node, dict) and part in node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and _as_float(part) in node:
            key = _as_float(part)
            path.append(part)
            node = node[key]
        elif last and error_type == "missing":
            path.append(part)
    return tuple(path)


def _as_float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _model_at(path: tuple[PathPart, ...]) -> type[BaseModel] | None:
    """The pydantic model class that validates the mapping found at ``path``."""
    annotation: Any = Scenario
    for part in path:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                field = next((f for f in annotation.model_fields.values() if f.alias == part), None)
            if field is None:
                return None
            annotation = field.annotation
        else:
            args = typing.get_args(annotation)
            if not args:
                return None
            annotation = args[-1]
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = options[0]
        else:
            return annotation


def _message(error: Any, path: tuple[PathPart, ...]) -> str:
    kind = error["type"]
    given = error.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        model = _model_at(path[:-1])
        allowed = (
            sorted((f.alias or name) for name, f in model.model_fields.items()) if model else []
        )
        hint = difflib.get_close_matches(str(path[-1]), allowed, n=1)
        text = f"unknown field {path[-1]!r}"
        if hint:
            text += f"; did you mean {hint[0]!r}?"
        if allowed:
            text += f" (allowed here: {', '.join(allowed)})"
        return text
    if kind in {"float_type", "float_parsing"}:
        if error["loc"][-1] == "[key]" and isinstance(given, str):
            # YAML splits an unquoted flow-mapping label at its comma: {6: about 6,000 (x)}
            return (
                f"expected a number as the key, got {given!r}; quote a label that holds a "
                'comma, e.g. {6: "about 6,000 (final deal)"}'
            )
        return f"expected a number, got {given!r}"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"expected a whole number, got {given!r}"
    if kind == "finite_number":
        return f"expected a finite number, got {given!r}"
    if kind in _BOUNDS:
        return f"expected a number {_BOUNDS[kind]} {error['ctx'][_bound_key(kind)]}, got {given!r}"
    if kind in {"bool_type", "bool_parsing"}:
        return f"expected true or false, got {given!r}"
    if kind == "tuple_type" or (kind in {"too_short", "too_long"} and _is_tuple(error)):
        shown = f"{len(given)} items" if isinstance(given, list) else repr(given)
        if path and path[-1] == "scale":
            return f"expected [min, max], two numbers, got {shown}"
        return f"expected a pair [low, high] of two numbers or ranges, got {shown}"
    if kind in {"too_short", "too_long"}:
        ctx = error["ctx"]
        least = kind == "too_short"
        count = ctx["min_length"] if least else ctx["max_length"]
        return (
            f"expected {'at least' if least else 'at most'} {count} "
            f"item{'s' if count != 1 else ''}, got {ctx['actual_length']}"
        )
    if kind == "string_too_short":
        return f"expected a text of at least {error['ctx']['min_length']} character(s), got ''"
    if kind.startswith("date"):
        if isinstance(given, dt.datetime):  # YAML reads 2014-11-24T10:00:00 as one
            return f"expected a date as YYYY-MM-DD, got the date and time {given.isoformat()}"
        return f"expected a date as YYYY-MM-DD, got {given!r}"
    if kind == "list_type":
        return f"expected a list, got {given!r}"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        model = _model_at(path)
        if model is None:
            return f"expected a mapping, got {given!r}"
        fields = ", ".join(sorted((f.alias or name) for name, f in model.model_fields.items()))
        return f"expected a mapping with the fields {fields}; got {given!r}"
    if kind == "literal_error":
        return f"expected {error['ctx']['expected']}, got {given!r}"
    if kind == "string_pattern_mismatch":
        return (
            "an id may hold only letters, digits, '_' and '-', and not start with '-' (no "
            f"spaces or dots), got {given!r}"
        )
    if kind == "string_type":
        return f"expected text, got {given!r}"
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


def from_validation(
    exc: ValidationError,
    data: Any,
    line_of: Callable[[tuple[PathPart, ...]], int | None],
    file: str,
    *,
    list_others: bool = True,
) -> ScenarioError:
    """One :class:`ScenarioError` for a pydantic error of validating ``data`` as a scenario.

    The first problem (an unknown key before the others: it usually explains a
    "missing" one) is reported at its document path and ``line_of(path)``, in words a
    user can act on; the others are counted and their lines listed (unless
    ``list_others`` is false, for a reader whose paths the user never wrote).
    """
    found: list[tuple[int, tuple[PathPart, ...], str]] = []
    for error in exc.errors():
        path = _document_path(tuple(error["loc"]), data, error["type"])
        if all(path != seen for _, seen, _ in found):  # a key and its value: one problem
            found.append((line_of(path) or 0, path, _message(error, path)))
    # an unknown key usually explains a "missing" one (a typo), and a wrong value may (a
    # range's bad dist leaves its mode unfilled): report unknown keys, then wrong values,
    # then missing fields
    found.sort(key=lambda item: (_rank(item[2]), item[0]))
    line, path, message = found[0]
    if len(found) > 1 and list_others:
        others = "; ".join(f"line {ln}: {format_path(p)}" for ln, p, _ in found[1:4])
        more = f" ({len(found) - 1} more problem{'s' if len(found) > 2 else ''}: {others}"
        message += more + (", ..." if len(found) > 4 else "") + ")"
    return ScenarioError(message, path, file=file, line=line or None)
