"""One round of the expected-utility model for a batch of games, as whole-array numpy.

The pure functions behind :mod:`detente.models.expected_utility`; see that module and
``docs/models/expected-utility.md`` for the equations (E1)-(E12) and the choices.
:func:`play_round` takes ``B`` independent games of ``n`` actors each as ``(B, n)``
arrays (one game: ``(n,)``) and works inside in the layout of
:mod:`detente.models._eu_votes`: actors first, games last (vectors ``(n, B)``, pair
matrices ``(n, n, B)``), so that memory stays O(B n^2) per round, no Python loop runs
over games, actors or pairs (except the ones noted for large ``n``), and sums over an
actor axis run over all games at once. The steps live in three modules, imported one
way: :mod:`~detente.models._eu_votes` (distances, support, probability of success,
E1-E3), this module (utilities, expected utilities and risk, E4-E11, and the round),
:mod:`~detente.models._eu_offers` (offers, E12).

Source: Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011), "Unravelling Bueno De
Mesquita's group decision model", *Journal of Theoretical Politics* 23(4): 510-531.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from detente.models._eu_offers import (
    CAPITULATION,
    COMPROMISE,
    CONFLICT,
    EPS,
    NO_OFFER,
    OFFER_NAMES,
    OfferChoice,
    choose_offers,
    classify_offers,
    compromise_share,
    destination,
)
from detente.models._eu_votes import (
    SMALL_GAME,
    Denominator,
    Geometry,
    all_votes_denominator,
    probability_matrix,
    probability_of_success,
    sum_in_order,
    support,
    voters_below,
)
from detente.models.median import weighted_medians

__all__ = [
    "CAPITULATION",
    "COMPROMISE",
    "CONFLICT",
    "EPS",
    "NO_OFFER",
    "OFFER_NAMES",
    "SMALL_GAME",
    "Denominator",
    "Geometry",
    "OfferChoice",
    "RoundResult",
    "Settings",
    "challenge_utilities",
    "choose_offers",
    "classify_offers",
    "compromise_share",
    "expected_utility",
    "play_round",
    "probability_matrix",
    "probability_of_success",
    "risk_exponents",
    "support",
    "voters_below",
    "weighted_medians",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

Perspective = Literal["perceiver", "own"]
RiskRule = Literal["two-pass", "neutral"]


@dataclass(frozen=True)
class Settings:
    """The model options one round needs (validated by the model class).

    ``position_range`` is ``R`` of (E1) for a single game; a batch passes one ``R`` per
    game to :func:`play_round` instead.
    """

    position_range: float = 1.0
    q: float = 1.0
    t: float = 1.0
    probability: Denominator = "all-votes"
    perspective: Perspective = "perceiver"
    risk: RiskRule = "two-pass"
    offer_choice: OfferChoice = "scholz-code"


@dataclass(frozen=True)
class RoundResult:
    """What one round produced, per game ``(B, n)``, actors in the order given.

    ``proposer[b, i]`` is the actor whose offer ``i`` accepted (``-1``: none),
    ``offer_type[b, i]`` its type (:data:`CONFLICT`, :data:`COMPROMISE`,
    :data:`CAPITULATION` or :data:`NO_OFFER`), ``risk`` the exponents ``r_i`` used.
    """

    positions: FloatArray
    risk: FloatArray
    proposer: IntArray
    offer_type: IntArray


def expected_utility(
    u_s: FloatArray,
    u_f: FloatArray,
    p: FloatArray,
    s_target: FloatArray,
    d: FloatArray,
    d_mu: FloatArray,
    r: FloatArray,
    q: float,
    t: float,
) -> FloatArray:
    """(E9) The expected utility of a challenge, from the utilities of (E4)-(E8).

    ``EU = s_j [P U_s + (1 - P) U_f] + (1 - s_j) U_s - Q U_sq - (1 - Q)[T U_b + (1 - T) U_w]``

    computed as ``U_s - Q U_sq - (1 - Q)[...] - s_j (1 - P)(U_s - U_f)`` (the same, in
    fewer operations). ``d`` is the challenger-target distance and ``d_mu`` the
    challenger's distance to the median ``mu``, both over ``R``; all arguments
    broadcast together.
    """
    base = np.subtract(u_s, _without_challenge(d, d_mu, r, q, t))
    return _challenge(base, np.subtract(u_s, u_f), p, s_target)


def _without_challenge(
    d: FloatArray, d_mu: FloatArray, r: FloatArray, q: float, t: float
) -> FloatArray:
    """``Q U_sq + (1 - Q)[T U_b + (1 - T) U_w]`` of (E6)-(E9): what ``i`` expects if it
    does not challenge (with ``Q = 1``, of the shape of ``r``, else of ``d``)."""
    out = np.power(0.5, r)
    out *= -4.0
    out += 2.0  # (E6) U_sq = 2 - 4 (0.5)^r
    out *= q
    if q < 1.0:
        spread = 0.25 * (d_mu + d)
        u_b = 2.0 - 4.0 * np.maximum(0.5 - spread, 0.0) ** r  # (E7)
        u_w = 2.0 - 4.0 * (0.5 + spread) ** r  # (E8)
        out = out + (1.0 - q) * (t * u_b + (1.0 - t) * u_w)
    return np.asarray(out, dtype=float)


def _challenge(
    base: FloatArray, gap: FloatArray, p: FloatArray, s_target: FloatArray
) -> FloatArray:
    """(E9) as ``base - s_j (1 - P)(U_s - U_f)``, ``base`` holding the rest."""
    return _from_failure(base, gap, np.subtract(1.0, p), s_target)


def _from_failure(
    base: FloatArray, gap: FloatArray, fail: FloatArray, s_target: FloatArray
) -> FloatArray:
    """(E9) as ``base - s_j (1 - P)(U_s - U_f)`` from ``fail = 1 - P``."""
    eu = np.asarray(np.multiply(fail, s_target))
    eu *= gap
    np.subtract(base, eu, out=eu)
    return eu


def _success_failure(d: FloatArray, r: FloatArray | None) -> tuple[FloatArray, FloatArray]:
    """(E4) ``U_s = 2 - 4 (0.5 - 0.5 d)^r`` and ``U_s - U_f``, with (E5)
    ``U_f = 2 - 4 (0.5 + 0.5 d)^r`` (``r`` None: every ``r = 1``). ``d <= 1`` (E1 clips
    it), so ``0.5 - 0.5 d >= 0``."""
    failure = np.multiply(d, 0.5)
    success = np.subtract(0.5, failure)
    failure += 0.5
    if r is not None:
        np.power(success, r, out=success)
        np.power(failure, r, out=failure)
    # U_s - U_f = 4 [(0.5 + 0.5 d)^r - (0.5 - 0.5 d)^r]
    gap = np.subtract(failure, success, out=failure)
    gap *= 4.0
    success *= -4.0
    u_s = np.add(success, 2.0, out=success)
    return u_s, gap


def challenge_utilities(
    geo: Geometry,
    p: FloatArray,
    s: FloatArray,
    d_mu: FloatArray,
    r: FloatArray,
    settings: Settings,
) -> tuple[FloatArray, FloatArray]:
    """Both expected utilities of the pair, as actor ``i`` (the row) sees them.

    ``p`` is ``(n, n, B)`` (E3); ``s``, ``d_mu`` and ``r`` are ``(n, B)``. Returns
    ``(E_i, E_j)`` with ``E_i[i, j, b] = EU^i(i challenges j)`` and
    ``E_j[i, j, b] = EU^i(j challenges i)``. ``i`` evaluates both with its own risk
    exponent ``r_i`` (``perspective="perceiver"``), or credits ``j`` with ``r_j``
    (``"own"``).
    """
    d = geo.dist
    r_row = r[:, None, :]
    u_s, gap = _success_failure(d, None if np.all(r == 1.0) else r_row)
    q, t = settings.q, settings.t
    fail = np.subtract(1.0, p)
    # E_i: the challenger i is the row, its target j the column
    base = u_s - _without_challenge(d, d_mu[:, None, :], r_row, q, t)
    e_i = _from_failure(base, gap, fail, s[None])
    if settings.perspective == "own":
        return e_i, np.ascontiguousarray(e_i.transpose(1, 0, 2))  # EU^j(j challenges i), r_j
    if q < 1.0:  # with Q = 1 only U_sq remains, the row's own, so the base is the same
        base = u_s - _without_challenge(d, d_mu[None], r_row, q, t)
    return e_i, _from_failure(base, gap, fail.transpose(1, 0, 2), s[:, None, :])


def exposures(
    geo: Geometry,
    p: FloatArray,
    s: FloatArray,
    d_mu: FloatArray,
    settings: Settings,
    scale: FloatArray | None = None,
) -> FloatArray:
    """(E10) ``S_i = sum_{j != i} EU^i(j challenges i)`` with every ``r = 1``, ``(n, B)``.

    ``p`` is ``P`` (E3), or ``P`` times ``scale`` (``(B,)``, the all-votes denominator,
    so that the division happens on vectors). At ``r = 1`` the utilities of (E4)-(E6)
    are ``U_s = 2 d``, ``U_s - U_f = 4 d`` and ``U_sq = 0`` (``d <= 1``), so with
    ``Q = 1`` each term is ``2 d_ij - 4 s_i (1 - P_ji) d_ij`` (0 on the diagonal) and,
    ``d`` being symmetric, ``S_i = 2 D_i - 4 s_i (D_i - sum_j P_ji d_ji)`` with
    ``D_i = sum_j d_ij``: one whole-array product instead of the matrix of utilities.
    With ``Q < 1`` the matrix of (E9) is summed.
    """
    d = geo.dist
    if settings.q < 1.0:
        if scale is not None:
            p = p / scale
        u_s = np.multiply(d, 2.0)
        base = u_s - _without_challenge(d, d_mu[None], np.ones(1), settings.q, settings.t)
        threat = _challenge(base, 2.0 * u_s, p.transpose(1, 0, 2), s[:, None, :])
        n = d.shape[0]
        threat[np.arange(n), np.arange(n)] = 0.0
        return sum_in_order(threat.transpose(1, 0, 2))
    total = sum_in_order(d)
    backed = sum_in_order(np.multiply(p, d, out=p))
    if scale is not None:
        backed /= scale
    out = total - backed
    out *= -4.0 * s
    out += 2.0 * total
    return out


def risk_exponents(danger: FloatArray, axis: int = -1) -> FloatArray:
    """(E10)-(E11) ``r_i`` in ``[0.5, 2]`` from each actor's exposure to challenges.

    ``danger`` holds ``S_i = sum_{j != i} EU^j(j challenges i)`` of each game, the
    actors along ``axis``. ``R_i = (2 S_i - S_max - S_min) / (S_max - S_min)``, then
    ``r_i = (1 - R_i / 3) / (1 + R_i / 3)``: the most threatened actor gets ``r = 0.5``,
    the safest ``r = 2``. In a game where every ``S_i`` is the same (within :data:`EPS`)
    every ``r_i`` is 1.
    """
    hi = danger.max(axis=axis, keepdims=True)
    lo = danger.min(axis=axis, keepdims=True)
    flat = hi - lo <= EPS * np.maximum(1.0, np.maximum(np.abs(hi), np.abs(lo)))
    spread = np.where(flat, 1.0, hi - lo)
    rel = (2.0 * danger - hi - lo) / spread
    r = (1.0 - rel / 3.0) / (1.0 + rel / 3.0)
    return np.asarray(np.where(flat, 1.0, r), dtype=float)


def play_round(
    x: FloatArray,
    w: FloatArray,
    s: FloatArray,
    settings: Settings,
    position_range: FloatArray | None = None,
) -> RoundResult:
    """One round of every game: risk exponents (two passes), challenges, offers, moves.

    ``x``, ``w`` (capability x salience) and ``s`` (salience) are ``(B, n)``, or ``(n,)``
    for one game (the result then has ``(n,)`` arrays too); ``position_range`` is
    ``(B,)`` (default: ``settings.position_range`` for every game). Internally the actors
    of each game are sorted by position for the round, in the actors-first layout, and
    the results are returned in the order given.
    """
    single = x.ndim == 1
    if single:
        x, w, s = x[None], w[None], s[None]
    batch, n = x.shape
    big_r = np.full(batch, settings.position_range) if position_range is None else position_range
    order = np.argsort(x, axis=1, kind="stable")
    # flat index of the k-th actor by position of game b, laid out (k, b)
    sorted_at = (order + n * np.arange(batch)[:, None]).T
    xt, wt, st = (np.take(v, sorted_at) for v in (x, w, s))
    geo = Geometry(xt, big_r)
    d_mu = np.zeros((n, batch))
    if settings.q < 1.0:
        mu = weighted_medians(xt.T, wt.T)
        d_mu = np.minimum(np.abs(xt - mu) / big_r, 1.0)
    ones = np.ones((n, batch))
    r = ones
    if settings.risk == "two-pass":
        if settings.probability == "all-votes":
            n1 = support(geo, wt, geo.dist)
            danger = exposures(geo, n1, st, d_mu, settings, all_votes_denominator(n1))
        else:
            danger = exposures(
                geo, probability_of_success(geo, wt, ones, "pair"), st, d_mu, settings
            )
        r = risk_exponents(danger, axis=0)
    p = probability_of_success(geo, wt, r, settings.probability)
    e_i, e_j = challenge_utilities(geo, p, st, d_mu, r, settings)
    kind = classify_offers(xt, e_i, e_j)
    pick = choose_offers(kind, geo.dist, xt, e_i, e_j, settings.offer_choice, big_r)
    rows, b = np.nonzero(pick >= 0)
    cols = pick[rows, b]
    kinds = kind[rows, cols, b].astype(np.intp)
    part = np.ones(rows.size)
    comp = kinds == COMPROMISE
    cr, cc, cb = rows[comp], cols[comp], b[comp]
    part[comp] = compromise_share(e_i[cr, cc, cb], e_j[cr, cc, cb])
    new_sorted = xt.copy()
    # all the way means exactly x_j, so that the two count as one position next round
    new_sorted[rows, b] = destination(xt[rows, b], xt[cols, b], part)
    positions = np.empty((batch, n))
    np.put(positions, sorted_at, new_sorted)
    proposer = np.full((batch, n), -1, dtype=np.intp)
    proposer[b, order[b, rows]] = order[b, cols]
    offer_type = np.zeros((batch, n), dtype=np.intp)
    offer_type[b, order[b, rows]] = kinds
    risk = np.empty((batch, n))
    np.put(risk, sorted_at, r)
    if single:
        return RoundResult(positions[0], risk[0], proposer[0], offer_type[0])
    return RoundResult(positions, risk, proposer, offer_type)
