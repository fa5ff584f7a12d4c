"""Read KTAB's XML scenarios (``smpSchema.xsd``) into a detente scenario.

A KTAB scenario (Wise et al., "KTAB: the KAPSARC Toolkit for Behavioral Analysis";
the schema ``smpSchema.xsd`` of the KTAB repository) holds:

* ``name``, ``desc``, ``prngSeed``;
* ``ModelParameters``: the settings of KTAB's Spatial Model of Politics
  (``VictoryProbModel``, ``PCEModel``, ``StateTransitions``, ``VotingRule``,
  ``BigRAdjust``, ``BigRRange``, ``ThirdPartyCommit``, ``InterVecBrgn``,
  ``BargnModel``), each checked against the schema's enumeration;
* ``Dimensions``: one ``dName`` per dimension;
* ``Actors``: each with ``name``, ``description``, ``capability`` (0-1000), a
  ``Position`` of one ``dCoord`` per dimension and a ``Salience`` of one ``dSal`` per
  dimension, both on 0-100;
* ``IdealAdjustment``: ``iaPair`` entries (how far an actor's ideal moves toward
  another's position), read and checked.

Saliences are each actor's shares of attention across dimensions, converted as for
KTAB's CSV tables (:func:`~detente.io._import_common.shares_to_saliences`); an
actor's total above 100 is an error. detente has no model of KTAB's SMP, so the model
parameters, the seed and the ideal adjustments are kept (in the scenario's description
and the actors' metadata) and reported in a note, not used. An empty ``dCoord`` (the
schema requires a number; KTAB's reader takes it as 0) is read as no stance on that
dimension, with a note.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from detente.io._import_common import (
    IdMaker,
    base_document,
    number,
    shares_note,
    shares_to_saliences,
    validate_document,
)
from detente.io._xml import XmlDocument, parse_xml
from detente.scenario import Scenario

__all__ = ["MODEL_PARAMETERS", "read_ktab_xml"]

#: The enumerations of ``smpSchema.xsd`` for each model parameter.
MODEL_PARAMETERS: dict[str, tuple[str, ...]] = {
    "VictoryProbModel": ("Linear", "Square", "Quartic", "Octic", "Binary"),
    "PCEModel": ("Conditional", "MarkovIncentive", "MarkovUniform"),
    "StateTransitions": ("Deterministic", "Stochastic"),
    "VotingRule": ("Binary", "PropBin", "Proportional", "PropCbc", "Cubic", "ASymProsp"),
    "BigRAdjust": ("Full", "TwoThirds", "Half", "OneThird", "No"),
    "BigRRange": ("Min", "Mid", "Max"),
    "ThirdPartyCommit": ("NoCommit", "SemiCommit", "FullCommit"),
    "InterVecBrgn": ("S1P1", "S2P2", "S2PMax"),
    "BargnModel": ("InitOnlyInterp", "InitRcvrInterp", "PWCompInterp"),
}


def _parameters(doc: XmlDocument) -> dict[str, str]:
    block = doc.root.find("ModelParameters")
    if block is None:
        return {}
    found = {}
    for name, allowed in MODEL_PARAMETERS.items():
        value = doc.text(block, name)
        if value not in allowed:
            raise doc.error(
                f"expected one of {', '.join(allowed)} (smpSchema.xsd), got {value!r}",
                block.find(name),
                f"ModelParameters.{name}",
            )
        found[name] = value
    return found


def _values(doc: XmlDocument, actor: ET.Element, block: str, tag: str, n: int) -> list[Any]:
    holder = actor.find(block)
    if holder is None:
        raise doc.error(f"expected a <{block}> element", actor, block)
    cells = holder.findall(tag)
    if len(cells) != n:
        raise doc.error(
            f"expected {n} <{tag}> (one per dimension), found {len(cells)}", holder, block
        )
    out: list[Any] = []
    for cell in cells:
        text = (cell.text or "").strip()
        value = None if not text else number(text, doc.file, doc.line(cell), f"{block}.{tag}")
        if value is not None and not 0 <= value <= 100:
            raise doc.error(f"expected a value in 0..100, got {value:g}", cell, f"{block}.{tag}")
        out.append(value)
    return out


def read_ktab_xml(text: str, file: str = "<xml>", *, notes: list[str] | None = None) -> Scenario:
    """Read a KTAB XML scenario (see the module text).

    Raises
    ------
    ScenarioError
        Naming the file, the element's line and the field: a missing element, a value
        outside the schema's range or enumeration, a count of coordinates that differs
        from the number of dimensions, saliences summing above 100, an ideal adjustment
        naming an unknown actor.
    """
    notes = notes if notes is not None else []
    doc = parse_xml(text, file)
    root = doc.root
    if root.tag != "Scenario":
        raise doc.error(
            f"expected KTAB's <Scenario> at the top (or a Genius <utility_space>), "
            f"got <{root.tag}>",
            root,
        )
    parameters = _parameters(doc)
    dims_el = root.find("Dimensions")
    dim_names = [
        (d.text or "").strip() for d in (dims_el.findall("dName") if dims_el is not None else [])
    ]
    if not dim_names:
        raise doc.error("expected <Dimensions> with at least one <dName>", root, "Dimensions")
    dims = IdMaker(file, "dimension")
    issue_ids = [
        dims(name or f"dim{k + 1}", f"dName {k + 1}", doc.line(dims_el))
        for k, name in enumerate(dim_names)
    ]
    actors_el = root.find("Actors")
    actor_els = actors_el.findall("Actor") if actors_el is not None else []
    if not actor_els:
        raise doc.error("expected <Actors> with at least one <Actor>", root, "Actors")
    ids = IdMaker(file, "actor")
    actors: list[dict[str, Any]] = []
    lines: list[int | None] = []
    empty: list[str] = []
    for actor_el in actor_els:
        line = doc.line(actor_el)
        name = doc.text(actor_el, "name")
        ident = ids(name, f"line {line}", line)
        capability = number(doc.text(actor_el, "capability"), file, line, "capability")
        if not 0 <= capability <= 1000:
            raise doc.error(
                f"expected a capability in 0..1000, got {capability:g}", actor_el, "capability"
            )
        positions = _values(doc, actor_el, "Position", "dCoord", len(issue_ids))
        shares = _values(doc, actor_el, "Salience", "dSal", len(issue_ids))
        total = sum(s for s in shares if s is not None)
        if total > 100 + 1e-9:
            raise doc.error(
                f"actor {name!r}: saliences sum to {total:g}; KTAB reads them as shares of the "
                "actor's attention across dimensions and rejects a total above 100",
                actor_el.find("Salience"),
                "Salience",
            )
        saliences = shares_to_saliences(shares)
        stances = {}
        for issue_id, pos, sal in zip(issue_ids, positions, saliences, strict=True):
            if pos is None or sal is None:
                empty.append(f"{name} on {issue_id}")
                continue
            stances[issue_id] = {"position": pos, "salience": sal}
        description = doc.text(actor_el, "description", required=False)
        actors.append(
            {
                "id": ident,
                "name": name,
                "capability": capability,
                "stances": stances,
                "description": description,
            }
        )
        lines.append(line)
    _ideal_adjustments(doc, {a["name"]: a for a in actors})
    lines_of_text = [doc.text(root, "desc", required=False)]
    seed = doc.text(root, "prngSeed", required=False)
    seed_text = f"; prngSeed={seed}" if seed else ""
    if parameters:
        shown = ", ".join(f"{k}={v}" for k, v in parameters.items())
        lines_of_text.append(
            f"KTAB SMP settings (kept, not used by detente's models): {shown}{seed_text}"
        )
        notes.append(
            f"{file}: KTAB model parameters {shown} kept in the description; "
            "detente has no model of KTAB's SMP, so they change no forecast"
        )
    elif seed:
        lines_of_text.append(f"KTAB prngSeed={seed} (kept, not used by detente's models)")
    if empty:
        notes.append(f"{file}: empty <dCoord>, read as no stance: {', '.join(empty)}")
    if len(issue_ids) > 1:
        notes.append(shares_note(file, len(issue_ids)))
    issues = [
        {"id": i, "name": n or i, "scale": [0, 100]}
        for i, n in zip(issue_ids, dim_names, strict=True)
    ]
    title = doc.text(root, "name", required=False) or file
    data = base_document(title, issues, actors, 1, "\n".join(t for t in lines_of_text if t))
    return validate_document(data, file, lines)


def _ideal_adjustments(doc: XmlDocument, by_name: dict[str, dict[str, Any]]) -> None:
    """Check each ``iaPair`` and keep it as metadata of the adjusting actor."""
    block = doc.root.find("IdealAdjustment")
    if block is None:
        return
    for pair in block.findall("iaPair"):
        who = doc.text(pair, "adjustingIdeal")
        toward = doc.text(pair, "referencePos")
        for field, name in (("adjustingIdeal", who), ("referencePos", toward)):
            if name not in by_name:
                raise doc.error(
                    f"no actor named {name!r}; expected one of {', '.join(by_name)}",
                    pair.find(field),
                    f"iaPair.{field}",
                )
        amount = number(doc.text(pair, "adjust"), doc.file, doc.line(pair), "iaPair.adjust")
        metadata = by_name[who].setdefault("metadata", {})
        metadata[f"ktab_ideal_adjustment.{by_name[toward]['id']}"] = f"{amount:g}"
