"""The forecasts of a DEU backtest (:mod:`detente.analysis.backtest`), run as pure tasks.

The scored issues are grouped by proposal (``prnr``); a task holds the scored issues of
a run of consecutive proposals, and in it

* each model scored **per issue** forecasts every scored issue from its one-issue
  scenario (the expected-utility model solves all of a task's issues in one batched
  call, ``predict_issues``);
* each model scored **per proposal** forecasts the proposal's multi-issue scenario
  (:func:`detente.analysis.deu_proposals.proposal_scenario`) once, and each scored
  issue of the proposal takes that forecast's outcome on it. A :class:`ModelError`
  fails every scored issue of the proposal.

Randomness: the *k*-th scored issue (file order) owns the *k*-th child of
``SeedSequence(seed)``; a model forecasting that issue alone gets a fresh generator
from it, and a model forecasting a whole proposal gets one from the child of the
proposal's first scored issue. Which task, worker or executor runs a proposal
therefore changes nothing, nor do the other models in the run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from detente.analysis.deu_proposals import group_by_proposal, proposal_scenario
from detente.errors import ModelError
from detente.io.deu import DeuIssue
from detente.models import Model, get_model
from detente.scenario import Scenario

if TYPE_CHECKING:
    from detente.executors import Executor

__all__ = ["MIN_ACTORS", "Forecasts", "ScoredIssue", "eligible", "run_forecasts"]

MIN_ACTORS = 3
SKIP_NO_OUTCOME = "no_outcome"
SKIP_FEW_ACTORS = "fewer_than_3_actors"

Pair = tuple[float | None, str | None]
"""(forecast, failure message) of one model on one issue."""
Forecasts = list[Pair]


@dataclass(frozen=True)
class ScoredIssue:
    """An issue that is scored: its record, scenario and outcome (both known)."""

    issue: DeuIssue
    scenario: Scenario
    outcome: float


def eligible(issues: Sequence[DeuIssue]) -> tuple[list[ScoredIssue], dict[str, int]]:
    """The issues with an outcome and at least :data:`MIN_ACTORS` actors with a
    position, in file order, and the count of the others by reason."""
    skipped = {SKIP_NO_OUTCOME: 0, SKIP_FEW_ACTORS: 0}
    keep: list[ScoredIssue] = []
    for issue in issues:
        if issue.outcome is None:
            skipped[SKIP_NO_OUTCOME] += 1
        elif issue.n_actors < MIN_ACTORS or issue.scenario is None:
            skipped[SKIP_FEW_ACTORS] += 1
        else:
            keep.append(ScoredIssue(issue, issue.scenario, float(issue.outcome)))
    return keep, skipped


@dataclass(frozen=True)
class _Proposal:
    """One proposal's scored issues (with their positions in the scored list and their
    seeds) and, when a model is scored per proposal, its multi-issue scenario."""

    indices: tuple[int, ...]
    items: tuple[ScoredIssue, ...]
    seeds: tuple[np.random.SeedSequence, ...]
    scenario: Scenario | None


@dataclass(frozen=True)
class _Task:
    """Every model on a run of consecutive proposals."""

    per_issue: tuple[str, ...]
    per_proposal: tuple[str, ...]
    proposals: tuple[_Proposal, ...]


def _forecast(
    model: Model, scenario: Scenario, isnrs: Sequence[str], seed: np.random.SeedSequence
) -> Forecasts:
    """(forecast, failure) of ``model`` on the issues ``isnrs`` of one scenario."""
    try:
        forecast = model.forecast(scenario, rng=np.random.default_rng(seed))
    except ModelError as exc:
        return [(None, f"ModelError: {exc}")] * len(isnrs)
    found = [forecast.outcome(isnr) for isnr in isnrs]
    return [(None, None) if value is None else (float(value), None) for value in found]


def _batched(model: Model, items: Sequence[ScoredIssue]) -> Forecasts | None:
    """(forecast, failure) of every issue at once, for a model that solves many issues
    together (``predict_issues``: the expected-utility model's batched kernel, issues
    of the same size in one batch); ``None`` for the other models."""
    solve = getattr(model, "predict_issues", None)
    if solve is None:
        return None
    found = solve([item.scenario.issue_data(item.issue.isnr) for item in items])
    return [
        (None, f"ModelError: {value}") if isinstance(value, ModelError) else (value, None)
        for value in found
    ]


def _run_task(task: _Task) -> list[tuple[int, list[Pair]]]:
    """Per scored issue of ``task``: its position in the scored list and, per model
    (per-issue models, then per-proposal ones), (forecast, failure) (in a worker)."""
    items = [item for proposal in task.proposals for item in proposal.items]
    seeds = [seed for proposal in task.proposals for seed in proposal.seeds]
    rows: list[list[Pair]] = [[] for _ in items]
    for model in (get_model(name) for name in task.per_issue):
        found = _batched(model, items)
        if found is None:
            found = [
                _forecast(model, item.scenario, [item.issue.isnr], seed)[0]
                for item, seed in zip(items, seeds, strict=True)
            ]
        for row, pair in zip(rows, found, strict=True):
            row.append(pair)
    for model in (get_model(name) for name in task.per_proposal):
        k = 0
        for proposal in task.proposals:
            assert proposal.scenario is not None  # built whenever a model needs it
            isnrs = [item.issue.isnr for item in proposal.items]
            for pair in _forecast(model, proposal.scenario, isnrs, proposal.seeds[0]):
                rows[k].append(pair)
                k += 1
    indices = [index for proposal in task.proposals for index in proposal.indices]
    return list(zip(indices, rows, strict=True))


def _proposals(
    scored: Sequence[ScoredIssue],
    issues: Sequence[DeuIssue],
    seed: int,
    with_scenarios: bool,
) -> list[_Proposal]:
    """The scored issues grouped by proposal, proposals in order of their first scored
    issue; each proposal's scenario holds all its issues with a position."""
    children = np.random.SeedSequence(seed).spawn(len(scored))
    members: dict[str, list[int]] = {}
    for k, item in enumerate(scored):
        members.setdefault(item.issue.prnr, []).append(k)
    groups = {group[0].prnr: group for group in group_by_proposal(issues)} if with_scenarios else {}
    return [
        _Proposal(
            tuple(indices),
            tuple(scored[k] for k in indices),
            tuple(children[k] for k in indices),
            proposal_scenario(groups[prnr]) if with_scenarios else None,
        )
        for prnr, indices in members.items()
    ]


def run_forecasts(
    scored: Sequence[ScoredIssue],
    issues: Sequence[DeuIssue],
    *,
    per_issue: Sequence[str],
    per_proposal: Sequence[str],
    seed: int,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Forecasts]:
    """Every model's (forecast, failure) on every scored issue, in the order of ``scored``.

    Parameters
    ----------
    scored:
        From :func:`eligible`.
    issues:
        Every issue of the file (the proposal scenarios also hold unscored issues).
    per_issue, per_proposal:
        Registered model names scored on one-issue and on per-proposal scenarios.
    seed:
        Root of the generators (module docstring).
    executor:
        Where the tasks run (default: serially here); proposals are cut into
        :func:`detente.executors.task_count` tasks of consecutive proposals.
    progress:
        Called as ``progress(done, total)`` in scored issues.
    """
    from detente.executors import SerialExecutor, run_ordered, split_evenly, task_count

    where = executor or SerialExecutor()
    proposals = _proposals(scored, issues, seed, bool(per_proposal))
    tasks = [
        _Task(tuple(per_issue), tuple(per_proposal), tuple(part))
        for part in split_evenly(proposals, task_count(where))
    ]
    names = [*per_issue, *per_proposal]
    slots: dict[str, list[Pair | None]] = {name: [None] * len(scored) for name in names}
    done = 0

    def collect(task: _Task, rows: list[tuple[int, list[Pair]]]) -> None:
        nonlocal done
        for index, row in rows:
            for name, pair in zip(names, row, strict=True):
                slots[name][index] = pair
        done += len(rows)
        if progress is not None:
            progress(done, len(scored))

    if progress is not None:
        progress(0, len(scored))
    run_ordered(where, _run_task, tasks, collect)
    out: dict[str, Forecasts] = {}
    for name, pairs in slots.items():
        out[name] = [pair for pair in pairs if pair is not None]
        if len(out[name]) != len(scored):  # every scored issue is in exactly one task
            raise RuntimeError(f"{name}: {len(out[name])} of {len(scored)} issues forecast")
    return out
