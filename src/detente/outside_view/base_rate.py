"""The outside view of one scenario as a document: ``detente base-rate``.

For the scenario's reference class (:func:`~detente.outside_view.infer.choose_reference_class`)
the document gives the class (name, label, dataset, the records it rests on, N and the
number of events), the unconditional curve P(ended in agreement by *t* years from the
start) with its 95% band and the number still at risk, and the conditional outside view
for the scenario: P(agreement by each of its dates | still open at ``as_of``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from detente.outside_view.curves import load_reference_classes, years_between
from detente.outside_view.infer import choose_reference_class
from detente.scenario import Scenario

__all__ = ["CURVE_YEARS", "base_rate_document"]

CURVE_YEARS = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0)  # ICOW counts whole years


def _dates(scenario: Scenario) -> list[dt.date]:
    named = {d.date for d in scenario.dates if d.date > scenario.as_of}
    named.add(scenario.horizon)
    return sorted(named)


def base_rate_document(scenario: Scenario) -> dict[str, Any]:
    """JSON-ready outside view of ``scenario`` (module docstring)."""
    chosen = choose_reference_class(scenario)
    reference = chosen.reference
    years = np.array([t for t in CURVE_YEARS if t <= reference.grid[-1]])
    estimate = reference.agreement_by(years)
    lower = reference.agreement_by(years, "lower")
    upper = reference.agreement_by(years, "upper")
    at_risk = reference.column_at("any_end", "at_risk", years)
    dates = _dates(scenario)
    horizons = np.array([years_between(scenario.as_of, day) for day in dates])
    conditional = chosen.conditional(horizons)
    shipped = load_reference_classes()
    source = shipped["sources"][reference.data["source"]]
    return {
        "scenario": {"title": scenario.title, "as_of": scenario.as_of.isoformat()},
        "reference_class": chosen.to_dict(),
        "dataset": source["dataset"],
        "cite": source["cite"],
        "unit": reference.data["unit"],
        "event": reference.data["event"],
        "competing_risks": reference.data["competing_risks"],
        "filter": reference.data["filter"],
        "n": reference.n,
        "events": reference.events,
        "records": reference.data["records"],
        "curve": [
            {
                "years": float(t),
                "p": float(p),
                "lower": float(lo),
                "upper": float(hi),
                "at_risk": int(r),
            }
            for t, p, lo, hi, r in zip(years, estimate, lower, upper, at_risk, strict=True)
        ],
        "hazard": reference.data.get("hazard"),
        "by": {day.isoformat(): float(p) for day, p in zip(dates, conditional, strict=True)},
    }
