"""KTAB's Spatial Model of Politics (SMP): challenges and bargains on all issues at once.

Each actor holds a position on every issue (KTAB's dimensions) and shares its attention
among them. Each turn, every actor looks for the rival it gains most by challenging,
both sides' views of who would win a contest give two bargains, and every actor then
settles on one of the bargains it is part of (or its status quo) through a probabilistic
Condorcet election among all actors. Turns repeat until the positions move less than
2% of the first turn's movement. The forecast for an issue is the expected position of
the final state: each distinct position weighted by its probability of prevailing.

The engine is in :mod:`detente.models._smp_pce` (scoring a state) and
:mod:`detente.models._smp_turns` (a turn); the equations, KTAB's options and every
choice made are in ``docs/models/smp.md``; ``tests/published/test_smp_ktab.py`` checks
it against KTAB's own reference runs.

Sources: Wise, B., Lester, L., Efird, B. et al., "KTAB: the KAPSARC Toolkit for
Behavioral Analysis" (KAPSARC), and KTAB's SMP code (``smp.cpp``, ``kmodel.cpp``, MIT
licence); Efird, B. & Lester, L., "Markov voting with incentives in KTAB".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any, ClassVar, Literal, get_args

import numpy as np

from detente.errors import ModelError
from detente.models import _smp_pce as pce
from detente.models._actor_order import canonical_order, issue_arrays
from detente.models._smp_accommodation import (
    Accommodation,
    accommodation_matrix,
    move_ideals,
    parse_accommodation,
)
from detente.models._smp_ktab_random import DEFAULT_SEED, KTABRandom
from detente.models._smp_turns import (
    Bargain,
    BargainModel,
    Chooser,
    Interpolation,
    SMPOptions,
    ThirdPartyCommit,
    Transitions,
    TurnOrder,
    run_turn,
    score_state,
)
from detente.models.base import Forecast, IssueForecast, RngLike, as_generator, with_options
from detente.models.median import weighted_median
from detente.scenario import Scenario

__all__ = ["MODEL", "SMPModel", "SMPRun", "run_smp"]

_CHOICES: dict[str, tuple[str, ...]] = {
    "voting": get_args(pce.VotingRule),
    "victory": get_args(pce.VictoryModel),
    "pce": get_args(pce.PCEModel),
    "big_r_range": get_args(pce.BigRRange),
    "big_r_adjust": get_args(pce.BigRAdjust),
    "third_party": get_args(ThirdPartyCommit),
    "bargain": get_args(BargainModel),
    "transitions": get_args(Transitions),
    "interpolation": get_args(Interpolation),
}


class SMPRun:
    """A run: ``positions`` and ``ideals`` (turns + 1, n, k) on 0-1, ``probabilities``
    (turns + 1, n)."""

    def __init__(
        self,
        positions: np.ndarray,
        probabilities: np.ndarray,
        chosen: list[dict[int, Bargain | None]],
        ideals: np.ndarray,
    ) -> None:
        self.positions = positions
        self.probabilities = probabilities
        self.chosen = chosen  # chosen[t - 1][k]: the bargain actor k took in turn t
        self.ideals = ideals

    def expected(self) -> np.ndarray:
        """(turns + 1, k): each state's expected position over its distinct positions."""
        out = []
        for x, p in zip(self.positions, self.probabilities, strict=True):
            first = pce._unique_positions(x)
            keep = np.unique(first)
            out.append((p[keep, None] * x[keep]).sum(axis=0) / p[keep].sum())
        return np.array(out)


def run_smp(
    positions: np.ndarray,
    saliences: np.ndarray,
    capabilities: np.ndarray,
    options: SMPOptions,
    *,
    rng: np.random.Generator | Chooser | None = None,
    max_turns: int = 100,
    tol: float = 0.02,
    accommodation: Accommodation | None = None,
    orders: Sequence[TurnOrder] = (),
) -> SMPRun:
    """Play turns until the state moves less than ``tol`` x the first turn's move.

    ``positions`` (n, k) and ``saliences`` (n, k, attention shares) on 0-1,
    ``capabilities`` (n,). The move between states is KTAB's ``stateDist``, the sum
    over actors of the Euclidean distance between their positions. Ideals start at the
    positions and follow them by ``accommodation`` (KTAB's identity when ``None``).
    ``rng`` draws the stochastic transitions (a ``numpy.random.Generator``, or KTAB's
    generator to reproduce a KTAB run); ``orders[t]``, where given, fixes turn ``t``'s
    order as one of KTAB's threaded runs had it (:class:`TurnOrder`).
    """
    states, probs = [np.array(positions, dtype=float)], []
    ideals = [states[0].copy()]
    chosen: list[dict[int, Bargain | None]] = []
    first: float | None = None
    for t in range(max_turns):
        order = orders[t] if t < len(orders) else None
        turn = run_turn(states[-1], saliences, capabilities, options, rng, ideals[-1], order)
        probs.append(turn.probabilities)
        states.append(turn.positions)
        ideals.append(move_ideals(ideals[-1], turn.positions, accommodation))
        chosen.append(turn.chosen)
        moved = float(np.linalg.norm(states[-1] - states[-2], axis=1).sum())
        first = moved if first is None else first
        if first <= 0 or moved / first < tol:
            break
    last = score_state(states[-1], saliences, capabilities, options, ideals[-1])
    probs.append(last.probabilities)
    return SMPRun(np.array(states), np.array(probs), chosen, np.array(ideals))


class SMPModel:
    """KTAB's SMP with KTAB's options (defaults as KTAB's ``smpExample.xml``).

    Parameters
    ----------
    voting : {"binary", "prop-bin", "proportional", "prop-cubic", "cubic", "asym-prospect"}
        KTAB's VotingRule (default PropCbc).
    victory : {"linear", "square", "quartic", "octic", "binary"}
        VictoryProbModel (default Linear).
    pce : {"conditional", "markov-incentive", "markov-uniform"}
        PCEModel (default MarkovIncentive).
    big_r_range : {"min", "mid", "max"}
        BigRRange, the range of inferred risk attitudes (default Mid, [-0.5, 1]).
    big_r_adjust : {"full", "two-thirds", "half", "one-third", "none"}
        BigRAdjust, how much of another's risk attitude an actor sees (default OneThird).
    third_party : {"full", "semi", "none"}
        ThirdPartyCommit (default SemiCommit).
    bargain : {"init-only", "init-rcvr", "power-weighted"}
        BargnModel: the initiator's interpolated bargain (InitOnlyInterp, default),
        both sides' bargains as two options (InitRcvrInterp), or their power-weighted
        compromise (PWCompInterp).
    transitions : {"stochastic", "deterministic"}
        StateTransitions: draw each actor's bargain from the election's probabilities
        (default, using the ``rng`` of :meth:`forecast`) or take the likeliest.
    interpolation : {"s2p2", "s1p1", "s2pmax"}
        InterVecBrgn, how a bargain's positions are interpolated (default S2P2).
    max_turns : int
        Upper bound on turns (default 100).
    accommodation : str
        KTAB's ideal-accommodation matrix (IdealAdjustment), one row per adjusting actor:
        ``"A: A=0.87; B: B=0.75, A=0.07"`` (actor ids, rates in [0, 1], each row's sum
        at most 1; :mod:`detente.models._smp_accommodation`). Empty (the default) is
        KTAB's identity: ideals follow positions at once.
    rng : {"numpy", "ktab"}
        Which generator draws the stochastic transitions: the ``rng`` given to
        :meth:`forecast` (default), or KTAB's own (``mt19937_64`` with its scramble,
        :mod:`detente.models._smp_ktab_random`) seeded with ``ktab_seed``, to reproduce
        a KTAB run; then actors play in the scenario's order, as in KTAB's input file.
    ktab_seed : int
        KTAB's ``prngSeed`` for ``rng: ktab`` (default KTAB's own default seed).

    Notes
    -----
    Scenario saliences (0-1 per issue) are read back into KTAB's attention shares with
    ``share_k = s_k max_j s_j / sum_j s_j`` (the inverse of detente's KTAB import). An
    actor without a stance on an issue gets salience 0 there and sits at the issue's
    capability x salience weighted mean. Capabilities are rescaled to a largest of 100
    (KTAB's coalition floor ``1e-8`` is absolute, so this keeps results independent of
    the capability unit). Actors are processed in an order set by their numbers.
    """

    name: ClassVar[str] = "smp"
    title: ClassVar[str] = (
        "KTAB Spatial Model of Politics: challenges, bargains and a probabilistic "
        "Condorcet election on all issues at once"
    )
    citation: ClassVar[str] = (
        "Wise, Lester, Efird et al. KTAB: the KAPSARC Toolkit for Behavioral Analysis "
        "(KAPSARC; SMP code, MIT licence); Efird & Lester, Markov voting with incentives"
    )
    requires_agreement: ClassVar[bool] = False
    #: Not solved on every Monte Carlo draw unless named (``-m``): solved game by game,
    #: it would dominate ``forecast --runs``: 14.3 s CPU for 2,000 draws of the default
    #: scenario against 3.4 s for every default model together (docs/performance.md).
    monte_carlo_by_default: ClassVar[bool] = False
    #: Left out of the default model set above this many actors (named with ``-m`` it
    #: runs at any size): its time grows with about the cube of the actor count
    #: (docs/performance.md, "Many actors").
    default_max_actors: ClassVar[int | None] = 50

    def __init__(
        self,
        *,
        voting: pce.VotingRule = "prop-cubic",
        victory: pce.VictoryModel = "linear",
        pce: pce.PCEModel = "markov-incentive",
        big_r_range: pce.BigRRange = "mid",
        big_r_adjust: pce.BigRAdjust = "one-third",
        third_party: ThirdPartyCommit = "semi",
        bargain: BargainModel = "init-only",
        transitions: Transitions = "stochastic",
        interpolation: Interpolation = "s2p2",
        max_turns: int = 100,
        accommodation: str = "",
        rng: Literal["numpy", "ktab"] = "numpy",
        ktab_seed: int = DEFAULT_SEED,
        **unknown: Any,
    ) -> None:
        if unknown:
            key = next(iter(unknown))
            raise ModelError(f"smp: unknown option {key!r}; options: {', '.join(_CHOICES)}")
        # keyword-only and typed, so --option and a scenario's models block can set them
        options: dict[str, str] = {"voting": voting, "victory": victory, "pce": pce}
        options.update(big_r_range=big_r_range, big_r_adjust=big_r_adjust)
        options.update(third_party=third_party, bargain=bargain, transitions=transitions)
        options.update(interpolation=interpolation)
        for key, value in options.items():
            if value not in _CHOICES[key]:
                raise ModelError(f"smp: {key} must be one of {_CHOICES[key]}, got {value!r}")
        if isinstance(max_turns, bool) or not isinstance(max_turns, int) or max_turns < 1:
            raise ModelError(f"smp: max_turns must be an integer >= 1, got {max_turns!r}")
        self.settings = SMPOptions(**options)  # type: ignore[arg-type]
        self.max_turns = max_turns
        if not isinstance(accommodation, str):
            raise ModelError(f"smp: accommodation must be text, got {accommodation!r}")
        self.rows = parse_accommodation(accommodation)
        self.accommodation = accommodation
        if rng not in ("numpy", "ktab"):
            raise ModelError(f"smp: rng must be one of ('numpy', 'ktab'), got {rng!r}")
        try:
            KTABRandom(ktab_seed)
        except ValueError as exc:
            raise ModelError(f"smp: ktab_seed: {exc}") from None
        self.rng, self.ktab_seed = rng, ktab_seed

    def options(self) -> dict[str, Any]:
        """The model's options as a JSON-ready mapping."""
        out: dict[str, Any] = {f.name: getattr(self.settings, f.name) for f in fields(SMPOptions)}
        out.update(max_turns=self.max_turns, accommodation=self.accommodation)
        out.update(rng=self.rng, ktab_seed=self.ktab_seed)
        return out

    def forecast(self, scenario: Scenario, *, rng: RngLike = None) -> Forecast:
        configured = with_options(self, scenario.models.get(self.name))
        if configured is not self:  # the scenario's models block and --option apply
            return configured.forecast(scenario, rng=rng)
        data, ids, x, s, c = issue_arrays(scenario)
        caps = np.array([float(a.capability) for a in scenario.actors])
        for d in range(len(data)):
            rows = ~np.isnan(x[:, d])
            w = s[rows, d] * c[rows, d]
            x[~rows, d] = float((w * x[rows, d]).sum() / w.sum())
        # an actor with salience 0 on every issue has no effective power (c S = 0) and
        # no distance as it sees it (0 / 0): it takes no part (docs/models/smp.md); some
        # actor always remains, as issue_arrays refuses an issue where no one has weight
        caring = s.sum(axis=1) > 0
        others = {ident: x[k] for k, ident in enumerate(ids) if not caring[k]}
        ids = [ident for ident, keep in zip(ids, caring, strict=True) if keep]
        x, s, c, caps = x[caring], s[caring], c[caring], caps[caring]
        total = s.sum(axis=1)
        if not caps.max() > 0:
            raise ModelError("smp: every capability is 0")
        shares = s * s.max(axis=1, keepdims=True) / total[:, None]
        draws: np.random.Generator | KTABRandom | None = None
        if self.rng == "ktab":  # KTAB's generator, actors in the scenario's (its file's) order
            order = np.arange(len(ids))
            draws = KTABRandom(self.ktab_seed)
        else:
            order = canonical_order(caps, shares, x)
            if self.settings.transitions == "stochastic":
                draws = as_generator(rng)
        ordered_ids = [ids[k] for k in order]
        run = run_smp(
            x[order],
            shares[order],
            caps[order] * 100.0 / caps.max(),
            self.settings,
            rng=draws,
            max_turns=self.max_turns,
            accommodation=accommodation_matrix(self.rows, ordered_ids, others, len(data)),
        )
        expected = run.expected()
        weight = caps[order] * shares[order].sum(axis=1)
        results = []
        for d, item in enumerate(data):
            lo, hi = item.scale
            history = []
            for t in range(len(run.positions)):
                pos = run.positions[t][:, d] * (hi - lo) + lo
                step: dict[str, Any] = {
                    "round": t,
                    "median": weighted_median(pos, weight),
                    "mean": float(expected[t, d] * (hi - lo) + lo),
                    "positions": dict(zip(ordered_ids, pos.tolist(), strict=True)),
                    "probabilities": dict(
                        zip(ordered_ids, run.probabilities[t].tolist(), strict=True)
                    ),
                    "offers": [] if t == 0 else _offers(run.chosen[t - 1], ordered_ids, pos),
                }
                if self.rows:  # ideals apart from positions: show where utilities start
                    ideal = run.ideals[t][:, d] * (hi - lo) + lo
                    step["ideals"] = dict(zip(ordered_ids, ideal.tolist(), strict=True))
                history.append(step)
            outcome = float(np.clip(expected[-1, d] * (hi - lo) + lo, lo, hi))
            details = {"turns": len(run.positions) - 1, "rounds": history}
            results.append(IssueForecast(item.issue.id, outcome, details))
        return Forecast(self.name, tuple(results))


def _offers(
    chosen: dict[int, Bargain | None], ids: list[str], positions: np.ndarray
) -> list[dict[str, Any]]:
    """The bargains taken in a turn, as ``--rounds`` lists them (positions on the scale)."""
    out = []
    for k, bargain in sorted(chosen.items()):
        if bargain is not None:
            partner = bargain.rcvr if bargain.init == k else bargain.init
            out.append(
                {
                    "from": ids[partner],
                    "to": ids[k],
                    "type": "bargain",
                    "new_position": float(positions[k]),
                }
            )
    return out


MODEL = SMPModel()
