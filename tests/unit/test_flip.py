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


def _calibrated_by_hand(outside: float, structural: float, zone_now: bool) -> float:
    """docs/calibration.md: cloglog P = cloglog p0 + a + b cloglog ps + d zone_now, with
    ps clipped to [0.005, 0.995], read from the shipped coefficients (a, 1, b, d), and
    both bounded to the range they were fitted on (p0 above, per verdict; ps both sides)."""
    import json
    import math
    from importlib import resources

    shipped = json.loads(
        resources.files("detente.outside_view").joinpath("calibration.json").read_text()
    )
    a, offset, b, d = shipped["coef"]
    assert offset == 1.0  # the outside view is an offset
    fitted = shipped["fitted_range"]
    outside = min(outside, fitted["outside_view_max"]["zone_now" if zone_now else "no_zone"])
    low, high = fitted["structural"]
    ps = min(max(structural, 0.005, low), 0.995, high)
    eta = math.log(-math.log1p(-outside)) + a + b * math.log(-math.log1p(-ps)) + d * zone_now
    return 1.0 - math.exp(-math.exp(eta))


def test_the_calibrated_flip_needs_a_zone_now(default: Scenario) -> None:
    # The calibrated forecast weighs the structural P lightly (b ~ 0.22) and a zone of
    # agreement now heavily (d ~ 2.7): so no single bound flips P by the horizon across
    # 50%, and the cheapest pair is the zopa target's pair (both Russian floors to 50).
    from detente.outside_view.curves import years_between
    from detente.outside_view.infer import choose_reference_class

    result = find_flips(
        default, target="calibrated", runs=40, paths=[RP_FLOOR, RU_FLOOR, JA_CEILING]
    )
    assert (result.target, result.threshold, result.runs) == ("calibrated", 0.5, 40)
    years = years_between(default.as_of, default.horizon)
    outside = float(choose_reference_class(default).conditional([years])[0])
    structural = DatedEvaluator(default, runs=40)([{}])[0]
    assert result.before == pytest.approx(_calibrated_by_hand(outside, structural, False))
    assert result.before < 0.5 and not result.singles
    (pair,) = result.pairs
    assert {c.parameter.path for c in pair.changes} == {RP_FLOOR, RU_FLOOR}
    assert [c.value for c in pair.changes] == [50, 50]
    setting = {c.parameter.path: c.value for c in pair.changes}
    after = DatedEvaluator(default, runs=40)([setting])[0]
    assert pair.after == pytest.approx(_calibrated_by_hand(outside, after, True))
    assert pair.after >= 0.5
    summary = flip_document(default, result)["summary"]
    assert "its calibrated probability would rise from" in summary


def test_a_lower_threshold_reads_the_other_way(default: Scenario) -> None:
    # Above a threshold of 0.02 already (P ~ 0.1); the flip would have to push P below
    # it, and lowering the structural P cannot: it is at its clip already. The outside
    # view alone, with a ~ 0.92 and ps at 0.005, keeps P above 0.02.
    result = find_flips(default, target="calibrated", threshold=0.02, runs=20, pairs=False,
                        paths=[RP_FLOOR, JA_CEILING])  # fmt: skip
    assert result.possible_before and not result.singles and not result.pairs
    document = flip_document(default, result)
    assert document["threshold"] == 0.02 and document["answer_before"] is True
    assert document["summary"].startswith("No change to one parameter within its domain")
    assert "threshold 0.02" in document["summary"]


def test_calibrated_errors(default: Scenario) -> None:
    with pytest.raises(DetenteError, match="needs Monte Carlo draws"):
        find_flips(default, target="calibrated", runs=0)
    for threshold in (0.0, 1.0, 1.5):
        with pytest.raises(DetenteError, match="strictly between 0 and 1"):
            find_flips(default, target="calibrated", threshold=threshold)
