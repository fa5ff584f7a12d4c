"""Every model's forecast per issue side by side, with its spread.

Analysts compare forecasts across model families (Bueno de Mesquita's expected-utility
model, Stokman's exchange model, KTAB's Spatial Model of Politics, the compromise and
median benchmarks of Thomson et al. 2006); this module gathers them from a forecast
document (:func:`detente.forecasting.forecast_document`) into one block, the
``comparison`` of ``docs/json-output.md``, that the terminal table, the Markdown, the
report and the workbench all render. It reads the document only, so the views never
disagree with ``--format json``.

Two spreads are given, each where it exists:

* **a model's band**: its 5th to 95th percentile across the Monte Carlo draws of the
  scenario's ranges, when the document holds a Monte Carlo run of more than one draw
  in which the model ran (``--runs N``);
* **the spread across models**: the lowest and highest forecast among the models that
  forecast an outcome, its width, and the median of those forecasts. A model whose
  answer is *no agreement* (the status quo stays) is listed apart and left out of the
  spread: the status quo is not a forecast of a deal.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from typing import Any, Literal

__all__ = ["OutcomeKind", "model_comparison", "outcome_kind"]

OutcomeKind = Literal["forecast", "status_quo", "none"]
"""What an entry's ``outcome`` is: the model's forecast (``forecast``); the status quo
that stays because the model finds no agreement (``status_quo``); or nothing, because
the model finds no agreement and the issue has no status quo (``none``)."""


def outcome_kind(entry: Mapping[str, Any]) -> OutcomeKind:
    """The :data:`OutcomeKind` of one model's entry in ``issues[].forecasts[]``.

    A model answers *no agreement* in its own terms: the two-level model with
    ``agreement: false``, Nash bargaining with ``improves_on_status_quo: false``, the
    dated model with ``agreed: null``.
    """
    no_agreement = (
        entry.get("agreement") is False
        or entry.get("improves_on_status_quo") is False
        or ("agreed" in entry and entry["agreed"] is None)
    )
    if not no_agreement:
        return "forecast"
    return "none" if entry.get("outcome") is None else "status_quo"


def _band(document: Mapping[str, Any], model: str, issue_id: str) -> dict[str, Any] | None:
    """The model's 90% band on the issue across the document's Monte Carlo draws."""
    run = document.get("monte_carlo")
    if not run or int(run.get("runs", 0)) < 2:
        return None
    summary = run.get("models", {}).get(model, {}).get("outcome", {}).get(issue_id)
    if not summary or not summary.get("n") or summary.get("p05") is None:
        return None
    return {k: summary[k] for k in ("median", "p05", "p95", "n")}


def _across(outcomes: Sequence[float]) -> dict[str, Any] | None:
    if len(outcomes) < 2:
        return None
    low, high = min(outcomes), max(outcomes)
    return {
        "n": len(outcomes),
        "low": low,
        "high": high,
        "range": high - low,
        "median": statistics.median(outcomes),
    }


def model_comparison(document: Mapping[str, Any]) -> dict[str, Any]:
    """The ``comparison`` block of a forecast document (see ``docs/json-output.md``).

    Parameters
    ----------
    document:
        A forecast document, with or without its ``monte_carlo`` run.

    Returns
    -------
    dict
        ``runs`` (the Monte Carlo draws behind the bands, ``None`` without a run),
        ``interval`` (what a band is), and ``issues``: per issue its ``id``, ``name``,
        ``scale``, ``forecasts`` (per model in the document's order: ``model``,
        ``outcome``, ``outcome_kind``, ``band`` with ``median``, ``p05``, ``p95`` and
        ``n``, or ``None`` where the model was not run on the draws), ``across_models``
        (``n``, ``low``, ``high``, ``range``, ``median`` of the forecasts of kind
        ``forecast``; ``None`` with fewer than two) and ``no_agreement`` (the models
        whose answer is that the status quo stays).
    """
    run = document.get("monte_carlo")
    runs = int(run["runs"]) if run else None
    issues = []
    for issue in document["issues"]:
        rows = []
        for entry in issue["forecasts"]:
            kind = entry.get("outcome_kind") or outcome_kind(entry)
            rows.append(
                {
                    "model": entry["model"],
                    "outcome": entry.get("outcome"),
                    "outcome_kind": kind,
                    "band": _band(document, entry["model"], issue["id"]),
                }
            )
        forecasts = [
            r["outcome"]
            for r in rows
            if r["outcome_kind"] == "forecast" and r["outcome"] is not None
        ]
        issues.append(
            {
                "id": issue["id"],
                "name": issue["name"],
                "scale": list(issue["scale"]),
                "forecasts": rows,
                "across_models": _across(forecasts),
                "no_agreement": [r["model"] for r in rows if r["outcome_kind"] != "forecast"],
            }
        )
    return {
        "runs": runs,
        "interval": "90% (5th to 95th percentile across draws)",
        "issues": issues,
    }
