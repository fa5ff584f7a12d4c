"""Render a backtest result (:mod:`detente.analysis.backtest`) as tables.

Two renderings of the same rows: :class:`rich.table.Table` objects for the terminal and
Markdown pipe tables for documents. The main table shows, per model, how it was scored
(``as is``, or ``grouped CV`` for a row fitted to the outcomes, scored out of sample
only), the issues scored, failures, MAE with its proposal-grouped bootstrap 95%
interval, median absolute error, share within 10 points, and the paired comparison
with the compromise model; a note under it gives the data set, the capabilities, the
skipped issues by reason and the excluded models. Then one smaller table per procedure
(COD, CNS) and per Council voting rule (QMV, unanimity). ``rich`` is imported only when
a rich table is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from detente.analysis.backtest_results import (
    NOT_FITTED,
    REFERENCE_MODEL,
    BacktestResult,
    ModelScore,
)

if TYPE_CHECKING:
    from rich.table import Table

__all__ = [
    "HEADERS",
    "SUBSET_HEADERS",
    "backtest_markdown",
    "backtest_note",
    "backtest_rows",
    "backtest_subset_tables",
    "backtest_table",
    "backtest_tables",
    "subset_rows",
]

HEADERS = (
    "Model",
    "Scored",
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
SUBSET_HEADERS = (
    "Model",
    "Scored",
    "n",
    "Proposals",
    "MAE",
    "MAE 95% CI",
    f"Δ vs {REFERENCE_MODEL}",
    "Δ 95% CI",
)
_SUBSET_TITLES = {
    "procedure": {"COD": "co-decision (COD)", "CNS": "consultation (CNS)"},
    "voting_rule": {"QMV": "Council by qualified majority", "unanimity": "Council by unanimity"},
}
_FIELD_TITLES = {"procedure": "Procedure", "voting_rule": "Voting rule"}


def _scored(row: ModelScore) -> str:
    return "as is" if row.evaluation == NOT_FITTED else "grouped CV"


def _num(value: float | None, signed: bool = False) -> str:
    """Two decimals; a signed value that rounds to zero reads ``0.00``, never ``-0.00``."""
    if value is None:
        return _DASH
    if signed and round(value, 2) == 0:
        return "0.00"
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
        _scored(row),
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


def _ordered(rows: tuple[ModelScore, ...]) -> list[ModelScore]:
    """Models first (in run order), then the baselines."""
    return [r for r in rows if r.kind != "baseline"] + [r for r in rows if r.kind == "baseline"]


def subset_rows(rows: tuple[ModelScore, ...]) -> list[tuple[str, ...]]:
    """The rows of one subset table as strings (:data:`SUBSET_HEADERS`)."""
    return [
        (
            row.model,
            _scored(row),
            str(row.n),
            str(row.n_proposals),
            _num(row.mae),
            _interval(row.mae_ci95),
            _num(row.diff_vs_compromise, signed=True),
            _interval(row.diff_ci95, signed=True),
        )
        for row in _ordered(rows)
    ]


def _subset_title(field_name: str, value: str) -> str:
    label = _SUBSET_TITLES.get(field_name, {}).get(value, value)
    return f"{_FIELD_TITLES.get(field_name, field_name)}: {label}"


def backtest_rows(result: BacktestResult) -> list[tuple[str, ...]]:
    """The table's rows as strings, models first (in run order), then the baselines.

    "No forecast" counts issues a model raised an error on or gave no outcome for (for the
    reference-point baseline: issues without a coded reference point).
    """
    return [_cells(row) for row in _ordered(result.rows)]


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
        f"absolute errors on the 0-100 scale; 95% intervals from {result.bootstrap} "
        f"bootstrap resamples of the {result.n_proposals} proposals (not of issues), "
        f"seed {result.seed}",
        "scored 'grouped CV': fitted to the outcomes, so each issue is forecast by a fit "
        f"on the other folds ({result.folds} folds by proposal, no proposal in two); "
        "no in-sample score is shown",
        f"Δ: mean of |error| minus the {REFERENCE_MODEL} model's on the same issues "
        "(negative is better)",
    ]
    if result.per_proposal:
        parts.append(
            "forecast on one scenario per proposal (all its issues at once), scored on "
            "each issue: " + ", ".join(result.per_proposal)
        )
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
        table.add_column(header, justify="left" if index < 2 else "right", no_wrap=index == 0)
    baseline_start = sum(1 for row in result.rows if row.kind != "baseline")
    for index, cells in enumerate(backtest_rows(result)):
        table.add_row(*cells, end_section=index == baseline_start - 1)
    return table


def backtest_subset_tables(result: BacktestResult) -> list[Table]:
    """One :class:`rich.table.Table` per procedure and per voting rule."""
    from rich.table import Table

    tables = []
    for field_name, by_value in result.subsets.items():
        for value, rows in by_value.items():
            table = Table(title=_subset_title(field_name, value))
            for index, header in enumerate(SUBSET_HEADERS):
                table.add_column(header, justify="left" if index < 2 else "right")
            for cells in subset_rows(rows):
                table.add_row(*cells)
            tables.append(table)
    return tables


def backtest_tables(result: BacktestResult) -> list[Table]:
    """The main table (:func:`backtest_table`) and the subset tables."""
    return [backtest_table(result), *backtest_subset_tables(result)]


def backtest_markdown(result: BacktestResult) -> str:
    """Markdown pipe tables of the backtest: the main table and :func:`backtest_note`,
    then one section per procedure and voting rule."""
    from detente.report.markdown import markdown_table, markdown_text

    lines = markdown_table(HEADERS, backtest_rows(result), numeric_from=2)
    parts = ["\n".join(lines), markdown_text(backtest_note(result))]
    for field_name, by_value in result.subsets.items():
        for value, rows in by_value.items():
            title = markdown_text(_subset_title(field_name, value))
            table = markdown_table(SUBSET_HEADERS, subset_rows(rows), numeric_from=2)
            parts.append(f"### {title}\n\n" + "\n".join(table))
    return "\n\n".join(parts) + "\n"
