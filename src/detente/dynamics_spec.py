"""The ``dynamics`` block of a scenario: value objects only (no checks, no arithmetic).

A scenario (schema ``detente/1``) may carry one ``dynamics:`` block with every number
the dated model (:mod:`detente.models.deadline_bargaining`) adds to the static schema.
Every field is optional and has a documented default; every number is a
:data:`~detente.quantity.Quantity`, so it may be a range ``{low, mode, high}``::

    dynamics:
      step_months: 1                 # length of a step (months)
      signing_lag: 0                 # mean months from a zone of agreement to signature
      signatories:
        - actor: russia
          discount_rate: {low: 0.05, mode: 0.1, high: 0.2}   # per year
          legacy: [putin_legacy]     # motives valued only if signed before term_ends
          drift: 0                   # the leader's own set, fraction of scale per year
          ratifiers:
            - actor: russian_public
              drift: {low: -0.02, mode: 0, high: 0.01}
      shocks:
        - id: sanctions
          target: russian_public
          effect: width              # or position
          hazard: {low: 0.1, mode: 0.3, high: 0.6}            # events per year
          size: {low: -0.1, mode: -0.05, high: 0}            # fraction of scale per event

Evidence paths resolve through list items by ``actor``/``id``, e.g.
``dynamics.signatories.russia.discount_rate`` or ``dynamics.shocks.sanctions.hazard``.

Cross-references are checked by :mod:`detente.dynamics_checks`; the time grid and
shock paths are built by :mod:`detente.dynamics`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from detente.limits import hazard_rate
from detente.quantity import Quantity, Range, nonnegative, probability

__all__ = [
    "DEFAULT_DISCOUNT_RATE",
    "Deadline",
    "DeadlineValue",
    "DynamicsSpec",
    "Mediator",
    "RatifierDynamics",
    "Shock",
    "SidePayments",
    "SignatoryDynamics",
]

Id = Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")]

DEFAULT_DISCOUNT_RATE = 0.1
"""Default yearly discount rate r: a deal a year later is worth exp(-0.1) = 0.905 of one now."""


def _fixed(value: float) -> Range:
    return Range(low=value, mode=value, high=value)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class SidePayments(_Strict):
    """A leader moving its ratifier: capital, side payments, a campaign (Putnam's reverberation).

    The leader widens the ratifier's set by ``rate`` (fraction of the scale, on each
    side) a year, up to ``limit`` in all, and pays ``cost`` (motive-weight units) per
    unit of the scale moved; it spends at most what the deal is worth to it (the sum of
    its motive weights ``B``), so the widening by *t* is ``min(rate t, limit, B / cost)``.
    """

    rate: Annotated[Quantity, nonnegative("(fraction of the scale a year)")] = Field(
        default_factory=lambda: _fixed(0.0)
    )
    limit: Annotated[Quantity, nonnegative("(fraction of the scale)")] = Field(
        default_factory=lambda: _fixed(0.0)
    )
    cost: Annotated[Quantity, nonnegative("(motive weight per unit of the scale)")] = Field(
        default_factory=lambda: _fixed(0.0)
    )


class RatifierDynamics(_Strict):
    """How one ratifier's acceptable set changes over time (Putnam's level II)."""

    actor: Id
    side_payments: SidePayments | None = None
    appears: dt.date | None = Field(
        None,
        description="The ratifier binds only from this date (a new congress). Default: always.",
    )
    vanishes: dt.date | None = Field(
        None,
        description="The ratifier stops binding from this date (a junta gone). Default: never.",
    )
    called: Annotated[Quantity, probability()] | None = Field(
        None,
        description=(
            "Probability (0-1) that this ratifier is called at all, e.g. an optional "
            "referendum. Default: it always binds."
        ),
    )

    drift: Quantity = Field(
        default_factory=lambda: _fixed(0.0),
        description=(
            "Change per year of the reach of the ratifier's acceptable set on every issue it "
            "constrains, as a fraction of the issue's scale width: > 0 widens (opinion softens), "
            "< 0 narrows towards its position (e.g. rising nationalism). Default 0."
        ),
    )


class SignatoryDynamics(_Strict):
    """Patience, legacy and drift of one signatory's leader, and its ratifiers' drift."""

    actor: Id
    discount_rate: Annotated[Quantity, nonnegative()] = Field(
        default_factory=lambda: _fixed(DEFAULT_DISCOUNT_RATE),
        description=(
            "Continuous yearly discount rate r >= 0; the cost of a year's delay is r times the "
            "value of the deal (the sum of the actor's motive weights). Default 0.1."
        ),
    )
    legacy: list[Id] = Field(
        default_factory=list,
        description=(
            "Ids of the actor's motives that pay only if the agreement is signed before its "
            "leader's term_ends (a legacy). Default none."
        ),
    )
    drift: Quantity = Field(
        default_factory=lambda: _fixed(0.0),
        description=(
            "Drift per year of the leader's own acceptable set (fraction of scale). Default 0."
        ),
    )
    legacy_until: Id | None = Field(
        None,
        description=(
            "Id of a deadline (dynamics.deadlines) whose date the legacy motives are valued "
            "before, instead of the leader's term_ends. Default none."
        ),
    )
    ratifiers: list[RatifierDynamics] = Field(default_factory=list)


class Shock(_Strict):
    """Events arriving at random (a Poisson process) that move one actor's acceptable set."""

    id: Id
    description: str = ""
    target: Id = Field(description="Actor whose set moves: a signatory or a ratifier.")
    effect: Literal["width", "position"] = Field(
        "width",
        description=(
            "'width': each event adds size to the reach of the set on both sides (clipped at "
            "zero); 'position': each event moves the whole set by size. Default 'width'."
        ),
    )
    issue: Id | None = Field(
        None, description="Only this issue (default: every issue it constrains)."
    )
    hazard: Annotated[Quantity, hazard_rate("events per year")] = Field(
        description="Expected number of events per year (0 to 365.25, one a day)."
    )
    size: Quantity = Field(
        description=(
            "Size of one event as a fraction of the issue's scale width; each event draws its "
            "own size from this range."
        )
    )


class DeadlineValue(_Strict):
    """How much one signatory values signing before a deadline (motive-weight units)."""

    actor: Id
    weight: Annotated[Quantity, nonnegative()] = Field(
        description=(
            "Value of signing before the date, on the scale of motive weights (0-1 each); "
            "spread over the time left like a legacy (the deadline effect)."
        )
    )


class Deadline(_Strict):
    """A date independent of any leader: a summit, an accession date, a mandate's end.

    Signatories in ``valued_by`` value signing before it (each with a ``weight``, spread
    over the time left, which makes a concession before the date certain: the deadline
    effect of Roth, Murnighan & Schoumaker 1988). ``after`` says what happens once it
    passes: nothing (``continue``), the talks ``lapse`` (no agreement is reached after
    it), or every targeted set ``narrow``s or ``widen``s by ``change`` (fraction of
    each issue's scale, on both sides).
    """

    id: Id
    date: dt.date
    label: str = ""
    valued_by: list[DeadlineValue] = Field(default_factory=list)
    after: Literal["continue", "lapse", "narrow", "widen"] = "continue"
    change: Annotated[Quantity, nonnegative("(fraction of the scale)")] = Field(
        default_factory=lambda: _fixed(0.0),
        description="For narrow/widen: reach added or removed on each side. Default 0.",
    )
    targets: list[Id] = Field(
        default_factory=list,
        description="Actors whose sets narrow/widen (default: every signatory and ratifier).",
    )


class Mediator(_Strict):
    """A mediator or guarantor whose side payments or guarantees widen some sets.

    From ``start`` (default: ``as_of``) every target's acceptable set widens by
    ``widen`` (fraction of each issue's scale, on each side): a guarantee that makes a
    concession safer, or a payment that compensates it.
    """

    id: Id
    name: str = ""
    targets: list[Id] = Field(min_length=1)
    widen: Annotated[Quantity, nonnegative("(fraction of the scale)")]
    start: dt.date | None = None
    description: str = ""


class DynamicsSpec(_Strict):
    """The ``dynamics`` block of a scenario: the parameters of the dated model."""

    step_months: int = Field(
        1, ge=1, le=12, description="Length of one step of the time grid, in months. Default 1."
    )
    signing_lag: Annotated[Quantity, nonnegative("months")] = Field(
        default_factory=lambda: _fixed(0.0),
        description=(
            "Mean time in months from the moment a zone of agreement exists to the signature "
            "(exponential). Default 0: sign at once, as in Rubinstein (1982) with complete "
            "information."
        ),
    )
    signatories: list[SignatoryDynamics] = Field(default_factory=list)
    shocks: list[Shock] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    mediators: list[Mediator] = Field(default_factory=list)

    def signatory(self, actor: str) -> tuple[int | None, SignatoryDynamics]:
        """Index and entry of ``actor`` (``None`` and the defaults when it is not listed)."""
        for index, entry in enumerate(self.signatories):
            if entry.actor == actor:
                return index, entry
        return None, SignatoryDynamics(actor=actor)
