"""Read the input files of decide-exchange-model (``#A/#P/#M/#D`` rows).

decide (foarsitter/decide-exchange-model, the Python implementation of Stokman's
exchange of voting positions: Stokman & Van Oosten 1994; Dijkstra, Van Assen, Stokman
& Draaijer 2018) reads one row per record, the first cell saying what it is
(its ``inputfiles.md``):

``#A key name [comment]``
    an actor;
``#P key name [description]``
    an issue;
``#M issue position [description]``
    a labelled point of an issue; the issue's scale runs from the lowest to the highest
    ``#M`` (0-100 when an issue has fewer than two);
``#D actor issue position salience power``
    an actor's position on an issue, with salience and power on 0-1;
``#0``, ``#/``
    comments.

Cells are separated by tabs (or ``;`` or ``,``) and may be quoted with ``'`` or ``"``.
decide gives a power per ``#D`` row; detente gives an actor one capability, so an
actor whose power differs between issues is an error naming both rows. An actor
without ``#D`` rows is left out, with a note.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from detente.errors import ScenarioError
from detente.io._import_common import (
    IdMaker,
    base_document,
    is_missing,
    number,
    strip_bom,
    validate_document,
)
from detente.scenario import Scenario

__all__ = ["read_decide"]

_WIDTH = {"#A": 3, "#P": 3, "#M": 3, "#D": 6}


def _records(text: str) -> list[tuple[int, list[str]]]:
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = "\t" if "\t" in first else ";" if ";" in first else ","
    quote = "'" if first.lstrip().startswith("'") else '"'
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar=quote)
    out = []
    for line_number, row in enumerate(reader, start=1):
        cells = [cell.strip() for cell in row]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            out.append((line_number, cells))
    return out


def read_decide(text: str, file: str = "<decide>", *, notes: list[str] | None = None) -> Scenario:
    """Read a decide input file (see the module text).

    Raises
    ------
    ScenarioError
        Naming the file and line: an unknown row type, a row with too few cells, a
        ``#D`` naming an undeclared actor or issue, a position outside the issue's
        ``#M`` range, a salience or power outside 0..1, two ``#D`` rows for one actor
        and issue, or an actor whose power differs between issues.
    """
    notes = notes if notes is not None else []
    actor_ids, issue_ids = IdMaker(file, "actor"), IdMaker(file, "issue")
    actors: dict[str, dict[str, Any]] = {}
    lines: dict[str, int] = {}
    issues: dict[str, dict[str, Any]] = {}
    issue_lines: dict[str, int] = {}
    points: dict[str, dict[float, str]] = {}
    rows_d: list[tuple[int, list[str]]] = []
    for line, cells in _records(strip_bom(text)):
        kind = cells[0]
        if kind in ("#0", "#/"):
            continue
        if kind not in _WIDTH:
            raise ScenarioError(
                f"a decide row starts with #A, #P, #M, #D (or #0, #/ for comments), got {kind!r}",
                file=file,
                line=line,
            )
        if len(cells) < _WIDTH[kind]:
            raise ScenarioError(
                f"a {kind} row needs {_WIDTH[kind]} cells, found {len(cells)}", file=file, line=line
            )
        if kind in ("#A", "#P") and cells[1] in (actors if kind == "#A" else issues):
            earlier = lines[cells[1]] if kind == "#A" else issue_lines[cells[1]]
            raise ScenarioError(
                f"{kind} {cells[1]!r} is declared twice (first on line {earlier})",
                file=file,
                line=line,
            )
        if kind == "#A":
            ident = actor_ids(cells[1], f"line {line}", line)
            comment = cells[3] if len(cells) > 3 else ""
            actors[cells[1]] = {"id": ident, "name": cells[2] or cells[1], "description": comment}
            lines[cells[1]] = line
        elif kind == "#P":
            ident = issue_ids(cells[1], f"line {line}", line)
            about = cells[3] if len(cells) > 3 else ""
            issues[cells[1]] = {"id": ident, "name": cells[2] or cells[1], "description": about}
            issue_lines[cells[1]] = line
            points.setdefault(cells[1], {})
        elif kind == "#M":
            if cells[1] not in issues:
                raise ScenarioError(
                    f"#M names issue {cells[1]!r}, not declared by a #P row", file=file, line=line
                )
            value = number(cells[2], file, line, "position")
            points[cells[1]][value] = cells[3] if len(cells) > 3 else ""
        else:
            rows_d.append((line, cells))
    for key, issue in issues.items():
        marks = points[key]
        if len(marks) >= 2:
            issue["scale"] = [min(marks), max(marks)]
        else:
            issue["scale"] = [min([0.0, *marks]), max([100.0, *marks])]
        labelled = {k: v for k, v in marks.items() if v}
        if labelled:
            issue["anchors"] = labelled
    power_at: dict[str, tuple[float, int]] = {}
    seen: dict[tuple[str, str], int] = {}
    for line, cells in rows_d:
        actor_key, issue_key = cells[1], cells[2]
        for what, key, known, row in (
            ("actor", actor_key, actors, "#A"),
            ("issue", issue_key, issues, "#P"),
        ):
            if key not in known:
                raise ScenarioError(
                    f"#D names {what} {key!r}, not declared by a {row} row",
                    file=file,
                    line=line,
                )
        if (actor_key, issue_key) in seen:
            raise ScenarioError(
                f"a second #D row for actor {actor_key!r} on issue {issue_key!r} "
                f"(the first is line {seen[actor_key, issue_key]})",
                file=file,
                line=line,
            )
        seen[actor_key, issue_key] = line
        values = {}
        for field, cell in zip(("position", "salience", "power"), cells[3:6], strict=True):
            if is_missing(cell):
                raise ScenarioError(
                    f"expected a number, got {cell!r}", (field,), file=file, line=line
                )
            values[field] = number(cell, file, line, field)
        for field in ("salience", "power"):
            if not 0 <= values[field] <= 1:
                raise ScenarioError(
                    f"expected a value in 0..1 (decide's scale), got {values[field]:g}",
                    (field,),
                    file=file,
                    line=line,
                )
        lo, hi = issues[issue_key]["scale"]
        if not lo <= values["position"] <= hi:
            raise ScenarioError(
                f"position {values['position']:g} lies outside the #M range {lo:g}..{hi:g} "
                f"of issue {issue_key!r}",
                ("position",),
                file=file,
                line=line,
            )
        first = power_at.setdefault(actor_key, (values["power"], line))
        if first[0] != values["power"]:
            raise ScenarioError(
                f"actor {actor_key!r} has power {first[0]:g} on line {first[1]} and "
                f"{values['power']:g} here; detente gives an actor one capability, so make "
                "them equal (or fold the difference into the saliences)",
                ("power",),
                file=file,
                line=line,
            )
        actor = actors[actor_key]
        actor["capability"] = values["power"]
        actor.setdefault("stances", {})[issues[issue_key]["id"]] = {
            "position": values["position"],
            "salience": values["salience"],
        }
    silent = [key for key, actor in actors.items() if "capability" not in actor]
    if silent:
        notes.append(f"{file}: actor(s) without #D rows left out: {', '.join(silent)}")
    kept = [key for key in actors if key not in silent]
    if not kept:
        raise ScenarioError("no #D rows: no actor takes a position on any issue", file=file)
    data = base_document(
        Path(file).stem,
        list(issues.values()),
        [actors[key] for key in kept],
        1,
        "Imported from a decide-exchange-model input file.",
    )
    return validate_document(
        data, file, [lines[key] for key in kept], [issue_lines[key] for key in issues]
    )
