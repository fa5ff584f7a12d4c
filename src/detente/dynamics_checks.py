"""Cross-reference checks of the ``dynamics`` block (who is a signatory, which motives exist).

Each check raises :class:`~detente.errors.ScenarioError` with the path of the offending
field, which :mod:`detente.io` turns into a file and line.
"""

from __future__ import annotations

import datetime as dt

from detente.errors import PathPart, ScenarioError, expected_one_of
from detente.scenario_fields import ScenarioFields

__all__ = ["MAX_OPTIONAL_RATIFIERS", "check_dynamics", "check_in_window"]

MAX_OPTIONAL_RATIFIERS = 4
"""Optional ratifiers (``called``) are mixed exactly: 2^R runs of the chain."""


def check_in_window(
    scenario: ScenarioFields, day: dt.date, path: tuple[PathPart, ...], what: str
) -> None:
    """Raise unless ``as_of < day <= horizon`` (``what`` names the date in the message)."""
    if not scenario.as_of < day <= scenario.horizon:
        raise ScenarioError(
            f"{what} {day} lies outside as_of..horizon ({scenario.as_of}..{scenario.horizon}]",
            path,
        )


def _check_targets(targets: list[str], roles: set[str], path: tuple[PathPart, ...]) -> None:
    for t_index, target in enumerate(targets):
        if target not in roles:
            raise ScenarioError(
                f"target {target!r} is neither a signatory nor a ratifier; expected one of "
                f"{sorted(roles)}",
                (*path, "targets", t_index),
            )


def check_dynamics(scenario: ScenarioFields) -> None:
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
                    f"{expected_one_of(motives, 'motives')}",
                    (*path, "legacy", m_index),
                )
        deadline_ids = [d.id for d in spec.deadlines]
        if entry.legacy_until is not None and entry.legacy_until not in deadline_ids:
            raise ScenarioError(
                f"unknown deadline {entry.legacy_until!r}; "
                f"{expected_one_of(deadline_ids, 'deadlines (dynamics.deadlines)')}",
                (*path, "legacy_until"),
            )
        ends = signatory.leader is not None and signatory.leader.term_ends is not None
        if entry.legacy and not ends and entry.legacy_until is None:
            raise ScenarioError(
                f"legacy motives need a date for signatory {entry.actor!r}: a leader with "
                "term_ends (agreement.signatories[].leader.term_ends) or legacy_until naming "
                "a deadline (dynamics.deadlines[].id)",
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
            for key in ("appears", "vanishes"):
                day = getattr(ratifier, key)
                if day is not None:
                    check_in_window(scenario, day, (*path, "ratifiers", r_index, key), key)
            if ratifier.appears and ratifier.vanishes and ratifier.vanishes <= ratifier.appears:
                raise ScenarioError(
                    f"vanishes {ratifier.vanishes} must come after appears {ratifier.appears}",
                    (*path, "ratifiers", r_index, "vanishes"),
                )
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
    optional = [
        (index, k)
        for index, entry in enumerate(spec.signatories)
        for k, ratifier in enumerate(entry.ratifiers)
        if ratifier.called is not None
    ]
    if len(optional) > MAX_OPTIONAL_RATIFIERS:
        index, k = optional[MAX_OPTIONAL_RATIFIERS]
        raise ScenarioError(
            f"at most {MAX_OPTIONAL_RATIFIERS} ratifiers may be optional (each one doubles the "
            "dated model's work)",
            (*base, "signatories", index, "ratifiers", k, "called"),
        )
    _check_deadlines(scenario, set(signatories), roles)
    _check_mediators(scenario, roles)


def _check_mediators(scenario: ScenarioFields, roles: set[str]) -> None:
    spec = scenario.dynamics
    if spec is None:
        return
    ids: set[str] = set()
    for index, mediator in enumerate(spec.mediators):
        path: tuple[PathPart, ...] = ("dynamics", "mediators", index)
        if mediator.id in ids:
            raise ScenarioError(f"duplicate mediator id {mediator.id!r}", (*path, "id"))
        ids.add(mediator.id)
        _check_targets(mediator.targets, roles, path)
        start = mediator.start
        if start is not None and not scenario.as_of <= start <= scenario.horizon:
            raise ScenarioError(
                f"start {start} lies outside as_of..horizon ({scenario.as_of}..{scenario.horizon})",
                (*path, "start"),
            )


def _check_deadlines(scenario: ScenarioFields, signatories: set[str], roles: set[str]) -> None:
    spec = scenario.dynamics
    if spec is None:
        return
    ids: set[str] = set()
    for index, deadline in enumerate(spec.deadlines):
        path: tuple[PathPart, ...] = ("dynamics", "deadlines", index)
        if deadline.id in ids:
            raise ScenarioError(f"duplicate deadline id {deadline.id!r}", (*path, "id"))
        ids.add(deadline.id)
        check_in_window(scenario, deadline.date, (*path, "date"), "deadline")
        valued: set[str] = set()
        for v_index, value in enumerate(deadline.valued_by):
            where = (*path, "valued_by", v_index, "actor")
            if value.actor not in signatories:
                raise ScenarioError(
                    f"{value.actor!r} is not a signatory; only signatories concede, expected "
                    f"one of {sorted(signatories)}",
                    where,
                )
            if value.actor in valued:
                raise ScenarioError(f"signatory {value.actor!r} listed twice", where)
            valued.add(value.actor)
        _check_targets(deadline.targets, roles, path)
        if deadline.after in ("narrow", "widen") and deadline.change.high == 0:
            raise ScenarioError(
                f"after: {deadline.after} needs a change > 0 (fraction of the scale)",
                (*path, "change"),
            )
