"""Choose a scenario's reference class: from its ``reference_class:`` block, or inferred.

A scenario written before reference classes existed says nothing about them, so the
class is inferred from what it does say (every inference is reported, so a reader can
overrule it with a ``reference_class:`` block):

* **Interstate or not.** Not interstate when an actor's name or description, or the
  title, names a non-state armed party (guerrilla, rebels, insurgents, FARC, militia,
  liberation front/army/movement); otherwise interstate.
* **Territorial or not.** Territorial when the title, description or an issue's name,
  description or anchors speak of territory, a border or boundary, islands, sovereignty,
  a maritime line or delimitation.
* **How long the dispute has run.** The earliest year from 1816 to ``as_of`` named in
  the scenario's own text (title, description, issues, evidence, sources and their dates,
  key dates): treaties, resolutions and wars cited as background date the dispute.
  Without one, the age is the median age at which the class's open disputes are
  observed (``DEFAULT_AGE``) and the output says so.

Classes: an interstate dispute is a ``territorial-claim`` (ICOW; the high- or low-
salience subclass when the block gives a salience); a dispute that is not interstate is
an ``armed-conflict`` (UCDP) over territory or government; a ``crisis`` (ICB) only when a
block says so. Non-territorial interstate disputes (a name, a normalisation treaty) get
the territorial-claim class too, as the nearest class the data have (said in the output).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente.outside_view.curves import ReferenceClass, reference_class
from detente.outside_view.reference_class import ReferenceClassSpec
from detente.scenario import Scenario

__all__ = ["DEFAULT_AGE", "ChosenClass", "choose_reference_class", "scenario_years"]

DEFAULT_AGE = 10.0
_NON_STATE = re.compile(
    r"\b(guerrill\w*|rebel\w*|insurgen\w*|farc|eln|militia\w*|"
    r"liberation (front|army|movement|organi[sz]ation)"
    r"|armed group\w*|paramilitar\w*)\b",
    re.IGNORECASE,
)
_TERRITORIAL = re.compile(
    r"\b(territor\w*|border\w*|boundar\w*|island\w*|islets?|sovereign\w*|maritime|"
    r"delimitation|enclaves?|frontier\w*|annex\w*|occupied|withdrawal)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


@dataclass(frozen=True)
class ChosenClass:
    """The reference class a forecast used, with its attributes and how each was found."""

    name: str
    label: str
    age: float
    since: int | None
    salience: float | None
    recent_mid: bool
    inferred: bool
    reasons: tuple[str, ...]
    interstate: bool = True
    territorial: bool = True

    @property
    def reference(self) -> ReferenceClass:
        return reference_class(self.name)

    def conditional(self, years: np.ndarray) -> np.ndarray:
        """P(agreement within ``years`` of ``as_of`` | open then), with this class's covariates."""
        return self.reference.conditional(
            self.age,
            years,
            salience=self.salience,
            recent_mid=self.recent_mid,
            interstate=self.interstate,
            territorial=self.territorial,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "age_years": round(self.age, 2),
            "since": self.since,
            "salience": self.salience,
            "recent_mid": self.recent_mid,
            "interstate": self.interstate,
            "territorial": self.territorial,
            "inferred": self.inferred,
            "reasons": list(self.reasons),
            "n": self.reference.n,
            "source": self.reference.data["source"],
        }


def _texts(scenario: Scenario) -> Iterator[str]:
    yield scenario.title
    yield scenario.description
    for issue in scenario.issues:
        yield issue.name
        yield issue.description
        yield from issue.anchors.values()
    for actor in scenario.actors:
        yield actor.name
        yield actor.description


def scenario_years(scenario: Scenario) -> list[int]:
    """Years from 1816 to ``as_of`` named in the scenario's text, sources and key dates."""
    texts = list(_texts(scenario))
    texts += [f"{e.quote or ''} {e.judgment or ''}" for e in scenario.evidence]
    texts += [s.title for s in scenario.sources]
    texts += [d.label for d in scenario.dates]
    years = [int(y) for text in texts for y in _YEAR.findall(text)]
    years += [s.date.year for s in scenario.sources if s.date is not None]
    years += [d.date.year for d in scenario.dates]
    return sorted(y for y in years if 1816 <= y <= scenario.as_of.year)


def _age(scenario: Scenario, since: int) -> float:
    start = dt.date(since, 1, 1)
    return max((scenario.as_of - start).days / 365.25, 0.0)


def choose_reference_class(scenario: Scenario) -> ChosenClass:
    """The reference class of ``scenario`` (its block, else inferred; module docstring)."""
    block: ReferenceClassSpec | None = getattr(scenario, "reference_class", None)
    reasons: list[str] = []
    text = " ".join(_texts(scenario))
    kind = None if block is None else block.kind
    interstate = None if block is None else block.interstate
    territorial = None if block is None else block.territorial
    if interstate is None:
        match = _NON_STATE.search(text)
        interstate = match is None
        reasons.append(
            f"not interstate: the scenario names {match.group(0)!r}"
            if match
            else "interstate: no non-state armed party named"
        )
    if territorial is None:
        match = _TERRITORIAL.search(text)
        territorial = match is not None
        reasons.append(
            f"territorial: the scenario speaks of {match.group(0)!r}"
            if match
            else "not territorial: no territory, border or islands named"
        )
    if kind is None:
        kind = "territorial-claim" if interstate else "armed-conflict"
        if interstate and not territorial:
            reasons.append("nearest class with data for an interstate dispute: territorial claims")
    since = None if block is None else block.since
    if since is None:
        years = scenario_years(scenario)
        if years:
            since = years[0]
            reasons.append(f"running since {since}: the earliest year the scenario names")
        else:
            reasons.append(f"age unknown: {DEFAULT_AGE:g} years assumed")
    else:
        reasons.append(f"running since {since} (reference_class block)")
    age = DEFAULT_AGE if since is None else _age(scenario, since)
    salience = None if block is None else block.salience
    recent_mid = False if block is None or block.recent_mid is None else block.recent_mid
    if kind == "territorial-claim":
        name = "territorial-claim"
        if salience is None:
            reasons.append("salience: the median ICOW salience of claim-years")
    elif kind == "armed-conflict":
        name = (
            "armed-conflict:interstate"
            if interstate
            else f"armed-conflict:intrastate-{'territorial' if territorial else 'government'}"
        )
    else:
        name = "crisis"
    chosen = reference_class(name)
    return ChosenClass(
        name=name,
        label=chosen.label,
        age=age,
        since=since,
        salience=salience,
        recent_mid=recent_mid,
        inferred=block is None,
        reasons=tuple(reasons),
        interstate=interstate,
        territorial=territorial,
    )
