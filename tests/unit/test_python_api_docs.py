"""The examples of docs/api.md and the README's Python block run as written.

Each ``python`` block of ``docs/api.md`` is executed in order in one namespace, from a
temporary folder that holds links to the checkout's ``docs/`` and ``tests/`` (the paths
the examples name), so nothing is written into the repository (``report.html``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def python_blocks(path: Path) -> list[str]:
    """The ``python`` fenced blocks of a Markdown file, in order."""
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


@pytest.mark.slow
@pytest.mark.parametrize("page", ["docs/api.md", "README.md"])
def test_python_examples_run(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pandas")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    for name in ("docs", "tests"):
        (tmp_path / name).symlink_to(ROOT / name, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    blocks = python_blocks(ROOT / page)
    assert blocks, f"{page} has no python example"
    namespace: dict[str, object] = {}
    for number, block in enumerate(blocks, start=1):
        exec(compile(block, f"{page} python block {number}", "exec"), namespace)
    plt.close("all")
    if page == "docs/api.md":
        assert (tmp_path / "report.html").stat().st_size > 0
