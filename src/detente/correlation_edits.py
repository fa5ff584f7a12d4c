"""What a parameter edit does to the scenario's ``correlation`` groups.

A group (``correlation:``, :mod:`detente.copula`) says how the analyst's *uncertainty*
about some ranges hangs together: when one range is misjudged, so are the others. An
edit (``whatif --set``, ``flip``, ``sensitivity``, ``sweep``, the workbench) is an
intervention on the analyst's inputs, "suppose this number were 35", so:

* a correlated range set to a **number** (or to a range with ``low == high``) carries no
  uncertainty any more and **leaves every group** it is in;
* the **other members keep their correlations** with each other: under the Gaussian
  copula the joint law of any subset of the variables is the Gaussian copula of the
  sub-matrix of their correlations (the marginals of a multivariate normal are normal
  with the sub-matrix; Nelsen 2006, *An Introduction to Copulas*, 2nd ed., sec. 2.3 and
  5.1), so removing one member leaves the others' joint law exactly as it was, their
  own laws included;
* a group **left with one member disappears** (a group needs two ranges), and so do the
  evidence entries about it (``correlation.<id>...``);
* a correlated range set to a new **range** keeps its place in its groups.

The alternative, conditioning the others on the fixed value (moving their ranges
towards what the correlation implies), is not what an edit does: the other numbers
would change without the analyst touching them, a flip or a one-at-a-time swing would
credit one parameter with the moves of others, and the edited scenario would differ
from the one the analyst gets by writing the number into the file and deleting it from
the group. Whoever wants the conditional reading edits the other ranges too.

Pure: scenario documents (plain mappings) in, the same out; no IO.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from detente.quantity import Range
from detente.scenario_checks import locate

if TYPE_CHECKING:
    from detente.errors import PathPart
    from detente.scenario import Scenario

__all__ = ["correlation_notes", "fixed_paths", "leave_groups"]


def fixed_paths(changes: Mapping[str, object]) -> list[str]:
    """The paths of ``changes`` set to a single number (a number or ``low == high``)."""
    return [
        path
        for path, value in changes.items()
        if (isinstance(value, Range) and value.is_fixed)
        or (isinstance(value, int | float) and not isinstance(value, bool))
    ]


def _key(scenario: Scenario, path: str) -> tuple[PathPart, ...] | None:
    try:
        return locate(scenario, path)[0]
    except KeyError:
        return None


def _fixed(scenario: Scenario, path: str) -> bool:
    node = locate(scenario, path)[1]
    return isinstance(node, Range) and node.is_fixed


def leave_groups(scenario: Scenario, document: dict[str, Any], paths: Iterable[str]) -> None:
    """Take the ranges at ``paths`` out of the correlation groups of ``document``.

    Parameters
    ----------
    scenario:
        The scenario ``document`` was dumped from (it resolves the paths: two spellings
        of the same range are the same member).
    document:
        ``scenario.to_dict()`` being edited; changed in place. Groups left with fewer
        than two members are removed, with the evidence entries about them.
    paths:
        Full parameter paths fixed at a number.
    """
    groups = document.get("correlation") or []
    gone = {_key(scenario, path) for path in paths} - {None}
    if not groups or not gone:
        return
    kept, dropped = [], []
    for group in groups:
        members = [r for r in group["ranges"] if _key(scenario, r) not in gone]
        if len(members) >= 2:
            kept.append({**group, "ranges": members})
        else:
            dropped.append(str(group["id"]))
    document["correlation"] = kept
    if dropped and document.get("evidence"):
        document["evidence"] = [
            entry
            for entry in document["evidence"]
            if not any(
                entry.get("about") == f"correlation.{g}"
                or str(entry.get("about", "")).startswith(f"correlation.{g}.")
                for g in dropped
            )
        ]


def correlation_notes(before: Scenario, after: Scenario) -> list[str]:
    """One sentence per correlation group an edit changed (what-if tables show them).

    E.g. ``'hamas.accepts.permanence.0' is fixed, so it leaves correlation group
    'both_soften', which keeps fewer than two ranges and is dropped``.
    """
    now = {group.id: group for group in after.correlation}
    notes = []
    for group in before.correlation:
        kept = now.get(group.id)
        left = [r for r in group.ranges if _fixed(after, r)]
        if not left:
            continue
        names = " and ".join(repr(r) for r in left)
        verb = "are fixed, so they leave" if len(left) > 1 else "is fixed, so it leaves"
        rest = (
            "which keeps fewer than two ranges and is dropped"
            if kept is None
            else f"whose other {len(kept.ranges)} ranges keep rho {group.rho:g}"
        )
        notes.append(f"{names} {verb} correlation group {group.id!r}, {rest}")
    return notes
