"""Monte Carlo over a scenario's uncertain numbers: sampling, seeds, workers, summaries.

Every scenario number may be a range ``{low, mode, high}`` (triangular, or a named law,
:mod:`detente.quantity`). :func:`run_monte_carlo` draws all of them jointly ``runs``
times and reports, for every number the forecast gives, its mean, median and 90%
interval across draws.

Reproducibility. Draws are cut into *seed blocks* of :data:`SEED_BLOCK` draws; seed
block *b* gets the *b*-th child of ``numpy.random.SeedSequence(seed).spawn(...)``, which
it splits again into one stream for the parameters, one for the dated model's shocks
and one for the static models. Which worker runs a block, and how many blocks a task
holds (``block_size``), changes nothing: the same seed gives the same output for any
``workers`` and ``block_size``. Means are folded in seed-block order; quantiles come
from histograms whose merge is order-free.

Memory does not grow with ``runs``: each task returns fixed-size summaries (per-number
histograms of :data:`BINS` bins with each bin's min and max, and per-seed-block sums),
so the parent holds only those. Quantiles are exact when a bin holds one distinct
value and otherwise interpolated between the bin's min and max (error below
1/:data:`BINS` of the number's range).

Models. Every model runs on every draw unless ``static_runs`` asks for a subsample. A
model with a vectorised ``forecast_draws`` (the dated model) runs on whole batches of
draws; an issue model with ``predict_draws`` (:class:`DrawModel`: the expected-utility
model's batched kernel, the compromise and median models) forecasts all the draws of a
task at once from the actors' arrays; every other model runs once per draw on a sampled
:class:`~detente.scenario.Scenario` (built with ``model_copy``, no re-validation).
Static models are deterministic, so draws that agree on every number a static model
reads (everything but the dynamics, dates, evidence, sources and known outcome) are
solved once: on a table without ranges, once in all. The result says, per model, on how
many draws it was solved (``solved``) and how many it covers (``n`` of each summary).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from detente._streaming import BINS, _Hist, _Part
from detente.errors import DetenteError
from detente.monte_carlo_protocols import DatedDraws, DatedModel, DrawModel
from detente.monte_carlo_results import AgreementSummary, MonteCarloResult, Summary, result
from detente.monte_carlo_tasks import SEED_BLOCK, STATIC_BLIND, Task, run_task, static_draws
from detente.sampling import Draws, ScenarioSampler
from detente.scenario import Scenario

if TYPE_CHECKING:
    from detente.executors import Executor

__all__ = [
    "BINS",
    "SEED_BLOCK",
    "AgreementSummary",
    "DatedDraws",
    "DatedModel",
    "DrawModel",
    "Draws",
    "MonteCarloResult",
    "ScenarioSampler",
    "Summary",
    "run_monte_carlo",
]


def run_monte_carlo(
    scenario: Scenario,
    *,
    runs: int,
    seed: int,
    models: Sequence[str] | None = None,
    workers: int = 1,
    block_size: int = 1024,
    progress: Callable[[int], None] | None = None,
    static_runs: int | None = None,
    executor: Executor | None = None,
) -> MonteCarloResult:
    """Forecast ``runs`` joint draws of the scenario's ranges and summarise across draws.

    Parameters
    ----------
    scenario:
        The scenario; every range is sampled from its law (triangular by default).
    runs:
        Number of draws (>= 1).
    seed:
        Root seed; ``numpy.random.SeedSequence(seed).spawn`` gives each seed block of
        :data:`SEED_BLOCK` draws its own stream, so the output depends on ``seed`` and
        ``runs`` only, never on ``workers`` or ``block_size``.
    models:
        Registered model names (default: every model that applies to the scenario).
    workers:
        Processes (``concurrent.futures.ProcessPoolExecutor``) when no ``executor`` is
        given; 1 runs in this process.
    block_size:
        Draws per task, rounded up to a multiple of :data:`SEED_BLOCK`; bounds memory
        (the dated model holds arrays of block_size x steps x signatories x issues).
    progress:
        Called after each task with the number of draws completed so far.
    static_runs:
        ``None`` (default): every model runs on every draw. An integer asks for at most
        this many draws, evenly spread (every ``ceil(runs / static_runs)``-th), for the
        models other than the dated one; 0 leaves them out. Either way, draws that are
        identical for the static models are solved once (see the module docstring).
    executor:
        Where the tasks run (:mod:`detente.executors`: serial, local processes or Dask);
        ``None``: ``workers`` local processes. Results are folded in task order, so the
        backend changes nothing in the output.

    Returns
    -------
    MonteCarloResult
        Mean, median and 90% interval of every number; ``to_dict()`` is JSON-ready.
    """
    from detente.models import get_model

    checks = (
        ("runs", runs, 1),
        ("workers", workers, 1),
        ("block_size", block_size, 1),
        ("static_runs", runs if static_runs is None else static_runs, 0),
        ("seed", seed, 0),
    )
    for label, value, least in checks:
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise DetenteError(f"{label} must be an integer >= {least}, got {value!r}")
    from detente.limits import MAX_RUNS

    if runs > MAX_RUNS:
        raise DetenteError(f"runs: at most {MAX_RUNS:,} Monte Carlo draws, got {runs:,}")
    from detente.forecasting import select_models

    names = sorted(select_models(scenario, models, monte_carlo=True))
    dated = tuple(n for n in names if isinstance(get_model(n), DatedModel))
    wanted = runs if static_runs is None else static_runs
    static = tuple(n for n in names if n not in dated) if wanted else ()
    stride = max(1, math.ceil(runs / wanted)) if wanted else runs + 1
    static_count = len(range(0, runs, stride)) if static else 0
    constant, solved = None, 0
    sampler = ScenarioSampler(scenario)
    if static and all(path[0] in STATIC_BLIND for path in sampler.uncertain):
        # every draw is the same for the static models: solve them once, here
        constant, solved = static_draws(
            scenario, sampler, static, sampler.modes(1), np.zeros(1, dtype=np.intp)
        )
    n_blocks = math.ceil(runs / SEED_BLOCK)
    seeds = np.random.SeedSequence(seed).spawn(n_blocks)
    spans = [(b * SEED_BLOCK, min(runs, (b + 1) * SEED_BLOCK), seeds[b]) for b in range(n_blocks)]
    per_task = max(1, math.ceil(block_size / SEED_BLOCK))
    tasks = [
        Task(scenario, dated, static, tuple(spans[i : i + per_task]), stride, constant)
        for i in range(0, n_blocks, per_task)
    ]
    hists: dict[str, _Hist] = {}
    totals: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    done = 0

    def fold(task: Task, result: tuple[_Part, int]) -> None:
        nonlocal done, solved
        part, count = result
        solved += count
        for key, hist in part.hists.items():
            if key in hists:
                hists[key].merge(hist)
            else:
                hists[key] = hist
        for block in part.sums:  # in seed-block order, so the float sums are reproducible
            for key, (s, c) in block.items():
                if key in totals:
                    totals[key] = (totals[key][0] + s, totals[key][1] + c)
                else:
                    totals[key] = (s, c)
        done += sum(stop - start for start, stop, _ in task.blocks)
        if progress is not None:
            progress(done)

    from detente.executors import ProcessExecutor, run_ordered

    run_ordered(executor or ProcessExecutor(workers), run_task, tasks, fold)
    out = result(scenario, runs, seed, static_count, names, dated, hists, totals)
    return replace(out, solved=dict.fromkeys(static, solved))
