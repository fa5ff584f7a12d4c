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

__all__ = ["forecast_markdown", "forecast_renderables"]


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _anchor(entry: dict[str, Any]) -> str:
    anchor = entry.get("nearest_anchor")
    return "" if anchor is None else f"{anchor['value']:g}: {anchor['label']}"


def _note(entry: dict[str, Any]) -> str:
    if entry["model"] == "two-level":
        return "agreement possible" if entry.get("agreement") else "no agreement: status quo"
    if entry.get("improves_on_status_quo") is False:
        return "no point beats the status quo for all"
    if "rounds" in entry:
        rounds = len(entry["rounds"]) - 1
        state = "converged" if entry.get("converged") else "did not converge"
        return f"{rounds} rounds, {state}"
    return ""


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
    """(model, issue, median, 90% interval, draws) rows of a Monte Carlo run."""
    rows = []
    for model, result in document.get("monte_carlo", {}).get("models", {}).items():
        for issue_id, summary in result.get("outcome", {}).items():
            if not summary.get("n"):
                continue
            rows.append(
                (
                    model,
                    issue_id,
                    _fmt(summary["median"]),
                    f"{_fmt(summary['p05'])}–{_fmt(summary['p95'])}",
                    f"{summary['n']:,}",
                )
            )
    return rows


def _interval_table(document: dict[str, Any]) -> Table:
    runs = document["monte_carlo"]["runs"]
    table = Table(
        title=f"Outcomes across {runs:,} draws of the scenario's ranges",
        title_justify="left",
    )
    for column in ("Model", "Issue", "Median", "90% interval", "Draws"):
        table.add_column(column, justify="left" if column in ("Model", "Issue") else "right")
    for row in _interval_rows(document):
        table.add_row(*row)
    return table


def forecast_renderables(document: dict[str, Any]) -> list[RenderableType]:
    """Rich renderables: a header, one table per issue, then the agreement verdict."""
    scenario = document["scenario"]
    out: list[RenderableType] = [
        Text(f"{scenario['title']}", style="bold"),
        Text(f"as of {scenario['as_of']}, horizon {scenario['horizon']}", style="dim"),
    ]
    for issue in document["issues"]:
        table = Table(title=_issue_title(issue), title_justify="left", title_style="bold")
        table.add_column("Model")
        table.add_column("Outcome", justify="right")
        table.add_column("Nearest labelled point")
        table.add_column("Note", style="dim")
        for entry in issue["forecasts"]:
            table.add_row(entry["model"], _fmt(entry["outcome"]), _anchor(entry), _note(entry))
        out.append(table)
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
    """The same content as :func:`forecast_renderables`, as Markdown."""
    scenario = document["scenario"]
    lines = [
        f"# {scenario['title']}",
        "",
        f"As of {scenario['as_of']}, horizon {scenario['horizon']}.",
        "",
    ]
    for issue in document["issues"]:
        lines += [
            f"## {_issue_title(issue)}",
            "",
            "| Model | Outcome | Nearest labelled point | Note |",
            "|---|---:|---|---|",
        ]
        for entry in issue["forecasts"]:
            lines.append(
                f"| {entry['model']} | {_fmt(entry['outcome'])} | {_anchor(entry)} "
                f"| {_note(entry)} |"
            )
        lines.append("")
    if "monte_carlo" in document:
        lines += [
            f"## Outcomes across {document['monte_carlo']['runs']:,} draws",
            "",
            "| Model | Issue | Median | 90% interval | Draws |",
            "|---|---|---:|---:|---:|",
        ]
        lines += ["| " + " | ".join(row) + " |" for row in _interval_rows(document)] + [""]
    agreement = document.get("agreement")
    if agreement is not None:
        lines += [
            f"## Verdict: {agreement['name']}",
            "",
            agreement["explanation"],
            "",
            "| Issue | Signatory | Accepts | Ratifiers accept | Win-set |",
            "|---|---|---|---|---|",
        ]
        for issue_id, verdict in agreement["issues"].items():
            for side in verdict["signatories"]:
                ratifiers = ", ".join(
                    f"{r['actor']} {r['accepts'][0]:g}–{r['accepts'][1]:g}"
                    for r in side["ratifiers"]
                )
                win = side["win_set"]
                lines.append(
                    f"| {issue_id} | {side['actor']} "
                    f"| {side['accepts'][0]:g}–{side['accepts'][1]:g} | "
                    f"{ratifiers or '—'} | {'empty' if win is None else f'{win[0]:g}–{win[1]:g}'} |"
                )
        lines.append("")
        if "by" in agreement:
            lines += ["| Signed by | Probability |", "|---|---:|"]
            lines += [f"| {day} | {p:.2f} |" for day, p in agreement["by"].items()] + [""]
    models = document.get("models", [])
    if models:
        lines += ["## Models", ""] + [f"- **{m['name']}**: {m['citation']}" for m in models] + [""]
    return "\n".join(lines)
