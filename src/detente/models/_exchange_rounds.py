"""The rounds of Stokman's exchange of voting positions (engine of ``models/exchange.py``).

Everything here works on positions normalised to 0-100 (as decide does), one row per
actor and one column per issue, ``nan`` where an actor takes no stance. Symbols (Stokman
& Van Oosten 1994):

* ``W_d = sum_k c_kd s_kd`` and the expected outcome ``O_d = sum_k c_kd s_kd x_kd / W_d``;
* an exchange of actors ``i`` and ``j`` on issues ``p`` and ``q``: the two stand on
  opposite sides of ``O`` on both issues, ``i`` values ``p`` relatively more
  (``s_ip s_jq > s_jp s_iq``) and demands it, so ``j`` shifts its voting position on
  ``p`` towards ``x_ip`` and ``i`` shifts on ``q`` towards ``x_jq``;
* the outcome shifts ``dp = |Dx_jp| c_jp s_jp / W_p`` and ``dq = |Dx_iq| c_iq s_iq / W_q``;
  ``i`` gains ``s_ip dp - s_iq dq`` and ``j`` gains ``s_jq dq - s_jp dp``;
* equal gain (the equal-gain exchange rate): ``dq (s_iq + s_jq) = dp (s_ip + s_jp)``, and
  one of the two moves all the way to the other's position (the one whose full move
  keeps the other's move within reach);
* random rate (Dijkstra, Van Assen, Stokman & Draaijer 2018): the rate ``dq / dp`` is
  drawn uniformly between the rates at which ``j`` and ``i`` gain nothing
  (``s_jp / s_jq`` and ``s_ip / s_iq``), so both still gain.

The bookkeeping within a round (which exchanges are recomputed after one is carried
out, the limit that an exchange may not push an outcome past the demanding actor's
position, the sign rule on moves) follows decide-exchange-model (Draaijer, 2022.1.9);
see ``docs/models/exchange.md`` for each rule and why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

__all__ = ["ExchangeRecord", "Party", "RoundState", "Ties", "run_round"]

#: decide's thresholds, in points of the 0-100 scale (moves) and utility (gains).
TINY_MOVE = 1e-10
TINY_GAIN = 1e-10
#: Outcomes this close (0-100 scale) to a demanded position count as at it.
OUTCOME_TOL = 1e-9
#: decide's new start position: y weight ``FIXED + SALIENCE (1 - s)`` (AbstractModel).
SALIENCE_WEIGHT = 0.4
FIXED_WEIGHT = 0.1


@dataclass
class RoundState:
    """Positions at the start of a round and what is fixed during it."""

    positions: np.ndarray  # (n, m), nan = no stance
    saliences: np.ndarray  # (n, m)
    capabilities: np.ndarray  # (n, m)
    weight_sums: np.ndarray = field(init=False)  # W_d, (m,)
    outcomes: np.ndarray = field(init=False)  # O_d, (m,)
    _weights: list[list[float]] = field(init=False, repr=False)  # c s per issue and actor
    _terms: list[dict[int, float]] = field(init=False, repr=False)  # c s x, actors with x

    def __post_init__(self) -> None:
        self.weight_sums, self.outcomes = outcome(self.positions, self.saliences, self.capabilities)
        w = self.saliences * self.capabilities
        self._weights = w.T.tolist()
        self._terms = []
        for d in range(self.positions.shape[1]):
            has = np.flatnonzero(~np.isnan(self.positions[:, d]))
            products = (w[has, d] * self.positions[has, d]).tolist()
            self._terms.append(dict(zip(has.tolist(), products, strict=True)))

    def outcome_with(self, issue: int, moved: dict[int, float]) -> float:
        """``O_issue`` with the actors in ``moved`` at the given positions.

        The sum is exactly rounded (``math.fsum``), so it does not depend on the order
        of the actors; each product ``c s x`` is the one float multiplication.
        """
        terms = dict(self._terms[issue])
        weights = self._weights[issue]
        for actor, value in moved.items():
            if math.isnan(value):
                terms.pop(actor, None)
            else:
                terms[actor] = weights[actor] * value
        return math.fsum(terms.values()) / float(self.weight_sums[issue])


def outcome(
    positions: np.ndarray, saliences: np.ndarray, capabilities: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``(W, O)`` per issue; sums are exactly rounded so actor order never matters."""
    m = positions.shape[1]
    w_sum, out = np.empty(m), np.empty(m)
    for d in range(m):
        has = ~np.isnan(positions[:, d])
        w = (saliences[has, d] * capabilities[has, d]).tolist()
        w_sum[d] = math.fsum(w)
        wx = (saliences[has, d] * capabilities[has, d] * positions[has, d]).tolist()
        out[d] = math.fsum(wx) / w_sum[d] if w_sum[d] > 0 else math.nan
    return w_sum, out


@dataclass
class Party:
    """One side of an exchange: ``actor`` supplies on ``supply``, demands ``demand``."""

    actor: int
    supply: int
    demand: int
    x: float  # current position on the supply issue
    start: float  # position on the supply issue at the start of the round
    x_demand: float  # own position on the demand issue
    s_supply: float
    s_demand: float
    cs_supply: float  # c * s on the supply issue
    moves: list[float] = field(default_factory=list)
    move: float = 0.0
    y: float = 0.0

    def move_ok(self, move: float) -> bool:
        """decide's ``is_move_valid``: a real move inside 0-100, all moves one way."""
        if abs(move) > 100 or abs(move) <= TINY_MOVE:
            return False
        if not 0 <= self.x + move <= 100 or sum(self.moves) > 100:
            return False
        return min(self.moves) > 0 or max(self.moves) < 0


@dataclass
class ExchangeRecord:
    """An exchange between ``i`` (demands ``p``, supplies ``q``) and ``j`` (the reverse)."""

    i: Party
    j: Party
    rate: float | None = None  # drawn dq/dp of the random-rate variant
    gain: float = 0.0  # equal gain; the larger of the two under random rate
    gain_i: float = 0.0
    gain_j: float = 0.0
    valid: bool = True
    updates: dict[int, dict[int, float]] = field(default_factory=dict)
    ranked: tuple[float, ...] | None = None  # _rank's numbers, reset by each calculate

    def touched_by(self, supplies: set[tuple[int, int]], demands: set[tuple[int, int]]) -> bool:
        """Whether an exchange whose parties supply ``supplies`` and demand ``demands``
        ((actor, issue) pairs) can change this one (:func:`recalculate`'s two tests)."""
        i, j = self.i, self.j
        return (
            (i.actor, i.supply) in supplies
            or (j.actor, j.supply) in supplies
            or (i.actor, i.demand) in demands
            or (j.actor, j.demand) in demands
        )

    def key(self) -> tuple[float, ...]:
        """Numbers that order exchanges of equal gain without using names or input order."""
        i, j = self.i, self.j
        return (
            self.gain,
            abs(i.move) + abs(j.move),
            i.s_demand,
            j.s_demand,
            i.cs_supply,
            j.cs_supply,
            i.x,
            j.x,
        )


def _toward(move: float, frm: float, to: float) -> float:
    return -abs(move) if frm > to else abs(move)


def calculate(ex: ExchangeRecord, state: RoundState) -> None:
    """Moves, gains and validity of ``ex`` from its parties' current positions."""
    ex.ranked = None
    i, j = ex.i, ex.j
    w_p, w_q = state.weight_sums[j.supply], state.weight_sums[i.supply]
    s_p, s_q = i.s_demand + j.s_supply, i.s_supply + j.s_demand
    ratio = s_p / s_q if ex.rate is None else ex.rate  # dq / dp
    # first j moves all the way to i's position on p
    move_j = abs(i.x_demand - j.x)
    dp = move_j * j.cs_supply / w_p
    dq = ratio * dp
    move_i = dq * w_q / i.cs_supply
    if abs(move_i) > abs(j.x_demand - i.x):  # else i moves all the way on q
        move_i = abs(j.x_demand - i.x)
        dq = move_i * i.cs_supply / w_q
        dp = dq / ratio
        move_j = dp * w_p / j.cs_supply
    i.move, j.move = _toward(move_i, i.x, j.x_demand), _toward(move_j, j.x, i.x_demand)
    i.moves.append(i.move)
    j.moves.append(j.move)
    i.y, j.y = i.x + i.move, j.x + j.move
    _gains(ex, dp, dq)
    ex.valid = i.move_ok(i.move) and j.move_ok(j.move) and min(ex.gain_i, ex.gain_j) >= TINY_GAIN
    if not ex.valid:
        return
    _keep_outcome_short_of_demand(ex, i, j, state)
    _keep_outcome_short_of_demand(ex, j, i, state)
    ex.valid = i.move_ok(i.move) and j.move_ok(j.move)


def _gains(ex: ExchangeRecord, dp: float, dq: float) -> None:
    i, j = ex.i, ex.j
    ex.gain_i = i.s_demand * dp - i.s_supply * dq
    ex.gain_j = j.s_demand * dq - j.s_supply * dp
    ex.gain = max(ex.gain_i, ex.gain_j) if ex.rate is not None else abs(ex.gain_i)


def _moved(ex: ExchangeRecord, issue: int, actor: int, position: float) -> dict[int, float]:
    moved = dict(ex.updates.get(issue, {}))
    moved[actor] = position
    return moved


def _keep_outcome_short_of_demand(
    ex: ExchangeRecord, a: Party, b: Party, state: RoundState
) -> None:
    """Limit ``a``'s shift so the outcome on its supply issue stops at ``b``'s position.

    decide's ``check_nbs``: an exchange may move the outcome up to, not past, the
    position of the actor that demanded the shift. ``b`` then moves so the exchange
    rate is kept (the equal gain, or the drawn rate).
    """
    before = state.outcome_with(a.supply, _moved(ex, a.supply, a.actor, a.x))
    after = state.outcome_with(a.supply, _moved(ex, a.supply, a.actor, a.y))
    target = b.x_demand
    # decide compares in 28-digit decimals; outcomes within OUTCOME_TOL of the target
    # count as at it, so float noise never flips the side (at it: no limit, as in decide)
    gap_before = 0.0 if abs(target - before) < OUTCOME_TOL else target - before
    gap_after = 0.0 if abs(target - after) < OUTCOME_TOL else target - after
    if (gap_before >= 0 and gap_after >= 0) or (gap_before <= 0 and gap_after <= 0):
        return
    w_a, w_b = state.weight_sums[a.supply], state.weight_sums[b.supply]
    # decide's adjusted_nbs_by_position measures the shift from the outcome with the
    # recorded positions applied after a's own (a stale record of a wins); kept as is
    from_here = dict(_moved(ex, a.supply, a.actor, a.x))
    from_here.update(ex.updates.get(a.supply, {}))
    delta = abs(target - state.outcome_with(a.supply, from_here)) * w_a / a.cs_supply
    d_a = delta * a.cs_supply / w_a
    if ex.rate is None:
        d_b = d_a * (a.s_supply + b.s_demand) / (a.s_demand + b.s_supply)
    else:  # the drawn rate is dq/dp with q = i's supply issue
        d_b = d_a / ex.rate if a is ex.i else d_a * ex.rate
    a.move = _toward(delta, a.x, b.x_demand)
    b.move = _toward(d_b * w_b / b.cs_supply, b.x, a.x_demand)
    for party in (a, b):
        party.moves.pop()
        party.moves.append(party.move)
        party.y = party.x + party.move
    dp, dq = (d_b, d_a) if a is ex.i else (d_a, d_b)
    _gains(ex, dp, dq)


def _same(a: Party, b: Party, supply: bool) -> bool:
    return a.actor == b.actor and (a.supply == b.supply if supply else a.demand == b.demand)


def _record_update(ex: ExchangeRecord, mover: Party, issue: int) -> None:
    """decide's ``update_updates``: the mover's new position as others' outcomes see it."""
    table = ex.updates.setdefault(issue, {})
    if mover.actor not in table:
        table[mover.actor] = mover.y
        return
    current = table[mover.actor]
    if mover.start <= current:
        table[mover.actor] = current if current < mover.y else mover.y
    else:
        table[mover.actor] = current if current > mover.y else mover.y


def recalculate(ex: ExchangeRecord, done: ExchangeRecord, state: RoundState) -> None:
    """Bring ``ex`` up to date after ``done`` was carried out (decide's ``recalculate``)."""
    touched = False
    for party in (ex.i, ex.j):
        for other in (done.i, done.j):
            if _same(party, other, supply=True):
                party.x = other.y
                party.moves.append(other.moves[-1])
                touched = True
                break
    if touched:
        ex.i.moves.pop()
        ex.j.moves.pop()
    for demander, mover in ((done.j, done.i), (done.i, done.j)):
        if _same(demander, ex.j, supply=False) or _same(demander, ex.i, supply=False):
            _record_update(ex, mover, demander.demand)
            if not touched:
                ex.i.moves.pop()
                ex.j.moves.pop()
                touched = True
    if touched:
        calculate(ex, state)


def candidate_exchanges(state: RoundState, rng: np.random.Generator | None) -> list[ExchangeRecord]:
    """Every pair of actors on opposite sides of the outcome on two issues, computed.

    Listed as decide lists them: issue pairs ``(p, q)`` in issue order; for each, the
    actors right of ``O`` on both issues with those left on both, then those left on
    ``p`` only with those left on ``q`` only, each in actor order. With ``rng`` (the
    random-rate variant) each exchange draws its rate once per round, in this order.
    """
    x, cs = state.positions, state.saliences * state.capabilities
    left = x <= state.outcomes[None, :]
    m = x.shape[1]
    found: list[ExchangeRecord] = []
    for p in range(m):
        for q in range(p + 1, m):
            both = ~np.isnan(x[:, p]) & ~np.isnan(x[:, q])
            group = np.where(both, left[:, p] * 1 + left[:, q] * 2, -1)
            for first, second in ((0, 3), (1, 2)):
                for a in np.flatnonzero(group == first).tolist():
                    for b in np.flatnonzero(group == second).tolist():
                        ex = _new_exchange(state, cs, a, b, p, q, rng)
                        if ex is not None:
                            found.append(ex)
    return found


def _new_exchange(
    state: RoundState,
    cs: np.ndarray,
    a: int,
    b: int,
    p: int,
    q: int,
    rng: np.random.Generator | None,
) -> ExchangeRecord | None:
    x, s = state.positions, state.saliences
    # i demands p: it values p relatively more than j does
    i, j = (a, b) if s[a, p] * s[b, q] >= s[b, p] * s[a, q] else (b, a)
    if s[i, p] * s[j, q] == s[j, p] * s[i, q]:
        return None  # no gain for either
    if cs[i, q] <= 0 or cs[j, p] <= 0:
        return None  # a shift with no weight moves no outcome
    ex = ExchangeRecord(
        i=Party(i, q, p, x[i, q], x[i, q], x[i, p], s[i, q], s[i, p], cs[i, q]),
        j=Party(j, p, q, x[j, p], x[j, p], x[j, q], s[j, p], s[j, q], cs[j, p]),
    )
    if rng is not None:
        ends = (s[j, p] / s[j, q], s[i, p] / s[i, q])
        ex.rate = float(rng.uniform(min(ends), max(ends)))
    calculate(ex, state)
    return ex


#: How exchanges of (nearly) equal gain are ordered: by their numbers (detente), or by
#: decide's list order (to reproduce decide's runs with its random tie-break off).
Ties = Literal["numbers", "decide"]

#: Gains are compared after rounding to this many decimals, so float noise in gains
#: that are equal in exact arithmetic never decides which exchange goes first.
GAIN_DECIMALS = 12


def _rank(ex: ExchangeRecord, ties: Ties) -> tuple[float, ...]:
    if ex.ranked is None:  # computed once per calculate, not on every sort
        ex.ranked = (round(ex.gain, GAIN_DECIMALS), *ex.key()[1:])
    return ex.ranked[:1] if ties == "decide" else ex.ranked


def run_round(
    state: RoundState, rng: np.random.Generator | None, ties: Ties = "numbers"
) -> tuple[np.ndarray, np.ndarray, list[ExchangeRecord]]:
    """One round: ``(voting positions, next start positions, exchanges carried out)``.

    Exchanges are carried out by falling gain (ties by :meth:`ExchangeRecord.key`,
    never by name or input order, unless ``ties="decide"``); after each, every
    remaining exchange that shares an actor's supply or demand issue with it is
    recomputed, and those that no longer pay are dropped. Voting positions are the
    final ``y``; the next round starts from ``x + (FIXED + SALIENCE (1 - s)) (y - x)``
    for each shifted position (decide's ``new_start_position``).
    """
    pending = [ex for ex in candidate_exchanges(state, rng) if ex.valid]
    done: list[ExchangeRecord] = []
    while pending:
        pending.sort(key=lambda ex: _rank(ex, ties), reverse=True)
        chosen = pending.pop(0)
        done.append(chosen)
        supplies = {(chosen.i.actor, chosen.i.supply), (chosen.j.actor, chosen.j.supply)}
        demands = {(chosen.i.actor, chosen.i.demand), (chosen.j.actor, chosen.j.demand)}
        kept = []
        for ex in pending:
            if ex.touched_by(supplies, demands):  # the others recalculate would leave as is
                recalculate(ex, chosen, state)
            if ex.valid:
                kept.append(ex)
        pending = kept
    voting = state.positions.copy()
    for ex in done:
        for party in (ex.i, ex.j):
            voting[party.actor, party.supply] = party.y
    start = voting.copy()
    for ex in done:
        for party in (ex.i, ex.j):
            weight = FIXED_WEIGHT + SALIENCE_WEIGHT * (1.0 - party.s_supply)
            start[party.actor, party.supply] = weight * party.y + (1 - weight) * party.start
    return voting, start, done
