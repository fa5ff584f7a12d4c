"""Monte Carlo: sampling, streaming summaries, seeds and workers, reports.

Expected values are worked out independently: triangular moments (mean (a+b+c)/3,
median b - sqrt((b-a)(b-c)/2) when the mode lies left of the midpoint), the dated
model's closed form 1 - exp(-h t) for a fixed scenario, numpy's quantiles.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rich.console import Console
from rich.table import Table

from detente._streaming import BINS, _Hist, _Spec
from detente.errors import DetenteError
from detente.report.agreement import agreement_table, plot_agreement_curve
from detente.scenario import Scenario
from detente.uncertainty import ScenarioSampler, run_monte_carlo

from strategies import attrition_pair

AS_OF = dt.date(2020, 1, 1)


def dated(**extra: Any) -> dict[str, Any]:
    """Russia concedes at hazard 0.5 a year (see :func:`strategies.attrition_pair`)."""
    data = attrition_pair()
    data.update(extra)
    return data


def uncertain() -> Scenario:
    """The dated scenario with ranges on the discount rate, a bound and a position."""
    data = dated()
    data["dynamics"]["signatories"][0]["discount_rate"] = {"low": 0.05, "mode": 0.2, "high": 0.4}
    data["agreement"]["signatories"][1]["accepts"]["t"] = [0, {"low": 30, "mode": 40, "high": 55}]
    data["actors"][1]["stances"]["t"]["position"] = {"low": 0, "mode": 30, "high": 90}
    return Scenario.from_dict(data)


# -- sampling ---------------------------------------------------------------------------


def test_fixed_scenario_has_no_uncertain_numbers() -> None:
    scenario = Scenario.from_dict(dated())
    sampler = ScenarioSampler(scenario)
    assert sampler.uncertain == ()
    draws = sampler.sample(np.random.default_rng(0), 5)
    assert draws.matrix.shape == (5, 0)
    assert list(draws.get(("actors", 0, "capability"))) == [1.0] * 5
    assert list(draws.get(("nowhere",), 7.0)) == [7.0] * 5
    with pytest.raises(KeyError):
        draws.get(("nowhere",))


def test_samples_follow_the_triangular_law() -> None:
    sampler = ScenarioSampler(uncertain())
    path = ("actors", 1, "stances", "t", "position")
    assert path in sampler.uncertain
    x = sampler.sample(np.random.default_rng(1), 20_000).get(path)
    assert x.min() >= 0 and x.max() <= 90
    # mean (0 + 30 + 90) / 3 = 40; sd sqrt((0 + 900 + 8100 - 0 - 0 - 2700) / 18) = 18.7
    assert x.mean() == pytest.approx(40.0, abs=5 * 18.7 / math.sqrt(20_000))


def test_scenario_at_fixes_every_range_to_the_draw() -> None:
    scenario = uncertain()
    sampler = ScenarioSampler(scenario)
    draws = sampler.sample(np.random.default_rng(2), 4)
    one = sampler.scenario_at(draws, 3)
    position = one.actors[1].stances["t"].position
    assert position.is_fixed
    assert position.mode == draws.get(("actors", 1, "stances", "t", "position"))[3]
    assert one.dynamics is not None
    rate = one.dynamics.signatories[0].discount_rate
    assert (
        rate.is_fixed and rate.mode == draws.get(("dynamics", "signatories", 0, "discount_rate"))[3]
    )
    assert one.actors[0] is scenario.actors[0]  # untouched branches are shared, not copied
    assert not scenario.actors[1].stances["t"].position.is_fixed  # the original is unchanged


def test_crossed_accepts_bounds_collapse_to_their_midpoint() -> None:
    data = dated()
    data["agreement"]["signatories"][0]["accepts"]["t"] = [
        {"low": 40, "mode": 50, "high": 70},
        {"low": 45, "mode": 55, "high": 60},
    ]
    sampler = ScenarioSampler(Scenario.from_dict(data))
    draws = sampler.sample(np.random.default_rng(3), 200)
    lo = draws.get(("agreement", "signatories", 0, "accepts", "t", 0))
    hi = draws.get(("agreement", "signatories", 0, "accepts", "t", 1))
    i = int(np.flatnonzero(lo > hi)[0])
    low, high = sampler.scenario_at(draws, i).agreement.signatories[0].accepts["t"]  # type: ignore[union-attr]
    assert low.mode == high.mode == pytest.approx((lo[i] + hi[i]) / 2)


# -- streaming summaries ----------------------------------------------------------------


def test_histogram_quantiles_equal_numpys_when_bins_hold_at_most_two_values() -> None:
    values = np.random.default_rng(4).permutation(np.linspace(0.0, 1.0, 301))
    hist = _Hist(_Spec(0.0, 1.0, BINS, 1))
    hist.add(values[:150, None])
    other = _Hist(_Spec(0.0, 1.0, BINS, 1))
    other.add(values[150:, None])
    hist.merge(other)
    for q in (0.05, 0.5, 0.95, 0.0, 1.0):
        assert hist.quantile(0, q) == pytest.approx(float(np.quantile(values, q)), abs=1e-12)


def test_histogram_of_one_repeated_value_is_exact() -> None:
    hist = _Hist(_Spec(0.0, 100.0, BINS, 2))
    hist.add(np.array([[37.25, np.nan]] * 9))
    assert hist.quantile(0, 0.05) == hist.quantile(0, 0.95) == 37.25
    assert hist.quantile(1, 0.5) is None  # nan entries are skipped


# -- run_monte_carlo ---------------------------------------------------------------------


def test_fixed_scenario_reproduces_the_closed_form_in_every_draw() -> None:
    result = run_monte_carlo(
        Scenario.from_dict(dated()), runs=300, seed=1, models=["deadline-bargaining"]
    )
    agreement = result.agreement
    assert agreement is not None
    for day, summary in zip(agreement.dates, agreement.by, strict=True):
        expected = 1 - math.exp(-0.5 * (day - AS_OF).days / 365.25)
        assert summary.mean == pytest.approx(expected, abs=1e-12)
        assert summary.median == summary.p05 == summary.p95 == pytest.approx(expected, abs=1e-12)
        assert summary.n == 300
    assert agreement.agreed["t"].median == pytest.approx(40.0)
    assert agreement.possible == 1.0
    assert agreement.median_time == dt.date(2021, 6, 1)  # ln 2 / 0.5 = 1.386 y
    document = result.to_dict()
    assert document["agreement"]["by"]["2020-12-31"] == pytest.approx(
        1 - math.exp(-0.5 * 365 / 365.25)
    )
    json.dumps(document)


def test_static_model_summary_matches_triangular_moments() -> None:
    # compromise of Japan's position x ~ tri(0, 30, 90) and Russia's 100, equal weights:
    # (x + 100) / 2, mean (40 + 100) / 2 = 70, median (90 - sqrt(2700) + 100) / 2 = 69.02
    result = run_monte_carlo(
        uncertain(), runs=4000, seed=2, models=["compromise"], static_runs=4000
    )
    summary = result.outcomes["compromise"]["t"]
    assert summary.n == 4000
    sd = 18.7 / 2
    assert summary.mean == pytest.approx(70.0, abs=5 * sd / math.sqrt(4000))
    assert summary.median == pytest.approx(
        (190 - math.sqrt(2700)) / 2, abs=5 * 1.2533 * sd / math.sqrt(4000)
    )
    assert result.agreement is None


def test_static_models_run_on_an_evenly_spread_subsample() -> None:
    # stride ceil(1000 / 300) = 4: draws 0, 4, ..., 996 -> 250 draws
    result = run_monte_carlo(uncertain(), runs=1000, seed=3, models=["compromise"], static_runs=300)
    assert result.static_runs == 250
    assert result.outcomes["compromise"]["t"].n == 250


def test_progress_receives_the_draws_completed_so_far() -> None:
    seen: list[int] = []
    run_monte_carlo(
        uncertain(),
        runs=300,
        seed=0,
        models=["deadline-bargaining"],
        block_size=128,
        progress=seen.append,
    )
    assert seen == [128, 256, 300]


def test_same_seed_same_output_for_any_workers_and_block_size() -> None:
    scenario = uncertain()
    models = ["deadline-bargaining", "compromise"]
    one = run_monte_carlo(
        scenario, runs=400, seed=9, models=models, workers=1, block_size=128, static_runs=40
    )
    two = run_monte_carlo(
        scenario, runs=400, seed=9, models=models, workers=2, block_size=256, static_runs=40
    )
    big = run_monte_carlo(
        scenario, runs=400, seed=9, models=models, workers=1, block_size=10_000, static_runs=40
    )
    assert one.to_dict() == two.to_dict() == big.to_dict()
    other = run_monte_carlo(scenario, runs=400, seed=10, models=models, static_runs=40)
    assert other.to_dict() != one.to_dict()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"runs": 0}, "runs"),
        ({"workers": 0}, "workers"),
        ({"block_size": 0}, "block_size"),
        ({"seed": -1}, "seed"),
        ({"models": ["no-such-model"]}, "no-such-model"),
    ],
)
def test_invalid_arguments_are_clear_errors(kwargs: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {"runs": 10, "seed": 0, **kwargs}
    with pytest.raises(DetenteError, match=message):
        run_monte_carlo(uncertain(), **arguments)


def test_a_model_needing_an_agreement_is_refused_without_one() -> None:
    data = dated()
    del data["agreement"], data["dynamics"]
    with pytest.raises(DetenteError, match="agreement"):
        run_monte_carlo(Scenario.from_dict(data), runs=10, seed=0, models=["deadline-bargaining"])
    # but skipped when the models are not named
    result = run_monte_carlo(Scenario.from_dict(data), runs=10, seed=0, static_runs=10)
    assert "deadline-bargaining" not in result.models and result.agreement is None


# -- reports -----------------------------------------------------------------------------


def test_agreement_table_lists_named_dates_and_the_closed_form() -> None:
    data = dated(dates=[{"date": "2021-03-15", "label": "summit"}])
    result = run_monte_carlo(
        Scenario.from_dict(data), runs=128, seed=0, models=["deadline-bargaining"]
    )
    table = agreement_table(result)
    assert isinstance(table, Table)
    console = Console(width=200, record=True)
    console.print(table)
    text = console.export_text()
    p = 1 - math.exp(-0.5 * (dt.date(2021, 3, 15) - AS_OF).days / 365.25)
    assert "P(signed by 2021-03-15)  summit" in text
    assert f"{p:.2f}" in text
    for day in ("2020-12-31", "2021-12-31", "2022-01-01"):
        assert f"P(signed by {day})" in text
    assert "2021-06-01" in text  # median time to signature
    assert "Agreed outcome: territory" in text


def test_plot_writes_the_figure_atomically(tmp_path: Path) -> None:
    result = run_monte_carlo(uncertain(), runs=128, seed=0, models=["deadline-bargaining"])
    target = tmp_path / "curve.png"
    target.write_bytes(b"old")
    plot_agreement_curve(result, target, title="test")
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["curve.png"]  # no temporary file left


def test_plot_refuses_a_result_without_a_dated_model(tmp_path: Path) -> None:
    result = run_monte_carlo(uncertain(), runs=10, seed=0, models=["compromise"], static_runs=10)
    with pytest.raises(ValueError, match="dated"):
        plot_agreement_curve(result, tmp_path / "x.png")
    assert list(tmp_path.iterdir()) == []


def test_result_document_is_json_with_iso_dates() -> None:
    result = run_monte_carlo(uncertain(), runs=200, seed=5, models=["deadline-bargaining"])
    document = json.loads(json.dumps(result.to_dict()))
    by = document["agreement"]["by"]
    assert list(by) == sorted(by)
    assert all(0.0 <= p <= 1.0 for p in by.values())
    assert dt.date.fromisoformat(next(iter(by))) == dt.date(2020, 12, 31)
