"""What would it take: the smallest flips of the default scenario, worked out by hand.

The default scenario's territorial constraints (modes, 0-100 scale): the Russian
presidency accepts [80, 100] and Russian public opinion [85, 100]; the Japanese
government accepts [0, 50] and the Japanese public [0, 50]. The linkage issue has the
one-point zone {50}. So the gap is 85 - 50 = 35, and:

* no single number opens a zone: lowering the public's floor still leaves the
  presidency's 80 above 50, and raising one Japanese ceiling leaves the other at 50;
* the cheapest pair lowers both Russian floors to 50: |80 - 50| / 100 + |85 - 50| / 100
  = 0.30 + 0.35 = 0.65, against 0.35 + 0.35 = 0.70 for raising both Japanese ceilings to 85.
"""

from __future__ import annotations

import pytest

from detente.analysis.flip import find_flips
from detente.errors import DetenteError
from detente.report.explain_tables import flip_document
from detente.scenario import Scenario
from detente.scenario_edits import DatedEvaluator, set_parameters
from detente.scenarios import DEFAULT, load_embedded

from strategies import minimal

RP_FLOOR = "agreement.signatories.russia.ratifiers.russian_public.accepts.territory.0"
RU_FLOOR = "agreement.signatories.russia.accepts.territory.0"
JA_CEILING = "agreement.signatories.japan.accepts.territory.1"
JP_CEILING = "agreement.signatories.japan.ratifiers.japanese_public.accepts.territory.1"
ANCHOR_50 = "50 (Habomai and Shikotan transferred, as in the 1956 Joint Declaration)"


@pytest.fixture(scope="module")
def default() -> Scenario:
    return load_embedded(DEFAULT)


def test_no_single_flip_and_the_cheapest_pairs(default: Scenario) -> None:
    result = find_flips(default, target="zopa")
    assert result.before == 0 and not result.possible_before
    assert result.singles == ()
    assert result.pairs_searched
    first, second = result.pairs[:2]
    assert {(c.parameter.path, c.value) for c in first.changes} == {(RU_FLOOR, 50), (RP_FLOOR, 50)}
    assert first.size == pytest.approx(0.65)
    assert first.after == 1.0
    assert {(c.parameter.path, c.value) for c in second.changes} == {
        (JA_CEILING, 85),
        (JP_CEILING, 85),
    }
    assert second.size == pytest.approx(0.70)
    assert result.best is first
    # 50 lies 20 below both Russian ranges (70-90 and 70-100)
    assert [c.outside for c in first.changes] == pytest.approx([20, 20])


def test_the_pair_in_the_scenarios_words(default: Scenario) -> None:
    document = flip_document(default, find_flips(default, target="zopa", limit=1))
    assert document["summary"] == (
        f"If Russian presidency (Vladimir Putin) accepted {ANCHOR_50} on the territorial "
        f"settlement and Russian public opinion and the Duma accepted {ANCHOR_50} on the "
        "territorial settlement, an agreement would become possible (50 lies 20 below the "
        "analyst's range 70–90 for Russian presidency (Vladimir Putin); 50 lies 20 below "
        "the analyst's range 70–100 for Russian public opinion and the Duma)."
    )


def test_one_floor_suffices_once_the_presidency_accepts_fifty(default: Scenario) -> None:
    # with the presidency's floor at 50, only the public's 85 stands above the ceiling 50:
    # lowering it to 50 (a change of 0.35) opens the zone {50}; no pair is searched
    edited = set_parameters(default, {RU_FLOOR: 50})
    result = find_flips(edited, target="zopa")
    assert [(f.changes[0].parameter.path, f.changes[0].value) for f in result.singles] == [
        (RP_FLOOR, 50)
    ]
    assert result.singles[0].size == pytest.approx(0.35)
    assert not result.pairs_searched and result.pairs == ()
    assert flip_document(edited, result)["summary"] == (
        f"If Russian public opinion and the Duma accepted {ANCHOR_50} on the territorial "
        "settlement, an agreement would become possible (50 lies 20 below the analyst's "
        "range 70–100)."
    )


def test_breaking_an_agreement(default: Scenario) -> None:
    # both Russian floors at 40: territory zone [40, 50], linkage zone {50}. The linkage
    # zone is one point, so the smallest break moves Japan's linkage floor (or Russia's
    # linkage ceiling) just past 50: a change of about 0 (within the 1e-4 tolerance).
    edited = set_parameters(default, {RU_FLOOR: 40, RP_FLOOR: 40})
    result = find_flips(edited, target="zopa")
    assert result.possible_before
    best = result.singles[0]
    assert best.after == 0.0
    assert best.size <= 1e-4
    assert best.changes[0].parameter.path in (
        "agreement.signatories.japan.accepts.linkage.0",
        "agreement.signatories.russia.accepts.linkage.1",
    )
    # on territory the zone [40, 50] is 10 wide: breaking it costs 0.1
    territory = [f for f in result.singles if ".territory." in f.changes[0].parameter.path]
    assert territory and territory[0].size == pytest.approx(0.1, abs=2e-4)
    assert "no agreement would be possible any more" in flip_document(edited, result)["summary"]


def test_nothing_flips_within_one_parameter(default: Scenario) -> None:
    result = find_flips(default, target="zopa", paths=[RP_FLOOR])
    assert result.best is None and result.searched == 1
    assert flip_document(default, result)["summary"] == (
        "No change to one or two parameters within its domain flips the answer (not possible)."
    )


def test_the_dated_flip_is_minimal(default: Scenario) -> None:
    # P(agreement by the horizon) is 0: the ratifiers' sets leave a 35-point gap that no
    # leader's concession closes. The cheapest flips move a ratifier's bound past the
    # other side's; check the answer against the evaluator itself: the flip value gives
    # P >= 0.5 and a value 1% of the scale closer to the mode does not.
    result = find_flips(default, target="dated", shock_paths=16)
    assert result.target == "dated" and result.before < 0.5
    best = result.singles[0]
    (change,) = best.changes
    assert change.parameter.path in (RP_FLOOR, JP_CEILING)
    assert change.size >= 0.35  # the gap is 35 points wide
    evaluator = DatedEvaluator(default, shock_paths=16)
    step = 0.01 * change.parameter.scale * (1 if change.value < change.parameter.value.mode else -1)
    at, nearer = evaluator(
        [{change.parameter.path: change.value}, {change.parameter.path: change.value + step}]
    )
    assert at >= 0.5 > nearer
    assert best.after == pytest.approx(at)
    sentence = flip_document(default, result)["summary"]
    assert sentence.startswith("If ")
    assert f"an agreement by {default.horizon} would become likely" in sentence


def test_errors(default: Scenario) -> None:
    with pytest.raises(DetenteError, match="unknown target 'soon'"):
        find_flips(default, target="soon")
    with pytest.raises(DetenteError, match="needs a scenario with an agreement"):
        find_flips(Scenario.from_dict(minimal()))
    with pytest.raises(DetenteError, match="not a number of this scenario"):
        find_flips(default, target="zopa", paths=["actors.nobody.capability"])
