"""Sentences that explain the dated model's inputs beyond the sets: what the scenario adds.

Private to :mod:`detente.models.deadline_bargaining`; each function returns the lines
for one optional block of the scenario (none when the block is absent), so a scenario
written before the block existed is explained exactly as before.
"""

from __future__ import annotations

from detente.scenario import Scenario

__all__ = ["extension_lines"]


def _correlation_lines(scenario: Scenario) -> list[str]:
    return [
        f"Correlated judgments ({group.id}, rho {group.rho:g}): the Monte Carlo draws "
        + ", ".join(group.ranges)
        + " together through a Gaussian copula, each from its own law."
        for group in scenario.correlation
    ]


def extension_lines(scenario: Scenario) -> list[str]:
    """Every explanatory line for the optional blocks the scenario uses, in a fixed order."""
    return _correlation_lines(scenario)
