"""The plain blocks a report is made of: paragraphs, tables, quotes, figures, sections.

:mod:`detente.report.document` gathers them; :mod:`detente.report.render` writes them
as HTML or Markdown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from detente.report.figures import ImageFormat, data_uri

__all__ = ["Block", "Figure", "Paragraph", "Quote", "Report", "Section", "Subheading", "Table"]


@dataclass(frozen=True)
class Paragraph:
    text: str
    strong: bool = False


@dataclass(frozen=True)
class Subheading:
    text: str


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]


@dataclass(frozen=True)
class Quote:
    """An evidence entry: the parameter it backs, the quote, its source, the judgment."""

    about: str
    quote: str | None
    source: str | None
    judgment: str | None


@dataclass(frozen=True)
class Figure:
    content: str | bytes
    fmt: ImageFormat
    alt: str

    @property
    def uri(self) -> str:
        return data_uri(self.content, self.fmt)


Block = Paragraph | Subheading | Table | Quote | Figure


@dataclass
class Section:
    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    omitted: str | None = None


@dataclass
class Report:
    title: str
    subtitle: str
    sections: list[Section]
