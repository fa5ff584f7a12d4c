"""Test-wide settings: never write to the user's real run store."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _private_run_store(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point ``DETENTE_STORE`` at a fresh temporary file for every test."""
    path = tmp_path_factory.mktemp("store") / "runs.sqlite3"
    monkeypatch.setenv("DETENTE_STORE", str(path))
    return path
