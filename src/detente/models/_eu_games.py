"""Play many expected-utility games at once, each to its own stopping round.

:func:`solve_games` runs the rounds of :func:`detente.models._eu_rounds.play_round` on a
batch of independent games of the same number of actors (Monte Carlo draws, issues of a
backtest, the settings of a sensitivity analysis, or one game). Every game keeps exactly
the semantics of the single game: it stops after ``max_rounds`` rounds, or earlier,
``converged``, after a round in which none of its actors moved more than ``tol * R``.
A game that has stopped is no longer computed.

Cycles. A round is a deterministic function of the positions (weights, saliences, ``R``
and the options are fixed), so once a game's positions repeat exactly (bit for bit) a
round ``p`` rounds back, every later round repeats with period ``p``. The model is known
to cycle (Scholz et al. 2011; on the EC case and its perturbations most games enter an
exact cycle of 2-10 rounds within a few rounds). Such a game is not played further: its
remaining rounds, medians and final median are read off the cycle, which gives the same
outcome as playing on (up to the order of summing the medians). Repeats are looked for
among the last :data:`CYCLE_WINDOW` rounds (a fingerprint of each round's positions,
then an exact comparison).

Memory is O(chunk x n^2) for the round and O(chunk x window x n) for the cycle search,
whatever the number of games: the batch is cut into chunks. Per-round details
(positions, offers, medians, means, risk exponents) are kept only when asked for.

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
from detente.models._eu_votes import sum_in_order

__all__ = ["CHUNK_CELLS", "CYCLE_WINDOW", "GameRecord", "Solved", "solve_games"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]
OutcomeRule = Literal["settled", "final-median", "average-median"]

#: Games per chunk are chosen so that one ``(chunk, n, n)`` array holds about this many
#: numbers: enough games to spread numpy's per-call cost, few enough to stay in cache.
CHUNK_CELLS = 1 << 17

#: How many past rounds a game's new positions are compared with to find a cycle.
CYCLE_WINDOW = 64

_MIX = np.random.default_rng(20110401).integers(1, 2**63, size=4096, dtype=np.uint64) | 1


@dataclass
class GameRecord:
    """The rounds of one game, kept when :func:`solve_games` is asked to ``record``.

    Lists over rounds 0 (the inputs) .. N: ``positions`` ``(n,)`` arrays, ``medians``
    and ``means``; over rounds 1 .. N: ``proposer``, ``offer_type`` and ``risk`` ``(n,)``
    arrays (see :class:`detente.models._eu_rounds.RoundResult`). Rounds read off a
    cycle share the arrays of the rounds they repeat.
    """

    positions: list[FloatArray] = field(default_factory=list)
    medians: list[float] = field(default_factory=list)
    means: list[float] = field(default_factory=list)
    proposer: list[IntArray] = field(default_factory=list)
    offer_type: list[IntArray] = field(default_factory=list)
    risk: list[FloatArray] = field(default_factory=list)

    def repeat(self, start: int, rounds: int) -> None:
        """Extend by ``rounds`` rounds that repeat the cycle from round ``start`` on."""
        period = len(self.positions) - 1 - start
        for _ in range(rounds):
            k = len(self.positions) - period
            self.positions.append(self.positions[k])
            self.medians.append(self.medians[k])
            self.means.append(self.means[k])
            self.proposer.append(self.proposer[k - 1])
            self.offer_type.append(self.offer_type[k - 1])
            self.risk.append(self.risk[k - 1])


@dataclass(frozen=True)
class Solved:
    """What every game of a batch gave (``(B,)`` arrays).

    ``outcome`` is the forecast under the outcome rule; ``final_used`` is True where it
    is the final median, False where it is the average of the medians of rounds 1..N;
    ``cycle`` is the period of the exact cycle a game was found in (0: none, or it
    converged); ``records`` is one :class:`GameRecord` per game when recorded, else
    ``None``.
    """

    outcome: FloatArray
    converged: NDArray[np.bool_]
    stopped_after: IntArray
    final_median: FloatArray
    final_used: NDArray[np.bool_]
    cycle: IntArray
    records: list[GameRecord] | None


@dataclass
class _Chunk:
    """The running state of the games of one chunk."""

    x: FloatArray
    median_sum: FloatArray
    final_median: FloatArray
    played: IntArray
    converged: NDArray[np.bool_]
    cycle: IntArray
    records: list[GameRecord]


def _means(x: FloatArray, w: FloatArray) -> FloatArray:
    return np.asarray(np.sum(x * w, axis=1) / np.sum(w, axis=1), dtype=float)


def _fingerprint(x: FloatArray) -> NDArray[np.uint64]:
    """A 64-bit hash of each row's bits (equal rows, equal hashes; wraps on overflow)."""
    bits = np.ascontiguousarray(x).view(np.uint64)
    mix = _MIX[: x.shape[1]] if x.shape[1] <= _MIX.size else np.resize(_MIX, x.shape[1])
    return np.asarray((bits * mix).sum(axis=1, dtype=np.uint64), dtype=np.uint64)


class _History:
    """The last :data:`CYCLE_WINDOW` rounds of the games still being played, as a ring.

    Fingerprints and medians follow the games still played (:meth:`keep` drops the
    others, a small copy); the positions, read only to confirm a repeat, stay indexed by
    the game's number in the chunk. All games of a chunk play the same round numbers,
    so one ``(window,)`` array says which round each slot holds.
    """

    def __init__(self, x: FloatArray, medians: FloatArray, window: int) -> None:
        batch, n = x.shape
        self.window = window
        self.positions = np.empty((batch, window, n))
        self.hashes = np.zeros((batch, window), dtype=np.uint64)
        self.medians = np.empty((batch, window))
        self.rounds = np.full(window, -1, dtype=np.intp)
        self.store(0, np.arange(batch), x, medians)

    def store(self, number: int, games: IntArray, x: FloatArray, medians: FloatArray) -> None:
        """Round ``number`` of the games still played (``games``: their numbers)."""
        slot = number % self.window
        self.positions[games, slot] = x
        self.hashes[:, slot] = _fingerprint(x)
        self.medians[:, slot] = medians
        self.rounds[slot] = number

    def keep(self, rows: NDArray[np.bool_]) -> None:
        """Keep the rows of the games still played (a mask over the current rows)."""
        self.hashes = self.hashes[rows]
        self.medians = self.medians[rows]

    def earlier(self, number: int, games: IntArray, x: FloatArray) -> IntArray:
        """For each game still played, a round before ``number`` with exactly positions
        ``x`` (-1: none)."""
        same = self.hashes == _fingerprint(x)[:, None]
        same[:, self.rounds < 0] = False
        same[:, number % self.window] = False
        found = np.full(x.shape[0], -1, dtype=np.intp)
        k, q = np.nonzero(same)
        if k.size:
            exact = (self.positions[games[k], q] == x[k]).all(axis=1)
            found[k[exact]] = self.rounds[q[exact]]
        return found


def _start_chunk(x0: FloatArray, w: FloatArray, record: bool) -> _Chunk:
    batch = x0.shape[0]
    x = np.array(x0, dtype=float)
    chunk = _Chunk(
        x=x,
        median_sum=np.zeros(batch),
        final_median=rounds.weighted_medians(x, w),
        played=np.zeros(batch, dtype=np.intp),
        converged=np.zeros(batch, dtype=bool),
        cycle=np.zeros(batch, dtype=np.intp),
        records=[GameRecord() for _ in range(batch)] if record else [],
    )
    if record:
        means = _means(x, w)
        for b, rec in enumerate(chunk.records):
            rec.positions.append(x[b].copy())
            rec.medians.append(float(chunk.final_median[b]))
            rec.means.append(float(means[b]))
    return chunk


def _record_round(
    chunk: _Chunk, active: IntArray, result: rounds.RoundResult, medians: FloatArray, w: FloatArray
) -> None:
    means = _means(result.positions, w)
    for k, game in enumerate(active.tolist()):
        rec = chunk.records[game]
        rec.positions.append(result.positions[k].copy())
        rec.medians.append(float(medians[k]))
        rec.means.append(float(means[k]))
        rec.proposer.append(result.proposer[k].copy())
        rec.offer_type.append(result.offer_type[k].copy())
        rec.risk.append(result.risk[k].copy())


def _close_cycles(
    chunk: _Chunk,
    history: _History,
    rows: IntArray,
    games: IntArray,
    starts: IntArray,
    number: int,
    last: int,
) -> None:
    """The games ``games`` (rows ``rows`` of the history) just played round ``number``,
    which repeats round ``starts``: read their rounds ``number + 1 .. last`` off the
    cycle (``chunk.median_sum`` holds their sums up to ``number``)."""
    remaining = last - number
    period = number - starts
    full, part = np.divmod(remaining, period)
    # each game's medians over one period (padded with zeros), summed in order
    steps = np.arange(int(period.max()))
    slots = (starts[:, None] + 1 + steps) % history.window
    cycle = history.medians[rows[:, None], slots]
    cycle[steps >= period[:, None]] = 0.0
    whole = sum_in_order(cycle.T)
    cycle[steps >= part[:, None]] = 0.0
    chunk.median_sum[games] += full * whole + sum_in_order(cycle.T)
    # round r >= start repeats round start + (r - start) % period
    offset = (last - starts) % period
    chunk.final_median[games] = history.medians[rows, (starts + offset) % history.window]
    chunk.played[games] = last
    chunk.cycle[games] = period
    if chunk.records:
        for game, start in zip(games.tolist(), starts.tolist(), strict=True):
            chunk.records[game].repeat(start, remaining)


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
    """Play the games of one chunk. The games still being played are kept together
    (their positions, weights, running sums and history), so each round computes and
    stores only them; a game's totals go to the chunk when it stops."""
    chunk = _start_chunk(x0, w, record)
    window = min(CYCLE_WINDOW, max_rounds + 1)
    history = _History(chunk.x, chunk.final_median, window)
    active = np.arange(x0.shape[0])
    x, sums = chunk.x.copy(), np.zeros(active.size)
    for number in range(1, max_rounds + 1):
        result = rounds.play_round(x, w, s, settings, big_r)
        new = result.positions
        medians = rounds.weighted_medians(new, w)
        done = np.max(np.abs(new - x), axis=1) <= tol * big_r
        sums += medians
        if record:
            _record_round(chunk, active, result, medians, w)
        x = new
        stop = done.copy()
        if number < max_rounds:
            history.store(number, active, new, medians)
            start = history.earlier(number, active, new)
            looping = (start >= 0) & ~done
            stop |= looping
        if number == max_rounds:
            stop[:] = True
        if not stop.any():
            continue
        ended = active[stop]
        chunk.median_sum[ended] = sums[stop]
        chunk.final_median[ended] = medians[stop]
        chunk.played[ended] = number
        chunk.converged[active[done]] = True
        chunk.x[ended] = new[stop]
        if number < max_rounds and looping.any():
            rows = np.flatnonzero(looping)
            _close_cycles(chunk, history, rows, active[rows], start[rows], number, max_rounds)
        keep = ~stop
        if not keep.any():
            break
        active, x, w, s, big_r, sums = (v[keep] for v in (active, x, w, s, big_r, sums))
        history.keep(keep)
    return chunk


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
        Games solved together (default: about :data:`CHUNK_CELLS` pair cells, at
        least 16).

    Returns
    -------
    Solved
    """
    x0 = np.asarray(x0, dtype=float)
    batch, n = x0.shape
    size = chunk or max(16, CHUNK_CELLS // (n * n))
    parts = [
        _solve_chunk(
            x0[cut], w[cut], s[cut], position_range[cut], settings, max_rounds, tol, record
        )
        for cut in (slice(start, start + size) for start in range(0, batch, size))
    ]
    median_sum = np.concatenate([p.median_sum for p in parts])
    final = np.concatenate([p.final_median for p in parts])
    stopped = np.concatenate([p.played for p in parts])
    converged = np.concatenate([p.converged for p in parts])
    average = median_sum / np.maximum(stopped, 1)
    settled = outcome == "settled"
    final_used = converged if settled else np.full(batch, outcome == "final-median")
    return Solved(
        outcome=np.where(final_used, final, average),
        converged=converged,
        stopped_after=stopped,
        final_median=final,
        final_used=final_used,
        cycle=np.concatenate([p.cycle for p in parts]),
        records=[rec for p in parts for rec in p.records] if record else None,
    )
