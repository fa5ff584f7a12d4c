"""Load and save scenario files (YAML or JSON), with errors that name file, line and field."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from detente.errors import DetenteError, ScenarioError
from detente.io.validation_errors import from_validation
from detente.limits import MAX_FILE_BYTES, check_weights
from detente.scenario import Scenario

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
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise ScenarioError(
                "the file is UTF-16 text (as Excel's 'Unicode Text' saves it); save it as "
                "UTF-8 (Excel: 'CSV UTF-8')",
                file=name,
                line=1,
            )
        # as text mode would: universal newlines
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except FileNotFoundError:
        raise ScenarioError("no such file", file=name) from None
    except IsADirectoryError:
        raise ScenarioError("is a directory, expected a file", file=name) from None
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise ScenarioError(
            f"not UTF-8 text: byte {data[exc.start]:#04x}, the line's byte {column} "
            f"({exc.reason}); save the file as UTF-8",
            file=name,
            line=line,
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
        raise from_validation(exc, data, lines.line_of, file) from None
    except ScenarioError as exc:
        raise exc.located(file, lines.line_of(exc.path)) from None


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
