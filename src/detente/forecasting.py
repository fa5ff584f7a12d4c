"""Run several models on a scenario and gather one result document.

This is the library entry point behind ``detente forecast``: choose models, run them,
judge the agreement with the two-level model when the scenario has signatories, and
return a JSON-ready document (documented in ``docs/json-output.md``) that the report
layer renders as a table, Markdown or JSON.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from detente import __version__
from detente.errors import DetenteError
from detente.model_comparison import model_comparison, outcome_kind
from detente.models import available_models, get_model
from detente.models.base import Forecast, RngLike, as_generator
from detente.scenario import Scenario

__all__ = [
    "add_monte_carlo",
    "forecast_document",
    "model_rng",
    "run_models",
    "select_models",
    "too_many_actors",
    "with_model_options",
]


def with_model_options(
    scenario: Scenario, assignments: Sequence[str] | Mapping[str, Mapping[str, Any]]
) -> Scenario:
    """``scenario`` with model options from the command line (``MODEL.OPTION=VALUE``
    texts) or the Python API (``{model: {option: value}}``).

    They are merged over the scenario's own ``models`` section (the command line wins
    option by option) and checked against each model's declared options, so every
    later step (forecast, Monte Carlo, run store) sees one set of options.
    """
    if not assignments:
        return scenario
    from detente.models import check_model_options, parse_option_assignments

    given = (
        assignments
        if isinstance(assignments, Mapping)
        else parse_option_assignments(
            [assignments] if isinstance(assignments, str) else assignments
        )
    )
    merged = {name: dict(chosen) for name, chosen in scenario.models.items()}
    for name, chosen in given.items():
        merged.setdefault(name, {}).update(chosen)
    return scenario.model_copy(update={"models": check_model_options(merged)})


def select_models(
    scenario: Scenario, models: Sequence[str] | None = None, *, monte_carlo: bool = False
) -> list[str]:
    """The models to run on ``scenario``, in the order given, each once.

    Without ``models``: every registered model that can run on ``scenario``; with
    ``monte_carlo``, less those whose class sets ``monte_carlo_by_default = False``
    (models too slow per game to solve on every draw, such as ``smp``: they run on the
    draws only when named), and less those left out for the scenario's size
    (:func:`too_many_actors`). A named model that is unknown, or that cannot run on the
    scenario (:func:`~detente.models.base.not_applicable`: an agreement or, for the
    procedural model, the EU procedure it lacks), is a :class:`DetenteError`.
    """
    from detente.models.base import not_applicable

    if not models:
        return [
            name
            for name in available_models()
            if not_applicable(get_model(name), scenario) is None
            and not (monte_carlo and not getattr(get_model(name), "monte_carlo_by_default", True))
            and name not in too_many_actors(scenario)
        ]
    names = list(dict.fromkeys(models))
    for name in names:
        reason = not_applicable(get_model(name), scenario)
        if reason is not None:
            raise DetenteError(reason)
    return names


def too_many_actors(scenario: Scenario) -> dict[str, str]:
    """The models the default set leaves out for the number of actors, each with a note.

    A model class may set ``default_max_actors``: above it the model runs only when
    named, because its time grows too fast with the actor count (``exchange`` and
    ``smp``: about a minute each at 100 actors on 3 issues, over 20 minutes at 300;
    docs/performance.md, "Many actors"). The note says how to ask for it.
    """
    count = len(scenario.actors)
    out: dict[str, str] = {}
    for name in available_models():
        limit = getattr(get_model(name), "default_max_actors", None)
        if limit is not None and count > limit:
            out[name] = (
                f"{name} left out: {count} actors, more than the {limit} it runs on by default "
                f"(its time grows with about the cube of the actor count); name it to run it "
                f"(--model {name}, or models=[{name!r}])"
            )
    return out


def run_models(
    scenario: Scenario, models: Sequence[str] | None = None, *, rng: RngLike = None
) -> list[Forecast]:
    """Run ``models`` (default: every one that applies, :func:`select_models`).

    Each model draws from a stream of its own, spawned from ``rng`` and keyed by the
    model's name (:func:`model_rng`), so a stochastic model (``smp``'s stochastic
    transitions) gives the same answer whichever other models run beside it.
    """
    root = _root_entropy(rng)
    return [
        get_model(name).forecast(scenario, rng=model_rng(root, name))
        for name in select_models(scenario, models)
    ]


def _root_entropy(rng: RngLike) -> int:
    """An integer seed: ``rng`` itself, 0 for ``None``, or one draw from a Generator."""
    if isinstance(rng, int) and not isinstance(rng, bool):
        return rng
    return 0 if rng is None else int(as_generator(rng).integers(2**63))


def model_rng(root: int, model: str) -> np.random.Generator:
    """The stream of ``model`` under the root seed ``root``: the child of
    ``SeedSequence(root)`` with the spawn key of the model's name (its CRC-32)."""
    key = zlib.crc32(model.encode())
    return np.random.default_rng(np.random.SeedSequence(root, spawn_key=(key,)))


def _model_entry(name: str, scenario: Scenario) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name, "citation": get_model(name).citation}
    if scenario.models.get(name):
        entry["options"] = dict(scenario.models[name])
    return entry


def forecast_document(
    scenario: Scenario,
    forecasts: Sequence[Forecast],
    *,
    source: str | None = None,
) -> dict[str, Any]:
    """The JSON-ready result: per issue, each model's outcome (with its ``outcome_kind``:
    a forecast, or the status quo that stays when the model finds no agreement) and
    nearest labelled point, and the models side by side (``comparison``,
    :func:`detente.model_comparison.model_comparison`).

    When the scenario has an agreement, ``agreement`` holds the two-level verdict
    (computed here if the two-level model was not among ``forecasts``).
    """
    issues = []
    for issue in scenario.issues:
        rows = []
        for forecast in forecasts:
            item = next(i for i in forecast.issues if i.issue_id == issue.id)
            entry: dict[str, Any] = {"model": forecast.model, "outcome": item.outcome}
            if item.outcome is not None:
                anchor = issue.nearest_anchor(item.outcome)
                if anchor is not None:
                    entry["nearest_anchor"] = {"value": anchor[0], "label": anchor[1]}
            entry.update(item.details)
            entry["outcome_kind"] = outcome_kind(entry)
            rows.append(entry)
        issues.append(
            {
                "id": issue.id,
                "name": issue.name,
                "scale": list(issue.scale),
                "status_quo": None if issue.status_quo is None else issue.status_quo.mode,
                "anchors": {f"{k:g}": v for k, v in sorted(issue.anchors.items())},
                "forecasts": rows,
            }
        )
    document: dict[str, Any] = {
        "detente_version": __version__,
        "scenario": {
            "title": scenario.title,
            "as_of": scenario.as_of.isoformat(),
            "horizon": scenario.horizon.isoformat(),
            "source": source,
        },
        "models": [_model_entry(f.model, scenario) for f in forecasts],
        "issues": issues,
    }
    if scenario.agreement is not None:
        from detente.models.two_level import MODEL as TWO_LEVEL

        verdict = next((f.agreement for f in forecasts if f.model == TWO_LEVEL.name), None)
        if verdict is None:
            verdict = TWO_LEVEL.forecast(scenario).agreement
        if verdict is not None:
            document["agreement"] = {"name": scenario.agreement.name, **verdict.to_dict()}
    document["comparison"] = model_comparison(document)
    return document


def add_monte_carlo(scenario: Scenario, document: dict[str, Any], result: dict[str, Any]) -> None:
    """Add a Monte Carlo summary and the calibrated whether-and-when to ``document``.

    ``result`` is :meth:`detente.uncertainty.MonteCarloResult.to_dict`. It is kept whole
    as ``monte_carlo``; the dated model's ``by``, ``by_interval``, ``labels``,
    ``median_time`` and ``agreed_outcome`` are copied into ``agreement`` (with
    ``dated_model`` and ``possible_share``), and when the dated model ran,
    ``whether_and_when`` holds the calibrated forecast by date
    (:func:`detente.outside_view.whether_when.calibrated_by_date`, docs/calibration.md).
    ``comparison`` (:func:`detente.model_comparison.model_comparison`) is rebuilt
    with each model's band across the draws. ``document`` is changed in place.
    """
    document["monte_carlo"] = result
    document["comparison"] = model_comparison(document)
    dated = result.get("agreement")
    if dated is None:
        return
    target = document.setdefault("agreement", {})
    for key in ("by", "by_interval", "labels", "median_time", "agreed_outcome"):
        if key in dated:
            target[key] = dated[key]
    target["dated_model"] = dated.get("model")
    target["possible_share"] = dated.get("possible")
    if "by" in target:
        from detente.models.two_level import MODEL as TWO_LEVEL
        from detente.outside_view.whether_when import calibrated_by_date

        static = (result.get("models") or {}).get(TWO_LEVEL.name) or {}
        share = static.get("agreement_possible")
        document["whether_and_when"] = calibrated_by_date(
            scenario,
            target["by"],
            bool(target.get("possible", False)),
            zone_share=None if share is None else float(share),
        )
