"""Council of the EU weighted votes, 1995 - 31 October 2014, and the Lisbon thresholds.

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
* 1 July 2013 - 31 October 2014, EU-28, 352 votes: plus HR 7 (Croatia's DEU code is
  ``cr``). Source: Act of Accession of Croatia, Article 20 (OJ L 112, 24.4.2012, p. 6),
  which restates every Nice weight. The same table is the rule a member could ask for
  until 31 March 2017 (Protocol No 36, Art. 3(2)).

Each table also carries its qualified-majority quota for acts on a Commission proposal
and, under Nice, the majority of member states a coalition needs besides (Art. 205(2)
TEC as amended; Protocol on enlargement, Art. 3): 62 of 87; 88 of 124 (Act of Accession
2003, Art. 26); 232 of 321 and 13 states; 255 of 345 and 14 states; 260 of 352 and 15
states. The optional check that a Nice majority represents 62 % of the population is
left out: it is a request, not part of the rule, and changes power very little
(Felsenthal & Machover 2001, "The Treaty of Nice and qualified majority voting").

From 1 November 2014 the double majority (Art. 16(4) TEU, Art. 238(3) TFEU): at least
55 % of the members and at least 15, representing at least 65 % of the Union's
population; a blocking minority needs at least 4 members.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from detente.errors import DetenteError

__all__ = [
    "LISBON_BLOCKING_MINORITY",
    "LISBON_MEMBER_SHARE",
    "LISBON_MIN_MEMBERS",
    "LISBON_POPULATION_SHARE",
    "LISBON_START",
    "NICE_ON_REQUEST_END",
    "REGIMES",
    "WeightRegime",
    "accession_regime",
    "regime_at",
]

LISBON_START = dt.date(2014, 11, 1)
"""First day of the double-majority rule (Art. 16(4) TEU; Art. 3(1) of Protocol No 36)."""
NICE_ON_REQUEST_END = dt.date(2017, 3, 31)
"""Last day a member could ask for a vote under the Nice weights (Protocol No 36, Art. 3(2))."""
LISBON_MEMBER_SHARE = 0.55
"""Share of the members a qualified majority needs (Art. 16(4) TEU)."""
LISBON_MIN_MEMBERS = 15
"""Least number of members in a qualified majority (Art. 16(4) TEU)."""
LISBON_POPULATION_SHARE = 0.65
"""Share of the Union's population a qualified majority represents (Art. 16(4) TEU)."""
LISBON_BLOCKING_MINORITY = 4
"""Least number of members in a blocking minority (Art. 16(4) TEU, second subparagraph)."""


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
"""The weighted-vote tables in date order; the last is also the Nice rule of the transition."""


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
