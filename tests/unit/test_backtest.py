"""The DEU backtest (detente.analysis.backtest), its capability options and its tables.

Known answers are worked out by hand on tests/data/deu_small.tsv (see
test_deu_loader.py for its six issues). Scored: d99001i1, d99001i2, d05002i1,
d07003i2; skipped: d05002i2 (no outcome) and d07003i1 (two actors).

Equal capabilities, compromise = salience-weighted mean of positions:

* d99001i1: (100*50 + 0*50 + 50*100) / 200 = 50, outcome 60, error 10
* d99001i2: dk's missing salience is the mean of 60 and 20, 40:
  (0*60 + 100*20 + 20*40) / 120 = 23.33, outcome 30, error 6.67
* d05002i1: (0*100 + 100*100 + 50*50 + 100*0) / 250 = 50, outcome 25, error 25
* d07003i2: (100 + 60 + 0 + 40) / 4 = 50, outcome 100, error 50
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import detente.analysis.backtest_forecasts as backtest_forecasts
import detente.analysis.backtest_models as backtest_models
from detente.analysis.backtest import (
    BacktestResult,
    bootstrap_mean_ci,
    grouped_bootstrap_mean_ci,
    run_deu_backtest,
)
from detente.analysis.voting_weights import (
    REGIMES,
    capability_function,
    council_weights,
    equal_weights,
    regime_at,
)
from detente.errors import DetenteError, ModelError
from detente.models import available_models, get_model
from detente.models.base import Forecast, IssueForecast
from detente.report.backtest_tables import backtest_markdown, backtest_rows, backtest_table
from detente.scenario import Scenario

SMALL = Path(__file__).resolve().parents[1] / "data" / "deu_small.tsv"
ERRORS_EQUAL = {"d99001i1": 10.0, "d99001i2": 30 - 70 / 3, "d05002i1": 25.0, "d07003i2": 50.0}


@pytest.fixture(scope="module")
def equal() -> BacktestResult:
    return run_deu_backtest(SMALL, models=["compromise"], capabilities="equal", bootstrap=500)


def test_skips_are_counted_by_reason(equal: BacktestResult) -> None:
    assert (equal.n_issues, equal.scored) == (6, 4)
    assert dict(equal.skipped) == {"no_outcome": 1, "fewer_than_3_actors": 1}


def test_compromise_errors_by_hand(equal: BacktestResult) -> None:
    errors = {r.isnr: r.abs_error for r in equal.issues if r.model == "compromise"}
    assert errors == pytest.approx(ERRORS_EQUAL)
    row = equal.row("compromise")
    assert row.n == 4 and row.failures == 0
    assert row.mae == pytest.approx((10 + 20 / 3 + 25 + 50) / 4)  # 22.92
    assert row.median_ae == pytest.approx((10 + 25) / 2)
    assert row.within_10 == pytest.approx(0.5)  # 10 (inclusive) and 6.67
    assert row.diff_vs_compromise is None and row.beats_compromise is None


def test_council_capabilities_by_hand() -> None:
    result = run_deu_backtest(SMALL, models=["compromise"], capabilities="council", bootstrap=10)
    forecasts = {r.isnr: r.forecast for r in result.issues if r.model == "compromise"}
    # 1999, pre-Nice: com 87/15, de 10, fr 10 (saliences 50, 50, 100)
    com99 = 87 / 15
    a = (100 * com99 * 50 + 50 * 10 * 100) / (com99 * 50 + 10 * 50 + 10 * 100)
    # 1999: com 60 at 0, de 20 at 100, dk (3 votes) 40 at 20
    b = (100 * 10 * 20 + 20 * 3 * 40) / (com99 * 60 + 10 * 20 + 3 * 40)
    # July 2005, Nice EU-25: pl 27 at 0, de 29 at 100, mt 3 at 50 (salience 50); ep weightless
    c = (100 * 29 * 100 + 50 * 3 * 50) / (27 * 100 + 29 * 100 + 3 * 50)
    # February 2007, EU-27: bu 10 at 100, ro 14 at 60, com 345/27 at 0, uk 29 at 40
    f = (100 * 10 + 60 * 14 + 40 * 29) / (10 + 14 + 345 / 27 + 29)
    assert forecasts == pytest.approx({"d99001i1": a, "d99001i2": b, "d05002i1": c, "d07003i2": f})
    assert a == pytest.approx(79000 / 1790)
    assert result.capabilities == "council"


def test_baselines_by_hand(equal: BacktestResult) -> None:
    constant = equal.row("baseline:constant")
    # grouped CV, three proposals so one fold each (outcomes d99001: 60, 30; d05002: 25;
    # d07003: 100): d99001's issues get the median of 25 and 100, 62.5 (errors 2.5,
    # 32.5); d05002i1 the median of 60, 30, 100, 60 (error 35); d07003i2 the median of
    # 60, 30, 25, 30 (error 70)
    assert constant.mae == pytest.approx((2.5 + 32.5 + 35 + 70) / 4)
    assert constant.evaluation == "grouped CV (3 folds by proposal)"
    # paired: 2.5-10, 32.5-6.67, 35-25, 70-50; only d99001i1 is better than compromise
    assert constant.diff_vs_compromise == pytest.approx((-7.5 + (32.5 - 20 / 3) + 10 + 20) / 4)
    assert constant.beats_compromise == pytest.approx(0.25)
    assert constant.n_paired == 4

    rp = equal.row("baseline:reference-point")
    # rp coded on d99001i1 (0, error 60), d05002i1 (50, error 25), d07003i2 (100, error 0)
    assert (rp.n, rp.no_forecast, rp.failures) == (3, 1, 0)
    assert rp.mae == pytest.approx(85 / 3)
    assert rp.diff_vs_compromise == pytest.approx((50 + 0 - 50) / 3)
    assert rp.beats_compromise == pytest.approx(1 / 3)  # the tie on d05002i1 is no win

    mean = equal.row("baseline:mean")
    # unweighted means 50, 40, 62.5, 50: errors 10, 10, 37.5, 50
    assert mean.mae == pytest.approx(107.5 / 4)
    assert mean.within_10 == pytest.approx(0.5)
    assert [r.kind for r in equal.rows] == ["model", "baseline", "baseline", "baseline"]


def test_missing_salience_drop_changes_what_is_scored() -> None:
    result = run_deu_backtest(
        SMALL, models=["compromise"], capabilities="equal", missing_salience="drop", bootstrap=10
    )
    # without dk, d99001i2 has two actors left
    assert dict(result.skipped) == {"no_outcome": 1, "fewer_than_3_actors": 2}
    assert result.row("compromise").mae == pytest.approx((10 + 25 + 50) / 3)


def test_bootstrap_matches_exact_enumeration() -> None:
    values = np.array(list(ERRORS_EQUAL.values()))
    # all 4**4 equally likely resamples give the exact bootstrap distribution of the mean
    means = np.sort([np.mean(c) for c in itertools.product(values, repeat=4)])
    cdf = np.arange(1, means.size + 1) / means.size
    low = means[np.searchsorted(cdf, 0.025)]
    high = means[np.searchsorted(cdf, 0.975)]
    assert (low, high) == pytest.approx((25 / 3, 40.0))  # the atoms, far from any CDF step
    rng = np.random.default_rng(2024)
    assert bootstrap_mean_ci(values, rng=rng, n_resamples=100_000) == pytest.approx((low, high))


def test_proposal_bootstrap_by_exact_enumeration() -> None:
    # errors 10, 20 on proposal a and 30 on b: a resample draws two proposals, so its
    # mean is (a, a) 60/4 = 15, (a, b) or (b, a) 60/3 = 20, (b, b) 30, with probabilities
    # 1/4, 1/2, 1/4: the 2.5% and 97.5% percentiles are the atoms 15 and 30
    values, groups = np.array([10.0, 20.0, 30.0]), np.array(["a", "a", "b"])
    rng = np.random.default_rng(7)
    found = grouped_bootstrap_mean_ci(values, groups, rng=rng, n_resamples=20_000)
    assert found == pytest.approx((15.0, 30.0))
    # one issue per proposal is the issue bootstrap, draw for draw
    plain = bootstrap_mean_ci(values, rng=np.random.default_rng(3), n_resamples=500)
    each = grouped_bootstrap_mean_ci(
        values, np.array(["x", "y", "z"]), rng=np.random.default_rng(3), n_resamples=500
    )
    assert plain == each
    with pytest.raises(ValueError, match="shape"):
        grouped_bootstrap_mean_ci(values, groups[:2], rng=rng, n_resamples=5)


def test_rows_per_procedure_and_voting_rule(equal: BacktestResult) -> None:
    # COD: d99001i1, d99001i2, d07003i2 (errors 10, 20/3, 50); CNS: d05002i1 (25);
    # QMV(10) on d07003 counts as QMV, so QMV is COD and unanimity is CNS here
    cod = equal.row("compromise", ("procedure", "COD"))
    assert (cod.n, cod.n_proposals) == (3, 2)
    assert cod.mae == pytest.approx((10 + 20 / 3 + 50) / 3)
    assert equal.row("compromise", ("procedure", "CNS")).mae == pytest.approx(25.0)
    assert equal.row("compromise", ("voting_rule", "QMV")).mae == cod.mae
    assert equal.row("compromise", ("voting_rule", "unanimity")).n == 1
    subsets = equal.to_dict()["subsets"]
    assert set(subsets) == {"procedure", "voting_rule"}
    assert set(subsets["voting_rule"]) == {"QMV", "unanimity"}


def test_fitted_model_is_scored_only_out_of_sample() -> None:
    from detente.analysis.procedural_fit import procedural_rows
    from detente.analysis.stacking import fit_simplex_lad
    from detente.io.deu import read_deu

    result = run_deu_backtest(SMALL, models=["procedural"], capabilities="equal", bootstrap=20)
    row = result.row("procedural")
    assert row.evaluation == "grouped CV (3 folds by proposal)" and row.n == 4
    forecasts = {r.isnr: r.forecast for r in result.issues if r.model == "procedural"}
    issues = read_deu(SMALL, capabilities=capability_function("equal"))
    rows = procedural_rows([i for i in issues if i.n_actors >= 3])
    index = {i.isnr: k for k, i in enumerate(rows.issues)}
    features = {i: rows.features[k] for i, k in index.items()}
    outcomes = {i.isnr: float(i.outcome or 0) for i in rows.issues}
    places = {i: (outcomes[i] - rows.low[k]) / rows.width[k] for i, k in index.items()}

    def trees(isnr: str, place: float) -> float:
        return float(rows.low[index[isnr]] + rows.width[index[isnr]] * place)

    # half the convex stack, half the trees. d05002i1 is the only unanimity issue: no
    # training issue of its rule in the other folds, so the stack has equal weights, the
    # mean of its nine candidates; the trees are trained on the other three issues, too
    # few for a leaf of 10, so they give their baseline, the median place
    others = [places[i] for i in ("d99001i1", "d99001i2", "d07003i2")]
    assert forecasts["d05002i1"] == pytest.approx(
        0.5 * features["d05002i1"].mean() + 0.5 * trees("d05002i1", float(np.median(others)))
    )
    # d07003i2 (QMV): the stack's weights are fitted on d99001's two issues only, and
    # the trees' baseline lies between those two issues' places
    train = ["d99001i1", "d99001i2"]
    weights = fit_simplex_lad(
        np.array([features[i] for i in train]), np.array([outcomes[i] for i in train])
    )
    stack = float(features["d07003i2"] @ weights)
    tree_part = 2 * forecasts["d07003i2"] - stack
    bounds = sorted(trees("d07003i2", places[i]) for i in train)
    assert bounds[0] - 1e-9 <= tree_part <= bounds[1] + 1e-9


def test_bootstrap_interval_properties(equal: BacktestResult) -> None:
    row = equal.row("compromise")
    assert row.mae_ci95 is not None
    low, high = row.mae_ci95
    assert min(ERRORS_EQUAL.values()) <= low < row.mae < high <= max(ERRORS_EQUAL.values())
    same = run_deu_backtest(SMALL, models=["compromise"], capabilities="equal", bootstrap=500)
    assert same.row("compromise").mae_ci95 == row.mae_ci95
    other = run_deu_backtest(
        SMALL, models=["compromise"], capabilities="equal", bootstrap=500, seed=1
    )
    assert other.row("compromise").mae_ci95 != row.mae_ci95
    constant = bootstrap_mean_ci(np.full(7, 3.0), rng=np.random.default_rng(0), n_resamples=50)
    assert constant == pytest.approx((3.0, 3.0))
    with pytest.raises(ValueError):
        bootstrap_mean_ci(np.array([]), rng=np.random.default_rng(0), n_resamples=5)


def test_rows_do_not_depend_on_other_models() -> None:
    alone = run_deu_backtest(SMALL, models=["compromise"], bootstrap=300)
    both = run_deu_backtest(SMALL, models=["median", "compromise"], bootstrap=300)
    assert both.row("compromise") == alone.row("compromise")
    assert [r.model for r in both.rows][:2] == ["median", "compromise"]


def test_compromise_is_always_the_reference() -> None:
    result = run_deu_backtest(SMALL, models=["median"], capabilities="equal", bootstrap=10)
    assert [r.model for r in result.rows][:2] == ["compromise", "median"]
    median = result.row("median")
    # weighted medians 50, 10 (midpoint of 0 and 20 at an exact half split), 50, 50
    assert median.mae == pytest.approx((10 + 20 + 25 + 50) / 4)
    assert median.diff_vs_compromise == pytest.approx((0 + (20 - 20 / 3) + 0 + 0) / 4)
    assert median.beats_compromise == 0.0


def test_default_runs_every_registered_model_without_an_agreement() -> None:
    result = run_deu_backtest(SMALL, bootstrap=10, baselines=False)
    needs = {name for name in available_models() if get_model(name).requires_agreement}
    assert set(result.excluded_models) == needs
    assert {r.model for r in result.rows} == set(available_models()) - needs


def test_model_error_is_a_failure_not_a_crash(tmp_path: Path) -> None:
    lines = SMALL.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    cells = [""] * len(header)
    values = {"prnr": "d08009", "isnr": "d08009i1", "prname": "zero", "intro": "01-03-08"}
    values |= {"pcom": "10", "pde": "20", "pfr": "30", "scom": "0", "sde": "0", "sfr": "0"}
    values |= {"out": "40"}
    for column, value in values.items():
        cells[header.index(column)] = value
    path = tmp_path / "zero.tsv"
    path.write_text("\n".join([*lines, "\t".join(cells)]) + "\n", encoding="utf-8")
    result = run_deu_backtest(path, models=["compromise"], capabilities="equal", bootstrap=10)
    compromise = result.row("compromise")
    # every salience is zero: the compromise model raises ModelError on the new issue
    assert (compromise.n, compromise.failures) == (4, 1)
    assert compromise.mae == pytest.approx((10 + 20 / 3 + 25 + 50) / 4)
    failed = [r for r in result.issues if r.failure is not None]
    assert [(r.isnr, r.model) for r in failed] == [("d08009i1", "compromise")]
    assert failed[0].failure is not None and failed[0].failure.startswith("ModelError")
    mean = result.row("baseline:mean")
    assert (mean.n, mean.n_paired) == (5, 4)  # the baseline forecasts it; no pair there


class _Fake:
    title = "fake"
    citation = "none"

    def __init__(self, name: str, *, requires_agreement: bool = False, mode: str = "") -> None:
        self.name = name
        self.requires_agreement = requires_agreement
        self.mode = mode

    def forecast(self, scenario: Scenario, *, rng: Any = None) -> Forecast:
        issue = scenario.issues[0].id
        if self.mode == "raise" and issue == "d05002i1":
            raise ModelError("cannot")
        outcome = None if self.mode == "none" else 50.0
        return Forecast(self.name, (IssueForecast(issue, outcome),))


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    models = {
        "fake-raise": _Fake("fake-raise", mode="raise"),
        "fake-none": _Fake("fake-none", mode="none"),
        "fake-agreement": _Fake("fake-agreement", requires_agreement=True),
    }

    def lookup(name: str) -> Any:
        return models[name] if name in models else get_model(name)

    monkeypatch.setattr(backtest_models, "get_model", lookup)
    monkeypatch.setattr(backtest_forecasts, "get_model", lookup)


@pytest.mark.usefixtures("fakes")
def test_fake_models_failures_and_exclusions() -> None:
    result = run_deu_backtest(
        SMALL,
        models=["fake-raise", "fake-none", "fake-agreement"],
        capabilities="equal",
        bootstrap=10,
    )
    assert list(result.excluded_models) == ["fake-agreement"]
    raised = result.row("fake-raise")
    # forecasts 50 everywhere but d05002i1: errors 10, 20, 50
    assert (raised.n, raised.failures, raised.no_forecast) == (3, 1, 0)
    assert raised.mae == pytest.approx(80 / 3)
    none = result.row("fake-none")
    assert (none.n, none.failures, none.no_forecast) == (0, 0, 4)
    assert none.mae is None and none.mae_ci95 is None and none.diff_vs_compromise is None
    assert "fake-agreement" not in {r.model for r in result.rows}


def test_bad_options() -> None:
    with pytest.raises(DetenteError, match="unknown model"):
        run_deu_backtest(SMALL, models=["no-such-model"])
    with pytest.raises(DetenteError, match="unknown capabilities option"):
        run_deu_backtest(SMALL, capabilities="population")
    with pytest.raises(DetenteError, match="bootstrap"):
        run_deu_backtest(SMALL, bootstrap=0)


def test_to_dict_is_json(equal: BacktestResult) -> None:
    data = json.loads(json.dumps(equal.to_dict(include_issues=True)))
    first = data["models"][0]
    assert first["model"] == "compromise"
    assert first["mae"] == pytest.approx(22.916666666666668)
    assert len(first["mae_ci95"]) == 2
    assert data["skipped"] == {"no_outcome": 1, "fewer_than_3_actors": 1}
    assert len(data["forecasts"]) == 4 * 4  # 4 issues x (compromise + 3 baselines)
    assert "forecasts" not in equal.to_dict()


# -- voting weights ----------------------------------------------------------------


def test_regime_totals_match_the_published_vote_counts() -> None:
    # totals of weighted votes: 87 (EU-15), 124 (May-Oct 2004), 321 (EU-25, Nice),
    # 345 (EU-27), 352 (EU-28); CVCE table and Act of Accession of Croatia
    assert [r.total for r in REGIMES] == [87, 124, 321, 345, 352]
    assert [len(r.weights) for r in REGIMES] == [15, 25, 25, 27, 28]


@pytest.mark.parametrize(
    ("date", "total"),
    [
        (dt.date(1995, 1, 1), 87),
        (dt.date(2004, 4, 30), 87),
        (dt.date(2004, 5, 1), 124),
        (dt.date(2004, 10, 31), 124),
        (dt.date(2004, 11, 1), 321),
        (dt.date(2007, 1, 1), 345),
        (dt.date(2014, 10, 31), 352),
    ],
)
def test_regime_boundaries(date: dt.date, total: int) -> None:
    assert regime_at(date).total == total


@pytest.mark.parametrize("date", [dt.date(1994, 12, 31), dt.date(2014, 11, 1)])
def test_no_weights_outside_the_tables(date: dt.date) -> None:
    with pytest.raises(DetenteError, match="no Council voting weights"):
        regime_at(date)


def test_council_weights() -> None:
    before = council_weights(dt.date(2000, 6, 1), ["de", "es", "lu", "com", "ep"])
    assert before == pytest.approx({"de": 10, "es": 8, "lu": 2, "com": 5.8, "ep": 5.8})
    nice = council_weights(dt.date(2005, 1, 1), ["pl", "lt", "mt"])
    assert nice == {"pl": 27.0, "lt": 7.0, "mt": 3.0}
    # not yet members: the weight on accession (transitional 8 for PL, Nice 10 for BG)
    assert council_weights(dt.date(2003, 1, 1), ["pl"]) == {"pl": 8.0}
    assert council_weights(dt.date(2005, 1, 1), ["bu", "ro"]) == {"bu": 10.0, "ro": 14.0}
    doubled = council_weights(dt.date(2000, 6, 1), ["com"], institution_weight=2.0)
    assert doubled["com"] == pytest.approx(2 * 87 / 15)
    with pytest.raises(DetenteError, match="no Council voting weight for actor 'xx'"):
        council_weights(dt.date(2000, 6, 1), ["xx"])
    with pytest.raises(DetenteError, match="institution_weight"):
        council_weights(dt.date(2000, 6, 1), ["de"], institution_weight=-1)


def test_equal_weights_and_options() -> None:
    assert equal_weights(dt.date(2000, 1, 1), ["de", "ep"], institution_weight=0.5) == {
        "de": 1.0,
        "ep": 0.5,
    }
    fn = capability_function("council", institution_weight=0.0)
    assert fn(dt.date(2000, 1, 1), ["com", "fr"]) == {"com": 0.0, "fr": 10.0}
    with pytest.raises(DetenteError, match="unknown capabilities option"):
        capability_function("gdp")


def test_institution_weight_changes_the_forecast() -> None:
    none = run_deu_backtest(
        SMALL, models=["compromise"], institution_weight=0.0, baselines=False, bootstrap=10
    )
    forecasts = {r.isnr: r.forecast for r in none.issues}
    # without the Commission, d99001i1 is de 10 x 50 at 0 and fr 10 x 100 at 50
    assert forecasts["d99001i1"] == pytest.approx(50 * 1000 / 1500)
    assert none.capabilities == "council (institution_weight=0)"


# -- tables ------------------------------------------------------------------------


def test_markdown_table(equal: BacktestResult) -> None:
    text = backtest_markdown(equal)
    lines = text.splitlines()
    assert lines[0].startswith("| Model | Scored | n | No forecast | MAE | MAE 95% CI |")
    assert lines[2].startswith("| compromise | as is | 4 | 0 | 22.92 | [")
    assert "| baseline:reference-point | as is | 3 | 1 | 28.33 |" in text
    assert "| baseline:constant | grouped CV | 4 | 0 | 35.00 |" in text and "| +12.08 |" in text
    assert "4 of 6 issues scored" in text and "1 no outcome coded" in text
    assert "resamples of the 3 proposals (not of issues)" in text
    assert lines[2 + 4] == ""  # the main table: header, rule, 4 rows
    # then one table per procedure and voting rule (COD: 10, 20/3, 50 -> 22.22)
    assert "### Procedure: co-decision (COD)" in text
    assert "| compromise | as is | 3 | 2 | 22.22 |" in text
    assert "### Voting rule: Council by unanimity" in text


def test_rich_table(equal: BacktestResult) -> None:
    from rich.console import Console

    table = backtest_table(equal)
    assert table.row_count == len(equal.rows) == len(backtest_rows(equal))
    console = Console(record=True, width=200)
    console.print(table)
    text = console.export_text()
    assert "22.92" in text and "26.88" in text and "fewer than 3 actors" in text
