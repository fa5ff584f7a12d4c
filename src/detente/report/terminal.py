"""Honest terminal output: names made safe for the terminal, tables that never cut numbers.

Two rules every terminal table of detente follows (they are applied by
:class:`SafeConsole`, the console the commands print with, so no renderer can forget):

* **Nothing reaches the terminal raw.** Text from a scenario (actor and issue names,
  labels, titles) may hold ANSI escape sequences or other control characters; each C0
  or C1 control character other than newline and tab is shown as its Unicode "control
  picture" (ESC becomes ``␛``), one character for one, so a name can neither move the
  cursor, recolour the screen nor set the window title. Strings are never read as rich
  markup or emoji codes either: ``[Japan]`` prints as ``[Japan]``.
* **Numbers are never truncated.** Rich shrinks a table that is wider than the terminal
  by cutting cells to ``23…``. :func:`fit_table` instead gives every column at least its
  longest word and wraps cells between words only; when even that does not fit it wraps
  the columns into several tables (each repeating the row names), and as a last resort
  stacks the table: one block per row, each cell on its own ``header: value`` line.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable, Iterator
from typing import Any

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from detente.report.safe_text import CONTROL as _CONTROL
from detente.report.safe_text import terminal_safe

__all__ = ["SafeConsole", "fit_table", "plain", "terminal_safe"]


def plain(cell: Any) -> str | None:
    """The text of a table cell (``str`` or rich ``Text``), ``None`` for other renderables."""
    if isinstance(cell, Text):
        return cell.plain
    if isinstance(cell, str):
        return cell
    return None


def _longest_word(text: str) -> int:
    return max((cell_len(word) for word in text.split()), default=0)


def _longest_line(text: str) -> int:
    return max((cell_len(line) for line in text.splitlines()), default=0)


def fit_table(table: Table, width: int) -> RenderableType:
    """``table`` made to fit ``width`` columns without cutting any number or word.

    A table that fits is returned as it is. Otherwise every column gets at least its
    longest word (a number such as ``44.76`` or ``[-0.13,`` is one word, so it is never
    split) and the remaining width is shared out towards each column's natural width,
    first of its cells, then of its header; cells wrap between words only. When the
    longest words (plus borders and padding) exceed ``width``, the columns are wrapped
    into several tables one under the other (as few as the longest words allow), each
    repeating the first column (the row's name); only when even the first column and
    one other do not fit is the table stacked instead: the title, then per row one
    ``header: value`` line per non-empty cell. Tables holding other renderables than
    text are returned unchanged.
    """
    columns = table.columns
    texts: list[list[str]] = []
    for column in columns:
        cells = [plain(cell) for cell in column.cells]
        if any(cell is None for cell in cells):
            return table
        texts.append([cell for cell in cells if cell is not None])
    headers = [plain(column.header) or "" for column in columns]
    needed = [
        max([_longest_word(h)] + [_longest_word(c) for c in cells])
        for h, cells in zip(headers, texts, strict=True)
    ]
    # a cell unwrapped matters more than its header unwrapped: fill towards the cells'
    # widths first, then towards the headers'
    cells_natural = [
        max([need] + [_longest_line(c) for c in cells])
        for need, cells in zip(needed, texts, strict=True)
    ]
    natural = [
        max(width, _longest_line(h)) for width, h in zip(cells_natural, headers, strict=True)
    ]
    _, right, _, left = Padding.unpack(table.padding)
    per_column = left + right + (1 if table.box else 0)  # padding and one border
    edge = 1 if table.box else 0
    available = width - len(columns) * per_column - edge
    if sum(needed) > available:
        # as few parts as words allow; of those, parts in which no cell wraps if possible
        chunks = _column_chunks([n + per_column for n in needed], width - edge)
        unwrapped = _column_chunks([n + per_column for n in cells_natural], width - edge)
        if chunks is not None and unwrapped is not None and len(unwrapped) == len(chunks):
            chunks = unwrapped
        if chunks is None:
            return _stacked(table, texts)
        return Group(*(fit_table(_part(table, chunk, k, len(chunks)), width)
                       for k, chunk in enumerate(chunks)))  # fmt: skip
    if sum(natural) > available:
        widths = _share_out(needed, cells_natural, available)
        widths = _share_out(widths, natural, available)
        for column, assigned in zip(columns, widths, strict=True):
            column.width, column.min_width, column.max_width = assigned, None, None
            column.no_wrap, column.overflow = False, "fold"
    return table


def _column_chunks(costs: list[int], width: int) -> list[list[int]] | None:
    """Split the columns into consecutive groups that each fit ``width`` with the first
    column (the row's name) repeated in every group; ``None`` if even the first column
    and one other do not fit."""
    chunks: list[list[int]] = []
    current, used = [0], costs[0]
    for index in range(1, len(costs)):
        if used + costs[index] > width:
            if len(current) == 1:
                return None
            chunks.append(current)
            current, used = [0], costs[0]
            if used + costs[index] > width:
                return None
        current.append(index)
        used += costs[index]
    chunks.append(current)
    return chunks if len(chunks) > 1 else None


def _part(table: Table, chunk: list[int], number: int, parts: int) -> Table:
    """The columns ``chunk`` of ``table`` as a table of their own (the title on the first
    part, "(continued)" on the others, the caption under the last)."""
    part = copy.copy(table)
    part.columns = [
        dataclasses.replace(table.columns[i], _index=k, _cells=list(table.columns[i]._cells))
        for k, i in enumerate(chunk)
    ]
    if number > 0 and table.title is not None:
        part.title = Text(f"{plain(table.title) or ''} (continued)", style="dim")
    if number < parts - 1:
        part.caption = None
    return part


def _share_out(needed: list[int], natural: list[int], available: int) -> list[int]:
    """Column widths: each its ``needed`` width, the rest of ``available`` filled up
    towards each ``natural`` width, the smallest shortfalls first (water-filling)."""
    widths = list(needed)
    spare = available - sum(needed)
    order = sorted(range(len(widths)), key=lambda i: natural[i] - needed[i])
    for rank, index in enumerate(order):
        share = spare // (len(order) - rank)
        grant = min(natural[index] - needed[index], share)
        widths[index] += grant
        spare -= grant
    return widths


def _stacked(table: Table, texts: list[list[str]]) -> RenderableType:
    headers = [plain(column.header) or "" for column in table.columns]
    parts: list[RenderableType] = []
    if table.title is not None:
        parts.append(table.title if isinstance(table.title, Text) else Text(str(table.title)))
    rows = max((len(cells) for cells in texts), default=0)
    for row in range(rows):
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        for header, cells in zip(headers, texts, strict=True):
            value = cells[row] if row < len(cells) else ""
            if value.strip():
                grid.add_row(Text(f"{header}:" if header else ""), Text(value))
        parts.append(grid)
        if row + 1 < rows:
            parts.append(Text(""))
    if table.caption is not None:
        parts.append(table.caption if isinstance(table.caption, Text) else Text(table.caption))
    return Group(*parts)


def _safe(item: Any) -> Any:
    """``item`` with the text it holds made safe (:func:`terminal_safe`) before rich
    measures it (rich counts a control character as zero cells wide): strings are
    replaced, rich ``Text`` is changed in place (one character for one, so its styles
    keep their place), tables, groups and panels are walked."""
    if isinstance(item, str):
        return terminal_safe(item)
    if isinstance(item, Text):
        if _CONTROL.search(item.plain):
            item.plain = terminal_safe(item.plain)
    elif isinstance(item, Table):
        item.title, item.caption = _safe(item.title), _safe(item.caption)
        for column in item.columns:
            column.header = _safe(column.header)
            column._cells[:] = [_safe(cell) for cell in column._cells]
    elif isinstance(item, Group):
        item._renderables = tuple(_safe(part) for part in item.renderables)
    elif isinstance(item, Panel):
        item.title = _safe(item.title)
        item.renderable = _safe(item.renderable)
    return item


def _fitted(renderable: Any, width: int) -> Any:
    if isinstance(renderable, Table):
        return fit_table(renderable, width)
    if isinstance(renderable, Group):
        return Group(*(_fitted(r, width) for r in renderable.renderables))
    return renderable


class SafeConsole(Console):
    """A rich console that prints every string literally and safely, and fits tables.

    Strings are neither markup nor emoji codes; control characters in any text become
    visible (:func:`terminal_safe`); tables go through :func:`fit_table` at the
    console's width.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        kwargs.setdefault("emoji", False)
        kwargs.setdefault("soft_wrap", False)
        super().__init__(**kwargs)

    def print(self, *objects: Any, **kwargs: Any) -> None:
        super().print(*(_fitted(_safe(o), self.width) for o in objects), **kwargs)

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(terminal_safe(text), **kwargs)

    def render(self, renderable: Any, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        return _safe_segments(super().render(renderable, options))


def _safe_segments(segments: Iterable[Segment]) -> Iterator[Segment]:
    for segment in segments:
        if segment.control is None and _CONTROL.search(segment.text):
            yield Segment(terminal_safe(segment.text), segment.style)
        else:
            yield segment
