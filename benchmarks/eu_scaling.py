"""Benchmark: how the expected-utility model's time and memory grow with actors, rounds
and draws (fitted exponents), and 1,000 actors x 100 rounds against the code before.

* actors: one game of ``n`` random actors (positions on a 0.01 grid of 0-100), 10
  rounds, for each ``--actors``; seconds per round and peak traced memory
  (``tracemalloc``, a separate run);
* rounds: one game of 50 actors for each ``--rounds`` (no early stop: ``tol = 0``);
* draws: ``--draws`` games of 10 random actors solved together (100 rounds, as in Monte
  Carlo), time and peak memory;
* 1,000 actors x 100 rounds: the whole model (``forecast``, details included), CPU time
  and peak memory; with ``--reference-src`` (``src/`` of the code before, e.g.
  ``../main/src``) the same in a subprocess for each, for the ratio.

Exponents: least-squares slope of log(value) on log(size). O(n^2) memory shows as an
exponent near 2 in actors (per-round arrays over actor pairs) and near 0 in draws
(games are solved in chunks of bounded size).

Usage::

    python benchmarks/eu_scaling.py [--actors 10 30 100 300 1000] [--rounds 25 50 100 200]
        [--draws 1000 2000 4000 8000] [--reference-src ../main/src]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from _bench import growth_exponent, load
from detente.models.expected_utility import ExpectedUtilityModel

BIG = """
import time, tracemalloc, numpy as np
from detente.models.expected_utility import ExpectedUtilityModel
from detente.scenario import Scenario
rng = np.random.default_rng(7)
n = {n}
x, c, s = np.round(rng.uniform(0, 100, n), 2), rng.uniform(0.05, 1, n), rng.uniform(0.05, 1, n)
actors = [{{"id": f"a{{k:04d}}", "name": f"a{{k}}", "capability": float(c[k]),
           "stances": {{"x": {{"position": float(x[k]), "salience": float(s[k])}}}}}}
          for k in range(n)]
scenario = Scenario.from_dict({{"schema": "detente/1", "title": "big", "as_of": "2020-01-01",
    "horizon": "2021-01-01", "issues": [{{"id": "x", "name": "x", "scale": [0, 100]}}],
    "actors": actors}})
model = ExpectedUtilityModel(max_rounds={rounds}, tol=0.0)
cpu = time.process_time(); out = model.forecast(scenario); took = time.process_time() - cpu
tracemalloc.start(); model.forecast(scenario); peak = tracemalloc.get_traced_memory()[1]
print(took, peak, out.issues[0].details["stopped_after"])
"""


def random_games(games: int, n: int, seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    x = np.round(rng.uniform(0, 100, (games, n)), 2)
    return x, rng.uniform(0.05, 1, (games, n)), rng.uniform(0.05, 1, (games, n))


def measure(function: Callable[[], Any]) -> tuple[float, float]:
    """Seconds of one call, and peak traced MB of another."""
    start = time.perf_counter()
    function()
    took = time.perf_counter() - start
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return took, peak


def big_game(n: int, rounds: int, src: str | None) -> tuple[float, float, int]:
    env = None if src is None else {"PYTHONPATH": str(Path(src).resolve())}
    result = subprocess.run(
        [sys.executable, "-c", BIG.format(n=n, rounds=rounds)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    took, peak, played = result.stdout.split()
    return float(took), float(peak) / 2**20, int(played)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actors", type=int, nargs="+", default=[10, 30, 100, 300, 1000])
    parser.add_argument("--rounds", type=int, nargs="+", default=[25, 50, 100, 200])
    parser.add_argument("--draws", type=int, nargs="+", default=[1000, 2000, 4000, 8000])
    parser.add_argument("--big", type=int, default=1000, help="actors of the big game")
    parser.add_argument("--reference-src", help="src/ of the code before the change")
    args = parser.parse_args(argv)
    print(f"before: {load()}")
    tol0 = ExpectedUtilityModel(max_rounds=10, tol=0.0)
    rows = []
    for n in args.actors:
        x, c, s = random_games(1, n, n)
        took, peak = measure(lambda: tol0.solve(x, s, c, (0.0, 100.0)))  # noqa: B023
        rows.append((n, took / 10, peak))
        print(f"actors {n:>5}: {took / 10 * 1e3:8.2f} ms/round, peak {peak:8.2f} MB")
    for label, part in (
        ("all sizes", rows),
        ("100 actors and more", [r for r in rows if r[0] >= 100]),
    ):
        if len(part) < 2:
            continue
        sizes = [r[0] for r in part]
        per_round = growth_exponent(sizes, [r[1] for r in part])
        memory = growth_exponent(sizes, [r[2] for r in part])
        print(f"  exponent in actors ({label}): time {per_round:.2f}, memory {memory:.2f}")
    times = []
    x, c, s = random_games(1, 50, 50)
    for rounds in args.rounds:
        model = ExpectedUtilityModel(max_rounds=rounds, tol=0.0)
        took, _ = measure(lambda: model.solve(x, s, c, (0.0, 100.0)))  # noqa: B023
        played = int(model.solve(x, s, c, (0.0, 100.0)).stopped_after[0])
        times.append(took)
        print(f"rounds {rounds:>5}: {took:.3f} s (50 actors; {played} rounds counted)")
    print(f"  exponent in rounds: time {growth_exponent(args.rounds, times):.2f}")
    model = ExpectedUtilityModel()
    found = []
    for games in args.draws:
        x, c, s = random_games(games, 10, games)
        took, peak = measure(lambda: model.solve(x, s, c, (0.0, 100.0)))  # noqa: B023
        found.append((took, peak))
        print(f"draws {games:>6}: {took:.3f} s, peak {peak:.1f} MB (10 actors, 100 rounds)")
    print(
        f"  exponent in draws: time {growth_exponent(args.draws, [f[0] for f in found]):.2f}, "
        f"memory {growth_exponent(args.draws, [f[1] for f in found]):.2f}"
    )
    # interleaved with the code before (if given), best of two each
    now, before = [], []
    for _ in range(2):
        now.append(big_game(args.big, 100, None))
        if args.reference_src:
            before.append(big_game(args.big, 100, args.reference_src))
    took, peak, played = min(now)
    print(f"{args.big} actors x {played} rounds (forecast): {took:.2f} s CPU, peak {peak:.0f} MB")
    if before:
        old_took, old_peak, old_played = min(before)
        print(
            f"  code before: {old_took:.2f} s CPU, peak {old_peak:.0f} MB ({old_played} rounds); "
            f"time ratio before/now {old_took / took:.2f}x"
        )
    print(f"after:  {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
