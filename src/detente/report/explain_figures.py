"""Figures of a what-if, a flip search and a DEU backtest, drawn on a given matplotlib
``Axes`` (for notebooks: :mod:`detente.api.results` composes them). Each function takes
the command's JSON document or result, draws, and returns the axes; matplotlib is only
touched through the axes given, so nothing here imports it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from detente.errors import DetenteError
from detente.report.safe_text import literal_figure_text

if TYPE_CHECKING:
    from detente.analysis.backtest import BacktestResult

__all__ = ["draw_backtest", "draw_flips", "draw_whatif"]


@literal_figure_text
def draw_whatif(ax: Any, document: Mapping[str, Any], issue: str | None = None) -> Any:
    """Each model's outcome on ``issue`` (default: the first issue) before (hollow) and
    after (filled) the changes, joined by an arrow; on the issue's scale."""
    issues = {i["id"]: i for i in document["before"]["issues"]}
    chosen = issue or next(iter(issues))
    if chosen not in issues:
        raise DetenteError(f"issue: expected one of {', '.join(issues)}, got {chosen!r}")
    rows = [r for r in document["comparison"]["outcomes"] if r["issue"] == chosen]
    for y, row in enumerate(rows):
        before, after = row["before"], row["after"]
        if before is not None:
            ax.plot([before], [y], "o", mfc="white", color="#1f5fa8")
        if after is not None:
            ax.plot([after], [y], "o", color="#c0392b")
        if before is not None and after is not None and before != after:
            ax.annotate("", (after, y), (before, y), arrowprops={"arrowstyle": "->"})
    ax.set_yticks(range(len(rows)), [r["model"] for r in rows], fontsize=8)
    ax.set_xlim(*issues[chosen]["scale"])
    ax.set_xlabel(f"{issues[chosen]['name']} (hollow: before, filled: after)")
    ax.set_title(document["scenario"]["title"], fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    return ax


@literal_figure_text
def draw_flips(ax: Any, document: Mapping[str, Any]) -> Any:
    """Each single-parameter flip, smallest at the top: a bar over the analyst's range and
    an arrow from the current value to the value that flips the answer."""
    singles = list(document.get("singles") or [])[::-1]
    if not singles:
        raise DetenteError(f"no single parameter flips the answer: {document['summary']}")
    for y, flip in enumerate(singles):
        change = flip["changes"][0]
        if change.get("range"):
            low, high = change["range"]
            ax.barh(y, high - low, left=low, height=0.5, color="#bbbbbb")
        ax.annotate("", (change["to"], y), (change["from"], y), arrowprops={"arrowstyle": "->"})
        ax.plot([change["from"]], [y], "o", color="#1f5fa8")
        ax.plot([change["to"]], [y], "D", color="#c0392b")
    ax.set_yticks(range(len(singles)), [s["changes"][0]["path"] for s in singles], fontsize=7)
    ax.set_xlabel("value (grey: the analyst's range; dot: now; diamond: flips the answer)")
    ax.set_title(f"{document['scenario']}: {document['answer_before']}", fontsize=9)
    return ax


@literal_figure_text
def draw_backtest(ax: Any, result: BacktestResult) -> Any:
    """Each model's mean absolute error on the DEU issues with its bootstrap 95% interval
    (0-100 scale), best at the top."""
    rows = sorted((r for r in result.rows if r.mae is not None), key=lambda r: -(r.mae or 0.0))
    for y, row in enumerate(rows):
        ci = row.mae_ci95
        err = None if ci is None else [[row.mae - ci[0]], [ci[1] - row.mae]]  # type: ignore[operator]
        colour = "#1f5fa8" if row.kind == "model" else "#999999"
        ax.barh(y, row.mae, xerr=err, color=colour, height=0.6, capsize=3)
    ax.set_yticks(range(len(rows)), [r.model for r in rows], fontsize=8)
    ax.set_xlabel("mean absolute error (0-100 scale; bars: bootstrap 95% interval)")
    ax.set_title(f"{result.dataset}: {result.scored} issues ({result.capabilities})", fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    return ax
