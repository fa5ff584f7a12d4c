"""The drafter's parts: date resolution, the gazetteer, clauses and cues."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("spacy")

from detente.drafting.cues import FIRM, FLEXIBLE, clauses, event_kind
from detente.drafting.dates import resolve_date
from detente.drafting.gazetteer import load_gazetteer
from detente.drafting.pipeline import build_pipeline

BASE = dt.date(2018, 9, 17)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # periods resolve to their last day (worked out by hand from a calendar)
        ("the end of the year", (dt.date(2018, 12, 31), "year")),
        ("end of 2019", (dt.date(2019, 12, 31), "year")),
        ("2024", (dt.date(2024, 12, 31), "year")),
        ("next year", (dt.date(2019, 12, 31), "year")),
        ("February 2020", (dt.date(2020, 2, 29), "month")),  # a leap year
        ("the end of March", (dt.date(2019, 3, 31), "month")),  # next March after September
        ("the end of December", (dt.date(2018, 12, 31), "month")),
        # full dates in four formats, and a relative one (17 September + 6 months)
        ("4 May 2025", (dt.date(2025, 5, 4), "day")),
        ("May 4, 2025", (dt.date(2025, 5, 4), "day")),
        ("2025-05-04", (dt.date(2025, 5, 4), "day")),
        ("2018/9/17", (dt.date(2018, 9, 17), "day")),
        ("within six months", (dt.date(2019, 3, 17), "day")),
    ],
)
def test_resolve_date(expression: str, expected: tuple[dt.date, str]) -> None:
    assert resolve_date(expression, BASE) == expected


def test_not_a_date() -> None:
    assert resolve_date("the islands", BASE) is None


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2090, 12, 31)))
def test_end_of_the_year_is_the_last_day_of_the_article_s_year(base: dt.date) -> None:
    assert resolve_date("before the end of the year".removeprefix("before "), base) == (
        dt.date(base.year, 12, 31),
        "year",
    )


def test_every_curated_country_is_an_iso_code() -> None:
    from importlib import resources

    import pycountry
    import yaml

    text = resources.files("detente.drafting").joinpath("data/gazetteer.yaml").read_text()
    curated = yaml.safe_load(text)
    for code in [*curated["countries"], *curated["aliases"]]:
        assert pycountry.countries.get(alpha_2=code) is not None, code
    for code in curated["other_states"]:  # listed whole because ISO 3166-1 lacks them
        assert pycountry.countries.get(alpha_2=code) is None, code


def test_kosovo_is_a_state_outside_iso_3166() -> None:
    nlp = build_pipeline()
    doc = nlp("Pristina and Belgrade: Kosovo's prime minister met Serbian officials.")
    found = [(ent.text, ent.ent_id_) for ent in doc.ents]
    assert ("Pristina", "XK") in found and ("Kosovo", "XK") in found
    assert ("Belgrade", "RS") in found


def test_capitals_demonyms_and_names_resolve_to_one_party() -> None:
    nlp = build_pipeline()
    doc = nlp("Moscow and Tokyo: the Russian Federation, Japanese officials, Britain and the EU.")
    found = [(ent.text, ent.ent_id_) for ent in doc.ents]
    assert found == [
        ("Moscow", "RU"),
        ("Tokyo", "JP"),
        ("Russian Federation", "RU"),
        ("Japanese", "JP"),
        ("Britain", "GB"),
        ("EU", "EU"),
    ]
    assert load_gazetteer().parties["US"].name == "United States"


def test_leaders_publics_and_legislatures() -> None:
    doc = build_pipeline()(
        "Japan's Prime Minister Shinzo Abe met Russian President Vladimir Putin; "
        "the Russian public and the State Duma object."
    )
    labels = [(ent.text, ent.label_, ent.ent_id_) for ent in doc.ents]
    assert ("Japan's Prime Minister Shinzo Abe", "LEADER", "JP") in labels
    assert ("Russian President Vladimir Putin", "LEADER", "RU") in labels
    assert ("Russian public", "PUBLIC", "RU") in labels
    assert ("State Duma", "LEGISLATURE", "RU") in labels
    doc = build_pipeline()("Talks resumed, said Chancellor Olaf Scholz of Germany.")
    assert [(e.text, e.label_, e.ent_id_) for e in doc.ents] == [
        ("Chancellor Olaf Scholz of Germany", "LEADER", "DE")
    ]


def test_leader_names_without_office_or_state() -> None:
    from detente.drafting.extract import _leader_name

    offices = load_gazetteer().offices
    assert _leader_name("Chancellor Olaf Scholz of Germany", offices) == (
        "Olaf Scholz",
        "Chancellor",
    )
    assert _leader_name("Japan's Prime Minister Shinzo Abe", offices) == (
        "Shinzo Abe",
        "Prime Minister",
    )


def test_clauses_split_at_while_and_semicolons() -> None:
    text = "Japan insists on it, while Russia refuses; both wait."
    assert [text[a:b] for a, b in clauses(text)] == [
        "Japan insists on it",
        "Russia refuses",
        "both wait.",
    ]


def test_cues() -> None:
    assert FIRM.search("Japan will not give up its stance")
    assert FIRM.search("it is impossible for Putin to make concessions")
    assert FLEXIBLE.search("Armenia is ready to compromise")
    assert not FLEXIBLE.search("he is ready to walk away")  # readiness to leave is not flexibility
    assert FIRM.search("he is ready to walk away")
    assert event_kind("As Putin's presidency will end in 2024, time is limited.") == "term_end"
    assert event_kind("Armenia will hold parliamentary elections in June 2026.") == "election"
    assert event_kind("sign a treaty before the end of the year") == "deadline"
    assert event_kind("The economy grew in 2024.") is None


_ARTICLES = sorted((Path(__file__).parent / "articles").glob("*.txt"))
_SENTENCES = sorted(
    {
        s.strip()
        for p in _ARTICLES
        for s in p.read_text().replace("\n", " ").split(". ")
        if s.strip()
    }
)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.sampled_from(_SENTENCES), min_size=1, max_size=12),
    st.sampled_from(["Published 2020-01-01\n\n", "London, May 5, 2019\n\n", ""]),
)
def test_any_mix_of_sentences_drafts_a_valid_scenario_or_says_why(
    sentences: list[str], byline: str
) -> None:
    from detente.drafting import draft_scenario
    from detente.errors import DetenteError
    from detente.io import parse_scenario

    text = "A headline\n" + byline + ". ".join(sentences)
    try:
        drafted = draft_scenario(text, name="mix.txt")
    except DetenteError as exc:
        assert str(exc).startswith("mix.txt: ")
        return
    from detente.provenance import untraced

    assert untraced(parse_scenario(drafted.yaml)) == []  # every drafted value has evidence
    for entry in drafted.document["evidence"]:
        assert "quote" not in entry or entry["quote"] in text
