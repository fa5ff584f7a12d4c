"""Read the DEU data (Decision-making in the European Union) into one scenario per issue.

The DEU files (Thomson, Stokman, Achen & Koenig (eds.) 2006, *The European Union
Decides*; Thomson et al. 2012; the combined file of Arregui & Perarnaud 2022) are
tab-separated with a header row and one row per issue. Columns read here:

* ``prnr`` proposal id, ``isnr`` issue id, ``prname`` short name, ``type``,
  ``council`` formation, ``proc`` procedure (COD/CNS), ``counvte`` Council voting rule,
  ``intro`` introduction date;
* ``p<actor>`` position (0-100) and ``s<actor>`` salience (0-100) for every actor code
  that has both columns (``com``, ``ep`` and the member states);
* ``rp`` reference point and ``out`` outcome (0-100, empty where not coded).

Other columns (``finact``, which is mangled in the public copy, ``prnrnmc`` ...) are
ignored. Choices made here, each documented in ``docs/backtest-deu.md``:

* A row without an issue id directly under the header (the per-actor GDP figures the
  public copy added in row 2) is skipped; anywhere else it is an error.
* An empty position means the actor took no position: it is not in that issue's
  scenario, whatever its salience cell says.
* An actor with a position but an empty salience gets, by default, the mean salience
  of the actors with a coded salience on the same issue (50 if none is coded)
  (``missing_salience="mean"``); ``"drop"`` leaves the actor out and a number uses
  that salience. Such actors are listed in :attr:`DeuIssue.imputed`.
* ``intro`` is read as ``dd-mm-yy`` (years 50-99 are 19xx), ``dd-mm-yyyy``, or the
  spreadsheet-mangled form ``yyyy-mm-dd`` found in the public copy, where a
  ``dd-mm-yy`` date was read as ``yy-mm-dd`` and written back with a four-digit year
  (``2020-10-05`` stands for 20 October 2005, ``1930-05-05`` for 30 May 2005). In the
  public DEU I-II file every such value agrees with the year in its proposal id.

Each issue becomes a :class:`~detente.scenario.Scenario` with one issue on ``[0, 100]``
(status quo = ``rp`` when coded), ``salience_scale: 100``, and one actor per actor with
a position; its capability comes from a ``capabilities`` function (see
:mod:`detente.analysis.voting_weights`; by default 1 for everyone). ``as_of`` is the
introduction date and ``horizon`` five years later (DEU codes no decision date that
survives in the public copy). Problems raise :class:`~detente.errors.ScenarioError`
with file, line and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from pydantic import ValidationError

from detente.errors import DetenteError, PathPart, ScenarioError
from detente.io.scenario_file import read_text
from detente.io.validation_errors import from_validation
from detente.scenario import Scenario

__all__ = [
    "ACTOR_NAMES",
    "CapabilityFn",
    "DeuIssue",
    "MissingSalience",
    "parse_deu",
    "parse_intro",
    "read_deu",
]

ACTOR_NAMES: dict[str, str] = {
    "com": "European Commission", "ep": "European Parliament",
    "at": "Austria", "be": "Belgium", "bu": "Bulgaria", "cr": "Croatia", "cy": "Cyprus",
    "cz": "Czech Republic", "dk": "Denmark", "ee": "Estonia", "fi": "Finland",
    "fr": "France", "de": "Germany", "el": "Greece", "hu": "Hungary", "ie": "Ireland",
    "it": "Italy", "lv": "Latvia", "lt": "Lithuania", "lu": "Luxembourg", "mt": "Malta",
    "nl": "Netherlands", "pl": "Poland", "pt": "Portugal", "ro": "Romania",
    "si": "Slovenia", "sk": "Slovakia", "es": "Spain", "se": "Sweden",
    "uk": "United Kingdom",
}  # fmt: skip
"""DEU actor codes and the names given to the scenario actors."""

MissingSalience = Literal["mean", "drop"] | float
CapabilityFn = Callable[[dt.date, Sequence[str]], Mapping[str, float]]
"""``f(intro_date, actor_codes) -> {code: capability}``; see ``detente.analysis.voting_weights``."""

_REQUIRED = ("prnr", "isnr", "prname", "proc", "counvte", "intro", "rp", "out")
_HORIZON = dt.timedelta(days=5 * 365)


@dataclass(frozen=True)
class DeuIssue:
    """One DEU issue: its metadata, reference point, outcome and scenario.

    ``scenario`` is ``None`` only when no actor takes a position on the issue.
    ``imputed`` names the actors whose salience was filled in (or dropped) because
    their cell was empty. ``line`` is the issue's line in the file (1-based).
    """

    prnr: str
    isnr: str
    prname: str
    act_type: str
    council: str
    procedure: str
    voting_rule: str
    intro: dt.date
    reference_point: float | None
    outcome: float | None
    positions: Mapping[str, float]
    saliences: Mapping[str, float]
    imputed: tuple[str, ...]
    scenario: Scenario | None
    line: int

    @property
    def n_actors(self) -> int:
        """Number of actors with a position in the scenario."""
        return len(self.positions)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready metadata (positions and saliences on 0-100, no scenario)."""
        return {
            "prnr": self.prnr,
            "isnr": self.isnr,
            "prname": self.prname,
            "type": self.act_type,
            "council": self.council,
            "procedure": self.procedure,
            "voting_rule": self.voting_rule,
            "intro": self.intro.isoformat(),
            "reference_point": self.reference_point,
            "outcome": self.outcome,
            "positions": dict(self.positions),
            "saliences": dict(self.saliences),
            "imputed_salience": list(self.imputed),
            "line": self.line,
        }


def parse_intro(text: str) -> dt.date:
    """Parse a DEU introduction date (``dd-mm-yy``, ``dd-mm-yyyy`` or mangled ``yyyy-mm-dd``).

    Raises
    ------
    ValueError
        When ``text`` is in none of these forms or names no valid date.
    """
    value = text.strip()
    try:
        return _parse_intro(value)
    except ValueError as exc:  # a real-looking date that does not exist, e.g. 31-02-05
        raise ValueError(f"expected a date dd-mm-yy, got {value!r} ({exc})") from None


def _parse_intro(value: str) -> dt.date:
    short = re.fullmatch(r"(\d{1,2})-(\d{1,2})-(\d{2})", value)
    if short:
        day, month, yy = (int(g) for g in short.groups())
        return dt.date(1900 + yy if yy >= 50 else 2000 + yy, month, day)
    long = re.fullmatch(r"(\d{1,2})-(\d{1,2})-(\d{4})", value)
    if long:
        day, month, year = (int(g) for g in long.groups())
        return dt.date(year, month, day)
    mangled = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
    if mangled:
        yyyy, month, yy = (int(g) for g in mangled.groups())
        return dt.date(1900 + yy if yy >= 50 else 2000 + yy, month, yyyy % 100)
    raise ValueError("not in any of the forms dd-mm-yy, dd-mm-yyyy, yyyy-mm-dd")


def read_deu(
    path: str | os.PathLike[str],
    *,
    capabilities: CapabilityFn | None = None,
    missing_salience: MissingSalience = "mean",
) -> list[DeuIssue]:
    """Read a DEU TSV file.

    Parameters
    ----------
    path:
        The tab-separated file.
    capabilities:
        ``f(intro_date, actor_codes) -> {code: capability}``, e.g. from
        :func:`detente.analysis.voting_weights.capability_function`; ``None`` gives
        every actor capability 1.
    missing_salience:
        What to do with an actor that has a position but no salience: ``"mean"``
        (default), ``"drop"``, or a number on 0-100.

    Returns
    -------
    list of DeuIssue
        In file order.

    Raises
    ------
    ScenarioError
        With file, line and column of the first problem.
    """
    return parse_deu(
        read_text(path), str(path), capabilities=capabilities, missing_salience=missing_salience
    )


def parse_deu(
    text: str,
    file: str = "<deu>",
    *,
    capabilities: CapabilityFn | None = None,
    missing_salience: MissingSalience = "mean",
) -> list[DeuIssue]:
    """Parse the text of a DEU TSV file; see :func:`read_deu`."""
    if not (missing_salience in ("mean", "drop") or _is_salience(missing_salience)):
        raise ScenarioError(
            "missing_salience must be 'mean', 'drop' or a number in 0..100, "
            f"got {missing_salience!r}",
            file=file,
        )
    reader = csv.reader(io.StringIO(text), delimiter="\t")
    header: list[str] | None = None
    col: dict[str, int] = {}
    actors: tuple[str, ...] = ()
    issues: list[DeuIssue] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if header is None:
            header = [cell.strip() for cell in row]
            col, actors = _read_header(header, file, line)
            continue
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ScenarioError(
                f"expected {len(header)} tab-separated cells as in the header, found {len(row)}",
                file=file,
                line=line,
            )
        isnr = row[col["isnr"]].strip()
        if not isnr:
            if not issues and not seen and line == 2:
                continue  # the per-actor GDP row of the public copy: not DEU data
            raise ScenarioError("empty issue id", ("isnr",), file=file, line=line)
        if isnr in seen:
            raise ScenarioError(
                f"duplicate issue id {isnr!r} (first on line {seen[isnr]})",
                ("isnr",),
                file=file,
                line=line,
            )
        seen[isnr] = line
        issues.append(_issue(row, col, actors, file, line, capabilities, missing_salience))
    if header is None:
        raise ScenarioError("the file is empty; expected a DEU header row", file=file, line=1)
    return issues


def _is_salience(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 100


def _read_header(header: list[str], file: str, line: int) -> tuple[dict[str, int], tuple[str, ...]]:
    col: dict[str, int] = {}
    for index, name in enumerate(header):
        if name in col:
            raise ScenarioError(f"column {name!r} appears twice", (name,), file=file, line=line)
        col[name] = index
    missing = [name for name in _REQUIRED if name not in col]
    if missing:
        raise ScenarioError(
            f"missing column(s) {', '.join(missing)}; expected a DEU header with "
            f"{', '.join(_REQUIRED)} and p<actor>/s<actor> columns",
            (missing[0],),
            file=file,
            line=line,
        )
    actors = tuple(
        name[1:]
        for name in header
        if name.startswith("p") and name[1:] in ACTOR_NAMES and "s" + name[1:] in col
    )
    if not actors:
        raise ScenarioError(
            "no actor columns: expected pairs p<actor>/s<actor> such as pcom/scom",
            file=file,
            line=line,
        )
    return col, actors


def _number(
    row: Sequence[str], col: Mapping[str, int], name: str, file: str, line: int
) -> float | None:
    """The 0-100 number in column ``name``, or ``None`` for an empty cell."""
    text = row[col[name]].strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ScenarioError(
            f"expected a number on 0..100 or an empty cell, got {text!r}",
            (name,),
            file=file,
            line=line,
        ) from None
    if not 0 <= value <= 100:  # also rejects nan
        raise ScenarioError(
            f"expected a number on 0..100, got {text!r}", (name,), file=file, line=line
        )
    return value


def _issue(
    row: Sequence[str],
    col: Mapping[str, int],
    actors: Sequence[str],
    file: str,
    line: int,
    capabilities: CapabilityFn | None,
    missing_salience: MissingSalience,
) -> DeuIssue:
    def cell(name: str) -> str:
        return row[col[name]].strip() if name in col else ""

    isnr = cell("isnr")
    try:
        intro = parse_intro(cell("intro"))
    except ValueError as exc:
        raise ScenarioError(str(exc), ("intro",), file=file, line=line) from None
    positions: dict[str, float] = {}
    saliences: dict[str, float | None] = {}
    for code in actors:
        position = _number(row, col, "p" + code, file, line)
        salience = _number(row, col, "s" + code, file, line)
        if position is not None:
            positions[code] = position
            saliences[code] = salience
    imputed = tuple(code for code, s in saliences.items() if s is None)
    filled = _fill_saliences(saliences, missing_salience)
    positions = {code: x for code, x in positions.items() if code in filled}
    reference_point = _number(row, col, "rp", file, line)
    issue = DeuIssue(
        prnr=cell("prnr"),
        isnr=isnr,
        prname=cell("prname"),
        act_type=cell("type"),
        council=cell("council"),
        procedure=cell("proc"),
        voting_rule=cell("counvte"),
        intro=intro,
        reference_point=reference_point,
        outcome=_number(row, col, "out", file, line),
        positions=positions,
        saliences=filled,
        imputed=imputed,
        scenario=None,
        line=line,
    )
    if not positions:
        return issue
    caps = _capabilities(capabilities, intro, tuple(positions), file, line)
    scenario = _scenario(issue, caps, file, line)
    return replace(issue, scenario=scenario)


def _fill_saliences(
    saliences: Mapping[str, float | None], rule: MissingSalience
) -> dict[str, float]:
    coded = [s for s in saliences.values() if s is not None]
    if rule == "drop":
        return {code: s for code, s in saliences.items() if s is not None}
    mean = sum(coded) / len(coded) if coded else 50.0
    fill = mean if rule == "mean" else float(rule)
    return {code: fill if s is None else s for code, s in saliences.items()}


def _capabilities(
    capabilities: CapabilityFn | None,
    intro: dt.date,
    codes: tuple[str, ...],
    file: str,
    line: int,
) -> dict[str, float]:
    if capabilities is None:
        return dict.fromkeys(codes, 1.0)
    try:
        caps = dict(capabilities(intro, codes))
    except DetenteError as exc:
        message = exc.message if isinstance(exc, ScenarioError) else str(exc)
        raise ScenarioError(message, ("intro",), file=file, line=line) from None
    missing = [code for code in codes if code not in caps]
    if missing:
        raise ScenarioError(
            f"the capabilities function gave no capability for {', '.join(missing)}",
            ("p" + missing[0],),
            file=file,
            line=line,
        )
    return caps


def _scenario(issue: DeuIssue, caps: Mapping[str, float], file: str, line: int) -> Scenario:
    isnr = issue.isnr
    sq: dict[str, Any] = {}
    if issue.reference_point is not None:
        sq["status_quo"] = issue.reference_point
    data: dict[str, Any] = {
        "title": f"{issue.prname} ({isnr})" if issue.prname else isnr,
        "description": (
            f"DEU proposal {issue.prnr}, issue {isnr}; {issue.procedure}, "
            f"Council voting rule {issue.voting_rule}"
        ),
        "as_of": issue.intro,
        "horizon": issue.intro + _HORIZON,
        "salience_scale": 100,
        "issues": [{"id": isnr, "name": isnr, "scale": [0.0, 100.0], **sq}],
        "actors": [
            {
                "id": code,
                "name": ACTOR_NAMES.get(code, code),
                "capability": caps[code],
                "stances": {isnr: {"position": x, "salience": issue.saliences[code]}},
            }
            for code, x in issue.positions.items()
        ],
    }
    try:
        return Scenario.from_dict(data)
    except ScenarioError as exc:
        raise exc.located(file, line) from None
    except ValidationError as exc:
        error = from_validation(exc, data, lambda _: line, file, list_others=False)
        column = _column(error.path, list(issue.positions))
        raise ScenarioError(error.message, column, file=file, line=line) from None


def _column(path: tuple[PathPart, ...], codes: list[str]) -> tuple[PathPart, ...]:
    """The DEU column a path of the one-issue scenario stands for (``isnr``, ``pde``, ...)."""
    if path[:1] == ("issues",):
        return ("rp",) if "status_quo" in path else ("isnr",)
    if path[:1] == ("actors",) and len(path) > 1 and isinstance(path[1], int):
        field = path[-1]
        if field in ("position", "salience"):
            return (f"{str(field)[0]}{codes[path[1]]}",)
        return (codes[path[1]],)
    return path or ("isnr",)
