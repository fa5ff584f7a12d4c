"""What if: the forecast before and after some edits, side by side.

:func:`what_if` applies parameter edits (:func:`detente.scenario_edits.set_parameters`)
and forecasts both scenarios with the same models; with Monte Carlo draws it also gives
the calibrated whether-and-when forecast by date before and after (docs/calibration.md),
from the same seed so that the change comes from the edit, not from sampling noise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from detente.correlation_edits import correlation_notes
from detente.errors import DetenteError
from detente.quantity import Range
from detente.scenario import Scenario
from detente.scenario_edits import Value, get_parameter, set_parameters

__all__ = ["what_if"]


def what_if(
    scenario: Scenario,
    changes: Mapping[str, Value],
    *,
    models: Sequence[str] | None = None,
    source: str | None = None,
    runs: int = 0,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """The forecast before and after ``changes``, side by side (JSON-ready).

    Parameters
    ----------
    scenario:
        The scenario before the changes.
    changes:
        ``{parameter path: new value}`` (:func:`detente.scenario_edits.set_parameters`).
    models:
        Registered model names (default: every model that applies).
    source:
        Where the scenario came from, for the documents.
    runs:
        Monte Carlo draws of each scenario (0: the models at the modes only). With
        draws, both documents carry the calibrated whether-and-when forecast by date
        (``whether_and_when``, docs/calibration.md) when the dated model applies.
    seed:
        Root seed of the draws; before and after use the same seed (common random
        numbers), so a change in P comes from the edit, not from sampling noise.
    progress:
        Called with the number of draws done (before, then after: ``2 * runs`` in all).

    Returns
    -------
    dict
        ``scenario``, ``changes`` (path, before, after), ``correlation`` (a sentence per
        correlation group the changes altered: a range fixed at a number leaves its
        groups, :mod:`detente.correlation_edits`), ``comparison`` (each model's
        outcome per issue and the agreement verdict, before and after), and ``before``
        and ``after``: :func:`detente.forecasting.forecast_document` results (with
        ``monte_carlo`` and ``whether_and_when`` when ``runs > 0``).

    Raises
    ------
    DetenteError
        A bad path or value in ``changes``, or ``runs < 0``.
    """
    from detente.analysis.before_after import compare_documents
    from detente.forecasting import add_monte_carlo, forecast_document, run_models

    if runs < 0:
        raise DetenteError(f"runs: expected 0 or more draws, got {runs}")
    edited = set_parameters(scenario, changes)
    documents = []
    for offset, chosen in enumerate((scenario, edited)):
        document = forecast_document(chosen, run_models(chosen, models), source=source)
        if runs:
            from detente.uncertainty import run_monte_carlo

            result = run_monte_carlo(
                chosen,
                runs=runs,
                seed=seed,
                models=list(models) if models else None,
                progress=_shifted(progress, offset * runs),
            )
            add_monte_carlo(chosen, document, result.to_dict())
        documents.append(document)
    before, after = documents
    listed = [
        {"path": p, "before": _plain(get_parameter(scenario, p)), "after": _plain(v)}
        for p, v in changes.items()
    ]
    comparison = compare_documents(before, after)
    if "whether_and_when" in before and "whether_and_when" in after:
        comparison["whether_and_when"] = _calibrated_change(before, after)
    return {
        "scenario": before["scenario"],
        "changes": listed,
        "correlation": correlation_notes(scenario, edited),
        "comparison": comparison,
        "before": before,
        "after": after,
    }


def _shifted(progress: Callable[[int], None] | None, done: int) -> Callable[[int], None] | None:
    """``progress`` counting on from ``done`` draws (the second scenario's draws)."""
    if progress is None:
        return None
    report = progress
    return lambda n: report(done + n)


def _calibrated_change(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Per date of the edited scenario: the calibrated P before and after and the change.

    A date the edit removed or moved (a leader's term, the horizon) has no before value
    (``None``); the band is the after forecast's 90% band; ``bounded_after`` says whether
    the after forecast was made at inputs bounded to the calibration's fitted range.
    """
    old = before["whether_and_when"]["by"]
    new = after["whether_and_when"]
    labels = after.get("agreement", {}).get("labels", {})
    rows = []
    for key, p in new["by"].items():
        was = old.get(key)
        rows.append(
            {
                "date": key,
                "label": labels.get(key),
                "before": was,
                "after": p,
                "change": None if was is None else p - was,
                "band_after": new["by_band"][key],
                "bounded_after": bool(new.get("bounded", {}).get(key, False)),
            }
        )
    return rows


def _plain(value: Value) -> Any:
    if isinstance(value, Range):
        return value.mode if value.is_fixed else value.model_dump()
    return value.isoformat() if isinstance(value, dt.date) else float(value)
