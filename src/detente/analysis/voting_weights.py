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

From 1 November 2014 the Council votes by double majority (Lisbon Treaty) and weighted
votes no longer exist; :func:`council_weights` raises for later dates rather than
inventing a table.

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

from detente.errors import DetenteError

__all__ = [
    "CAPABILITY_OPTIONS",
    "INSTITUTIONS",
    "REGIMES",
    "CapabilityFn",
    "WeightRegime",
    "capability_function",
    "council_weights",
    "equal_weights",
    "regime_at",
]

CapabilityFn = Callable[[dt.date, Sequence[str]], Mapping[str, float]]
"""Maps a proposal's introduction date and the actor codes with a position to capabilities."""

CAPABILITY_OPTIONS = ("equal", "council")
INSTITUTIONS = frozenset({"com", "ep"})
"""DEU actor codes that are EU institutions rather than member states."""


@dataclass(frozen=True)
class WeightRegime:
    """Council QMV weights in force from ``start`` to ``end`` (both inclusive)."""

    label: str
    start: dt.date
    end: dt.date
    weights: Mapping[str, int]
    source: str

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
    ),
    WeightRegime(
        "EU-25 (transitional, Act of Accession 2003)",
        dt.date(2004, 5, 1),
        dt.date(2004, 10, 31),
        {**_EU15, **_ACCESSION_2004},
        "Act of Accession 2003, OJ L 236, 23.9.2003; " + _CVCE,
    ),
    WeightRegime(
        "EU-25 (Nice)",
        dt.date(2004, 11, 1),
        dt.date(2006, 12, 31),
        _NICE_25,
        'Treaty of Nice as amended by the Act of Accession 2003; euabc.com "Voting in the '
        'Council" (321 votes); ' + _CVCE,
    ),
    WeightRegime(
        "EU-27 (Nice)",
        dt.date(2007, 1, 1),
        dt.date(2013, 6, 30),
        {**_NICE_25, "ro": 14, "bu": 10},
        _CVCE + " (345 votes)",
    ),
    WeightRegime(
        "EU-28 (Nice)",
        dt.date(2013, 7, 1),
        dt.date(2014, 10, 31),
        {**_NICE_25, "ro": 14, "bu": 10, "cr": 7},
        "Act of Accession of Croatia, Article 20, OJ L 112, 24.4.2012, p. 6",
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


def _accession_weight(code: str, after: dt.date) -> int | None:
    """The weight of a state in the first table after ``after`` that lists it."""
    for regime in REGIMES:
        if regime.start > after and code in regime.weights:
            return regime.weights[code]
    return None


def council_weights(
    date: dt.date, actors: Sequence[str], *, institution_weight: float = 1.0
) -> dict[str, float]:
    """Council QMV weights of ``actors`` for a proposal introduced on ``date``.

    Parameters
    ----------
    date:
        The proposal's introduction date; selects the table in :data:`REGIMES`.
    actors:
        DEU actor codes (``com``, ``ep``, ``de``, ...).
    institution_weight:
        The Commission's and the Parliament's weight as a multiple of the mean member-
        state weight in force (1 by default; 0 leaves them out of weighted models).

    Returns
    -------
    dict
        Capability per actor code. States not yet members on ``date`` get their weight
        on accession (see the module docstring).

    Raises
    ------
    DetenteError
        For a date outside the tables, an unknown actor code, or a negative
        ``institution_weight``.
    """
    if not institution_weight >= 0:
        raise DetenteError(f"institution_weight must be >= 0, got {institution_weight!r}")
    regime = regime_at(date)
    out: dict[str, float] = {}
    for code in actors:
        if code in INSTITUTIONS:
            out[code] = institution_weight * regime.mean
        elif code in regime.weights:
            out[code] = float(regime.weights[code])
        else:
            later = _accession_weight(code, regime.end)
            if later is None:
                raise DetenteError(
                    f"no Council voting weight for actor {code!r} on {date.isoformat()} "
                    f"({regime.label}) nor on a later accession"
                )
            out[code] = float(later)
    return out


def equal_weights(
    date: dt.date, actors: Sequence[str], *, institution_weight: float = 1.0
) -> dict[str, float]:
    """Capability 1 for every member state and ``institution_weight`` for ``com``/``ep``.

    ``date`` is accepted for the :data:`CapabilityFn` signature and not used.
    """
    if not institution_weight >= 0:
        raise DetenteError(f"institution_weight must be >= 0, got {institution_weight!r}")
    return {code: institution_weight if code in INSTITUTIONS else 1.0 for code in actors}


def capability_function(
    option: str | CapabilityFn, *, institution_weight: float = 1.0
) -> CapabilityFn:
    """The capability function named by ``option`` (``"equal"`` or ``"council"``).

    A callable is returned unchanged (``institution_weight`` then does not apply).
    """
    if callable(option):
        return option
    if option == "equal":
        return lambda date, actors: equal_weights(
            date, actors, institution_weight=institution_weight
        )
    if option == "council":
        return lambda date, actors: council_weights(
            date, actors, institution_weight=institution_weight
        )
    raise DetenteError(
        f"unknown capabilities option {option!r}; expected one of {', '.join(CAPABILITY_OPTIONS)}"
    )
