"""The models side by side (``comparison`` in the forecast document) and ``outcome_kind``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from detente.forecasting import forecast_document, run_models
from detente.model_comparison import model_comparison, outcome_kind
from detente.report.comparison_tables import comparison_rows, has_comparison
from detente.scenarios import load_embedded

from cli_helpers import run_cli


def _document(
    forecasts: list[dict[str, Any]], monte_carlo: dict[str, Any] | None = None
) -> dict[str, Any]:
    issue = {"id": "x", "name": "Issue X", "scale": [0.0, 100.0], "forecasts": forecasts}
    document: dict[str, Any] = {"issues": [issue]}
    if monte_carlo is not None:
        document["monte_carlo"] = monte_carlo
    return document


@pytest.mark.parametrize(
    ("entry", "kind"),
    [
        ({"model": "compromise", "outcome": 52.0}, "forecast"),
        ({"model": "two-level", "outcome": 100.0, "agreement": False}, "status_quo"),
        ({"model": "two-level", "outcome": None, "agreement": False}, "none"),
        ({"model": "two-level", "outcome": 60.0, "agreement": True}, "forecast"),
        ({"model": "nash", "outcome": 100.0, "improves_on_status_quo": False}, "status_quo"),
        ({"model": "deadline-bargaining", "outcome": 30.0, "agreed": None}, "status_quo"),
        ({"model": "deadline-bargaining", "outcome": 40.0, "agreed": 40.0}, "forecast"),
    ],
)
def test_outcome_kind_reads_each_models_no_agreement_flag(entry: dict[str, Any], kind: str) -> None:
    assert outcome_kind(entry) == kind


def test_spread_across_models_by_hand() -> None:
    # forecasts 20, 50, 80 (and a two-level "no agreement" at the status quo 100, left
    # out): low 20, high 80, width 60, median 50, n 3
    block = model_comparison(
        _document(
            [
                {"model": "a", "outcome": 20.0},
                {"model": "b", "outcome": 80.0},
                {"model": "c", "outcome": 50.0},
                {"model": "two-level", "outcome": 100.0, "agreement": False},
            ]
        )
    )
    issue = block["issues"][0]
    assert issue["across_models"] == {
        "n": 3,
        "low": 20.0,
        "high": 80.0,
        "range": 60.0,
        "median": 50.0,
    }
    assert issue["no_agreement"] == ["two-level"]
    assert block["runs"] is None and all(r["band"] is None for r in issue["forecasts"])
    name, *cells, span, width = comparison_rows(block)[0]
    assert (name, cells, span, width) == (
        "Issue X",
        ["20.0", "80.0", "50.0", "no agreement"],
        "20.0–80.0",
        "60.0",
    )


def test_one_forecast_has_no_spread_and_one_model_no_table() -> None:
    document = _document(
        [
            {"model": "a", "outcome": 20.0},
            {"model": "nash", "outcome": 9.0, "improves_on_status_quo": False},
        ]
    )
    document["comparison"] = model_comparison(document)
    assert document["comparison"]["issues"][0]["across_models"] is None
    assert has_comparison(document)  # two models, even if one finds no agreement
    single = _document([{"model": "a", "outcome": 20.0}])
    single["comparison"] = model_comparison(single)
    assert not has_comparison(single)


def test_band_is_the_monte_carlo_interval_only_with_more_than_one_draw() -> None:
    summary = {"mean": 41.0, "median": 40.0, "p05": 31.5, "p95": 48.25, "n": 200}
    run = {"runs": 200, "models": {"a": {"outcome": {"x": summary}}}}
    block = model_comparison(
        _document([{"model": "a", "outcome": 42.0}, {"model": "b", "outcome": 7.0}], run)
    )
    a, b = block["issues"][0]["forecasts"]
    assert a["band"] == {"median": 40.0, "p05": 31.5, "p95": 48.25, "n": 200}
    assert b["band"] is None  # not run on the draws
    assert comparison_rows(block)[0][1:3] == ("42.0\n31.5–48.2", "7.0")
    one = model_comparison(_document([{"model": "a", "outcome": 42.0}], {**run, "runs": 1}))
    assert one["issues"][0]["forecasts"][0]["band"] is None


def test_document_marks_the_status_quo_of_a_model_without_agreement() -> None:
    # the default scenario has no zone of possible agreement (README): the two-level
    # model's outcome on the territory is the status quo, 100, and must say so
    scenario = load_embedded("russia_japan_2018")
    document = forecast_document(scenario, run_models(scenario, ["two-level", "compromise"]))
    rows = {r["model"]: r for r in document["issues"][0]["forecasts"]}
    assert rows["two-level"]["outcome"] == 100.0
    assert rows["two-level"]["outcome_kind"] == "status_quo"
    assert rows["compromise"]["outcome_kind"] == "forecast"
    linkage = {r["model"]: r for r in document["issues"][1]["forecasts"]}
    assert (
        linkage["two-level"]["outcome"] is None and linkage["two-level"]["outcome_kind"] == "none"
    )
    assert document["comparison"]["issues"][0]["no_agreement"] == ["two-level"]


def test_a_stochastic_model_ignores_which_other_models_run() -> None:
    # smp's stochastic transitions draw from a stream keyed by the model's name, so
    # running other models beside it (some of which draw too) changes nothing
    scenario = load_embedded("russia_japan_2018")
    alone = run_models(scenario, ["smp"], rng=3)[0]
    beside = run_models(scenario, ["deadline-bargaining", "expected-utility", "smp"], rng=3)[2]
    assert [i.outcome for i in alone.issues] == [i.outcome for i in beside.issues]


def test_cli_json_and_markdown_carry_the_comparison(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("forecast", "--no-store", "-m", "compromise", "-m", "median", "--runs", "64")
    code, out, _ = run_cli(capsys, *args, "-f", "json")
    document = json.loads(out)
    assert code == 0
    territory = document["comparison"]["issues"][0]
    by_model = {r["model"]: r for r in territory["forecasts"]}
    mc = document["monte_carlo"]["models"]["compromise"]["outcome"]["territory"]
    assert by_model["compromise"]["band"]["p05"] == mc["p05"]
    assert document["comparison"]["runs"] == 64
    code, out, _ = run_cli(capsys, *args, "-f", "markdown")
    assert code == 0 and "## The models side by side" in out
    assert "| Issue | compromise | median | Across models | Spread |" in out


def test_copenhagen_side_by_side_in_the_docs_is_what_forecast_prints(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """docs/models/exchange.md shows the comparison table on decide's Copenhagen file;
    it must be the table the command prints today."""
    from shared_data import DATA, ROOT

    path = DATA / "decide" / "copenhagen.csv"
    if not path.exists():
        pytest.skip(f"needs {path}")
    code, out, _ = run_cli(capsys, "forecast", str(path), "--no-store", "-f", "markdown")
    assert code == 0
    start = out.index("| Issue | compromise |")
    table = out[start : out.index("\n\n", start)]
    assert table in (ROOT / "docs" / "models" / "exchange.md").read_text(encoding="utf-8")
