"""The spaCy pipeline of the drafter: blank English, rule-based sentences and entities.

No statistical model is used or downloaded: ``spacy.blank("en")`` gives the tokenizer,
the rule-based ``sentencizer`` splits sentences on punctuation, and an ``EntityRuler``
marks parties, leaders, publics, legislatures, places, named settlements and date
expressions from token patterns (spaCy 3 documentation, "Rule-based matching":
https://spacy.io/usage/rule-based-matching#entityruler). spaCy is imported here only, so
``detente --help`` does not pay for it.
"""

from __future__ import annotations

import functools
from typing import Any

from detente.drafting.dates import MONTHS, YEAR
from detente.drafting.gazetteer import load_gazetteer

__all__ = ["build_pipeline"]

YEAR_TOKEN = {"TEXT": {"REGEX": f"^{YEAR}$"}}
MONTH_TOKEN = {"LOWER": {"IN": sorted(MONTHS)}}
ORDINAL = {"TEXT": {"REGEX": r"^\d{1,2}(?:st|nd|rd|th)$"}}
END_OF = [{"LOWER": "the", "OP": "?"}, {"LOWER": "end"}, {"LOWER": "of"}]

DATE_PATTERNS: list[list[dict[str, Any]]] = [
    [*END_OF, {"LOWER": {"IN": ["the", "this", "next"]}}, {"LOWER": "year"}],
    [*END_OF, YEAR_TOKEN],
    [*END_OF, MONTH_TOKEN, {**YEAR_TOKEN, "OP": "?"}],
    [{"IS_DIGIT": True}, MONTH_TOKEN, YEAR_TOKEN],
    [MONTH_TOKEN, {"IS_DIGIT": True}, {"ORTH": ","}, YEAR_TOKEN],
    [MONTH_TOKEN, ORDINAL, {"ORTH": ",", "OP": "?"}, YEAR_TOKEN],
    [ORDINAL, {"LOWER": "of", "OP": "?"}, MONTH_TOKEN, {"ORTH": ",", "OP": "?"}, YEAR_TOKEN],
    [MONTH_TOKEN, YEAR_TOKEN],
    [MONTH_TOKEN, {"IS_DIGIT": True}],
    [YEAR_TOKEN, {"ORTH": "-"}, {"SHAPE": "dd"}, {"ORTH": "-"}, {"SHAPE": "dd"}],
    [{"TEXT": {"REGEX": r"^\d{4}/\d{1,2}/\d{1,2}$"}}],
    [{"TEXT": {"REGEX": r"^\d{1,2}/\d{1,2}/\d{4}$"}}],
    [YEAR_TOKEN],
    [{"LOWER": "next"}, {"LOWER": "year"}],
    [
        {"LOWER": {"IN": ["in", "within"]}},
        {"LIKE_NUM": True},
        {"LOWER": {"IN": ["days", "weeks", "months", "years"]}},
    ],
]

PLACE_WORDS = ["islands", "island", "territories", "archipelago", "strait", "heights"]
PLACE_WORDS += ["peninsula", "river", "valley", "basin", "sea"]
SETTLEMENT_WORDS = ["declaration", "accord", "accords", "agreement", "agreements", "plan"]
SETTLEMENT_WORDS += ["formula", "protocol", "memorandum", "framework", "communique", "treaty"]

OTHER_PATTERNS: list[dict[str, Any]] = [
    {
        "label": "PLACE",
        "pattern": [
            {"IS_TITLE": True, "IS_SENT_START": False, "OP": "+"},
            {"LOWER": {"IN": PLACE_WORDS}, "IS_TITLE": True},
        ],
    },
    {
        "label": "SETTLEMENT",
        "pattern": [
            {**YEAR_TOKEN, "OP": "?"},
            {"IS_TITLE": True, "IS_SENT_START": False, "OP": "+"},
            {"LOWER": {"IN": SETTLEMENT_WORDS}, "IS_TITLE": True},
        ],
    },
]


@functools.cache
def build_pipeline() -> Any:
    """The blank English pipeline with ``sentencizer`` and the drafting ``entity_ruler``.

    Raises
    ------
    ModuleNotFoundError
        When spaCy is not installed (the ``draft`` extra).
    """
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler: Any = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": None})
    patterns = list(load_gazetteer().patterns) + OTHER_PATTERNS
    patterns += [{"label": "DATE", "pattern": pattern} for pattern in DATE_PATTERNS]
    ruler.add_patterns(patterns)
    return nlp
