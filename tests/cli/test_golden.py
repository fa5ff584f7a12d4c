"""Golden files: the embedded scenarios' forecasts, re-run and diffed.

Regenerate with ``python scripts/regenerate_golden.py`` after an intended change and
review ``git diff tests/golden``.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"


def _load_script() -> Any:
    spec = importlib.util.spec_from_file_location(
        "regenerate_golden", ROOT / "scripts" / "regenerate_golden.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _close(expected: Any, actual: Any, where: str = "") -> list[str]:
    """Differences between two JSON values, numbers compared to 1e-9 relative."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        diffs = [f"{where}.{k}: missing" for k in expected if k not in actual]
        diffs += [f"{where}.{k}: unexpected" for k in actual if k not in expected]
        for key in expected.keys() & actual.keys():
            diffs += _close(expected[key], actual[key], f"{where}.{key}")
        return diffs
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{where}: {len(expected)} items expected, {len(actual)} found"]
        return [
            d
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for d in _close(e, a, f"{where}[{i}]")
        ]
    if (
        isinstance(expected, float | int)
        and isinstance(actual, float | int)
        and not isinstance(expected, bool)
    ):
        return (
            []
            if actual == pytest.approx(expected, rel=1e-9, abs=1e-9)
            else [f"{where}: {expected} -> {actual}"]
        )
    return [] if expected == actual else [f"{where}: {expected!r} -> {actual!r}"]


def test_golden_forecasts_are_unchanged() -> None:
    documents = _load_script().golden_documents()
    files = sorted(GOLDEN.glob("*.forecast.json"))
    assert {f.name.removesuffix(".forecast.json") for f in files} == set(documents), (
        "golden files and embedded scenarios differ: run scripts/regenerate_golden.py"
    )
    for path in files:
        expected = json.loads(path.read_text(encoding="utf-8"))
        diffs = _close(expected, documents[path.name.removesuffix(".forecast.json")])
        assert not diffs, (
            f"{path.name} changed (run scripts/regenerate_golden.py if intended):\n"
            + "\n".join(diffs[:20])
        )
