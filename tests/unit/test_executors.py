"""The executor layer: folding in task order, the same Monte Carlo on every local backend,
and clear errors for a missing or unreachable Dask.

The batched jobs (sensitivity, backtests, calibration refit) are in
``tests/executor_jobs.py``. Every expected value here is the serial run's own output:
the property under test is that the backend, the worker count and the draws (or
evaluations) per task change nothing, byte for byte in JSON (issue #16, "same answer
everywhere").
"""

from __future__ import annotations

import json
from collections.abc import Callable, Generator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.errors import DetenteError
from detente.executors import (
    MISSING_DASK,
    ProcessExecutor,
    SerialExecutor,
    check_workers,
    open_executor,
    run_ordered,
    split_evenly,
    task_count,
)
from detente.scenarios import load_embedded
from detente.uncertainty import run_monte_carlo

from executor_jobs import JOBS, refit_script

T = TypeVar("T")
R = TypeVar("R")

MODELS = ["deadline-bargaining", "compromise"]


class Shuffled:
    """An executor that finishes its tasks in a given order (a permutation of indices)."""

    name = "shuffled"
    workers = 2

    def __init__(self, order: Sequence[int]) -> None:
        self.order = order

    def imap_unordered(
        self, function: Callable[[T], R], items: Sequence[T]
    ) -> Generator[tuple[int, R], None, None]:
        for i in self.order:
            yield i, function(items[i])


@given(st.permutations(list(range(12))))
def test_run_ordered_folds_in_task_order_whatever_finishes_first(order: list[int]) -> None:
    folded: list[tuple[int, int]] = []
    run_ordered(
        Shuffled(order), lambda x: x * x, list(range(12)), lambda i, r: folded.append((i, r))
    )
    assert folded == [(i, i * i) for i in range(12)]


def _square(x: int) -> int:
    return x * x


def test_every_local_backend_yields_each_task_once() -> None:
    items = list(range(7))
    for executor in (SerialExecutor(), ProcessExecutor(2)):
        assert sorted(executor.imap_unordered(_square, items)) == [(i, i * i) for i in items]


def _mc_json(**options: Any) -> str:
    result = run_monte_carlo(
        load_embedded(), runs=700, seed=11, models=MODELS, static_runs=6, **options
    )
    return json.dumps(result.to_dict(), sort_keys=True)


def test_monte_carlo_is_identical_serial_and_in_processes_for_any_chunk_size() -> None:
    reference = _mc_json(executor=SerialExecutor(), block_size=128)
    assert _mc_json(executor=ProcessExecutor(2), block_size=128) == reference
    assert _mc_json(executor=ProcessExecutor(2), block_size=384) == reference
    assert _mc_json(workers=2, block_size=256) == reference  # the default backend


def test_open_executor_without_dask_picks_serial_or_processes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DETENTE_DASK", raising=False)
    with open_executor(workers=1) as one:
        assert one.name == "serial"
    with open_executor(workers=3) as three:
        assert (three.name, three.workers) == ("processes", 3)


def test_missing_dask_is_one_line_naming_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    real = importlib.import_module

    def no_distributed(name: str, *args: Any) -> Any:
        if name == "distributed":
            raise ImportError(name)
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", no_distributed)
    with (
        pytest.raises(DetenteError, match=r"pip install 'detente\[dask\]'"),
        open_executor(dask="tcp://127.0.0.1:1"),
    ):
        pass
    assert "\n" not in MISSING_DASK


@pytest.mark.parametrize("job", sorted(JOBS))
def test_batched_jobs_are_identical_serial_and_in_processes_for_any_task_count(job: str) -> None:
    # sensitivity, backtests and the calibration cross-fit, cut into 1 task (serial)
    # or several on 2 processes: the same JSON, byte for byte
    reference = JOBS[job](SerialExecutor(), None)
    assert JOBS[job](ProcessExecutor(2), None) == reference
    if job in ("oat", "sobol"):  # the task count is a parameter there
        assert JOBS[job](ProcessExecutor(2), 3) == reference


def test_the_calibration_refit_script_is_identical_in_processes(tmp_path: Path) -> None:
    assert refit_script(tmp_path, "--workers", "2") == refit_script(tmp_path)


@pytest.mark.parametrize(
    ("items", "parts", "expected"),
    [
        (list(range(7)), 3, [[0, 1, 2], [3, 4], [5, 6]]),
        (list(range(2)), 5, [[0], [1]]),
        ([], 4, []),
        (list(range(4)), 1, [[0, 1, 2, 3]]),
    ],
)
def test_split_evenly_cuts_contiguous_near_equal_runs(
    items: list[int], parts: int, expected: list[list[int]]
) -> None:
    assert split_evenly(items, parts) == expected


@given(st.integers(0, 60), st.integers(1, 12))
def test_split_evenly_keeps_every_item_once_in_order(count: int, parts: int) -> None:
    chunks = split_evenly(list(range(count)), parts)
    assert [x for chunk in chunks for x in chunk] == list(range(count))
    sizes = [len(chunk) for chunk in chunks]
    assert len(chunks) == min(parts, count) and (not sizes or max(sizes) - min(sizes) <= 1)


def test_task_count_is_one_serially_and_two_per_worker_otherwise() -> None:
    assert task_count(SerialExecutor()) == 1
    assert task_count(ProcessExecutor(3)) == 6


def test_workers_with_a_remote_scheduler_is_an_error_naming_the_way_out() -> None:
    with pytest.raises(DetenteError) as caught, open_executor(workers=2, dask="tcp://127.0.0.1:1"):
        pass
    assert str(caught.value) == (
        "--workers 2 with --dask tcp://127.0.0.1:1: a running Dask cluster's workers come "
        "from the cluster (scale it there); drop --workers, or use --dask local for a "
        "LocalCluster of 2 workers on this machine"
    )
    check_workers(1, "tcp://127.0.0.1:1")  # one (the default) is fine
    check_workers(4, "local")
    check_workers(4, None)
