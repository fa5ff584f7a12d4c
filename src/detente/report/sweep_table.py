"""The terminal table of a sweep (``detente sweep``, :func:`detente.sweep`): one row per
run with the varied parameters and the headline numbers; and its figure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["SHOWN", "draw_sweep", "shown_columns", "sweep_table"]

SHOWN = (
    "calibrated:p_agreement",
    "deadline-bargaining:p_agreement",
    "deadline-bargaining:median_time",
    "two-level:possible",
    "two-level:gap",
)
"""The headline columns the table shows when a run has them (every column is in the file)."""

_CAPTION = (
    "calibrated: P(agreement by the horizon) as forecast reports it (reference class and "
    "dated model combined, docs/calibration.md); deadline-bargaining: the dated model alone"
)


def shown_columns(rows: Sequence[dict[str, Any]], varied: Sequence[str]) -> list[str]:
    """The columns the table shows: index, scenario, the varied parameters, then the
    headline numbers of :data:`SHOWN` present in ``rows`` (without a dated or two-level
    model: the mean outcomes, without their 90% band columns)."""
    everything = list(dict.fromkeys(key for row in rows for key in row))
    fixed = ["index", "scenario", *varied]
    wanted = [c for c in SHOWN if c in everything]
    if not wanted:
        wanted = [c for c in everything[len(fixed) + 2 :] if not c.endswith(("p05", "p95"))]
    return fixed + wanted


def sweep_table(rows: Sequence[dict[str, Any]], varied: Sequence[str], where: str) -> Any:
    """A rich Table of ``rows`` (``where`` names the file or object holding every column)."""
    from rich.table import Table

    columns = shown_columns(rows, varied)
    caption = _CAPTION if "calibrated:p_agreement" in columns else None
    table = Table(title=f"Sweep: {len(rows)} runs (every column: {where})", caption=caption)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(_cell(c, row.get(c)) for c in columns))
    return table


def _cell(column: str, value: Any) -> str:
    """A table cell: probabilities never rounded to 0 or 1 (``probability_text``)."""
    from detente.report.numbers import probability_text

    if value is None:
        return ""
    if isinstance(value, float) and column.endswith(("p_agreement", ":possible")):
        return probability_text(value, 3)
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def draw_sweep(ax: Any, rows: Sequence[dict[str, Any]], varied: Sequence[str]) -> Any:
    """The first headline number of each run (the calibrated P when present) against the
    first varied parameter when it is numeric, else against the run's index; one line
    per scenario. Returns ``ax``."""
    columns = shown_columns(rows, varied)
    measures = columns[2 + len(varied) :]
    if not measures:
        raise ValueError("the sweep has no numeric column to plot")
    measure = measures[0]
    x_name = varied[0] if varied else "index"
    numeric = all(isinstance(row.get(x_name), int | float) for row in rows)
    if not numeric:
        x_name = "index"
    for scenario in dict.fromkeys(str(row.get("scenario")) for row in rows):
        mine = [row for row in rows if str(row.get("scenario")) == scenario]
        mine.sort(key=lambda row: float(row[x_name]))
        xs = [float(row[x_name]) for row in mine]
        ys = [float(row[measure]) if row.get(measure) is not None else float("nan")
              for row in mine]  # fmt: skip
        ax.plot(xs, ys, marker="o", linestyle="-" if len(varied) <= 1 else "none",
                label=scenario)  # fmt: skip
    ax.set_xlabel(x_name)
    ax.set_ylabel(measure)
    if measure.endswith(("p_agreement", ":possible")):
        ax.set_ylim(0.0, 1.0)
    ax.legend(title="scenario", fontsize="small")
    ax.set_title(f"Sweep: {measure}")
    return ax
