"""The headline numbers a sensitivity analysis or a sweep follows, and how to compute them.

Each static model's outcome per issue (``compromise:territory``), the two-level verdict
(``two-level:gap``, the summed gap of the issues without a zone of possible agreement;
``two-level:possible``, 1 or 0) and, when the dated model is registered, two
probabilities of agreement signed by the horizon:

* ``calibrated:p_agreement`` (:data:`P_CALIBRATED`), the calibrated forecast that
  ``forecast``, ``whatif``, ``flip`` and the workbench report (docs/calibration.md):
  the dated model's P read through the shipped calibration with the scenario's outside
  view at the horizon and the two-level verdict at the setting's modes
  (:class:`~detente.outside_view.whether_when.CalibratedAtHorizon`,
  :func:`calibrated_numbers`); the headline by default;
* ``p_agreement`` (:data:`P_AGREEMENT`), the dated model's own P.

Each :class:`Metric` carries the scale its effects are measured in (the issue's width
for outcomes and gaps, 1 for probabilities). Used by
:mod:`detente.analysis.one_at_a_time`, :mod:`detente.analysis.sobol` and
:mod:`detente.analysis.sweep`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from detente.errors import DetenteError
from detente.scenario import Scenario

__all__ = [
    "P_AGREEMENT",
    "P_CALIBRATED",
    "Metric",
    "calibrated_numbers",
    "headline_metrics",
    "pick_headline",
    "static_headline",
    "static_headlines",
    "static_models",
]

P_AGREEMENT = "p_agreement"
P_CALIBRATED = "calibrated:p_agreement"


@dataclass(frozen=True)
class Metric:
    """One headline number: its id, a label for people, and the scale of its effects."""

    id: str
    label: str
    scale: float


def pick_headline(spread: Mapping[str, float]) -> str | None:
    """The calibrated P(agreement) if it moves, else the dated model's P, else the
    two-level gap or verdict, else the metric that moves most (``spread``: how much each
    metric moves); ``None`` if none moves."""
    moving = {m: v for m, v in spread.items() if v > 0}
    for preferred in (P_CALIBRATED, P_AGREEMENT, "two-level:gap", "two-level:possible"):
        if preferred in moving:
            return preferred
    return max(moving, key=lambda m: moving[m], default=None)


# -- the headline numbers ------------------------------------------------------------


def static_models(scenario: Scenario, models: Sequence[str] | None = None) -> list[str]:
    """The static (non-dated) models among ``models`` (default: all that apply)."""
    from detente.forecasting import select_models
    from detente.models import get_model
    from detente.uncertainty import DatedModel

    return [n for n in select_models(scenario, models) if not isinstance(get_model(n), DatedModel)]


def headline_metrics(
    scenario: Scenario, models: Sequence[str], *, with_dated: bool
) -> list[Metric]:
    """The metrics :func:`static_headline` (and the dated model) report, in order."""
    out = []
    for name in models:
        if name == "two-level":
            continue
        for issue in scenario.issues:
            width = issue.scale[1] - issue.scale[0]
            out.append(Metric(f"{name}:{issue.id}", f"{name} outcome on {issue.name}", width))
    if "two-level" in models and scenario.agreement is not None:
        widest = max(i.scale[1] - i.scale[0] for i in scenario.issues)
        out.append(Metric("two-level:gap", "two-level gap (summed over issues)", widest))
        out.append(Metric("two-level:possible", "two-level: agreement possible (1/0)", 1.0))
    if with_dated:
        out.append(Metric(P_CALIBRATED, f"calibrated P(agreement by {scenario.horizon})", 1.0))
        out.append(
            Metric(P_AGREEMENT, f"P(agreement by {scenario.horizon}), dated model alone", 1.0)
        )
    return out


def calibrated_numbers(
    scenario: Scenario,
    settings: Sequence[Scenario | None],
    dated: Sequence[float],
    possible: Sequence[float | None] | None = None,
) -> list[float | None]:
    """The calibrated P(agreement by the horizon) of each setting of ``scenario``.

    Parameters
    ----------
    scenario:
        The scenario the settings edit (its reference class, ``as_of`` and horizon fix
        the outside view).
    settings:
        Each setting's scenario (``None``: the setting is invalid).
    dated:
        Each setting's dated-model P(agreement by the horizon), same length.
    possible:
        Each setting's two-level verdict (1 or 0) where already computed
        (``two-level:possible``), else ``None``: the two-level model runs only where it
        is missing.

    Returns
    -------
    list
        Per setting the calibrated P
        (:class:`~detente.outside_view.whether_when.CalibratedAtHorizon`) with the
        two-level verdict at the setting's modes as "a zone of agreement now", as
        ``forecast`` computes it; ``None`` for an invalid setting.
    """
    from detente.models.two_level import MODEL as TWO_LEVEL
    from detente.outside_view.whether_when import CalibratedAtHorizon

    valid = [k for k, s in enumerate(settings) if s is not None]
    out: list[float | None] = [None] * len(settings)
    if not valid:
        return out
    zone = np.zeros(len(valid), dtype=bool)
    for row, k in enumerate(valid):
        known = None if possible is None else possible[k]
        if known is not None and np.isfinite(known):
            zone[row] = known >= 0.5
            continue
        edited = settings[k]
        assert edited is not None
        try:
            verdict = TWO_LEVEL.forecast(edited).agreement
        except DetenteError:
            verdict = None
        zone[row] = verdict is not None and verdict.possible
    values = CalibratedAtHorizon(scenario)(np.array([dated[k] for k in valid]), zone)
    for row, k in enumerate(valid):
        out[k] = float(values[row])
    return out


def static_headline(scenario: Scenario, models: Sequence[str]) -> dict[str, float | None]:
    """Each static model's outcome per issue and the two-level gap and verdict."""
    found = static_headlines([scenario], models)[0]
    if isinstance(found, DetenteError):
        raise found
    return found


def static_headlines(
    scenarios: Sequence[Scenario], models: Sequence[str]
) -> list[dict[str, float | None] | DetenteError]:
    """:func:`static_headline` of many scenarios (or the error one raises).

    A model that solves many issues at once (``predict_issues``: the expected-utility
    model's batched kernel) gets every issue of every scenario in one call; the others
    forecast scenario by scenario.
    """
    from detente.models import get_model

    out: list[dict[str, float | None] | DetenteError] = [{} for _ in scenarios]
    for name in models:
        model = get_model(name)
        solve = getattr(model, "predict_issues", None)
        if solve is not None:
            keys = [(k, i.id) for k, sc in enumerate(scenarios) for i in sc.issues]
            datas = [scenarios[k].issue_data(issue) for k, issue in keys]
            for (k, issue), value in zip(keys, solve(datas), strict=True):
                numbers = out[k]
                if isinstance(numbers, dict):
                    out[k] = value if isinstance(value, DetenteError) else numbers
                    numbers[f"{name}:{issue}"] = None if isinstance(value, DetenteError) else value
            continue
        for k, scenario in enumerate(scenarios):
            numbers = out[k]
            if not isinstance(numbers, dict):
                continue
            try:
                forecast = model.forecast(scenario)
            except DetenteError as exc:
                out[k] = exc
                continue
            if name == "two-level":
                verdict = forecast.agreement
                if verdict is not None:
                    gaps = [
                        v["gap"]["size"] for v in verdict.issues.values() if v["gap"] is not None
                    ]
                    numbers["two-level:gap"] = float(sum(gaps))
                    numbers["two-level:possible"] = float(verdict.possible)
                continue
            for item in forecast.issues:
                numbers[f"{name}:{item.issue_id}"] = item.outcome
    return out
