"""Benchmark: 10,000 expected-utility draws of the EC table, batched against one by one.

The EC car-emissions table (10 actors, ``shared/data/ec-emissions/actors.csv``) with
every number made a range: positions +-0.5 years (within the 4-10 scale), capabilities
and saliences +-20% (triangular, mode = the table). ``--draws`` draws are sampled once
(seeded) and solved

* batched: ``ExpectedUtilityModel.predict_draws`` on all draws (what Monte Carlo runs;
  100 rounds each, every draw solved, each stopping on its own);
* one by one (the reference, same run): ``ExpectedUtilityModel.forecast`` on the
  sampled scenario of each of the first ``--reference`` draws, as Monte Carlo did per
  draw before; its per-draw time x draws estimates 10,000 calls.

The outcomes of the two agree (printed: the largest difference). Targets (#14): at
least 20x faster than the one-by-one calls, and under 2 s of model time. With
``--reference-src`` (``src/`` of the code before, e.g. ``../main/src``) the batched
solve of that code is timed too, in a subprocess, before and after this code's.

Usage::

    python benchmarks/eu_draws.py [--draws 10000] [--reference 300] [--repeat 3]
        [--reference-src ../main/src]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

from _bench import CPU, EC_TABLE, data_path, ec_table, load, spread, timed
from detente.models.expected_utility import ExpectedUtilityModel

try:
    from detente.monte_carlo_tasks import issue_arrays
except ImportError:  # the code before (--reference-src): the helper had another home
    from detente.uncertainty import _issue_arrays as issue_arrays  # type: ignore[attr-defined,no-redef]
from detente.sampling import ScenarioSampler
from detente.scenario import Scenario


def ranged_ec(names: list[str], x: np.ndarray, c: np.ndarray, s: np.ndarray) -> Scenario:
    def band(mode: float, lo: float, hi: float) -> dict[str, float]:
        return {"low": max(lo, mode * 0.8), "mode": mode, "high": min(hi, mode * 1.2)}

    actors: list[dict[str, Any]] = []
    for k, name in enumerate(names):
        position = {"low": max(4.0, x[k] - 0.5), "mode": x[k], "high": min(10.0, x[k] + 0.5)}
        stance = {"position": position, "salience": band(float(s[k]), 0.0, 1.0)}
        capability = band(float(c[k]), 0.0, 1e9)
        actors.append(
            {"id": name, "name": name, "capability": capability, "stances": {"ec": stance}}
        )
    return Scenario.from_dict(
        {
            "schema": "detente/1",
            "title": "EC emissions, ranged",
            "as_of": "1990-01-01",
            "horizon": "1991-01-01",
            "issues": [{"id": "ec", "name": "delay", "scale": [4, 10]}],
            "actors": actors,
        }
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--reference", type=int, default=300, help="draws solved one by one")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1994)
    parser.add_argument("--data", help="the EC actors.csv (default: shared/data)")
    parser.add_argument("--reference-src", help="src/ of the code before the change")
    parser.add_argument(
        "--preset",
        default="scholz-2011-table2",
        help="expected-utility preset (default: the Table 2 choices, the model the #14 "
        "target was set on; the forecasting default 'deu-grouped-cv' converges in about 9 "
        "rounds on these draws, not 48)",
    )
    parser.add_argument("--batched-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    scenario = ranged_ec(*ec_table(data_path(EC_TABLE, args.data)))
    sampler = ScenarioSampler(scenario)
    draws = sampler.sample(np.random.default_rng(args.seed), args.draws)
    ids, x, s, c = issue_arrays(scenario, draws, np.arange(args.draws), "ec")
    try:
        model = ExpectedUtilityModel(preset=args.preset)
    except TypeError:  # the code before presets (--reference-src): its only choices
        model = ExpectedUtilityModel()
    if args.batched_only:  # the subprocess of --reference-src: CPU seconds, best of repeat
        timed(lambda: model.predict_draws(ids, x, s, c, (4.0, 10.0)), args.repeat)
        print(min(CPU))
        return 0
    before_cpu: list[float] = []
    if args.reference_src:
        before_cpu.append(_before(args, argv))
    print(f"before: {load()}")

    batched_times, outcomes = timed(
        lambda: model.predict_draws(ids, x, s, c, (4.0, 10.0)), args.repeat
    )
    k = min(args.reference, args.draws)
    single_times, singles = timed(
        lambda: [model.forecast(sampler.scenario_at(draws, i)).outcome("ec") for i in range(k)],
        1,
    )
    order = sorted(range(len(ids)), key=lambda j: ids[j])
    solved = model.solve(x[:, order], s[:, order], c[:, order], (4.0, 10.0))
    per_call, per_cpu = single_times[0] / k, CPU[-1] / k
    batched_cpu = min(CPU[-1 - args.repeat : -1])
    estimate = per_call * args.draws
    batched = float(np.median(batched_times))
    gap = float(np.max(np.abs(np.asarray(singles, dtype=float) - outcomes[:k])))
    print(f"after:  {load()}")
    print(f"draws: {args.draws:,} of 10 actors, up to {model.max_rounds} rounds each, "
          f"preset {args.preset}")  # fmt: skip
    print(
        f"games: {np.mean(solved.converged):.0%} converged, {np.mean(solved.cycle > 0):.0%} "
        f"read off an exact cycle, {np.mean(solved.stopped_after):.1f} rounds on average"
    )
    print(f"batched (all draws):     {spread(batched_times, CPU[-1 - args.repeat : -1])}")
    print(f"one by one ({k} draws): {single_times[0]:.3f} s, {per_call * 1e3:.2f} ms a draw")
    print(f"  -> {args.draws:,} calls estimated at {estimate:.1f} s wall")
    print(f"  ({per_cpu * 1e3:.2f} ms CPU a draw: {per_cpu * args.draws:.1f} s CPU)")
    wall_ratio = estimate / batched
    cpu_ratio = per_cpu * args.draws / batched_cpu
    print(f"speed-up: {wall_ratio:.1f}x wall, {cpu_ratio:.1f}x CPU (target >= 20x)")
    print(f"model time, batched: {batched:.2f} s wall, {batched_cpu:.2f} s CPU (target < 2 s)")
    if args.reference_src:
        before_cpu.append(_before(args, argv))
        best = min(before_cpu)
        print(
            f"the code before, batched (subprocess, before and after this code): "
            f"{', '.join(f'{t:.2f}' for t in before_cpu)} s CPU; "
            f"this code {batched_cpu:.2f} s: {best / batched_cpu:.2f}x faster"
        )
    print(f"largest |batched - one by one| over {k} draws: {gap:.1e}")
    return 0


def _before(args: argparse.Namespace, argv: list[str] | None) -> float:
    """CPU seconds (best of ``--repeat``) of the batched solve by the code in
    ``--reference-src``, in a subprocess."""
    given = list(sys.argv[1:] if argv is None else argv)
    command = [sys.executable, str(Path(__file__).resolve()), *given, "--batched-only"]
    env = {**os.environ, "PYTHONPATH": str(Path(args.reference_src).resolve())}
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    return float(done.stdout.split()[-1])


if __name__ == "__main__":
    raise SystemExit(main())
