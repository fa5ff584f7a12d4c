"""What the API reference pages (``docs/reference/*.md``) show: detente's public API.

Each page renders objects with mkdocstrings directives, ``::: detente.module`` optionally
followed by ``options: members: [...]``. The modules named there, with
``detente.__all__``, are the public API; every other module (``detente.commands``,
``detente.web``, ``detente.analysis``, names starting with ``_``, ...) is internal.
Used by the docstring and docs-import tests so the public set is written down once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import yaml

from shared_data import ROOT

REFERENCE = ROOT / "docs" / "reference"
DIRECTIVE = re.compile(r"^::: (?P<path>[\w.]+)\s*$", re.M)


def directives(page: Path) -> Iterator[tuple[str, list[str] | None]]:
    """``(path, members or None)`` of each ``::: path`` directive on ``page``."""
    text = page.read_text(encoding="utf-8")
    matches = list(DIRECTIVE.finditer(text))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        block = text[match.end() : end].split("\n\n", 1)[0]
        options = yaml.safe_load(block) if block.strip() else None
        members = ((options or {}).get("options") or {}).get("members")
        yield match["path"], members


def all_directives() -> list[tuple[str, list[str] | None]]:
    """Every directive of every reference page, page by page."""
    return [d for page in sorted(REFERENCE.glob("*.md")) for d in directives(page)]
