"""A :class:`~detente.report.blocks.Report` as one self-contained HTML or Markdown file.

Every text is escaped (HTML entities, or :mod:`detente.report.markdown`) and control
characters are made visible; figures are ``data:`` URIs, so the file needs nothing else:
no asset files, no scripts, no network.
"""

from __future__ import annotations

import html

from detente.report.blocks import Block, Paragraph, Quote, Report, Subheading, Table
from detente.report.markdown import markdown_table, markdown_text
from detente.report.safe_text import terminal_safe

__all__ = ["render_html", "render_markdown"]

# -- HTML ----------------------------------------------------------------------------

_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;
margin:0 auto;max-width:1040px;padding:24px 32px 64px}
h1{font-size:1.6em;margin:.2em 0}h2{border-bottom:2px solid #1f5fa8;padding-bottom:4px;
margin-top:2em}h3{margin:1.4em 0 .4em}.subtitle{color:#555}
nav ol{columns:2;padding-left:1.2em}table{border-collapse:collapse;margin:.6em 0;width:100%;
font-size:.9em}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f5f8}figure{margin:1em 0}figure img{width:100%;max-width:980px;height:auto}
figcaption{color:#666;font-size:.85em}.note{color:#777;font-style:italic}
blockquote{margin:.35em 0;padding:.25em .8em;border-left:3px solid #1f5fa8;
background:#f7f9fc;font-size:.9em}blockquote cite{color:#555}
blockquote .about{display:block;font-family:ui-monospace,monospace;font-size:.85em;
color:#1f5fa8}blockquote .judgment{display:block;color:#555;font-size:.92em}.strong{font-weight:600}
footer{margin-top:3em;color:#777;font-size:.85em}
"""


def _html_text(text: str) -> str:
    """``text`` escaped for HTML, control characters made visible."""
    return html.escape(terminal_safe(text))


def _html_block(block: Block) -> str:
    esc = _html_text
    if isinstance(block, Paragraph):
        cls = ' class="strong"' if block.strong else ""
        return f"<p{cls}>{esc(block.text)}</p>"
    if isinstance(block, Subheading):
        return f"<h3>{esc(block.text)}</h3>"
    if isinstance(block, Table):
        head = "".join(f"<th>{esc(h)}</th>" for h in block.headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in block.rows
        )
        thead = f"<thead><tr>{head}</tr></thead>" if any(block.headers) else ""
        return f"<table>{thead}<tbody>{body}</tbody></table>"
    if isinstance(block, Quote):
        parts = [f'<span class="about">{esc(block.about)}</span> ']
        if block.quote:
            parts.append(f"“{esc(block.quote)}”")
        if block.source:
            parts.append(f" — <cite>{esc(block.source)}</cite>")
        if block.judgment:
            parts.append(f'<span class="judgment">Judgment: {esc(block.judgment)}</span>')
        return "<blockquote>" + "".join(parts) + "</blockquote>"
    return (
        f'<figure><img src="{block.uri}" alt="{esc(block.alt)}">'
        f"<figcaption>{esc(block.alt)}</figcaption></figure>"
    )


def render_html(report: Report) -> str:
    """The report as one HTML page: inline CSS, images as data URIs, no scripts."""
    esc = _html_text
    toc = "".join(f'<li><a href="#{s.id}">{esc(s.title)}</a></li>' for s in report.sections)
    body = []
    for section in report.sections:
        body.append(f'<section id="{section.id}"><h2>{esc(section.title)}</h2>')
        if section.omitted is not None:
            body.append(f'<p class="note omitted">Omitted: {esc(section.omitted)}</p>')
        body.extend(_html_block(block) for block in section.blocks)
        body.append("</section>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(report.title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{esc(report.title)}</h1>"
        f'<p class="subtitle">{esc(report.subtitle)}</p></header>'
        f"<nav><ol>{toc}</ol></nav>{''.join(body)}"
        "<footer>Made with detente. Every figure is embedded in this file.</footer>"
        "</body></html>\n"
    )


# -- Markdown ------------------------------------------------------------------------


def _md_block(block: Block) -> str:
    esc = markdown_text
    if isinstance(block, Paragraph):
        return f"**{esc(block.text)}**" if block.strong else esc(block.text)
    if isinstance(block, Subheading):
        return f"### {esc(block.text)}"
    if isinstance(block, Table):
        return "\n".join(markdown_table(block.headers, block.rows))
    if isinstance(block, Quote):
        text = f"> {esc(block.about)}"
        if block.quote:
            text += f"<br>\n> “{esc(block.quote)}”"
            if block.source:
                text += f" — *{esc(block.source)}*"
        if block.judgment:
            text += f"<br>\n> Judgment: {esc(block.judgment)}"
        return text
    return f"![{esc(block.alt)}]({block.uri})"


def render_markdown(report: Report) -> str:
    """The report as Markdown, images as data URIs (PNG displays in most viewers).

    Every text from the scenario is escaped (:mod:`detente.report.markdown`), so a name
    holding HTML or Markdown shows as written and injects nothing.
    """
    esc = markdown_text
    out = [f"# {esc(report.title)}", "", esc(report.subtitle), ""]
    out += [f"{k}. [{esc(s.title)}](#{s.id})" for k, s in enumerate(report.sections, start=1)]
    for section in report.sections:
        out += ["", f'<a id="{section.id}"></a>', "", f"## {esc(section.title)}", ""]
        if section.omitted is not None:
            out += [f"*Omitted: {esc(section.omitted)}*"]
        for block in section.blocks:
            out += [_md_block(block), ""]
    return "\n".join(out).rstrip() + "\n"
