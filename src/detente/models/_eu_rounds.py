"""One round of the expected-utility model, as whole-array numpy operations.

The pure functions behind :mod:`detente.models.expected_utility`; see that module and
``docs/models/expected-utility.md`` for the equations (E1)-(E12) and the choices. Every
function here works on arrays over the actors of one issue: vectors of length ``n`` and
``n x n`` matrices over ordered actor pairs, so memory stays O(n^2) per round and no
Python loop runs over actors or pairs.

Conventions: in a matrix ``M[i, j]`` the row ``i`` is the actor that challenges (or, for
offers, the actor that receives the offer) and the column ``j`` its counterpart.
Distances are divided by the fixed position range ``R``, so they lie in ``[0, 1]``.

Source: Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011), "Unravelling Bueno De
Mesquita's group decision model", *Journal of Theoretical Politics* 23(4): 510-531.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from detente.models.median import weighted_median

__all__ = [
    "CAPITULATION",
    "COMPROMISE",
    "CONFLICT",
    "EPS",
    "NO_OFFER",
    "OFFER_NAMES",
    "Geometry",
    "RoundResult",
    "Settings",
    "all_votes_total",
    "challenge_utilities",
    "choose_offers",
    "classify_offers",
    "compromise_share",
    "expected_utility",
    "iterate_rounds",
    "play_round",
    "probability_matrix",
    "probability_of_success",
    "risk_exponents",
    "support",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

NO_OFFER, CONFLICT, COMPROMISE, CAPITULATION = 0, 1, 2, 3
OFFER_NAMES = {CONFLICT: "conflict", COMPROMISE: "compromise", CAPITULATION: "capitulation"}

#: Expected utilities (and normalised positions) closer than this count as equal, so
#: that a decision never hangs on rounding noise (summation order, scaling).
EPS = 1e-12

Denominator = Literal["all-votes", "pair"]
Perspective = Literal["perceiver", "own"]
RiskRule = Literal["two-pass", "neutral"]
OfferChoice = Literal["scholz-code", "type-strongest", "least-move"]


@dataclass(frozen=True)
class Settings:
    """The model options one round needs (validated by the model class)."""

    position_range: float
    q: float = 1.0
    t: float = 1.0
    probability: Denominator = "all-votes"
    perspective: Perspective = "perceiver"
    risk: RiskRule = "two-pass"
    offer_choice: OfferChoice = "scholz-code"


@dataclass(frozen=True)
class RoundResult:
    """What one round produced.

    ``proposer[i]`` is the actor whose offer ``i`` accepted (``-1``: none),
    ``offer_type[i]`` its type (:data:`CONFLICT`, :data:`COMPROMISE`,
    :data:`CAPITULATION` or :data:`NO_OFFER`), ``risk`` the exponents ``r_i`` used.
    """

    positions: FloatArray
    risk: FloatArray
    proposer: IntArray
    offer_type: IntArray


class Geometry:
    """What depends only on the positions, shared by both risk passes of a round.

    ``x`` must be sorted ascending (:func:`play_round` sorts the actors by position at
    the start of each round and restores their order at the end).
    """

    __slots__ = ("dist", "flat", "left")

    def __init__(self, x: FloatArray, position_range: float) -> None:
        n = x.size
        # (E1) normalised distances d_ij = |x_i - x_j| / R, clipped to [0, 1]
        dist = np.subtract(x[:, None], x[None, :])
        np.abs(dist, out=dist)
        dist /= position_range
        self.dist: FloatArray = np.minimum(dist, 1.0, out=dist)
        self.left: BoolArray = x[:, None] < x[None, :]
        # cut[i, j]: the number of voters strictly below the midpoint of the pair, which
        # is symmetric in (i, j). Voters below it back the left one of the two, voters
        # above it the right one; a voter exactly on it is indifferent (its vote is
        # zero up to rounding), so it does not matter on which side it is counted.
        mid = np.add(x[:, None], x[None, :])
        mid *= 0.5
        flat = np.searchsorted(x, mid, side="left")
        # flat index of (cut[i, j], j) in the (n + 1) x n table of prefix sums
        flat *= n
        flat += np.arange(n)[None, :]
        self.flat: IntArray = flat


def support(geo: Geometry, w: FloatArray, votes: FloatArray) -> FloatArray:
    """Weighted support for ``i`` against ``j``: ``N_ij = sum_k w_k max(0, u_kj - u_ki)``.

    ``votes[k, a]`` is voter ``k``'s loss ``u_ka = d_ka ** r_k`` (E2) from outcome
    ``x_a``. Voter ``k`` backs ``i`` over ``j`` exactly when it lies nearer ``x_i``,
    i.e. on ``i``'s side of the midpoint ``(x_i + x_j) / 2``. So instead of the triple
    sum over ``(i, j, k)``, with the voters in position order, cumulative sums
    ``C[m, a] = sum_{k < m} w_k u_ka`` are taken down each column and each pair reads
    two entries: with ``m`` the voters below the midpoint, ``N_ij = C[m, j] - C[m, i]``
    if ``x_i < x_j`` and ``N_ij = (C[n, j] - C[m, j]) - (C[n, i] - C[m, i])`` if
    ``x_i > x_j``. O(n^2 log n) time, O(n^2) memory.
    """
    n = w.size
    prefix = np.empty((n + 1, n))
    prefix[0] = 0.0
    body = prefix[1:]
    np.multiply(votes, w[:, None], out=body)
    np.cumsum(body, axis=0, out=body)
    total = prefix[n]
    below = np.take(prefix.ravel(), geo.flat)  # C[m_ij, j]; its transpose is C[m_ij, i]
    for_left = below - below.T
    # i right of j (the diagonal and pairs at one position give 0 either way)
    out: FloatArray = np.subtract(total[None, :], total[:, None], out=below)
    out -= for_left
    np.copyto(out, for_left, where=geo.left)
    np.maximum(out, 0.0, out=out)
    return out


def all_votes_total(w: FloatArray, votes: FloatArray, *, rows_sorted: bool = False) -> float:
    """``sum_k w_k sum_a sum_b |u_ka - u_kb|``: every voter's absolute vote on every pair.

    For a sorted vector ``u_(0) <= ... <= u_(n-1)``,
    ``sum_a sum_b |u_a - u_b| = 2 sum_m (2m - n + 1) u_(m)``, which turns the triple sum
    into a sort of each row (skipped if ``rows_sorted``).
    """
    n = w.size
    coef = 2.0 * np.arange(n) - n + 1.0
    ordered = votes if rows_sorted else np.sort(votes, axis=1)
    return float(2.0 * (w @ (ordered @ coef)))


def probability_of_success(
    geo: Geometry, w: FloatArray, r: FloatArray, denominator: Denominator
) -> FloatArray:
    """(E3) ``P_ij``, the probability that ``i`` beats ``j`` if ``i`` challenges ``j``.

    Numerator: the support ``N_ij`` (:func:`support`) with votes
    ``v_k^ij = w_k (d_kj^{r_k} - d_ki^{r_k})`` (each voter's own risk exponent).
    Denominator: ``"all-votes"`` sums every voter's absolute vote over every ordered
    pair of actors (:func:`all_votes_total`, one number per round); ``"pair"`` is the
    paper's eq. (31), ``sum_k |v_k^ij| = N_ij + N_ji``. ``P_ij = 0`` when ``x_i = x_j``
    or when the denominator is zero. Actors in position order (see :class:`Geometry`).
    """
    unit = bool(np.all(r == 1.0))
    votes = geo.dist if unit else geo.dist ** r[:, None]
    prob = support(geo, w, votes)
    if denominator == "all-votes":
        if not unit:
            votes.sort(axis=1)  # our own array: sort it in place
        den = all_votes_total(w, votes, rows_sorted=not unit)
        if den > 0:
            prob /= den
        else:
            prob[:] = 0.0
        return prob
    pair = prob + prob.T
    # where the pair's denominator is 0 so is the numerator (0 <= N_ij <= N_ij + N_ji)
    return np.divide(prob, pair, out=prob, where=pair > 0)


def probability_matrix(
    x: FloatArray, w: FloatArray, r: FloatArray, position_range: float, denominator: Denominator
) -> FloatArray:
    """:func:`probability_of_success` for actors in any order (sorts, then restores)."""
    order = np.argsort(x, kind="stable")
    geo = Geometry(x[order], position_range)
    p_sorted = probability_of_success(geo, w[order], r[order], denominator)
    back = np.argsort(order)
    return np.asarray(p_sorted[np.ix_(back, back)], dtype=float)


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
    *,
    gap: FloatArray | None = None,
) -> FloatArray:
    """(E9) The expected utility of a challenge, from the utilities of (E4)-(E8).

    ``EU = s_j [P U_s + (1 - P) U_f] + (1 - s_j) U_s - Q U_sq - (1 - Q)[T U_b + (1 - T) U_w]``

    computed as ``U_s - s_j (1 - P)(U_s - U_f) - ...`` (the same, in fewer operations;
    ``gap`` may pass ``U_s - U_f`` in, and ``u_f`` is then not read). ``d`` is the
    challenger-target distance and ``d_mu`` the challenger's distance to the median
    ``mu``, both over ``R``; all arguments broadcast together.
    """
    u_sq = 2.0 - 4.0 * 0.5**r  # (E6)
    eu = np.empty(np.broadcast_shapes(np.shape(u_s), np.shape(p), np.shape(s_target)))
    np.subtract(1.0, p, out=eu)
    eu *= s_target
    eu *= u_s - u_f if gap is None else gap
    np.subtract(u_s, eu, out=eu)
    eu -= q * u_sq
    if q < 1.0:
        spread = 0.25 * (d_mu + d)
        u_b = 2.0 - 4.0 * np.maximum(0.5 - spread, 0.0) ** r  # (E7)
        u_w = 2.0 - 4.0 * (0.5 + spread) ** r  # (E8)
        eu -= (1.0 - q) * (t * u_b + (1.0 - t) * u_w)
    return eu


def challenge_utilities(
    geo: Geometry,
    p: FloatArray,
    s: FloatArray,
    d_mu: FloatArray,
    r: FloatArray,
    settings: Settings,
    *,
    threat_only: bool = False,
) -> tuple[FloatArray, FloatArray]:
    """Both expected utilities of the pair, as actor ``i`` (the row) sees them.

    Returns ``(E_i, E_j)`` with ``E_i[i, j] = EU^i(i challenges j)`` and
    ``E_j[i, j] = EU^i(j challenges i)``. ``i`` evaluates both with its own risk
    exponent ``r_i`` (``perspective="perceiver"``), or credits ``j`` with ``r_j``
    (``"own"``). With ``threat_only`` (every ``r = 1``, for the exposures of (E10)) only
    ``E_j`` is computed and ``E_i`` is returned empty.
    """
    d = geo.dist
    r_row = r[:, None]
    failure = np.multiply(d, 0.5)
    success = np.subtract(0.5, failure)
    np.maximum(success, 0.0, out=success)
    failure += 0.5
    if not np.all(r == 1.0):  # x ** 1 == x exactly: skip the powers in the first pass
        np.power(success, r_row, out=success)
        np.power(failure, r_row, out=failure)
    success *= -4.0
    u_s = np.add(success, 2.0, out=success)  # (E4): 2 - 4 (0.5 - 0.5 d)^r
    # U_s - U_f = 4 [(0.5 + 0.5 d)^r - (0.5 - 0.5 d)^r], with (E5) U_f = 2 - 4 (0.5 + 0.5 d)^r
    failure *= 4.0
    gap = np.add(failure, u_s, out=failure)
    gap -= 2.0
    q, t = settings.q, settings.t
    args = (d, r_row, q, t)
    if threat_only or settings.perspective == "perceiver":
        e_j = _eu(u_s, gap, p.T, s[:, None], d_mu[None, :], *args)
        if threat_only:
            return np.empty((0, 0)), e_j
        return _eu(u_s, gap, p, s[None, :], d_mu[:, None], *args), e_j
    e_i = _eu(u_s, gap, p, s[None, :], d_mu[:, None], *args)
    return e_i, np.ascontiguousarray(e_i.T)  # EU^j(j challenges i), with r_j


def _eu(
    u_s: FloatArray,
    gap: FloatArray,
    p: FloatArray,
    s_target: FloatArray,
    d_mu: FloatArray,
    d: FloatArray,
    r: FloatArray,
    q: float,
    t: float,
) -> FloatArray:
    return expected_utility(u_s, u_s, p, s_target, d, d_mu, r, q, t, gap=gap)


def risk_exponents(danger: FloatArray) -> FloatArray:
    """(E10)-(E11) ``r_i`` in ``[0.5, 2]`` from each actor's exposure to challenges.

    ``R_i = (2 S_i - S_max - S_min) / (S_max - S_min)`` with ``S_i = sum_{j != i}
    EU^j(j challenges i)``, then ``r_i = (1 - R_i / 3) / (1 + R_i / 3)``: the most
    threatened actor gets ``r = 0.5``, the safest ``r = 2``. When every ``S_i`` is the
    same (within :data:`EPS`) every ``r_i`` is 1.
    """
    hi, lo = float(danger.max()), float(danger.min())
    if hi - lo <= EPS * max(1.0, abs(hi), abs(lo)):
        return np.ones_like(danger)
    rel = (2.0 * danger - hi - lo) / (hi - lo)
    return np.asarray((1.0 - rel / 3.0) / (1.0 + rel / 3.0), dtype=float)


def classify_offers(x: FloatArray, e_i: FloatArray, e_j: FloatArray) -> NDArray[np.int8]:
    """(E12) The offer ``j`` makes ``i``: what ``i`` expects if ``j`` challenges it.

    From ``i``'s point of view, with ``E_i = EU^i(ij)`` and ``E_j = EU^i(ji)``:

    * :data:`CONFLICT`: ``E_j > E_i > 0``; ``i`` expects to lose and moves to ``x_j``;
    * :data:`COMPROMISE`: ``E_i < 0 < E_j`` and ``|E_i| <= E_j``; ``i`` moves to
      ``x_i + (x_j - x_i) |E_i / E_j|`` (:func:`compromise_share`);
    * :data:`CAPITULATION`: ``E_i < 0 < E_j`` and ``|E_i| > E_j``; ``i`` moves to ``x_j``;
    * :data:`NO_OFFER` otherwise, and between actors at the same position.

    Comparisons use the margin :data:`EPS`.
    """
    valid = x[:, None] != x[None, :]
    kind: NDArray[np.int8] = (valid & (e_i > EPS) & (e_j - e_i > EPS)).astype(np.int8)
    rows, cols = np.nonzero(valid & (e_i < -EPS) & (e_j > EPS))
    gives = e_j[rows, cols] + e_i[rows, cols] >= -EPS  # |E_i| <= E_j: a compromise
    kind[rows, cols] = np.where(gives, COMPROMISE, CAPITULATION)
    return kind


def compromise_share(e_i: FloatArray, e_j: FloatArray) -> FloatArray:
    """The share ``min(1, |E_i| / E_j)`` of the way to ``x_j`` a compromise asks (E12)."""
    return np.asarray(np.minimum(1.0, -e_i / e_j), dtype=float)


def choose_offers(
    kind: NDArray[np.int8],
    dist: FloatArray,
    x: FloatArray,
    e_i: FloatArray,
    e_j: FloatArray,
    rule: OfferChoice,
    position_range: float,
    rank: IntArray,
) -> IntArray:
    """The proposer (column) whose offer each actor (row) accepts; ``-1``: none.

    * ``"least-move"``: the offer that moves the receiver least (the paper's text);
    * ``"scholz-code"``: conflicts first, then compromises, then capitulations; within
      conflicts and capitulations the least move, within compromises the lowest
      ``(|E_i| x_i + E_j x_j) / (|E_i| + E_j)`` (the rule of the authors' code as the
      public replication reports it);
    * ``"type-strongest"``: same order of types, but among compromises the proposer
      with the largest ``E_j``.

    Offers whose keys lie within :data:`EPS` (in units of ``R`` or of utility) of the
    best tie; ties go to the lower type, then to the lower ``rank`` (the model ranks
    actors by id). ``dist`` holds the distances over ``R`` (E1).
    """
    n = kind.shape[0]
    has = kind > NO_OFFER
    key = dist.copy()  # the move, as a share of R; compromises are fixed up below
    rows, cols = np.nonzero(kind == COMPROMISE)
    if rows.size:
        ei, ej = e_i[rows, cols], e_j[rows, cols]
        if rule == "least-move":
            key[rows, cols] *= compromise_share(ei, ej)
        elif rule == "scholz-code":
            point = (-ei * x[rows] + ej * x[cols]) / (ej - ei)
            key[rows, cols] = point / position_range
        else:
            key[rows, cols] = -ej
    if rule == "least-move":
        eligible = has
    else:
        first = np.where(has, kind, np.int8(CAPITULATION + 1)).min(axis=1)
        eligible = has & (kind == first[:, None])
    np.copyto(key, np.inf, where=~eligible)
    pick = np.argmin(key, axis=1)
    best = key[np.arange(n), pick]
    found = np.isfinite(best)
    tied = eligible & (key <= best[:, None] + EPS)
    multiple = found & (np.count_nonzero(tied, axis=1) > 1)
    if multiple.any():
        sub = np.flatnonzero(multiple)
        order_key = kind[sub].astype(np.intp) * n + rank[None, :]
        order_key = np.where(tied[sub], order_key, np.iinfo(np.intp).max)
        pick[sub] = np.argmin(order_key, axis=1)
    return np.where(found, pick, -1).astype(np.intp)


def play_round(x: FloatArray, w: FloatArray, s: FloatArray, settings: Settings) -> RoundResult:
    """One round: risk exponents (two passes), challenges, offers, simultaneous moves.

    Actors are taken in the order given for tie-breaks (the model orders them by id);
    internally they are sorted by position for the round and restored at the end.
    """
    n = x.size
    big_r = settings.position_range
    order = np.argsort(x, kind="stable")
    xs, ws, ss = x[order], w[order], s[order]
    geo = Geometry(xs, big_r)
    d_mu = np.zeros(n)
    if settings.q < 1.0:
        mu = weighted_median(xs, ws)
        d_mu = np.minimum(np.abs(xs - mu) / big_r, 1.0)
    ones = np.ones(n)
    r = ones
    if settings.risk == "two-pass":
        p1 = probability_of_success(geo, ws, ones, settings.probability)
        _, threat = challenge_utilities(geo, p1, ss, d_mu, ones, settings, threat_only=True)
        np.fill_diagonal(threat, 0.0)
        r = risk_exponents(threat.sum(axis=1))
    p = probability_of_success(geo, ws, r, settings.probability)
    e_i, e_j = challenge_utilities(geo, p, ss, d_mu, r, settings)
    kind = classify_offers(xs, e_i, e_j)
    pick = choose_offers(kind, geo.dist, xs, e_i, e_j, settings.offer_choice, big_r, order)
    rows = np.flatnonzero(pick >= 0)
    cols = pick[rows]
    kinds = kind[rows, cols].astype(np.intp)
    part = np.ones(rows.size)
    comp = kinds == COMPROMISE
    part[comp] = compromise_share(e_i[rows[comp], cols[comp]], e_j[rows[comp], cols[comp]])
    new_sorted = xs.copy()
    # all the way means exactly x_j, so that the two count as one position next round
    new_sorted[rows] = np.where(part >= 1.0, xs[cols], xs[rows] + (xs[cols] - xs[rows]) * part)
    positions = np.empty(n)
    positions[order] = new_sorted
    proposer = np.full(n, -1, dtype=np.intp)
    proposer[order[rows]] = order[cols]
    offer_type = np.zeros(n, dtype=np.intp)
    offer_type[order[rows]] = kinds
    risk = np.empty(n)
    risk[order] = r
    return RoundResult(positions, risk, proposer, offer_type)


def iterate_rounds(
    x0: FloatArray, w: FloatArray, s: FloatArray, settings: Settings
) -> Iterator[RoundResult]:
    """Yield round after round without end; the caller decides when to stop."""
    x = np.array(x0, dtype=float)
    while True:
        result = play_round(x, w, s, settings)
        yield result
        x = result.positions
