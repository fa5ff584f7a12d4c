"""Backtest whether-and-when forecasters on historical peace and territory cases (``cases/``).

Each case is a scenario (schema ``detente/1``) encoded as of a date before its outcome,
with a ``horizon`` closing the forecast window and the actual outcome in its
``outcome`` block (:class:`~detente.scenario.KnownOutcome`, which no model reads).
For every case seven forecasters give a probability that the agreement is concluded
by the horizon, and each is scored against ``outcome.agreed``:

``calibrated`` (the default: what ``detente forecast`` reports)
    The outside view and the structural model combined in a regularised complementary
    log-log model (:mod:`detente.outside_view.combined`), **cross-fitted**: case *i* is
    forecast with coefficients fitted on every other case (leave-one-out), never on
    its own outcome.
``structural``
    The dated model's Monte Carlo probability plus a hazard of routes it cannot see,
    proportional to the reference class's (factor fitted leave-one-out, as above).
``outside-view``
    The reference class alone (:mod:`detente.outside_view.curves`): P(the dispute ends
    in agreement by the horizon | still open at ``as_of``), nothing fitted on cases.
``deadline-bargaining``
    The dated model (:mod:`detente.models.deadline_bargaining`) run through
    :func:`detente.uncertainty.run_monte_carlo`: P(agreement by ``horizon``), the mean
    over ``runs`` joint draws of the scenario's ranges.
``deadline-bargaining:modes``
    The same model with every range at its mode (its own ``forecast``).
``two-level``
    The static two-level model's verdict at the modes (Putnam 1988): "an agreement is
    possible now" read as probability 1, otherwise 0.
``baseline:base-rate``
    The leave-one-out base rate: for case *i*, Laplace's rule of succession on the
    other cases, ``(k + 1) / (m + 2)`` with ``k`` of ``m`` other cases agreed (never 0
    or 1, so its log score is finite). The reference of the skill score.

Scores. The Brier score (Brier 1950) is the mean squared difference between the
forecast probability and the outcome (1 agreed, 0 not): 0 is perfect, 0.25 is what a
constant 0.5 earns, and a constant equal to the base rate *f* earns *f(1 - f)*. The
skill score is ``1 - brier / brier_base_rate`` (positive: better than the leave-one-out
base rate). Log score, AUC and the Murphy decomposition: :mod:`detente.analysis.scores`.
The calibration table (reliability diagram, Murphy & Winkler 1977) bins the forecasts
into equal-width probability bins and compares, per bin, the mean forecast with the
observed frequency of agreement.

Seeds. Case *c* runs with its own seed, drawn from
``numpy.random.SeedSequence([seed, crc32(case name)])``, so a case's dated-model
probability does not depend on which other cases sit in the folder or in what order
they run. The cross-fitted forecasters depend on the other cases by construction (they
are fitted on them), never on the case itself.

Tasks. Each case is one coarse task (:mod:`detente.analysis.case_forecasts`: its Monte
Carlo, its modes, the two-level verdict and the outside view) on any executor
(:mod:`detente.executors`: serial, local processes or Dask), folded in case order; the
cross-fit's leave-one-out fits are tasks too (:func:`detente.outside_view.combined
.cross_fit`). The result is the same, byte for byte in JSON, on every executor.

Sources: Brier, G. W. (1950), "Verification of forecasts expressed in terms of
probability", *Monthly Weather Review* 78(1): 1-3; Murphy, A. H. & Winkler, R. L.
(1977), "Reliability of subjective probability forecasts of precipitation and
temperature", *Journal of the Royal Statistical Society C* 26(1): 41-47; Putnam, R. D.
(1988), *International Organization* 42(3): 427-460.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.analysis.case_forecasts import (
    DATED_MODEL,
    STATIC_MODEL,
    CaseForecasts,
    CaseTask,
    case_seed,
    dated_probability,
    dated_probability_at_modes,
    forecast_case,
    outside_view_probability,
    static_verdict,
)
from detente.analysis.scores import (
    CalibrationBin,
    ForecasterScore,
    brier_score,
    calibration_table,
    score_forecaster,
)
from detente.errors import DetenteError
from detente.outside_view.combined import cross_fit
from detente.scenario import Scenario

if TYPE_CHECKING:
    from detente.executors import Executor

__all__ = [
    "BASE_RATE",
    "CALIBRATED",
    "CASE_SUFFIXES",
    "DATED_AT_MODES",
    "DATED_MODEL",
    "DEFAULT_FORECASTER",
    "FORECASTERS",
    "OUTSIDE_VIEW",
    "STATIC_MODEL",
    "STRUCTURAL",
    "CalibrationBin",
    "CaseBacktestResult",
    "CaseRow",
    "CaseTask",
    "ForecasterScore",
    "backtest_cases",
    "brier_score",
    "calibration_table",
    "case_seed",
    "dated_probability",
    "dated_probability_at_modes",
    "forecast_case",
    "leave_one_out_base_rate",
    "load_cases",
    "outside_view_probability",
    "run_case_backtest",
    "score_forecaster",
    "static_verdict",
]

DATED_AT_MODES = "deadline-bargaining:modes"
BASE_RATE = "baseline:base-rate"
CALIBRATED = "calibrated"
STRUCTURAL = "structural"
OUTSIDE_VIEW = "outside-view"
DEFAULT_FORECASTER = CALIBRATED
FORECASTERS = (
    CALIBRATED,
    STRUCTURAL,
    OUTSIDE_VIEW,
    DATED_MODEL,
    DATED_AT_MODES,
    STATIC_MODEL,
    BASE_RATE,
)
DESCRIPTIONS = {
    CALIBRATED: "outside view + structural model, cloglog with shrinkage, leave-one-out",
    STRUCTURAL: "dated model + hazard of unseen routes (factor fitted leave-one-out)",
    OUTSIDE_VIEW: "reference class alone, conditional on the dispute's age",
    DATED_MODEL: "dated model, Monte Carlo over the scenario's ranges",
    DATED_AT_MODES: "dated model at the modes",
    STATIC_MODEL: "two-level verdict 'possible now' as 1, else 0",
    BASE_RATE: "leave-one-out base rate, (k + 1) / (m + 2)",
}
KINDS = {
    CALIBRATED: "model",
    STRUCTURAL: "model",
    OUTSIDE_VIEW: "baseline",
    DATED_MODEL: "model",
    DATED_AT_MODES: "model",
    STATIC_MODEL: "model",
    BASE_RATE: "baseline",
}
CASE_SUFFIXES = (".yaml", ".yml", ".json")


# -- the cases ---------------------------------------------------------------------------


def load_cases(folder: str | os.PathLike[str]) -> list[tuple[str, Scenario]]:
    """Every case scenario in ``folder`` (``*.yaml``, ``*.yml``, ``*.json``), by file name.

    Raises
    ------
    DetenteError
        When the folder does not exist, holds no case, or a case has no ``outcome``
        block (a :class:`~detente.errors.ScenarioError` names a malformed file).
    """
    from detente.io import load_scenario

    root = Path(folder)
    if not root.is_dir():
        raise DetenteError(f"{root}: not a folder of cases")
    files = sorted(p for p in root.iterdir() if p.is_file() and p.suffix in CASE_SUFFIXES)
    if not files:
        raise DetenteError(f"{root}: no case files ({', '.join(CASE_SUFFIXES)})")
    cases = []
    for path in files:
        scenario = load_scenario(path)
        if scenario.outcome is None:
            raise DetenteError(f"{path}: a case needs an 'outcome' block (what actually happened)")
        cases.append((path.stem, scenario))
    return cases


def leave_one_out_base_rate(outcomes: Sequence[bool]) -> np.ndarray:
    """Per case, ``(k + 1) / (m + 2)`` over the other ``m`` cases, ``k`` of them agreed.

    Laplace's rule of succession: the posterior mean of the rate under a uniform prior,
    so never 0 or 1 (and 1/2 with no other case).
    """
    o = np.asarray(outcomes, dtype=float)
    others = o.sum() - o
    return np.asarray((others + 1.0) / (o.size - 1 + 2.0))


@dataclass(frozen=True)
class CaseRow:
    """One case: its window, what happened, and each forecaster's probability."""

    case: str
    title: str
    as_of: dt.date
    horizon: dt.date
    outcome: bool
    outcome_date: dt.date | None
    p: float
    p_modes: float
    possible_now: bool
    base_rate: float
    seed: int
    outside: float = 0.0
    reference_class: str = ""
    calibrated: float = 0.0
    structural: float = 0.0

    def forecast(self, forecaster: str) -> float:
        """The probability ``forecaster`` gave this case."""
        if forecaster == CALIBRATED:
            return self.calibrated
        if forecaster == STRUCTURAL:
            return self.structural
        if forecaster == OUTSIDE_VIEW:
            return self.outside
        if forecaster == DATED_MODEL:
            return self.p
        if forecaster == DATED_AT_MODES:
            return self.p_modes
        if forecaster == STATIC_MODEL:
            return 1.0 if self.possible_now else 0.0
        if forecaster == BASE_RATE:
            return self.base_rate
        raise KeyError(forecaster)

    def squared_error(self, forecaster: str = DATED_MODEL) -> float:
        return (self.forecast(forecaster) - float(self.outcome)) ** 2

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "title": self.title,
            "as_of": self.as_of.isoformat(),
            "horizon": self.horizon.isoformat(),
            "p": self.p,
            "outcome": self.outcome,
            "outcome_date": None if self.outcome_date is None else self.outcome_date.isoformat(),
            "squared_error": self.squared_error(),
            "seed": self.seed,
            "p_modes": self.p_modes,
            "p_modes_squared_error": self.squared_error(DATED_AT_MODES),
            "two_level_possible_now": self.possible_now,
            "two_level_squared_error": self.squared_error(STATIC_MODEL),
            "base_rate": self.base_rate,
            "base_rate_squared_error": self.squared_error(BASE_RATE),
            "reference_class": self.reference_class,
            "forecasts": {name: self.forecast(name) for name in FORECASTERS},
        }


@dataclass(frozen=True)
class CaseBacktestResult:
    """The scored cases: one row per case and one score per forecaster."""

    source: str
    runs: int
    seed: int
    bins: int
    rows: tuple[CaseRow, ...]
    scores: tuple[ForecasterScore, ...]

    def score(self, forecaster: str) -> ForecasterScore:
        for item in self.scores:
            if item.forecaster == forecaster:
                return item
        raise KeyError(forecaster)

    @property
    def brier(self) -> dict[str, float]:
        return {item.forecaster: item.brier for item in self.scores}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"brier": {forecaster: score}, "cases": [row, ...], ...}``."""
        return {
            "source": self.source,
            "runs": self.runs,
            "seed": self.seed,
            "n": len(self.rows),
            "agreed": sum(row.outcome for row in self.rows),
            "brier": self.brier,
            "default_forecaster": DEFAULT_FORECASTER,
            "forecasters": [item.to_dict() for item in self.scores],
            "scores": [item.to_dict() for item in self.scores],
            "cases": [row.to_dict() for row in self.rows],
        }


def backtest_cases(
    cases: Sequence[tuple[str, Scenario]],
    *,
    runs: int,
    seed: int,
    bins: int = 5,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    source: str = "",
) -> CaseBacktestResult:
    """Forecast and score named case scenarios (see the module docstring).

    Parameters
    ----------
    cases:
        ``(name, scenario)`` pairs; every scenario needs an ``agreement`` and an
        ``outcome``.
    runs:
        Monte Carlo draws per case for the dated model.
    seed:
        Root seed; case ``name`` runs with :func:`case_seed` ``(seed, name)``.
    bins:
        Bins of the calibration tables.
    executor:
        Where the cases run, one task each (default: serially in this process); the
        result does not depend on it.
    progress:
        Called as ``progress(done, total)`` in draws, ``total = runs * len(cases)``,
        as each case finishes.
    source:
        Where the cases came from, for the report.

    Returns
    -------
    CaseBacktestResult
        Rows in the order given and scores of :data:`FORECASTERS`.
    """
    if not cases:
        raise DetenteError("no cases to score")
    names = [name for name, _ in cases]
    if len(set(names)) != len(names):
        raise DetenteError(f"case names must be unique, got {names}")
    for name, scenario in cases:
        if scenario.outcome is None:
            raise DetenteError(f"case {name!r} has no 'outcome' block")
        if scenario.agreement is None:
            raise DetenteError(f"case {name!r} has no 'agreement' block to forecast")
    outcomes = [bool(s.outcome.agreed) for _, s in cases if s.outcome is not None]
    from detente.executors import SerialExecutor, run_ordered

    tasks = [CaseTask(name, scenario, runs, case_seed(seed, name)) for name, scenario in cases]
    found: list[CaseForecasts] = []

    def fold(task: CaseTask, forecasts: CaseForecasts) -> None:
        found.append(forecasts)
        if progress is not None:
            progress(len(found) * runs, runs * len(cases))

    chosen = executor or SerialExecutor()
    run_ordered(chosen, forecast_case, tasks, fold)
    calibrated, structural = cross_fit(
        np.array([f.outside for f in found]),
        np.array([f.p for f in found]),
        np.array([f.possible_now for f in found], dtype=float),
        np.array(outcomes, dtype=float),
        executor=chosen,
    )
    base_rates = leave_one_out_base_rate(outcomes)
    rows = tuple(
        CaseRow(
            case=task.name,
            title=task.scenario.title,
            as_of=task.scenario.as_of,
            horizon=task.scenario.horizon,
            outcome=outcome,
            outcome_date=None if task.scenario.outcome is None else task.scenario.outcome.date,
            p=f.p,
            p_modes=f.p_modes,
            possible_now=f.possible_now,
            base_rate=float(base_rate),
            seed=task.seed,
            outside=f.outside,
            reference_class=f.reference_class,
            calibrated=float(p_cal),
            structural=float(p_struct),
        )
        for task, f, outcome, base_rate, p_cal, p_struct in zip(
            tasks, found, outcomes, base_rates, calibrated, structural, strict=True
        )
    )
    reference = brier_score([row.base_rate for row in rows], outcomes)
    scores = tuple(
        score_forecaster(
            name,
            KINDS[name],
            [row.forecast(name) for row in rows],
            outcomes,
            reference=reference,
            bins=bins,
            default=name == DEFAULT_FORECASTER,
            description=DESCRIPTIONS[name],
            reference_probabilities=[row.base_rate for row in rows],
        )
        for name in FORECASTERS
    )
    return CaseBacktestResult(source, runs, seed, bins, rows, scores)


def run_case_backtest(
    folder: str | os.PathLike[str] = "cases",
    *,
    runs: int = 2000,
    seed: int = 0,
    bins: int = 5,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CaseBacktestResult:
    """Load every case in ``folder`` (:func:`load_cases`) and score it (:func:`backtest_cases`)."""
    return backtest_cases(
        load_cases(folder),
        runs=runs,
        seed=seed,
        bins=bins,
        executor=executor,
        progress=progress,
        source=str(folder),
    )
