"""The ``dynamics`` block: defaults, validation, cross-references with paths, the grid."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from detente.dynamics import add_months, shock_offsets, timeline
from detente.dynamics_spec import DEFAULT_DISCOUNT_RATE, DynamicsSpec
from detente.errors import ScenarioError
from detente.io import parse_scenario
from detente.quantity import Range
from detente.scenario import Scenario
from detente.scenarios import load_embedded


def scenario_dict(dynamics: dict[str, Any] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema": "detente/1",
        "title": "schema",
        "as_of": "2020-01-31",
        "horizon": "2022-06-30",
        "issues": [{"id": "t", "name": "t", "scale": [0, 100]}, {"id": "u", "name": "u"}],
        "actors": [
            {
                "id": "a",
                "name": "A",
                "capability": 1,
                "stances": {"t": {"position": 0, "salience": 1}},
                "motives": [{"id": "legacy", "description": "history"}],
            },
            {
                "id": "b",
                "name": "B",
                "capability": 1,
                "stances": {
                    "t": {"position": 100, "salience": 1},
                    "u": {"position": 5, "salience": 1},
                },
            },
            {"id": "p", "name": "public", "capability": 1},
        ],
        "agreement": {
            "name": "deal",
            "signatories": [
                {
                    "actor": "a",
                    "leader": {"name": "Leader A", "term_ends": "2021-03-15"},
                    "ratifiers": [{"actor": "p", "accepts": {"t": [0, 50]}}],
                },
                {"actor": "b"},
            ],
        },
        "dates": [{"date": "2020-06-30", "label": "summit"}],
    }
    if dynamics is not None:
        data["dynamics"] = dynamics
    return data


def test_defaults() -> None:
    spec = DynamicsSpec()
    assert spec.step_months == 1
    assert spec.signing_lag == Range(low=0, mode=0, high=0)
    index, entry = spec.signatory("anyone")
    assert index is None
    assert entry.discount_rate.mode == DEFAULT_DISCOUNT_RATE == 0.1
    assert entry.drift.mode == 0 and entry.legacy == [] and entry.ratifiers == []


def test_a_full_block_validates_and_round_trips() -> None:
    dynamics = {
        "step_months": 3,
        "signing_lag": {"low": 1, "mode": 3, "high": 12},
        "signatories": [
            {
                "actor": "a",
                "discount_rate": {"low": 0.05, "mode": 0.1, "high": 0.2},
                "legacy": ["legacy"],
                "drift": 0.01,
                "ratifiers": [{"actor": "p", "drift": {"low": -0.02, "mode": 0, "high": 0.01}}],
            }
        ],
        "shocks": [
            {
                "id": "s",
                "target": "p",
                "effect": "position",
                "issue": "t",
                "hazard": 0.5,
                "size": -0.1,
            }
        ],
    }
    scenario = Scenario.from_dict(scenario_dict(dynamics))
    assert scenario.dynamics is not None
    assert scenario.dynamics.signatories[0].ratifiers[0].drift.low == -0.02
    assert Scenario.from_dict(scenario.to_dict()) == scenario


@pytest.mark.parametrize(
    ("dynamics", "field"),
    [
        ({"step_months": 0}, "step_months"),
        ({"signing_lag": -1}, "signing_lag"),
        ({"signatories": [{"actor": "a", "discount_rate": -0.1}]}, "discount_rate"),
        ({"shocks": [{"id": "s", "target": "a", "hazard": -1, "size": 0.1}]}, "hazard"),
        ({"shocks": [{"id": "s", "target": "a", "size": 0.1}]}, "hazard"),
        (
            {"shocks": [{"id": "s", "target": "a", "hazard": 1, "size": 0.1, "effect": "mood"}]},
            "effect",
        ),
        ({"patience": 3}, "patience"),
    ],
)
def test_invalid_values_name_the_field(dynamics: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError, match=field):
        Scenario.from_dict(scenario_dict(dynamics))


@pytest.mark.parametrize(
    ("dynamics", "path", "message"),
    [
        ({"signatories": [{"actor": "p"}]}, "dynamics.signatories[0].actor", "not a signatory"),
        (
            {"signatories": [{"actor": "a"}, {"actor": "a"}]},
            "dynamics.signatories[1].actor",
            "twice",
        ),
        (
            {"signatories": [{"actor": "a", "legacy": ["fame"]}]},
            "dynamics.signatories[0].legacy[0]",
            "fame",
        ),
        (
            {"signatories": [{"actor": "b", "legacy": ["legacy"]}]},
            "dynamics.signatories[0].legacy[0]",
            "has no motive .legacy.; there are no motives to name",
        ),
        (
            {"signatories": [{"actor": "b", "ratifiers": [{"actor": "p"}]}]},
            "dynamics.signatories[0].ratifiers[0].actor",
            "not a ratifier",
        ),
        (
            {"shocks": [{"id": "s", "target": "zz", "hazard": 1, "size": 0.1}]},
            "dynamics.shocks[0].target",
            "zz",
        ),
        (
            {"shocks": [{"id": "s", "target": "a", "issue": "v", "hazard": 1, "size": 0.1}]},
            "dynamics.shocks[0].issue",
            "unknown issue",
        ),
        (
            {
                "shocks": [
                    {"id": "s", "target": "a", "hazard": 1, "size": 0.1},
                    {"id": "s", "target": "b", "hazard": 1, "size": 0.1},
                ]
            },
            "dynamics.shocks[1].id",
            "duplicate",
        ),
    ],
)
def test_cross_reference_errors_carry_the_path(
    dynamics: dict[str, Any], path: str, message: str
) -> None:
    with pytest.raises(ScenarioError, match=message) as caught:
        Scenario.from_dict(scenario_dict(dynamics))
    assert str(caught.value).startswith(path + ":")


def test_legacy_needs_a_term_end() -> None:
    data = scenario_dict({"signatories": [{"actor": "a", "legacy": ["legacy"]}]})
    del data["agreement"]["signatories"][0]["leader"]["term_ends"]
    with pytest.raises(ScenarioError, match="term_ends") as caught:
        Scenario.from_dict(data)
    assert caught.value.path == ("dynamics", "signatories", 0, "legacy")


def test_dynamics_needs_an_agreement() -> None:
    data = scenario_dict({})
    del data["agreement"]
    with pytest.raises(ScenarioError, match="agreement") as caught:
        Scenario.from_dict(data)
    assert caught.value.path == ("dynamics",)


def test_evidence_paths_reach_into_the_block() -> None:
    data = scenario_dict(
        {
            "signatories": [{"actor": "a", "discount_rate": 0.2}],
            "shocks": [{"id": "s", "target": "a", "hazard": 1, "size": 0.1}],
        }
    )
    data["evidence"] = [
        {"about": "dynamics.signatories.a.discount_rate", "judgment": "j"},
        {"about": "dynamics.shocks.s.hazard", "judgment": "j"},
    ]
    Scenario.from_dict(data)
    data["evidence"].append({"about": "dynamics.signatories.b.discount_rate", "judgment": "j"})
    with pytest.raises(ScenarioError, match="names no parameter"):
        Scenario.from_dict(data)


def test_file_errors_carry_the_line() -> None:
    text = """\
schema: detente/1
title: t
as_of: 2020-01-01
horizon: 2021-01-01
issues: [{id: t, name: t}]
actors:
  - {id: a, name: A, capability: 1, stances: {t: {position: 0, salience: 1}}}
  - {id: b, name: B, capability: 1, stances: {t: {position: 9, salience: 1}}}
agreement:
  name: deal
  signatories: [{actor: a}, {actor: b}]
dynamics:
  shocks:
    - id: s
      target: nobody
      hazard: 1
      size: 0.1
"""
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "x.yaml")
    assert caught.value.line == 15
    assert "x.yaml:15" in str(caught.value)


def test_default_scenario_documents_every_dynamics_parameter() -> None:
    scenario = load_embedded()
    assert scenario.dynamics is not None
    abouts = {e.about for e in scenario.evidence}
    for entry in scenario.dynamics.signatories:
        for name in ("discount_rate", "legacy", "drift"):
            assert f"dynamics.signatories.{entry.actor}.{name}" in abouts
        for ratifier in entry.ratifiers:
            assert f"dynamics.signatories.{entry.actor}.ratifiers.{ratifier.actor}.drift" in abouts
    for shock in scenario.dynamics.shocks:
        assert f"dynamics.shocks.{shock.id}" in abouts
    assert {"dynamics.step_months", "dynamics.signing_lag"} <= abouts


# -- the grid and shocks ------------------------------------------------------------------


def test_add_months_clips_to_the_month_end() -> None:
    assert add_months(dt.date(2020, 1, 31), 1) == dt.date(2020, 2, 29)
    assert add_months(dt.date(2019, 1, 31), 1) == dt.date(2019, 2, 28)
    assert add_months(dt.date(2020, 11, 15), 3) == dt.date(2021, 2, 15)


def test_grid_holds_every_named_date() -> None:
    line = timeline(Scenario.from_dict(scenario_dict({"step_months": 6})))
    # every six months from 2020-01-31: 07-31, 01-31, 07-31, 2022-01-31; plus the summit,
    # the term end, two year ends and the horizon
    assert line.dates == (
        dt.date(2020, 6, 30),
        dt.date(2020, 7, 31),
        dt.date(2020, 12, 31),
        dt.date(2021, 1, 31),
        dt.date(2021, 3, 15),
        dt.date(2021, 7, 31),
        dt.date(2021, 12, 31),
        dt.date(2022, 1, 31),
        dt.date(2022, 6, 30),
    )
    assert line.report == {
        dt.date(2020, 6, 30): "summit",
        dt.date(2020, 12, 31): "end of 2020",
        dt.date(2021, 3, 15): "end of Leader A's term",
        dt.date(2021, 12, 31): "end of 2021",
        dt.date(2022, 6, 30): "horizon",
    }
    assert line.years[0] == pytest.approx(151 / 365.25)
    assert line.step_years.sum() == pytest.approx(line.years[-1])


def test_shock_offsets_are_poisson_sums_of_sizes() -> None:
    line = timeline(Scenario.from_dict(scenario_dict()))
    rng = np.random.default_rng(0)
    assert not shock_offsets(line, np.zeros(50), Range(low=1, mode=1, high=1), rng).any()
    n, rate = 20_000, 0.8
    paths = shock_offsets(line, np.full(n, rate), Range(low=1, mode=1, high=1), rng)
    # size 1 per event: the path counts events; a step function that never decreases
    assert np.all(np.diff(paths, axis=1) >= 0)
    assert np.array_equal(paths, np.round(paths))
    span = line.years[-1]
    mean = rate * span  # Poisson mean by the horizon; its sd is sqrt(mean)
    assert paths[:, -1].mean() == pytest.approx(mean, abs=5 * np.sqrt(mean / n))
    assert paths[:, -1].var() == pytest.approx(mean, rel=0.05)


def test_shock_offsets_equal_the_sum_over_events_of_their_sizes() -> None:
    # the per-step sums (O(n x (events + K)) memory) against the definition, event by
    # event on the same stream: Poisson counts, uniform times, then each event's size
    line = timeline(Scenario.from_dict(scenario_dict()))
    size = Range(low=-0.05, mode=0.01, high=0.04)
    hazard = np.array([0.0, 0.3, 2.0, 12.0, 40.0])
    paths = shock_offsets(line, hazard, size, np.random.default_rng(7))
    rng = np.random.default_rng(7)
    counts = rng.poisson(hazard * line.years[-1])
    times = rng.uniform(0.0, line.years[-1], size=(hazard.size, counts.max()))
    sizes = size.sample(rng, times.shape)
    expected = np.zeros_like(paths)
    for i, count in enumerate(counts):
        for e in range(count):
            expected[i] += sizes[i, e] * (times[i, e] <= line.years)
    assert np.allclose(paths, expected, rtol=0, atol=1e-12)
    assert counts[-1] > 0 and paths[-1, -1] != 0.0
