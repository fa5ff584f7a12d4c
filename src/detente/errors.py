"""Error types of detente.

Every problem with user input is raised as a :class:`DetenteError` subclass whose
message names *where* (file, line, field) and *what was expected*. The command line
turns these into one line on stderr and exit code 2; it never shows a traceback for
them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = ["DetenteError", "ModelError", "ScenarioError", "expected_one_of", "format_path"]

PathPart = str | int | float
"""A key in a scenario document: a field name, a list index, or a number keying a mapping
(an issue's ``anchors``)."""


def format_path(path: Sequence[PathPart]) -> str:
    """Render a location inside a scenario as ``actors[2].stances.territory.position``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, float):
            out += f".{part:g}"
        else:
            out += f".{part}" if out else str(part)
    return out


def expected_one_of(names: Iterable[str], what: str) -> str:
    """``expected one of ['a', 'b']``, or that there are no ``what`` to name at all."""
    known = sorted(names)
    return f"expected one of {known}" if known else f"there are no {what} to name"


class DetenteError(Exception):
    """Base class of every error detente reports to a user."""


class ScenarioError(DetenteError):
    """A scenario (file or object) is invalid.

    Parameters
    ----------
    message:
        What is wrong and what was expected.
    path:
        Location of the offending value inside the scenario document, e.g.
        ``("actors", 2, "capability")``.
    file, line:
        Where the value stands on disk, when the scenario came from a file. Filled in
        by the readers in :mod:`detente.io`.
    """

    def __init__(
        self,
        message: str,
        path: Sequence[PathPart] = (),
        *,
        file: str | None = None,
        line: int | None = None,
    ) -> None:
        self.message = message
        self.path = tuple(path)
        self.file = file
        self.line = line
        super().__init__(str(self))

    def located(self, file: str | None, line: int | None) -> ScenarioError:
        """Return a copy of this error placed at ``file``:``line``."""
        return ScenarioError(self.message, self.path, file=file, line=line)

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = self.file + (f":{self.line}" if self.line is not None else "") + ": "
        elif self.line is not None:
            where = f"line {self.line}: "
        field = f"{format_path(self.path)}: " if self.path else ""
        return f"{where}{field}{self.message}"


class ModelError(DetenteError):
    """A model cannot produce a forecast for the input it was given."""
