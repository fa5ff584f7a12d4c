"""Offers in the expected-utility model (E12): which offers exist, which one is accepted.

Part of the batched round of :mod:`detente.models._eu_rounds`, in its layout: actors
first, games last (vectors ``(n, B)``, pair matrices ``(n, n, B)``, row ``i`` the
receiver of an offer and column ``j`` its proposer); see
:mod:`detente.models._eu_votes`. Functions also accept a single game (``(n,)`` and
``(n, n)``) where noted.

Source: Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011), "Unravelling Bueno De
Mesquita's group decision model", *Journal of Theoretical Politics* 23(4): 510-531;
the ``"scholz-code"`` rule as the public replication of the authors' code reports it.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

from detente.models._eu_votes import SMALL_GAME

__all__ = [
    "CAPITULATION",
    "COMPROMISE",
    "CONFLICT",
    "EPS",
    "NO_OFFER",
    "OFFER_NAMES",
    "OfferChoice",
    "choose_offers",
    "classify_offers",
    "compromise_share",
    "destination",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

NO_OFFER, CONFLICT, COMPROMISE, CAPITULATION = 0, 1, 2, 3
OFFER_NAMES = {CONFLICT: "conflict", COMPROMISE: "compromise", CAPITULATION: "capitulation"}

#: Expected utilities (and normalised positions) closer than this count as equal, so
#: that a decision never hangs on rounding noise (summation order, scaling).
EPS = 1e-12

OfferChoice = Literal["scholz-code", "type-strongest", "least-move"]


def classify_offers(x: FloatArray, e_i: FloatArray, e_j: FloatArray) -> NDArray[np.int8]:
    """(E12) The offer ``j`` makes ``i``: what ``i`` expects if ``j`` challenges it.

    ``x`` is ``(n, ...)``, ``e_i`` and ``e_j`` ``(n, n, ...)`` (any trailing game axes,
    or none). From ``i``'s point of view, with ``E_i = EU^i(ij)`` and
    ``E_j = EU^i(ji)``:

    * :data:`CONFLICT`: ``E_j > E_i > 0``; ``i`` expects to lose and moves to ``x_j``;
    * :data:`COMPROMISE`: ``E_i < 0 < E_j`` and ``|E_i| <= E_j``; ``i`` moves to
      ``x_i + (x_j - x_i) |E_i / E_j|`` (:func:`compromise_share`);
    * :data:`CAPITULATION`: ``E_i < 0 < E_j`` and ``|E_i| > E_j``; ``i`` moves to ``x_j``;
    * :data:`NO_OFFER` otherwise, and between actors at the same position.

    Comparisons use the margin :data:`EPS`.
    """
    valid = x[:, None] != x[None, :]
    conflict = e_i > EPS
    conflict &= np.subtract(e_j, e_i) > EPS
    conflict &= valid
    yielding = e_i < -EPS
    yielding &= e_j > EPS
    yielding &= valid
    # CAPITULATION - 1 where |E_i| <= E_j (a compromise), CAPITULATION where not
    kind = (np.add(e_j, e_i) >= -EPS).view(np.int8)
    np.subtract(np.int8(CAPITULATION), kind, out=kind)
    kind *= yielding.view(np.int8)
    kind += conflict.view(np.int8)
    return kind


def compromise_share(e_i: FloatArray, e_j: FloatArray) -> FloatArray:
    """The share ``min(1, |E_i| / E_j)`` of the way to ``x_j`` a compromise asks (E12)."""
    return np.asarray(np.minimum(1.0, -e_i / e_j), dtype=float)


def destination(x_i: FloatArray, x_j: FloatArray, share: FloatArray) -> FloatArray:
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
    if kind.shape[0] <= SMALL_GAME:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # non-offers
            if rule == "least-move":
                return np.where(comp, dist * compromise_share(e_i, e_j), dist)
            if rule == "scholz-code":
                point = np.multiply(e_j, x[None, :])
                spread = np.multiply(e_i, x[:, None])
                point -= spread
                point /= np.subtract(e_j, e_i, out=spread)
                point /= position_range
                key = dist.copy()
                np.copyto(key, point, where=comp)
                return key
            return np.where(comp, -e_j, dist)
    key = dist.copy()
    at = np.nonzero(comp)
    ei, ej = e_i[at], e_j[at]
    if rule == "least-move":
        key[at] *= compromise_share(ei, ej)
    elif rule == "scholz-code":
        point = (-ei * x[at[0], at[2]] + ej * x[at[1], at[2]]) / (ej - ei)
        key[at] = point / position_range[at[2]]
    else:
        key[at] = -ej
    return key


def choose_offers(
    kind: NDArray[np.int8],
    dist: FloatArray,
    x: FloatArray,
    e_i: FloatArray,
    e_j: FloatArray,
    rule: OfferChoice,
    position_range: FloatArray,
) -> IntArray:
    """The proposer (column) whose offer each actor (row) accepts, ``(n, B)``; ``-1``: none.

    Shapes: ``kind``, ``dist`` (distances over ``R``, E1), ``e_i``, ``e_j`` are
    ``(n, n, B)``; ``x`` is ``(n, B)`` sorted ascending per game; ``position_range``
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
    n = kind.shape[0]
    has = kind > NO_OFFER
    key = _offer_keys(kind, dist, x, e_i, e_j, rule, position_range)
    if rule == "least-move":
        eligible = has
    else:  # the offers of the lowest type each receiver has (none: no match)
        lowest = np.where(has, kind, np.int8(CAPITULATION + 1)).min(axis=1)
        eligible = kind == lowest[:, None]
    np.copyto(key, np.inf, where=~eligible)
    best = key.min(axis=1)
    found = np.isfinite(best)
    best += EPS
    tied = key <= best[:, None]
    tied &= eligible
    count = tied.sum(axis=1, dtype=np.intp)
    # the proposer where exactly one offer is best
    pick = np.einsum("ijb,j->ib", tied, np.arange(n, dtype=np.intp))
    multiple = found & (count > 1)
    if multiple.any():
        i, b = np.nonzero(multiple)
        cand = tied[i, :, b]  # (m, n): the tied proposers of each such receiver
        kinds = kind[i, :, b]
        typed = np.where(cand, kinds, np.int8(CAPITULATION + 1))
        cand &= typed == typed.min(axis=1, keepdims=True)
        share = np.ones(cand.shape)
        comp = cand & (kinds == COMPROMISE)
        share[comp] = compromise_share(e_i[i, :, b][comp], e_j[i, :, b][comp])
        lands = destination(x[i, b][:, None], x[:, b].T, share) / position_range[b][:, None]
        lowest_land = np.where(cand, lands, np.inf).min(axis=1, keepdims=True)
        cand &= lands <= lowest_land + EPS
        pick[i, b] = np.argmax(cand, axis=1)  # the first: lowest position, then order
    return np.where(found, pick, -1).astype(np.intp)
