"""A scenario's fields as a whole and its look-ups (:class:`ScenarioFields`, :class:`IssueData`).

Above the value objects of :mod:`detente.scenario_parts`, below the cross-reference checks
(:mod:`detente.scenario_checks`, :mod:`detente.dynamics_checks`) and
:class:`detente.scenario.Scenario`, which adds those checks to :class:`ScenarioFields`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, Literal, TypeVar

import numpy as np
from pydantic import ConfigDict, Field

from detente.dynamics_spec import DynamicsSpec
from detente.errors import ScenarioError
from detente.outside_view.reference_class import ReferenceClassSpec
from detente.scenario_parts import (
    Actor,
    Agreement,
    Correlation,
    Evidence,
    Issue,
    KeyDate,
    KnownOutcome,
    Source,
    Strict,
)

__all__ = ["EXTENSION_FIELDS", "IssueData", "ScenarioFields"]


class IssueData:
    """The numeric inputs of one issue, as arrays over the actors that take a stance.

    Parameters
    ----------
    issue
        The issue.
    actor_ids
        The ``n`` actors that take a stance on it, in the scenario's order.
    positions, saliences, capabilities
        Shape ``(n,)``, in the order of ``actor_ids``: positions on the issue's scale,
        saliences on 0-1, capabilities (non-negative, relative).
    """

    __slots__ = ("actor_ids", "capabilities", "issue", "positions", "saliences")

    def __init__(
        self,
        issue: Issue,
        actor_ids: tuple[str, ...],
        positions: np.ndarray,
        saliences: np.ndarray,
        capabilities: np.ndarray,
    ) -> None:
        self.issue = issue
        self.actor_ids = actor_ids
        self.positions = positions
        self.saliences = saliences
        self.capabilities = capabilities

    @property
    def scale(self) -> tuple[float, float]:
        """``(min, max)`` of the issue's scale."""
        return self.issue.scale

    @property
    def status_quo(self) -> float | None:
        """The mode of the issue's status quo on its scale, or ``None`` if it has none."""
        return None if self.issue.status_quo is None else self.issue.status_quo.mode

    @property
    def weights(self) -> np.ndarray:
        """Shape ``(n,)``: capability x salience, the usual voting weight."""
        return np.asarray(self.capabilities * self.saliences, dtype=float)


class ScenarioFields(Strict):
    """Every field of a scenario and its look-ups, before cross-reference checks.

    :class:`detente.scenario.Scenario` adds the checks; build that, not this.
    """

    schema_: Literal["detente/1"] = Field("detente/1", alias="schema")
    title: str
    description: str = ""
    as_of: dt.date
    horizon: dt.date
    salience_scale: Literal[1, 100] = 1
    sources: list[Source] = Field(default_factory=list)
    issues: list[Issue] = Field(min_length=1)
    actors: list[Actor] = Field(min_length=1)
    agreement: Agreement | None = None
    dates: list[KeyDate] = Field(default_factory=list)
    dynamics: DynamicsSpec | None = None
    outcome: KnownOutcome | None = None
    correlation: list[Correlation] = Field(default_factory=list)
    reference_class: ReferenceClassSpec | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    models: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Model options by model name, e.g. {expected-utility: {probability: pair}}.",
    )

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    # -- look-ups -----------------------------------------------------------------
    def actor(self, actor_id: str) -> Actor:
        """The actor with id ``actor_id``.

        Raises
        ------
        ScenarioError
            With the path ``actors``: no actor has that id.
        """
        return _by_id(self.actors, actor_id, "actor", "actors")

    def issue(self, issue_id: str) -> Issue:
        """The issue with id ``issue_id``.

        Raises
        ------
        ScenarioError
            With the path ``issues``: no issue has that id.
        """
        return _by_id(self.issues, issue_id, "issue", "issues")

    def issue_data(self, issue_id: str) -> IssueData:
        """Modes of positions, saliences and capabilities of the actors on one issue."""
        issue = self.issue(issue_id)
        taking = [a for a in self.actors if issue_id in a.stances]
        return IssueData(
            issue,
            tuple(a.id for a in taking),
            np.array([a.stances[issue_id].position.mode for a in taking], dtype=float),
            np.array([a.stances[issue_id].salience.mode for a in taking], dtype=float),
            np.array([a.capability.mode for a in taking], dtype=float),
        )

    def iter_issue_data(self) -> Iterator[IssueData]:
        """:meth:`issue_data` of every issue, in the scenario's order."""
        for issue in self.issues:
            yield self.issue_data(issue.id)

    def evidence_for(self, about: str) -> list[Evidence]:
        """Evidence entries on ``about`` or on anything below it."""
        return [e for e in self.evidence if e.about == about or e.about.startswith(about + ".")]

    def source(self, source_id: str) -> Source:
        """The source with id ``source_id``.

        Raises
        ------
        ScenarioError
            With the path ``sources``: no source has that id.
        """
        return _by_id(self.sources, source_id, "source", "sources")

    def to_dict(self) -> dict[str, Any]:
        """A plain mapping that :meth:`from_dict` reads back to an equal scenario."""
        data: dict[str, Any] = self.model_dump(mode="json", by_alias=True, exclude_defaults=False)
        _drop_unused_extensions(data)
        if self.salience_scale != 1:
            for actor in data["actors"]:
                for stance in actor["stances"].values():
                    stance["salience"] = _scaled(stance["salience"], self.salience_scale)
        return data


_Named = TypeVar("_Named", Actor, Issue, Source)


def _by_id(items: list[_Named], ident: str, what: str, field: str) -> _Named:
    for item in items:
        if item.id == ident:
            return item
    raise ScenarioError(f"no {what} with id {ident!r}", (field,))


def _scaled(value: Any, factor: float) -> Any:
    if isinstance(value, dict):
        return {k: v * factor for k, v in value.items()}
    return value * factor


# Fields added to detente/1 after its first release: left out of a dump while unused, so
# a scenario that does not use them dumps (and hashes, see detente.store) as before.
EXTENSION_FIELDS = frozenset({"correlation", "regime", "exit_hazard", "elections", "successor"})


def _drop_unused_extensions(node: Any) -> None:
    if isinstance(node, dict):
        for key in [k for k in node if k in EXTENSION_FIELDS and node[k] in (None, [], {})]:
            del node[key]
        for value in node.values():
            _drop_unused_extensions(value)
    elif isinstance(node, list):
        for item in node:
            _drop_unused_extensions(item)
