"""Load and save scenario files (YAML or JSON), with errors that name file, line and field."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import tempfile
import types
import typing
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from detente.errors import DetenteError, PathPart, ScenarioError, format_path
from detente.limits import MAX_FILE_BYTES, check_weights
from detente.scenario import Scenario

if TYPE_CHECKING:  # yaml is imported when a YAML file is read or written, not for a table
    from detente.io.yaml_reader import LineMap

__all__ = [
    "load_scenario",
    "missing_folder",
    "parse_scenario",
    "read_text",
    "save_scenario",
    "write_atomically",
]


def read_text(path: str | os.PathLike[str], *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 text file; a missing, unreadable or too large file is a :class:`ScenarioError`.

    At most ``max_bytes`` (default :data:`detente.limits.MAX_FILE_BYTES`) bytes are
    read, so a huge file (or an endless one such as ``/dev/zero``) is refused without
    filling memory. Readers of larger published data sets may pass a larger limit.
    """
    name = str(path)
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise ScenarioError(
                f"the file is over the limit of {max_bytes / 1024**2:g} MiB for a "
                "scenario or table (see 'Limits' in docs/scenario-format.md)",
                file=name,
            )
        # as text mode would: universal newlines
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except FileNotFoundError:
        raise ScenarioError("no such file", file=name) from None
    except IsADirectoryError:
        raise ScenarioError("is a directory, expected a file", file=name) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=name
        ) from None
    except OSError as exc:
        raise ScenarioError(f"cannot read: {exc.strerror}", file=name) from None


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and validate a scenario file (``.yaml``, ``.yml`` or ``.json``).

    ``path`` is a UTF-8 file of at most :data:`detente.limits.MAX_FILE_BYTES` bytes in the
    format of ``docs/scenario-format.md`` (``schema: detente/1``); :func:`parse_scenario`
    validates its text. A ``ScenarioError`` names the file, the line and the field: a
    missing, unreadable, too large or non-UTF-8 file, or anything
    :func:`parse_scenario` rejects.
    """
    return parse_scenario(read_text(path), str(path))


def parse_scenario(text: str, file: str = "<scenario>") -> Scenario:
    """Validate scenario ``text`` (YAML or JSON); errors carry ``file`` and the line.

    Parameters
    ----------
    text
        A scenario document (``schema: detente/1``, ``docs/scenario-format.md``).
    file
        The name errors give for the text (a path, or ``<embedded:NAME>``).

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    ScenarioError
        A syntax error, a document over the limits of :mod:`detente.limits`, or an
        invalid field or cross-reference, with ``file``, the line and the field.
    """
    from detente.io.yaml_reader import parse_document

    data, lines = parse_document(text, file)
    if not isinstance(data, dict):
        raise ScenarioError(
            f"expected a mapping of scenario fields at the top, got {type(data).__name__}",
            file=file,
            line=1,
        )
    try:
        scenario = Scenario.from_dict(data)
        check_weights(scenario)
        return scenario
    except ValidationError as exc:
        raise _from_validation(exc, data, lines, file) from None
    except ScenarioError as exc:
        raise exc.located(file, lines.line_of(exc.path)) from None


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
    if kind in {"float_type", "float_parsing", "int_type", "int_parsing"}:
        if error["loc"][-1] == "[key]" and isinstance(given, str):
            # YAML splits an unquoted flow-mapping label at its comma: {6: about 6,000 (x)}
            return (
                f"expected a number as the key, got {given!r}; quote a label that holds a "
                'comma, e.g. {6: "about 6,000 (final deal)"}'
            )
        return f"expected a number, got {given!r}"
    if kind.startswith("date"):
        if isinstance(given, dt.datetime):  # YAML reads 2014-11-24T10:00:00 as one
            return f"expected a date as YYYY-MM-DD, got the date and time {given.isoformat()}"
        return f"expected a date as YYYY-MM-DD, got {given!r}"
    if kind in {"list_type", "tuple_type"}:
        return f"expected a list, got {given!r}"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"expected a mapping of fields, got {given!r}"
    if kind == "string_pattern_mismatch":
        return (
            f"an id may hold only letters, digits, '_' and '-' (no spaces or dots), got {given!r}"
        )
    if kind == "string_type":
        return f"expected text, got {given!r}"
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


def _from_validation(exc: ValidationError, data: Any, lines: LineMap, file: str) -> ScenarioError:
    found: list[tuple[int, tuple[PathPart, ...], str]] = []
    for error in exc.errors():
        path = _document_path(tuple(error["loc"]), data, error["type"])
        if all(path != seen for _, seen, _ in found):  # a key and its value: one problem
            found.append((lines.line_of(path) or 0, path, _message(error, path)))
    # an unknown key usually explains a "missing" one (a typo): report it first
    found.sort(key=lambda item: (not item[2].startswith("unknown field"), item[0]))
    line, path, message = found[0]
    if len(found) > 1:
        others = "; ".join(f"line {ln}: {format_path(p)}" for ln, p, _ in found[1:4])
        more = f" ({len(found) - 1} more problem{'s' if len(found) > 2 else ''}: {others}"
        message += more + (", ..." if len(found) > 4 else "") + ")"
    return ScenarioError(message, path, file=file, line=line or None)


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def missing_folder(target: Path) -> str:
    """The message for an output ``target`` whose folder does not exist."""
    return f"the folder {target.parent} does not exist (make it first, or write elsewhere)"


def write_atomically(path: str | os.PathLike[str], content: str | bytes) -> None:
    """Write ``path`` whole or not at all (temp file in the same folder, then rename).

    The folder must exist: a mistyped folder is an error, never a new folder made
    silently (commands check it before any work, ``commands._options.check_output``).

    Raises
    ------
    DetenteError
        The folder of ``path`` does not exist (the message names ``path``).
    OSError
        With ``filename`` set to ``path`` (not to the temporary file's name), so the
        error names the file the caller asked for.
    """
    target = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    if not target.parent.is_dir():
        raise DetenteError(f"{path}: {missing_folder(target)}")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        # mkstemp makes the file private (0600); give it the mode a plain open() would
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_scenario(scenario: Scenario, path: str | os.PathLike[str]) -> None:
    """Write ``scenario`` as YAML (or JSON when ``path`` ends in ``.json``), atomically.

    :func:`load_scenario` reads the file back to an equal scenario.

    Raises
    ------
    DetenteError
        The folder of ``path`` does not exist (:func:`write_atomically`).
    OSError
        ``path`` cannot be written; the file is then left as it was.
    """
    data = scenario.to_dict()
    if str(path).endswith(".json"):
        import json

        write_atomically(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        import yaml

        write_atomically(path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
