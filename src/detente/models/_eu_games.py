"""Play many expected-utility games at once, each to its own stopping round.

:func:`solve_games` runs the rounds of :func:`detente.models._eu_rounds.play_round` on a
batch of independent games of the same number of actors (Monte Carlo draws, issues of a
backtest, the settings of a sensitivity analysis, or one game). Every game keeps exactly
the semantics of the single game: it stops after ``max_rounds`` rounds, or earlier,
``converged``, after a round in which none of its actors moved more than ``tol * R``;
a stopped game is no longer computed. The batch is cut into chunks so that memory stays
O(chunk x n^2) whatever the number of games. Per-round details (positions, offers,
medians, means) are kept only when asked for.

Source of the model: Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011), "Unravelling
Bueno De Mesquita's group decision model", *Journal of Theoretical Politics* 23(4):
510-531; see ``docs/models/expected-utility.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from detente.models import _eu_rounds as rounds

__all__ = ["CHUNK_CELLS", "GameRecord", "Solved", "solve_games"]

FloatArray = NDArray[np.float64]
OutcomeRule = Literal["settled", "final-median", "average-median"]

#: Games per chunk are chosen so that one ``(chunk, n, n)`` array holds about this many
#: numbers (2 MB): small enough to stay in cache, large enough to spread numpy's
#: per-call cost over many games.
CHUNK_CELLS = 1 << 18


@dataclass
class GameRecord:
    """The rounds of one game, kept when :func:`solve_games` is asked to ``record``.

    Lists over rounds 0 (the inputs) .. N: ``positions`` ``(n,)`` arrays, ``medians``
    and ``means``; over rounds 1 .. N: ``proposer`` and ``offer_type`` ``(n,)`` arrays
    (see :class:`detente.models._eu_rounds.RoundResult`).
    """

    positions: list[FloatArray] = field(default_factory=list)
    medians: list[float] = field(default_factory=list)
    means: list[float] = field(default_factory=list)
    proposer: list[NDArray[np.intp]] = field(default_factory=list)
    offer_type: list[NDArray[np.intp]] = field(default_factory=list)


@dataclass(frozen=True)
class Solved:
    """What every game of a batch gave (``(B,)`` arrays unless noted).

    ``outcome`` is the forecast under the outcome rule; ``rule_used`` is True where it
    is the final median, False where it is the average of the medians of rounds 1..N;
    ``risk`` ``(B, n)`` holds the exponents of each game's last round; ``records`` is
    one :class:`GameRecord` per game when recorded, else ``None``.
    """

    outcome: FloatArray
    converged: NDArray[np.bool_]
    stopped_after: NDArray[np.intp]
    final_median: FloatArray
    rule_used: NDArray[np.bool_]
    risk: FloatArray
    records: list[GameRecord] | None


@dataclass(frozen=True)
class _Chunk:
    median_sum: FloatArray
    final_median: FloatArray
    played: NDArray[np.intp]
    converged: NDArray[np.bool_]
    risk: FloatArray
    records: list[GameRecord]


def _means(x: FloatArray, w: FloatArray) -> FloatArray:
    return np.asarray(np.sum(x * w, axis=1) / np.sum(w, axis=1), dtype=float)


def _solve_chunk(
    x0: FloatArray,
    w: FloatArray,
    s: FloatArray,
    big_r: FloatArray,
    settings: rounds.Settings,
    max_rounds: int,
    tol: float,
    record: bool,
) -> _Chunk:
    batch, n = x0.shape
    x = np.array(x0, dtype=float)
    risk = np.ones((batch, n))
    played = np.zeros(batch, dtype=np.intp)
    converged = np.zeros(batch, dtype=bool)
    median_sum = np.zeros(batch)
    last_median = rounds.weighted_medians(x, w)
    records = [GameRecord() for _ in range(batch)] if record else []
    if record:
        means = _means(x, w)
        for b, rec in enumerate(records):
            rec.positions.append(x[b].copy())
            rec.medians.append(float(last_median[b]))
            rec.means.append(float(means[b]))
    active = np.arange(batch)
    for _ in range(max_rounds):
        if active.size == 0:
            break
        whole = active.size == batch
        xa = x if whole else x[active]
        wa = w if whole else w[active]
        ra = big_r if whole else big_r[active]
        result = rounds.play_round(xa, wa, s if whole else s[active], settings, ra)
        medians = rounds.weighted_medians(result.positions, wa)
        change = np.max(np.abs(result.positions - xa), axis=1)
        x[active] = result.positions
        risk[active] = result.risk
        played[active] += 1
        median_sum[active] += medians
        last_median[active] = medians
        if record:
            means = _means(result.positions, wa)
            for k, game in enumerate(active.tolist()):
                rec = records[game]
                rec.positions.append(result.positions[k].copy())
                rec.medians.append(float(medians[k]))
                rec.means.append(float(means[k]))
                rec.proposer.append(result.proposer[k].copy())
                rec.offer_type.append(result.offer_type[k].copy())
        done = change <= tol * ra
        converged[active[done]] = True
        active = active[~done]
    return _Chunk(median_sum, last_median, played, converged, risk, records)


def solve_games(
    x0: FloatArray,
    w: FloatArray,
    s: FloatArray,
    position_range: FloatArray,
    settings: rounds.Settings,
    *,
    max_rounds: int,
    tol: float,
    outcome: OutcomeRule,
    record: bool = False,
    chunk: int | None = None,
) -> Solved:
    """Play ``B`` games of ``n`` actors to their stopping rounds; return their forecasts.

    Parameters
    ----------
    x0, w, s:
        ``(B, n)`` initial positions, weights (capability x salience) and saliences
        (0-1). Actors are taken in the order given for the last, label-only tie-break
        (:func:`detente.models._eu_rounds.choose_offers`).
    position_range:
        ``(B,)``: ``R`` of (E1) of each game, > 0.
    settings:
        The round options (``settings.position_range`` is not read).
    max_rounds, tol, outcome:
        The stopping rule and the outcome statistic of
        :class:`detente.models.expected_utility.ExpectedUtilityModel`.
    record:
        Keep every round of every game (:class:`GameRecord`); costs O(B n rounds).
    chunk:
        Games solved together (default: about :data:`CHUNK_CELLS` pair cells).

    Returns
    -------
    Solved
    """
    x0 = np.asarray(x0, dtype=float)
    batch, n = x0.shape
    size = chunk or max(1, CHUNK_CELLS // max(1, n * n * (n if n <= rounds.SMALL_GAME else 1)))
    size = max(size, min(batch, 64))
    parts = []
    for start in range(0, batch, size):
        cut = slice(start, start + size)
        parts.append(
            _solve_chunk(
                x0[cut], w[cut], s[cut], position_range[cut], settings, max_rounds, tol, record
            )
        )
    median_sum = np.concatenate([p.median_sum for p in parts])
    final = np.concatenate([p.final_median for p in parts])
    stopped = np.concatenate([p.played for p in parts])
    converged = np.concatenate([p.converged for p in parts])
    risk = np.concatenate([p.risk for p in parts])
    records = [rec for p in parts for rec in p.records] if record else None
    average = median_sum / np.maximum(stopped, 1)
    settled = outcome == "settled"
    final_used = converged if settled else np.full(batch, outcome == "final-median")
    return Solved(
        outcome=np.where(final_used, final, average),
        converged=converged,
        stopped_after=stopped,
        final_median=final,
        rule_used=final_used,
        risk=risk,
        records=records,
    )
