"""What the web API computes, free of any web framework: scenarios in, JSON-ready dicts out.

Every function here takes plain values and returns JSON-ready data (no NaN or infinity:
they become ``null``), so :mod:`detente.web.api` only maps HTTP to these calls. Errors
in the user's input are :class:`~detente.errors.DetenteError`; a Monte Carlo run that
overruns its time budget raises :class:`BudgetExceededError`. The ``*_job`` functions
are what :mod:`detente.web.api` runs in a worker process (:mod:`detente.web.jobs`):
plain, picklable arguments in, a JSON-ready dict out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

from detente.errors import DetenteError
from detente.scenario import Scenario
from detente.web.jobs import BudgetExceededError

__all__ = [
    "BudgetExceededError",
    "ForecastCache",
    "draft_job",
    "forecast_job",
    "forecast_payload",
    "load_source",
    "parameters",
    "scenario_payload",
    "validate_job",
    "whatif_job",
    "whatif_payload",
]


def clean(value: Any) -> Any:
    """``value`` with every non-finite float replaced by ``None`` (strict JSON)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def clean_dict(value: dict[str, Any]) -> dict[str, Any]:
    """:func:`clean` for a mapping, typed as one."""
    out: dict[str, Any] = clean(value)
    return out


def load_source(
    *,
    embedded: str | None,
    text: str | None,
    document: Mapping[str, Any] | None,
    filename: str | None,
) -> Scenario:
    """The scenario named by exactly one of ``embedded``, ``text`` or ``document``.

    Text and documents go through :func:`detente.io.parse_scenario` (safe YAML), so an
    invalid one raises the same ``file:line: field: message`` error as the command line.
    """
    from detente.scenarios import embedded_names, load_embedded

    given = [x for x in (embedded, text, document) if x is not None]
    if len(given) != 1:
        raise DetenteError(
            "give exactly one of 'embedded' (a scenario name), 'text' (YAML or JSON) or "
            f"'document' (a JSON object); got {len(given)}"
        )
    if embedded is not None:
        if embedded not in embedded_names():
            raise DetenteError(
                f"no embedded scenario named {embedded!r}; available: {', '.join(embedded_names())}"
            )
        return load_embedded(embedded)
    name = safe_name(filename)
    if text is None:
        text = _as_yaml(document)
    return parse_text(text, name)


def parse_text(text: str, name: str) -> Scenario:
    """:func:`detente.io.parse_scenario`, with a nesting too deep to read as a clear error."""
    from detente.errors import ScenarioError
    from detente.io import parse_scenario

    try:
        return parse_scenario(text, name)
    except RecursionError:
        raise ScenarioError("the document is nested too deeply to read", file=name) from None


def _as_yaml(document: Any) -> str:
    """A JSON object as YAML text the scenario reader reads back number for number.

    ``json.dumps`` writes ``1e-05``, which YAML 1.1 (PyYAML) reads as text; PyYAML's own
    writer always puts a dot in a float's mantissa.
    """
    import yaml

    class Plain(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    text: str = yaml.dump(document, Dumper=Plain, sort_keys=False, allow_unicode=True)
    return text


def safe_name(filename: str | None) -> str:
    """A file name for messages only (never opened): its last part, printable, short."""
    if not filename:
        return "<upload>"
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    shown = "".join(c for c in base if c.isprintable())[:80]
    return shown or "<upload>"


# -- describing a scenario -------------------------------------------------------------


def parameters(scenario: Scenario) -> list[dict[str, Any]]:
    """The numbers a what-if may change, with their domain (for sliders), and leader dates."""
    from detente.scenario_edits import numeric_parameters

    out: list[dict[str, Any]] = []
    for info in numeric_parameters(scenario):
        if info.kind not in ("capability", "position", "salience", "bound", "tolerance"):
            continue
        lo, hi = info.domain
        out.append(
            {
                "path": info.path,
                "kind": info.kind,
                "actor": info.actor,
                "issue": info.issue,
                "value": {"low": info.value.low, "mode": info.value.mode, "high": info.value.high},
                "domain": [lo, hi],
                # a slider sends a number, which takes the range out of these groups
                "correlated": [g.id for g in scenario.correlation if info.path in g.ranges],
            }
        )
    if scenario.agreement is not None:
        last = max(scenario.horizon, scenario.as_of + dt.timedelta(days=366))
        for signatory in scenario.agreement.signatories:
            leader = signatory.leader
            if leader is not None and leader.term_ends is not None:
                out.append(
                    {
                        "path": f"agreement.signatories.{signatory.actor}.leader.term_ends",
                        "kind": "term_ends",
                        "actor": signatory.actor,
                        "issue": None,
                        "value": leader.term_ends.isoformat(),
                        "domain": [scenario.as_of.isoformat(), last.isoformat()],
                    }
                )
    return out


def scenario_payload(scenario: Scenario, *, name: str | None = None) -> dict[str, Any]:
    """A scenario for the page: its document, its sliders and a one-line summary."""
    from detente.provenance import untraced

    return clean_dict(
        {
            "name": name,
            "title": scenario.title,
            "summary": {
                "actors": len(scenario.actors),
                "issues": len(scenario.issues),
                "untraced_parameters": len(untraced(scenario)),
                "has_agreement": scenario.agreement is not None,
            },
            "scenario": scenario.to_dict(),
            "parameters": parameters(scenario),
        }
    )


# -- forecasts -------------------------------------------------------------------------


def _dated_models(scenario: Scenario) -> list[str]:
    from detente.scenario_edits import dated_model

    model = dated_model(scenario)
    return [] if model is None else [model.name]


def monte_carlo(scenario: Scenario, *, runs: int, seed: int, budget: float) -> dict[str, Any]:
    """P(agreement by date) over ``runs`` draws; :class:`BudgetExceededError` past ``budget`` s."""
    from detente.api.verbs import monte_carlo as draw
    from detente.uncertainty import SEED_BLOCK

    models = _dated_models(scenario)
    deadline = time.monotonic() + budget

    def check(done: int) -> None:
        if time.monotonic() > deadline:
            raise BudgetExceededError(
                f"the Monte Carlo run passed its time budget of {budget:g} s after {done} of "
                f"{runs} draws; ask for fewer runs"
            )

    result = draw(
        scenario,
        runs=runs,
        seed=seed,
        models=models,
        block_size=2 * SEED_BLOCK,
        progress=check,
    )
    return result.to_dict()


def _verdict(
    scenario: Scenario, forecasts: Sequence[Any], document: dict[str, Any]
) -> dict[str, Any] | None:
    """The two-level verdict now (from the forecast document) and the dated model's outlook."""
    now = document.get("agreement")
    if now is None:
        return None
    from detente.models.two_level import MODEL as TWO_LEVEL

    head, *lines = now["explanation"].splitlines()
    outlook = []
    for forecast in forecasts:
        agreement = forecast.agreement
        if agreement is None or forecast.model == TWO_LEVEL.name:
            continue
        for issue_id, zone in agreement.issues.items():
            if "zone_if_leaders_concede" not in zone:
                continue
            name = scenario.issue(issue_id).name
            inside = zone["zone_if_leaders_concede"]
            if inside is None:
                outlook.append(
                    f"{name}: the ratifiers leave a gap of {zone['gap_if_leaders_concede']:g} "
                    "points that no leader's concession can close."
                )
            else:
                outlook.append(
                    f"{name}: if the leaders conceded, the ratifiers would accept "
                    f"{inside[0]:g}–{inside[1]:g}."
                )
    return {"possible": now["possible"], "headline": head, "lines": lines, "outlook": outlook}


def _positions(scenario: Scenario) -> dict[str, list[dict[str, Any]]]:
    """Per issue, every actor's position (mode and range) and weight (capability x salience)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for issue in scenario.issues:
        rows = []
        for actor in scenario.actors:
            stance = actor.stances.get(issue.id)
            if stance is None:
                continue
            rows.append(
                {
                    "actor": actor.id,
                    "name": actor.name,
                    "position": stance.position.mode,
                    "low": stance.position.low,
                    "high": stance.position.high,
                    "weight": actor.capability.mode * stance.salience.mode,
                }
            )
        out[issue.id] = rows
    return out


def forecast_payload(scenario: Scenario, *, runs: int, seed: int, budget: float) -> dict[str, Any]:
    """Every model's forecast, the verdict, and (``runs > 0``) the P(agreement) curve."""
    from detente.api.verbs import forecast

    point = forecast(scenario, rng=seed)
    forecasts, document = point.forecasts, point.document
    for issue in document["issues"]:
        for entry in issue["forecasts"]:
            entry.pop("rounds", None)  # long; `detente forecast --rounds` shows them
    notes = []
    curve = None
    if scenario.agreement is None:
        notes.append("No agreement block: nothing to be signed, so no P(agreement) curve.")
    elif runs == 0:
        notes.append("Monte Carlo off (runs = 0): no P(agreement) curve.")
    elif not _dated_models(scenario):
        notes.append("No dated model is installed: no P(agreement) curve.")
    else:
        curve = monte_carlo(scenario, runs=runs, seed=seed, budget=budget)
    return clean_dict(
        {
            "title": scenario.title,
            "as_of": scenario.as_of,
            "horizon": scenario.horizon,
            "positions": _positions(scenario),
            "verdict": _verdict(scenario, forecasts, document),
            "document": document,
            "monte_carlo": curve,
            "whether_and_when": _calibrated(scenario, document, curve),
            "notes": notes,
        }
    )


def _calibrated(
    scenario: Scenario, document: dict[str, Any], curve: dict[str, Any] | None
) -> dict[str, Any] | None:
    """The calibrated whether-and-when (docs/calibration.md) at every point of the curve.

    The block :func:`detente.outside_view.whether_when.calibrated_by_date` gives for
    ``detente forecast --runs``, here at the curve's dates and the scenario's own dates
    together (sorted), so the workbench can draw it as a curve; ``None`` without draws.
    """
    dated = None if curve is None else curve.get("agreement")
    if dated is None:
        return None
    from detente.outside_view.whether_when import calibrated_by_date

    by = {point["date"]: point["mean"] for point in dated["curve"]}
    by.update(dated["by"])
    possible = bool(document.get("agreement", {}).get("possible", False))
    return calibrated_by_date(scenario, dict(sorted(by.items())), possible)


class ForecastCache:
    """The last few forecast payloads by request (the what-if baselines), for one server.

    Kept in the server process (a worker process lives for one job only); keyed by the
    scenario source as sent, the runs and the seed, so a hit costs no parsing.
    """

    def __init__(self, size: int = 16) -> None:
        self._size = size
        self._items: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(source: Mapping[str, Any], runs: int, seed: int) -> str:
        text = json.dumps(source, sort_keys=True, default=str)
        return hashlib.sha256(f"{runs}|{seed}|{text}".encode()).hexdigest()

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: str, payload: dict[str, Any]) -> None:
        with self._lock:
            self._items[key] = payload
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


def _value(path: str, raw: Any) -> Any:
    """A JSON value as an edit value: number, ``{low, mode, high}`` range, or date text."""
    from pydantic import ValidationError

    from detente.quantity import Range

    if isinstance(raw, bool):
        raise DetenteError(f"{path}: expected a number, a range or a date, got {raw!r}")
    if isinstance(raw, int | float):
        return raw
    if isinstance(raw, dict) and set(raw) == {"low", "mode", "high"}:
        parts = [raw[k] for k in ("low", "mode", "high")]
        if all(isinstance(p, int | float) and not isinstance(p, bool) for p in parts):
            try:
                return Range(low=parts[0], mode=parts[1], high=parts[2])
            except ValidationError as exc:
                message = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
                raise DetenteError(f"{path}: {message}") from None
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    raise DetenteError(
        f"{path}: expected a number, a range {{low, mode, high}} or a date YYYY-MM-DD, got {raw!r}"
    )


def whatif_payload(
    scenario: Scenario,
    changes: Sequence[tuple[str, Any]],
    *,
    runs: int,
    seed: int,
    budget: float,
    before: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The forecast before and after ``changes`` (``(path, value)`` pairs, applied in order;
    a path is full or a short form, :func:`detente.scenario_paths.expand_path`).

    ``before`` is the forecast of the unchanged scenario when already known (cached).
    """
    from detente.correlation_edits import correlation_notes
    from detente.scenario_edits import set_parameters
    from detente.scenario_paths import expand_path

    # short forms as the CLI, the Python API and sweep read them (docs/explain.md)
    edits = {expand_path(scenario, path): _value(path, raw) for path, raw in changes}
    edited = set_parameters(scenario, edits)
    started = time.monotonic()
    if before is None:
        before = forecast_payload(scenario, runs=runs, seed=seed, budget=budget)
    left = max(0.5, budget - (time.monotonic() - started))
    after = forecast_payload(edited, runs=runs, seed=seed, budget=left)
    return clean_dict(
        {
            "changes": [{"path": path, "value": raw} for path, raw in changes],
            "correlation": correlation_notes(scenario, edited),
            "before": before,
            "after": after,
        }
    )


# -- jobs (run in a worker process by detente.web.api) ---------------------------------


def draft_job(text: str, filename: str | None, date: dt.date | None) -> dict[str, Any]:
    """A first scenario drafted from a news article (:mod:`detente.drafting`), validated."""
    from detente.drafting import draft_scenario

    name = safe_name(filename)
    drafted = draft_scenario(text, name=name, date=date)
    payload = scenario_payload(parse_text(drafted.yaml, name))
    return {**payload, "text": drafted.yaml, "findings": drafted.findings_table()}


def validate_job(text: str, filename: str | None) -> dict[str, Any]:
    """Validate scenario ``text``; the scenario payload with ``valid: true``."""
    scenario = parse_text(text, safe_name(filename))
    return {"valid": True, **scenario_payload(scenario)}


def _from_source(source: Mapping[str, Any]) -> Scenario:
    return load_source(
        embedded=source.get("embedded"),
        text=source.get("text"),
        document=source.get("document"),
        filename=source.get("filename"),
    )


def forecast_job(source: Mapping[str, Any], runs: int, seed: int, budget: float) -> dict[str, Any]:
    """:func:`forecast_payload` of the scenario named by ``source`` (see :func:`load_source`)."""
    return forecast_payload(_from_source(source), runs=runs, seed=seed, budget=budget)


def whatif_job(
    source: Mapping[str, Any],
    changes: Sequence[tuple[str, Any]],
    runs: int,
    seed: int,
    budget: float,
    before: dict[str, Any] | None,
) -> dict[str, Any]:
    """:func:`whatif_payload` of the scenario named by ``source``."""
    scenario = _from_source(source)
    return whatif_payload(scenario, changes, runs=runs, seed=seed, budget=budget, before=before)
