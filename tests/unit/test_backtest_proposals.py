"""Multi-issue models scored per DEU proposal (issue #15): scenarios, forecasts, seeds.

tests/data/deu_exchange.tsv holds one proposal, d01001, with two issues, p (i1) and q
(i2), on 0-100, all capabilities 1 (``capabilities="equal"``), saliences / 100:

=====  =========  =========  ======================
actor  p (x, s)   q (x, s)
=====  =========  =========  ======================
de     100, 0.8   0, 0.4     A: cares more about p
fr     0, 0.2     100, 0.6   B: cares more about q
it     50, 0.5    --         C: no position on q
uk     --         50, 0.5    D: no position on p
=====  =========  =========  ======================

Worked by hand (Stokman & Van Oosten 1994 equal gain; decide's round rules,
docs/models/exchange.md). ``W_p = 0.8 + 0.2 + 0.5 = 1.5 = W_q``. The compromise is
``O_p = (80 + 0 + 25) / 1.5 = 70`` and ``O_q = (0 + 60 + 25) / 1.5 = 56.666...``.

Only de and fr have positions on both issues, so theirs is the only possible exchange
(it and uk count in the outcomes but cannot trade). de is right of ``O_p`` and left of
``O_q``, fr the reverse; ``0.8 * 0.6 > 0.2 * 0.4``, so de demands p and supplies q. The
equal-gain rate is ``dq / dp = (0.8 + 0.2) / (0.4 + 0.6) = 1``. fr moves all the way to
100 on p: ``dp = (100 - b) 0.2 / 1.5``; de moves ``dq 1.5 / 0.4 = (100 - b) / 2`` on q,
less than the distance to fr's 100, where ``b`` is fr's start on p. Neither outcome
passes the demanding actor's position. A round starts each mover
``0.1 + 0.4 (1 - s)`` of the way to its voting position: 0.42 for fr on p, 0.34 for de on
q. So with ``a`` de's start on q: ``b' = 42 + 0.58 b`` and ``a' = a + 0.17 (100 - b)``:

=====  ==========  ==========  ==============================================
round  b (fr, p)   a (de, q)   fr left of O_p = 70 + 0.1333 b?  (b <= 80.77)
=====  ==========  ==========  ==============================================
1      0           0           yes: exchange
2      42          17          yes: exchange
3      66.36       26.86       yes: exchange
4      80.4888     32.5788     yes (80.4888 < 80.77): exchange
5      88.683504   35.895704   no: no exchange, and nothing moves any more
=====  ==========  ==========  ==============================================

From round 5 on the voting positions are the starts, so the 10-round forecast is
``O_p = (80 + 0.2 * 88.683504 + 25) / 1.5 = 81.8244672`` and
``O_q = (0.4 * 35.895704 + 60 + 25) / 1.5 = 66.2388544``: the exchange moves both
outcomes towards the actor that cares more about the issue, by 11.8 and 9.6 points.
Issue by issue there is no pair of issues, and the exchange model gives the compromise.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from detente.analysis.backtest import run_deu_backtest
from detente.analysis.deu_proposals import group_by_proposal, proposal_scenario
from detente.analysis.voting_weights import capability_function
from detente.executors import ProcessExecutor, SerialExecutor
from detente.io.deu import parse_deu, read_deu

from cli_helpers import run_cli

DATA = Path(__file__).resolve().parents[1] / "data"
EXCHANGE = DATA / "deu_exchange.tsv"
SMALL = DATA / "deu_small.tsv"
HAND = {"d01001i1": 81.8244672, "d01001i2": 66.2388544}  # worked above, exact decimals
COMPROMISE = {"d01001i1": 70.0, "d01001i2": 85 / 1.5}


def _forecasts(result: object, model: str) -> dict[str, float | None]:
    return {r.isnr: r.forecast for r in result.issues if r.model == model}  # type: ignore[attr-defined]


def test_exchange_per_proposal_is_the_hand_worked_trade_not_the_compromise() -> None:
    result = run_deu_backtest(EXCHANGE, models=["exchange"], capabilities="equal", bootstrap=10)
    exchange, compromise = _forecasts(result, "exchange"), _forecasts(result, "compromise")
    for isnr, value in HAND.items():  # exact decimals; float sums agree to 1e-9
        assert exchange[isnr] == pytest.approx(value, abs=1e-9)
        assert compromise[isnr] == pytest.approx(COMPROMISE[isnr], abs=1e-9)
    assert result.per_proposal == ("exchange",)
    # outcomes 85 and 65: errors 3.1755328 and 1.2388544 against 15 and 8.333...
    assert result.row("exchange").mae == pytest.approx((3.1755328 + 1.2388544) / 2, abs=1e-9)


def test_exchange_issue_by_issue_is_the_compromise() -> None:
    result = run_deu_backtest(
        EXCHANGE, models=["exchange"], per_issue=["exchange"], capabilities="equal", bootstrap=10
    )
    assert result.per_proposal == ()
    assert _forecasts(result, "exchange") == pytest.approx(COMPROMISE, abs=1e-9)
    assert result.row("exchange").diff_vs_compromise == pytest.approx(0.0, abs=1e-12)


def test_a_proposal_scenario_keeps_each_actor_to_the_issues_it_has_a_position_on() -> None:
    issues = read_deu(SMALL, capabilities=capability_function("council"))
    groups = group_by_proposal(issues)
    assert [[i.isnr for i in g] for g in groups] == [
        ["d99001i1", "d99001i2"],
        ["d05002i1", "d05002i2"],  # i2 has no outcome: not scored, still negotiated
        ["d07003i1", "d07003i2"],  # i1 has two actors: not scored, still negotiated
    ]
    scenario = proposal_scenario(groups[0])
    assert [issue.id for issue in scenario.issues] == ["d99001i1", "d99001i2"]
    by_issue = {i.isnr: i for i in groups[0]}
    for actor in scenario.actors:
        positioned = {isnr for isnr, i in by_issue.items() if actor.id in i.positions}
        assert set(actor.stances) == positioned
        for isnr in positioned:
            stance = actor.stances[isnr]
            assert float(stance.position) == by_issue[isnr].positions[actor.id]
            assert float(stance.salience) == pytest.approx(by_issue[isnr].saliences[actor.id] / 100)
            one = next(a for a in by_issue[isnr].scenario.actors if a.id == actor.id)  # type: ignore[union-attr]
            assert float(actor.capability) == float(one.capability)
    # the issues themselves (scale, reference point as status quo) are the one-issue ones
    assert list(scenario.issues) == [by_issue[i].scenario.issues[0] for i in by_issue]  # type: ignore[union-attr]
    assert by_issue["d99001i1"].reference_point == 0.0
    assert by_issue["d99001i2"].reference_point is None


def _exchanges(text: str) -> tuple[dict[str, float | None], dict[str, float | None], int]:
    """(exchange forecast, compromise forecast, exchanges carried out) on a proposal."""
    from detente.models import get_model

    scenario = proposal_scenario(parse_deu(text))
    exchange = get_model("exchange").forecast(scenario)
    compromise = get_model("compromise").forecast(scenario)
    issues = ("d01001i1", "d01001i2")
    moved = sum(f.details["exchanges"] for f in exchange.issues)
    return (
        {i: exchange.outcome(i) for i in issues},
        {i: compromise.outcome(i) for i in issues},
        moved,
    )


def test_exchanges_need_a_position_on_both_issues() -> None:
    # de and fr care equally about p and q (0.8/0.8, 0.2/0.2): they cannot gain by
    # trading. it has a position on p only and uk on q only, so no exchange is possible
    equal = EXCHANGE.read_text(encoding="utf-8")
    equal = equal.replace("\t100\t80\t0\t20\t", "\t100\t80\t0\t20\t")
    equal = equal.replace("\t0\t40\t100\t60\t", "\t0\t80\t100\t20\t")
    exchange, compromise, moved = _exchanges(equal)
    assert moved == 0
    assert exchange == pytest.approx(compromise, abs=1e-12)
    # give it a position on q (100, salience 0.2): it stands left of O_p = 70 and right
    # of O_q = 65 / 1.7 = 38.2, opposite de on both, with proportions 2.5 against de's 1,
    # so it and de trade and the forecast leaves the compromise
    with_it = equal.replace("\t\t0\t50\t50\t0\t65", "\t100\t20\t50\t50\t0\t65")
    assert with_it != equal
    exchange, compromise, moved = _exchanges(with_it)
    assert compromise["d01001i2"] == pytest.approx(65 / 1.7, abs=1e-9)
    assert moved > 0
    assert exchange["d01001i1"] != pytest.approx(compromise["d01001i1"], abs=0.1)


def test_an_actor_with_two_capabilities_in_one_proposal_keeps_its_first_issues() -> None:
    text = EXCHANGE.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    lines[2] = lines[2].replace("15-03-01", "15-03-05")  # Nice weights: de 10 -> 29
    issues = parse_deu("".join(lines), capabilities=capability_function("council"))
    first, second = (next(a for a in i.scenario.actors if a.id == "de") for i in issues)  # type: ignore[union-attr]
    assert (float(first.capability), float(second.capability)) == (10.0, 29.0)
    scenario = proposal_scenario(issues)
    de = next(a for a in scenario.actors if a.id == "de")
    assert float(de.capability) == 10.0  # the first issue's (QMV weights of March 2001)
    assert set(de.stances) == {"d01001i1", "d01001i2"}


def test_a_per_proposal_row_does_not_depend_on_the_other_models() -> None:
    alone = run_deu_backtest(SMALL, models=["smp"], bootstrap=20, seed=5)
    together = run_deu_backtest(SMALL, models=["median", "smp", "exchange"], bootstrap=20, seed=5)
    assert alone.row("smp") == together.row("smp")
    assert _forecasts(alone, "smp") == _forecasts(together, "smp")
    again = run_deu_backtest(SMALL, models=["smp"], bootstrap=20, seed=5)
    assert _forecasts(again, "smp") == _forecasts(alone, "smp")


def test_per_proposal_models_give_the_same_json_in_processes() -> None:
    def run(executor: object) -> str:
        result = run_deu_backtest(
            SMALL,
            models=["exchange", "smp"],
            bootstrap=20,
            seed=2,
            executor=executor,  # type: ignore[arg-type]
        )
        return json.dumps(result.to_dict(include_issues=True), sort_keys=True)

    serial = run(SerialExecutor())
    assert json.loads(serial)["scored_per_proposal"] == ["exchange", "smp"]
    assert run(ProcessExecutor(2)) == serial  # 4 tasks of consecutive proposals


def test_cli_scores_every_issue_of_the_small_file_with_exchange(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run_cli(
        capsys, "backtest", "deu", str(SMALL), "-m", "exchange", "-f", "json", "--no-store", "-q"
    )
    assert code == 0, err
    document = json.loads(out)
    assert document["scored_per_proposal"] == ["exchange"]
    row = next(r for r in document["models"] if r["model"] == "exchange")
    assert (row["n"], row["failures"], row["no_forecast"]) == (document["scored"], 0, 0)
    assert document["scored"] == 4
    assert row["n_proposals"] == 3


def test_cli_per_issue_must_name_a_per_proposal_model(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run_cli(
        capsys, "backtest", "deu", str(SMALL), "-m", "median", "--per-issue", "median", "--no-store"
    )
    assert code == 2
    assert "per-issue scoring was asked for 'median'" in err
    assert len(err.strip().splitlines()) == 1


def test_per_proposal_generators_are_the_first_scored_issues_children() -> None:
    # smp with stochastic transitions draws from the generator of the proposal's first
    # scored issue: rebuilding that generator by hand gives the backtest's forecast
    from detente.models import get_model

    issues = read_deu(SMALL, capabilities=capability_function("council"))
    result = run_deu_backtest(SMALL, models=["smp"], bootstrap=5, seed=7)
    children = np.random.SeedSequence(7).spawn(4)  # scored: d99001i1, i2, d05002i1, d07003i2
    first_scored = {"d99001": 0, "d05002": 2, "d07003": 3}
    found = _forecasts(result, "smp")
    for group in group_by_proposal(issues):
        rng = np.random.default_rng(children[first_scored[group[0].prnr]])
        forecast = get_model("smp").forecast(proposal_scenario(group), rng=rng)
        for issue in group:
            if issue.isnr in found:
                assert found[issue.isnr] == forecast.outcome(issue.isnr)
