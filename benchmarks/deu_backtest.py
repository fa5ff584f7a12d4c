"""Benchmark: the DEU backtest with the expected-utility model batched, against issue by issue.

Runs :func:`detente.analysis.backtest.run_deu_backtest` on DEU I-II (every registered
model that applies, as ``detente backtest deu`` does) twice in the same process:

* batched (today): the expected-utility model solves all issues at once, issues of the
  same number of actors in one batch (``predict_issues``);
* issue by issue (the reference): the same run with the batched path switched off, so
  every model forecasts one issue at a time (with today's single-game solver, which
  also reads cycles off; the code before #14 is timed with ``--reference-src``).

The two must give the same forecasts (checked). Target (#14): the whole backtest at
least 3x faster than before; for the record, also ``--reference-src`` (a checkout of
the code before the change, e.g. ``../main/src``) timed in a subprocess.

Usage::

    python benchmarks/deu_backtest.py [--repeat 2] [--reference-src ../main/src]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _bench import CPU, DEU_FILE, data_path, load, run_process, spread, timed
from detente.analysis import backtest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--data", help="the DEU TSV (default: shared/data/deu/deu-I-II.tsv)")
    parser.add_argument("--reference-src", help="src/ of the code before the change")
    args = parser.parse_args(argv)
    path = data_path(DEU_FILE, args.data)
    print(f"before: {load()}")
    fast_times, fast = timed(lambda: backtest.run_deu_backtest(path, bootstrap=200), args.repeat)
    fast_cpu = CPU[-args.repeat :]
    batched = backtest._batched
    backtest._batched = lambda model, items: None  # type: ignore[assignment]
    try:
        slow_times, slow = timed(
            lambda: backtest.run_deu_backtest(path, bootstrap=200), args.repeat
        )
    finally:
        backtest._batched = batched  # type: ignore[assignment]
    slow_cpu = CPU[-args.repeat :]
    same = [a.to_dict() for a in fast.issues] == [b.to_dict() for b in slow.issues]
    print(f"after:  {load()}")
    print(f"DEU I-II: {fast.scored} issues scored, models {[r.model for r in fast.rows]}")
    print(f"batched:        {spread(fast_times, fast_cpu)}")
    print(f"issue by issue: {spread(slow_times, slow_cpu)}")
    wall, cpu = min(slow_times) / min(fast_times), min(slow_cpu) / min(fast_cpu)
    print(f"speed-up: {wall:.1f}x wall, {cpu:.1f}x CPU (target >= 3x); same forecasts: {same}")
    if args.reference_src:
        code = (
            "from detente.analysis.backtest import run_deu_backtest;"
            f"run_deu_backtest({str(path)!r}, bootstrap=200)"
        )
        env = {"PYTHONPATH": str(Path(args.reference_src).resolve())}
        old, new, old_cpu, new_cpu = [], [], [], []
        for _ in range(args.repeat):  # interleaved
            old.append(run_process([sys.executable, "-c", code], env))
            old_cpu.append(CPU[-1])
            new.append(run_process([sys.executable, "-c", code]))
            new_cpu.append(CPU[-1])
        print(f"before the change (subprocess): {spread(old, old_cpu)}")
        print(f"this code (subprocess):         {spread(new, new_cpu)}")
        print(
            f"speed-up over the code before: {min(old) / min(new):.1f}x wall, "
            f"{min(old_cpu) / min(new_cpu):.1f}x CPU"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
