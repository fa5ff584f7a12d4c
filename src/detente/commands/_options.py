"""The options every command shares, defined once: scenario input, output format, output
files.

* :func:`scenario_input` gives a command the ``[SCENARIO]`` argument with ``--scale``,
  ``--table-format`` and ``--salience-scale``, and hands the command one
  :class:`ScenarioInput`.
* :func:`format_option` is ``--format/-f`` with one vocabulary: ``table``, ``json``,
  ``markdown`` (and ``yaml`` where a YAML document makes sense).
* :func:`check_output` refuses an output file that cannot be written (bad suffix, a
  folder where a file is wanted, a file where a folder is needed, no permission) before
  any computation, naming the path as the user typed it; :func:`announce` says on stderr
  what was written.

Only click and the standard library are imported at the top (``detente --help`` stays
fast).
"""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from detente.errors import DetenteError

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = [
    "FIGURE_SUFFIXES",
    "FORMATS",
    "ScenarioInput",
    "announce",
    "check_output",
    "format_option",
    "input_options",
    "load",
    "scenario_input",
    "unwritable_folder",
]

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ("table", "json", "markdown")
"""The ``--format`` vocabulary of every command (``show`` adds ``yaml``)."""

FIGURE_SUFFIXES = (".png", ".svg", ".pdf")
"""The figure formats ``--plot`` writes (matplotlib's PNG, SVG and PDF backends)."""


def _parse_scale(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    try:
        lo, hi = (float(part) for part in text.split(":"))
    except ValueError:
        raise click.BadParameter(
            f"expected LO:HI such as 0:100, got {text!r}", param_hint="'--scale'"
        ) from None
    if not lo < hi:
        raise click.BadParameter(f"expected LO < HI, got {text!r}", param_hint="'--scale'")
    return lo, hi


def load(
    path: str | None,
    scale: str | None = None,
    table_format: str | None = None,
    salience_scale: str | None = None,
) -> Scenario:
    """A scenario file, a table or XML import, an embedded scenario's name, or the default.

    What an import inferred, kept or skipped is printed once on stderr as notes.
    """
    from detente.io import load_any
    from detente.scenarios import DEFAULT, embedded_names, load_embedded

    if path is None:
        return load_embedded(DEFAULT)
    if not Path(path).exists() and path in embedded_names():
        return load_embedded(path)
    if not Path(path).exists() and not Path(path).suffix and "/" not in path:
        from detente.errors import ScenarioError

        raise ScenarioError(
            "no such file, nor an embedded scenario (embedded: "
            f"{', '.join(embedded_names())}; see detente scenarios)",
            file=path,
        )
    notes: list[str] = []
    loaded = load_any(
        path,
        scale=_parse_scale(scale),
        table_format=table_format,
        salience_scale=None if salience_scale is None else int(salience_scale),
        notes=notes,
    )
    for note in notes:
        announce(f"detente: note: {note}")
    from detente.provenance import drafted_defaults

    defaults = drafted_defaults(loaded)
    if defaults:
        shown = ", ".join(defaults[:3]) + (", ..." if len(defaults) > 3 else "")
        announce(
            f"detente: note: {len(defaults)} values are drafting defaults, not in the source "
            f"({shown}): every forecast rests on them until an analyst sets them "
            "(docs/drafting.md)"
        )
    return loaded


@dataclass(frozen=True)
class ScenarioInput:
    """What the user named as SCENARIO, with the options that say how to read it."""

    source: str | None
    scale: str | None = None
    table_format: str | None = None
    salience_scale: str | None = None

    def load(self) -> Scenario:
        """The scenario (a :class:`~detente.errors.DetenteError` on bad input)."""
        return load(self.source, self.scale, self.table_format, self.salience_scale)


def input_options(function: F) -> F:
    """Add ``--scale``, ``--table-format`` and ``--salience-scale`` (how to read a table)."""
    function = click.option(
        "--salience-scale",
        type=click.Choice(["1", "100"]),
        help="Salience scale of a classic table (default: inferred only if every value agrees).",
    )(function)
    function = click.option(
        "--table-format",
        type=click.Choice(["classic", "ktab", "ktab-xml", "genius", "decide"]),
        help="Format of a table or XML import (default: detected from its content).",
    )(function)
    return click.option(
        "--scale",
        metavar="LO:HI",
        help="Scale of a classic CSV table (default: min..max of positions).",
    )(function)


def scenario_input(function: F) -> F:
    """Add ``[SCENARIO]``, ``--scale``, ``--table-format`` and ``--salience-scale``; the
    command receives them as one ``scenario: ScenarioInput``."""

    @functools.wraps(function)
    def wrapper(
        *args: Any,
        scenario: str | None,
        scale: str | None,
        table_format: str | None,
        salience_scale: str | None,
        **kw: Any,
    ) -> Any:
        given = ScenarioInput(scenario, scale, table_format, salience_scale)
        return function(*args, scenario=given, **kw)

    wrapped = input_options(wrapper)
    return click.argument("scenario", required=False, metavar="[SCENARIO]")(wrapped)  # type: ignore[return-value]


def format_option(*, yaml: bool = False) -> Callable[[F], F]:
    """``--format/-f``: table, json, markdown (and yaml when ``yaml``)."""
    choices = [*FORMATS, "yaml"] if yaml else list(FORMATS)
    return click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(choices),
        default="table",
        show_default=True,
        help="Output: terminal tables, one JSON document, Markdown"
        + (", or the scenario as YAML." if yaml else "."),
    )


def check_output(path: str, *, what: str, suffixes: Sequence[str] | None = None) -> None:
    """Refuse, before any work, an output file that could not be written.

    The error names ``path`` as typed: a suffix not among ``suffixes``, ``path`` being a
    folder, its folder missing (never made silently), or no file being possible there
    (:func:`unwritable_folder`).

    Raises
    ------
    DetenteError
        With one line naming ``path`` and what is wrong.
    """
    target = Path(path)
    if target.is_dir():
        raise DetenteError(f"{path}: is a folder; expected a file name for the {what}")
    if suffixes is not None and target.suffix.lower() not in suffixes:
        choices = ", ".join(suffixes[:-1]) + " or " + suffixes[-1] if len(suffixes) > 1 else ""
        raise DetenteError(
            f"{path}: expected a {choices or suffixes[0]} file name for the {what} "
            f"(not {target.suffix or 'a name without suffix'})"
        )
    if target.exists() and not target.is_file():
        raise DetenteError(f"{path}: is not a regular file; expected a file for the {what}")
    problem = unwritable_folder(target)
    if problem is not None:
        raise DetenteError(f"{path}: {problem}")


def unwritable_folder(target: Path, *, make_folders: bool = False) -> str | None:
    """Why no file ``target`` can be made (``None`` if it can), without writing anything
    that stays: its folder must exist (with ``make_folders``, as for the run store whose
    missing folders are made, the nearest existing folder above it) and let a file be
    created in it, tried with a temporary file that is removed at once."""
    folder = target.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        return f"{folder} is not a folder"
    if not make_folders and folder != target.parent:
        from detente.io.scenario_file import missing_folder

        return missing_folder(target)
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=f".{target.name}."):
            pass
    except OSError as exc:
        return f"cannot write in {folder} ({exc.strerror})"
    return None


def announce(message: str) -> None:
    """Say on stderr what a command wrote (files, runs), control characters made visible."""
    from detente.report.terminal import terminal_safe

    click.echo(terminal_safe(message), err=True)
