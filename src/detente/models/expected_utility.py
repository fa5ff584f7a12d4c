"""The expected-utility model of Bueno de Mesquita, as specified by Scholz et al. (2011).

Actors bargain round after round. In each round every actor weighs challenging every
other actor; where the challenged actor expects to lose, to gain by conceding part of
the way, or to do better by giving in, it accepts an offer and moves. The equations,
labelled (E1)-(E12) here and in ``docs/models/expected-utility.md``:

* (E1) distances over a fixed range: ``d_ij = |x_i - x_j| / R``;
* (E2) a voter's loss from an outcome: ``u_ka = d_ka ** r_k``; its vote for ``i`` over
  ``j`` is ``v_k^ij = c_k s_k (u_kj - u_ki)``; the weighted median ``mu`` is the
  position no other actor position beats in these votes with ``r = 1`` (Black 1948);
* (E3) probability of success ``P_ij = sum_k max(0, v_k^ij) / D``, where ``D`` is the
  paper's eq. (31) ``sum_k |v_k^ij|`` or the sum of every voter's absolute vote over
  every pair (``probability`` option);
* (E4)-(E8) utilities of success, failure, status quo, better and worse:
  ``U_s = 2 - 4 (0.5 - 0.5 d_ij)^r``, ``U_f = 2 - 4 (0.5 + 0.5 d_ij)^r``,
  ``U_sq = 2 - 4 (0.5)^r``, ``U_b = 2 - 4 (0.5 - 0.25 (d_i,mu + d_ij))^r``,
  ``U_w = 2 - 4 (0.5 + 0.25 (d_i,mu + d_ij))^r``;
* (E9) the expected utility of ``i`` challenging ``j``:
  ``EU^i(ij) = s_j [P_ij U_s + (1 - P_ij) U_f] + (1 - s_j) U_s - Q U_sq
  - (1 - Q) [T U_b + (1 - T) U_w]``;
* (E10)-(E11) risk: with every ``r = 1``, actor ``i``'s exposure
  ``S_i = sum_{j != i} EU^j(ji)``; ``R_i = (2 S_i - S_max - S_min) / (S_max - S_min)``;
  ``r_i = (1 - R_i / 3) / (1 + R_i / 3)`` in ``[0.5, 2]``; then (E3)-(E9) again;
* (E12) offers, from the receiver ``i``'s view: conflict (``E_j > E_i > 0``, move to
  ``x_j``), compromise (``E_i < 0 < E_j``, ``|E_i| <= E_j``, move by the share
  ``|E_i / E_j|`` of the way to ``x_j``), capitulation (``E_i < 0 < E_j``,
  ``|E_i| > E_j``, move to ``x_j``); every actor accepts one offer, all move at once.

Source: Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011), "Unravelling Bueno De
Mesquita's group decision model", *Journal of Theoretical Politics* 23(4): 510-531
(conference version: ICAART 2011, pp. 18-30), after Bueno de Mesquita (1994),
"Political forecasting: an expected utility method", in Bueno de Mesquita & Stokman
(eds.), *European Community Decision Making*, Yale UP. With the preset
``scholz-2011-table2`` the model reproduces the paper's Table 2
(``tests/published/test_scholz_2011_table2.py``); the forecasting default, preset
``deu-grouped-cv``, differs from it in one option (:data:`PRESETS`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, ClassVar, Literal, get_args

import numpy as np

from detente.errors import ModelError
from detente.models import _eu_games
from detente.models import _eu_rounds as rounds
from detente.models.base import IssueModel, check_issue_data, usable_draws
from detente.scenario import IssueData

__all__ = ["MODEL", "PRESETS", "ExpectedUtilityModel", "OutcomeRule", "Preset", "RangeRule"]

RangeRule = Literal["initial", "scale"]
OutcomeRule = Literal["settled", "final-median", "average-median"]
Preset = Literal["deu-grouped-cv", "scholz-2011-table2"]
ProbabilityChoice = Literal["preset", "all-votes", "pair"]

PRESETS: dict[str, dict[str, Any]] = {
    "deu-grouped-cv": {"probability": "pair"},
    "scholz-2011-table2": {"probability": "all-votes"},
}
"""Named defaults of the options that differ between presets (the others are shared).

``scholz-2011-table2``: the choices that reproduce Table 2 of Scholz et al. (2011) (the
denominator of the authors' code). ``deu-grouped-cv`` (the default): the paper's eq.
(31) denominator, chosen for forecasting by proposal-grouped 10-fold cross-validation
on DEU I-II (MAE 27.77 against 30.19; ``detente.analysis.procedural_fit``,
``docs/models/procedural.md``)."""
Scale = tuple[float, float] | np.ndarray


def _check_choice(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ModelError(f"expected-utility: {name} must be one of {list(allowed)}, got {value!r}")


class ExpectedUtilityModel(IssueModel):
    """Bueno de Mesquita's expected-utility model (Scholz, Calbert & Smith 2011).

    Parameters
    ----------
    q : float, default 1.0
        ``Q``, the probability that nothing changes if ``i`` does not challenge ``j``
        (E9). With ``Q = 1`` only ``-Q U_sq`` remains of the no-challenge branch, as in
        the code behind the paper's Table 2.
    t : float, default 1.0
        ``T``, the probability that, absent a challenge, things get better for ``i``
        (E9). No effect when ``q = 1``.
    preset : {"deu-grouped-cv", "scholz-2011-table2"}, default "deu-grouped-cv"
        Named defaults (:data:`PRESETS`) for the options left at ``"preset"``:
        ``scholz-2011-table2`` reproduces the paper's Table 2; ``deu-grouped-cv`` is the
        forecasting default chosen by proposal-grouped cross-validation on DEU I-II.
    probability : {"preset", "all-votes", "pair"}, default "preset"
        Denominator of the probability of success (E3): the sum of every voter's
        absolute vote over every ordered pair of actors (small probabilities; what
        reproduces Table 2), or the paper's eq. (31), the absolute votes on the pair
        ``(i, j)`` alone. ``"preset"``: the preset's (``pair`` by default).
    perspective : {"perceiver", "own"}, default "perceiver"
        Whose risk exponent actor ``i`` uses for ``j``'s utilities when it estimates
        ``EU^i(ji)``: its own ``r_i`` (what reproduces Table 2) or ``j``'s ``r_j``.
        Votes (E2) always use each voter's own exponent.
    risk : {"two-pass", "neutral"}, default "two-pass"
        ``"two-pass"``: utilities with every ``r = 1``, exposures and ``r_i`` in
        ``[0.5, 2]`` (E10-E11), then utilities again with ``r_i``. ``"neutral"``: every
        ``r_i = 1``, one pass.
    position_range : {"initial", "scale"}, default "initial"
        ``R`` in (E1), fixed for the whole run: the range of the initial positions
        (``max - min``; the issue's scale width if every actor starts at one point), or
        the width of the issue's scale.
    offer_choice : {"scholz-code", "type-strongest", "least-move"}, default "scholz-code"
        Which of its offers an actor accepts. ``"scholz-code"``: a conflict before a
        compromise before a capitulation; among conflicts or capitulations the least
        move; among compromises the lowest ``(|E_i| x_i + E_j x_j) / (|E_i| + E_j)``
        (the rule of the authors' code as reported by the public replication; it
        reproduces Table 2 but prefers lower positions, so it is not symmetric under
        reflecting the scale). ``"type-strongest"``: same order of types, among
        compromises the proposer with the largest ``E_j`` (symmetric; also reproduces
        Table 2). ``"least-move"``: the offer that moves the actor least, whatever its
        type (the paper's text; does not reproduce Table 2 after round 1).
    max_rounds : int, default 100
        Stop after this many rounds. The model is known not to stabilise (on the
        EC case the median cycles between about 7 and 9.9), so this bound is part of
        the stopping rule.
    tol : float, default 1e-6
        Stop early (``converged``) after a round in which no actor moved more than
        ``tol * R``.
    outcome : {"settled", "final-median", "average-median"}, default "settled"
        The forecast: the weighted median of the final round (``"final-median"``), the
        average of the weighted medians of rounds 1..N (``"average-median"``, the
        centre of a cycle), or ``"settled"``: the final median if the run converged,
        else the average median, since the last round of a cycle is an accident of
        ``max_rounds``.

    Notes
    -----
    No randomness: ``rng`` is accepted and unused. Actors are processed in order of
    their id, so the forecast does not depend on the order of the input, and exact ties
    between offers go to the lower offer type, then to the proposer with the smaller
    id. Expected utilities within ``1e-12`` of each other count as equal. Each round
    costs O(n^2 log n) time and O(n^2) memory (:mod:`detente.models._eu_rounds`).
    """

    name: ClassVar[str] = "expected-utility"
    title: ClassVar[str] = (
        "Expected-utility model (Bueno de Mesquita): challenges, offers and position "
        "changes round by round"
    )
    citation: ClassVar[str] = (
        "Scholz, Calbert & Smith (2011) Unravelling Bueno De Mesquita's group decision "
        "model, J. Theoretical Politics 23(4): 510-531; Bueno de Mesquita (1994) in "
        "European Community Decision Making, Yale UP"
    )

    def __init__(
        self,
        *,
        q: float = 1.0,
        t: float = 1.0,
        preset: Preset = "deu-grouped-cv",
        probability: ProbabilityChoice = "preset",
        perspective: rounds.Perspective = "perceiver",
        risk: rounds.RiskRule = "two-pass",
        position_range: RangeRule = "initial",
        offer_choice: rounds.OfferChoice = "scholz-code",
        max_rounds: int = 100,
        tol: float = 1e-6,
        outcome: OutcomeRule = "settled",
    ) -> None:
        for label, value in (("q", q), ("t", t)):
            if not (isinstance(value, int | float) and 0.0 <= value <= 1.0):
                raise ModelError(f"expected-utility: {label} must lie in [0, 1], got {value!r}")
        _check_choice("preset", preset, get_args(Preset))
        _check_choice("probability", probability, get_args(ProbabilityChoice))
        _check_choice("perspective", perspective, get_args(rounds.Perspective))
        _check_choice("risk", risk, get_args(rounds.RiskRule))
        _check_choice("position_range", position_range, get_args(RangeRule))
        _check_choice("offer_choice", offer_choice, get_args(rounds.OfferChoice))
        _check_choice("outcome", outcome, get_args(OutcomeRule))
        if isinstance(max_rounds, bool) or not isinstance(max_rounds, int) or max_rounds < 1:
            raise ModelError(
                f"expected-utility: max_rounds must be an integer >= 1, got {max_rounds!r}"
            )
        if not (isinstance(tol, int | float) and tol >= 0.0):
            raise ModelError(f"expected-utility: tol must be a number >= 0, got {tol!r}")
        self.q = float(q)
        self.t = float(t)
        self.preset: Preset = preset
        self.probability: rounds.Denominator = (
            PRESETS[preset]["probability"] if probability == "preset" else probability
        )
        self.perspective: rounds.Perspective = perspective
        self.risk: rounds.RiskRule = risk
        self.position_range: RangeRule = position_range
        self.offer_choice: rounds.OfferChoice = offer_choice
        self.max_rounds = max_rounds
        self.tol = float(tol)
        self.outcome: OutcomeRule = outcome

    def options(self) -> dict[str, Any]:
        """The model's options as a JSON-ready mapping."""
        return {
            "q": self.q,
            "t": self.t,
            "preset": self.preset,
            "probability": self.probability,
            "perspective": self.perspective,
            "risk": self.risk,
            "position_range": self.position_range,
            "offer_choice": self.offer_choice,
            "max_rounds": self.max_rounds,
            "tol": self.tol,
            "outcome": self.outcome,
        }

    def settings(self, data: IssueData) -> rounds.Settings:
        """The per-issue settings: the options plus the fixed range ``R`` (E1)."""
        big_r = self.position_ranges(data.positions[None], data.scale)
        return replace(self._round_settings(), position_range=float(big_r[0]))

    def _round_settings(self) -> rounds.Settings:
        return rounds.Settings(
            q=self.q,
            t=self.t,
            probability=self.probability,
            perspective=self.perspective,
            risk=self.risk,
            offer_choice=self.offer_choice,
        )

    def position_ranges(self, positions: np.ndarray, scale: Scale) -> np.ndarray:
        """``R`` (E1) of each game: ``(B, n)`` initial positions -> ``(B,)``.

        ``"initial"``: the spread of the game's initial positions, or the scale's width
        when every actor starts at one point; ``"scale"``: the scale's width. ``scale``
        is the issue's ``(low, high)``, or a ``(B, 2)`` array of one scale per game.
        """
        bounds = np.asarray(scale, dtype=float).reshape(-1, 2)
        width = np.broadcast_to(bounds[:, 1] - bounds[:, 0], positions.shape[:1])
        if self.position_range == "scale":
            return np.array(width, dtype=float)
        spread = positions.max(axis=1) - positions.min(axis=1)
        return np.where(spread > 0, spread, width)

    def solve(
        self,
        positions: np.ndarray,
        saliences: np.ndarray,
        capabilities: np.ndarray,
        scale: Scale,
        *,
        record: bool = False,
    ) -> _eu_games.Solved:
        """Play ``B`` games of one issue at once (Monte Carlo draws, settings, issues).

        Parameters
        ----------
        positions, saliences, capabilities:
            ``(B, n)`` arrays: each row one game of the same ``n`` actors, saliences on
            0-1. Rows must pass :func:`detente.models.base.check_issue_data` (finite,
            non-negative, a positive total weight).
        scale:
            The issue's ``(low, high)`` (or a ``(B, 2)`` array, one per game), for ``R``
            under ``position_range="scale"`` or when every actor starts at one point.
        record:
            Keep every round of every game (for :meth:`predict_issue`'s details).

        Returns
        -------
        detente.models._eu_games.Solved
            ``outcome`` (``(B,)``, not clipped), stopping round, convergence, and so on;
            each game exactly as :meth:`predict_issue` would play it alone.
        """
        x = np.asarray(positions, dtype=float)
        s = np.asarray(saliences, dtype=float)
        w = np.asarray(capabilities, dtype=float) * s
        return _eu_games.solve_games(
            x,
            w,
            s,
            self.position_ranges(x, scale),
            self._round_settings(),
            max_rounds=self.max_rounds,
            tol=self.tol,
            outcome=self.outcome,
            record=record,
        )

    def predict_draws(
        self,
        actor_ids: Sequence[str],
        positions: np.ndarray,
        saliences: np.ndarray,
        capabilities: np.ndarray,
        scale: tuple[float, float],
    ) -> np.ndarray:
        """The forecast of each of ``m`` draws of one issue (``(m, n)`` arrays, columns
        in the order of ``actor_ids``) -> ``(m,)``, clipped to the scale; nan where
        :func:`~detente.models.base.check_issue_data` would refuse a draw. Each draw is
        the outcome :meth:`forecast` gives on it (the same kernel, batched)."""
        ok = usable_draws(positions, saliences, capabilities)
        out = np.full(ok.size, np.nan)
        if ok.any():
            order = sorted(range(len(actor_ids)), key=lambda k: actor_ids[k])
            x, s, c = (v[ok][:, order] for v in (positions, saliences, capabilities))
            solved = self.solve(x, s, c, scale)
            out[ok] = np.clip(solved.outcome, *scale)
        return out

    def predict_issues(self, issues: Sequence[IssueData]) -> list[float | ModelError]:
        """Forecast many issues at once, games of the same size batched together.

        Each entry is the outcome :meth:`forecast` gives for that issue (clipped to the
        issue's scale), or the :class:`~detente.errors.ModelError` it would raise.
        """
        out: list[float | ModelError] = []
        groups: dict[int, list[int]] = {}
        for k, data in enumerate(issues):
            try:
                check_issue_data(data)
            except ModelError as exc:
                out.append(exc)
                continue
            out.append(float("nan"))
            groups.setdefault(data.positions.size, []).append(k)
        for members in groups.values():
            games = [_by_id(issues[k]) for k in members]
            x, s, c = (np.stack([game[j] for game in games]) for j in (1, 2, 3))
            scales = np.array([issues[k].scale for k in members], dtype=float)
            solved = self.solve(x, s, c, scales)
            clipped = np.clip(solved.outcome, scales[:, 0], scales[:, 1])
            for k, value in zip(members, clipped, strict=True):
                out[k] = float(value)
        return out

    def predict_issue(
        self, data: IssueData, *, rng: np.random.Generator
    ) -> tuple[float, dict[str, Any]]:
        """Run the rounds on one issue; return the outcome and the JSON-ready details.

        ``details["rounds"]`` lists round 0 (the inputs) and every round played, each
        ``{"round", "median", "mean", "positions", "offers"}``; ``offers`` holds the
        offer each actor accepted that round (at most one per actor) as
        ``{"from", "to", "type", "new_position"}``. Also: ``converged``,
        ``stopped_after`` (rounds played), ``outcome_rule`` (the statistic used),
        ``risk_exponents`` (of the last round) and ``options``.
        """
        ids, x, s, c = _by_id(data)
        solved = self.solve(x[None], s[None], c[None], data.scale, record=True)
        assert solved.records is not None
        record = solved.records[0]
        history = [_record(k, record, ids) for k in range(len(record.positions))]
        details: dict[str, Any] = {
            "rounds": history,
            "converged": bool(solved.converged[0]),
            "stopped_after": int(solved.stopped_after[0]),
            "outcome_rule": "final-median" if solved.final_used[0] else "average-median",
            "risk_exponents": {
                ident: float(v) for ident, v in zip(ids, _last_risk(record), strict=True)
            },
            "options": self.options(),
        }
        return float(solved.outcome[0]), details


def _by_id(data: IssueData) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Ids, positions, saliences, capabilities with the actors in order of their id."""
    order = sorted(range(len(data.actor_ids)), key=lambda k: data.actor_ids[k])
    ids = [data.actor_ids[k] for k in order]
    return (
        ids,
        np.asarray(data.positions[order], dtype=float),
        np.asarray(data.saliences[order], dtype=float),
        np.asarray(data.capabilities[order], dtype=float),
    )


def _last_risk(record: _eu_games.GameRecord) -> np.ndarray:
    return record.risk[-1] if record.risk else np.ones(record.positions[0].size)


def _record(number: int, record: _eu_games.GameRecord, ids: list[str]) -> dict[str, Any]:
    x = record.positions[number]
    offers: list[dict[str, Any]] = []
    if number > 0:
        proposer, kind = record.proposer[number - 1], record.offer_type[number - 1]
        for receiver in np.flatnonzero(proposer >= 0):
            offers.append(
                {
                    "from": ids[int(proposer[receiver])],
                    "to": ids[int(receiver)],
                    "type": rounds.OFFER_NAMES[int(kind[receiver])],
                    "new_position": float(x[receiver]),
                }
            )
    return {
        "round": number,
        "median": record.medians[number],
        "mean": record.means[number],
        "positions": {ident: float(v) for ident, v in zip(ids, x, strict=True)},
        "offers": offers,
    }


MODEL = ExpectedUtilityModel()
