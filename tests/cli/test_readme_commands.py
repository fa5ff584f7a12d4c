"""Every ``detente`` command line of README.md runs as written, from a temporary folder.

The command lines are read from the README's console blocks (``.venv/bin/detente ...``,
comments dropped) and run as a user would: the ``detente`` program of this environment,
in a fresh temporary working directory, so a command that only works from the
repository's root (a default folder such as ``cases/``, an output written beside the
code) fails here. Input files the README names from the repository's root are passed by
their place in the checkout; a file that a fresh clone does not hold skips its line,
naming it. ``serve`` is started on a free port, asked for its page, and stopped.
"""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PROGRAM = ".venv/bin/detente"


def readme_commands() -> list[list[str]]:
    """The ``detente`` command lines of the README's console blocks, as argument lists."""
    blocks = re.findall(r"```console\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    lines = [line for block in blocks for line in block.splitlines()]
    return [shlex.split(line, comments=True) for line in lines if line.startswith(PROGRAM)]


def _program() -> list[str]:
    script = Path(sys.executable).with_name("detente")
    return [str(script)] if script.exists() else [sys.executable, "-m", "detente.cli"]


def _inputs(args: list[str]) -> list[str]:
    """Arguments naming a file of the checkout, made absolute (the README names them from
    the repository's root); skip when a file-like argument is not in a fresh clone."""
    out = []
    for arg in args:
        if "/" in arg and not arg.startswith("-") and "=" not in arg:
            path = ROOT / arg
            if not path.exists():
                pytest.skip(f"needs {arg}, which a fresh clone does not hold")
            out.append(str(path))
        else:
            out.append(arg)
    return out


def _outputs(args: list[str]) -> list[str]:
    """The files a command line asks to write (``--plot``, ``-o``)."""
    return [args[i + 1] for i, a in enumerate(args[:-1]) if a in ("--plot", "-o", "--output")]


COMMANDS = readme_commands()


def test_the_readme_has_commands() -> None:
    assert len(COMMANDS) >= 15
    assert all(c[0] == PROGRAM for c in COMMANDS)


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c[1:]) or "(none)" for c in COMMANDS])
def test_readme_command_runs_as_written(command: list[str], tmp_path: Path) -> None:
    args = _inputs(command[1:])
    if args[:1] == ["serve"]:
        _serve(args, tmp_path)
        return
    done = subprocess.run(
        [*_program(), *args], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    for output in _outputs(args):
        # written in the working directory, and said so on stderr
        assert (tmp_path / output).stat().st_size > 0
        assert f"wrote {output} (" in done.stderr
    if args[0] in ("forecast", "whatif", "flip", "sensitivity", "report", "backtest"):
        assert re.search(r"recorded as run \d+ in ", done.stderr), done.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(args: list[str], tmp_path: Path) -> None:
    pytest.importorskip("uvicorn")
    port = _free_port()
    process = subprocess.Popen(
        [*_program(), *args, "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=os.environ.copy(),
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    assert response.status == 200
                    assert b"<html" in response.read().lower()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=30)
