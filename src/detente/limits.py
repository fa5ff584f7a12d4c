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
  3,000 actors with 10 issues is about 200,000 values in 1.5 MB;
* :data:`MAX_HAZARD` = 365.25 events a year (one a day on average) bounds the rate of
  every Poisson process of the dated model (a leader's ``exit_hazard``, a shock's
  ``hazard``). Scenario dates are whole days and the finest time step is a month, at
  which a change of leader takes effect; at one event a day a month already holds
  about 30, so a faster process adds nothing the model can show (every step has a new
  leader; a shock stream is a steady drift with a relative spread under 1/sqrt(30) a
  month). The default exit hazards are 0.03-0.15 a year;
* :data:`MAX_EVENT_CELLS` and :data:`MAX_GRID_CELLS` bound what the dated model holds
  for a batch of draws, whatever the hazards and the horizon: events x draws of one
  Poisson stream (``2**24``, 128 MiB of float64 per array: at the limit hazard and the
  1,000 paths of a forecast at the modes, about 45 years of events), and the
  ``(draws, steps)`` lanes of its paths and acceptable sets together (``2**27``, 1 GiB:
  e.g. 1,024 draws of a task over 10 years of monthly steps leave room for about 1,000
  lanes: two signatories with a ratifier each on 60 issues). Both are checked before
  anything is allocated (:func:`check_cells`), and the error says what to shorten.

This module is pure (no IO); :class:`~detente.errors.ScenarioError` carries the path of
the offending value so that the readers in :mod:`detente.io` add file and line.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from detente.errors import ModelError, PathPart, ScenarioError

if TYPE_CHECKING:
    from pydantic import AfterValidator, ValidationInfo

    from detente.quantity import Range
    from detente.scenario import Scenario

__all__ = [
    "MAX_ACTORS",
    "MAX_DEPTH",
    "MAX_EVENT_CELLS",
    "MAX_FILE_BYTES",
    "MAX_GRID_CELLS",
    "MAX_HAZARD",
    "MAX_ISSUES",
    "MAX_MAGNITUDE",
    "MAX_RUNS",
    "MAX_VALUES",
    "check_cells",
    "check_document",
    "check_number",
    "check_weights",
    "hazard_rate",
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

MAX_HAZARD = 365.25
"""Largest rate of a Poisson process of the dated model (``exit_hazard``, a shock's
``hazard``), in events per year: one a day on average."""
MAX_EVENT_CELLS = 2**24
"""Most events x draws the dated model samples for one Poisson stream at once."""
MAX_GRID_CELLS = 2**27
"""Most cells (signatories x issues x draws x steps, all sets) of the dated model's arrays."""

_HINT = "see 'Limits' in docs/scenario-format.md"


def hazard_rate(unit: str) -> AfterValidator:
    """A validator for ``Annotated[Quantity, hazard_rate("exits per year")]``: 0..MAX_HAZARD.

    The message names the field, the unit and the limit: ``"exit_hazard must lie in
    0..365.25 exits per year (at most one a day on average), got 1e+09"``. The validator
    raises ``ValueError``, which pydantic reports as a validation error of the field
    (and the readers place at its file and line). pydantic is imported here, not at the
    top, so that the command line's help (which reads :data:`MAX_RUNS`) stays light.
    """
    from pydantic import AfterValidator

    def check(value: Range, info: ValidationInfo) -> Range:
        if value.low < 0 or value.high > MAX_HAZARD:
            raise ValueError(
                f"{info.field_name} must lie in 0..{MAX_HAZARD:g} {unit} (at most one a day "
                f"on average), got {value.describe()} ({_HINT})"
            )
        return value

    return AfterValidator(check)


def check_cells(cells: int, limit: int, what: str, advice: str) -> None:
    """Raise :class:`ModelError` when an array of ``cells`` float64 values would pass ``limit``.

    Called before the allocation, so the error costs nothing. ``what`` says what the
    array holds (with its dimensions), ``advice`` what the analyst can change.
    """
    if cells > limit:
        raise ModelError(
            f"the dated model would hold {what} = {cells:,} values "
            f"({cells * 8 / 2**30:.1f} GiB), more than its limit of {limit:,} "
            f"({limit * 8 / 2**20:,.0f} MiB); {advice} ({_HINT})"
        )


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
