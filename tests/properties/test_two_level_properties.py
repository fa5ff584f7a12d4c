"""Properties of the two-level additions of the dated model (issue 11).

* A positive exit hazard whose successor has no limits of its own (it accepts the whole
  scale, so its effective set is its ratifiers' win-set, which contains what the
  leader ever offered, held out or conceded) never lowers P(agreement by t). Common
  random numbers: the same parameter draws; the exit paths only add leader changes.
  (A successor set that merely equals the ratifiers' today is not enough: drift and
  shocks move the two apart.)
* Correlating ranges never changes the modes, so never changes ``forecast``.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.models.deadline_bargaining import MODEL
from detente.scenario import Scenario
from detente.uncertainty import DatedDraws, ScenarioSampler

from strategies import dated_forecast, dated_scenarios

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def forecast(data: dict[str, Any], seed: int, n: int = 16) -> DatedDraws:
    """``n`` draws of ``data`` from ``seed`` (parameters and process from fixed streams)."""
    return dated_forecast(data, seed, n)  # type: ignore[no-any-return]


@SETTINGS
@given(
    dated_scenarios(ratifiers=True, ranged=False),
    st.integers(0, 2**32 - 1),
    st.floats(0.01, 3.0),
)
def test_an_exit_hazard_with_a_successor_as_flexible_as_its_ratifiers_never_lowers_p(
    data: dict[str, Any], seed: int, hazard: float
) -> None:
    signatory = data["agreement"]["signatories"][0]
    leader = signatory.setdefault("leader", {"name": "leader 0"})
    leader["exit_hazard"] = 0.0
    with_exit = copy.deepcopy(data)
    exiting = with_exit["agreement"]["signatories"][0]["leader"]
    exiting["exit_hazard"] = hazard
    # the successor accepts the whole scale, and nothing narrows it over time
    exiting["successor"] = {"accepts": {i["id"]: list(i["scale"]) for i in data["issues"]}}
    for scenario in (data, with_exit):
        scenario["dynamics"]["signatories"][0]["drift"] = 0.0
        scenario["dynamics"]["shocks"] = [
            h for h in scenario["dynamics"]["shocks"] if h["target"] != "s0"
        ]
    stay, leave = forecast(data, seed).by, forecast(with_exit, seed).by
    assert np.all(leave >= stay - 1e-12)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dated_scenarios(ratifiers=True, ranged=True), st.floats(-0.45, 1.0))
def test_correlation_leaves_the_forecast_at_the_modes_unchanged(
    data: dict[str, Any], rho: float
) -> None:
    scenario = Scenario.from_dict(data)
    ranged = ScenarioSampler(scenario).uncertain
    if len(ranged) < 2:
        return
    from detente.scenario_edits import numeric_parameters

    paths = [p.path for p in numeric_parameters(scenario) if p.key in set(ranged[:3])]
    correlated = copy.deepcopy(data)
    correlated["correlation"] = [{"id": "g", "ranges": paths, "rho": rho}]
    plain = MODEL.forecast(scenario, rng=1).agreement
    joint = MODEL.forecast(Scenario.from_dict(correlated), rng=1).agreement
    assert plain is not None and joint is not None
    assert joint.extra["curve"] == plain.extra["curve"]


def _deadline(data: dict[str, Any], share: float) -> str:
    import datetime as dt

    start = dt.date.fromisoformat(data["as_of"])
    end = dt.date.fromisoformat(data["horizon"])
    return (start + dt.timedelta(days=max(1, int((end - start).days * share)))).isoformat()


@SETTINGS
@given(
    dated_scenarios(ranged=False),
    st.integers(0, 2**32 - 1),
    st.floats(0.05, 1.0),
    st.floats(0.0, 2.0),
)
def test_valuing_a_deadline_never_lowers_p(
    data: dict[str, Any], seed: int, share: float, weight: float
) -> None:
    date = _deadline(data, share)
    data["dynamics"]["deadlines"] = [{"id": "d", "date": date}]
    valued = copy.deepcopy(data)
    valued["dynamics"]["deadlines"][0]["valued_by"] = [{"actor": "s0", "weight": weight}]
    plain, eager = forecast(data, seed).by, forecast(valued, seed).by
    assert np.all(eager >= plain - 1e-12)


@SETTINGS
@given(
    dated_scenarios(ranged=False),
    st.integers(0, 2**32 - 1),
    st.floats(0.05, 1.0),
    st.floats(0.001, 0.5),
)
def test_sets_widening_after_a_deadline_never_lower_p(
    data: dict[str, Any], seed: int, share: float, change: float
) -> None:
    date = _deadline(data, share)
    data["dynamics"]["deadlines"] = [{"id": "d", "date": date}]
    wider = copy.deepcopy(data)
    wider["dynamics"]["deadlines"][0].update({"after": "widen", "change": change})
    plain, wide = forecast(data, seed).by, forecast(wider, seed).by
    assert np.all(wide >= plain - 1e-12)


@SETTINGS
@given(
    dated_scenarios(ranged=False),
    st.integers(0, 2**32 - 1),
    st.lists(st.floats(0.0, 1.0), min_size=2, max_size=2),
)
def test_a_package_never_lowers_p(data: dict[str, Any], seed: int, ends: list[float]) -> None:
    # the own set becomes the union of the box and a package, so it contains the box
    lo, hi = data["issues"][0]["scale"]
    a, b = sorted(lo + (hi - lo) * u for u in ends)
    with_package = copy.deepcopy(data)
    with_package["agreement"]["signatories"][0]["packages"] = [
        {"id": "p", "accepts": {"i0": [a, min(b, hi)]}}
    ]
    box, union = forecast(data, seed).by, forecast(with_package, seed).by
    assert np.all(union >= box - 1e-12)


@SETTINGS
@given(
    dated_scenarios(ratifiers=True, ranged=False),
    st.integers(0, 2**32 - 1),
    st.floats(0.0, 1.0),
    st.floats(0.0, 0.5),
    st.floats(0.0, 3.0),
)
def test_side_payments_never_lower_p(
    data: dict[str, Any], seed: int, rate: float, limit: float, cost: float
) -> None:
    paid = copy.deepcopy(data)
    paid["dynamics"]["signatories"][0]["ratifiers"][0]["side_payments"] = {
        "rate": rate,
        "limit": limit,
        "cost": cost,
    }
    plain, moved = forecast(data, seed).by, forecast(paid, seed).by
    assert np.all(moved >= plain - 1e-12)


@SETTINGS
@given(
    dated_scenarios(ratifiers=True, ranged=False),
    st.integers(0, 2**32 - 1),
    st.floats(0.0, 0.5),
    st.floats(0.0, 1.0),
)
def test_a_mediators_side_payment_never_lowers_p(
    data: dict[str, Any], seed: int, widen: float, share: float
) -> None:
    # a start on the grid, so both forecasts step through the same dates
    grid = MODEL.grid(Scenario.from_dict(data))[0]
    start = grid[min(len(grid) - 1, int(share * len(grid)))].isoformat()
    mediated = copy.deepcopy(data)
    targets = ["s0", "r1"] if share > 0.5 else ["r0"]
    mediated["dynamics"]["mediators"] = [
        {"id": "m", "targets": targets, "widen": widen, "start": start}
    ]
    plain, helped = forecast(data, seed).by, forecast(mediated, seed).by
    assert np.all(helped >= plain - 1e-12)


@SETTINGS
@given(
    dated_scenarios(ratifiers=True, ranged=False),
    st.integers(0, 2**32 - 1),
    st.floats(0.0, 1.0),
    st.floats(0.0, 1.0),
)
def test_a_less_likely_referendum_never_lowers_p(
    data: dict[str, Any], seed: int, q1: float, q2: float
) -> None:
    low, high = sorted((q1, q2))
    likely, unlikely = copy.deepcopy(data), copy.deepcopy(data)
    likely["dynamics"]["signatories"][0]["ratifiers"][0]["called"] = high
    unlikely["dynamics"]["signatories"][0]["ratifiers"][0]["called"] = low
    assert np.all(forecast(unlikely, seed).by >= forecast(likely, seed).by - 1e-12)
