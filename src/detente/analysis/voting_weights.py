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

Weight tables (verified against the sources named):

* 1 January 1995 - 30 April 2004, EU-15, 87 votes: DE, FR, IT, UK 10; ES 8;
  BE, EL, NL, PT 5; AT, SE 4; DK, IE, FI 3; LU 2. Source: European Convention,
  glossary entry "Qualified majority" (european-convention.europa.eu), "62 votes out of
  87"; CVCE, "Evolution of qualified majority voting in the Council" (column 01.01.1995).
* 1 May - 31 October 2004, EU-25, 124 votes: the EU-15 weights above plus PL 8;
  CZ, HU 5; EE, LV, LT, SI, SK 3; CY, MT 2. Source: Act of Accession 2003, temporary
  provisions (OJ L 236, 23.9.2003); CVCE table, column 01.05.2004.
* 1 November 2004 - 31 December 2006, EU-25, 321 votes (Treaty of Nice, Protocol on
  the enlargement of the EU, as amended by the Act of Accession 2003): DE, FR, IT, UK 29;
  ES, PL 27; NL 13; BE, CZ, EL, HU, PT 12; AT, SE 10; DK, IE, LT, SK, FI 7;
  CY, EE, LV, LU, SI 4; MT 3. Source: CVCE table, column 01.11.2004; euabc.com
  "Voting in the Council" (total 321).
* 1 January 2007 - 30 June 2013, EU-27, 345 votes: the Nice weights plus RO 14, BG 10.
  Source: CVCE table, column 01.01.2007.
* 1 July 2013 - 31 October 2014, EU-28, 352 votes: plus HR 7 (Croatia is not in DEU
  I-II; its column is ``cr``). Source: Act of Accession of Croatia, Article 20
  (OJ L 112, 24.4.2012, p. 6), which restates every Nice weight.

Each table also carries its qualified-majority quota for acts on a Commission proposal
and, under Nice, the majority of member states a coalition needs besides (Art. 205(2)
TEC as amended; Protocol on enlargement, Art. 3): 62 of 87; 88 of 124 (Act of Accession
2003, Art. 26); 232 of 321 and 13 states; 255 of 345 and 14 states; 260 of 352 and 15
states. The optional check that a Nice majority represents 62 % of the population is
left out: it is a request, not part of the rule, and changes power very little
(Felsenthal & Machover 2001, "The Treaty of Nice and qualified majority voting").

From 1 November 2014 the Council votes by double majority (Lisbon Treaty): there are
no weighted votes, and ``council`` then means each state's share of the Union
population in the Council's own Annex III figures (see
:mod:`detente.analysis.council_population`). That share is the one weight the rule
itself gives a state, as the votes were under Nice (the rule's other criterion, one
state one count, is what ``equal`` already gives). Until 31 March 2017 a member could
ask for a vote under the Nice weights (Protocol No 36, Art. 3(2)); the default
``transition="lisbon"`` reads the double majority from 1 November 2014, and
``transition="nice"`` reads the EU-28 Nice table up to 31 March 2017 instead.

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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from detente.analysis.council_population import (
    LISBON_START,
    PopulationTable,
    population_table_at,
)
from detente.errors import DetenteError

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
    "council_rule_at",
    "council_weights",
    "equal_weights",
    "regime_at",
    "scaled_capabilities",
]

CapabilityFn = Callable[[dt.date, Sequence[str]], Mapping[str, float]]
"""Maps a proposal's introduction date and the actor codes with a position to capabilities."""

CAPABILITY_OPTIONS = ("equal", "council", "banzhaf", "shapley")
TRANSITIONS = ("lisbon", "nice")
"""Which rule reads a date of 1 November 2014 - 31 March 2017 (see the module docstring)."""
NICE_ON_REQUEST_END = dt.date(2017, 3, 31)
"""Last day a member could ask for a vote under the Nice weights (Protocol No 36, Art. 3(2))."""
INSTITUTIONS = frozenset({"com", "ep"})
"""DEU actor codes that are EU institutions rather than member states."""


@dataclass(frozen=True)
class WeightRegime:
    """Council QMV weights in force from ``start`` to ``end`` (both inclusive).

    ``quota`` is the qualified majority of votes for an act on a Commission proposal
    and ``min_members`` the number of member states it must also include (0: none).
    """

    label: str
    start: dt.date
    end: dt.date
    weights: Mapping[str, int]
    source: str
    quota: int
    min_members: int = 0

    @property
    def total(self) -> int:
        """Total number of weighted votes."""
        return sum(self.weights.values())

    @property
    def mean(self) -> float:
        """Mean weight of a member state."""
        return self.total / len(self.weights)


_EU15 = {
    "de": 10, "fr": 10, "it": 10, "uk": 10, "es": 8,
    "be": 5, "el": 5, "nl": 5, "pt": 5, "at": 4, "se": 4,
    "dk": 3, "ie": 3, "fi": 3, "lu": 2,
}  # fmt: skip
_ACCESSION_2004 = {
    "pl": 8, "cz": 5, "hu": 5, "ee": 3, "lv": 3, "lt": 3, "si": 3, "sk": 3, "cy": 2, "mt": 2,
}  # fmt: skip
_NICE_25 = {
    "de": 29, "fr": 29, "it": 29, "uk": 29, "es": 27, "pl": 27, "nl": 13,
    "be": 12, "cz": 12, "el": 12, "hu": 12, "pt": 12, "at": 10, "se": 10,
    "dk": 7, "ie": 7, "lt": 7, "sk": 7, "fi": 7,
    "cy": 4, "ee": 4, "lv": 4, "lu": 4, "si": 4, "mt": 3,
}  # fmt: skip

_CVCE = 'CVCE, "Evolution of qualified majority voting in the Council" (cvce.eu)'

REGIMES: tuple[WeightRegime, ...] = (
    WeightRegime(
        "EU-15 (pre-Nice)",
        dt.date(1995, 1, 1),
        dt.date(2004, 4, 30),
        _EU15,
        'European Convention glossary, "Qualified majority" (62 of 87 votes); ' + _CVCE,
        quota=62,
    ),
    WeightRegime(
        "EU-25 (transitional, Act of Accession 2003)",
        dt.date(2004, 5, 1),
        dt.date(2004, 10, 31),
        {**_EU15, **_ACCESSION_2004},
        "Act of Accession 2003, OJ L 236, 23.9.2003; " + _CVCE,
        quota=88,
    ),
    WeightRegime(
        "EU-25 (Nice)",
        dt.date(2004, 11, 1),
        dt.date(2006, 12, 31),
        _NICE_25,
        'Treaty of Nice as amended by the Act of Accession 2003; euabc.com "Voting in the '
        'Council" (321 votes); ' + _CVCE,
        quota=232,
        min_members=13,
    ),
    WeightRegime(
        "EU-27 (Nice)",
        dt.date(2007, 1, 1),
        dt.date(2013, 6, 30),
        {**_NICE_25, "ro": 14, "bu": 10},
        _CVCE + " (345 votes)",
        quota=255,
        min_members=14,
    ),
    WeightRegime(
        "EU-28 (Nice)",
        dt.date(2013, 7, 1),
        dt.date(2014, 10, 31),
        {**_NICE_25, "ro": 14, "bu": 10, "cr": 7},
        "Act of Accession of Croatia, Article 20, OJ L 112, 24.4.2012, p. 6",
        quota=260,
        min_members=15,
    ),
)


def regime_at(date: dt.date) -> WeightRegime:
    """The Council weight table in force on ``date``.

    Raises
    ------
    DetenteError
        Before 1 January 1995 (no table here) and from 1 November 2014 (the Council
        then votes by double majority and has no weighted votes).
    """
    for regime in REGIMES:
        if regime.start <= date <= regime.end:
            return regime
    first, last = REGIMES[0].start, REGIMES[-1].end
    raise DetenteError(
        f"no Council voting weights for {date.isoformat()}: the tables cover {first.isoformat()} "
        f"to {last.isoformat()} (weighted votes ended with the double majority of 1 November "
        "2014); use capabilities 'equal' or supply your own"
    )


def accession_regime(code: str, after: dt.date) -> WeightRegime | None:
    """The first weight table starting after ``after`` that lists member ``code``.

    A state that took a position before it joined is read in this table (its Council on
    accession); ``None`` if no later table lists it.
    """
    for regime in REGIMES:
        if regime.start > after and code in regime.weights:
            return regime
    return None


def council_rule_at(date: dt.date, transition: str = "lisbon") -> WeightRegime | PopulationTable:
    """The Council's qualified-majority rule in force on ``date``.

    A :class:`WeightRegime` up to 31 October 2014 (and, with ``transition="nice"``, up to
    31 March 2017), a :class:`~detente.analysis.council_population.PopulationTable` of
    the double majority after.

    Raises
    ------
    DetenteError
        For an unknown ``transition``, a date before 1995, or a Lisbon date whose
        population figures are not shipped.
    """
    if transition not in TRANSITIONS:
        raise DetenteError(
            f"unknown transition rule {transition!r}; expected one of {', '.join(TRANSITIONS)}"
        )
    if date < LISBON_START:
        return regime_at(date)
    if transition == "nice" and date <= NICE_ON_REQUEST_END:
        return REGIMES[-1]
    return population_table_at(date)


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
    transition: str = "lisbon",
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
        ``"lisbon"`` (default) or ``"nice"`` for dates from 1 November 2014 to
        31 March 2017.

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
    option: str | CapabilityFn, *, institution_weight: float = 1.0, transition: str = "lisbon"
) -> CapabilityFn:
    """The capability function named by ``option``: one of :data:`CAPABILITY_OPTIONS`.

    A callable is returned unchanged (``institution_weight`` then does not apply).
    ``transition`` chooses the rule for 1 November 2014 - 31 March 2017 (``council``,
    ``banzhaf``, ``shapley``).
    """
    if callable(option):
        return option
    _check_institution_weight(institution_weight)
    if transition not in TRANSITIONS:
        raise DetenteError(
            f"unknown transition rule {transition!r}; expected one of {', '.join(TRANSITIONS)}"
        )
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
