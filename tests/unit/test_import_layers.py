"""Imports point one way (README, "Layout").

Every ``import`` in ``src/detente`` (module level and inside functions, read with
:mod:`ast`) is checked against the layers, lowest first:

* the core (scenario, models, dynamics, Monte Carlo, outside view, analysis, io, ...)
  never imports the presentation layers (``report``), the facade (``api``), the command
  line (``cli``, ``commands``) or the web service (``web``), nor plotting, terminal or
  web libraries;
* ``report`` (tables and figures) may use the core only;
* ``api`` (the notebook facade) may use the core and ``report``;
* ``web`` may use everything below it except the command line;
* only ``cli``/``commands`` may import ``commands``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "detente"
UPPER = ("detente.report", "detente.api", "detente.cli", "detente.commands", "detente.web")
DISPLAY_LIBRARIES = ("matplotlib", "rich", "click", "fastapi", "starlette", "uvicorn")
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "report": ("detente.api", "detente.cli", "detente.commands", "detente.web"),
    "api": ("detente.cli", "detente.commands", "detente.web"),
    "web": ("detente.cli", "detente.commands"),
}


def layer(path: Path) -> str:
    part = path.relative_to(SRC).parts[0].removesuffix(".py")
    if part in ("cli", "commands"):
        return "cli"
    return part if part in FORBIDDEN else "core"


def imported(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return found


def violations(path: Path) -> list[str]:
    kind = layer(path)
    if kind == "cli":
        return []
    banned = FORBIDDEN.get(kind, UPPER)
    out = []
    for line, name in imported(path):
        hits = [b for b in banned if name == b or name.startswith(b + ".")]
        if kind == "core":
            hits += [b for b in DISPLAY_LIBRARIES if name == b or name.startswith(b + ".")]
        if hits:
            out.append(f"{path.relative_to(SRC)}:{line} imports {name}")
    return out


def test_the_layer_rules_catch_an_upward_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checker itself: a core module importing the command line, inside a function,
    is reported; a command importing the core is not."""
    fake = tmp_path / "detente"
    (fake / "models").mkdir(parents=True)
    (fake / "commands").mkdir()
    (fake / "models" / "bad.py").write_text("def f():\n    from detente.commands import x\n")
    (fake / "commands" / "ok.py").write_text("from detente.models import base\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["SRC"]), "SRC", fake)
    assert violations(fake / "models" / "bad.py") == [
        "models/bad.py:2 imports detente.commands",
        "models/bad.py:2 imports detente.commands.x",
    ]
    assert violations(fake / "commands" / "ok.py") == []


def test_imports_point_one_way() -> None:
    found = [v for path in sorted(SRC.rglob("*.py")) for v in violations(path)]
    assert found == []
