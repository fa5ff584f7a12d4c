"""Stokman's exchange model: actors trade voting positions across issues.

Two actors who stand on opposite sides of the expected outcome on two issues, and who
care about those issues in different proportions, can both gain: each shifts its voting
position towards the other on the issue it cares about less. The expected outcome of
an issue is the capability x salience weighted mean of the (voting) positions,

.. math:: O_d = \\frac{\\sum_i c_i s_{id} x_{id}}{\\sum_i c_i s_{id}},

and actor *i*'s gain from outcome shifts is ``sum_d s_id * (shift of O_d towards x_id)``.
In the equal-gain variant both partners gain the same; in the random-rate variant the
exchange rate is drawn between the two rates at which one partner gains nothing. Each
round every profitable exchange is computed, they are carried out by falling gain,
overlapping ones are recomputed, and the round's outcome is ``O`` on the voting
positions; actors then start the next round partway towards their voting positions.
The engine and each rule's source are in :mod:`detente.models._exchange_rounds` and
``docs/models/exchange.md``.

Sources: Stokman, F. N. & Van Oosten, R. (1994), "The exchange of voting positions: an
object-oriented model of policy networks", in Bueno de Mesquita & Stokman (eds.),
*European Community Decision Making*, Yale UP, 105-127; Dijkstra, J., Van Assen,
M. A. L. M., Stokman, F. N. & Draaijer, J. (2018), "Random variation of exchange rates
in the equal utility exchange model", technical report; decide-exchange-model
(Draaijer, version 2022.1.9), whose results on the Copenhagen and Paris data this
module reproduces (``tests/published/test_exchange_decide.py``).
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, get_args

import numpy as np

from detente.errors import ModelError
from detente.models import _exchange_rounds as engine
from detente.models._actor_order import canonical_order, issue_arrays
from detente.models.base import Forecast, IssueForecast, RngLike, as_generator, with_options
from detente.models.median import weighted_median
from detente.scenario import Scenario

__all__ = ["MODEL", "ExchangeModel", "ExchangeRun", "run_exchange"]

Rate = Literal["equal-gain", "random"]


class ExchangeRun:
    """The arrays of a run: ``outcomes`` (rounds + 1, m), ``voting`` (rounds + 1, n, m).

    Row 0 is the input; row ``r`` the outcome on (and the voting positions of) round
    ``r``, all on the 0-100 scale. ``exchanges[r - 1]`` lists round ``r``'s exchanges.
    """

    def __init__(
        self, outcomes: np.ndarray, voting: np.ndarray, exchanges: list[list[engine.ExchangeRecord]]
    ) -> None:
        self.outcomes = outcomes
        self.voting = voting
        self.exchanges = exchanges


def run_exchange(
    positions: np.ndarray,
    saliences: np.ndarray,
    capabilities: np.ndarray,
    *,
    rounds: int = 10,
    rng: np.random.Generator | None = None,
    ties: engine.Ties = "numbers",
) -> ExchangeRun:
    """Run the exchange model on normalised arrays.

    Parameters
    ----------
    positions : ndarray, shape (n, m)
        Positions on 0-100 (``nan``: no stance on that issue).
    saliences : ndarray, shape (n, m)
        Saliences on 0-1.
    capabilities : ndarray, shape (n, m)
        Capabilities (decide's power); only ratios within an issue matter.
    rounds : int
        Number of rounds (decide's ``--iterations``, default 10).
    rng : numpy.random.Generator, optional
        Given: the random-rate variant, one uniform draw per candidate exchange per round,
        in the order of the arrays. ``None``: the equal-gain variant (no randomness).
    ties : {"numbers", "decide"}
        Order of exchanges of equal gain: by their moves, saliences and positions
        (detente's rule, independent of names and input order), or decide's list order
        (its ``ALLOW_RANDOM = False``), used to reproduce decide's runs.
    """
    x = np.array(positions, dtype=float)
    voting, outs, done_by_round = [x.copy()], [], []
    state = engine.RoundState(x, saliences, capabilities)
    outs.append(state.outcomes.copy())
    for _ in range(rounds):
        votes, start, done = engine.run_round(state, rng, ties)
        outs.append(engine.outcome(votes, saliences, capabilities)[1])
        voting.append(votes)
        done_by_round.append(done)
        state = engine.RoundState(start, saliences, capabilities)
    return ExchangeRun(np.array(outs), np.array(voting), done_by_round)


class ExchangeModel:
    """Stokman's exchange of voting positions, equal-gain or random-rate.

    Parameters
    ----------
    rounds : int, default 10
        Rounds of exchange (decide's default number of iterations). The forecast is the
        expected outcome ``O`` on the voting positions of the last round.
    rate : {"equal-gain", "random"}, default "equal-gain"
        ``"equal-gain"``: both partners gain the same (Stokman & Van Oosten 1994).
        ``"random"``: each exchange's rate is drawn uniformly between the two partners'
        break-even rates, from the ``rng`` passed to :meth:`forecast` (Dijkstra et al.
        2018); run it under ``--runs`` to see the spread.

    Notes
    -----
    Positions are mapped to 0-100 per issue (as decide does) and back. Actors are
    processed in an order set by their numbers, and exchanges of exactly equal gain
    are ordered by their moves and saliences, never by name or input order.
    """

    name: ClassVar[str] = "exchange"
    title: ClassVar[str] = (
        "Exchange model (Stokman): actors trade voting positions across issues, equal gain"
    )
    citation: ClassVar[str] = (
        "Stokman & Van Oosten (1994) The exchange of voting positions, in European "
        "Community Decision Making, Yale UP; Dijkstra, Van Assen, Stokman & Draaijer "
        "(2018) Random variation of exchange rates in the equal utility exchange model"
    )
    requires_agreement: ClassVar[bool] = False
    #: Not solved on every Monte Carlo draw unless named (``-m``): solved game by game,
    #: it would dominate ``forecast --runs``: 5.0 s CPU for 2,000 draws of the default
    #: scenario against 3.4 s for every default model, about ten minutes for 2,000 draws
    #: of an 11 x 7 scenario (docs/performance.md).
    monte_carlo_by_default: ClassVar[bool] = False
    #: Left out of the default model set above this many actors (named with ``-m`` it
    #: runs at any size): its time grows with about the cube of the actor count
    #: (docs/performance.md, "Many actors").
    default_max_actors: ClassVar[int | None] = 50

    def __init__(self, *, rounds: int = 10, rate: Rate = "equal-gain") -> None:
        if isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 1:
            raise ModelError(f"exchange: rounds must be an integer >= 1, got {rounds!r}")
        if rate not in get_args(Rate):
            raise ModelError(f"exchange: rate must be one of {get_args(Rate)}, got {rate!r}")
        self.rounds = rounds
        self.rate: Rate = rate

    def options(self) -> dict[str, Any]:
        """The model's options as a JSON-ready mapping."""
        return {"rounds": self.rounds, "rate": self.rate}

    def forecast(self, scenario: Scenario, *, rng: RngLike = None) -> Forecast:
        configured = with_options(self, scenario.models.get(self.name))
        if configured is not self:  # the scenario's models block and --option apply
            return configured.forecast(scenario, rng=rng)
        data, actor_ids, x, s, c = issue_arrays(scenario)
        x = x * 100.0
        order = canonical_order(c, s, x)
        generator = as_generator(rng) if self.rate == "random" else None
        run = run_exchange(x[order], s[order], c[order], rounds=self.rounds, rng=generator)
        ids = [actor_ids[k] for k in order]
        results = []
        for d, item in enumerate(data):
            lo, hi = item.scale
            back = (hi - lo) / 100.0
            moved = 0
            has = ~np.isnan(x[order, d])
            present = [i for i, h in zip(ids, has, strict=True) if h]
            w = (s[order, d] * c[order, d])[has]
            history = []
            for r in range(self.rounds + 1):
                votes = run.voting[r][has, d] * back + lo
                moves = [] if r == 0 else _offers(run.exchanges[r - 1], d, ids, back, lo)
                moved += len(moves)
                history.append(
                    {
                        "round": r,
                        "median": weighted_median(votes, w),
                        "mean": float(run.outcomes[r, d] * back + lo),
                        "positions": dict(zip(present, votes.tolist(), strict=True)),
                        "offers": moves,
                    }
                )
            final = float(np.clip(run.outcomes[-1, d] * back + lo, lo, hi))
            details = {
                "initial": float(run.outcomes[0, d] * back + lo),
                "exchanges": moved,
                "rounds": history,
            }
            results.append(IssueForecast(item.issue.id, final, details))
        return Forecast(self.name, tuple(results))


def _offers(
    done: list[engine.ExchangeRecord], issue: int, ids: list[str], back: float, lo: float
) -> list[dict[str, Any]]:
    out = []
    for ex in done:
        for mover, partner in ((ex.i, ex.j), (ex.j, ex.i)):
            if mover.supply == issue:
                out.append(
                    {
                        "from": ids[partner.actor],
                        "to": ids[mover.actor],
                        "type": "exchange",
                        "new_position": mover.y * back + lo,
                        "gain": ex.gain_i if mover is ex.i else ex.gain_j,
                    }
                )
    return out


MODEL = ExchangeModel()
