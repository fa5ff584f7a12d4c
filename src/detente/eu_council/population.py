"""Council population figures for the Lisbon double majority, by period in force.

From 1 November 2014 a qualified majority in the Council needs member states
representing at least 65 % of the Union's population (Art. 16(4) TEU). The figures
are those of Annex III to the Council's Rules of Procedure, which the Council replaces
each year with effect from 1 January (Art. 11(6) of its Rules of Procedure), from the
Eurostat data available on 30 September of the preceding year.

The shipped table (``data/council_population_shares.csv``) holds, for each period it
covers, every member state's share of the Union population in percent to two
decimals (and its population where the source printed it), with the Council decision
and where the figures were read. The shares are the game's population weights in
units of 0.01 % (one unit is about 45,000-51,000 persons): a coalition's share is
compared with 65 % of the sum of the listed shares.

Which dates are read how (:func:`population_table_at`):

* a date inside a shipped period: that period's figures;
* a date after the last shipped period: the last shipped figures, *carried forward*
  (the Council's figures change by a few hundredths of a percent a year, and the
  membership only with an accession or withdrawal); :func:`carried_forward_note`
  names the year used, and the DEU backtest prints it;
* a date from 1 November 2014 that no shipped period covers (before the first, or in
  a gap between two): the figures of the nearest shipped period (in time) with the
  member states of that date (the United Kingdom until 31 January 2020, Art. 50 TEU
  and the Withdrawal Agreement; OJ L 29, 31.1.2020), *substituted*. A member state's
  share moves by a few hundredths of a percent a year, so a nearby year's figures give
  almost the same game, while a game without the right members would be wrong;
  :func:`carried_forward_note` names the year used and the DEU backtest prints it.
  Only a date before 1 November 2014 (the double majority was not in force), or a date
  with no shipped period of its membership, is an error naming the periods covered.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from dataclasses import dataclass
from functools import cache
from importlib import resources

from detente.errors import DetenteError
from detente.eu_council.weights import LISBON_START

__all__ = [
    "POPULATION_FILE",
    "PopulationTable",
    "carried_forward_note",
    "population_table_at",
    "population_tables",
    "read_population_rows",
    "substituted_table",
]

UK_WITHDRAWAL = dt.date(2020, 2, 1)
"""First day without the United Kingdom (Withdrawal Agreement, OJ L 29, 31.1.2020, p. 7)."""
_UK_CODES = frozenset({"uk", "gb"})

POPULATION_FILE = "council_population_shares.csv"
"""Name of the shipped table in ``detente/eu_council/data``."""


@dataclass(frozen=True)
class PopulationTable:
    """Annex III population shares in force from ``start`` to ``end`` (inclusive).

    Attributes
    ----------
    shares:
        Member-state code to its share of the Union population in hundredths of a
        percent (``1593`` is 15.93 %).
    union_population:
        The Union population (persons) of the decision.
    source:
        The Council decision and where its figures were read.
    populations:
        Member-state code to its population (persons) as printed in the decision; empty
        where the source read gives only the percentages.
    """

    start: dt.date
    end: dt.date
    shares: dict[str, int]
    union_population: int
    source: str
    populations: dict[str, int]

    @property
    def label(self) -> str:
        """E.g. ``"EU-28 (Lisbon, 2016 population)"``."""
        return f"EU-{len(self.shares)} (Lisbon, {self.start.year} population)"


def _hundredths(text: str, where: str) -> int:
    whole, _, frac = text.strip().partition(".")
    if not whole.isdigit() or not (frac == "" or (frac.isdigit() and len(frac) <= 2)):
        raise DetenteError(f"{where}: share_percent must have at most two decimals, got {text!r}")
    return int(whole) * 100 + int(frac.ljust(2, "0") or "0")


def read_population_rows() -> list[dict[str, str]]:
    """The shipped file's data rows (comment lines dropped), as CSV dictionaries."""
    path = resources.files("detente.eu_council").joinpath("data", POPULATION_FILE)
    text = path.read_text("utf-8")
    rows = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(rows))))


@cache
def population_tables() -> tuple[PopulationTable, ...]:
    """Every shipped population table, in date order.

    Raises
    ------
    DetenteError
        If the shipped file is malformed (overlapping periods, a bad share).
    """
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in read_population_rows():
        groups.setdefault((row["start"], row["end"]), []).append(row)
    tables = []
    for (start, end), members in sorted(groups.items()):
        first = members[0]
        where = f"{POPULATION_FILE} ({start})"
        shares = {
            m["code"]: _hundredths(m["share_percent"], f"{where} {m['code']}") for m in members
        }
        populations = {m["code"]: int(m["population"]) for m in members if m["population"]}
        tables.append(
            PopulationTable(
                dt.date.fromisoformat(start),
                dt.date.fromisoformat(end),
                shares,
                int(first["union_population"]),
                f"{first['decision']}; figures as read in {first['reported_by']}",
                populations,
            )
        )
    for before, after in itertools.pairwise(tables):
        if after.start <= before.end:
            raise DetenteError(
                f"{POPULATION_FILE}: periods {before.label} and {after.label} overlap"
            )
    return tuple(tables)


def _covered() -> str:
    return ", ".join(f"{t.start.isoformat()} to {t.end.isoformat()}" for t in population_tables())


def _with_members_of(table: PopulationTable, date: dt.date) -> bool:
    """Whether ``table`` lists the member states of ``date`` (the UK before 2020-02-01)."""
    return bool(_UK_CODES & set(table.shares)) == (date < UK_WITHDRAWAL)


def _substitute(date: dt.date) -> PopulationTable | None:
    """The nearest shipped table with the membership of ``date`` (ties: the earlier)."""
    fitting = [t for t in population_tables() if _with_members_of(t, date)]
    if not fitting:
        return None

    def distance(table: PopulationTable) -> tuple[int, dt.date]:
        days = (table.start - date).days if date < table.start else (date - table.end).days
        return days, table.start

    return min(fitting, key=distance)


def population_table_at(date: dt.date) -> PopulationTable:
    """The Annex III population shares that read ``date`` (see the module docstring).

    A date no shipped period covers gets the nearest shipped period's figures with the
    same member states (:func:`carried_forward_note` says which).

    Raises
    ------
    DetenteError
        Before 1 November 2014 (the double majority was not in force), or when no
        shipped period has the member states of ``date``; the message names the periods
        covered.
    """
    for table in population_tables():
        if table.start <= date <= table.end:
            return table
    found = _substitute(date) if date >= LISBON_START else None
    if found is not None:
        return found
    why = (
        "the double majority applies from 2014-11-01"
        if date < LISBON_START
        else "no shipped year has the member states of that date"
    )
    raise DetenteError(
        f"no Council population figures for {date.isoformat()} ({why}); covered: {_covered()}"
        f". Add the year's Annex III figures to detente/eu_council/data/{POPULATION_FILE} or "
        "use capabilities 'equal'"
    )


def substituted_table(date: dt.date) -> PopulationTable | None:
    """The table that reads ``date`` when no shipped period covers it (the nearest with
    its member states, :func:`population_table_at`), or ``None`` when one covers it.

    Raises
    ------
    DetenteError
        As :func:`population_table_at`.
    """
    table = population_table_at(date)
    return None if table.start <= date <= table.end else table


def carried_forward_note(date: dt.date) -> str | None:
    """A note naming the figures used when no shipped period covers ``date``, else None.

    Raises
    ------
    DetenteError
        As :func:`population_table_at`.
    """
    table = substituted_table(date)
    if table is None:
        return None
    return (
        f"Council population figures for {date.year} are not shipped: {date.isoformat()} "
        f"uses the {table.start.year} figures ({table.label}), the nearest shipped year "
        "with the same member states"
    )
