"""Jobs for the worker-process tests, in a module that imports nothing heavy.

A worker imports the module of the job it runs; keeping these here (not in a test
module that imports FastAPI) lets a job start well within a small time budget.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time


def hungry(size: int) -> int:
    """Allocate ``size`` bytes."""
    return len(bytearray(size))


def suicidal() -> None:
    """Die without a word."""
    os.kill(os.getpid(), signal.SIGKILL)


def starts_a_process_and_hangs(pid_file: str) -> None:
    """Start a long-running process of its own (its pid into ``pid_file``), never return."""
    child = subprocess.Popen(["sleep", "600"])
    with open(pid_file, "w", encoding="ascii") as handle:
        handle.write(str(child.pid))
    time.sleep(600)


def numpy_hungry(rows: int, columns: int) -> int:
    """Ask numpy for a ``rows x columns`` float64 array (refused at once past the budget)."""
    import numpy as np

    return int(np.zeros((rows, columns)).size)
