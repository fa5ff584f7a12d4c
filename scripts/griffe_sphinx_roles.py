"""Griffe extension for the API docs: render Sphinx roles in docstrings as Markdown.

detente's docstrings are numpy style and cross-reference with Sphinx roles
(``:class:`~detente.errors.ScenarioError```, ``:func:`load_scenario```), which
mkdocstrings would print verbatim. Loaded by ``mkdocs.yml``
(``extensions: [scripts/griffe_sphinx_roles.py:SphinxRoles]``), this turns each role
into an *optional* autorefs cross-reference: a link when the target is documented in
the API pages, plain code otherwise (mkdocstrings' own convention for signature
annotations), so ``mkdocs build --strict`` never fails on a reference to an internal
name. A name without dots is looked up beside the object that mentions it (its class,
then its module), as Sphinx does. A reST ``::`` that opens a literal block becomes
``:`` (or goes, alone on its line), leaving the indented block, which Markdown reads
as code.
"""

from __future__ import annotations

import html
import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:class|func|meth|mod|attr|data|obj|exc|const):`([^`]+)`")
EXPLICIT = re.compile(r"^(?P<title>.+?)\s*<(?P<target>[^>]+)>$")
LITERAL_BLOCK = re.compile(r"(?<=\S)::$", re.MULTILINE)
BARE_LITERAL_BLOCK = re.compile(r"^[ \t]*::[ \t]*\n", re.MULTILINE)


def _qualify(target: str, obj: griffe.Object) -> str:
    """The full dotted path of ``target`` as seen from ``obj``."""
    if target.startswith("detente"):
        return target
    head = target.split(".", 1)[0]
    scope: griffe.Object | None = obj if obj.is_class or obj.is_module else obj.parent
    while scope is not None:
        if head in scope.members:
            return f"{scope.path}.{target}"
        scope = scope.parent
    return target


def render_roles(text: str, obj: griffe.Object) -> str:
    """``text`` with every Sphinx role replaced by an optional autorefs reference."""

    def replace(match: re.Match[str]) -> str:
        body = match.group(1)
        explicit = EXPLICIT.match(body)
        if explicit:
            title, target = explicit["title"], explicit["target"].lstrip("~")
        else:
            target = body.lstrip("~").removesuffix("()")
            title = target.rsplit(".", 1)[-1] if body.startswith("~") else target
        identifier = html.escape(_qualify(target, obj), quote=True)
        code = f"<code>{html.escape(title)}</code>"
        return f'<autoref identifier="{identifier}" optional>{code}</autoref>'

    return BARE_LITERAL_BLOCK.sub("", LITERAL_BLOCK.sub(":", ROLE.sub(replace, text)))


class SphinxRoles(griffe.Extension):
    """Rewrite the docstring of every loaded object once the package is loaded."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Walk ``pkg`` and rewrite each docstring in place."""
        stack: list[griffe.Object] = [pkg]
        while stack:
            obj = stack.pop()
            if obj.docstring is not None:
                obj.docstring.value = render_roles(obj.docstring.value, obj)
            stack.extend(m for m in obj.members.values() if not m.is_alias)
