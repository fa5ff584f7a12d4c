"""The Council's qualified-majority rule in force on a date, and its quota.

Up to 31 October 2014 the rule is a weighted vote (:data:`~detente.eu_council.weights.REGIMES`);
from 1 November 2014 the double majority on the Council's population figures
(:mod:`detente.eu_council.population`).

**The transition, 1 November 2014 - 31 March 2017.** Protocol No 36, Art. 3(2): "a
member of the Council may request that it be adopted in accordance with the qualified
majority as defined in Article 3(3)" (the Nice weights; wording as restated in recital
(2) of Council Decisions 2014/900/EU, (EU, Euratom) 2015/2393 and 2016/2353). Any member
may ask, so the side the Nice rule favours can always invoke it: an act with a Nice
qualified majority but no double majority passes (a supporter asks for Nice), and an
act with a double majority but no Nice majority fails (an opponent asks for Nice). Read
so, the Nice rule decides every vote of the transition, and it is the default
(``transition="nice"``, :data:`DEFAULT_TRANSITION`). ``transition="lisbon"`` reads the
double majority from 1 November 2014 instead, the treaty's rule when no one asks. This
is detente's reading of the Protocol's text (documented in ``docs/voting-power.md``),
not a published estimate of how often members asked.
"""

from __future__ import annotations

import datetime as dt

from detente.errors import DetenteError
from detente.eu_council.population import PopulationTable, population_table_at
from detente.eu_council.weights import (
    LISBON_POPULATION_SHARE,
    LISBON_START,
    NICE_ON_REQUEST_END,
    REGIMES,
    WeightRegime,
    regime_at,
)

__all__ = [
    "DEFAULT_TRANSITION",
    "QMV_QUOTAS",
    "TRANSITIONS",
    "check_transition",
    "council_rule_at",
    "qmv_quota_on",
]

TRANSITIONS = ("nice", "lisbon")
"""Which rule reads a date of 1 November 2014 - 31 March 2017 (see the module docstring)."""
DEFAULT_TRANSITION = "nice"
"""The default reading of the transition (see the module docstring)."""

QMV_QUOTAS: tuple[tuple[dt.date, float, str], ...] = (
    *((r.start, r.quota / r.total, f"{r.label}: {r.quota} of {r.total} votes") for r in REGIMES),
    (LISBON_START, LISBON_POPULATION_SHARE, "Lisbon double majority: 65% (population clause)"),
)
"""QMV quota as a share of the Council's weight, from the date each came into force.

Derived from :data:`~detente.eu_council.weights.REGIMES` (quota / total votes) and Art.
16(4) TEU for the double majority, whose population clause (65 %) is the share of the
capabilities in force (the 55 %-of-states clause is not part of a one-dimensional
quota). With the default transition the Nice quota (260 of 352) holds until 31 March
2017 (:func:`qmv_quota_on`)."""


def check_transition(transition: str) -> None:
    """Raise :class:`DetenteError` unless ``transition`` is one of :data:`TRANSITIONS`."""
    if transition not in TRANSITIONS:
        raise DetenteError(
            f"unknown transition rule {transition!r}; expected one of {', '.join(TRANSITIONS)}"
        )


def _nice_reads(date: dt.date, transition: str) -> bool:
    return date < LISBON_START or (transition == "nice" and date <= NICE_ON_REQUEST_END)


def council_rule_at(
    date: dt.date, transition: str = DEFAULT_TRANSITION
) -> WeightRegime | PopulationTable:
    """The Council's qualified-majority rule that reads ``date``.

    A :class:`~detente.eu_council.weights.WeightRegime` up to 31 October 2014 (and, with
    ``transition="nice"``, the default, up to 31 March 2017), a
    :class:`~detente.eu_council.population.PopulationTable` of the double majority after.

    Raises
    ------
    DetenteError
        For an unknown ``transition``, a date before 1995, or a Lisbon date in a gap of
        the shipped population figures.
    """
    check_transition(transition)
    if date < LISBON_START:
        return regime_at(date)
    if _nice_reads(date, transition):
        return REGIMES[-1]
    return population_table_at(date)


def qmv_quota_on(date: dt.date, transition: str = DEFAULT_TRANSITION) -> float:
    """The QMV quota (share of the Council's weight) in force on ``date``.

    Before 1995 the EU-15 quota (62 of 87) is used; needs no population figures.
    """
    check_transition(transition)
    if not _nice_reads(date, transition):
        return LISBON_POPULATION_SHARE
    quota = QMV_QUOTAS[0][1]
    for start, share, _ in QMV_QUOTAS[:-1]:
        if date >= start:
            quota = share
    return quota
