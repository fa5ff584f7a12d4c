"""scripts/check_council_population.py: the shipped table passes, broken tables fail.

The script is run from its path (scripts/ is not a package) and its functions used.
"""

from __future__ import annotations

import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest

from detente.eu_council.population import read_population_rows

ROOT = Path(__file__).resolve().parents[2]
CHECK = SimpleNamespace(**runpy.run_path(str(ROOT / "scripts" / "check_council_population.py")))
EU27 = [c for c in sorted(CHECK.DEU_MEMBER_CODES) if c != "uk"]


def _period(
    populations: dict[str, int], shares: dict[str, str], total: int
) -> list[dict[str, str]]:
    return [
        {
            "start": "2030-01-01",
            "end": "2030-12-31",
            "code": code,
            "population": str(populations[code]) if populations else "",
            "share_percent": shares[code],
            "union_population": str(total),
            "decision": "test",
            "reported_by": "test",
        }
        for code in EU27
    ]


def _hand_table() -> tuple[dict[str, int], dict[str, str]]:
    # 26 states of 1,000 persons and Germany of 74,000: Union 100,000, so each small
    # state is 1.00 % and Germany 74.00 % (26 + 74 = 100), worked by hand
    populations = {code: 1_000 for code in EU27}
    populations["de"] = 74_000
    shares = {code: "1.00" for code in EU27}
    shares["de"] = "74.00"
    return populations, shares


def test_the_shipped_table_is_consistent() -> None:
    summary, problems = CHECK.check(read_population_rows())
    assert problems == []
    assert summary[0].startswith("2016-01-01 to 2016-12-31: EU-28, Union 508,940,955")
    # Agence Europe (12.12.2024) prints the 2025 threshold: 65 % = 293,168,773 persons
    assert "EU-27, Union 451,028,881 (65 % = 293,168,773)" in summary[-1]
    assert "gap 2017-01-01 to 2024-12-31: no figures" in summary


def test_a_consistent_hand_table_passes() -> None:
    populations, shares = _hand_table()
    assert CHECK.check_period("2030-01-01", _period(populations, shares, 100_000)) == []


def test_a_wrong_total_and_a_wrong_percentage_are_caught() -> None:
    populations, shares = _hand_table()
    problems = CHECK.check_period("2030-01-01", _period(populations, shares, 100_001))
    assert any("populations sum to 100000, the decision prints 100001" in p for p in problems)
    shares["mt"] = "1.01"  # 1,000 / 100,000 is 1.00 %
    problems = CHECK.check_period("2030-01-01", _period(populations, shares, 100_000))
    assert problems == [
        f"{CHECK.POPULATION_FILE} period from 2030-01-01: mt printed 1.01 %, "
        "population / total gives 1.00 %"
    ]


@pytest.mark.parametrize(("code", "value"), [("de", "75.00"), ("de", "73.80")])
def test_percentages_off_100_are_caught_without_populations(code: str, value: str) -> None:
    _, shares = _hand_table()
    shares[code] = value  # sum 101.00 or 99.80, outside 100 +- 27 * 0.005
    problems = CHECK.check_period("2030-01-01", _period({}, shares, 100_000))
    assert len(problems) == 1 and "percentages sum to" in problems[0]


def test_membership_and_duplicates_are_caught() -> None:
    _, shares = _hand_table()
    rows = _period({}, shares, 100_000)
    problems = CHECK.check_period("2019-01-01", rows)  # before the withdrawal: 28 expected
    assert any("27 member states, expected 28" in p for p in problems)
    rows.append(dict(rows[0]))
    problems = CHECK.check_period("2030-01-01", rows)
    assert any("listed twice" in p for p in problems)
