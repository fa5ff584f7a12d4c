"""Time-split check of the reference classes: fit on episodes begun before 1990, score after.

Two out-of-time tests of the outside view (numbers in ``docs/calibration.md``):

1. **Territorial claims (ICOW).** The discrete-time cloglog hazard of
   ``scripts/build_reference_classes.py`` is fitted on claims begun before 1990 (their
   claim-years up to 1989 only, so nothing after the split is seen) and forecasts, for
   every claim-year from 1990 on, P(the claim ends this year). Compared with a constant:
   the pre-1990 share of claim-years that ended a claim.
2. **Armed conflicts (UCDP).** Aalen-Johansen curves per class (interstate, intrastate
   territorial, intrastate government) fitted on episodes begun before 1990 (censored at
   the end of 1989) forecast, for every episode begun 1990-2015, P(it ends in a peace
   agreement within 5 years of its start); so does the competing-risks hazard (multinomial
   logit per episode-year, as shipped) fitted on the same pre-1990 data; compared with
   the pooled pre-1990 curve (no class). Episodes begun after 2015 are left out (five
   years not yet observed).

Scores: Brier, log score (clipped at 0.001) and AUC from :mod:`detente.analysis.scores`.
Usage: ``python scripts/time_split_check.py [--data DIR]``; needs the calibration extra.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from detente.analysis.scores import auc_score, brier_score, log_score

SPLIT = 1990
WINDOW = 5.0


def _builder() -> Any:
    """The build script as a module (it sits beside this one)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import build_reference_classes

    return build_reference_classes


def _scores(name: str, p: np.ndarray, y: np.ndarray) -> str:
    outcomes = y.astype(bool).tolist()
    logarithmic, _ = log_score(p.tolist(), outcomes)
    auc = auc_score(p.tolist(), outcomes)
    return (
        f"  {name:<34} Brier {brier_score(p.tolist(), outcomes):.4f}  log {logarithmic:.4f}  "
        f"AUC {'-' if auc is None else f'{auc:.3f}'}"
    )


def claims(build: Any, data: Path) -> list[str]:
    spans, years = build.icow_claims(data)
    began = years["claimdy"].map(spans["first"])
    train = years[(began < SPLIT) & (years["year"] < SPLIT)]
    test = years[years["year"] >= SPLIT]
    test = test[test["year"] < build.ICOW_LAST_YEAR]
    model = build.claim_hazard(train)
    coef = dict(zip(model["terms"], model["coef"], strict=True))
    eta = (
        coef["intercept"]
        + coef["log_age"] * np.log1p(test["age"].to_numpy(dtype=float))
        + coef["salience"] * test["icowsal"].to_numpy(dtype=float) / 12
        + coef["recent_mid"] * (test["recmid10"].to_numpy() > 0)
    )
    hazard = 1 - np.exp(-np.exp(eta))
    y = test["end"].to_numpy(dtype=float)
    constant = np.full_like(hazard, train["end"].mean())
    return [
        f"ICOW claim-years {SPLIT}-2000: n = {len(test)}, {int(y.sum())} claims ended "
        f"(fitted on {len(train)} claim-years before {SPLIT})",
        _scores("cloglog hazard (age, salience, MIDs)", hazard, y),
        _scores("constant pre-1990 rate", constant, y),
        _scores("hindsight: the 1990-2000 share", np.full_like(hazard, y.mean()), y),
    ]


def conflicts(build: Any, data: Path) -> list[str]:
    episodes = build.ucdp_episodes(data)
    split = pd.Timestamp(f"{SPLIT}-01-01")
    train = episodes[episodes["start"] < split].copy()
    # censor the training episodes at the split: nothing after 1989 is seen
    seen = ((split - train["start"]).dt.days / 365.25).clip(lower=1 / 365.25)
    late = train["duration"] > seen
    train.loc[late, "event"] = 0
    train["duration"] = np.minimum(train["duration"], seen)
    test = episodes[(episodes["start"] >= split) & (episodes["start"] < pd.Timestamp("2016-01-01"))]
    grid = np.array([WINDOW])

    def p_at(group: pd.DataFrame) -> float:
        return float(
            build.agreement_incidence(group["duration"], group["event"], grid)["incidence"][0]
        )

    def class_of(frame: pd.DataFrame) -> pd.Series:
        return np.where(
            frame["interstate"], "interstate", np.where(frame["territorial"], "territorial", "gov")
        )

    from detente.outside_view.curves import ReferenceClass

    hazard = ReferenceClass("armed-conflict", {"hazard": build.conflict_hazard(train)})
    p_hazard = np.array(
        [
            hazard.conditional(0.0, np.array([WINDOW]), interstate=i, territorial=t)[0]
            for i, t in zip(test["interstate"], test["territorial"], strict=True)
        ]
    )
    train_class, test_class = class_of(train), class_of(test)
    by_class = {name: p_at(train[train_class == name]) for name in set(train_class)}
    pooled = p_at(train)
    y = ((test["event"] == 1) & (test["duration"] <= WINDOW)).to_numpy(dtype=float)
    p_class = np.array([by_class[name] for name in test_class])
    return [
        f"UCDP episodes begun {SPLIT}-2015: n = {len(test)}, {int(y.sum())} ended in a peace "
        f"agreement within {WINDOW:g} years (fitted on {len(train)} episodes begun before {SPLIT})",
        _scores("competing-risks hazard (mlogit)", p_hazard, y),
        _scores("Aalen-Johansen by class", p_class, y),
        _scores("pooled pre-1990 curve", np.full_like(p_class, pooled), y),
        _scores("hindsight: the 1990-2015 share", np.full_like(p_class, y.mean()), y),
    ]


def main(argv: list[str] | None = None) -> int:
    build = _builder()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=build.DATA)
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"{args.data}: outcome data folder not found", file=sys.stderr)
        return 2
    for line in claims(build, args.data) + conflicts(build, args.data):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
