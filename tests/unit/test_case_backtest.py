"""The case backtest (detente.analysis.case_backtest), its tables and ``detente backtest cases``.

Known answers are worked out by hand on tiny scenarios whose dated-model probability
is known exactly:

* ``overlap``: each signatory and its one ratifier accept bounds that overlap under
  every draw (A accepts at most 60-80, B at least 20-40), so a zone of agreement exists
  at ``as_of`` in every draw and, with the default ``signing_lag`` of 0, the agreement is
  signed in the first step: P = 1 (and the two-level verdict is "possible").
* ``apart``: A's side accepts at most 10-30, B's side at least 60-80, and each ratifier
  holds its signatory's bounds, so no concession by a leader can open a zone (the
  ratifiers' win-sets never meet): P = 0 (two-level: "not possible").
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from detente.analysis.case_backtest import (
    BASE_RATE,
    DATED_AT_MODES,
    DATED_MODEL,
    STATIC_MODEL,
    CaseBacktestResult,
    backtest_cases,
    brier_score,
    calibration_table,
    case_seed,
    dated_probability,
    dated_probability_at_modes,
    load_cases,
    run_case_backtest,
    static_verdict,
)
from detente.errors import DetenteError
from detente.report.case_tables import (
    calibration_rows,
    case_markdown,
    case_rows,
    case_tables,
    score_rows,
)
from detente.scenario import Scenario

from cli_helpers import run_cli as _cli

RUNS = 128  # one seed block: enough for probabilities that are exactly 0 or 1


def _tri(low: float, mode: float, high: float) -> dict[str, float]:
    return {"low": low, "mode": mode, "high": high}


def _case(
    a_high: Any,
    b_low: Any,
    *,
    agreed: bool,
    ratifiers: bool = True,
    motives: bool = False,
    title: str = "Tiny case",
) -> dict[str, Any]:
    """A two-signatory case on one 0-100 issue; A accepts [0, a_high], B [b_low, 100]."""
    a: dict[str, Any] = {"actor": "a", "accepts": {"x": [0, a_high]}}
    b: dict[str, Any] = {"actor": "b", "accepts": {"x": [b_low, 100]}}
    actors: list[dict[str, Any]] = [
        {"id": "a", "name": "A", "capability": 1, "stances": {"x": {"position": 0, "salience": 1}}},
        {
            "id": "b",
            "name": "B",
            "capability": 1,
            "stances": {"x": {"position": 100, "salience": 1}},
        },
    ]
    if motives:
        actors[0]["motives"] = [{"id": "deal", "description": "wants the deal", "weight": 1}]
    if ratifiers:
        a["ratifiers"] = [{"actor": "a_home", "accepts": {"x": [0, a_high]}}]
        b["ratifiers"] = [{"actor": "b_home", "accepts": {"x": [b_low, 100]}}]
        actors += [
            {"id": "a_home", "name": "A's parliament", "capability": 1,
             "stances": {"x": {"position": 0, "salience": 1}}},
            {"id": "b_home", "name": "B's parliament", "capability": 1,
             "stances": {"x": {"position": 100, "salience": 1}}},
        ]  # fmt: skip
    return {
        "schema": "detente/1",
        "title": title,
        "as_of": "2020-01-01",
        "horizon": "2021-01-01",
        "issues": [{"id": "x", "name": "X", "scale": [0, 100], "status_quo": 0}],
        "actors": actors,
        "agreement": {"name": "Deal", "signatories": [a, b]},
        "outcome": {"agreed": agreed, "date": "2020-06-01"},
    }


def overlap(agreed: bool) -> dict[str, Any]:
    return _case(_tri(60, 70, 80), _tri(20, 30, 40), agreed=agreed, title="Overlap")


def apart(agreed: bool) -> dict[str, Any]:
    return _case(_tri(10, 20, 30), _tri(60, 70, 80), agreed=agreed, title="Apart")


def scenario(data: dict[str, Any]) -> Scenario:
    return Scenario.from_dict(data)


# -- pure scores ---------------------------------------------------------------------------


def test_brier_score_by_hand() -> None:
    # (0.2 - 0)^2 + (0.9 - 1)^2 + (0.5 - 1)^2 = 0.04 + 0.01 + 0.25 = 0.30, over 3
    assert brier_score([0.2, 0.9, 0.5], [False, True, True]) == pytest.approx(0.1)
    # a constant 0.5 scores 0.25 whatever happens
    assert brier_score([0.5] * 4, [True, False, False, True]) == pytest.approx(0.25)
    # certainty that is wrong every time scores 1
    assert brier_score([1.0, 0.0], [False, True]) == 1.0


def test_brier_score_refuses_bad_input() -> None:
    with pytest.raises(DetenteError, match="one probability per outcome"):
        brier_score([0.5], [True, False])
    with pytest.raises(DetenteError, match=r"\[0, 1\]"):
        brier_score([1.2], [True])
    with pytest.raises(DetenteError, match="empty"):
        brier_score([], [])


def test_calibration_table_by_hand() -> None:
    table = calibration_table(
        [0.05, 0.15, 0.7, 0.75, 1.0], [False, False, True, False, True], bins=5
    )
    assert [(b.low, b.high) for b in table] == [
        (0.0, 0.2),
        (0.2, 0.4),
        (0.4, 0.6),
        (0.6, 0.8),
        (0.8, 1.0),
    ]
    assert [b.count for b in table] == [2, 0, 0, 2, 1]
    # bin [0, 0.2): forecasts 0.05 and 0.15, neither happened
    assert table[0].mean_forecast == pytest.approx(0.1) and table[0].observed == 0.0
    assert table[1].mean_forecast is None and table[1].observed is None
    # bin [0.6, 0.8): 0.7 (happened) and 0.75 (did not)
    assert table[3].mean_forecast == pytest.approx(0.725) and table[3].observed == 0.5
    # p = 1 belongs to the last bin, which is closed on the right
    assert table[4].mean_forecast == 1.0 and table[4].observed == 1.0


def test_calibration_bin_edges_are_half_open() -> None:
    # 0.5 with two bins lies in the upper bin [0.5, 1]
    table = calibration_table([0.5, 0.49], [True, False], bins=2)
    assert [b.count for b in table] == [1, 1]
    assert table[1].mean_forecast == 0.5
    with pytest.raises(DetenteError, match="bins"):
        calibration_table([0.5], [True], bins=0)


# -- the dated model's probability on tiny scenarios --------------------------------------


def test_probability_is_one_with_a_zone_and_zero_without() -> None:
    assert dated_probability(scenario(overlap(True)), runs=RUNS, seed=1) == 1.0
    assert dated_probability(scenario(apart(True)), runs=RUNS, seed=1) == 0.0
    assert dated_probability_at_modes(scenario(overlap(True)), seed=1) == 1.0
    assert dated_probability_at_modes(scenario(apart(True)), seed=1) == 0.0
    assert static_verdict(scenario(overlap(True))) is True
    assert static_verdict(scenario(apart(True))) is False


def test_probability_of_a_single_concession_matches_the_war_of_attrition() -> None:
    # No ratifiers, so a leader who concedes accepts the whole scale. B has no motives
    # (no cost of delay) and never concedes; A concedes with hazard r * B_A / V_A per
    # year (docs of detente.models.deadline_bargaining): r = 0.1 (default), B_A = 1 (one
    # motive of weight 1), V_A = salience 1 x gap (60 - 40) / width 100 = 0.2. Over the
    # window of 366 days: P = 1 - exp(-0.1 * 1 / 0.2 * 366 / 365.25).
    data = _case(40, 60, agreed=True, ratifiers=False, motives=True)
    expected = 1 - math.exp(-0.5 * 366 / 365.25)
    assert dated_probability(scenario(data), runs=RUNS, seed=3) == pytest.approx(expected)
    assert dated_probability_at_modes(scenario(data), seed=3) == pytest.approx(expected)
    assert static_verdict(scenario(data)) is False


def test_probability_with_an_uncertain_bound_is_the_chance_the_sets_meet() -> None:
    # A accepts at most U1 and its ratifier at most U2, two independent triangular(0, 50,
    # 100) draws; B's side accepts at least 50. A zone exists iff min(U1, U2) >= 50, with
    # probability (1/2)^2 = 1/4 (the triangle is symmetric); no motives, so no leader
    # ever concedes. 2000 draws: standard error sqrt(3/16 / 2000) = 0.0097.
    data = _case(_tri(0, 50, 100), 50, agreed=True)
    p = dated_probability(scenario(data), runs=2000, seed=11)
    assert abs(p - 0.25) < 0.04
    # at the modes both bounds sit exactly at 50, where B's side starts: a zone of one point
    assert dated_probability_at_modes(scenario(data), seed=11) == 1.0


# -- scoring a set of cases -------------------------------------------------------------


def test_backtest_of_three_tiny_cases_by_hand() -> None:
    cases = [
        ("c1", scenario(overlap(True))),
        ("c2", scenario(apart(False))),
        ("c3", scenario(overlap(False))),
    ]
    result = backtest_cases(cases, runs=RUNS, seed=0)
    assert [row.p for row in result.rows] == [1.0, 0.0, 1.0]
    assert [row.p_modes for row in result.rows] == [1.0, 0.0, 1.0]
    # dated model: errors 0, 0, 1 -> Brier 1/3; at the modes and the two-level verdicts the same
    assert result.brier[DATED_MODEL] == pytest.approx(1 / 3)
    assert result.brier[DATED_AT_MODES] == pytest.approx(1 / 3)
    assert result.brier[STATIC_MODEL] == pytest.approx(1 / 3)
    # leave-one-out base rate, (k + 1) / (m + 2) over the two other cases: c1 (agreed;
    # others 0 of 2) 1/4, c2 and c3 (others 1 of 2) 2/4. Brier: ((3/4)^2 + (1/2)^2 +
    # (1/2)^2) / 3 = (9/16 + 1/2) / 3 = 17/48
    assert [row.base_rate for row in result.rows] == pytest.approx([0.25, 0.5, 0.5])
    assert result.brier[BASE_RATE] == pytest.approx(17 / 48)
    # skill 1 - (1/3) / (17/48) = 1 - 16/17 = 1/17: slightly better than the base rate
    assert result.score(DATED_MODEL).skill == pytest.approx(1 / 17)
    assert result.score(BASE_RATE).skill == pytest.approx(0.0)
    # the default forecaster is flagged, and its forecasts lie strictly inside (0, 1)
    assert [item.forecaster for item in result.scores if item.default] == ["calibrated"]
    assert all(0 < row.calibrated < 1 and 0 < row.structural < 1 for row in result.rows)
    calibration = result.score(DATED_MODEL).calibration
    assert [b.count for b in calibration] == [1, 0, 0, 0, 2]
    assert calibration[4].mean_forecast == 1.0 and calibration[4].observed == 0.5
    assert calibration[0].mean_forecast == 0.0 and calibration[0].observed == 0.0
    assert [row.squared_error() for row in result.rows] == [0.0, 0.0, 1.0]


def test_to_dict_is_json_with_brier_and_rows() -> None:
    cases = [("c1", scenario(overlap(True))), ("c2", scenario(apart(True)))]
    document = json.loads(json.dumps(backtest_cases(cases, runs=RUNS, seed=5).to_dict()))
    brier = document["brier"]
    assert [brier[name] for name in (DATED_MODEL, DATED_AT_MODES, STATIC_MODEL)] == [0.5] * 3
    # both agreed: each case's leave-one-out base rate is (1 + 1) / (1 + 2) = 2/3
    assert brier[BASE_RATE] == pytest.approx(1 / 9)
    names = [item["name"] for item in document["forecasters"]]
    assert names[0] == "calibrated" and document["forecasters"][0]["default"] is True
    for item in document["forecasters"]:
        assert {"name", "brier", "log_score", "auc"} <= item.keys()
        assert item["auc"] is None  # one outcome only: no ranking to score
    assert document["n"] == 2 and document["agreed"] == 2
    row = document["cases"][1]
    assert row["case"] == "c2" and row["as_of"] == "2020-01-01"
    assert row["horizon"] == "2021-01-01" and row["outcome"] is True
    assert row["p"] == 0.0 and row["squared_error"] == 1.0
    assert row["p_modes"] == 0.0 and row["p_modes_squared_error"] == 1.0
    assert row["two_level_possible_now"] is False
    assert row["seed"] == case_seed(5, "c2")
    # skill of the dated model: 1 - 0.5 / (1/9) = -3.5
    dated = next(item for item in document["scores"] if item["name"] == DATED_MODEL)
    assert dated["skill_vs_base_rate"] == pytest.approx(-3.5)


def test_a_case_does_not_depend_on_the_other_cases() -> None:
    uncertain = scenario(_case(_tri(0, 50, 100), 50, agreed=True))
    alone = backtest_cases([("u", uncertain)], runs=256, seed=4).rows[0].p
    together = backtest_cases([("a", scenario(apart(False))), ("u", uncertain)], runs=256, seed=4)
    assert together.rows[1].p == alone
    assert 0 < alone < 1
    assert case_seed(4, "u") != case_seed(4, "a") and case_seed(4, "u") != case_seed(5, "u")


def test_progress_counts_draws_over_all_cases() -> None:
    calls: list[tuple[int, int]] = []
    backtest_cases(
        [("c1", scenario(overlap(True))), ("c2", scenario(apart(True)))],
        runs=RUNS,
        seed=0,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls[-1] == (2 * RUNS, 2 * RUNS)
    assert all(total == 2 * RUNS for _, total in calls)


def test_cases_need_an_outcome_and_an_agreement() -> None:
    data = overlap(True)
    del data["outcome"]
    with pytest.raises(DetenteError, match="no 'outcome'"):
        backtest_cases([("x", scenario(data))], runs=RUNS, seed=0)
    data = overlap(True)
    del data["agreement"]
    with pytest.raises(DetenteError, match="no 'agreement'"):
        backtest_cases([("x", scenario(data))], runs=RUNS, seed=0)
    with pytest.raises(DetenteError, match="unique"):
        backtest_cases(
            [("x", scenario(overlap(True))), ("x", scenario(apart(True)))], runs=RUNS, seed=0
        )


# -- loading a folder and the CLI ----------------------------------------------------------


def _write(folder: Path, cases: dict[str, dict[str, Any]]) -> None:
    folder.mkdir(exist_ok=True)
    for name, data in cases.items():
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")


def test_load_cases_sorted_by_file_name(tmp_path: Path) -> None:
    _write(tmp_path, {"b_case": apart(False), "a_case": overlap(True)})
    (tmp_path / "README.md").write_text("not a case", encoding="utf-8")
    assert [name for name, _ in load_cases(tmp_path)] == ["a_case", "b_case"]


def test_load_cases_errors(tmp_path: Path) -> None:
    with pytest.raises(DetenteError, match="not a folder"):
        load_cases(tmp_path / "missing")
    with pytest.raises(DetenteError, match="no case files"):
        load_cases(tmp_path)
    data = overlap(True)
    del data["outcome"]
    _write(tmp_path, {"x": data})
    with pytest.raises(DetenteError, match="needs an 'outcome'"):
        load_cases(tmp_path)


@pytest.fixture
def two_cases(tmp_path: Path) -> Path:
    # "agreed": a zone in every draw and an agreement (p = 1, error 0);
    # "failed": a zone in every draw but no agreement (p = 1, error 1).
    folder = tmp_path / "cases"
    _write(folder, {"agreed": overlap(True), "failed": overlap(False)})
    return folder


def test_cli_json(capsys: pytest.CaptureFixture[str], two_cases: Path) -> None:
    code, out, err = _cli(
        capsys, "backtest", "cases", str(two_cases), "--runs", "64", "--seed", "2",
        "--format", "json", "--quiet",
    )  # fmt: skip
    assert code == 0, err
    document = json.loads(out)
    # errors 0 and 1 -> 0.5 for the dated models; the leave-one-out base rate is
    # (0 + 1) / (1 + 2) = 1/3 for "agreed" (the other failed) and (1 + 1) / 3 = 2/3 for
    # "failed": ((2/3)^2 + (2/3)^2) / 2 = 4/9
    brier = document["brier"]
    assert [brier[name] for name in (DATED_MODEL, DATED_AT_MODES, STATIC_MODEL)] == [0.5] * 3
    assert brier[BASE_RATE] == pytest.approx(4 / 9)
    assert [row["case"] for row in document["cases"]] == ["agreed", "failed"]
    assert [row["squared_error"] for row in document["cases"]] == [0.0, 1.0]
    assert document["runs"] == 64 and document["seed"] == 2
    dated = next(item for item in document["forecasters"] if item["name"] == DATED_MODEL)
    assert dated["skill_vs_base_rate"] == pytest.approx(1 - 0.5 / (4 / 9))
    assert [item["name"] for item in document["forecasters"] if item.get("default")] == [
        "calibrated"
    ]


def test_cli_table_markdown_and_plot(
    capsys: pytest.CaptureFixture[str], two_cases: Path, tmp_path: Path
) -> None:
    figure = tmp_path / "reliability.png"
    code, out, err = _cli(
        capsys, "backtest", "cases", str(two_cases), "--runs", "64", "-q", "--plot", str(figure)
    )
    assert code == 0
    assert f"wrote {figure}" in err  # the README: every command says what it wrote
    assert "Brier" in out and "failed" in out and "0.500" in out and "calibrated" in out
    assert figure.read_bytes()[:4] == b"\x89PNG"
    code, out, _ = _cli(
        capsys, "backtest", "cases", str(two_cases), "--runs", "64", "-f", "markdown"
    )
    assert code == 0
    # dated model: Brier 0.5; REL: bin [0.8, 1] holds both (f = 1, o = 1/2): 2 * 0.25 / 2;
    # RES 0 (one bin); log score (-ln 0.999 - ln 0.001) / 2 = 3.4544; AUC 1/2 (a tie);
    # against the base rate (errors 4/9 each): differences -4/9 and 5/9, mean 1/18 = 0.056,
    # sd sqrt(2) * 0.5 = 0.7071, se 0.5
    assert (
        f"| {DATED_MODEL} | 2 | 0.500 | 0.250 | 0.000 | 3.454 | 0.500 | -0.125 | +0.056 (0.500) |"
        in out
    )
    assert "| calibrated (default) | 2 |" in out
    code, _, err = _cli(
        capsys, "backtest", "cases", str(two_cases), "-q", "--plot", str(tmp_path / "x.txt")
    )
    assert code == 2 and "x.txt" in err and ".png" in err and len(err.strip().splitlines()) == 1


def test_cli_missing_folder_is_one_line_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = _cli(capsys, "backtest", "cases", str(tmp_path / "nowhere"), "-q")
    assert code == 2 and out == ""
    assert "not a folder of cases" in err and len(err.strip().splitlines()) == 1


# -- the tables -----------------------------------------------------------------------------


@pytest.fixture
def result() -> CaseBacktestResult:
    cases = [("c1", scenario(overlap(True))), ("c2", scenario(apart(False)))]
    return backtest_cases(cases, runs=RUNS, seed=0, source="tiny")


def test_rows(result: CaseBacktestResult) -> None:
    rows = case_rows(result)
    # c1 agreed, c2 not; each one's leave-one-out base rate is 1/3 ((k + 1) / (1 + 2))
    assert rows[0][:4] == ("c1", "2020-01-01", "2021-01-01", "yes (2020-06-01)")
    assert rows[0][6] == "territorial-claim" and rows[1][-1] == "0.667"
    assert rows[0][9:] == ("1.000", "1.000", "yes", "0.333")
    assert rows[1][9:] == ("0.000", "0.000", "no", "0.667")
    scores = {row[0]: row for row in score_rows(result)}
    # the dated model is right on both cases: Brier 0, AUC 1; the base rate 4/9
    assert scores[DATED_MODEL][2] == "0.000" and scores[DATED_MODEL][6] == "1.000"
    assert scores[BASE_RATE][2] == "0.444" and scores[BASE_RATE][6] == "0.000"
    assert "calibrated (default)" in scores
    calibration = calibration_rows(result, DATED_MODEL)
    assert calibration[0] == ("[0.0, 0.2)", "1", "0.000", "0.000")
    assert calibration[-1] == ("[0.8, 1.0]", "1", "1.000", "1.000")
    assert calibration[2] == ("[0.4, 0.6)", "0", "–", "–")


def test_rich_tables_and_markdown(result: CaseBacktestResult) -> None:
    tables = case_tables(result)
    assert len(tables) == 3
    # the terminal keeps the columns that fit 80 characters
    assert [c.header for c in tables[0].columns][:3] == ["Case", "Agreed", "P"]
    assert [c.header for c in tables[1].columns][:2] == ["Forecaster", "Brier"]
    # the note explains reliability and skill: it says where those columns are
    assert "Reliability" not in [c.header for c in tables[1].columns]
    assert "are in --format markdown and json" in str(tables[1].caption)
    assert tables[0].row_count == 2
    assert tables[1].row_count == 7 and tables[2].row_count == 5
    text = case_markdown(result)
    assert text.count("|:---|") == 3
    assert "tiny: 2 cases, 1 concluded" in text


def test_run_case_backtest_reads_a_folder(two_cases: Path) -> None:
    result = run_case_backtest(two_cases, runs=64, seed=0)
    assert result.source == str(two_cases)
    assert [row.outcome for row in result.rows] == [True, False]
    assert result.brier[DATED_MODEL] == 0.5
