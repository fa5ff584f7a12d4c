"""The documentation site builds from ``mkdocs.yml`` with warnings as errors, offline.

``mkdocs build --strict`` fails on a broken link between pages, a page missing from the
nav, an unresolved cross-reference or an API page naming an object that does not
exist; the API pages are generated from the docstrings by mkdocstrings. The built site
must not load anything from the internet (no CDN script, style sheet or font), since
detente's docs are read offline like the rest of it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from shared_data import ROOT

# What a browser fetches by itself: a script or image source, a style sheet or icon
# link, a CSS import or url(). Plain <a href="https://..."> links are not fetched.
FETCHED = [
    re.compile(r"<(?:script|img|iframe|source)\b[^>]*\bsrc=[\"']?(?:https?:)?//", re.I),
    re.compile(r"<link\b[^>]*\bhref=[\"']?(?:https?:)?//", re.I),
    re.compile(r"@import\s+(?:url\()?[\"']?(?:https?:)?//", re.I),
    re.compile(r"url\(\s*[\"']?(?:https?:)?//", re.I),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the site once into a temporary folder; fail with mkdocs' own messages."""
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    return out


def test_every_page_in_docs_is_built(site: Path) -> None:
    pages = sorted(p.relative_to(ROOT / "docs") for p in (ROOT / "docs").rglob("*.md"))
    assert pages
    for page in pages:
        built = site / page.with_suffix("") / "index.html"
        if page.name == "index.md":
            built = site / page.parent / "index.html"
        assert built.is_file(), f"docs/{page} was not built"


@pytest.mark.parametrize(
    ("page", "anchor"),
    [
        ("reference/scenario", "detente.scenario.Scenario"),
        ("reference/scenario", "detente.scenario_parts.Actor"),
        ("reference/quantity", "detente.quantity.Range"),
        ("reference/models", "detente.models.get_model"),
        ("reference/models", "detente.models.base.Model"),
        ("reference/models", "detente.models.base.Forecast"),
        ("reference/forecasting", "detente.forecasting.run_models"),
        ("reference/io", "detente.io.load_scenario"),
        ("reference/io", "detente.scenarios.load_embedded"),
        ("reference/errors", "detente.errors.ScenarioError"),
    ],
)
def test_api_pages_document_the_public_api(site: Path, page: str, anchor: str) -> None:
    text = (site / page / "index.html").read_text(encoding="utf-8")
    assert f'id="{anchor}"' in text


def test_sphinx_roles_are_rendered_not_printed(site: Path) -> None:
    for page in (site / "reference").rglob("index.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r":(class|func|meth|mod):`", text), page


def test_nothing_is_fetched_from_the_internet(site: Path) -> None:
    offenders = []
    for path in site.rglob("*"):
        if path.suffix not in {".html", ".css", ".js"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found = [m.group(0) for pattern in FETCHED for m in pattern.finditer(text)]
        offenders += [f"{path.relative_to(site)}: {hit}" for hit in found]
    assert not offenders, "\n".join(offenders[:20])
