"""``detente serve``: loopback by default, a clear error without the web extra."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from cli_helpers import run_cli as run


@pytest.mark.parametrize("missing", ["uvicorn", "fastapi"])
def test_without_the_web_extra_serve_says_what_to_install(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    monkeypatch.setitem(sys.modules, missing, None)  # makes `import missing` fail
    for name in [m for m in sys.modules if m.startswith("detente.web")]:
        monkeypatch.delitem(sys.modules, name)
    code, out, err = run(capsys, "serve")
    assert code == 2 and out == ""
    assert err.startswith("detente: error: detente serve needs the web extra")
    assert "pip install 'detente[web]'" in err and err.count("\n") == 1


def test_serve_binds_to_loopback_unless_told(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    uvicorn = pytest.importorskip("uvicorn")
    pytest.importorskip("fastapi")
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    code, _, err = run(capsys, "serve", "--port", "8123")
    assert code == 0
    assert calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8123
    assert "http://127.0.0.1:8123/" in err and "warning" not in err
    code, _, err = run(capsys, "serve", "--host", "0.0.0.0", "--max-runs", "500")
    assert code == 0 and calls[1]["host"] == "0.0.0.0"
    assert "warning: binding to 0.0.0.0" in err
    assert calls[1]["app"].state.settings.max_runs == 500


def test_serve_rejects_a_bad_port(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "serve", "--port", "70000")
    assert code == 2 and "--port" in err


@pytest.mark.parametrize(
    ("given", "expected"),
    [("512MiB", 512 * 1024**2), ("1.5GB", 1_500_000_000), ("3GiB", 3 * 1024**3)],
)
def test_serve_takes_a_memory_budget_for_its_workers(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, given: str, expected: int
) -> None:
    uvicorn = pytest.importorskip("uvicorn")
    pytest.importorskip("fastapi")
    calls: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(app))
    code, _, err = run(capsys, "serve", "--memory-budget", given)
    assert code == 0, err
    # the app's settings and the job runner's budget (RLIMIT_AS of each worker)
    assert calls[0].state.settings.memory_budget == expected
    assert calls[0].state.jobs.budget.memory == expected
    code, _, _ = run(capsys, "serve")
    assert calls[1].state.jobs.budget.memory == 2 * 1024**3  # the default, 2 GiB


@pytest.mark.parametrize(("given", "problem"), [("lots", "is not a size"), ("1MiB", "below")])
def test_serve_rejects_a_bad_memory_budget(
    capsys: pytest.CaptureFixture[str], given: str, problem: str
) -> None:
    code, out, err = run(capsys, "serve", "--memory-budget", given)
    assert code == 2 and out == ""
    assert "--memory-budget" in err and problem in err and err.count("\n") == 1
