"""DEU proposals as multi-issue scenarios, for the models that see all issues at once.

A DEU proposal (``prnr``) is negotiated as one package: its issues are settled
together by the same actors, and the exchange model of Stokman & Van Oosten (1994)
is applied to DEU proposal by proposal, actors trading voting positions between the
issues of one proposal (Arregui, Stokman & Thomson 2006, "Compromise, exchange and
challenge in the European Union", ch. 5 of Thomson, Stokman, Achen & Koenig (eds.),
*The European Union Decides*, Cambridge UP). This module builds that scenario from
the one-issue scenarios of :func:`detente.io.deu.read_deu`:

* the issues are every issue of the proposal on which at least one actor takes a
  position (also those the backtest does not score: without an outcome, or with
  fewer than three actors, they were still part of the negotiation), in file order,
  each with its reference point (status quo) where coded;
* the actors are every actor with a position on at least one of them; an actor takes
  part **only in the issues where it has a position** (its stances); on the others it
  has no stance, no salience and no weight. The exchange model therefore lets it trade
  only between two issues on which it has a position (an exchange needs both
  positions), and counts it in the expected outcome of each issue where it has one;
* capabilities are the actor's capability in the one-issue scenarios, i.e. what the
  chosen capability option gives on the proposal's introduction date. They agree
  across the issues of a proposal when its rows share that date (every proposal of
  DEU I-II). Where rows of one proposal carry different dates and so give an actor two
  capabilities, the actor keeps the one of the first issue (in file order) on which it
  has a position: a scenario gives an actor one capability.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from detente.errors import DetenteError
from detente.io.deu import DeuIssue
from detente.scenario import Scenario

__all__ = ["group_by_proposal", "proposal_scenario"]


def group_by_proposal(issues: Sequence[DeuIssue]) -> list[list[DeuIssue]]:
    """The issues of each proposal (``prnr``), proposals in order of first appearance,
    issues in file order; issues without any position (no scenario) are left out."""
    groups: dict[str, list[DeuIssue]] = {}
    for issue in issues:
        if issue.scenario is not None:
            groups.setdefault(issue.prnr, []).append(issue)
    return list(groups.values())


def proposal_scenario(issues: Sequence[DeuIssue]) -> Scenario:
    """One scenario holding every issue of one proposal (see the module docstring).

    Parameters
    ----------
    issues:
        Issues of one proposal (same ``prnr``), each with a scenario, as
        :func:`group_by_proposal` gives them.

    Returns
    -------
    Scenario
        Issues in the given order on ``[0, 100]``; actors in order of first appearance,
        each with a stance on the issues where it has a position; saliences on 0-1.

    Raises
    ------
    DetenteError
        For an empty list, issues of different proposals, or an issue without a
        scenario.
    """
    if not issues:
        raise DetenteError("a proposal needs at least one issue")
    first = issues[0]
    actors: dict[str, dict[str, Any]] = {}
    issue_specs: list[dict[str, Any]] = []
    for issue in issues:
        if issue.prnr != first.prnr:
            raise DetenteError(
                f"issue {issue.isnr} (line {issue.line}) belongs to proposal {issue.prnr}, "
                f"not {first.prnr}"
            )
        if issue.scenario is None:
            raise DetenteError(f"issue {issue.isnr} (line {issue.line}) has no position")
        part = issue.scenario.model_dump(mode="json")
        issue_specs.extend(part["issues"])
        for actor in part["actors"]:
            known = actors.get(actor["id"])
            if known is None:
                actors[actor["id"]] = actor
                continue
            known["stances"].update(actor["stances"])  # capability: the first issue's
    data = first.scenario.model_dump(mode="json") if first.scenario is not None else {}
    data.pop("salience_scale", None)  # the dumped saliences are on 0-1 already
    name = first.prname or first.prnr
    data["title"] = f"{name} ({first.prnr})"
    data["description"] = (
        f"DEU proposal {first.prnr}, {len(issues)} issue(s); {first.procedure}, "
        f"Council voting rule {first.voting_rule}"
    )
    data["issues"] = issue_specs
    data["actors"] = list(actors.values())
    return Scenario.from_dict(data)
