"""Results of the Python API: tidy tables worked out by hand on a two-sided scenario, the
same JSON documents and Markdown as the command line, figures on a given Axes, and the
notebook display with the evidence a click away."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from hypothesis import given, settings

import detente
from detente.errors import DetenteError
from detente.scenario import Scenario

from cli_helpers import run_cli
from strategies import scenario_dicts

matplotlib.use("Agg")
pd = pytest.importorskip("pandas")

# Two sides on a 0-100 price scale. A (capability 1-2-3, at 0) accepts 0-40; B (capability
# 3, at 100) accepts from 50-60-70 up. Both salience 50. Two-level: the win-sets [0, 40]
# and [60, 100] leave a gap of 20 points, so no agreement is possible now.
TWO_SIDES = """\
schema: detente/1
title: Two sides <b>&amp;</b>
as_of: 2025-01-01
horizon: 2026-12-31
salience_scale: 100
sources:
  - {id: notes, title: Notes}
issues:
  - id: price
    name: Price
    scale: [0, 100]
    status_quo: 0
actors:
  - id: a
    name: A <script>x</script>
    capability: {low: 1, mode: 2, high: 3}
    stances: {price: {position: 0, salience: 50}}
  - id: b
    name: B
    capability: 3
    stances: {price: {position: 100, salience: 50}}
agreement:
  name: Deal
  signatories:
    - actor: a
      accepts: {price: [0, 40]}
    - actor: b
      accepts: {price: [{low: 50, mode: 60, high: 70}, 100]}
evidence:
  - about: actors.a.capability
    source: notes
    quote: A's weight is between one and three
"""


@pytest.fixture
def two_sides(tmp_path: Path) -> Path:
    path = tmp_path / "two_sides.yaml"
    path.write_text(TWO_SIDES)
    return path


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> object:
    code, out, err = run_cli(capsys, *args, "-f", "json")
    assert code == 0, err
    return json.loads(out)


def test_sensitivity_frame_known_swings(two_sides: Path) -> None:
    scenario = detente.load(two_sides)
    result = scenario.sensitivity(models=["compromise", "two-level"], runs=0, metric="any")
    frame = result.to_frame()
    row = frame[(frame["path"] == "actors.a.capability") & (frame["metric"] == "compromise:price")]
    # compromise = (c_A 50 x 0 + 3 x 50 x 100) / (c_A 50 + 150) = 300 / (c_A + 3):
    # c_A = 1 -> 75, mode 2 -> 60, high 3 -> 50; effect = (75 - 50) / 100 (scale width)
    assert row[["low", "base", "high"]].iloc[0].tolist() == pytest.approx([75, 60, 50])
    assert row["effect"].iloc[0] == pytest.approx(0.25)
    gap = frame[
        (frame["path"] == "agreement.signatories.b.accepts.price.0")
        & (frame["metric"] == "two-level:gap")
    ]
    # the gap is B's floor minus A's ceiling 40: 50 -> 10, 60 -> 20, 70 -> 30
    assert gap[["low", "base", "high"]].iloc[0].tolist() == pytest.approx([10, 20, 30])
    assert gap["effect"].iloc[0] == pytest.approx(0.2)


def test_flip_frame_known_thresholds(two_sides: Path) -> None:
    found = detente.load(two_sides).flip(target="zopa")
    frame = found.to_frame()
    singles = frame[frame["kind"] == "single"].set_index("path")
    # a zone opens when B's floor comes down to A's ceiling (40) or A's ceiling goes up
    # to B's floor (60): both moves of 20 points (tolerance: the bisection's 1e-3 of scale)
    assert singles.loc["agreement.signatories.b.accepts.price.0", "to"] == pytest.approx(
        40, abs=0.1
    )
    assert singles.loc["agreement.signatories.a.accepts.price.1", "to"] == pytest.approx(
        60, abs=0.1
    )
    assert singles.loc["agreement.signatories.b.accepts.price.0", "from"] == pytest.approx(60)
    assert set(singles.index) == {
        "agreement.signatories.b.accepts.price.0",
        "agreement.signatories.a.accepts.price.1",
    }


def test_documents_are_the_cli_json(capsys: pytest.CaptureFixture[str], two_sides: Path) -> None:
    scenario = detente.load(str(two_sides))
    path = str(two_sides)
    cli = _json(capsys, "flip", path, "--target", "zopa")
    assert json.loads(json.dumps(scenario.flip(target="zopa").to_dict())) == cli
    cli = _json(capsys, "sensitivity", path, "--runs", "0", "-m", "compromise")
    assert scenario.sensitivity(runs=0, models=["compromise"]).to_dict() == cli
    cli = _json(capsys, "show", path)
    assert json.loads(json.dumps(scenario.to_dict())) == cli
    cli = _json(capsys, "backtest", "deu", "tests/data/deu_small.tsv", "--bootstrap", "50")
    assert detente.backtest_deu("tests/data/deu_small.tsv", bootstrap=50).to_dict() == cli


def test_markdown_is_the_cli_markdown(capsys: pytest.CaptureFixture[str], two_sides: Path) -> None:
    scenario = detente.load(str(two_sides))
    code, out, _ = run_cli(capsys, "show", str(two_sides), "-f", "markdown")
    assert code == 0 and scenario._repr_markdown_() == out
    code, out, _ = run_cli(capsys, "forecast", str(two_sides), "-m", "compromise", "-f", "markdown")
    assert code == 0 and scenario.forecast(models=["compromise"])._repr_markdown_() == out


def test_html_shows_the_tables_escaped_with_evidence_in_details(two_sides: Path) -> None:
    scenario = detente.load(two_sides)
    page = scenario._repr_html_()
    assert "<script>" not in page and "A &lt;script&gt;x&lt;/script&gt;" in page
    assert "<details>" in page and "A&#x27;s weight is between one and three" in page
    # one parameter of nine has evidence: the summary says how many have none
    assert "without evidence" in page
    # evidence is grouped by what it is behind: B's floor on the price under the issue,
    # A's capability under the actors
    price = page[page.index("Behind Price") : page.index("Actors: capabilities")]
    assert "agreement.signatories.b.accepts.price<" in price
    assert "actors.a.capability" in page[page.index("Actors: capabilities") :]
    result_page = scenario.forecast(models=["compromise", "two-level"])._repr_html_()
    assert "<table" in result_page and "<details>" in result_page
    assert "Two sides &lt;b&gt;&amp;amp;&lt;/b&gt;" in result_page


def test_case_backtest_frames_agree_with_the_brier_score(tmp_path: Path) -> None:
    for name in ("egypt_israel_1978", "norway_russia_2010", "cyprus_2004"):
        text = (Path(__file__).parents[2] / "cases" / f"{name}.yaml").read_text()
        (tmp_path / f"{name}.yaml").write_text(text)
    result = detente.backtest_cases(tmp_path, runs=64, seed=1)
    cases = result.to_frame()
    assert len(cases) == 3 * cases["forecaster"].nunique()
    # squared error of a probability forecast: (p - outcome)^2 (Brier 1950)
    expected = (cases["p"] - cases["agreed"].astype(float)) ** 2
    assert cases["squared_error"].to_numpy() == pytest.approx(expected.to_numpy())
    # the Brier score is the mean squared error over the cases
    brier = cases.groupby("forecaster")["squared_error"].mean()
    scores = result.to_frame("scores").set_index("forecaster")["brier"]
    assert scores.to_dict() == pytest.approx(brier.to_dict())
    assert isinstance(result.plot(), matplotlib.axes.Axes)


def test_deu_frames_agree_with_the_model_scores() -> None:
    result = detente.backtest_deu("tests/data/deu_small.tsv", bootstrap=50)
    issues = result.to_frame()
    # absolute error on the 0-100 scale: |forecast - outcome|
    scored = issues.dropna(subset=["forecast"])
    assert scored["abs_error"].to_numpy() == pytest.approx(
        (scored["forecast"] - scored["outcome"]).abs().to_numpy()
    )
    models = result.to_frame("models").set_index("model")
    mae = scored.groupby("model")["abs_error"].mean()
    for model, value in mae.items():
        assert models.loc[model, "mae"] == pytest.approx(value)
        assert models.loc[model, "mae_low"] <= value <= models.loc[model, "mae_high"]
    ax = result.plot()
    assert len(ax.get_yticklabels()) == models["mae"].notna().sum()


def test_every_plot_returns_the_axes_it_drew_on(two_sides: Path) -> None:
    import matplotlib.pyplot as plt

    scenario = detente.load(two_sides)
    fig, axes = plt.subplots(2, 3)
    drawn = [
        scenario.forecast().plot(axes[0, 0]),
        scenario.forecast(runs=64).plot(axes[0, 1]),
        scenario.forecast(models=["expected-utility"]).plot(axes[0, 2], kind="rounds"),
        scenario.whatif({"b.accepts.price.0": 40}, runs=0).plot(axes[1, 0]),
        scenario.flip(target="zopa").plot(axes[1, 1]),
        scenario.sensitivity(runs=0, models=["compromise"]).plot(axes[1, 2]),
    ]
    assert drawn == list(axes.flat)
    # the what-if figure: one row per model, B's floor at 40 moves nothing static
    whatif = scenario.whatif({"b.accepts.price.0": 40}, runs=0)
    assert len(drawn[3].get_yticklabels()) == len(whatif.to_frame().query("issue == 'price'"))
    plt.close(fig)


def test_to_frame_without_pandas_is_one_clear_error(
    two_sides: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = detente.load(two_sides).forecast(models=["compromise"])
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(DetenteError, match=r"pip install 'detente\[notebook\]'"):
        result.to_frame()


def test_bad_arguments_are_clear_errors(two_sides: Path) -> None:
    scenario = detente.load(two_sides)
    with pytest.raises(DetenteError, match="kind: expected"):
        scenario.forecast().plot(kind="pie")
    with pytest.raises(DetenteError, match="no Monte Carlo run"):
        scenario.forecast().plot(kind="agreement")
    with pytest.raises(DetenteError, match="method: expected"):
        scenario.sensitivity(method="morris")  # type: ignore[arg-type]
    with pytest.raises(DetenteError, match="expected a number, a Range"):
        scenario.whatif({"a.capability": [1, 2]}, runs=0)


def test_scenario_frame_one_row_per_actor_and_issue(two_sides: Path) -> None:
    frame = detente.load(two_sides).to_frame().set_index("actor")
    assert list(frame.index) == ["a", "b"] and set(frame["issue"]) == {"price"}
    # A's capability is the range 1-2-3; B's a plain 3 (low = mode = high)
    assert frame.loc["a", ["capability_low", "capability", "capability_high"]].tolist() == [1, 2, 3]
    assert frame.loc["b", ["capability_low", "capability", "capability_high"]].tolist() == [3, 3, 3]
    assert frame.loc["b", "position"] == 100
    # saliences in the file's units (salience_scale 100), as written
    assert frame["salience"].tolist() == [50, 50]


def test_every_result_has_tables_markdown_html_and_a_figure(two_sides: Path) -> None:
    import matplotlib.pyplot as plt

    scenario = detente.load(two_sides)
    forecast = scenario.forecast(runs=64)
    assert forecast.monte_carlo is not None
    results = [
        forecast,
        forecast.monte_carlo,
        scenario.whatif({"b.accepts.price.0": 40}, runs=0),
        scenario.flip(target="zopa"),
        scenario.sensitivity(runs=0, models=["compromise"]),
        scenario.sensitivity(method="sobol", samples=8, models=["compromise"]),
        detente.backtest_deu("tests/data/deu_small.tsv", models=["compromise"], bootstrap=20),
    ]
    for result in results:
        name = type(result).__name__
        assert "<table" in result._repr_html_(), name
        assert result._repr_markdown_().strip(), name
        assert isinstance(result.to_frame(), pd.DataFrame) and len(result.to_frame()), name
        assert isinstance(result.to_dict(), dict), name
        assert isinstance(result.plot(), matplotlib.axes.Axes), name
        assert name in repr(result)
        plt.close("all")


@settings(max_examples=25, deadline=None)
@given(scenario_dicts(with_agreement=False))
def test_frames_of_random_scenarios_follow_the_compromise_formula(data: dict[str, object]) -> None:
    scenario = detente.LoadedScenario(Scenario.from_dict(data))
    stances = scenario.to_frame()
    assert len(stances) == len(scenario.scenario.actors) * len(scenario.scenario.issues)
    frame = scenario.forecast(models=["compromise"]).to_frame().set_index("issue")
    for issue, rows in stances.groupby("issue"):
        # compromise: the capability x salience weighted mean of positions (Achen 2006)
        weight = rows["capability"].to_numpy() * rows["salience"].to_numpy()
        expected = float(np.sum(weight * rows["position"].to_numpy()) / np.sum(weight))
        assert frame.loc[issue, "outcome"] == pytest.approx(expected, rel=1e-9, abs=1e-9)
