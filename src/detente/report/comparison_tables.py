"""The models side by side: one row per issue, one column per model, and the spread.

Rendered from the ``comparison`` block of a forecast document
(:func:`detente.model_comparison.model_comparison`), as a rich table for the terminal
(fitted by :class:`~detente.report.terminal.SafeConsole`, so no number is ever cut),
as Markdown, and as plain rows for the HTML/Markdown report. Each cell is a model's
forecast, with its 90% band across the Monte Carlo draws below it when the model ran
on the draws; a model whose answer is that no agreement is reached reads "no
agreement", never the status quo as a deal. The last two columns give the spread
across the models that forecast an outcome.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table

from detente.report.markdown import markdown_table, markdown_text

__all__ = [
    "COMPARISON_TITLE",
    "comparison_caption",
    "comparison_headers",
    "comparison_markdown",
    "comparison_rows",
    "comparison_table",
    "has_comparison",
]

COMPARISON_TITLE = "The models side by side"


def _num(value: float) -> str:
    return f"{value:.1f}"


def _models(block: dict[str, Any]) -> list[str]:
    """Every model in the block, in the order the document lists them."""
    names: dict[str, None] = {}
    for issue in block["issues"]:
        for row in issue["forecasts"]:
            names.setdefault(row["model"], None)
    return list(names)


def has_comparison(document: dict[str, Any]) -> bool:
    """Whether the document compares at least two models (one model is no comparison)."""
    block = document.get("comparison")
    return bool(block and block["issues"] and len(_models(block)) >= 2)


def _cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return "—"
    if row["outcome_kind"] != "forecast":
        return "no agreement"
    if row["outcome"] is None:
        return "—"
    text = _num(row["outcome"])
    band = row.get("band")
    if band is not None:
        text += f"\n{_num(band['p05'])}–{_num(band['p95'])}"
    return text


def comparison_headers(block: dict[str, Any]) -> tuple[str, ...]:
    """Issue, each model, then the spread across models (low–high, and its width)."""
    return ("Issue", *_models(block), "Across models", "Spread")


def comparison_rows(block: dict[str, Any]) -> list[tuple[str, ...]]:
    """One row per issue: its name, each model's cell, the range and width across models."""
    models = _models(block)
    rows = []
    for issue in block["issues"]:
        by_model = {row["model"]: row for row in issue["forecasts"]}
        across = issue["across_models"]
        span = "—" if across is None else f"{_num(across['low'])}–{_num(across['high'])}"
        width = "—" if across is None else _num(across["range"])
        rows.append((issue["name"], *(_cell(by_model.get(m)) for m in models), span, width))
    return rows


def comparison_caption(block: dict[str, Any]) -> str:
    """How to read the table: what the band is, what the spread covers."""
    has_band = any(r.get("band") for i in block["issues"] for r in i["forecasts"])
    parts = ["Each model's forecast on the issue's scale"]
    if has_band:
        parts[0] += (
            f"; below it, its 90% band across {block['runs']:,} draws of the scenario's "
            "ranges (no band: the model was not run on the draws; name it with -m)"
        )
    parts.append(
        "Across models: the lowest to the highest forecast of the models that forecast "
        "an outcome, and the spread between them; 'no agreement' (the model finds none, "
        "so the status quo stays) is not a forecast of a deal and is left out."
    )
    return ". ".join(parts)


def comparison_table(document: dict[str, Any]) -> Table:
    """The rich table (the console fits it to its width without cutting a number)."""
    block = document["comparison"]
    table = Table(
        title=COMPARISON_TITLE,
        title_justify="left",
        caption=comparison_caption(block),
        caption_justify="left",
    )
    headers = comparison_headers(block)
    for k, header in enumerate(headers):
        table.add_column(header, justify="left" if k == 0 else "right")
    for row in comparison_rows(block):
        table.add_row(*row)
    return table


def comparison_markdown(document: dict[str, Any]) -> list[str]:
    """The same table as Markdown lines (a band on the cell's second line)."""
    block = document["comparison"]
    lines = [f"## {COMPARISON_TITLE}", ""]
    lines += markdown_table(comparison_headers(block), comparison_rows(block), numeric_from=1)
    return [*lines, "", markdown_text(comparison_caption(block)), ""]
