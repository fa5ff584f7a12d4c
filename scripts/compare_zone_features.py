"""How the zone of agreement enters the calibrated forecaster: variants scored out of sample.

The shipped forecaster weighs the two-level verdict **at the modes** (0 or 1), so a
change of one mode across the edge of the zone moves the headline a long way (a new
user's sweep: 0.28 to 0.994 for 0.01 on a 0-20 scale). This script measures, leave one
case out on the case library, whether a continuous feature does as well: the share
``q`` of the Monte Carlo draws in which a zone exists now (the two-level model over the
scenario's ranges, the same seed and draws as the case backtest). Every variant is fitted
by maximum a posteriori (cloglog link, normal priors as in
:mod:`detente.outside_view.combined`) without the held-out case and scored with the
Brier score, the log score and the AUC; docs/calibration.md ("A verdict on a knife
edge") records the results. The variants were chosen before any score was seen except
the saturating constant ``kappa`` of ``q / (q + kappa)``, whose four values are all
printed (choosing among them on these scores would be a selection on the same cases).

Usage: ``python scripts/compare_zone_features.py [--runs N] [--seed S]`` (about 20 s).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from sklearn.metrics import roc_auc_score

from detente.analysis.case_backtest import case_seed, leave_one_out_base_rate
from detente.analysis.case_forecasts import CaseTask, forecast_case
from detente.io import load_scenario
from detente.outside_view.combined import cloglog, fit_calibration, inverse_cloglog
from detente.uncertainty import run_monte_carlo

CASES = Path(__file__).resolve().parents[1] / "cases"


def case_inputs(runs: int, seed: int) -> dict[str, np.ndarray]:
    """Per case: outside view, dated-model P, verdict at the modes, zone share, outcome."""
    rows = []
    for path in sorted(CASES.glob("*.yaml")):
        scenario = load_scenario(path)
        if scenario.outcome is None or scenario.agreement is None:
            continue
        own = case_seed(seed, path.stem)
        found = forecast_case(CaseTask(path.stem, scenario, runs, own))
        draws = run_monte_carlo(scenario, runs=runs, seed=own, models=["two-level"],
                                static_runs=runs)  # fmt: skip
        share = draws.possible["two-level"] or 0.0
        rows.append((found.outside, found.p, float(found.possible_now), share,
                     float(scenario.outcome.agreed)))  # fmt: skip
    table = np.array(rows)
    return dict(zip(("outside", "p", "zone", "q", "agreed"), table.T, strict=True))


def scores(pred: np.ndarray, agreed: np.ndarray) -> str:
    clipped = np.clip(pred, 1e-6, 1 - 1e-6)
    brier = np.mean((pred - agreed) ** 2)
    log = -np.mean(agreed * np.log(clipped) + (1 - agreed) * np.log(1 - clipped))
    return f"Brier {brier:.4f}  log {log:.4f}  AUC {roc_auc_score(agreed, pred):.3f}"


def map_fit(x: np.ndarray, y: np.ndarray, mean: np.ndarray, sd: np.ndarray) -> np.ndarray:
    def loss(beta: np.ndarray) -> float:
        p = np.clip(inverse_cloglog(x @ beta), 1e-12, 1 - 1e-12)
        return float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).sum()
                     + (((beta - mean) / sd) ** 2).sum() / 2)  # fmt: skip

    return np.asarray(minimize(loss, mean.copy(), method="L-BFGS-B").x)


def loo(columns: list[np.ndarray], y: np.ndarray, mean: list[float], sd: list[float]) -> np.ndarray:
    x = np.column_stack([np.ones(y.size), *columns])
    out = np.empty(y.size)
    for i in range(y.size):
        keep = np.arange(y.size) != i
        beta = map_fit(x[keep], y[keep], np.array(mean), np.array(sd))
        out[i] = inverse_cloglog(x[i] @ beta)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    d = case_inputs(args.runs, args.seed)
    y, o, p, z, q = d["agreed"], d["outside"], d["p"], d["zone"], d["q"]
    n = y.size
    print(f"{n} cases, {int(y.sum())} agreed; {args.runs} draws, seed {args.seed}")
    print(f"{'base rate (leave one out)':58s}", scores(leave_one_out_base_rate(list(y > 0.5)), y))
    print(f"{'outside view alone':58s}", scores(o, y))
    print(f"{'share of draws with a zone, q, as a probability':58s}", scores(q, y))
    shipped, mixture = np.empty(n), np.empty(n)
    for i in range(n):
        keep = np.arange(n) != i
        fitted = fit_calibration(o[keep], p[keep], z[keep], y[keep])
        on, off = (float(fitted.predict(o[i], p[i], v)) for v in (True, False))
        shipped[i] = on if z[i] else off
        mixture[i] = q[i] * on + (1 - q[i]) * off
    print(f"{'shipped: offset p0, ps, verdict at the modes':58s}", scores(shipped, y))
    print(f"{'shipped coefficients mixed over the draws verdicts':58s}", scores(mixture, y))
    s0, sp = cloglog(np.clip(o, 1e-4, 1 - 1e-4)), cloglog(np.clip(p, 0.005, 0.995))
    print(f"{'no outside-view level; ps; verdict at the modes':58s}",
          scores(loo([sp, z], y, [0, 0, 0], [1.5, 0.5, 1]), y))  # fmt: skip
    print(f"{'outside-view slope free N(1, 0.5); ps; verdict at the modes':58s}",
          scores(loo([s0, sp, z], y, [0, 1, 0, 0], [1.5, 0.5, 0.5, 1]), y))  # fmt: skip
    for kappa in (0.003, 0.01, 0.03, 0.1):
        f = q / (q + kappa)
        print(f"{f'no outside-view level; ps; q/(q+{kappa})':58s}",
              scores(loo([sp, f], y, [0, 0, 0], [1.5, 0.5, 1]), y))  # fmt: skip


if __name__ == "__main__":
    main()
