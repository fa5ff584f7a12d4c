"""A forecast report as one self-contained HTML or Markdown file.

:func:`build_report` runs the library (models, two-level verdict, Monte Carlo,
sensitivity) on a scenario and gathers a :class:`Report`: sections of plain blocks
(paragraphs, tables, quotes, figures). :func:`render_html` and :func:`render_markdown`
turn the same report into text, so the two formats never disagree; every figure is
embedded as a ``data:`` URI (SVG in HTML, PNG in Markdown by default), so the file needs
nothing else to be read: no asset files, no scripts, no network.

A section whose engine is not installed (or does not apply to the scenario) is kept
as its title and a one-line note saying why it is omitted.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente import __version__
from detente.errors import DetenteError
from detente.report import figures
from detente.report.figures import ImageFormat, data_uri
from detente.report.forecast_tables import forecast_note, forecast_rows
from detente.report.markdown import markdown_table, markdown_text
from detente.report.safe_text import terminal_safe

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


@dataclass(frozen=True)
class Paragraph:
    text: str
    strong: bool = False


@dataclass(frozen=True)
class Subheading:
    text: str


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]


@dataclass(frozen=True)
class Quote:
    """An evidence entry: the parameter it backs, the quote, its source, the judgment."""

    about: str
    quote: str | None
    source: str | None
    judgment: str | None


@dataclass(frozen=True)
class Figure:
    content: str | bytes
    fmt: ImageFormat
    alt: str

    @property
    def uri(self) -> str:
        return data_uri(self.content, self.fmt)


Block = Paragraph | Subheading | Table | Quote | Figure


@dataclass
class Section:
    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    omitted: str | None = None


@dataclass
class Report:
    title: str
    subtitle: str
    sections: list[Section]


SENSITIVITY_RUNS = 256
"""Most Monte Carlo draws per swing of the sensitivity analysis."""
_SKIPPED = "Not requested (--no-sensitivity)."


def _num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


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
    section = Section("trajectories", "Expected-utility rounds: who moves, and where to")
    found = [
        (issue["name"], entry)
        for issue in document["issues"]
        for entry in issue["forecasts"]
        if entry.get("rounds")
    ]
    if not found:
        section.omitted = "No model with rounds (expected-utility) was run."
        return section
    scales = {issue["name"]: tuple(issue["scale"]) for issue in document["issues"]}
    for name, entry in found:
        section.blocks.append(Subheading(name))
        section.blocks.append(
            Paragraph(f"Forecast {entry['outcome']:.1f}: {forecast_note(entry)}.")
        )
        picture = figures.trajectories_figure(entry["rounds"], name, scale=scales[name], fmt=fmt)
        section.blocks.append(Figure(picture, fmt, f"Expected-utility rounds on {name}"))
    return section


def _agreement_curve(
    scenario: Scenario,
    runs: int,
    seed: int,
    fmt: ImageFormat,
    progress: Callable[[int], None] | None,
) -> Section:
    section = Section("agreement-curve", "When: P(agreement signed by date)")
    if scenario.agreement is None:
        section.omitted = "The scenario names no agreement, so there is nothing to be signed."
        return section
    from detente.scenario_edits import dated_model
    from detente.uncertainty import run_monte_carlo

    model = dated_model(scenario)
    if model is None:
        section.omitted = "No dated model is registered to say when an agreement is signed."
        return section
    result = run_monte_carlo(scenario, runs=runs, seed=seed, models=[model.name], progress=progress)
    if result.agreement is None:
        section.omitted = "The Monte Carlo run returned no agreement curve."
        return section
    summary = result.agreement.to_dict()
    final = summary["by"][max(summary["by"])] if summary["by"] else None
    section.blocks.append(
        Paragraph(
            f"Model {summary['model']}, {result.runs:,} draws of every uncertain number "
            f"(seed {result.seed}); the band holds 90% of the draws. "
            f"P(signed by the horizon) = {_pct(final)}; median time to signature: "
            f"{summary['median_time'] or 'not reached by the horizon'}."
        )
    )
    picture = figures.agreement_curve_figure(result, title=scenario.title, fmt=fmt)
    section.blocks.append(Figure(picture, fmt, "P(agreement signed by date)"))
    rows = []
    for day, p in summary["by"].items():
        band = summary["by_interval"][day]
        interval = f"{_pct(band['p05'])}–{_pct(band['p95'])}"
        rows.append((day, summary["labels"].get(day, ""), _pct(p), interval))
    section.blocks.append(Table(("Date", "What", "P(signed by)", "90% of draws"), rows))
    _calibrated(scenario, summary, section)
    return section


def _calibrated(scenario: Scenario, summary: dict[str, Any], section: Section) -> None:
    """The calibrated whether-and-when forecast (docs/calibration.md) below the model's."""
    from detente.analysis.case_backtest import static_verdict
    from detente.outside_view.whether_when import calibrated_by_date
    from detente.report import calibrated_table as calibrated

    block = calibrated_by_date(scenario, summary["by"], static_verdict(scenario))
    section.blocks.append(Subheading(calibrated.calibrated_title(block)))
    section.blocks.append(Paragraph(calibrated.calibrated_caption(block)))
    section.blocks.append(Table(calibrated.CALIBRATED_HEADERS, calibrated.calibrated_rows(block)))


def _sensitivity(scenario: Scenario, runs: int, seed: int, fmt: ImageFormat) -> Section:
    section = Section("sensitivity", "What moves the forecast: sensitivity")
    from detente.analysis.one_at_a_time import one_at_a_time

    result = one_at_a_time(scenario, runs=runs, seed=seed)
    metric = result.headline()
    if metric is None:
        section.omitted = "No parameter given as a range moves any headline number."
        return section
    label = next(m.label for m in result.metrics if m.id == metric)
    section.blocks.append(
        Paragraph(
            f"Each parameter the analyst gave as a range is set to its low and then its high "
            f"end, every other parameter at its most likely value; shown: {label}"
            f"{f' ({runs:,} draws, seed {seed})' if metric == 'p_agreement' else ''}."
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


# -- HTML ----------------------------------------------------------------------------

_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;
margin:0 auto;max-width:1040px;padding:24px 32px 64px}
h1{font-size:1.6em;margin:.2em 0}h2{border-bottom:2px solid #1f5fa8;padding-bottom:4px;
margin-top:2em}h3{margin:1.4em 0 .4em}.subtitle{color:#555}
nav ol{columns:2;padding-left:1.2em}table{border-collapse:collapse;margin:.6em 0;width:100%;
font-size:.9em}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f5f8}figure{margin:1em 0}figure img{width:100%;max-width:980px;height:auto}
figcaption{color:#666;font-size:.85em}.note{color:#777;font-style:italic}
blockquote{margin:.35em 0;padding:.25em .8em;border-left:3px solid #1f5fa8;
background:#f7f9fc;font-size:.9em}blockquote cite{color:#555}
blockquote .about{display:block;font-family:ui-monospace,monospace;font-size:.85em;
color:#1f5fa8}blockquote .judgment{display:block;color:#555;font-size:.92em}.strong{font-weight:600}
footer{margin-top:3em;color:#777;font-size:.85em}
"""


def _html_text(text: str) -> str:
    """``text`` escaped for HTML, control characters made visible."""
    return html.escape(terminal_safe(text))


def _html_block(block: Block) -> str:
    esc = _html_text
    if isinstance(block, Paragraph):
        cls = ' class="strong"' if block.strong else ""
        return f"<p{cls}>{esc(block.text)}</p>"
    if isinstance(block, Subheading):
        return f"<h3>{esc(block.text)}</h3>"
    if isinstance(block, Table):
        head = "".join(f"<th>{esc(h)}</th>" for h in block.headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in block.rows
        )
        thead = f"<thead><tr>{head}</tr></thead>" if any(block.headers) else ""
        return f"<table>{thead}<tbody>{body}</tbody></table>"
    if isinstance(block, Quote):
        parts = [f'<span class="about">{esc(block.about)}</span> ']
        if block.quote:
            parts.append(f"“{esc(block.quote)}”")
        if block.source:
            parts.append(f" — <cite>{esc(block.source)}</cite>")
        if block.judgment:
            parts.append(f'<span class="judgment">Judgment: {esc(block.judgment)}</span>')
        return "<blockquote>" + "".join(parts) + "</blockquote>"
    return (
        f'<figure><img src="{block.uri}" alt="{esc(block.alt)}">'
        f"<figcaption>{esc(block.alt)}</figcaption></figure>"
    )


def render_html(report: Report) -> str:
    """The report as one HTML page: inline CSS, images as data URIs, no scripts."""
    esc = _html_text
    toc = "".join(f'<li><a href="#{s.id}">{esc(s.title)}</a></li>' for s in report.sections)
    body = []
    for section in report.sections:
        body.append(f'<section id="{section.id}"><h2>{esc(section.title)}</h2>')
        if section.omitted is not None:
            body.append(f'<p class="note omitted">Omitted: {esc(section.omitted)}</p>')
        body.extend(_html_block(block) for block in section.blocks)
        body.append("</section>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(report.title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{esc(report.title)}</h1>"
        f'<p class="subtitle">{esc(report.subtitle)}</p></header>'
        f"<nav><ol>{toc}</ol></nav>{''.join(body)}"
        "<footer>Made with detente. Every figure is embedded in this file.</footer>"
        "</body></html>\n"
    )


# -- Markdown ------------------------------------------------------------------------


def _md_block(block: Block) -> str:
    esc = markdown_text
    if isinstance(block, Paragraph):
        return f"**{esc(block.text)}**" if block.strong else esc(block.text)
    if isinstance(block, Subheading):
        return f"### {esc(block.text)}"
    if isinstance(block, Table):
        return "\n".join(markdown_table(block.headers, block.rows))
    if isinstance(block, Quote):
        text = f"> {esc(block.about)}"
        if block.quote:
            text += f"<br>\n> “{esc(block.quote)}”"
            if block.source:
                text += f" — *{esc(block.source)}*"
        if block.judgment:
            text += f"<br>\n> Judgment: {esc(block.judgment)}"
        return text
    return f"![{esc(block.alt)}]({block.uri})"


def render_markdown(report: Report) -> str:
    """The report as Markdown, images as data URIs (PNG displays in most viewers).

    Every text from the scenario is escaped (:mod:`detente.report.markdown`), so a name
    holding HTML or Markdown shows as written and injects nothing.
    """
    esc = markdown_text
    out = [f"# {esc(report.title)}", "", esc(report.subtitle), ""]
    out += [f"{k}. [{esc(s.title)}](#{s.id})" for k, s in enumerate(report.sections, start=1)]
    for section in report.sections:
        out += ["", f'<a id="{section.id}"></a>', "", f"## {esc(section.title)}", ""]
        if section.omitted is not None:
            out += [f"*Omitted: {esc(section.omitted)}*"]
        for block in section.blocks:
            out += [_md_block(block), ""]
    return "\n".join(out).rstrip() + "\n"


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
