"""Run the ``detente`` command in-process, as a user would, and capture what it says."""

from __future__ import annotations

import pytest

from detente.cli import main


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``(exit code, stdout, stderr)`` of ``detente ARGS``."""
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
