"""Time in a negotiation: the optional ``dynamics`` block, the time grid and shocks.

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

This module also builds the time grid (:func:`timeline`) and samples shock paths
(:func:`shock_offsets`). It imports no model code; :class:`~detente.scenario.Scenario`
is imported only for type checking (``scenario.py`` imports this module).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from detente.errors import PathPart, ScenarioError
from detente.quantity import Quantity, Range, nonnegative

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = [
    "DEFAULT_DISCOUNT_RATE",
    "DynamicsSpec",
    "RatifierDynamics",
    "Shock",
    "SignatoryDynamics",
    "Timeline",
    "add_months",
    "check_dynamics",
    "shock_offsets",
    "timeline",
]

Id = Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")]

DEFAULT_DISCOUNT_RATE = 0.1
"""Default yearly discount rate r: a deal a year later is worth exp(-0.1) = 0.905 of one now."""

DAYS_PER_YEAR = 365.25


def _fixed(value: float) -> Range:
    return Range(low=value, mode=value, high=value)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RatifierDynamics(_Strict):
    """How one ratifier's acceptable set changes over time (Putnam's level II)."""

    actor: Id
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
    hazard: Annotated[Quantity, nonnegative("events per year")] = Field(
        description="Expected number of events per year (>= 0)."
    )
    size: Quantity = Field(
        description=(
            "Size of one event as a fraction of the issue's scale width; each event draws its "
            "own size from this range."
        )
    )


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

    def signatory(self, actor: str) -> tuple[int | None, SignatoryDynamics]:
        """Index and entry of ``actor`` (``None`` and the defaults when it is not listed)."""
        for index, entry in enumerate(self.signatories):
            if entry.actor == actor:
                return index, entry
        return None, SignatoryDynamics(actor=actor)


# -- cross-reference checks ---------------------------------------------------------


def check_dynamics(scenario: Scenario) -> None:
    """Raise :class:`ScenarioError` (with the field's path) at the first bad reference."""
    spec = scenario.dynamics
    if spec is None:
        return
    base: tuple[PathPart, ...] = ("dynamics",)
    agreement = scenario.agreement
    if agreement is None:
        raise ScenarioError("a dynamics block needs an agreement with signatories", base)
    signatories = {s.actor: s for s in agreement.signatories}
    issues = {i.id for i in scenario.issues}
    seen: set[str] = set()
    for index, entry in enumerate(spec.signatories):
        path = (*base, "signatories", index)
        if entry.actor not in signatories:
            raise ScenarioError(
                f"{entry.actor!r} is not a signatory of the agreement; expected one of "
                f"{sorted(signatories)}",
                (*path, "actor"),
            )
        if entry.actor in seen:
            raise ScenarioError(f"signatory {entry.actor!r} listed twice", (*path, "actor"))
        seen.add(entry.actor)
        signatory = signatories[entry.actor]
        motives = {m.id for m in scenario.actor(entry.actor).motives}
        for m_index, motive in enumerate(entry.legacy):
            if motive not in motives:
                raise ScenarioError(
                    f"actor {entry.actor!r} has no motive {motive!r}; "
                    f"expected one of {sorted(motives)}",
                    (*path, "legacy", m_index),
                )
        if entry.legacy and (signatory.leader is None or signatory.leader.term_ends is None):
            raise ScenarioError(
                f"legacy motives need a leader with term_ends for signatory {entry.actor!r} "
                "(agreement.signatories[].leader.term_ends)",
                (*path, "legacy"),
            )
        ratifiers = {r.actor for r in signatory.ratifiers}
        r_seen: set[str] = set()
        for r_index, ratifier in enumerate(entry.ratifiers):
            r_path = (*path, "ratifiers", r_index, "actor")
            if ratifier.actor not in ratifiers:
                raise ScenarioError(
                    f"{ratifier.actor!r} is not a ratifier of {entry.actor!r}; expected one of "
                    f"{sorted(ratifiers)}",
                    r_path,
                )
            if ratifier.actor in r_seen:
                raise ScenarioError(f"ratifier {ratifier.actor!r} listed twice", r_path)
            r_seen.add(ratifier.actor)
    roles = set(signatories) | {r.actor for s in agreement.signatories for r in s.ratifiers}
    shock_ids: set[str] = set()
    for index, shock in enumerate(spec.shocks):
        path = (*base, "shocks", index)
        if shock.id in shock_ids:
            raise ScenarioError(f"duplicate shock id {shock.id!r}", (*path, "id"))
        shock_ids.add(shock.id)
        if shock.target not in roles:
            raise ScenarioError(
                f"shock target {shock.target!r} is neither a signatory nor a ratifier; expected "
                f"one of {sorted(roles)}",
                (*path, "target"),
            )
        if shock.issue is not None and shock.issue not in issues:
            raise ScenarioError(
                f"unknown issue {shock.issue!r}; expected one of {sorted(issues)}", (*path, "issue")
            )


# -- the time grid ------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (the day clipped to the month's length)."""
    total = day.year * 12 + (day.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Timeline:
    """The dates at which the dated model decides, and the dates it reports on.

    ``dates[k]`` is the end of step *k* (k = 0..K-1); step *k* covers
    ``(dates[k-1], dates[k]]`` with ``dates[-1] = as_of``. ``years[k]`` is the time from
    ``as_of`` to ``dates[k]`` and ``step_years[k]`` the length of step *k*, both in years
    of 365.25 days. ``report`` maps the dates worth naming (key dates, term ends, year
    ends, the horizon) to labels; every one of them lies on the grid.
    """

    as_of: dt.date
    dates: tuple[dt.date, ...]
    years: np.ndarray
    step_years: np.ndarray
    report: dict[dt.date, str]

    @property
    def steps(self) -> int:
        return len(self.dates)

    def index(self, day: dt.date) -> int:
        """Index of the grid date ``day`` (a :class:`KeyError` if it is not on the grid)."""
        try:
            return self.dates.index(day)
        except ValueError:
            raise KeyError(day) from None

    def years_at(self, day: dt.date) -> float:
        return (day - self.as_of).days / DAYS_PER_YEAR


def timeline(scenario: Scenario) -> Timeline:
    """Monthly (``step_months``) grid from ``as_of`` to ``horizon`` with every named date on it.

    The grid is the union of ``as_of + k * step_months`` months, the scenario's key
    dates, the term ends of the signatories' leaders, 31 December of every year and the
    horizon, all within ``(as_of, horizon]``.
    """
    spec = scenario.dynamics or DynamicsSpec()
    start, end = scenario.as_of, scenario.horizon
    points: set[dt.date] = {end}
    k = 1
    while (day := add_months(start, k * spec.step_months)) < end:
        points.add(day)
        k += 1
    report: dict[dt.date, list[str]] = {}

    def name(day: dt.date, label: str, *, named: bool = False) -> None:
        if start < day <= end:
            points.add(day)
            labels = report.setdefault(day, [])
            if named or not labels:
                labels.append(label)

    for key in scenario.dates:
        name(key.date, key.label, named=True)
    if scenario.agreement is not None:
        for signatory in scenario.agreement.signatories:
            leader = signatory.leader
            if leader is not None and leader.term_ends is not None:
                name(leader.term_ends, f"end of {leader.name}'s term")
    name(end, "horizon")
    for year in range(start.year, end.year + 1):
        name(dt.date(year, 12, 31), f"end of {year}")
    dates = tuple(sorted(points))
    years = np.array([(d - start).days / DAYS_PER_YEAR for d in dates])
    step_years = np.diff(years, prepend=0.0)
    return Timeline(
        start, dates, years, step_years, {d: "; ".join(v) for d, v in sorted(report.items())}
    )


# -- shocks ---------------------------------------------------------------------------


def shock_offsets(
    line: Timeline, hazard: np.ndarray, size: Range, rng: np.random.Generator
) -> np.ndarray:
    """Cumulative size of a Poisson stream of events at every grid date, per draw.

    Parameters
    ----------
    line:
        The time grid.
    hazard:
        Events per year, one rate per draw (shape ``(n,)``).
    size:
        Distribution of one event's size (each event draws its own).
    rng:
        The only source of randomness.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, K)``: the sum of the sizes of the events that arrived by ``dates[k]``.
        Event counts are Poisson(hazard x span) and arrival times uniform on the span,
        which is the homogeneous Poisson process (so the result does not depend on the
        grid).
    """
    span = float(line.years[-1])
    n = hazard.shape[0]
    counts = rng.poisson(hazard * span)
    most = int(counts.max()) if n else 0
    if most == 0:
        return np.zeros((n, line.steps))
    times = rng.uniform(0.0, span, size=(n, most))
    sizes = np.asarray(size.sample(rng, (n, most)), dtype=float)
    sizes = np.where(np.arange(most)[None, :] < counts[:, None], sizes, 0.0)
    arrived = times[:, :, None] <= line.years[None, None, :]
    return np.asarray(np.sum(sizes[:, :, None] * arrived, axis=1))
