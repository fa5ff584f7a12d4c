"""The outside view: survival estimators on hand-worked data, the shipped reference classes
against a rebuild, class inference and the ``base-rate`` command.

The build script (``scripts/build_reference_classes.py``) is imported from its path; it
needs pandas and lifelines (the ``test`` extra installs them).
"""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.errors import DetenteError
from detente.io import load_scenario
from detente.outside_view.curves import ReferenceClass, load_reference_classes, reference_class
from detente.outside_view.infer import DEFAULT_AGE, choose_reference_class
from detente.scenario import Scenario

from cli_helpers import run_cli

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "src" / "detente" / "scenarios" / "russia_japan_2018.yaml"


def _script() -> ModuleType:
    path = ROOT / "scripts" / "build_reference_classes.py"
    spec = importlib.util.spec_from_file_location("build_reference_classes", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


BUILD = _script()
DATA = BUILD.find_outcomes()


# -- estimators on hand-worked data ---------------------------------------------------------


def test_kaplan_meier_by_hand() -> None:
    # durations 1, 2, 2, 3, 4 with the 2nd "2" and the 4 censored. At t=1: 5 at risk, 1
    # end: S = 4/5. At t=2: 4 at risk, 1 end: S = 4/5 * 3/4 = 0.6. At t=3: 2 at risk
    # (3 and 4), 1 end: S = 0.3. At t=4 only a censoring: S stays 0.3.
    grid = np.array([0.0, 1.0, 1.5, 2.0, 3.0, 4.0])
    curve = BUILD.survival_curve(
        pd.Series([1, 2, 2, 3, 4]), pd.Series([True, True, False, True, False]), grid
    )
    assert curve["survival"] == pytest.approx([1.0, 0.8, 0.8, 0.6, 0.3, 0.3])
    assert curve["at_risk"][:2] == [5, 5]
    # Greenwood variance at t=1: S^2 * 1/(5*4) -> a band around 0.8 that excludes 0.5 and 1
    assert 0.2 < curve["lower"][1] < 0.8 < curve["upper"][1] < 1.0


def test_aalen_johansen_by_hand() -> None:
    # four episodes: agreement at 1, another end at 2, agreement at 3, censored at 4.
    # F(1) = 1/4. After t=2, S = 3/4 * 2/3 = 1/2. At t=3: 2 at risk, one agreement:
    # F(3) = 1/4 + S(3-) * 1/2 = 1/4 + 1/4 = 1/2.
    grid = np.array([0.5, 1.0, 2.0, 3.0, 4.0])
    incidence = BUILD.agreement_incidence(pd.Series([1, 2, 3, 4]), pd.Series([1, 2, 1, 0]), grid)
    assert incidence["incidence"] == pytest.approx([0.0, 0.25, 0.25, 0.5, 0.5])


def _toy_class(hazard: float) -> ReferenceClass:
    """A class whose claim hazard is constant: intercept only, cloglog(hazard)."""
    return ReferenceClass(
        "toy",
        {
            "label": "toy",
            "n": 1,
            "events": 1,
            "grid_years": [0.0, 1.0],
            "records": [1],
            "source": "icow",
            "agreement": None,
            "any_end": {"survival": [1.0, 0.5]},
            "hazard": {
                "link": "cloglog",
                "terms": ["intercept", "log_age", "salience", "recent_mid"],
                "coef": [math.log(-math.log(1 - hazard)), 0.0, 0.0, 0.0],
                "salience_median": 7,
            },
        },
    )


def test_discrete_hazard_conditional_by_hand() -> None:
    # constant annual hazard 0.1: P(end within 2 years) = 1 - 0.9^2 = 0.19; within half a
    # year 1 - 0.9^0.5 = 0.05132; within 2.5 years 1 - 0.9^2.5 = 0.23155; 0 within 0 years
    toy = _toy_class(0.1)
    p = toy.conditional(30.0, np.array([0.0, 0.5, 2.0, 2.5]))
    assert p == pytest.approx([0.0, 1 - 0.9**0.5, 0.19, 1 - 0.9**2.5])


def test_competing_risk_hazards_by_hand() -> None:
    # a multinomial logit with constant yearly P(agreement) 0.1 and P(other end) 0.2:
    # scores exp(a) = 0.1 / 0.7 and exp(o) = 0.2 / 0.7 against "goes on" (0.7).
    # Within 1 year: 0.1. Within 2: 0.1 + 0.7 * 0.1 = 0.17. Within half a year, a constant
    # rate r = -ln 0.7 with a third of the ends in agreement: (1 - 0.7^0.5) / 3.
    toy = ReferenceClass(
        "toy:interstate",
        {
            "label": "toy",
            "hazard": {
                "link": "multinomial-logit",
                "terms": ["intercept", "log_age", "interstate", "territorial"],
                "coef": [[math.log(1 / 7), 0, 0, 0], [math.log(2 / 7), 0, 0, 0]],
            },
        },
    )
    p = toy.conditional(5.0, np.array([0.0, 0.5, 1.0, 2.0]))
    assert p == pytest.approx([0.0, (1 - 0.7**0.5) / 3, 0.1, 0.17])


def test_competing_risk_conditional_by_hand() -> None:
    # F (agreement) and S (any end) on a yearly grid: at age 2, S = 0.5 and F = 0.1;
    # by age 4, F = 0.3: P(agreement within 2 years | open at 2) = (0.3 - 0.1) / 0.5 = 0.4,
    # then shrunk with the 50 still at risk: (50 * 0.4 + 1/2) / 51 = 20.5 / 51
    data: dict[str, Any] = {
        "label": "toy",
        "n": 100,
        "events": 30,
        "records": [1],
        "source": "icb",
        "grid_years": [0.0, 1.0, 2.0, 3.0, 4.0],
        "any_end": {"survival": [1.0, 0.7, 0.5, 0.4, 0.3], "at_risk": [100, 70, 50, 40, 30]},
        "agreement": {"incidence": [0.0, 0.05, 0.1, 0.2, 0.3]},
    }
    toy = ReferenceClass("toy", data)
    assert toy.conditional(2.0, np.array([2.0]))[0] == pytest.approx(20.5 / 51)
    # within the first year a constant hazard: q1 = (0.2 - 0.1) / 0.5 = 0.2, half a year
    # 1 - 0.8^0.5, shrunk the same way; no time, no agreement
    half = 1 - 0.8**0.5
    assert toy.conditional(2.0, np.array([0.5, 0.0])) == pytest.approx([(50 * half + 0.5) / 51, 0])
    data["any_end"]["survival"] = [1.0, 0.0, 0.0, 0.0, 0.0]
    with pytest.raises(DetenteError, match="no episode lasted"):
        toy.conditional(2.0, np.array([1.0]))


def test_every_shipped_class_is_a_probability_curve() -> None:
    for name in load_reference_classes()["classes"]:
        item = reference_class(name)
        grid = item.grid
        p = item.agreement_by(grid)
        assert np.all(np.diff(p) >= -1e-12) and p[0] >= 0 and p[-1] < 1
        assert np.all(item.agreement_by(grid, "lower") <= p + 1e-9)
        assert item.n == len(item.data["records"]) and 0 < item.events <= item.n
    with pytest.raises(DetenteError, match="unknown reference class"):
        reference_class("nothing")


@pytest.mark.skipif(not DATA.is_dir(), reason=f"outcome data not found at {DATA}")
def test_shipped_reference_classes_match_a_rebuild() -> None:
    rebuilt = json.loads(json.dumps(BUILD.build(DATA)))
    shipped = load_reference_classes()
    assert rebuilt["classes"].keys() == shipped["classes"].keys()
    for name, item in rebuilt["classes"].items():
        ship = shipped["classes"][name]
        assert item["records"] == ship["records"], name
        assert item["any_end"]["survival"] == pytest.approx(ship["any_end"]["survival"], abs=1e-5)
        if item["agreement"] is not None:
            assert item["agreement"]["incidence"] == pytest.approx(
                ship["agreement"]["incidence"], abs=1e-5
            )
    for name in ("territorial-claim", "armed-conflict:interstate"):
        hazard = np.asarray(rebuilt["classes"][name]["hazard"]["coef"])
        ship_hazard = np.asarray(shipped["classes"][name]["hazard"]["coef"])
        assert hazard == pytest.approx(ship_hazard, abs=1e-4), name


# -- inference --------------------------------------------------------------------------------


def test_default_scenario_is_an_old_territorial_claim() -> None:
    chosen = choose_reference_class(load_scenario(DEFAULT))
    assert chosen.name == "territorial-claim" and chosen.inferred
    # the scenario cites the 1956 Joint Declaration: 2018-09-17 is 62.7 years later
    assert chosen.since == 1956 and chosen.age == pytest.approx(62.7, abs=0.05)


def _with_block(block: dict[str, Any] | None, **changes: Any) -> Scenario:
    data = load_scenario(DEFAULT).to_dict()
    data.update(changes)
    if block is not None:
        data["reference_class"] = block
    return Scenario.from_dict(data)


def test_a_block_overrules_the_inference() -> None:
    chosen = choose_reference_class(
        _with_block(
            {"kind": "armed-conflict", "interstate": False, "territorial": True, "since": 2000}
        )
    )
    assert chosen.name == "armed-conflict:intrastate-territorial"
    assert chosen.since == 2000 and not chosen.inferred
    assert choose_reference_class(_with_block({"kind": "crisis"})).name == "crisis"


def test_non_state_parties_and_unknown_age() -> None:
    scenario = _with_block(
        None,
        title="Government and the guerrilla",
        description="",
        evidence=[],
        sources=[],
        dates=[],
    )
    chosen = choose_reference_class(scenario)
    assert chosen.name.startswith("armed-conflict:intrastate")
    assert any("guerrilla" in reason for reason in chosen.reasons)


def test_unknown_age_falls_back_to_the_default() -> None:
    tiny = Scenario.from_dict(
        {
            "schema": "detente/1",
            "title": "Two states over a fishing quota",
            "as_of": "2020-01-01",
            "horizon": "2021-01-01",
            "issues": [{"id": "x", "name": "Quota"}],
            "actors": [
                {
                    "id": "a",
                    "name": "A",
                    "capability": 1,
                    "stances": {"x": {"position": 10, "salience": 1}},
                }
            ],
        }
    )
    chosen = choose_reference_class(tiny)
    assert chosen.age == DEFAULT_AGE and chosen.since is None
    assert chosen.name == "territorial-claim"  # the nearest class for an interstate dispute
    assert any("nearest class" in reason for reason in chosen.reasons)


# -- the command --------------------------------------------------------------------------------


def test_base_rate_command_on_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "base-rate", "-f", "json")
    assert code == 0, err
    document = json.loads(out)
    assert document["reference_class"]["name"] == "territorial-claim"
    assert document["n"] == len(document["records"]) > 100
    by = document["by"]
    assert 0 < by["2018-12-31"] < by["2024-05-07"] < 1
    code, out, _ = run_cli(capsys, "base-rate")
    assert code == 0 and "ICOW" in out and "records" in out


@pytest.mark.parametrize("case", sorted(p.name for p in (ROOT / "cases").glob("*.yaml")))
def test_base_rate_works_on_every_case(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "base-rate", str(ROOT / "cases" / case), "-f", "json")
    assert code == 0, err
    by = json.loads(out)["by"]
    assert all(0 <= p < 1 for p in by.values())


def test_a_bad_block_is_one_clear_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = DEFAULT.read_text(encoding="utf-8") + "reference_class:\n  kind: war\n"
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    code, _, err = run_cli(capsys, "base-rate", str(path))
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "reference_class" in err and "bad.yaml" in err


@settings(deadline=None, max_examples=60)
@given(
    st.sampled_from(sorted(load_reference_classes()["classes"])),
    st.floats(0, 60),
    st.lists(st.floats(0, 15), min_size=1, max_size=6),
)
def test_conditional_outside_view_is_a_distribution_function(
    name: str, age: float, horizons: list[float]
) -> None:
    item = reference_class(name)
    if not item.has_hazard and item.survival(np.array([age]))[0] <= 0:
        return  # no crisis lasted that long: the class refuses, tested above
    h = np.sort(np.array(horizons))
    p = item.conditional(age, h)
    assert np.all((p >= 0) & (p < 1))
    assert np.all(np.diff(p) >= -1e-12)
