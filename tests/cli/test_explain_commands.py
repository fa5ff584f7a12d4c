"""``detente sensitivity``, ``whatif``, ``flip`` and ``runs`` as a user runs them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import yaml

from cli_helpers import run_cli as run
from strategies import minimal

RP_FLOOR = "agreement.signatories.russia.ratifiers.russian_public.accepts.territory.0"
RU_FLOOR = "agreement.signatories.russia.accepts.territory.0"


@pytest.fixture(autouse=True)
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every run records here, never in the user's data directory."""
    path = tmp_path / "store" / "runs.sqlite3"
    monkeypatch.setenv("DETENTE_STORE", str(path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return path


def one_line_error(code: int, out: str, err: str) -> str:
    assert code == 2 and out == ""
    assert err.startswith("detente: error: ") and err.count("\n") == 1
    assert "Traceback" not in err
    return err


# -- whatif ------------------------------------------------------------------------------


def test_whatif_without_changes_is_the_forecast(capsys: pytest.CaptureFixture[str]) -> None:
    models = ["-m", "compromise", "-m", "two-level", "-f", "json"]
    code, out, _ = run(capsys, "whatif", *models, "--runs", "0", "--no-store")
    assert code == 0
    document = json.loads(out)
    code, out, _ = run(capsys, "forecast", *models)
    assert code == 0
    assert document["after"] == document["before"] == json.loads(out)
    assert "whether_and_when" not in document["comparison"]


def test_whatif_draws_are_the_forecasts_draws(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Before and after are exactly ``forecast --runs N --seed S`` of each scenario.

    The after scenario is written to a file with ``--set``'s edit made by hand in the
    YAML, so the check goes through a different path (file, not edit) to the same draws.
    """
    from detente.scenarios import embedded_text

    models = ["-m", "two-level", "-m", "deadline-bargaining"]
    draws = ["--runs", "200", "--seed", "7", "-f", "json", "--no-store"]
    code, out, _ = run(capsys, "whatif", "--set", f"{RP_FLOOR}=50", *models, *draws)
    assert code == 0
    document = json.loads(out)
    code, out, _ = run(capsys, "forecast", *models, *draws)
    assert code == 0
    assert document["before"] == json.loads(out)
    raw = yaml.safe_load(embedded_text("russia_japan_2018"))
    russia = next(s for s in raw["agreement"]["signatories"] if s["actor"] == "russia")
    public = next(r for r in russia["ratifiers"] if r["actor"] == "russian_public")
    public["accepts"]["territory"][0] = 50
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(raw, sort_keys=False))
    code, out, _ = run(capsys, "forecast", str(edited), *models, *draws)
    assert code == 0
    forecast_after = json.loads(out)
    assert document["after"]["whether_and_when"] == forecast_after["whether_and_when"]
    rows = document["comparison"]["whether_and_when"]
    before = document["before"]["whether_and_when"]["by"]
    assert [r["date"] for r in rows] == list(forecast_after["whether_and_when"]["by"])
    for row in rows:
        assert row["before"] == before[row["date"]]
        assert row["change"] == pytest.approx(row["after"] - row["before"], abs=1e-15)
        # a softer Russian public only widens a win-set: P never falls (coefficients >= 0)
        assert row["after"] >= row["before"]


def test_whatif_opens_a_zone(capsys: pytest.CaptureFixture[str], store: Path) -> None:
    code, out, err = run(
        capsys,
        "whatif",
        "--set", "russian_public.accepts.territory.0=50",
        "--set", f"{RU_FLOOR}=50",
        "-m", "compromise", "-m", "two-level", "-f", "json",
    )  # fmt: skip
    assert code == 0 and err == f"recorded as run 1 in {store}\n"
    document = json.loads(out)
    assert [c["path"] for c in document["changes"]] == [RP_FLOOR, RU_FLOOR]
    assert document["changes"][0]["before"] == {"low": 70.0, "mode": 85.0, "high": 100.0}
    agreement = document["comparison"]["agreement"]
    assert agreement["possible"] == [False, True] and agreement["changed"]
    assert agreement["gaps"]["territory"] == [35, 0]
    # the zone is the single point 50, so the two-level outcome moves from the status quo
    rows = {(r["issue"], r["model"]): r for r in document["comparison"]["outcomes"]}
    assert (rows["territory", "two-level"]["before"], rows["territory", "two-level"]["after"]) == (
        100,
        50,
    )
    assert rows["territory", "two-level"]["change"] == -50
    assert rows["territory", "compromise"]["change"] == 0  # accepts bounds don't move it
    assert store.exists()


def test_whatif_table_and_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("whatif", "-s", "russia.accepts.territory.0=50", "-m", "two-level")
    code, out, err = run(capsys, *args)
    assert code == 0
    out = " ".join(out.split())
    assert "russia.accepts.territory.0" in out and "80 (70–90)" in out
    assert "Agreement: not possible → not possible (gaps: territory 35 → 35" in out
    assert err.startswith("recorded as run 1 in")
    code, out, _ = run(capsys, *args, "-f", "markdown", "--no-store")
    assert code == 0
    assert out.startswith("# What if: Russia-Japan")
    assert "| agreement.signatories.russia.accepts.territory.0 | 80 (70–90) | 50 |" in out


def test_whatif_calibrated_table_and_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    """With draws, the table says whose forecast it is and puts before beside after."""
    args = ("whatif", "-s", f"{RP_FLOOR}=50", "--runs", "100", "--no-store")
    args += ("-m", "two-level", "-m", "deadline-bargaining")
    code, out, _ = run(capsys, *args, "-f", "json")
    assert code == 0
    rows = json.loads(out)["comparison"]["whether_and_when"]
    horizon = rows[-1]
    assert horizon["date"] == "2025-12-31"
    code, out, _ = run(capsys, *args)
    assert code == 0
    flat = " ".join(out.split())
    assert "Whether and when (forecaster: calibrated, reference class:" in flat
    assert "before and after" in flat and "100 Monte Carlo draws of each scenario" in flat
    assert "the structural model alone" not in flat  # the calibrated table replaces it
    code, out, _ = run(capsys, *args, "-f", "markdown")
    assert code == 0
    from detente.report.numbers import probability_text

    before, after = (probability_text(horizon[k], 3) for k in ("before", "after"))
    assert f"| P(signed by 2025-12-31)  horizon | {before} | {after} | " in out


def test_whatif_at_the_modes_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "whatif", "--runs", "0", "--no-store", "-f", "markdown")
    assert code == 0
    assert "at the modes, the structural model alone (whatif --runs N" in out


@pytest.mark.parametrize(
    ("assignment", "expected"),
    [
        ("russia.capability", "expected PATH=VALUE"),
        ("russia.capability=abc", "value 'abc': expected a number"),
        ("rusia.capability=1", "'rusia' is no actor"),
        ("russia.capability=-1", "capability must be >= 0"),
        ("russia.accepts.territory=50", "is a pair [low, high]; add .0"),
        ("russian_public.accepts.territory.0=120", "low <= high, got [120, 100]"),
        ("russia.capability=3:2:1", "LOW:MODE:HIGH with low <= mode <= high"),
    ],
)
def test_whatif_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], store: Path, assignment: str, expected: str
) -> None:
    err = one_line_error(*run(capsys, "whatif", "--set", assignment))
    assert expected in err
    assert not store.exists()  # nothing recorded for a failed run


def test_whatif_twice_the_same_path(capsys: pytest.CaptureFixture[str]) -> None:
    err = one_line_error(
        *run(capsys, "whatif", "-s", "russia.capability=1", "-s", "actors.russia.capability=2")
    )
    assert "actors.russia.capability is set twice" in err


# -- flip --------------------------------------------------------------------------------


def test_flip_zopa_on_the_default(capsys: pytest.CaptureFixture[str], store: Path) -> None:
    code, out, _ = run(capsys, "flip", "--target", "zopa", "-f", "json")
    assert code == 0
    document = json.loads(out)
    assert document["singles"] == [] and document["pairs_searched"]
    best = document["best"]
    assert {(c["path"], c["to"]) for c in best["changes"]} == {(RU_FLOOR, 50), (RP_FLOOR, 50)}
    assert best["size"] == pytest.approx(0.65)
    assert document["summary"].startswith(
        "If Russian presidency (Vladimir Putin) accepted 50 (Habomai and Shikotan transferred"
    )
    assert document["summary"].endswith("for Russian public opinion and the Duma).")
    with sqlite3.connect(store) as conn:
        row = conn.execute("SELECT command, options FROM runs").fetchone()
    assert row[0] == "flip" and json.loads(row[1])["target"] == "zopa"


def test_flip_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "flip", "--target", "zopa", "--limit", "1", "--no-store")
    assert code == 0
    out = " ".join(out.split())  # the terminal wraps long lines
    assert "Now: no agreement is possible now." in out
    assert "an agreement would become possible" in out
    assert "russia.accepts.territory.0: 80 → 50" in out
    code, out, _ = run(capsys, "flip", "--target", "zopa", "--limit", "1", "-f", "markdown")
    assert out.startswith("# What would it take:") and "| pair |" in out


def test_flip_only_some_parameters(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "flip", "--target", "zopa", "--param", "russian_public.accepts.territory.0",
        "-f", "json", "--no-store",
    )  # fmt: skip
    assert code == 0
    assert json.loads(out)["best"] is None
    err = one_line_error(*run(capsys, "flip", "--param", "nobody.capability"))
    assert "'nobody' is no actor" in err


# -- sensitivity --------------------------------------------------------------------------


def test_sensitivity_json_and_tornado(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, store: Path
) -> None:
    figure = tmp_path / "figures" / "tornado.png"
    figure.parent.mkdir()  # an output's folder must exist (never made silently)
    code, out, _ = run(
        capsys, "sensitivity", "-m", "two-level", "--runs", "8", "--plot", str(figure),
        "-f", "json",
    )  # fmt: skip
    assert code == 0
    document = json.loads(out)
    assert document["ranked_by"] == "two-level:gap"
    top = document["swings"][:2]
    assert {s["path"] for s in top} == {
        RP_FLOOR,
        "agreement.signatories.japan.ratifiers.japanese_public.accepts.territory.1",
    }
    assert [s["effects"]["two-level:gap"] for s in top] == pytest.approx([0.2, 0.2])
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in figure.parent.iterdir()) == ["tornado.png"]  # no temp file
    with sqlite3.connect(store) as conn:
        assert conn.execute("SELECT command, seed, runs FROM runs").fetchall() == [
            ("sensitivity", 0, 8)
        ]


def test_sensitivity_table_and_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sensitivity", "-m", "two-level", "--runs", "4", "--top", "3")
    assert code == 0
    out = " ".join(out.split())
    assert "One at a time on two-level:gap" in out
    assert "30 · 35 · 50" in out and "japan.accepts.territory.1" in out
    err = one_line_error(*run(capsys, "sensitivity", "-m", "two-level", "--metric", "gdp"))
    assert "unknown metric 'gdp'" in err
    err = one_line_error(*run(capsys, "sensitivity", "--plot", "out.gif", "-m", "two-level"))
    assert "expected a .png, .svg or .pdf" in err


def test_sensitivity_sobol_on_a_small_scenario(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = minimal()
    data["actors"][1]["stances"]["x"]["position"] = {"low": 4, "mode": 6, "high": 10}
    data["actors"][1]["capability"] = {"low": 0.5, "mode": 1, "high": 1.5}
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(data))
    code, out, _ = run(
        capsys, "sensitivity", str(path), "--method", "sobol", "-N", "32", "-m", "compromise",
        "-f", "json", "--no-store",
    )  # fmt: skip
    assert code == 0
    document = json.loads(out)
    assert document["method"] == "sobol" and document["evaluations"] == 32 * 4
    rows = document["indices"]["compromise:x"]["parameters"]
    assert {r["path"] for r in rows} == {"actors.b.stances.x.position", "actors.b.capability"}
    assert all(-0.5 < r["S1"] < 1.5 for r in rows)
    err = one_line_error(
        *run(capsys, "sensitivity", str(path), "--method", "sobol", "-N", "30", "-m", "compromise")
    )
    assert "power of 2" in err


# -- runs --------------------------------------------------------------------------------


def test_runs_list_show_diff(capsys: pytest.CaptureFixture[str], store: Path) -> None:
    for value in ("85", "50"):
        args = (
            "whatif",
            "-s",
            f"russia.accepts.territory.0={value}",
            "-m",
            "two-level",
            "-f",
            "json",
        )
        assert run(capsys, *args)[0] == 0
    code, out, _ = run(capsys, "runs", "list", "-f", "json")
    assert code == 0
    listed = json.loads(out)
    assert [r["id"] for r in listed] == [2, 1]
    assert {r["command"] for r in listed} == {"whatif"}
    code, out, _ = run(capsys, "runs", "show", "1", "-f", "json")
    shown = json.loads(out)
    assert shown["result"]["changes"][0]["after"] == 85
    code, out, _ = run(capsys, "runs", "diff", "1", "2", "-f", "json")
    differences = {d["path"]: d for d in json.loads(out)["differences"]}
    # 85 -> 50 for the presidency alone: the floor stays at the public's 85, gap 35 both times
    assert differences["changes.agreement.signatories.russia.accepts.territory.0.after"] == {
        "path": "changes.agreement.signatories.russia.accepts.territory.0.after",
        "old": 85.0,
        "new": 50.0,
        "kind": "changed",
        "delta": -35.0,
    }
    assert not any(path.endswith("gaps.territory.1") for path in differences)
    code, out, _ = run(capsys, "runs", "diff", "1", "2")
    assert code == 0 and "Run 1 → run 2" in out
    code, out, _ = run(capsys, "runs", "list")
    assert "whatif" in out


def test_runs_errors_and_empty_store(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "runs", "list")
    assert code == 0 and out.startswith("No runs recorded in")
    err = one_line_error(*run(capsys, "runs", "show", "3"))
    assert "no run store at" in err
    run(capsys, "whatif", "-m", "compromise", "-f", "json")
    err = one_line_error(*run(capsys, "runs", "show", "3"))
    assert "no run 3 in the run store" in err


def test_a_newer_store_is_refused(capsys: pytest.CaptureFixture[str], store: Path) -> None:
    assert run(capsys, "whatif", "-m", "compromise", "-f", "json")[0] == 0
    with sqlite3.connect(store) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    err = one_line_error(*run(capsys, "whatif", "-m", "compromise", "-f", "json"))
    assert "schema version 99, newer than this detente" in err
    assert run(capsys, "whatif", "-m", "compromise", "-f", "json", "--no-store")[0] == 0


def test_store_option_wins_over_the_environment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, store: Path
) -> None:
    chosen = tmp_path / "chosen.sqlite3"
    assert run(capsys, "whatif", "-m", "compromise", "--store", str(chosen), "-f", "json")[0] == 0
    assert chosen.exists() and not store.exists()
    _, out, _ = run(capsys, "runs", "--store", str(chosen), "list", "-f", "json")
    assert [r["command"] for r in json.loads(out)] == ["whatif"]
    assert not (tmp_path / "xdg").exists()


def test_flip_defaults_to_the_calibrated_forecast(capsys: pytest.CaptureFixture[str]) -> None:
    params = ("--param", RP_FLOOR, "--param", RU_FLOOR, "--runs", "30", "--no-store")
    code, out, _ = run(capsys, "flip", *params, "-f", "json")
    assert code == 0
    document = json.loads(out)
    assert (document["target"], document["threshold"], document["runs"]) == (
        "calibrated",
        0.5,
        30,
    )
    assert document["answer_before"] is False and document["best"]["after"] >= 0.5
    code, out, _ = run(capsys, "flip", *params)
    assert code == 0
    flat = " ".join(out.split())
    assert "(calibrated forecast; the answer flips across 0.500)" in flat


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--target", "calibrated", "--runs", "0"), "needs Monte Carlo draws (--runs > 0)"),
        (("--threshold", "1"), "--threshold"),
        (("--threshold", "0"), "--threshold"),
    ],
)
def test_flip_bad_options(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], expected: str
) -> None:
    err = one_line_error(*run(capsys, "flip", *args, "--no-store"))
    assert expected in err
