"""Rich display in notebooks: the terminal's tables as HTML, the evidence a click away.

:func:`renderables_html` turns what a command prints in the terminal (rich tables and
texts, :mod:`detente.report`) into an HTML fragment, every piece of text escaped, so
Jupyter shows the same tables as ``detente``. :func:`evidence_html` folds the scenario's
provenance (each parameter, its value and the quotes or judgments it rests on) into
``<details>`` elements: one per actor and block, closed until clicked.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = ["evidence_html", "renderables_html"]

_STYLE = "text-align:left;vertical-align:top;white-space:pre-wrap"
_RIGHT = "text-align:right;vertical-align:top;white-space:pre-wrap"


def _text(value: str) -> str:
    from detente.report.safe_text import terminal_safe

    return html.escape(terminal_safe(value))


def _table_html(table: Any) -> str:
    from detente.report.terminal import plain

    parts = ['<table class="detente">']
    if table.title is not None:
        parts.append(f"<caption><b>{_text(plain(table.title) or '')}</b></caption>")
    headers = [plain(c.header) or "" for c in table.columns]
    styles = [_RIGHT if c.justify == "right" else _STYLE for c in table.columns]
    if any(headers):
        parts.append(
            "<thead><tr>"
            + "".join(
                f'<th style="{st}">{_text(h)}</th>' for st, h in zip(styles, headers, strict=True)
            )
            + "</tr></thead>"
        )
    columns = [[plain(cell) or "" for cell in c.cells] for c in table.columns]
    parts.append("<tbody>")
    for row in zip(*columns, strict=True):
        cells = "".join(
            f'<td style="{st}">{_text(cell)}</td>' for st, cell in zip(styles, row, strict=True)
        )
        parts.append(f"<tr>{cells}</tr>")
    parts.append("</tbody></table>")
    if table.caption is not None:
        parts.append(f"<p><small>{_text(plain(table.caption) or '')}</small></p>")
    return "".join(parts)


def renderables_html(renderables: Iterable[Any]) -> str:
    """An HTML fragment of terminal renderables: each rich ``Table`` as a ``<table>`` with
    its title as caption, each ``Text`` or string as a paragraph, ``Panel`` and ``Group``
    by their contents. Every text is escaped (a name prints as written)."""
    from detente.report.markdown import renderable_parts

    out: list[str] = []
    for kind, item in renderable_parts(renderables):
        if kind == "table":
            out.append(_table_html(item))
        elif kind == "heading":
            out.append(f"<p><b>{_text(item)}</b></p>")
        else:
            out.append(f'<p style="white-space:pre-wrap">{_text(item)}</p>')
    return "\n".join(out)


def _group(scenario: Scenario, path: str) -> str:
    """The block a parameter belongs to: its issue (stances, bounds, the issue itself),
    else the actors (capabilities, motives) or the rest (agreement, dates, dynamics)."""
    for issue in scenario.issues:
        if f".{issue.id}." in f".{path}." or path.startswith(f"issues.{issue.id}"):
            return f"Behind {issue.name}"
    if path.startswith("actors."):
        return "Actors: capabilities and motives"
    return "Agreement, dates and dynamics"


def evidence_html(scenario: Scenario) -> str:
    """The evidence behind every number of ``scenario``, one closed ``<details>`` per
    issue (the stances and bounds on it), the actors' other numbers, and the rest: each
    parameter's path, value and the quotes and judgments it rests on; a parameter
    without evidence says so."""
    from detente.report.scenario_tables import provenance_rows

    order = [f"Behind {i.name}" for i in scenario.issues]
    order += ["Actors: capabilities and motives", "Agreement, dates and dynamics"]
    groups: dict[str, list[str]] = {name: [] for name in order}
    missing = 0
    for path, value, notes in provenance_rows(scenario):
        if not notes:
            missing += 1
        shown = (
            "".join(f"<li>{_text(n)}</li>" for n in notes)
            if notes
            else '<li><b style="color:#b00">no evidence given</b></li>'
        )
        groups.setdefault(_group(scenario, path), []).append(
            f'<tr><td style="{_STYLE}"><code>{_text(path)}</code></td>'
            f'<td style="{_STYLE}">{_text(value)}</td>'
            f'<td style="{_STYLE}"><ul style="margin:0">{shown}</ul></td></tr>'
        )
    total = sum(len(rows) for rows in groups.values())
    head = f"Evidence: {total} parameters" + (f", {missing} without evidence" if missing else "")
    out = [f"<details><summary><b>{_text(head)}</b> (click to open)</summary>"]
    for group, rows in groups.items():
        if not rows:
            continue
        out.append(
            f'<details style="margin-left:1em"><summary>{_text(group)} ({len(rows)})</summary>'
            '<table class="detente"><thead><tr><th>Parameter</th><th>Value</th>'
            "<th>Evidence</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></details>"
        )
    out.append("</details>")
    return "".join(out)
