"""The docs use only the public API: what a reader copies keeps working.

Code in the documentation (the Python blocks of ``docs/**/*.md`` and of the README,
``python -c`` lines in their console blocks, and the code cells of
``docs/notebooks/*.ipynb``) may use ``detente.X`` for a name ``X`` in
``detente.__all__``, and the modules the API reference pages document
(``tests/api_pages.py``), but no other module (``detente.commands``, ``detente.web``,
``detente.analysis``, ...) and no name starting with ``_``.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import detente

from api_pages import all_directives
from shared_data import ROOT

FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```", re.M | re.S)
PYTHON_INFO = {"python", "py", "pycon", "ipython", "python3"}
PYTHON_C = re.compile(r"python3?\s+-c\s+(?P<q>[\"'])(?P<code>.*?)(?P=q)", re.S)
FROM_IMPORT = re.compile(
    r"^\s*from\s+(?P<module>detente[\w.]*)\s+import\s+(?P<names>[^#\n]+)", re.M
)
IMPORT = re.compile(r"^\s*import\s+(?P<modules>detente[\w., ]*)", re.M)
DOTTED = re.compile(r"(?<![\w.])detente(?P<rest>(?:\.\w+)+)")


def public_modules() -> set[str]:
    """``detente`` and every module an API reference page renders."""
    return {"detente"} | {
        path for path, _ in all_directives() if importlib.util.find_spec(path) is not None
    }


def _is_module(path: str) -> bool:
    try:
        return importlib.util.find_spec(path) is not None
    except ModuleNotFoundError:
        return False


def code_in_docs() -> Iterator[tuple[str, str]]:
    """``(where, code)`` for every piece of Python in the docs (see the module text)."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    for page in pages:
        name = str(page.relative_to(ROOT))
        for block in FENCE.finditer(page.read_text(encoding="utf-8")):
            info = block["info"].strip().split(" ")[0].lower()
            if info in PYTHON_INFO:
                yield name, block["body"]
            else:
                for line in PYTHON_C.finditer(block["body"]):
                    yield name, line["code"]
    for notebook in sorted((ROOT / "docs").rglob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for i, cell in enumerate(cells):
            if cell["cell_type"] == "code":
                yield f"{notebook.relative_to(ROOT)} cell {i}", "".join(cell["source"])


def internal_uses(code: str, public: set[str]) -> list[str]:
    """The internal modules and private names ``code`` reaches, as written."""
    found = []
    exported = set(detente.__all__)
    for match in FROM_IMPORT.finditer(code):
        module = match["module"]
        names = [n.strip().split(" as ")[0] for n in match["names"].strip("()\\ ").split(",")]
        for name in filter(None, names):
            if name.startswith("_"):
                found.append(f"{module}.{name}")
            elif module == "detente" and name not in exported:
                target = f"detente.{name}"
                if not (_is_module(target) and target in public):
                    found.append(target)
        if module != "detente" and module not in public:
            found.append(module)
    for match in IMPORT.finditer(code):
        for module in match["modules"].split(","):
            module = module.strip().split(" ")[0]
            if module and module not in public:
                found.append(module)
    rest = IMPORT.sub("", FROM_IMPORT.sub("", code))
    for match in DOTTED.finditer(rest):
        parts = match["rest"].lstrip(".").split(".")
        if parts[0] in exported:
            continue
        if any(p.startswith("_") for p in parts):
            found.append("detente." + ".".join(parts))
            continue
        modules = [".".join(["detente", *parts[:n]]) for n in range(len(parts), 0, -1)]
        deepest = next((m for m in modules if _is_module(m)), None)
        if deepest is None or deepest not in public:
            found.append(deepest or "detente." + ".".join(parts))
    return list(dict.fromkeys(found))


@pytest.mark.parametrize(
    ("code", "internal"),
    [
        ("from detente.commands.runs import Recorder", ["detente.commands.runs"]),
        ("from detente.io import _private", ["detente.io._private"]),
        ("import detente.web.app", ["detente.web.app"]),
        ("x = detente.analysis.backtest.run_deu_backtest(p)", ["detente.analysis.backtest"]),
        ("from detente import commands", ["detente.commands"]),
        ("from detente import load_scenario, get_model", []),
        ("import detente\ndetente.load_embedded().title", []),
        ("from detente.io import load_scenario\nfrom detente.models.base import Model", []),
    ],
)
def test_the_check_tells_internal_from_public(code: str, internal: list[str]) -> None:
    # Worked out by hand from the rule in the module text.
    assert internal_uses(code, public_modules()) == internal


def test_docs_import_only_the_public_api() -> None:
    public = public_modules()
    offenders = [
        f"{where}: {use}" for where, code in code_in_docs() for use in internal_uses(code, public)
    ]
    assert not offenders, "\n".join(offenders)


def test_the_docs_have_code_to_check() -> None:
    sources = {where.split(" cell ")[0] for where, _ in code_in_docs()}
    assert "docs/tutorial.md" in sources or len(sources) >= 3, sorted(sources)
    assert all(Path(ROOT / s).exists() for s in sources)
