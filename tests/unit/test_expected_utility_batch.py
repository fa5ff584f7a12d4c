"""The batched expected-utility kernel against the plain-loop reference and the single game.

Many random games of one size are solved together (:meth:`ExpectedUtilityModel.solve`);
every round of every game must agree with the loop reference (``eu_reference``) to 1e-9,
and each game must stop when it would alone. Positions come from a coarse grid in
half the games, so equally distant proposers, tied offers, actors meeting at one point
and early convergence are common; the others cycle for all their rounds.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.models import _eu_games
from detente.models import _eu_rounds as eu_rounds
from detente.models.expected_utility import ExpectedUtilityModel

from eu_reference import reference_run, weighted_median_bruteforce

TOL = 1e-9
ROUNDS = 6


@st.composite
def batches(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(1, 6))
    games = draw(st.integers(1, 6))
    fine = st.integers(0, 1000).map(lambda k: k / 100.0)  # 0.00 .. 10.00
    coarse = st.sampled_from([0.0, 2.5, 5.0, 7.5, 10.0])
    rows = []
    for _ in range(games):
        grid = draw(st.sampled_from([fine, coarse]))
        rows.append(
            (
                draw(st.lists(grid, min_size=n, max_size=n)),
                draw(
                    st.lists(
                        st.sampled_from([0.5, 1.0, 3.0]) | st.floats(0.05, 1),
                        min_size=n,
                        max_size=n,
                    )
                ),
                draw(
                    st.lists(
                        st.sampled_from([0.3, 1.0]) | st.floats(0.05, 1), min_size=n, max_size=n
                    )
                ),
            )
        )
    options = {
        "q": draw(st.sampled_from([1.0, 0.5])),
        "probability": draw(st.sampled_from(["all-votes", "pair"])),
        "perspective": draw(st.sampled_from(["perceiver", "own"])),
        "risk": draw(st.sampled_from(["two-pass", "neutral"])),
        "offer_choice": draw(st.sampled_from(["scholz-code", "type-strongest", "least-move"])),
    }
    return {"rows": rows, "options": options, "tol": draw(st.sampled_from([0.0, 1e-6]))}


def _arrays(case: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x, c, s = (np.array([row[k] for row in case["rows"]], dtype=float) for k in range(3))
    return x, c, s


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=batches(), chunk=st.sampled_from([None, 1, 2]))
def test_batch_matches_loop_reference_game_by_game(case: dict[str, Any], chunk: int | None) -> None:
    model = ExpectedUtilityModel(
        max_rounds=ROUNDS, tol=case["tol"], position_range="scale", **case["options"]
    )
    x, c, s = _arrays(case)
    solved = _eu_games.solve_games(
        x,
        c * s,
        s,
        np.full(x.shape[0], 10.0),
        model._round_settings(),
        max_rounds=ROUNDS,
        tol=case["tol"],
        outcome="settled",
        record=True,
        chunk=chunk,
    )
    assert solved.records is not None
    for g, record in enumerate(solved.records):
        ref = reference_run(x[g], c[g], s[g], rounds=ROUNDS, position_range=10.0, **case["options"])
        played = int(solved.stopped_after[g])
        assert len(record.positions) == played + 1
        for k in range(played + 1):
            np.testing.assert_allclose(record.positions[k], ref[k].positions, rtol=0, atol=TOL)
            w = list(c[g] * s[g])
            median = weighted_median_bruteforce(list(record.positions[k]), w)
            assert abs(record.medians[k] - median) <= TOL
        for k in range(1, played + 1):
            # the same receivers accept an offer, from proposers at the same place (two
            # proposers within rounding of one point are one offer: either may be named)
            got, want = record.proposer[k - 1], np.array(ref[k].proposer)
            assert ((got >= 0) == (want >= 0)).all()
            at = want >= 0
            before = np.array(ref[k - 1].positions)
            assert np.abs(before[got[at]] - before[want[at]]).max(initial=0.0) <= TOL
        # a game stops early only after a round that moved nobody (more than tol x R)
        if played < ROUNDS:
            assert solved.converged[g]
            step = np.max(np.abs(np.array(ref[played].positions) - ref[played - 1].positions))
            assert step <= case["tol"] * 10.0 + TOL
        else:
            for k in range(1, ROUNDS):
                moved = np.max(np.abs(np.array(ref[k].positions) - ref[k - 1].positions))
                assert moved > case["tol"] * 10.0 - TOL
        medians = record.medians[1:]
        expected = medians[-1] if solved.converged[g] else float(np.mean(medians))
        assert abs(solved.outcome[g] - expected) <= TOL


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=batches(), rule=st.sampled_from(["settled", "final-median", "average-median"]))
def test_batch_equals_one_game_at_a_time(case: dict[str, Any], rule: str) -> None:
    model = ExpectedUtilityModel(
        max_rounds=ROUNDS, tol=case["tol"], outcome=rule, **case["options"]
    )
    x, c, s = _arrays(case)
    together = model.solve(x, s, c, (0.0, 10.0))
    for g in range(x.shape[0]):
        alone = model.solve(x[g : g + 1], s[g : g + 1], c[g : g + 1], (0.0, 10.0))
        assert abs(together.outcome[g] - alone.outcome[0]) <= TOL
        assert together.stopped_after[g] == alone.stopped_after[0]
        assert together.converged[g] == alone.converged[0]


def test_games_read_off_their_cycles_match_the_reference_round_by_round() -> None:
    # 41 rounds of 24 seeded games of 6 actors on a coarse grid: many enter an exact
    # cycle and are read off it; every round must still be the loop reference's round
    rng = np.random.default_rng(2011)
    x = rng.choice([0.0, 2.5, 5.0, 7.5, 10.0], size=(24, 6))
    c = rng.choice([0.5, 1.0, 3.0], size=(24, 6))
    s = rng.choice([0.3, 0.6, 1.0], size=(24, 6))
    rounds = 41  # odd: the last round is not where a cycle of period 2 began
    # the loop reference's defaults are the Table 2 choices (denominator all-votes)
    model = ExpectedUtilityModel(
        max_rounds=rounds, tol=0.0, position_range="scale", preset="scholz-2011-table2"
    )
    solved = model.solve(x, s, c, (0.0, 10.0), record=True)
    assert solved.records is not None
    cycling = np.flatnonzero(solved.cycle > 0)
    assert cycling.size >= 3  # the premise: several games cycle (periods below)
    assert set(solved.cycle[cycling].tolist()) - {1}
    for g in range(x.shape[0]):
        ref = reference_run(x[g], c[g], s[g], rounds=rounds, position_range=10.0)
        record = solved.records[g]
        played = int(solved.stopped_after[g])
        for k in range(played + 1):
            np.testing.assert_allclose(record.positions[k], ref[k].positions, rtol=0, atol=TOL)
        medians = [
            weighted_median_bruteforce(list(ref[k].positions), list(c[g] * s[g]))
            for k in range(1, played + 1)
        ]
        expected = medians[-1] if solved.converged[g] else float(np.mean(medians))
        assert abs(solved.outcome[g] - expected) <= TOL
        assert abs(solved.final_median[g] - medians[-1]) <= TOL
        if solved.cycle[g]:
            assert played == rounds and not solved.converged[g]


@pytest.mark.parametrize("rule", ["scholz-code", "type-strongest", "least-move"])
def test_large_games_take_the_long_row_paths_and_match_the_reference(rule: str) -> None:
    # more actors than _eu_rounds.SMALL_GAME: binary searches, sorts and row minima of
    # the large-game paths; a coarse grid, so ties and meetings at one point are common
    assert eu_rounds.SMALL_GAME < 40
    rng = np.random.default_rng(14)
    x = rng.choice(np.linspace(0.0, 10.0, 9), size=(2, 40))
    c, s = rng.uniform(0.1, 1.0, (2, 40)), rng.choice([0.3, 0.6, 1.0], size=(2, 40))
    model = ExpectedUtilityModel(
        max_rounds=3,
        tol=0.0,
        position_range="scale",
        offer_choice=rule,
        preset="scholz-2011-table2",  # the loop reference's denominator, all-votes
    )
    solved = model.solve(x, s, c, (0.0, 10.0), record=True)
    assert solved.records is not None
    for g in range(2):
        ref = reference_run(x[g], c[g], s[g], rounds=3, position_range=10.0, offer_choice=rule)
        for k, positions in enumerate(solved.records[g].positions):
            np.testing.assert_allclose(positions, ref[k].positions, rtol=0, atol=TOL)
