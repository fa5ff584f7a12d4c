"""Properties of the dated model and the Monte Carlo that must hold for every scenario.

* P(agreement by t) lies in [0, 1] and never decreases in t.
* When no draw can ever have overlapping win-sets, P is exactly 0.
* Widening a ratifier's acceptable set (its own position unchanged) never lowers P
  (common random numbers: the same seed, the same sampled parameters and shocks).
* A cheaper delay (a lower discount rate) never brings agreement sooner.
* The same seed gives the same output, whatever the workers and block size.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.models.deadline_bargaining import MODEL
from detente.scenario import Scenario
from detente.scenarios import load_embedded
from detente.uncertainty import DatedDraws, ScenarioSampler, run_monte_carlo

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
AS_OF = dt.date(2020, 1, 1)
unit = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def number(draw: st.DrawFn, lo: float, hi: float, ranged: bool = True) -> Any:
    """A number in [lo, hi], or (when ``ranged``) sometimes a range {low, mode, high}."""
    if ranged and draw(st.booleans()):
        a, b, c = sorted(lo + (hi - lo) * draw(unit) for _ in range(3))
        return {"low": a, "mode": b, "high": c}
    return lo + (hi - lo) * draw(unit)


@st.composite
def dated_scenarios(
    draw: st.DrawFn, ratifiers: bool | None = None, ranged: bool = True
) -> dict[str, Any]:
    """A valid scenario with an agreement and a dynamics block; all ids are s*, r*, i*."""
    n_sig, n_iss = draw(st.integers(2, 3)), draw(st.integers(1, 2))
    horizon = AS_OF + dt.timedelta(days=draw(st.integers(60, 4 * 365)))
    issues = []
    for j in range(n_iss):
        lo, width = draw(st.floats(-50, 50)), draw(st.floats(1, 200))
        issue: dict[str, Any] = {"id": f"i{j}", "name": f"issue {j}", "scale": [lo, lo + width]}
        if draw(st.booleans()):
            issue["status_quo"] = lo + width * draw(unit)
        issues.append(issue)

    def point(j: int, u: float) -> float:
        lo, hi = issues[j]["scale"]
        return float(min(hi, lo + (hi - lo) * u))

    actors: list[dict[str, Any]] = []
    signatories: list[dict[str, Any]] = []
    dyn: list[dict[str, Any]] = []
    for s in range(n_sig):
        # the leader demands a narrow set around its position; its ratifiers accept a
        # wider one around the same position (the usual two-level shape)
        where = [draw(unit) for _ in range(n_iss)]
        demand = [0.3 * draw(unit) for _ in range(n_iss)]
        motives = [
            {"id": f"m{k}", "description": "motive", "weight": draw(number(0, 1, ranged))}
            for k in range(draw(st.integers(0, 2)) if draw(st.integers(0, 4)) == 0 else 1)
        ]
        stances = {
            f"i{j}": {"position": point(j, where[j]), "salience": draw(number(0.05, 1, ranged))}
            for j in range(n_iss)
        }
        actors.append(
            {
                "id": f"s{s}",
                "name": f"s{s}",
                "capability": draw(number(0.1, 5, ranged)),
                "stances": stances,
                "motives": motives,
            }
        )
        signatory: dict[str, Any] = {"actor": f"s{s}", "accepts": {}}
        for j in range(n_iss):
            if draw(st.integers(0, 3)):
                signatory["accepts"][f"i{j}"] = [
                    point(j, max(0.0, where[j] - demand[j])),
                    point(j, min(1.0, where[j] + demand[j])),
                ]
        entry: dict[str, Any] = {
            "actor": f"s{s}",
            "discount_rate": draw(number(0, 0.5, ranged)),
            "drift": draw(number(-0.05, 0.05, ranged)),
        }
        if draw(st.booleans()):
            ends = AS_OF + dt.timedelta(days=draw(st.integers(1, 5 * 365)))
            signatory["leader"] = {
                "name": f"leader {s}",
                "term_ends": ends.isoformat(),
                "successor_flexibility": draw(number(0, 1.5, ranged)),
            }
            legacy: bool = draw(st.booleans())
            if motives and legacy:
                entry["legacy"] = [motives[0]["id"]]
        if ratifiers or (ratifiers is None and draw(st.booleans())):
            accepts, stance = {}, {}
            for j in range(n_iss):
                below, above = demand[j] + 0.6 * draw(unit), demand[j] + 0.6 * draw(unit)
                accepts[f"i{j}"] = [
                    point(j, max(0.0, where[j] - below)),
                    point(j, min(1.0, where[j] + above)),
                ]
                stance[f"i{j}"] = {"position": point(j, where[j]), "salience": 0.5}
            actors.append({"id": f"r{s}", "name": f"r{s}", "capability": 1, "stances": stance})
            signatory["ratifiers"] = [{"actor": f"r{s}", "accepts": accepts}]
            entry["ratifiers"] = [{"actor": f"r{s}", "drift": draw(number(-0.05, 0.05, ranged))}]
        signatories.append(signatory)
        dyn.append(entry)
    targets = [a["id"] for a in actors]
    shocks = [
        {
            "id": f"h{k}",
            "target": draw(st.sampled_from(targets)),
            "effect": draw(st.sampled_from(["width", "position"])),
            "hazard": draw(number(0, 2, ranged)),
            "size": draw(number(-0.2, 0.2, ranged)),
        }
        for k in range(draw(st.integers(0, 2)))
    ]
    return {
        "schema": "detente/1",
        "title": "random dated",
        "as_of": AS_OF.isoformat(),
        "horizon": horizon.isoformat(),
        "issues": issues,
        "actors": actors,
        "agreement": {"name": "deal", "signatories": signatories},
        "dynamics": {
            "step_months": draw(st.sampled_from([1, 2, 3])),
            "signing_lag": draw(number(0, 6, ranged)),
            "signatories": dyn,
            "shocks": shocks,
        },
    }


def forecast(data: dict[str, Any], seed: int, n: int = 8) -> DatedDraws:
    """``n`` draws of ``data`` from ``seed``: parameters and shocks from fixed streams."""
    scenario = Scenario.from_dict(data)
    params, process = np.random.SeedSequence(seed).spawn(2)
    draws = ScenarioSampler(scenario).sample(np.random.default_rng(params), n)
    shocks = MODEL.sample_process(scenario, draws, np.random.default_rng(process))
    return MODEL.forecast_draws(scenario, draws, shocks)


@SETTINGS
@given(dated_scenarios(), st.integers(0, 2**32 - 1))
def test_probability_by_date_is_a_cdf(data: dict[str, Any], seed: int) -> None:
    by = forecast(data, seed).by
    assert np.all((by >= 0.0) & (by <= 1.0))
    assert np.all(np.diff(by, axis=1) >= 0.0)


@SETTINGS
@given(dated_scenarios(ratifiers=True), st.integers(0, 2**32 - 1), st.floats(0.0, 0.45))
def test_no_possible_overlap_gives_exactly_zero(
    data: dict[str, Any], seed: int, gap: float
) -> None:
    # on issue i0, s0's ratifier accepts only the top (0.55 + gap)..1 of the scale and s1's
    # only the bottom 0..0.45 of it, fixed; their drift is 0 and no shock touches them
    lo, hi = data["issues"][0]["scale"]
    top, bottom = lo + (hi - lo) * (0.55 + gap), lo + (hi - lo) * 0.45
    for s, bounds in ((0, [top, hi]), (1, [lo, bottom])):
        ratifier = data["agreement"]["signatories"][s]["ratifiers"][0]
        ratifier["accepts"]["i0"] = bounds
        data["actors"][[a["id"] for a in data["actors"]].index(f"r{s}")]["stances"]["i0"][
            "position"
        ] = bounds[0]
        data["dynamics"]["signatories"][s]["ratifiers"][0]["drift"] = 0.0
    data["dynamics"]["shocks"] = [
        h for h in data["dynamics"]["shocks"] if h["target"] not in ("r0", "r1")
    ]
    assert np.all(forecast(data, seed).by == 0.0)


@SETTINGS
@given(dated_scenarios(ratifiers=True), st.integers(0, 2**32 - 1), unit, unit)
def test_widening_a_ratifier_never_lowers_the_probability(
    data: dict[str, Any], seed: int, down: float, up: float
) -> None:
    lo_s, hi_s = data["issues"][0]["scale"]
    wide = copy.deepcopy(data)
    lo, hi = data["agreement"]["signatories"][0]["ratifiers"][0]["accepts"]["i0"]
    wide["agreement"]["signatories"][0]["ratifiers"][0]["accepts"]["i0"] = [
        max(lo_s, lo - down * (lo - lo_s)),  # clamped: rounding must not leave the scale
        min(hi_s, hi + up * (hi_s - hi)),
    ]
    narrow_by, wide_by = forecast(data, seed).by, forecast(wide, seed).by
    assert np.all(wide_by >= narrow_by - 1e-12)


@SETTINGS
@given(dated_scenarios(ranged=False), st.integers(0, 2**32 - 1), st.integers(0, 2), unit)
def test_more_patience_never_brings_agreement_sooner(
    data: dict[str, Any], seed: int, who: int, factor: float
) -> None:
    who = min(who, len(data["dynamics"]["signatories"]) - 1)
    patient = copy.deepcopy(data)
    entry = patient["dynamics"]["signatories"][who]
    entry["discount_rate"] = entry["discount_rate"] * factor
    impatient_by, patient_by = forecast(data, seed).by, forecast(patient, seed).by
    assert np.all(patient_by <= impatient_by + 1e-12)
    # so the expected time to agreement (censored at the horizon) is no shorter
    steps = np.diff(np.concatenate([np.zeros((impatient_by.shape[0], 1)), impatient_by], axis=1))
    patient_steps = np.diff(
        np.concatenate([np.zeros((patient_by.shape[0], 1)), patient_by], axis=1)
    )
    index = np.arange(impatient_by.shape[1])
    assert np.all(
        (patient_steps * index).sum(axis=1) + (1 - patient_by[:, -1]) * index.size
        >= (steps * index).sum(axis=1) + (1 - impatient_by[:, -1]) * index.size - 1e-9
    )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dated_scenarios(), st.integers(0, 2**32 - 1))
def test_same_seed_same_output(data: dict[str, Any], seed: int) -> None:
    scenario = Scenario.from_dict(data)
    first = run_monte_carlo(scenario, runs=150, seed=seed, models=["deadline-bargaining"])
    again = run_monte_carlo(
        scenario, runs=150, seed=seed, models=["deadline-bargaining"], block_size=1
    )
    assert first.to_dict() == again.to_dict()


def test_workers_and_block_sizes_do_not_change_the_output() -> None:
    scenario = load_embedded("russia_japan_2018_whatif")
    models = ["deadline-bargaining", "compromise", "two-level"]
    outputs = [
        run_monte_carlo(
            scenario, runs=700, seed=11, models=models, workers=w, block_size=b, static_runs=60
        ).to_dict()
        for w, b in ((1, 128), (2, 128), (2, 512), (1, 4096))
    ]
    assert all(out == outputs[0] for out in outputs[1:])
