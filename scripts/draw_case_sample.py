"""Draw the case library's sample from the public outcome datasets, seeded and stratified.

The hand-picked cases in ``cases/`` (famous negotiations) over-represent success. This script
draws further cases from three public datasets, so that what gets encoded is a sample of
disputes, not a hall of fame, and failures enter at their real rate:

* ICOW territorial claims (Hensel, Mitchell, Sowers & Thyne 2008), provisional claim-years 1.01:
  a claim-year drawn uniformly among claim-years 1946-1996, that is a random moment in an
  ongoing interstate territorial claim. ``as_of`` is 1 July of that year and the window is
  five years (so it closes by 2001, the end of the data).
* ICB crises (Brecher, Wilkenfeld et al., v14): a crisis drawn uniformly among those triggered
  1946-2015. ``as_of`` is the trigger date plus 14 days (or half-way to the termination date
  when the crisis ended sooner) and the window is one year.
* UCDP armed-conflict dyads (Kreutz 2010, termination dataset v3-2021): a dyad-year drawn
  uniformly among dyad-years 1946-2018. ``as_of`` is 1 July of that year (or 14 days after the
  episode began, when that is later) and the window is three years.

At most one draw per claim, crisis or dyad, and none whose parties are already a case in
``cases/`` (listed in ``EXISTING``). Each stratum's list is followed by reserves: a drawn case
is replaced by the next reserve of its stratum only when the public record is too thin to
encode it as of its date, and ``cases/README.md`` names every replaced draw and why.

The event to forecast is the same for every case: a signed agreement settling the dispute (or,
for a crisis or armed conflict, ending it by a formal agreement) between ``as_of`` and the end
of the window. The dataset's own coding is printed beside each draw as a hint; the encoder
checks the outcome against the historical record.

Usage::

    python scripts/draw_case_sample.py [--data ../shared/data/outcomes] [--seed 20261130]

It prints a TSV to stdout (``cases/sample.tsv`` is its saved output).
"""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
import sys
from pathlib import Path

import numpy as np

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "outcomes"

# Correlates of War country codes of the dyads already in cases/ (either order).
EXISTING = {
    frozenset({365, 740}),  # Russia-Japan
    frozenset({710, 365}),  # China-Russia
    frozenset({385, 365}),  # Norway-Russia
    frozenset({651, 666}),  # Egypt-Israel
    frozenset({135, 130}),  # Peru-Ecuador
    frozenset({740, 710}),  # Japan-China
    frozenset({740, 732}),  # Japan-South Korea
    frozenset({350, 343}),  # Greece-Macedonia
    frozenset({750, 771}),  # India-Bangladesh
    frozenset({652, 666}),  # Syria-Israel
}
EXISTING_UCDP = ("Cyprus", "Colombia")  # intrastate cases already encoded, by location

PER_STRATUM = {"icow": 12, "icb": 10, "ucdp": 10}
RESERVES = 4


def _ucdp_date(text: str) -> dt.date | None:
    if not text:
        return None
    month, day, year = (int(part) for part in text.split("/"))
    return dt.date(1900 + year if year >= 46 else 2000 + year, month, day)


def _icb_date(year: str, month: str, day: str) -> dt.date | None:
    if not year or not month:
        return None
    y, m = int(year), int(month)
    last = calendar.monthrange(y, m)[1]
    return dt.date(y, m, min(int(day), last) if day else 15)


def draw_icow(data: Path, rng: np.random.Generator, n: int) -> list[dict[str, object]]:
    with (data / "icow-claims-provisional-yearly-1.01.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    last_year: dict[str, int] = {}
    for row in rows:
        last_year[row["claimdy"]] = max(last_year.get(row["claimdy"], 0), int(row["year"]))
    frame = [
        r
        for r in rows
        if 1946 <= int(r["year"]) <= 1996
        and frozenset({int(r["chal"]), int(r["tgt"])}) not in EXISTING
    ]
    out: list[dict[str, object]] = []
    seen: set[str] = set()
    for i in rng.permutation(len(frame)):
        row = frame[int(i)]
        if row["claim"] in seen:
            continue
        seen.add(row["claim"])
        year = int(row["year"])
        end = last_year[row["claimdy"]]
        out.append(
            {
                "stratum": "icow",
                "record": f"claim {row['claim']} dyad {row['claimdy']}",
                "parties": f"ccode {row['chal']} (challenger) vs {row['tgt']} (target)",
                "as_of": dt.date(year, 7, 1).isoformat(),
                "horizon": dt.date(year + 5, 6, 30).isoformat(),
                "hint": f"salience {row['icowsal']}/12; claim-dyad coded until {end}"
                + (" (open in 2001)" if end >= 2001 else ""),
            }
        )
        if len(out) == n:
            break
    return out


def draw_icb(data: Path, rng: np.random.Generator, n: int) -> list[dict[str, object]]:
    with (data / "icb1v14.csv").open(encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f) if r["yrtrig"] and 1946 <= int(r["yrtrig"]) <= 2015]
    out: list[dict[str, object]] = []
    for i in rng.permutation(len(rows)):
        row = rows[int(i)]
        trig = _icb_date(row["yrtrig"], row["motrig"], row["datrig"])
        term = _icb_date(row["yrterm"], row["moterm"], row["daterm"])
        if trig is None:
            continue
        delay = 14 if term is None else min(14, max(1, (term - trig).days // 2))
        as_of = trig + dt.timedelta(days=delay)
        forms = {
            "1": "formal agreement",
            "2": "semi-formal",
            "3": "tacit",
            "4": "unilateral",
            "5": "imposed",
            "6": "faded",
            "7": "other",
        }
        out.append(
            {
                "stratum": "icb",
                "record": f"crisis {row['crisno']} {row['crisname'].strip()}",
                "parties": f"{row['noactr']} crisis actors",
                "as_of": as_of.isoformat(),
                "horizon": (as_of + dt.timedelta(days=365)).isoformat(),
                "hint": f"triggered {trig}, terminated {term}; form of outcome: "
                + forms.get(row["forout"], "unknown"),
            }
        )
        if len(out) == n:
            break
    return out


def draw_ucdp(data: Path, rng: np.random.Generator, n: int) -> list[dict[str, object]]:
    with (data / "ucdp-term-dyad-3-2021.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    # dyadep_id is stored in scientific notation for large dyad ids; key by (dyad, episode).
    ends: dict[tuple[str, str], dict[str, str]] = {}
    starts: dict[tuple[str, str], dt.date] = {}
    for row in rows:
        key = (row["dyad_id"], row["dyadepisode"])
        start = _ucdp_date(row["start_date2"] or row["start_date"])
        if start is not None:
            starts[key] = min(starts.get(key, start), start)
        if row["ependdate"]:
            ends[key] = row
    frame = [
        r
        for r in rows
        if 1946 <= int(r["year"]) <= 2018 and not r["location"].startswith(EXISTING_UCDP)
    ]
    outcomes = {
        "1": "peace agreement",
        "2": "ceasefire",
        "3": "government victory",
        "4": "rebel victory",
        "5": "low activity",
        "6": "actor ceases to exist",
    }
    out: list[dict[str, object]] = []
    seen: set[str] = set()
    for i in rng.permutation(len(frame)):
        row = frame[int(i)]
        if row["dyad_id"] in seen:
            continue
        seen.add(row["dyad_id"])
        year = int(row["year"])
        key = (row["dyad_id"], row["dyadepisode"])
        start = max(starts.get(key, dt.date(year, 1, 1)), dt.date(year, 1, 1))
        end = ends.get(key)
        end_date = _ucdp_date(end["ependdate"]) if end is not None else None
        as_of = max(dt.date(year, 7, 1), start + dt.timedelta(days=14))
        if end_date is not None and end_date.year == year and end_date <= as_of:
            # the episode ended before mid-year: forecast from half-way through it
            as_of = start + (end_date - start) // 2
        kind = "interstate" if row["type_of_conflict"] == "2" else "intrastate"
        hint = f"{kind}; incompatibility {row['incompatibility']}"
        if end is not None:
            hint += f"; episode ended {end_date} by " + outcomes.get(end["outcome"], "unknown")
        else:
            hint += "; episode not ended in the data"
        out.append(
            {
                "stratum": "ucdp",
                "record": f"dyad {row['dyad_id']} episode {row['dyadepisode']}",
                "parties": f"{row['side_a']} vs {row['side_b']} ({row['location']}"
                + (f": {row['territory_name']}" if row["territory_name"] else "")
                + ")",
                "as_of": as_of.isoformat(),
                "horizon": dt.date(as_of.year + 3, as_of.month, min(as_of.day, 28)).isoformat(),
                "hint": hint,
            }
        )
        if len(out) == n:
            break
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seed", type=int, default=20261130)
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"no outcome data at {args.data}", file=sys.stderr)
        return 2
    rng_icow, rng_icb, rng_ucdp = (
        np.random.default_rng(s) for s in np.random.SeedSequence(args.seed).spawn(3)
    )
    draws = {
        "icow": draw_icow(args.data, rng_icow, PER_STRATUM["icow"] + RESERVES),
        "icb": draw_icb(args.data, rng_icb, PER_STRATUM["icb"] + RESERVES),
        "ucdp": draw_ucdp(args.data, rng_ucdp, PER_STRATUM["ucdp"] + RESERVES),
    }
    writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    writer.writerow(["draw", "role", "stratum", "record", "parties", "as_of", "horizon", "hint"])
    for stratum, rows in draws.items():
        for k, row in enumerate(rows, start=1):
            role = "case" if k <= PER_STRATUM[stratum] else "reserve"
            writer.writerow([f"{stratum}-{k:02d}", role, *row.values()])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
