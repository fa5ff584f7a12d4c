"""Refit the calibrated whether-and-when forecaster on every case in ``cases/``.

Runs the case backtest (``detente.analysis.case_backtest``: the dated model's Monte Carlo
P by each case's horizon, the two-level verdict, the reference class's outside view),
fits :func:`detente.outside_view.combined.fit_calibration` on all cases at once and
writes ``src/detente/outside_view/calibration.json``, the coefficients ``detente
forecast`` uses. The backtest itself never uses these shipped numbers: it cross-fits.

Usage: ``python scripts/fit_calibration.py [--cases DIR] [--runs N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from detente.analysis.case_backtest import run_case_backtest
from detente.outside_view.combined import fit_calibration

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "detente" / "outside_view" / "calibration.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=ROOT / "cases")
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    result = run_case_backtest(args.cases, runs=args.runs, seed=args.seed)
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


if __name__ == "__main__":
    sys.exit(main())
