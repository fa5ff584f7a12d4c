"""The scenario: validated value objects for a negotiation (schema ``detente/1``).

A scenario says who negotiates (:class:`Actor`), over what (:class:`Issue`), with how
much weight (capability x salience), and, for an agreement that must be signed, who
signs it and who must ratify it at home (:class:`Agreement`, after Putnam 1988). Every
number may be uncertain (:class:`~detente.quantity.Range`); static models use the mode.

Conventions (see ``docs/scenario-format.md``):

* Positions are on each issue's own ``scale: [min, max]``.
* Saliences are stored on 0-1. A file says ``salience_scale: 100`` when it writes them
  on 0-100 (the DEU and KTAB convention); they are divided by 100 on input.
* Capabilities are non-negative and relative: multiplying all of them by a constant
  changes no forecast.

This module does no IO. Structural errors surface as pydantic validation errors and
cross-reference errors as :class:`~detente.errors.ScenarioError` carrying the path of
the offending field; :mod:`detente.io` turns both into file:line messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from detente.dynamics import DynamicsSpec
from detente.errors import ScenarioError
from detente.outside_view.reference_class import ReferenceClassSpec
from detente.quantity import Quantity, Range, nonnegative

__all__ = [
    "Acceptance",
    "Actor",
    "Agreement",
    "Evidence",
    "Issue",
    "IssueData",
    "KeyDate",
    "KnownOutcome",
    "Leader",
    "Motive",
    "Ratifier",
    "Scenario",
    "Signatory",
    "Source",
    "Stance",
]

Id = Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_\-]*$")]
Bounds = tuple[Quantity, Quantity]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """A document the scenario's numbers are traced to."""

    id: Id
    title: str
    outlet: str | None = None
    author: str | None = None
    date: dt.date | None = None
    url: str | None = None


class Issue(_Strict):
    """One dimension of the negotiation: a line segment with labelled anchor points."""

    id: Id
    name: str
    scale: tuple[float, float] = (0.0, 100.0)
    anchors: dict[float, str] = Field(default_factory=dict)
    status_quo: Quantity | None = None
    description: str = ""

    @model_validator(mode="after")
    def _check(self) -> Issue:
        lo, hi = self.scale
        if not (np.isfinite(lo) and np.isfinite(hi)) or lo >= hi:
            raise ValueError(f"scale must be [min, max] with min < max, got [{lo:g}, {hi:g}]")
        for point in self.anchors:
            if not lo <= point <= hi:
                raise ValueError(f"anchor {point:g} lies outside the scale [{lo:g}, {hi:g}]")
        sq = self.status_quo
        if sq is not None and not (lo <= sq.low and sq.high <= hi):
            raise ValueError(f"status_quo must lie within the scale [{lo:g}, {hi:g}]")
        return self

    def nearest_anchor(self, value: float) -> tuple[float, str] | None:
        """The labelled point closest to ``value`` (``None`` if the issue has none)."""
        if not self.anchors:
            return None
        point = min(self.anchors, key=lambda p: (abs(p - value), p))
        return point, self.anchors[point]


class Stance(_Strict):
    """An actor's position on one issue and how much the issue matters to it (0-1)."""

    position: Quantity
    salience: Quantity

    @field_validator("salience", mode="after")
    @classmethod
    def _to_unit(cls, value: Range, info: ValidationInfo) -> Range:
        scale = float((info.context or {}).get("salience_scale", 1))
        if value.low < 0 or value.high > scale:
            raise ValueError(
                f"salience must lie in 0..{scale:g} (salience_scale is {scale:g}), "
                f"got {value.describe()}"
            )
        if scale == 1:
            return value
        return Range(low=value.low / scale, mode=value.mode / scale, high=value.high / scale)


class Motive(_Strict):
    """Why an actor wants (or fears) the agreement; ``weight`` is its importance, 0-1."""

    id: Id
    description: str
    weight: Quantity = Field(default_factory=lambda: Range(low=0.5, mode=0.5, high=0.5))

    @field_validator("weight")
    @classmethod
    def _unit(cls, value: Range) -> Range:
        if value.low < 0 or value.high > 1:
            raise ValueError(f"weight must lie in 0..1, got {value.describe()}")
        return value


class Acceptance(_Strict):
    """What an actor will accept, per issue: explicit ``accepts`` bounds or a ``tolerance``.

    Where an issue has neither, the actor accepts any outcome it prefers to the status
    quo (``|x - position| <= |status_quo - position|``, the individually rational set of
    Nash 1950 and Putnam's win-set), or the whole scale when the issue has no status quo.
    """

    accepts: dict[str, Bounds] = Field(default_factory=dict)
    tolerance: dict[str, Annotated[Quantity, nonnegative()]] = Field(default_factory=dict)

    @field_validator("accepts")
    @classmethod
    def _ordered(cls, value: dict[str, Bounds]) -> dict[str, Bounds]:
        for issue_id, (lo, hi) in value.items():
            if lo.mode > hi.mode:
                raise ValueError(
                    f"accepts for {issue_id!r} must be [low, high] with low <= high, "
                    f"got [{lo.mode:g}, {hi.mode:g}]"
                )
        return value

    @model_validator(mode="after")
    def _check(self) -> Acceptance:
        both = set(self.accepts) & set(self.tolerance)
        if both:
            raise ValueError(
                f"give either accepts or tolerance for an issue, not both: {sorted(both)}"
            )
        return self


class Ratifier(Acceptance):
    """A domestic actor a signatory must carry (Putnam's level II)."""

    actor: Id


class Leader(_Strict):
    """A signatory's leader and the clock on the leader's term."""

    name: str
    term_ends: dt.date | None = None
    successor_flexibility: Annotated[Quantity, nonnegative()] = Field(
        default_factory=lambda: Range(low=1.0, mode=1.0, high=1.0),
        description="Width of the successor's acceptable set relative to the leader's (0-1+).",
    )


class Signatory(Acceptance):
    """An actor whose signature the agreement needs (Putnam's level I)."""

    actor: Id
    leader: Leader | None = None
    ratifiers: list[Ratifier] = Field(default_factory=list)


class Agreement(_Strict):
    """An agreement to be signed: who signs and who must ratify."""

    name: str
    description: str = ""
    signatories: list[Signatory] = Field(min_length=2)


class KeyDate(_Strict):
    """A named date the forecast should report on (a deadline, a term end)."""

    date: dt.date
    label: str


class Evidence(_Strict):
    """Why a parameter has the value it has: a quote from a source, a judgment, or both."""

    about: str = Field(
        min_length=1, description="Dotted path to the parameter, e.g. actors.russia.capability"
    )
    source: str | None = None
    quote: str | None = None
    judgment: str | None = None

    @model_validator(mode="after")
    def _something(self) -> Evidence:
        if not self.quote and not self.judgment:
            raise ValueError("an evidence entry needs a quote, a judgment, or both")
        if self.quote and not self.source:
            raise ValueError("a quote needs the id of the source it comes from")
        return self


class KnownOutcome(_Strict):
    """How a historical negotiation actually ended (for backtests; never read by models).

    ``agreed`` says whether the agreement was signed between ``as_of`` and the
    scenario's ``horizon``; ``date`` when it was (or when it failed, e.g. a referendum);
    ``settled`` the outcome on each issue, on the issue's scale, where one was reached.
    """

    agreed: bool
    date: dt.date | None = None
    settled: dict[str, float] = Field(default_factory=dict)
    description: str = ""
    sources: list[str] = Field(default_factory=list)


class Actor(_Strict):
    """A party at the table, or at home."""

    id: Id
    name: str
    capability: Annotated[Quantity, nonnegative()]
    stances: dict[str, Stance] = Field(default_factory=dict)
    motives: list[Motive] = Field(default_factory=list)
    description: str = ""


class IssueData:
    """The numeric inputs of one issue, as arrays over the actors that take a stance."""

    __slots__ = ("actor_ids", "capabilities", "issue", "positions", "saliences")

    def __init__(
        self,
        issue: Issue,
        actor_ids: tuple[str, ...],
        positions: np.ndarray,
        saliences: np.ndarray,
        capabilities: np.ndarray,
    ) -> None:
        self.issue = issue
        self.actor_ids = actor_ids
        self.positions = positions
        self.saliences = saliences
        self.capabilities = capabilities

    @property
    def scale(self) -> tuple[float, float]:
        return self.issue.scale

    @property
    def status_quo(self) -> float | None:
        return None if self.issue.status_quo is None else self.issue.status_quo.mode

    @property
    def weights(self) -> np.ndarray:
        """Capability x salience, the usual voting weight."""
        return np.asarray(self.capabilities * self.saliences, dtype=float)


class Scenario(_Strict):
    """A whole negotiation. Build it with :func:`detente.io.load_scenario` or directly."""

    schema_: Literal["detente/1"] = Field("detente/1", alias="schema")
    title: str
    description: str = ""
    as_of: dt.date
    horizon: dt.date
    salience_scale: Literal[1, 100] = 1
    sources: list[Source] = Field(default_factory=list)
    issues: list[Issue] = Field(min_length=1)
    actors: list[Actor] = Field(min_length=1)
    agreement: Agreement | None = None
    dates: list[KeyDate] = Field(default_factory=list)
    dynamics: DynamicsSpec | None = None
    outcome: KnownOutcome | None = None
    reference_class: ReferenceClassSpec | None = None
    evidence: list[Evidence] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @classmethod
    def from_dict(cls, data: Any) -> Scenario:
        """Validate a plain mapping (as read from YAML/JSON)."""
        scale = data.get("salience_scale", 1) if isinstance(data, dict) else 1
        return cls.model_validate(
            data, context={"salience_scale": scale if scale in (1, 100) else 1}
        )

    @model_validator(mode="after")
    def _cross_references(self) -> Scenario:
        from detente._scenario_checks import check_scenario

        check_scenario(self)
        return self

    # -- look-ups -----------------------------------------------------------------
    def actor(self, actor_id: str) -> Actor:
        for actor in self.actors:
            if actor.id == actor_id:
                return actor
        raise ScenarioError(f"no actor with id {actor_id!r}", ("actors",))

    def issue(self, issue_id: str) -> Issue:
        for issue in self.issues:
            if issue.id == issue_id:
                return issue
        raise ScenarioError(f"no issue with id {issue_id!r}", ("issues",))

    def issue_data(self, issue_id: str) -> IssueData:
        """Modes of positions, saliences and capabilities of the actors on one issue."""
        issue = self.issue(issue_id)
        taking = [a for a in self.actors if issue_id in a.stances]
        return IssueData(
            issue,
            tuple(a.id for a in taking),
            np.array([a.stances[issue_id].position.mode for a in taking], dtype=float),
            np.array([a.stances[issue_id].salience.mode for a in taking], dtype=float),
            np.array([a.capability.mode for a in taking], dtype=float),
        )

    def iter_issue_data(self) -> Iterator[IssueData]:
        for issue in self.issues:
            yield self.issue_data(issue.id)

    def evidence_for(self, about: str) -> list[Evidence]:
        """Evidence entries on ``about`` or on anything below it."""
        return [e for e in self.evidence if e.about == about or e.about.startswith(about + ".")]

    def source(self, source_id: str) -> Source:
        for src in self.sources:
            if src.id == source_id:
                return src
        raise ScenarioError(f"no source with id {source_id!r}", ("sources",))

    def to_dict(self) -> dict[str, Any]:
        """A plain mapping that :meth:`from_dict` reads back to an equal scenario."""
        data: dict[str, Any] = self.model_dump(mode="json", by_alias=True, exclude_defaults=False)
        if self.salience_scale != 1:
            for actor in data["actors"]:
                for stance in actor["stances"].values():
                    stance["salience"] = _scaled(stance["salience"], self.salience_scale)
        return data


def _scaled(value: Any, factor: float) -> Any:
    if isinstance(value, dict):
        return {k: v * factor for k, v in value.items()}
    return value * factor
