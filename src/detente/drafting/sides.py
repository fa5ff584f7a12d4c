"""Who stands where: sides, firmness and motives read from the clauses of an article.

A *side* places an actor at one end of an issue (the demandeur asks for change, the
defender keeps what is); *firmness* says whether it would accept only its own half of
the scale (firm) or most of it (flexible); a *motive* is what it hopes to gain. Each
reading keeps the sentence it came from, for the evidence entries.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from detente.drafting.cues import (
    DEFEND,
    DEMAND,
    FIRM,
    FLEXIBLE,
    ISSUE_KINDS,
    MOTIVE,
    NEGOTIATION,
    SEQUENCE_DEFEND,
    SEQUENCE_DEMAND,
)
from detente.drafting.extract import Article, Mention, Sentence, clause_actor, sentence_clauses

__all__ = ["Reading", "Readings", "read_sides"]

BOTH = re.compile(r"\b(?:both|the two (?:countries|sides|governments|parties))\b", re.I)


@dataclass(frozen=True)
class Reading:
    """One cue: ``actor`` (party key, or ``public:KEY``), ``issue``, ``value``, sentence."""

    actor: str
    issue: str
    value: str  # "demand"/"defend", "firm"/"flexible", or a motive's words
    cue: str
    sentence: Sentence


@dataclass
class Readings:
    """Every side, firmness and motive reading, by (actor, issue)."""

    sides: dict[tuple[str, str], list[Reading]] = field(default_factory=lambda: defaultdict(list))
    firmness: dict[tuple[str, str], list[Reading]] = field(
        default_factory=lambda: defaultdict(list)
    )
    motives: dict[str, list[Reading]] = field(default_factory=lambda: defaultdict(list))


def actor_key(mention: Mention) -> str:
    """Governments and leaders speak for the party; publics and legislatures are apart."""
    return f"public:{mention.key}" if mention.kind in {"public", "legislature"} else mention.key


def _mention_at(sentence: Sentence, at: int, *, before: bool) -> Mention | None:
    """The owner of a claim ("Japan's territorial claim") or the object of "part of"."""
    for mention in sentence.mentions:
        end = mention.start + len(mention.text)
        if before and end <= at:
            between = sentence.text[end - sentence.start : at - sentence.start]
            if re.fullmatch(r"(?:'s|’s)(?: \w+)? ", between):
                return mention
        if not before and at <= mention.start:
            between = sentence.text[at - sentence.start : mention.start - sentence.start]
            if re.fullmatch(r" (?:the )?", between):
                return mention
    return None


def _issues(sentence: Sentence, text: str, issues: set[str]) -> set[str]:
    found = {kind for kind, pattern in ISSUE_KINDS.items() if pattern.search(text)}
    if any(place in text for place in sentence.places):
        found.add("territory")
    sequenced = SEQUENCE_DEMAND.search(text) or SEQUENCE_DEFEND.search(text)
    if "sequencing" in issues and NEGOTIATION.search(text) and sequenced:
        found.add("sequencing")
    return found & issues


def read_sides(article: Article, issues: set[str], parties: set[str]) -> Readings:
    """Read sides, firmness and motives of the ``parties`` (and their publics) on ``issues``."""
    out = Readings()
    for sentence in article.sentences:
        for lo, hi in sentence_clauses(sentence):
            text = article.text[lo:hi]
            kinds = _issues(sentence, text, issues) or (sentence.issues & issues)
            _read_clause(out, sentence, text, lo, hi, kinds, parties)
    return out


def _keep(key: str, parties: set[str]) -> bool:
    return key.removeprefix("public:") in parties


def _read_clause(
    out: Readings,
    sentence: Sentence,
    text: str,
    lo: int,
    hi: int,
    kinds: set[str],
    parties: set[str],
) -> None:
    for issue in kinds:
        plain = issue != "sequencing"
        for side, pattern in (
            ("demand", DEMAND if plain else SEQUENCE_DEMAND),
            ("defend", DEFEND if plain else SEQUENCE_DEFEND),
        ):
            for match in pattern.finditer(text):
                at = lo + match.start()
                mention = None
                if plain and side == "demand":  # "Japan's territorial claim"
                    mention = _mention_at(sentence, at, before=True)
                if plain and match.group().lower() == "part of":  # "part of Russia"
                    mention = _mention_at(sentence, lo + match.end(), before=False)
                mention = mention or clause_actor(sentence, lo, hi, at)
                if mention is not None and _keep(actor_key(mention), parties):
                    reading = Reading(actor_key(mention), issue, side, match.group(), sentence)
                    out.sides[(reading.actor, issue)].append(reading)
        for value, pattern in (("firm", FIRM), ("flexible", FLEXIBLE)):
            for match in pattern.finditer(text):
                mention = clause_actor(sentence, lo, hi, lo + match.start())
                if mention is not None and _keep(actor_key(mention), parties):
                    reading = Reading(actor_key(mention), issue, value, match.group(), sentence)
                    out.firmness[(reading.actor, issue)].append(reading)
    for match in MOTIVE.finditer(text):
        words = _motive_words(text, match.start())
        if BOTH.search(text):
            actors = sorted(parties)
        else:
            mention = clause_actor(sentence, lo, hi, lo + match.start())
            actors = [mention.key] if mention is not None and mention.kind != "public" else []
        for actor in actors:
            if actor in parties and all(r.sentence is not sentence for r in out.motives[actor]):
                out.motives[actor].append(Reading(actor, "", words, match.group(), sentence))


def _motive_words(text: str, at: int) -> str:
    """The motive in the article's words: the comma-delimited part holding the cue at ``at``."""
    start = max(text.rfind(mark, 0, at) for mark in ",;:") + 1
    words = re.split(r"[,;.:]", text[start:], maxsplit=1)[0].strip()
    return words if len(words) <= 120 else words[:117].rsplit(" ", 1)[0] + "..."
