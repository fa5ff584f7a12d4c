"""Shared pieces of the hostile-input suite: a valid scenario, hostile documents, a jailed run."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

from unit.test_malformed_scenarios import GOOD  # a small valid scenario with two actors

__all__ = [
    "GOOD",
    "MEMORY_CAP",
    "billion_laughs",
    "first_laughs_line_past",
    "line_of",
    "quadratic_blowup",
    "run_jailed",
]


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line of ``text`` that contains ``needle``."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


MEMORY_CAP = 1024**3
"""Address space of a jailed run (1 GiB): far above what reading any scenario needs
(about 170 MB with numpy and pydantic loaded), far below what an unbounded one takes."""


def billion_laughs(levels: int = 9, fan: int = 9) -> str:
    """The classic: each anchor repeats the one before ``fan`` times (``fan**levels`` values)."""
    lines = ["a0: &a0 [" + ",".join(['"lol"'] * fan) + "]"]
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ",".join([f"*a{level - 1}"] * fan) + "]")
    return "\n".join(lines) + "\n"


def first_laughs_line_past(limit: int, fan: int = 9) -> int:
    """Line of :func:`billion_laughs` on which the values read so far pass ``limit``.

    Line k holds a key and a list standing for ``size_k`` values: ``size_0 = 1 + fan``
    (the list and its scalars), ``size_k = 1 + fan * size_(k-1)``.
    """
    total, size, line = 0, 1 + fan, 1
    while total + 1 + size <= limit:
        total += 1 + size
        size = 1 + fan * size
        line += 1
    return line


def quadratic_blowup(width: int = 5000) -> str:
    """One anchored list of ``width`` values repeated ``width`` times: O(n) text, O(n^2) values."""
    return "a: &a [" + ",".join(["1"] * width) + "]\n" + "b: [" + ",".join(["*a"] * width) + "]\n"


def _jail() -> None:  # pragma: no cover - runs in the child before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def run_jailed(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``detente ARGS`` in a child process limited to :data:`MEMORY_CAP` of address space.

    A regression that expands the document again then fails with ``MemoryError`` in the
    child instead of eating the machine.
    """
    code = "import sys; from detente.cli import main; main(sys.argv[1:])"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_jail,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
        check=False,
    )


def write(folder: Path, text: str, name: str = "s.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
