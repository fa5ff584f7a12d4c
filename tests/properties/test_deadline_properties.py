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
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.scenario import Scenario
from detente.scenarios import load_embedded
from detente.uncertainty import DatedDraws, run_monte_carlo

from strategies import dated_forecast, dated_scenarios, unit

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def forecast(data: dict[str, Any], seed: int, n: int = 8) -> DatedDraws:
    """``n`` draws of ``data`` from ``seed`` (parameters and process from fixed streams)."""
    return dated_forecast(data, seed, n)  # type: ignore[no-any-return]


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
