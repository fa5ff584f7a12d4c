"""Where the tasks of a long job run: in this process, in local processes, or on Dask.

Monte Carlo, sweeps and backtests cut their work into *pure tasks*: a picklable
top-level function applied to a list of task inputs, each task's randomness fixed by
its *index* in that list (its own ``numpy.random.SeedSequence`` child), never by the
worker that runs it. An :class:`Executor` runs such a list and yields ``(index,
result)`` pairs as tasks finish, in whatever order; :func:`run_ordered` folds them in
task order, so a job's answer is the same, to the bit, on every backend, for any number
of workers and any number of draws per task.

Three backends share the interface:

* :class:`SerialExecutor`: one task after the other in this process;
* :class:`ProcessExecutor`: ``concurrent.futures.ProcessPoolExecutor`` on this machine;
* :class:`DaskExecutor`: a ``dask.distributed`` cluster (Rocklin 2015, "Dask: Parallel
  computation with blocked algorithms and task scheduling", *Proc. 14th Python in
  Science Conf.*, 130-136), used as documented: ``Client.map`` of the pure tasks,
  ``distributed.as_completed`` to gather them as they finish. Dask's scheduler
  re-runs the tasks of a worker that dies (up to ``distributed.scheduler
  .allowed-failures`` times); a task that raises is not retried, since an error in
  the data would only fail again.

Leaving the ``with`` block of :func:`open_executor` early (an error in one task,
Ctrl-C) cancels the tasks not yet finished. ``dask`` is an optional extra
(``pip install 'detente[dask]'``), imported only when a Dask executor is opened.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import closing, contextmanager
from typing import Any, Protocol, TypeVar

from detente.errors import DetenteError

__all__ = [
    "DASK_ENV",
    "DaskExecutor",
    "Executor",
    "ProcessExecutor",
    "SerialExecutor",
    "check_workers",
    "open_executor",
    "run_ordered",
    "split_evenly",
    "task_count",
]

T = TypeVar("T")
R = TypeVar("R")

DASK_ENV = "DETENTE_DASK"
"""The environment variable naming a Dask scheduler (as ``--dask`` does)."""

_TRIM = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"
MISSING_DASK = "--dask needs dask.distributed, an optional extra: pip install 'detente[dask]'"


class Executor(Protocol):
    """Runs pure tasks and yields ``(index, result)`` as each finishes (any order)."""

    @property
    def name(self) -> str:
        """``serial``, ``processes`` or ``dask``."""
        ...

    @property
    def workers(self) -> int:
        """How many tasks can run at once."""
        ...

    def imap_unordered(
        self, function: Callable[[T], R], items: Sequence[T]
    ) -> Generator[tuple[int, R], None, None]:
        """``(i, function(items[i]))`` for every ``i``, in the order the tasks finish.

        Closing the iterator early (an exception in the caller) cancels what has not run.
        """
        ...


class SerialExecutor:
    """Every task in this process, in order (the reference every backend must match)."""

    name = "serial"
    workers = 1

    def imap_unordered(
        self, function: Callable[[T], R], items: Sequence[T]
    ) -> Generator[tuple[int, R], None, None]:
        for index, item in enumerate(items):
            yield index, function(item)


class ProcessExecutor:
    """``workers`` local processes (``concurrent.futures.ProcessPoolExecutor``)."""

    name = "processes"

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def imap_unordered(
        self, function: Callable[[T], R], items: Sequence[T]
    ) -> Generator[tuple[int, R], None, None]:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        if len(items) <= 1 or self.workers == 1:
            yield from SerialExecutor().imap_unordered(function, items)
            return
        pool = ProcessPoolExecutor(max_workers=min(self.workers, len(items)))
        try:
            futures = {pool.submit(function, item): i for i, item in enumerate(items)}
            for future in as_completed(futures):
                yield futures[future], future.result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    """Tasks on a ``dask.distributed`` cluster through a connected ``Client``.

    Parameters
    ----------
    client:
        A ``distributed.Client`` (its cluster's workers must be able to import detente).
    """

    name = "dask"

    def __init__(self, client: Any) -> None:
        self.client = client

    @property
    def workers(self) -> int:
        """Workers the scheduler knows of now."""
        return len(self.client.scheduler_info().get("workers", {}))

    @property
    def dashboard_link(self) -> str | None:
        """The URL of the cluster's diagnostic dashboard (``None`` if it has none)."""
        try:
            link = self.client.dashboard_link
        except Exception:  # bokeh missing: the scheduler serves no dashboard
            return None
        return str(link) if link else None

    def imap_unordered(
        self, function: Callable[[T], R], items: Sequence[T]
    ) -> Generator[tuple[int, R], None, None]:
        if not items:
            return
        # pure (the default): equal inputs share one key; retries=0: a raised error is
        # reported, not re-run (lost workers are re-run by the scheduler regardless)
        futures = self.client.map(function, list(items), retries=0)
        indices: dict[Any, list[int]] = {}
        for i, future in enumerate(futures):
            indices.setdefault(future.key, []).append(i)
        unique = list({future.key: future for future in futures}.values())
        try:
            for future, result in _distributed().as_completed(unique, with_results=True):
                if future.cancelled():  # cancelled elsewhere (another client, a restart)
                    raise DetenteError(f"Dask task {future.key} was cancelled")
                for i in indices[future.key]:
                    yield i, result
        finally:
            # only what has not finished: a finished key may be shared by a later map
            self.client.cancel([future for future in unique if not future.done()])


def run_ordered(
    executor: Executor,
    function: Callable[[T], R],
    items: Sequence[T],
    fold: Callable[[T, R], None],
) -> None:
    """Run ``function`` on every item on ``executor`` and call ``fold(item, result)`` in
    the order of ``items`` (results that finish early wait in memory for their turn).

    Folding in task order is what makes floating-point sums, and so the JSON of a
    result, independent of which worker finished first.
    """
    waiting: dict[int, R] = {}
    next_index = 0
    with closing(executor.imap_unordered(function, items)) as finished:
        for index, result in finished:
            waiting[index] = result
            while next_index in waiting:
                fold(items[next_index], waiting.pop(next_index))
                next_index += 1


def split_evenly(items: Sequence[T], parts: int) -> list[list[T]]:
    """``items`` cut into ``min(parts, len(items))`` contiguous runs of near-equal length
    (the longer ones first), in order; ``[]`` for no items.

    How a job batches its evaluations into coarse tasks: the answer never depends on
    ``parts`` (each item's randomness is fixed by the item), only the task overhead does.
    """
    if parts < 1:
        raise DetenteError(f"parts must be >= 1, got {parts}")
    count = min(parts, len(items))
    if count == 0:
        return []
    size, extra = divmod(len(items), count)
    out, start = [], 0
    for k in range(count):
        stop = start + size + (1 if k < extra else 0)
        out.append(list(items[start:stop]))
        start = stop
    return out


TASKS_PER_WORKER = 2
"""Tasks a batched job gives each worker: 2 lets a fast worker take a slow one's share
(one task in all on the serial executor, which pays no per-task cost)."""


def task_count(executor: Executor) -> int:
    """How many coarse tasks a batched job (sensitivity, backtests) cuts its work into:
    1 on the serial executor, else :data:`TASKS_PER_WORKER` per worker."""
    if executor.name == "serial":
        return 1
    return TASKS_PER_WORKER * max(1, executor.workers)


def check_workers(workers: int, address: str | None) -> None:
    """Refuse ``workers > 1`` with a remote Dask scheduler (``address`` not ``local``).

    The workers of a running cluster are the cluster's: ``--workers`` cannot add or
    remove any, so a count there would be silently ignored. An error (rather than a
    warning) says so before any work; ``--dask local`` is the way to choose how many.

    Raises
    ------
    DetenteError
        Naming the address and the way out.
    """
    if address is not None and address != "local" and workers != 1:
        raise DetenteError(
            f"--workers {workers} with --dask {address}: a running Dask cluster's workers "
            "come from the cluster (scale it there); drop --workers, or use --dask local for "
            f"a LocalCluster of {workers} workers on this machine"
        )


def _distributed() -> Any:
    """The ``distributed`` module (imported only here: it is an optional extra)."""
    import importlib

    try:
        return importlib.import_module("distributed")
    except ImportError:
        raise DetenteError(MISSING_DASK) from None


def _dask_client(address: str, workers: int) -> tuple[Any, Any]:
    """A ``Client`` to ``address``, or to a new ``LocalCluster`` of ``workers`` processes
    when ``address`` is ``local``; also the cluster to close (``None`` if not ours)."""
    distributed = _distributed()
    if address == "local":
        import dask

        # Dask's nannies set MALLOC_TRIM_THRESHOLD_=65536 in their workers; setting it
        # turns off glibc's adaptive mmap threshold (mallopt(3)), so every large numpy
        # array is mmap'd and unmapped anew: detente's tasks ran 2.5x slower (measured,
        # docs/scale-out.md). None unsets it for the workers of the cluster started here.
        with dask.config.set({_TRIM: None}):
            cluster = distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
            )
        return distributed.Client(cluster), cluster
    try:
        return distributed.Client(address, timeout="10s"), None
    except (OSError, TimeoutError, ValueError) as exc:
        raise DetenteError(f"--dask {address}: cannot reach a Dask scheduler ({exc})") from None


@contextmanager
def open_executor(
    *, workers: int = 1, dask: str | None = None, announce: Callable[[str], None] | None = None
) -> Iterator[Executor]:
    """The executor a job runs on, closed (with any cluster it started) on exit.

    Parameters
    ----------
    workers:
        Local processes (1: serial in this process); with ``dask="local"``, the number
        of worker processes of the ``LocalCluster``; must be 1 with a remote scheduler.
    dask:
        A scheduler address (``tcp://host:8786``), ``"local"`` for a ``LocalCluster``
        on this machine, or ``None`` for :data:`DASK_ENV` if set, else local processes.
    announce:
        Told one line with the Dask dashboard's link (the CLI prints it on stderr).

    Raises
    ------
    DetenteError
        ``dask`` asked for but not installed (the message names the extra), the
        scheduler cannot be reached, or ``workers > 1`` with a remote scheduler
        (:func:`check_workers`: its workers are the cluster's).
    """
    address = dask if dask is not None else os.environ.get(DASK_ENV) or None
    check_workers(workers, address)
    if address is None:
        yield SerialExecutor() if workers == 1 else ProcessExecutor(workers)
        return
    client, cluster = _dask_client(address, workers)
    try:
        executor = DaskExecutor(client)
        if announce is not None:
            link = executor.dashboard_link
            where = "a local cluster" if cluster is not None else address
            announce(f"Dask on {where}" + (f"; dashboard: {link}" if link else ""))
        yield executor
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
