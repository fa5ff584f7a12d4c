"""What every table and XML importer shares: numbers, ids, salience shares, validation.

Importers build a plain ``detente/1`` mapping and validate it here, so every error
names the file, the line (where the format has lines) and the field, and so two
importers never disagree on what an id or a missing value is.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from detente.errors import PathPart, ScenarioError
from detente.scenario import Scenario

__all__ = [
    "MISSING",
    "IdMaker",
    "base_document",
    "is_missing",
    "number",
    "shares_note",
    "shares_to_saliences",
    "slug",
    "strip_bom",
    "validate_document",
]

#: Cells read as "no value" (case-insensitive, after stripping blanks).
MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "-"})


def strip_bom(text: str) -> str:
    """``text`` without a leading UTF-8 byte-order mark (as Excel writes)."""
    return text.removeprefix("\ufeff")


def is_missing(text: str | None) -> bool:
    """True for a blank cell or one of :data:`MISSING` (``NA``, ``n/a``, ...)."""
    return text is None or text.strip().lower() in MISSING


def number(
    text: str | None,
    file: str,
    line: int | None,
    field: str,
    *,
    decimal_comma: bool = False,
) -> float:
    """``text`` as a finite float; else a :class:`ScenarioError` naming file, line, field.

    With ``decimal_comma`` (a ``;``- or tab-separated export from a locale that writes
    ``0,5``) one comma between digits is read as the decimal point.
    """
    raw = (text or "").strip()
    if decimal_comma and re.fullmatch(r"[+-]?\d+,\d+", raw):
        raw = raw.replace(",", ".")
    try:
        value = float(raw)
    except ValueError:
        shown = repr(raw) if raw else "nothing (an empty value)"
        raise ScenarioError(
            f"expected a number, got {shown}", (field,), file=file, line=line
        ) from None
    if not math.isfinite(value):
        raise ScenarioError(
            f"expected a finite number, got {raw!r}", (field,), file=file, line=line
        )
    return value


def slug(text: str) -> str:
    """The id detente gives a name: runs of characters other than letters, digits,
    ``_`` and ``-`` become one ``_`` (``"S. Korea"`` -> ``"S_Korea"``)."""
    return re.sub(r"[^A-Za-z0-9_\-]+", "_", text.strip()).strip("_")


class IdMaker:
    """Ids from names, refusing two different names that normalise to one id.

    ``S. Korea`` and ``S Korea`` both become ``S_Korea``; silently merging them would
    drop a row, so the second is an error naming both places.
    """

    def __init__(self, file: str, what: str) -> None:
        self.file = file
        self.what = what
        self._seen: dict[str, tuple[str, str]] = {}

    def __call__(self, name: str, where: str, line: int | None = None) -> str:
        ident = slug(name)
        if not ident:
            raise ScenarioError(
                f"{self.what} name {name!r} has no letter or digit to make an id from",
                file=self.file,
                line=line,
            )
        if ident in self._seen and self._seen[ident][0] != name.strip():
            first_name, first_where = self._seen[ident]
            raise ScenarioError(
                f"{self.what}s {first_name!r} ({first_where}) and {name.strip()!r} ({where}) "
                f"both become the id {ident!r}; rename one of them",
                file=self.file,
                line=line,
            )
        self._seen.setdefault(ident, (name.strip(), where))
        return ident


def shares_to_saliences(shares: Sequence[float | None]) -> list[float | None]:
    """Per-issue saliences (0-1) from one actor's KTAB attention shares (0-100).

    KTAB (Wise et al., KAPSARC) reads an actor's saliences across dimensions as shares
    of its attention: their total ``S = sum_k s_k / 100`` (at most 1, KTAB rejects
    more) is how much the negotiation as a whole matters to the actor (KTAB's
    ``SMPState::probEduChlg`` multiplies it with capability for the actor's strength
    and uses it in the challenge utility), and the shares weight the dimensions against
    each other in KTAB's salience-weighted distance (``SMPModel::bvDiff``). detente's
    models forecast issue by issue, so each dimension gets

    ``salience_k = S * s_k / max_j s_j``:

    the actor's most salient dimension carries its whole salience for the negotiation,
    the others in proportion to their shares. With one dimension this is ``s / 100``;
    splitting an actor's only dimension into identical dimensions with equal shares
    changes no salience (100 gives 1; 50 and 50 give 1 and 1), as it changes nothing
    in KTAB's weighted distance. ``None`` (no stance) keeps its share in ``S`` and
    stays ``None``.
    """
    given = [s for s in shares if s is not None]
    total = sum(given) / 100.0
    top = max(given, default=0.0)
    if top <= 0:
        return [None if s is None else 0.0 for s in shares]
    return [None if s is None else total * s / top for s in shares]


def shares_note(file: str, dimensions: int) -> str:
    """The note an import of KTAB shares prints once (see :func:`shares_to_saliences`)."""
    return (
        f"{file}: KTAB saliences read as each actor's shares of attention across the "
        f"{dimensions} dimensions; per issue, salience = total share x share / largest share"
    )


def base_document(
    title: str,
    issues: list[dict[str, Any]],
    actors: list[dict[str, Any]],
    salience_scale: int,
    description: str = "",
) -> dict[str, Any]:
    """A ``detente/1`` mapping for an imported table: as of today, horizon a year on."""
    today = dt.date.today()
    try:
        horizon = today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        horizon = today + dt.timedelta(days=365)
    return {
        "schema": "detente/1",
        "title": title,
        "description": description,
        "as_of": today,
        "horizon": horizon,
        "salience_scale": salience_scale,
        "issues": issues,
        "actors": actors,
    }


def validate_document(
    data: dict[str, Any],
    file: str,
    line_of_actor: Sequence[int | None],
    line_of_issue: Sequence[int | None] = (),
) -> Scenario:
    """Validate an imported mapping; an error points at its actor's or issue's line if known.

    The path of an error on an actor's row names the field (``salience``, with the issue
    in the message), not the ``actors[i].stances`` the file never wrote. Like the
    scenario-file reader, it refuses an issue on which every actor has zero weight
    (:func:`detente.limits.check_weights`).
    """
    from detente.io.validation_errors import from_validation
    from detente.limits import check_weights

    def line_of(path: Sequence[PathPart]) -> int | None:
        if len(path) > 1 and isinstance(path[1], int):
            lines = {"actors": line_of_actor, "issues": line_of_issue}.get(str(path[0]), ())
            return lines[path[1]] if path[1] < len(lines) else None
        return None

    try:
        scenario = Scenario.from_dict(data)
        check_weights(scenario)
        return scenario
    except ScenarioError as exc:
        error = exc.located(file, line_of(exc.path))
    except ValidationError as exc:
        error = from_validation(exc, data, line_of, file)
    if error.line is not None and error.path[:1] == ("actors",):  # the column, not actors[i]
        path, message = error.path[2:], error.message
        if len(path) > 2 and path[0] == "stances":
            several = len(data.get("issues", ())) > 1
            path, message = path[2:], (f"issue {path[1]!r}: " if several else "") + message
        error = ScenarioError(message, path, file=file, line=error.line)
    raise error from None
