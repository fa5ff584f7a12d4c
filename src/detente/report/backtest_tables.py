"""Render a backtest result (:mod:`detente.analysis.backtest`) as a table.

Two renderings of the same rows: a :class:`rich.table.Table` for the terminal and a
Markdown pipe table for documents. Both show, per model, the issues scored, failures,
MAE with its bootstrap 95% interval, median absolute error, share within 10 points, and
the paired comparison with the compromise model; a note under the table gives the data
set, the capabilities, the skipped issues by reason and the excluded models. ``rich`` is
imported only when a rich table is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from detente.analysis.backtest import REFERENCE_MODEL, BacktestResult, ModelScore

if TYPE_CHECKING:
    from rich.table import Table

__all__ = ["HEADERS", "backtest_markdown", "backtest_note", "backtest_rows", "backtest_table"]

HEADERS = (
    "Model",
    "n",
    "No forecast",
    "MAE",
    "MAE 95% CI",
    "Median AE",
    "Within 10",
    f"Δ vs {REFERENCE_MODEL}",
    "Δ 95% CI",
    f"Beats {REFERENCE_MODEL}",
)
_SKIP_LABELS = {
    "no_outcome": "no outcome coded",
    "fewer_than_3_actors": "fewer than 3 actors with a position",
}
_DASH = "–"


def _num(value: float | None, signed: bool = False) -> str:
    if value is None:
        return _DASH
    return f"{value:+.2f}" if signed else f"{value:.2f}"


def _share(value: float | None) -> str:
    return _DASH if value is None else f"{100 * value:.0f}%"


def _interval(value: tuple[float, float] | None, signed: bool = False) -> str:
    if value is None:
        return _DASH
    return f"[{_num(value[0], signed)}, {_num(value[1], signed)}]"


def _cells(row: ModelScore) -> tuple[str, ...]:
    failed = row.failures + row.no_forecast
    return (
        row.model,
        str(row.n),
        str(failed),
        _num(row.mae),
        _interval(row.mae_ci95),
        _num(row.median_ae),
        _share(row.within_10),
        _num(row.diff_vs_compromise, signed=True),
        _interval(row.diff_ci95, signed=True),
        _share(row.beats_compromise),
    )


def backtest_rows(result: BacktestResult) -> list[tuple[str, ...]]:
    """The table's rows as strings, models first (in run order), then the baselines.

    "No forecast" counts issues a model raised an error on or gave no outcome for (for the
    reference-point baseline: issues without a coded reference point).
    """
    models = [row for row in result.rows if row.kind != "baseline"]
    baselines = [row for row in result.rows if row.kind == "baseline"]
    return [_cells(row) for row in models + baselines]


def backtest_note(result: BacktestResult) -> str:
    """One paragraph on what was scored: data set, capabilities, skips, exclusions."""
    skipped = ", ".join(
        f"{count} {_SKIP_LABELS.get(reason, reason)}"
        for reason, count in result.skipped.items()
        if count
    )
    parts = [
        f"{result.dataset or 'DEU'}: {result.scored} of {result.n_issues} issues scored"
        + (f" (skipped: {skipped})" if skipped else ""),
        f"capabilities: {result.capabilities or 'as loaded'}",
        f"absolute errors on the 0-100 scale; bootstrap {result.bootstrap} resamples, "
        f"seed {result.seed}",
        f"Δ: mean of |error| minus the {REFERENCE_MODEL} model's on the same issues "
        "(negative is better)",
    ]
    if result.excluded_models:
        parts.append(
            "excluded: "
            + ", ".join(f"{name} ({why})" for name, why in result.excluded_models.items())
        )
    return "; ".join(parts) + "."


def backtest_table(result: BacktestResult) -> Table:
    """A :class:`rich.table.Table` of the backtest, with :func:`backtest_note` as caption."""
    from rich.table import Table

    table = Table(
        title="Backtest: forecasts against actual outcomes", caption=backtest_note(result)
    )
    for index, header in enumerate(HEADERS):
        table.add_column(header, justify="left" if index == 0 else "right", no_wrap=index == 0)
    baseline_start = sum(1 for row in result.rows if row.kind != "baseline")
    for index, cells in enumerate(backtest_rows(result)):
        table.add_row(*cells, end_section=index == baseline_start - 1)
    return table


def backtest_markdown(result: BacktestResult) -> str:
    """A Markdown pipe table of the backtest followed by :func:`backtest_note`."""
    from detente.report.markdown import markdown_table, markdown_text

    lines = markdown_table(HEADERS, backtest_rows(result), numeric_from=1)
    return "\n".join(lines) + "\n\n" + markdown_text(backtest_note(result)) + "\n"
