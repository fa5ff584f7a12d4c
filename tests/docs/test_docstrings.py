"""Every public name has a numpy-style docstring that says what a user needs.

"Public" is what a user is shown: every name ``import detente`` exports
(``detente.__all__``) and every object the API pages (``docs/reference/*.md``, the
``::: detente.x`` directives and their ``members`` lists) render, with the public
methods and properties of each class. Docstrings are read with griffe, the parser the
API pages are built with (``mkdocs.yml``), in numpy style; a warning of its parser (a
parameter documented that the function does not have, a malformed section) fails
here as it would garble the page. Beyond presence, three things a reader needs:

* errors: a function that itself raises ``SomethingError(...)`` names that error in its
  docstring (a ``Raises`` section, or the text);
* shapes: a function taking or returning arrays gives their shapes (``(m, n)``,
  ``shape``, ``same shape as``);
* sources: every registered model's module text names the first author of the
  model's ``citation``.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Iterator

import griffe
import pytest

import detente
from detente.models import available_models, get_model

from api_pages import all_directives
from shared_data import ROOT

SHAPE = re.compile(r"shape|\(\s*[a-z]\s*,\s*\)|\(\s*[a-z](?:\s*,\s*[a-z])+\s*\)")
RAISED = re.compile(r"raise (\w+Error)\(")


@pytest.fixture(scope="module")
def package() -> griffe.Module:
    # As mkdocs.yml: an override without a docstring shows (and is held to) its base's.
    loaded = griffe.load(
        "detente",
        search_paths=[ROOT / "src"],
        docstring_parser="numpy",
        extensions=griffe.load_extensions("griffe_inherited_docstrings"),
    )
    assert isinstance(loaded, griffe.Module)
    return loaded


def public_paths(package: griffe.Module) -> list[str]:
    """Dotted paths of every name a user is shown (see the module text)."""
    paths = set()
    for name in detente.__all__:
        value = getattr(detente, name)
        if callable(value):
            paths.add(f"{value.__module__}.{value.__qualname__}")
    for path, members in all_directives():
        obj = package[path.removeprefix("detente.")] if path != "detente" else package
        if not obj.is_module:
            paths.add(path)
            continue
        names = members if members is not None else obj.exports
        if names is None:
            names = [n for n, m in obj.members.items() if not n.startswith("_")]
        paths.update(f"{path}.{n}" for n in names)
    return sorted(paths)


def _target(package: griffe.Module, path: str) -> griffe.Object:
    obj = package[path.removeprefix("detente.")]
    return obj.final_target if obj.is_alias else obj


def _documented(package: griffe.Module) -> Iterator[tuple[str, griffe.Object]]:
    """Each public object, and the public methods and properties of each class."""
    seen = set()
    for path in public_paths(package):
        obj = _target(package, path)
        if obj.path in seen:
            continue  # the same object exported under two names
        seen.add(obj.path)
        if obj.is_attribute and "property" not in obj.labels:
            continue  # constants and type aliases: described on their module's page
        yield path, obj
        if obj.is_class:
            for name, member in obj.members.items():
                if name.startswith("_") or member.is_alias:
                    continue
                if member.is_function or "property" in member.labels:
                    yield f"{path}.{name}", member


def test_the_public_api_is_found(package: griffe.Module) -> None:
    # Known members of the public API, so that an empty list cannot pass the tests below.
    paths = public_paths(package)
    for expected in (
        "detente.scenario.Scenario",
        "detente.io.scenario_file.load_scenario",
        "detente.models.get_model",
        "detente.models.base.Model",
        "detente.quantity.Range",
    ):
        assert any(_target(package, p).path == expected for p in paths), expected


def test_every_public_name_has_a_docstring(package: griffe.Module) -> None:
    missing = []
    for path, obj in _documented(package):
        text = obj.docstring.value.strip() if obj.docstring else ""
        if not text or (obj.is_class and text.startswith(f"{obj.name}(")):
            missing.append(path)  # (a dataclass's generated "Name(field, ...)" is none)
    assert not missing, "no docstring: " + ", ".join(missing)


def test_docstrings_parse_as_numpy_style(package: griffe.Module) -> None:
    warnings: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            warnings.append(record.getMessage())

    handler = Collect(level=logging.WARNING)
    logger = logging.getLogger("griffe")
    logger.addHandler(handler)
    try:
        for _path, obj in _documented(package):
            if obj.docstring is not None:
                obj.docstring.parse("numpy")
    finally:
        logger.removeHandler(handler)
    assert not warnings, "\n".join(warnings)


def test_functions_name_the_errors_they_raise(package: griffe.Module) -> None:
    silent = []
    for path, obj in _documented(package):
        if not obj.is_function or obj.docstring is None:
            continue
        for error in sorted(set(RAISED.findall(obj.source))):
            if error not in obj.docstring.value:
                silent.append(f"{path} raises {error}")
    assert not silent, "\n".join(silent)


def test_array_functions_give_shapes(package: griffe.Module) -> None:
    shapeless = []
    for path, obj in _documented(package):
        if not obj.is_function:
            continue
        annotations = [p.annotation for p in obj.parameters] + [obj.returns]
        if not any("ndarray" in str(a) for a in annotations if a is not None):
            continue
        docs = obj.docstring.value if obj.docstring else ""
        if obj.name == "__init__" and obj.parent is not None and obj.parent.docstring:
            docs += obj.parent.docstring.value  # the class documents its constructor
        if not SHAPE.search(docs):
            shapeless.append(path)
    assert not shapeless, "no shapes given: " + ", ".join(shapeless)


@pytest.mark.parametrize("name", available_models())
def test_each_model_module_names_its_source(name: str) -> None:
    model = get_model(name)
    first_author = re.split(r"[,(&]| et al", model.citation, maxsplit=1)[0].strip()
    module = importlib.import_module(type(model).__module__)
    assert first_author, model.citation
    assert first_author in (module.__doc__ or ""), f"{module.__name__} never names {first_author}"
