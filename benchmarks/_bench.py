"""Helpers shared by the benchmarks: timing, machine load, data paths, growth exponents.

Benchmarks print ratios against a reference measured in the same run (so that the
load of a shared machine cancels out as far as it can) plus absolute numbers, and the
load average before and after. They assert nothing.
"""

from __future__ import annotations

import csv
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
# ``shared/`` beside the checkout (as in CI), or beside the folder of worktrees
SHARED = next(
    (p / "shared" / "data" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
    ROOT.parent / "shared" / "data",
)
EC_TABLE = SHARED / "ec-emissions" / "actors.csv"
DEU_FILE = SHARED / "deu" / "deu-I-II.tsv"


def data_path(path: Path, option: str | None) -> Path:
    """``option`` if given, else ``path``; exits with one line if it does not exist."""
    found = Path(option) if option else path
    if not found.exists():
        raise SystemExit(f"data not found: {found} (give its path with the --data option)")
    return found


def load() -> str:
    """The 1-, 5- and 15-minute load averages and the CPU count, for the record."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


CPU: list[float] = []
"""CPU seconds (this process) of each call timed by :func:`timed`, in order."""


def timed(function: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    """Wall-clock seconds of ``repeat`` calls, and the last result. The CPU seconds of
    each call are appended to :data:`CPU`: on a shared machine they show the work
    itself, while wall time also shows how much of a core the process got."""
    times, result = [], None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = function()
        times.append(time.perf_counter() - start)
        CPU.append(time.process_time() - cpu)
    return times, result


def spread(times: Sequence[float], cpu_times: Sequence[float] | None = None) -> str:
    """``best / median`` of wall times, and the best CPU time (default: of the calls just
    timed by :func:`timed`)."""
    cpu = min(CPU[-len(times) :] if cpu_times is None else cpu_times)
    return (
        f"{min(times):.3f} s best, {float(np.median(times)):.3f} s median of {len(times)} "
        f"(wall); {cpu:.3f} s CPU (best)"
    )


def run_process(argv: Sequence[str], env: dict[str, str] | None = None) -> float:
    """Wall-clock seconds of a whole process (its output discarded; it must succeed);
    its CPU seconds (user + system) are appended to :data:`CPU`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        argv,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return took


def detente_command() -> list[str]:
    """The ``detente`` console script of this interpreter's environment."""
    script = Path(sys.executable).with_name("detente")
    return [str(script)] if script.exists() else [sys.executable, "-m", "detente.cli"]


def growth_exponent(sizes: Sequence[float], values: Sequence[float]) -> float:
    """Least-squares slope of log(value) on log(size): value ~ size ** exponent."""
    slope, _ = np.polyfit(np.log(np.asarray(sizes)), np.log(np.asarray(values)), 1)
    return float(slope)


def ec_table(path: Path) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Actor names, positions, capabilities and saliences (0-1) of the EC table."""
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    names = [row["actor"] for row in rows]
    x = np.array([float(row["position"]) for row in rows])
    c = np.array([float(row["capability"]) for row in rows])
    s = np.array([float(row["salience"]) for row in rows]) / 100.0
    return names, x, c, s
