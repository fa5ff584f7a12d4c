"""Exact Banzhaf and Shapley-Shubik indices (detente.analysis.voting_power).

Known answers are worked by hand or taken from the literature (source and tolerance
inline); properties are checked with hypothesis, including agreement with brute-force
enumeration of all 2^n coalitions for n <= 9.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.analysis.voting_power import (
    VotingGame,
    banzhaf_index,
    double_majority_game,
    shapley_shubik_index,
    swing_counts,
    weighted_game,
)
from detente.errors import DetenteError


def brute_force(game: VotingGame) -> tuple[np.ndarray, np.ndarray]:
    """Both indices by enumerating every coalition and every swing (independent of the DP)."""
    n = game.n
    swings = np.zeros(n)
    shapley = np.zeros(n)
    for mask in range(1 << n):
        members = [j for j in range(n) if mask >> j & 1]
        count, weight = len(members), sum(game.weights[j] for j in members)
        if game.wins(count, weight):
            continue
        for i in range(n):
            if not mask >> i & 1 and game.wins(count + 1, weight + game.weights[i]):
                swings[i] += 1
                shapley[i] += math.factorial(count) * math.factorial(n - 1 - count)
    return swings / swings.sum(), shapley / math.factorial(n)


def test_three_voters_by_hand() -> None:
    # [3; 2, 1, 1]. Player 1 swings for {2}, {3}, {2,3}; players 2 and 3 only for {1}:
    # Banzhaf (3, 1, 1)/5. Player 1 is pivotal in the 4 of 6 orderings where it is not
    # first; when first, the second voter is pivotal: Shapley-Shubik (4, 1, 1)/6.
    game = weighted_game([2, 1, 1], 3)
    assert banzhaf_index(game) == pytest.approx([0.6, 0.2, 0.2], abs=1e-12)
    assert shapley_shubik_index(game) == pytest.approx([4 / 6, 1 / 6, 1 / 6], abs=1e-12)


def test_weights_are_not_power() -> None:
    # [51; 49, 49, 2]: any two of the three win, none alone: equal power whatever the
    # weights (Felsenthal & Machover 1998, ch. 1; Kaniovski & Kurz 2014, introduction).
    game = weighted_game([49, 49, 2], 51)
    assert banzhaf_index(game) == pytest.approx([1 / 3] * 3, abs=1e-12)
    assert shapley_shubik_index(game) == pytest.approx([1 / 3] * 3, abs=1e-12)


def test_brams_fifty_forty_nine_one() -> None:
    # [51; 50, 49, 1]: Banzhaf (3/5, 1/5, 1/5) (Brams, "Voting power", in The Britannica
    # Guide to Statistics and Probability, 2011, p. 194). Exact up to float rounding.
    assert banzhaf_index(weighted_game([50, 49, 1], 51)) == pytest.approx(
        [0.6, 0.2, 0.2], abs=1e-12
    )


def test_dictator_and_null_players() -> None:
    # [51; 60, 20, 20]: the first player wins alone and every winning coalition holds it.
    game = weighted_game([60, 20, 20], 51)
    assert banzhaf_index(game) == pytest.approx([1, 0, 0], abs=1e-15)
    assert shapley_shubik_index(game) == pytest.approx([1, 0, 0], abs=1e-15)


def test_eec_1958_luxembourg_is_a_dummy() -> None:
    # EEC Council 1958-1972, QMV 12 of 17 (weights 4, 4, 4, 2, 2, 1): Banzhaf 5/21 for
    # DE/FR/IT, 1/7 for BE/NL, 0 for Luxembourg (Brams 2011, p. 194; Felsenthal &
    # Machover 1998); Shapley-Shubik 7/30, 3/20, 0 (Felsenthal & Machover 1998).
    game = weighted_game([4, 4, 4, 2, 2, 1], 12)
    expected_bz = [5 / 21] * 3 + [1 / 7] * 2 + [0.0]
    assert banzhaf_index(game) == pytest.approx(expected_bz, abs=1e-12)
    expected_ss = [7 / 30] * 3 + [3 / 20] * 2 + [0.0]
    assert shapley_shubik_index(game) == pytest.approx(expected_ss, abs=1e-12)


def test_eu15_council_1995() -> None:
    # EU-15 Council 1995-2004, QMV 62 of 87. Normalised Banzhaf and Shapley-Shubik
    # indices as tabulated in the voting-power literature for the 1995 Council (Felsenthal &
    # Machover 1998; the table was not re-read online for this test),
    # to four decimals: tolerance 5e-5 (the rounding of the table).
    weights = [10, 8, 5, 4, 3, 2]  # DE/FR/IT/UK, ES, BE/EL/NL/PT, AT/SE, DK/IE/FI, LU
    counts = [4, 1, 4, 2, 3, 1]
    game = weighted_game(np.repeat(weights, counts).tolist(), 62)
    firsts = np.cumsum([0, *counts[:-1]])
    bz = banzhaf_index(game)[firsts]
    ss = shapley_shubik_index(game)[firsts]
    assert bz == pytest.approx([0.1116, 0.0924, 0.0587, 0.0479, 0.0359, 0.0226], abs=5e-5)
    assert ss == pytest.approx([0.1167, 0.0955, 0.0552, 0.0454, 0.0353, 0.0207], abs=5e-5)


def test_double_majority_blocking_clause() -> None:
    # Five states, populations 40, 30, 20, 6, 4 (millions); 55 % of 5 -> 3 states,
    # 65 % of 100 -> 65; blocking minority 2, so any 4 states win. {1, 2} alone hold 70
    # but are two states: they lose. {2, 3, 4, 5} hold 60 < 65 but are four: they win.
    game = double_majority_game(
        [40_000_000, 30_000_000, 20_000_000, 6_000_000, 4_000_000],
        min_members=3,
        blocking_minority=2,
    )
    assert (game.quota, game.min_members, game.override) == (65_000, 3, 4)
    assert not game.wins(2, 70_000)
    assert game.wins(4, 60_000)
    assert game.wins(3, 90_000)
    assert not game.wins(3, 64_999)
    bz, ss = brute_force(game)
    assert banzhaf_index(game) == pytest.approx(bz, abs=1e-12)
    assert shapley_shubik_index(game) == pytest.approx(ss, abs=1e-12)


def test_lisbon_quota_is_exact_rational() -> None:
    # 65 % of 100 units is exactly 65 (no float 64.99999...), 55 % of 28 states is 15.4 -> 16
    game = double_majority_game([1000] * 28, unit=1, min_members=15)
    assert game.min_members == 16
    assert game.quota == math.ceil(0.65 * 28_000)
    assert double_majority_game([25] * 4, unit=1, min_members=0).quota == 65


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"weights": [1, -1], "quota": 1}, "must be >= 0"),
        ({"weights": [1, 1], "quota": 0}, "quota must be >= 1"),
        ({"weights": [1, 1], "quota": 3}, "no coalition can win"),
        ({"weights": [1.5, 1], "quota": 1}, "must be integers"),
        ({"weights": [], "quota": 1}, "1 to 62 players"),
    ],
)
def test_bad_games_are_refused(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(DetenteError, match=match):
        weighted_game(kwargs["weights"], kwargs["quota"])  # type: ignore[arg-type]


def test_oversized_quota_is_refused() -> None:
    with pytest.raises(DetenteError, match="use coarser weights"):
        double_majority_game([450_000_000, 1], unit=1, min_members=0, blocking_minority=2)


games = st.integers(min_value=1, max_value=9).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(min_value=0, max_value=25), min_size=n, max_size=n),
        st.floats(min_value=0.01, max_value=1.0),
        st.integers(min_value=0, max_value=n),
        st.one_of(st.none(), st.integers(min_value=1, max_value=n)),
    )
)


def _game(spec: tuple[list[int], float, int, int | None]) -> VotingGame:
    weights, share, members, override = spec
    total = max(sum(weights), 1)
    quota = max(1, math.ceil(share * total))
    if quota > sum(weights):
        override = len(weights) if override is None else override
    return VotingGame(tuple(weights), quota, min_members=members, override=override)


def _has_swings(game: VotingGame) -> bool:
    return bool(swing_counts(game).sum() > 0)


@settings(max_examples=150, deadline=None)
@given(games)
def test_agrees_with_brute_force(spec: tuple[list[int], float, int, int | None]) -> None:
    game = _game(spec)
    if not _has_swings(game):
        with pytest.raises(DetenteError, match="no player ever swings"):
            banzhaf_index(game)
        return
    bz, ss = brute_force(game)
    assert banzhaf_index(game) == pytest.approx(bz, abs=1e-12)
    assert shapley_shubik_index(game) == pytest.approx(ss, abs=1e-12)


@settings(max_examples=150, deadline=None)
@given(games)
def test_sums_to_one_and_is_monotone_in_weight(
    spec: tuple[list[int], float, int, int | None],
) -> None:
    game = _game(spec)
    if not _has_swings(game):
        return
    bz, ss = banzhaf_index(game), shapley_shubik_index(game)
    assert bz.sum() == pytest.approx(1.0, abs=1e-12)
    assert ss.sum() == pytest.approx(1.0, abs=1e-12)
    w = np.asarray(game.weights)
    heavier = w[:, None] >= w[None, :]
    # a heavier player is at least as powerful (desirability; Felsenthal & Machover 1998)
    assert np.all((bz[:, None] >= bz[None, :] - 1e-12) | ~heavier)
    assert np.all((ss[:, None] >= ss[None, :] - 1e-12) | ~heavier)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=20), min_size=2, max_size=8),
    st.floats(min_value=0.3, max_value=1.0),
)
def test_null_player_and_symmetry_in_weighted_games(weights: list[int], share: float) -> None:
    quota = max(1, math.ceil(share * max(sum(weights), 1)))
    if quota > sum(weights):
        return
    game = weighted_game(weights, quota)
    bz, ss = banzhaf_index(game), shapley_shubik_index(game)
    w = np.asarray(weights)
    # weight 0 never turns a losing coalition into a winning one
    assert np.all(bz[w == 0] == 0) and np.all(ss[w == 0] == 0)
    same = w[:, None] == w[None, :]
    assert np.all(np.abs(bz[:, None] - bz[None, :])[same] < 1e-12)
    assert np.all(np.abs(ss[:, None] - ss[None, :])[same] < 1e-12)
    # relabelling the players relabels their power (the DP's order does not matter)
    flipped = weighted_game(weights[::-1], quota)
    assert banzhaf_index(flipped)[::-1] == pytest.approx(bz, abs=1e-12)
    assert shapley_shubik_index(flipped)[::-1] == pytest.approx(ss, abs=1e-12)
