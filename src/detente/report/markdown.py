"""Markdown that shows names as written: every piece of scenario text is escaped.

A name such as ``<script>alert(1)</script>`` or ``**x** | y`` must print as itself in a
Markdown report, not as HTML, emphasis or a broken table. :func:`markdown_text` escapes
the characters CommonMark gives a meaning (backslash escapes, and HTML entities for
``<``, ``>`` and ``&`` so no raw HTML reaches the page); :func:`markdown_cell` also
escapes the pipe and turns newlines into ``<br>``, for pipe-table cells.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from detente.report.safe_text import terminal_safe

__all__ = [
    "markdown_cell",
    "markdown_table",
    "markdown_text",
    "renderable_parts",
    "renderables_markdown",
]

_PUNCTUATION = re.compile(r"([\\`*_|~])")
_LINK = re.compile(r"\](?=[(\[:])")  # "](" "][" "]:" make a link or a link definition


def markdown_text(text: str) -> str:
    """``text`` escaped for Markdown: ``<``, ``>``, ``&`` as entities; the markup
    characters ``\\ ` * _ | ~`` with a backslash; a ``]`` that would close a link (before
    ``(``, ``[`` or ``:``) and a ``#`` that would open a heading likewise. Other brackets
    stay as they are, so ``[8.3, 40.0]`` reads as written. Control characters are made
    visible (:func:`~detente.report.safe_text.terminal_safe`)."""
    text = terminal_safe(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _LINK.sub(r"\\]", _PUNCTUATION.sub(r"\\\1", text))
    return "\\" + text if text.startswith("#") else text


def markdown_cell(text: str) -> str:
    """``text`` escaped for a pipe-table cell (newlines become ``<br>``)."""
    return "<br>".join(markdown_text(line) for line in text.splitlines()) if text else ""


def markdown_table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], *, numeric_from: int | None = None
) -> list[str]:
    """The lines of a pipe table; columns from ``numeric_from`` on are right-aligned."""
    if numeric_from is None:
        aligns = ["---"] * len(headers)
    else:
        aligns = [":---" if i < numeric_from else "---:" for i in range(len(headers))]
    lines = ["| " + " | ".join(markdown_cell(h) for h in headers) + " |"]
    lines.append("|" + "|".join(aligns) + "|")
    lines += ["| " + " | ".join(markdown_cell(c) for c in row) + " |" for row in rows]
    return lines


def renderable_parts(renderables: Iterable[Any]) -> Iterator[tuple[str, Any]]:
    """The parts of terminal renderables in order: ``("heading", text)`` for a panel's
    title, ``("table", rich Table)``, ``("text", text)`` for a ``Text`` or string;
    ``Panel`` and ``Group`` are opened. Shared by the Markdown and HTML renderings."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from detente.report.terminal import plain

    for item in renderables:
        if isinstance(item, Table):
            yield "table", item
        elif isinstance(item, Panel):
            if item.title is not None:
                yield "heading", plain(item.title) or ""
            yield from renderable_parts([item.renderable])
        elif isinstance(item, Group):
            yield from renderable_parts(item.renderables)
        elif isinstance(item, Text | str):
            yield "text", plain(item) or ""


def renderables_markdown(renderables: Iterable[Any]) -> str:
    """Markdown of what a command prints in the terminal: each rich ``Table`` as a pipe
    table under its title, each ``Text`` or string as an escaped paragraph, ``Panel`` and
    ``Group`` by their contents. For commands whose only rendering is the terminal one."""
    from detente.report.terminal import plain

    out: list[str] = []
    for kind, item in renderable_parts(renderables):
        if kind == "table":
            if item.title is not None:
                out.extend([f"**{markdown_text(plain(item.title) or '')}**", ""])
            headers = [plain(c.header) or "" for c in item.columns]
            columns = [[plain(cell) or "" for cell in c.cells] for c in item.columns]
            out.extend(markdown_table(headers, list(zip(*columns, strict=True))))
            if item.caption is not None:
                out.extend(["", markdown_text(plain(item.caption) or "")])
            out.append("")
        elif kind == "heading":
            out.extend([f"**{markdown_text(item)}**", ""])
        else:
            out.extend([markdown_text(item).replace("\n", "  \n"), ""])
    return "\n".join(out).rstrip() + "\n"
