"""Properties of scenario edits and what-if that must hold for every valid scenario."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.analysis.what_if import what_if
from detente.forecasting import forecast_document, run_models
from detente.quantity import Range
from detente.scenario import Scenario
from detente.scenario_edits import (
    get_parameter,
    numeric_parameters,
    ranged_parameters,
    set_parameter,
)

from strategies import scenarios

FAST = ["compromise", "median", "two-level"]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(scenario=scenarios(), data=st.data())
def test_set_then_get_gives_the_value(scenario: Scenario, data: st.DataObject) -> None:
    params = numeric_parameters(scenario)
    p = data.draw(st.sampled_from(params))
    low, high = p.domain
    value = data.draw(st.floats(low, high, allow_nan=False, allow_infinity=False))
    edited = set_parameter(scenario, p.path, value)
    back = get_parameter(edited, p.path)
    assert isinstance(back, Range)
    # saliences pass through the file's salience scale, hence approx
    assert (back.low, back.mode, back.high) == pytest.approx((value, value, value), rel=1e-12)
    # every other number is unchanged
    for other in numeric_parameters(edited):
        if other.path != p.path:
            before = next(q for q in params if q.path == other.path)
            assert other.value == before.value


@SETTINGS
@given(scenario=scenarios(), data=st.data())
def test_a_range_reads_back(scenario: Scenario, data: st.DataObject) -> None:
    p = data.draw(st.sampled_from(numeric_parameters(scenario)))
    low, high = p.domain
    points = sorted(data.draw(st.lists(st.floats(low, high), min_size=3, max_size=3)))
    value = Range(low=points[0], mode=points[1], high=points[2])
    back = get_parameter(set_parameter(scenario, p.path, value), p.path)
    assert isinstance(back, Range)
    assert (back.low, back.mode, back.high) == pytest.approx(
        (value.low, value.mode, value.high), rel=1e-12
    )


@SETTINGS
@given(scenario=scenarios())
def test_setting_a_fixed_number_to_itself_changes_nothing(scenario: Scenario) -> None:
    for p in numeric_parameters(scenario):
        if not p.ranged and p.unit == 1:
            assert set_parameter(scenario, p.path, p.value.mode) == scenario
    assert all(p.value.low < p.value.high for p in ranged_parameters(scenario))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios(min_actors=2))
def test_whatif_without_changes_is_the_plain_forecast(scenario: Scenario) -> None:
    models = FAST if scenario.agreement is not None else FAST[:2]
    document = what_if(scenario, {}, models=models)
    plain = forecast_document(scenario, run_models(scenario, models))
    assert document["before"] == plain
    assert document["after"] == plain
    assert document["changes"] == []
    assert all(row["before"] == row["after"] for row in document["comparison"]["outcomes"])
    if scenario.agreement is not None:
        assert document["comparison"]["agreement"]["changed"] is False
