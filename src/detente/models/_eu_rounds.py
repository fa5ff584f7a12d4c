"""One round of the expected-utility model for a batch of games, as whole-array numpy.

The pure functions behind :mod:`detente.models.expected_utility`; see that module and
``docs/models/expected-utility.md`` for the equations (E1)-(E12) and the choices. Every
function works on a batch of ``B`` independent games of ``n`` actors each: vectors are
``(B, n)`` arrays and matrices over ordered actor pairs ``(B, n, n)``, so memory stays
O(B n^2) per round and no Python loop runs over games, actors or pairs (except the one
noted in :func:`voters_below` for large ``n``). One game is a batch of one.

Conventions: in a matrix ``M[b, i, j]`` of game ``b`` the row ``i`` is the actor that
challenges (or, for offers, the actor that receives the offer) and the column ``j`` its
counterpart. Distances are divided by each game's fixed position range ``R``, so they
lie in ``[0, 1]``.

Source: Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011), "Unravelling Bueno De
Mesquita's group decision model", *Journal of Theoretical Politics* 23(4): 510-531.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from detente.models.median import weighted_medians

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
BoolArray = NDArray[np.bool_]

NO_OFFER, CONFLICT, COMPROMISE, CAPITULATION = 0, 1, 2, 3
OFFER_NAMES = {CONFLICT: "conflict", COMPROMISE: "compromise", CAPITULATION: "capitulation"}

#: Expected utilities (and normalised positions) closer than this count as equal, so
#: that a decision never hangs on rounding noise (summation order, scaling).
EPS = 1e-12

#: Up to this many actors the voters below each pair's midpoint are counted with one
#: comparison per (pair, voter), over the whole batch; above it, per game with a binary
#: search. Both give exactly ``searchsorted(x, midpoint, side="left")``.
SMALL_GAME = 32

Denominator = Literal["all-votes", "pair"]
Perspective = Literal["perceiver", "own"]
RiskRule = Literal["two-pass", "neutral"]
OfferChoice = Literal["scholz-code", "type-strongest", "least-move"]


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


def voters_below(x: FloatArray, mid: FloatArray) -> IntArray:
    """``m[b, i, j]``: how many of game ``b``'s sorted positions ``x[b]`` lie below ``mid``.

    Exactly ``numpy.searchsorted(x[b], mid[b], side="left")`` for every game: with at most
    :data:`SMALL_GAME` actors by counting comparisons over the batch (O(B n^3) work in
    ``n`` whole-batch steps), else one binary search per game (O(n^2 log n) each).
    """
    batch, n = x.shape
    if n <= SMALL_GAME:
        count = np.zeros(mid.shape, dtype=np.int8)
        for k in range(n):
            count += x[:, k, None, None] < mid
        return count.astype(np.intp)
    out = np.empty(mid.shape, dtype=np.intp)
    for b in range(batch):
        out[b] = np.searchsorted(x[b], mid[b], side="left")
    return out


class Geometry:
    """What depends only on the positions, shared by both risk passes of a round.

    ``x`` is ``(B, n)``, each row sorted ascending (:func:`play_round` sorts the actors by
    position at the start of each round and restores their order at the end);
    ``position_range`` is ``(B,)``. ``order`` (each row of distances ranked, for the
    all-votes denominator) is built only when ``with_order`` and the games are small.
    """

    __slots__ = ("dist", "flat", "left", "order")

    def __init__(self, x: FloatArray, position_range: FloatArray, *, with_order: bool) -> None:
        batch, n = x.shape
        col, row = x[:, None, :], x[:, :, None]
        # (E1) normalised distances d_ij = |x_i - x_j| / R, clipped to [0, 1]
        dist = np.subtract(row, col)
        np.abs(dist, out=dist)
        dist /= position_range[:, None, None]
        self.dist: FloatArray = np.minimum(dist, 1.0, out=dist)
        self.left: BoolArray = row < col
        # cut[b, i, j]: the number of voters strictly below the midpoint of the pair,
        # symmetric in (i, j). Voters below it back the left one of the two, voters
        # above it the right one; a voter exactly on it is indifferent (its vote is
        # zero up to rounding), so it does not matter on which side it is counted.
        mid = np.add(row, col)
        mid *= 0.5
        cut = voters_below(x, mid)
        # flat index of (b, cut[b, i, j], j) in the B x (n + 1) x n prefix-sum table
        if batch > 1:
            cut += (n + 1) * np.arange(batch)[:, None, None]
        cut *= n
        cut += np.arange(n)
        self.flat: IntArray = cut
        self.order: IntArray | None = None
        if with_order and n <= SMALL_GAME:
            # u_ka = d_ka ** r_k is increasing in d_ka, so one ranking of each row of
            # distances sorts the votes of both passes (all-votes denominator), as flat
            # indices into a (B, n, n) array for np.take. On short rows this beats
            # sorting twice; on long rows numpy's (vectorised) sort is far faster than
            # any argsort, so there each pass sorts its votes.
            order = np.argsort(self.dist, axis=2, kind="stable")
            order += n * np.arange(batch * n).reshape(batch, n, 1)
            self.order = order


def support(geo: Geometry, w: FloatArray, votes: FloatArray) -> FloatArray:
    """Weighted support for ``i`` against ``j``: ``N_ij = sum_k w_k max(0, u_kj - u_ki)``.

    ``votes[b, k, a]`` is voter ``k``'s loss ``u_ka = d_ka ** r_k`` (E2) from outcome
    ``x_a``. Voter ``k`` backs ``i`` over ``j`` exactly when it lies nearer ``x_i``,
    i.e. on ``i``'s side of the midpoint ``(x_i + x_j) / 2``. So instead of the triple
    sum over ``(i, j, k)``, with the voters in position order, cumulative sums
    ``C[m, a] = sum_{k < m} w_k u_ka`` are taken down each column and each pair reads
    two entries: with ``m`` the voters below the midpoint, ``N_ij = C[m, j] - C[m, i]``
    if ``x_i < x_j`` and ``N_ij = (C[n, j] - C[m, j]) - (C[n, i] - C[m, i])`` if
    ``x_i > x_j``. O(n^2 log n) time, O(n^2) memory per game.
    """
    batch, n = w.shape
    prefix = np.empty((batch, n + 1, n))
    prefix[:, 0] = 0.0
    body = prefix[:, 1:]
    np.multiply(votes, w[:, :, None], out=body)
    if n <= SMALL_GAME:  # numpy's cumsum along a middle axis is slow on short axes
        for m in range(1, n):
            np.add(body[:, m - 1], body[:, m], out=body[:, m])
    else:
        np.cumsum(body, axis=1, out=body)
    total = prefix[:, n]
    below = np.take(prefix.ravel(), geo.flat)  # C[m_ij, j]; its transpose is C[m_ij, i]
    for_left = below - below.transpose(0, 2, 1)
    # i right of j (the diagonal and pairs at one position give 0 either way)
    out: FloatArray = np.subtract(total[:, None, :], total[:, :, None], out=below)
    out -= for_left
    np.copyto(out, for_left, where=geo.left)
    np.maximum(out, 0.0, out=out)
    return out


def all_votes_total(w: FloatArray, votes: FloatArray, *, rows_sorted: bool = False) -> FloatArray:
    """``sum_k w_k sum_a sum_b |u_ka - u_kb|``: every voter's absolute vote on every pair.

    ``w`` is ``(..., n)``, ``votes`` ``(..., n, n)``; returns shape ``(...)``. For a
    sorted vector ``u_(0) <= ... <= u_(n-1)``, ``sum_a sum_b |u_a - u_b| = 2 sum_m
    (2m - n + 1) u_(m)``, which turns the triple sum into a sort of each row (skipped
    if ``rows_sorted``).
    """
    n = w.shape[-1]
    coef = 2.0 * np.arange(n) - n + 1.0
    ordered = votes if rows_sorted else np.sort(votes, axis=-1)
    return np.asarray(2.0 * (w[..., None, :] @ (ordered @ coef)[..., :, None])[..., 0, 0])


def probability_of_success(
    geo: Geometry, w: FloatArray, r: FloatArray, denominator: Denominator
) -> FloatArray:
    """(E3) ``P_ij``, the probability that ``i`` beats ``j`` if ``i`` challenges ``j``.

    Numerator: the support ``N_ij`` (:func:`support`) with votes
    ``v_k^ij = w_k (d_kj^{r_k} - d_ki^{r_k})`` (each voter's own risk exponent).
    Denominator: ``"all-votes"`` sums every voter's absolute vote over every ordered
    pair of actors (one number per game and round, :func:`all_votes_total`); ``"pair"`` is
    the paper's eq. (31), ``sum_k |v_k^ij| = N_ij + N_ji``. ``P_ij = 0`` when
    ``x_i = x_j`` or when the denominator is zero. Actors in position order.
    """
    votes = geo.dist if bool(np.all(r == 1.0)) else np.power(geo.dist, r[:, :, None])
    prob = support(geo, w, votes)
    if denominator == "all-votes":
        ordered = np.sort(votes, axis=2) if geo.order is None else np.take(votes, geo.order)
        den = all_votes_total(w, ordered, rows_sorted=True)
        # den = 0 means every position is one point: then every N_ij is 0 as well
        positive = den > 0
        np.divide(prob, den[:, None, None], out=prob, where=positive[:, None, None])
        prob[~positive] = 0.0
        return prob
    pair = prob + prob.transpose(0, 2, 1)
    # where the pair's denominator is 0 so is the numerator (0 <= N_ij <= N_ij + N_ji)
    return np.divide(prob, pair, out=prob, where=pair > 0)


def probability_matrix(
    x: FloatArray, w: FloatArray, r: FloatArray, position_range: float, denominator: Denominator
) -> FloatArray:
    """:func:`probability_of_success` for one game's actors in any order (``(n, n)``)."""
    order = np.argsort(x, kind="stable")
    geo = Geometry(x[order][None], np.array([position_range]), with_order=True)
    p_sorted = probability_of_success(geo, w[order][None], r[order][None], denominator)[0]
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

    Returns ``(E_i, E_j)`` with ``E_i[b, i, j] = EU^i(i challenges j)`` and
    ``E_j[b, i, j] = EU^i(j challenges i)``. ``i`` evaluates both with its own risk
    exponent ``r_i`` (``perspective="perceiver"``), or credits ``j`` with ``r_j``
    (``"own"``). With ``threat_only`` (every ``r = 1``, for the exposures of (E10)) only
    ``E_j`` is computed and ``E_i`` is returned empty.
    """
    d = geo.dist
    r_row = r[:, :, None]
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
        e_j = _eu(u_s, gap, p.transpose(0, 2, 1), s[:, :, None], d_mu[:, None, :], *args)
        if threat_only:
            return np.empty((0, 0, 0)), e_j
        return _eu(u_s, gap, p, s[:, None, :], d_mu[:, :, None], *args), e_j
    e_i = _eu(u_s, gap, p, s[:, None, :], d_mu[:, :, None], *args)
    return e_i, np.ascontiguousarray(e_i.transpose(0, 2, 1))  # EU^j(j challenges i), r_j


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

    ``danger`` is ``(..., n)``: ``S_i = sum_{j != i} EU^j(j challenges i)`` of each
    game. ``R_i = (2 S_i - S_max - S_min) / (S_max - S_min)``, then
    ``r_i = (1 - R_i / 3) / (1 + R_i / 3)``: the most threatened actor gets ``r = 0.5``,
    the safest ``r = 2``. In a game where every ``S_i`` is the same (within :data:`EPS`)
    every ``r_i`` is 1.
    """
    hi = danger.max(axis=-1, keepdims=True)
    lo = danger.min(axis=-1, keepdims=True)
    flat = hi - lo <= EPS * np.maximum(1.0, np.maximum(np.abs(hi), np.abs(lo)))
    spread = np.where(flat, 1.0, hi - lo)
    rel = (2.0 * danger - hi - lo) / spread
    r = (1.0 - rel / 3.0) / (1.0 + rel / 3.0)
    return np.asarray(np.where(flat, 1.0, r), dtype=float)


def classify_offers(x: FloatArray, e_i: FloatArray, e_j: FloatArray) -> NDArray[np.int8]:
    """(E12) The offer ``j`` makes ``i``: what ``i`` expects if ``j`` challenges it.

    ``x`` is ``(..., n)``, ``e_i`` and ``e_j`` ``(..., n, n)``. From ``i``'s point of
    view, with ``E_i = EU^i(ij)`` and ``E_j = EU^i(ji)``:

    * :data:`CONFLICT`: ``E_j > E_i > 0``; ``i`` expects to lose and moves to ``x_j``;
    * :data:`COMPROMISE`: ``E_i < 0 < E_j`` and ``|E_i| <= E_j``; ``i`` moves to
      ``x_i + (x_j - x_i) |E_i / E_j|`` (:func:`compromise_share`);
    * :data:`CAPITULATION`: ``E_i < 0 < E_j`` and ``|E_i| > E_j``; ``i`` moves to ``x_j``;
    * :data:`NO_OFFER` otherwise, and between actors at the same position.

    Comparisons use the margin :data:`EPS`.
    """
    valid = x[..., :, None] != x[..., None, :]
    kind: NDArray[np.int8] = (valid & (e_i > EPS) & (e_j - e_i > EPS)).astype(np.int8)
    yielding = valid & (e_i < -EPS) & (e_j > EPS)
    at = np.nonzero(yielding)
    gives = e_j[at] + e_i[at] >= -EPS  # |E_i| <= E_j: a compromise
    kind[at] = np.where(gives, COMPROMISE, CAPITULATION)
    return kind


def compromise_share(e_i: FloatArray, e_j: FloatArray) -> FloatArray:
    """The share ``min(1, |E_i| / E_j)`` of the way to ``x_j`` a compromise asks (E12)."""
    return np.asarray(np.minimum(1.0, -e_i / e_j), dtype=float)


def _destination(x_i: FloatArray, x_j: FloatArray, share: FloatArray) -> FloatArray:
    """Where an offer takes the receiver: exactly ``x_j`` when it moves all the way."""
    return np.asarray(np.where(share >= 1.0, x_j, x_i + (x_j - x_i) * share), dtype=float)


def _offer_keys(
    kind: NDArray[np.int8],
    dist: FloatArray,
    x: FloatArray,
    e_i: FloatArray,
    e_j: FloatArray,
    rule: OfferChoice,
    position_range: FloatArray,
) -> FloatArray:
    """The key of each offer: the move as a share of R, but for compromises the key of
    ``rule`` (see :func:`choose_offers`). Small games compute it for every pair (cheap
    whole-array steps), large ones only where there is a compromise (few pairs)."""
    comp = kind == COMPROMISE
    if kind.shape[2] <= SMALL_GAME:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # non-offers
            if rule == "least-move":
                return np.where(comp, dist * compromise_share(e_i, e_j), dist)
            if rule == "scholz-code":
                point = (-e_i * x[:, :, None] + e_j * x[:, None, :]) / (e_j - e_i)
                return np.where(comp, point / position_range[:, None, None], dist)
            return np.where(comp, -e_j, dist)
    key = dist.copy()
    at = np.nonzero(comp)
    ei, ej = e_i[at], e_j[at]
    if rule == "least-move":
        key[at] *= compromise_share(ei, ej)
    elif rule == "scholz-code":
        point = (-ei * x[at[0], at[1]] + ej * x[at[0], at[2]]) / (ej - ei)
        key[at] = point / position_range[at[0]]
    else:
        key[at] = -ej
    return key


def _row_entry(values: NDArray[Any], at: IntArray) -> NDArray[Any]:
    """``values[..., at]`` row by row (``at`` has the shape of ``values`` less its last axis)."""
    rows = np.arange(at.size) * values.shape[-1]
    return np.asarray(np.take(values, rows + at.ravel()).reshape(at.shape))


def _lowest_type(kind: NDArray[np.int8], has: BoolArray) -> NDArray[np.int8]:
    """The lowest offer type of each row (CAPITULATION + 1 where none). On short rows
    read off argmin, much faster than min() over a short last axis."""
    typed = np.where(has, kind, np.int8(CAPITULATION + 1))
    if kind.shape[-1] > SMALL_GAME:
        return np.asarray(typed.min(axis=-1))
    return _row_entry(typed, np.argmin(typed, axis=-1))


def _more_than_one(tied: BoolArray, pick: IntArray) -> BoolArray:
    """Rows of ``tied`` with a True besides the one at ``pick``."""
    if tied.shape[-1] > SMALL_GAME:
        return np.asarray(np.count_nonzero(tied, axis=-1) > 1)
    others = tied.copy()
    others.ravel()[np.arange(pick.size) * tied.shape[-1] + pick.ravel()] = False
    return _row_entry(others, np.argmax(others, axis=-1))


def choose_offers(
    kind: NDArray[np.int8],
    dist: FloatArray,
    x: FloatArray,
    e_i: FloatArray,
    e_j: FloatArray,
    rule: OfferChoice,
    position_range: FloatArray,
) -> IntArray:
    """The proposer (column) whose offer each actor (row) accepts; ``-1``: none.

    Shapes: ``kind``, ``dist`` (distances over ``R``, E1), ``e_i``, ``e_j`` are
    ``(B, n, n)``; ``x`` is ``(B, n)`` sorted ascending per game; ``position_range``
    ``(B,)``. Rules:

    * ``"least-move"``: the offer that moves the receiver least (the paper's text);
    * ``"scholz-code"``: conflicts first, then compromises, then capitulations; within
      conflicts and capitulations the least move, within compromises the lowest
      ``(|E_i| x_i + E_j x_j) / (|E_i| + E_j)`` (the rule of the authors' code as the
      public replication reports it);
    * ``"type-strongest"``: same order of types, but among compromises the proposer
      with the largest ``E_j``.

    Offers whose keys lie within :data:`EPS` (in units of ``R`` or of utility) of the
    best tie. Ties are broken by numbers, never by names: the lower offer type, then
    the offer that takes the receiver to the lower position (within ``EPS R``). Offers
    still tied take the receiver to the same point, so the forecast no longer depends on
    which is recorded: the proposer at the lower position, then the first in the order
    given.
    """
    has = kind > NO_OFFER
    key = _offer_keys(kind, dist, x, e_i, e_j, rule, position_range)
    eligible = has if rule == "least-move" else has & (kind == _lowest_type(kind, has)[:, :, None])
    np.copyto(key, np.inf, where=~eligible)
    pick = np.argmin(key, axis=2)
    best = _row_entry(key, pick)[:, :, None]
    found = np.isfinite(best[:, :, 0])
    tied = eligible & (key <= best + EPS)
    multiple = found & _more_than_one(tied, pick)
    if multiple.any():
        b, i = np.nonzero(multiple)
        cand = tied[b, i]  # (m, n): the tied proposers of each such receiver
        kinds = np.where(cand, kind[b, i], np.int8(CAPITULATION + 1))
        cand &= kinds == kinds.min(axis=1, keepdims=True)
        x_i, x_j = x[b, i][:, None], x[b]
        share = np.ones(cand.shape)
        comp = cand & (kind[b, i] == COMPROMISE)
        share[comp] = compromise_share(e_i[b, i][comp], e_j[b, i][comp])
        lands = _destination(x_i, x_j, share) / position_range[b][:, None]
        lowest = np.where(cand, lands, np.inf).min(axis=1, keepdims=True)
        cand &= lands <= lowest + EPS
        pick[b, i] = np.argmax(cand, axis=1)  # the first: lowest position, then order
    return np.where(found, pick, -1).astype(np.intp)


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
    of each game are sorted by position for the round and restored at the end.
    """
    single = x.ndim == 1
    if single:
        x, w, s = x[None], w[None], s[None]
    batch, n = x.shape
    big_r = np.full(batch, settings.position_range) if position_range is None else position_range
    order = np.argsort(x, axis=1, kind="stable")
    games = np.arange(batch)[:, None]
    xs, ws, ss = x[games, order], w[games, order], s[games, order]
    geo = Geometry(xs, big_r, with_order=settings.probability == "all-votes")
    d_mu = np.zeros((batch, n))
    if settings.q < 1.0:
        mu = weighted_medians(xs, ws)
        d_mu = np.minimum(np.abs(xs - mu[:, None]) / big_r[:, None], 1.0)
    ones = np.ones((batch, n))
    r = ones
    if settings.risk == "two-pass":
        p1 = probability_of_success(geo, ws, ones, settings.probability)
        _, threat = challenge_utilities(geo, p1, ss, d_mu, ones, settings, threat_only=True)
        threat[:, np.arange(n), np.arange(n)] = 0.0
        r = risk_exponents(threat.sum(axis=2))
    p = probability_of_success(geo, ws, r, settings.probability)
    e_i, e_j = challenge_utilities(geo, p, ss, d_mu, r, settings)
    kind = classify_offers(xs, e_i, e_j)
    pick = choose_offers(kind, geo.dist, xs, e_i, e_j, settings.offer_choice, big_r)
    b, rows = np.nonzero(pick >= 0)
    cols = pick[b, rows]
    kinds = kind[b, rows, cols].astype(np.intp)
    part = np.ones(rows.size)
    comp = kinds == COMPROMISE
    cb, cr, cc = b[comp], rows[comp], cols[comp]
    part[comp] = compromise_share(e_i[cb, cr, cc], e_j[cb, cr, cc])
    new_sorted = xs.copy()
    # all the way means exactly x_j, so that the two count as one position next round
    new_sorted[b, rows] = _destination(xs[b, rows], xs[b, cols], part)
    positions = np.empty((batch, n))
    positions[games, order] = new_sorted
    proposer = np.full((batch, n), -1, dtype=np.intp)
    proposer[b, order[b, rows]] = order[b, cols]
    offer_type = np.zeros((batch, n), dtype=np.intp)
    offer_type[b, order[b, rows]] = kinds
    risk = np.empty((batch, n))
    risk[games, order] = r
    if single:
        return RoundResult(positions[0], risk[0], proposer[0], offer_type[0])
    return RoundResult(positions, risk, proposer, offer_type)
