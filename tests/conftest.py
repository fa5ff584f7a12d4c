"""Test-wide settings: a private run store, and reproducible hypothesis runs in CI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# In CI (CI=true) hypothesis draws the same examples on every run, so a submission's
# result does not depend on luck; locally it keeps exploring new examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _private_run_store(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point ``DETENTE_STORE`` at a fresh temporary file for every test."""
    path = tmp_path_factory.mktemp("store") / "runs.sqlite3"
    monkeypatch.setenv("DETENTE_STORE", str(path))
    return path
