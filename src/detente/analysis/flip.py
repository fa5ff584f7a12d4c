"""Counterfactuals: what would it take to flip the answer.

(:mod:`detente.analysis.what_if` puts the forecast before and after some edits side by side.)

:func:`find_flips` finds the smallest change to one parameter (then, if none suffices, to
two) that flips the answer: whether the calibrated P(agreement by the horizon), the
forecast detente reports (docs/calibration.md), crosses a threshold (target
``calibrated``, 50% by default; by Monte Carlo of the dated model, ``runs`` draws per
evaluation, and the two-level verdict), whether the two-level model finds a zone of
possible agreement (Putnam 1988; target ``zopa``), or whether P(agreement by the
horizon) of the dated model alone crosses the threshold (target ``dated``; at the modes
over seeded shock paths, or by Monte Carlo with ``runs > 0``). Every evaluation uses the
same draws (common random numbers).

Sizes are in units of each parameter's :attr:`~detente.scenario_edits.ParameterInfo.scale`
(a pair's size is the sum). Each number is searched from its mode towards both ends of
its :attr:`~detente.scenario_edits.ParameterInfo.domain` (the analyst's range first,
then the valid values): acceptance bounds and tolerances are monotone (wider win-sets
can only help an agreement), so the end is tried and the edge found by bisection; other
numbers are probed at the ends of their range and domain and, where a probe moves the
answer or the acceptable sets, scanned on a grid (8 points in the range, 8 beyond) with
bisection in the first cell that flips. Edges are snapped to an anchor or a round number
that still flips. Pairs: among the numbers whose move brings a flip nearest, a pair whose
far corner flips is searched on a 12-point grid over one with bisection on the other,
both orders. ``docs/explain.md`` describes the search in full.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any, NamedTuple

import numpy as np

from detente.errors import DetenteError
from detente.scenario import Scenario
from detente.scenario_edits import (
    ParameterInfo,
    numeric_parameters,
    set_parameters,
)

__all__ = ["CALIBRATED_RUNS", "TARGETS", "Change", "Flip", "FlipResult", "find_flips"]

#: The answers a flip can be searched for (besides ``auto``).
TARGETS = ("calibrated", "dated", "zopa")
#: Monte Carlo draws per evaluation of the calibrated target when none are given.
CALIBRATED_RUNS = 200

Setting = dict[str, float]
Search = tuple[Setting, ParameterInfo, float, float]  # fixed part, parameter, no flip, flip
_MONOTONE = {"bound", "tolerance"}
_GRID = 8  # grid points inside the analyst's range, and again beyond it
_TOL = 1e-4  # bisection tolerance, in units of the parameter's scale


@dataclass(frozen=True)
class Change:
    """One parameter moved from its mode to ``value`` (file units)."""

    parameter: ParameterInfo
    value: float

    @property
    def size(self) -> float:
        return self.parameter.relative(self.value)

    @property
    def outside(self) -> float:
        return self.parameter.outside(self.value)

    def to_dict(self) -> dict[str, Any]:
        p = self.parameter
        return {
            "path": p.path,
            "from": p.value.mode,
            "to": self.value,
            "range": [p.value.low, p.value.high],
            "size": self.size,
            "outside_range": self.outside,
        }


@dataclass(frozen=True)
class Flip:
    """Changes that flip the answer, and the answer's value after them."""

    changes: tuple[Change, ...]
    after: float

    @property
    def size(self) -> float:
        return sum(c.size for c in self.changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "changes": [c.to_dict() for c in self.changes],
            "size": self.size,
            "after": self.after,
        }


@dataclass(frozen=True)
class FlipResult:
    """The cheapest single-parameter flips, or (when there is none) the cheapest pairs."""

    title: str
    target: str
    before: float
    singles: tuple[Flip, ...]
    pairs: tuple[Flip, ...]
    searched: int
    evaluations: int
    runs: int
    seed: int
    pairs_searched: bool = False
    threshold: float = 0.5
    not_evaluated: tuple[tuple[str, float, str], ...] = ()
    """``(path, value, error)``: each parameter with a setting that could not be
    evaluated (the edited scenario was invalid), the first such value and the message."""

    @property
    def possible_before(self) -> bool:
        """The answer before: agreement possible (zopa) or P >= the threshold."""
        return bool(self.before >= self.threshold)

    @property
    def best(self) -> Flip | None:
        found = [*self.singles[:1], *self.pairs[:1]]
        return min(found, key=lambda f: f.size) if found else None

    def to_dict(self) -> dict[str, Any]:
        best = self.best
        return {
            "scenario": self.title,
            "target": self.target,
            "threshold": self.threshold,
            "before": self.before,
            "answer_before": self.possible_before,
            "best": None if best is None else best.to_dict(),
            "singles": [f.to_dict() for f in self.singles],
            "pairs": [f.to_dict() for f in self.pairs],
            "parameters_searched": self.searched,
            "pairs_searched": self.pairs_searched,
            "not_evaluated": [
                {"path": path, "value": value, "error": error}
                for path, value, error in self.not_evaluated
            ],
            "evaluations": self.evaluations,
            "runs": self.runs,
            "seed": self.seed,
        }


# -- the answer and how near a flip a setting is -----------------------------------------


def _distance(issues: dict[str, dict[str, Any]]) -> float:
    """How far the acceptable sets are from overlapping on every issue: the summed
    pairwise violations ``max(0, low_a - high_b)``, or minus the narrowest overlap."""
    violation, slack = 0.0, np.inf
    for verdict in issues.values():
        bounds = [tuple(s["accepts"]) for s in verdict["signatories"]]
        bounds += [tuple(r["accepts"]) for s in verdict["signatories"] for r in s["ratifiers"]]
        violation += sum(max(0.0, a[0] - b[1]) for a in bounds for b in bounds)
        slack = min(slack, min(b[1] for b in bounds) - max(b[0] for b in bounds))
    return violation if violation > 0 else -float(slack)


class _Target:
    """Evaluates settings: the answer's value (1/0 or P) and the sets' distance."""

    def __init__(
        self,
        scenario: Scenario,
        target: str,
        *,
        runs: int,
        seed: int,
        shock_paths: int,
        threshold: float = 0.5,
    ) -> None:
        from detente.outside_view.whether_when import CalibratedAtHorizon
        from detente.scenario_edits import DatedEvaluator

        self.scenario, self.target, self.threshold = scenario, target, threshold
        self.dated = None
        if target in ("dated", "calibrated"):
            self.dated = DatedEvaluator(scenario, runs=runs, seed=seed, shock_paths=shock_paths)
        self.calibrated = CalibratedAtHorizon(scenario) if target == "calibrated" else None
        self.evaluations = 0
        self.failed: dict[str, tuple[float, str]] = {}  # one parameter's settings that raised
        self.base = self.values([{}])[0]
        self.wanted = not bool(self.base[0] >= threshold)

    def values(self, settings: Sequence[Setting]) -> np.ndarray:
        """Rows of (value, distance); nan for a setting that makes the scenario invalid."""
        from detente.models.two_level import MODEL as TWO_LEVEL

        self.evaluations += len(settings)
        out = np.full((len(settings), 2), np.nan)
        for row, setting in enumerate(settings):
            try:
                verdict = TWO_LEVEL.forecast(set_parameters(self.scenario, setting)).agreement
            except DetenteError as exc:
                if len(setting) == 1:  # reported, never taken for "does not flip"
                    path, value = next(iter(setting.items()))
                    self.failed.setdefault(path, (value, str(exc)))
                continue
            if verdict is not None:
                out[row] = (float(verdict.possible), _distance(verdict.issues))
        valid = np.isfinite(out[:, 1])
        if self.dated is not None and valid.any():
            structural = self.dated([s for s, ok in zip(settings, valid, strict=True) if ok])
            if self.calibrated is not None:
                structural = self.calibrated(structural, out[valid, 0] >= 0.5)
            out[valid, 0] = structural
        return out

    def flipped(self, values: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            reached = values[:, 0] >= self.threshold
            found = np.isfinite(values[:, 0]) & (reached == self.wanted)
        return np.asarray(found, dtype=bool)

    def flips(self, settings: Sequence[Setting]) -> np.ndarray:
        return self.flipped(self.values(settings)) if settings else np.zeros(0, dtype=bool)

    def gain(self, values: np.ndarray) -> np.ndarray:
        """How much nearer a flip each row is than the base (answer first, then the sets)."""
        sign = 1.0 if self.wanted else -1.0
        toward = sign * (values[:, 0] - self.base[0])
        closer = sign * (self.base[1] - values[:, 1])
        gain = np.where(np.isfinite(toward), 1e3 * toward, -np.inf) + np.nan_to_num(closer)
        return np.asarray(gain, dtype=float)


# -- searching ---------------------------------------------------------------------------


def _bisect(target: _Target, searches: list[Search], k: int, tol: float = _TOL) -> list[float]:
    """The value nearest the no-flip end of each search that flips, to ``tol`` x scale."""
    brackets = [(a, b) for _, _, a, b in searches]
    while True:
        live = [i for i, (a, b) in enumerate(brackets) if abs(b - a) > tol * searches[i][1].scale]
        if not live:
            break
        points = {
            i: [
                brackets[i][0] + (brackets[i][1] - brackets[i][0]) * j / (k + 1)
                for j in range(1, k + 1)
            ]
            for i in live
        }
        settings = [{**searches[i][0], searches[i][1].path: v} for i in live for v in points[i]]
        flips = target.flips(settings).reshape(len(live), k)
        for row, i in zip(flips, live, strict=True):
            first = int(np.argmax(row)) if row.any() else k
            a, b = brackets[i]
            brackets[i] = (
                points[i][first - 1] if first else a,
                points[i][first] if first < k else b,
            )
    return _snap(target, searches, brackets)


def _snap(
    target: _Target, searches: list[Search], brackets: list[tuple[float, float]]
) -> list[float]:
    """Each edge replaced by an anchor or the roundest number in its bracket that flips."""
    tries: list[tuple[int, float]] = []
    for i, ((_, p, _, _), (a, b)) in enumerate(zip(searches, brackets, strict=True)):
        anchors: list[float] = []
        if p.kind in ("bound", "position", "status_quo") and p.issue is not None:
            anchors = [float(v) for v in target.scenario.issue(p.issue).anchors]
        for value in dict.fromkeys([*anchors, *(round(b, d) for d in range(-2, 7))]):
            if min(a, b) <= value <= max(a, b) and value != a:
                tries.append((i, value))
    out = [b for _, b in brackets]
    settings = [{**searches[i][0], searches[i][1].path: v} for i, v in tries]
    done: set[int] = set()
    for (i, value), ok in zip(tries, target.flips(settings), strict=True):
        if ok and i not in done:
            out[i] = value
            done.add(i)
    return out


def _ends(p: ParameterInfo) -> list[float]:
    return [e for e in p.domain if e != p.value.mode]


def _grid(p: ParameterInfo, end: float) -> list[float]:
    """Points from the mode towards ``end``: the analyst's range first, then beyond it."""
    mode = p.value.mode
    edge = p.value.low if end < mode else p.value.high
    inner = [mode + (edge - mode) * j / _GRID for j in range(1, _GRID + 1)] if edge != mode else []
    outer = [edge + (end - edge) * j / _GRID for j in range(1, _GRID + 1)] if end != edge else []
    return inner + outer


def _widens(p: ParameterInfo, end: float) -> bool:
    return end < p.value.mode if p.kind == "bound" and p.path.endswith(".0") else end > p.value.mode


class _Probe(NamedTuple):
    """A parameter moved to one end of its domain: how it helps and whether to scan it."""

    parameter: ParameterInfo
    end: float
    gain: float  # nearer a flip than the base (-inf: the wrong way for a monotone number)
    moved: bool  # the answer or the sets changed at a probe
    flips: bool  # the end itself flips the answer


def _probe(target: _Target, params: list[ParameterInfo]) -> list[_Probe]:
    """Each parameter at the ends of its range and of its domain, in both directions."""
    rows: list[tuple[ParameterInfo, float, list[float]]] = []
    for p in params:
        for end in _ends(p):
            edge = p.value.low if end < p.value.mode else p.value.high
            points = [end] if p.kind in _MONOTONE or edge in (end, p.value.mode) else [edge, end]
            rows.append((p, end, points))
    values = target.values([{p.path: v} for p, _, points in rows for v in points])
    out, at = [], 0
    for p, end, points in rows:
        block, at = values[at : at + len(points)], at + len(points)
        moved = not np.allclose(block, target.base[None, :], rtol=0, atol=1e-12, equal_nan=True)
        helps = p.kind not in _MONOTONE or _widens(p, end) == target.wanted
        gain = float(target.gain(block[-1:])[0]) if helps else -np.inf
        out.append(_Probe(p, end, gain, moved, bool(target.flipped(block[-1:])[0])))
    return out


def _singles(target: _Target, probes: list[_Probe], k: int) -> list[Change]:
    searches: list[Search] = [
        ({}, x.parameter, x.parameter.value.mode, x.end)
        for x in probes
        if x.parameter.kind in _MONOTONE and x.flips
    ]
    scans = [
        (x.parameter, _grid(x.parameter, x.end))
        for x in probes
        if x.parameter.kind not in _MONOTONE and x.moved
    ]
    flips = target.flips([{p.path: v} for p, grid in scans for v in grid])
    at = 0
    for p, grid in scans:
        row, at = flips[at : at + len(grid)], at + len(grid)
        if row.any():
            first = int(np.argmax(row))
            searches.append(({}, p, grid[first - 1] if first else p.value.mode, grid[first]))
    best: dict[str, Change] = {}
    for (_, p, _, _), value in zip(searches, _bisect(target, searches, k), strict=True):
        change = Change(p, value)
        if p.path not in best or change.size < best[p.path].size:
            best[p.path] = change
    return sorted(best.values(), key=lambda c: (c.size, c.parameter.path))


def _pair(
    target: _Target, p: ParameterInfo, ep: float, q: ParameterInfo, eq: float, k: int
) -> tuple[Change, Change] | None:
    """Cheapest (p, q) flip with p on a grid towards ``ep`` and q bisected towards ``eq``."""
    grid = [p.value.mode + (ep - p.value.mode) * j / 12 for j in range(1, 13)]
    reach = target.flips([{p.path: t, q.path: eq} for t in grid])
    if not reach.any():
        return None
    first = int(np.argmax(reach))
    candidates = [t for t, ok in zip(grid, reach, strict=True) if ok]
    if first:  # the edge of the flipping region along p, with q at its end
        edge = _bisect(target, [({q.path: eq}, p, grid[first - 1], grid[first])], k)[0]
        candidates.insert(0, edge)
    coarse = _bisect(target, [({p.path: t}, q, q.value.mode, eq) for t in candidates], k, 1e-2)
    pairs = [(Change(p, t), Change(q, u)) for t, u in zip(candidates, coarse, strict=True)]
    t = min(pairs, key=lambda c: c[0].size + c[1].size)[0].value
    fine = _bisect(target, [({p.path: t}, q, q.value.mode, eq)], k)[0]
    return Change(p, t), Change(q, fine)


def _pairs(
    target: _Target, probes: list[_Probe], k: int, limit: int
) -> list[tuple[Change, Change]]:
    helpful = sorted(
        (x for x in probes if x.gain > 1e-12), key=lambda x: (-x.gain, x.parameter.path)
    )
    chosen = list(dict.fromkeys(x.parameter.path for x in helpful))[:limit]
    moves = [(x.parameter, x.end) for x in helpful if x.parameter.path in chosen]
    combos = [(a, b) for a, b in combinations(moves, 2) if a[0].path != b[0].path]
    corners = target.flips([{a[0].path: a[1], b[0].path: b[1]} for a, b in combos])
    found: dict[tuple[str, str], tuple[Change, Change]] = {}
    for ((p, ep), (q, eq)), ok in zip(combos, corners, strict=True):
        for args in ((p, ep, q, eq), (q, eq, p, ep)) if ok else ():
            best = _pair(target, *args, k)
            if best is None or min(best[0].size, best[1].size) == 0:
                continue
            c1, c2 = sorted(best, key=lambda c: c.parameter.path)
            key = (c1.parameter.path, c2.parameter.path)
            if key not in found or c1.size + c2.size < sum(c.size for c in found[key]):
                found[key] = (c1, c2)
    return sorted(found.values(), key=lambda c: (c[0].size + c[1].size, c[0].parameter.path))


def find_flips(
    scenario: Scenario,
    *,
    target: str = "auto",
    threshold: float = 0.5,
    runs: int | None = None,
    seed: int = 0,
    shock_paths: int = 64,
    pairs: bool = True,
    limit: int = 5,
    pair_parameters: int = 10,
    paths: Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> FlipResult:
    """The smallest change to one parameter (then, if none flips, two) that flips the answer.

    Parameters
    ----------
    scenario:
        A scenario with an agreement.
    target:
        ``"calibrated"`` (the calibrated P(agreement by the horizon), the forecast
        detente reports, across ``threshold``), ``"dated"`` (the dated model's own P
        across ``threshold``), ``"zopa"`` (two-level: an agreement possible or not) or
        ``"auto"``: calibrated when the dated model applies, else zopa.
    threshold:
        The probability the calibrated and dated targets are read against, in (0, 1).
    runs, seed, shock_paths:
        Monte Carlo draws per evaluation (default: 200 for the calibrated target, whose
        coefficients were fitted on Monte Carlo probabilities; 0 for the dated target:
        at the modes), their seed, and the shock paths averaged over at the modes.
    pairs:
        Search pairs when no single parameter flips the answer.
    limit:
        Flips reported of each kind.
    pair_parameters:
        At most this many parameters (those whose move brings a flip nearest) enter pairs.
    paths:
        Only these parameters (default: every number of the scenario).
    progress:
        Called with ``(done, total)`` as the search advances (3 steps).
    """
    from detente.scenario_edits import dated_model

    if scenario.agreement is None:
        raise DetenteError("'what would it take' needs a scenario with an agreement (signatories)")
    if target == "auto":
        target = "calibrated" if dated_model(scenario) is not None else "zopa"
    if target not in TARGETS:
        raise DetenteError(f"unknown target {target!r}; expected auto, {', '.join(TARGETS)}")
    if not 0.0 < threshold < 1.0:
        raise DetenteError(f"threshold: expected a probability strictly between 0 and 1, got "
                           f"{threshold:g}")  # fmt: skip
    if runs is None:
        runs = CALIBRATED_RUNS if target == "calibrated" else 0
    if target == "calibrated" and runs == 0:
        raise DetenteError(
            "the calibrated target needs Monte Carlo draws (--runs > 0): its coefficients "
            "were fitted on the dated model's Monte Carlo probabilities"
        )
    goal = _Target(
        scenario, target, runs=runs, seed=seed, shock_paths=shock_paths, threshold=threshold
    )
    params = numeric_parameters(scenario)
    if paths is not None:
        unknown = sorted(set(paths) - {p.path for p in params})
        if unknown:
            raise DetenteError(f"{unknown[0]}: not a number of this scenario")
        params = [p for p in params if p.path in set(paths)]
    k = 1 if goal.dated is None else 8
    report = progress or (lambda done, total: None)
    probes = _probe(goal, params)
    report(1, 3)
    singles = _singles(goal, probes, k)
    report(2, 3)
    search_pairs = pairs and not singles
    found = _pairs(goal, probes, k, pair_parameters) if search_pairs else []
    report(3, 3)

    def flip(changes: tuple[Change, ...]) -> Flip:
        after = goal.values([{c.parameter.path: c.value for c in changes}])[0, 0]
        return Flip(changes, float(after))

    return FlipResult(
        scenario.title,
        target,
        float(goal.base[0]),
        tuple(flip((c,)) for c in singles[:limit]),
        tuple(flip(pair) for pair in found[:limit]),
        len(params),
        goal.evaluations,
        runs,
        seed,
        search_pairs,
        threshold,
        tuple((path, *goal.failed[path]) for path in sorted(goal.failed)),
    )
