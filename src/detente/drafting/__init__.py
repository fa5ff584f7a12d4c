"""Draft a first ``detente/1`` scenario from a news article, offline, with evidence.

The drafter reads the article with spaCy's blank English pipeline (tokenizer,
rule-based sentencizer and an ``EntityRuler`` fed from a gazetteer built on
``pycountry`` and a curated list shipped in the package), resolves dates with
``dateparser`` against the article's own date, reads stance, constraint and motive cues
clause by clause, and writes a scenario in which every number is a wide range and
every drafted value has an evidence entry quoting the exact sentence it came from.
Nothing is downloaded. The result is a *first draft*: docs/drafting.md describes the
analyst's part.

spaCy, pycountry and dateparser are the optional ``draft`` extra; this package imports
them only when a draft is made.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from dataclasses import dataclass
from typing import Any

from detente.errors import DetenteError

__all__ = ["Draft", "draft_scenario", "missing_extra"]

EXTRA_MODULES = ("spacy", "pycountry", "dateparser")
RANGE_KEYS = {"low", "mode", "high"}
MAX_CHARACTERS = 200_000  # a long feature article is ~20,000; spaCy's own limit is 1,000,000


def missing_extra() -> list[str]:
    """The modules of the ``draft`` extra that are not installed."""
    return [name for name in EXTRA_MODULES if importlib.util.find_spec(name) is None]


@dataclass(frozen=True)
class Draft:
    """A drafted scenario: its document, its YAML text and what was found or defaulted."""

    document: dict[str, Any]
    yaml: str
    findings: list[Any]  # detente.drafting.evidence.Finding

    def findings_table(self) -> list[dict[str, str | None]]:
        """Each drafted field as ``{about, status, value, quote}`` (quote None if defaulted)."""
        return [
            {
                "about": f.about,
                "status": f.status,
                "value": f.value,
                "quote": f.sentence.text if f.sentence is not None else None,
            }
            for f in self.findings
        ]


def draft_scenario(
    text: str,
    *,
    name: str = "<article>",
    date: dt.date | None = None,
    source_id: str | None = None,
    title: str | None = None,
    outlet: str | None = None,
) -> Draft:
    """Draft a scenario from article ``text``.

    Parameters
    ----------
    text:
        The article as plain text; its first line is taken as the title.
    name:
        The file name, for messages.
    date:
        The article's date; without it, the first full date in its first lines.
    source_id, title, outlet:
        The evidence source's id, title and outlet (defaults: from the title).

    Raises
    ------
    DetenteError
        When the article has no date, does not look like a negotiation, or the draft
        does not validate (which would be a bug of the drafter).
    """
    import yaml

    from detente.drafting.build import build_document
    from detente.drafting.extract import read_article
    from detente.io import parse_scenario

    missing = missing_extra()
    if missing:
        raise DetenteError(
            f"drafting needs {', '.join(missing)}: install the extra with "
            "pip install 'detente[draft]'"
        )
    if not text.strip():
        raise DetenteError(f"{name}: the article is empty")
    if len(text) > MAX_CHARACTERS:
        raise DetenteError(
            f"{name}: {len(text):,} characters is too long for one article "
            f"(at most {MAX_CHARACTERS:,}); draft from the article itself"
        )
    article = read_article(text, date)
    first_line = text.strip().splitlines()[0].strip()
    source_title = title or first_line[:200]
    words = re.findall(r"[a-z0-9]+", source_title.lower())[:3]
    year = [str(article.date.year)] if article.date is not None else []
    source: dict[str, Any] = {"id": source_id or "_".join(words + year) or "article"}
    source["title"] = source_title
    if outlet:
        source["outlet"] = outlet
    if article.date is not None:
        source["date"] = article.date.isoformat()
    document, findings = build_document(article, name=name, source=source)
    header = (
        f"# Drafted by `detente draft` from {name}: a FIRST DRAFT for an analyst to check.\n"
        "# Every number is a wide range read from the article's wording or the widest\n"
        "# default; each evidence entry quotes the sentence it rests on or says\n"
        '# "not in the source; set by the analyst". See docs/drafting.md.\n'
    )
    body = yaml.dump(document, Dumper=_dumper(), sort_keys=False, allow_unicode=True, width=100)
    parse_scenario(header + body, file=f"draft of {name}")  # the loader's own checks
    return Draft(document=document, yaml=header + body, findings=findings)


def _dumper() -> Any:
    """A YAML dumper writing ranges and short lists in flow style, without aliases."""
    import yaml

    class DraftDumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    def mapping(dumper: yaml.SafeDumper, data: dict[str, Any]) -> Any:
        flow = bool(data) and set(data) <= RANGE_KEYS
        return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=flow)

    def sequence(dumper: yaml.SafeDumper, data: list[Any]) -> Any:
        flow = len(data) == 2 and all(
            isinstance(x, int | float) or (isinstance(x, dict) and set(x) <= RANGE_KEYS)
            for x in data
        )
        return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)

    DraftDumper.add_representer(dict, mapping)
    DraftDumper.add_representer(list, sequence)
    return DraftDumper
