"""Read scenario documents (YAML or JSON) keeping the line of every value.

PyYAML's safe composer gives a node tree with marks; we build the plain Python data
from it ourselves so that we also get a map from each value's path (``("actors", 2,
"capability")``) to its 1-based line. JSON is valid YAML 1.2 flow syntax for the
documents we read, so one reader serves both. Duplicate keys are an error here (plain
``yaml.safe_load`` silently keeps the last one).

Aliases (``*name``) are resolved by reusing the value built for their anchor, never by
building it again, so a document's memory stays proportional to its text. The values
a document stands for, counting each alias as the values it repeats, are still
bounded (:data:`detente.limits.MAX_VALUES`), and counted *while* the text is read, so
that reading stops at the limit: later steps walk the document as a tree, and PyYAML
keeps about 800 bytes per value while it reads. A "billion laughs" document (nested
aliases, each repeating the one before nine times) is refused at the line of the first
alias that passes the limit, a merely huge one at the line where it passes it.
Nesting deeper than :data:`detente.limits.MAX_DEPTH` is refused the same way, before
Python's recursion limit is reached.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import yaml

from detente.errors import PathPart, ScenarioError
from detente.limits import MAX_DEPTH, MAX_VALUES

__all__ = ["LineMap", "parse_document"]


class LineMap:
    """1-based line numbers of the values (and keys) of a parsed document."""

    def __init__(self) -> None:
        self._lines: dict[tuple[PathPart, ...], int] = {}

    def add(self, path: tuple[PathPart, ...], line: int) -> None:
        self._lines.setdefault(path, line)

    def line_of(self, path: Sequence[PathPart]) -> int | None:
        """Line of ``path``, or of its nearest ancestor that has one."""
        key = tuple(path)
        while True:
            if key in self._lines:
                return self._lines[key]
            if not key:
                return None
            key = key[:-1]


def _construct(
    node: yaml.Node,
    path: tuple[PathPart, ...],
    lines: LineMap,
    file: str,
    built: dict[int, Any],
) -> Any:
    """The value of ``node``; an alias (a node met again) reuses the value in ``built``."""
    if id(node) in built:
        return built[id(node)]
    lines.add(path, node.start_mark.line + 1)
    value: Any
    if isinstance(node, yaml.MappingNode):
        value = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise ScenarioError(
                    "mapping keys must be plain values",
                    path,
                    file=file,
                    line=key_node.start_mark.line + 1,
                )
            key = _scalar_at(key_node, path, file)
            if isinstance(key, list | dict):
                raise ScenarioError("mapping keys must be plain values", path, file=file)
            if key in value:
                raise ScenarioError(
                    f"duplicate key {key!r}",
                    (*path, key),
                    file=file,
                    line=key_node.start_mark.line + 1,
                )
            child = (*path, key)
            lines.add(child, key_node.start_mark.line + 1)
            value[key] = _construct(value_node, child, lines, file, built)
    elif isinstance(node, yaml.SequenceNode):
        value = [
            _construct(item, (*path, i), lines, file, built) for i, item in enumerate(node.value)
        ]
    else:
        value = _scalar_at(node, path, file)
    built[id(node)] = value
    return value


def _scalar_at(node: yaml.Node, path: tuple[PathPart, ...], file: str) -> Any:
    """:func:`_scalar`, with a value it cannot read reported at its line."""
    try:
        return _scalar(node)
    except (ValueError, yaml.constructor.ConstructorError) as exc:
        kind = " as a date (YYYY-MM-DD)" if str(node.tag).endswith("timestamp") else ""
        raise ScenarioError(
            f"cannot read {node.value!r}{kind}: {exc}",
            path,
            file=file,
            line=node.start_mark.line + 1,
        ) from None


class _Loader(yaml.SafeLoader):
    """The safe loader, also reading JSON/YAML 1.2 floats without a dot (``1e-05``)."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9]+[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)

_CONSTRUCTOR = _Loader(stream="")


class _BoundedLoader(_Loader):
    """:class:`_Loader` that counts values and depth while composing, and stops at the limits.

    ``_total`` is the number of values read so far, an alias counting as the values of
    the node it repeats; the size of each finished node (``_sizes``) is the growth of
    ``_total`` while it was composed, so an alias costs one look-up.
    """

    def __init__(self, stream: str, file: str) -> None:
        super().__init__(stream)
        self.file = file
        self._total = 0
        self._depth = 0
        self._aliases = False
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        line = self.peek_event().start_mark.line + 1  # type: ignore[no-untyped-call]
        if self.check_event(yaml.AliasEvent):
            node = super().compose_node(parent, index)
            size = self._sizes.get(id(node))
            if size is None:  # its anchor is still being read: the alias is inside it
                raise ScenarioError(
                    "an alias (*name) stands for a value that contains it, which would "
                    "never end; write the value out",
                    file=self.file,
                    line=line,
                )
            self._aliases = True
            self._count(size, line)
            return node
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise ScenarioError(
                f"the document is nested too deeply: more than {MAX_DEPTH} levels, where a "
                "scenario needs fewer than 10 (see 'Limits' in docs/scenario-format.md)",
                file=self.file,
                line=line,
            )
        before = self._total
        self._count(1, line)
        node = super().compose_node(parent, index)
        self._sizes[id(node)] = self._total - before
        self._depth -= 1
        return node

    def _count(self, values: int, line: int) -> None:
        self._total += values
        if self._total <= MAX_VALUES:
            return
        if self._aliases:
            problem = (
                f"the document stands for more than {MAX_VALUES:,} values once its aliases "
                "(*name) are expanded (a 'billion laughs' document?); write the repeated "
                "values out, or repeat them fewer times"
            )
        else:
            problem = f"the document holds more than {MAX_VALUES:,} values"
        raise ScenarioError(
            f"{problem} (see 'Limits' in docs/scenario-format.md)", file=self.file, line=line
        )


def _compose(text: str, file: str) -> list[yaml.Node]:
    """The node trees of the documents in ``text``, read within the limits."""
    loader = _BoundedLoader(text, file)
    try:
        nodes = []
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                nodes.append(node)
        return nodes
    finally:
        loader.dispose()


_SURROGATE = re.compile("[\ud800-\udfff]")


def _join_surrogates(text: str) -> str:
    """Join the UTF-16 surrogate pairs PyYAML leaves in ``"\\ud83d\\ude00"`` escapes.

    JSON writes a character outside the Basic Multilingual Plane as such a pair; PyYAML
    keeps the two halves as separate code points, which cannot be written as UTF-8.
    A lone half is no character at all and raises ``ValueError`` (reported with its line).
    """
    try:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        raise ValueError("a \\u escape names half of a UTF-16 surrogate pair") from None


def _scalar(node: yaml.Node) -> Any:
    """Resolve a scalar node with the safe loader's rules (ints, floats, dates, ...).

    The shared constructor would otherwise keep every node it ever built (PyYAML clears
    its cache only per document it loads itself), which in a long-running server grows
    without end.
    """
    try:
        value = _CONSTRUCTOR.construct_object(node, deep=True)
        if isinstance(value, str) and _SURROGATE.search(value):
            value = _join_surrogates(value)
        return value
    finally:
        _CONSTRUCTOR.constructed_objects.pop(node, None)
        _CONSTRUCTOR.recursive_objects.pop(node, None)


def parse_document(text: str, file: str) -> tuple[Any, LineMap]:
    """Parse YAML/JSON ``text``; return the data and its :class:`LineMap`.

    Raises
    ------
    ScenarioError
        On a syntax error (with the line it was found on), an empty document, more
        than one document, a duplicate key, or a document over the limits of
        :mod:`detente.limits` (more than :data:`~detente.limits.MAX_VALUES` values,
        aliases expanded; nesting deeper than :data:`~detente.limits.MAX_DEPTH`).
    """
    lines = LineMap()
    try:
        nodes = _compose(text, file)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "syntax error"
        if "mapping values are not allowed" in problem:
            problem += " (a text containing ': ' must be put in quotes)"
        line = None if mark is None else mark.line + 1
        raise ScenarioError(f"not valid YAML/JSON: {problem}", file=file, line=line) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"not valid YAML/JSON: {exc}", file=file) from None
    except RecursionError:
        raise ScenarioError(
            f"the document is nested too deeply to be a scenario (at most {MAX_DEPTH} levels)",
            file=file,
        ) from None
    if not nodes or nodes[0] is None:
        raise ScenarioError("the file is empty; expected a scenario mapping", file=file, line=1)
    if len(nodes) > 1:
        raise ScenarioError(
            "the file holds several YAML documents; expected one scenario",
            file=file,
            line=nodes[1].start_mark.line + 1,
        )
    try:
        data = _construct(nodes[0], (), lines, file, {})
    except RecursionError:
        raise ScenarioError(
            f"the document is nested too deeply to be a scenario (at most {MAX_DEPTH} levels)",
            file=file,
        ) from None
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        raise ScenarioError(
            f"cannot read value: {exc.problem}",
            file=file,
            line=None if mark is None else mark.line + 1,
        ) from None
    return data, lines
