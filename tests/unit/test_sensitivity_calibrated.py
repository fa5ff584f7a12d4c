"""Sensitivity ranks the calibrated P(agreement) that ``forecast`` reports, by default.

The calibrated P of a swing is the dated model's P of the same swing (same common random
numbers) read through the shipped calibration with the swing's two-level verdict; here it
is recomputed by hand from the formula of docs/calibration.md and compared.
"""

from __future__ import annotations

import json
import math
from importlib import resources

import numpy as np
import pytest

from detente.analysis.sensitivity import (
    P_AGREEMENT,
    P_CALIBRATED,
    one_at_a_time,
    pick_headline,
    sobol_sensitivity,
)
from detente.outside_view.curves import years_between
from detente.outside_view.infer import choose_reference_class
from detente.scenarios import load_embedded

WHATIF = "russia_japan_2018_whatif"


def _by_hand(outside: float, structural: float, zone_now: bool) -> float:
    """cloglog P = cloglog p0 + a + b cloglog ps + d zone (docs/calibration.md), p0 and ps
    bounded to the fitted range first (p0 above, per verdict; ps to [low, high])."""
    shipped = json.loads(
        resources.files("detente.outside_view").joinpath("calibration.json").read_text()
    )
    a, _, b, d = shipped["coef"]
    top = shipped["fitted_range"]["outside_view_max"]["zone_now" if zone_now else "no_zone"]
    low, high = shipped["fitted_range"]["structural"]
    p0 = min(outside, top)
    ps = min(max(structural, low), high)
    eta = math.log(-math.log(1 - p0)) + a + b * math.log(-math.log(1 - ps)) + d * zone_now
    return 1 - math.exp(-math.exp(eta))


def _outside_at_horizon(name: str) -> float:
    scenario = load_embedded(name)
    years = years_between(scenario.as_of, scenario.horizon)
    return float(choose_reference_class(scenario).conditional(np.array([years]))[0])


def test_oat_follows_the_calibrated_p_by_default() -> None:
    scenario = load_embedded(WHATIF)
    result = one_at_a_time(scenario, models=["two-level"], runs=16, seed=0)
    ids = [m.id for m in result.metrics]
    assert ids.index(P_CALIBRATED) < ids.index(P_AGREEMENT)
    # the dated model's P moves under the what-if's ranges, so the calibrated P does too
    # and is the default ranking (the tornado, the report's sensitivity section)
    assert result.headline() == P_CALIBRATED
    outside = _outside_at_horizon(WHATIF)
    for numbers in [result.base] + [s.low for s in result.swings] + [s.high for s in result.swings]:
        zone = numbers["two-level:possible"] == 1.0
        expected = _by_hand(outside, numbers[P_AGREEMENT], zone)
        assert numbers[P_CALIBRATED] == pytest.approx(expected, rel=1e-9)
    # ranked by the calibrated P: effects by hand, in decreasing order
    ranked = result.ranked(P_CALIBRATED)
    effects = [
        max(s.low[P_CALIBRATED], s.high[P_CALIBRATED], result.base[P_CALIBRATED])
        - min(s.low[P_CALIBRATED], s.high[P_CALIBRATED], result.base[P_CALIBRATED])
        for s in ranked
    ]
    assert effects == sorted(effects, reverse=True)
    assert effects[0] == pytest.approx(ranked[0].effects[P_CALIBRATED])
    # the dated model's own P remains available (--metric p_agreement)
    dated = result.ranked(P_AGREEMENT)
    assert dated[0].effects[P_AGREEMENT] > dated[0].effects[P_CALIBRATED]


def test_pick_headline_prefers_the_calibrated_p() -> None:
    assert pick_headline({P_AGREEMENT: 0.3, P_CALIBRATED: 0.05, "two-level:gap": 0.2}) == (
        P_CALIBRATED
    )
    assert pick_headline({P_AGREEMENT: 0.3, P_CALIBRATED: 0.0}) == P_AGREEMENT


def test_sobol_follows_the_calibrated_p() -> None:
    scenario = load_embedded(WHATIF)
    result = sobol_sensitivity(scenario, n=4, seed=0, models=["two-level"])
    assert P_CALIBRATED in result.indices and P_AGREEMENT in result.indices
    calibrated, dated = result.indices[P_CALIBRATED], result.indices[P_AGREEMENT]
    assert calibrated is not None and dated is not None
    # the calibrated layer shrinks the dated model's P (b = 0.22 on the cloglog scale),
    # so its variance over the ranges is the smaller one
    assert 0 < calibrated.variance < dated.variance
    assert result.headline() == P_CALIBRATED


def test_cli_ranks_by_the_calibrated_p(capsys: pytest.CaptureFixture[str]) -> None:
    from cli_helpers import run_cli

    args = ("sensitivity", WHATIF, "-m", "two-level", "--runs", "8", "-q", "--no-store")
    code, out, err = run_cli(capsys, *args, "-f", "json")
    assert code == 0, err
    assert json.loads(out)["ranked_by"] == P_CALIBRATED
    code, out, err = run_cli(capsys, *args, "-f", "json", "--metric", P_AGREEMENT)
    assert code == 0, err
    assert json.loads(out)["ranked_by"] == P_AGREEMENT
