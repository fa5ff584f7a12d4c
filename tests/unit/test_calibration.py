"""The calibrated forecaster (detente.outside_view.combined) and its cross-fitting.

* With no case to learn from, the fit is the priors' means: the outside view itself.
* On many synthetic cases the MAP fit agrees with statsmodels' unpenalised cloglog GLM
  (the priors are negligible at n = 4000).
* Cross-fitting: flipping one case's outcome must not change that case's own forecast
  (it would if its outcome leaked into its coefficients), while an in-sample fit does.
* No forecast is exactly 0 or 1, whatever the inputs (hypothesis).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_case_backtest import RUNS, apart, overlap

from detente.analysis.case_backtest import BASE_RATE, CALIBRATED, STRUCTURAL, backtest_cases
from detente.outside_view.combined import (
    cloglog,
    cross_fit,
    design,
    fit_calibration,
    fit_unseen_routes,
    inverse_cloglog,
    shipped_calibration,
    with_unseen_routes,
)
from detente.scenario import Scenario


def _synthetic(n: int, seed: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    outside = rng.uniform(0.01, 0.3, n)
    structural = rng.uniform(0.0, 1.0, n)
    zone = (rng.uniform(size=n) < 0.5).astype(float)
    eta = design(outside, structural, zone) @ np.array([1.0, 1.0, 0.4, 0.5])
    agreed = (rng.uniform(size=n) < inverse_cloglog(eta)).astype(float)
    return outside, structural, zone, agreed


def test_cloglog_round_trip() -> None:
    p = np.array([1e-6, 0.1, 0.5, 0.9])
    assert inverse_cloglog(cloglog(p)) == pytest.approx(p)
    # cloglog(1 - e^-1) = log(1) = 0
    assert cloglog(np.array([1 - np.exp(-1)]))[0] == pytest.approx(0.0, abs=1e-12)


def test_no_cases_means_the_outside_view() -> None:
    empty = np.array([])
    fitted = fit_calibration(empty, empty, empty, empty)
    assert fitted.coef == (0.0, 1.0, 0.0, 0.0) and fitted.theta == 1.0
    outside = np.array([0.02, 0.2])
    assert fitted.predict(outside, np.array([0.0, 1.0]), True) == pytest.approx(outside)


def test_unseen_routes_by_hand() -> None:
    # ps = 0, p0 = 0.1, theta = 2: 1 - 0.9^2 = 0.19; ps = 0.5: 1 - 0.5 * 0.81 = 0.595
    assert with_unseen_routes(np.array([0.1, 0.1]), np.array([0.0, 0.5]), 2.0) == pytest.approx(
        [0.19, 0.595]
    )


def test_unseen_route_factor_stays_positive_without_surprises() -> None:
    # every agreement had a structural chance and failures had none: the likelihood alone
    # would push theta to 0; under the Gamma(2, 2) prior the MAP stays positive
    outside = np.full(6, 0.05)
    structural = np.array([0.9, 0.8, 0.7, 0.0, 0.0, 0.0])
    agreed = np.array([1.0, 1.0, 1.0, 0.0, 0.0, 0.0])
    theta = fit_unseen_routes(outside, structural, agreed)
    # d/dtheta [3 theta ln 0.95 (failures) + ln theta - 2 theta] = 0 (agreements barely
    # depend on theta at these values): theta ~ 1 / (2 - 3 ln 0.95) = 0.462
    assert theta == pytest.approx(1 / (2 - 3 * np.log(0.95)), rel=0.05)


def test_map_fit_agrees_with_statsmodels_on_many_cases() -> None:
    import statsmodels.api as sm

    outside, structural, zone, agreed = _synthetic(4000, 1)
    fitted = fit_calibration(outside, structural, zone, agreed)
    link = sm.families.links.CLogLog()
    X = design(outside, structural, zone)
    # the outside view is an offset: statsmodels fits the other three terms around it
    glm = sm.GLM(agreed, X[:, [0, 2, 3]], family=sm.families.Binomial(link), offset=X[:, 1])
    reference = glm.fit().params
    assert fitted.coef[1] == 1.0
    assert np.asarray(fitted.coef)[[0, 2, 3]] == pytest.approx(reference, abs=0.05)
    # the Laplace covariance is statsmodels' (expected-information) covariance when the
    # priors are negligible; standard errors within 5%
    assert fitted.covariance is not None
    ours = np.sqrt(np.diag(np.asarray(fitted.covariance)))
    theirs = np.sqrt(np.diag(glm.fit().cov_params()))
    assert ours == pytest.approx(theirs, rel=0.05)


def test_band_holds_the_forecast_and_narrows_with_more_cases() -> None:
    small = fit_calibration(*_synthetic(40, 3))
    large = fit_calibration(*_synthetic(4000, 3))
    outside, structural = np.array([0.05]), np.array([0.3])
    widths = []
    for fitted in (small, large):
        low, high = fitted.band(outside, structural, True)
        point = fitted.predict(outside, structural, True)
        assert low[0] < point[0] < high[0]
        widths.append(high[0] - low[0])
    assert widths[1] < widths[0]
    # no case: no covariance, the band is the point
    empty = np.array([])
    prior = fit_calibration(empty, empty, empty, empty)
    low, high = prior.band(outside, structural, True)
    assert low[0] == high[0] == pytest.approx(prior.predict(outside, structural, True)[0])


def test_cross_fitting_never_sees_the_case_itself() -> None:
    outside, structural, zone, agreed = _synthetic(15, 2)
    calibrated, floored = cross_fit(outside, structural, zone, agreed)
    flipped = agreed.copy()
    flipped[4] = 1 - flipped[4]
    again, again_floored = cross_fit(outside, structural, zone, flipped)
    assert again[4] == calibrated[4] and again_floored[4] == floored[4]
    # ... while the other cases, whose training sets hold case 4, move
    assert np.any(np.delete(again, 4) != np.delete(calibrated, 4))
    # and an in-sample fit would have leaked it: the check above can fail
    inside = fit_calibration(outside, structural, zone, agreed).predict(
        outside[4], structural[4], bool(zone[4])
    )
    leaked = fit_calibration(outside, structural, zone, flipped).predict(
        outside[4], structural[4], bool(zone[4])
    )
    assert inside != leaked


def test_backtest_forecasts_do_not_see_their_own_outcome() -> None:
    def cases(first: bool) -> list[tuple[str, Scenario]]:
        return [
            ("c1", Scenario.from_dict(overlap(first))),
            ("c2", Scenario.from_dict(apart(False))),
            ("c3", Scenario.from_dict(overlap(True))),
            ("c4", Scenario.from_dict(apart(True))),
        ]

    one = backtest_cases(cases(True), runs=RUNS, seed=0).rows[0]
    other = backtest_cases(cases(False), runs=RUNS, seed=0).rows[0]
    for name in (CALIBRATED, STRUCTURAL, BASE_RATE):
        assert one.forecast(name) == other.forecast(name), name


@given(
    st.floats(0, 1),
    st.floats(0, 1),
    st.booleans(),
)
def test_no_forecast_is_exactly_zero_or_one(outside: float, structural: float, zone: bool) -> None:
    fitted = shipped_calibration()
    p = fitted.predict(np.array([outside]), np.array([structural]), zone)[0]
    assert 0 < p < 1
    floor = fitted.structural_with_floor(np.array([outside]), np.array([structural]))[0]
    assert 0 < floor < 1


def test_higher_structural_probability_never_lowers_the_forecast() -> None:
    fitted = shipped_calibration()
    structural = np.linspace(0, 1, 51)
    p = fitted.predict(np.full(51, 0.05), structural, False)
    assert np.all(np.diff(p) >= 0)


def test_forecast_reports_the_calibrated_answer(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from cli_helpers import run_cli

    code, out, err = run_cli(capsys, "forecast", "--runs", "64", "-q", "-f", "json", "--no-store")
    assert code == 0, err
    block = json.loads(out)["whether_and_when"]
    assert block["forecaster"] == "calibrated" and block["default"] is True
    assert block["reference_class"]["name"] == "territorial-claim"
    by = list(block["by"].values())
    # never exactly 0 or 1 after as_of, and P(by date) never falls as the date moves on
    assert all(0 < p < 1 for p in by) and by == sorted(by)
    assert all(0 < p < 1 for p in block["structural"].values())
    code, out, _ = run_cli(capsys, "forecast", "--runs", "64", "-q", "--no-store")
    assert code == 0 and "forecaster: calibrated" in out and "territorial-claim" in out
    code, out, _ = run_cli(capsys, "forecast", "--runs", "64", "-q", "--no-store", "-f", "markdown")
    assert code == 0 and "forecaster: calibrated" in out and "| 90% band |" in out
    # the printed calibrated probabilities are never 0.000 or 1.000 after as_of
    rows = [line for line in out.splitlines() if line.startswith("| P(signed by")]
    assert rows and all(" 0.000 " not in row and " 1.000 " not in row for row in rows)


def test_a_date_before_as_of_is_zero_by_logic() -> None:
    from detente.outside_view.whether_when import calibrated_by_date
    from detente.scenarios import load_embedded

    scenario = load_embedded("russia_japan_2018")
    block = calibrated_by_date(scenario, {"2018-01-01": 0.0, "2019-01-01": 0.0}, False)
    assert block["by"]["2018-01-01"] == 0.0 and 0 < block["by"]["2019-01-01"] < 1
