"""`detente draft` on the seed article and on four short articles written for these tests.

Every expected item below was read off the article text by hand: the parties and
leaders it names, the dates it gives (resolved against its own date), the side each
party takes and the cue that says how firmly. The drafts must validate, quote only
exact substrings of the article, and mark what the text does not give as defaulted.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("spacy")

from detente.drafting import draft_scenario
from detente.drafting.evidence import NOT_IN_SOURCE
from detente.errors import DetenteError
from detente.io import parse_scenario

from shared_data import SEED_ARTICLE

ARTICLES = Path(__file__).parent / "articles"
SEED = SEED_ARTICLE


def _draft(path: Path) -> dict[str, Any]:
    return draft_scenario(path.read_text(encoding="utf-8"), name=path.name).document


def _actor(document: dict[str, Any], actor_id: str) -> dict[str, Any]:
    return next(a for a in document["actors"] if a["id"] == actor_id)


def _signatory(document: dict[str, Any], actor_id: str) -> dict[str, Any]:
    return next(s for s in document["agreement"]["signatories"] if s["actor"] == actor_id)


def _evidence(document: dict[str, Any], about: str) -> dict[str, Any]:
    return next(e for e in document["evidence"] if e["about"] == about)


def _check_quotes(document: dict[str, Any], text: str) -> None:
    quotes = [e["quote"] for e in document["evidence"] if "quote" in e]
    assert quotes, "a draft with no quote at all"
    for quote in quotes:
        assert quote in text


@pytest.fixture(scope="module")
def seed() -> tuple[dict[str, Any], str]:
    if not SEED.exists():
        pytest.skip(f"seed article not found at {SEED}")
    text = SEED.read_text(encoding="utf-8")
    return draft_scenario(text, name=SEED.name).document, text


def test_seed_names_both_governments_leaders_and_publics(seed: tuple[dict[str, Any], str]) -> None:
    document, _ = seed
    ids = {a["id"] for a in document["actors"]}
    assert ids == {"russia", "japan", "russian_public", "japanese_public"}
    assert "Vladimir Putin" in _actor(document, "russia")["name"]
    assert "Shinzo Abe" in _actor(document, "japan")["name"]
    assert _signatory(document, "russia")["leader"]["name"] == "Vladimir Putin"
    assert _signatory(document, "japan")["leader"]["name"] == "Shinzo Abe"
    # the Duma is named ("2016 Duma elections"), the Diet is not
    assert _actor(document, "russian_public")["name"] == "Russian public and the Duma"
    assert _actor(document, "japanese_public")["name"] == "Japanese public"
    ratifiers = {
        s["actor"]: [r["actor"] for r in s["ratifiers"]]
        for s in document["agreement"]["signatories"]
    }
    assert ratifiers == {"russia": ["russian_public"], "japan": ["japanese_public"]}


def test_seed_issues_dates_and_quotes(seed: tuple[dict[str, Any], str]) -> None:
    document, text = seed
    assert document["as_of"] == "2018-09-17"  # "Published: 2018/9/17"
    territory = next(i for i in document["issues"] if i["id"] == "territory")
    assert "Kuril Islands" in territory["name"] and "Northern Territories" in territory["name"]
    assert territory["status_quo"] == 100  # Moscow "maintained ... part of Russia"
    assert {i["id"] for i in document["issues"]} == {"territory", "sequencing"}
    dates = {d["date"]: d["label"] for d in document["dates"]}
    # "before the end of the year" in an article of 17 September 2018; "will end in 2024"
    assert dates == {
        "2018-12-31": "Deadline proposed by Vladimir Putin: 'before the end of the year'",
        "2024-12-31": "End of Vladimir Putin's term",
    }
    assert _signatory(document, "russia")["leader"]["term_ends"] == "2024-12-31"
    assert _evidence(document, "dates.2018-12-31")["quote"].endswith("before the end of the year.")
    term = _evidence(document, "agreement.signatories.russia.leader.term_ends")
    assert term["quote"] == "As Putin's presidency will end in 2024, time is limited for Japan."
    assert document["agreement"]["name"] == "Peace treaty between Japan and Russia"
    _check_quotes(document, text)


def test_seed_sides_and_win_sets_rest_on_the_cues(seed: tuple[dict[str, Any], str]) -> None:
    document, _ = seed
    japan = _actor(document, "japan")["stances"]["territory"]["position"]
    russia = _actor(document, "russia")["stances"]["territory"]["position"]
    assert japan["mode"] < 50 < russia["mode"]  # "Japan's territorial claim" vs "part of Russia"
    bound = _evidence(document, "agreement.signatories.russia.accepts.territory")
    assert "impossible for Putin to make concessions" in bound["quote"]
    public = _evidence(
        document, "agreement.signatories.russia.ratifiers.russian_public.accepts.territory"
    )
    assert "strongly opposed by the Russian public" in public["quote"]
    japan_bound = _signatory(document, "japan")["accepts"]["territory"]
    russia_bound = _signatory(document, "russia")["accepts"]["territory"]
    assert japan_bound[1]["high"] <= russia_bound[0]["low"]  # the win-sets cannot overlap
    # the text says nothing about the Japanese public or anyone's capability
    assert _evidence(document, "actors.japanese_public.stances.territory.position") == {
        "about": "actors.japanese_public.stances.territory.position",
        "judgment": NOT_IN_SOURCE,
    }
    assert _actor(document, "japanese_public")["stances"]["territory"]["position"] == {
        "low": 0,
        "mode": 50,
        "high": 100,
    }
    assert _evidence(document, "actors.russia.capability")["judgment"] == NOT_IN_SOURCE
    # what the Japanese public accepts is not in the text: inferred from its government's
    inherited = _evidence(
        document, "agreement.signatories.japan.ratifiers.japanese_public.accepts.territory"
    )
    assert inherited["judgment"].startswith("Inferred: the article does not say")
    assert "quote" not in inherited
    japanese_public = _signatory(document, "japan")["ratifiers"][0]["accepts"]["territory"]
    assert japanese_public == japan_bound
    motives = {m["description"] for m in _actor(document, "russia")["motives"]}
    assert motives == {
        "Moscow hopes to make a diplomatic breakthrough by improving relations with Japan",
        "Both have urgent need to improve relations",  # "Both": a motive of each party
    }
    japan_motives = {m["description"] for m in _actor(document, "japan")["motives"]}
    assert "he will be remembered by history" in japan_motives


def test_every_number_is_a_range_and_every_value_has_evidence(
    seed: tuple[dict[str, Any], str],
) -> None:
    document, _ = seed
    for actor in document["actors"]:
        assert set(actor["capability"]) == {"low", "mode", "high"}
        for stance in actor["stances"].values():
            for value in stance.values():
                assert value["low"] < value["high"]
    about = {e["about"] for e in document["evidence"]}
    for actor in document["actors"]:
        for issue, stance in actor["stances"].items():
            for key in stance:
                assert f"actors.{actor['id']}.stances.{issue}.{key}" in about
    scenario = parse_scenario(draft_scenario(SEED.read_text(), name="seed").yaml)
    from detente.provenance import untraced

    assert untraced(scenario) == []


def test_nile_dam_day_month_year_dates_and_a_mediator() -> None:
    path = ARTICLES / "nile_dam_2021.txt"
    document = _draft(path)
    assert document["as_of"] == "2021-01-10"  # "Cairo, 10 January 2021"
    # the African Union "mediates the negotiations": it does not sign
    assert [s["actor"] for s in document["agreement"]["signatories"]] == ["egypt", "ethiopia"]
    assert _signatory(document, "egypt")["leader"]["name"] == "Abdel Fattah el-Sisi"
    assert _signatory(document, "ethiopia")["leader"]["name"] == "Abiy Ahmed"
    dates = {d["date"]: d["label"] for d in document["dates"]}
    # "The African Union ... asked both countries to reach an agreement by 15 March 2021"
    assert dates["2021-03-15"] == "Deadline proposed by African Union: 'by 15 March 2021'"
    assert dates["2021-06-05"] == "Ethiopian election"  # "elections on 5 June 2021"
    assert "2021-07-10" in dates  # "within six months" of 10 January 2021
    assert [i["id"] for i in document["issues"]] == ["water"]
    assert _actor(document, "egypt")["stances"]["water"]["position"]["mode"] < 50  # "demands"
    assert _actor(document, "ethiopia")["stances"]["water"]["position"]["mode"] > 50  # "rejects"
    assert "accepts" in _signatory(document, "ethiopia")  # "will never give up"
    assert "accepts" not in _signatory(document, "egypt")  # no firmness cue for the government
    ratifier = _signatory(document, "egypt")["ratifiers"][0]
    assert ratifier["actor"] == "egyptian_public" and "water" in ratifier["accepts"]
    assert [m["description"] for m in _actor(document, "egypt")["motives"]] == [
        "Egypt hopes to secure its water supply for decades"
    ]
    _check_quotes(document, path.read_text())


def test_fisheries_month_day_year_dates_and_an_organisation() -> None:
    path = ARTICLES / "fisheries_2020.txt"
    document = _draft(path)
    assert document["as_of"] == "2020-10-05"  # "London, October 5, 2020"
    assert {s["actor"] for s in document["agreement"]["signatories"]} == {
        "britain",
        "european_union",
    }
    # France is named ("French President Emmanuel Macron") but not in the negotiation
    assert "france" not in {a["id"] for a in document["actors"]}
    assert _signatory(document, "britain")["leader"]["name"] == "Boris Johnson"
    assert "ratifiers" not in _signatory(document, "european_union")  # no public for the EU
    assert _actor(document, "british_public")["name"] == "British public"
    assert [d["date"] for d in document["dates"]] == ["2020-12-31"]  # "December 31, 2020"
    assert document["agreement"]["name"] == "Trade deal between Britain and European Union"
    assert [i["id"] for i in document["issues"]] == ["fisheries"]
    assert _actor(document, "britain")["stances"]["fisheries"]["position"]["mode"] < 50
    assert _actor(document, "european_union")["stances"]["fisheries"]["position"]["mode"] > 50
    both = {m["description"] for a in document["actors"] for m in a.get("motives", [])}
    assert both == {"Both sides want a deal to protect trade worth hundreds of billions of pounds"}
    _check_quotes(document, path.read_text())


def test_armenia_azerbaijan_iso_date_election_and_mixed_cues() -> None:
    path = ARTICLES / "armenia_azerbaijan_2024.txt"
    document = _draft(path)
    assert document["as_of"] == "2024-03-01"  # "Published 2024-03-01"
    dates = {d["date"]: d["label"] for d in document["dates"]}
    assert dates == {
        "2024-12-31": "Deadline: 'by the end of 2024'",  # "wants": not a proposal
        "2026-06-30": "Armenian election",  # "in June 2026": the month's last day
    }
    precision = _evidence(document, "dates.2026-06-30")["judgment"]
    assert "only the month" in precision
    assert _signatory(document, "armenia")["leader"]["name"] == "Nikol Pashinyan"
    assert _signatory(document, "azerbaijan")["leader"]["name"] == "Ilham Aliyev"
    assert _actor(document, "azerbaijan")["stances"]["territory"]["position"]["mode"] < 50
    assert _actor(document, "armenia")["stances"]["territory"]["position"]["mode"] > 50
    # "rejects" and "ready to compromise": mixed cues, so no bound is drafted
    assert "accepts" not in _signatory(document, "armenia")
    # "The Armenian opposition refuses any concessions on the border"
    ratifier = _signatory(document, "armenia")["ratifiers"][0]
    assert ratifier["actor"] == "armenian_public"
    assert ratifier["accepts"]["territory"][1] == 100
    _check_quotes(document, path.read_text())


def test_kashmir_ordinal_dates_a_named_settlement_and_an_unlisted_place() -> None:
    path = ARTICLES / "kashmir_2026.txt"
    document = _draft(path)
    assert document["as_of"] == "2026-03-12"  # "Islamabad, March 12th, 2026"
    # "Kashmir" is in no gazetteer: it is the place named where the territory is
    territory = document["issues"][0]
    assert territory["name"] == "Territorial settlement (Kashmir)"
    assert territory["anchors"] == {
        0: "Pakistan's demand met in full",  # "Pakistan demands a plebiscite"
        50: "Simla Agreement (placed at the middle by default)",
        100: "India's position kept (no change)",  # "India maintains ... part of India"
    }
    assert document["dates"] == [
        {
            "date": "2026-06-30",  # "Sharif called for a deal before June 30th, 2026"
            "label": "Deadline proposed by Shehbaz Sharif: 'before June 30th, 2026'",
        }
    ]
    # "India rejects any third-party mediation": talking of mediation is not mediating
    assert {s["actor"] for s in document["agreement"]["signatories"]} == {"india", "pakistan"}
    assert _signatory(document, "india")["leader"]["name"] == "Narendra Modi"
    assert _signatory(document, "india")["accepts"]["territory"][1] == 100  # "rejects", "insists"
    # "The Pakistani opposition ... would never accept a settlement that gives up the claim"
    ratifier = _signatory(document, "pakistan")["ratifiers"][0]
    assert ratifier == {
        "actor": "pakistani_public",
        "accepts": {"territory": [0, {"low": 20, "mode": 35, "high": 50}]},
    }
    assert "accepts" not in _signatory(document, "pakistan")  # "called for a deal": no bound
    _check_quotes(document, path.read_text())


def test_text_that_is_not_a_negotiation_is_refused() -> None:
    path = ARTICLES / "not_a_negotiation.txt"
    with pytest.raises(DetenteError, match="does not look like a negotiation"):
        _draft(path)


def test_an_article_without_a_date_needs_one() -> None:
    text = (
        (ARTICLES / "armenia_azerbaijan_2024.txt").read_text().replace("Published 2024-03-01", "")
    )
    with pytest.raises(DetenteError, match="--date"):
        draft_scenario(text)
    document = draft_scenario(text, date=dt.date(2024, 3, 1)).document
    assert document["as_of"] == "2024-03-01"
    assert _evidence(document, "as_of")["judgment"] == "The article's date, given with --date."


def test_three_parties_an_organisation_and_a_legislature() -> None:
    path = ARTICLES / "iran_nuclear_2022.txt"
    document = _draft(path)
    assert [s["actor"] for s in document["agreement"]["signatories"]] == [
        "iran",
        "united_states",
        "european_union",
    ]
    assert document["agreement"]["name"] == (
        "Nuclear deal between Iran, United States and European Union"
    )
    assert [i["id"] for i in document["issues"]] == ["nuclear", "sanctions", "sequencing"]
    # "midterm elections in November 2022": the month's last day
    assert document["dates"] == [{"date": "2022-11-30", "label": "American election"}]
    assert _signatory(document, "united_states")["leader"]["name"] == "Joe Biden"
    # "Congress is strongly opposed to concessions on sanctions": the US ratifier, found
    assert _actor(document, "american_public")["name"] == "American public and the Congress"
    congress = _evidence(
        document,
        "agreement.signatories.united_states.ratifiers.american_public.accepts.sanctions",
    )
    assert congress["quote"].endswith(
        "and Congress is strongly opposed to concessions on sanctions."
    )
    # "The United States refuses to lift sanctions until Iran returns ...": defends, and
    # wants the deal's limits first
    united_states = _actor(document, "united_states")["stances"]
    assert united_states["sanctions"]["position"]["mode"] > 50
    assert united_states["sequencing"]["position"]["mode"] < 50
    # with three parties the side of a silent one is not inferred
    assert _actor(document, "european_union")["stances"]["sanctions"]["position"] == {
        "low": 0,
        "mode": 50,
        "high": 100,
    }
    _check_quotes(document, path.read_text())
