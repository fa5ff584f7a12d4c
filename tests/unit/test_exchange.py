"""The exchange model on a hand-worked example and its options.

Hand example (Stokman & Van Oosten 1994 equations, worked on paper): two actors with
capability 1 on issues p and q.

* A: x = (0, 0), s = (0.8, 0.4); B: x = (100, 100), s = (0.2, 0.6).
* W_p = 1.0, W_q = 1.0; O_p = 0.2 * 100 = 20, O_q = 0.6 * 100 / 1.0 = 60.
* A is left of both outcomes, B right of both, so they can exchange; A values p
  relatively more (0.8 / 0.4 > 0.2 / 0.6): A demands p and supplies q.
* B moves all the way to 0 on p: dp = 100 * 0.2 / 1.0 = 20. Equal gain:
  dq = dp (0.8 + 0.2) / (0.4 + 0.6) = 20, so A moves dq * W_q / (c s) = 20 / 0.4 = 50
  on q (less than the 100 to B's position): A votes 50, B votes 0.
* Gains: A 0.8 * 20 - 0.4 * 20 = 8; B 0.6 * 20 - 0.2 * 20 = 8.
* Round 1 outcome: O_p = 0, O_q = 0.4 * 50 + 0.6 * 100 = 80.
* Next start: A on q moves (0.1 + 0.4 (1 - 0.4)) = 0.34 of the way: 17; B on p moves
  0.1 + 0.4 * 0.8 = 0.42 of the way: 100 - 42 = 58.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from detente.errors import ModelError
from detente.models.exchange import ExchangeModel, run_exchange
from detente.scenario import Scenario

X = np.array([[0.0, 0.0], [100.0, 100.0]])
S = np.array([[0.8, 0.4], [0.2, 0.6]])
C = np.ones((2, 2))


def test_hand_example_first_round() -> None:
    run = run_exchange(X, S, C, rounds=1)
    assert run.outcomes[0] == pytest.approx([20.0, 60.0], abs=1e-12)
    assert run.outcomes[1] == pytest.approx([0.0, 80.0], abs=1e-12)
    (done,) = run.exchanges[0]
    assert (done.i.actor, done.i.supply, done.j.actor, done.j.supply) == (0, 1, 1, 0)
    assert (done.i.y, done.j.y) == pytest.approx((50.0, 0.0))
    assert (done.gain_i, done.gain_j) == pytest.approx((8.0, 8.0))


def test_hand_example_next_start_positions() -> None:
    run = run_exchange(X, S, C, rounds=2)
    # round 2 starts from A at 17 on q and B at 58 on p
    start_p = 0.2 * 58.0 / 1.0
    start_q = (0.4 * 17.0 + 0.6 * 100.0) / 1.0
    # round 2: B again moves to 0 on p (dp = 11.6), A by dq / 0.4 = 29 on q, to 46
    assert start_p == pytest.approx(11.6)
    assert run.outcomes[2] == pytest.approx([0.0, (0.4 * 46.0 + 60.0)], abs=1e-9)
    assert start_q < run.outcomes[2][1]


def scenario(rate: str | None = None) -> Scenario:
    data: dict[str, Any] = {
        "schema": "detente/1",
        "title": "two issues",
        "as_of": "2024-01-01",
        "horizon": "2025-01-01",
        "issues": [
            {"id": "p", "name": "p", "scale": [0, 10]},
            {"id": "q", "name": "q", "scale": [0, 10]},
        ],
        "actors": [
            {
                "id": "a",
                "name": "A",
                "capability": 1,
                "stances": {
                    "p": {"position": 0, "salience": 0.8},
                    "q": {"position": 0, "salience": 0.4},
                },
            },
            {
                "id": "b",
                "name": "B",
                "capability": 1,
                "stances": {
                    "p": {"position": 10, "salience": 0.2},
                    "q": {"position": 10, "salience": 0.6},
                },
            },
        ],
    }
    return Scenario.from_dict(data)


def test_forecast_maps_the_scale_and_lists_rounds() -> None:
    forecast = ExchangeModel(rounds=1).forecast(scenario())
    assert forecast.outcome("p") == pytest.approx(0.0)
    assert forecast.outcome("q") == pytest.approx(8.0)
    rounds = forecast.issues[1].details["rounds"]
    assert [r["round"] for r in rounds] == [0, 1]
    assert rounds[1]["positions"] == pytest.approx({"a": 5.0, "b": 10.0})
    assert rounds[1]["offers"][0]["to"] == "a" and rounds[1]["offers"][0]["from"] == "b"


def test_random_rate_stays_between_break_even_rates_and_is_seeded() -> None:
    model = ExchangeModel(rounds=1, rate="random")
    one, two = model.forecast(scenario(), rng=5), model.forecast(scenario(), rng=5)
    assert one.to_dict() == two.to_dict()
    run = run_exchange(X, S, C, rounds=1, rng=np.random.default_rng(1))
    (done,) = run.exchanges[0]
    assert 0.2 / 0.6 <= done.rate <= 0.8 / 0.4
    assert done.gain_i > 0 and done.gain_j > 0


@pytest.mark.parametrize("options", [{"rounds": 0}, {"rounds": True}, {"rate": "nash"}])
def test_bad_options_are_model_errors(options: dict[str, Any]) -> None:
    with pytest.raises(ModelError):
        ExchangeModel(**options)
