"""Read a Genius (or negmas) XML utility space as one actor's preferences.

A Genius preference profile (Lin, Kraus, Baarslag, Tykhonov, Hindriks & Jonker 2014,
"Genius: an integrated environment for supporting the design of generic automated
negotiators", *Computational Intelligence* 30(1): 48-70; the same XML is read and
written by negmas, Mohammad et al.) is a ``<utility_space>`` (possibly inside a
``<negotiation_template>``) whose ``<objective>`` holds ``<issue>`` elements and a
``<weight index=.. value=..>`` for each. Its utility is additive:
``u(bid) = sum_k w_k * eval_k(bid_k)``.

What detente takes from it, as one actor:

* each issue becomes a detente issue. A discrete issue's values are placed in file
  order at 0, 1, ..., n-1 and labelled as anchors; an integer or real issue keeps its
  ``lowerbound``..``upperbound``;
* the actor's position on an issue is its best value: the item with the highest
  ``evaluation``, or the bound a linear evaluator (``slope``) favours;
* the issue weights are the actor's shares of its utility across issues, converted to
  per-issue saliences as KTAB's shares are
  (:func:`~detente.io._import_common.shares_to_saliences`; weights sum to 1);
* ``reservation`` and ``discount_factor`` are kept as the actor's metadata.

What a negotiation forecast needs that the file lacks, reported in a note: the other
parties (a profile is one side's preferences), every capability (set to 1 here),
whether the value order of a discrete issue is meaningful (detente's models assume
single-peaked preferences along the scale), a status quo, and the dates. The
evaluations of values other than the best one are not used.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from detente.io._import_common import (
    IdMaker,
    base_document,
    number,
    shares_to_saliences,
    validate_document,
)
from detente.io._xml import XmlDocument, parse_xml
from detente.scenario import Scenario

__all__ = ["read_genius_xml"]


def _issues(
    doc: XmlDocument, objective: ET.Element, weight: float, out: list[tuple[ET.Element, float]]
) -> None:
    """Collect ``(issue element, weight)`` pairs; nested objectives multiply weights."""
    weights = {}
    for w in objective.findall("weight"):
        value = number(w.get("value"), doc.file, doc.line(w), "weight.value")
        if not 0 <= value <= 1:
            raise doc.error(
                f"expected a weight in 0..1 (a utility space's weights sum to 1), got {value:g}",
                w,
                "weight.value",
            )
        weights[w.get("index", "")] = value
    for child in objective:
        if child.tag not in ("issue", "objective"):
            continue
        index = child.get("index", "")
        if index not in weights:
            raise doc.error(
                f"<{child.tag} name={child.get('name')!r}> has no <weight index={index!r}> "
                "beside it; a utility space (preference profile) weighs every issue, a domain "
                "template does not",
                child,
                "weight",
            )
        if child.tag == "issue":
            out.append((child, weight * weights[index]))
        else:
            _issues(doc, child, weight * weights[index], out)


def _read_issue(doc: XmlDocument, issue: ET.Element, ident: str) -> tuple[dict[str, Any], float]:
    """The detente issue and the actor's best position on it."""
    name = issue.get("name") or ident
    items = issue.findall("item")
    if items:
        evaluations = [
            number(i.get("evaluation"), doc.file, doc.line(i), f"{name}.item.evaluation")
            for i in items
        ]
        best = max(range(len(items)), key=lambda k: (evaluations[k], -k))
        anchors = {float(k): i.get("value") or f"value {k + 1}" for k, i in enumerate(items)}
        top = max(len(items) - 1, 1)
        return {"id": ident, "name": name, "scale": [0, top], "anchors": anchors}, float(best)
    rng = issue.find("range")
    lo_text = issue.get("lowerbound") or (rng.get("lowerbound") if rng is not None else None)
    hi_text = issue.get("upperbound") or (rng.get("upperbound") if rng is not None else None)
    evaluator = issue.find("evaluator")
    if lo_text is None or hi_text is None or evaluator is None or evaluator.get("slope") is None:
        raise doc.error(
            f"cannot read issue {name!r}: detente reads discrete issues (<item evaluation=..>) "
            "and integer/real issues with lowerbound, upperbound and a linear <evaluator slope=..>",
            issue,
            name,
        )
    bounds_at = issue if issue.get("lowerbound") is not None or rng is None else rng
    lo = number(lo_text, doc.file, doc.line(bounds_at), f"{name}.lowerbound")
    hi = number(hi_text, doc.file, doc.line(bounds_at), f"{name}.upperbound")
    if lo >= hi:
        raise doc.error(
            f"expected lowerbound < upperbound, got {lo:g} and {hi:g}",
            bounds_at,
            f"{name}.upperbound",
        )
    slope = number(evaluator.get("slope"), doc.file, doc.line(evaluator), f"{name}.slope")
    if evaluator.get("offset") is not None:  # not used (only the slope's sign is), but checked
        number(evaluator.get("offset"), doc.file, doc.line(evaluator), f"{name}.offset")
    return {"id": ident, "name": name, "scale": [lo, hi]}, hi if slope > 0 else lo


def read_genius_xml(text: str, file: str = "<xml>", *, notes: list[str] | None = None) -> Scenario:
    """Read a Genius utility space as a one-actor scenario (see the module text).

    Raises
    ------
    ScenarioError
        Naming the file, the element's line and the field: not a utility space, an issue
        without a weight (a domain template), an issue type detente cannot place on a
        scale, a weight or evaluation that is not a number.
    """
    notes = notes if notes is not None else []
    doc = parse_xml(text, file)
    space = doc.root if doc.root.tag == "utility_space" else doc.root.find("utility_space")
    if space is None:
        raise doc.error(f"expected a Genius <utility_space>, got <{doc.root.tag}>", doc.root)
    objective = space.find("objective")
    if objective is None:
        raise doc.error("expected an <objective> in the <utility_space>", space, "objective")
    found: list[tuple[ET.Element, float]] = []
    _issues(doc, objective, 1.0, found)
    if not found:
        raise doc.error("the utility space has no <issue>", objective, "issue")
    total = sum(w for _, w in found)
    if total > 1 + 1e-9:
        raise doc.error(
            f"the issue weights sum to {total:g}; a utility space's weights sum to 1",
            objective,
            "weight",
        )
    ids = IdMaker(file, "issue")
    issues, stances, issue_lines = [], {}, []
    saliences = shares_to_saliences([100.0 * w for _, w in found])
    for (element, _), salience in zip(found, saliences, strict=True):
        ident = ids(element.get("name") or "issue", f"line {doc.line(element)}", doc.line(element))
        issue, best = _read_issue(doc, element, ident)
        issues.append(issue)
        issue_lines.append(doc.line(element))
        stances[ident] = {"position": best, "salience": salience}
    metadata = {}
    for tag in ("reservation", "discount_factor"):
        found_at = space.find(tag)
        if found_at is not None and found_at.get("value") is not None:
            value = number(found_at.get("value"), doc.file, doc.line(found_at), f"{tag}.value")
            if not 0 <= value <= 1:
                raise doc.error(f"expected a value in 0..1, got {value:g}", found_at, tag)
            metadata[tag] = found_at.get("value", "")
    actor_name = Path(file).stem
    actor = {
        "id": "profile",
        "name": actor_name,
        "capability": 1.0,
        "stances": stances,
        "metadata": metadata,
    }
    notes.append(
        f"{file}: a Genius utility space is one side's preferences: detente read one actor "
        "('profile', capability 1) at its best value on each issue, weights as salience shares. "
        "A forecast also needs the other parties with their positions, saliences and "
        "capabilities, a status quo, the dates, and (for discrete issues) a value order "
        "that is meaningful, since values were placed in file order at 0, 1, 2, ..."
    )
    data = base_document(actor_name, issues, [actor], 1, "Imported from a Genius utility space.")
    return validate_document(data, file, [doc.line(space)], issue_lines)
