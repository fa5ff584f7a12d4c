"""Capabilities for EU negotiations: Council of the EU voting weights by date.

The DEU data (Thomson et al. 2006, 2012) code positions and saliences but no
capabilities. Users of DEU take them from the weighted votes of the member states in
the Council under qualified-majority voting (QMV), as in force when the proposal was
introduced, and give the Commission and the European Parliament a weight of their own
choosing. This module holds those tables and the two capability options of the DEU
backtest:

``equal``
    Every actor with a position gets capability 1 (so the compromise model becomes
    the salience-weighted mean of positions).
``council``
    Member states get their Council QMV weight at the proposal's introduction date;
    the Commission (``com``) and the Parliament (``ep``) each get ``institution_weight``
    times the mean weight of the member states in force at that date (default 1: each
    institution weighs as much as an average member state).

The Council's rules themselves (the weight tables, quotas, Lisbon thresholds and
population figures, with their sources) live in :mod:`detente.eu_council`, which the
models use too; they are re-exported here for the capability options.

From 1 November 2014 the Council votes by double majority (Lisbon Treaty): there are
no weighted votes, and ``council`` then means each state's share of the Union
population in the Council's own Annex III figures (see
:mod:`detente.eu_council.population`; a date after the last shipped year reads that
year's figures, and :func:`capability_notes` names it). That share is the one weight the rule
itself gives a state, as the votes were under Nice (the rule's other criterion, one
state one count, is what ``equal`` already gives). Until 31 March 2017 a member could
ask for a vote under the Nice weights (Protocol No 36, Art. 3(2)); the default
``transition="nice"`` reads the EU-28 Nice table up to 31 March 2017 (why:
:mod:`detente.eu_council.rules`), and ``transition="lisbon"`` the double majority from
1 November 2014.

``banzhaf`` and ``shapley`` give each state its normalised Banzhaf or Shapley-Shubik
index in the Council game in force (:mod:`detente.analysis.council_power`).

A state that took a position on a proposal introduced before it joined the EU (in DEU
I-II: five 2004 entrants on one issue of a proposal of December 2003; Bulgaria and
Romania on 31 issues of proposals of 2004-2006) negotiated as a member by the time of
the decision. It gets the weight of the first table in which it appears (its weight on
accession), not zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence

from detente.errors import DetenteError
from detente.eu_council import (
    DEFAULT_TRANSITION,
    LISBON_START,
    NICE_ON_REQUEST_END,
    REGIMES,
    TRANSITIONS,
    PopulationTable,
    WeightRegime,
    accession_regime,
    check_transition,
    council_rule_at,
    regime_at,
    substituted_table,
)

__all__ = [
    "CAPABILITY_OPTIONS",
    "INSTITUTIONS",
    "NICE_ON_REQUEST_END",
    "REGIMES",
    "TRANSITIONS",
    "CapabilityFn",
    "WeightRegime",
    "accession_regime",
    "capability_function",
    "capability_notes",
    "council_rule_at",
    "council_weights",
    "equal_weights",
    "regime_at",
    "scaled_capabilities",
]

CapabilityFn = Callable[[dt.date, Sequence[str]], Mapping[str, float]]
"""Maps a proposal's introduction date and the actor codes with a position to capabilities."""

CAPABILITY_OPTIONS = ("equal", "council", "banzhaf", "shapley")
INSTITUTIONS = frozenset({"com", "ep"})
"""DEU actor codes that are EU institutions rather than member states."""


def _check_institution_weight(institution_weight: float) -> None:
    if not institution_weight >= 0:
        raise DetenteError(f"institution_weight must be >= 0, got {institution_weight!r}")


def scaled_capabilities(
    actors: Sequence[str],
    member_value: Callable[[str], float],
    member_mean: float,
    institution_weight: float,
) -> dict[str, float]:
    """``member_value(code)`` for states, ``institution_weight * member_mean`` for com/ep."""
    _check_institution_weight(institution_weight)
    return {
        code: institution_weight * member_mean if code in INSTITUTIONS else member_value(code)
        for code in actors
    }


def council_weights(
    date: dt.date,
    actors: Sequence[str],
    *,
    institution_weight: float = 1.0,
    transition: str = DEFAULT_TRANSITION,
) -> dict[str, float]:
    """Council QMV weights of ``actors`` for a proposal introduced on ``date``.

    Parameters
    ----------
    date:
        The proposal's introduction date; selects the rule (:func:`council_rule_at`).
    actors:
        DEU actor codes (``com``, ``ep``, ``de``, ...).
    institution_weight:
        The Commission's and the Parliament's weight as a multiple of the mean member-
        state weight in force (1 by default; 0 leaves them out of weighted models).
    transition:
        ``"nice"`` (default) or ``"lisbon"`` for dates from 1 November 2014 to
        31 March 2017 (:mod:`detente.eu_council.rules`).

    Returns
    -------
    dict
        Capability per actor code: the weighted votes, or under the double majority the
        population share in percent. States not yet members on ``date`` get their
        weight on accession (see the module docstring).

    Raises
    ------
    DetenteError
        For a date outside the tables, an unknown actor code, or a negative
        ``institution_weight``.
    """
    _check_institution_weight(institution_weight)
    rule = council_rule_at(date, transition)
    if isinstance(rule, PopulationTable):
        shares = rule.shares

        def share(code: str) -> float:
            if code not in shares:
                raise DetenteError(
                    f"no Council population share for actor {code!r} on {date.isoformat()} "
                    f"({rule.label})"
                )
            return shares[code] / 100.0

        mean = sum(shares.values()) / 100.0 / len(shares)
        return scaled_capabilities(actors, share, mean, institution_weight)
    regime = rule

    def votes(code: str) -> float:
        if code in regime.weights:
            return float(regime.weights[code])
        later = accession_regime(code, regime.end)
        if later is None:
            raise DetenteError(
                f"no Council voting weight for actor {code!r} on {date.isoformat()} "
                f"({regime.label}) nor on a later accession"
            )
        return float(later.weights[code])

    return scaled_capabilities(actors, votes, regime.mean, institution_weight)


def equal_weights(
    date: dt.date, actors: Sequence[str], *, institution_weight: float = 1.0
) -> dict[str, float]:
    """Capability 1 for every member state and ``institution_weight`` for ``com``/``ep``.

    ``date`` is accepted for the :data:`CapabilityFn` signature and not used.
    """
    return scaled_capabilities(actors, lambda _code: 1.0, 1.0, institution_weight)


def capability_function(
    option: str | CapabilityFn,
    *,
    institution_weight: float = 1.0,
    transition: str = DEFAULT_TRANSITION,
) -> CapabilityFn:
    """The capability function named by ``option``: one of :data:`CAPABILITY_OPTIONS`.

    A callable is returned unchanged (``institution_weight`` then does not apply).
    ``transition`` chooses the rule for 1 November 2014 - 31 March 2017 (``council``,
    ``banzhaf``, ``shapley``).
    """
    if callable(option):
        return option
    _check_institution_weight(institution_weight)
    check_transition(transition)
    if option == "equal":
        return lambda date, actors: equal_weights(
            date, actors, institution_weight=institution_weight
        )
    if option == "council":
        return lambda date, actors: council_weights(
            date, actors, institution_weight=institution_weight, transition=transition
        )
    if option in ("banzhaf", "shapley"):
        # Imported here: council_power builds on this module's tables.
        from detente.analysis.council_power import power_capabilities

        return lambda date, actors: power_capabilities(
            date,
            actors,
            index=option,
            institution_weight=institution_weight,
            transition=transition,
        )
    raise DetenteError(
        f"unknown capabilities option {option!r}; expected one of {', '.join(CAPABILITY_OPTIONS)}"
    )


def capability_notes(
    option: str | CapabilityFn,
    dates: Iterable[dt.date],
    *,
    transition: str = DEFAULT_TRANSITION,
) -> tuple[str, ...]:
    """What a reader of the scores must know about the rules that read ``dates``.

    Returns
    -------
    tuple of str
        For ``council``, ``banzhaf`` and ``shapley``, one note per shipped year that reads
        dates no shipped year covers (the nearest year with the same member states,
        :func:`detente.eu_council.substituted_table`), naming those dates; empty otherwise.
    """
    if callable(option) or option == "equal":
        return ()
    check_transition(transition)
    first = LISBON_START if transition == "lisbon" else NICE_ON_REQUEST_END + dt.timedelta(days=1)
    substituted: dict[int, list[dt.date]] = {}
    for day in sorted({d for d in dates if d >= first}):
        table = substituted_table(day)
        if table is not None:
            substituted.setdefault(table.start.year, []).append(day)
    return tuple(
        f"Council population figures not shipped for {len(days)} date(s) from "
        f"{days[0].isoformat()} to {days[-1].isoformat()}: they use the {year} figures, the "
        "nearest shipped year with the same member states"
        for year, days in substituted.items()
    )
