"""What a Monte Carlo run reports: summaries across draws, the agreement curve.

:func:`result` turns the merged histograms and sums of
:func:`detente.uncertainty.run_monte_carlo` into a :class:`MonteCarloResult`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from detente._streaming import _Hist
from detente.monte_carlo_protocols import DatedModel
from detente.monte_carlo_tasks import SEED_BLOCK
from detente.scenario import Scenario

__all__ = ["AgreementSummary", "MonteCarloResult", "Summary", "result"]


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


def result(
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
