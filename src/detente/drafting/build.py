"""Turn what an article says into a ``detente/1`` scenario document with evidence.

Conventions of a draft (docs/drafting.md):

- Every issue's scale runs from 0, the demandeur's full demand (the side asking for
  change), to 100, the defender's position (the side keeping what is); the status quo
  is 100 when a defender is found.
- Every number is a wide triangular range. Where a cue supports it the range leans to the
  cue's side; where the text says nothing the range is the widest the field allows and
  the evidence says ``not in the source; set by the analyst``.
- One evidence entry per drafted value, quoting the exact sentence (a substring of the
  article) it rests on, with the article as the source.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from detente.drafting.cues import ISSUE_NAMES, NEGOTIATION, SEQUENCE_DEFEND, SEQUENCE_DEMAND
from detente.drafting.dates import resolve_date
from detente.drafting.evidence import OTHER, Finding, Recorder
from detente.drafting.extract import Article, Sentence, clause_actor, sentence_clauses
from detente.drafting.gazetteer import Party, load_gazetteer
from detente.drafting.parties import Context, party_entries
from detente.drafting.sides import Readings, read_sides
from detente.errors import DetenteError

__all__ = ["build_document"]


def _possessive(name: str) -> str:
    """'Japan's', but 'United States'' (the English possessive of a name ending in s)."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _signatories(article: Article) -> list[str]:
    """Parties in two sentences or more about the talks, at least half as often as the second."""
    counts = article.parties_near_negotiation()
    ranked = [key for key, n in counts.most_common() if n >= 2]
    if len(ranked) < 2:
        return ranked
    second = counts[ranked[1]]
    return [key for key in ranked if counts[key] * 2 >= second]


def _about_sequence(sentence: Sentence, kinds: set[str]) -> bool:
    """Does the sentence say the agreement must wait for (or be detached from) an issue?"""
    marked = SEQUENCE_DEMAND.search(sentence.text) or SEQUENCE_DEFEND.search(sentence.text)
    return bool(marked and NEGOTIATION.search(sentence.text) and sentence.issues & kinds)


def _issues(article: Article) -> list[str]:
    """Issue kinds named in two sentences or more, and sequencing when a sentence says so."""
    counts: dict[str, int] = {}
    for sentence in article.sentences:
        for kind in sentence.issues:
            counts[kind] = counts.get(kind, 0) + 1
    kinds = [kind for kind in ISSUE_NAMES if counts.get(kind, 0) >= 2]
    if any(_about_sequence(s, set(kinds)) for s in article.sentences):
        kinds.append("sequencing")
    return kinds


def build_document(
    article: Article,
    *,
    name: str,
    source: dict[str, Any],
) -> tuple[dict[str, Any], list[Finding]]:
    """The scenario document drafted from ``article`` and the findings for the summary.

    Raises
    ------
    DetenteError
        When the article has no date, or does not look like a negotiation (fewer than
        two parties named in sentences about an agreement, or no disputed issue).
    """
    if article.date is None:
        raise DetenteError(
            f"{name}: no date found in the article's first lines; give it with --date YYYY-MM-DD"
        )
    gazetteer = load_gazetteer()
    keys = _signatories(article)
    kinds = _issues(article)
    talks = sum(1 for s in article.sentences if NEGOTIATION.search(s.text))
    if len(keys) < 2 or not kinds or talks < 2:
        found = ", ".join(gazetteer.parties[k].name for k in keys) or "none"
        raise DetenteError(
            f"{name}: this does not look like a negotiation ({len(keys)} parties named twice "
            f"about the talks or their issues [{found}], {talks} sentences about an "
            f"agreement, {len(kinds)} disputed issues; need 2, 2 and 1); nothing drafted"
        )
    parties = [gazetteer.parties[k] for k in keys]
    readings = read_sides(article, set(kinds), set(keys))
    draft = Recorder(article, source["id"])
    as_of = article.date
    if article.date_sentence is not None:
        draft.cite("as_of", as_of.isoformat(), article.date_sentence)
    else:
        draft.cite(
            "as_of",
            as_of.isoformat(),
            None,
            "The article's date, given with --date.",
            status="given",
        )
    sides = _sides(readings, keys, kinds)
    ids = {p.key: _slug(p.name) for p in parties}
    agreement_name, agreement_sentence = _agreement_name(article, parties)
    dates, leaders = _dates(draft, article, parties, as_of)
    horizon = _horizon(draft, as_of, dates)
    issues = [_issue(draft, kind, sides, parties, agreement_name, article) for kind in kinds]
    actors, signatories = [], []
    context = Context(draft, article, kinds, sides, readings, leaders)
    for party in parties:
        actor, signatory, ratifier_actor = party_entries(context, party, ids[party.key])
        actors.append(actor)
        if ratifier_actor is not None:
            actors.append(ratifier_actor)
        signatories.append(signatory)
    draft.cite("agreement.name", agreement_name, agreement_sentence)
    document: dict[str, Any] = {
        "schema": "detente/1",
        "title": f"{agreement_name} (drafted from the article of {as_of.isoformat()})",
        "description": (
            f"Drafted by `detente draft` from {source['title']!r}. Every number is a wide "
            "range drafted from the article's wording or the widest default; an analyst "
            "must check each one against the evidence entries."
        ),
        "as_of": as_of.isoformat(),
        "horizon": horizon.isoformat(),
        "salience_scale": 100,
        "sources": [source],
        "issues": issues,
        "actors": actors,
        "agreement": {"name": agreement_name, "signatories": signatories},
    }
    if dates:
        document["dates"] = [{"date": d.isoformat(), "label": label} for d, label, _ in dates]
    document["evidence"] = draft.evidence
    return document, draft.findings


def _sides(readings: Readings, keys: list[str], kinds: list[str]) -> dict[tuple[str, str], Any]:
    """(actor, issue) -> (side, reading, inferred?) by majority of the side cues."""
    out: dict[tuple[str, str], Any] = {}
    for kind in kinds:
        for key in keys:
            votes = readings.sides.get((key, kind), [])
            demand = [r for r in votes if r.value == "demand"]
            defend = [r for r in votes if r.value == "defend"]
            if len(demand) != len(defend):
                chosen = demand if len(demand) > len(defend) else defend
                out[(key, kind)] = (chosen[0].value, chosen[0], False)
        known = [k for k in keys if (k, kind) in out]
        if len(keys) == 2 and len(known) == 1:
            other = next(k for k in keys if k not in known)
            side, reading, _ = out[(known[0], kind)]
            out[(other, kind)] = (OTHER[side], reading, True)
    return out


def _agreement_name(article: Article, parties: list[Party]) -> tuple[str, Sentence | None]:
    terms = article.agreement_terms
    heads: dict[str, int] = {}
    for found, count in terms.items():
        heads[found.split()[-1]] = heads.get(found.split()[-1], 0) + count
    term = "agreement"
    if heads:  # the commonest word for the agreement, with its commonest qualifier
        head = max(heads, key=lambda h: (heads[h], h))
        named = [t for t in terms if t.split()[-1] == head]
        term = max(named, key=lambda t: (terms[t] * (" " in t), terms[t], t))
    names = [p.name for p in parties]
    joined = (
        " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 2 else " and ".join(names)
    )
    pattern = re.compile(rf"\b{re.escape(term)}\b", re.I)
    sentence = next((s for s in article.sentences if pattern.search(s.text)), None)
    return f"{term[0].upper()}{term[1:]} between {joined}", sentence


def _dates(
    draft: Recorder, article: Article, parties: list[Party], as_of: dt.date
) -> tuple[list[tuple[dt.date, str, Sentence]], dict[str, tuple[dt.date, Sentence]]]:
    from detente.drafting.cues import event_kind

    keys = {p.key: p for p in parties}
    found: dict[dt.date, tuple[str, Sentence]] = {}
    term_ends: dict[str, tuple[dt.date, Sentence]] = {}
    for sentence in article.sentences:
        for expression, at in sentence.dates:
            resolved = resolve_date(expression, as_of)
            if resolved is None or resolved[0] <= as_of:
                continue
            day, precision = resolved
            kind = event_kind(sentence.text)
            who = next((m for m in sentence.mentions if m.key in keys), None)
            if kind is None or day in found:
                continue
            if kind == "term_end" and who is not None and who.key in article.leaders:
                leader = article.leaders[who.key][0]
                label = f"End of {_possessive(leader)} term"
                term_ends.setdefault(who.key, (day, sentence))
            elif kind == "election":
                demonym = keys[who.key].demonym if who is not None else None
                label = f"{demonym} election" if demonym else "Election"
            elif kind == "deadline":
                label = _deadline_label(article, sentence, expression, at)
            else:
                label = f"Term end named in the article: {expression!r}"
            found[day] = (label, sentence)
            note = "" if precision == "day" else _precision_note(expression, precision)
            draft.cite(f"dates.{day.isoformat()}", f"{day.isoformat()} ({label})", sentence, note)
    dates = sorted((day, label, sentence) for day, (label, sentence) in found.items())
    return dates, term_ends


PROPOSE = re.compile(r"\b(?:suggest\w*|propos\w*|offer\w*|asked|urged|call(?:s|ed)? for)\b")
DEADLINE_WORD = re.compile(r"\b(before|by|until|no later than)\s+$")


def _deadline_label(article: Article, sentence: Sentence, expression: str, at: int) -> str:
    """'Deadline proposed by Vladimir Putin: "before the end of the year"' and the like."""
    word = DEADLINE_WORD.search(sentence.text[: at - sentence.start])
    phrase = f"{word.group(1)} {expression}" if word else expression
    lo, hi = next((a, b) for a, b in sentence_clauses(sentence) if a <= at < b)
    proposal = PROPOSE.search(article.text[lo:hi])
    who = clause_actor(sentence, lo, lo + proposal.start()) if proposal else None
    if who is None:
        return f"Deadline: {phrase!r}"
    if who.kind == "leader" and who.key in article.leaders:
        name = article.leaders[who.key][0]
    else:
        name = load_gazetteer().parties[who.key].name
    return f"Deadline proposed by {name}: {phrase!r}"


def _precision_note(expression: str, precision: str) -> str:
    return (
        f"The article gives only the {precision} ({expression!r}); the draft takes its "
        "last day. Set the exact day if it is known."
    )


def _horizon(
    draft: Recorder, as_of: dt.date, dates: list[tuple[dt.date, str, Sentence]]
) -> dt.date:
    if dates:
        horizon = dt.date(dates[-1][0].year + 1, 12, 31)
        why = "the end of the year after the last date the article names"
    else:
        horizon = dt.date(as_of.year + 2, 12, 31)
        why = "two calendar years after the article, as it names no later date"
    draft.cite("horizon", horizon.isoformat(), None, f"Drafting rule: {why}; set by the analyst.")
    return horizon


def _issue(
    draft: Recorder,
    kind: str,
    sides: dict[tuple[str, str], Any],
    parties: list[Party],
    agreement: str,
    article: Article,
) -> dict[str, Any]:
    demandeur = next(
        (p.name for p in parties if sides.get((p.key, kind), ("",))[0] == "demand"), None
    )
    defender = next(
        (p.name for p in parties if sides.get((p.key, kind), ("",))[0] == "defend"), None
    )
    mentions = [s for s in article.sentences if kind in s.issues]
    places = list(dict.fromkeys(p for s in mentions for p in s.places))
    settlements = list(dict.fromkeys(x for s in article.sentences for x in s.settlements))
    name = ISSUE_NAMES[kind] + (f" ({' / '.join(places)})" if places else "")
    if kind == "sequencing":
        name = f"Sequence of the {agreement.split(' between ')[0].lower()} and the other issues"
        anchors = {0: "no agreement until the other issues are settled", 50: "concluded together"}
        anchors[100] = "agreement first, the other issues detached"
    else:
        anchors = {
            0: f"{_possessive(demandeur)} demand met in full"
            if demandeur
            else "the demand for change met in full",
            100: f"{_possessive(defender)} position kept (no change)" if defender else "no change",
        }
        if settlements and kind == "territory":
            anchors[50] = f"{settlements[0]} (placed at the middle by default)"
    anchors = dict(sorted(anchors.items()))
    issue: dict[str, Any] = {"id": kind, "name": name, "scale": [0, 100], "anchors": anchors}
    first = next(
        (
            s
            for s in article.sentences
            if kind in s.issues or (kind == "sequencing" and _about_sequence(s, set(ISSUE_NAMES)))
        ),
        None,
    )
    draft.cite(
        f"issues.{kind}",
        name,
        first,
        "Drafting convention: 0 is the demandeur's full demand, 100 the defender's "
        "position; the anchors are labels, not measurements.",
    )
    defending = next(
        (sides[(p.key, kind)] for p in parties if sides.get((p.key, kind), ("",))[0] == "defend"),
        None,
    )
    if kind != "sequencing" and defending is not None and not defending[2]:
        issue["status_quo"] = 100
        draft.cite(
            f"issues.{kind}.status_quo",
            "100 (the defender's position)",
            defending[1].sentence,
            f"Drafted: {defending[1].cue!r} read as holding what is now; the status quo is "
            "the defender's end of the scale.",
        )
    return issue
