"""Rebuild detente's reference classes (the outside view) from the public outcome datasets.

Reads ``../shared/data/outcomes/`` (or ``--data DIR``): ICOW territorial claims, the UCDP
Conflict Termination Dataset and ICB crises (citations in
``/work/shared/data/outcomes/README.md`` and ``docs/calibration.md``), and writes
``src/detente/outside_view/reference_classes.json``: for every reference class the
records it rests on, a survival curve on a fixed grid with a 95% band, and for
territorial claims a discrete-time hazard with covariates. detente only evaluates the
shipped numbers at run time (numpy); this script needs the ``calibration`` extra
(pandas, lifelines, statsmodels).

Estimators (all from libraries):

* Kaplan-Meier (``lifelines.KaplanMeierFitter``) with the exponential Greenwood band
  (Kalbfleisch & Prentice 2002) for the time to *any* end of the episode;
* Aalen-Johansen (``lifelines.AalenJohansenFitter``) for the cumulative incidence of an
  end *in agreement* when other ends compete (UCDP: victory, ceasefire, low activity;
  ICB: tacit, unilateral, imposed ends), Aalen & Johansen (1978);
* a discrete-time hazard of a claim's end per claim-year with a complementary log-log
  link (``statsmodels`` GLM, binomial family; Allison 1982, Singer & Willett 2003) and
  covariates log age, ICOW salience and recent militarised disputes.

Usage: ``python scripts/build_reference_classes.py [--data DIR] [--out FILE] [--check]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def find_outcomes(start: Path = ROOT) -> Path:
    """``shared/data/outcomes`` beside the repo or beside one of its parent folders.

    CI has ``shared/`` beside the clone; a git worktree under ``/work/wt/NAME`` finds
    ``/work/shared``. Returns the first candidate (which may not exist) when none does.
    """
    candidates = [parent / "shared" / "data" / "outcomes" for parent in start.parents]
    return next((path for path in candidates if path.is_dir()), candidates[0])


DATA = find_outcomes()
OUT = ROOT / "src" / "detente" / "outside_view" / "reference_classes.json"
ICOW = "icow-claims-provisional-yearly-1.01.csv"
UCDP = "ucdp-term-dyad-3-2021.csv"
ICB = "icb1v14.csv"
ICOW_LAST_YEAR = 2001  # a claim still open in 2001 is censored there
UCDP_CLOSE = pd.Timestamp("2020-12-31")  # end of UCDP termination v3-2021 coverage
DIGITS = 5

SOURCES = {
    "icow": {
        "file": ICOW,
        "dataset": "Issue Correlates of War (ICOW) territorial claims, provisional 1.01",
        "cite": "Hensel, Mitchell, Sowers & Thyne (2008), Bones of contention, "
        "Journal of Conflict Resolution 52(1): 117-143",
    },
    "ucdp": {
        "file": UCDP,
        "dataset": "UCDP Conflict Termination Dataset v3-2021 (dyad level)",
        "cite": "Kreutz (2010), How and when armed conflicts end, Journal of Peace "
        "Research 47(2): 243-250",
    },
    "icb": {
        "file": ICB,
        "dataset": "International Crisis Behavior (ICB) system level v14",
        "cite": "Brecher, Wilkenfeld, Beardsley, James & Quinn (2021), International "
        "Crisis Behavior Data Codebook v14",
    },
}


# -- episodes ------------------------------------------------------------------------------


def icow_claims(data: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Dyadic claims (one row each) and their claim-years, left-truncated claims dropped.

    A dyadic claim (``claimdy``) starts in its first year and ends in its last; a last
    year of 2001 means still open (censored). Claims already open in 1816, the first
    year of ICOW, have an unknown start and are dropped (their age is unknown).
    """
    years = pd.read_csv(data / ICOW)
    spans = years.groupby("claimdy").agg(
        first=("year", "min"),
        last=("year", "max"),
        claim=("claim", "first"),
        salience=("icowsal", "max"),
    )
    spans = spans[spans["first"] > 1816].copy()
    spans["duration"] = spans["last"] - spans["first"] + 1  # years observed, >= 1
    spans["ended"] = spans["last"] < ICOW_LAST_YEAR
    years = years[years["claimdy"].isin(spans.index)].copy()
    first = years["claimdy"].map(spans["first"])
    years["age"] = years["year"] - first  # 0 in the claim's first year
    last = years["claimdy"].map(spans["last"])
    years["end"] = ((years["year"] == last) & (last < ICOW_LAST_YEAR)).astype(int)
    return spans, years


def _ucdp_date(text: Any) -> pd.Timestamp:
    if not isinstance(text, str) or text.count("/") != 2:
        return pd.NaT  # empty, or "." for an episode still going on
    month, day, year = (int(x) for x in text.split("/"))
    year += 1900 if year >= 46 else 2000
    return pd.Timestamp(year=year, month=month, day=day)


def ucdp_episodes(data: Path) -> pd.DataFrame:
    """Conflict-dyad episodes: start, end, duration in years, outcome (1 = peace agreement).

    Episode start is ``start_date2`` (the episode's own start), the end ``ependdate``;
    an episode without an end date, or without an outcome code, is censored at its end
    date or at the close of coverage (31 December 2020).
    """
    rows = pd.read_csv(data / UCDP).sort_values("year").groupby("dyadep_id").last()
    start = rows["start_date2"].map(_ucdp_date)
    end = rows["ependdate"].map(_ucdp_date)
    outcome = rows["outcome"].fillna(0).astype(int)
    stop = end.fillna(UCDP_CLOSE)
    episodes = pd.DataFrame(
        {
            "start": start,
            # a few episodes end (by the coded date) before their coded start: one day
            "duration": ((stop - start).dt.days.clip(lower=0) + 1) / 365.25,
            "event": np.where(end.isna(), 0, outcome),  # 0 censored, 1 agreement, 2-6 other
            "interstate": rows["type_of_conflict"] == 2,
            "territorial": rows["incompatibility"].isin([1, 3]),
        }
    )
    return episodes.dropna(subset=["start"])


def icb_crises(data: Path) -> pd.DataFrame:
    """Crises: trigger to termination in years; event 1 = formal or semi-formal agreement.

    ICB's ``forout`` (form of outcome): 1 formal agreement, 2 semi-formal, 3 tacit, 4
    unilateral, 5 imposed, 6-7 other; an unknown day (code above 31) is read as the 15th.
    """
    crises = pd.read_csv(data / ICB, encoding="utf-8-sig")
    crises = crises.dropna(subset=["yrtrig", "motrig", "yrterm", "moterm", "forout"])

    def when(prefix: str) -> pd.Series:
        day = crises[f"da{prefix}"].fillna(15)
        day = day.where(day <= 28, 15).astype(int)  # unknown or end-of-month days: mid-month
        return pd.to_datetime(
            {
                "year": crises[f"yr{prefix}"].astype(int),
                "month": crises[f"mo{prefix}"].astype(int),
                "day": day,
            }
        )

    start, stop = when("trig"), when("term")
    duration = ((stop - start).dt.days.clip(lower=0) + 1) / 365.25
    form = crises["forout"].astype(int)
    return pd.DataFrame(
        {
            "id": crises["crisno"].astype(int),
            "start": start,
            "duration": duration,
            "event": np.where(form <= 2, 1, 2),
        }
    )


# -- estimators ----------------------------------------------------------------------------


def _round(values: Any) -> list[float]:
    return [round(float(v), DIGITS) for v in np.asarray(values, dtype=float)]


def _step(times: np.ndarray, values: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Right-continuous step function (``values`` at ``times``) evaluated on ``grid``."""
    index = np.searchsorted(times, grid, side="right") - 1
    return values[np.clip(index, 0, None)]


def survival_curve(duration: pd.Series, ended: pd.Series, grid: np.ndarray) -> dict[str, Any]:
    """Kaplan-Meier of the time to any end, on ``grid``, with its 95% band and at-risk counts."""
    from lifelines import KaplanMeierFitter

    fitter = KaplanMeierFitter().fit(duration, ended)
    times = fitter.survival_function_.index.to_numpy()
    band = fitter.confidence_interval_survival_function_.to_numpy()
    at_risk = fitter.event_table["at_risk"]
    risk = np.array([int(at_risk[at_risk.index >= g].iloc[0]) if (at_risk.index >= g).any()
                     else 0 for g in grid])  # fmt: skip
    return {
        "survival": _round(_step(times, fitter.survival_function_.to_numpy()[:, 0], grid)),
        "lower": _round(_step(times, band[:, 0], grid)),
        "upper": _round(_step(times, band[:, 1], grid)),
        "at_risk": risk.tolist(),
    }


def agreement_incidence(duration: pd.Series, event: pd.Series, grid: np.ndarray) -> dict[str, Any]:
    """Aalen-Johansen cumulative incidence of an end in agreement (event 1), with its band."""
    import warnings

    from lifelines import AalenJohansenFitter

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lifelines warns about tied times and jitters them
        fitter = AalenJohansenFitter(seed=0).fit(duration, event, event_of_interest=1)
    frame = fitter.cumulative_density_
    times = frame.index.to_numpy()
    band = fitter.confidence_interval_cumulative_density_.to_numpy()
    return {
        "incidence": _round(_step(times, frame.to_numpy()[:, 0], grid)),
        "lower": _round(np.nan_to_num(_step(times, band[:, 0], grid))),
        "upper": _round(np.nan_to_num(_step(times, band[:, 1], grid), nan=1.0)),
    }


def claim_hazard(years: pd.DataFrame) -> dict[str, Any]:
    """Discrete-time cloglog hazard of a claim's end per claim-year (statsmodels GLM).

    Terms: intercept, ``log(1 + age)`` (age in years since the claim began),
    ``salience`` (ICOW 0-12 divided by 12) and ``recent_mid`` (1 if the dyad had a
    militarised dispute over the claim in the last ten years, ICOW ``recmid10`` > 0).
    """
    import statsmodels.api as sm

    X = pd.DataFrame(
        {
            "intercept": 1.0,
            "log_age": np.log1p(years["age"].to_numpy(dtype=float)),
            "salience": years["icowsal"].to_numpy(dtype=float) / 12.0,
            "recent_mid": (years["recmid10"].to_numpy() > 0).astype(float),
        }
    )
    link = sm.families.links.CLogLog()
    model = sm.GLM(years["end"].to_numpy(), X, family=sm.families.Binomial(link=link))
    fit = model.fit()
    return {
        "link": "cloglog",
        "unit": "claim-year",
        "terms": list(X.columns),
        "coef": _round(fit.params.to_numpy()),
        "se": _round(fit.bse.to_numpy()),
        "claim_years": len(years),
        "ends": int(years["end"].sum()),
        "salience_median": float(np.median(years["icowsal"])),
    }


def conflict_years(episodes: pd.DataFrame) -> pd.DataFrame:
    """Episode-years: one row per year an episode was at risk, with how the year ended.

    Year ``k`` (age ``k`` to ``k + 1``) is 1 if the episode ended in a peace agreement in
    it, 2 if it ended another way, 0 if it went on; the last year of an episode still
    going on (censored) is left out unless it was observed whole.
    """
    rows = []
    for record, episode in episodes.iterrows():
        whole = int(np.floor(episode["duration"]))
        for k in range(whole + 1):
            last = k == whole
            if last and episode["event"] == 0:
                break  # a censored part-year: its outcome is unknown
            outcome = 0 if not last else (1 if episode["event"] == 1 else 2)
            rows.append(
                (record, k, outcome,
                 bool(episode["interstate"]), bool(episode["territorial"]))
            )  # fmt: skip
    return pd.DataFrame(rows, columns=["record", "age", "outcome", "interstate", "territorial"])


def conflict_hazard(episodes: pd.DataFrame) -> dict[str, Any]:
    """Discrete-time competing-risks hazard per episode-year (statsmodels ``MNLogit``).

    A multinomial logit of the year's outcome (0 goes on, 1 peace agreement, 2 another
    end) on ``log(1 + age)``, interstate and territorial (Allison 1982; Singer & Willett
    2003, ch. 12): per year, P(agreement) and P(other end) given the episode is open.
    """
    import statsmodels.api as sm

    years = conflict_years(episodes)
    X = pd.DataFrame(
        {
            "intercept": 1.0,
            "log_age": np.log1p(years["age"].to_numpy(dtype=float)),
            "interstate": years["interstate"].to_numpy(dtype=float),
            "territorial": years["territorial"].to_numpy(dtype=float),
        }
    )
    fit = sm.MNLogit(years["outcome"].to_numpy(), X).fit(disp=False, method="newton")
    params = fit.params.to_numpy()  # (terms, 2): agreement, other end, against "goes on"
    return {
        "link": "multinomial-logit",
        "unit": "episode-year",
        "terms": list(X.columns),
        "coef": [_round(params[:, 0]), _round(params[:, 1])],
        "outcomes": ["agreement", "other end"],
        "episode_years": len(years),
        "agreements": int((years["outcome"] == 1).sum()),
        "other_ends": int((years["outcome"] == 2).sum()),
    }


# -- classes -------------------------------------------------------------------------------


def _entry(
    label: str,
    source: str,
    unit: str,
    event: str,
    competing: str,
    filter_: str,
    records: list[int],
    events: int,
    grid: np.ndarray,
    curve: dict[str, Any],
    incidence: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "label": label,
        "source": source,
        "unit": unit,
        "event": event,
        "competing_risks": competing,
        "filter": filter_,
        "n": len(records),
        "events": events,
        "records": sorted(records),
        "grid_years": _round(grid),
        "any_end": curve,
        "agreement": incidence,
    }


def build(data: Path = DATA) -> dict[str, Any]:
    """Every reference class, as the JSON document shipped in the package."""
    import lifelines
    import statsmodels

    classes: dict[str, Any] = {}
    spans, years = icow_claims(data)
    claim_grid = np.arange(0.0, 121.0)
    claim_event = "the dyadic claim ended, by any route (ICOW provisional data do not say how)"
    claim_competing = (
        "none separable: the end of a claim (agreement, adjudication, conquest, dropped) "
        "is the event, so the curve is an upper bound on P(ends in agreement)"
    )
    classes["territorial-claim"] = _entry(
        "interstate territorial claim",
        "icow",
        "dyadic claim (claimdy), years since its first claim-year",
        claim_event,
        claim_competing,
        "all dyadic claims begun after 1816",
        [int(i) for i in spans.index],
        int(spans["ended"].sum()),
        claim_grid,
        survival_curve(spans["duration"], spans["ended"], claim_grid),
        None,
    )
    classes["territorial-claim"]["hazard"] = claim_hazard(years)

    episodes = ucdp_episodes(data)
    conflict_grid = np.arange(0.0, 75.01, 1 / 12)
    conflict_event = "the conflict-dyad episode ended in a peace agreement (UCDP outcome 1)"
    conflict_competing = (
        "ceasefire, victory of either side, low activity and actor ceasing compete with an "
        "agreement: the agreement curve is the Aalen-Johansen cumulative incidence"
    )
    conflict_groups = {
        "armed-conflict:interstate": (episodes[episodes["interstate"]], "interstate (type 2)"),
        "armed-conflict:intrastate-territorial": (
            episodes[~episodes["interstate"] & episodes["territorial"]],
            "not interstate, incompatibility over territory (1 or 3)",
        ),
        "armed-conflict:intrastate-government": (
            episodes[~episodes["interstate"] & ~episodes["territorial"]],
            "not interstate, incompatibility over government (2)",
        ),
    }
    hazard = conflict_hazard(episodes)
    for name, (group, text) in conflict_groups.items():
        classes[name] = _entry(
            "armed conflict, " + text.split(" (")[0],
            "ucdp",
            "conflict-dyad episode (dyadep_id), years since the episode began",
            conflict_event,
            conflict_competing,
            text,
            [int(i) for i in group.index],
            int((group["event"] == 1).sum()),
            conflict_grid,
            survival_curve(group["duration"], group["event"] > 0, conflict_grid),
            agreement_incidence(group["duration"], group["event"], conflict_grid),
        )
        classes[name]["hazard"] = hazard

    crises = icb_crises(data)
    crisis_grid = np.arange(0.0, 10.01, 1 / 12)
    classes["crisis"] = _entry(
        "international crisis",
        "icb",
        "crisis (crisno), years since its trigger",
        "the crisis ended in a formal or semi-formal agreement (ICB forout 1-2)",
        "tacit, unilateral, imposed and other ends compete: Aalen-Johansen incidence",
        "all ICB crises with trigger and termination dates",
        crises["id"].astype(int).tolist(),
        int((crises["event"] == 1).sum()),
        crisis_grid,
        survival_curve(crises["duration"], crises["event"] > 0, crisis_grid),
        agreement_incidence(crises["duration"], crises["event"], crisis_grid),
    )
    return {
        "version": 1,
        "built_by": "scripts/build_reference_classes.py",
        "libraries": {"lifelines": lifelines.__version__, "statsmodels": statsmodels.__version__},
        "sources": SOURCES,
        "classes": classes,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"{args.data}: outcome data folder not found", file=sys.stderr)
        return 2
    document = build(args.data)
    text = json.dumps(document, separators=(",", ":"), allow_nan=False)
    args.out.write_text(text + "\n", encoding="utf-8")
    for name, item in document["classes"].items():
        print(f"{name}: n={item['n']} events={item['events']}")
    hazard = document["classes"]["territorial-claim"]["hazard"]
    print("claim hazard", dict(zip(hazard["terms"], hazard["coef"], strict=True)))
    conflict = document["classes"]["armed-conflict:interstate"]["hazard"]
    print("conflict hazard", conflict["terms"], conflict["coef"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
