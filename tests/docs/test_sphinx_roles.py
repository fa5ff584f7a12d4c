"""The API docs' griffe extension (``scripts/griffe_sphinx_roles.py``) renders Sphinx roles.

Expected strings are written out by hand from the rule in the extension's docstring: a
role becomes an optional autorefs reference to the full dotted path, titled with the
text after ``~`` (or the whole target), and a bare name is qualified from the object
that mentions it.
"""

from __future__ import annotations

import importlib.util
from types import ModuleType

import griffe
import pytest

from shared_data import ROOT


@pytest.fixture(scope="module")
def roles() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "griffe_sphinx_roles", ROOT / "scripts" / "griffe_sphinx_roles.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def package() -> griffe.Module:
    loaded = griffe.load("detente", search_paths=[ROOT / "src"])
    assert isinstance(loaded, griffe.Module)
    return loaded


def ref(identifier: str, title: str) -> str:
    return f'<autoref identifier="{identifier}" optional><code>{title}</code></autoref>'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Raises :class:`~detente.errors.ScenarioError`.",
            f"Raises {ref('detente.errors.ScenarioError', 'ScenarioError')}.",
        ),
        (":mod:`detente.io`", ref("detente.io", "detente.io")),
        (":func:`load <detente.io.load_scenario>`", ref("detente.io.load_scenario", "load")),
        (
            ":meth:`~detente.scenario.Scenario.from_dict()`",
            ref("detente.scenario.Scenario.from_dict", "from_dict"),
        ),
        ("plain ``code`` stays", "plain ``code`` stays"),
        ("Example::\n\n    x = 1", "Example:\n\n    x = 1"),
        ("::\n\n    x = 1", "\n    x = 1"),
    ],
)
def test_roles_in_text(roles: ModuleType, package: griffe.Module, text: str, expected: str) -> None:
    assert roles.render_roles(text, package["errors"]) == expected


def test_a_bare_name_is_qualified_from_its_module(
    roles: ModuleType, package: griffe.Module
) -> None:
    # format_path is defined in detente.errors, beside ScenarioError
    text = roles.render_roles(":func:`format_path`", package["errors.ScenarioError"])
    assert text == ref("detente.errors.format_path", "format_path")
    # a name found nowhere is left as written (rendered as code, linked to nothing)
    assert roles.render_roles(":class:`Nowhere`", package["errors"]) == ref("Nowhere", "Nowhere")
