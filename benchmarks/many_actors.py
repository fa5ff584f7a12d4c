"""Time of each model's forecast on random actor tables of growing size (3 issues).

Why ``exchange`` and ``smp`` leave the default model set above 50 actors
(``docs/performance.md``, "Many actors"). Each table: ``n`` actors with capability
uniform on 1-5, and on each of three issues a position uniform on 0-100 and a salience
uniform on 0.1-1 (numpy's default generator, seed 0), read as a classic actor table.
Prints seconds per model and size (``time.perf_counter``), the load average, and the
growth exponent of each model's time in the actor count. Asserts nothing.

    python benchmarks/many_actors.py --actors 20 40 60 100 --models exchange smp
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

import detente
from _bench import growth_exponent, load
from detente.models import available_models, get_model


def table(actors: int, folder: Path) -> Path:
    """A classic actor table of ``actors`` actors on issues a, b, c (one row per stance)."""
    rng = np.random.default_rng(0)
    rows = ["actor,capability,position,salience,issue"]
    for i in range(actors):
        capability = rng.uniform(1, 5)
        for issue in "abc":
            rows.append(f"act{i},{capability:.2f},{rng.uniform(0, 100):.1f},"
                        f"{rng.uniform(0.1, 1):.2f},{issue}")  # fmt: skip
    path = folder / f"actors{actors}.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, nargs="+", default=[20, 40, 60, 100])
    parser.add_argument("--models", nargs="+", default=["exchange", "smp"])
    args = parser.parse_args()
    unknown = set(args.models) - set(available_models())
    if unknown:
        parser.error(f"unknown models: {sorted(unknown)}")
    print(f"load before: {load()}")
    seconds: dict[str, list[float]] = {name: [] for name in args.models}
    with tempfile.TemporaryDirectory() as folder:
        for actors in args.actors:
            scenario = detente.load(table(actors, Path(folder)), scale=(0, 100)).scenario
            for name in args.models:
                start = time.perf_counter()
                get_model(name).forecast(scenario, rng=0)
                seconds[name].append(time.perf_counter() - start)
                print(f"{actors:>5} actors  {name:<18} {seconds[name][-1]:8.2f} s", flush=True)
    if len(args.actors) > 1:
        for name, values in seconds.items():
            print(f"{name}: time grows as actors^{growth_exponent(args.actors, values):.2f}")
    print(f"load after: {load()}")


if __name__ == "__main__":
    main()
