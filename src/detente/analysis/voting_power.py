"""Exact Banzhaf and Shapley-Shubik power indices by dynamic programming.

Games
-----
A :class:`VotingGame` is a simple game on ``n`` players with non-negative integer
weights ``w`` in which a coalition ``S`` wins when

.. math::

    \\bigl(|S| \\ge m \\;\\text{and}\\; w(S) \\ge q\\bigr) \\;\\text{or}\\; |S| \\ge r,

with ``q`` the weight quota, ``m`` the minimum number of members and ``r`` an optional
member count that wins on its own. This covers

* the weighted majority game ``[q; w_1, ..., w_n]`` (``m = 0``, no ``r``);
* the Council's Nice rule: a weight quota and a majority of the member states
  (``m > 0``);
* the Lisbon double majority (Art. 16(4) TEU, Art. 238(3) TFEU): at least 55 % of the
  member states and at least 15 of them (``m``), representing at least 65 % of the
  population (``w`` = population, ``q``), where a blocking minority needs at least four
  states, so any coalition of all but three states wins (``r = n - 3``).

Indices
-------
Player ``i`` *swings* for a coalition ``S`` not containing ``i`` when ``S`` loses and
``S + i`` wins. With :math:`\\eta_i(c)` the number of such ``S`` of size ``c``:

.. math::

    \\beta_i = \\frac{\\sum_c \\eta_i(c)}{\\sum_j \\sum_c \\eta_j(c)}, \\qquad
    \\phi_i = \\sum_{c=0}^{n-1} \\eta_i(c)\\, \\frac{c!\\,(n-1-c)!}{n!}

(normalised Banzhaf index, Banzhaf 1965, Penrose 1946; Shapley-Shubik index, Shapley &
Shubik 1954; Felsenthal & Machover 1998, *The Measurement of Voting Power*, ch. 3-4).

Dynamic programme
-----------------
The generating function of coalitions by size and weight,
:math:`F(x, y) = \\prod_j (1 + x\\, y^{w_j})`, is built one player at a time in an array
``f[c, v]`` (coalitions with ``c`` members and weight ``v``). Weights at or above the
quota are lumped into one saturated bin ``v = q``, since a coalition there stays above
the quota whatever joins it. For each player ``i`` the factor :math:`1 + x y^{w_i}` is
divided out again, ``g[c] = f[c] - shift(g[c - 1], w_i)`` (exact in integers; the
saturated bin subtracts the tail sum of ``g[c - 1]`` at or above ``q - w_i``), and the
swings of each size ``c`` are read off ``g[c]`` against the winning rule. This is the
generating-function method of Brams & Affuso (1976) and Bilbao, Fernández, Jiménez
Losada & López (2000, "Generating functions for computing power indices efficiently",
*TOP* 8: 191-213), extended by the member count as in the latter's treatment of
double-majority games.

Cost: building ``f`` takes :math:`O(n^2 q)` integer operations and :math:`O(n q)` memory;
the swings of every player another :math:`O(n^2 q)`; players with equal weights share
one pass. Counts are exact ``int64`` (at most :math:`2^{n-1}` per cell, so ``n <= 62``).

Populations
-----------
Populations are far too large to index an array in persons (65 % of 447 million). The
double-majority game is therefore played on populations rounded to ``unit`` persons
(1000 by default, the precision of the population tables of the voting-power
literature). This is a discretisation: a coalition is classified differently from the
legal rule only if its population lies within ``n * unit / 2`` persons of the 65 %
threshold. See ``docs/voting-power.md`` for its measured effect.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from detente.errors import DetenteError

__all__ = [
    "VotingGame",
    "banzhaf_index",
    "double_majority_game",
    "shapley_shubik_index",
    "swing_counts",
    "weighted_game",
]

_MAX_PLAYERS = 62
_MAX_CELLS = 20_000_000


@dataclass(frozen=True)
class VotingGame:
    """A simple game won by ``(count >= min_members and weight >= quota) or count >= override``.

    Attributes
    ----------
    weights:
        Integer weight of each player, shape ``(n,)``, all ``>= 0``.
    quota:
        Weight a coalition needs (``>= 1``).
    min_members:
        Members a coalition needs besides the quota (0: no count condition).
    override:
        A coalition of at least this many members wins whatever its weight (``None``:
        no such clause). The Lisbon blocking-minority clause is ``n - 3``.
    """

    weights: tuple[int, ...]
    quota: int
    min_members: int = 0
    override: int | None = None

    def __post_init__(self) -> None:
        n = len(self.weights)
        if n == 0 or n > _MAX_PLAYERS:
            raise DetenteError(f"a voting game needs 1 to {_MAX_PLAYERS} players, got {n}")
        if any(w < 0 for w in self.weights):
            raise DetenteError(f"voting weights must be >= 0, got {list(self.weights)}")
        if self.quota < 1:
            raise DetenteError(f"the quota must be >= 1, got {self.quota}")
        if self.quota > sum(self.weights) and (self.override is None or self.override > n):
            raise DetenteError(
                f"no coalition can win: quota {self.quota} exceeds the total weight "
                f"{sum(self.weights)}"
            )
        if (n + 1) * (self.quota + 1) > _MAX_CELLS:
            raise DetenteError(
                f"quota {self.quota} with {n} players needs {(n + 1) * (self.quota + 1):,} "
                f"cells (limit {_MAX_CELLS:,}); use coarser weights (a larger unit)"
            )

    @property
    def n(self) -> int:
        """Number of players."""
        return len(self.weights)

    def wins(self, count: int, weight: int) -> bool:
        """Whether a coalition of ``count`` members and total ``weight`` wins."""
        by_quota = count >= self.min_members and weight >= self.quota
        return by_quota or (self.override is not None and count >= self.override)

    def _win_table(self) -> NDArray[np.bool_]:
        """``table[c, v]``: a coalition of ``c`` members in weight bin ``v`` wins.

        Shape ``(n + 1, quota + 1)``; bin ``quota`` holds every weight at or above it.
        """
        counts = np.arange(self.n + 1)[:, None]
        bins = np.arange(self.quota + 1)[None, :]
        table = (counts >= self.min_members) & (bins >= self.quota)
        if self.override is not None:
            table |= counts >= self.override
        return np.asarray(table, dtype=np.bool_)


def weighted_game(weights: Sequence[int], quota: int, *, min_members: int = 0) -> VotingGame:
    """The weighted majority game ``[quota; weights]``, optionally with a member count.

    Raises
    ------
    DetenteError
        For non-integer or negative weights, a quota below 1 or above the total weight.
    """
    ints = _integers(weights, "weights")
    return VotingGame(ints, int(quota), min_members=int(min_members))


def double_majority_game(
    populations: Sequence[int],
    *,
    member_share: Fraction = Fraction(55, 100),
    min_members: int = 15,
    population_share: Fraction = Fraction(65, 100),
    blocking_minority: int = 4,
    unit: int = 1000,
) -> VotingGame:
    """The Lisbon double-majority game on ``populations`` (persons) rounded to ``unit``.

    A coalition wins with at least ``ceil(member_share * n)`` and at least
    ``min_members`` members whose rounded population reaches
    ``ceil(population_share * total)``, or with ``n - blocking_minority + 1`` members
    (Art. 16(4) TEU). Shares are exact fractions, so the quota carries no floating-point
    error.

    Raises
    ------
    DetenteError
        For fewer players than ``blocking_minority``, negative populations or a unit < 1.
    """
    pops = _integers(populations, "populations")
    if unit < 1:
        raise DetenteError(f"the population unit must be >= 1 person, got {unit}")
    n = len(pops)
    if n < blocking_minority:
        raise DetenteError(
            f"a double-majority game needs at least {blocking_minority} members, got {n}"
        )
    rounded = tuple((p + unit // 2) // unit for p in pops)
    quota = max(1, math.ceil(population_share * sum(rounded)))
    members = max(min_members, math.ceil(member_share * n))
    return VotingGame(rounded, quota, min_members=members, override=n - blocking_minority + 1)


def _integers(values: Sequence[int], name: str) -> tuple[int, ...]:
    out = []
    for v in values:
        if isinstance(v, bool) or int(v) != v:
            raise DetenteError(f"{name} must be integers, got {v!r}")
        out.append(int(v))
    return tuple(out)


def _coalition_table(game: VotingGame) -> NDArray[np.int64]:
    """``f[c, v]``: coalitions of all players with ``c`` members in weight bin ``v``."""
    n, q = game.n, game.quota
    f = np.zeros((n + 1, q + 1), dtype=np.int64)
    f[0, 0] = 1
    for j, w in enumerate(game.weights):
        top = j + 1
        for c in range(top, 0, -1):
            _add_shifted(f[c], f[c - 1], w, q)
    return f


def _add_shifted(
    target: NDArray[np.int64], source: NDArray[np.int64], w: int, q: int, sign: int = 1
) -> None:
    """``target += sign * source shifted up by w``, lumping bins ``>= q`` into bin ``q``."""
    if w >= q:
        target[q] += sign * source.sum()
        return
    if w > 0:
        target[w:q] += sign * source[: q - w]
        target[q] += sign * source[q - w :].sum()
    else:
        target += sign * source


def swing_counts(game: VotingGame) -> NDArray[np.int64]:
    """Swings of every player by coalition size.

    Returns
    -------
    ndarray of int64, shape ``(n, n)``
        ``out[i, c]``: coalitions ``S`` of ``c`` other players that lose while
        ``S + i`` wins.
    """
    n, q = game.n, game.quota
    f = _coalition_table(game)
    win = game._win_table()
    out = np.zeros((n, n), dtype=np.int64)
    done: dict[int, int] = {}
    for i, w in enumerate(game.weights):
        if w in done:
            out[i] = out[done[w]]
            continue
        done[w] = i
        joined = np.minimum(np.arange(q + 1) + w, q)
        g = f[0].copy()
        for c in range(n):
            if c > 0:
                g_next = f[c].copy()
                _add_shifted(g_next, g, w, q, sign=-1)
                g = g_next
            swing = win[c + 1, joined] & ~win[c]
            out[i, c] = int(g[swing].sum())
    return out


def banzhaf_index(game: VotingGame) -> NDArray[np.float64]:
    """Normalised Banzhaf index of every player, shape ``(n,)``, summing to 1.

    Raises
    ------
    DetenteError
        If no player ever swings (a game no coalition can win or lose).
    """
    totals = swing_counts(game).sum(axis=1).astype(np.float64)
    grand = totals.sum()
    if grand <= 0:
        raise DetenteError("no player ever swings in this game; the index is undefined")
    return np.asarray(totals / grand, dtype=np.float64)


def shapley_shubik_index(game: VotingGame) -> NDArray[np.float64]:
    """Shapley-Shubik index of every player, shape ``(n,)``, summing to 1.

    The weight of a swing for a coalition of ``c`` others is ``c! (n-1-c)! / n!``, the
    share of orderings in which exactly those ``c`` players precede ``i``; it is taken as
    ``1 / (n * C(n-1, c))`` in float64.
    """
    n = game.n
    sizes = np.arange(n)
    per_size = 1.0 / (n * np.array([math.comb(n - 1, int(c)) for c in sizes], dtype=float))
    swings = swing_counts(game).astype(np.float64)
    return np.asarray(swings @ per_size, dtype=np.float64)
