"""Find the pieces of a negotiation in an article: sentences, mentions and cues.

The output is a flat record of what the text says, sentence by sentence, with
character offsets into the article so every quote is an exact substring. Turning it
into a scenario (and deciding what is *not* said) is :mod:`detente.drafting.build`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from detente.drafting.cues import ISSUE_KINDS, MEDIATOR, NEGOTIATION, clauses
from detente.drafting.dates import MONTHS, resolve_date
from detente.drafting.gazetteer import load_gazetteer
from detente.drafting.pipeline import build_pipeline

__all__ = ["Article", "Mention", "Sentence", "read_article"]

AGREEMENT_WORDS = {"treaty", "agreement", "deal", "accord", "ceasefire", "truce", "pact"}
AGREEMENT_WORDS |= {"armistice", "settlement", "compact", "convention"}
SKIP_COMPOUND = {"a", "an", "the", "this", "that", "such", "any", "no", "its", "their", "his"}


@dataclass(frozen=True)
class Mention:
    """One mention in a sentence: ``kind`` is party, public, legislature or leader."""

    kind: str
    key: str  # the party key (ISO code or organisation key)
    start: int  # character offset in the article
    text: str


@dataclass
class Sentence:
    """A sentence with its offsets in the article and what it mentions."""

    index: int
    start: int
    end: int
    text: str
    mentions: list[Mention] = field(default_factory=list)
    dates: list[tuple[str, int]] = field(default_factory=list)  # (expression, offset)
    places: list[str] = field(default_factory=list)
    settlements: list[str] = field(default_factory=list)
    issues: set[str] = field(default_factory=set)
    proper: list[str] = field(default_factory=list)  # title-case words outside any entity


@dataclass
class Article:
    """The article cut into sentences, with its leaders and agreement words."""

    text: str
    sentences: list[Sentence]
    leaders: dict[str, tuple[str, str, Sentence]]  # key -> (name, office, sentence)
    agreement_terms: Counter[str]
    date: dt.date | None
    date_sentence: Sentence | None

    def parties_near_negotiation(self) -> Counter[str]:
        """Sentences about the negotiation or its issues that mention each party.

        A party named as the mediator ("The African Union, which mediates the talks")
        is left out: it does not sign.
        """
        counts: Counter[str] = Counter()
        mediators: set[str] = set()
        for sentence in self.sentences:
            if NEGOTIATION.search(sentence.text) or sentence.issues:
                counts.update({m.key for m in sentence.mentions if m.kind != "legislature"})
            for lo, hi in sentence_clauses(sentence):
                if MEDIATOR.search(self.text[lo:hi]):
                    actor = clause_actor(sentence, lo, hi)
                    mediators |= {actor.key} if actor is not None else set()
        return Counter({key: n for key, n in counts.items() if key not in mediators})


def read_article(text: str, date: dt.date | None = None) -> Article:
    """Cut ``text`` into sentences and mark the mentions, dates, places and issues.

    ``date`` overrides the article's own date; without it the first full date in the
    first three lines (the byline, e.g. "Published: 2018/9/17") is taken.
    """
    nlp = build_pipeline()
    gazetteer = load_gazetteer()
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]
    sentences: list[Sentence] = []
    leaders: dict[str, tuple[str, str, Sentence]] = {}
    terms: Counter[str] = Counter()
    for (offset, _line), doc in zip(lines, nlp.pipe(line for _, line in lines), strict=True):
        for span in doc.sents:
            raw = span.text
            start = offset + span.start_char + (len(raw) - len(raw.lstrip()))
            sentence = Sentence(len(sentences), start, start + len(raw.strip()), raw.strip())
            for ent in span.ents:
                at = offset + ent.start_char
                if ent.label_ in {"PARTY", "NORP"}:
                    sentence.mentions.append(Mention("party", ent.ent_id_, at, ent.text))
                elif ent.label_ in {"PUBLIC", "LEGISLATURE"}:
                    sentence.mentions.append(Mention(ent.label_.lower(), ent.ent_id_, at, ent.text))
                elif ent.label_ == "LEADER":
                    sentence.mentions.append(Mention("leader", ent.ent_id_, at, ent.text))
                    name, office = _leader_name(ent.text, gazetteer.offices)
                    leaders.setdefault(ent.ent_id_, (name, office, sentence))
                elif ent.label_ == "DATE":
                    sentence.dates.append((ent.text, at))
                elif ent.label_ == "PLACE":
                    sentence.places.append(ent.text)
                elif ent.label_ == "SETTLEMENT":
                    sentence.settlements.append(ent.text)
            sentence.proper = [
                t.text
                for t in span
                if t.is_title and t.is_alpha and len(t) > 2 and not t.is_sent_start
                if not t.ent_type_ and t.lower_ not in MONTHS
            ]
            terms.update(_agreement_terms(span))
            sentences.append(sentence)
    _add_surnames(sentences, leaders)
    for sentence in sentences:
        sentence.issues = {
            kind for kind, pattern in ISSUE_KINDS.items() if pattern.search(sentence.text)
        }
        if sentence.places:
            sentence.issues.add("territory")
        sentence.mentions.sort(key=lambda m: m.start)
    _add_named_places(sentences, leaders)
    article_date, date_sentence = date, None
    if article_date is None:
        article_date, date_sentence = _byline_date(sentences[:3])
    return Article(text, sentences, leaders, terms, article_date, date_sentence)


def _add_named_places(
    sentences: list[Sentence], leaders: dict[str, tuple[str, str, Sentence]]
) -> None:
    """A proper name the gazetteer does not know ("Kashmir") that stands in a sentence
    about territory and is named in two sentences or more is taken as the disputed place:
    every sentence naming it is about the territory issue."""
    surnames = {name.split()[-1] for name, _office, _sentence in leaders.values()}
    counts = Counter(word for s in sentences for word in set(s.proper))
    places = {
        word
        for s in sentences
        if "territory" in s.issues
        for word in s.proper
        if counts[word] >= 2 and word not in surnames
    }
    for sentence in sentences:
        named = [word for word in sorted(places) if word in sentence.proper]
        if named:
            sentence.issues.add("territory")
            sentence.places += [word for word in named if word not in sentence.places]


def _leader_name(text: str, offices: tuple[str, ...]) -> tuple[str, str]:
    for office in sorted(offices, key=len, reverse=True):
        if f" {office} " in f" {text} ":
            name = text.split(f"{office} ", 1)[1].strip()
            return name.rsplit(" of ", 1)[0] if " of " in name else name, office
    return text, ""


def _add_surnames(sentences: list[Sentence], leaders: dict[str, tuple[str, str, Sentence]]) -> None:
    """Later mentions of a leader by surname alone ("Putin", "Abe's") name the leader's side."""
    for key, (name, _office, _sentence) in leaders.items():
        surname = name.split()[-1]
        pattern = re.compile(rf"\b{re.escape(surname)}\b")
        for sentence in sentences:
            taken = {m.start for m in sentence.mentions}
            for match in pattern.finditer(sentence.text):
                at = sentence.start + match.start()
                inside = any(m.start <= at < m.start + len(m.text) for m in sentence.mentions)
                if not inside and at not in taken:
                    sentence.mentions.append(Mention("leader", key, at, surname))


def _agreement_terms(span: object) -> Counter[str]:
    """'peace treaty', 'water-sharing treaty', 'trade deal': the agreement words used."""
    found: Counter[str] = Counter()
    tokens = list(span)  # type: ignore[call-overload]
    for i, token in enumerate(tokens):
        if token.lower_ not in AGREEMENT_WORDS:
            continue
        words = [token.lower_]
        j = i - 1
        compound = j >= 0 and tokens[j].is_lower and tokens[j].is_alpha
        if compound and tokens[j].lower_ not in SKIP_COMPOUND and tokens[j].lower_[-2:] != "ed":
            words.insert(0, tokens[j].lower_)
            if j >= 2 and tokens[j - 1].text == "-" and tokens[j - 2].is_alpha:
                words[0] = f"{tokens[j - 2].lower_}-{words[0]}"
        found[" ".join(words)] += 1
    return found


def _byline_date(head: list[Sentence]) -> tuple[dt.date | None, Sentence | None]:
    for sentence in head:
        for expression, _ in sentence.dates:
            if not re.search(r"\d{4}", expression):
                continue  # a byline date must be absolute ("Monday" would depend on today)
            resolved = resolve_date(expression, dt.date(2000, 1, 1))
            if resolved is not None and resolved[1] == "day":
                return resolved[0], sentence
    return None, None


def clause_actor(sentence: Sentence, lo: int, hi: int, cue_at: int | None = None) -> Mention | None:
    """The actor of a clause ``[lo, hi)`` (offsets in the article).

    Without a parser, the subject is taken as the first actor the clause names, except in
    the passive "... opposed by the Russian public", where it is the actor after "by".
    """
    inside = [m for m in sentence.mentions if lo <= m.start < hi]
    if not inside:
        return None
    if cue_at is not None:
        after = sentence.text[cue_at - sentence.start : hi - sentence.start]
        by = re.match(r"^\w+(?: \w+)? by ", after)
        if by:
            following = [m for m in inside if m.start >= cue_at]
            if following:
                return following[0]
    return inside[0]


def sentence_clauses(sentence: Sentence) -> list[tuple[int, int]]:
    """The clauses of a sentence as article offsets (see :func:`cues.clauses`)."""
    return [(sentence.start + a, sentence.start + b) for a, b in clauses(sentence.text)]
