"""The value objects of a scenario (schema ``detente/1``): issues, actors, the agreement.

The bottom layer of the scenario model: pydantic value objects that validate their own
fields and nothing across them. :mod:`detente.scenario_fields` gathers them into a
scenario's fields, :mod:`detente.scenario_checks` checks cross-references above them and
:class:`detente.scenario.Scenario` ties both together; see
:mod:`detente.scenario` for the conventions (scales, saliences, capabilities).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from detente.limits import hazard_rate
from detente.quantity import Quantity, Range, nonnegative, probability

__all__ = [
    "EXIT_HAZARD_BY_REGIME",
    "Acceptance",
    "Actor",
    "Agreement",
    "Correlation",
    "Election",
    "Evidence",
    "Issue",
    "KeyDate",
    "KnownOutcome",
    "Leader",
    "Motive",
    "OutcomeWindow",
    "Package",
    "Ratifier",
    "Signatory",
    "Source",
    "Stance",
    "Strict",
]

Id = Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_\-]*$")]


def _low_to_high(value: tuple[Range, Range]) -> tuple[Range, Range]:
    lo, hi = value
    if lo.mode > hi.mode:
        raise ValueError(
            f"the bounds must be [low, high] with low <= high, got [{lo.mode:g}, {hi.mode:g}]"
        )
    return value


Bounds = Annotated[tuple[Quantity, Quantity], AfterValidator(_low_to_high)]


class Strict(BaseModel):
    """A value object: unknown keys refused, immutable once built."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Source(Strict):
    """A document the scenario's numbers are traced to."""

    id: Id
    title: str
    outlet: str | None = None
    author: str | None = None
    date: dt.date | None = None
    url: str | None = None


class Issue(Strict):
    """One dimension of the negotiation: a line segment with labelled anchor points.

    The scale must run from a lower to a higher finite number and the status quo lie on
    it; that the anchors lie on it is checked with the rest of the scenario
    (:mod:`detente.scenario_checks`), so an error names the anchor's own line.
    """

    id: Id
    name: str
    scale: tuple[float, float] = (0.0, 100.0)
    anchors: dict[float, str] = Field(default_factory=dict)
    status_quo: Quantity | None = None
    description: str = ""

    @field_validator("scale")
    @classmethod
    def _ordered_scale(cls, value: tuple[float, float]) -> tuple[float, float]:
        lo, hi = value
        if not (np.isfinite(lo) and np.isfinite(hi)) or lo >= hi:
            raise ValueError(f"scale must be [min, max] with min < max, got [{lo:g}, {hi:g}]")
        return value

    @field_validator("status_quo")
    @classmethod
    def _status_quo_on_scale(cls, value: Range | None, info: ValidationInfo) -> Range | None:
        scale = info.data.get("scale")  # absent when the scale itself was refused
        if value is not None and scale is not None:
            lo, hi = scale
            if value.low < lo or value.high > hi:
                raise ValueError(
                    f"status_quo {value.describe()} lies outside the scale [{lo:g}, {hi:g}]"
                )
        return value

    def nearest_anchor(self, value: float) -> tuple[float, str] | None:
        """The labelled point closest to ``value`` (``None`` if the issue has none)."""
        if not self.anchors:
            return None
        point = min(self.anchors, key=lambda p: (abs(p - value), p))
        return point, self.anchors[point]


class Stance(Strict):
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


class Motive(Strict):
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


class Acceptance(Strict):
    """What an actor will accept, per issue: explicit ``accepts`` bounds or a ``tolerance``.

    Where an issue has neither, the actor accepts any outcome it prefers to the status
    quo (``|x - position| <= |status_quo - position|``, the individually rational set of
    Nash 1950 and Putnam's win-set), or the whole scale when the issue has no status quo.
    """

    accepts: dict[str, Bounds] = Field(default_factory=dict)
    tolerance: dict[str, Annotated[Quantity, nonnegative()]] = Field(default_factory=dict)

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


EXIT_HAZARD_BY_REGIME: dict[str, Range] = {
    "democracy": Range(low=0.03, mode=0.07, high=0.12),
    "autocracy": Range(low=0.05, mode=0.10, high=0.15),
}
"""Default yearly hazard of a leader's *unscheduled* exit, by regime type.

Derivation (``docs/models/deadline-bargaining.md``, "Leader tenure"): under a constant
hazard the total exit rate is ``ln 2 / median tenure``. In the Democracy-Dictatorship
data 1946-2008 (Cheibub, Gandhi & Vreeland 2010) the median democratic leader lasts a
little under 3 years and the median autocrat a little under 7 (Marquez 2012), i.e. about
0.23 and 0.10 a year. Nearly every autocrat's exit is unscheduled (Archigos codes most
as irregular or as deaths and forced resignations: Goemans, Gleditsch & Chiozza 2009),
so the autocracy mode is the whole 0.10. For a democracy the scheduled part is what
``elections`` and ``term_ends`` model; the unscheduled part (resignation, a lost
confidence vote or party leadership, death) is taken as about a third of the total,
0.07 (a judgment: Archigos codes these exits as regular and does not separate them
from elections). The ranges carry that uncertainty.
"""


class Election(Strict):
    """A scheduled election (or party leadership vote) that may replace the leader."""

    date: dt.date
    turnover: Annotated[Quantity, probability()] = Field(
        description="Probability that the leader loses office (0-1)."
    )
    label: str = ""


class Leader(Strict):
    """A signatory's leader: the clock on the term, the risk of leaving early, the successor.

    ``term_ends`` replaces the leader for certain; ``elections`` may (with probability
    ``turnover``); ``exit_hazard`` is the yearly rate of an unscheduled exit (a Poisson
    process, ``regime`` gives a documented default, :data:`EXIT_HAZARD_BY_REGIME`). The
    successor's own acceptable set is ``successor`` where it names an issue, else the
    leader's scaled by ``successor_flexibility``.
    """

    name: str
    term_ends: dt.date | None = None
    successor_flexibility: Annotated[Quantity, nonnegative()] = Field(
        default_factory=lambda: Range(low=1.0, mode=1.0, high=1.0),
        description="Width of the successor's acceptable set relative to the leader's (0-1+).",
    )
    regime: Literal["democracy", "autocracy"] | None = None
    exit_hazard: Annotated[Quantity, hazard_rate("exits per year")] | None = None
    elections: list[Election] = Field(default_factory=list)
    successor: Acceptance | None = None

    @model_validator(mode="before")
    @classmethod
    def _default_hazard(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("exit_hazard") is None:
            regime = data.get("regime")
            if isinstance(regime, str) and regime in EXIT_HAZARD_BY_REGIME:
                return {**data, "exit_hazard": EXIT_HAZARD_BY_REGIME[regime]}
        return data


class Package(Acceptance):
    """Another set of terms a signatory would sign instead of its per-issue bounds.

    A package names bounds (``accepts``) or tolerances on some issues; on the others the
    signatory's own per-issue rule applies. A signatory's own acceptable set is the union
    of its per-issue box and its packages, so a trade across issues (more on one, less
    on another) can be stated; the per-issue box is the special case of no packages.
    """

    id: Id
    description: str = ""


class Signatory(Acceptance):
    """An actor whose signature the agreement needs (Putnam's level I)."""

    actor: Id
    leader: Leader | None = None
    ratifiers: list[Ratifier] = Field(default_factory=list)
    packages: list[Package] = Field(default_factory=list)


class Agreement(Strict):
    """An agreement to be signed: who signs and who must ratify."""

    name: str
    description: str = ""
    signatories: list[Signatory] = Field(min_length=2)


class KeyDate(Strict):
    """A named date the forecast should report on (a deadline, a term end)."""

    date: dt.date
    label: str


class Evidence(Strict):
    """Why a parameter has the value it has: a quote from a source, a judgment, or both.

    A quote needs its ``source``; that it names one of the scenario's sources is checked
    with the scenario (:mod:`detente.scenario_checks`), at the entry's ``source``.
    """

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
        return self


class Correlation(Strict):
    """Ranges an analyst misjudges together: one correlation ``rho`` between every pair.

    ``ranges`` are dotted parameter paths (the form evidence entries use; the bounds of
    an ``accepts`` pair end in ``.0``/``.1``), each naming a range ``{low, mode, high}``.
    The Monte Carlo draws them through a Gaussian copula on each range's own law
    (:mod:`detente.copula`); ``rho`` is the correlation of the underlying normals, in
    [-1, 1]. Ranges in no group stay independent (the default).
    """

    id: Id
    ranges: list[str] = Field(min_length=2)
    rho: float = Field(ge=-1.0, le=1.0)
    description: str = ""


class OutcomeWindow(Strict):
    """What was reached by one date: a window a backtest scores on its own.

    ``level`` names the strongest agreement reached by ``end`` (one of the outcome's
    ``levels``, or ``agreement`` for the scenario's own agreement); ``date`` when.
    """

    end: dt.date
    agreed: bool
    level: str = "agreement"
    date: dt.date | None = None
    description: str = ""


class KnownOutcome(Strict):
    """How a historical negotiation actually ended (for backtests; never read by models).

    ``agreed`` says whether the agreement was signed between ``as_of`` and the
    scenario's ``horizon``; ``date`` when it was (or when it failed, e.g. a referendum);
    ``settled`` the outcome on each issue, on the issue's scale, where one was reached.
    Partial agreements: ``levels`` names the kinds of agreement from weakest to
    strongest (e.g. ``[declaration, treaty]``), ``agreement_level`` which of them the
    scenario's ``agreement`` block is (default the strongest), and ``windows`` what was
    reached by each of several dates (:func:`detente.outcomes.scored_windows`).
    """

    agreed: bool
    date: dt.date | None = None
    settled: dict[str, float] = Field(default_factory=dict)
    description: str = ""
    sources: list[str] = Field(default_factory=list)
    levels: list[Id] = Field(default_factory=list)
    agreement_level: Id | None = None
    windows: list[OutcomeWindow] = Field(default_factory=list)


class Actor(Strict):
    """A party at the table, or at home."""

    id: Id
    name: str
    capability: Annotated[Quantity, nonnegative()]
    stances: dict[str, Stance] = Field(default_factory=dict)
    motives: list[Motive] = Field(default_factory=list)
    description: str = ""
    metadata: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "Extra columns of an imported table (e.g. resolve), kept; only eu_role "
            "(commission, parliament) is read, by the procedural model."
        ),
    )
