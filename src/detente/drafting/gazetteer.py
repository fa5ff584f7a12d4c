"""The drafting gazetteer: states, demonyms, capitals, leaders' offices, legislatures.

Country names come from ``pycountry`` (ISO 3166-1: ``name``, ``common_name`` and
``official_name`` of every state); demonyms, capitals, legislatures, organisations and
offices from the curated ``data/gazetteer.yaml`` shipped with the package, whose header
names its sources (The World Factbook's nationality, capital, legislative-branch and
executive-branch fields). Nothing is fetched at run time.

The gazetteer is turned into spaCy ``EntityRuler`` token patterns (Honnibal et al.,
spaCy 3, "Rule-based entity recognition"): every pattern carries the party's key as its
``id``, so a mention of "Moscow", "Russian" or "Russia" resolves to the same party.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

__all__ = ["Gazetteer", "Party", "load_gazetteer"]

# legislatures' names shared by several states ("Congress" alone is the US Congress)
GENERIC_LEGISLATURES = {"Parliament", "Senate", "Assembly", "National Assembly"}
GENERIC_LEGISLATURES |= {"National Congress", "House of Representatives"}

# words that follow a demonym to name a state's public (Putnam's level-II constituency)
PUBLIC_WORDS = ("public", "people", "voters", "electorate", "nationalists", "opposition")


@dataclass(frozen=True)
class Party:
    """A state or organisation that can sit at the table.

    ``key`` is the ISO 3166-1 alpha-2 code of a state or the curated key of an
    organisation; ``name`` the short English name used for ids and labels.
    """

    key: str
    name: str
    kind: str  # "state" or "organisation"
    demonym: str | None = None
    names: tuple[str, ...] = ()
    capitals: tuple[str, ...] = ()
    legislatures: tuple[str, ...] = ()


@dataclass(frozen=True)
class Gazetteer:
    """Parties by key, offices, and the ``EntityRuler`` patterns built from them."""

    parties: dict[str, Party]
    offices: tuple[str, ...]
    patterns: list[dict[str, Any]] = field(repr=False)


def _tokens(phrase: str) -> list[dict[str, Any]]:
    # one token pattern per whitespace word; matching is case-sensitive on purpose so
    # "US" the state is not "us" the pronoun
    return [{"ORTH": word} for word in phrase.replace("'s", " 's").split()]


def _short_name(country: Any, aliases: list[str]) -> str:
    for alias in aliases:
        if alias.replace(" ", "").isalpha() and len(alias) > 3 and alias[0].isupper():
            return alias
    return str(getattr(country, "common_name", None) or country.name)


@functools.cache
def load_gazetteer() -> Gazetteer:
    """Build the gazetteer once per process (pycountry plus the shipped curated file)."""
    import pycountry

    text = resources.files("detente.drafting").joinpath("data/gazetteer.yaml").read_text("utf-8")
    curated = yaml.safe_load(text)
    aliases: dict[str, list[str]] = curated["aliases"]
    parties: dict[str, Party] = {}
    patterns: list[dict[str, Any]] = []
    for country in pycountry.countries:
        code = country.alpha_2
        extra = curated["countries"].get(code, {})
        names = {country.name, *aliases.get(code, [])}
        for attribute in ("common_name", "official_name"):
            if getattr(country, attribute, None):
                names.add(getattr(country, attribute))
        demonyms = extra.get("demonyms", [])
        party = Party(
            key=code,
            name=_short_name(country, aliases.get(code, [])),
            kind="state",
            demonym=demonyms[0] if demonyms else None,
            names=tuple(sorted(names)),
            capitals=tuple(extra.get("capitals", [])),
            legislatures=tuple(extra.get("legislatures", [])),
        )
        parties[code] = party
        patterns += _party_patterns(party, demonyms)
    for code, state in curated.get("other_states", {}).items():
        demonyms = state.get("demonyms", [])
        party = Party(
            key=code,
            name=state["names"][0],
            kind="state",
            demonym=demonyms[0] if demonyms else None,
            names=tuple(sorted(state["names"])),
            capitals=tuple(state.get("capitals", [])),
            legislatures=tuple(state.get("legislatures", [])),
        )
        parties[code] = party
        patterns += _party_patterns(party, demonyms)
    for key, org in curated["organisations"].items():
        party = Party(
            key=key,
            name=org["names"][0],
            kind="organisation",
            demonym=(org.get("demonyms") or [None])[0],
            names=tuple(org["names"]),
        )
        parties[key] = party
        patterns += _party_patterns(party, org.get("demonyms", []))
    offices = tuple(curated["offices"])
    patterns += _leader_patterns(parties, offices)
    return Gazetteer(parties=parties, offices=offices, patterns=patterns)


def _party_patterns(party: Party, demonyms: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for name in (*party.names, *party.capitals):
        tokens = _tokens(name)
        if name.startswith("the "):
            tokens[0] = {"LOWER": "the"}
        out.append({"label": "PARTY", "pattern": tokens, "id": party.key})
    for demonym in demonyms:
        out.append({"label": "NORP", "pattern": _tokens(demonym), "id": party.key})
        out.append(
            {
                "label": "PUBLIC",
                "pattern": [*_tokens(demonym), {"LOWER": {"IN": list(PUBLIC_WORDS)}}],
                "id": party.key,
            }
        )
    for legislature in party.legislatures:
        if legislature in GENERIC_LEGISLATURES:
            # a name many states use counts only after the demonym: "Japanese Parliament"
            for demonym in demonyms:
                pattern = [*_tokens(demonym), *_tokens(legislature)]
                out.append({"label": "LEGISLATURE", "pattern": pattern, "id": party.key})
        else:
            out.append({"label": "LEGISLATURE", "pattern": _tokens(legislature), "id": party.key})
    return out


def _leader_patterns(parties: dict[str, Party], offices: tuple[str, ...]) -> list[dict[str, Any]]:
    """'Russian President Vladimir Putin', "Japan's Prime Minister Shinzo Abe" and
    "Prime Minister Shinzo Abe of Japan"."""
    particle = {"LOWER": {"IN": ["al", "el", "bin", "ibn", "van", "von", "de", "da"]}, "OP": "?"}
    name = [{"IS_TITLE": True}, {"IS_TITLE": True, "OP": "?"}, particle]
    name += [{"ORTH": "-", "OP": "?"}, {"IS_TITLE": True}]
    single = [office for office in offices if " " not in office]
    office_patterns = [[{"ORTH": {"IN": single}}]]
    office_patterns += [_tokens(office) for office in offices if " " in office]
    out: list[dict[str, Any]] = []
    for party in parties.values():
        heads = [party.demonym] if party.demonym and " " not in party.demonym else []
        heads += [n for n in party.names if " " not in n and n[0].isupper()]
        if not heads:
            continue
        head = [{"ORTH": {"IN": heads}}, {"ORTH": "'s", "OP": "?"}]
        names = [n for n in heads if n != party.demonym]
        for office in office_patterns:
            pattern = [*head, *office, *name]
            out.append({"label": "LEADER", "pattern": pattern, "id": party.key})
            if names:  # "Prime Minister Shinzo Abe of Japan"
                pattern = [*office, *name, {"LOWER": "of"}, {"ORTH": {"IN": names}}]
                out.append({"label": "LEADER", "pattern": pattern, "id": party.key})
    return out
