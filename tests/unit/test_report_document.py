"""The report file: sections present, figures embedded as data URIs, nothing fetched."""

from __future__ import annotations

import base64
import io
from html.parser import HTMLParser

import pytest

pytest.importorskip("matplotlib", reason="reports draw with matplotlib (detente[plot])")

from detente.errors import DetenteError
from detente.report import document as doc
from detente.scenario import Scenario
from detente.scenarios import load_embedded

ORDER = [
    "scenario",
    "forecasts",
    "two-level",
    "agreement-curve",
    "trajectories",
    "sensitivity",
    "evidence",
]


class Page(HTMLParser):
    """Every tag with its attributes, and the text under each section."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.sections: dict[str, list[str]] = {}
        self._section: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "section":
            self._section = attributes.get("id")
            self.sections[self._section or ""] = []

    def handle_data(self, data: str) -> None:
        if self._section is not None:
            self.sections[self._section].append(data)

    def text(self, section: str) -> str:
        return " ".join(" ".join(self.sections[section]).split())


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_embedded()


@pytest.fixture(scope="module")
def report(scenario: Scenario) -> doc.Report:
    return doc.build_report(scenario, source="russia_japan_2018", runs=256, seed=0)


@pytest.fixture(scope="module")
def page(report: doc.Report) -> tuple[str, Page]:
    text = doc.render_html(report)
    parsed = Page()
    parsed.feed(text)
    return text, parsed


def test_sections_come_in_order_each_present_or_noted(report: doc.Report) -> None:
    assert [s.id for s in report.sections] == ORDER
    for section in report.sections:
        if section.omitted is not None:
            assert section.blocks == [] and section.omitted.strip()
        else:
            assert section.blocks, section.id
    present = [s.id for s in report.sections if s.omitted is None]
    # the default scenario has an agreement and every engine ships, so all are there
    assert {
        "scenario",
        "forecasts",
        "two-level",
        "trajectories",
        "agreement-curve",
        "evidence",
    } <= set(present)


def test_html_is_one_file_with_every_image_inline(page: tuple[str, Page]) -> None:
    text, parsed = page
    assert text.startswith("<!DOCTYPE html>")
    tags = [tag for tag, _ in parsed.tags]
    assert "script" not in tags and "link" not in tags and "iframe" not in tags
    images = [attrs["src"] or "" for tag, attrs in parsed.tags if tag == "img"]
    # two issues: one forecast figure and one two-level figure each, at least
    assert len(images) >= 4
    for src in images:
        assert src.startswith("data:image/svg+xml;base64,")
        svg = base64.b64decode(src.split(",", 1)[1]).decode("utf-8")
        assert "<svg" in svg and 'xlink:href="http' not in svg and "<image" not in svg
    assert "http://" not in text and "https://" not in text
    assert "url(" not in text and "@import" not in text
    links = [attrs.get("href") for tag, attrs in parsed.tags if tag == "a"]
    assert links and all((href or "").startswith("#") for href in links)


def test_html_sections_say_what_the_models_say(page: tuple[str, Page], scenario: Scenario) -> None:
    _, parsed = page
    assert set(parsed.sections) == set(ORDER)
    summary = parsed.text("scenario")
    for actor in scenario.actors:
        assert actor.name in summary
    forecasts = parsed.text("forecasts")
    for model in ("compromise", "median", "nash", "two-level"):
        assert model in forecasts
    assert "100: no territorial change" in forecasts
    two_level = parsed.text("two-level")
    assert "No agreement is possible now" in two_level
    assert "The gap of 35 points" in two_level  # 85 (Russian public) - 50 (Japan)
    evidence = parsed.text("evidence")
    quoted = [e.quote for e in scenario.evidence if e.quote]
    assert quoted and all(q.split()[0] in evidence for q in quoted)
    assert "impossible for Putin to make concessions" in evidence


def test_the_sensitivity_section_ranks_the_bounds_that_set_the_gap(
    page: tuple[str, Page], report: doc.Report
) -> None:
    section = next(s for s in report.sections if s.id == "sensitivity")
    assert section.omitted is None, section.omitted
    _, parsed = page
    text = parsed.text("sensitivity")
    # P(agreement) is 0 whatever one range does, so the tornado shows the two-level gap,
    # which only the four territorial bounds that meet at the gap can move
    assert "two-level gap" in text
    assert "agreement.signatories.russia.ratifiers.russian_public.accepts.territory.0" in text
    assert "actors.russia.capability" not in text
    assert any(isinstance(b, doc.Figure) for b in section.blocks)


def test_the_curve_section_lists_every_named_date(
    page: tuple[str, Page], report: doc.Report, scenario: Scenario
) -> None:
    section = next(s for s in report.sections if s.id == "agreement-curve")
    assert section.omitted is None, section.omitted
    _, parsed = page
    text = parsed.text("agreement-curve")
    for key in scenario.dates:
        assert key.date.isoformat() in text and key.label in text
    assert "256 draws" in text and "seed 0" in text


def test_text_from_the_scenario_is_escaped(scenario: Scenario) -> None:
    data = scenario.to_dict()
    data["title"] = "Treaty <script>alert(1)</script> & co"
    data["evidence"][0]["quote"] = 'He said "<b>no</b>"'
    hostile = Scenario.from_dict(data)
    text = doc.render_html(doc.build_report(hostile, runs=1, seed=0, sensitivity=False))
    assert "<script>" not in text and "<b>no</b>" not in text
    assert "Treaty &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in text
    assert "&lt;b&gt;no&lt;/b&gt;" in text


def test_markdown_has_the_same_sections_with_png_images(scenario: Scenario) -> None:
    report = doc.build_report(scenario, runs=64, seed=0, image_format="png", sensitivity=False)
    text = doc.render_markdown(report)
    assert text.startswith(f"# {scenario.title}\n")
    for section in report.sections:
        assert f"\n## {section.title}\n" in text
        if section.omitted is not None:
            assert f"*Omitted: {section.omitted}*" in text
    images = [line for line in text.splitlines() if line.startswith("![")]
    assert len(images) >= 4
    import matplotlib.image

    for line in images:
        uri = line[line.index("](") + 2 : -1]
        assert uri.startswith("data:image/png;base64,")
        raw = base64.b64decode(uri.split(",", 1)[1])
        pixels = matplotlib.image.imread(io.BytesIO(raw), format="png")
        assert pixels.shape[0] > 100 and pixels.shape[1] > 300
    assert "http://" not in text and "https://" not in text
    assert "| compromise |" in text


def test_a_scenario_without_an_agreement_omits_the_agreement_sections(
    scenario: Scenario,
) -> None:
    data = scenario.to_dict()
    data.pop("agreement")
    data.pop("dynamics", None)  # the dated model's numbers need an agreement
    data["evidence"] = [
        e for e in data["evidence"] if not e["about"].startswith(("agreement", "dynamics"))
    ]
    report = doc.build_report(Scenario.from_dict(data), runs=1, seed=0, sensitivity=False)
    omitted = {s.id: s.omitted for s in report.sections if s.omitted is not None}
    assert {"two-level", "agreement-curve"} <= set(omitted)
    assert "no agreement" in (omitted["two-level"] or "")


def test_the_format_follows_the_suffix() -> None:
    assert doc.report_format("a/report.HTML") == "html"
    assert doc.report_format("report.md") == "markdown"
    with pytest.raises(DetenteError, match=r"'\.pdf'.*\.html.*\.md"):
        doc.report_format("report.pdf")
    with pytest.raises(DetenteError, match="none"):
        doc.report_format("report")
