"""Read the tables analysts already have into a :class:`~detente.scenario.Scenario`.

Formats (``docs/scenario-format.md``, "Tables and imports"):

``classic``
    One row per actor (and issue): an actor, its capability, position and salience,
    optionally an ``issue``, a display ``name`` and the issue's ``status_quo``. Header
    names are case-insensitive and take the field's usual aliases (:data:`ALIASES`);
    other columns are kept as per-actor metadata. A UTF-8 byte-order mark, CRLF line
    ends, trailing empty columns and the delimiter (``,`` ``;`` or tab, found from the
    header or by :class:`csv.Sniffer`) are handled. ``NA`` or a blank position or
    salience means the actor takes no stance on that issue. The salience scale is
    given (``salience_scale`` 1 or 100) or inferred only when every salience agrees
    (:func:`salience_scale_of`).

KTAB's tables and XML scenarios, Genius utility spaces and decide's ``#A/#P/#M/#D``
files are read by :mod:`detente.io.ktab`, :mod:`detente.io.genius_xml` and
:mod:`detente.io.decide`; :func:`load_table` picks the reader.

Readers append human-readable notes (what was inferred, what was kept, what was
skipped) to ``notes`` when given a list; the command line prints them once.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path
from typing import Any, Literal

from detente.errors import ScenarioError
from detente.io._import_common import (
    IdMaker,
    base_document,
    is_missing,
    number,
    strip_bom,
    validate_document,
)
from detente.io.ktab import read_ktab_csv, read_ktab_xml
from detente.io.scenario_file import read_text
from detente.quantity import reads_as_number
from detente.scenario import Scenario

__all__ = [
    "ALIASES",
    "TABLE_FORMATS",
    "detect_table_format",
    "load_table",
    "parse_table",
    "read_classic_csv",
    "read_ktab_csv",
    "salience_scale_of",
]

#: Header names of the classic table, case-insensitive; the first is the field's name.
ALIASES: dict[str, tuple[str, ...]] = {
    "actor": ("actor", "name", "player"),
    "capability": ("capability", "capabilities", "power", "influence", "clout"),
    "position": ("position", "pos"),
    "salience": ("salience", "importance"),
    "issue": ("issue",),
    "status_quo": ("status_quo", "status quo", "sq"),
}
_REQUIRED = ("actor", "capability", "position", "salience")
TABLE_FORMATS = ("classic", "ktab", "ktab-xml", "genius", "decide")
SalienceScale = Literal[1, 100]


def _canonical(cell: str) -> str:
    return re.sub(r"[\s_]+", " ", cell.strip().lower())


_LOOKUP = {_canonical(alias): field for field, names in ALIASES.items() for alias in names}


def _delimiter(text: str) -> str:
    """``,`` ``;`` or tab: the one that splits the header into known columns, else
    what :class:`csv.Sniffer` finds, else ``,``."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    known = {
        d: sum(_canonical(c) in _LOOKUP for c in next(csv.reader([header], delimiter=d), []))
        for d in ",;\t"
    }
    best = max(known, key=lambda d: known[d])
    if known[best] >= 2:
        return best
    try:
        return csv.Sniffer().sniff("\n".join(text.splitlines()[:20]), delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _rows(text: str, delimiter: str = ",", quotechar: str = '"') -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=delimiter, quotechar=quotechar))


def _columns(header: list[str], file: str) -> tuple[dict[str, int], dict[str, int], int]:
    """Known columns, extra columns (name -> index) and the width of the header."""
    width = len(header)
    while width and not header[width - 1].strip():
        width -= 1
    fields = [_LOOKUP.get(_canonical(cell)) for cell in header[:width]]
    named = [i for i, f in enumerate(fields) if f == "actor" and _canonical(header[i]) == "name"]
    if fields.count("actor") == 2 and len(named) == 1:
        fields[named[0]] = "name"  # actor (or player) and name: the id and a display name
    known: dict[str, int] = {}
    extra: dict[str, int] = {}
    for index, (cell, field) in enumerate(zip(header[:width], fields, strict=True)):
        if not cell.strip():
            raise ScenarioError(
                f"column {index + 1} has no name; every column before the last named one "
                "needs a header",
                file=file,
                line=1,
            )
        if field is None:
            extra[cell.strip()] = index
        elif field in known:
            raise ScenarioError(
                f"columns {header[known[field]].strip()!r} and {cell.strip()!r} both mean "
                f"{field}; keep one",
                file=file,
                line=1,
            )
        else:
            known[field] = index
    missing = [name for name in _REQUIRED if name not in known]
    if missing:
        hints = "; ".join(f"{m}: {' or '.join(ALIASES[m])}" for m in missing)
        found = ", ".join(repr(c.strip()) for c in header[:width]) or "nothing"
        looks_like_data = not known and any(reads_as_number(c) for c in header[:width])
        raise ScenarioError(
            f"missing column(s) {', '.join(missing)} (accepted names, any case: {hints}); "
            + (
                f"line 1 ({found}) looks like data: the table needs a header row"
                if looks_like_data
                else f"the header has {found}"
            ),
            file=file,
            line=1,
        )
    return known, extra, width


def salience_scale_of(
    saliences: list[tuple[int, float]], given: int | None, file: str
) -> SalienceScale:
    """The salience scale of a classic table: ``given``, or the one every value agrees on.

    A salience above 1 only fits 0-100; one in ``(0, 1]`` fits 0-1 (on 0-100 it would
    be almost no salience at all); 0 fits both. When every salience fits one scale,
    that is the scale; a table with both kinds is an error naming the rows of each,
    never a silent guess (one typo used to flip the whole table to 0-100).
    """
    if given is not None:
        if given not in (1, 100):
            raise ScenarioError(f"salience scale must be 1 or 100, got {given}", file=file)
        return 1 if given == 1 else 100
    above = [(line, v) for line, v in saliences if v > 1]
    unit = [(line, v) for line, v in saliences if 0 < v <= 1]
    if above and unit:

        def rows(group: list[tuple[int, float]]) -> str:
            shown = ", ".join(f"line {line} ({v:g})" for line, v in group[:5])
            return shown + (f" and {len(group) - 5} more" if len(group) > 5 else "")

        raise ScenarioError(
            f"saliences mix scales: {rows(unit)} fit 0-1 but {rows(above)} need 0-100; "
            "fix the odd rows or give the scale (--salience-scale 1 or 100)",
            ("salience",),
            file=file,
        )
    return 100 if above else 1


def read_classic_csv(
    text: str,
    file: str = "<csv>",
    *,
    scale: tuple[float, float] | None = None,
    title: str | None = None,
    salience_scale: int | None = None,
    notes: list[str] | None = None,
) -> Scenario:
    """Read the classic actor/capability/position/salience table (see the module text).

    Raises
    ------
    ScenarioError
        Naming the file, line and column: a missing column, a bad number, two names
        that become one id, an actor with two capabilities, mixed salience scales.
    """
    notes = notes if notes is not None else []
    text = strip_bom(text)
    delimiter = _delimiter(text)
    rows = _rows(text, delimiter)
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ScenarioError("the file is empty; expected a header row", file=file, line=1)
    col, extra, width = _columns(rows[0], file)
    comma = delimiter != ","
    actor_ids = IdMaker(file, "actor")
    issue_ids = IdMaker(file, "issue")
    actors: dict[str, dict[str, Any]] = {}
    actor_lines: dict[str, int] = {}
    extras: dict[str, dict[str, list[tuple[str, str]]]] = {}
    positions: dict[str, list[float]] = {}
    issue_names: dict[str, str] = {}
    status_quo: dict[str, float] = {}
    seen: dict[tuple[str, str], int] = {}
    saliences: list[tuple[int, float]] = []
    no_stance: list[int] = []
    for index, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < width or any(cell.strip() for cell in row[width:]):
            filled = max(i + 1 for i, cell in enumerate(row) if cell.strip())
            raise ScenarioError(
                f"expected {width} cells as in the header, found {min(len(row), filled)}",
                file=file,
                line=index,
            )
        name = row[col["actor"]].strip()
        if not name:
            raise ScenarioError("empty actor name", ("actor",), file=file, line=index)
        actor_id = actor_ids(name, f"line {index}", index)
        issue_name = row[col["issue"]].strip() if "issue" in col else ""
        issue_id = issue_ids(issue_name, f"line {index}", index) if issue_name else "issue"
        if (actor_id, issue_id) in seen:
            raise ScenarioError(
                f"actor {name!r} appears twice for issue {issue_id!r} "
                f"(lines {seen[actor_id, issue_id]} and {index})",
                ("actor",),
                file=file,
                line=index,
            )
        seen[actor_id, issue_id] = index
        capability = number(row[col["capability"]], file, index, "capability", decimal_comma=comma)
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
                f"actor {name!r} has capability {entry['capability']:g} on line "
                f"{actor_lines[actor_id]} and {capability:g} here; an actor has one capability",
                ("capability",),
                file=file,
                line=index,
            )
        for column, at in extra.items():
            if not is_missing(row[at]):
                extras.setdefault(actor_id, {}).setdefault(column, []).append(
                    (issue_id, row[at].strip())
                )
        positions.setdefault(issue_id, [])
        issue_names.setdefault(issue_id, issue_name or issue_id)
        if "status_quo" in col and not is_missing(row[col["status_quo"]]):
            status_quo[issue_id] = number(
                row[col["status_quo"]], file, index, "status_quo", decimal_comma=comma
            )
        cells = row[col["position"]], row[col["salience"]]
        if is_missing(cells[0]) or is_missing(cells[1]):
            no_stance.append(index)
            continue
        position = number(cells[0], file, index, "position", decimal_comma=comma)
        salience = number(cells[1], file, index, "salience", decimal_comma=comma)
        saliences.append((index, salience))
        positions[issue_id].append(position)
        entry["stances"][issue_id] = {"position": position, "salience": salience}
    if not actors:
        raise ScenarioError("no actor rows under the header", file=file, line=2)
    for actor_id, columns in extras.items():
        actors[actor_id]["metadata"] = _metadata(columns)
    if extra:
        notes.append(
            f"{file}: kept column(s) {', '.join(extra)} as actor metadata (no model reads them)"
        )
    if no_stance:
        notes.append(
            f"{file}: NA or blank position/salience on line(s) "
            f"{', '.join(map(str, no_stance))}: no stance on that issue"
        )
    issues = []
    for issue_id, values in positions.items():
        if scale is not None:
            lo, hi = scale
        elif values:
            lo, hi = min(values), max(values)
        else:
            raise ScenarioError(f"no actor takes a stance on issue {issue_id!r}", file=file)
        if scale is None and lo == hi:
            raise ScenarioError(
                f"cannot infer the scale of issue {issue_id!r}: every position is {lo:g}; "
                "give the scale explicitly (--scale LO:HI)",
                file=file,
            )
        issue: dict[str, Any] = {"id": issue_id, "name": issue_names[issue_id], "scale": [lo, hi]}
        if issue_id in status_quo:
            issue["status_quo"] = status_quo[issue_id]
        issues.append(issue)
    chosen = salience_scale_of(saliences, salience_scale, file)
    data = base_document(title or Path(file).stem, issues, list(actors.values()), chosen)
    return validate_document(data, file, [actor_lines[a] for a in actors])


def _metadata(columns: dict[str, list[tuple[str, str]]]) -> dict[str, str]:
    """One value per extra column, or ``column.issue`` keys where they differ by issue."""
    out: dict[str, str] = {}
    for column, values in columns.items():
        if len({v for _, v in values}) == 1:
            out[column] = values[0][1]
        else:
            out.update({f"{column}.{issue}": v for issue, v in values})
    return out


def detect_table_format(text: str) -> str:
    """The format of a table or XML file from its content (one of :data:`TABLE_FORMATS`).

    XML: ``ktab-xml`` for a ``<Scenario>`` root, ``genius`` for a ``<utility_space>``
    (or a ``<negotiation_template>`` holding one). Text: ``decide`` when the first row
    starts with ``#A``, ``#P``, ``#M``, ``#D`` or a ``#0``/``#/`` comment (quoted or
    not); ``ktab`` when line 2 starts with ``Actor,Description`` or line 1 is KTAB's
    ``name,description,numActors,numDims``; else ``classic``.
    """
    body = strip_bom(text).lstrip()
    if body.startswith("<"):
        head = body[:4000]
        if re.search(r"<\s*(utility_space|negotiation_template)\b", head):
            return "genius"
        return "ktab-xml"
    first = next((line for line in body.splitlines() if line.strip()), "")
    if re.match(r"""^\s*['"]?#[APMD0/]""", first):
        return "decide"
    rows = _rows(body)
    if len(rows) > 1 and [c.strip().lower() for c in rows[1][:2]] == ["actor", "description"]:
        return "ktab"
    if rows and _KTAB_FIRST_LINE.fullmatch(",".join(c.strip() for c in rows[0])):
        return "ktab"  # KTAB's line 1 with a damaged line 2: let its reader say what is wrong
    return "classic"


#: KTAB's line 1, ``name,description,numActors,numDims`` (the counts whole numbers).
_KTAB_FIRST_LINE = re.compile(r"[^,]*,[^,]*,\d+,\d+,?")


def load_table(
    path: str | os.PathLike[str],
    *,
    scale: tuple[float, float] | None = None,
    fmt: str | None = None,
    salience_scale: int | None = None,
    notes: list[str] | None = None,
) -> Scenario:
    """Read a table or XML file (:func:`parse_table` on the file's text).

    Raises
    ------
    ScenarioError
        The file is missing, unreadable or too large, or :func:`parse_table` rejects it.
    """
    return parse_table(
        read_text(path),
        str(path),
        scale=scale,
        fmt=fmt,
        salience_scale=salience_scale,
        notes=notes,
    )


def parse_table(
    text: str,
    name: str = "<table>",
    *,
    scale: tuple[float, float] | None = None,
    fmt: str | None = None,
    salience_scale: int | None = None,
    notes: list[str] | None = None,
) -> Scenario:
    """Read a table's or XML import's ``text``, detecting its format unless ``fmt`` names one.

    ``scale`` and ``salience_scale`` apply to classic tables only; giving them for
    another format is an error rather than an option silently ignored. The formats and
    their sources are in ``docs/scenario-format.md``.

    Parameters
    ----------
    text
        The file's text.
    name
        The name errors give for the text.
    scale
        ``(min, max)`` of a classic table's position scale (default: the lowest and
        highest position given on each issue).
    fmt
        One of ``classic``, ``ktab``, ``ktab-xml``, ``genius``, ``decide``; ``None``
        detects it from the content.
    salience_scale
        1 or 100: the scale of a classic table's saliences (default: inferred when
        every salience agrees, :func:`salience_scale_of`).
    notes
        When given, notes on what was inferred or kept are appended to it.

    Returns
    -------
    Scenario
        One issue per table dimension, one actor per row.

    Raises
    ------
    ScenarioError
        An unknown format, ``scale`` or ``salience_scale`` given for a format whose
        scales are fixed, or a malformed row, with ``name``, the line and the column.
    """
    kind = fmt or detect_table_format(text)
    if fmt is None and kind not in ("ktab-xml", "genius") and name.lower().endswith(".xml"):
        found = "the file is empty" if not text.strip() else "the text does not start with '<'"
        raise ScenarioError(
            f"expected XML (a KTAB <Scenario> or a Genius <utility_space>), but {found}",
            file=name,
            line=1,
        )
    if kind not in TABLE_FORMATS:
        raise ScenarioError(
            f"unknown table format {kind!r}; expected one of {', '.join(TABLE_FORMATS)}", file=name
        )
    if kind != "classic":
        for option, given in (("--scale", scale), ("--salience-scale", salience_scale)):
            if given is not None:
                raise ScenarioError(
                    f"{option} applies to classic tables; this file is read as {kind}, whose "
                    "scales are fixed by the format",
                    file=name,
                )
    if kind == "classic":
        return read_classic_csv(text, name, scale=scale, salience_scale=salience_scale, notes=notes)
    if kind == "ktab":
        return read_ktab_csv(text, name, notes=notes)
    if kind == "ktab-xml":
        return read_ktab_xml(text, name, notes=notes)
    if kind == "genius":
        from detente.io.genius_xml import read_genius_xml

        return read_genius_xml(text, name, notes=notes)
    from detente.io.decide import read_decide

    return read_decide(text, name, notes=notes)
