"""Edit a scenario one parameter at a time: paths, values, domains and scales.

A *parameter path* is the dotted form evidence entries use (:mod:`detente.provenance`):
list items are named by id (``actors.russia.capability``,
``actors.russia.stances.territory.position``); the two bounds of an ``accepts`` pair
add ``.0`` (lower) or ``.1`` (upper), e.g.
``agreement.signatories.russia.ratifiers.russian_public.accepts.territory.0``.

Values are in the scenario's own units, as written in its file: saliences on the
file's ``salience_scale`` (0-100 for the default scenario), everything else as stored.
Every edit returns a new, fully validated :class:`~detente.scenario.Scenario`; a bad
path or value raises :class:`~detente.errors.DetenteError` naming the path and what was
expected. :class:`DatedEvaluator` runs the dated model on many edits at once, with common
random numbers. No IO; randomness only from explicit seeds.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, ValidationError

from detente.correlation_edits import fixed_paths, leave_groups
from detente.errors import DetenteError, PathPart, ScenarioError, format_path
from detente.quantity import Range
from detente.scenario import Scenario

if TYPE_CHECKING:
    from detente.uncertainty import DatedModel

__all__ = [
    "DatedEvaluator",
    "ParameterInfo",
    "Value",
    "dated_model",
    "get_parameter",
    "numeric_parameters",
    "parameter_info",
    "ranged_parameters",
    "set_parameter",
    "set_parameters",
    "show_value",
]

Value = float | int | Range | dt.date
"""What a parameter can be set to: a number, a range, or a date (for date parameters)."""

_DATE_FIELDS = {"as_of", "horizon", "term_ends", "date"}
_MAX_ROWS = 8192  # rows per call of the dated model (its arrays grow with rows x steps)
_CAPABILITY_DOMAIN = 4.0  # capabilities range over 0 .. 4 x the strongest actor's


@dataclass(frozen=True)
class ParameterInfo:
    """One number of a scenario, with what a search needs to know about it.

    Attributes
    ----------
    path:
        Dotted path (ids for list items, ``.0``/``.1`` for the bounds of a pair).
    key:
        The same place as attribute names and list indices inside the
        :class:`Scenario` object (the form :mod:`detente.uncertainty` uses).
    value:
        The value as written, in the file's units.
    kind:
        ``capability``, ``position``, ``salience``, ``weight``, ``bound``, ``tolerance``,
        ``status_quo``, ``flexibility`` or ``other`` (the dated model's numbers).
    actor, issue:
        The actor and issue the number belongs to, where there is one.
    unit:
        File value = stored value x ``unit`` (``salience_scale`` for saliences, else 1).
    scale:
        What a change of "1" means: the issue's width for positions and bounds, the
        salience scale, 1 for weights, the strongest actor's capability for capabilities.
    domain:
        The valid or plausible values (file units), always covering the analyst's range.
    """

    path: str
    key: tuple[PathPart, ...]
    value: Range
    kind: str
    actor: str | None
    issue: str | None
    unit: float
    scale: float
    domain: tuple[float, float]

    @property
    def ranged(self) -> bool:
        """True when the analyst gave a range (``low < high``)."""
        return self.value.low < self.value.high

    def relative(self, new: float) -> float:
        """Size of a change from the mode to ``new``, in units of :attr:`scale`."""
        return abs(new - self.value.mode) / self.scale

    def outside(self, new: float) -> float:
        """How far ``new`` lies outside the analyst's range ``[low, high]`` (0 inside)."""
        return max(self.value.low - new, new - self.value.high, 0.0)


# -- enumerating parameters ------------------------------------------------------------


def _segment(item: Any, index: int) -> str:
    for field in ("id", "actor", "date"):
        value = getattr(item, field, None)
        if value is not None and not isinstance(value, Range):
            return str(value)
    return str(index)


def _leaves(
    node: Any, dotted: tuple[str, ...], key: tuple[PathPart, ...]
) -> list[tuple[tuple[str, ...], tuple[PathPart, ...], Range]]:
    if isinstance(node, Range):
        return [(dotted, key, node)]
    out = []
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            out += _leaves(getattr(node, name), (*dotted, name), (*key, name))
    elif isinstance(node, list | tuple):
        for index, item in enumerate(node):
            out += _leaves(item, (*dotted, _segment(item, index)), (*key, index))
    elif isinstance(node, dict):
        for name, item in node.items():
            if isinstance(name, str):
                out += _leaves(item, (*dotted, name), (*key, name))
    return out


def _at(node: Any, key: tuple[PathPart, ...]) -> Any:
    for part in key:
        node = getattr(node, str(part)) if isinstance(node, BaseModel) else node[part]
    return node


def _describe(
    scenario: Scenario, dotted: tuple[str, ...], key: tuple[PathPart, ...], value: Range
) -> ParameterInfo:
    unit, kind = 1.0, "other"
    actor = issue = None
    widths = {i.id: i.scale for i in scenario.issues}
    domain: tuple[float, float] | None = None
    top, last = dotted[0], dotted[-1]
    if top == "actors":
        actor = dotted[1]
        if last == "capability":
            kind = "capability"
            strongest = max((a.capability.mode for a in scenario.actors), default=1.0) or 1.0
            domain = (0.0, _CAPABILITY_DOMAIN * strongest)
        elif len(dotted) == 5 and dotted[2] == "stances":
            issue = dotted[3]
            kind = last
            if last == "salience":
                unit = float(scenario.salience_scale)
                domain = (0.0, unit)
            else:
                domain = widths[issue]
        elif last == "weight":
            kind, domain = "weight", (0.0, 1.0)
    elif top == "issues" and last == "status_quo":
        kind, issue = "status_quo", dotted[1]
        domain = widths[issue]
    elif top == "agreement" and ("accepts" in dotted or "tolerance" in dotted):
        block = "accepts" if "accepts" in dotted else "tolerance"
        at = dotted.index(block)
        actor, issue = dotted[at - 1], dotted[at + 1]
        lo, hi = widths[issue]
        if block == "tolerance":
            kind, domain = "tolerance", (0.0, hi - lo)
        else:
            kind = "bound"
            other = _at(scenario, (*key[:-1], 1 - int(key[-1])))
            domain = (lo, other.mode) if key[-1] == 0 else (other.mode, hi)
    elif top == "agreement" and last == "successor_flexibility":
        kind, actor, domain = "flexibility", dotted[2], (0.0, 2.0)
    elif top == "dynamics":
        kind = last if last in ("drift", "discount_rate") else "other"
        actor = dotted[-2] if "signatories" in dotted else None
        if kind == "discount_rate":
            domain = (0.0, 1.0)
        elif kind == "drift":  # measured by how far it moves a set by the horizon
            reach = 1.0 / max((scenario.horizon - scenario.as_of).days / 365.25, 1e-9)
            domain = (-reach, reach)
    if kind in ("position", "bound", "tolerance", "status_quo") and issue is not None:
        scale = widths[issue][1] - widths[issue][0]
    elif kind == "capability":
        scale = max(a.capability.mode for a in scenario.actors) or 1.0
    elif kind == "salience":
        scale = unit
    elif kind in ("weight", "flexibility", "discount_rate"):
        scale = 1.0
    elif kind == "drift" and domain is not None:
        scale = domain[1]
    else:
        scale = max(value.high - value.low, abs(value.mode), 1.0)
    if domain is None:  # the dated model's numbers: the range widened by a scale each side
        lo = value.low - scale
        domain = (0.0 if value.low >= 0 and lo < 0 else lo, value.high + scale)
    file_value = Range(low=value.low * unit, mode=value.mode * unit, high=value.high * unit)
    domain = (min(domain[0], file_value.low), max(domain[1], file_value.high))
    return ParameterInfo(
        ".".join(dotted), key, file_value, kind, actor, issue, unit, float(scale), domain
    )


def numeric_parameters(scenario: Scenario) -> list[ParameterInfo]:
    """Every number of ``scenario`` (fixed or ranged) with its kind, scale and domain."""
    found = []
    for name in type(scenario).model_fields:
        if name in ("outcome", "evidence", "sources"):
            continue
        found += _leaves(getattr(scenario, name), (name,), (name,))
    return [_describe(scenario, d, k, v) for d, k, v in found]


def ranged_parameters(scenario: Scenario) -> list[ParameterInfo]:
    """Every parameter the analyst gave as a range with ``low < high``, in scenario order."""
    return [p for p in numeric_parameters(scenario) if p.ranged]


def parameter_info(scenario: Scenario, path: str) -> ParameterInfo:
    """The :class:`ParameterInfo` of one numeric parameter (a :class:`DetenteError` if none)."""
    for info in numeric_parameters(scenario):
        if info.path == path:
            return info
    get_parameter(scenario, path)  # raises the precise error for a bad path
    raise DetenteError(f"{path}: not a number of this scenario (dates have no numeric domain)")


# -- reading and writing by path -------------------------------------------------------


def _is_range(node: Any) -> bool:  # as dumped: the law's name only when not triangular
    return isinstance(node, dict) and set(node) - {"dist"} == {"low", "mode", "high"}


def _expected(node: Any) -> str:
    """What a path may name at ``node``, or, where it holds nothing, how to add it."""
    choices = _choices(node)
    if choices != "nothing":
        return f"expected one of {choices}"
    return (
        "it sets nothing in this scenario, and a change can only alter a value the "
        "scenario has: add the value to the scenario file first"
    )


def _choices(node: Any) -> str:
    if isinstance(node, dict):
        names = [str(k) for k, v in node.items() if not isinstance(v, str) or k in _DATE_FIELDS]
    else:
        names = [_item_name(item) for item in node]
    return ", ".join(n for n in names if n) or "nothing"


def _item_name(item: Any) -> str:
    if isinstance(item, dict):
        for field in ("id", "actor", "date"):
            if item.get(field) is not None:
                return str(item[field])
    return ""


def _locate(document: dict[str, Any], path: str) -> tuple[Any, str | int]:
    """The container holding the value at ``path`` and its key there."""
    parts = path.split(".")
    if not path or any(not p for p in parts):
        raise DetenteError(f"{path!r}: a parameter path needs dot-separated names")
    node: Any = document
    for depth, segment in enumerate(parts):
        where = ".".join(parts[:depth]) or "the scenario"
        last = depth == len(parts) - 1
        if isinstance(node, dict) and not _is_range(node):
            if segment not in node:
                raise DetenteError(f"{path}: no {segment!r} in {where}; {_expected(node)}")
            if last:
                return node, segment
            node = node[segment]
        elif (
            isinstance(node, list)
            and node
            and all(isinstance(i, dict) for i in node)
            and not (_is_range(node[0]))
        ):
            match = [item for item in node if _item_name(item) == segment]
            if not match:
                raise DetenteError(f"{path}: no {segment!r} in {where}; {_expected(node)}")
            if last:
                raise DetenteError(f"{path}: names a whole entry; name one of its numbers")
            node = match[0]
        elif isinstance(node, list):
            if segment not in {str(k) for k in range(len(node))}:
                raise DetenteError(
                    f"{path}: {where} is a pair [low, high]; expected .0 (low) or .1 (high), "
                    f"got {segment!r}"
                )
            if last:
                return node, int(segment)
            node = node[int(segment)]
        else:
            raise DetenteError(f"{path}: {where} is a single value; nothing lies below it")
    raise AssertionError("unreachable")  # pragma: no cover


def _read(container: Any, key: str | int, path: str) -> Range | dt.date:
    current = container[key]
    if isinstance(current, list):
        raise DetenteError(
            f"{path}: is a pair [low, high]; add .0 for the lower bound or .1 for the upper"
        )
    if isinstance(current, bool):
        raise DetenteError(f"{path}: is a yes/no flag, not a number")
    if isinstance(current, int | float):
        return Range(low=current, mode=current, high=current)
    if _is_range(current):
        return Range(**current)
    if isinstance(current, str) and key in _DATE_FIELDS:
        return dt.date.fromisoformat(current)
    if isinstance(current, dict):
        raise DetenteError(
            f"{path}: is a group of parameters; name one of {_choices(current)} below it"
        )
    what = "empty" if current is None else "text"
    raise DetenteError(f"{path}: is {what}, not a number, a range or a date")


def get_parameter(scenario: Scenario, path: str) -> Range | dt.date:
    """The value at ``path`` in the file's units (a fixed number comes back as a Range)."""
    container, key = _locate(scenario.to_dict(), path)
    return _read(container, key, path)


def _encode(path: str, current: Any, key: str | int, value: Value) -> Any:
    is_date_field = isinstance(key, str) and key in _DATE_FIELDS
    if isinstance(value, dt.date):
        if not is_date_field:
            raise DetenteError(f"{path}: expected a number or a range, got the date {value}")
        return value.isoformat()
    if is_date_field:
        raise DetenteError(f"{path}: is a date; expected YYYY-MM-DD, got {value!r}")
    if isinstance(value, Range):
        if value.is_fixed:
            return value.mode
        return value.model_dump()
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DetenteError(f"{path}: expected a number or a range, got {value!r}")
    if not math.isfinite(value):
        raise DetenteError(f"{path}: expected a finite number, got {value!r}")
    if current is None and key != "status_quo":
        raise DetenteError(f"{path}: is not set in this scenario and cannot be added by path")
    return float(value)


def set_parameters(scenario: Scenario, changes: Mapping[str, Value]) -> Scenario:
    """A new validated scenario with every ``path: value`` of ``changes`` applied.

    A correlated range set to a number leaves its groups (:mod:`detente.correlation_edits`).

    Raises
    ------
    DetenteError
        When a path names no parameter (the message lists what exists there), a value
        has the wrong type, or the edited scenario is invalid (the message names the
        paths set and what the scenario's rules expect).
    """
    if not changes:
        return scenario
    document = scenario.to_dict()
    for path, value in changes.items():
        container, key = _locate(document, path)
        if container[key] is not None:
            _read(container, key, path)  # refuses groups, pairs and text with a clear message
        container[key] = _encode(path, container[key], key, value)
    leave_groups(scenario, document, fixed_paths(changes))
    try:
        return Scenario.from_dict(document)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = format_path([p for p in error["loc"] if isinstance(p, str | int)])
        message = str(error["msg"]).removeprefix("Value error, ")
        raise DetenteError(f"{_listing(changes)}: invalid value ({where}: {message})") from None
    except ScenarioError as exc:
        where = format_path(exc.path)
        raise DetenteError(
            f"{_listing(changes)}: invalid value ({where + ': ' if where else ''}{exc.message})"
        ) from None


def _listing(changes: Mapping[str, Value]) -> str:
    return ", ".join(f"{p}={show_value(v)}" for p, v in changes.items())


def show_value(value: Value) -> str:
    """A value as a person writes it: ``50``, ``50 (40–60)`` or ``2024-05-07``."""
    if isinstance(value, Range):
        return value.describe()
    return value.isoformat() if isinstance(value, dt.date) else f"{value:g}"


def set_parameter(scenario: Scenario, path: str, value: Value) -> Scenario:
    """A new validated scenario with the parameter at ``path`` set to ``value``.

    Parameters
    ----------
    scenario:
        The scenario to edit (it is not changed: scenarios are frozen).
    path:
        A parameter path such as ``actors.russia.capability`` or
        ``agreement.signatories.russia.ratifiers.russian_public.accepts.territory.0``.
    value:
        A number (the parameter becomes fixed at it), a :class:`~detente.quantity.Range`,
        or a date for date parameters (``as_of``, ``horizon``, ``...leader.term_ends``).
        Saliences are on the file's ``salience_scale``.
    """
    return set_parameters(scenario, {path: value})


# -- the dated model's answer for many edits at once --------------------------------


def dated_model(scenario: Scenario) -> DatedModel | None:
    """The registered dated model (batch ``forecast_draws``) if any applies to ``scenario``."""
    if scenario.agreement is None:
        return None
    from detente.models import available_models, get_model
    from detente.uncertainty import DatedModel

    for name in available_models():
        model = get_model(name)
        if isinstance(model, DatedModel):
            return model
    return None


class DatedEvaluator:
    """P(agreement by the horizon) of the dated model for many parameter settings at once.

    A setting maps parameter paths to values (file units). Every setting is evaluated
    on the same rows (common random numbers, seeded from ``seed``): ``runs`` joint draws
    of every range when ``runs > 0``, else the modes, repeated over ``shock_paths``
    shock paths (default: the model's ``shock_samples``) when the scenario has shocks.
    With seed 0 and the default paths, a setting ``{}`` gives exactly the P(agreement by
    the horizon) of the model's own ``forecast``.
    """

    def __init__(
        self, scenario: Scenario, *, runs: int = 0, seed: int = 0, shock_paths: int | None = None
    ) -> None:
        from detente.uncertainty import ScenarioSampler

        model = dated_model(scenario)
        if model is None:
            raise DetenteError("no dated model applies (it needs an agreement with signatories)")
        self.model, self.scenario = model, scenario
        self.params = {p.path: p for p in numeric_parameters(scenario)}
        self._columns = {p.key: k for k, p in enumerate(self.params.values())}
        modes = np.array([p.value.mode / p.unit for p in self.params.values()])
        shocks = scenario.dynamics is not None and bool(scenario.dynamics.shocks)
        param_seed, self._process_seed = np.random.SeedSequence(seed).spawn(2)
        if runs > 0:
            sampler = ScenarioSampler(scenario)
            draws = sampler.sample(np.random.default_rng(param_seed), runs)
            self._base = np.tile(modes, (runs, 1))
            for key in sampler.uncertain:
                self._base[:, self._columns[key]] = draws.get(key)
        else:
            n = (shock_paths or int(getattr(model, "shock_samples", 200))) if shocks else 1
            self._base = np.tile(modes, (n, 1))
            self._process_seed = np.random.SeedSequence(seed)
        self.rows = int(self._base.shape[0])

    def matrix(self, setting: Mapping[str, float]) -> np.ndarray:
        """The rows of one setting (stored units)."""
        out = self._base.copy()
        for path, value in setting.items():
            info = self.params.get(path)
            if info is None:
                raise DetenteError(f"{path}: not a number of this scenario")
            out[:, self._columns[info.key]] = value / info.unit
        return out

    def __call__(self, settings: Sequence[Mapping[str, float]]) -> np.ndarray:
        """Mean P(agreement by the horizon) of each setting."""
        from detente.uncertainty import Draws

        out = np.empty(len(settings))
        per_call = max(1, _MAX_ROWS // self.rows)
        for start in range(0, len(settings), per_call):
            chunk = settings[start : start + per_call]
            parts, processes = [], []
            for setting in chunk:
                draws = Draws(self._columns, self.matrix(setting), {})
                rng = np.random.default_rng(self._process_seed)
                processes.append(self.model.sample_process(self.scenario, draws, rng))
                parts.append(draws)
            result = self.model.forecast_draws(
                self.scenario, Draws.concat(parts), np.concatenate(processes)
            )
            final = result.by[:, -1].reshape(len(chunk), self.rows)
            out[start : start + len(chunk)] = final.mean(axis=1)
        return out
