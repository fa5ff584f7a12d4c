"""Monte Carlo runs every model on every draw; identical draws are solved once (#14).

The batched paths (``predict_draws`` of the expected-utility, compromise and median
models) must give, draw by draw, what ``forecast`` gives on that draw's scenario; a
table without ranges is solved once per model, and the output says so.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from detente.models import get_model
from detente.monte_carlo_tasks import issue_arrays
from detente.sampling import ScenarioSampler
from detente.scenario import Scenario
from detente.uncertainty import run_monte_carlo

MODELS = ["compromise", "expected-utility", "median"]


def table(ranged: bool) -> Scenario:
    """Five actors on one issue (0-10); with ``ranged`` two positions, a salience and a
    capability are ranges."""
    rows = [
        ("a", 1.0, 2.0, 0.9),
        ("b", 0.5, 4.0, 0.6),
        ("c", 0.8, 6.5, 0.8),
        ("d", 0.3, 9.0, 0.4),
        ("e", 0.6, 7.0, 0.5),
    ]
    actors: list[dict[str, Any]] = []
    for ident, c, x, s in rows:
        actors.append(
            {
                "id": ident,
                "name": ident,
                "capability": c,
                "stances": {"x": {"position": x, "salience": s}},
            }
        )
    if ranged:
        actors[0]["stances"]["x"]["position"] = {"low": 1.0, "mode": 2.0, "high": 3.5}
        actors[3]["stances"]["x"]["position"] = {"low": 7.5, "mode": 9.0, "high": 10.0}
        actors[2]["stances"]["x"]["salience"] = {"low": 0.5, "mode": 0.8, "high": 1.0}
        actors[1]["capability"] = {"low": 0.2, "mode": 0.5, "high": 0.9}
    return Scenario.from_dict(
        {
            "schema": "detente/1",
            "title": "t",
            "as_of": "2020-01-01",
            "horizon": "2021-01-01",
            "issues": [{"id": "x", "name": "x", "scale": [0, 10]}],
            "actors": actors,
        }
    )


@pytest.mark.parametrize("name", MODELS)
def test_batched_draws_equal_one_forecast_per_draw(name: str) -> None:
    scenario = table(ranged=True)
    sampler = ScenarioSampler(scenario)
    draws = sampler.sample(np.random.default_rng(5), 40)
    rows = np.arange(40)
    ids, x, s, c = issue_arrays(scenario, draws, rows, "x")
    model = get_model(name)
    batched = model.predict_draws(ids, x, s, c, (0.0, 10.0))  # type: ignore[attr-defined]
    one_by_one = [model.forecast(sampler.scenario_at(draws, i)).outcome("x") for i in rows]
    np.testing.assert_allclose(batched, np.array(one_by_one, dtype=float), rtol=0, atol=1e-9)


def test_every_model_on_every_draw_by_default() -> None:
    result = run_monte_carlo(table(ranged=True), runs=300, seed=1, models=MODELS)
    out = result.to_dict()
    for name in MODELS:
        assert result.outcomes[name]["x"].n == 300
        assert out["models"][name]["draws"] == 300
        assert out["models"][name]["solved"] == 300  # continuous ranges: all distinct
    # the outcome varies across draws for the expected-utility model too
    summary = result.outcomes["expected-utility"]["x"]
    assert summary.p05 is not None and summary.p95 is not None and summary.p05 < summary.p95


def test_identical_draws_are_solved_once() -> None:
    scenario = table(ranged=False)
    result = run_monte_carlo(scenario, runs=1000, seed=0, models=MODELS, workers=1)
    for name in MODELS:
        single = get_model(name).forecast(scenario).outcome("x")
        summary = result.outcomes[name]["x"]
        assert summary.n == 1000
        assert summary.median == pytest.approx(single, abs=1e-12)
        assert summary.mean == pytest.approx(single, abs=1e-9)
        assert result.solved[name] == 1
        assert result.to_dict()["models"][name]["solved"] == 1


def test_static_runs_is_an_explicit_subsample() -> None:
    result = run_monte_carlo(table(ranged=True), runs=1000, seed=3, models=MODELS, static_runs=300)
    assert result.static_runs == 250  # every ceil(1000 / 300) = 4th draw
    for name in MODELS:
        assert result.outcomes[name]["x"].n == 250
        assert result.solved[name] == 250


def test_same_seed_same_answer_for_any_workers_and_blocks() -> None:
    scenario = table(ranged=True)
    one = run_monte_carlo(scenario, runs=600, seed=4, models=MODELS, block_size=128)
    two = run_monte_carlo(scenario, runs=600, seed=4, models=MODELS, block_size=512, workers=2)
    assert one.to_dict() == two.to_dict()
