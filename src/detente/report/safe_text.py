"""Control characters made visible, for every output a person reads (terminal, Markdown,
HTML): a name holding ``ESC [ 2 J`` must print as text, not clear the screen."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["CONTROL", "literal_figure_text", "terminal_safe"]

F = TypeVar("F", bound=Callable[..., Any])

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 control characters except tab and newline, DEL, and the C1 control characters."""


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # U+2400..U+241F: SYMBOL FOR NULL .. UNIT SEPARATOR
    return "\u2421" if code == 0x7F else "\ufffd"  # DELETE symbol; C1: replacement char


def terminal_safe(text: str) -> str:
    """``text`` with every control character but ``\\n`` and ``\\t`` made visible.

    One character replaces one character (so the styles of a rich ``Text`` stay in
    place): C0 controls become their control pictures (``\\x1b`` -> ``␛``), DEL ``␡``,
    C1 controls ``\ufffd``.
    """
    return CONTROL.sub(_picture, text)


def literal_figure_text(function: F) -> F:
    """Draw the figure of ``function`` with every text literal: matplotlib otherwise
    reads ``$...$`` in a name as mathtext (an actor called ``$\\badcmd$`` would fail
    the whole report with a parse error). Set for the call only (``rc_context``)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import matplotlib

        with matplotlib.rc_context({"text.parse_math": False}):
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
