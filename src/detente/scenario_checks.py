"""Cross-reference checks of a scenario (ids exist, values within their issue's scale).

Above the value objects (:mod:`detente.scenario_parts`), below
:class:`detente.scenario.Scenario`, which runs :func:`check_scenario` when it is built. Each
check raises :class:`~detente.errors.ScenarioError` with the path of the offending
field, which :mod:`detente.io` turns into a file and line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel

from detente.copula import PSD_TOLERANCE, correlation_matrix, smallest_eigenvalue
from detente.dynamics_checks import check_dynamics, check_in_window
from detente.errors import PathPart, ScenarioError, expected_one_of, format_path
from detente.quantity import Range
from detente.scenario_fields import ScenarioFields
from detente.scenario_parts import Acceptance, Issue, Leader

__all__ = ["check_scenario", "correlated_ranges", "locate", "resolve_path"]


def _unique(ids: Iterable[str], where: tuple[PathPart, ...], what: str) -> None:
    seen: dict[str, int] = {}
    for index, ident in enumerate(ids):
        if ident in seen:
            raise ScenarioError(
                f"duplicate {what} id {ident!r} (first used at "
                f"{format_path((*where, seen[ident]))})",
                (*where, index, "id" if what != "signatory" else "actor"),
            )
        seen[ident] = index


def _within(value: Range, issue: Issue, path: Sequence[PathPart], what: str) -> None:
    lo, hi = issue.scale
    if value.low < lo or value.high > hi:
        raise ScenarioError(
            f"{what} {value.describe()} lies outside the scale of issue {issue.id!r} "
            f"[{lo:g}, {hi:g}]",
            path,
        )


def _check_acceptance(
    scenario: ScenarioFields,
    acc: Acceptance,
    base: tuple[PathPart, ...],
    issues: dict[str, Issue],
) -> None:
    for key in ("accepts", "tolerance"):
        for issue_id in getattr(acc, key):
            if issue_id not in issues:
                raise ScenarioError(
                    f"unknown issue {issue_id!r}; expected one of {sorted(issues)}",
                    (*base, key, issue_id),
                )
    for issue_id, bounds in acc.accepts.items():
        for k, bound in enumerate(bounds):
            _within(bound, issues[issue_id], (*base, "accepts", issue_id, k), "accepted bound")


def check_scenario(scenario: ScenarioFields) -> None:
    """Raise :class:`ScenarioError` at the first cross-reference problem found."""
    _unique((s.id for s in scenario.sources), ("sources",), "source")
    _unique((i.id for i in scenario.issues), ("issues",), "issue")
    _unique((a.id for a in scenario.actors), ("actors",), "actor")
    if scenario.horizon <= scenario.as_of:
        raise ScenarioError(
            f"horizon {scenario.horizon} must come after as_of {scenario.as_of}", ("horizon",)
        )
    issues = {i.id: i for i in scenario.issues}
    actors = {a.id for a in scenario.actors}
    for i_index, issue in enumerate(scenario.issues):
        lo, hi = issue.scale
        for point in issue.anchors:
            if not lo <= point <= hi:
                raise ScenarioError(
                    f"anchor {point:g} lies outside the scale [{lo:g}, {hi:g}]",
                    ("issues", i_index, "anchors", point),
                )
    _unique((c.id for c in scenario.correlation), ("correlation",), "correlation group")
    taken: set[str] = set()
    for a_index, actor in enumerate(scenario.actors):
        _unique((m.id for m in actor.motives), ("actors", a_index, "motives"), "motive")
        for issue_id, stance in actor.stances.items():
            path: tuple[PathPart, ...] = ("actors", a_index, "stances", issue_id)
            if issue_id not in issues:
                raise ScenarioError(
                    f"unknown issue {issue_id!r}; expected one of {sorted(issues)}", path
                )
            _within(stance.position, issues[issue_id], (*path, "position"), "position")
            taken.add(issue_id)
    for i_index, issue in enumerate(scenario.issues):
        if issue.id not in taken:
            raise ScenarioError(
                f"no actor takes a stance on issue {issue.id!r}", ("issues", i_index)
            )
    if scenario.agreement is not None:
        _check_agreement(scenario, issues, actors)
    for d_index, key_date in enumerate(scenario.dates):
        if not scenario.as_of <= key_date.date <= scenario.horizon:
            raise ScenarioError(
                f"date {key_date.date} lies outside as_of..horizon "
                f"({scenario.as_of}..{scenario.horizon})",
                ("dates", d_index, "date"),
            )
    if scenario.dynamics is not None:
        check_dynamics(scenario)
    _check_outcome(scenario, issues)
    correlated_ranges(scenario)
    _check_evidence(scenario)


def _check_outcome(scenario: ScenarioFields, issues: dict[str, Issue]) -> None:
    outcome = scenario.outcome
    if outcome is None:
        return
    sources = {s.id for s in scenario.sources}
    for index, source in enumerate(outcome.sources):
        if source not in sources:
            raise ScenarioError(
                f"unknown source {source!r}; {expected_one_of(sources, 'sources')}",
                ("outcome", "sources", index),
            )
    if outcome.date is not None and outcome.date < scenario.as_of:
        raise ScenarioError(
            f"the outcome date {outcome.date} comes before as_of {scenario.as_of}: a case must be "
            "encoded as known before its outcome",
            ("outcome", "date"),
        )
    levels = ["agreement", *outcome.levels]
    if len(set(outcome.levels)) != len(outcome.levels):
        raise ScenarioError("outcome levels must be distinct", ("outcome", "levels"))
    if outcome.agreement_level is not None and outcome.agreement_level not in outcome.levels:
        raise ScenarioError(
            f"unknown level {outcome.agreement_level!r}; expected one of {outcome.levels}",
            ("outcome", "agreement_level"),
        )
    for w_index, window in enumerate(outcome.windows):
        path: tuple[PathPart, ...] = ("outcome", "windows", w_index)
        check_in_window(scenario, window.end, (*path, "end"), "window end")
        if window.level not in levels:
            raise ScenarioError(
                f"unknown level {window.level!r}; expected one of {levels}", (*path, "level")
            )
        if window.date is not None and not scenario.as_of <= window.date <= window.end:
            raise ScenarioError(
                f"the date {window.date} must lie between as_of {scenario.as_of} and the "
                f"window's end {window.end}",
                (*path, "date"),
            )
    for issue_id, value in outcome.settled.items():
        if issue_id not in issues:
            raise ScenarioError(
                f"unknown issue {issue_id!r}; expected one of {sorted(issues)}",
                ("outcome", "settled", issue_id),
            )
        lo, hi = issues[issue_id].scale
        if not lo <= value <= hi:
            raise ScenarioError(
                f"settled value {value:g} lies outside the scale [{lo:g}, {hi:g}]",
                ("outcome", "settled", issue_id),
            )


def _check_agreement(scenario: ScenarioFields, issues: dict[str, Issue], actors: set[str]) -> None:
    agreement = scenario.agreement
    if agreement is None:
        return
    _unique((s.actor for s in agreement.signatories), ("agreement", "signatories"), "signatory")
    for s_index, signatory in enumerate(agreement.signatories):
        base: tuple[PathPart, ...] = ("agreement", "signatories", s_index)
        if signatory.actor not in actors:
            raise ScenarioError(
                f"unknown actor {signatory.actor!r}; expected one of {sorted(actors)}",
                (*base, "actor"),
            )
        _check_acceptance(scenario, signatory, base, issues)
        _check_leader(scenario, signatory.leader, (*base, "leader"), issues)
        _unique((p.id for p in signatory.packages), (*base, "packages"), "package")
        for p_index, package in enumerate(signatory.packages):
            _check_acceptance(scenario, package, (*base, "packages", p_index), issues)
        seen: set[str] = set()
        for r_index, ratifier in enumerate(signatory.ratifiers):
            r_base = (*base, "ratifiers", r_index)
            if ratifier.actor not in actors:
                raise ScenarioError(
                    f"unknown actor {ratifier.actor!r}; expected one of {sorted(actors)}",
                    (*r_base, "actor"),
                )
            if ratifier.actor in seen:
                raise ScenarioError(f"ratifier {ratifier.actor!r} listed twice", (*r_base, "actor"))
            seen.add(ratifier.actor)
            _check_acceptance(scenario, ratifier, r_base, issues)


def _check_leader(
    scenario: ScenarioFields,
    leader: Leader | None,
    base: tuple[PathPart, ...],
    issues: dict[str, Issue],
) -> None:
    if leader is None:
        return
    if leader.successor is not None:
        _check_acceptance(scenario, leader.successor, (*base, "successor"), issues)
    for e_index, election in enumerate(leader.elections):
        check_in_window(
            scenario, election.date, (*base, "elections", e_index, "date"), "election date"
        )


def resolve_path(document: Any, about: str) -> Any:
    """Follow a dotted evidence path through a dumped scenario.

    List items are addressed by their ``id`` (or ``actor`` for signatories and
    ratifiers, ``date`` for key dates), e.g. ``agreement.signatories.russia.leader``.
    Raises ``KeyError`` naming the first segment that does not resolve.
    """
    node = document
    for segment in about.split("."):
        if isinstance(node, dict):
            if segment in node:
                node = node[segment]
                continue
            numeric = _as_number(segment)
            if numeric is not None and numeric in node:
                node = node[numeric]
                continue
            raise KeyError(segment)
        if isinstance(node, list):
            for item in node:
                if isinstance(item, dict) and segment in (
                    str(item.get("id")),
                    str(item.get("actor")),
                    str(item.get("date")),
                ):
                    node = item
                    break
            else:
                raise KeyError(segment)
            continue
        raise KeyError(segment)
    return node


def _as_number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _check_evidence(scenario: ScenarioFields) -> None:
    sources = {s.id for s in scenario.sources}
    document = scenario.model_dump(mode="python", by_alias=True)
    for e_index, entry in enumerate(scenario.evidence):
        if entry.quote and entry.source is None:
            raise ScenarioError(
                "a quote needs the id of the source it comes from (source: ...)",
                ("evidence", e_index, "source"),
            )
        if entry.source is not None and entry.source not in sources:
            raise ScenarioError(
                f"unknown source {entry.source!r}; {expected_one_of(sources, 'sources')}",
                ("evidence", e_index, "source"),
            )
        try:
            resolve_path(document, entry.about)
        except KeyError as exc:
            raise ScenarioError(
                f"{entry.about!r} names no parameter of this scenario (no {exc.args[0]!r} there)",
                ("evidence", e_index, "about"),
            ) from None


def locate(root: BaseModel, dotted: str) -> tuple[tuple[PathPart, ...], Any]:
    """The object at a dotted parameter path, and its key (attribute names, list indices).

    List items are named by ``id``, ``actor`` or ``date`` (as in evidence paths), tuple
    items (the bounds of an ``accepts`` pair) by index. Raises ``KeyError`` naming the
    first segment that does not resolve.
    """
    node: Any = root
    key: list[PathPart] = []
    for segment in dotted.split("."):
        part: PathPart
        if isinstance(node, BaseModel) and segment in type(node).model_fields:
            node, part = getattr(node, segment), segment
        elif isinstance(node, dict) and segment in node:
            node, part = node[segment], segment
        elif isinstance(node, tuple) and segment.isdigit() and int(segment) < len(node):
            node, part = node[int(segment)], int(segment)
        elif isinstance(node, list):
            for index, item in enumerate(node):
                names = (getattr(item, f, None) for f in ("id", "actor", "date"))
                if segment in (str(n) for n in names if n is not None):
                    node, part = item, index
                    break
            else:
                raise KeyError(segment)
        else:
            raise KeyError(segment)
        key.append(part)
    return tuple(key), node


def correlated_ranges(
    scenario: ScenarioFields,
) -> tuple[list[tuple[PathPart, ...]], np.ndarray]:
    """Keys of the ranges named in ``correlation`` groups and their correlation matrix.

    Raises :class:`ScenarioError` at the first group that names an unknown or fixed
    number, names a range twice, gives a pair a second, different ``rho``, or makes the
    matrix not positive semi-definite (pairwise correlations that cannot all hold).
    """
    keys: list[tuple[PathPart, ...]] = []
    paths: list[str] = []
    groups: list[tuple[list[int], float]] = []
    pairs: dict[tuple[int, int], tuple[float, str]] = {}
    for g_index, group in enumerate(scenario.correlation):
        base: tuple[PathPart, ...] = ("correlation", g_index)
        members: list[int] = []
        for r_index, dotted in enumerate(group.ranges):
            where = (*base, "ranges", r_index)
            try:
                key, node = locate(scenario, dotted)
            except KeyError as exc:
                raise ScenarioError(
                    f"{dotted!r} names no parameter of this scenario (no {exc.args[0]!r} there)",
                    where,
                ) from None
            if not isinstance(node, Range):
                raise ScenarioError(f"{dotted!r} is not a number of this scenario", where)
            if node.is_fixed:
                raise ScenarioError(
                    f"{dotted!r} is fixed at {node.mode:g}; only a range {{low, mode, high}} "
                    "can be correlated",
                    where,
                )
            if key not in keys:
                keys.append(key)
                paths.append(dotted)
            member = keys.index(key)
            if member in members:
                raise ScenarioError(f"{dotted!r} is named twice in group {group.id!r}", where)
            members.append(member)
        for a in members:
            for b in members:
                if a < b:
                    earlier = pairs.get((a, b))
                    if earlier is not None and earlier[0] != group.rho:
                        raise ScenarioError(
                            f"{paths[a]!r} and {paths[b]!r} already have rho {earlier[0]:g} "
                            f"(group {earlier[1]!r}); a pair takes one correlation",
                            (*base, "rho"),
                        )
                    pairs[(a, b)] = (group.rho, group.id)
        groups.append((members, group.rho))
        lowest = smallest_eigenvalue(correlation_matrix(groups, len(keys)))
        if lowest < -PSD_TOLERANCE:
            raise ScenarioError(
                f"with group {group.id!r} the correlations cannot all hold at once: the "
                f"correlation matrix is not positive semi-definite (smallest eigenvalue "
                f"{lowest:.3g}); weaken the negative correlations",
                (*base, "rho"),
            )
    return keys, correlation_matrix(groups, len(keys))
