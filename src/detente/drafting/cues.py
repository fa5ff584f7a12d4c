"""The word lists of the drafter: issues, sides, firmness, motives and dated events.

Every cue is a regular expression over one clause of a sentence. The lists follow the
vocabulary the issue names for news commentary on negotiations ("insisted", "refuses",
"impossible to make concessions", "strongly opposed by the public", "will not give up",
"both want", "hopes to", "will be remembered by history") and Putnam's (1988) two-level
reading of it: a *side* says which end of an issue an actor stands at, *firmness* how
little it would accept (its win-set), a *motive* what it gains from an agreement.
"""

from __future__ import annotations

import re

__all__ = [
    "DEFEND",
    "DEMAND",
    "FIRM",
    "FLEXIBLE",
    "ISSUE_KINDS",
    "ISSUE_NAMES",
    "MEDIATOR",
    "MOTIVE",
    "NEGOTIATION",
    "SEQUENCE_DEFEND",
    "SEQUENCE_DEMAND",
    "clauses",
    "event_kind",
]


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.IGNORECASE)


NEGOTIATION = _words(
    r"negotiat\w*",
    r"treat(?:y|ies)",
    r"agreements?",
    r"deals?",
    r"talks",
    r"accords?",
    r"ceasefire",
    r"truce",
    r"concessions?",
    r"compromise",
    r"summit",
)

# the disputed issues; "sequencing" is found from its own cues below
ISSUE_KINDS: dict[str, re.Pattern[str]] = {
    "territory": _words(r"territor\w*", r"islands?", r"borders?", r"boundar\w+", r"sovereignty"),
    "trade": _words(r"tariffs?", r"quotas?", r"market access", r"import duties"),
    "water": _words(r"water", r"river flow", r"dams?", r"dry-season flow"),
    "fisheries": _words(r"fish\w*", r"catch(?:es)?", r"catch limits?", r"fleets?"),
    "nuclear": _words(r"nuclear", r"enrichment", r"uranium", r"centrifuges?"),
    "troops": _words(r"troops", r"withdraw\w*", r"demilitari\w+"),
    "money": _words(r"debts?", r"reparations", r"compensation", r"contributions?"),
    "sanctions": _words(r"sanctions"),
}
ISSUE_NAMES = {
    "territory": "Territorial settlement",
    "trade": "Tariffs and market access",
    "water": "Water sharing",
    "fisheries": "Fishing rights",
    "nuclear": "Limits on the nuclear programme",
    "troops": "Withdrawal of troops",
    "money": "Payments",
    "sanctions": "Sanctions relief",
    "sequencing": "Sequence",
}

# sides: the demandeur asks for change (scale end 0), the defender keeps what is (100)
DEMAND = _words(
    r"claims?",
    r"demand(?:s|ed|ing)?",
    r"seeks?",
    r"sought",
    r"calls? for",
    r"called for",
    r"wants? (?:back|the return)",
    r"asks? for",
    r"asked for",
    r"pressing for",
    r"insists? on",
    r"insisted on",
)
DEFEND = _words(
    r"refuses?",
    r"refused",
    r"rejects?",
    r"rejected",
    r"part of",
    r"no (?:territorial )?dispute",
    r"maintains?",
    r"maintained",
    r"(?<!back )controls?",
    r"opposes",
    r"will not (?:accept|cut|lift|return|hand over)",
)
SEQUENCE_DEMAND = _words(r"until", r"only (?:be \w+ )?after", r"precondition", r"prerequisite")
SEQUENCE_DEFEND = _words(
    r"detached", r"separately", r"delink\w*", r"without (?:mentioning|linking)"
)

FIRM = _words(
    r"insist(?:s|ed)?",
    r"refus(?:es|ed|e)",
    r"reject(?:s|ed)?",
    r"impossible",
    r"will not give up",
    r"won't give up",
    r"never",
    r"ruled? out",
    r"red lines?",
    r"strongly oppos\w+",
    r"non-negotiable",
    r"not negotiable",
    r"under no circumstances",
    r"walk away",
)
_GIVE = r"(?:compromise|make concessions|accept|consider|discuss)"
FLEXIBLE = _words(
    rf"willing to {_GIVE}",
    rf"ready to {_GIVE}",
    rf"prepared to {_GIVE}",
    r"open to (?:a )?(?:compromise|concessions)",
    r"flexib\w+",
    r"could accept",
    r"would accept",
)
# the party doing the mediating, not one that talks about mediation ("rejects mediation")
MEDIATOR = _words(
    r"mediat(?:es|ed|ing|ors?)", r"brokers?", r"brokered", r"host(?:s|ed|ing)? the talks"
)
MOTIVE = _words(
    r"hopes? to",
    r"hoping to",
    r"wants? to",
    r"seeks? to",
    r"aims? to",
    r"remembered by history",
    r"urgent need to",
    r"keen to",
    r"eager to",
    r"(?:needs?|wants?) (?:the|a|an) (?:deal|agreement|treaty)",
)

_TERM = re.compile(
    r"\b(?:term|presidency|tenure|mandate)\b.{0,40}\b(?:ends?|expires?|runs? out)\b"
    r"|\b(?:end|expiry) of (?:his|her|the) (?:term|presidency|tenure|mandate)\b",
    re.IGNORECASE,
)
_ELECTION = _words(r"elections?", r"polls", r"referendum", r"vote")
_DEADLINE = _words(r"before", r"by", r"deadline", r"no later than", r"within", r"expires?")

_CLAUSE_BREAK = re.compile(r",\s*(?:while|whereas|but|and)\s+|;\s*")


def clauses(text: str) -> list[tuple[int, int]]:
    """Split a sentence into clauses at ", while", ", whereas", ", but", ", and" and ";"."""
    out, at = [], 0
    for match in _CLAUSE_BREAK.finditer(text):
        out.append((at, match.start()))
        at = match.end()
    out.append((at, len(text)))
    return out


def event_kind(text: str) -> str | None:
    """What a future date in ``text`` is: "term_end", "election", "deadline" or None."""
    if _TERM.search(text):
        return "term_end"
    if _ELECTION.search(text):
        return "election"
    if _DEADLINE.search(text):
        return "deadline"
    return None
