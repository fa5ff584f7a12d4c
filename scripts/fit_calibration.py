"""Refit the calibrated whether-and-when forecaster on every case in ``cases/``.

Runs the case backtest (``detente.analysis.case_backtest``: the dated model's Monte Carlo
P by each case's horizon, the two-level verdict, the reference class's outside view),
fits :func:`detente.outside_view.combined.fit_calibration` on all cases at once and
writes ``src/detente/outside_view/calibration.json``, the coefficients ``detente
forecast`` uses. The backtest itself never uses these shipped numbers: it cross-fits.

The cases run as one task each, and the leave-one-out fits in a few tasks, on the
executor of ``--workers N`` (local processes) or ``--dask ADDRESS`` (``local`` for a
LocalCluster of ``--workers`` processes; default ``$DETENTE_DASK``), as in every detente
command (docs/scale-out.md): the coefficients are the same, byte for byte, on each.

Usage: ``python scripts/fit_calibration.py [--cases DIR] [--runs N] [--seed S]
[--workers N] [--dask ADDRESS]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from detente.analysis.case_backtest import run_case_backtest
from detente.errors import DetenteError
from detente.executors import open_executor
from detente.outside_view.combined import fit_calibration

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "detente" / "outside_view" / "calibration.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=ROOT / "cases")
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--workers", type=int, default=1, help="local processes (default 1)")
    parser.add_argument("--dask", metavar="ADDRESS", help="Dask scheduler, or 'local'")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error(f"--workers must be >= 1, got {args.workers}")
    if not args.out.parent.is_dir():
        print(f"{args.out.parent}: no such folder for --out", file=sys.stderr)
        return 2
    try:
        with open_executor(workers=args.workers, dask=args.dask, announce=_stderr) as executor:
            result = run_case_backtest(
                args.cases, runs=args.runs, seed=args.seed, executor=executor
            )
    except DetenteError as exc:
        print(exc, file=sys.stderr)
        return 2
    rows = result.rows
    fitted = fit_calibration(
        np.array([row.outside for row in rows]),
        np.array([row.p for row in rows]),
        np.array([row.possible_now for row in rows], dtype=float),
        np.array([row.outcome for row in rows], dtype=float),
    )
    document = {
        **fitted.to_dict(),
        "fitted_by": "scripts/fit_calibration.py",
        "cases": sorted(row.case for row in rows),
        "runs": args.runs,
        "seed": args.seed,
    }
    args.out.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: document[k] for k in ("coef", "theta", "n", "agreed")}))
    return 0


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
