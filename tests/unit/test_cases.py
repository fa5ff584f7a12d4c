"""The historical cases in cases/: each is a valid, fully traced scenario as of before its outcome.

The conventions checked here are those of cases/README.md: a known outcome dated after
``as_of`` and within the window, a window that contains the agreement for agreed cases,
at least one source dated before ``as_of``, every parameter covered by evidence, and
judgment-only ranges that are real ranges.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.cli import main
from detente.io import load_scenario
from detente.provenance import parameters, untraced
from detente.scenario import Scenario

CASES = Path(__file__).resolve().parents[2] / "cases"
FILES = sorted(CASES.glob("*.yaml"))


def _load(path: Path) -> Scenario:
    return load_scenario(path)


def test_there_are_enough_cases_with_both_outcomes() -> None:
    assert len(FILES) >= 8
    agreed = [_load(p).outcome for p in FILES]
    assert all(o is not None for o in agreed)
    flags = [o.agreed for o in agreed if o is not None]
    assert any(flags) and not all(flags)


def test_the_readme_lists_every_case() -> None:
    readme = (CASES / "README.md").read_text(encoding="utf-8")
    for path in FILES:
        assert f"`{path.name}`" in readme, path.name


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_case_is_fully_traced(path: Path) -> None:
    scenario = _load(path)
    assert untraced(scenario) == []
    # a case documents why it is encoded as of its date and why its window ends where it does
    assert scenario.evidence_for("as_of") and scenario.evidence_for("horizon")


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_case_has_an_outcome_inside_its_window(path: Path) -> None:
    scenario = _load(path)
    outcome = scenario.outcome
    assert outcome is not None and outcome.date is not None
    assert scenario.as_of < outcome.date <= scenario.horizon
    if outcome.agreed:
        assert outcome.date < scenario.horizon
    # the outcome names the sources that report it
    assert outcome.sources
    assert outcome.description


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_case_names_a_source_dated_before_as_of(path: Path) -> None:
    scenario = _load(path)
    before = [s.id for s in scenario.sources if s.date is not None and s.date < scenario.as_of]
    assert before, "no source dated before as_of"
    # and at least one such source is used as evidence, not only listed
    used = {e.source for e in scenario.evidence}
    assert used & set(before)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_case_has_signatories_with_ratifiers_and_a_dynamics_block(path: Path) -> None:
    scenario = _load(path)
    agreement = scenario.agreement
    assert agreement is not None and len(agreement.signatories) >= 2
    # Putnam's level II: at least one signatory must carry a domestic ratifier
    assert any(s.ratifiers for s in agreement.signatories)
    assert scenario.dynamics is not None
    # every issue has labelled anchors
    assert all(issue.anchors for issue in scenario.issues)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_judgment_only_ranges_are_real_ranges(path: Path) -> None:
    # a number that rests on an analyst's judgment alone is written as a range with
    # low < high (the convention of the default scenario)
    scenario = _load(path)
    for param in parameters(scenario):
        quoted = any(e.quote for e in param.evidence)
        if isinstance(param.value, dict) and not quoted:
            assert param.value["low"] < param.value["high"], param.path


def test_detente_validate_accepts_every_case(capsys: pytest.CaptureFixture[str]) -> None:
    code = 0
    try:
        main(["validate", *map(str, FILES)])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == len(FILES)
    assert all(line.endswith(")") and ": valid (" in line for line in lines)
    assert "without evidence" not in out
