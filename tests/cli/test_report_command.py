"""``detente report`` as a user runs it: one file out, exit codes, one-line errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cli_helpers import run_cli as run

pytest.importorskip("matplotlib", reason="reports draw with matplotlib (detente[plot])")

from detente.scenarios import embedded_text, load_embedded


def test_report_html_from_the_command_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "report.html"
    code, out, err = run(
        capsys, "report", "-o", str(target), "--runs", "128", "--seed", "3", "--no-sensitivity"
    )
    assert code == 0 and out == ""
    summary = (
        rf"wrote {re.escape(str(target))} \(\d sections; omitted: (\S+, )*sensitivity\)\n"
        r"recorded as run 1 in \S+\n"
    )
    assert re.fullmatch(summary, err)
    text = target.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    for section in ("scenario", "forecasts", "two-level", "evidence"):
        assert f'<section id="{section}">' in text
    sources = re.findall(r'<img src="([^"]+)"', text)
    assert sources and all(s.startswith("data:image/svg+xml;base64,") for s in sources)
    assert "http://" not in text and "https://" not in text
    assert load_embedded().title in text
    assert "128 draws, seed 3" in text
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temp file left over


def test_report_markdown_of_a_named_scenario(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "whatif.md"
    code, _, _ = run(
        capsys, "report", "russia_japan_2018_whatif", "-o", str(target), "-q", "--runs", "64"
    )
    assert code == 0
    text = target.read_text(encoding="utf-8")
    assert text.startswith(f"# {load_embedded('russia_japan_2018_whatif').title}\n")
    assert "](data:image/png;base64," in text
    assert "## Forecasts on each issue" in text
    # the full pipeline, sensitivity included: its section holds a tornado, not a note
    sensitivity = text.split("## What moves the forecast: sensitivity\n", 1)[1].split("\n## ")[0]
    assert "](data:image/png;base64," in sensitivity and "*Omitted:" not in sensitivity


def test_svg_images_in_markdown_on_request(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "r.md"
    code, _, _ = run(
        capsys,
        "report",
        "-o",
        str(target),
        "-q",
        "--runs",
        "1",
        "--images",
        "svg",
        "--no-sensitivity",
    )
    assert code == 0
    text = target.read_text(encoding="utf-8")
    assert "](data:image/svg+xml;base64," in text and "data:image/png" not in text


def test_an_unknown_suffix_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "report", "-o", str(tmp_path / "report.pdf"))
    assert code == 2 and out == ""
    assert err.startswith("detente: error: ") and err.count("\n") == 1
    assert "'.pdf'" in err and ".html" in err and ".md" in err
    assert list(tmp_path.iterdir()) == []


def test_an_invalid_scenario_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(embedded_text().replace("horizon: 2025-12-31", "horizon: soon"), "utf-8")
    target = tmp_path / "report.html"
    code, _, err = run(capsys, "report", str(bad), "-o", str(target))
    assert code == 2
    line = 1 + embedded_text().splitlines().index("horizon: 2025-12-31")
    assert err.startswith(f"detente: error: {bad}:{line}: horizon: expected a date")
    assert not target.exists()


def test_report_needs_an_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "report")
    assert code == 2 and "--output" in err
