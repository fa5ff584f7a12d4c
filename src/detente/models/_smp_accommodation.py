"""KTAB's ideal-accommodation matrix: how actors' ideals follow positions.

In KTAB's SMP (``SMPState::newIdeals``; the ``IdealAdjustment`` block of its XML
scenarios) every actor ``i`` has an ideal point as well as a position, and measures
every utility from its ideal. After each turn the ideals move towards the new
positions at rates ``a_ij`` (each in [0, 1], each row summing to at most 1):

    ideal_i(t + 1) = sum_j a_ij x_j(t + 1) + (1 - sum_j a_ij) ideal_i(t).

KTAB's default is the identity matrix, ideal = position after every turn (the "cynical"
model); a row given in the scenario replaces that actor's row of the identity, so an
actor ``i`` listed with ``a_ii = 0.87`` keeps 13% of its old ideal each turn.

An analyst writes the matrix as the ``smp`` model's ``accommodation`` option, one text
with a row per adjusting actor (actor ids, rates in [0, 1])::

    models:
      smp:
        accommodation: "Alice: Alice=0.87; Bob: Bob=0.75, Alice=0.07"

(on the command line ``--option "smp.accommodation=Bob: Bob=0.75, Alice=0.07"``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from detente.errors import ModelError

__all__ = ["Accommodation", "accommodation_matrix", "move_ideals", "parse_accommodation"]

_TOL = 1e-10  # KTAB's tolerance on a row's sum
_ROW = re.compile(r"^\s*([^:;=,]+?)\s*:\s*(.*?)\s*$")
_ENTRY = re.compile(r"^\s*([^:;=,]+?)\s*=\s*(\S+)\s*$")


def parse_accommodation(text: str) -> dict[str, dict[str, float]]:
    """``"A: A=0.87; B: B=0.75, A=0.07"`` as ``{"A": {"A": 0.87}, "B": {...}}``.

    Raises
    ------
    ModelError
        A row or entry not of the form above, a rate that is not a number in [0, 1],
        an actor listed twice, or a row whose rates sum above 1.
    """
    rows: dict[str, dict[str, float]] = {}
    for part in (p for p in text.split(";") if p.strip()):
        row = _ROW.match(part)
        if row is None:
            raise ModelError(
                f"smp: accommodation row {part.strip()!r} is not 'ACTOR: ACTOR=RATE, ...'"
            )
        who, entries = row.groups()
        if who in rows:
            raise ModelError(f"smp: accommodation lists actor {who!r} twice")
        rates: dict[str, float] = {}
        for entry in (e for e in entries.split(",") if e.strip()):
            found = _ENTRY.match(entry)
            rate = _rate(found.group(2)) if found else None
            if found is None or rate is None:
                raise ModelError(
                    f"smp: accommodation entry {entry.strip()!r} of {who!r} is not "
                    "ACTOR=RATE with a rate in [0, 1]"
                )
            if found.group(1) in rates:
                raise ModelError(f"smp: accommodation of {who!r} lists {found.group(1)!r} twice")
            rates[found.group(1)] = rate
        if sum(rates.values()) > 1 + _TOL:
            raise ModelError(
                f"smp: accommodation rates of {who!r} sum to {sum(rates.values()):g}; "
                "at most 1 (KTAB's newIdeals)"
            )
        rows[who] = rates
    return rows


def _rate(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if 0.0 <= value <= 1.0 else None


@dataclass(frozen=True)
class Accommodation:
    """The matrix for the actors in play: ``rates`` (n, n); ``fixed`` (n, k), the pull
    toward actors who take no part in the game (their positions never move); ``kept``
    (n,), the share of its old ideal each actor keeps, ``1 - min(1, sum of its rates)``."""

    rates: np.ndarray
    fixed: np.ndarray
    kept: np.ndarray


def accommodation_matrix(
    rows: dict[str, dict[str, float]],
    playing: Sequence[str],
    others: dict[str, np.ndarray],
    dimensions: int,
) -> Accommodation | None:
    """The matrix for the actors ``playing`` (in the game's order), ``None`` if none given.

    ``others`` maps each actor not in play to its fixed position (``dimensions``,). An
    actor not listed keeps its identity row.

    Raises
    ------
    ModelError
        An actor id that is not in the scenario.
    """
    if not rows:
        return None
    index = {ident: k for k, ident in enumerate(playing)}
    n = len(playing)
    rates, fixed = np.eye(n), np.zeros((n, dimensions))
    for who, entries in rows.items():
        for name in (who, *entries):
            if name not in index and name not in others:
                known = ", ".join(sorted([*playing, *others]))
                raise ModelError(
                    f"smp: accommodation names actor {name!r}, not in the scenario "
                    f"(actors: {known})"
                )
        if who not in index:  # an actor out of play has no ideal to move
            continue
        i = index[who]
        rates[i] = 0.0
        for name, rate in entries.items():
            if name in index:
                rates[i, index[name]] = rate
            else:
                fixed[i] = fixed[i] + rate * others[name]
    totals = np.array([sum(rows[p].values()) if p in rows else 1.0 for p in playing])
    return Accommodation(rates, fixed, 1.0 - np.minimum(totals, 1.0))


def move_ideals(
    ideals: np.ndarray, positions: np.ndarray, accommodation: Accommodation | None
) -> np.ndarray:
    """The ideals (n, k) after a turn that left the actors at ``positions`` (n, k)
    (KTAB's ``newIdeals``; the identity, ideal = position, when ``accommodation`` is
    ``None``)."""
    if accommodation is None:
        return positions.copy()
    moved = accommodation.rates @ positions + accommodation.kept[:, None] * ideals
    return np.asarray(moved + accommodation.fixed)
