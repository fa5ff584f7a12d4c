"""Whether and when: the Monte Carlo answer as a terminal table and a dated curve.

:func:`agreement_table` renders a :class:`~detente.uncertainty.MonteCarloResult` as a
rich table: P(agreement signed by each named date and each year end), the median
time to signature and the agreed outcome per issue, each with its median and 90%
interval across draws. :func:`plot_agreement_curve` draws the cumulative probability
with its 90% band; matplotlib is imported there only (Agg, no display needed).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import textwrap
from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text

from detente.io.scenario_file import write_atomically
from detente.report.numbers import (
    MODEL_CERTAIN_NOTE,
    model_certain,
    model_probability_text,
    probability_text,
)
from detente.report.safe_text import literal_figure_text
from detente.uncertainty import AgreementSummary, MonteCarloResult, Summary

__all__ = ["agreement_table", "draw_agreement_curve", "plot_agreement_curve"]


def _p(value: float | None) -> str:
    return "—" if value is None else probability_text(value)


def _pm(value: float | None) -> str:
    """A dated-model probability, marked when exactly 0 or 1 (certain within the model only)."""
    return "—" if value is None else model_probability_text(value)


def _x(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _date(value: dt.date | None) -> str:
    return "after horizon" if value is None else value.isoformat()


def _interval(summary: Summary, fmt: Any) -> str:
    if summary.p05 is None:
        return "—"
    return f"{fmt(summary.p05)}–{fmt(summary.p95)}"


def agreement_table(result: MonteCarloResult) -> Table:
    """Rich table of P(signed by date), median time and agreed outcome, with 90% intervals.

    Parameters
    ----------
    result:
        The output of :func:`detente.uncertainty.run_monte_carlo`.

    Returns
    -------
    rich.table.Table
        One row per named date (key dates, term ends, year ends, horizon), then the
        median time to signature and the agreed outcome per issue.
    """
    agreement = result.agreement
    certain = agreement is not None and any(
        model_certain(v) for s in agreement.by for v in (s.mean, s.median, s.p95) if v is not None
    )
    table = Table(
        title=f"The structural model alone (deadline-bargaining Monte Carlo): {result.title} "
        f"({result.runs:,} draws, seed {result.seed})",
        title_justify="left",
        caption="Probability: share of draws and paths with a signed agreement by the date, "
        "from the structural model only (no route outside the scenario: 0 where the win-sets "
        "cannot meet; the forecast above adds them). "
        "Median and 90% interval: across draws of the scenario's ranges."
        + (f" {MODEL_CERTAIN_NOTE}" if certain else ""),
        caption_justify="left",
    )
    for column, justify in (
        ("", "left"),
        ("Forecast", "right"),
        ("Median", "right"),
        ("90% interval", "right"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    if agreement is None:
        table.add_row("No dated model was run", "—", "—", "—")
        return table
    _dates_rows(table, agreement)
    draws = agreement.median_time_draws
    spread = (
        "—"
        if draws["p05"] is None and draws["p95"] is None
        else (f"{_date(draws['p05'])}–{_date(draws['p95'])}")
    )
    table.add_row(
        "Median time to signature", _date(agreement.median_time), _date(draws["median"]), spread
    )
    possible = (
        f"all {result.runs:,}" if agreement.possible == 1.0 else _p(agreement.possible)
    )  # a count of draws: 1 would read as a certainty it is not
    table.add_row("Draws in which agreement is possible", possible, "", "", end_section=True)
    for issue_id, summary in agreement.agreed.items():
        name = result.issues.get(issue_id, issue_id)
        label = f"Agreed outcome: {name}"
        if summary.n == 0:
            table.add_row(label, "no agreement in any draw", "", "")
            continue
        table.add_row(
            f"{label} ({summary.n:,} draws)",
            _x(summary.mean),
            _x(summary.median),
            _interval(summary, _x),
        )
    return table


def _dates_rows(table: Table, agreement: AgreementSummary) -> None:
    named = agreement.report_dates()
    for index, day in enumerate(named):
        summary = agreement.by[agreement.dates.index(day)]
        label = Text(f"P(signed by {day.isoformat()})")
        label.append(f"  {agreement.labels[day]}", style="dim")
        table.add_row(
            label,
            _pm(summary.mean),
            _pm(summary.median),
            _interval(summary, _pm),
            end_section=index == len(named) - 1,
        )


@literal_figure_text
def draw_agreement_curve(ax: Any, result: MonteCarloResult, title: str | None = None) -> Any:
    """Draw P(agreement signed by date) with its 90% band across draws on the matplotlib
    ``ax`` (named dates marked); returns ``ax``.

    Raises
    ------
    ValueError
        When ``result`` holds no dated forecast (no ``deadline-bargaining`` run).
    """
    agreement = result.agreement
    if agreement is None:
        raise ValueError("the result holds no dated forecast to plot (run 'deadline-bargaining')")
    dates = [agreement.as_of, *agreement.dates]
    mean = [0.0, *(s.mean or 0.0 for s in agreement.by)]
    low = [0.0, *(s.p05 or 0.0 for s in agreement.by)]
    high = [0.0, *(s.p95 or 0.0 for s in agreement.by)]
    ax.fill_between(dates, low, high, step="post", alpha=0.25, label="90% interval across draws")
    ax.step(dates, mean, where="post", linewidth=2, label="P(signed by date)")
    for day in agreement.report_dates():
        label = agreement.labels[day]
        if label.startswith("end of ") and label[7:].isdigit():
            continue  # year ends are already on the axis
        ax.axvline(day, color="grey", linestyle=":", linewidth=1)
        short = label if len(label) <= 40 else label[:39] + "…"
        ax.annotate(
            short,
            (day, 1.0),
            xytext=(3, -3),
            textcoords="offset points",
            rotation=90,
            va="top",
            ha="left",
            fontsize=8,
            color="dimgrey",
        )
    ax.set_ylim(0.0, 1.02)
    ax.set_xlim(dates[0], dates[-1])
    ax.set_ylabel("probability")
    heading = title or f"{result.title}: P(agreement signed by date), {result.runs:,} draws"
    ax.set_title(textwrap.fill(heading, 90), fontsize=10)
    ax.legend(loc="best", fontsize=8)
    ax.grid(alpha=0.3)
    return ax


def plot_agreement_curve(
    result: MonteCarloResult, path: str | os.PathLike[str], title: str | None = None
) -> None:
    """Draw P(agreement signed by date) with its 90% band across draws, atomically.

    The figure is written to a temporary file in the target's directory and moved into
    place with :func:`os.replace`, so ``path`` never holds a half-written figure. The
    format follows the file's extension (PNG, SVG, PDF, ...).

    Raises
    ------
    ValueError
        When ``result`` holds no dated forecast (no ``deadline-bargaining`` run).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 4.8), layout="constrained")
    FigureCanvasAgg(fig)
    draw_agreement_curve(fig.add_subplot(), result, title)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=(Path(path).suffix or ".png").lstrip("."))
    write_atomically(path, buffer.getvalue())
