"""A forecast report as one self-contained HTML or Markdown file.

:func:`build_report` runs the library (models, two-level verdict, Monte Carlo,
sensitivity) on a scenario and gathers a :class:`Report`: sections of plain blocks
(paragraphs, tables, quotes, figures). :func:`render_html` and :func:`render_markdown`
turn the same report into text, so the two formats never disagree; every figure is
embedded as a ``data:`` URI (SVG in HTML, PNG in Markdown by default), so the file needs
nothing else to be read: no asset files, no scripts, no network.

A section whose engine is not installed (or does not apply to the scenario) is kept
as its title and a one-line note saying why it is omitted. The blocks are in
:mod:`detente.report.blocks`, the HTML and Markdown writers in
:mod:`detente.report.render` (both re-exported here).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente import __version__
from detente.errors import DetenteError
from detente.report import figures
from detente.report.blocks import (
    Figure,
    Paragraph,
    Quote,
    Report,
    Section,
    Subheading,
    Table,
)
from detente.report.comparison_tables import (
    COMPARISON_TITLE,
    comparison_caption,
    comparison_headers,
    comparison_rows,
    has_comparison,
)
from detente.report.figures import ImageFormat
from detente.report.forecast_tables import forecast_note, forecast_rows
from detente.report.numbers import MODEL_CERTAIN, MODEL_CERTAIN_NOTE, model_certain, percent_text
from detente.report.render import render_html, render_markdown

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = [
    "Figure",
    "Paragraph",
    "Quote",
    "Report",
    "Section",
    "Subheading",
    "Table",
    "build_report",
    "render_html",
    "render_markdown",
    "report_format",
]


SENSITIVITY_RUNS = 256
"""Most Monte Carlo draws per swing of the sensitivity analysis."""
_SKIPPED = "Not requested (--no-sensitivity)."


def _num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else percent_text(value)


def _pct_model(value: float | None) -> str:
    """A dated-model probability as a percentage, marked when exactly 0 or 1 (certain
    within the model only, :data:`~detente.report.numbers.MODEL_CERTAIN_NOTE`)."""
    return _pct(value) + (MODEL_CERTAIN if value is not None and model_certain(value) else "")


# -- sections ------------------------------------------------------------------------


def _summary(scenario: Scenario, source: str | None) -> Section:
    section = Section("scenario", "Scenario")
    if scenario.description.strip():
        section.blocks.append(Paragraph(scenario.description.strip()))
    facts = [("As of", scenario.as_of.isoformat()), ("Horizon", scenario.horizon.isoformat())]
    if source:
        facts.append(("Read from", source))
    if scenario.agreement is not None:
        facts.append(("Agreement", scenario.agreement.name))
    section.blocks.append(Table(("", ""), [(k, v) for k, v in facts]))
    section.blocks.append(Subheading("Issues"))
    rows = []
    for issue in scenario.issues:
        anchors = "; ".join(f"{k:g}: {v}" for k, v in sorted(issue.anchors.items()))
        sq = "—" if issue.status_quo is None else issue.status_quo.describe()
        rows.append((issue.name, f"{issue.scale[0]:g}–{issue.scale[1]:g}", sq, anchors))
    section.blocks.append(Table(("Issue", "Scale", "Status quo", "Labelled points"), rows))
    section.blocks.append(Subheading("Actors"))
    rows = []
    for actor in scenario.actors:
        stances = "; ".join(
            f"{scenario.issue(i).id}: position {s.position.describe()}, "
            f"salience {s.salience.describe('.2g')}"
            for i, s in actor.stances.items()
        )
        motives = "; ".join(f"{m.description} ({m.weight.describe()})" for m in actor.motives)
        rows.append((actor.name, actor.capability.describe(), stances or "—", motives or "—"))
    section.blocks.append(Table(("Actor", "Capability", "Stances", "Motives (weight)"), rows))
    if scenario.dates:
        section.blocks.append(Subheading("Key dates"))
        dated = [(d.date.isoformat(), d.label) for d in scenario.dates]
        section.blocks.append(Table(("Date", "What"), dated))
    if scenario.sources:
        section.blocks.append(Subheading("Sources"))
        cited = []
        for src in scenario.sources:
            parts = [src.author, src.outlet, src.date.isoformat() if src.date else None, src.url]
            cited.append((src.id, src.title, ", ".join(p for p in parts if p)))
        section.blocks.append(Table(("Id", "Title", "Where"), cited))
    return section


def _evidence(scenario: Scenario) -> Section:
    section = Section("evidence", "Evidence: where the numbers come from")
    if not scenario.evidence:
        section.omitted = "The scenario cites no evidence for its numbers."
        return section
    titles = {
        s.id: ", ".join(p for p in (s.author, s.outlet) if p) or s.title for s in scenario.sources
    }
    for entry in scenario.evidence:
        source = None if entry.source is None else titles.get(entry.source, entry.source)
        section.blocks.append(Quote(entry.about, entry.quote, source, entry.judgment))
    return section


def _forecasts(scenario: Scenario, document: dict[str, Any], fmt: ImageFormat) -> Section:
    section = Section("forecasts", "Forecasts on each issue")
    models = [(m["name"], m["citation"]) for m in document["models"]]
    section.blocks.append(Table(("Model", "Source"), models))
    if has_comparison(document):
        block = document["comparison"]
        section.blocks.append(Subheading(COMPARISON_TITLE))
        section.blocks.append(Table(comparison_headers(block), comparison_rows(block)))
        section.blocks.append(Paragraph(comparison_caption(block)))
    for issue in document["issues"]:
        section.blocks.append(Subheading(issue["name"]))
        picture = figures.forecast_figure(scenario, issue, fmt=fmt)
        section.blocks.append(Figure(picture, fmt, f"Forecasts on {issue['name']}"))
        section.blocks.append(
            Table(("Model", "Forecast", "Nearest labelled point", "Note"), forecast_rows(issue))
        )
    return section


def _two_level(scenario: Scenario, document: dict[str, Any], fmt: ImageFormat) -> Section:
    section = Section("two-level", "Two-level game: can each side ratify?")
    agreement = document.get("agreement")
    if agreement is None:
        section.omitted = "The scenario names no agreement with signatories to judge."
        return section
    head, *lines = agreement["explanation"].splitlines()
    section.blocks.append(Paragraph(head, strong=True))
    section.blocks.extend(Paragraph(line) for line in lines)
    for issue in scenario.issues:
        verdict = agreement["issues"][issue.id]
        picture = figures.two_level_figure(scenario, issue.id, verdict, fmt=fmt)
        section.blocks.append(Figure(picture, fmt, f"Win-sets on {issue.name}"))
    return section


def _trajectories(document: dict[str, Any], fmt: ImageFormat) -> Section:
    section = Section("trajectories", "Rounds: who moves, and where to")
    found = [
        (issue["name"], entry)
        for issue in document["issues"]
        for entry in issue["forecasts"]
        if entry.get("rounds")
    ]
    if not found:
        section.omitted = "No model with rounds (expected-utility, exchange, smp) was run."
        return section
    scales = {issue["name"]: tuple(issue["scale"]) for issue in document["issues"]}
    for name, entry in found:
        title = f"{name}: {entry['model']}"
        section.blocks.append(Subheading(title))
        section.blocks.append(
            Paragraph(f"Forecast {entry['outcome']:.1f}: {forecast_note(entry)}.")
        )
        picture = figures.trajectories_figure(entry["rounds"], title, scale=scales[name], fmt=fmt)
        section.blocks.append(Figure(picture, fmt, f"{entry['model']} rounds on {name}"))
    return section


def _agreement_curve(
    scenario: Scenario,
    runs: int,
    seed: int,
    fmt: ImageFormat,
    progress: Callable[[int], None] | None,
) -> Section:
    section = Section("agreement-curve", "Whether and when: P(agreement signed by date)")
    if scenario.agreement is None:
        section.omitted = "The scenario names no agreement, so there is nothing to be signed."
        return section
    from detente.scenario_edits import dated_model
    from detente.uncertainty import run_monte_carlo

    model = dated_model(scenario)
    if model is None:
        section.omitted = "No dated model is registered to say when an agreement is signed."
        return section
    from detente.models.two_level import MODEL as TWO_LEVEL

    result = run_monte_carlo(
        scenario, runs=runs, seed=seed, models=[model.name, TWO_LEVEL.name], progress=progress
    )
    if result.agreement is None:
        section.omitted = "The Monte Carlo run returned no agreement curve."
        return section
    summary = result.agreement.to_dict()
    _calibrated(scenario, summary, section, result.possible.get(TWO_LEVEL.name))
    final = summary["by"][max(summary["by"])] if summary["by"] else None
    section.blocks.append(Subheading("The structural model alone"))
    section.blocks.append(
        Paragraph(
            f"Model {summary['model']}, {result.runs:,} draws of every uncertain number "
            f"(seed {result.seed}); the band holds 90% of the draws. "
            f"P(signed by the horizon) = {_pct_model(final)}; median time to signature: "
            f"{summary['median_time'] or 'not reached by the horizon'}. No route outside the "
            "scenario: the calibrated forecast above adds them."
        )
    )
    picture = figures.agreement_curve_figure(result, title=scenario.title, fmt=fmt)
    section.blocks.append(Figure(picture, fmt, "P(agreement signed by date)"))
    rows = []
    for day, p in summary["by"].items():
        band = summary["by_interval"][day]
        interval = f"{_pct_model(band['p05'])}–{_pct_model(band['p95'])}"
        rows.append((day, summary["labels"].get(day, ""), _pct_model(p), interval))
    section.blocks.append(Table(("Date", "What", "P(signed by)", "90% of draws"), rows))
    shown = (final, *(v for b in summary["by_interval"].values() for v in (b["p05"], b["p95"])))
    if any(v is not None and model_certain(v) for v in shown):
        section.blocks.append(Paragraph(MODEL_CERTAIN_NOTE))
    return section


def _calibrated(
    scenario: Scenario, summary: dict[str, Any], section: Section, zone_share: float | None
) -> None:
    """The calibrated whether-and-when forecast (docs/calibration.md): the headline, first;
    ``zone_share`` (the share of draws with a zone now) lets it warn on a knife edge."""
    from detente.analysis.case_backtest import static_verdict
    from detente.outside_view.whether_when import calibrated_by_date
    from detente.report import calibrated_table as calibrated

    block = calibrated_by_date(
        scenario, summary["by"], static_verdict(scenario), zone_share=zone_share
    )
    section.blocks.append(Subheading(calibrated.calibrated_title(block)))
    section.blocks.append(Paragraph(calibrated.calibrated_caption(block)))
    section.blocks.append(Table(calibrated.CALIBRATED_HEADERS, calibrated.calibrated_rows(block)))


def _sensitivity(scenario: Scenario, runs: int, seed: int, fmt: ImageFormat) -> Section:
    section = Section("sensitivity", "What moves the forecast: sensitivity")
    from detente.analysis.headline_numbers import P_AGREEMENT, P_CALIBRATED
    from detente.analysis.one_at_a_time import one_at_a_time

    result = one_at_a_time(scenario, runs=runs, seed=seed)
    metric = result.headline()
    if metric is None:
        section.omitted = "No parameter given as a range moves any headline number."
        return section
    label = next(m.label for m in result.metrics if m.id == metric)
    draws = f" ({runs:,} draws, seed {seed})" if metric in (P_AGREEMENT, P_CALIBRATED) else ""
    section.blocks.append(
        Paragraph(
            f"Each parameter the analyst gave as a range is set to its low and then its high "
            f"end, every other parameter at its most likely value; shown: {label}{draws}."
        )
    )
    picture = figures.tornado_figure(result, metric, fmt=fmt)
    section.blocks.append(Figure(picture, fmt, f"Sensitivity of {label}"))
    rows = []
    for swing in result.ranked(metric)[:12]:
        if swing.effects.get(metric, 0.0) <= 0:
            break
        value = swing.parameter.value
        low, high = (
            float("nan") if v is None else v
            for v in (swing.low.get(metric), swing.high.get(metric))
        )
        rows.append((swing.parameter.path, value.describe(), f"{low:.3g}", f"{high:.3g}"))
    if rows:
        section.blocks.append(Table(("Parameter", "Value (range)", "At low", "At high"), rows))
    failed = [f"{s.parameter.path} ({s.error})" for s in result.swings if not s.evaluated]
    if failed:  # reported, never passed off as no effect
        section.blocks.append(Paragraph("Not evaluated (invalid at its low or high): "
                                        + "; ".join(failed) + "."))  # fmt: skip
    return section


def build_report(
    scenario: Scenario,
    *,
    source: str | None = None,
    runs: int = 2000,
    seed: int = 0,
    image_format: ImageFormat = "svg",
    sensitivity: bool = True,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Run the library on ``scenario`` and gather every section of the report.

    Parameters
    ----------
    scenario:
        The scenario reported on.
    source:
        Where it was read from (shown in the summary).
    runs, seed:
        Monte Carlo draws and root seed of the P(agreement by date) curve; the
        sensitivity analysis uses at most :data:`SENSITIVITY_RUNS` of them per swing.
    image_format:
        ``"svg"`` or ``"png"`` for every figure.
    sensitivity:
        Run the sensitivity analysis (the slowest section); when false, it is noted
        as skipped.
    progress:
        Called with the number of Monte Carlo draws done so far.
    """
    from detente.forecasting import forecast_document, run_models

    sensitivity_runs = min(runs, SENSITIVITY_RUNS)

    document = forecast_document(scenario, run_models(scenario, rng=seed), source=source)
    sections = [
        _summary(scenario, source),
        _forecasts(scenario, document, image_format),
        _two_level(scenario, document, image_format),
        _agreement_curve(scenario, runs, seed, image_format, progress),
        _trajectories(document, image_format),
        _sensitivity(scenario, sensitivity_runs, seed, image_format)
        if sensitivity
        else Section("sensitivity", "What moves the forecast: sensitivity", [], _SKIPPED),
        _evidence(scenario),
    ]
    subtitle = (
        f"As of {scenario.as_of.isoformat()}, forecast to {scenario.horizon.isoformat()}. "
        f"detente {__version__}; Monte Carlo: {runs:,} draws, seed {seed}."
    )
    return Report(scenario.title, subtitle, sections)


# -- files ---------------------------------------------------------------------------

FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}


def report_format(path: str | os.PathLike[str]) -> str:
    """``"html"`` or ``"markdown"`` from the file suffix; a :class:`DetenteError` else."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise DetenteError(
            f"{path}: cannot tell the report format from the suffix {suffix or '(none)'!r}; "
            f"use one of {', '.join(sorted(FORMATS))}"
        )
    return FORMATS[suffix]
