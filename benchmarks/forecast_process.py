"""Benchmark: whole ``detente`` processes (start-up, import, run, output).

Interleaved, ``--repeat`` times each (median and best reported), in fresh processes:

* ``detente --help`` (target < 0.1 s);
* ``detente forecast EC.csv -m expected-utility --no-store``: one forecast on the
  10-actor EC table, import plus run (target < 0.35 s);
* the same with ``--runs 10000`` (target: at most 4x the single forecast). The table
  has no ranges, so the 10,000 draws are one draw for the model: solved once.

With ``--reference-src`` (``src/`` of the code before, e.g. ``../main/src``) the
single forecast and ``--help`` of that code are timed too, interleaved with these
(``python -c 'from detente.cli import main; main()'`` with ``PYTHONPATH`` set).

Usage::

    python benchmarks/forecast_process.py [--repeat 5] [--data path/to/actors.csv]
        [--reference-src ../main/src]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from _bench import CPU, EC_TABLE, data_path, detente_command, load, run_process


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--data", help="the EC actors.csv (default: shared/data)")
    parser.add_argument("--reference-src", help="src/ of the code before the change")
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
    envs: dict[str, dict[str, str]] = {}
    if args.reference_src:
        before = [sys.executable, "-c", "import sys; from detente.cli import main; main()"]
        env = {"PYTHONPATH": str(Path(args.reference_src).resolve())}
        for name in ("--help", "forecast"):
            commands[f"before: {name}"] = [*before, *commands[name][len(base) :]]
            envs[f"before: {name}"] = env
    print(f"before: {load()}")
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, argv_ in commands.items():
            times[name].append(run_process(argv_, envs.get(name)))
            cpu[name].append(CPU[-1])
    print(f"after:  {load()}")
    for name, found in times.items():
        print(
            f"{name:28s} wall median {np.median(found):.3f} s, best {min(found):.3f} s; "
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
