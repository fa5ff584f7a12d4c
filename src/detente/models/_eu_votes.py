"""Who backs whom in the expected-utility model: distances, support and (E1)-(E3).

Part of the batched round of :mod:`detente.models._eu_rounds` (see there and
``docs/models/expected-utility.md`` for the equations). Layout: **actors first, games
last**. A vector over the ``n`` actors of ``B`` games is an ``(n, B)`` array and a
matrix over ordered actor pairs an ``(n, n, B)`` array ``M[i, j, b]``, row ``i`` the
actor that challenges, column ``j`` its counterpart. With the games on the last,
contiguous axis every numpy loop runs over all games at once, so sums and minima over
one actor axis, and the transpose ``M[j, i, b]``, cost what an elementwise step costs
however small ``n`` is. Distances are divided by each game's fixed position range ``R``,
so they lie in ``[0, 1]``.

Source: Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011), "Unravelling Bueno De
Mesquita's group decision model", *Journal of Theoretical Politics* 23(4): 510-531.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "SMALL_GAME",
    "Denominator",
    "Geometry",
    "all_votes_denominator",
    "probability_matrix",
    "probability_of_success",
    "sum_in_order",
    "support",
    "voters_below",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

Denominator = Literal["all-votes", "pair"]

#: Up to this many actors the voters below each pair's midpoint are counted with one
#: comparison per (pair, voter) over the whole batch; above it, per game with a binary
#: search. Both give exactly ``searchsorted(x, midpoint, side="left")``.
SMALL_GAME = 32

#: Below this many numbers per step, a running sum over actors is one numpy call
#: (``add.accumulate`` along the first axis, slow on wide arrays) rather than one call
#: per actor; both add in the same order, so the results are the same bits.
_FEW = 256


def sum_in_order(parts: FloatArray) -> FloatArray:
    """``parts[0] + parts[1] + ...``, added in this order, whatever the shape.

    numpy's reductions add a single game's numbers pairwise but a batch's one after
    the other, so their rounding would depend on how many games are solved together;
    this sum rounds the same for one game as for any batch (``np.sum(axis=0)`` would
    not), so that a game's result never depends on the batch it is solved in.
    """
    if parts[0].size <= _FEW:  # few games: one call (accumulate adds in order too)
        return np.asarray(np.add.accumulate(parts, axis=0)[-1], dtype=float)
    out = np.array(parts[0], dtype=float)
    for k in range(1, parts.shape[0]):
        out += parts[k]
    return out


def voters_below(x: FloatArray, mid: FloatArray) -> IntArray:
    """``m[i, j, b]``: how many of game ``b``'s sorted positions ``x[:, b]`` lie below
    ``mid[i, j, b]``.

    Exactly ``numpy.searchsorted(x[:, b], mid[:, :, b], side="left")`` for every game:
    with at most :data:`SMALL_GAME` actors and at least as many games as actors by
    counting comparisons over the batch (O(B n^3) work in ``n`` whole-batch steps), else
    one binary search per game (O(n^2 log n) each).
    """
    n, batch = x.shape
    if n <= SMALL_GAME and batch >= n:
        count = np.zeros(mid.shape, dtype=np.int8)
        for k in range(n):
            count += x[k] < mid
        return count.astype(np.intp)
    out = np.empty(mid.shape, dtype=np.intp)
    for b in range(batch):
        out[:, :, b] = np.searchsorted(x[:, b], mid[:, :, b], side="left")
    return out


class Geometry:
    """What depends only on the positions, shared by both risk passes of a round.

    ``x`` is ``(n, B)``, each game's actors sorted by position (ascending along axis
    0); ``position_range`` is ``(B,)``. Attributes: ``dist`` ``(n, n, B)``, the
    distances of (E1); ``at_j`` and ``at_i``, where pair ``(i, j)`` reads its two sums
    in the ``(2, n + 1, n, B)`` table of :func:`support` (flat indices).
    """

    __slots__ = ("at_i", "at_j", "dist")

    def __init__(self, x: FloatArray, position_range: FloatArray) -> None:
        n, batch = x.shape
        row, col = x[:, None, :], x[None, :, :]
        # (E1) normalised distances d_ij = |x_i - x_j| / R, clipped to [0, 1]
        dist = np.subtract(row, col)
        np.abs(dist, out=dist)
        dist /= position_range
        self.dist: FloatArray = np.minimum(dist, 1.0, out=dist)
        # m_ij: the number of voters strictly below the midpoint of the pair, symmetric
        # in (i, j). Voters below it back the left one of the two, voters above it the
        # right one; a voter exactly on it is indifferent (its vote is zero up to
        # rounding), so it does not matter on which side it is counted.
        mid = np.add(row, col)
        mid *= 0.5
        at = voters_below(x, mid)
        at *= n * batch
        at += np.arange(batch)
        # pairs with i < j read the sums below the midpoint (table 0), the others the
        # sums above it (table 1); j's column, then i's
        actor = np.arange(n)
        table = (actor[:, None] > actor[None, :]) * ((n + 1) * n)
        self.at_j: IntArray = at + ((table + actor[None, :]) * batch)[:, :, None]
        at += ((table + actor[:, None]) * batch)[:, :, None]
        self.at_i: IntArray = at


def support(geo: Geometry, w: FloatArray, votes: FloatArray) -> FloatArray:
    """Weighted support for ``i`` against ``j``: ``N_ij = sum_k w_k max(0, u_kj - u_ki)``.

    ``w`` is ``(n, B)``; ``votes[k, a, b]`` is voter ``k``'s loss ``u_ka = d_ka ** r_k``
    (E2) from outcome ``x_a`` in game ``b``. Voter ``k`` backs ``i`` over ``j`` exactly
    when it lies nearer ``x_i``, i.e. on ``i``'s side of the midpoint
    ``(x_i + x_j) / 2``. So instead of the triple sum over ``(i, j, k)``, with the
    voters in position order, the sums ``C[m, a] = sum_{k < m} w_k u_ka`` (below) and
    ``D[m, a] = sum_{k >= m} w_k u_ka`` (above) are taken down each column, and each
    pair reads two entries: with ``m`` the voters below the midpoint,
    ``N_ij = C[m, j] - C[m, i]`` if ``i`` lies left of ``j`` and
    ``N_ij = D[m, j] - D[m, i]`` if it lies right. For two actors at one position both
    give exactly 0 (their columns are equal), so "left" is simply ``i < j`` in position
    order. O(n^2 log n) time, O(n^2) memory per game.
    """
    n, batch = w.shape
    sums = np.empty((2, n + 1, n, batch))
    below, above = sums[0], sums[1]
    below[0] = 0.0
    each = below[1:]
    np.multiply(votes, w[:, None, :], out=each)
    above[n] = 0.0
    if each[0].size <= _FEW:  # few games: one call each way, the same sums in order
        np.add.accumulate(each[::-1], axis=0, out=above[n - 1 :: -1])
        np.add.accumulate(each, axis=0, out=each)
    else:
        above[n - 1] = each[n - 1]
        for m in range(n - 2, -1, -1):
            np.add(above[m + 1], each[m], out=above[m])
        for m in range(1, n):
            each[m] += each[m - 1]
    out: FloatArray = np.take(sums, geo.at_j)
    out -= np.take(sums, geo.at_i)
    np.maximum(out, 0.0, out=out)
    return out


def all_votes_denominator(support: FloatArray) -> FloatArray:
    """The all-votes denominator of (E3) of each game, ``(B,)``, from the support
    ``N`` ``(n, n, B)``: ``D = 2 sum_ij N_ij`` (see :func:`probability_of_success`); 1
    where it is 0 (every ``N_ij`` is then 0: every position is one point)."""
    den = sum_in_order(sum_in_order(support.transpose(1, 0, 2)))
    den *= 2.0
    den[den <= 0] = 1.0
    return den


def probability_of_success(
    geo: Geometry, w: FloatArray, r: FloatArray, denominator: Denominator
) -> FloatArray:
    """(E3) ``P_ij`` ``(n, n, B)``, the probability that ``i`` beats ``j`` if ``i``
    challenges ``j``.

    Numerator: the support ``N_ij`` (:func:`support`) with votes
    ``v_k^ij = w_k (d_kj^{r_k} - d_ki^{r_k})`` (each voter's own risk exponent ``r``,
    ``(n, B)``). Denominator: ``"all-votes"`` sums every voter's absolute vote over
    every ordered pair of actors, ``D = sum_k w_k sum_a sum_b |u_ka - u_kb|`` (one
    number per game and round). Since ``sum_ab max(0, u_kb - u_ka)`` is half of
    ``sum_ab |u_ka - u_kb|``, ``D = 2 sum_ij N_ij``: the support already computed gives
    it, with no sorting. ``"pair"`` is the paper's eq. (31),
    ``sum_k |v_k^ij| = N_ij + N_ji``. ``P_ij = 0`` when ``x_i = x_j`` or when the
    denominator is zero. Actors in position order.
    """
    votes = geo.dist if bool(np.all(r == 1.0)) else np.power(geo.dist, r[:, None, :])
    prob = support(geo, w, votes)
    if denominator == "all-votes":
        prob /= all_votes_denominator(prob)
        return prob
    pair = prob + prob.transpose(1, 0, 2)
    # where the pair's denominator is 0 so is the numerator (0 <= N_ij <= N_ij + N_ji)
    return np.divide(prob, pair, out=prob, where=pair > 0)


def probability_matrix(
    x: FloatArray, w: FloatArray, r: FloatArray, position_range: float, denominator: Denominator
) -> FloatArray:
    """:func:`probability_of_success` for one game's actors in any order (``(n, n)``)."""
    order = np.argsort(x, kind="stable")
    geo = Geometry(x[order][:, None], np.array([position_range]))
    p_sorted = probability_of_success(geo, w[order][:, None], r[order][:, None], denominator)
    back = np.argsort(order)
    return np.asarray(p_sorted[:, :, 0][np.ix_(back, back)], dtype=float)
