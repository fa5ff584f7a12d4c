"""The default scenario: the article's premises, each traced, reach the article's conclusion."""

from __future__ import annotations

import re

import pytest

from detente.models import get_model
from detente.provenance import parameters, untraced
from detente.scenario import Scenario
from detente.scenarios import DEFAULT, embedded_names, embedded_text, load_embedded

from shared_data import SEED_ARTICLE

ARTICLE = SEED_ARTICLE


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_default_is_embedded_and_valid() -> None:
    assert DEFAULT == "russia_japan_2018"
    assert DEFAULT in embedded_names()
    scenario = load_embedded()
    assert {a.id for a in scenario.actors} >= {
        "russia",
        "japan",
        "russian_public",
        "japanese_public",
    }
    assert scenario.agreement is not None
    assert [s.actor for s in scenario.agreement.signatories] == ["russia", "japan"]


def test_every_parameter_has_evidence() -> None:
    scenario = load_embedded()
    assert len(parameters(scenario)) > 30
    assert untraced(scenario) == []


def test_qualitative_numbers_are_marked_as_judgment_with_a_range() -> None:
    # a value that rests on a judgment alone must come as a range, unless it is a
    # definition (scales, linkage bounds) the judgment explains
    scenario = load_embedded()
    for param in parameters(scenario):
        judged = [e for e in param.evidence if e.judgment]
        if judged and not any(e.quote for e in param.evidence) and isinstance(param.value, dict):
            assert param.value["low"] < param.value["high"], param.path


@pytest.mark.skipif(not ARTICLE.exists(), reason=f"the seed article is not at {ARTICLE}")
def test_every_quote_is_in_the_article() -> None:
    article = _words(ARTICLE.read_text(encoding="utf-8"))
    scenario = load_embedded()
    assert scenario.evidence
    for entry in scenario.evidence:
        if entry.quote is None:
            continue
        assert entry.source == "gt2018"
        for part in entry.quote.split("..."):
            assert _words(part) in article, part


def test_the_article_conclusion_no_zopa_today() -> None:
    # "it is impossible for Putin to make concessions ... Japan will not give up its stance"
    verdict = get_model("two-level").forecast(load_embedded()).agreement
    assert verdict is not None and verdict.possible is False
    gap = verdict.issues["territory"]["gap"]
    # the Russian side's floor (85, joint economic activity at most) lies above the
    # Japanese side's ceiling (50, the two-island formula): 35 points apart
    assert gap["size"] == 35
    assert gap["to_settle_at_highest_acceptable"] == ["russia", "russian_public"]
    assert gap["to_settle_at_lowest_acceptable"] == ["japan", "japanese_public"]
    assert "No agreement is possible now" in verdict.explanation


def _with_russia_accepting(low: float) -> Scenario:
    text = embedded_text()
    text = text.replace(
        "territory: [{low: 70, mode: 80, high: 90}, 100]", f"territory: [{low}, 100]"
    )
    text = text.replace(
        "territory: [{low: 70, mode: 85, high: 100}, 100]", f"territory: [{low}, 100]"
    )
    from detente.io import parse_scenario

    return parse_scenario(text)


def test_the_premise_that_flips_it() -> None:
    # if Moscow and the Russian public accepted the 1956 two-island formula (50), the
    # Japanese side's ceiling (50) would meet it: a single point of agreement
    verdict = get_model("two-level").forecast(_with_russia_accepting(50)).agreement
    assert verdict is not None and verdict.possible
    assert verdict.issues["territory"]["zopa"] == [50, 50]
    still_closed = get_model("two-level").forecast(_with_russia_accepting(51)).agreement
    assert still_closed is not None and not still_closed.possible


def test_static_models_on_the_default() -> None:
    scenario = load_embedded()
    # weights on territory: russia 1*0.8, japan 0.8*0.9, russian public 0.5*0.7,
    # japanese public 0.5*0.6 -> (100*0.8 + 100*0.35) / (0.8+0.72+0.35+0.3) = 115/2.17
    assert get_model("compromise").forecast(scenario).outcome("territory") == pytest.approx(
        115 / 2.17
    )
    # Russian side holds 1.15 of 2.17: more than half -> the weighted median is 100
    assert get_model("median").forecast(scenario).outcome("territory") == 100
    # the Russian actors stand at the status quo (100): no outcome makes them better
    # off, so no point beats the status quo for everyone and Nash bargaining keeps it
    assert get_model("nash").forecast(scenario).outcome("territory") == 100
