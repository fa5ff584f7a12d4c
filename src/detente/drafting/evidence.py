"""The evidence a draft records: one entry per drafted value, and the summary's findings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from detente.drafting.extract import Article, Sentence
from detente.provenance import NOT_IN_SOURCE

__all__ = ["ACCEPTS", "NOT_IN_SOURCE", "Finding", "Recorder"]

WIDEST = {"low": 0, "mode": 50, "high": 100}
POSITION = {
    "demand": {"low": 0, "mode": 10, "high": 40},
    "defend": {"low": 60, "mode": 90, "high": 100},
}
SALIENCE_FIRM = {"low": 50, "mode": 80, "high": 100}
SALIENCE_SIDE = {"low": 20, "mode": 60, "high": 100}
CAPABILITY = {"low": 0.1, "mode": 1.0, "high": 2.0}
MOTIVE_WEIGHT = {"low": 0.0, "mode": 0.5, "high": 1.0}
# win-set bounds: a firm actor accepts only its own half of the scale, a flexible one most
ACCEPTS = {
    ("demand", "firm"): [0, {"low": 20, "mode": 35, "high": 50}],
    ("defend", "firm"): [{"low": 50, "mode": 65, "high": 80}, 100],
    ("demand", "flexible"): [0, {"low": 50, "mode": 70, "high": 90}],
    ("defend", "flexible"): [{"low": 10, "mode": 30, "high": 50}, 100],
}
OTHER = {"demand": "defend", "defend": "demand"}


@dataclass(frozen=True)
class Finding:
    """One drafted field for the summary: found in the text, inferred, or defaulted."""

    about: str
    status: str  # "found", "inferred" or "defaulted"
    value: str
    sentence: Sentence | None


class Recorder:
    """Collects the evidence entries and findings of one draft; checks every quote."""

    def __init__(self, article: Article, source_id: str) -> None:
        self.article = article
        self.source_id = source_id
        self.evidence: list[dict[str, Any]] = []
        self.findings: list[Finding] = []

    def cite(
        self,
        about: str,
        value: str,
        sentence: Sentence | None,
        judgment: str = "",
        *,
        status: str | None = None,
    ) -> None:
        """Record the evidence of one drafted value and its finding for the summary.

        ``status`` is "found" when a sentence supports the value, "inferred" when the
        judgment starts with "Inferred", otherwise "defaulted" (a drafting rule or the
        widest range), unless given.
        """
        entry: dict[str, Any] = {"about": about}
        if sentence is not None:
            if self.article.text[sentence.start : sentence.end] != sentence.text:
                raise AssertionError(f"quote is not a substring of the article: {sentence.text!r}")
            entry |= {"source": self.source_id, "quote": sentence.text}
        if judgment or sentence is None:
            entry["judgment"] = judgment or NOT_IN_SOURCE
        self.evidence.append(entry)
        if status is None:
            status = "found" if sentence is not None else "defaulted"
            status = "inferred" if judgment.startswith("Inferred") else status
        self.findings.append(Finding(about, status, value, sentence))
