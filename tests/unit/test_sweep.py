"""``detente sweep``: the spec (line-numbered errors), the tidy table, the store, failures.

Expected values are computed independently: the grid is crossed by hand, each row's
numbers are a direct Monte Carlo of the edited scenario with the seed drawn from
``SeedSequence(seed).spawn(n)[i]`` (numpy's documented spawning), and the store is read
back with plain SQL.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from detente.analysis.sweep import run_sweep
from detente.analysis.sweep_spec import read_spec
from detente.errors import DetenteError
from detente.executors import ProcessExecutor, SerialExecutor
from detente.models import get_model
from detente.outside_view.whether_when import calibrated_by_date
from detente.scenario_edits import set_parameters
from detente.scenarios import load_embedded
from detente.store_sweeps import get_sweep
from detente.uncertainty import run_monte_carlo

from cli_helpers import run_cli
from sweep_helpers import capability_points, interrupt_after

SPEC = """\
scenarios: [russia_japan_2018]
seed: 3
runs: 200
static_runs: 2
models: [deadline-bargaining, compromise]
grid:
  russia.capability: [0.3, 0.6]
  japan.territory.salience: [40, "30:50:70"]
"""


def write(tmp_path: Path, text: str, name: str = "spec.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_spec_crosses_the_grid_with_full_paths(tmp_path: Path) -> None:
    spec = read_spec(write(tmp_path, SPEC))
    assert (spec.seed, spec.runs, spec.static_runs) == (3, 200, 2)
    assert [dict(p.changes) for p in spec.points][:2] == [
        {"actors.russia.capability": 0.3, "actors.japan.stances.territory.salience": 40.0},
        {"actors.russia.capability": 0.3,
         "actors.japan.stances.territory.salience": spec.points[1].changes[
             "actors.japan.stances.territory.salience"]},
    ]  # fmt: skip
    assert len(spec.points) == 4  # 2 x 2, last parameter fastest
    assert str(spec.points[1].changes["actors.japan.stances.territory.salience"]) != "40.0"


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        (SPEC.replace("  russia.capability", "  russia.capabilty"), 7, "grid.russia.capabilty"),
        (SPEC.replace("seed: 3", "seed: -1"), 2, "seed: expected an integer >= 0"),
        (SPEC.replace("[0.3, 0.6]", "[0.3, lots]"), 7, "value 'lots'"),
        (SPEC + "extra: 1\n", 9, "extra: unknown key"),
        (SPEC.replace("russia_japan_2018", "no_such_scenario"), 1, "no_such_scenario"),
    ],
)
def test_a_bad_spec_is_one_line_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, line: int, expected: str
) -> None:
    spec = write(tmp_path, text)
    code, _, err = run_cli(capsys, "sweep", spec, "--out", str(tmp_path / "t.csv"))
    assert code == 2, err
    assert err.startswith(f"detente: error: {spec}:{line}: "), err
    assert expected in err and err.count("\n") == 1
    assert not (tmp_path / "t.csv").exists()


def test_sweep_writes_one_row_per_run_and_records_one_sweep(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "runs.sqlite3"
    table = tmp_path / "out" / "table.csv"
    table.parent.mkdir()
    spec = write(tmp_path, SPEC)
    code, out, err = run_cli(capsys, "sweep", spec, "--out", str(table), "--store", str(store))
    assert code == 0, err
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    assert [(r["russia.capability"], r["japan.territory.salience"][:4]) for r in rows] == [
        ("0.3", "40.0"), ("0.3", "50 ("), ("0.6", "40.0"), ("0.6", "50 (")
    ]  # fmt: skip
    seeds = [int(c.generate_state(1)[0]) for c in np.random.SeedSequence(3).spawn(4)]
    scenario = load_embedded()
    first = set_parameters(
        scenario,
        {"actors.russia.capability": 0.3, "actors.japan.stances.territory.salience": 40.0},
    )
    direct = run_monte_carlo(
        first, runs=200, seed=seeds[0], models=["deadline-bargaining", "compromise"],
        static_runs=2,
    )  # fmt: skip
    assert int(rows[0]["seed"]) == seeds[0]
    assert float(rows[0]["compromise:territory"]) == direct.outcomes["compromise"]["territory"].mean
    # beside the dated model alone, the calibrated whether-and-when forecast as `forecast`
    # gives it: calibrated_by_date of the run's Monte Carlo and the two-level verdict
    assert direct.agreement is not None
    horizon = first.horizon.isoformat()
    verdict = get_model("two-level").forecast(first).agreement
    assert verdict is not None
    calibrated = calibrated_by_date(first, direct.agreement.to_dict()["by"], verdict.possible)
    assert float(rows[0]["deadline-bargaining:p_agreement"]) == direct.agreement.p_by(first.horizon)
    assert float(rows[0]["calibrated:p_agreement"]) == calibrated["by"][horizon]
    low, high = calibrated["by_band"][horizon]
    assert float(rows[0]["calibrated:p_agreement:p05"]) == low
    assert float(rows[0]["calibrated:p_agreement:p95"]) == high
    assert rows[0]["reference_class"] == calibrated["reference_class"]["name"]
    assert "calibrated: P(agreement by the horizon) as forecast reports it" in " ".join(out.split())
    sweep = get_sweep(store, 1)
    assert (sweep["status"], sweep["tasks"], sweep["seed"]) == ("complete", 4, 3)
    assert sweep["spec"]["grid"]["russia.capability"] == [0.3, 0.6]
    assert set(sweep["versions"]) >= {"detente", "numpy", "python", "executor"}
    assert sorted(sweep["results"]) == [0, 1, 2, 3]
    assert sweep["results"][0]["results"]["monte_carlo"] == json.loads(json.dumps(direct.to_dict()))
    with sqlite3.connect(store) as conn:  # the command itself: one run holding the table
        recorded = conn.execute("SELECT command, result FROM runs").fetchall()
    assert [c for c, _ in recorded] == ["sweep"]
    assert json.loads(recorded[0][1])["sweep"] == 1
    assert len(json.loads(recorded[0][1])["rows"]) == 4


def test_a_missing_output_folder_is_an_error_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "no_such_folder" / "t.csv"
    spec = write(tmp_path, SPEC.replace("russia_japan_2018", "no_such_scenario"))
    code, _, err = run_cli(capsys, "sweep", spec, "--out", str(table))
    assert code == 2
    assert err == (
        f"detente: error: {table}: the folder {table.parent} does not exist "
        "(make it first, or write elsewhere)\n"
    )  # the output's error, not the spec's: checked first
    assert not table.parent.exists()


def test_the_output_path_is_checked_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write(tmp_path, SPEC.replace("russia_japan_2018", "no_such_scenario"))
    code, _, err = run_cli(capsys, "sweep", spec, "--out", str(tmp_path / "t.txt"))
    assert code == 2
    assert "t.txt: expected a .csv or .parquet file name" in err  # not the spec's error


def test_dask_missing_is_one_line_naming_the_extra(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "distributed" else real(name)
    )
    out = str(tmp_path / "t.csv")
    code, _, err = run_cli(capsys, "sweep", write(tmp_path, SPEC), "--out", out, "--dask", "local")
    assert code == 2
    assert err == (
        "detente: error: --dask needs dask.distributed, an optional extra: "
        "pip install 'detente[dask]'\n"
    )


def test_sweep_in_processes_is_the_serial_answer() -> None:
    points = capability_points([0.2, 0.5, 0.8])
    options = {"seed": 1, "runs": 256, "models": ["deadline-bargaining"], "static_runs": 0}
    serial = run_sweep(points, executor=SerialExecutor(), **options)  # type: ignore[arg-type]
    pooled = run_sweep(points, executor=ProcessExecutor(2), **options)  # type: ignore[arg-type]
    assert serial.documents == pooled.documents


def test_a_data_error_fails_the_sweep_naming_scenario_and_parameters(tmp_path: Path) -> None:
    store = tmp_path / "runs.sqlite3"
    points = capability_points([0.5, -1.0, 0.7])  # a capability below 0 is invalid (scenario rules)
    with pytest.raises(DetenteError) as failure:
        run_sweep(points, seed=0, runs=0, executor=SerialExecutor(), store=store)
    message = str(failure.value)
    assert message.startswith("sweep run 1 (russia_japan_2018 with russia.capability=-1): ")
    assert "capability must be >= 0" in message
    sweep = get_sweep(store, 1)
    assert sweep["status"] == "failed" and sorted(sweep["results"]) == [0]


def test_cancelling_keeps_the_finished_runs_and_no_half_written_one(tmp_path: Path) -> None:
    store = tmp_path / "runs.sqlite3"

    with pytest.raises(KeyboardInterrupt):
        run_sweep(
            capability_points([0.2, 0.4, 0.6, 0.8]), seed=0, runs=0, executor=SerialExecutor(),
            store=store, progress=interrupt_after(2),
        )  # fmt: skip
    sweep = get_sweep(store, 1)
    assert sweep["status"] == "cancelled"
    assert sorted(sweep["results"]) == [0, 1]
    assert [sweep["results"][i]["parameters"]["russia.capability"] for i in (0, 1)] == [0.2, 0.4]
    with sqlite3.connect(store) as conn:  # every row whole: its JSON reads back
        rows = conn.execute("SELECT task, result FROM sweep_results").fetchall()
    assert sorted(json.loads(r)["index"] for _, r in rows) == [0, 1]


def test_a_sample_spec_draws_its_points_uniformly_from_the_seed(tmp_path: Path) -> None:
    text = (
        "scenarios: [russia_japan_2018]\nseed: 9\nruns: 0\nsample:\n  points: 5\n"
        "  parameters:\n    russia.capability: [0.2, 0.8]\n    japan.capability: [1, 3]\n"
    )
    spec = read_spec(write(tmp_path, text))
    # numpy's documented stream: default_rng(SeedSequence(9)), one uniform per point and
    # parameter, scaled to [low, high]
    unit = np.random.default_rng(np.random.SeedSequence(9)).random((5, 2))
    expected = np.column_stack([0.2 + 0.6 * unit[:, 0], 1 + 2 * unit[:, 1]])
    found = [
        [p.changes["actors.russia.capability"], p.changes["actors.japan.capability"]]
        for p in spec.points
    ]
    np.testing.assert_allclose(found, expected, rtol=0, atol=1e-15)


def test_parquet_without_pyarrow_fails_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.util

    if importlib.util.find_spec("pyarrow") is not None:
        pytest.skip("pyarrow is installed: the Parquet file can be written")
    spec = write(tmp_path, SPEC.replace("russia_japan_2018", "no_such_scenario"))
    code, _, err = run_cli(capsys, "sweep", spec, "--out", str(tmp_path / "t.parquet"))
    assert code == 2
    assert "t.parquet: writing Parquet needs pyarrow" in err


LHS = """\
scenarios: [russia_japan_2018]
seed: {seed}
runs: 0
sample:
  points: 10
  design: {design}
  parameters:
    russia.capability: [0.2, 0.7]
    japan.capability: [0.1, 0.9]
"""


def _design(tmp_path: Path, seed: int, design: str = "latin-hypercube") -> np.ndarray:
    spec = read_spec(write(tmp_path, LHS.format(seed=seed, design=design), f"{design}{seed}.yaml"))
    return np.array(
        [[p.changes["actors.russia.capability"], p.changes["actors.japan.capability"]]
         for p in spec.points]
    )  # fmt: skip


def test_a_latin_hypercube_puts_one_point_in_each_stratum_of_every_parameter(
    tmp_path: Path,
) -> None:
    # McKay, Beckman & Conover (1979): n points, each parameter's range cut into n equal
    # strata, exactly one point per stratum
    design = _design(tmp_path, seed=4)
    for column, (low, high) in zip(design.T, [(0.2, 0.7), (0.1, 0.9)], strict=True):
        strata = np.floor((column - low) / (high - low) * 10).astype(int)
        assert sorted(strata) == list(range(10))
    assert np.array_equal(_design(tmp_path, seed=4), design)  # seeded from the sweep's seed
    assert not np.array_equal(_design(tmp_path, seed=5), design)


def test_a_random_design_is_not_stratified_on_this_seed(tmp_path: Path) -> None:
    # the default design draws independently: with 10 points two share a stratum here
    design = _design(tmp_path, seed=4, design="random")
    strata = np.floor((design[:, 0] - 0.2) / 0.5 * 10).astype(int)
    assert len(set(strata)) < 10


def test_an_unknown_design_is_one_line_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write(tmp_path, LHS.format(seed=0, design="sobol"))
    code, _, err = run_cli(capsys, "sweep", spec, "--out", str(tmp_path / "t.csv"))
    assert code == 2
    assert err == (
        f"detente: error: {spec}:6: sample.design: expected one of random, latin-hypercube, "
        "got 'sobol'\n"
    )


def test_the_python_sweep_is_the_command_and_its_frame_holds_every_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``detente.sweep(spec)`` computes what ``detente sweep spec -f json`` prints (the same
    rows; the command records a sweep id, the API records nothing unless asked), and its
    frame and plot carry the varied parameter and the calibrated P of each row."""
    import matplotlib

    import detente

    matplotlib.use("Agg")
    spec = write(tmp_path, SPEC)
    code, out, err = run_cli(capsys, "sweep", spec, "--out", str(tmp_path / "t.csv"),
                             "--no-store", "-q", "-f", "json")  # fmt: skip
    assert code == 0, err
    swept = detente.sweep(spec)
    assert swept.to_dict() == {"sweep": None, "rows": json.loads(out)["rows"]}
    frame = swept.to_frame()
    assert list(frame["russia.capability"]) == [0.3, 0.3, 0.6, 0.6]
    assert list(frame["calibrated:p_agreement"]) == [
        row["calibrated:p_agreement"] for row in json.loads(out)["rows"]
    ]
    ax = swept.plot()
    assert ax.get_xlabel() == "russia.capability"
    xs = sorted(x for line in ax.get_lines() for x in line.get_xdata())
    assert xs == [0.3, 0.3, 0.6, 0.6]
    assert "| russia.capability |" in swept.markdown().replace("\\_", "_")
    stored = detente.sweep(spec, store=tmp_path / "runs.sqlite3")
    assert stored.to_dict()["sweep"] == 1
    assert stored.to_dict()["rows"] == swept.to_dict()["rows"]
