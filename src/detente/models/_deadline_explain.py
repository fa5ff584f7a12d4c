"""Sentences that explain the dated model's inputs beyond the sets: what the scenario adds.

Private to :mod:`detente.models.deadline_bargaining`; each function returns the lines
for one optional block of the scenario (none when the block is absent), so a scenario
written before the block existed is explained exactly as before.
"""

from __future__ import annotations

import math

from detente.dynamics import DAYS_PER_YEAR
from detente.scenario import Scenario
from detente.scenario_parts import EXIT_HAZARD_BY_REGIME

__all__ = ["extension_lines"]


def _correlation_lines(scenario: Scenario) -> list[str]:
    return [
        f"Correlated judgments ({group.id}, rho {group.rho:g}): the Monte Carlo draws "
        + ", ".join(group.ranges)
        + " together through a Gaussian copula, each from its own law."
        for group in scenario.correlation
    ]


def _leader_lines(scenario: Scenario) -> list[str]:
    if scenario.agreement is None:
        return []
    span = (scenario.horizon - scenario.as_of).days / DAYS_PER_YEAR
    lines = []
    for signatory in scenario.agreement.signatories:
        leader = signatory.leader
        if leader is None:
            continue
        parts = []
        if leader.exit_hazard is not None and leader.exit_hazard.high > 0:
            h = leader.exit_hazard.mode
            default = leader.regime and leader.exit_hazard == EXIT_HAZARD_BY_REGIME[leader.regime]
            article = "an" if leader.regime == "autocracy" else "a"
            source = f" (the default for {article} {leader.regime})" if default else ""
            parts.append(
                f"an unscheduled exit hazard of {h:g} a year{source}, so a "
                f"{1 - math.exp(-h * span):.0%} chance of an unscheduled change of leader "
                "by the horizon"
            )
        for election in leader.elections:
            parts.append(
                f"an election on {election.date} lost with probability {election.turnover.mode:g}"
            )
        if not parts:
            continue
        successor = "its successor holds out again"
        if leader.successor is not None:
            named = [
                *(f"{i} {b[0].mode:g}-{b[1].mode:g}" for i, b in leader.successor.accepts.items()),
                *(f"{i} ±{t.mode:g}" for i, t in leader.successor.tolerance.items()),
            ]
            successor += ", accepting " + "; ".join(named)
        lines.append(
            f"{leader.name} ({signatory.actor}) faces " + " and ".join(parts) + f"; {successor}."
        )
    return lines


_AFTER = {
    "continue": "talks go on after it",
    "lapse": "the talks lapse after it: nothing is signed that was not agreed by then",
    "narrow": "the sets narrow by {change} of each scale after it",
    "widen": "the sets widen by {change} of each scale after it",
}


def _deadline_lines(scenario: Scenario) -> list[str]:
    if scenario.dynamics is None:
        return []
    lines = []
    for deadline in scenario.dynamics.deadlines:
        who = ", ".join(f"{v.actor} (weight {v.weight.mode:g})" for v in deadline.valued_by)
        valued = f"valued by {who}, which makes them concede sooner as it nears; " if who else ""
        after = _AFTER[deadline.after].format(change=f"{deadline.change.mode:g}")
        if deadline.targets and deadline.after in ("narrow", "widen"):
            after += " (" + ", ".join(deadline.targets) + ")"
        name = deadline.label or deadline.id
        lines.append(f"Deadline {name} on {deadline.date}: {valued}{after}.")
    return lines


def _package_lines(scenario: Scenario) -> list[str]:
    if scenario.agreement is None:
        return []
    lines = []
    for signatory in scenario.agreement.signatories:
        for package in signatory.packages:
            terms = [
                *(f"{i} {b[0].mode:g}-{b[1].mode:g}" for i, b in package.accepts.items()),
                *(f"{i} ±{t.mode:g}" for i, t in package.tolerance.items()),
            ]
            lines.append(
                f"Package {package.id} ({signatory.actor}): would also sign "
                + "; ".join(terms)
                + ", its per-issue limits elsewhere."
            )
    return lines


def _lever_lines(scenario: Scenario) -> list[str]:
    if scenario.dynamics is None:
        return []
    lines = []
    for entry in scenario.dynamics.signatories:
        for ratifier in entry.ratifiers:
            pay = ratifier.side_payments
            if pay is None:
                continue
            cost = f", at a cost of {pay.cost.mode:g} a unit" if pay.cost.high > 0 else ""
            lines.append(
                f"{entry.actor} can move {ratifier.actor} by {pay.rate.mode:g} of the scale a "
                f"year, up to {pay.limit.mode:g}{cost} and no more than the deal is worth to it "
                "(side payments, Putnam's reverberation)."
            )
    for entry in scenario.dynamics.signatories:
        for ratifier in entry.ratifiers:
            notes = []
            if ratifier.called is not None:
                notes.append(f"is called with probability {ratifier.called.mode:g}")
            if ratifier.appears is not None:
                notes.append(f"binds from {ratifier.appears}")
            if ratifier.vanishes is not None:
                notes.append(f"stops binding on {ratifier.vanishes}")
            if notes:
                lines.append(
                    f"Ratifier {ratifier.actor} ({entry.actor}) " + " and ".join(notes) + "."
                )
    for mediator in scenario.dynamics.mediators:
        when = f"from {mediator.start}" if mediator.start else "from the start"
        lines.append(
            f"Mediator {mediator.name or mediator.id} widens the sets of "
            + ", ".join(mediator.targets)
            + f" by {mediator.widen.mode:g} of the scale {when} (side payments or guarantees)."
        )
    return lines


def extension_lines(scenario: Scenario) -> list[str]:
    """Every explanatory line for the optional blocks the scenario uses, in a fixed order."""
    return [
        *_correlation_lines(scenario),
        *_leader_lines(scenario),
        *_deadline_lines(scenario),
        *_package_lines(scenario),
        *_lever_lines(scenario),
    ]
