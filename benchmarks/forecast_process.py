"""Benchmark: whole ``detente`` processes (start-up, import, run, output).

Interleaved, ``--repeat`` times each (median and best reported), in fresh processes:

* ``detente --help`` (target < 0.1 s);
* ``detente forecast EC.csv -m expected-utility --no-store``: one forecast on the
  10-actor EC table, import plus run (target < 0.35 s);
* the same with ``--runs 10000`` (target: at most 4x the single forecast). The table
  has no ranges, so the 10,000 draws are one draw for the model: solved once.

Usage::

    python benchmarks/forecast_process.py [--repeat 5] [--data path/to/actors.csv]
"""

from __future__ import annotations

import argparse

import numpy as np

from _bench import CPU, EC_TABLE, data_path, detente_command, load, run_process


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--data", help="the EC actors.csv (default: shared/data)")
    args = parser.parse_args(argv)
    table = str(data_path(EC_TABLE, args.data))
    base = detente_command()
    commands = {
        "--help": [*base, "--help"],
        "forecast": [*base, "forecast", table, "-m", "expected-utility", "--no-store"],
        "forecast --runs 10000": [
            *base,
            "forecast",
            table,
            "-m",
            "expected-utility",
            "--no-store",
            "--runs",
            "10000",
            "--quiet",
        ],
    }
    print(f"before: {load()}")
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, argv_ in commands.items():
            times[name].append(run_process(argv_))
            cpu[name].append(CPU[-1])
    print(f"after:  {load()}")
    for name, found in times.items():
        print(
            f"{name:24s} wall median {np.median(found):.3f} s, best {min(found):.3f} s; "
            f"CPU best {min(cpu[name]):.3f} s"
        )
    for label, use in (("wall", times), ("CPU", cpu)):
        ratio = np.median(use["forecast --runs 10000"]) / np.median(use["forecast"])
        print(f"--runs 10000 / single forecast ({label}, medians): {ratio:.2f}x (target <= 4x)")
    print(
        f"single forecast, whole process: {min(times['forecast']):.3f} s wall (best), "
        f"{min(cpu['forecast']):.3f} s CPU (target < 0.35 s)"
    )
    print(
        f"--help: {min(times['--help']):.3f} s wall (best), {min(cpu['--help']):.3f} s CPU "
        "(target < 0.1 s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
