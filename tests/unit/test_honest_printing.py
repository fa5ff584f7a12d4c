"""Printed numbers that read as certainties, and the order of the whether-and-when tables.

* A dated-model probability of exactly 1 (tests/data/fisheries_zone_now.yaml: a zone of
  agreement at as_of and no signing lag, so the model signs at its first step in every
  draw) is marked as certain within the model only, with the reason.
* A share of draws that is all of them reads "all N", not 1.00.
* Percentages never round an uncertain value to 0% or 100%.
* The report puts the calibrated forecast (the headline) before the structural model.
* A model's forecast at the modes outside its own band across draws (the default
  scenario: the weighted median sits at 100 at the modes, its band 2.8-99.0) is marked.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.io.scenario_file import load_scenario
from detente.report import blocks as doc
from detente.report.comparison_tables import OUTSIDE_BAND, outside_band
from detente.report.document import build_report
from detente.report.numbers import (
    MODEL_CERTAIN,
    model_probability_text,
    percent_text,
)

from cli_helpers import run_cli

FISHERIES = Path(__file__).resolve().parents[1] / "data" / "fisheries_zone_now.yaml"


def test_percent_text_by_hand() -> None:
    assert percent_text(1.0) == "100%" and percent_text(0.0) == "0%"
    assert percent_text(0.5) == "50%"
    # 0.999 rounds to 100% at 0 decimals, so one more: 99.9%
    assert percent_text(0.999) == "99.9%"
    assert percent_text(0.0004) == "0.04%"
    assert percent_text(0.99999) == ">99.99%" and percent_text(1e-6) == "<0.01%"


def test_model_probability_text_marks_exactly_zero_and_one() -> None:
    assert model_probability_text(1.0) == "1.00" + MODEL_CERTAIN
    assert model_probability_text(0.9999) == ">0.999"
    assert model_probability_text(0.0) == "0.00" + MODEL_CERTAIN
    assert model_probability_text(1e-6) == "<0.001"


def test_the_forecast_table_marks_and_explains_a_dated_zero(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # the default scenario: no zone at the modes, so the dated model at the modes signs on
    # no path (exactly 0 within the model); the table marks it and says why
    code, out, err = run_cli(capsys, "forecast", "--no-store")
    assert code == 0, err
    text = " ".join(out.split())
    assert "P(agreement) 0.00" + MODEL_CERTAIN in text
    assert "Exactly 0 or 1 within the structural model only" in text


def test_the_structural_table_says_why_it_prints_one(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("forecast", str(FISHERIES), "--runs", "32", "-q", "--no-store")
    code, out, err = run_cli(capsys, *args, "-f", "json")
    assert code == 0, err
    by = json.loads(out)["agreement"]["by"]
    # the dated model signs at its first step in every draw: exactly 1 at every date
    assert set(by.values()) == {1.0}
    code, out, err = run_cli(capsys, *args)
    assert code == 0, err
    structural = out[out.index("The structural model alone") :]
    assert f"1.00{MODEL_CERTAIN}" in structural
    assert "Exactly 0 or 1 within the structural model only" in " ".join(structural.split())
    assert "all 32" in structural  # every draw has a zone: a count, not "1.00"
    # the calibrated forecast above it is never 1
    calibrated = out[: out.index("The structural model alone")]
    assert f"1.00{MODEL_CERTAIN}" not in calibrated and "1.000 " not in calibrated


def test_whatif_at_the_modes_says_why_it_prints_one(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(
        capsys, "whatif", str(FISHERIES), "-s", "fleet.capability=2", "--runs", "0", "--no-store"
    )
    assert code == 0, err
    assert f"1.00{MODEL_CERTAIN} (unchanged), at the" in out.replace("\n", " ")
    assert "Exactly 0 or 1 within the structural model only" in out.replace("\n", " ")


def _blocks_text(section: doc.Section) -> list[str]:
    out = []
    for block in section.blocks:
        if isinstance(block, doc.Subheading):
            out.append(f"subheading:{block.text}")
        elif isinstance(block, doc.Table):
            out.append(f"table:{block.headers[1]}")
    return out


def test_the_report_puts_the_calibrated_forecast_first() -> None:
    scenario = load_scenario(FISHERIES)
    report = build_report(scenario, runs=16, seed=0, sensitivity=False)
    section = next(s for s in report.sections if s.id == "agreement-curve")
    order = _blocks_text(section)
    calibrated = next(k for k, t in enumerate(order) if t.startswith("subheading:Whether and"))
    structural = order.index("subheading:The structural model alone")
    assert calibrated == 0 and structural > calibrated
    assert order[calibrated + 1] == "table:Forecast"  # the calibrated table, before the model's
    text = " ".join(b.text for b in section.blocks if isinstance(b, doc.Paragraph))
    assert "Exactly 0 or 1 within the structural model only" in text
    tables = [b.rows for b in section.blocks if isinstance(b, doc.Table)]
    assert "100%" + MODEL_CERTAIN in str(tables[-1])


def test_a_forecast_outside_its_band_is_marked(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "forecast", "--runs", "64", "-q", "--no-store", "-f", "json")
    assert code == 0, err
    block = json.loads(out)["comparison"]
    territory = next(i for i in block["issues"] if i["id"] == "territory")
    median = next(r for r in territory["forecasts"] if r["model"] == "median")
    # at the modes the weighted median of positions is the scale's end, 100, while
    # across draws it is below it (its band ends under 100)
    assert median["outcome"] == 100.0 and median["band"]["p95"] < 100.0
    assert outside_band(median)
    compromise = next(r for r in territory["forecasts"] if r["model"] == "compromise")
    assert not outside_band(compromise)  # 53.0 inside its band
    code, out, err = run_cli(capsys, "forecast", "--runs", "64", "-q", "--no-store")
    assert code == 0, err
    assert f"100.0{OUTSIDE_BAND}" in out
    assert "lies outside the model's own band" in out.replace("\n", " ")


def test_outside_band_by_hand() -> None:
    row = {"outcome": 10.0, "outcome_kind": "forecast", "band": {"p05": 2.0, "p95": 9.0}}
    assert outside_band(row)
    assert not outside_band({**row, "outcome": 9.0})  # on the edge is inside
    assert not outside_band({**row, "band": None})
    assert not outside_band({**row, "outcome_kind": "status_quo"})
    # a new user's case: the point 45.0 and p05 45.00485 both print 45.0, so no mark
    printed_inside = {"outcome": 45.0, "outcome_kind": "forecast",
                      "band": {"p05": 45.00485, "p95": 76.8}}  # fmt: skip
    assert not outside_band(printed_inside)
    assert outside_band({**printed_inside, "band": {"p05": 45.06, "p95": 76.8}})
