"""The exact forward pass of the dated model over concession states, vectorised over draws.

Private to :mod:`detente.models.deadline_bargaining` (the equations are documented
there and in ``docs/models/deadline-bargaining.md``). The state of a draw is the set
of signatories whose leaders have conceded (a bitmask over S signatories, 2^S states);
given the parameters of a draw, the chance of every state at every step is computed
exactly, so each draw yields a probability curve rather than a 0/1 outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations, product

import numpy as np

from detente.models._deadline_arrays import Inputs, Structure

__all__ = ["ChainResult", "concession_probability", "run_chain"]


@dataclass(frozen=True)
class ChainResult:
    """Per draw: P(agreement signed by each grid date) and the expected agreed point."""

    by: np.ndarray  # (n, K)
    agreed: np.ndarray  # (n, J) expected point given a zone is reached; nan if never


def concession_probability(cost: np.ndarray, stake: np.ndarray) -> np.ndarray:
    """``1 - exp(-cost / stake)``: the chance a holding-out leader concedes within a step.

    ``cost`` is the cost of delay over the step and ``stake`` what conceding gives up
    (both >= 0). A zero stake concedes at once (nothing to defend); a zero cost with a
    positive stake never does.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        hazard = np.where(stake > 0, cost / np.where(stake > 0, stake, 1.0), np.inf)
    return np.asarray(-np.expm1(-hazard))


class _Sets:
    """Each signatory's effective sets while holding out (one per package) and once conceded."""

    def __init__(self, inp: Inputs) -> None:
        self.held_lo = [np.maximum(lo, w) for lo, w in zip(inp.alt_lo, inp.win_lo, strict=True)]
        self.held_hi = [np.minimum(hi, w) for hi, w in zip(inp.alt_hi, inp.win_hi, strict=True)]

    def effective(
        self, inp: Inputs, s: int, conceded: bool, package: int = 0
    ) -> tuple[np.ndarray, np.ndarray]:
        """Bounds ``(J, n, K)``: the win-set once conceded, else own set ``package`` ∩ win-set."""
        if conceded:
            return inp.win_lo[s], inp.win_hi[s]
        return self.held_lo[s][package], self.held_hi[s][package]


def _zone(
    inp: Inputs, st: Structure, eff: list[tuple[np.ndarray, np.ndarray]]
) -> tuple[np.ndarray, np.ndarray]:
    """Feasibility ``(n, K)`` of the effective sets ``eff`` and the agreed point ``(J, n, K)``."""
    S, J, n, K = inp.own_lo.shape
    feasible = np.ones((n, K), dtype=bool)
    point = np.empty((J, n, K))
    for j in range(J):
        zone_lo = eff[0][0][j]
        zone_hi = eff[0][1][j]
        for s in range(1, S):
            zone_lo = np.maximum(zone_lo, eff[s][0][j])
            zone_hi = np.minimum(zone_hi, eff[s][1][j])
        feasible &= zone_lo <= zone_hi + 1e-9 * st.width[j]
        target = inp.compromise[j][:, None]
        if np.isnan(target).any():
            target = np.where(np.isnan(target), (zone_lo + zone_hi) / 2, target)
        point[j] = np.minimum(np.maximum(target, zone_lo), np.maximum(zone_lo, zone_hi))
    return feasible, point


def _stake(
    inp: Inputs, st: Structure, s: int, package: int, eff: list[tuple[np.ndarray, np.ndarray]]
) -> np.ndarray:
    """What holding-out leader ``s`` defends with own set ``package``, shape ``(n, K)``.

    The salience-weighted distance (fraction of each scale) of its own set from its
    ratifiers' set and from each other side's effective set.
    """
    S, J, n, K = inp.own_lo.shape
    stake = np.zeros((n, K))
    for j in range(J):
        lo_s, hi_s = inp.alt_lo[s][package, j], inp.alt_hi[s][package, j]
        gap = np.maximum(0.0, np.maximum(inp.win_lo[s, j] - hi_s, lo_s - inp.win_hi[s, j]))
        for o in range(S):
            if o != s:
                gap = np.maximum(gap, np.maximum(eff[o][0][j] - hi_s, lo_s - eff[o][1][j]))
        stake += inp.salience[s, j][:, None] * gap / st.width[j]
    return stake


def _state_arrays(
    inp: Inputs, st: Structure, sets: _Sets, state: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Feasibility (n, K), concession chances (S, n, K) and agreed point (J, n, K) in ``state``.

    A holding-out signatory with packages accepts any of them: there is a zone when some
    choice of one own set per holding-out signatory leaves a zone (the first such choice,
    box first, gives the agreed point), and a leader's stake is the smallest over the
    choices, the package that asks least of it. Without packages there is one choice.
    """
    S, J, n, K = inp.own_lo.shape
    conceded = [bool((state >> s) & 1) for s in range(S)]
    options = [range(1) if conceded[s] else range(inp.alt_lo[s].shape[0]) for s in range(S)]
    feasible = np.zeros((n, K), dtype=bool)
    point = np.empty((J, n, K))
    stake = np.full((S, n, K), np.inf)
    for choice in product(*options):
        eff = [sets.effective(inp, s, conceded[s], choice[s]) for s in range(S)]
        here, at = _zone(inp, st, eff)
        if not choice or not any(choice):
            point = at  # the box choice: the point wherever no package is needed
        else:
            point = np.where((here & ~feasible)[None], at, point)
        feasible |= here
        for s in range(S):
            if not conceded[s]:
                stake[s] = np.minimum(stake[s], _stake(inp, st, s, choice[s], eff))
    concede = np.ones((S, n, K))
    for s in range(S):
        if not conceded[s]:  # a conceded leader's chance is never used
            concede[s] = concession_probability(inp.cost[s], stake[s])
    return feasible, concede, point


def _transitions(S: int) -> list[tuple[int, int, tuple[int, ...], tuple[int, ...]]]:
    """(from, to, who concedes, who holds out) for every state and subset of holdouts."""
    out = []
    for state in range(1 << S):
        holdouts = [s for s in range(S) if not (state >> s) & 1]
        for size in range(len(holdouts) + 1):
            for movers in combinations(holdouts, size):
                to = state
                for s in movers:
                    to |= 1 << s
                stay = tuple(s for s in holdouts if s not in movers)
                out.append((state, to, movers, stay))
    return out


def run_chain(inp: Inputs, st: Structure) -> ChainResult:
    """Forward pass over the grid: turnover, zone check, concessions, zone check, signing.

    Steps after a deadline whose talks lapse (``inp.open`` False) reach nothing.
    Each step *k*: (1) in the draws where a new leader takes office at the step's start
    (a term end, a lost election, an unscheduled exit: ``inp.changes``) it holds out
    again (its bit is cleared); (2) draws whose state already has a zone at
    ``dates[k]`` reach agreement (so no one concedes while a zone exists); (3) every
    holding-out leader of the rest concedes independently with its step probability,
    computed in the state at the step's start; (4) states with a zone now reach
    agreement. A reached agreement is signed after an exponential lag counted from the
    step's start: the signed share is the reached share convolved with the lag.
    """
    S, J, n, K = inp.own_lo.shape
    n_states = 1 << S
    sets = _Sets(inp)
    feasible = np.empty((K, n_states, n))
    concede = np.empty((K, n_states, S, n))
    point = np.empty((K, n_states, J, n))
    for state in range(n_states):
        f, c, pt = _state_arrays(inp, st, sets, state)
        feasible[:, state, :] = f.T & inp.open[:, None]
        concede[:, state] = c.transpose(2, 0, 1)
        point[:, state] = pt.transpose(2, 0, 1)
    decay = np.ascontiguousarray(inp.decay.T)  # (K, n): chance a reached deal is not yet signed
    moves = _transitions(S)
    changes = np.ascontiguousarray(np.transpose(inp.changes, (2, 0, 1)))  # (K, S, n)
    changing = np.asarray(changes.any(axis=2))  # (K, S)
    mass = np.zeros((n_states, n))
    mass[0] = 1.0
    by = np.empty((K, n))
    reached = np.zeros(n)
    pending = np.zeros(n)
    signed = np.zeros(n)
    agreed = np.zeros((J, n))
    for k in range(K):
        for who in np.flatnonzero(changing[k]):
            bit, new_leader = 1 << int(who), changes[k, who]
            for state in range(n_states):
                if state & bit:
                    moved = np.where(new_leader, mass[state], 0.0)
                    mass[state & ~bit] += moved
                    mass[state] -= moved
        hit = mass * feasible[k]
        mass = mass - hit
        p = concede[k]
        new = np.zeros_like(mass)
        for src, dst, movers, stay in moves:
            flow = mass[src]
            for s in movers:
                flow = flow * p[src, s]
            for s in stay:
                flow = flow * (1.0 - p[src, s])
            new[dst] += flow
        late = new * feasible[k]
        mass = new - late
        step = np.zeros(n)
        for state in range(n_states):
            both = hit[state] + late[state]
            step = step + both
            agreed += both * point[k, state]
        reached = reached + step
        waiting = pending + step
        signed = signed + waiting * (1.0 - decay[k])
        pending = waiting * decay[k]
        by[k] = signed
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        mean = np.where(reached > 0, agreed / reached, np.nan)
    return ChainResult(np.clip(by.T, 0.0, 1.0), mean.T)
