"""The knife-edge warning of the calibrated forecast (docs/calibration.md, "A verdict on a
knife edge"): when the verdict at the modes holds in fewer than half of the draws, the
block carries the forecast the other verdict would give, computed here independently
from the shipped coefficients' :meth:`Calibration.predict`."""

from __future__ import annotations

import numpy as np
import pytest

from detente.outside_view.combined import shipped_calibration
from detente.outside_view.curves import years_between
from detente.outside_view.infer import choose_reference_class
from detente.outside_view.whether_when import calibrated_by_date
from detente.report.calibrated_table import fragile_note
from detente.scenarios import load_embedded


def by_dates(scenario_p: float) -> tuple[object, dict[str, float]]:
    scenario = load_embedded()
    horizon = scenario.horizon.isoformat()
    return scenario, {horizon: scenario_p}


@pytest.mark.parametrize(("possible", "share", "fragile"), [
    (True, 0.2, True), (True, 0.5, False), (True, 0.9, False),
    (False, 0.7, True), (False, 0.5, True), (False, 0.1, False), (False, 0.0, False),
])  # fmt: skip
def test_the_other_verdict_is_given_only_when_the_draws_disagree_with_the_modes(
    possible: bool, share: float, fragile: bool
) -> None:
    scenario, dated = by_dates(0.3)
    block = calibrated_by_date(scenario, dated, possible, zone_share=share)  # type: ignore[arg-type]
    assert block["zone_share"] == share
    if not fragile:
        assert block["fragile_verdict"] is None
        assert fragile_note(block) == ""
        return
    key = next(iter(dated))
    fitted = shipped_calibration()
    years = years_between(scenario.as_of, scenario.horizon)  # type: ignore[attr-defined]
    outside = choose_reference_class(scenario).conditional(np.array([years]))  # type: ignore[arg-type]
    expected = float(fitted.predict(outside, np.array([0.3]), not possible)[0])
    assert block["fragile_verdict"]["by_other_verdict"][key] == pytest.approx(expected, rel=1e-12)
    assert block["fragile_verdict"]["verdict_at_modes"] is possible
    assert block["by"][key] == pytest.approx(
        float(fitted.predict(outside, np.array([0.3]), possible)[0]), rel=1e-12
    )
    note = fragile_note(block)
    assert "Knife edge" in note and f"{share:.1%}" in note


def test_without_a_share_nothing_is_claimed() -> None:
    scenario, dated = by_dates(0.3)
    block = calibrated_by_date(scenario, dated, True)  # type: ignore[arg-type]
    assert block["zone_share"] is None and block["fragile_verdict"] is None


def test_the_forecast_document_carries_the_two_level_share_of_its_own_draws() -> None:
    import detente

    result = detente.load("russia_japan_2018").forecast(runs=200, seed=0).to_dict()
    share = result["monte_carlo"]["models"]["two-level"]["agreement_possible"]
    assert result["whether_and_when"]["zone_share"] == share
