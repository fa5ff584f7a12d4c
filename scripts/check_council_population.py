"""Check the shipped Council population table for internal consistency.

Reads ``src/detente/eu_council/data/council_population_shares.csv`` (the Annex III
figures of the Council's Rules of Procedure, one row per member state and period) and
checks, per period in force:

* one row per member state, with DEU actor codes, and one Union total, decision and
  source for the period;
* the membership: 28 states (``uk`` among them) before 1 February 2020, 27 after;
* the percentages, printed to two decimals, sum to 100 within the rounding of each
  (half a hundredth of a percent per state);
* where the decision's populations were read: they sum to the printed Union total
  exactly, and each percentage is ``population / total * 100`` rounded half-up to two
  decimals (the Council's rounding);
* where the populations were not read: 65 % of the Union total is printed with the
  period's label, so it can be compared with the threshold the Council publishes.

Periods are listed with the gaps between them (dates no shipped table covers: the
double majority errors there).

Usage: ``python scripts/check_council_population.py`` (exit 1 on any inconsistency).
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from detente.eu_council.population import POPULATION_FILE, read_population_rows
from detente.io.deu import ACTOR_NAMES

DEU_MEMBER_CODES = frozenset(ACTOR_NAMES) - {"com", "ep"}
"""Member-state codes of the DEU data (``bu`` Bulgaria, ``cr`` Croatia, ``el`` Greece)."""
UK_WITHDRAWAL = dt.date(2020, 2, 1)
"""First day the Treaties no longer applied to the United Kingdom."""


def _percent(population: int, total: int) -> Decimal:
    ratio = Decimal(population) * 100 / Decimal(total)
    return ratio.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def check_period(start: str, rows: Sequence[dict[str, str]]) -> list[str]:
    """The inconsistencies of one period's rows (empty if none)."""
    where = f"{POPULATION_FILE} period from {start}"
    problems: list[str] = []
    codes = [row["code"] for row in rows]
    if len(set(codes)) != len(codes):
        problems.append(f"{where}: a member state is listed twice")
    unknown = sorted(set(codes) - DEU_MEMBER_CODES)
    if unknown:
        problems.append(f"{where}: unknown member codes {unknown}")
    for field in ("end", "union_population", "decision", "reported_by"):
        if len({row[field] for row in rows}) != 1:
            problems.append(f"{where}: {field} differs between rows")
    members = 28 if dt.date.fromisoformat(start) < UK_WITHDRAWAL else 27
    if len(codes) != members or (members == 28) != ("uk" in codes):
        problems.append(f"{where}: {len(codes)} member states, expected {members}")
    shares = [Decimal(row["share_percent"]) for row in rows]
    slack = Decimal("0.005") * len(shares)
    if abs(sum(shares) - 100) > slack:
        problems.append(f"{where}: percentages sum to {sum(shares)}, not 100 +- {slack}")
    total = int(rows[0]["union_population"])
    read = [row for row in rows if row["population"]]
    if read and len(read) != len(rows):
        problems.append(f"{where}: populations read for only {len(read)} of {len(rows)} states")
    if read:
        summed = sum(int(row["population"]) for row in read)
        if summed != total:
            problems.append(f"{where}: populations sum to {summed}, the decision prints {total}")
        for row in read:
            want = _percent(int(row["population"]), total)
            if Decimal(row["share_percent"]) != want:
                problems.append(
                    f"{where}: {row['code']} printed {row['share_percent']} %, "
                    f"population / total gives {want} %"
                )
    return problems


def check(rows: Sequence[dict[str, str]]) -> tuple[list[str], list[str]]:
    """``(summary lines, problems)`` for every period of the table."""
    periods: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        periods.setdefault(row["start"], []).append(row)
    summary: list[str] = []
    problems: list[str] = []
    previous_end: dt.date | None = None
    for start in sorted(periods):
        members = periods[start]
        end = members[0]["end"]
        first = dt.date.fromisoformat(start)
        if previous_end is not None and first != previous_end + dt.timedelta(days=1):
            gap_end = first - dt.timedelta(days=1)
            summary.append(f"gap {previous_end + dt.timedelta(days=1)} to {gap_end}: no figures")
        if previous_end is not None and first <= previous_end:
            problems.append(f"{POPULATION_FILE}: period from {start} overlaps the one before")
        previous_end = dt.date.fromisoformat(end)
        total = int(members[0]["union_population"])
        percent_sum = sum(Decimal(m["share_percent"]) for m in members)
        populations = "populations read" if members[0]["population"] else "percentages only"
        summary.append(
            f"{start} to {end}: EU-{len(members)}, Union {total:,} "
            f"(65 % = {math.ceil(0.65 * total):,}), percentages sum to {percent_sum}, "
            f"{populations}"
        )
        problems += check_period(start, members)
    return summary, problems


def main() -> int:
    """Print the summary and any problems; 1 if there are problems."""
    summary, problems = check(read_population_rows())
    print("\n".join(summary))
    for problem in problems:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
