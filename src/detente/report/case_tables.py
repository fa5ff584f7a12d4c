"""Render a case backtest (:mod:`detente.analysis.case_backtest`) as tables.

Three tables of the same result, each as a :class:`rich.table.Table` for the terminal
and as a Markdown pipe table for documents: the cases (window, outcome, reference class,
each forecaster's probability and the default forecaster's squared error), the scores
(Brier score with its Murphy decomposition, log score, AUC and skill against the
leave-one-out base rate per forecaster) and the default forecaster's calibration table.
``rich`` is imported only when a rich table is built; :func:`plot_reliability` draws the
reliability diagram (matplotlib, imported there).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from detente.analysis.case_backtest import (
    BASE_RATE,
    DATED_AT_MODES,
    DATED_MODEL,
    DEFAULT_FORECASTER,
    FORECASTERS,
    OUTSIDE_VIEW,
    STATIC_MODEL,
    STRUCTURAL,
    CaseBacktestResult,
)
from detente.report.calibrated_table import probability_text
from detente.report.safe_text import literal_figure_text

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
    "draw_reliability",
    "plot_reliability",
    "score_rows",
]

CASE_HEADERS = (
    "Case",
    "As of",
    "Horizon",
    "Agreed",
    "P",
    "Sq. err",
    "Class",
    "Outside",
    "Structural",
    "Dated MC",
    "P modes",
    "Possible now",
    "Base rate",
)
SCORE_HEADERS = (
    "Forecaster",
    "n",
    "Brier",
    "Reliability",
    "Resolution",
    "Log score",
    "AUC",
    "Skill vs base rate",
    "Brier - base rate (se)",
)
CALIBRATION_HEADERS = ("Bin", "Cases", "Mean forecast", "Observed")
_DASH = "–"


def _num(value: float | None, digits: int = 3, signed: bool = False) -> str:
    if value is None:
        return _DASH
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def case_rows(result: CaseBacktestResult) -> list[tuple[str, ...]]:
    """One row per case: window, outcome (with its date), probabilities, squared error.

    "P" is the default (calibrated, cross-fitted) forecaster's probability of agreement
    by the horizon and "Sq. err" its squared error; "Class" the reference class;
    "Outside" the outside view alone; "Structural" the dated model with unseen routes;
    "Dated MC" the dated model's Monte Carlo alone; "P modes" the dated model at the
    modes; "Possible now" the two-level verdict; "Base rate" the leave-one-out base rate.
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
                probability_text(row.forecast(DEFAULT_FORECASTER)),
                _num(row.squared_error(DEFAULT_FORECASTER)),
                row.reference_class,
                probability_text(row.forecast(OUTSIDE_VIEW)),
                probability_text(row.forecast(STRUCTURAL)),
                _num(row.p),
                _num(row.p_modes),
                "yes" if row.possible_now else "no",
                _num(row.base_rate),
            )
        )
    return rows


def score_rows(result: CaseBacktestResult) -> list[tuple[str, ...]]:
    """One row per forecaster: n, Brier (REL, RES), log score, AUC, skill, paired difference.

    The last column is the mean over cases of (squared error - the base rate's squared
    error) with its standard error: negative is better than the base rate.
    """
    return [
        (
            item.forecaster + (" (default)" if item.default else ""),
            str(item.n),
            _num(item.brier),
            _num(item.decomposition.reliability),
            _num(item.decomposition.resolution),
            _num(item.log_score),
            _num(item.auc),
            _num(item.skill, signed=True),
            _paired(item.versus_reference),
        )
        for item in result.scores
    ]


def _paired(value: tuple[float, float | None] | None) -> str:
    if value is None:
        return _DASH
    return f"{value[0]:+.3f} ({_num(value[1])})"


def calibration_rows(
    result: CaseBacktestResult, forecaster: str = DEFAULT_FORECASTER
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
        f"their window. P: the default forecaster ({DEFAULT_FORECASTER}), the outside view "
        "and the structural model combined, cross-fitted leave-one-out (no case is "
        f"forecast with coefficients fitted on its own outcome). {DATED_MODEL}: mean of "
        f"{result.runs} Monte Carlo draws per case, root seed {result.seed}; "
        f"{DATED_AT_MODES}: every range at its mode; {STATIC_MODEL}: 'possible now' as 1, "
        f"else 0; {OUTSIDE_VIEW}: the reference class alone; {STRUCTURAL}: the dated model "
        f"with a hazard of unseen routes; {BASE_RATE}: leave-one-out (k + 1) / (m + 2). "
        "Brier: mean squared error (0 perfect; a constant 0.5 scores 0.25), with Murphy's "
        f"reliability (lower is better) and resolution (higher is better) over {result.bins} "
        "bins. Log score: mean -ln P(what happened), nats, P clipped to [0.001, 0.999]. "
        "AUC: chance an agreed case got a higher P than a failed one. Skill: 1 - Brier / "
        "Brier of the base rate. See docs/calibration.md."
    )


def _table(title: str, headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> Table:
    from rich.table import Table

    table = Table(title=title)
    for index, header in enumerate(headers):
        table.add_column(header, justify="left" if index == 0 else "right", no_wrap=index == 0)
    for cells in rows:
        table.add_row(*cells)
    return table


# The terminal tables keep the columns that fit 80 characters; Markdown and JSON have all.
_TERMINAL_CASE_COLUMNS = (0, 3, 4, 6, 7, 8)  # case, agreed, P, class, outside, structural
_SHORT_CLASS = {
    "territorial-claim": "claim",
    "armed-conflict:interstate": "war",
    "armed-conflict:intrastate-territorial": "civil:terr",
    "armed-conflict:intrastate-government": "civil:gov",
    "crisis": "crisis",
}
_TERMINAL_SCORE_COLUMNS = (0, 2, 5, 6, 8)  # forecaster, Brier, log score, AUC, paired


def _pick(
    headers: tuple[str, ...], rows: list[tuple[str, ...]], columns: tuple[int, ...]
) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    return tuple(headers[i] for i in columns), [tuple(row[i] for i in columns) for row in rows]


def case_tables(result: CaseBacktestResult) -> list[Table]:
    """Rich tables: the cases, the scores (with :func:`case_note` as caption), calibration.

    The terminal versions show the main columns only (the agreed column without its
    date, the class by a short name: claim = territorial-claim, war = interstate armed
    conflict, civil:terr / civil:gov = intrastate armed conflict over territory /
    government; window, dated model, modes, verdict and base rate are in ``--format markdown`` and
    ``json``).
    """
    rows = [
        (*row[:3], row[3].split(" ")[0], row[4], row[5], _SHORT_CLASS.get(row[6], row[6]), *row[7:])
        for row in case_rows(result)
    ]
    cases = _table(
        "Case backtest: forecasts against outcomes",
        *_pick(CASE_HEADERS, rows, _TERMINAL_CASE_COLUMNS),
    )
    scores = _table("Scores", *_pick(SCORE_HEADERS, score_rows(result), _TERMINAL_SCORE_COLUMNS))
    scores.caption = (
        case_note(result) + " The terminal shows the main columns: reliability, resolution "
        "and skill are in --format markdown and json."
    )
    calibration = _table(
        f"Calibration of {DEFAULT_FORECASTER}", CALIBRATION_HEADERS, calibration_rows(result)
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
    lines += [f"Calibration of {DEFAULT_FORECASTER}:", ""]
    lines += [*_markdown(CALIBRATION_HEADERS, calibration_rows(result)), ""]
    lines.append(markdown_text(case_note(result)))
    return "\n".join(lines) + "\n"


@literal_figure_text
def draw_reliability(
    axes: Any,
    result: CaseBacktestResult,
    forecasters: tuple[str, ...] = (DEFAULT_FORECASTER, STRUCTURAL, OUTSIDE_VIEW, DATED_MODEL),
) -> Any:
    """Draw the reliability diagram of :func:`plot_reliability` on ``axes``; returns them."""
    axes.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="perfect")
    for name in forecasters:
        if name not in FORECASTERS:
            continue
        bins = [b for b in result.score(name).calibration if b.count]
        xs = [float(b.mean_forecast or 0.0) for b in bins]
        ys = [float(b.observed or 0.0) for b in bins]
        axes.plot(xs, ys, marker="o", label=name)
        axes.scatter(xs, ys, s=[20 * b.count for b in bins], alpha=0.3)
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.set_xlabel("mean forecast in bin")
    axes.set_ylabel("observed share agreed")
    axes.set_title(f"Reliability ({len(result.rows)} cases, {result.bins} bins)")
    axes.legend(loc="upper left", fontsize="small")
    return axes


def plot_reliability(
    result: CaseBacktestResult,
    path: str | os.PathLike[str],
    forecasters: tuple[str, ...] = (DEFAULT_FORECASTER, STRUCTURAL, OUTSIDE_VIEW, DATED_MODEL),
) -> None:
    """Reliability diagram: per bin, observed frequency against mean forecast, atomically.

    One line per forecaster (markers sized by the number of cases in the bin) and the
    diagonal of perfect calibration (Murphy & Winkler 1977). The format follows the
    file's extension.
    """
    import io
    from pathlib import Path

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from detente.io.scenario_file import write_atomically

    fig = Figure(figsize=(5.5, 5.5), layout="constrained")
    FigureCanvasAgg(fig)
    draw_reliability(fig.add_subplot(), result, forecasters)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=(Path(path).suffix or ".png").lstrip("."))
    write_atomically(path, buffer.getvalue())
