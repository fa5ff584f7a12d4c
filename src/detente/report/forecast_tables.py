"""Render a forecast document (see :mod:`detente.forecasting`) for people.

Terminal tables use rich; Markdown is plain text for reports. Both are built from the
same JSON-ready document as ``--format json``, so the three never disagree.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from detente.report.comparison_tables import (
    comparison_markdown,
    comparison_table,
    has_comparison,
)
from detente.report.markdown import markdown_table, markdown_text
from detente.report.numbers import (
    MODEL_CERTAIN,
    MODEL_CERTAIN_NOTE,
    model_certain,
    model_probability_text,
)

__all__ = [
    "forecast_markdown",
    "forecast_note",
    "forecast_renderables",
    "forecast_rows",
    "no_agreement",
    "outcome_text",
]


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def no_agreement(entry: dict[str, Any]) -> bool:
    """Whether a model's forecast is that no agreement is reached (the status quo stays).

    The entry's ``outcome_kind`` says so (``status_quo`` or ``none``); documents
    recorded before that field are read by the same rule from the model's own flags
    (:func:`detente.model_comparison.outcome_kind`).
    """
    from detente.model_comparison import outcome_kind

    return (entry.get("outcome_kind") or outcome_kind(entry)) != "forecast"


def outcome_text(entry: dict[str, Any]) -> str:
    """The Outcome cell: the number, or "no agreement" (never the status quo as a deal)."""
    return "no agreement" if no_agreement(entry) else _fmt(entry["outcome"])


def _anchor(entry: dict[str, Any]) -> str:
    anchor = entry.get("nearest_anchor")
    if anchor is None or no_agreement(entry):
        return ""
    return f"{anchor['value']:g}: {anchor['label']}"


def forecast_note(entry: dict[str, Any]) -> str:
    """What a reader must know to read the number: no agreement, or how the rounds ended.

    A run of the expected-utility model that did not converge is a cycle, not a
    settlement: its forecast is the average of the rounds' weighted medians (the rule
    ``average-median``), or the last round's median when that rule was chosen.
    """
    if no_agreement(entry):
        status_quo = entry.get("status_quo", entry.get("outcome"))
        stays = "" if status_quo is None else f" ({status_quo:g})"
        if entry["model"] == "nash":
            return f"no point beats the status quo for all: it stays{stays}"
        if "p_agreement" in entry:
            p = model_probability_text(entry["p_agreement"])
            return f"P(agreement) {p}: the status quo stays{stays}"
        return f"no agreement: the status quo stays{stays}"
    if entry["model"] == "two-level" and entry.get("agreement"):
        return "agreement possible"
    if entry["model"] == "exchange" and "rounds" in entry:
        rounds, moved = len(entry["rounds"]) - 1, entry.get("exchanges", 0)
        return f"the outcome after {rounds} rounds of exchanges ({moved} moved this issue)"
    if entry["model"] == "smp" and "turns" in entry:
        return f"the expected position after {entry['turns']} turns"
    if "rounds" in entry:
        rounds = entry.get("stopped_after", len(entry["rounds"]) - 1)
        if entry.get("converged"):
            return f"converged after {rounds} rounds"
        if entry.get("outcome_rule") == "final-median":
            return (
                f"did not converge in {rounds} rounds (it cycles); the forecast is the last "
                "round's median"
            )
        return (
            f"did not converge in {rounds} rounds (it cycles); the forecast is the average "
            "median over the rounds"
        )
    return ""


def forecast_rows(issue: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(model, outcome, nearest labelled point, note) for each forecast on one issue."""
    return [
        (entry["model"], outcome_text(entry), _anchor(entry), forecast_note(entry))
        for entry in issue["forecasts"]
    ]


def _issue_title(issue: dict[str, Any]) -> str:
    lo, hi = issue["scale"]
    text = f"{issue['name']}  [scale {lo:g}–{hi:g}"
    if issue["status_quo"] is not None:
        text += f", status quo {issue['status_quo']:g}"
    return text + "]"


def _win_set_table(agreement: dict[str, Any]) -> Table:
    table = Table(title="Two-level game: what each side can ratify", title_justify="left")
    for column in ("Issue", "Signatory", "Accepts", "Ratifiers accept", "Win-set"):
        table.add_column(column)
    for issue_id, verdict in agreement["issues"].items():
        for index, side in enumerate(verdict["signatories"]):
            ratifiers = "\n".join(
                f"{r['actor']} {r['accepts'][0]:g}–{r['accepts'][1]:g}" for r in side["ratifiers"]
            )
            win = side["win_set"]
            table.add_row(
                issue_id if index == 0 else "",
                side["actor"],
                f"{side['accepts'][0]:g}–{side['accepts'][1]:g}",
                ratifiers or "—",
                "empty" if win is None else f"{win[0]:g}–{win[1]:g}",
            )
        zopa = verdict["zopa"]
        table.add_row(
            "",
            Text("overlap", style="bold"),
            "",
            "",
            Text(
                f"{zopa[0]:g}–{zopa[1]:g}" if zopa else f"none (gap {verdict['gap']['size']:g})",
                style="green" if zopa else "red",
            ),
            end_section=True,
        )
    return table


def _interval_rows(document: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(model, issue, median, 90% interval, draws) rows of a Monte Carlo run; the draws
    say how many distinct draws the model was solved on when that is fewer."""
    rows = []
    for model, result in document.get("monte_carlo", {}).get("models", {}).items():
        solved = result.get("solved")
        for issue_id, summary in result.get("outcome", {}).items():
            if not summary.get("n"):
                continue
            draws = f"{summary['n']:,}"
            if solved is not None and solved < summary["n"]:
                draws += f" ({solved:,} solved)"
            rows.append(
                (
                    model,
                    issue_id,
                    _fmt(summary["median"]),
                    f"{_fmt(summary['p05'])}–{_fmt(summary['p95'])}",
                    draws,
                )
            )
    return rows


def _status_quo_note(document: dict[str, Any]) -> str:
    """Why an agreement model's row can read as the status quo ("" when none is shown).

    Agreement models are those that need an agreement block (``requires_agreement``):
    a draw in which they find no agreement reports the issue's status quo.
    """
    from detente.models import get_model

    models = {row[0] for row in _interval_rows(document)}
    shown = sorted(name for name in models if get_model(name).requires_agreement)
    if not shown:
        return ""
    return (
        f"{' and '.join(shown)}: a draw without an agreement counts as the issue's status "
        "quo (no agreement), not as an agreed outcome."
    )


def _interval_table(document: dict[str, Any]) -> Table:
    runs = document["monte_carlo"]["runs"]
    table = Table(
        title=f"Outcomes across {runs:,} draws of the scenario's ranges",
        title_justify="left",
        caption=_status_quo_note(document) or None,
        caption_justify="left",
    )
    for column in ("Model", "Issue", "Median", "90% interval", "Draws"):
        table.add_column(column, justify="left" if column in ("Model", "Issue") else "right")
    for row in _interval_rows(document):
        table.add_row(*row)
    return table


def _options_line(document: dict[str, Any]) -> str:
    """``expected-utility: probability=pair, q=0.5`` for each model run with options."""
    return "; ".join(
        f"{m['name']}: " + ", ".join(f"{k}={v}" for k, v in m["options"].items())
        for m in document.get("models", [])
        if m.get("options")
    )


def forecast_renderables(document: dict[str, Any]) -> list[RenderableType]:
    """Rich renderables: a header, one table per issue, then the agreement verdict."""
    scenario = document["scenario"]
    out: list[RenderableType] = [
        Text(f"{scenario['title']}", style="bold"),
        Text(f"as of {scenario['as_of']}, horizon {scenario['horizon']}", style="dim"),
    ]
    if _options_line(document):
        out.append(Text(f"model options: {_options_line(document)}", style="dim"))
    for issue in document["issues"]:
        rows = forecast_rows(issue)
        certain = any(MODEL_CERTAIN in row[3] for row in rows)
        table = Table(
            title=_issue_title(issue),
            title_justify="left",
            title_style="bold",
            caption=MODEL_CERTAIN_NOTE if certain else None,
            caption_justify="left",
        )
        table.add_column("Model")
        table.add_column("Outcome", justify="right")
        table.add_column("Nearest labelled point")
        table.add_column("Note", style="dim")
        for row in rows:
            table.add_row(*row)
        out.append(table)
    if has_comparison(document):
        out.append(comparison_table(document))
    if "monte_carlo" in document:
        out.append(_interval_table(document))
    agreement = document.get("agreement")
    if agreement is not None:
        style = "green" if agreement["possible"] else "red"
        out.append(_win_set_table(agreement))
        out.append(
            Panel(
                Group(Text(agreement["explanation"])),
                title=f"Verdict: {agreement['name']}",
                border_style=style,
            )
        )
    return out


def forecast_markdown(document: dict[str, Any]) -> str:
    """The same content as :func:`forecast_renderables`, as Markdown (every name escaped)."""
    scenario = document["scenario"]
    lines = [
        f"# {markdown_text(scenario['title'])}",
        "",
        f"As of {scenario['as_of']}, horizon {scenario['horizon']}.",
        "",
    ]
    if _options_line(document):
        lines += [f"Model options: {_options_line(document)}.", ""]
    for issue in document["issues"]:
        lines += [f"## {markdown_text(_issue_title(issue))}", ""]
        issue_rows = forecast_rows(issue)
        lines += markdown_table(("Model", "Outcome", "Nearest labelled point", "Note"), issue_rows)
        lines.append("")
        if any(MODEL_CERTAIN in row[3] for row in issue_rows):
            lines += [markdown_text(MODEL_CERTAIN_NOTE), ""]
    if has_comparison(document):
        lines += comparison_markdown(document)
    if "monte_carlo" in document:
        lines += [f"## Outcomes across {document['monte_carlo']['runs']:,} draws", ""]
        lines += markdown_table(
            ("Model", "Issue", "Median", "90% interval", "Draws"),
            _interval_rows(document),
            numeric_from=2,
        )
        lines.append("")
        if _status_quo_note(document):
            lines += [markdown_text(_status_quo_note(document)), ""]
    agreement = document.get("agreement")
    if agreement is not None:
        lines += [
            f"## Verdict: {markdown_text(agreement['name'])}",
            "",
            markdown_text(agreement["explanation"]),
            "",
        ]
        rows = []
        for issue_id, verdict in agreement["issues"].items():
            for side in verdict["signatories"]:
                ratifiers = ", ".join(
                    f"{r['actor']} {r['accepts'][0]:g}–{r['accepts'][1]:g}"
                    for r in side["ratifiers"]
                )
                win = side["win_set"]
                rows.append(
                    (
                        issue_id,
                        side["actor"],
                        f"{side['accepts'][0]:g}–{side['accepts'][1]:g}",
                        ratifiers or "—",
                        "empty" if win is None else f"{win[0]:g}–{win[1]:g}",
                    )
                )
        lines += markdown_table(
            ("Issue", "Signatory", "Accepts", "Ratifiers accept", "Win-set"), rows
        )
        lines.append("")
        if "whether_and_when" in document:
            lines += _calibrated_markdown(document["whether_and_when"])
        if "by" in agreement:
            lines += markdown_table(
                ("Signed by (dated model alone)", "Probability"),
                [(day, model_probability_text(p)) for day, p in agreement["by"].items()],
                numeric_from=1,
            )
            lines.append("")
            if any(model_certain(p) for p in agreement["by"].values()):
                lines += [markdown_text(MODEL_CERTAIN_NOTE), ""]
    models = document.get("models", [])
    if models:
        lines += ["## Models", ""]
        lines += [
            f"- **{markdown_text(m['name'])}**: {markdown_text(m['citation'])}" for m in models
        ]
        lines.append("")
    return "\n".join(lines)


def _calibrated_markdown(block: dict[str, Any]) -> list[str]:
    """The calibrated whether-and-when forecast (docs/calibration.md) as Markdown lines."""
    from detente.report import calibrated_table as calibrated

    headers = ("Date", *calibrated.CALIBRATED_HEADERS[1:])
    lines = [f"**{markdown_text(calibrated.calibrated_title(block))}**", ""]
    lines += [markdown_text(calibrated.calibrated_caption(block)), ""]
    lines += markdown_table(headers, calibrated.calibrated_rows(block), numeric_from=1)
    return [*lines, ""]
