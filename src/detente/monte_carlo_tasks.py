"""The tasks of a Monte Carlo run: sample seed blocks, run the models, summarise.

One :class:`Task` holds whole seed blocks of :data:`SEED_BLOCK` draws (see
:mod:`detente.uncertainty` for the seeding and the models on every draw);
:func:`run_task` runs one, in this process or in a worker, and returns fixed-size
summaries (:mod:`detente._streaming`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from detente._streaming import BINS, _collect, _Part, _Spec
from detente.monte_carlo_protocols import DatedModel, DrawModel
from detente.sampling import Draws, ScenarioSampler
from detente.scenario import Scenario

__all__ = ["SEED_BLOCK", "STATIC_BLIND", "Task", "issue_arrays", "run_task", "static_draws"]

SEED_BLOCK = 128
"""Draws per seed block: the unit that owns a random stream."""

#: Top-level scenario fields no static model reads: draws that differ only there are
#: one and the same draw for the static models.
STATIC_BLIND = frozenset({"dynamics", "dates", "evidence", "sources", "outcome"})


@dataclass(frozen=True)
class Task:
    """Whole seed blocks ``(start, stop, seed)`` of one scenario and the models to run."""

    scenario: Scenario
    dated: tuple[str, ...]
    static: tuple[str, ...]
    blocks: tuple[tuple[int, int, np.random.SeedSequence], ...]  # (start, stop, seed)
    stride: int
    constant: dict[str, np.ndarray] | None = None  # static values shared by every draw


def _specs(scenario: Scenario, dated: Sequence[str], static: Sequence[str]) -> dict[str, _Spec]:
    from detente.models import get_model

    specs: dict[str, _Spec] = {}
    for name in (*dated, *static):
        for issue in scenario.issues:
            specs[f"{name}|outcome|{issue.id}"] = _Spec(*issue.scale, BINS, 1)
            if name in dated:
                specs[f"{name}|agreed|{issue.id}"] = _Spec(*issue.scale, BINS, 1)
        specs[f"{name}|possible"] = _Spec(0.0, 1.0, 2, 1)
    for name in dated:
        model = get_model(name)
        assert isinstance(model, DatedModel)
        steps = len(model.grid(scenario)[0])
        specs[f"{name}|by"] = _Spec(0.0, 1.0, BINS, steps)
        specs[f"{name}|median_index"] = _Spec(-0.5, steps + 0.5, steps + 1, 1)
    return specs


def _dated_values(
    task: Task, sampler: ScenarioSampler, blocks: list[Any], values: list[dict[str, np.ndarray]]
) -> None:
    from detente.models import get_model

    scenario = task.scenario
    everything = Draws.concat([b[3] for b in blocks])
    for d, name in enumerate(task.dated):
        model = get_model(name)
        assert isinstance(model, DatedModel)
        process = np.concatenate(
            [
                model.sample_process(scenario, b[3], np.random.default_rng(b[2][2 + d]))
                for b in blocks
            ]
        )
        result = model.forecast_draws(scenario, everything, process)
        offset = 0
        for index, (start, stop, _, _) in enumerate(blocks):
            cut = slice(offset, offset + stop - start)
            offset += stop - start
            out = values[index]
            for j, issue in enumerate(scenario.issues):
                out[f"{name}|outcome|{issue.id}"] = result.outcome[cut, j : j + 1]
                out[f"{name}|agreed|{issue.id}"] = result.agreed[cut, j : j + 1]
            out[f"{name}|possible"] = (result.by[cut, -1:] > 0).astype(float)
            out[f"{name}|by"] = result.by[cut]
            out[f"{name}|median_index"] = result.median_index[cut, None].astype(float)


def issue_arrays(
    scenario: Scenario, draws: Draws, rows: np.ndarray, issue_id: str
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Ids of the actors that take a stance on the issue (in scenario order), and their
    positions, saliences and capabilities ``(m, n)`` in the draws ``rows``."""
    taking = [k for k, a in enumerate(scenario.actors) if issue_id in a.stances]

    def stack(paths: list[tuple[Any, ...]]) -> np.ndarray:
        return np.column_stack([draws.get(p)[rows] for p in paths])

    return (
        [scenario.actors[k].id for k in taking],
        stack([("actors", k, "stances", issue_id, "position") for k in taking]),
        stack([("actors", k, "stances", issue_id, "salience") for k in taking]),
        stack([("actors", k, "capability") for k in taking]),
    )


def _distinct(sampler: ScenarioSampler, draws: Draws, rows: np.ndarray) -> tuple[np.ndarray, ...]:
    """Representative rows of the distinct draws among ``rows`` (as the static models see
    them) and, for each of ``rows``, the index of its representative."""
    seen = np.array(
        [k for k, path in enumerate(sampler.uncertain) if path[0] not in STATIC_BLIND],
        dtype=np.intp,
    )
    if not seen.size:
        return rows[:1], np.zeros(rows.size, dtype=np.intp)
    found = np.unique(draws.matrix[rows][:, seen], axis=0, return_index=True, return_inverse=True)
    return rows[found[1]], np.asarray(found[2], dtype=np.intp).reshape(-1)


def static_draws(
    scenario: Scenario,
    sampler: ScenarioSampler,
    names: Sequence[str],
    draws: Draws,
    rows: np.ndarray,
) -> tuple[dict[str, np.ndarray], int]:
    """Every static model's numbers on the draws ``rows`` (``{key: (len(rows),)}``) and
    the number of distinct draws among them, each solved once."""
    from detente.models import get_model

    unique, inverse = _distinct(sampler, draws, rows)
    out: dict[str, np.ndarray] = {}
    rng = np.random.default_rng(0)  # static models are deterministic; the API asks for one
    for name in names:
        model = get_model(name)
        if isinstance(model, DrawModel):
            for issue in scenario.issues:
                ids, x, s, c = issue_arrays(scenario, draws, unique, issue.id)
                values = model.predict_draws(ids, x, s, c, issue.scale)
                out[f"{name}|outcome|{issue.id}"] = values[inverse]
            continue
        collected: dict[str, list[float]] = {}
        for i in unique.tolist():
            forecast = model.forecast(sampler.scenario_at(draws, i), rng=rng)
            for item in forecast.issues:
                value = np.nan if item.outcome is None else item.outcome
                collected.setdefault(f"{name}|outcome|{item.issue_id}", []).append(value)
            if forecast.agreement is not None:
                possible = float(forecast.agreement.possible)
                collected.setdefault(f"{name}|possible", []).append(possible)
        for key, items in collected.items():
            out[key] = np.array(items, dtype=float)[inverse]
    return out, int(unique.size)


def _static_values(
    task: Task, sampler: ScenarioSampler, blocks: list[Any], values: list[dict[str, np.ndarray]]
) -> int:
    """The static models' numbers of a task's draws (every ``stride``-th draw), solved
    together: one call per batched model and issue, one forecast per distinct draw.
    Returns the number of distinct draws solved."""
    picked = [np.arange(start, stop)[(np.arange(start, stop) % task.stride) == 0] - start
              for start, stop, _, _ in blocks]  # fmt: skip
    if task.constant is not None:
        for index, rows in enumerate(picked):
            for key, value in task.constant.items():
                values[index][key] = np.full((rows.size, 1), value[0])
        return 0
    everything = Draws.concat([b[3] for b in blocks])
    offsets = np.cumsum([0] + [b[1] - b[0] for b in blocks])
    rows = np.concatenate([r + o for r, o in zip(picked, offsets, strict=False)])
    numbers, solved = static_draws(task.scenario, sampler, task.static, everything, rows)
    cuts = np.cumsum([0] + [r.size for r in picked])
    for index in range(len(blocks)):
        for key, column in numbers.items():
            values[index][key] = column[cuts[index] : cuts[index + 1], None]
    return solved


def run_task(task: Task) -> tuple[_Part, int]:
    """Run one task (whole seed blocks); safe to call in a worker process. Returns the
    summaries and the number of distinct draws the static models were solved on."""
    sampler = ScenarioSampler(task.scenario)
    blocks = []
    for start, stop, seq in task.blocks:
        streams = seq.spawn(2 + len(task.dated))  # parameters, static models, dated models
        draws = sampler.sample(np.random.default_rng(streams[0]), stop - start)
        blocks.append((start, stop, streams, draws))
    values: list[dict[str, np.ndarray]] = [{} for _ in blocks]
    if task.dated:
        _dated_values(task, sampler, blocks, values)
    solved = _static_values(task, sampler, blocks, values) if task.static else 0
    return _collect(values, _specs(task.scenario, task.dated, task.static)), solved
