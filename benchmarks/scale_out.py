"""Benchmark: the same jobs serial, on local processes and on a Dask LocalCluster.

Three measurements, each backend started before the clock runs (a pool or cluster
costs its start-up once per command, reported apart):

* *per-task overhead*: ``--tasks`` tasks that do nothing, through each executor,
  seconds per task;
* *Monte Carlo*: ``--runs`` draws of the default scenario, all models (the expected-
  utility model on ``static_runs`` draws), with ``--block-size`` draws per task;
* *sweep*: ``--points`` grid points of ``russia.capability``, ``--sweep-runs`` draws each
  (the dated model and the compromise), one task per point;
* *sensitivity*: one-at-a-time swings of the default scenario's ranges with
  ``--oat-runs`` common draws, the evaluations cut into 2 tasks per worker;
* *case backtest*: every shipped case, ``--case-runs`` draws each, one task per case
  (and the leave-one-out calibration fits, 2 tasks per worker).

Each job's wall-clock time is given with the CPU time it took in every process
(this one, its pools' processes and the Dask workers; ``psutil``), so that the share of
the second core a job got on the shared machine can be read off. Every run checks
that its answer is byte-identical in JSON to the serial one. The load
average (``os.getloadavg``) is printed with the table: on a shared machine, other jobs
take cores from the workers.

Usage::

    PYTHONPATH=src python benchmarks/scale_out.py [--runs 20000] [--block-size 2048]
        [--points 16] [--sweep-runs 2048] [--tasks 200] [--oat-runs 256]
        [--case-runs 500] [--repeat 3]

Not a test: nothing here asserts; it prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

import psutil

from detente.analysis.case_backtest import backtest_cases, load_cases
from detente.analysis.one_at_a_time import one_at_a_time
from detente.analysis.sweep import SweepPoint, run_sweep
from detente.executors import Executor, ProcessExecutor, SerialExecutor, open_executor
from detente.scenarios import load_embedded
from detente.uncertainty import run_monte_carlo


def _nothing(x: int) -> int:
    return x


@contextmanager
def backend(kind: str, workers: int) -> Iterator[tuple[Executor, float]]:
    """The executor and its start-up seconds."""
    start = time.perf_counter()
    if kind == "serial":
        yield SerialExecutor(), 0.0
    elif kind == "processes":
        yield ProcessExecutor(workers), 0.0  # the pool starts inside each job
    else:
        with open_executor(workers=workers, dask="local") as executor:
            # wait until every worker has joined, so start-up is not counted in the jobs
            executor.client.wait_for_workers(workers)  # type: ignore[attr-defined]
            yield executor, time.perf_counter() - start


def cpu_seconds() -> float:
    """CPU (user + system) of this process, its finished children and its live ones."""
    me = psutil.Process()
    total = sum(me.cpu_times()[:4])  # user, system, children_user, children_system
    for child in me.children(recursive=True):
        with suppress(psutil.NoSuchProcess):  # a pool's process that ended meanwhile
            total += sum(child.cpu_times()[:2])
    return total


def best(job: Callable[[int], str], repeat: int) -> tuple[float, float, list[str]]:
    """The fastest of ``repeat`` runs (wall seconds, its CPU seconds) and the JSON answer
    of each. Run *r* uses seed *r*: on Dask, tasks are pure (keyed by their inputs), and
    a repeat with the same seed could be served from results the cluster still holds."""
    times, answers = [], []
    for seed in range(repeat):
        cpu, start = cpu_seconds(), time.perf_counter()
        answers.append(job(seed))
        times.append((time.perf_counter() - start, cpu_seconds() - cpu))
    wall, cpu = min(times)
    return wall, cpu, answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20000)
    parser.add_argument("--block-size", type=int, default=2048)
    parser.add_argument("--points", type=int, default=16)
    parser.add_argument("--sweep-runs", type=int, default=2048)
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--oat-runs", type=int, default=256)
    parser.add_argument("--case-runs", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    scenario = load_embedded()
    points = [
        SweepPoint("russia_japan_2018", scenario, {"actors.russia.capability": 0.1 + 0.05 * i})
        for i in range(args.points)
    ]

    def monte_carlo(executor: Executor, seed: int) -> str:
        result = run_monte_carlo(
            scenario, runs=args.runs, seed=seed, block_size=args.block_size, executor=executor,
            static_runs=20,
        )  # fmt: skip
        return json.dumps(result.to_dict(), sort_keys=True)

    def sweep(executor: Executor, seed: int) -> str:
        result = run_sweep(
            points, seed=seed, runs=args.sweep_runs, executor=executor,
            models=["deadline-bargaining", "compromise"], static_runs=4,
        )  # fmt: skip
        return json.dumps(result.documents, sort_keys=True)

    cases = load_cases("cases")

    def sensitivity(executor: Executor, seed: int) -> str:
        result = one_at_a_time(scenario, runs=args.oat_runs, seed=seed, executor=executor)
        return json.dumps(result.to_dict(), sort_keys=True)

    def case_backtest(executor: Executor, seed: int) -> str:
        result = backtest_cases(cases, runs=args.case_runs, seed=seed, executor=executor)
        return json.dumps(result.to_dict(), sort_keys=True)

    def overhead(executor: Executor, seed: int) -> str:
        items = list(range(seed * args.tasks, (seed + 1) * args.tasks))
        return json.dumps(sorted(executor.imap_unordered(_nothing, items)))

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    jobs = {"overhead": overhead, "mc": monte_carlo, "sweep": sweep, "oat": sensitivity,
            "cases": case_backtest}  # fmt: skip
    rows: list[tuple[str, int, float, dict[str, tuple[float, float]]]] = []
    reference: dict[str, list[str]] = {}
    for kind, workers in (("serial", 1), ("processes", 1), ("processes", 2), ("dask", 1),
                          ("dask", 2)):  # fmt: skip
        with backend(kind, workers) as (executor, startup):
            measured: dict[str, tuple[float, float]] = {}
            for name, job in jobs.items():
                wall, cpu, answers = best(lambda r, j=job: j(executor, r), args.repeat)  # type: ignore[misc]
                reference.setdefault(name, answers)
                if answers != reference[name]:
                    raise SystemExit(f"{kind} x{workers}: {name} differs from the serial answer")
                measured[name] = (wall, cpu)
        rows.append((kind, workers, startup, measured))
        print(f"done: {kind} x{workers} {startup:.2f} {measured}", flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print(
        "| backend | workers | start-up (s) | overhead per task (ms) | "
        f"Monte Carlo {args.runs:,} draws, {args.block_size} per task | "
        f"sweep {args.points} points x {args.sweep_runs} draws | "
        f"sensitivity (one at a time, {args.oat_runs} draws) | "
        f"case backtest, {len(cases)} cases x {args.case_runs} draws |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for kind, workers, startup, measured in rows:
        per_task = measured["overhead"][0] / args.tasks * 1e3
        cells = " | ".join(
            f"{measured[n][0]:.2f} s ({measured[n][1]:.2f} s CPU)"
            for n in ("mc", "sweep", "oat", "cases")
        )
        print(f"| {kind} | {workers} | {startup:.2f} | {per_task:.2f} | {cells} |")
    print("\nEvery answer was byte-identical in JSON to the serial one.")


if __name__ == "__main__":
    main()
