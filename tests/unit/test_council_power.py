"""The Council rule in force on a date and voting-power capabilities.

Covers detente.eu_council (the shipped Annex III shares; council_rule_at: pre-Nice,
Nice, the 2014-2017 transition, Lisbon) and detente.analysis.council_power.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from pathlib import Path

import pytest

from detente.analysis.backtest import run_deu_backtest
from detente.analysis.council_power import council_game, council_power_index, power_capabilities
from detente.analysis.voting_weights import (
    REGIMES,
    WeightRegime,
    capability_function,
    council_rule_at,
    council_weights,
)
from detente.errors import DetenteError
from detente.eu_council import (
    LISBON_START,
    PopulationTable,
    population_table_at,
    population_tables,
)

from cli_helpers import run_cli

SMALL = Path(__file__).resolve().parents[1] / "data" / "deu_small.tsv"
DEU_CODES = set(
    [
        "at",
        "be",
        "bu",
        "cr",
        "cy",
        "cz",
        "dk",
        "ee",
        "fi",
        "fr",
        "de",
        "el",
        "hu",
        "ie",
        "it",
        "lv",
        "lt",
        "lu",
        "mt",
        "nl",
        "pl",
        "pt",
        "ro",
        "si",
        "sk",
        "es",
        "se",
        "uk",
    ]
)


def test_shipped_population_tables_are_consistent() -> None:
    tables = population_tables()
    assert [t.start.year for t in tables] == [2016, 2025]
    for table in tables:
        assert set(table.shares) <= DEU_CODES
        # shares to two decimals: their sum is 100 % up to half a hundredth per state
        assert abs(sum(table.shares.values()) - 10_000) <= len(table.shares) / 2
    eu28, eu27 = tables
    assert len(eu28.shares) == 28 and "uk" in eu28.shares
    assert len(eu27.shares) == 27 and "uk" not in eu27.shares
    # Agence Europe (12.12.2024) gives the 2025 threshold as 293,168,773 persons: 65 % of
    # the Union population shipped with the table, rounded up.
    assert math.ceil(0.65 * eu27.union_population) == 293_168_773


@pytest.mark.parametrize(
    ("date", "transition", "label"),
    [
        (dt.date(1999, 1, 1), "lisbon", "EU-15 (pre-Nice)"),
        (dt.date(2004, 6, 1), "lisbon", "EU-25 (transitional, Act of Accession 2003)"),
        (dt.date(2014, 10, 31), "lisbon", "EU-28 (Nice)"),
        (dt.date(2016, 3, 1), "lisbon", "EU-28 (Lisbon, 2016 population)"),
        (dt.date(2016, 3, 1), "nice", "EU-28 (Nice)"),
        (dt.date(2017, 3, 31), "nice", "EU-28 (Nice)"),
        (dt.date(2025, 3, 1), "nice", "EU-27 (Lisbon, 2025 population)"),
    ],
)
def test_rule_in_force(date: dt.date, transition: str, label: str) -> None:
    assert council_rule_at(date, transition).label == label


@pytest.mark.parametrize(
    ("date", "transition", "label"),
    [
        # dates no shipped year covers read the nearest year with the same members
        (dt.date(2014, 11, 1), "lisbon", "EU-28 (Lisbon, 2016 population)"),
        (dt.date(2019, 6, 1), "nice", "EU-28 (Lisbon, 2016 population)"),
        (dt.date(2017, 4, 1), "nice", "EU-28 (Lisbon, 2016 population)"),
        (dt.date(2020, 6, 1), "lisbon", "EU-27 (Lisbon, 2025 population)"),
    ],
)
def test_uncovered_lisbon_dates_read_the_nearest_year_with_their_members(
    date: dt.date, transition: str, label: str
) -> None:
    assert council_rule_at(date, transition).label == label


def test_population_table_before_lisbon_names_the_start() -> None:
    with pytest.raises(DetenteError, match="double majority applies from 2014-11-01"):
        population_table_at(LISBON_START - dt.timedelta(days=1))


def test_unknown_transition() -> None:
    with pytest.raises(DetenteError, match="unknown transition rule 'nizza'"):
        council_rule_at(dt.date(2016, 1, 1), "nizza")
    with pytest.raises(DetenteError, match="unknown transition rule"):
        capability_function("council", transition="nizza")


def test_council_weights_under_lisbon_are_population_shares() -> None:
    got = council_weights(
        dt.date(2016, 6, 1), ["de", "mt", "com"], institution_weight=2.0, transition="lisbon"
    )
    table = population_table_at(dt.date(2016, 6, 1))
    mean = sum(table.shares.values()) / 100 / 28
    assert got == pytest.approx({"de": 15.93, "mt": 0.08, "com": 2 * mean})
    with pytest.raises(DetenteError, match="no Council population share for actor 'uk'"):
        council_weights(dt.date(2025, 6, 1), ["uk"])


def test_lisbon_game_has_the_treaty_thresholds() -> None:
    # EU-28 2016: 55 % of 28 = 15.4 -> 16 states; 65 % of the listed shares; any 25 win
    eu28 = population_table_at(dt.date(2016, 6, 1))
    _, game = council_game(eu28)
    assert game.min_members == 16
    assert game.quota == math.ceil(0.65 * sum(eu28.shares.values()))
    assert game.override == 25
    # DE+FR+UK hold 41.70 % (> 35 %) yet cannot block alone: the other 25 states win
    rest = sum(eu28.shares.values()) - (1593 + 1304 + 1273)
    assert rest < game.quota and game.wins(25, rest)
    # EU-27 2025: 55 % of 27 = 14.85 -> 15 states
    assert council_game(population_table_at(dt.date(2025, 6, 1)))[1].min_members == 15


def test_nice_game_needs_a_majority_of_states() -> None:
    eu27 = council_rule_at(dt.date(2008, 1, 1))
    assert isinstance(eu27, WeightRegime)
    _, game = council_game(eu27)
    assert (game.quota, game.min_members) == (255, 14)
    assert [r.quota for r in REGIMES] == [62, 88, 232, 255, 260]


@pytest.mark.parametrize("index", ["banzhaf", "shapley"])
@pytest.mark.parametrize(
    "date", [dt.date(1999, 1, 1), dt.date(2008, 1, 1), dt.date(2016, 6, 1), dt.date(2025, 6, 1)]
)
def test_power_indices_of_every_council(date: dt.date, index: str) -> None:
    rule = council_rule_at(date)
    power = council_power_index(rule, index)
    assert sum(power.values()) == pytest.approx(1.0, abs=1e-12)
    weights = rule.shares if isinstance(rule, PopulationTable) else rule.weights
    # more population (or votes) never means less power
    ordered = sorted(power, key=lambda c: weights[c])
    values = [power[c] for c in ordered]
    assert all(b >= a - 1e-12 for a, b in itertools.pairwise(values))


def test_power_capabilities() -> None:
    date = dt.date(2008, 1, 1)
    full = council_power_index(council_rule_at(date), "banzhaf")
    got = power_capabilities(date, ["de", "mt", "com", "ep"], institution_weight=0.5)
    assert got["de"] == full["de"] and got["mt"] == full["mt"]
    assert got["com"] == got["ep"] == pytest.approx(0.5 / 27)
    # not yet a member in 2005: Bulgaria gets its index in the first Council it joins
    bg = power_capabilities(dt.date(2005, 6, 1), ["bu"], index="shapley")
    assert bg["bu"] == council_power_index(REGIMES[3], "shapley")["bu"]
    with pytest.raises(DetenteError, match="no Council voting power for actor 'xx'"):
        power_capabilities(date, ["xx"])
    with pytest.raises(DetenteError, match="unknown power index 'owen'"):
        power_capabilities(date, ["de"], index="owen")


@pytest.mark.parametrize("option", ["banzhaf", "shapley"])
def test_backtest_runs_with_power_capabilities(option: str) -> None:
    result = run_deu_backtest(SMALL, models=["compromise"], capabilities=option, bootstrap=10)
    assert result.capabilities == option
    council = run_deu_backtest(SMALL, models=["compromise"], capabilities="council", bootstrap=10)
    # a different capability vector, so a different compromise forecast on the small file
    assert result.rows[0].mae != council.rows[0].mae


# Output of an independent program: power_bdd 1.0.0 (I. Wilms 2022, PyPI), which builds
# the reduced ordered binary decision diagram of each game (Bolus 2011, "Power indices
# of simple games and vector-weighted majority games by means of binary decision
# diagrams", EJOR 210: 258-272) and combines the tiers with AND / OR: Nice EU-27 =
# [255; votes] AND [14; 1, ..., 1]; Lisbon EU-28 (2016 shares) = ([6501; shares] AND
# [16; 1, ..., 1]) OR [25; 1, ..., 1]. Printed to 12 decimals: tolerance 1e-11.
BDD_NICE_EU27_BANZHAF = {
    "de": 0.077826348013,
    "fr": 0.077826348013,
    "it": 0.077826348013,
    "uk": 0.077826348013,
    "es": 0.074197511399,
    "pl": 0.074197511399,
    "nl": 0.039739741558,
    "be": 0.036843313757,
    "cz": 0.036843313757,
    "el": 0.036843313757,
    "hu": 0.036843313757,
    "pt": 0.036843313757,
    "at": 0.030924794912,
    "se": 0.030924794912,
    "dk": 0.021808994423,
    "ie": 0.021808994423,
    "lt": 0.021808994423,
    "sk": 0.021808994423,
    "fi": 0.021808994423,
    "cy": 0.012502109170,
    "ee": 0.012502109170,
    "lv": 0.012502109170,
    "lu": 0.012502109170,
    "si": 0.012502109170,
    "mt": 0.009422401776,
    "ro": 0.042590970326,
    "bu": 0.030924794912,
}
BDD_NICE_EU27_SHAPLEY = {
    "de": 0.086737686704,
    "fr": 0.086737686704,
    "it": 0.086737686704,
    "uk": 0.086737686704,
    "es": 0.079974523266,
    "pl": 0.079974523266,
    "nl": 0.036824984653,
    "be": 0.034068277883,
    "cz": 0.034068277883,
    "el": 0.034068277883,
    "hu": 0.034068277883,
    "pt": 0.034068277883,
    "at": 0.028193164565,
    "se": 0.028193164565,
    "dk": 0.019606040699,
    "ie": 0.019606040699,
    "lt": 0.019606040699,
    "sk": 0.019606040699,
    "fi": 0.019606040699,
    "cy": 0.011041962131,
    "ee": 0.011041962131,
    "lv": 0.011041962131,
    "lu": 0.011041962131,
    "si": 0.011041962131,
    "mt": 0.008177742662,
    "ro": 0.039936582079,
    "bu": 0.028193164565,
}
BDD_LISBON_EU28_2016_BANZHAF = {
    "de": 0.101928682734,
    "fr": 0.084480734805,
    "uk": 0.082700412975,
    "it": 0.079126993117,
    "es": 0.061980982141,
    "pl": 0.050738305955,
    "ro": 0.037807394018,
    "nl": 0.034974344066,
    "be": 0.028961491264,
    "el": 0.028549846823,
    "cz": 0.028134800810,
    "pt": 0.028082820808,
    "hu": 0.027567081022,
    "se": 0.027463662383,
    "at": 0.026274636759,
    "bu": 0.024880948337,
    "dk": 0.023274314241,
    "fi": 0.023119150191,
    "sk": 0.023015713507,
    "ie": 0.022237781936,
    "cr": 0.021824062266,
    "lt": 0.020472988242,
    "si": 0.019638817936,
    "lv": 0.019534100023,
    "ee": 0.018856501315,
    "cy": 0.018386082749,
    "lu": 0.018072389168,
    "mt": 0.017914960410,
}
BDD_LISBON_EU28_2016_SHAPLEY = {
    "de": 0.143879294379,
    "fr": 0.112257269547,
    "uk": 0.109135228974,
    "it": 0.102736251138,
    "es": 0.075099470047,
    "pl": 0.063144059554,
    "ro": 0.037390626728,
    "nl": 0.033101696479,
    "be": 0.024159466676,
    "el": 0.023552999562,
    "cz": 0.022953314415,
    "pt": 0.022878842689,
    "hu": 0.022134880818,
    "se": 0.021991618919,
    "at": 0.020270691168,
    "bu": 0.018289694307,
    "dk": 0.016059144537,
    "fi": 0.015837250237,
    "sk": 0.015694294376,
    "ie": 0.014609919577,
    "cr": 0.014046860221,
    "lt": 0.012155367317,
    "si": 0.011007361854,
    "lv": 0.010860323102,
    "ee": 0.009938489468,
    "cy": 0.009299991113,
    "lu": 0.008866305817,
    "mt": 0.008649286979,
}


@pytest.mark.parametrize(
    ("date", "index", "expected"),
    [
        (dt.date(2008, 1, 1), "banzhaf", BDD_NICE_EU27_BANZHAF),
        (dt.date(2008, 1, 1), "shapley", BDD_NICE_EU27_SHAPLEY),
        (dt.date(2016, 6, 1), "banzhaf", BDD_LISBON_EU28_2016_BANZHAF),
        (dt.date(2016, 6, 1), "shapley", BDD_LISBON_EU28_2016_SHAPLEY),
    ],
)
def test_agrees_with_an_independent_bdd_program(
    date: dt.date, index: str, expected: dict[str, float]
) -> None:
    got = council_power_index(council_rule_at(date, "lisbon"), index)
    assert got == pytest.approx(expected, abs=1e-11)


@pytest.mark.parametrize("option", ["equal", "council", "banzhaf", "shapley"])
def test_cli_capabilities_option(capsys: pytest.CaptureFixture[str], option: str) -> None:
    code, out, err = run_cli(
        capsys,
        "backtest",
        "deu",
        str(SMALL),
        "--capabilities",
        option,
        "-m",
        "compromise",
        "--bootstrap",
        "10",
        "--no-store",
        "-q",
        "-f",
        "json",
    )
    assert code == 0, err
    assert json.loads(out)["capabilities"] == option
