"""Read the CSV tables analysts already have into a :class:`~detente.scenario.Scenario`.

Two formats:

``classic``
    One row per actor (and issue): ``actor,capability,position,salience`` with an
    optional ``issue`` column; header names are case-insensitive, extra columns ``name``
    and ``status_quo`` are read when present. Each issue's scale is the min..max of its
    positions unless a scale is given. Saliences are read on 0-1 when every value lies
    within 0..1, otherwise on 0-100 (the convention of Bueno de Mesquita's tables).

``ktab``
    The SMP format of the KTAB toolkit (Wise et al., King Abdullah Petroleum Studies
    and Research Center): line 1 ``name,description,numActors,numDims``; line 2 the
    headers ``Actor,Description,Power,<dim> Position,<dim> Salience,...``; then one row
    per actor. Positions and saliences are on 0-100.

Errors name the file, the line and the column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from detente.errors import ScenarioError
from detente.io.scenario_file import read_text
from detente.limits import check_weights
from detente.scenario import Scenario

__all__ = ["detect_table_format", "load_table", "read_classic_csv", "read_ktab_csv"]

_REQUIRED = ("actor", "capability", "position", "salience")
_OPTIONAL = ("issue", "name", "status_quo")


def _number(text: str, file: str, line: int, column: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        shown = text.strip() or "an empty cell"
        raise ScenarioError(
            f"expected a number, got {shown!r}", (column,), file=file, line=line
        ) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ScenarioError(
            f"expected a finite number, got {text.strip()!r}", (column,), file=file, line=line
        )
    return value


def _slug(text: str, fallback: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_\-]+", "_", text.strip()).strip("_")
    return slug or fallback


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _base(
    title: str, issues: list[dict[str, Any]], actors: list[dict[str, Any]], scale: int
) -> dict[str, Any]:
    today = dt.date.today()
    return {
        "schema": "detente/1",
        "title": title,
        "as_of": today,
        "horizon": today.replace(year=today.year + 1)
        if not (today.month == 2 and today.day == 29)
        else today + dt.timedelta(days=365),
        "salience_scale": scale,
        "issues": issues,
        "actors": actors,
    }


def _validate(data: dict[str, Any], file: str, line_of_actor: Sequence[int]) -> Scenario:
    try:
        scenario = Scenario.from_dict(data)
        check_weights(scenario)
        return scenario
    except ScenarioError as exc:
        line = None
        if len(exc.path) > 1 and exc.path[0] == "actors" and isinstance(exc.path[1], int):
            line = line_of_actor[exc.path[1]]
        raise exc.located(file, line) from None
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = error["loc"]
        line = (
            line_of_actor[loc[1]]
            if len(loc) > 1 and loc[0] == "actors" and isinstance(loc[1], int)
            else None
        )
        message = str(error["msg"]).removeprefix("Value error, ")
        raise ScenarioError(
            message,
            tuple(str(p) for p in loc[2:] if not str(p).startswith("function")),
            file=file,
            line=line,
        ) from None


def read_classic_csv(
    text: str,
    file: str = "<csv>",
    *,
    scale: tuple[float, float] | None = None,
    title: str | None = None,
) -> Scenario:
    """Read the classic ``actor,capability,position,salience[,issue]`` table."""
    rows = _rows(text)
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ScenarioError("the file is empty; expected a header row", file=file, line=1)
    header = [cell.strip().lower() for cell in rows[0]]
    missing = [name for name in _REQUIRED if name not in header]
    if missing:
        raise ScenarioError(
            f"missing column(s) {', '.join(missing)}; expected a header with "
            f"{', '.join(_REQUIRED)} (and optionally {', '.join(_OPTIONAL)})",
            file=file,
            line=1,
        )
    unknown = [name for name in header if name not in _REQUIRED + _OPTIONAL]
    if unknown:
        raise ScenarioError(
            f"unknown column(s) {', '.join(unknown)}; expected {', '.join(_REQUIRED + _OPTIONAL)}",
            file=file,
            line=1,
        )
    col = {name: header.index(name) for name in header}
    actors: dict[str, dict[str, Any]] = {}
    actor_lines: dict[str, int] = {}
    issue_order: list[str] = []
    positions: dict[str, list[float]] = {}
    status_quo: dict[str, float] = {}
    seen: set[tuple[str, str]] = set()
    saliences: list[float] = []
    for index, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ScenarioError(
                f"expected {len(header)} cells as in the header, found {len(row)}",
                file=file,
                line=index,
            )
        name = row[col["actor"]].strip()
        if not name:
            raise ScenarioError("empty actor name", ("actor",), file=file, line=index)
        issue_id = _slug(row[col["issue"]], "issue") if "issue" in col else "issue"
        if (name, issue_id) in seen:
            raise ScenarioError(
                f"actor {name!r} appears twice for issue {issue_id!r}",
                ("actor",),
                file=file,
                line=index,
            )
        seen.add((name, issue_id))
        capability = _number(row[col["capability"]], file, index, "capability")
        position = _number(row[col["position"]], file, index, "position")
        salience = _number(row[col["salience"]], file, index, "salience")
        saliences.append(salience)
        if issue_id not in positions:
            issue_order.append(issue_id)
            positions[issue_id] = []
        positions[issue_id].append(position)
        if "status_quo" in col and row[col["status_quo"]].strip():
            status_quo[issue_id] = _number(row[col["status_quo"]], file, index, "status_quo")
        actor_id = _slug(name, f"actor{index}")
        entry = actors.setdefault(
            actor_id,
            {
                "id": actor_id,
                "name": row[col["name"]].strip()
                if "name" in col and row[col["name"]].strip()
                else name,
                "capability": capability,
                "stances": {},
            },
        )
        actor_lines.setdefault(actor_id, index)
        if entry["capability"] != capability:
            raise ScenarioError(
                f"actor {name!r} has capability {entry['capability']:g} on an earlier row and "
                f"{capability:g} here; an actor has one capability",
                ("capability",),
                file=file,
                line=index,
            )
        entry["stances"][issue_id] = {"position": position, "salience": salience}
    if not actors:
        raise ScenarioError("no actor rows under the header", file=file, line=2)
    issues = []
    for issue_id in issue_order:
        lo, hi = (
            scale if scale is not None else (min(positions[issue_id]), max(positions[issue_id]))
        )
        if scale is None and lo == hi:
            raise ScenarioError(
                f"cannot infer the scale of issue {issue_id!r}: every position is {lo:g}; "
                "give the scale explicitly (--scale LO:HI)",
                file=file,
            )
        issue: dict[str, Any] = {"id": issue_id, "name": issue_id, "scale": [lo, hi]}
        if issue_id in status_quo:
            issue["status_quo"] = status_quo[issue_id]
        issues.append(issue)
    salience_scale = 1 if all(0 <= s <= 1 for s in saliences) else 100
    data = _base(title or Path(file).stem, issues, list(actors.values()), salience_scale)
    return _validate(data, file, [actor_lines[a] for a in actors])


def read_ktab_csv(text: str, file: str = "<csv>", *, title: str | None = None) -> Scenario:
    """Read a KTAB SMP scenario table (positions and saliences on 0-100)."""
    rows = [[cell.strip() for cell in row] for row in _rows(text)]
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
    n_actors = int(_number(first[2], file, 1, "numActors"))
    n_dims = int(_number(first[3], file, 1, "numDims"))
    header = rows[1]
    if len(header) < 3 + 2 * n_dims:
        raise ScenarioError(
            f"line 1 declares {n_dims} dimension(s): expected {3 + 2 * n_dims} header cells "
            "(Actor, Description, Power, then a position and a salience per dimension), "
            f"found {len(header)}",
            file=file,
            line=2,
        )
    issue_ids = []
    for k in range(n_dims):
        label = re.sub(r"(?i)\b(position|pstn|pos)\b|pstn|position", "", header[3 + 2 * k]).strip()
        issue_ids.append(_slug(label, f"dim{k + 1}") if label else f"dim{k + 1}")
    if len(set(issue_ids)) != len(issue_ids):
        issue_ids = [f"dim{k + 1}" for k in range(n_dims)]
    body = [(i, row) for i, row in enumerate(rows[2:], start=3) if any(row)]
    if len(body) != n_actors:
        raise ScenarioError(
            f"line 1 declares {n_actors} actor(s) but the table has {len(body)} actor row(s)",
            ("numActors",),
            file=file,
            line=1,
        )
    actors = []
    lines = []
    for line, row in body:
        if len(row) < 3 + 2 * n_dims:
            raise ScenarioError(
                f"expected {3 + 2 * n_dims} cells, found {len(row)}", file=file, line=line
            )
        stances = {}
        for k, issue_id in enumerate(issue_ids):
            position = _number(row[3 + 2 * k], file, line, header[3 + 2 * k])
            salience = _number(row[4 + 2 * k], file, line, header[4 + 2 * k])
            for value, column in ((position, header[3 + 2 * k]), (salience, header[4 + 2 * k])):
                if not 0 <= value <= 100:
                    raise ScenarioError(
                        f"expected a value in 0..100, got {value:g}",
                        (column,),
                        file=file,
                        line=line,
                    )
            stances[issue_id] = {"position": position, "salience": salience}
        actors.append(
            {
                "id": _slug(row[0], f"actor{line}"),
                "name": row[1] or row[0],
                "capability": _number(row[2], file, line, header[2]),
                "stances": stances,
                "description": row[1],
            }
        )
        lines.append(line)
    issues = [
        {"id": i, "name": label, "scale": [0, 100]}
        for i, label in zip(issue_ids, issue_ids, strict=True)
    ]
    data = _base(title or first[0] or Path(file).stem, issues, actors, 100)
    data["description"] = first[1]
    return _validate(data, file, lines)


def detect_table_format(text: str) -> str:
    """``"ktab"`` when line 2 starts with ``Actor,Description``, else ``"classic"``."""
    rows = _rows(text)
    if len(rows) > 1 and [c.strip().lower() for c in rows[1][:2]] == ["actor", "description"]:
        return "ktab"
    return "classic"


def load_table(
    path: str | os.PathLike[str],
    *,
    scale: tuple[float, float] | None = None,
    fmt: str | None = None,
) -> Scenario:
    """Read a CSV table, detecting its format unless ``fmt`` says ``classic`` or ``ktab``."""
    text = read_text(path)
    kind = fmt or detect_table_format(text)
    if kind == "ktab":
        return read_ktab_csv(text, str(path))
    return read_classic_csv(text, str(path), scale=scale)
