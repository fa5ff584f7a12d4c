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

Usage::

    python benchmarks/voting_power.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt

from _bench import CPU, load, spread, timed
from detente.analysis.council_population import population_table_at
from detente.analysis.council_power import council_game
from detente.analysis.voting_power import (
    VotingGame,
    banzhaf_index,
    double_majority_game,
    shapley_shubik_index,
)
from detente.analysis.voting_weights import council_rule_at


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
    print(f"after:  {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
