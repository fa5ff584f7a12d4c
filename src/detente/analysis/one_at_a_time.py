"""One-at-a-time sensitivity: the tornado of a scenario's ranged parameters.

Every parameter the analyst gave as a range is set to its ``low`` and then its ``high``
with every other parameter at its mode, and the headline numbers
(:mod:`detente.analysis.headline_numbers`) are recomputed (the tornado diagram of
decision analysis; Saltelli et al. 2008, *Global Sensitivity Analysis: The Primer*,
Wiley, ch. 1). P(agreement) is a Monte Carlo estimate over ``runs`` joint draws of the
*other* ranges with a fixed seed and common random numbers: every swing reuses the same
draws and shock paths, so differences between swings are not sampling noise. With
``runs=0`` it is the dated model at the modes. Both the calibrated P that ``forecast``
reports (the default headline) and the dated model's own P are followed
(:mod:`detente.analysis.headline_numbers`); the calibrated one is the dated one read
through the calibration, so it shares its common random numbers. A parameter's
*effect* on a number is the spread (max - min) of the number over {low, mode, high},
divided by the number's scale (the issue's width for outcomes and gaps, 1 for
probabilities); parameters are ranked by their largest effect.

The evaluations (the base case, then each parameter's low and high) are cut into a few
coarse tasks (:func:`detente.executors.split_evenly`) run on any executor
(:mod:`detente.executors`); every task rebuilds the same common random numbers from
``seed``, so the result is the same, byte for byte in JSON, serial, in local processes
or on Dask, for any number of tasks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.analysis.headline_numbers import (
    P_AGREEMENT,
    P_CALIBRATED,
    Metric,
    calibrated_numbers,
    headline_metrics,
    pick_headline,
    static_headlines,
    static_models,
)
from detente.errors import DetenteError
from detente.scenario import Scenario
from detente.scenario_edits import DatedEvaluator, ParameterInfo, dated_model, ranged_parameters
from detente.scenario_edits import set_parameter as _set

if TYPE_CHECKING:
    from detente.executors import Executor

__all__ = ["SensitivityResult", "Swing", "SwingBatch", "evaluate_swings", "one_at_a_time"]


@dataclass(frozen=True)
class Swing:
    """The headline numbers with one parameter at its low and at its high."""

    parameter: ParameterInfo
    low: dict[str, float | None]
    high: dict[str, float | None]
    effects: dict[str, float]
    error: str | None = None

    @property
    def effect(self) -> float:
        """The largest normalised effect over all metrics (0 when none; see :attr:`error`)."""
        return max(self.effects.values(), default=0.0)

    @property
    def evaluated(self) -> bool:
        """False when the low or the high made the scenario invalid (:attr:`error` says
        why): then there are no effects, and no effect of 0 is claimed."""
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        p = self.parameter
        return {
            "path": p.path,
            "range": p.value.model_dump(),
            "at_low": self.low,
            "at_high": self.high,
            "effects": self.effects,
            "effect": self.effect if self.evaluated else None,
            "error": self.error,
        }


@dataclass(frozen=True)
class SensitivityResult:
    """One-at-a-time swings of every ranged parameter (see :func:`one_at_a_time`)."""

    title: str
    metrics: tuple[Metric, ...]
    base: dict[str, float | None]
    swings: tuple[Swing, ...]
    models: tuple[str, ...]
    runs: int
    seed: int

    def ranked(self, metric: str | None = None) -> list[Swing]:
        """Swings by decreasing effect on ``metric`` (ties: by the largest effect on any),
        or by the largest effect on any metric when ``metric`` is ``None``; swings that
        could not be evaluated come last."""
        if metric is not None and metric not in {m.id for m in self.metrics}:
            known = ", ".join(m.id for m in self.metrics)
            raise DetenteError(f"unknown metric {metric!r}; expected one of {known}")
        return sorted(
            self.swings,
            key=lambda s: (
                not s.evaluated,
                -s.effects.get(metric, 0.0) if metric else 0.0,
                -s.effect,
                s.parameter.path,
            ),
        )

    def headline(self) -> str | None:
        """The metric a tornado shows by default (see :func:`pick_headline`)."""
        effects = {
            m.id: max((s.effects.get(m.id, 0.0) for s in self.swings), default=0.0)
            for m in self.metrics
        }
        return pick_headline(effects)

    def to_dict(self, metric: str | None = None) -> dict[str, Any]:
        return {
            "method": "one-at-a-time",
            "scenario": self.title,
            "models": list(self.models),
            "runs": self.runs,
            "seed": self.seed,
            "metrics": [{"id": m.id, "label": m.label, "scale": m.scale} for m in self.metrics],
            "base": self.base,
            "ranked_by": metric or "largest effect on any metric",
            "swings": [s.to_dict() for s in self.ranked(metric)],
        }


def _effects(
    metrics: Sequence[Metric], base: Mapping[str, float | None], *values: Mapping[str, float | None]
) -> dict[str, float]:
    out = {}
    for metric in metrics:
        seen = [base.get(metric.id), *(v.get(metric.id) for v in values)]
        numbers = [x for x in seen if x is not None and np.isfinite(x)]
        if len(numbers) == len(seen):
            out[metric.id] = (max(numbers) - min(numbers)) / metric.scale
    return out


Setting = tuple[str, float] | None
"""One evaluation: a parameter path and the value it is set to (``None``: the base case)."""


@dataclass(frozen=True)
class SwingBatch:
    """One task: the headline numbers of ``scenario`` under each of ``settings``
    (picklable, pure: the same batch gives the same numbers on any worker)."""

    scenario: Scenario
    models: tuple[str, ...]
    settings: tuple[Setting, ...]
    runs: int
    seed: int


Evaluated = tuple[dict[str, float | None] | str, float | None, float | None]
"""One setting's numbers: the static headline numbers (or the error message), the dated
model's P(agreement by the horizon) and the calibrated one (``None``: no dated model)."""


def evaluate_swings(batch: SwingBatch) -> list[Evaluated]:
    """Per setting of ``batch`` (in a worker, in order): the static headline numbers, or
    the message of the error the setting raised, the dated model's P(agreement by the
    horizon) and the calibrated P (both ``None`` when no dated model applies).

    The static models run on every setting's scenario at once
    (:func:`~detente.analysis.headline_numbers.static_headlines`); P(agreement) comes
    from one :class:`~detente.scenario_edits.DatedEvaluator` seeded with ``batch.seed``,
    so each setting sees the same draws whichever batch it is in; the calibrated P is
    :func:`~detente.analysis.headline_numbers.calibrated_numbers` of it.
    """
    scenario, names = batch.scenario, list(batch.models)
    swung: list[Scenario | str] = []
    for setting in batch.settings:
        if setting is None:
            swung.append(scenario)
            continue
        try:
            swung.append(_set(scenario, *setting))
        except DetenteError as exc:
            swung.append(str(exc))
    solved = iter(static_headlines([s for s in swung if isinstance(s, Scenario)], names))
    numbers: list[dict[str, float | None] | str] = []
    for item in swung:
        found = item if isinstance(item, str) else next(solved)
        numbers.append(str(found) if isinstance(found, DetenteError) else found)
    dated: list[float | None] = [None] * len(numbers)
    calibrated: list[float | None] = [None] * len(numbers)
    if dated_model(scenario) is not None:
        evaluator = DatedEvaluator(scenario, runs=batch.runs, seed=batch.seed)
        values = evaluator([{} if s is None else {s[0]: s[1]} for s in batch.settings])
        dated = [float(v) for v in values]
        edited = [s if isinstance(s, Scenario) else None for s in swung]
        known = [n.get("two-level:possible") if isinstance(n, dict) else None for n in numbers]
        calibrated = calibrated_numbers(scenario, edited, [float(v) for v in values], known)
    return list(zip(numbers, dated, calibrated, strict=True))


def one_at_a_time(
    scenario: Scenario,
    *,
    models: Sequence[str] | None = None,
    runs: int = 256,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    executor: Executor | None = None,
    tasks: int | None = None,
) -> SensitivityResult:
    """Swing every ranged parameter between its low and high, the others at their mode.

    Parameters
    ----------
    scenario:
        The scenario; its ranged parameters are swung.
    models:
        The static models run (default: all that apply).
    runs, seed:
        Monte Carlo draws with common random numbers (seed ``seed``) estimating
        P(agreement by the horizon) when a dated model is registered (0: at the modes).
    progress:
        Called with ``(parameters done, parameters)`` as tasks finish.
    executor:
        Where the evaluations run (default: serially in this process).
    tasks:
        How many tasks the evaluations are cut into (default
        :func:`~detente.executors.task_count`); the result does not depend on it.

    Raises
    ------
    DetenteError
        ``runs < 0``, or the scenario itself cannot be forecast.
    """
    from detente.executors import SerialExecutor, run_ordered, split_evenly, task_count

    if runs < 0:
        raise DetenteError(f"runs must be >= 0, got {runs}")
    names = static_models(scenario, models)
    metrics = headline_metrics(scenario, names, with_dated=dated_model(scenario) is not None)
    params = ranged_parameters(scenario)
    settings: list[Setting] = [None]
    for p in params:
        settings += [(p.path, p.value.low), (p.path, p.value.high)]
    chosen = executor or SerialExecutor()
    batches = [
        SwingBatch(scenario, tuple(names), tuple(part), runs, seed)
        for part in split_evenly(settings, tasks or task_count(chosen))
    ]
    found: list[Evaluated] = []

    def fold(batch: SwingBatch, numbers: list[Evaluated]) -> None:
        found.extend(numbers)
        if progress is not None:
            progress(max(0, len(found) - 1) // 2, len(params))

    run_ordered(chosen, evaluate_swings, batches, fold)
    base = _with_dated(*found[0])
    if isinstance(found[0][0], str):
        raise DetenteError(found[0][0])
    swings = []
    for index, p in enumerate(params):
        ends = found[1 + 2 * index : 3 + 2 * index]
        low, high = (_with_dated(*end) for end in ends)
        errors = [numbers for numbers, _, _ in ends if isinstance(numbers, str)]
        error = errors[-1] if errors else None
        if error is not None:  # no numbers at an invalid end: reported, never an effect of 0
            low, high = (
                {} if isinstance(e[0], str) else n for e, n in zip(ends, (low, high), strict=True)
            )
        effects = _effects(metrics, base, low, high) if error is None else {}
        swings.append(Swing(p, low, high, effects, error))
    return SensitivityResult(
        scenario.title, tuple(metrics), base, tuple(swings), tuple(names), runs, seed
    )


def _with_dated(
    numbers: dict[str, float | None] | str, dated: float | None, calibrated: float | None
) -> dict[str, float | None]:
    """A setting's numbers (none for one whose scenario is invalid), with the calibrated
    and the dated model's P(agreement)."""
    out = {} if isinstance(numbers, str) else dict(numbers)
    if calibrated is not None:
        out[P_CALIBRATED] = calibrated
    if dated is not None:
        out[P_AGREEMENT] = dated
    return out
