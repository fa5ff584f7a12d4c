"""Arrays of the dated model: every signatory's sets over time, for many draws at once.

Private to :mod:`detente.models.deadline_bargaining`. :func:`structure`
(:mod:`~detente.models._deadline_structure`) reads what does not vary between draws
(who signs, who ratifies, the time grid); :func:`inputs` turns
``n`` sampled parameter sets (a :class:`~detente.uncertainty.Draws`) and shock paths
into arrays of shape ``(S, J, n, K)``: signatories x issues x draws x steps (the draw
and step axes last, so that every per-signatory, per-issue slice is contiguous).

An acceptable set is stored as an *anchor* (the actor's position, clipped into the
set) with a reach below and above it, so that widening or narrowing moves both ends
relative to the actor's own position and never excludes it (Putnam's win-set shrinks
towards the constituency's ideal point as it hardens).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.dynamics_spec import DEFAULT_DISCOUNT_RATE
from detente.models._deadline_events import (
    check_grid,
    mediation,
    sample_shocks,
    sample_turnover,
    scheduled_turnover,
    side_payments,
    value_until,
)
from detente.models._deadline_structure import Path, Role, Structure, structure
from detente.uncertainty import Draws

__all__ = ["Inputs", "Structure", "inputs", "sample_shocks", "sample_turnover", "structure"]


@dataclass(frozen=True)
class Inputs:
    """Per-draw arrays (draws on the last axes): sets over time, saliences, costs, signing."""

    own_lo: np.ndarray  # (S, J, n, K) the leader's own set
    own_hi: np.ndarray
    win_lo: np.ndarray  # (S, J, n, K) the ratifiers' intersection (Putnam's win-set)
    win_hi: np.ndarray
    salience: np.ndarray  # (S, J, n)
    cost: np.ndarray  # (S, n, K) cost of delay over each step (motive weight x years)
    compromise: np.ndarray  # (J, n) capability x salience mean of signatories (nan: none)
    decay: np.ndarray  # (n, K) chance a reached agreement is still unsigned a step later
    status_quo: np.ndarray  # (J, n) nan where the issue has none
    changes: np.ndarray  # (S, n, K) True where a new leader takes office at the step's start
    open: np.ndarray  # (K,) False from the first step after a deadline whose talks lapse
    alt_lo: tuple[np.ndarray, ...]  # per signatory (A, J, n, K): box (0), then its packages
    alt_hi: tuple[np.ndarray, ...]


def _set_of(st: Structure, role: Role, draws: Draws) -> tuple[np.ndarray, ...]:
    """Anchor, reach below, reach above (each (J, n)) and which issues it constrains (J,)."""
    scenario, n = st.scenario, draws.n
    actor = scenario.actors[role.actor_index]
    lo_s, hi_s = st.scale_lo, st.scale_hi
    J = len(st.issue_ids)
    anchor = np.repeat(((lo_s + hi_s) / 2)[:, None], n, axis=1)
    down = np.repeat(((hi_s - lo_s) / 2)[:, None], n, axis=1)
    up = down.copy()
    bound = np.zeros(J, dtype=bool)
    stance_path: Path = ("actors", role.actor_index, "stances")
    for j, issue in enumerate(scenario.issues):
        source = role
        named = issue.id in role.acceptance.accepts or issue.id in role.acceptance.tolerance
        if role.fallback is not None and not named:
            source = role.fallback  # a package leaves this issue to the per-issue rule
        acc = source.acceptance
        has_stance = issue.id in actor.stances
        pos = draws.get((*stance_path, issue.id, "position")) if has_stance else None
        if issue.id in acc.accepts:
            lo = np.clip(draws.get((*source.path, "accepts", issue.id, 0)), lo_s[j], hi_s[j])
            hi = np.clip(draws.get((*source.path, "accepts", issue.id, 1)), lo_s[j], hi_s[j])
            mid = (lo + hi) / 2  # a draw with crossed bounds collapses to their midpoint
            lo, hi = np.where(lo > hi, mid, lo), np.where(lo > hi, mid, hi)
            a = mid if pos is None else np.clip(pos, lo, hi)
            anchor[j], down[j], up[j] = a, a - lo, hi - a
        elif issue.id in acc.tolerance and pos is not None:
            tol = draws.get((*source.path, "tolerance", issue.id))
            anchor[j], down[j], up[j] = pos, tol, tol
        elif pos is not None and issue.status_quo is not None:
            reach = np.abs(draws.get(("issues", j, "status_quo")) - pos)
            anchor[j], down[j], up[j] = pos, reach, reach
        else:
            continue  # no constraint: the whole scale
        bound[j] = True
    return anchor, down, up, bound


def _bounds(
    st: Structure,
    sets: tuple[np.ndarray, ...],
    widen: list[np.ndarray],
    shift: list[np.ndarray],
    factor: np.ndarray | None,
    j: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Bounds ``(n, K)`` on issue ``j`` of a set ``(anchor, down, up)``, drift and shocks added."""
    anchor, down, up, _ = sets
    width = st.width[j]
    extra = widen[j] * width
    d, u = down[j][:, None], up[j][:, None]
    if factor is not None:
        d, u = d * factor, u * factor
    a = anchor[j][:, None] + shift[j] * width
    lo = np.clip(a - np.maximum(0.0, d + extra), st.scale_lo[j], st.scale_hi[j])
    hi = np.clip(a + np.maximum(0.0, u + extra), st.scale_lo[j], st.scale_hi[j])
    return lo, hi


def _role_sets(
    st: Structure, r: int, role: Role, draws: Draws, shocks: np.ndarray, replaced: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bounds ``(J, n, K)`` of one role's set at every grid date, and its constrained issues.

    For a leader's own set, ``replaced`` ``(n, K)`` says where a successor holds office:
    there the set is the successor's (``leader.successor``) on the issues it names, and
    the leader's scaled by ``successor_flexibility`` on the others.
    """
    n, years = draws.n, st.line.years
    sets = _set_of(st, role, draws)
    bound = sets[3]
    drift = np.zeros(n) if role.drift_path is None else draws.get(role.drift_path)
    trend = drift[:, None] * years[None, :]  # (n, K), fraction of the scale
    widen = [trend for _ in st.issue_ids]
    shift = [np.zeros_like(trend) for _ in st.issue_ids]
    for h, shock in enumerate(st.spec.shocks):
        if r not in st.shock_roles[h]:
            continue
        for j, issue_id in enumerate(st.issue_ids):
            if shock.issue in (None, issue_id):
                if shock.effect == "width":
                    widen[j] = widen[j] + shocks[:, h, :]
                else:
                    shift[j] = shift[j] + shocks[:, h, :]
    for d, deadline in enumerate(st.spec.deadlines):
        k_after = st.after_steps[d] if st.after_steps else None
        if deadline.after not in ("narrow", "widen") or k_after is None:
            continue
        if deadline.targets and role.actor not in deadline.targets:
            continue
        sign = 1.0 if deadline.after == "widen" else -1.0
        change = sign * draws.get(("dynamics", "deadlines", d, "change"))
        step = change[:, None] * (np.arange(st.line.steps) >= k_after)[None, :]
        widen = [w + step for w in widen]
    bought = side_payments(st, role, draws) + mediation(st, role, draws)
    widen = [w + bought for w in widen]
    factor = None
    successor = st.successors[role.signatory] if role.own and st.successors else None
    named: set[str] = set()
    if role.own and replaced.any():
        signatory_path = (role.fallback or role).path  # a package role: its signatory's
        flex = draws.get((*signatory_path, "leader", "successor_flexibility"))
        factor = np.where(replaced, flex[:, None], 1.0)
        if successor is not None:
            named = set(successor.acceptance.accepts) | set(successor.acceptance.tolerance)
    after = _set_of(st, successor, draws) if successor is not None and named else None
    lo = np.empty((len(st.issue_ids), n, st.line.steps))
    hi = np.empty_like(lo)
    for j, issue_id in enumerate(st.issue_ids):
        if after is not None and issue_id in named:
            lead_lo, lead_hi = (
                _bounds(st, sets, widen, shift, None, j)
                if bound[j]
                else (np.full_like(trend, st.scale_lo[j]), np.full_like(trend, st.scale_hi[j]))
            )
            next_lo, next_hi = _bounds(st, after, widen, shift, None, j)
            lo[j], hi[j] = (
                np.where(replaced, next_lo, lead_lo),
                np.where(replaced, next_hi, lead_hi),
            )
            continue
        if not bound[j]:
            lo[j], hi[j] = st.scale_lo[j], st.scale_hi[j]
            continue
        lo[j], hi[j] = _bounds(st, sets, widen, shift, factor, j)
    return lo, hi, bound


def inputs(
    st: Structure,
    draws: Draws,
    shocks: np.ndarray,
    changes: np.ndarray | None = None,
    skip: frozenset[int] = frozenset(),
) -> Inputs:
    """All arrays the chain needs, for the ``n`` draws in ``draws``.

    ``shocks`` is :func:`sample_shocks`'s ``(n, H, K)``; ``changes`` is
    :func:`sample_turnover`'s ``(n, S, K)`` (default: the scheduled term ends alone).
    ``skip`` holds the indices of roles left out (optional ratifiers not called); a
    ratifier binds only in the steps from its ``appears`` to its ``vanishes``.
    """
    scenario, line, n = st.scenario, st.line, draws.n
    K, S, J = line.steps, len(st.signatories), len(st.issue_ids)
    check_grid(st, n)
    if changes is None:
        changes = scheduled_turnover(st, n)
    new_leader = np.transpose(changes, (1, 0, 2)) > 0  # (S, n, K)
    replaced = np.cumsum(new_leader, axis=2) > 0
    own_lo = np.empty((S, J, n, K))
    own_hi = np.empty((S, J, n, K))
    win_lo = np.empty((S, J, n, K))
    win_hi = np.empty((S, J, n, K))
    win_lo[:] = st.scale_lo[None, :, None, None]
    win_hi[:] = st.scale_hi[None, :, None, None]
    extra: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in range(S)]
    for r, role in enumerate(st.roles):
        if r in skip:
            continue
        lo, hi, _ = _role_sets(st, r, role, draws, shocks, replaced[role.signatory])
        s = role.signatory
        if not role.own and (role.binds_from > 0 or role.binds_until is not None):
            steps = np.arange(K)
            off = (steps < role.binds_from) | (
                False if role.binds_until is None else steps >= role.binds_until
            )
            lo = np.where(off, st.scale_lo[:, None, None], lo)
            hi = np.where(off, st.scale_hi[:, None, None], hi)
        if role.own and role.package:
            extra[s].append((lo, hi))
        elif role.own:
            own_lo[s], own_hi[s] = lo, hi
        else:
            np.maximum(win_lo[s], lo, out=win_lo[s])
            np.minimum(win_hi[s], hi, out=win_hi[s])
    salience = np.zeros((S, J, n))
    weight = np.zeros((S, J, n))
    position = np.zeros((S, J, n))
    cost = np.empty((S, n, K))
    for s, a_index in enumerate(st.signatory_actor):
        actor = scenario.actors[a_index]
        capability = draws.get(("actors", a_index, "capability"))
        for j, issue_id in enumerate(st.issue_ids):
            if issue_id in actor.stances:
                base: Path = ("actors", a_index, "stances", issue_id)
                salience[s, j] = draws.get((*base, "salience"))
                position[s, j] = draws.get((*base, "position"))
                weight[s, j] = capability * salience[s, j]
        cost[s] = _cost(st, s, draws, replaced[s])
    total = weight.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        compromise = np.where(total > 0, (weight * position).sum(axis=0) / total, np.nan)
    lag = draws.get(("dynamics", "signing_lag"), 0.0) / 12.0  # months -> years
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rate = np.where(lag[:, None] > 0, line.step_years[None, :] / lag[:, None], np.inf)
    decay = np.exp(-rate)
    status_quo = np.full((J, n), np.nan)
    for j, issue in enumerate(scenario.issues):
        if issue.status_quo is not None:
            status_quo[j] = draws.get(("issues", j, "status_quo"))
    talks = np.ones(K, dtype=bool)
    for d, deadline in enumerate(st.spec.deadlines):
        k_after = st.after_steps[d] if st.after_steps else None
        if deadline.after == "lapse" and k_after is not None:
            talks[k_after:] = False
    alt_lo = tuple(np.stack([own_lo[s], *(lo for lo, _ in extra[s])]) for s in range(S))
    alt_hi = tuple(np.stack([own_hi[s], *(hi for _, hi in extra[s])]) for s in range(S))
    return Inputs(
        own_lo,
        own_hi,
        win_lo,
        win_hi,
        salience,
        cost,
        compromise,
        decay,
        status_quo,
        new_leader,
        talks,
        alt_lo,
        alt_hi,
    )


def _cost(st: Structure, s: int, draws: Draws, replaced: np.ndarray) -> np.ndarray:
    """Cost of delay of signatory ``s`` over each step, shape ``(n, K)``.

    ``r * B * dt`` (the discounted value of the deal forgone, Rubinstein 1982) plus, for
    legacy motives of total weight ``L`` valued only before the term end ``T``,
    ``L * ln((T - t0) / (T - t1))``: the integral of ``L / (T - t)``, the value of the
    legacy spread over the time left (infinite in the step ending at ``T``). A legacy is
    the leader's own: it lapses where ``replaced`` ``(n, K)`` says a successor holds office.
    """
    line, n = st.line, draws.n
    actor = st.scenario.actors[st.signatory_actor[s]]
    value = np.zeros(n)
    legacy = np.zeros(n)
    for m, motive in enumerate(actor.motives):
        w = draws.get(("actors", st.signatory_actor[s], "motives", m, "weight"))
        if motive.id in st.legacy[s]:
            legacy = legacy + w
        else:
            value = value + w
    d_index = st.dynamics_index[s]
    rate = (
        np.full(n, DEFAULT_DISCOUNT_RATE)
        if d_index is None
        else draws.get(("dynamics", "signatories", d_index, "discount_rate"))
    )
    cost = (rate * value)[:, None] * line.step_years[None, :]
    term = st.legacy_years[s] if st.legacy_years else st.term_years[s]
    if term is not None and np.any(legacy > 0):
        cost = cost + np.where(replaced, 0.0, value_until(line, term, legacy))
    for d, deadline in enumerate(st.spec.deadlines):
        for v, entry in enumerate(deadline.valued_by):
            if entry.actor == st.signatories[s]:
                weight = draws.get(("dynamics", "deadlines", d, "valued_by", v, "weight"))
                cost = cost + value_until(line, line.years_at(deadline.date), weight)
    return np.asarray(cost)
