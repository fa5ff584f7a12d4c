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
from dataclasses import dataclass, field, replace
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


@runtime_checkable
class DrawModel(Protocol):
    """An issue model that forecasts many draws of one issue at once."""

    name: str

    def predict_draws(
        self,
        actor_ids: Sequence[str],
        positions: np.ndarray,
        saliences: np.ndarray,
        capabilities: np.ndarray,
        scale: tuple[float, float],
    ) -> np.ndarray:
        """``(m, n)`` arrays of ``m`` draws of the issue's actors -> ``(m,)`` outcomes
        on the scale (nan where a draw cannot be forecast); as ``forecast`` on each."""
        ...


#: Top-level scenario fields no static model reads: draws that differ only there are
#: one and the same draw for the static models.
STATIC_BLIND = frozenset({"dynamics", "dates", "evidence", "sources", "outcome"})


# -- tasks -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Task:
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


def _issue_arrays(
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


def _static_draws(
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
                ids, x, s, c = _issue_arrays(scenario, draws, unique, issue.id)
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
    task: _Task, sampler: ScenarioSampler, blocks: list[Any], values: list[dict[str, np.ndarray]]
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
    numbers, solved = _static_draws(task.scenario, sampler, task.static, everything, rows)
    cuts = np.cumsum([0] + [r.size for r in picked])
    for index in range(len(blocks)):
        for key, column in numbers.items():
            values[index][key] = column[cuts[index] : cuts[index + 1], None]
    return solved


def _run_task(task: _Task) -> tuple[_Part, int]:
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
    solved: dict[str, int] = field(default_factory=dict)

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
                    "draws": self.static_runs if name in self.solved else self.runs,
                    "solved": self.solved.get(name, self.runs),
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
        constant, solved = _static_draws(
            scenario, sampler, static, sampler.modes(1), np.zeros(1, dtype=np.intp)
        )
    n_blocks = math.ceil(runs / SEED_BLOCK)
    seeds = np.random.SeedSequence(seed).spawn(n_blocks)
    spans = [(b * SEED_BLOCK, min(runs, (b + 1) * SEED_BLOCK), seeds[b]) for b in range(n_blocks)]
    per_task = max(1, math.ceil(block_size / SEED_BLOCK))
    tasks = [
        _Task(scenario, dated, static, tuple(spans[i : i + per_task]), stride, constant)
        for i in range(0, n_blocks, per_task)
    ]
    hists: dict[str, _Hist] = {}
    totals: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    done = 0

    def fold(task: _Task, result: tuple[_Part, int]) -> None:
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

    run_ordered(executor or ProcessExecutor(workers), _run_task, tasks, fold)
    out = _result(scenario, runs, seed, static_count, names, dated, hists, totals)
    return replace(out, solved=dict.fromkeys(static, solved))


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
