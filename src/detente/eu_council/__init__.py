"""The Council of the EU's qualified-majority rules in force, one source of truth.

Weighted votes 1995 - October 2014 (:mod:`~detente.eu_council.weights`), the Lisbon
double majority on the Council's Annex III population figures
(:mod:`~detente.eu_council.population`), and the rule and quota in force on a date,
with the 2014-2017 transition (:mod:`~detente.eu_council.rules`). Pure data and lookups:
both :mod:`detente.models` and :mod:`detente.analysis` import them; this package imports
neither. Sources: ``docs/voting-power.md``.
"""

from detente.eu_council.population import (
    PopulationTable,
    carried_forward_note,
    population_table_at,
    population_tables,
    substituted_table,
)
from detente.eu_council.rules import (
    DEFAULT_TRANSITION,
    QMV_QUOTAS,
    TRANSITIONS,
    check_transition,
    council_rule_at,
    qmv_quota_on,
)
from detente.eu_council.weights import (
    LISBON_BLOCKING_MINORITY,
    LISBON_MEMBER_SHARE,
    LISBON_MIN_MEMBERS,
    LISBON_POPULATION_SHARE,
    LISBON_START,
    NICE_ON_REQUEST_END,
    REGIMES,
    WeightRegime,
    accession_regime,
    regime_at,
)

__all__ = [
    "DEFAULT_TRANSITION",
    "LISBON_BLOCKING_MINORITY",
    "LISBON_MEMBER_SHARE",
    "LISBON_MIN_MEMBERS",
    "LISBON_POPULATION_SHARE",
    "LISBON_START",
    "NICE_ON_REQUEST_END",
    "QMV_QUOTAS",
    "REGIMES",
    "TRANSITIONS",
    "PopulationTable",
    "WeightRegime",
    "accession_regime",
    "carried_forward_note",
    "check_transition",
    "council_rule_at",
    "population_table_at",
    "population_tables",
    "qmv_quota_on",
    "regime_at",
    "substituted_table",
]
