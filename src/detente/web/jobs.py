"""Run each web computation in its own worker process, under a time and a memory budget.

A request that reads or forecasts a scenario may be slow or large by accident or on
purpose (a table of two thousand actors keeps the expected-utility model busy for
minutes). The server must stay responsive and keep its memory, so every such
computation runs in a fresh child process that

* is forked from a *forkserver* (:mod:`multiprocessing`), a single-threaded process
  started once with detente's modules loaded: a job starts in milliseconds, and never
  inherits the web server's threads or locks;
* limits its own address space with ``setrlimit(RLIMIT_AS)``, so an allocation past the
  memory budget fails with ``MemoryError`` in the child only;
* is killed (``SIGKILL``) when the time budget runs out, and reaped before the request
  answers; it leads its own process group, and the group is killed too, so nothing a
  job started outlives it.

At most ``workers`` jobs run at once; waiting for a free slot counts against the time
budget. As always with :mod:`multiprocessing` outside the ``fork`` method, a script
that builds the app itself must guard its top level with ``if __name__ == "__main__":``
(``detente serve`` and uvicorn do).

:meth:`JobRunner.run` raises :class:`BudgetExceededError` (answered 503) when the time
or memory runs out or the child dies, the :class:`~detente.errors.DetenteError`
the job raised (answered 422), or :class:`JobError` for a bug in the job (500).
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import multiprocessing.forkserver
import os
import resource
import signal
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from detente.errors import DetenteError

__all__ = ["Budget", "BudgetExceededError", "JobError", "JobRunner"]

PRELOAD = [
    "detente.web.service",
    "detente.forecasting",
    "detente.uncertainty",
    "detente.models",
    "detente.scenario_edits",
    "detente.io",
    "detente.drafting",
    # the optional ``draft`` extra (about 1.6 s to import); skipped when not installed
    "spacy",
    "dateparser",
    "pycountry",
]
"""Modules the forkserver imports once, so that a job does not import them again (a
module that is not installed is skipped)."""

ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
"""Environment of the forkserver: one BLAS thread per worker. A job then uses one core,
and its address space does not start with a thread pool's stacks and buffers per core
(which ``RLIMIT_AS`` would count against the memory budget on a many-core machine)."""

_START = threading.Lock()


def _start_forkserver() -> None:
    """Start the forkserver (once per server process) with :data:`ONE_THREAD` set."""
    with _START:
        saved = {name: os.environ.get(name) for name in ONE_THREAD}
        os.environ.update(ONE_THREAD)
        try:
            multiprocessing.forkserver.ensure_running()
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


class BudgetExceededError(DetenteError):
    """A computation ran out of its time or memory budget (answered 503)."""


class JobError(RuntimeError):
    """A job failed with an unexpected error (a bug, answered 500)."""


@dataclass(frozen=True)
class Budget:
    """What one computation may use.

    Attributes
    ----------
    seconds:
        Wall-clock time from the request's arrival (waiting for a slot included).
    memory:
        Address space of the worker process, in bytes (``RLIMIT_AS``).
    workers:
        Computations that may run at the same time.
    """

    seconds: float = 10.0
    memory: int = 2 * 1024**3
    workers: int = 2


def _child(
    conn: Connection, memory: int, seconds: float, job: Callable[..., Any], args: tuple[Any, ...]
) -> None:
    """Body of the worker process: cap memory and CPU, run ``job``, send back what happened.

    The CPU limit (``RLIMIT_CPU``, a second over the time budget) is a backstop that
    stops the worker even if the server that should kill it is gone.
    """
    try:
        os.setpgid(0, 0)  # its own process group: stopping it stops whatever it started
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        cpu = math.ceil(seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        outcome: tuple[str, Any] = ("ok", job(*args))
    except MemoryError as exc:
        # numpy says what it could not allocate ("Unable to allocate 15.3 TiB for an
        # array with shape (1000, 2102785682) and data type float64")
        outcome = ("memory", str(exc) or None)
    except BudgetExceededError as exc:
        outcome = ("budget", str(exc))
    except DetenteError as exc:
        outcome = ("invalid", str(exc))
    except RecursionError:
        outcome = ("invalid", "the input is nested too deeply to read")
    except Exception as exc:
        outcome = ("bug", f"{type(exc).__name__}: {exc}")
    try:
        conn.send(outcome)
    except MemoryError:
        conn.send(("memory", None))
    finally:
        conn.close()


class JobRunner:
    """Runs jobs in killable worker processes; one per app.

    Parameters
    ----------
    budget:
        The time, memory and concurrency limits of every job.
    """

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(PRELOAD)
        self._slots = threading.BoundedSemaphore(max(1, budget.workers))
        self.started: deque[int] = deque(maxlen=256)
        """Process ids of the latest workers started (for tests and diagnostics)."""

    def run(self, job: Callable[..., Any], *args: Any, seconds: float | None = None) -> Any:
        """``job(*args)`` in a worker process; its return value (which must pickle).

        Raises
        ------
        BudgetExceededError
            Out of time (the worker is killed), out of memory, or the worker died.
        DetenteError
            The error the job raised about its input (its message only).
        JobError
            Any other exception in the job.
        """
        limit = self.budget.seconds if seconds is None else seconds
        deadline = time.monotonic() + limit
        if not self._slots.acquire(timeout=max(0.0, limit)):
            raise BudgetExceededError(
                f"the server is busy with other computations for more than the time budget "
                f"of {limit:g} s; try again later"
            )
        try:
            status, payload = self._run_in_worker(job, args, deadline)
        finally:
            self._slots.release()
        if status == "ok":
            return payload
        if status == "invalid":
            raise DetenteError(payload)
        if status == "budget":
            raise BudgetExceededError(payload)
        if status == "timeout":
            raise BudgetExceededError(
                f"the computation passed its time budget of {limit:g} s and was stopped; "
                "try a smaller scenario, fewer runs, or a server with a larger budget "
                "(detente serve --time-budget)"
            )
        memory = f"memory budget of {self.budget.memory // 1024**2} MiB"
        advice = (
            "what grows with the input is the number of actors and issues, the runs, the "
            "time steps to the horizon and the rates (hazards) of random events; lower "
            "one of them, or start the server with a larger --memory-budget"
        )
        if status == "memory":
            what = f": {payload[0].lower()}{payload[1:]}" if payload else ""
            raise BudgetExceededError(
                f"the computation passed its {memory} and was stopped{what}; {advice}"
            )
        if status == "died":
            raise BudgetExceededError(
                f"the computation stopped without an answer (most likely out of its {memory}); "
                f"{advice}"
            )
        raise JobError(payload)

    def _run_in_worker(
        self, job: Callable[..., Any], args: tuple[Any, ...], deadline: float
    ) -> tuple[str, Any]:
        _start_forkserver()
        receiver, sender = self._context.Pipe(duplex=False)
        process = self._context.Process(
            target=_child,
            args=(sender, self.budget.memory, max(0.0, deadline - time.monotonic()), job, args),
            daemon=True,
        )
        try:
            process.start()
        except BaseException:
            sender.close()
            receiver.close()
            raise
        if process.pid is not None:
            self.started.append(process.pid)
        sender.close()
        try:
            if not receiver.poll(max(0.0, deadline - time.monotonic())):
                return "timeout", None
            try:
                outcome: tuple[str, Any] = receiver.recv()
            except (EOFError, OSError):
                return "died", None
            return outcome
        finally:
            receiver.close()
            if process.is_alive():
                process.kill()
            process.join()
            _kill_group(process.pid)
            process.close()


def _kill_group(pid: int | None) -> None:
    """Kill what is left of a worker's process group (processes the job started)."""
    if pid is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):  # the usual: none left
        os.killpg(pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    """Whether process ``pid`` still exists (and is not a zombie awaiting its parent)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            state = handle.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return state not in ("Z", "X")
