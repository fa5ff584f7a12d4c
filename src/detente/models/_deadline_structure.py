"""What the dated model reads once per scenario: roles, the grid, term ends, risks.

Private to :mod:`detente.models.deadline_bargaining`. A :class:`Role` is one acceptable
set (a signatory's own per-issue box, one of its packages, or one of its ratifiers'
sets); :class:`Structure` holds everything that does not vary between draws.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import numpy as np

from detente.dynamics import Timeline, timeline
from detente.dynamics_spec import DynamicsSpec
from detente.errors import ModelError, PathPart
from detente.scenario import Acceptance, Leader, Scenario

__all__ = ["Path", "Role", "Structure", "first_step_from", "structure"]

Path = tuple[PathPart, ...]


@dataclass(frozen=True)
class Role:
    """One acceptable set: a signatory's own (level I) or one of its ratifiers' (level II)."""

    signatory: int
    own: bool
    actor: str
    actor_index: int
    acceptance: Acceptance
    path: Path
    drift_path: Path | None
    fallback: Role | None = None  # whose rule applies on the issues a package leaves out
    package: int = 0  # 0: the per-issue box; k: the signatory's k-th package
    payments_path: Path | None = None  # a responsive ratifier's side_payments block
    binds_from: int = 0  # first step at which a ratifier binds (appears)
    binds_until: int | None = None  # first step at which it no longer binds (vanishes)
    called_path: Path | None = None  # an optional ratifier: the probability it is called


@dataclass(frozen=True)
class Structure:
    """What does not change between draws."""

    scenario: Scenario
    spec: DynamicsSpec
    line: Timeline
    issue_ids: tuple[str, ...]
    scale_lo: np.ndarray
    scale_hi: np.ndarray
    signatories: tuple[str, ...]
    signatory_actor: tuple[int, ...]
    roles: tuple[Role, ...]
    term_years: tuple[float | None, ...]
    turnover_step: tuple[int | None, ...]
    dynamics_index: tuple[int | None, ...]
    legacy: tuple[frozenset[str], ...]
    shock_roles: tuple[tuple[int, ...], ...] = field(default=())
    hazard_path: tuple[Path | None, ...] = field(default=())
    elections: tuple[tuple[tuple[int, Path], ...], ...] = field(default=())
    successors: tuple[Role | None, ...] = field(default=())
    legacy_years: tuple[float | None, ...] = field(default=())
    after_steps: tuple[int | None, ...] = field(default=())

    @property
    def optional_roles(self) -> tuple[int, ...]:
        """Indices of the ratifiers that may not be called (an optional referendum)."""
        return tuple(r for r, role in enumerate(self.roles) if role.called_path is not None)

    @property
    def random_turnover(self) -> bool:
        """True when some leader may leave at a random time (a hazard or an election)."""
        return any(p is not None for p in self.hazard_path) or any(self.elections)

    @property
    def width(self) -> np.ndarray:
        return np.asarray(self.scale_hi - self.scale_lo)


def structure(scenario: Scenario) -> Structure:
    """Read the fixed structure of ``scenario`` (a :class:`ModelError` without an agreement)."""
    agreement = scenario.agreement
    if agreement is None:
        raise ModelError(
            "model 'deadline-bargaining' needs an agreement with signatories in the scenario "
            "(the 'agreement' block)"
        )
    spec = scenario.dynamics or DynamicsSpec()
    line = timeline(scenario)
    actor_index = {a.id: k for k, a in enumerate(scenario.actors)}
    roles: list[Role] = []
    term_years: list[float | None] = []
    turnover: list[int | None] = []
    dyn_index: list[int | None] = []
    legacy: list[frozenset[str]] = []
    hazard_path: list[Path | None] = []
    elections: list[tuple[tuple[int, Path], ...]] = []
    successors: list[Role | None] = []
    legacy_years: list[float | None] = []
    for s, signatory in enumerate(agreement.signatories):
        d_index, entry = spec.signatory(signatory.actor)
        dyn_index.append(d_index)
        legacy.append(frozenset(entry.legacy))
        d_path: Path | None = None if d_index is None else ("dynamics", "signatories", d_index)
        base: Path = ("agreement", "signatories", s)
        own = Role(
            s,
            True,
            signatory.actor,
            actor_index[signatory.actor],
            signatory,
            base,
            None if d_path is None else (*d_path, "drift"),
        )
        roles.append(own)
        for p_index, package in enumerate(signatory.packages):
            roles.append(
                replace(
                    own,
                    acceptance=package,
                    path=(*base, "packages", p_index),
                    fallback=own,
                    package=p_index + 1,
                )
            )
        drifts = {r.actor: k for k, r in enumerate(entry.ratifiers)}
        for r, ratifier in enumerate(signatory.ratifiers):
            r_drift, payments, called = None, None, None
            binds_from, binds_until = 0, None
            if d_path is not None and ratifier.actor in drifts:
                k = drifts[ratifier.actor]
                r_drift = (*d_path, "ratifiers", k, "drift")
                spec_r = entry.ratifiers[k]
                if spec_r.side_payments is not None:
                    payments = (*d_path, "ratifiers", k, "side_payments")
                if spec_r.called is not None:
                    called = (*d_path, "ratifiers", k, "called")
                if spec_r.appears is not None:
                    binds_from = first_step_from(line, spec_r.appears) or line.steps
                if spec_r.vanishes is not None:
                    binds_until = first_step_from(line, spec_r.vanishes)
            roles.append(
                Role(
                    s,
                    False,
                    ratifier.actor,
                    actor_index[ratifier.actor],
                    ratifier,
                    (*base, "ratifiers", r),
                    r_drift,
                    payments_path=payments,
                    binds_from=binds_from,
                    binds_until=binds_until,
                    called_path=called,
                )
            )
        ends = None if signatory.leader is None else signatory.leader.term_ends
        term_years.append(_term(line, ends))
        turnover.append(None if term_years[-1] is None else first_step_from(line, ends))
        hazard, votes, successor = _leader_risks(line, signatory.leader, base, own)
        legacy_end = term_years[-1]
        if entry.legacy_until is not None:
            until = next(d for d in spec.deadlines if d.id == entry.legacy_until)
            legacy_end = _term(line, until.date)
        legacy_years.append(legacy_end)
        hazard_path.append(hazard)
        elections.append(votes)
        successors.append(successor)
    shock_roles = tuple(
        tuple(k for k, role in enumerate(roles) if role.actor == shock.target)
        for shock in spec.shocks
    )
    return Structure(
        scenario=scenario,
        spec=spec,
        line=line,
        issue_ids=tuple(i.id for i in scenario.issues),
        scale_lo=np.array([i.scale[0] for i in scenario.issues], dtype=float),
        scale_hi=np.array([i.scale[1] for i in scenario.issues], dtype=float),
        signatories=tuple(s.actor for s in agreement.signatories),
        signatory_actor=tuple(actor_index[s.actor] for s in agreement.signatories),
        roles=tuple(roles),
        term_years=tuple(term_years),
        turnover_step=tuple(turnover),
        dynamics_index=tuple(dyn_index),
        legacy=tuple(legacy),
        shock_roles=shock_roles,
        hazard_path=tuple(hazard_path),
        elections=tuple(elections),
        successors=tuple(successors),
        legacy_years=tuple(legacy_years),
        after_steps=tuple(first_step_from(line, d.date) for d in spec.deadlines),
    )


def _leader_risks(
    line: Timeline, leader: Leader | None, base: Path, own: Role
) -> tuple[Path | None, tuple[tuple[int, Path], ...], Role | None]:
    """Path of the exit hazard, (change step, turnover path) per election, the successor."""
    if leader is None:
        return None, (), None
    path: Path = (*base, "leader")
    hazard = None if leader.exit_hazard is None else (*path, "exit_hazard")
    votes = []
    for e, election in enumerate(leader.elections):
        k = first_step_from(line, election.date)
        if k is not None:
            votes.append((k, (*path, "elections", e, "turnover")))
    successor = None
    if leader.successor is not None:
        successor = replace(own, acceptance=leader.successor, path=(*path, "successor"))
    return hazard, tuple(votes), successor


def _term(line: Timeline, ends: dt.date | None) -> float | None:
    if ends is None or ends <= line.as_of:
        return None
    return line.years_at(ends)


def first_step_from(line: Timeline, ends: dt.date | None) -> int | None:
    """First step that starts on or after ``ends`` (``None`` if the term outlasts the grid)."""
    if ends is None:
        return None
    for k in range(1, line.steps):
        if line.dates[k - 1] >= ends:
            return k
    return None
