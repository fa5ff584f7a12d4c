"""Time the vectorised expected-utility model against the plain-loop reference.

Runs both on the same random scenarios (10, 50 and 200 actors by default) and prints
seconds per round, rounds per second and the speed-up. The loop reference is O(n^3)
per round, so it plays fewer rounds (``--ref-rounds``) and the two are compared per
round, on the same rounds from the same start (their positions are checked to agree).
Also times the whole model (``ExpectedUtilityModel.forecast``, details included) on
the largest size for ``--rounds`` rounds.

Targets (STYLE: benchmarks live apart from the tests): at least 50x faster than the loop
at 50 actors; 200 actors x 100 rounds under 1 s on one core.

Usage::

    python benchmarks/expected_utility.py
    python benchmarks/expected_utility.py --sizes 10 50 200 --rounds 100 --ref-rounds 20 3 1
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

# one core: numpy's elementwise work is single-threaded; keep BLAS (the few small
# matrix-vector products) on one thread too. Set before numpy is imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "unit"))
from detente.models._eu_rounds import Settings, play_round  # noqa: E402
from detente.models.expected_utility import ExpectedUtilityModel  # noqa: E402
from detente.scenario import Scenario  # noqa: E402

from eu_reference import reference_run  # noqa: E402


def random_case(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions on a 0.01 grid of 0..100, capabilities and saliences in (0.05, 1)."""
    x = np.round(rng.uniform(0, 100, n), 2)
    return x, rng.uniform(0.05, 1, n), rng.uniform(0.05, 1, n)


def time_vectorised(
    x: np.ndarray, c: np.ndarray, s: np.ndarray, rounds: int, repeat: int
) -> tuple[float, np.ndarray]:
    """Best of ``repeat`` wall times for ``rounds`` rounds, and the positions after each."""
    best = float("inf")
    trail = np.empty((rounds, x.size))
    settings = Settings(position_range=100.0)
    for _ in range(repeat):
        now = np.array(x, dtype=float)
        start = time.perf_counter()
        for k in range(rounds):
            now = play_round(now, c * s, s, settings).positions
            trail[k] = now
        best = min(best, time.perf_counter() - start)
    return best, trail


def time_reference(
    x: np.ndarray, c: np.ndarray, s: np.ndarray, rounds: int
) -> tuple[float, np.ndarray]:
    start = time.perf_counter()
    out = reference_run(list(x), list(c), list(s), rounds=rounds, position_range=100.0)
    elapsed = time.perf_counter() - start
    return elapsed, np.array([step.positions for step in out[1:]])


def time_model(n: int, rounds: int, rng: np.random.Generator, repeat: int) -> float:
    x, c, s = random_case(n, rng)
    scenario = Scenario.from_dict(
        {
            "schema": "detente/1",
            "title": "benchmark",
            "as_of": "2020-01-01",
            "horizon": "2021-01-01",
            "issues": [{"id": "x", "name": "x", "scale": [0, 100]}],
            "actors": [
                {
                    "id": f"a{k:03d}",
                    "name": f"a{k}",
                    "capability": float(c[k]),
                    "stances": {"x": {"position": float(x[k]), "salience": float(s[k])}},
                }
                for k in range(n)
            ],
        }
    )
    model = ExpectedUtilityModel(max_rounds=rounds, tol=0.0)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        forecast = model.forecast(scenario)
        best = min(best, time.perf_counter() - start)
    played = forecast.issues[0].details["stopped_after"]
    print(f"\nfull model, {n} actors: {played} rounds in {best:.3f} s (details included)")
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--rounds", type=int, default=100, help="rounds for the vectorised model")
    parser.add_argument(
        "--ref-rounds",
        type=int,
        nargs="+",
        default=[20, 3, 1],
        help="rounds for the loop reference, one per size (it is O(n^3) per round)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="best of this many timings")
    parser.add_argument("--seed", type=int, default=2011)
    parser.add_argument(
        "--pin-cpu",
        type=int,
        default=None,
        help="pin the process to this CPU (the work is single-threaded either way)",
    )
    args = parser.parse_args(argv)
    if len(args.ref_rounds) != len(args.sizes):
        parser.error("give one --ref-rounds value per size")
    if args.pin_cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.pin_cpu})

    rng = np.random.default_rng(args.seed)
    header = (
        f"{'actors':>6} {'vec rounds':>10} {'vec ms/round':>12} {'rounds/s':>9} "
        f"{'ref rounds':>10} {'ref ms/round':>13} {'speed-up':>9} {'max |dx|':>9}"
    )
    print(header)
    print("-" * len(header))
    for n, ref_rounds in zip(args.sizes, args.ref_rounds, strict=True):
        x, c, s = random_case(n, rng)
        vec_time, vec_trail = time_vectorised(x, c, s, args.rounds, args.repeat)
        ref_time, ref_trail = time_reference(x, c, s, ref_rounds)
        vec_per = vec_time / args.rounds
        ref_per = ref_time / ref_rounds
        deviation = float(np.max(np.abs(vec_trail[:ref_rounds] - ref_trail)))
        print(
            f"{n:>6} {args.rounds:>10} {vec_per * 1e3:>12.3f} {1 / vec_per:>9.0f} "
            f"{ref_rounds:>10} {ref_per * 1e3:>13.1f} {ref_per / vec_per:>8.0f}x {deviation:>9.1e}"
        )
    time_model(max(args.sizes), args.rounds, rng, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
