"""The models side by side: one row per issue, one column per model, and the spread.

Rendered from the ``comparison`` block of a forecast document
(:func:`detente.model_comparison.model_comparison`), as a rich table for the terminal
(fitted by :class:`~detente.report.terminal.SafeConsole`, so no number is ever cut),
as Markdown, and as plain rows for the HTML/Markdown report. Each cell is a model's
forecast, with its 90% band across the Monte Carlo draws below it when the model ran
on the draws; a model whose answer is that no agreement is reached reads "no
agreement", never the status quo as a deal. The last two columns give the spread
across the models that forecast an outcome.

The forecast is the model at the modal value of every range, the band the 5th to 95th
percentile of its outcome across draws: two different things, which differ for a model
whose outcome is not a smooth function of its inputs (the weighted median of positions,
the expected-utility model's rounds). A forecast outside its own band is marked
:data:`OUTSIDE_BAND` and the caption says why.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table

from detente.report.markdown import markdown_table, markdown_text

__all__ = [
    "COMPARISON_TITLE",
    "OUTSIDE_BAND",
    "comparison_caption",
    "comparison_headers",
    "comparison_markdown",
    "comparison_rows",
    "comparison_table",
    "has_comparison",
    "outside_band",
]

COMPARISON_TITLE = "The models side by side"
OUTSIDE_BAND = "‡"
"""Marks a forecast at the modes that lies outside the model's own band across draws."""


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


def outside_band(row: dict[str, Any]) -> bool:
    """Whether a model's forecast at the modes lies outside its 90% band across draws, as
    printed: beyond float rounding (1e-9 of the value) and beyond the table's one decimal,
    so that a point printed inside its printed band is never marked (45.0 beside a p05 of
    45.005 reads 45.0 and 45.0-76.8)."""
    band, outcome = row.get("band"), row.get("outcome")
    if band is None or outcome is None or row.get("outcome_kind") != "forecast":
        return False
    slack = 1e-9 * max(1.0, abs(outcome))
    outside = outcome < band["p05"] - slack or outcome > band["p95"] + slack
    shown = float(_num(outcome))
    printed_outside = shown < float(_num(band["p05"])) or shown > float(_num(band["p95"]))
    return bool(outside and printed_outside)


def _cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return "—"
    if row["outcome_kind"] != "forecast":
        return "no agreement"
    if row["outcome"] is None:
        return "—"
    text = _num(row["outcome"]) + (OUTSIDE_BAND if outside_band(row) else "")
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
        parts[0] = (
            "Each model's forecast on the issue's scale, with every range at its mode; "
            f"below it, the 90% band of its outcome across {block['runs']:,} draws of the "
            "scenario's ranges (no band: the model was not run on the draws; name it with "
            "-m). The point is one input, the band is over draws: they need not agree"
        )
    if any(outside_band(r) for i in block["issues"] for r in i["forecasts"]):
        parts.append(
            f"{OUTSIDE_BAND} The forecast at the modes lies outside the model's own band: "
            "its outcome is not a smooth function of the inputs (a weighted median or the "
            "expected-utility rounds can sit at one position, even the scale's end, only at "
            "the modal values), so most draws give another answer; read the band as the "
            "uncertainty and the point as one scenario among them"
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
