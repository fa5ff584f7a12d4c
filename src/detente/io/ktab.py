"""Read KTAB's SMP tables and XML scenarios (``smpSchema.xsd``) into detente scenarios.

Source: Wise, Lester, Efird et al., "KTAB: the KAPSARC Toolkit for Behavioral
Analysis" (King Abdullah Petroleum Studies and Research Center), its Spatial Model of
Politics and the schema ``smpSchema.xsd`` of the KTAB repository.

KTAB's CSV table (:func:`read_ktab_csv`): line 1 ``name,description,numActors,
numDims``; line 2 ``Actor,Description,Power,<dim> Position,<dim> Salience,...``; one
row per actor; positions and saliences on 0-100.

A KTAB XML scenario (:func:`read_ktab_xml`) holds:

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
  another's position), read, checked and applied as the ``smp`` model's
  ``accommodation`` option in the scenario's ``models`` block.

In both, saliences are each actor's shares of attention across dimensions, converted
by :func:`~detente.io._import_common.shares_to_saliences`; an actor's total above 100
is an error, as in KTAB. The model parameters and the seed are kept (in the
scenario's description) and reported in a note, not applied: detente's ``smp`` model
takes KTAB's settings as ``--option smp.NAME=``.
An empty ``dCoord`` (the schema requires a number; KTAB's reader takes it as 0) is read
as no stance on that dimension, with a note.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.errors import ScenarioError
from detente.io._import_common import (
    IdMaker,
    base_document,
    is_missing,
    number,
    shares_note,
    shares_to_saliences,
    strip_bom,
    validate_document,
)
from detente.scenario import Scenario

if TYPE_CHECKING:  # the XML parser is imported only when an XML file is read
    import xml.etree.ElementTree as ET

    from detente.io._xml import XmlDocument

__all__ = ["MODEL_PARAMETERS", "read_ktab_csv", "read_ktab_xml"]

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
    from detente.io._xml import parse_xml

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
    accommodation = _ideal_adjustments(doc, {a["name"]: a for a in actors})
    lines_of_text = [doc.text(root, "desc", required=False)]
    seed = doc.text(root, "prngSeed", required=False)
    if seed and not seed.isdigit():
        raise doc.error(
            f"expected a whole number >= 0 (smpSchema.xsd's seed), got {seed!r}",
            root.find("prngSeed"),
            "prngSeed",
        )
    seed_text = f"; prngSeed={seed}" if seed else ""
    if parameters:
        shown = ", ".join(f"{k}={v}" for k, v in parameters.items())
        lines_of_text.append(
            f"KTAB SMP settings (kept, not used by detente's models): {shown}{seed_text}"
        )
        notes.append(
            f"{file}: KTAB model parameters {shown} kept in the description; "
            "they are not applied: the smp model runs with its defaults unless given "
            "--option smp.NAME=VALUE (docs/models/smp.md)"
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
    if accommodation:
        data["models"] = {"smp": {"accommodation": accommodation}}
        notes.append(f"{file}: IdealAdjustment applied as the smp model's accommodation")
    return validate_document(data, file, lines)


def _ideal_adjustments(doc: XmlDocument, by_name: dict[str, dict[str, Any]]) -> str:
    """Check each ``iaPair``, keep it as metadata of the adjusting actor, and return the
    pairs as the ``smp`` model's ``accommodation`` option ("" if there are none)."""
    block = doc.root.find("IdealAdjustment")
    rows: dict[str, list[str]] = {}
    if block is None:
        return ""
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
        if not 0 <= amount <= 1:
            raise doc.error(f"expected an adjust in 0..1, got {amount:g}", pair, "iaPair.adjust")
        metadata = by_name[who].setdefault("metadata", {})
        metadata[f"ktab_ideal_adjustment.{by_name[toward]['id']}"] = f"{amount:g}"
        rows.setdefault(by_name[who]["id"], []).append(f"{by_name[toward]['id']}={amount:g}")
    # the smp model's accommodation option (docs/models/smp.md): a listed actor's row
    # replaces its row of the identity, as KTAB's reader does
    return "; ".join(f"{who}: {', '.join(entries)}" for who, entries in rows.items())


def read_ktab_csv(
    text: str, file: str = "<csv>", *, title: str | None = None, notes: list[str] | None = None
) -> Scenario:
    """Read a KTAB SMP table (see the module text).

    Raises
    ------
    ScenarioError
        A count on line 1 that the table contradicts, a value outside 0..100, or an
        actor whose saliences sum above 100 (KTAB's own check).
    """
    notes = notes if notes is not None else []
    rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(strip_bom(text)))]
    rows = [row[:-1] if row and row[-1] == "" else row for row in rows]
    if len(rows) < 3:
        raise ScenarioError(
            "expected a KTAB table: line 1 name,description,numActors,numDims; line 2 headers; "
            "then one row per actor",
            file=file,
            line=len(rows) + 1,
        )
    first = rows[0]
    if len(first) < 4:
        raise ScenarioError("line 1 must be name,description,numActors,numDims", file=file, line=1)
    n_actors = int(number(first[2], file, 1, "numActors"))
    n_dims = int(number(first[3], file, 1, "numDims"))
    for field, count in (("numActors", n_actors), ("numDims", n_dims)):
        if count < 1:
            raise ScenarioError(
                f"expected a whole number of at least 1, got {count}", (field,), file=file, line=1
            )
    header = rows[1]
    if len(header) < 3 + 2 * n_dims:
        raise ScenarioError(
            f"line 1 declares {n_dims} dimension(s): expected {3 + 2 * n_dims} header cells "
            "(Actor, Description, Power, then a position and a salience per dimension), "
            f"found {len(header)}",
            file=file,
            line=2,
        )
    labels = [
        re.sub(r"(?i)\b(position|pstn|pos)\b|pstn|position", "", header[3 + 2 * k]).strip()
        for k in range(n_dims)
    ]
    dims = IdMaker(file, "dimension")
    try:
        issue_ids = [dims(label, f"column {4 + 2 * k}", 2) for k, label in enumerate(labels)]
    except ScenarioError:
        issue_ids = [f"dim{k + 1}" for k in range(n_dims)]
    body = [(i, row) for i, row in enumerate(rows[2:], start=3) if any(row)]
    if len(body) != n_actors:
        raise ScenarioError(
            f"line 1 declares {n_actors} actor(s) but the table has {len(body)} actor row(s)",
            ("numActors",),
            file=file,
            line=1,
        )
    ids = IdMaker(file, "actor")
    actors, lines = [], []
    for line, row in body:
        if len(row) < 3 + 2 * n_dims:
            raise ScenarioError(
                f"expected {3 + 2 * n_dims} cells, found {len(row)}", file=file, line=line
            )
        stance_of = []
        for k in range(n_dims):
            cells = row[3 + 2 * k], row[4 + 2 * k]
            values = []
            for cell, column in zip(cells, (header[3 + 2 * k], header[4 + 2 * k]), strict=True):
                value = None if is_missing(cell) else number(cell, file, line, column)
                if value is not None and not 0 <= value <= 100:
                    raise ScenarioError(
                        f"expected a value in 0..100, got {value:g}",
                        (column,),
                        file=file,
                        line=line,
                    )
                values.append(value)
            stance_of.append(values)
        shares = [sal for _, sal in stance_of]
        total = sum(s for s in shares if s is not None)
        if total > 100 + 1e-9:
            raise ScenarioError(
                f"actor {row[0]!r}: saliences sum to {total:g} across {n_dims} dimensions; "
                "KTAB reads them as shares of the actor's attention and rejects a total above 100",
                file=file,
                line=line,
            )
        saliences = shares_to_saliences(shares)
        stances = {
            issue_id: {"position": pos, "salience": sal}
            for issue_id, (pos, _), sal in zip(issue_ids, stance_of, saliences, strict=True)
            if pos is not None and sal is not None
        }
        actors.append(
            {
                "id": ids(row[0], f"line {line}", line),
                "name": row[1] or row[0],
                "capability": number(row[2], file, line, header[2]),
                "stances": stances,
                "description": row[1],
            }
        )
        lines.append(line)
    if n_dims > 1:
        notes.append(shares_note(file, n_dims))
    issues = [
        {"id": i, "name": label or i, "scale": [0, 100]}
        for i, label in zip(issue_ids, labels, strict=True)
    ]
    data = base_document(title or first[0] or Path(file).stem, issues, actors, 1, first[1])
    return validate_document(data, file, lines)
