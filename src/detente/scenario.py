"""The scenario: validated value objects for a negotiation (schema ``detente/1``).

A scenario says who negotiates (:class:`Actor`), over what (:class:`Issue`), with how
much weight (capability x salience), and, for an agreement that must be signed, who
signs it and who must ratify it at home (:class:`Agreement`, after Putnam 1988). Every
number may be uncertain (:class:`~detente.quantity.Range`); static models use the mode.

Conventions (see ``docs/scenario-format.md``):

* Positions are on each issue's own ``scale: [min, max]``.
* Saliences are stored on 0-1. A file says ``salience_scale: 100`` when it writes them
  on 0-100 (the DEU and KTAB convention); they are divided by 100 on input.
* Capabilities are non-negative and relative: multiplying all of them by a constant
  changes no forecast.

Layers (imports point down only): :mod:`detente.quantity` and
:mod:`detente.dynamics_spec` at the bottom, the value objects in
:mod:`detente.scenario_parts`, a scenario's fields and look-ups in
:mod:`detente.scenario_fields`, the cross-reference checks in
:mod:`detente.scenario_checks` and :mod:`detente.dynamics_checks`, and
:class:`Scenario` here on top. The parts are re-exported from this module.

This module does no IO. Structural errors surface as pydantic validation errors and
cross-reference errors as :class:`~detente.errors.ScenarioError` carrying the path of
the offending field; :mod:`detente.io` turns both into file:line messages.
"""

from __future__ import annotations

from typing import Any

from pydantic import model_validator

from detente.scenario_checks import check_scenario
from detente.scenario_fields import IssueData, ScenarioFields
from detente.scenario_parts import (
    Acceptance,
    Actor,
    Agreement,
    Correlation,
    Election,
    Evidence,
    Issue,
    KeyDate,
    KnownOutcome,
    Leader,
    Motive,
    OutcomeWindow,
    Package,
    Ratifier,
    Signatory,
    Source,
    Stance,
)

__all__ = [
    "Acceptance",
    "Actor",
    "Agreement",
    "Correlation",
    "Election",
    "Evidence",
    "Issue",
    "IssueData",
    "KeyDate",
    "KnownOutcome",
    "Leader",
    "Motive",
    "OutcomeWindow",
    "Package",
    "Ratifier",
    "Scenario",
    "Signatory",
    "Source",
    "Stance",
]


class Scenario(ScenarioFields):
    """A whole negotiation. Build it with :func:`detente.io.load_scenario` or directly."""

    @classmethod
    def from_dict(cls, data: Any) -> Scenario:
        """Validate a plain mapping (as read from YAML/JSON), within :mod:`detente.limits`."""
        from detente import limits

        limits.check_document(data)
        scale = data.get("salience_scale", 1) if isinstance(data, dict) else 1
        return cls.model_validate(
            data, context={"salience_scale": scale if scale in (1, 100) else 1}
        )

    @model_validator(mode="after")
    def _cross_references(self) -> Scenario:
        check_scenario(self)
        return self

    @model_validator(mode="after")
    def _model_options(self) -> Scenario:
        if self.models:
            from detente.models import check_model_options

            check_model_options(self.models)
        return self
