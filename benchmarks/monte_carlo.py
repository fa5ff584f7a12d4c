"""Benchmark: the vectorised Monte Carlo of the dated model against a per-draw Python loop.

Runs ``--runs`` draws of an embedded scenario (the default: Russia-Japan 2018) with the
``deadline-bargaining`` model through :func:`detente.uncertainty.run_monte_carlo`, timing
it and measuring its peak traced memory (``tracemalloc``, in a second, separate run so
tracing does not slow the timed one); then the same number of draws one at a time in
a Python loop (sample one draw, sample its shocks, forecast it: the same kernel with
n = 1). Targets: at least 20x faster than the loop, under 2 s.

Usage::

    PYTHONPATH=src python benchmarks/monte_carlo.py [--runs 10000] [--seed 1]
        [--scenario russia_japan_2018] [--workers 1] [--block-size 1024] [--loop-runs N]

Not a test: nothing here asserts; it prints a small report.
"""

from __future__ import annotations

import argparse
import platform
import time
import tracemalloc

import numpy as np

from detente.models import get_model
from detente.scenarios import DEFAULT, load_embedded
from detente.uncertainty import DatedModel, ScenarioSampler, run_monte_carlo

MODEL = "deadline-bargaining"


def vectorised(
    scenario: object, runs: int, seed: int, workers: int, block_size: int
) -> tuple[float, float]:
    """Seconds for ``runs`` draws, and P(signed by the horizon)."""
    start = time.perf_counter()
    result = run_monte_carlo(
        scenario,  # type: ignore[arg-type]
        runs=runs,
        seed=seed,
        models=[MODEL],
        workers=workers,
        block_size=block_size,
    )
    seconds = time.perf_counter() - start
    assert result.agreement is not None
    return seconds, result.agreement.by[-1].mean or 0.0


def peak_memory(scenario: object, runs: int, seed: int, block_size: int) -> float:
    """Peak traced memory (MiB) of one in-process run."""
    tracemalloc.start()
    run_monte_carlo(scenario, runs=runs, seed=seed, models=[MODEL], block_size=block_size)  # type: ignore[arg-type]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def loop(scenario: object, runs: int, seed: int) -> tuple[float, float]:
    """Seconds for ``runs`` draws one at a time, and their mean P(signed by the horizon)."""
    model = get_model(MODEL)
    assert isinstance(model, DatedModel)
    sampler = ScenarioSampler(scenario)  # type: ignore[arg-type]
    rng = np.random.default_rng(seed)
    total = 0.0
    start = time.perf_counter()
    for _ in range(runs):
        draws = sampler.sample(rng, 1)
        shocks = model.sample_process(scenario, draws, rng)  # type: ignore[arg-type]
        total += float(model.forecast_draws(scenario, draws, shocks).by[0, -1])  # type: ignore[arg-type]
    return time.perf_counter() - start, total / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scenario", default=DEFAULT, help="embedded scenario name")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--block-size", type=int, default=1024)
    parser.add_argument(
        "--loop-runs", type=int, default=None, help="draws in the loop (default: --runs)"
    )
    args = parser.parse_args()
    scenario = load_embedded(args.scenario)
    loop_runs = args.loop_runs or args.runs

    run_monte_carlo(scenario, runs=128, seed=0, models=[MODEL])  # warm up imports and caches
    fast, p_fast = vectorised(scenario, args.runs, args.seed, args.workers, args.block_size)
    peak = peak_memory(scenario, args.runs, args.seed, args.block_size)
    slow, p_slow = loop(scenario, loop_runs, args.seed)
    per_draw_fast = fast / args.runs
    per_draw_slow = slow / loop_runs

    print(
        f"scenario      {args.scenario}  ({platform.python_implementation()} "
        f"{platform.python_version()}, numpy {np.__version__})"
    )
    print(
        f"vectorised    {args.runs:>7,} draws  {fast:8.3f} s  {1e6 * per_draw_fast:9.1f} us/draw  "
        f"workers={args.workers} block_size={args.block_size}  peak traced memory {peak:.1f} MiB"
    )
    print(f"python loop   {loop_runs:>7,} draws  {slow:8.3f} s  {1e6 * per_draw_slow:9.1f} us/draw")
    print(
        f"speed-up      {per_draw_slow / per_draw_fast:.1f}x  (target >= 20x); "
        f"vectorised {'under' if fast < 2 else 'OVER'} 2 s"
    )
    print(f"P(signed by horizon): vectorised {p_fast:.4f}, loop {p_slow:.4f} (independent draws)")


if __name__ == "__main__":
    main()
