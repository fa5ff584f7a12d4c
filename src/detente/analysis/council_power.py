"""Member states' voting power in the Council in force on a date, as DEU capabilities.

``banzhaf`` and ``shapley`` capabilities give each member state its normalised
Banzhaf or Shapley-Shubik index (:mod:`detente.analysis.voting_power`) in the Council's
qualified-majority game on the proposal's introduction date:

* up to 31 October 2014 the weighted game of :data:`~detente.eu_council.REGIMES`
  (quota and, under Nice, the majority of member states);
* from 1 November 2014 the double majority: at least 55 % of the states and at least
  15, representing at least 65 % of the population in the Council's Annex III shares,
  or all states but three (a blocking minority needs four; Art. 16(4) TEU).

Power is computed over the full Council in force, not only over the actors that took a
position on an issue: every member state votes on the act, whether or not DEU coded its
position, so its presence shapes everyone's chance to swing. A state that took a
position before it joined gets its index in the first Council it belongs to (as
:func:`~detente.analysis.voting_weights.council_weights` gives it its accession weight).
The Commission and the Parliament get ``institution_weight`` times the mean member-state
index (``1 / n``), as with raw weights.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from detente.analysis.voting_power import (
    VotingGame,
    banzhaf_index,
    double_majority_game,
    shapley_shubik_index,
    weighted_game,
)
from detente.analysis.voting_weights import scaled_capabilities
from detente.errors import DetenteError
from detente.eu_council import (
    DEFAULT_TRANSITION,
    LISBON_BLOCKING_MINORITY,
    LISBON_MIN_MEMBERS,
    PopulationTable,
    WeightRegime,
    accession_regime,
    council_rule_at,
)

__all__ = ["POWER_INDICES", "council_game", "council_power_index", "power_capabilities"]

POWER_INDICES = ("banzhaf", "shapley")

_cache: dict[tuple[str, str], dict[str, float]] = {}


def council_game(rule: WeightRegime | PopulationTable) -> tuple[tuple[str, ...], VotingGame]:
    """Member codes and the simple game of a Council rule (same order).

    Population shares are already integers (hundredths of a percent), so the
    double-majority game is played on them with ``unit=1``.
    """
    if isinstance(rule, PopulationTable):
        codes = tuple(rule.shares)
        game = double_majority_game(
            [rule.shares[c] for c in codes],
            min_members=LISBON_MIN_MEMBERS,
            blocking_minority=LISBON_BLOCKING_MINORITY,
            unit=1,
        )
        return codes, game
    codes = tuple(rule.weights)
    weights = [rule.weights[c] for c in codes]
    return codes, weighted_game(weights, rule.quota, min_members=rule.min_members)


def council_power_index(rule: WeightRegime | PopulationTable, index: str) -> dict[str, float]:
    """Normalised ``"banzhaf"`` or ``"shapley"`` index of every member of ``rule``.

    Cached per rule and index (a backtest asks for the same few Councils many times).

    Raises
    ------
    DetenteError
        For an unknown index name.
    """
    if index not in POWER_INDICES:
        raise DetenteError(
            f"unknown power index {index!r}; expected one of {', '.join(POWER_INDICES)}"
        )
    key = (rule.label, index)
    if key not in _cache:
        codes, game = council_game(rule)
        values = banzhaf_index(game) if index == "banzhaf" else shapley_shubik_index(game)
        _cache[key] = {code: float(v) for code, v in zip(codes, values, strict=True)}
    return _cache[key]


def power_capabilities(
    date: dt.date,
    actors: Sequence[str],
    *,
    index: str = "banzhaf",
    institution_weight: float = 1.0,
    transition: str = DEFAULT_TRANSITION,
) -> dict[str, float]:
    """Voting-power capabilities of ``actors`` for a proposal introduced on ``date``.

    Parameters
    ----------
    date:
        The proposal's introduction date; selects the Council rule.
    actors:
        DEU actor codes.
    index:
        ``"banzhaf"`` (normalised Banzhaf) or ``"shapley"`` (Shapley-Shubik).
    institution_weight:
        Commission's and Parliament's capability as a multiple of the mean member-state
        index.
    transition:
        ``"nice"`` (default) or ``"lisbon"`` for 1 November 2014 - 31 March 2017.

    Returns
    -------
    dict
        Capability per actor code; member states' values over the full Council sum to 1.

    Raises
    ------
    DetenteError
        For a date without a rule, an actor that is neither a member nor a later
        entrant, an unknown index or a negative ``institution_weight``.
    """
    rule = council_rule_at(date, transition)
    power = council_power_index(rule, index)

    def member(code: str) -> float:
        if code in power:
            return power[code]
        later = accession_regime(code, rule.end) if isinstance(rule, WeightRegime) else None
        if later is None:
            raise DetenteError(
                f"no Council voting power for actor {code!r} on {date.isoformat()} "
                f"({rule.label}) nor on a later accession"
            )
        return council_power_index(later, index)[code]

    return scaled_capabilities(actors, member, 1.0 / len(power), institution_weight)
