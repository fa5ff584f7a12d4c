"""KTAB's Spatial Model of Politics: the deterministic building blocks of a turn.

KTAB (KAPSARC Toolkit for Behavioral Analysis; Wise, Lester, Efird et al., MIT
licence) scores a state of the negotiation, before any bargaining, in five steps, each
a function here, vectorised over actors and options:

1. :func:`weighted_distance`: the salience-weighted distance, as actor ``i`` sees it,
   between its position and actor ``j``'s, on the 0-1 scale
   (``SMPModel::bvDiff``):
   ``d_ij = sqrt(sum_k (s_ik (x_ik - x_jk))^2 / sum_k s_ik^2)``;
2. :func:`risk_utility`: utility ``u = (1 - d)(1 + d R)`` with risk attitude
   ``R`` in [-1, 1] (``SMPModel::bsUtil``; ``R = 0`` is risk neutral, ``1 - d``);
3. :func:`coalitions`: the strength of the coalition for option ``i`` against ``j``,
   ``c_ij = 1e-8 + sum_k max(0, v_k(i:j))`` with votes ``v_k = w_k f(u_ki - u_kj)``
   under a voting rule ``f`` (``Model::vote``, ``Model::coalitions``);
4. :func:`victory_probabilities` and :func:`condorcet_probabilities`: the pairwise
   victory probabilities and the probabilistic Condorcet election (PCE) over the options
   (``Model::vProb``, ``condPCE``, ``markovIncentivePCE``, ``markovUniformPCE``);
5. :func:`risk_attitudes`: risk attitudes from the risk-neutral PCE over the actors'
   positions (``Model::bigRfromProb``), and :func:`estimated_risk`: how actor ``h``
   estimates actor ``i``'s (``Model::estNRA``, the big-R adjustment).

:func:`turn_zero` chains them as ``SMPState::setAllAUtil`` and ``SMPState::pDist(-1)``
do; ``tests/published/test_smp_ktab.py`` checks them against KTAB's reference logs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

__all__ = [
    "BigRAdjust",
    "BigRRange",
    "PCEModel",
    "TurnZero",
    "VictoryModel",
    "VotingRule",
    "coalitions",
    "condorcet_probabilities",
    "effective_power",
    "estimated_risk",
    "risk_attitudes",
    "risk_utility",
    "turn_zero",
    "victory_probabilities",
    "weighted_distance",
]

VotingRule = Literal["binary", "prop-bin", "proportional", "prop-cubic", "cubic", "asym-prospect"]
VictoryModel = Literal["linear", "square", "quartic", "octic", "binary"]
PCEModel = Literal["conditional", "markov-incentive", "markov-uniform"]
BigRRange = Literal["min", "mid", "max"]
BigRAdjust = Literal["full", "two-thirds", "half", "one-third", "none"]

#: KTAB's names for the options (XML ``ModelParameters``) -> detente's.
KTAB_NAMES: dict[str, str] = {
    "Binary": "binary",
    "PropBin": "prop-bin",
    "Prop": "proportional",
    "Proportional": "proportional",
    "PropCbc": "prop-cubic",
    "Cubic": "cubic",
    "ASymProsp": "asym-prospect",
    "Linear": "linear",
    "Square": "square",
    "Quartic": "quartic",
    "Octic": "octic",
    "Conditional": "conditional",
    "MarkovIncentive": "markov-incentive",
    "MarkovUniform": "markov-uniform",
    "Min": "min",
    "Mid": "mid",
    "Max": "max",
    "FullRA": "full",
    "TwoThirds": "two-thirds",
    "Half": "half",
    "OneThird": "one-third",
    "None": "none",
}

_MIN_COALITION = 1e-8  # Model::coalitions' minC
#: Positions closer than this (Euclidean, 0-1 scale) are one option of the PCE. Inferred
#: from KTAB's log, not read from its source: in 20170530_ref-dummyData_3Dim.txt actors
#: 1e-4 apart share one winning probability; 2e-4 .. 1e-3 all reproduce every turn.
POSITION_TOL = 1e-3
_PCE_TOL = {"markov-incentive": 1e-8, "markov-uniform": 1e-6}  # KTAB's pTol


def weighted_distance(
    positions: np.ndarray, saliences: np.ndarray, ideals: np.ndarray | None = None
) -> np.ndarray:
    """``d[i, j]``: distance from ``i``'s ideal to ``j``'s position, weighted by ``i``'s
    saliences (KTAB's ``SMPState::setVDiff``).

    ``positions`` (n, k) on 0-1, ``saliences`` (n, k) on 0-1 (each row's total at most 1
    in KTAB; only ratios within a row matter here), ``ideals`` (n, k) on 0-1, by default
    the positions themselves (KTAB's identity accommodation). Returns (n, n).
    """
    start = positions if ideals is None else ideals
    diff = start[:, None, :] - positions[None, :, :]
    weighted = (saliences[:, None, :] * diff) ** 2
    return np.asarray(np.sqrt(weighted.sum(axis=2) / (saliences**2).sum(axis=1)[:, None]))


def risk_utility(distance: np.ndarray, risk: np.ndarray | float) -> np.ndarray:
    """KTAB's ``bsUtil``: ``(1 - d)(1 + d R)`` for ``d <= 1``, ``(1 - d)(1 + R)`` beyond."""
    d = np.asarray(distance, dtype=float)
    r = np.asarray(risk, dtype=float)
    return np.asarray(np.where(d <= 1.0, (1 - d) * (1 + d * r), (1 - d) * (1 + r)))


def _votes(rule: VotingRule, weight: np.ndarray, du: np.ndarray) -> np.ndarray:
    thresh = 1e-10
    if rule in ("binary", "prop-bin"):
        binary = np.where(du > thresh, 1.0, np.where(du < -thresh, -1.0, 0.0))
        response = binary if rule == "binary" else 0.8 * du + 0.2 * binary
    elif rule == "proportional":
        response = du
    elif rule == "prop-cubic":
        response = 0.5 * du + 0.5 * (du * du * du)
    elif rule == "cubic":
        response = du * du * du
    else:  # asym-prospect: losses count fully, gains two thirds
        response = np.where(du < 0, du, 2.0 * du / 3.0)
    return np.asarray(weight * response)


def coalitions(utilities: np.ndarray, weights: np.ndarray, rule: VotingRule) -> np.ndarray:
    """``c[i, j]``: strength of the coalition for option ``i`` over option ``j``.

    ``utilities`` (n actors, m options), ``weights`` (n,). Returns (m, m), every entry at
    least ``1e-8`` (KTAB's ``minC``, which keeps ``c_ij + c_ji`` positive).
    """
    du = utilities[:, :, None] - utilities[:, None, :]  # (n, i, j)
    votes = _votes(rule, weights[:, None, None], du)
    return np.asarray(_MIN_COALITION + np.clip(votes, 0.0, None).sum(axis=0))


def victory_probabilities(strength: np.ndarray, model: VictoryModel) -> np.ndarray:
    """``p[i, j]``: probability that option ``i`` beats ``j`` (``p_ij + p_ji = 1``)."""
    c, ct = strength, strength.T
    if model == "binary":
        thresh = 1.10
        ratio = c / (c + ct)
        p = np.clip((ratio * (thresh + 1.0) - 1.0) / (thresh - 1.0), 0.0, 1.0)
        p = np.where(c >= thresh * ct, 1.0, np.where(ct >= thresh * c, 0.0, p))
    else:
        power = {"linear": 1, "square": 2, "quartic": 4, "octic": 8}[model]
        p = c**power / (c**power + ct**power)
    np.fill_diagonal(p, 0.5)
    return np.asarray(p)


def condorcet_probabilities(
    strength: np.ndarray, victory: VictoryModel, model: PCEModel
) -> np.ndarray:
    """The probabilistic Condorcet election: each option's probability of prevailing.

    ``"conditional"``: ``P_i`` proportional to ``prod_j p_ij``. ``"markov-uniform"``:
    the stationary distribution of challenges made uniformly at random.
    ``"markov-incentive"``: challenges made in proportion to their incentive
    ``c_ij p_ij`` (Efird & Lester, "Markov voting with incentives in KTAB"). Both Markov
    versions iterate from the uniform distribution with KTAB's half step until no
    probability changes by more than KTAB's tolerance.
    """
    p_win = victory_probabilities(strength, victory)
    m = p_win.shape[0]
    if model == "conditional":
        prod = np.prod(p_win, axis=1)
        return np.asarray(prod / prod.sum())
    if model == "markov-incentive":
        incentive = strength * p_win + np.eye(m) * 1e-10
        challenge = incentive / incentive.sum(axis=0, keepdims=True)  # P[i -> j]
    else:
        challenge = np.full((m, m), 1.0 / m)
    # one step is linear, q = A p, with q_i = sum_j p_win[i, j] (p_i P[j -> i] + p_j P[i -> j])
    step = p_win * challenge + np.diag((p_win * challenge.T).sum(axis=1))
    return _stationary(step, _PCE_TOL[model])


def _stationary(step: np.ndarray, tol: float) -> np.ndarray:
    """The fixed point of KTAB's half-step iteration ``p <- (p + A p) / 2`` from the
    uniform distribution, stopped when no probability moves by more than ``tol``.

    ``A`` (m, m) keeps total probability (its columns sum to 1). The iteration's limit
    is the stationary distribution, ``(A - I) p = 0`` with ``sum p = 1``; KTAB's
    iteration approaches it and stops when a step moves less than ``tol``. Iterating
    costs tens to hundreds of matrix-vector products per election, so the limit is
    solved for directly (falling back to the uniform start if the chain is reducible),
    then KTAB's steps run until one moves less than ``tol`` (usually at once). The
    answer differs from KTAB's stopping point by about ``tol`` (1e-8 for
    markov-incentive), far below the 4 decimals KTAB prints.
    """
    m = step.shape[0]
    system = step - np.eye(m)
    system[-1, :] = 1.0
    rhs = np.zeros(m)
    rhs[-1] = 1.0
    try:
        p = np.linalg.solve(system, rhs)
    except np.linalg.LinAlgError:  # a reducible chain: KTAB's iteration decides
        p = np.full(m, 1.0 / m)
    if not (np.all(np.isfinite(p)) and np.all(p >= -1e-9)):
        p = np.full(m, 1.0 / m)
    p = np.clip(p, 0.0, None)
    p /= p.sum()
    for _ in range(10_000):
        q = step @ p
        change = float(np.abs(q - p).max())
        p = (p + q) / 2.0
        if change <= tol:
            break
    return np.asarray(p)


def risk_attitudes(probabilities: np.ndarray, scale: BigRRange) -> np.ndarray:
    """KTAB's ``bigRfromProb``: the likeliest position's actor is the most risk-accepting.

    ``"min"`` maps the probabilities linearly onto [0, 1], ``"mid"`` onto [-0.5, 1],
    ``"max"`` onto [-1, 1] (lowest probability to the lower end).
    """
    p = probabilities
    lo, hi = float(p.min()), float(p.max())
    if hi - lo <= 0:
        return np.zeros_like(p)
    if scale == "min":
        return np.asarray((p - lo) / (hi - lo))
    if scale == "mid":
        return np.asarray((3 * p - (hi + 2 * lo)) / (2 * (hi - lo)))
    return np.asarray((2 * p - (hi + lo)) / (hi - lo))


def estimated_risk(risk: np.ndarray, adjust: BigRAdjust) -> np.ndarray:
    """``r[h, i]``: actor ``h``'s estimate of ``i``'s risk attitude (``estNRA``)."""
    own, other = risk[:, None], risk[None, :]
    share = {"full": 1.0, "two-thirds": 2 / 3, "half": 0.5, "one-third": 1 / 3, "none": 0.0}
    return np.asarray((1 - share[adjust]) * own + share[adjust] * other)


def effective_power(capabilities: np.ndarray, saliences: np.ndarray) -> np.ndarray:
    """Capability times total salience, KTAB's effective power (``sankeyOutput``)."""
    return np.asarray(capabilities * saliences.sum(axis=1))


@dataclass(frozen=True)
class TurnZero:
    """What KTAB computes for a state before bargaining (shapes: n actors)."""

    distances: np.ndarray  # (n, n)
    risk_neutral: np.ndarray  # (n, n) utilities with R = 0
    risk: np.ndarray  # (n,) inferred risk attitudes
    utilities: np.ndarray  # (n, n) objective risk-aware utilities
    estimates: np.ndarray  # (n, n, n) estimates[h] = h's estimate of the utilities
    probabilities: np.ndarray  # (n,) P(actor's position prevails), equal positions share


def turn_zero(
    positions: np.ndarray,
    saliences: np.ndarray,
    capabilities: np.ndarray,
    *,
    voting: VotingRule = "prop-cubic",
    victory: VictoryModel = "linear",
    pce: PCEModel = "markov-incentive",
    big_r_range: BigRRange = "mid",
    big_r_adjust: BigRAdjust = "one-third",
    ideals: np.ndarray | None = None,
) -> TurnZero:
    """Distances, risk attitudes, utilities and winning probabilities of a state.

    Inputs on KTAB's 0-1 scales (positions / 100, salience shares / 100), capabilities
    as given. Defaults are KTAB's (``SMPModel`` defaults and ``smpExample.xml``).
    Risk attitudes come from a risk-neutral PCE in which every actor's position is an
    option; the winning probabilities from a PCE over the distinct positions (closer
    than :data:`POSITION_TOL` on the 0-1 scale counts as the same), each actor getting its
    position's probability, so equal positions each show the shared probability.
    Every utility is measured from the actor's ideal (``ideals`` (n, k), by default its
    position); which positions count as equal depends on the positions only.
    """
    dist = weighted_distance(positions, saliences, ideals)
    neutral = risk_utility(dist, 0.0)
    # risk attitudes: every actor's position is an option, duplicates included
    # (SMPState::setAllAUtil); the winning probabilities: distinct positions (pDist)
    strength = coalitions(neutral, capabilities, voting)
    risk = risk_attitudes(condorcet_probabilities(strength, victory, pce), big_r_range)
    unique = _unique_positions(positions)
    cols = np.array(sorted(set(unique.tolist())))
    objective = risk_utility(dist, risk[:, None])
    estimates = risk_utility(dist[None, :, :], estimated_risk(risk, big_r_adjust)[:, :, None])
    strength = coalitions(objective[:, cols], capabilities, voting)
    p_options = condorcet_probabilities(strength, victory, pce)
    return TurnZero(
        distances=dist,
        risk_neutral=neutral,
        risk=risk,
        utilities=objective,
        estimates=estimates,
        probabilities=p_options[np.searchsorted(cols, unique)],
    )


def _unique_positions(positions: np.ndarray, tol: float = POSITION_TOL) -> np.ndarray:
    """For each actor, the index of the first actor at an equivalent position."""
    n = positions.shape[0]
    gap = np.linalg.norm(positions[:, None, :] - positions[None, :, :], axis=2)
    return np.array([int(np.flatnonzero(gap[i] < tol)[0]) for i in range(n)])
