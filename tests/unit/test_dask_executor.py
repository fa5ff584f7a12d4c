"""Dask distributed: a 2-worker LocalCluster (worker processes) gives the serial answer,
byte for byte in JSON, for the Monte Carlo, a sweep, one-at-a-time and Sobol
sensitivity, the DEU and case backtests and the calibration refit script; a sweep
survives a worker process killed mid-run (issue #16, items 3 and 4).

The expected values are the serial runs' own outputs (the property under test).
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("distributed")

from detente.analysis.sweep import SweepPoint, run_sweep
from detente.executors import DaskExecutor, SerialExecutor, open_executor
from detente.scenarios import load_embedded
from detente.store_sweeps import get_sweep
from detente.uncertainty import run_monte_carlo

from cli_helpers import run_cli
from executor_jobs import JOBS, refit_script
from sweep_helpers import capability_points, interrupt_after

MODELS = ["deadline-bargaining", "compromise"]


@pytest.fixture(scope="module")
def dask_executor() -> Iterator[DaskExecutor]:
    """A LocalCluster of 2 worker processes, chosen through DETENTE_DASK=local."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DETENTE_DASK", "local")
        with open_executor(workers=2) as executor:
            assert isinstance(executor, DaskExecutor)
            assert executor.workers == 2
            yield executor


def _sweep_json(executor: Any, points: list[SweepPoint], runs: int = 256) -> str:
    result = run_sweep(points, seed=5, runs=runs, executor=executor, models=MODELS, static_runs=4)
    return json.dumps(result.documents, sort_keys=True)


def test_monte_carlo_on_dask_is_the_serial_answer(dask_executor: DaskExecutor) -> None:
    def run(executor: Any, block_size: int) -> str:
        result = run_monte_carlo(
            load_embedded(), runs=700, seed=11, models=MODELS, static_runs=6,
            executor=executor, block_size=block_size,
        )  # fmt: skip
        return json.dumps(result.to_dict(), sort_keys=True)

    reference = run(SerialExecutor(), 128)
    assert run(dask_executor, 128) == reference
    assert run(dask_executor, 512) == reference


def test_sweep_on_dask_is_the_serial_answer(dask_executor: DaskExecutor) -> None:
    points = capability_points([0.2, 0.4, 0.6, 0.8, 1.0])
    reference = _sweep_json(SerialExecutor(), points)
    assert _sweep_json(dask_executor, points) == reference
    # the same pure tasks again on the same client (the same keys): the same answer
    assert _sweep_json(dask_executor, points) == reference


@pytest.mark.parametrize("job", sorted(JOBS))
def test_batched_jobs_on_dask_are_the_serial_answer(dask_executor: DaskExecutor, job: str) -> None:
    assert JOBS[job](dask_executor, None) == JOBS[job](SerialExecutor(), None)


def test_the_calibration_refit_script_on_dask_is_the_serial_answer(
    dask_executor: DaskExecutor, tmp_path: Path
) -> None:
    address = dask_executor.client.scheduler.address
    assert refit_script(tmp_path, "--dask", address) == refit_script(tmp_path)


def test_sensitivity_on_a_running_scheduler_is_the_serial_answer_and_refuses_workers(
    capsys: pytest.CaptureFixture[str], dask_executor: DaskExecutor
) -> None:
    address = dask_executor.client.scheduler.address
    args = ["sensitivity", "--runs", "16", "-f", "json", "--no-store", "-q"]
    code, serial, _ = run_cli(capsys, *args)
    assert code == 0
    code, on_dask, err = run_cli(capsys, *args, "--dask", address)
    assert code == 0, err
    assert on_dask == serial
    code, out, err = run_cli(capsys, *args, "--dask", address, "--workers", "2")
    assert code == 2 and out == ""
    assert err.startswith(f"detente: error: --workers 2 with --dask {address}: ")


def test_interrupting_a_dask_sweep_keeps_the_finished_runs(
    dask_executor: DaskExecutor, tmp_path: Path
) -> None:
    store = tmp_path / "runs.sqlite3"

    with pytest.raises(KeyboardInterrupt):
        run_sweep(
            capability_points([0.25, 0.35, 0.45, 0.55, 0.65, 0.75]), seed=0, runs=1024,
            executor=dask_executor, models=MODELS, static_runs=0, store=store,
            progress=interrupt_after(2),
        )  # fmt: skip
    sweep = get_sweep(store, 1)
    assert sweep["status"] == "cancelled" and len(sweep["results"]) == 2


def test_a_lost_worker_has_its_tasks_rerun_and_the_answer_is_unchanged() -> None:
    import psutil

    points = capability_points([0.2, 0.3, 0.4, 0.5, 0.6, 0.7])
    reference = _sweep_json(SerialExecutor(), points, runs=2048)
    killed: list[int] = []
    with open_executor(workers=2, dask="local") as executor:
        assert isinstance(executor, DaskExecutor)
        client, cluster = executor.client, executor.client.cluster

        def kill_a_busy_worker(done: int, total: int) -> None:
            if killed:
                return
            busy = {w for w, keys in client.processing().items() if keys}
            for nanny in cluster.workers.values():
                if nanny.worker_address in busy:
                    pid = nanny.process.process.pid
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                    return

        result = run_sweep(
            points, seed=5, runs=2048, executor=executor, models=MODELS, static_runs=4,
            progress=kill_a_busy_worker,
        )  # fmt: skip
    assert killed, "no worker was busy after the first run finished"
    assert not psutil.pid_exists(killed[0]) or psutil.Process(killed[0]).status() == "zombie"
    assert json.dumps(result.documents, sort_keys=True) == reference


def test_forecast_on_a_running_scheduler_prints_the_dashboard_and_the_serial_answer(
    capsys: pytest.CaptureFixture[str], dask_executor: DaskExecutor
) -> None:
    address = dask_executor.client.scheduler.address
    args = ["forecast", "--runs", "300", "-m", "deadline-bargaining", "-f", "json", "--no-store"]
    code, serial, _ = run_cli(capsys, *args)
    assert code == 0
    code, on_dask, err = run_cli(capsys, *args, "--dask", address)
    assert code == 0, err
    assert err.startswith(f"Dask on {address}; dashboard: http")
    assert on_dask == serial


def test_local_cluster_workers_keep_glibc_adaptive_mmap_threshold(
    dask_executor: DaskExecutor,
) -> None:
    # Dask's default MALLOC_TRIM_THRESHOLD_=65536 made the tasks 2.5x slower (mallopt(3):
    # setting it disables the adaptive mmap threshold); the cluster detente starts unsets it
    found = dask_executor.client.run(os.environ.get, "MALLOC_TRIM_THRESHOLD_")
    assert len(found) == 2
    assert set(found.values()) == {os.environ.get("MALLOC_TRIM_THRESHOLD_")}
