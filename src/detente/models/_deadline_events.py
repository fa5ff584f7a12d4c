"""Random and scheduled events of the dated model: shocks, leader changes, levers.

Private to :mod:`detente.models.deadline_bargaining`: shock paths and leader changes
(sampled per draw, the model's ``sample_process``), the widening a leader buys from
its ratifiers or a mediator adds, and the cost of a value that lapses at a date.
"""

from __future__ import annotations

import numpy as np

from detente.dynamics import Timeline, event_times, shock_offsets
from detente.limits import MAX_GRID_CELLS, check_cells
from detente.models._deadline_structure import Role, Structure, first_step_from
from detente.uncertainty import Draws

__all__ = [
    "check_grid",
    "mediation",
    "sample_shocks",
    "sample_turnover",
    "scheduled_turnover",
    "side_payments",
    "value_until",
]


def sample_shocks(st: Structure, draws: Draws, rng: np.random.Generator) -> np.ndarray:
    """Shock paths, shape ``(n, H, K)``: cumulative event size per shock and grid date."""
    n, shocks = draws.n, st.spec.shocks
    check_grid(st, n)
    out = np.zeros((n, len(shocks), st.line.steps))
    for h, shock in enumerate(shocks):
        hazard = draws.get(("dynamics", "shocks", h, "hazard"))
        out[:, h, :] = shock_offsets(st.line, hazard, shock.size, rng, f"shock {shock.id!r}")
    return out


def sample_turnover(st: Structure, draws: Draws, rng: np.random.Generator) -> np.ndarray:
    """Leader changes, shape ``(n, S, K)``: how many new leaders take office at step *k*'s start.

    A change at time *t* takes effect at the start of the first step that starts on or
    after *t* (as for ``term_ends``): the scheduled term end for certain, each election
    with its ``turnover`` probability, and unscheduled exits as a Poisson process with
    the leader's ``exit_hazard`` a year (successors face the same hazard). The generator
    is used only for elections and hazards, in that order, signatory by signatory.
    """
    n, K, years = draws.n, st.line.steps, st.line.years
    check_grid(st, n)
    out = np.zeros((n, len(st.signatories), K))
    span = float(years[-1])
    rows = np.arange(n)
    for s, k_t in enumerate(st.turnover_step):
        if k_t is not None:
            out[:, s, k_t] += 1.0
        for k_e, path in st.elections[s] if st.elections else ():
            out[:, s, k_e] += rng.random(n) < draws.get(path)
        hazard = st.hazard_path[s] if st.hazard_path else None
        if hazard is None:
            continue
        what = f"exits of {st.signatories[s]!r}'s leader (exit_hazard)"
        times, live = event_times(draws.get(hazard), span, rng, what)
        if not live.any():
            continue
        step = np.searchsorted(years, times, side="left") + 1
        keep = live & (step < K)
        who = np.broadcast_to(rows[:, None], keep.shape)
        np.add.at(out[:, s, :], (who[keep], step[keep]), 1.0)
    return out


def check_grid(st: Structure, n: int) -> None:
    """Refuse ``n`` draws whose arrays would pass :data:`~detente.limits.MAX_GRID_CELLS`.

    Counts the ``(n, K)`` lanes the model holds at once, about: the shock and leader
    paths twice (sampled, then joined), a low and a high per signatory, issue and set
    (the leader's own and the win-set, twice each) and per role and issue, and 16 more
    for the costs, the drift, the decay and the chain.
    """
    H, S, R, J = len(st.spec.shocks), len(st.signatories), len(st.roles), len(st.issue_ids)
    check_cells(
        n * st.line.steps * (2 * (H + S) + (4 * S + 2 * R) * J + 16),
        MAX_GRID_CELLS,
        f"the paths and acceptable sets of {n:,} draws x {st.line.steps:,} time steps "
        f"({S} signatories, {R} roles, {J} issues, {H} shocks)",
        "shorten the horizon or lengthen dynamics.step_months",
    )


def scheduled_turnover(st: Structure, n: int) -> np.ndarray:
    """Leader changes ``(n, S, K)`` from the term ends alone (no hazards, no elections)."""
    out = np.zeros((n, len(st.signatories), st.line.steps))
    for s, k_t in enumerate(st.turnover_step):
        if k_t is not None:
            out[:, s, k_t] = 1.0
    return out


def side_payments(st: Structure, role: Role, draws: Draws) -> np.ndarray:
    """Widening ``(n, K)`` a leader buys for its ratifier: ``min(rate t, limit, B / cost)``.

    ``B`` is the deal's value to the signatory (the sum of its motive weights): a leader
    spends no more political capital than the agreement is worth to it (Putnam 1988 on
    side payments and reverberation).
    """
    path = role.payments_path
    if path is None:
        return np.zeros((draws.n, st.line.steps))
    rate, limit, cost = (draws.get((*path, k)) for k in ("rate", "limit", "cost"))
    a = st.signatory_actor[role.signatory]
    value = np.zeros(draws.n)
    for m in range(len(st.scenario.actors[a].motives)):
        value = value + draws.get(("actors", a, "motives", m, "weight"))
    with np.errstate(divide="ignore", invalid="ignore"):
        budget = np.where(cost > 0, value / np.where(cost > 0, cost, 1.0), np.inf)
    cap = np.minimum(limit, budget)
    return np.asarray(np.minimum(rate[:, None] * st.line.years[None, :], cap[:, None]))


def mediation(st: Structure, role: Role, draws: Draws) -> np.ndarray:
    """Widening ``(n, K)`` of a mediator's or guarantor's targets from its start."""
    out = np.zeros((draws.n, st.line.steps))
    for m, mediator in enumerate(st.spec.mediators):
        if role.actor not in mediator.targets:
            continue
        start = mediator.start
        k = 0 if start is None or start <= st.line.as_of else first_step_from(st.line, start)
        if k is None:
            continue
        size = draws.get(("dynamics", "mediators", m, "widen"))
        out = out + size[:, None] * (np.arange(st.line.steps) >= k)[None, :]
    return out


def value_until(line: Timeline, end: float, weight: np.ndarray) -> np.ndarray:
    """``weight * ln((T - t0) / (T - t1))`` for the steps before ``T = end``, shape ``(n, K)``.

    The integral over each step of the flow ``weight / (T - t)``: a value worth having
    only if signed before ``T``, spread over the time left (infinite in the step ending
    at ``T``, zero after it).
    """
    start = line.years - line.step_years
    before = line.years <= end + 1e-12
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log = np.where(before, np.log((end - start) / np.maximum(end - line.years, 0.0)), 0.0)
        return np.asarray(np.where(weight[:, None] > 0, weight[:, None] * log[None, :], 0.0))
