"""Benchmark: exact Banzhaf and Shapley-Shubik indices of the Council by dynamic programme.

Times :func:`detente.analysis.voting_power.banzhaf_index` and
:func:`~detente.analysis.voting_power.shapley_shubik_index` (each from scratch, no
cache) on

* the Nice EU-27 and EU-28 weighted games (quota 255 of 345 and 260 of 352, plus the
  majority of states);
* the Lisbon EU-28 (2016) and EU-27 (2025) double-majority games on the Council's
  Annex III shares (units of 0.01 %, as shipped);
* the same two games with populations in thousands of persons (share x Union
  population, for timing a finer grid only: the Council's own integers are not shipped),
  whose DP table is about 28 x 330,000 cells.

It also measures the effect of the discretisation: the double-majority rule applied to
the EU-25 Council population figures for 2006 (thousands of persons to one decimal, the
Council's Annex to its Rules of Procedure for 2006, as quoted at dirittoue.info) played
on persons rounded to 1,000 and to 10,000, and on shares rounded to 0.01 % as the
shipped Lisbon tables are.

Usage::

    python benchmarks/voting_power.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt

from _bench import CPU, load, spread, timed
from detente.analysis.council_power import council_game
from detente.analysis.voting_power import (
    VotingGame,
    banzhaf_index,
    double_majority_game,
    shapley_shubik_index,
)
from detente.analysis.voting_weights import council_rule_at
from detente.eu_council import population_table_at


def _games() -> list[tuple[str, VotingGame]]:
    out = []
    for date in (dt.date(2008, 1, 1), dt.date(2014, 1, 1)):
        rule = council_rule_at(date)
        out.append((rule.label, council_game(rule)[1]))
    for date in (dt.date(2016, 6, 1), dt.date(2025, 6, 1)):
        table = population_table_at(date)
        out.append((table.label + ", 0.01 % units", council_game(table)[1]))
        persons = [share * table.union_population // 10_000 for share in table.shares.values()]
        game = double_majority_game(persons, min_members=15, blocking_minority=4, unit=1000)
        out.append((table.label + ", thousands", game))
    return out


# Council figures for 2006 (thousands of persons), EU-25
POPULATION_2006 = {
    "de": 82500.8, "fr": 62370.8, "uk": 60063.2, "it": 58462.4, "es": 43038.0,
    "pl": 38173.8, "nl": 16305.5, "el": 11073.0, "pt": 10529.3, "be": 10445.9,
    "cz": 10220.6, "hu": 10097.5, "se": 9011.4, "at": 8206.5, "dk": 5411.4, "sk": 5384.8,
    "fi": 5236.6, "ie": 4109.2, "lt": 3425.3, "lv": 2306.4, "si": 1997.6, "ee": 1347.0,
    "cy": 749.2, "lu": 455.0, "mt": 402.7,
}  # fmt: skip


def discretisation() -> None:
    """Largest change of any state's index between grids of the same population."""
    persons = [round(v * 1000) for v in POPULATION_2006.values()]
    total = sum(persons)
    shares = [round(10_000 * p / total) for p in persons]
    games = {
        "1,000 persons": double_majority_game(persons, unit=1000),
        "10,000 persons": double_majority_game(persons, unit=10_000),
        "0.01 % shares": double_majority_game(shares, unit=1),
    }
    fine = games["1,000 persons"]
    bz0, ss0 = banzhaf_index(fine), shapley_shubik_index(fine)
    for label, game in games.items():
        bz, ss = banzhaf_index(game), shapley_shubik_index(game)
        print(
            f"  {label:>14}: max |Banzhaf - fine| {abs(bz - bz0).max():.1e} "
            f"(relative {(abs(bz - bz0) / bz0).max():.2%}), max |Shapley - fine| "
            f"{abs(ss - ss0).max():.1e} (relative {(abs(ss - ss0) / ss0).max():.2%})"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"before: {load()}")
    for label, game in _games():
        cells = (game.n + 1) * (game.quota + 1)
        bz_times, _ = timed(lambda game=game: banzhaf_index(game), args.repeat)
        bz_cpu = CPU[-args.repeat :]
        ss_times, _ = timed(lambda game=game: shapley_shubik_index(game), args.repeat)
        print(f"{label}: n={game.n}, quota={game.quota}, DP cells={cells:,}")
        print(f"  Banzhaf:        {spread(bz_times, bz_cpu)}")
        print(f"  Shapley-Shubik: {spread(ss_times)}")
    print("Discretisation, double majority on the EU-25 2006 Council figures:")
    discretisation()
    print(f"after:  {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
