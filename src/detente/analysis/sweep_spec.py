"""Read a sweep specification (``detente sweep SPEC.yaml``) into sweep points.

The format (YAML or JSON)::

    scenarios: [russia_japan_2018, my_case.yaml]  # embedded names or files (relative
                                                  # to the spec's folder)
    seed: 0                 # root seed (default 0)
    runs: 256               # Monte Carlo draws per point (0: the static models once)
    static_runs: 50         # draws for the models without a vectorised path (default 50)
    models: [deadline-bargaining, compromise]     # default: every model that applies
    common_random_numbers: false                  # the same draws at every point
    grid:                   # every combination (the last parameter varies fastest)
      russia.capability: [0.3, 0.5, 0.7]
      japanese_diet.accepts.territory.0: [40, "30:40:50"]
    # or, instead of grid:
    sample:                 # points between the bounds
      points: 20
      design: random        # independent uniform draws, or latin-hypercube
      parameters:
        russia.capability: [0.2, 0.8]

A ``random`` design draws every coordinate independently and uniformly between its
bounds; a ``latin-hypercube`` design (McKay, Beckman & Conover 1979, *Technometrics*
21(2): 239-245; ``scipy.stats.qmc.LatinHypercube``) cuts each parameter's interval into
``points`` equal strata and puts exactly one point in each, so that every parameter's
range is covered evenly even with few points. Both are seeded from the sweep's
``seed`` (the generator of ``SeedSequence(seed)``).

Parameter paths and values are those of ``whatif --set`` (short or full paths; a
number, a range ``LOW:MODE:HIGH`` or a date). Every problem is one
:class:`~detente.errors.ScenarioError` naming the spec file, the line and the field.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.errors import DetenteError, PathPart, ScenarioError

if TYPE_CHECKING:
    from detente.analysis.sweep import SweepPoint
    from detente.io.yaml_reader import LineMap
    from detente.scenario_edits import Value

__all__ = ["DESIGNS", "SweepSpec", "read_spec"]

DESIGNS = ("random", "latin-hypercube")
"""The designs of ``sample``: independent uniform draws, or a Latin hypercube."""
_SAMPLE = {"points", "parameters", "design"}

_KEYS = {"scenarios", "seed", "runs", "static_runs", "models", "common_random_numbers",
         "grid", "sample"}  # fmt: skip


class SweepSpec:
    """A parsed spec: the points to run, the Monte Carlo settings, and the spec itself."""

    def __init__(
        self,
        document: dict[str, Any],
        points: list[SweepPoint],
        settings: dict[str, Any],
        path: str = "<spec>",
    ) -> None:
        self.path = path
        self.notes: list[str] = []
        """What reading the scenarios inferred, kept or skipped (one sentence each)."""
        self.document = document
        self.points = points
        self.columns: list[str] = settings["columns"]
        self.seed: int = settings["seed"]
        self.runs: int = settings["runs"]
        self.static_runs: int = settings["static_runs"]
        self.models: list[str] | None = settings["models"]
        self.common_random_numbers: bool = settings["common_random_numbers"]


class _Reader:
    def __init__(self, file: str, lines: LineMap) -> None:
        self.file, self.lines = file, lines

    def fail(self, path: tuple[PathPart, ...], message: str) -> ScenarioError:
        return ScenarioError(message, path, file=self.file, line=self.lines.line_of(path))

    def integer(self, data: dict[str, Any], key: str, default: int, least: int) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise self.fail((key,), f"expected an integer >= {least}, got {value!r}")
        return value

    def names(self, data: dict[str, Any], key: str) -> list[str]:
        value = data.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise self.fail((key,), f"expected a list of names, got {value!r}")
        return value


def read_spec(path: str) -> SweepSpec:
    """Read and check ``path``: scenarios, parameter paths and values, all before any work.

    Raises
    ------
    ScenarioError
        With the spec's file and line: unknown keys, wrong types, a scenario that does
        not load, a path that names no parameter, a value that is not a number, range
        or date.
    """
    from detente.io.scenario_file import read_text
    from detente.io.yaml_reader import parse_document

    data, lines = parse_document(read_text(path), path)
    reader = _Reader(path, lines)
    if not isinstance(data, dict):
        raise reader.fail((), "expected a mapping with scenarios and a grid or a sample")
    for key in data:
        if key not in _KEYS:
            raise reader.fail((key,), f"unknown key; expected one of {', '.join(sorted(_KEYS))}")
    if ("grid" in data) == ("sample" in data):
        raise reader.fail((), "expected exactly one of 'grid' (every combination) or 'sample'")
    settings = {
        "seed": reader.integer(data, "seed", 0, 0),
        "runs": reader.integer(data, "runs", 200, 0),
        "static_runs": reader.integer(data, "static_runs", 50, 0),
        "models": reader.names(data, "models") if "models" in data else None,
        "common_random_numbers": data.get("common_random_numbers", False),
    }
    if not isinstance(settings["common_random_numbers"], bool):
        raise reader.fail(("common_random_numbers",), "expected true or false")
    notes: list[str] = []
    scenarios = _scenarios(reader, reader.names(data, "scenarios"), Path(path).parent, notes)
    if "grid" in data:
        columns, settings_list = _grid(reader, data["grid"])
    else:
        columns, settings_list = _sample(reader, data["sample"], settings["seed"])
    settings["columns"] = columns
    key = ("grid",) if "grid" in data else ("sample", "parameters")
    points = [
        _point(reader, name, scenario, key, columns, values)
        for name, scenario in scenarios
        for values in settings_list
    ]
    spec = SweepSpec(json.loads(json.dumps(data, default=str)), points, settings, path)
    spec.notes = notes
    return spec


def _scenarios(
    reader: _Reader, names: list[str], folder: Path, notes: list[str]
) -> list[tuple[str, Any]]:
    from detente.io.scenario_names import read_scenario

    out = []
    for i, name in enumerate(names):
        candidate = folder / name
        try:
            loaded, read_notes = read_scenario(str(candidate) if candidate.exists() else name)
            out.append((name, loaded))
            notes.extend(read_notes)
        except DetenteError as exc:
            raise reader.fail(("scenarios", i), f"{name}: {exc}") from None
    return out


def _grid(reader: _Reader, grid: Any) -> tuple[list[str], list[list[Value]]]:
    if not isinstance(grid, dict) or not grid:
        raise reader.fail(("grid",), "expected a mapping of parameter paths to lists of values")
    columns, axes = [], []
    for column, values in grid.items():
        if not isinstance(values, list) or not values:
            raise reader.fail(("grid", column), "expected a non-empty list of values")
        columns.append(str(column))
        axes.append([_value(reader, ("grid", column, i), v) for i, v in enumerate(values)])
    return columns, [list(combo) for combo in itertools.product(*axes)]


def _sample(reader: _Reader, sample: Any, seed: int) -> tuple[list[str], list[list[Value]]]:
    import numpy as np

    if not isinstance(sample, dict) or not {"points", "parameters"} <= set(sample) <= _SAMPLE:
        raise reader.fail(
            ("sample",), "expected a mapping with 'points', 'parameters' and optionally 'design'"
        )
    design_name = sample.get("design", "random")
    if design_name not in DESIGNS:
        raise reader.fail(
            ("sample", "design"), f"expected one of {', '.join(DESIGNS)}, got {design_name!r}"
        )
    points = reader.integer(sample, "points", 0, 1)
    parameters = sample["parameters"]
    if not isinstance(parameters, dict) or not parameters:
        raise reader.fail(("sample", "parameters"), "expected a mapping of paths to [low, high]")
    columns, bounds = [], []
    for column, pair in parameters.items():
        where = ("sample", "parameters", column)
        ok = isinstance(pair, list) and len(pair) == 2
        if not ok or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in pair):
            raise reader.fail(where, f"expected [low, high] numbers, got {pair!r}")
        if not pair[0] < pair[1]:
            raise reader.fail(where, f"expected low < high, got {pair!r}")
        columns.append(str(column))
        bounds.append((float(pair[0]), float(pair[1])))
    # the design's own stream: SeedSequence(seed) itself; the tasks use its spawned children
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    if design_name == "latin-hypercube":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(len(bounds), rng=rng).random(points)
    else:
        unit = rng.random((points, len(bounds)))
    low = np.array([b[0] for b in bounds])
    high = np.array([b[1] for b in bounds])
    design = low + unit * (high - low)
    return columns, [[float(v) for v in row] for row in design]


def _value(reader: _Reader, where: tuple[PathPart, ...], value: Any) -> Value:
    from detente.scenario_paths import parse_value

    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return parse_value(value)
        except DetenteError as exc:
            raise reader.fail(where, str(exc)) from None
    raise reader.fail(where, f"expected a number, a range LOW:MODE:HIGH or a date, got {value!r}")


def _point(
    reader: _Reader,
    name: str,
    scenario: Any,
    key: tuple[str, ...],
    columns: list[str],
    values: list[Value],
) -> SweepPoint:
    from detente.analysis.sweep import SweepPoint
    from detente.scenario_edits import get_parameter
    from detente.scenario_paths import expand_path

    changes: dict[str, Value] = {}
    labels: dict[str, str] = {}
    for column, value in zip(columns, values, strict=True):
        try:
            full = expand_path(scenario, column)
            get_parameter(scenario, full)
        except DetenteError as exc:
            raise reader.fail((*key, column), f"in {name}: {exc}") from None
        if full in changes:
            raise reader.fail((*key, column), f"{full} is set twice")
        changes[full] = value
        labels[full] = column
    return SweepPoint(name, scenario, changes, labels)
