"""Council population figures for the Lisbon double majority, by period in force.

From 1 November 2014 a qualified majority in the Council needs member states
representing at least 65 % of the Union's population (Art. 16(4) TEU). The figures
are those of Annex III to the Council's Rules of Procedure, which the Council replaces
each year with effect from 1 January (Art. 11(6) of its Rules of Procedure), from the
Eurostat data available on 30 September of the preceding year.

The shipped table (``data/council_population_shares.csv``) holds, for each period it
covers, every member state's share of the Union population in percent to two
decimals, with the Council decision and where the figures were read. The shares are
the game's population weights in units of 0.01 % (so one unit is about 45,000-51,000
persons): a coalition's share is compared with 65 % of the sum of the listed shares.
Periods not in the table are an error that names the date and the covered periods,
never a fallback to another year.
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

__all__ = ["LISBON_START", "PopulationTable", "population_table_at", "population_tables"]

LISBON_START = dt.date(2014, 11, 1)
"""First day of the double-majority rule (Art. 16(4) TEU; Art. 3(1) of Protocol No 36)."""

_FILE = "council_population_shares.csv"


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
    """

    start: dt.date
    end: dt.date
    shares: dict[str, int]
    union_population: int
    source: str

    @property
    def label(self) -> str:
        """E.g. ``"EU-28 (Lisbon, 2016 population)"``."""
        return f"EU-{len(self.shares)} (Lisbon, {self.start.year} population)"


def _hundredths(text: str, where: str) -> int:
    whole, _, frac = text.strip().partition(".")
    if not whole.isdigit() or not (frac == "" or (frac.isdigit() and len(frac) <= 2)):
        raise DetenteError(f"{where}: share_percent must have at most two decimals, got {text!r}")
    return int(whole) * 100 + int(frac.ljust(2, "0") or "0")


@cache
def population_tables() -> tuple[PopulationTable, ...]:
    """Every shipped population table, in date order.

    Raises
    ------
    DetenteError
        If the shipped file is malformed (overlapping periods, a bad share).
    """
    text = resources.files("detente.analysis").joinpath("data", _FILE).read_text("utf-8")
    rows = [line for line in text.splitlines() if line and not line.startswith("#")]
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in csv.DictReader(io.StringIO("\n".join(rows))):
        groups.setdefault((row["start"], row["end"]), []).append(row)
    tables = []
    for (start, end), members in sorted(groups.items()):
        first = members[0]
        shares = {
            m["code"]: _hundredths(m["share_percent"], f"{_FILE} ({start}, {m['code']})")
            for m in members
        }
        tables.append(
            PopulationTable(
                dt.date.fromisoformat(start),
                dt.date.fromisoformat(end),
                shares,
                int(first["union_population"]),
                f"{first['decision']}; figures as reported by {first['reported_by']}",
            )
        )
    for before, after in itertools.pairwise(tables):
        if after.start <= before.end:
            raise DetenteError(f"{_FILE}: periods {before.label} and {after.label} overlap")
    return tuple(tables)


def population_table_at(date: dt.date) -> PopulationTable:
    """The Annex III population shares in force on ``date``.

    Raises
    ------
    DetenteError
        Before 1 November 2014 (the double majority was not in force) or for a date in
        no shipped period; the message names the periods covered.
    """
    tables = population_tables()
    for table in tables:
        if table.start <= date <= table.end:
            return table
    covered = ", ".join(f"{t.start.isoformat()} to {t.end.isoformat()}" for t in tables)
    why = (
        "the double majority applies from 2014-11-01"
        if date < LISBON_START
        else f"the Council's Annex III figures for {date.year} are not shipped"
    )
    raise DetenteError(
        f"no Council population figures for {date.isoformat()} ({why}); covered: {covered}. "
        "Add the year's Annex III shares to detente/analysis/data/"
        + _FILE
        + " or use capabilities 'equal'"
    )
