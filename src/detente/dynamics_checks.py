"""Cross-reference checks of the ``dynamics`` block (who is a signatory, which motives exist).

Each check raises :class:`~detente.errors.ScenarioError` with the path of the offending
field, which :mod:`detente.io` turns into a file and line.
"""

from __future__ import annotations

from detente.errors import PathPart, ScenarioError
from detente.scenario_parts import ScenarioFields

__all__ = ["check_dynamics"]


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
