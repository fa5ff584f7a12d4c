"""Scores of probability forecasts (detente.analysis.scores), worked out by hand.

The Murphy (1973) decomposition, the log score with its clipping rule and the AUC are
checked on tiny forecast sets whose values are computed in the comments; the AUC also
against scikit-learn's ``roc_auc_score`` and the decomposition against its identity
``Brier = REL - RES + UNC + within-bin`` on random forecasts (hypothesis).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.analysis.scores import (
    LOG_CLIP,
    auc_score,
    brier_decomposition,
    brier_score,
    log_score,
    score_forecaster,
)
from detente.errors import DetenteError


def test_decomposition_by_hand() -> None:
    # Five bins. Forecasts 0.1, 0.1 (bin 0) with outcomes 0, 1; 0.9, 0.9 (bin 4) with 1, 1.
    # o = 3/4. Bin 0: f = 0.1, o_k = 0.5; bin 4: f = 0.9, o_k = 1.
    # REL = (2 * 0.4^2 + 2 * 0.1^2) / 4 = (0.32 + 0.02) / 4 = 0.085
    # RES = (2 * (0.5 - 0.75)^2 + 2 * (1 - 0.75)^2) / 4 = 0.0625
    # UNC = 0.75 * 0.25 = 0.1875; equal forecasts in each bin, so no within-bin term:
    # Brier = (0.01 + 0.81 + 0.01 + 0.01) / 4 = 0.21 = 0.085 - 0.0625 + 0.1875.
    p, o = [0.1, 0.1, 0.9, 0.9], [False, True, True, True]
    parts = brier_decomposition(p, o, bins=5)
    assert parts.reliability == pytest.approx(0.085)
    assert parts.resolution == pytest.approx(0.0625)
    assert parts.uncertainty == pytest.approx(0.1875)
    assert parts.within_bin == pytest.approx(0.0, abs=1e-12)
    assert brier_score(p, o) == pytest.approx(0.21)


def test_decomposition_of_a_constant_base_rate_is_pure_uncertainty() -> None:
    # a constant equal to the base rate: REL = RES = 0, Brier = UNC = f (1 - f)
    parts = brier_decomposition([0.25] * 4, [True, False, False, False])
    assert parts.reliability == pytest.approx(0.0, abs=1e-15)
    assert parts.resolution == pytest.approx(0.0, abs=1e-15)
    assert parts.uncertainty == pytest.approx(0.1875)


@given(
    st.lists(
        st.tuples(st.floats(0, 1), st.booleans()),
        min_size=1,
        max_size=30,
    ),
    st.integers(1, 12),
)
def test_decomposition_adds_up(pairs: list[tuple[float, bool]], bins: int) -> None:
    p = [x for x, _ in pairs]
    o = [y for _, y in pairs]
    parts = brier_decomposition(p, o, bins=bins)
    total = parts.reliability - parts.resolution + parts.uncertainty + parts.within_bin
    assert total == pytest.approx(brier_score(p, o), abs=1e-12)
    assert parts.reliability >= 0 and parts.resolution >= 0


def test_log_score_by_hand_and_clipping() -> None:
    # -(ln 0.8 + ln 0.5) / 2 = (0.22314 + 0.69315) / 2 = 0.45815
    score, clipped = log_score([0.8, 0.5], [True, False])
    assert score == pytest.approx((math.log(1 / 0.8) + math.log(2)) / 2)
    assert clipped == 0
    # a confident miss (p = 0 for an event that happened) costs -ln(0.001) = 6.9078
    score, clipped = log_score([0.0, 1.0], [True, True])
    assert score == pytest.approx((-math.log(LOG_CLIP) - math.log(1 - LOG_CLIP)) / 2)
    assert clipped == 2
    with pytest.raises(DetenteError, match="clip"):
        log_score([0.5], [True], clip=0.0)


def test_auc_by_hand() -> None:
    # events at 0.9 and 0.4, non-events at 0.4 and 0.1: pairs (0.9, 0.4) win, (0.9, 0.1)
    # win, (0.4, 0.4) tie = 1/2, (0.4, 0.1) win: AUC = 3.5 / 4 = 0.875
    assert auc_score([0.9, 0.4, 0.4, 0.1], [True, True, False, False]) == pytest.approx(0.875)
    assert auc_score([0.3, 0.6], [True, True]) is None


@settings(deadline=None, max_examples=50)  # the first call imports scikit-learn
@given(st.lists(st.tuples(st.floats(0, 1), st.booleans()), min_size=2, max_size=40))
def test_auc_agrees_with_scikit_learn(pairs: list[tuple[float, bool]]) -> None:
    from sklearn.metrics import roc_auc_score

    p = np.array([x for x, _ in pairs])
    o = np.array([y for _, y in pairs])
    ours = auc_score(p.tolist(), o.tolist())
    if o.all() or not o.any():
        assert ours is None
    else:
        assert ours == pytest.approx(roc_auc_score(o, p))


def test_forecaster_score_document_names_the_default() -> None:
    score = score_forecaster("x", "model", [0.2, 0.7], [False, True], default=True)
    document = score.to_dict()
    assert document["name"] == "x" and document["default"] is True
    assert document["auc"] == 1.0
    assert document["log_score"] == pytest.approx((math.log(1 / 0.8) + math.log(1 / 0.7)) / 2)
    assert "default" not in score_forecaster("y", "model", [0.2], [True]).to_dict()


def test_standard_errors_by_hand() -> None:
    # squared errors 0.04, 0.01, 0.25: mean 0.1, sd (ddof 1) = sqrt(((0.06)^2 + (0.09)^2
    # + (0.15)^2) / 2) = sqrt(0.0171) = 0.13077, se = 0.13077 / sqrt(3) = 0.07550
    score = score_forecaster(
        "x", "model", [0.2, 0.9, 0.5], [False, True, True], reference_probabilities=[0.5] * 3
    )
    assert score.brier_se == pytest.approx(math.sqrt(0.0171 / 3))
    # against a constant 0.5 (errors 0.25 each): differences -0.21, -0.24, 0: mean -0.15
    assert score.versus_reference is not None
    assert score.versus_reference[0] == pytest.approx(-0.15)
    differences = np.array([-0.21, -0.24, 0.0])
    assert score.versus_reference[1] == pytest.approx(np.std(differences, ddof=1) / math.sqrt(3))
    assert score_forecaster("y", "model", [0.2], [True]).brier_se is None
