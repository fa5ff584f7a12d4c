"""Event rates and horizons that would exhaust memory: refused at load, or before allocating.

Before: ``exit_hazard: 1e9`` passed ``validate`` and ``forecast`` asked numpy for
15.3 TiB (a traceback); a shock ``hazard: 1000000`` grew to 22 GB and was OOM-killed;
a horizon of 886 years asked for arrays of 1000 x 11,524 per issue and role.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hostile_helpers import line_of

from detente.dynamics import event_times
from detente.errors import ModelError, ScenarioError
from detente.io import parse_scenario
from detente.limits import MAX_EVENT_CELLS, MAX_HAZARD
from detente.models import get_model

from cli_helpers import run_cli

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = (ROOT / "src" / "detente" / "scenarios" / "russia_japan_2018.yaml").read_text()
SHOCK_HAZARD = "hazard: {low: 0.1, mode: 0.25, high: 0.5}"
ABE = "        regime: democracy\n"
LANES = r"steps \(2 signatories, 4 roles, 2 issues, 1 shocks\)"


def error_of(text: str) -> str:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "s.yaml")
    return str(info.value)


@pytest.mark.parametrize("rate", ["1e9", "100000", "366", "{low: 1, mode: 2, high: 1000}"])
def test_an_exit_hazard_past_one_a_day_names_its_line_and_field(rate: str) -> None:
    text = DEFAULT.replace(ABE, f"        exit_hazard: {rate}\n", 1)
    message = error_of(text)
    line = line_of(text, "exit_hazard:")
    assert message.startswith(f"s.yaml:{line}: agreement.signatories[1].leader.exit_hazard: ")
    assert "must lie in 0..365.25 exits per year" in message


def test_a_shock_hazard_past_one_a_day_names_its_line_and_field() -> None:
    text = DEFAULT.replace(SHOCK_HAZARD, "hazard: 1000000")
    message = error_of(text)
    assert message.startswith(
        f"s.yaml:{line_of(text, 'hazard: 1000000')}: dynamics.shocks[0].hazard: "
    )
    assert "must lie in 0..365.25 events per year" in message and "got 1e+06" in message


def test_the_hazard_limit_itself_is_accepted() -> None:
    scenario = parse_scenario(DEFAULT.replace(SHOCK_HAZARD, f"hazard: {MAX_HAZARD}"), "s.yaml")
    assert scenario.dynamics is not None
    assert scenario.dynamics.shocks[0].hazard.mode == MAX_HAZARD


def test_validate_and_whatif_refuse_a_huge_hazard_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "exit.yaml"
    bad.write_text(DEFAULT.replace(ABE, "        exit_hazard: 1e9\n", 1))
    code, _, err = run_cli(capsys, "validate", str(bad))
    assert code == 2 and err.count("\n") == 1 and "exit_hazard must lie in 0..365.25" in err
    good = tmp_path / "good.yaml"
    good.write_text(DEFAULT)
    code, _, err = run_cli(
        capsys, "whatif", str(good), "--runs", "0", "--set", "japan.leader.exit_hazard=1e9"
    )
    assert code == 2 and err.count("\n") == 1 and "exit_hazard must lie in 0..365.25" in err


class _NoTimes:
    """A generator that counts events but must never be asked for their times."""

    def __init__(self) -> None:
        self._rng = np.random.default_rng(0)

    def poisson(self, lam: np.ndarray) -> np.ndarray:
        return self._rng.poisson(lam)

    def uniform(self, *args: Any, **kwargs: Any) -> np.ndarray:
        raise AssertionError("the event times were drawn past the budget")


def test_events_past_the_budget_are_refused_before_their_times_are_drawn() -> None:
    # 1,000 draws at one event a day over 100 years: about 36,525 events a draw, so
    # 3.7e7 cells > MAX_EVENT_CELLS (2**24 = 1.7e7); the check comes before the times
    hazard = np.full(1000, MAX_HAZARD)
    tracemalloc.start()
    try:
        with pytest.raises(ModelError, match=r"1,000 draws x 3\d,\d{3} events of shock 's'"):
            event_times(hazard, 100.0, _NoTimes(), "shock 's'")  # type: ignore[arg-type]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1024**2  # the counts (8 kB), not the events (300 MB)
    assert MAX_EVENT_CELLS < 1000 * 36_000


def test_events_within_the_budget_are_drawn() -> None:
    times, live = event_times(np.array([0.0, 2.0, 365.25]), 1.0, np.random.default_rng(1), "x")
    assert times.shape == live.shape and times.shape[0] == 3
    assert not live[0].any() and live[2].sum() == times.shape[1]
    assert ((times >= 0) & (times <= 1.0)).all()


def test_a_horizon_of_millennia_is_refused_before_the_paths_are_allocated() -> None:
    # 1,000 shock paths at the modes x about 104,000 steps (monthly to 9999, with the
    # year ends) x (2 x 3 paths + 24 sets + 16) lanes is 4.8e9 cells, past
    # MAX_GRID_CELLS (2**27 = 1.3e8): 36 GiB refused up front
    text = DEFAULT.replace("horizon: 2025-12-31", "horizon: 9999-12-31")
    scenario = parse_scenario(text, "s.yaml")
    tracemalloc.start()
    try:
        with pytest.raises(ModelError, match=rf"sets of 1,000 draws x 103,\d{{3}} time {LANES} = "):
            get_model("deadline-bargaining").forecast(scenario, rng=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 200 * 1024**2  # the time grid and the draws, not the 1.5 GB of paths


def test_the_sets_check_names_their_dimensions(monkeypatch: pytest.MonkeyPatch) -> None:
    from detente.models import _deadline_events

    # the embedded scenario: 2 signatories with a ratifier each (4 roles), 2 issues,
    # 1 shock: 2 x (1 + 2) paths + (4 x 2 + 2 x 4) x 2 sets + 16 = 54 lanes of (n, K)
    monkeypatch.setattr(_deadline_events, "MAX_GRID_CELLS", 1000)
    scenario = parse_scenario(DEFAULT, "s.yaml")
    with pytest.raises(ModelError) as info:
        get_model("deadline-bargaining").forecast(scenario, rng=1)
    message = str(info.value)
    steps = len(get_model("deadline-bargaining").grid(scenario)[0])  # type: ignore[attr-defined]
    assert f"1,000 draws x {steps} time steps (2 signatories, 4 roles, 2 issues" in message
    assert f"= {1000 * steps * 54:,} values" in message
    assert "more than its limit of 1,000" in message
