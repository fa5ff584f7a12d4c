"""The calibrated forecaster outside the range it was fitted on (winsorised inputs).

A new user's scenario (tests/data/fisheries_zone_now.yaml: a bilateral fisheries deal
with a zone of agreement now, outside view about 0.2 by the horizon, dated model 1)
printed a calibrated P above 0.9999: the hazard ratio fitted for "a zone now" was
applied to an outside view more than twice the largest any zone-now case had. The
forecast is now made at the inputs bounded to the fitted range and says so.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.outside_view.combined import FittedRange, fit_calibration, shipped_calibration

from cli_helpers import run_cli

FISHERIES = Path(__file__).resolve().parents[1] / "data" / "fisheries_zone_now.yaml"


def _fisheries(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    return run_cli(capsys, "forecast", str(FISHERIES), "--runs", "64", "-q", "--no-store", *extra)


def test_fisheries_scenario_stays_below_what_the_library_supports(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _fisheries(capsys, "-f", "json")
    assert code == 0, err
    block = json.loads(out)["whether_and_when"]
    horizon = "2029-12-31"
    calibrated = shipped_calibration()
    assert calibrated.fitted_range is not None
    zone_top = calibrated.fitted_range.outside_max[1]
    assert zone_top is not None
    # the user's situation: a zone now, the outside view far above any zone-now case's
    assert block["outside_view"][horizon] > 2 * zone_top
    assert block["deadline_bargaining"][horizon] == 1.0 and block["bounded"][horizon] is True
    p = block["by"][horizon]
    # Bound: 6 of the library's 7 zone-now cases agreed; the exact one-sided 95% upper
    # confidence limit of their rate (Clopper & Pearson 1934) is the 0.95 quantile of
    # Beta(7, 1), i.e. 0.95 ** (1 / 7) = 0.99270. Knowing only "a zone now", a forecaster
    # cannot justify more; before the fix this scenario printed > 0.9999.
    assert p < 0.95 ** (1 / 7)
    # By hand, in the hazard-ratio form of the cloglog model: at the edge of the range
    # (p0 = 0.087730, ps = 0.876279) the hazard ratio is exp(a + b cloglog ps + d) =
    # exp(0.915698 + 0.217982 * ln(-ln 0.123721) + 2.742446) = exp(3.81880) = 45.54,
    # so P = 1 - (1 - 0.087730) ** 45.54 = 1 - exp(45.54 * ln 0.912270) = 0.98474.
    assert p == pytest.approx(0.98474, abs=2e-4)
    a, _, b, d = calibrated.coef
    assert a == pytest.approx(0.915698, abs=1e-6) and d == pytest.approx(2.742446, abs=1e-6)
    assert b == pytest.approx(0.217982, abs=1e-6)


def test_the_unbounded_model_was_near_certain_on_it() -> None:
    # the same inputs without the bound (the forecaster before this change): > 0.9999
    fitted = shipped_calibration()
    unbounded = dataclasses.replace(fitted, fitted_range=None)
    before = unbounded.predict(np.array([0.208]), np.array([1.0]), True)[0]
    after = fitted.predict(np.array([0.208]), np.array([1.0]), True)[0]
    assert before > 0.9999 and after < 0.99


def test_the_table_marks_bounded_dates(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _fisheries(capsys, "-f", "markdown")
    assert code == 0, err
    rows = [line for line in out.splitlines() if line.startswith("| P(signed by 2029-12-31)")]
    assert rows and "*" in rows[0].split("|")[2]
    assert "Outside the range the calibration was fitted on" in out


def test_the_default_scenario_is_inside_the_range(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "forecast", "--runs", "64", "-q", "-f", "json", "--no-store")
    assert code == 0, err
    block = json.loads(out)["whether_and_when"]
    assert not any(block["bounded"].values())
    assert "Outside the range" not in json.dumps(block)


def test_fitted_range_by_hand() -> None:
    outside = np.array([0.01, 0.3, 0.05, 0.08])
    structural = np.array([0.0, 0.4, 1.0, 0.2])
    zone = np.array([0.0, 0.0, 1.0, 1.0])
    found = FittedRange.of(outside, structural, zone)
    # the largest outside view without a zone (0.3) and with one (0.08); the structural
    # range after its clip to [0.005, 0.995]
    assert found.outside_max == (0.3, 0.08)
    assert found.structural == (0.005, 0.995)
    assert FittedRange.from_dict(found.to_dict()) == found


@given(
    st.floats(1e-4, 0.0877),
    st.floats(0.005, 0.876),
    st.booleans(),
)
def test_inside_the_range_nothing_changes(outside: float, structural: float, zone: bool) -> None:
    fitted = shipped_calibration()
    unbounded = dataclasses.replace(fitted, fitted_range=None)
    args = (np.array([outside]), np.array([structural]), zone)
    assert fitted.predict(*args)[0] == unbounded.predict(*args)[0]
    assert not fitted.bounded(*args)[2][0]


def test_bounded_forecast_never_falls_with_the_window() -> None:
    # P(by t) grows with the outside view (the date) and stays flat past the bound
    fitted = shipped_calibration()
    outside = np.linspace(0.001, 0.6, 200)
    for zone in (False, True):
        p = fitted.predict(outside, np.full(200, 0.5), zone)
        assert np.all(np.diff(p) >= 0) and np.all((p > 0) & (p < 1))


def test_a_fold_bounds_by_its_own_cases() -> None:
    # the range is the fitting cases', so a leave-one-out fold never sees the held-out
    # case's inputs: fitted without the one zone-now case with p0 = 0.2, the bound is 0.05
    outside = np.array([0.02, 0.05, 0.2, 0.1, 0.03])
    structural = np.array([0.3, 0.6, 0.9, 0.0, 0.1])
    zone = np.array([1.0, 1.0, 1.0, 0.0, 0.0])
    agreed = np.array([1.0, 1.0, 1.0, 0.0, 0.0])
    keep = np.arange(5) != 2
    fold = fit_calibration(outside[keep], structural[keep], zone[keep], agreed[keep])
    assert fold.fitted_range is not None and fold.fitted_range.outside_max == (0.1, 0.05)
    _, _, changed = fold.bounded(outside[2:3], structural[2:3], True)
    assert changed[0]
    assert not math.isnan(float(fold.predict(outside[2:3], structural[2:3], True)[0]))


def _compare_script() -> ModuleType:
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "scripts" / "compare_calibrations.py"
    spec = importlib.util.spec_from_file_location("compare_calibrations", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_comparison_script_scores_out_of_sample() -> None:
    # scripts/compare_calibrations.py: flipping case i's outcome must not move case i's
    # own forecast under any variant (it is fitted without it), while another case moves
    script = _compare_script()
    rng = np.random.default_rng(4)
    outside = rng.uniform(0.01, 0.3, 12)
    structural = rng.uniform(0.0, 1.0, 12)
    zone = (np.arange(12) % 3 == 0).astype(float)
    agreed = (np.arange(12) % 2 == 0).astype(float)
    flipped = agreed.copy()
    flipped[5] = 1 - flipped[5]
    for predict in (script._unbounded, script._winsorised, script._capped):
        one = script.leave_one_out((outside, structural, zone, agreed), predict)
        two = script.leave_one_out((outside, structural, zone, flipped), predict)
        assert one[5] == two[5]
        assert not np.allclose(np.delete(one, 5), np.delete(two, 5))
