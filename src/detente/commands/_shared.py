"""Helpers shared by the sub-commands: console, JSON output, progress bars."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import click

__all__ = ["console", "print_json", "print_markdown", "print_renderables", "progress_bar"]


def console(width: int | None = None) -> Any:
    """The console the commands print with: a :class:`~detente.report.terminal.SafeConsole`
    on stdout (strings literal, control characters visible, tables never cut)."""
    from detente.report.terminal import SafeConsole

    return SafeConsole(width=width)


def print_json(document: Any) -> None:
    """Print ``document`` as indented JSON (NaN is not valid JSON and is refused).

    JSON escapes the C0 control characters itself; DEL and the C1 controls (which some
    terminals obey, U+009B as the start of an escape sequence) are escaped here too, as
    ``\\u009b``: still the same JSON value, but nothing in a name drives the terminal.
    """
    text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)
    click.echo(re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", text))


def print_markdown(renderables: Iterable[Any]) -> None:
    """Print terminal renderables (tables, texts) as Markdown."""
    from detente.report.markdown import renderables_markdown

    click.echo(renderables_markdown(renderables), nl=False)


def print_renderables(renderables: Iterable[Any], fmt: str = "table") -> None:
    """Print terminal renderables on the console, or as Markdown when ``fmt`` says so."""
    if fmt == "markdown":
        print_markdown(renderables)
        return
    out = console()
    for renderable in renderables:
        out.print(renderable)


@contextmanager
def progress_bar(description: str, *, quiet: bool = False) -> Iterator[Callable[[int, int], None]]:
    """Yield ``update(done, total)``; draws a rich bar on stderr only when it is a terminal.

    Silent with ``quiet`` or when stderr is not a terminal (pipes, CI, tests), so output
    meant for scripts is never mixed with bar redraws.
    """
    if quiet or not sys.stderr.isatty():
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update
