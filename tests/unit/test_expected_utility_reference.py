"""The vectorised expected-utility model against the plain-loop reference (``eu_reference``).

Random scenarios and random options; the positions of every round (and the medians,
means and accepted offers) must agree to 1e-9. Positions are drawn on a 0.01 grid, as
analysts code them: off-grid values within a few ulps of a pair's midpoint would make
the two implementations assign an indifferent voter's zero vote to different sides,
which changes nothing but rounding.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.models import _eu_rounds as eu
from detente.models.expected_utility import ExpectedUtilityModel
from detente.scenario import Scenario

from eu_reference import (
    reference_round,
    reference_run,
    weighted_mean,
    weighted_median_bruteforce,
)

TOL = 1e-9
ROUNDS = 6


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(1, 7))
    grid = st.integers(0, 1000).map(lambda k: k / 100.0)  # 0.00 .. 10.00
    positions = draw(st.lists(grid, min_size=n, max_size=n))
    capabilities = draw(st.lists(st.floats(0.05, 1.0), min_size=n, max_size=n))
    saliences = draw(st.lists(st.floats(0.05, 1.0), min_size=n, max_size=n))
    options = {
        "q": draw(st.sampled_from([1.0, 0.5, 0.0])),
        "t": draw(st.sampled_from([1.0, 0.3])),
        "probability": draw(st.sampled_from(["all-votes", "pair"])),
        "perspective": draw(st.sampled_from(["perceiver", "own"])),
        "risk": draw(st.sampled_from(["two-pass", "neutral"])),
        "offer_choice": draw(st.sampled_from(["scholz-code", "type-strongest", "least-move"])),
    }
    return {"x": positions, "c": capabilities, "s": saliences, "options": options}


def scenario_of(case: dict[str, Any]) -> Scenario:
    return Scenario.from_dict(
        {
            "schema": "detente/1",
            "title": "random",
            "as_of": "2020-01-01",
            "horizon": "2021-01-01",
            "issues": [{"id": "x", "name": "x", "scale": [0, 10]}],
            "actors": [
                {
                    "id": f"a{k}",
                    "name": f"a{k}",
                    "capability": c,
                    "stances": {"x": {"position": x, "salience": s}},
                }
                for k, (x, c, s) in enumerate(zip(case["x"], case["c"], case["s"], strict=True))
            ],
        }
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cases())
def test_model_matches_loop_reference(case: dict[str, Any]) -> None:
    model = ExpectedUtilityModel(
        max_rounds=ROUNDS, tol=0.0, position_range="scale", **case["options"]
    )
    out = model.forecast(scenario_of(case)).issues[0].details
    ids = [f"a{k}" for k in range(len(case["x"]))]  # sorted ids: the reference's order
    ref = reference_run(
        case["x"], case["c"], case["s"], rounds=ROUNDS, position_range=10.0, **case["options"]
    )
    w = [c * s for c, s in zip(case["c"], case["s"], strict=True)]
    for k, entry in enumerate(out["rounds"]):
        got = [entry["positions"][i] for i in ids]
        np.testing.assert_allclose(got, ref[k].positions, rtol=0, atol=TOL)
        assert entry["median"] == pytest.approx(weighted_median_bruteforce(got, w), abs=TOL)
        assert entry["mean"] == pytest.approx(weighted_mean(got, w), abs=TOL)
        # the same receivers accept offers from proposers at the same place (within
        # rounding of one point, two proposers make one offer and either may be named)
        accepted = {o["to"]: o["from"] for o in entry["offers"]}
        expected = {ids[i]: ids[j] for i, j in enumerate(ref[k].proposer) if j >= 0}
        assert accepted.keys() == expected.keys()
        if k:
            before = out["rounds"][k - 1]["positions"]
            for to, proposer in accepted.items():
                assert before[proposer] == pytest.approx(before[expected[to]], abs=TOL)
    # a run stops early only when a round moved nobody: the reference stays put too
    last = out["rounds"][-1]
    for step in ref[len(out["rounds"]) :]:
        np.testing.assert_allclose(step.positions, [last["positions"][i] for i in ids], atol=TOL)


@settings(max_examples=100, deadline=None)
@given(case=cases(), ranged=st.booleans())
def test_one_round_matches_including_risk_exponents(case: dict[str, Any], ranged: bool) -> None:
    x = np.array(case["x"])
    c, s = np.array(case["c"]), np.array(case["s"])
    big_r = 10.0 if ranged else max(float(np.ptp(x)), 0.01)
    result = eu.play_round(x, c * s, s, eu.Settings(position_range=big_r, **case["options"]))
    ref = reference_round(list(x), list(c * s), list(s), position_range=big_r, **case["options"])
    np.testing.assert_allclose(result.positions, ref.positions, rtol=0, atol=TOL)
    np.testing.assert_allclose(result.risk, ref.risk, rtol=0, atol=TOL)
    assert result.proposer.tolist() == ref.proposer
    assert result.offer_type.tolist() == ref.kind


@settings(max_examples=100, deadline=None)
@given(
    x=st.lists(st.floats(-50, 50), min_size=1, max_size=9),
    data=st.data(),
)
def test_support_and_all_votes_total_match_triple_sums(x: list[float], data: st.DataObject) -> None:
    # N_ij = sum_k w_k max(0, u_kj - u_ki) and D = sum_k w_k sum_a sum_b |u_ka - u_kb|
    # by brute force, u_ka = d_ka ** r_k (E2); the kernel reads N off prefix sums and
    # D = 2 sum_ij N_ij (each |u_ka - u_kb| is one of max(0, u_kb - u_ka), max(0, u_ka - u_kb))
    n = len(x)
    pos = np.sort(np.array(x))
    w = np.array(data.draw(st.lists(st.floats(0, 3), min_size=n, max_size=n)))
    r = np.array(data.draw(st.lists(st.floats(0.5, 2), min_size=n, max_size=n)))
    big_r = max(float(np.ptp(pos)), 1.0)
    u = (np.abs(pos[:, None] - pos[None, :]) / big_r) ** r[:, None]
    brute_n = np.array(
        [[sum(w[k] * max(0.0, u[k, j] - u[k, i]) for k in range(n)) for j in range(n)]
         for i in range(n)]
    )  # fmt: skip
    brute_d = sum(
        w[k] * abs(u[k, a] - u[k, b]) for k in range(n) for a in range(n) for b in range(n)
    )
    geo = eu.Geometry(pos[:, None], np.array([big_r]))
    support = eu.support(geo, w[:, None], u[:, :, None])[:, :, 0]
    np.testing.assert_allclose(support, brute_n, rtol=1e-12, atol=1e-12)
    assert 2.0 * support.sum() == pytest.approx(brute_d, rel=1e-12, abs=1e-12)
