"""Tidy tables of results: one row per observation, one column per variable.

Every function takes a result's JSON document (what ``detente ... -f json`` prints) or
its analysis object and returns a :class:`pandas.DataFrame` in long form (Wickham 2014,
"Tidy data", J. Stat. Softw. 59(10)), so an analysis starts with ``groupby`` or a
plot instead of flattening nested dicts. pandas is an optional dependency (the
``notebook`` extra): it is imported here, when a table is asked for, and its absence is
one clear :class:`~detente.errors.DetenteError`. Missing numbers are ``NaN``; dates are
``datetime64``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from detente.errors import DetenteError

if TYPE_CHECKING:
    import pandas as pd

    from detente.analysis.backtest import BacktestResult
    from detente.analysis.case_backtest import CaseBacktestResult
    from detente.analysis.sensitivity import SensitivityResult, SobolResult

__all__ = [
    "MISSING_PANDAS",
    "backtest_frame",
    "cases_frame",
    "flip_frame",
    "forecast_agreement_frame",
    "forecast_outcomes_frame",
    "forecast_rounds_frame",
    "monte_carlo_frame",
    "sensitivity_frame",
    "sobol_frame",
    "whatif_frame",
]

MISSING_PANDAS = (
    "tables of results (.to_frame()) need pandas, which is not installed; "
    "install it with: pip install 'detente[notebook]'"
)


def frame(rows: Iterable[Mapping[str, Any]], columns: list[str]) -> pd.DataFrame:
    """A DataFrame of ``rows`` with exactly ``columns`` (in that order), also when empty;
    date columns (``date``, ``as_of``, ``horizon``) become ``datetime64``."""
    try:
        import pandas as pd
    except ImportError:
        raise DetenteError(MISSING_PANDAS) from None
    out = pd.DataFrame([dict(row) for row in rows], columns=columns)
    for column in columns:
        if column in ("date", "as_of", "horizon"):
            out[column] = pd.to_datetime(out[column])
    return out


_SUMMARY = ("mean", "median", "p05", "p95", "n")


def forecast_outcomes_frame(document: Mapping[str, Any]) -> pd.DataFrame:
    """One row per issue and model: the point forecast (``outcome``, on the issue's
    scale), its nearest labelled point, and with a Monte Carlo run the ``mean``,
    ``median``, ``p05``, ``p95`` (90% interval) and ``n`` draws of the outcome."""
    drawn = document.get("monte_carlo", {}).get("models", {})
    rows = []
    for issue in document["issues"]:
        for entry in issue["forecasts"]:
            anchor = entry.get("nearest_anchor") or {}
            summary = drawn.get(entry["model"], {}).get("outcome", {}).get(issue["id"], {})
            rows.append(
                {
                    "issue": issue["id"],
                    "issue_name": issue["name"],
                    "model": entry["model"],
                    "outcome": entry["outcome"],
                    "nearest_anchor": anchor.get("value"),
                    "anchor_label": anchor.get("label"),
                    **{key: summary.get(key) for key in _SUMMARY},
                }
            )
    columns = ["issue", "issue_name", "model", "outcome", "nearest_anchor", "anchor_label"]
    return frame(rows, [*columns, *_SUMMARY])


def forecast_agreement_frame(document: Mapping[str, Any]) -> pd.DataFrame:
    """P(agreement by date): one row per forecaster and named date (key dates, term ends,
    year ends, horizon), with ``low``-``high`` its band: the 90% interval across draws
    for the dated model (``deadline-bargaining``), the 90% band of the calibrated
    forecast (``calibrated``, docs/calibration.md); the outside view and the structural
    component of the calibrated forecast have no band. Empty without ``runs``."""
    agreement = document.get("agreement", {})
    labels = agreement.get("labels", {})
    rows = []
    dated = agreement.get("dated_model")
    for day, p in agreement.get("by", {}).items():
        band = agreement.get("by_interval", {}).get(day, {})
        rows.append(
            {"forecaster": dated, "date": day, "label": labels.get(day), "p": p,
             "low": band.get("p05"), "high": band.get("p95")}
        )  # fmt: skip
    calibrated = document.get("whether_and_when")
    if calibrated is not None:
        name = calibrated.get("forecaster", "calibrated")
        for day, p in calibrated.get("by", {}).items():
            low, high = calibrated.get("by_band", {}).get(day, (None, None))
            rows.append(
                {"forecaster": name, "date": day, "label": labels.get(day), "p": p,
                 "low": low, "high": high}
            )  # fmt: skip
        for part in ("outside_view", "structural"):
            for day, p in calibrated.get(part, {}).items():
                rows.append(
                    {"forecaster": part.replace("_", " "), "date": day,
                     "label": labels.get(day), "p": p, "low": None, "high": None}
                )  # fmt: skip
    return frame(rows, ["forecaster", "date", "label", "p", "low", "high"])


def forecast_rounds_frame(document: Mapping[str, Any]) -> pd.DataFrame:
    """The rounds of the dynamic models (expected-utility, exchange, smp): one row per
    model, issue, round and actor, with the actor's ``position`` and the round's
    weighted ``median`` and ``mean`` (round 0: the inputs)."""
    rows = []
    for issue in document["issues"]:
        for entry in issue["forecasts"]:
            for step in entry.get("rounds", []):
                for actor, position in step["positions"].items():
                    rows.append(
                        {"model": entry["model"], "issue": issue["id"], "round": step["round"],
                         "actor": actor, "position": position, "median": step["median"],
                         "mean": step["mean"]}
                    )  # fmt: skip
    return frame(rows, ["model", "issue", "round", "actor", "position", "median", "mean"])


def monte_carlo_frame(document: Mapping[str, Any]) -> pd.DataFrame:
    """The dated model's whole curve: one row per grid date, ``p`` = P(agreement signed by
    the date) (the mean across draws), its ``median`` and 90% interval ``p05``-``p95``
    across draws of the ranges, ``n`` draws, and the date's ``label`` when it is a named
    date. Empty when no dated model ran."""
    agreement = document.get("agreement") or {}
    labels = agreement.get("labels", {})
    rows = [
        {"date": point["date"], "label": labels.get(point["date"]), "p": point["mean"],
         **{key: point[key] for key in ("median", "p05", "p95", "n")}}
        for point in agreement.get("curve", [])
    ]  # fmt: skip
    return frame(rows, ["date", "label", "p", "median", "p05", "p95", "n"])


def whatif_frame(document: Mapping[str, Any], table: str = "outcomes") -> pd.DataFrame:
    """``table="outcomes"``: one row per issue and model, the outcome ``before`` and
    ``after`` the changes, the ``change``, and the nearest labelled point before and
    after. ``table="agreement"``: one row per named date, the calibrated P(agreement by
    the date) before and after (same seed), the change, and the after forecast's 90%
    band ``after_low``-``after_high``; empty when the what-if ran with ``runs=0``."""
    if table == "outcomes":
        columns = ["issue", "model", "before", "after", "change", "anchor_before", "anchor_after"]
        rows = [{k: row.get(k) for k in columns} for row in document["comparison"]["outcomes"]]
        return frame(rows, columns)
    if table == "agreement":
        rows = []
        for row in document["comparison"].get("whether_and_when") or []:
            low, high = row.get("band_after") or (None, None)
            rows.append({**{k: row.get(k) for k in ("date", "label", "before", "after", "change")},
                         "after_low": low, "after_high": high})  # fmt: skip
        return frame(
            rows, ["date", "label", "before", "after", "change", "after_low", "after_high"]
        )
    raise DetenteError(f"table: expected 'outcomes' or 'agreement', got {table!r}")


def flip_frame(document: Mapping[str, Any]) -> pd.DataFrame:
    """One row per parameter change of each flip found: ``kind`` (single or pair),
    ``rank`` (1 = smallest), the parameter ``path``, its value ``from`` and ``to``, the
    analyst's range, the change's ``size`` (share of the parameter's domain), how far
    ``to`` lies outside the range, the flip's total ``size``, the answer ``after`` and the
    flip in words."""
    rows = []
    for kind, key in (("single", "singles"), ("pair", "pairs")):
        for rank, flip in enumerate(document.get(key) or [], start=1):
            for change in flip["changes"]:
                low, high = change.get("range") or (None, None)
                rows.append(
                    {"kind": kind, "rank": rank, "path": change["path"], "from": change["from"],
                     "to": change["to"], "range_low": low, "range_high": high,
                     "change_size": change["size"], "outside_range": change["outside_range"],
                     "size": flip["size"], "after": flip["after"],
                     "sentence": flip.get("sentence")}
                )  # fmt: skip
    columns = ["kind", "rank", "path", "from", "to", "range_low", "range_high", "change_size"]
    return frame(rows, [*columns, "outside_range", "size", "after", "sentence"])


def sensitivity_frame(result: SensitivityResult, metric: str | None) -> pd.DataFrame:
    """One row per parameter and headline number: the number with the parameter at its
    ``low`` and ``high`` (others at their modes), at the modes (``base``), the normalised
    ``effect`` (spread over the number's scale), and the parameter's ``rank`` by
    ``metric`` (by the largest effect on any number when ``None``)."""
    rows = []
    for rank, swing in enumerate(result.ranked(metric), start=1):
        for m in result.metrics:
            rows.append(
                {"rank": rank, "path": swing.parameter.path, "metric": m.id,
                 "metric_label": m.label, "low": swing.low.get(m.id), "high": swing.high.get(m.id),
                 "base": result.base.get(m.id), "effect": swing.effects.get(m.id)}
            )  # fmt: skip
    columns = ["rank", "path", "metric", "metric_label", "low", "high", "base", "effect"]
    return frame(rows, columns)


def sobol_frame(result: SobolResult) -> pd.DataFrame:
    """One row per headline number and parameter: first-order (``S1``) and total
    (``ST``) Sobol indices with their 95% confidence half-widths, and the parameter's
    ``rank`` by total index for that number (Saltelli et al. 2010)."""
    rows = []
    for m in result.metrics:
        for rank, row in enumerate(result.ranked(m.id), start=1):
            rows.append({"metric": m.id, "rank": rank, **row})
    return frame(rows, ["metric", "rank", "path", "S1", "S1_conf", "ST", "ST_conf"])


def backtest_frame(result: BacktestResult, table: str) -> pd.DataFrame:
    """``table="issues"``: one row per DEU issue and model, the ``forecast``, the actual
    ``outcome`` and the absolute error (0-100 scale); ``table="models"``: one row per
    model with its scores (``docs/backtest-deu.md``)."""
    if table == "issues":
        columns = ["issue", "model", "outcome", "forecast", "abs_error", "failure"]
        return frame((item.to_dict() for item in result.issues), columns)
    if table == "models":
        rows = []
        for row in result.rows:
            entry = row.to_dict()
            low, high = entry.pop("mae_ci95") or (None, None)
            dlow, dhigh = entry.pop("diff_ci95") or (None, None)
            rows.append({**entry, "mae_low": low, "mae_high": high, "diff_low": dlow,
                         "diff_high": dhigh})  # fmt: skip
        columns = ["model", "kind", "n", "failures", "no_forecast", "mae", "mae_low", "mae_high"]
        rest = ["median_ae", "within_10", "n_paired", "diff_vs_compromise", "diff_low"]
        return frame(rows, [*columns, *rest, "diff_high", "beats_compromise"])
    raise DetenteError(f"table: expected 'issues' or 'models', got {table!r}")


def cases_frame(result: CaseBacktestResult, table: str) -> pd.DataFrame:
    """``table="cases"``: one row per case and forecaster, its probability ``p`` of an
    agreement by the horizon, whether one was signed (``agreed``) and the squared error;
    ``table="scores"``: one row per forecaster, its Brier score, skill against the base
    rate, log score and AUC (``docs/backtest-cases.md``)."""
    from detente.analysis.case_backtest import FORECASTERS

    if table == "cases":
        rows = [
            {"case": row.case, "title": row.title, "as_of": row.as_of, "horizon": row.horizon,
             "agreed": row.outcome, "forecaster": name, "p": row.forecast(name),
             "squared_error": row.squared_error(name)}
            for row in result.rows
            for name in FORECASTERS
        ]  # fmt: skip
        columns = ["case", "title", "as_of", "horizon", "agreed", "forecaster", "p"]
        return frame(rows, [*columns, "squared_error"])
    if table == "scores":
        rows = [
            {"forecaster": s.forecaster, "kind": s.kind, "default": s.default, "n": s.n,
             "brier": s.brier, "skill": s.skill, "log_score": s.log_score, "auc": s.auc}
            for s in result.scores
        ]  # fmt: skip
        columns = ["forecaster", "kind", "default", "n", "brier", "skill", "log_score", "auc"]
        return frame(rows, columns)
    raise DetenteError(f"table: expected 'cases' or 'scores', got {table!r}")
