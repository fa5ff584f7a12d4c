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

Models. A model with a vectorised ``forecast_draws`` (the dated model) runs on whole
batches of draws. Every other registered model runs once per draw on a sampled
:class:`~detente.scenario.Scenario` (built with ``model_copy``, no re-validation), on an
evenly spread subsample of at most ``static_runs`` draws, because some are slow (the
expected-utility model takes about 0.1 s a draw).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from detente._streaming import BINS, _collect, _Hist, _Part, _Spec
from detente.errors import DetenteError
from detente.sampling import Draws, ScenarioSampler
from detente.scenario import Scenario

if TYPE_CHECKING:
    from detente.executors import Executor

__all__ = [
    "BINS",
    "SEED_BLOCK",
    "DatedDraws",
    "DatedModel",
    "Draws",
    "MonteCarloResult",
    "ScenarioSampler",
    "run_monte_carlo",
]

SEED_BLOCK = 128
"""Draws per seed block: the unit that owns a random stream."""


# -- the vectorised model protocol ---------------------------------------------------


@dataclass(frozen=True)
class DatedDraws:
    """What a dated model returns for ``n`` draws (K grid dates, J issues)."""

    dates: tuple[Any, ...]  # the K grid dates (datetime.date)
    by: np.ndarray  # (n, K) probability of agreement by each date
    outcome: np.ndarray  # (n, J) issue outcome (nan: none)
    agreed: np.ndarray  # (n, J) expected agreed point given agreement (nan: never agreed)
    median_index: np.ndarray  # (n,) first date index with P >= 0.5 (K: not by the horizon)


@runtime_checkable
class DatedModel(Protocol):
    """A model that forecasts whole batches of draws at once."""

    name: str

    def grid(self, scenario: Scenario) -> tuple[tuple[Any, ...], dict[Any, str]]:
        """The grid dates and the named ones among them."""
        ...

    def sample_process(
        self, scenario: Scenario, draws: Draws, rng: np.random.Generator
    ) -> np.ndarray:
        """The model's own randomness for ``draws`` (first axis: draws)."""
        ...

    def forecast_draws(self, scenario: Scenario, draws: Draws, process: np.ndarray) -> DatedDraws:
        """Forecast every draw."""
        ...


# -- tasks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Task:
    scenario: Scenario
    dated: tuple[str, ...]
    static: tuple[str, ...]
    blocks: tuple[tuple[int, int, np.random.SeedSequence], ...]  # (start, stop, seed)
    stride: int


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
    task: _Task, sampler: ScenarioSampler, blocks: list[Any], values: list[dict[str, np.ndarray]]
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


def _static_values(
    task: _Task, sampler: ScenarioSampler, blocks: list[Any], values: list[dict[str, np.ndarray]]
) -> None:
    from detente.models import get_model

    for index, (start, stop, streams, draws) in enumerate(blocks):
        rng = np.random.default_rng(streams[1])
        collected: dict[str, list[float]] = {}
        for i in range(start, stop):
            if i % task.stride:
                continue
            sampled = sampler.scenario_at(draws, i - start)
            for name in task.static:
                forecast = get_model(name).forecast(sampled, rng=rng)
                for item in forecast.issues:
                    value = np.nan if item.outcome is None else item.outcome
                    collected.setdefault(f"{name}|outcome|{item.issue_id}", []).append(value)
                if forecast.agreement is not None:
                    possible = float(forecast.agreement.possible)
                    collected.setdefault(f"{name}|possible", []).append(possible)
        for key, items in collected.items():
            values[index][key] = np.array(items, dtype=float)[:, None]


def _run_task(task: _Task) -> _Part:
    """Run one task (whole seed blocks); safe to call in a worker process."""
    sampler = ScenarioSampler(task.scenario)
    blocks = []
    for start, stop, seq in task.blocks:
        streams = seq.spawn(2 + len(task.dated))  # parameters, static models, dated models
        draws = sampler.sample(np.random.default_rng(streams[0]), stop - start)
        blocks.append((start, stop, streams, draws))
    values: list[dict[str, np.ndarray]] = [{} for _ in blocks]
    if task.dated:
        _dated_values(task, sampler, blocks, values)
    if task.static:
        _static_values(task, sampler, blocks, values)
    return _collect(values, _specs(task.scenario, task.dated, task.static))


# -- results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """Mean, median and 90% interval (5th to 95th percentile) of one number across draws."""

    mean: float | None
    median: float | None
    p05: float | None
    p95: float | None
    n: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "mean": self.mean,
            "median": self.median,
            "p05": self.p05,
            "p95": self.p95,
            "n": self.n,
        }


@dataclass(frozen=True)
class AgreementSummary:
    """The dated model's answer to *whether and when*, with its uncertainty."""

    model: str
    as_of: Any  # datetime.date: the curve starts here at 0
    dates: tuple[Any, ...]
    labels: dict[Any, str]
    by: tuple[Summary, ...]  # one per grid date: mean = P(agreement by that date)
    possible: float
    median_time: Any  # first date where the mean curve reaches 0.5, or None
    median_time_draws: dict[str, Any]  # median / p05 / p95 across draws (None: after horizon)
    agreed: dict[str, Summary]

    def p_by(self, day: Any) -> float:
        """P(agreement by ``day``): the curve at the last grid date on or before ``day``."""
        index = [k for k, d in enumerate(self.dates) if d <= day]
        if not index:
            return 0.0
        value = self.by[index[-1]].mean
        return 0.0 if value is None else value

    def report_dates(self) -> list[Any]:
        """The named dates (key dates, term ends, year ends, horizon), in order."""
        return sorted(self.labels)

    def to_dict(self) -> dict[str, Any]:
        named = self.report_dates()
        return {
            "model": self.model,
            "by": {d.isoformat(): self.p_by(d) for d in named},
            "by_interval": {d.isoformat(): self.by[self.dates.index(d)].to_dict() for d in named},
            "labels": {d.isoformat(): self.labels[d] for d in named},
            "possible": self.possible,
            "median_time": None if self.median_time is None else self.median_time.isoformat(),
            "median_time_draws": {
                k: None if v is None else v.isoformat() for k, v in self.median_time_draws.items()
            },
            "agreed_outcome": {k: v.to_dict() for k, v in self.agreed.items()},
            "curve": [
                {"date": d.isoformat(), **s.to_dict()}
                for d, s in zip(self.dates, self.by, strict=True)
            ],
        }


@dataclass(frozen=True)
class MonteCarloResult:
    """Summaries across draws of every number the forecast reports (see :meth:`to_dict`)."""

    title: str
    runs: int
    seed: int
    static_runs: int
    models: tuple[str, ...]
    issues: dict[str, str]
    outcomes: dict[str, dict[str, Summary]]
    possible: dict[str, float | None]
    agreement: AgreementSummary | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"runs", "seed", "models": {...}, "agreement": {"by": {date: p}}}``."""
        out: dict[str, Any] = {
            "scenario": self.title,
            "runs": self.runs,
            "seed": self.seed,
            "static_runs": self.static_runs,
            "seed_block": SEED_BLOCK,
            "interval": "90% (5th to 95th percentile across draws)",
            "models": {
                name: {
                    "outcome": {k: v.to_dict() for k, v in self.outcomes[name].items()},
                    "agreement_possible": self.possible.get(name),
                }
                for name in self.models
            },
        }
        if self.agreement is not None:
            out["agreement"] = self.agreement.to_dict()
        return out


def _summary(
    hist: _Hist | None, total: tuple[np.ndarray, np.ndarray] | None, column: int = 0
) -> Summary:
    if hist is None or total is None or int(total[1][column]) == 0:
        return Summary(None, None, None, None, 0)
    n = int(total[1][column])
    return Summary(
        float(total[0][column]) / n,
        hist.quantile(column, 0.5),
        hist.quantile(column, 0.05),
        hist.quantile(column, 0.95),
        n,
    )


def run_monte_carlo(
    scenario: Scenario,
    *,
    runs: int,
    seed: int,
    models: Sequence[str] | None = None,
    workers: int = 1,
    block_size: int = 1024,
    progress: Callable[[int], None] | None = None,
    static_runs: int = 200,
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
        At most this many draws, evenly spread, for models without a vectorised path.
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
        ("static_runs", static_runs, 0),
        ("seed", seed, 0),
    )
    for label, value, least in checks:
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise DetenteError(f"{label} must be an integer >= {least}, got {value!r}")
    from detente.forecasting import select_models

    names = sorted(select_models(scenario, models))
    dated = tuple(n for n in names if isinstance(get_model(n), DatedModel))
    static = tuple(n for n in names if n not in dated) if static_runs else ()
    stride = max(1, math.ceil(runs / static_runs)) if static_runs else runs + 1
    static_count = len(range(0, runs, stride)) if static else 0
    n_blocks = math.ceil(runs / SEED_BLOCK)
    seeds = np.random.SeedSequence(seed).spawn(n_blocks)
    spans = [(b * SEED_BLOCK, min(runs, (b + 1) * SEED_BLOCK), seeds[b]) for b in range(n_blocks)]
    per_task = max(1, math.ceil(block_size / SEED_BLOCK))
    tasks = [
        _Task(scenario, dated, static, tuple(spans[i : i + per_task]), stride)
        for i in range(0, n_blocks, per_task)
    ]
    hists: dict[str, _Hist] = {}
    totals: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    done = 0

    def fold(task: _Task, part: _Part) -> None:
        nonlocal done
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

    run_ordered(executor or ProcessExecutor(workers), _run_task, tasks, fold)
    return _result(scenario, runs, seed, static_count, names, dated, hists, totals)


def _result(
    scenario: Scenario,
    runs: int,
    seed: int,
    static_count: int,
    names: Sequence[str],
    dated: Sequence[str],
    hists: dict[str, _Hist],
    totals: dict[str, tuple[np.ndarray, np.ndarray]],
) -> MonteCarloResult:
    from detente.models import get_model

    def summary(key: str, column: int = 0) -> Summary:
        return _summary(hists.get(key), totals.get(key), column)

    outcomes = {
        name: {issue.id: summary(f"{name}|outcome|{issue.id}") for issue in scenario.issues}
        for name in names
    }
    possible = {name: summary(f"{name}|possible").mean for name in names}
    agreement = None
    if dated:
        name = dated[0]
        model = get_model(name)
        assert isinstance(model, DatedModel)
        dates, labels = model.grid(scenario)
        by = tuple(summary(f"{name}|by", k) for k in range(len(dates)))
        crossing = [k for k, s in enumerate(by) if s.mean is not None and s.mean >= 0.5]
        index_hist = hists[f"{name}|median_index"]
        total = int(index_hist.count[0].sum())

        def date_at(q: float) -> Any:
            k = round(index_hist.nth(0, min(total - 1, math.floor((total - 1) * q + 1e-9))))
            return dates[k] if k < len(dates) else None

        agreement = AgreementSummary(
            model=name,
            as_of=scenario.as_of,
            dates=tuple(dates),
            labels=dict(labels),
            by=by,
            possible=summary(f"{name}|possible").mean or 0.0,
            median_time=dates[crossing[0]] if crossing else None,
            median_time_draws={"median": date_at(0.5), "p05": date_at(0.05), "p95": date_at(0.95)},
            agreed={issue.id: summary(f"{name}|agreed|{issue.id}") for issue in scenario.issues},
        )
    return MonteCarloResult(
        title=scenario.title,
        runs=runs,
        seed=seed,
        static_runs=static_count,
        models=tuple(names),
        issues={issue.id: issue.name for issue in scenario.issues},
        outcomes=outcomes,
        possible=possible,
        agreement=agreement,
    )
