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
    ``rule`` (see :func:`choose_offers`), computed at the compromises only (flat
    indices: a masked whole-array step costs far more on an irregular mask)."""
    n, _, batch = kind.shape
    key = dist.copy()
    at = np.flatnonzero(kind == COMPROMISE)
    if at.size == 0:
        return key
    ei, ej = np.take(e_i, at), np.take(e_j, at)
    if rule == "least-move":
        np.put(key, at, np.take(dist, at) * compromise_share(ei, ej))
    elif rule == "scholz-code":
        i, rest = np.divmod(at, n * batch)
        j, b = np.divmod(rest, batch)
        point = ej * np.take(x, j * batch + b)
        point -= ei * np.take(x, i * batch + b)
        point /= ej - ei
        point /= position_range[b]
        np.put(key, at, point)
    else:
        np.put(key, at, -ej)
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
    key = _offer_keys(kind, dist, x, e_i, e_j, rule, position_range)
    # kind - 1 as uint8: the offer types 0, 1, 2 and 255 for no offer
    rank = kind.view(np.uint8) - np.uint8(1)
    if rule == "least-move":
        eligible = rank != 255
    else:  # the offers of the lowest type each receiver has (none: no match)
        lowest = rank.min(axis=1)
        lowest[lowest == 255] = 254
        eligible = rank == lowest[:, None]
    # the others out of reach: + 1e300 (a masked assignment costs far more)
    barred = (~eligible).view(np.uint8).astype(float)
    barred *= 1e300
    key += barred
    best = key.min(axis=1)
    found = best < 1e299
    best += EPS
    tied = key <= best[:, None]
    tied &= eligible
    count = tied.sum(axis=1, dtype=np.intp)
    # the proposer where exactly one offer is best
    if n < 256:
        weights = np.arange(n, dtype=np.uint8)[:, None]
        pick = (tied.view(np.uint8) * weights).sum(axis=1, dtype=np.intp)
    else:
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
