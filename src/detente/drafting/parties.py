"""The actors and signatory entries of a draft: a government per party and its public.

Each party at the table becomes a signatory (Putnam's level I) with its leader when
the article names one; each state's public becomes its ratifier (level II), named with
the legislature when the article mentions it. Positions follow the side cues,
saliences and win-set bounds the firmness cues, capabilities are never in the text.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from typing import Any

from detente.drafting.evidence import (
    ACCEPTS,
    CAPABILITY,
    MOTIVE_WEIGHT,
    POSITION,
    SALIENCE_FIRM,
    SALIENCE_SIDE,
    WIDEST,
    Recorder,
)
from detente.drafting.extract import Article, Sentence
from detente.drafting.gazetteer import Party
from detente.drafting.sides import Reading, Readings

__all__ = ["Context", "party_entries"]

Side = tuple[str, Reading, bool]  # (side, reading, inferred?)


def _firmness(readings: Readings, actor: str, kind: str) -> Reading | None:
    """The majority of the firmness cues; as many firm as flexible ones is "mixed"."""
    votes = readings.firmness.get((actor, kind), [])
    if not votes:
        return None
    firm = [r for r in votes if r.value == "firm"]
    flexible = [r for r in votes if r.value == "flexible"]
    if len(firm) == len(flexible):
        return dataclasses.replace(firm[0], value="mixed")
    return firm[0] if len(firm) > len(flexible) else flexible[0]


def _stance(draft: Recorder, path: str, side: Side | None, firm: Reading | None) -> dict[str, Any]:
    if side is None:
        draft.cite(f"{path}.position", "0-100 (no side found)", None)
        position: dict[str, Any] = dict(WIDEST)
    else:
        value, reading, inferred = side
        position = dict(POSITION[value])
        why = (
            f"Inferred: the other party to the dispute, opposite the side of {reading.cue!r}."
            if inferred
            else f"Drafted: {reading.cue!r} read as the {value} side of the issue."
        )
        draft.cite(f"{path}.position", f"{value} side", reading.sentence, why)
    if firm is not None and firm.value == "firm":
        salience: dict[str, Any] = dict(SALIENCE_FIRM)
        draft.cite(
            f"{path}.salience",
            "high (firm)",
            firm.sentence,
            f"Drafted: {firm.cue!r} read as a high salience; the range is wide.",
        )
    elif side is not None and not side[2]:
        salience = dict(SALIENCE_SIDE)
        draft.cite(
            f"{path}.salience",
            "medium",
            side[1].sentence,
            "Drafted: the actor takes a side, so the issue matters to it; the range is wide.",
        )
    else:
        salience = dict(WIDEST)
        draft.cite(f"{path}.salience", "0-100", None)
    return {"position": position, "salience": salience}


def _accepts(
    draft: Recorder, path: str, side: Side | None, firm: Reading | None
) -> list[Any] | None:
    if side is None or firm is None or firm.value == "mixed":
        return None
    bounds = ACCEPTS[(side[0], firm.value)]
    half = "only its own half of the scale" if firm.value == "firm" else "most of the scale"
    draft.cite(
        path,
        f"{firm.value}: {_show(bounds[0])} to {_show(bounds[1])}",
        firm.sentence,
        f"Drafted: {firm.cue!r} read as accepting {half}; the bound is a wide range, set by "
        "the analyst.",
    )
    return copy.deepcopy(bounds)


@dataclasses.dataclass(frozen=True)
class Context:
    """What every party's entries are drafted from."""

    draft: Recorder
    article: Article
    kinds: list[str]
    sides: dict[tuple[str, str], Side]
    readings: Readings
    term_ends: dict[str, tuple[dt.date, Sentence]]


def party_entries(
    context: Context, party: Party, actor_id: str
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]:
    """The government actor, its signatory entry and its public (ratifier) actor."""
    draft, article, kinds = context.draft, context.article, context.kinds
    sides, readings, term_ends = context.sides, context.readings, context.term_ends
    leader = article.leaders.get(party.key)
    who = party.demonym or party.name
    name = f"{who} government" if party.kind == "state" else party.name
    if leader is not None:
        name += f" ({leader[1]} {leader[0]})" if leader[1] else f" ({leader[0]})"
    actor: dict[str, Any] = {"id": actor_id, "name": name, "capability": dict(CAPABILITY)}
    draft.cite(f"actors.{actor_id}.capability", "0.1-2 (equal for every actor)", None)
    actor["stances"] = {}
    accepts: dict[str, Any] = {}
    for kind in kinds:
        side = sides.get((party.key, kind))
        firm = _firmness(readings, party.key, kind)
        base = f"actors.{actor_id}.stances.{kind}"
        actor["stances"][kind] = _stance(draft, base, side, firm)
        bounds = _accepts(draft, f"agreement.signatories.{actor_id}.accepts.{kind}", side, firm)
        if bounds is not None:
            accepts[kind] = bounds
    motives = []
    for number, reading in enumerate(readings.motives.get(party.key, []), start=1):
        motive_id = f"motive_{number}"
        motives.append(
            {"id": motive_id, "description": reading.value, "weight": dict(MOTIVE_WEIGHT)}
        )
        draft.cite(
            f"actors.{actor_id}.motives.{motive_id}",
            reading.value,
            reading.sentence,
            "Drafted: the motive in the article's words; its weight is the widest range.",
        )
    if motives:
        actor["motives"] = motives
    signatory: dict[str, Any] = {"actor": actor_id}
    if leader is not None:
        signatory["leader"] = {"name": leader[0]}
        draft.cite(f"agreement.signatories.{actor_id}.leader", leader[0], leader[2])
        if party.key in term_ends:
            day, sentence = term_ends[party.key]
            signatory["leader"]["term_ends"] = day.isoformat()
            draft.cite(
                f"agreement.signatories.{actor_id}.leader.term_ends",
                day.isoformat(),
                sentence,
                "Drafted: the term end the article names, resolved to the last day of the "
                "period it gives.",
            )
    if accepts:
        signatory["accepts"] = accepts
    public = None
    if party.kind == "state" and party.demonym:
        public, ratifier = _public(context, party, actor_id, accepts)
        signatory["ratifiers"] = [ratifier]
    return actor, signatory, public


def _public(
    context: Context, party: Party, actor_id: str, bounded: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The state's public (and legislature, when named) as the ratifier of its government.

    Where the article bounds the government's win-set (``bounded``, by issue) but says
    nothing of what the public accepts, the public is *inferred* to accept what its
    government does: a public the text does not describe is not taken to free a leader
    who concedes (Putnam's level II left as constraining as level I, never looser).
    """
    draft, article, kinds = context.draft, context.article, context.kinds
    sides, readings = context.sides, context.readings
    key = f"public:{party.key}"
    public_id = f"{actor_id}_public" if not party.demonym else f"{party.demonym.lower()}_public"
    public_id = public_id.replace(" ", "_")
    named = [
        m
        for s in article.sentences
        for m in s.mentions
        if m.key == party.key and m.kind in {"public", "legislature"}
    ]
    legislatures = list(dict.fromkeys(m.text for m in named if m.kind == "legislature"))
    name = f"{party.demonym} public" + (f" and the {legislatures[0]}" if legislatures else "")
    actor: dict[str, Any] = {"id": public_id, "name": name, "capability": dict(CAPABILITY)}
    draft.cite(f"actors.{public_id}.capability", "0.1-2 (equal for every actor)", None)
    actor["stances"] = {}
    accepts: dict[str, Any] = {}
    for kind in kinds:
        firm = _firmness(readings, key, kind)
        own = readings.sides.get((key, kind))
        side: Side | None = (own[0].value, own[0], False) if own else None
        if side is None and firm is not None and "concession" in firm.sentence.text.lower():
            government = sides.get((party.key, kind))
            if government is not None:  # opposing concessions by its own government
                side = (government[0], firm, False)
        base = f"actors.{public_id}.stances.{kind}"
        actor["stances"][kind] = _stance(draft, base, side, firm)
        path = f"agreement.signatories.{actor_id}.ratifiers.{public_id}.accepts.{kind}"
        bounds = _accepts(draft, path, side, firm)
        if bounds is None and kind in bounded:
            bounds = copy.deepcopy(bounded[kind])
            draft.cite(
                path,
                f"as its government: {_show(bounds[0])} to {_show(bounds[1])}",
                None,
                f"Inferred: the article does not say what the {name} accepts; taken to "
                "accept what its government accepts, so a leader's concession does not "
                "widen the win-set. Set by the analyst.",
            )
        if bounds is not None:
            accepts[kind] = bounds
    ratifier: dict[str, Any] = {"actor": public_id}
    if accepts:
        ratifier["accepts"] = accepts
    return actor, ratifier


def _show(value: Any) -> str:
    """A bound for the summary: 35, or the range 20-35-50 (low-mode-high)."""
    if isinstance(value, dict):
        return f"{value['low']}-{value['mode']}-{value['high']}"
    return str(value)
