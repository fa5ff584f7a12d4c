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
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import click

from detente.outputs import FIGURE_SUFFIXES, check_output, unwritable_folder

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
    from detente.io.scenario_names import read_scenario

    loaded, notes = read_scenario(
        path,
        scale=_parse_scale(scale),
        table_format=table_format,
        salience_scale=None if salience_scale is None else int(salience_scale),
    )
    for note in notes:
        announce(f"detente: note: {note}")
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


def announce(message: str) -> None:
    """Say on stderr what a command wrote (files, runs), control characters made visible."""
    from detente.report.terminal import terminal_safe

    click.echo(terminal_safe(message), err=True)
