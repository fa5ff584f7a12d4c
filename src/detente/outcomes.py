"""Scoring windows of a known outcome: partial agreements and more than one date.

A case's ``outcome`` block says what was reached by the horizon (``agreed``) and, for
partial agreements, what was reached by each of several dates (``windows``), at which
``level`` (``levels`` orders them weakest to strongest, e.g. a declaration before a
treaty). :func:`scored_windows` turns that into one yes/no per window *for the
scenario's own agreement*: a window counts as agreed when the level reached is at
least the level the scenario's ``agreement`` block stands for (``agreement_level``,
default the strongest). A case without windows has one, ending at the horizon, scored
on ``agreed``: exactly what backtests did before windows existed.

The 1956 Soviet-Japanese Joint Declaration is the standard example: a treaty case
(``agreement_level: treaty``) scores 0 for a window the declaration falls in, and a
declaration case scores 1. Pure: no IO, no models.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from detente.errors import DetenteError
from detente.scenario import Scenario

__all__ = ["ScoredWindow", "scored_windows"]


@dataclass(frozen=True)
class ScoredWindow:
    """One window to score: P(agreement by ``end``) against ``agreed`` (0/1)."""

    end: dt.date
    agreed: bool
    level: str
    date: dt.date | None


def scored_windows(scenario: Scenario) -> list[ScoredWindow]:
    """The windows a backtest scores for ``scenario`` (sorted by end date).

    Raises
    ------
    DetenteError
        When the scenario has no ``outcome`` block.
    """
    outcome = scenario.outcome
    if outcome is None:
        raise DetenteError(f"{scenario.title}: no 'outcome' block to score")
    if not outcome.windows:
        return [ScoredWindow(scenario.horizon, outcome.agreed, "agreement", outcome.date)]
    order = {name: rank for rank, name in enumerate(outcome.levels)}
    strongest = len(outcome.levels) - 1
    needed = strongest if outcome.agreement_level is None else order[outcome.agreement_level]
    out = []
    for window in sorted(outcome.windows, key=lambda w: w.end):
        rank = strongest if window.level == "agreement" else order[window.level]
        out.append(
            ScoredWindow(window.end, window.agreed and rank >= needed, window.level, window.date)
        )
    return out
