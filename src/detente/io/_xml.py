"""Parse XML safely (defusedxml) and remember the line of every element.

``defusedxml`` refuses entity declarations, external references and DTD tricks
(billion laughs, quadratic blow-up, XXE), so a hostile file cannot exhaust memory or
read local files; the tree is an ordinary :mod:`xml.etree.ElementTree` tree.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from detente.errors import ScenarioError

__all__ = ["XmlDocument", "parse_xml"]


class _LineBuilder(ET.TreeBuilder):
    """A tree builder that records the source line of each element it starts."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[int, int] = {}
        self.parser: DefusedXMLParser | None = None

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        element = super().start(tag, attrs)
        if self.parser is not None:
            self.lines[id(element)] = int(self.parser.parser.CurrentLineNumber)
        return element


class XmlDocument:
    """A parsed document: its root element and the line of any element in it."""

    def __init__(self, root: ET.Element, lines: dict[int, int], file: str) -> None:
        self.root = root
        self.file = file
        self._lines = lines

    def line(self, element: ET.Element | None) -> int | None:
        return None if element is None else self._lines.get(id(element))

    def error(self, message: str, element: ET.Element | None, field: str = "") -> ScenarioError:
        """A :class:`ScenarioError` at ``element``'s line naming ``field``."""
        return ScenarioError(
            message, (field,) if field else (), file=self.file, line=self.line(element)
        )

    def text(self, parent: ET.Element, tag: str, *, required: bool = True) -> str:
        """The stripped text of ``parent``'s first ``tag`` child ('' if it is empty)."""
        child = parent.find(tag)
        if child is None:
            if required:
                raise self.error(f"expected a <{tag}> element in <{parent.tag}>", parent, tag)
            return ""
        return (child.text or "").strip()


def parse_xml(text: str, file: str) -> XmlDocument:
    """Parse ``text``; malformed or unsafe XML is a :class:`ScenarioError` with its line."""
    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=False)
    builder.parser = parser
    try:
        parser.feed(text.removeprefix("\ufeff"))
        root = parser.close()
    except ET.ParseError as exc:
        line, _ = exc.position
        reason = str(exc).split(": line")[0]
        raise ScenarioError(f"not well-formed XML: {reason}", file=file, line=line) from None
    except DefusedXmlException as exc:
        raise ScenarioError(
            f"refused: the XML declares entities or external references ({type(exc).__name__}), "
            "which detente does not expand",
            file=file,
        ) from None
    return XmlDocument(root, builder.lines, file)
