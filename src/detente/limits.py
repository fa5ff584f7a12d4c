"""Size and magnitude limits of a scenario, checked when it is read.

A scenario is read from files and web requests that may be careless or hostile, and
several models hold actor-by-actor matrices (the expected-utility model's are
``n x n`` float64, 8 n^2 bytes each). These limits keep every accepted scenario within
memory and floating-point range, so that a bad input gets one clear error at
validation, naming the field, instead of an overflow, an ``inf`` in the output or a
``MemoryError`` after minutes of work. They are documented in
``docs/scenario-format.md`` (section "Limits").

The numbers are chosen, not derived from a source:

* :data:`MAX_ACTORS` = 3,000 keeps one ``n x n`` float64 matrix at 72 MB; the
  expected-utility model holds about a dozen (measured: 142 MiB peak at 1,000 actors),
  so about 0.8 GiB at the limit. The largest published data sets this tool reads (DEU,
  KTAB) have well under 100 actors;
* :data:`MAX_MAGNITUDE` = 1e12 leaves room for products of four such numbers
  (capability x salience x squared distance) far below the float64 maximum
  (about 1.8e308), while still admitting money amounts up to a trillion;
* :data:`MAX_FILE_BYTES` and :data:`MAX_VALUES` bound the work of parsing, including the
  expansion of YAML aliases (a "billion laughs" document). PyYAML keeps about 700 bytes
  and takes about 55 microseconds per value while it reads (measured on a file of
  2-byte values), so the worst file stops after about 380 MiB and 30 s; a scenario of
  3,000 actors with 10 issues is about 200,000 values in 1.5 MB.

This module is pure (no IO); :class:`~detente.errors.ScenarioError` carries the path of
the offending value so that the readers in :mod:`detente.io` add file and line.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from detente.errors import PathPart, ScenarioError

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = [
    "MAX_ACTORS",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_ISSUES",
    "MAX_MAGNITUDE",
    "MAX_RUNS",
    "MAX_VALUES",
    "check_document",
    "check_number",
    "check_weights",
]

MAX_FILE_BYTES = 2 * 1024 * 1024
"""Largest scenario file or table read, in bytes (2 MiB)."""
MAX_VALUES = 500_000
"""Most values (mappings, lists and scalars, after expanding YAML aliases) in a document."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and lists in a document (a scenario needs fewer than 10)."""
MAX_ACTORS = 3_000
"""Most actors in a scenario (rows of an actor table)."""
MAX_ISSUES = 500
"""Most issues in a scenario."""
MAX_MAGNITUDE = 1e12
"""Largest absolute value of any number in a scenario; every number must also be finite."""
MAX_RUNS = 10_000_000
"""Most Monte Carlo draws one command or call takes. Draws run in seed blocks of 1,024
(one ``SeedSequence`` child each), so the limit keeps the seed tree to about 10,000
children; at the measured 0.4 ms a draw of the expected-utility model it is about an
hour of work, where 10^12 draws asked the seed tree for more memory than the machine
had (a ``MemoryError`` after five minutes)."""

_HINT = "see 'Limits' in docs/scenario-format.md"


def check_number(value: float, path: tuple[PathPart, ...] = ()) -> None:
    """Raise :class:`ScenarioError` unless ``value`` is finite and within :data:`MAX_MAGNITUDE`."""
    if isinstance(value, int) and abs(value) > MAX_MAGNITUDE:
        shown = (
            f"{value:.3e}"
            if abs(value) < 2**1023
            else f"an integer of {len(str(abs(value)))} digits"
        )
        raise ScenarioError(
            f"{shown} is out of range; numbers must lie within ±{MAX_MAGNITUDE:g} ({_HINT})",
            path,
        )
    if not math.isfinite(value):
        raise ScenarioError(
            f"expected a finite number, got {value!r}; numbers must lie within "
            f"±{MAX_MAGNITUDE:g} ({_HINT})",
            path,
        )
    if abs(value) > MAX_MAGNITUDE:
        raise ScenarioError(
            f"{value:g} is out of range; numbers must lie within ±{MAX_MAGNITUDE:g} "
            f"(rescale the quantity, e.g. to millions; {_HINT})",
            path,
        )


def check_document(data: Any) -> None:
    """Check a plain document (as read from YAML/JSON/a table) against the limits.

    Checks the counts of ``actors`` and ``issues`` and that every number anywhere in the
    document is finite and within :data:`MAX_MAGNITUDE`. Runs before the document is
    validated field by field, so an oversized scenario is refused before any work
    scales with its size.

    Raises
    ------
    ScenarioError
        With the path of the first value over a limit (for a count, the first item
        past it, so the reader can name its line).
    """
    if not isinstance(data, dict):
        return
    for key, limit, advice in (
        ("actors", MAX_ACTORS, "merge minor actors into blocs"),
        ("issues", MAX_ISSUES, "split the scenario"),
    ):
        items = data.get(key)
        if isinstance(items, list) and len(items) > limit:
            raise ScenarioError(
                f"{len(items)} {key}, more than the limit of {limit}; {advice} ({_HINT})",
                (key, limit),
            )
    _check_numbers(data, ())


def _check_numbers(value: Any, path: tuple[PathPart, ...]) -> None:
    """Check every number under ``value``; the path is worked out only for a bad one."""
    if not _all_in_range(value):
        _locate_bad_number(value, path)


def _all_in_range(value: Any) -> bool:
    # iterative, so a deep document cannot exhaust the stack; the parser bounds the
    # number of values, so this walk is bounded too. ``abs(nan) <= x`` is False.
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, int | float) and not abs(item) <= MAX_MAGNITUDE:
            return False  # a bool is an int within range; abs(nan) <= x is False
    return True


def _locate_bad_number(value: Any, path: tuple[PathPart, ...]) -> None:
    stack: list[tuple[Any, tuple[PathPart, ...]]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, dict):
            stack.extend(
                (v, (*where, k if isinstance(k, str | int) else str(k)))
                for k, v in reversed(item.items())
            )
        elif isinstance(item, list | tuple):
            stack.extend((v, (*where, i)) for i, v in reversed(list(enumerate(item))))
        elif isinstance(item, int | float) and not isinstance(item, bool):
            check_number(item, where)


def check_weights(scenario: Scenario) -> None:
    """Refuse an issue on which no actor has any weight (capability x salience).

    Every model weighs actors by capability times salience (e.g. the weighted median
    of Black 1948 and the expected-utility model of Bueno de Mesquita 1994); with all
    weights zero there is nothing to weigh and the forecast is undefined.

    The readers of files an analyst writes (scenario files, actor tables) apply it;
    :meth:`Scenario.from_dict` does not, because published data sets hold such issues
    (DEU issues with no salience recorded), which the DEU backtest counts as a model
    failure rather than refusing the whole file.

    Raises
    ------
    ScenarioError
        Naming the capability of the first actor on the issue, with what to change.
    """
    for issue in scenario.issues:
        taking = [
            (index, actor)
            for index, actor in enumerate(scenario.actors)
            if issue.id in actor.stances
        ]
        if not taking:
            continue
        if any(a.capability.mode * a.stances[issue.id].salience.mode > 0 for _, a in taking):
            continue
        index, _ = taking[0]
        raise ScenarioError(
            f"on issue {issue.id!r} every actor's weight (capability x salience) is 0; "
            "give at least one actor with a stance on it a capability and a salience above 0",
            ("actors", index, "capability"),
        )
