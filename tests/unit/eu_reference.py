"""A plain-Python reference of the expected-utility model, written straight from the formulas.

Loops over actors, pairs and voters exactly as the equations read (Scholz, Calbert &
Smith 2011, "Unravelling Bueno De Mesquita's group decision model", J. Theoretical
Politics 23(4): 510-531; equation labels (E1)-(E12) as in
``docs/models/expected-utility.md``). No numpy: it shares no code with the vectorised
:mod:`detente.models._eu_rounds`, so agreement between the two checks the matrix
identities used there (prefix sums for the third-party support, the sorted-row identity
for the all-votes denominator). It is slow on purpose: O(n^3) per round.

The tests (``tests/unit/test_expected_utility.py``) and ``benchmarks/expected_utility.py``
import it. Actors are taken in the order given; equally good offers go to the one that
moves the receiver to the lower position (the proposer's name never decides).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

EPS = 1e-12
CONFLICT, COMPROMISE, CAPITULATION = 1, 2, 3


@dataclass
class ReferenceRound:
    positions: list[float]
    risk: list[float]
    proposer: list[int]  # -1: no offer accepted
    kind: list[int]  # 0: none


def weighted_median_bruteforce(x: Sequence[float], w: Sequence[float]) -> float:
    """Position among the actors' (positive-weight) positions minimising sum w |x - p|.

    When a flat stretch of minimisers exists (an exact half split), its midpoint.
    """
    candidates = sorted({xi for xi, wi in zip(x, w, strict=True) if wi > 0})
    costs = [sum(wk * abs(xk - p) for xk, wk in zip(x, w, strict=True)) for p in candidates]
    best = min(costs)
    tol = 1e-12 * max(1.0, abs(best), sum(w) * (max(x) - min(x)))
    winners = [p for p, cost in zip(candidates, costs, strict=True) if cost <= best + tol]
    return (min(winners) + max(winners)) / 2.0


def weighted_mean(x: Sequence[float], w: Sequence[float]) -> float:
    return sum(xi * wi for xi, wi in zip(x, w, strict=True)) / sum(w)


def _eu(d: float, p: float, s_target: float, d_mu: float, r: float, q: float, t: float) -> float:
    """(E4)-(E9) for one challenge: distance d, probability p, exponent r."""
    u_s = 2 - 4 * max(0.5 - 0.5 * d, 0.0) ** r
    u_f = 2 - 4 * (0.5 + 0.5 * d) ** r
    u_sq = 2 - 4 * 0.5**r
    u_b = 2 - 4 * max(0.5 - 0.25 * (d_mu + d), 0.0) ** r
    u_w = 2 - 4 * (0.5 + 0.25 * (d_mu + d)) ** r
    eu = s_target * (p * u_s + (1 - p) * u_f) + (1 - s_target) * u_s - q * u_sq
    if q < 1:
        eu -= (1 - q) * (t * u_b + (1 - t) * u_w)
    return float(eu)


def _probabilities(
    x: list[float], w: list[float], r: list[float], big_r: float, denominator: str
) -> list[list[float]]:
    n = len(x)
    dist = [[min(abs(x[a] - x[b]) / big_r, 1.0) for b in range(n)] for a in range(n)]
    loss = [[dist[k][a] ** r[k] for a in range(n)] for k in range(n)]  # (E2)
    everything = 0.0
    for k in range(n):
        for a in range(n):
            for b in range(n):
                everything += w[k] * abs(loss[k][a] - loss[k][b])
    p = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if x[i] == x[j]:
                continue
            favour = 0.0
            absolute = 0.0
            for k in range(n):
                vote = w[k] * (loss[k][j] - loss[k][i])  # k's vote for i over j
                favour += max(vote, 0.0)
                absolute += abs(vote)
            den = everything if denominator == "all-votes" else absolute
            p[i][j] = favour / den if den > 0 else 0.0
    return p


def _views(
    x: list[float],
    p: list[list[float]],
    s: list[float],
    d_mu: list[float],
    r: list[float],
    big_r: float,
    q: float,
    t: float,
    perspective: str,
) -> tuple[list[list[float]], list[list[float]]]:
    """(E_i, E_j): i's view of i challenging j, and of j challenging i."""
    n = len(x)
    e_i = [[0.0] * n for _ in range(n)]
    e_j = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            d = min(abs(x[i] - x[j]) / big_r, 1.0)
            e_i[i][j] = _eu(d, p[i][j], s[j], d_mu[i], r[i], q, t)
            r_other = r[i] if perspective == "perceiver" else r[j]
            e_j[i][j] = _eu(d, p[j][i], s[i], d_mu[j], r_other, q, t)
    return e_i, e_j


def _risk(danger: list[float]) -> list[float]:
    hi, lo = max(danger), min(danger)
    if hi - lo <= EPS * max(1.0, abs(hi), abs(lo)):
        return [1.0] * len(danger)
    out = []
    for value in danger:
        rel = (2 * value - hi - lo) / (hi - lo)  # (E10)
        out.append((1 - rel / 3) / (1 + rel / 3))  # (E11)
    return out


def reference_round(
    x: list[float],
    w: list[float],
    s: list[float],
    *,
    position_range: float,
    q: float = 1.0,
    t: float = 1.0,
    probability: str = "all-votes",
    perspective: str = "perceiver",
    risk: str = "two-pass",
    offer_choice: str = "scholz-code",
) -> ReferenceRound:
    """One round of the model, loop by loop."""
    n = len(x)
    big_r = position_range
    d_mu = [0.0] * n
    if q < 1:
        mu = weighted_median_bruteforce(x, w)
        d_mu = [min(abs(xi - mu) / big_r, 1.0) for xi in x]
    r = [1.0] * n
    if risk == "two-pass":
        p1 = _probabilities(x, w, r, big_r, probability)
        _, threat = _views(x, p1, s, d_mu, r, big_r, q, t, perspective)
        danger = [sum(threat[i][j] for j in range(n) if j != i) for i in range(n)]
        r = _risk(danger)
    p = _probabilities(x, w, r, big_r, probability)
    e_i, e_j = _views(x, p, s, d_mu, r, big_r, q, t, perspective)

    positions = list(x)
    proposer = [-1] * n
    kinds = [0] * n
    for i in range(n):
        offers: list[tuple[int, int, float, float]] = []  # (kind, j, new position, key)
        for j in range(n):
            if x[i] == x[j]:
                continue
            ei, ej = e_i[i][j], e_j[i][j]
            if ei > EPS and ej > ei + EPS:
                offers.append((CONFLICT, j, x[j], 0.0))
            elif ei < -EPS and ej > EPS:
                if -ei <= ej + EPS:
                    share = min(1.0, -ei / ej)
                    new = x[j] if share >= 1.0 else x[i] + (x[j] - x[i]) * share
                    offers.append((COMPROMISE, j, new, 0.0))
                else:
                    offers.append((CAPITULATION, j, x[j], 0.0))
        if not offers:
            continue
        if offer_choice != "least-move":
            first = min(kind for kind, _, _, _ in offers)
            offers = [o for o in offers if o[0] == first]
        keyed = []
        for kind, j, new, _ in offers:
            key = abs(new - x[i]) / big_r
            if kind == COMPROMISE and offer_choice == "scholz-code":
                a, b = -e_i[i][j], e_j[i][j]
                key = (a * x[i] + b * x[j]) / (a + b) / big_r
            elif kind == COMPROMISE and offer_choice == "type-strongest":
                key = -e_j[i][j]
            keyed.append((kind, j, new, key))
        best = min(o[3] for o in keyed)
        tied = [o for o in keyed if o[3] <= best + EPS]
        # ties by numbers, not names: lower type, then the lower destination (within
        # EPS of R); what is still tied lands on one point: record the proposer at the
        # lower position, then the earlier one
        lowest_type = min(o[0] for o in tied)
        tied = [o for o in tied if o[0] == lowest_type]
        lowest = min(o[2] / big_r for o in tied)
        tied = [o for o in tied if o[2] / big_r <= lowest + EPS]
        kind, j, new, _ = min(tied, key=lambda o: (x[o[1]], o[1]))
        positions[i] = new
        proposer[i] = j
        kinds[i] = kind
    return ReferenceRound(positions, r, proposer, kinds)


def reference_run(
    x0: Sequence[float],
    capabilities: Sequence[float],
    saliences: Sequence[float],
    *,
    rounds: int,
    position_range: float | None = None,
    **options: str | float,
) -> list[ReferenceRound]:
    """Round 0 (the inputs) and ``rounds`` rounds. ``position_range`` defaults to the
    initial range of positions."""
    x = [float(v) for v in x0]
    w = [float(c) * float(v) for c, v in zip(capabilities, saliences, strict=True)]
    s = [float(v) for v in saliences]
    big_r = position_range if position_range is not None else max(x) - min(x)
    if not big_r > 0 or math.isnan(big_r):
        big_r = 1.0
    out = [ReferenceRound(list(x), [1.0] * len(x), [-1] * len(x), [0] * len(x))]
    for _ in range(rounds):
        step = reference_round(x, w, s, position_range=big_r, **options)  # type: ignore[arg-type]
        out.append(step)
        x = step.positions
    return out
