"""Streaming summaries for Monte Carlo: fixed-size histograms whose merge is order-free.

Each worker task turns its draws into per-number histograms of :data:`BINS` bins (with
each bin's min and max) plus per-seed-block sums; the parent merges them. Memory does
not grow with the number of draws, and merging in any order gives the same result, so
the output does not depend on the number of workers. Quantiles are exact when a bin
holds one distinct value and otherwise interpolated between the bin's min and max
(error below 1/:data:`BINS` of the number's range). Used by :mod:`detente.uncertainty`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

BINS = 512
"""Histogram bins per reported number."""


@dataclass(frozen=True)
class _Spec:
    """A group of reported numbers sharing a histogram range: ``columns`` of them."""

    lo: float
    hi: float
    bins: int
    columns: int


class _Hist:
    """Per column: counts, minimum and maximum per bin over ``[lo, hi]`` (order-free merge)."""

    def __init__(self, spec: _Spec) -> None:
        self.spec = spec
        shape = (spec.columns, spec.bins)
        self.count = np.zeros(shape, dtype=np.int64)
        self.min = np.full(shape, np.inf)
        self.max = np.full(shape, -np.inf)

    def add(self, values: np.ndarray) -> None:
        """Add rows of ``values`` (shape ``(n, columns)``); non-finite entries are skipped."""
        spec = self.spec
        ok = np.isfinite(values)
        span = spec.hi - spec.lo
        scaled = np.where(ok, (values - spec.lo) / span * spec.bins if span > 0 else 0.0, 0.0)
        idx = np.clip(scaled.astype(np.int64), 0, spec.bins - 1)
        flat = (idx + np.arange(spec.columns)[None, :] * spec.bins)[ok]
        kept = values[ok]
        self.count += np.bincount(flat, minlength=self.count.size).reshape(self.count.shape)
        np.minimum.at(self.min.reshape(-1), flat, kept)
        np.maximum.at(self.max.reshape(-1), flat, kept)

    def merge(self, other: _Hist) -> None:
        self.count += other.count
        np.minimum(self.min, other.min, out=self.min)
        np.maximum(self.max, other.max, out=self.max)

    def nth(self, column: int, rank: int) -> float:
        """The ``rank``-th smallest value (0-based), interpolated within its bin."""
        count = self.count[column]
        cumulative = np.cumsum(count)
        b = int(np.searchsorted(cumulative, rank, side="right"))
        before = int(cumulative[b - 1]) if b else 0
        c, low, high = int(count[b]), self.min[column, b], self.max[column, b]
        if c == 1 or low == high:
            return float(low)
        return float(low + (high - low) * (rank - before) / (c - 1))

    def quantile(self, column: int, q: float) -> float | None:
        """The ``q`` quantile (numpy's default 'linear' rule, within-bin interpolation)."""
        total = int(self.count[column].sum())
        if total == 0:
            return None
        h = (total - 1) * q
        low, high = math.floor(h), math.ceil(h)
        a, b = self.nth(column, low), self.nth(column, high)
        return a + (b - a) * (h - low)


Sums = dict[str, tuple[np.ndarray, np.ndarray]]  # group -> (sum per column, count per column)


@dataclass
class _Part:
    """What one task returns: merged histograms, and sums per seed block in block order."""

    hists: dict[str, _Hist]
    sums: list[Sums]


def _collect(blocks: list[dict[str, np.ndarray]], specs: dict[str, _Spec]) -> _Part:
    sums: list[Sums] = []
    for values in blocks:
        block: Sums = {}
        for key, arr in values.items():
            ok = np.isfinite(arr)
            block[key] = (np.sum(np.where(ok, arr, 0.0), axis=0), np.sum(ok, axis=0))
        sums.append(block)
    hists: dict[str, _Hist] = {}
    for key in {k for values in blocks for k in values}:
        hist = _Hist(specs[key])
        hist.add(np.concatenate([values[key] for values in blocks if key in values]))
        hists[key] = hist
    return _Part(hists, sums)
