"""Sweeps: the forecast over a grid (or a random sample) of parameter settings, on any
executor, with one tidy row per run.

A sweep is a list of *points*: a scenario and the parameter changes applied to it
(:func:`detente.scenario_edits.set_parameters`, the machinery of ``whatif --set``).
Each point is one pure task (:mod:`detente.executors`): it applies its changes and
either runs the Monte Carlo (:func:`detente.uncertainty.run_monte_carlo`, ``runs``
draws) or, with ``runs=0``, the static models once at the modes. Point *i*'s Monte
Carlo seed is drawn from the *i*-th child of ``numpy.random.SeedSequence(seed)`` (or
is ``seed`` itself for every point with ``common_random_numbers``, so that differences
between points are not sampling noise; Law 2015, *Simulation Modeling and Analysis*,
5th ed., section 11.2), never from the worker, so the rows are the same on every
backend.

Each finished point is recorded in the run store as it arrives (:mod:`detente
.store_sweeps`), so an interrupted or failed sweep keeps every run that finished. A point
whose changes make the scenario invalid, or which a model cannot forecast, fails the
sweep with one message naming the scenario and the parameters.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from detente.analysis.headline_numbers import P_AGREEMENT
from detente.errors import DetenteError
from detente.quantity import Range
from detente.scenario import Scenario
from detente.scenario_edits import Value, set_parameters, show_value

if TYPE_CHECKING:
    from detente.executors import Executor
    from detente.uncertainty import AgreementSummary

__all__ = ["SweepPoint", "SweepResult", "SweepTask", "flat_row", "run_point", "run_sweep"]


@dataclass(frozen=True)
class SweepPoint:
    """One run of a sweep: ``scenario`` (named ``name``) with ``changes`` applied.

    ``labels`` maps each full parameter path to the column name the user wrote
    (a short form such as ``russia.capability``)."""

    name: str
    scenario: Scenario
    changes: Mapping[str, Value]
    labels: Mapping[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        """``NAME with path=value, ...`` for messages."""
        listing = ", ".join(
            f"{self.labels.get(p, p)}={show_value(v)}" for p, v in self.changes.items()
        )
        return f"{self.name} with {listing}" if listing else self.name


@dataclass(frozen=True)
class SweepTask:
    """What a worker needs to run one point (picklable, pure)."""

    index: int
    point: SweepPoint
    runs: int
    seed: int
    models: tuple[str, ...] | None
    static_runs: int


def _plain(value: Value) -> Any:
    if isinstance(value, Range):
        return value.mode if value.is_fixed else value.describe()
    return value.isoformat() if isinstance(value, dt.date) else float(value)


def run_point(task: SweepTask) -> dict[str, Any]:
    """Run one point (in a worker): the JSON-ready result document of the run.

    Raises
    ------
    DetenteError
        Naming the point's scenario and parameters, when its changes make the scenario
        invalid or a model cannot forecast it.
    """
    point = task.point
    try:
        edited = set_parameters(point.scenario, point.changes)
        results = _point_results(edited, task)
    except DetenteError as exc:
        raise DetenteError(f"sweep run {task.index} ({point.describe()}): {exc}") from None
    return {
        "index": task.index,
        "scenario": point.name,
        "parameters": {point.labels.get(p, p): _plain(v) for p, v in point.changes.items()},
        "seed": task.seed,
        "runs": task.runs,
        "results": results,
    }


def _point_results(scenario: Scenario, task: SweepTask) -> dict[str, Any]:
    from detente.analysis.headline_numbers import static_headline, static_models

    models = list(task.models) if task.models else None
    if task.runs == 0:
        return {"headline": static_headline(scenario, static_models(scenario, models))}
    from detente.executors import SerialExecutor
    from detente.uncertainty import run_monte_carlo

    mc = run_monte_carlo(
        scenario, runs=task.runs, seed=task.seed, models=models,
        static_runs=task.static_runs, executor=SerialExecutor(),
    )  # fmt: skip
    headline: dict[str, Any] = {}
    for name in mc.models:
        for issue, summary in mc.outcomes[name].items():
            headline[f"{name}:{issue}"] = summary.mean
            headline[f"{name}:{issue}:p05"] = summary.p05
            headline[f"{name}:{issue}:p95"] = summary.p95
        if mc.possible.get(name) is not None:
            headline[f"{name}:possible"] = mc.possible[name]
    out: dict[str, Any] = {"headline": headline, "monte_carlo": mc.to_dict()}
    if mc.agreement is not None:
        block = _whether_and_when(scenario, mc.agreement, headline)
        out["whether_and_when"] = block
    return out


def _whether_and_when(
    scenario: Scenario, agreement: AgreementSummary, headline: dict[str, Any]
) -> dict[str, Any]:
    """The ``whether_and_when`` block of ``forecast`` for the run; adds to ``headline``
    the dated model's P(agreement by the horizon) and median time, and beside them
    the calibrated whether-and-when forecast at the horizon that ``forecast`` reports
    (:func:`detente.outside_view.whether_when.calibrated_by_date`: the reference class
    and the dated model combined with the shipped coefficients, given the two-level
    verdict at the modes), its 90% band and the outside view alone."""
    from detente.analysis.case_forecasts import static_verdict
    from detente.outside_view.whether_when import FORECASTER, calibrated_by_date

    dated, horizon = agreement.model, scenario.horizon.isoformat()
    when = agreement.median_time
    block = calibrated_by_date(scenario, agreement.to_dict()["by"], static_verdict(scenario))
    low, high = block["by_band"][horizon]
    headline |= {
        f"{dated}:{P_AGREEMENT}": agreement.p_by(scenario.horizon),
        f"{dated}:median_time": None if when is None else when.isoformat(),
        f"{FORECASTER}:{P_AGREEMENT}": block["by"][horizon],
        f"{FORECASTER}:{P_AGREEMENT}:p05": low,
        f"{FORECASTER}:{P_AGREEMENT}:p95": high,
        f"outside-view:{P_AGREEMENT}": block["outside_view"][horizon],
        "reference_class": block["reference_class"]["name"],
    }
    return block


def flat_row(document: Mapping[str, Any]) -> dict[str, Any]:
    """One tidy row of a run: index, scenario, each parameter, seed, then its headline
    numbers (``model:issue`` means and 90% bounds, the dated model's
    ``deadline-bargaining:p_agreement`` and ``:median_time``, the calibrated
    ``calibrated:p_agreement`` with its band, the outside view and reference class)."""
    return {
        "index": document["index"],
        "scenario": document["scenario"],
        **document["parameters"],
        "seed": document["seed"],
        "runs": document["runs"],
        **document["results"]["headline"],
    }


@dataclass(frozen=True)
class SweepResult:
    """Every run's document, in task order, and the sweep's id in the store (if any)."""

    documents: list[dict[str, Any]]
    sweep_id: int | None

    def rows(self) -> list[dict[str, Any]]:
        """The tidy table, one row per run (see :func:`flat_row`)."""
        return [flat_row(d) for d in self.documents]


def task_seeds(seed: int, count: int, *, common: bool = False) -> list[int]:
    """Each task's Monte Carlo seed: the first 32-bit word of the state of the *i*-th
    child of ``SeedSequence(seed)`` (``seed`` itself for all with ``common``)."""
    if common:
        return [seed] * count
    children = np.random.SeedSequence(seed).spawn(count)
    return [int(child.generate_state(1)[0]) for child in children]


def run_sweep(
    points: Sequence[SweepPoint],
    *,
    seed: int,
    runs: int,
    executor: Executor,
    models: Sequence[str] | None = None,
    static_runs: int = 50,
    common_random_numbers: bool = False,
    store: str | os.PathLike[str] | None = None,
    spec: Mapping[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Run every point on ``executor``; record each run in ``store`` as it finishes.

    Parameters
    ----------
    points:
        The runs, in the order of the table.
    seed, runs, models, static_runs, common_random_numbers:
        The Monte Carlo of each point (``runs=0``: the static models at the modes).
    executor:
        Where the points run (:func:`detente.executors.open_executor`).
    store, spec:
        The run store (``None``: record nothing) and the specification recorded with
        the sweep.
    progress:
        Called with ``(done, total)`` after each finished run.

    Returns
    -------
    SweepResult
        The documents in task order: identical for every executor and worker count.

    Raises
    ------
    DetenteError
        The first point that fails, naming its scenario and parameters; the sweep is
        then recorded as ``failed`` (``cancelled`` on ``KeyboardInterrupt``), with
        the runs that finished before.
    """
    seeds = task_seeds(seed, len(points), common=common_random_numbers)
    tasks = [
        SweepTask(i, p, runs, s, tuple(models) if models else None, static_runs)
        for i, (p, s) in enumerate(zip(points, seeds, strict=True))
    ]
    sweep_id = None
    if store is not None:
        from detente.store_sweeps import start_sweep

        sweep_id = start_sweep(
            store, spec=dict(spec or {}), seed=seed, tasks=len(tasks),
            versions=_versions(executor),
        )  # fmt: skip
    documents: dict[int, dict[str, Any]] = {}
    status = "failed"
    try:
        with closing(executor.imap_unordered(run_point, tasks)) as finished:
            for index, document in finished:
                if store is not None and sweep_id is not None:
                    _record(store, sweep_id, tasks[index], document)
                documents[index] = document
                if progress is not None:
                    progress(len(documents), len(tasks))
        status = "complete"
    except KeyboardInterrupt:
        status = "cancelled"
        raise
    finally:
        if store is not None and sweep_id is not None:
            from detente.store_sweeps import finish_sweep

            finish_sweep(store, sweep_id, status)
    return SweepResult([documents[i] for i in range(len(tasks))], sweep_id)


def _record(
    store: str | os.PathLike[str], sweep_id: int, task: SweepTask, document: dict[str, Any]
) -> None:
    from detente.store_sweeps import record_sweep_result

    record_sweep_result(
        store, sweep_id, task.index, scenario=task.point.scenario,
        parameters=document["parameters"], result=document, seed=task.seed, runs=task.runs,
    )  # fmt: skip


def _versions(executor: Executor) -> dict[str, Any]:
    import platform

    from detente import __version__

    out: dict[str, Any] = {
        "detente": __version__, "numpy": np.__version__,
        "python": platform.python_version(),
        "executor": {"name": executor.name, "workers": executor.workers},
    }  # fmt: skip
    if executor.name == "dask":
        from importlib.metadata import version

        out["dask.distributed"] = version("distributed")
    return out
