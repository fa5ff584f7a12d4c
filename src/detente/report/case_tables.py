"""Render a case backtest (:mod:`detente.analysis.case_backtest`) as tables.

Three tables of the same result, each as a :class:`rich.table.Table` for the terminal
and as a Markdown pipe table for documents: the cases (window, outcome, each
forecaster's probability and the dated model's squared error), the scores (Brier score
and skill against the base rate per forecaster) and the dated model's calibration
table. ``rich`` is imported only when a rich table is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from detente.analysis.case_backtest import (
    BASE_RATE,
    DATED_AT_MODES,
    DATED_MODEL,
    STATIC_MODEL,
    CaseBacktestResult,
)

if TYPE_CHECKING:
    from rich.table import Table

__all__ = [
    "CALIBRATION_HEADERS",
    "CASE_HEADERS",
    "SCORE_HEADERS",
    "calibration_rows",
    "case_markdown",
    "case_note",
    "case_rows",
    "case_tables",
    "score_rows",
]

CASE_HEADERS = (
    "Case",
    "As of",
    "Horizon",
    "Agreed",
    "P",
    "Sq. err",
    "P modes",
    "Possible now",
    "Base rate",
)
SCORE_HEADERS = ("Forecaster", "n", "Brier", "Skill vs base rate")
CALIBRATION_HEADERS = ("Bin", "Cases", "Mean forecast", "Observed")
_DASH = "–"


def _num(value: float | None, digits: int = 3, signed: bool = False) -> str:
    if value is None:
        return _DASH
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def case_rows(result: CaseBacktestResult) -> list[tuple[str, ...]]:
    """One row per case: window, outcome (with its date), probabilities, squared error.

    "P" is the dated model's Monte Carlo probability of agreement by the horizon and
    "Sq. err" its squared error; "P modes" the dated model at the modes; "Possible now"
    the two-level verdict; "Base rate" the constant forecast.
    """
    rows: list[tuple[str, ...]] = []
    for row in result.rows:
        outcome = "yes" if row.outcome else "no"
        if row.outcome_date is not None:
            outcome += f" ({row.outcome_date.isoformat()})"
        rows.append(
            (
                row.case,
                row.as_of.isoformat(),
                row.horizon.isoformat(),
                outcome,
                _num(row.p),
                _num(row.squared_error()),
                _num(row.p_modes),
                "yes" if row.possible_now else "no",
                _num(row.base_rate),
            )
        )
    return rows


def score_rows(result: CaseBacktestResult) -> list[tuple[str, ...]]:
    """One row per forecaster: cases scored, Brier score, skill against the base rate."""
    return [
        (item.forecaster, str(item.n), _num(item.brier), _num(item.skill, signed=True))
        for item in result.scores
    ]


def calibration_rows(
    result: CaseBacktestResult, forecaster: str = DATED_MODEL
) -> list[tuple[str, ...]]:
    """The calibration table of ``forecaster``, one row per probability bin."""
    rows: list[tuple[str, ...]] = []
    bins = result.score(forecaster).calibration
    for index, item in enumerate(bins):
        close = "]" if index == len(bins) - 1 else ")"
        rows.append(
            (
                f"[{item.low:.1f}, {item.high:.1f}{close}",
                str(item.count),
                _num(item.mean_forecast),
                _num(item.observed),
            )
        )
    return rows


def case_note(result: CaseBacktestResult) -> str:
    """One paragraph on what was scored and how."""
    agreed = sum(row.outcome for row in result.rows)
    return (
        f"{result.source or 'cases'}: {len(result.rows)} cases, {agreed} concluded within "
        f"their window; {DATED_MODEL}: P(agreement by the horizon), mean of {result.runs} "
        f"Monte Carlo draws per case, root seed {result.seed}; {DATED_AT_MODES}: the same "
        f"model with every range at its mode; {STATIC_MODEL}: verdict "
        f"'possible now' at the modes as 1, otherwise 0; {BASE_RATE}: the in-sample share "
        "of concluded cases. Brier: mean squared error of the probability (0 is perfect; "
        "a constant 0.5 scores 0.25). Skill: 1 - Brier / Brier of the base rate."
    )


def _table(title: str, headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> Table:
    from rich.table import Table

    table = Table(title=title)
    for index, header in enumerate(headers):
        table.add_column(header, justify="left" if index == 0 else "right", no_wrap=index == 0)
    for cells in rows:
        table.add_row(*cells)
    return table


def case_tables(result: CaseBacktestResult) -> list[Table]:
    """Rich tables: the cases, the scores (with :func:`case_note` as caption), calibration."""
    cases = _table("Case backtest: forecasts against outcomes", CASE_HEADERS, case_rows(result))
    scores = _table("Brier scores", SCORE_HEADERS, score_rows(result))
    scores.caption = case_note(result)
    calibration = _table(
        f"Calibration of {DATED_MODEL}", CALIBRATION_HEADERS, calibration_rows(result)
    )
    return [cases, scores, calibration]


def _markdown(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    from detente.report.markdown import markdown_table

    return markdown_table(headers, rows, numeric_from=1)


def case_markdown(result: CaseBacktestResult) -> str:
    """Markdown: the case table, the score table, the calibration table and the note."""
    from detente.report.markdown import markdown_text

    lines = [*_markdown(CASE_HEADERS, case_rows(result)), ""]
    lines += [*_markdown(SCORE_HEADERS, score_rows(result)), ""]
    lines += [f"Calibration of {DATED_MODEL}:", ""]
    lines += [*_markdown(CALIBRATION_HEADERS, calibration_rows(result)), ""]
    lines.append(markdown_text(case_note(result)))
    return "\n".join(lines) + "\n"
