"""Two-level game: is there a zone of possible agreement (ZOPA) today?

Putnam's two-level game (1988): a negotiator (level I) can only sign what its domestic
constituents (level II) will ratify. The set of level-I agreements that would be
ratified at home is the negotiator's *win-set*; an agreement is possible only where the
win-sets of all negotiators overlap.

On each issue *k* this model computes, for every signatory *s*:

.. math::

    W_{s,k} = A_{s,k} \\cap \\bigcap_{r \\in R(s)} A_{r,k}, \\qquad
    Z_k = \\bigcap_s W_{s,k},

where :math:`A_{j,k} = [l_{j,k}, h_{j,k}]` is what actor *j* accepts on issue *k*
(its ``accepts`` bounds; or its position +/- ``tolerance``; or by default every outcome
it prefers to the status quo, :math:`|x - x_j| \\le |q_k - x_j|`, the whole scale when
there is no status quo) and :math:`R(s)` are the signatory's ratifiers. An agreement is
possible today iff every :math:`Z_k` is non-empty. When :math:`Z_k` is empty, the gap
lies between the highest lower bound and the lowest upper bound; it closes if the
actor holding the one bound gives way to the other.

Outcome reported per issue: when a ZOPA exists, the signatories' capability x
salience weighted mean of positions projected onto :math:`Z_k` (the compromise
model's point restricted to what can be ratified, a choice made here because Putnam
gives the win-set, not the point chosen within it); when none exists, the status quo
(no agreement), or ``None`` where the issue has no status quo.

A signatory with ``packages`` (other sets of terms across issues) accepts its box or
any package: when the boxes leave no ZOPA, :func:`package_zopa` tries each choice of
packages and the verdict reports the first that opens one (``extra["package"]``).

Source: Putnam, R. D. (1988), "Diplomacy and domestic politics: the logic of two-level
games", *International Organization* 42(3): 427-460.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import Any

import numpy as np

from detente.errors import ModelError
from detente.models.base import AgreementVerdict, Forecast, IssueForecast, RngLike
from detente.scenario import Acceptance, Actor, Issue, Scenario

__all__ = ["MODEL", "Bound", "TwoLevelModel", "acceptable_range", "issue_zopa", "package_zopa"]


@dataclass(frozen=True)
class Bound:
    """An acceptable interval ``[low, high]`` and who sets each end."""

    low: float
    high: float
    low_by: str
    high_by: str

    @property
    def empty(self) -> bool:
        return self.low > self.high


def acceptable_range(acc: Acceptance, actor: Actor, issue: Issue) -> tuple[float, float]:
    """What ``actor`` accepts on ``issue`` (modes), clipped to the scale."""
    lo, hi = issue.scale
    if issue.id in acc.accepts:
        low, high = acc.accepts[issue.id]
        return max(lo, low.mode), min(hi, high.mode)
    stance = actor.stances.get(issue.id)
    if issue.id in acc.tolerance and stance is not None:
        tol = acc.tolerance[issue.id].mode
        return max(lo, stance.position.mode - tol), min(hi, stance.position.mode + tol)
    if stance is None or issue.status_quo is None:
        return lo, hi
    reach = abs(issue.status_quo.mode - stance.position.mode)
    return max(lo, stance.position.mode - reach), min(hi, stance.position.mode + reach)


def _intersect(parts: list[tuple[str, tuple[float, float]]]) -> Bound:
    low_by, (low, _) = max(parts, key=lambda p: p[1][0])
    high_by, (_, high) = min(parts, key=lambda p: p[1][1])
    return Bound(low, high, low_by, high_by)


def issue_zopa(scenario: Scenario, issue: Issue) -> dict[str, Any]:
    """Win-sets of every signatory on ``issue`` and their overlap (JSON-ready)."""
    agreement = scenario.agreement
    if agreement is None:
        raise ModelError("the scenario has no agreement (no signatories) to judge")
    sides: list[dict[str, Any]] = []
    win_sets: list[Bound] = []
    for signatory in agreement.signatories:
        actor = scenario.actor(signatory.actor)
        own = acceptable_range(signatory, actor, issue)
        parts = [(signatory.actor, own)]
        ratifiers = []
        for ratifier in signatory.ratifiers:
            r_range = acceptable_range(ratifier, scenario.actor(ratifier.actor), issue)
            parts.append((ratifier.actor, r_range))
            ratifiers.append({"actor": ratifier.actor, "accepts": list(r_range)})
        win = _intersect(parts)
        side: dict[str, Any] = {
            "actor": signatory.actor,
            "accepts": list(own),
            "ratifiers": ratifiers,
            "win_set": None if win.empty else [win.low, win.high],
        }
        if win.empty:
            side["internal_gap"] = {"low_by": win.low_by, "high_by": win.high_by}
        sides.append(side)
        win_sets.append(win)
    result: dict[str, Any] = {"signatories": sides, **_overlap(win_sets)}
    if result["gap"] is not None:
        low = result["gap"]["lowest_acceptable"]["value"]
        high = result["gap"]["highest_acceptable"]["value"]
        constraints = [(side["actor"], side["accepts"]) for side in sides] + [
            (r["actor"], r["accepts"]) for side in sides for r in side["ratifiers"]
        ]
        # to settle at `high`, everyone whose lower bound is above it must move down; and
        # to settle at `low`, everyone whose upper bound is below it must move up
        result["gap"]["to_settle_at_highest_acceptable"] = sorted(
            {actor for actor, (lo, _) in constraints if lo > high}
        )
        result["gap"]["to_settle_at_lowest_acceptable"] = sorted(
            {actor for actor, (_, hi) in constraints if hi < low}
        )
        result["gap"]["lowest_acceptable"]["held_by_all"] = sorted(
            {actor for actor, (lo, _) in constraints if lo == low}
        )
        result["gap"]["highest_acceptable"]["held_by_all"] = sorted(
            {actor for actor, (_, hi) in constraints if hi == high}
        )
    return result


def _overlap(win_sets: list[Bound]) -> dict[str, Any]:
    """Overlap of the win-sets; an empty one (internal gap) makes the overlap empty too."""
    low = max(win_sets, key=lambda b: b.low)
    high = min(win_sets, key=lambda b: b.high)
    if low.low <= high.high:
        return {"zopa": [low.low, high.high], "gap": None}
    return {
        "zopa": None,
        "gap": {
            "size": low.low - high.high,
            "lowest_acceptable": {"value": low.low, "held_by": low.low_by},
            "highest_acceptable": {"value": high.high, "held_by": high.high_by},
        },
    }


def _label(scenario: Scenario, issue: Issue, value: float) -> str:
    anchor = issue.nearest_anchor(value)
    text = f"{value:g}"
    if anchor is not None and abs(anchor[0] - value) <= 0.05 * (issue.scale[1] - issue.scale[0]):
        text += f" ({anchor[1]})"
    return text


def _names(scenario: Scenario, actor_ids: list[str]) -> str:
    names = [scenario.actor(a).name for a in actor_ids]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _verb(actor_ids: list[str]) -> str:
    return "accepts" if len(actor_ids) == 1 else "accept"


def explain(scenario: Scenario, verdicts: dict[str, dict[str, Any]]) -> str:
    """The verdict in words, naming the binding constraints and what would close each gap."""
    lines = []
    for issue in scenario.issues:
        result = verdicts[issue.id]
        if result["zopa"] is not None:
            lo, hi = result["zopa"]
            span = (
                f"only {_label(scenario, issue, lo)}"
                if lo == hi
                else f"outcomes from {_label(scenario, issue, lo)} to {_label(scenario, issue, hi)}"
            )
            lines.append(f"{issue.name}: every side can ratify {span}.")
            continue
        gap = result["gap"]
        low, high = gap["lowest_acceptable"]["value"], gap["highest_acceptable"]["value"]
        down = gap["to_settle_at_highest_acceptable"]
        up = gap["to_settle_at_lowest_acceptable"]
        floor = gap["lowest_acceptable"]["held_by_all"]
        ceiling = gap["highest_acceptable"]["held_by_all"]
        lines.append(
            f"{issue.name}: {_names(scenario, floor)} {_verb(floor)} nothing below "
            f"{_label(scenario, issue, low)}; {_names(scenario, ceiling)} {_verb(ceiling)} "
            f"nothing above {_label(scenario, issue, high)}. The gap of {gap['size']:g} points "
            f"closes only if {_names(scenario, down)} accepted {high:g} or "
            f"{_names(scenario, up)} accepted {low:g}."
        )
    possible = all(v["zopa"] is not None for v in verdicts.values())
    head = (
        "An agreement is possible now."
        if possible
        else "No agreement is possible now: there is no zone of possible agreement."
    )
    return "\n".join([head, *lines])


class TwoLevelModel:
    """Zone of possible agreement of a two-level game (Putnam 1988)."""

    name = "two-level"
    title = "Two-level game: the signatories' ratifiable win-sets and their overlap (ZOPA)"
    citation = (
        "Putnam (1988) Diplomacy and domestic politics: the logic of two-level games, IO 42(3)"
    )
    requires_agreement = True

    def forecast(self, scenario: Scenario, *, rng: RngLike = None) -> Forecast:
        agreement = scenario.agreement
        if agreement is None:
            raise ModelError(
                "model 'two-level' needs an agreement with signatories in the scenario "
                "(the 'agreement' block)"
            )
        verdicts = {issue.id: issue_zopa(scenario, issue) for issue in scenario.issues}
        possible = all(v["zopa"] is not None for v in verdicts.values())
        zones = {issue_id: v["zopa"] for issue_id, v in verdicts.items()}
        explanation = explain(scenario, verdicts)
        extra: dict[str, Any] = {}
        if not possible and any(s.packages for s in agreement.signatories):
            found = package_zopa(scenario)
            extra["package"] = None if found is None else found[0]
            if found is not None:
                possible, zones = True, found[1]
                explanation += (
                    "\nA trade across issues opens a zone: "
                    + "; ".join(f"{actor}'s package {name}" for actor, name in found[0].items())
                    + " ("
                    + ", ".join(f"{i} {lo:g}-{hi:g}" for i, (lo, hi) in zones.items())
                    + ")."
                )
        forecasts = []
        for issue in scenario.issues:
            zopa = zones[issue.id]
            if possible and zopa is not None:
                outcome: float | None = float(np.clip(_signatory_mean(scenario, issue), *zopa))
            else:
                outcome = None if issue.status_quo is None else issue.status_quo.mode
            forecasts.append(IssueForecast(issue.id, outcome, {"agreement": possible}))
        verdict = AgreementVerdict(possible, explanation, verdicts, extra)
        return Forecast(self.name, tuple(forecasts), verdict)


def package_zopa(
    scenario: Scenario,
) -> tuple[dict[str, str], dict[str, tuple[float, float]]] | None:
    """The first choice of packages (modes) whose win-sets overlap on every issue.

    Each signatory's own set is its per-issue box or one of its ``packages`` (on the
    issues a package names; its box elsewhere); its ratifiers bind every choice. Returns
    ``({signatory: package id}, {issue: (low, high)})`` for the first choice (boxes
    first) that leaves a zone on every issue and uses at least one package, or ``None``.
    """
    agreement = scenario.agreement
    if agreement is None:
        raise ModelError("the scenario has no agreement (no signatories) to judge")
    options = [[None, *s.packages] for s in agreement.signatories]
    for choice in product(*options):
        if all(p is None for p in choice):
            continue
        zones: dict[str, tuple[float, float]] = {}
        for issue in scenario.issues:
            lo, hi = issue.scale
            for signatory, package in zip(agreement.signatories, choice, strict=True):
                actor = scenario.actor(signatory.actor)
                named = package is not None and (
                    issue.id in package.accepts or issue.id in package.tolerance
                )
                acc: Acceptance = package if named and package is not None else signatory
                sets = [acceptable_range(acc, actor, issue)] + [
                    acceptable_range(r, scenario.actor(r.actor), issue) for r in signatory.ratifiers
                ]
                lo = max([lo, *(a for a, _ in sets)])
                hi = min([hi, *(b for _, b in sets)])
            if lo > hi:
                break
            zones[issue.id] = (lo, hi)
        else:
            chosen = {
                s.actor: p.id for s, p in zip(agreement.signatories, choice, strict=True) if p
            }
            return chosen, zones
    return None


def _signatory_mean(scenario: Scenario, issue: Issue) -> float:
    agreement = scenario.agreement
    if agreement is None:  # pragma: no cover - guarded by the caller
        raise ModelError("no agreement")
    weights, positions = [], []
    for signatory in agreement.signatories:
        actor = scenario.actor(signatory.actor)
        stance = actor.stances.get(issue.id)
        if stance is not None:
            weights.append(actor.capability.mode * stance.salience.mode)
            positions.append(stance.position.mode)
    if not weights or sum(weights) <= 0:
        return 0.5 * (issue.scale[0] + issue.scale[1])
    return float(np.average(positions, weights=weights))


MODEL = TwoLevelModel()
