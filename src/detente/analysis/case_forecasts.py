"""The forecasts of one historical case that need no other case (``backtest cases``).

For a case scenario: the dated model's Monte Carlo P(agreement by the horizon) and the
same at the modes, the two-level verdict at the modes and the reference class's outside
view. :func:`forecast_case` gives all four for one :class:`CaseTask`, the pure task
that :func:`detente.analysis.case_backtest.backtest_cases` runs once per case on any
executor (:mod:`detente.executors`). Case *c* runs with its own seed,
:func:`case_seed`, so its numbers depend neither on the other cases nor on the
executor. The cross-fitted forecasters, which depend on the other cases, are in
:mod:`detente.analysis.case_backtest`.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from detente.errors import DetenteError
from detente.scenario import Scenario

__all__ = [
    "DATED_MODEL",
    "STATIC_MODEL",
    "CaseForecasts",
    "CaseTask",
    "case_seed",
    "dated_probability",
    "dated_probability_at_modes",
    "forecast_case",
    "outside_view_probability",
    "static_verdict",
]

DATED_MODEL = "deadline-bargaining"
STATIC_MODEL = "two-level"


def case_seed(seed: int, name: str) -> int:
    """The Monte Carlo seed of case ``name``: ``SeedSequence([seed, crc32(name)])``."""
    sequence = np.random.SeedSequence([seed, zlib.crc32(name.encode("utf-8"))])
    return int(sequence.generate_state(1, dtype=np.uint32)[0])


def dated_probability(
    scenario: Scenario,
    *,
    runs: int,
    seed: int,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> float:
    """P(agreement by ``horizon``) from the dated model, averaged over ``runs`` draws.

    Parameters
    ----------
    scenario:
        A scenario with an ``agreement``.
    runs, seed, workers:
        Passed to :func:`detente.uncertainty.run_monte_carlo` (the dated model only).
    progress:
        Called with the number of draws done so far.

    Returns
    -------
    float
        ``agreement.by[horizon]`` of the Monte Carlo result: the mean over draws of the
        probability that the agreement is signed by the horizon.
    """
    from detente.uncertainty import run_monte_carlo

    result = run_monte_carlo(
        scenario, runs=runs, seed=seed, models=[DATED_MODEL], workers=workers, progress=progress
    )
    document = result.to_dict()
    by = document.get("agreement", {}).get("by", {})
    key = scenario.horizon.isoformat()
    if key not in by:
        raise DetenteError(f"the dated model reported no probability at the horizon {key}")
    return float(by[key])


def dated_probability_at_modes(scenario: Scenario, *, seed: int) -> float:
    """P(agreement by ``horizon``) from the dated model at the modes of every range.

    ``seed`` drives the model's own randomness (shock paths, when the scenario has any).
    """
    from detente.models import get_model

    forecast = get_model(DATED_MODEL).forecast(scenario, rng=seed)
    by = {} if forecast.agreement is None else forecast.agreement.extra.get("by", {})
    key = scenario.horizon.isoformat()
    if key not in by:
        raise DetenteError(f"the dated model reported no probability at the horizon {key}")
    return float(by[key])


def static_verdict(scenario: Scenario) -> bool:
    """The two-level model's verdict at the modes: is an agreement possible now?"""
    from detente.models import get_model

    forecast = get_model(STATIC_MODEL).forecast(scenario)
    if forecast.agreement is None:  # pragma: no cover - the two-level model always judges
        raise DetenteError(f"model {STATIC_MODEL!r} gave no verdict")
    return forecast.agreement.possible


def outside_view_probability(scenario: Scenario) -> tuple[float, str]:
    """The reference class's P(agreement by ``horizon`` | open at ``as_of``), and its name."""
    from detente.outside_view.curves import years_between
    from detente.outside_view.infer import choose_reference_class

    chosen = choose_reference_class(scenario)
    years = np.array([years_between(scenario.as_of, scenario.horizon)])
    return float(chosen.conditional(years)[0]), chosen.name


@dataclass(frozen=True)
class CaseTask:
    """One case to forecast in a worker (picklable, pure): ``seed`` is its own seed,
    :func:`case_seed`."""

    name: str
    scenario: Scenario
    runs: int
    seed: int


@dataclass(frozen=True)
class CaseForecasts:
    """What :func:`forecast_case` returns: the forecasts that need no other case."""

    p: float
    p_modes: float
    possible_now: bool
    outside: float
    reference_class: str


def forecast_case(task: CaseTask) -> CaseForecasts:
    """The dated model's Monte Carlo (:func:`dated_probability`) and modes, the two-level
    verdict and the outside view of one case (in a worker)."""
    scenario = task.scenario
    outside, class_name = outside_view_probability(scenario)
    return CaseForecasts(
        dated_probability(scenario, runs=task.runs, seed=task.seed),
        dated_probability_at_modes(scenario, seed=task.seed),
        static_verdict(scenario),
        outside,
        class_name,
    )
