"""KTAB's Spatial Model of Politics: one turn of challenges and bargains.

A turn (``SMPState::doBCN`` in KTAB) from the state scored by
:func:`detente.models._smp_pce.turn_zero`:

1. **Challenges** (``probEduChlg``, ``bestChallenge``). Actor ``h`` estimates, for
   ``i`` challenging ``j``, the strength of the coalitions for ``i`` and for ``j``: the
   principals vote with weight ``c s`` (capability x total salience share), each on
   the side it prefers, each third party ``n`` joins the side it prefers in the
   "little contest" of ``i``, ``j`` and ``n`` (``vProbLittle``) with the utilities of
   the third-party commitment rule (``thirdPartyVoteSU``). ``P = C_i / (C_i + C_j)``;
   the expected change in utility to ``k`` is
   ``(1 - s_j) 2u_ki + s_j (P 2u_ki + (1 - P) 2u_kj) - (u_ki + u_kj)``. Each actor
   picks the target with the largest gain above ``1e-5``.
2. **Bargains** (``interpolateBrgn``; S2P2 by default, S1P1 and S2PMax as options,
   :func:`interpolate`). On each dimension
   ``b_i = (w_i t_i + w_j t_j) / (w_i + w_j)`` with ``w = s_k^2 p^2``, KTAB's ``1e-6``
   added to the initiator's weight and the result rounded to 4 decimals; with the
   initiator's probability of winning, and (InitRcvrInterp, PWCompInterp) once more
   "from the target's perspective", with the target's estimate of the initiator's
   expected gain as KTAB passes it. The power-weighted compromise weighs the two with
   ``c_i s_i`` and ``c_i s_j`` (KTAB uses the initiator's capability for both, kept as
   KTAB computes it).
3. **Resolution**. Every actor's options are its status quo and the bargains it is
   part of; each option is scored, by every actor, as the mean utility of all positions
   after it, measured from the actor's ideal (``brgnUtil``), and a probabilistic
   Condorcet election over them picks one: the likeliest (deterministic transitions)
   or a draw from the election's probabilities (stochastic: from the run's
   ``numpy.random.Generator``, or from KTAB's own generator to reproduce a KTAB run).

Every utility is measured from the actors' ideal points (KTAB's ideal-accommodation
matrix, :mod:`detente.models._smp_accommodation`; by default ideal = position).

Sources: KTAB (KAPSARC, MIT licence), ``smp.cpp`` and ``kmodel.cpp``; Wise, Lester,
Efird et al., "KTAB: the KAPSARC Toolkit for Behavioral Analysis".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np

from detente.models._smp_pce import (
    BigRAdjust,
    BigRRange,
    PCEModel,
    TurnZero,
    VictoryModel,
    VotingRule,
    _votes,
    coalitions,
    condorcet_probabilities,
    risk_utility,
    turn_zero,
)

__all__ = [
    "Bargain",
    "Chooser",
    "SMPOptions",
    "Turn",
    "TurnOrder",
    "contests",
    "run_turn",
    "score_state",
]

ThirdPartyCommit = Literal["full", "semi", "none"]
BargainModel = Literal["init-only", "init-rcvr", "power-weighted"]
Transitions = Literal["deterministic", "stochastic"]
Interpolation = Literal["s2p2", "s1p1", "s2pmax"]

_MIN_CONTRIB = 1e-10
_MIN_SIGNIFICANT = 1e-5
_MIN_W = 1e-6


@dataclass(frozen=True)
class SMPOptions:
    """KTAB's model parameters (XML ``ModelParameters``), with KTAB's defaults."""

    voting: VotingRule = "prop-cubic"
    victory: VictoryModel = "linear"
    pce: PCEModel = "markov-incentive"
    big_r_range: BigRRange = "mid"
    big_r_adjust: BigRAdjust = "one-third"
    third_party: ThirdPartyCommit = "semi"
    bargain: BargainModel = "init-only"
    transitions: Transitions = "stochastic"
    interpolation: Interpolation = "s2p2"


@dataclass(frozen=True)
class Bargain:
    """``init`` proposes that it adopt ``pos_init`` and ``rcvr`` adopt ``pos_rcvr``."""

    init: int
    rcvr: int
    pos_init: np.ndarray
    pos_rcvr: np.ndarray


@dataclass(frozen=True)
class Turn:
    """A turn's outcome: new positions (n, k), each actor's target and win probability."""

    positions: np.ndarray
    targets: dict[int, tuple[int, float, float]]  # i -> (j, P[i beats j], gain)
    chosen: dict[int, Bargain | None]
    probabilities: np.ndarray  # (n,) P(position prevails) of the state played
    options: dict[int, np.ndarray]  # k -> PCE probabilities of [status quo, bargains...]
    offered: dict[int, Bargain]  # i -> the (first) bargain i proposed to its target
    bargains: tuple[Bargain, ...] = ()  # every bargain proposed, by initiator


def contests(
    est: np.ndarray,
    h: np.ndarray,
    i: np.ndarray,
    j: np.ndarray,
    weight: np.ndarray,
    sal: np.ndarray,
    opts: SMPOptions,
) -> tuple[np.ndarray, np.ndarray]:
    """``(P[i beats j], expected change in utility to i)`` as ``h`` estimates them,
    for many contests at once (``probEduChlg``).

    ``est`` (n, n, n): ``est[h]`` is ``h``'s utility matrix; ``h``, ``i``, ``j`` (P,)
    index the contests; ``weight`` (n,) is ``c s``, ``sal`` (n,) each actor's total
    salience share. Returns two (P,) arrays; the gain is ``i``'s, as ``h`` sees it.
    """
    n = est.shape[1]
    every = np.arange(n)[None, :]
    e_ii, e_ij = est[h, i, i], est[h, i, j]
    # the principals' own votes; each joins the side it prefers, which with ideals
    # apart from positions need not be its own (KTAB adds a vote of either sign to the
    # coalition it favours)
    v_i = _votes(opts.voting, weight[i], e_ii - e_ij)
    v_j = _votes(opts.voting, weight[j], est[h, j, i] - est[h, j, j])
    c_i = _MIN_CONTRIB + np.clip(v_i, 0, None) + np.clip(v_j, 0, None)
    c_j = _MIN_CONTRIB + np.clip(-v_i, 0, None) + np.clip(-v_j, 0, None)
    # third parties n (every actor but i and j): (P, n) with the principals masked out
    u_ni, u_nj = est[h[:, None], every, i[:, None]], est[h[:, None], every, j[:, None]]
    u_nn = est[h[:, None], every, every]
    third_party = (every != i[:, None]) & (every != j[:, None])
    own = _votes(opts.voting, weight[None, :], u_ni - u_nj)
    for_i = np.where(own > 0, c_i[:, None] + own, c_i[:, None])
    for_j = np.where(own < 0, c_j[:, None] - own, c_j[:, None])
    p_in = for_i / (for_i + for_j)
    p_jn = 1.0 - p_in
    if opts.third_party == "full":
        ik_j, j_ik, i_jk, jk_i = 3 * u_ni, 3 * u_nj, 3 * u_ni, 3 * u_nj
    elif opts.third_party == "semi":
        ik_j, j_ik, i_jk, jk_i = 2 * u_ni + u_nn, 3 * u_nj, 3 * u_ni, 2 * u_nj + u_nn
    else:
        ik_j, j_ik = 2 * u_ni + u_nn, 2 * u_nj + u_nn
        i_jk, jk_i = 2 * u_ni + u_nn, 2 * u_nj + u_nn
    side_i = p_in * ik_j + p_jn * j_ik
    side_j = p_in * i_jk + p_jn * jk_i
    third = np.where(third_party, _votes(opts.voting, weight[None, :], side_i - side_j), 0.0)
    c_i = c_i + np.clip(third, 0, None).sum(axis=1)
    c_j = c_j + np.clip(-third, 0, None).sum(axis=1)
    p_ij = c_i / (c_i + c_j)
    s_j = sal[j]
    victory, loss = 2 * est[h, i, i], 2 * est[h, i, j]
    contest = p_ij * victory + (1 - p_ij) * loss
    gain = (1 - s_j) * victory + s_j * contest - (e_ii + e_ij)
    return np.asarray(p_ij), np.asarray(gain)


def _round4(x: np.ndarray) -> np.ndarray:
    return np.floor(0.5 + x * 10000.0) / 10000.0


def interpolate(
    t_i: np.ndarray,
    s_i: np.ndarray,
    p_i: float,
    t_j: np.ndarray,
    s_j: np.ndarray,
    p_j: float,
    rule: Interpolation = "s2p2",
) -> tuple[np.ndarray, np.ndarray]:
    """KTAB's bargain interpolation (``InterVecBrgn``): both actors' positions after a
    bargain, on each dimension, on 0-1.

    ``s2p2`` (KTAB's default) and ``s1p1``: with ``w = s^n p^n`` (n = 2 or 1),
    ``b_i = ((w_i + 1e-6) t_i + w_j t_j) / (w_i + 1e-6 + w_j)`` and
    ``b_j = (w_i t_i + (1e-6 + w_j) t_j) / (w_i + 1e-6 + w_j)``, rounded to 4 decimals
    (``interpBrgnSnPm``). ``s2pmax``: only the weaker side moves, by the gap in
    probability: ``d_i = max(0, p_j - p_i)``,
    ``b_i = t_i + d_i s_j^2 / (d_i s_j^2 + 1e-6 + (1 - d_i) s_i^2) (t_j - t_i)`` and
    likewise for ``j``, not rounded (``interpBrgnS2PMax``).
    """
    if rule == "s2pmax":
        d_i, d_j = max(0.0, p_j - p_i), max(0.0, p_i - p_j)
        sq_i, sq_j = s_i**2, s_j**2
        move_i = d_i * sq_j / (d_i * sq_j + _MIN_W + (1 - d_i) * sq_i)
        move_j = d_j * sq_i / (d_j * sq_i + _MIN_W + (1 - d_j) * sq_j)
        return t_i + move_i * (t_j - t_i), t_j + move_j * (t_i - t_j)
    power = 2 if rule == "s2p2" else 1
    w_i, w_j = s_i**power * p_i**power, s_j**power * p_j**power
    b_i = _round4(((w_i + _MIN_W) * t_i + w_j * t_j) / (w_i + _MIN_W + w_j))
    b_j = _round4((w_i * t_i + (_MIN_W + w_j) * t_j) / (w_i + _MIN_W + w_j))
    return b_i, b_j


def score_state(
    positions: np.ndarray,
    saliences: np.ndarray,
    capabilities: np.ndarray,
    opts: SMPOptions,
    ideals: np.ndarray | None = None,
) -> TurnZero:
    """:func:`turn_zero` with the options of ``opts`` (utilities from ``ideals``)."""
    return turn_zero(
        positions,
        saliences,
        capabilities,
        voting=opts.voting,
        victory=opts.victory,
        pce=opts.pce,
        big_r_range=opts.big_r_range,
        big_r_adjust=opts.big_r_adjust,
        ideals=ideals,
    )


@dataclass(frozen=True)
class TurnOrder:
    """The order in which one of KTAB's turns happened to run.

    KTAB (2017) runs each actor's challenge and each actor's choice of bargain in its
    own thread, so the order of the bargains on an actor's list and the order in which
    actors draw from the generator are whatever order the threads ran in; its log shows
    both ("Bargains involving actor k: [id, i:j]...", and the order of "Doing
    scalarPCE ... of actor k"). Without a ``TurnOrder`` a turn runs in KTAB's
    sequential order: actors by index, each list its status quo first, then the
    bargains by initiator.

    ``draws``: the actors in the order they draw. ``options[k]``: the ``(init, rcvr)``
    pairs of actor ``k``'s options in KTAB's order (``(k, k)`` is its status quo).
    """

    draws: tuple[int, ...]
    options: tuple[tuple[tuple[int, int], ...], ...]


class Chooser(Protocol):
    """A generator that picks an option from probabilities (KTAB's ``probSel``)."""

    def choose(self, probabilities: np.ndarray) -> int: ...


def _choice(rng: np.random.Generator | Chooser, probabilities: np.ndarray) -> int:
    if isinstance(rng, np.random.Generator):
        return int(rng.choice(len(probabilities), p=probabilities / probabilities.sum()))
    return rng.choose(probabilities)


def _bargains(
    i: int,
    j: int,
    positions: np.ndarray,
    saliences: np.ndarray,
    capabilities: np.ndarray,
    p_iij: float,
    est: np.ndarray,
    weight: np.ndarray,
    sal: np.ndarray,
    opts: SMPOptions,
) -> list[Bargain]:
    """The bargains ``i`` proposes to ``j`` under ``opts.bargain`` (KTAB's BargnModel)."""
    rule = opts.interpolation
    b_i, b_j = interpolate(
        positions[i], saliences[i], p_iij, positions[j], saliences[j], 1 - p_iij, rule
    )
    if opts.bargain == "init-only":
        return [Bargain(i, j, b_i, b_j)]
    # the bargain "from j's perspective": KTAB (smpbcn.cpp, 2017) passes the second
    # element of probEduChlg(j, i, i, j), j's estimate of i's expected *gain*, where a
    # probability is meant; kept as KTAB computes it (it reproduces the log's bargains)
    pair = np.array([i]), np.array([j])
    g_jij = float(contests(est, np.array([j]), *pair, weight, sal, opts)[1][0])
    c_i, c_j = interpolate(
        positions[i], saliences[i], g_jij, positions[j], saliences[j], 1 - g_jij, rule
    )
    if opts.bargain == "init-rcvr":
        return [Bargain(i, j, b_i, b_j), Bargain(i, j, c_i, c_j)]
    w_i, w_j = capabilities[i] * sal[i], capabilities[i] * sal[j]
    return [
        Bargain(i, j, (w_i * b_i + w_j * c_i) / (w_i + w_j), (w_i * b_j + w_j * c_j) / (w_i + w_j))
    ]


def run_turn(
    positions: np.ndarray,
    saliences: np.ndarray,
    capabilities: np.ndarray,
    opts: SMPOptions,
    rng: np.random.Generator | Chooser | None,
    ideals: np.ndarray | None = None,
    order: TurnOrder | None = None,
) -> Turn:
    """Play one turn from ``positions`` (n, k on 0-1); saliences are shares on 0-1.

    ``ideals`` (n, k): where each actor's utility is measured from (KTAB's ideal
    points; by default the positions). ``rng`` draws the stochastic transitions (a
    ``numpy.random.Generator``, or :class:`~detente.models._smp_ktab_random.KTABRandom`
    to reproduce KTAB); ``order`` fixes the order of a KTAB run (:class:`TurnOrder`).
    """
    state = score_state(positions, saliences, capabilities, opts, ideals)
    n = positions.shape[0]
    sal = saliences.sum(axis=1)
    weight = capabilities * sal
    est = state.estimates
    options: list[list[Bargain | None]] = [[None] for _ in range(n)]
    targets: dict[int, tuple[int, float, float]] = {}
    offered: dict[int, Bargain] = {}
    # every actor's estimate of challenging every other (row i, in j order), at once
    rows, cols = np.nonzero(~np.eye(n, dtype=bool))
    p_all, gain_all = contests(est, rows, rows, cols, weight, sal, opts)
    win, gains = np.full((n, n), np.nan), np.full((n, n), -np.inf)
    win[rows, cols] = p_all
    gains[rows, cols] = np.where(gain_all > _MIN_SIGNIFICANT, gain_all, -np.inf)
    made: list[Bargain] = []
    for i in range(n):
        j = int(np.argmax(gains[i]))  # the first of equal gains, as KTAB's scan
        if not np.isfinite(gains[i, j]):
            continue
        p_iij = float(win[i, j])
        targets[i] = (j, p_iij, float(gains[i, j]))
        proposed = _bargains(
            i, j, positions, saliences, capabilities, p_iij, est, weight, sal, opts
        )
        offered[i] = proposed[0]
        for bargain in proposed:
            made.append(bargain)
            options[i].append(bargain)
            options[j].append(bargain)
    if order is not None:
        options = [_reordered(k, options[k], order.options[k]) for k in range(n)]
    base = state.utilities.sum(axis=1)  # sum_n u_a(a, n), each actor's SQ total
    new = positions.copy()
    chosen: dict[int, Bargain | None] = {}
    option_probs: dict[int, np.ndarray] = {}
    # every actor's mean utility once a bargain is carried out, one column per bargain
    # (KTAB's brgnUtil), everything valued from the actor's ideal: KTAB's later source
    # values the two new positions from the actor's position (posUtil), but the 2017
    # reference run reproduces only from the ideal (docs/models/smp.md)
    start = positions if ideals is None else ideals
    after: dict[int, np.ndarray] = {}
    for bargain in made:
        total = base - state.utilities[:, bargain.init] - state.utilities[:, bargain.rcvr]
        points = np.vstack([bargain.pos_init, bargain.pos_rcvr])
        for d in weighted_distances_to(start, saliences, points).T:
            total = total + risk_utility(d, state.risk)
        after[id(bargain)] = total / n
    for k in range(n) if order is None else order.draws:
        util = np.empty((n, len(options[k])))
        for m, option in enumerate(options[k]):
            util[:, m] = base / n if option is None else after[id(option)]
        strength = coalitions(util, capabilities, opts.voting)
        probs = condorcet_probabilities(strength, opts.victory, opts.pce)
        option_probs[k] = probs
        if opts.transitions == "deterministic" or rng is None:
            pick = int(np.argmax(probs))
        else:
            pick = _choice(rng, probs)
        picked = options[k][pick]
        chosen[k] = picked
        if picked is not None:
            new[k] = picked.pos_init if picked.init == k else picked.pos_rcvr
    return Turn(new, targets, chosen, state.probabilities, option_probs, offered, tuple(made))


def _reordered(
    k: int, options: list[Bargain | None], pairs: tuple[tuple[int, int], ...]
) -> list[Bargain | None]:
    """``options`` of actor ``k`` in the order of ``pairs`` (see :class:`TurnOrder`)."""
    keys = [(k, k) if b is None else (b.init, b.rcvr) for b in options]
    if sorted(keys) != sorted(pairs):
        raise ValueError(f"actor {k}: the order {pairs} does not list its options {keys}")
    rank = {pair: pairs.index(pair) for pair in pairs}
    return [b for _, b in sorted(zip(keys, options, strict=True), key=lambda kb: rank[kb[0]])]


def weighted_distances_to(
    positions: np.ndarray, saliences: np.ndarray, points: np.ndarray
) -> np.ndarray:
    """(n, p): each actor's salience-weighted distance (:func:`weighted_distance`, as
    the actor sees it) from its row of ``positions`` (its position or its ideal) to
    each of ``points`` (p, k)."""
    gap = saliences[:, None, :] * (positions[:, None, :] - points[None, :, :])
    return np.asarray(np.sqrt((gap**2).sum(axis=2) / (saliences**2).sum(axis=1)[:, None]))
