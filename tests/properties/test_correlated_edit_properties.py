"""Edits of correlated ranges keep every scenario valid (docs/uncertainty.md).

For random valid scenarios given random correlation groups, setting any member of a
group to any number of its domain or to a new range inside it: the groups never decide
whether the edit is valid (it succeeds exactly when it does on the file without groups,
and then gives the same scenario but for the groups); a number has left every group, a
range has stayed, every group keeps two or more members, and every pair of members
still in a group keeps its correlation.
"""

from __future__ import annotations

from itertools import combinations

import pytest
from hypothesis import HealthCheck, assume, given, reject, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from detente.errors import DetenteError, ScenarioError
from detente.quantity import Range
from detente.scenario import Scenario
from detente.scenario_edits import ranged_parameters, set_parameter

from strategies import dated_scenarios

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def correlated(draw: st.DrawFn) -> Scenario:
    """A random scenario with one to three disjoint correlation groups of its ranges."""
    scenario = Scenario.from_dict(draw(dated_scenarios()))
    paths = [p.path for p in ranged_parameters(scenario)]
    assume(len(paths) >= 2)
    chosen = draw(st.permutations(paths))
    groups, start = [], 0
    while start + 2 <= len(chosen) and len(groups) < 3:
        size = draw(st.integers(2, min(4, len(chosen) - start)))
        members = chosen[start : start + size]
        # equal correlations rho among k ranges hold at once iff rho >= -1 / (k - 1)
        rho = draw(st.floats(-1 / (size - 1), 1, allow_nan=False))
        groups.append({"id": f"g{len(groups)}", "ranges": list(members), "rho": rho})
        start += size
        if not draw(st.booleans()):
            break
    data = scenario.to_dict()
    data["correlation"] = groups
    try:
        return Scenario.from_dict(data)
    except (ScenarioError, ValidationError):  # rounding at rho = -1 / (k - 1)
        reject()


def pairs(scenario: Scenario) -> dict[frozenset[str], float]:
    return {
        frozenset(pair): group.rho
        for group in scenario.correlation
        for pair in combinations(group.ranges, 2)
    }


@SETTINGS
@given(scenario=correlated(), data=st.data())
def test_editing_a_correlated_range_keeps_the_scenario_valid(
    scenario: Scenario, data: st.DataObject
) -> None:
    members = [r for group in scenario.correlation for r in group.ranges]
    path = data.draw(st.sampled_from(members))
    info = next(p for p in ranged_parameters(scenario) if p.path == path)
    low, high = info.domain
    values = st.floats(low, high, allow_nan=False, allow_infinity=False)
    if data.draw(st.booleans()):
        ends = sorted(data.draw(st.lists(values, min_size=3, max_size=3)))
        value: float | Range = Range(low=ends[0], mode=ends[1], high=ends[2])
    else:
        value = data.draw(values)
    without = scenario.to_dict()
    del without["correlation"]
    try:  # the same edit on the file without groups: the groups never decide validity
        plain = set_parameter(Scenario.from_dict(without), path, value)
    except DetenteError as exc:
        with pytest.raises(DetenteError) as refused:
            set_parameter(scenario, path, value)
        assert str(refused.value) == str(exc)
        return
    edited = set_parameter(scenario, path, value)
    assert Scenario.from_dict(edited.to_dict()) == edited
    assert edited.model_copy(update={"correlation": []}) == plain
    assert all(len(group.ranges) >= 2 for group in edited.correlation)
    before, after = pairs(scenario), pairs(edited)
    if isinstance(value, Range) and not value.is_fixed:
        assert after == before
    else:
        assert all(path not in group.ranges for group in edited.correlation)
        assert after == {pair: rho for pair, rho in before.items() if path not in pair}
