"""The Council's rules in force (detente.eu_council) on Lisbon-era and newer dates.

The newer DEU-format file tests/data/deu_newer.tsv (written by hand, the columns of
``../shared/data/deu/deu-I-II.tsv``) has nine issues of six proposals introduced on
15-11-14 and 10-05-16 and 01-02-17 (the transition, EU-28 with the United Kingdom), on
03-03-25 (EU-27 after the withdrawal), 15-06-26 and 20-02-27 (after the last shipped
population year); d27106i2 has no outcome.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from detente.analysis.backtest import run_deu_backtest
from detente.analysis.voting_weights import capability_notes, council_weights
from detente.errors import DetenteError
from detente.eu_council import (
    QMV_QUOTAS,
    REGIMES,
    carried_forward_note,
    council_rule_at,
    population_tables,
    qmv_quota_on,
)
from detente.models import _eu_institutions

from cli_helpers import run_cli

NEWER = Path(__file__).resolve().parents[1] / "data" / "deu_newer.tsv"


def test_models_and_analysis_read_one_table() -> None:
    # the procedural model's quota table is the core one, not a copy
    assert _eu_institutions.QMV_QUOTAS is QMV_QUOTAS
    assert _eu_institutions.qmv_quota_on is qmv_quota_on
    for regime in REGIMES:
        assert qmv_quota_on(regime.start) == regime.quota / regime.total
        assert council_rule_at(regime.end) is regime


def test_transition_reads_nice_by_default() -> None:
    # Protocol No 36, Art. 3(2): any member could ask for the Nice weights until 31 March 2017
    assert council_rule_at(dt.date(2014, 11, 1)).label == "EU-28 (Nice)"
    assert council_rule_at(dt.date(2017, 3, 31)).label == "EU-28 (Nice)"
    assert qmv_quota_on(dt.date(2017, 3, 31)) == 260 / 352
    assert qmv_quota_on(dt.date(2017, 4, 1)) == 0.65
    assert council_rule_at(dt.date(2016, 3, 1), "lisbon").label == "EU-28 (Lisbon, 2016 population)"


def test_dates_after_the_last_year_carry_it_forward_and_say_so() -> None:
    last = population_tables()[-1]
    assert last.end == dt.date(2025, 12, 31)
    assert council_rule_at(dt.date(2027, 2, 20)) is last
    assert carried_forward_note(dt.date(2025, 12, 31)) is None
    note = carried_forward_note(dt.date(2027, 2, 20))
    assert note is not None and "uses the 2025 figures" in note and "2027-02-20" in note
    # one note per substituted year, naming the dates read with it; none for 'equal'
    dates = [dt.date(2016, 1, 1), dt.date(2027, 2, 20), dt.date(2026, 1, 1)]
    assert capability_notes("council", dates) == (
        "Council population figures not shipped for 2 date(s) from 2026-01-01 to 2027-02-20: "
        "they use the 2025 figures, the nearest shipped year with the same member states",
    )
    assert capability_notes("equal", dates) == ()
    assert capability_notes("banzhaf", [dt.date(2016, 1, 1)]) == ()


@pytest.mark.parametrize(
    ("date", "year"),
    [
        # the United Kingdom is a member until 31 January 2020 (Withdrawal Agreement):
        # the nearest shipped year with it is 2016; from 1 February 2020, 2025 (EU-27)
        (dt.date(2017, 4, 1), 2016),
        (dt.date(2019, 6, 1), 2016),
        (dt.date(2020, 1, 31), 2016),
        (dt.date(2020, 2, 1), 2025),
        (dt.date(2024, 12, 31), 2025),
    ],
)
def test_a_date_no_year_covers_reads_the_nearest_year_with_its_members(
    date: dt.date, year: int
) -> None:
    table = council_rule_at(date)
    assert table.start.year == year  # type: ignore[union-attr]
    assert ("uk" in table.shares) == (date < dt.date(2020, 2, 1))  # type: ignore[union-attr]
    note = carried_forward_note(date)
    assert note is not None and f"uses the {year} figures" in note


def test_population_share_capabilities_by_hand() -> None:
    # 2025 Annex III shares (Agence Europe, 12.12.2024): DE 18.49, FR 15.17, PL 8.33,
    # MT 0.12 %; the 27 shares sum to 100.01 (added by hand), so the Commission and the
    # Parliament (institution weight 1) get the mean 100.01 / 27 = 3.704074...
    got = council_weights(dt.date(2025, 3, 3), ["de", "fr", "pl", "mt", "com", "ep"])
    mean = 100.01 / 27
    assert got == pytest.approx(
        {"de": 18.49, "fr": 15.17, "pl": 8.33, "mt": 0.12, "com": mean, "ep": mean}, abs=1e-12
    )
    with pytest.raises(DetenteError, match="no Council population share for actor 'uk'"):
        council_weights(dt.date(2025, 3, 3), ["uk"])


def test_compromise_forecast_on_a_2025_issue_by_hand() -> None:
    # d25104i1: com (100, s 80), ep (80, 70), de (0, 100), fr (100, 100), mt (50, 60),
    # pl (0, 50); capability x salience weighted mean of positions, by hand:
    # sum c*s*x = 3.7040741*80*100 + 3.7040741*70*80 + 15.17*100*100 + 0.12*60*50
    #           = 29632.593 + 20742.815 + 151700 + 360 = 202435.407
    # sum c*s   = 296.326 + 259.285 + 1849 + 1517 + 7.2 + 416.5 = 4345.311
    # forecast  = 202435.407 / 4345.311 = 46.5871 (tolerance 1e-3)
    result = run_deu_backtest(NEWER, models=["compromise"], bootstrap=10, baselines=False)
    (record,) = [r for r in result.issues if r.isnr == "d25104i1" and r.model == "compromise"]
    assert record.forecast == pytest.approx(46.5871, abs=1e-3)


def test_every_issue_with_an_outcome_scores_with_the_default_options(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run_cli(
        capsys, "backtest", "deu", str(NEWER), "--no-store", "-q", "-f", "json"
    )
    assert code == 0, err
    report = json.loads(out)
    assert (report["issues"], report["scored"]) == (9, 8)
    assert report["skipped"] == {"no_outcome": 1, "fewer_than_3_actors": 0}
    models = [row for row in report["models"] if row["kind"] == "model"]
    assert {row["model"] for row in models} >= {"compromise", "expected-utility", "procedural"}
    for row in models:
        assert (row["n"], row["failures"], row["no_forecast"]) == (8, 0, 0), row["model"]
    assert report["capabilities"].startswith("council [")
    assert "to 2027-02-20: they use the 2025 figures" in report["capabilities"]


def test_a_year_without_figures_in_a_file_scores_and_says_which_year_it_used(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # d14101i1 moved to 15-06-19: 2019's Annex III figures are not shipped, so the EU-28
    # figures of 2016 (the nearest year with the United Kingdom) read it, and the report
    # says so; 'equal' needs no figures and scores the same file
    path = tmp_path / "gap.tsv"
    path.write_text(NEWER.read_text().replace("\t15-11-14\t", "\t15-06-19\t", 1))
    code, out, err = run_cli(capsys, "backtest", "deu", str(path), "--no-store", "-q", "-f", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["scored"] == 8
    assert "2019-06-15 to 2019-06-15: they use the 2016 figures" in report["capabilities"]
    code, out, err = run_cli(
        capsys,
        "backtest",
        "deu",
        str(path),
        "--capabilities",
        "equal",
        "-m",
        "compromise",
        "-q",
        "--no-store",
    )
    assert code == 0, err
