"""Score variants of the calibrated forecaster out of sample on the case library.

Every variant is cross-fitted leave-one-out (case *i* forecast by coefficients fitted,
and a fitted range taken, on the other cases only) and scored with the Brier score and
the log score (:mod:`detente.analysis.scores`) against what happened, beside the
leave-one-out base rate. Nothing is scored on the case it was fitted on. The variants
(docs/calibration.md, "Outside the fitted range"):

``unbounded``
    The forecaster as shipped before the fitted range: the cloglog model at any input.
``winsorised`` (shipped)
    The inputs bounded to the fitted range (:meth:`Calibration.bounded`).
``capped``
    The linear predictor capped at the largest one among the fitting cases.
``prior:a=...,b=...,d=...``
    Winsorised, with other prior standard deviations of ``a``, ``b`` and ``d``
    (shrinkage); the grid is fixed here, before any score is seen, and the shipped
    priors are not chosen by it (choosing by these scores would score the choice on
    the data it was made on).

Usage: ``python scripts/compare_calibrations.py [--cases DIR] [--runs N] [--seed S]``
(the case Monte Carlo as in ``detente backtest cases``; about 10 s at 2,000 draws).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from detente.analysis.case_backtest import leave_one_out_base_rate, run_case_backtest
from detente.analysis.scores import brier_score, log_score
from detente.errors import DetenteError
from detente.outside_view.combined import (
    FLOAT_FLOOR,
    PRIOR_SD,
    Calibration,
    design,
    fit_calibration,
    inverse_cloglog,
)

ROOT = Path(__file__).resolve().parents[1]
PRIOR_GRID = ((1.0, 0.5, 1.0), (1.5, 0.25, 1.0), (1.5, 0.5, 0.5), (0.75, 0.25, 0.5))

Predict = Callable[[Calibration, np.ndarray, float, float, bool], float]


def _winsorised(fitted: Calibration, _: np.ndarray, p0: float, ps: float, zone: bool) -> float:
    return float(fitted.predict(np.array([p0]), np.array([ps]), zone)[0])


def _unbounded(fitted: Calibration, x: np.ndarray, p0: float, ps: float, zone: bool) -> float:
    return _winsorised(dataclasses.replace(fitted, fitted_range=None), x, p0, ps, zone)


def _capped(fitted: Calibration, x: np.ndarray, p0: float, ps: float, zone: bool) -> float:
    """The linear predictor capped at the largest among the fitting cases (rows ``x``)."""
    beta = np.asarray(fitted.coef)
    eta = float(design(np.array(p0), np.array(ps), np.array(zone)) @ beta)
    eta = min(eta, float((x @ beta).max()))
    return float(np.clip(inverse_cloglog(np.array(eta)), FLOAT_FLOOR, 1 - FLOAT_FLOOR))


def leave_one_out(
    arrays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    predict: Predict,
    prior_sd: np.ndarray | None = None,
) -> np.ndarray:
    """Per case, the variant's forecast from coefficients fitted on the other cases."""
    outside, structural, zone, agreed = arrays
    out = []
    for i in range(agreed.size):
        keep = np.arange(agreed.size) != i
        fitted = fit_calibration(
            outside[keep], structural[keep], zone[keep], agreed[keep], prior_sd=prior_sd
        )
        rows = design(outside[keep], structural[keep], zone[keep])
        out.append(predict(fitted, rows, outside[i], structural[i], bool(zone[i])))
    return np.array(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=ROOT / "cases")
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        rows = run_case_backtest(args.cases, runs=args.runs, seed=args.seed).rows
    except DetenteError as exc:
        print(exc, file=sys.stderr)
        return 2
    arrays = (
        np.array([r.outside for r in rows]),
        np.array([r.p for r in rows]),
        np.array([r.possible_now for r in rows], dtype=float),
        np.array([r.outcome for r in rows], dtype=float),
    )
    outcomes = [bool(r.outcome) for r in rows]
    variants: list[tuple[str, np.ndarray]] = [
        ("baseline:base-rate", leave_one_out_base_rate(outcomes)),
        ("unbounded", leave_one_out(arrays, _unbounded)),
        ("winsorised (shipped)", leave_one_out(arrays, _winsorised)),
        ("capped", leave_one_out(arrays, _capped)),
    ]
    for a, b, d in PRIOR_GRID:
        sd = np.array([a, PRIOR_SD[1], b, d])
        variants.append((f"prior:a={a:g},b={b:g},d={d:g}", leave_one_out(arrays, _winsorised, sd)))
    print(f"{len(rows)} cases, {sum(outcomes)} agreed; leave-one-out, {args.runs} draws")
    print(f"{'variant':<28} {'Brier':>7} {'log':>7}")
    for name, p in variants:
        brier = brier_score(p.tolist(), outcomes)
        log, _ = log_score(p.tolist(), outcomes)
        print(f"{name:<28} {brier:7.4f} {log:7.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
