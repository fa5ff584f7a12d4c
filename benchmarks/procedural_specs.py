"""Every specification tried for the procedural model (#13), scored by proposal-grouped CV.

Not a timing: the table of ``docs/backtest-deu.md`` ("Specifications tried"). Each row
is a specification fitted and scored only by the backtest's 10 proposal-grouped folds
(:func:`detente.analysis.stacking.grouped_folds`); hyperparameters, where a row has
them, are chosen by an inner 5-fold grouped CV on the training folds (nested: the outer
fold never sees the tuning). Rows marked *fixed* show single settings scored on the
outer folds: picking the best of them would be selection on the test folds, so the last
row repeats the whole choice among 43 specifications inside every outer fold.

MAE and the paired difference against compromise carry the backtest's proposal
bootstrap (2000 resamples; ``default_rng([0, crc32(name)])``).

Usage::

    python benchmarks/procedural_specs.py [--data DEU_TSV]   # about 2 minutes of CPU
"""

from __future__ import annotations

import argparse
import os
import warnings
from collections.abc import Callable

os.environ.setdefault("OMP_NUM_THREADS", "1")  # many small fits: threads only contend

import numpy as np

from _bench import DEU_FILE, data_path, load
from detente.analysis import procedural_trees as pt
from detente.analysis.backtest_scores import grouped_bootstrap_mean_ci, row_rng
from detente.analysis.procedural_fit import procedural_rows
from detente.analysis.stacking import fit_simplex_lad, grouped_folds
from detente.analysis.voting_weights import capability_function
from detente.io.deu import read_deu
from detente.models.procedural import FEATURES, TREE_FEATURES

Predictor = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""(train, test) indices -> forecasts of test as places in the actors' range."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", help="the DEU TSV (default: shared/data/deu/deu-I-II.tsv)")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.linear_model import LogisticRegression, QuantileRegressor

    print(load())
    path = data_path(DEU_FILE, args.data)
    issues = [
        i for i in read_deu(path, capabilities=capability_function("council")) if i.n_actors >= 3
    ]
    rows = procedural_rows(issues)
    z = {name: rows.tree_inputs[:, k] for k, name in enumerate(TREE_FEATURES)}
    x_all, cand = rows.tree_inputs, rows.features
    y, low, width = rows.outcomes, rows.low, rows.width
    t = pt.range_places(y, low, width)
    groups = np.array(rows.groups)
    rules = np.array(rows.rules)
    n = y.size
    folds = grouped_folds(list(groups), 10)
    comp = cand[:, FEATURES.index("compromise")]

    def points(place: np.ndarray, idx: np.ndarray | slice = slice(None)) -> np.ndarray:
        return np.asarray(np.clip(low[idx] + width[idx] * place, 0, 100))

    def show(name: str, forecast: np.ndarray, note: str = "") -> None:
        errors = np.abs(forecast - y)
        diff = errors - np.abs(comp - y)
        ci = grouped_bootstrap_mean_ci(errors, groups, rng=row_rng(0, name), n_resamples=2000)
        dci = grouped_bootstrap_mean_ci(
            diff, groups, rng=row_rng(0, name + "/diff"), n_resamples=2000
        )
        print(
            f"| {name} | {errors.mean():.2f} | [{ci[0]:.2f}, {ci[1]:.2f}] | {diff.mean():+.2f} "
            f"| [{dci[0]:+.2f}, {dci[1]:+.2f}] | {note} |",
            flush=True,
        )

    def outer(predict: Predictor, raw: bool = False) -> np.ndarray:
        out = np.empty(n)
        for f in range(10):
            test, train = np.flatnonzero(folds == f), np.flatnonzero(folds != f)
            out[test] = predict(train, test)
        return out if raw else points(out)

    def nested(
        configs: list[object], make: Callable[[object], Predictor]
    ) -> tuple[np.ndarray, list[object]]:
        chosen: list[object] = []

        def predict(train: np.ndarray, test: np.ndarray) -> np.ndarray:
            inner = grouped_folds(list(groups[train]), 5)
            errors = []
            for config in configs:
                p = np.empty(train.size)
                for g in range(5):
                    p[inner == g] = make(config)(train[inner != g], train[inner == g])
                errors.append(np.mean(np.abs(points(p, train) - y[train])))
            best = configs[int(np.argmin(errors))]
            chosen.append(best)
            return make(best)(train, test)

        return outer(predict), chosen

    def stack_by(strata: np.ndarray, columns: list[str]) -> Predictor:
        xs = np.column_stack([z[c] for c in columns])

        def predict(train: np.ndarray, test: np.ndarray) -> np.ndarray:
            out = np.empty(test.size)
            for s in np.unique(strata[test]):
                a, b = train[strata[train] == s], strata[test] == s
                out[b] = xs[test[b]] @ fit_simplex_lad(xs[a], t[a])
            return out

        return predict

    print("| Specification | MAE | MAE 95% CI | Δ vs compromise | Δ 95% CI | Note |")
    print("|:---|---:|---:|---:|---:|:---|")
    show("compromise", comp)
    s1 = outer(stack_by(rules, list(FEATURES)))
    show("A. convex stack per voting rule (the model before)", s1, "places in the actors' range")
    lock = np.where(
        z["reference_point_coded"] == 0, "none", np.where(z["gridlock"] == 1, "in", "out")
    )
    show(
        "B1. compromise shrunk to the Council pivot, by gridlock",
        outer(stack_by(lock, ["compromise", "council_pivot"])),
    )
    both = np.char.add(lock.astype(str), rules.astype(str))
    show(
        "B2. the same, by gridlock and voting rule",
        outer(stack_by(both, ["compromise", "council_pivot"])),
    )
    show("B3. convex stack by gridlock", outer(stack_by(lock, list(FEATURES))))

    # C: median regression of the place, relative to the compromise, with interactions
    relative = [c for c in FEATURES if c != "compromise"] + [
        "pivot_left",
        "pivot_right",
        "council_mean",
    ]
    base = np.column_stack(
        [z[c] - z["compromise"] for c in relative]
        + [z["reference_point_coded"] * (z["reference_point"] - z["compromise"])]
    )
    dummies = np.column_stack(
        [z[c] for c in ("codecision", "unanimity", "gridlock", "reference_point_coded")]
    )
    design = np.column_stack(
        [base, *(base * dummies[:, [j]] for j in range(4)), dummies]
        + [z[c] for c in ("share_at_reference_point", "commission_salience", "parliament_salience")]
    )

    def median_regression(alpha: object) -> Predictor:
        def predict(train: np.ndarray, test: np.ndarray) -> np.ndarray:
            fit = QuantileRegressor(quantile=0.5, alpha=float(alpha), solver="highs")  # type: ignore[arg-type]
            fit.fit(design[train], t[train] - z["compromise"][train])
            return np.asarray(z["compromise"][test] + fit.predict(design[test]))

        return predict

    alphas: list[object] = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2]
    forecast, chosen = nested(alphas, median_regression)
    show("C. median regression (QuantileRegressor), alpha nested", forecast, f"alphas {chosen}")
    for alpha in alphas:
        show(f"C. fixed alpha {alpha}", outer(median_regression(alpha)), "fixed")

    # D: boosted trees of the place (absolute loss), the shipped 18-setting grid
    staged: dict[tuple[object, ...], list[np.ndarray]] = {}

    def trees(config: object, residual: bool = False) -> Predictor:
        depth, leaf, rounds = config  # type: ignore[misc]

        def predict(train: np.ndarray, test: np.ndarray) -> np.ndarray:
            # one fit of 400 rounds per depth and leaf; fewer rounds are its stages
            key = (train.tobytes(), test.tobytes(), depth, leaf, residual)
            shift = z["compromise"] if residual else np.zeros(n)
            if key not in staged:
                fit = HistGradientBoostingRegressor(
                    loss="absolute_error", learning_rate=0.05, max_iter=400, max_depth=depth,
                    min_samples_leaf=leaf, early_stopping=False, random_state=0,
                )  # fmt: skip
                fit.fit(x_all[train], t[train] - shift[train])
                staged[key] = list(fit.staged_predict(x_all[test]))
            return np.asarray(shift[test] + staged[key][rounds - 1])

        return predict

    small: list[object] = [(d, 20, r) for d in (2, 3) for r in (30, 100, 200)]  # first grid
    grid: list[object] = [(s.max_depth, s.min_samples_leaf, s.max_iter) for s in pt.GRID]
    forecast, chosen = nested(small, trees)
    show("D1. boosted trees of the place, 6 settings nested", forecast, f"{chosen}")
    forecast, chosen = nested(small, lambda c: trees(c, residual=True))
    show("D2. boosted trees of the residual from compromise, nested", forecast, f"{chosen}")
    forecast, chosen = nested(grid, trees)
    show("D3. boosted trees of the place, 18 settings nested", forecast, f"{chosen}")
    fixed = {}
    for config in grid:
        fixed[config] = outer(trees(config))
        show(f"D. fixed (depth, leaf, rounds) = {config}", fixed[config], "fixed")
    places = np.array([outer(trees(c), raw=True) for c in grid])
    stack_places = outer(stack_by(rules, list(FEATURES)), raw=True)
    show("D4. mean of the 18 fixed settings (no tuning)", points(places.mean(axis=0)))
    show("D5. median of the 18 fixed settings (no tuning)", points(np.median(places, axis=0)))
    show("D6. (D4 + A) / 2", points((places.mean(axis=0) + stack_places) / 2))

    # E: mixtures: which candidate is nearest, classified; soft = weighted median
    mix = np.column_stack(
        [z[c] for c in ("compromise", "council_pivot", "commission", "parliament")]
        + [np.zeros(n), np.ones(n)]
    )
    label = np.argmin(np.abs(mix - t[:, None]), axis=1)

    def mixture(config: object, soft: bool = True) -> Predictor:
        kind, size = config  # type: ignore[misc]

        def predict(train: np.ndarray, test: np.ndarray) -> np.ndarray:
            if kind == "logit":
                fit = LogisticRegression(C=size, max_iter=2000)
            else:
                fit = HistGradientBoostingClassifier(
                    max_depth=2, learning_rate=0.05, max_iter=size, min_samples_leaf=20,
                    early_stopping=False, random_state=0,
                )  # fmt: skip
            fit.fit(x_all[train], label[train])
            proba = np.zeros((test.size, mix.shape[1]))
            proba[:, fit.classes_] = fit.predict_proba(x_all[test])
            values = mix[test]
            if not soft:
                return np.asarray(values[np.arange(test.size), proba.argmax(axis=1)])
            order = np.argsort(values, axis=1)
            v, w = np.take_along_axis(values, order, 1), np.take_along_axis(proba, order, 1)
            cum = np.cumsum(w, axis=1)
            return np.asarray(v[np.arange(test.size), np.argmax(cum >= 0.5 * cum[:, -1:], axis=1)])

        return predict

    kinds: list[object] = [("logit", c) for c in (0.03, 0.1, 0.3, 1, 3)] + [
        ("trees", r) for r in (30, 100)
    ]
    forecast, chosen = nested(kinds, mixture)
    show("E1. mixture: weighted median of the candidates, nested", forecast, f"{chosen}")
    forecast, chosen = nested(kinds, lambda c: mixture(c, soft=False))
    show("E2. mixture: the most probable candidate, nested", forecast, f"{chosen}")

    # F: the shipped model: (trees tuned by inner CV on the blend + A) / 2, nested
    forecast, settings = rows.nested_cv(folds)
    show("F. procedural (shipped): (trees, 18 settings nested on the blend + stack) / 2", forecast,
         f"{[(s.max_depth, s.min_samples_leaf, s.max_iter) for s in settings]}")  # fmt: skip

    # G: the whole choice among 43 specifications, nested in every outer fold
    specs = {
        "A": stack_by(rules, list(FEATURES)),
        **{("C", a): median_regression(a) for a in (3e-3, 1e-2, 3e-2)},
        **{("D", c): trees(c) for c in grid},
    }

    def every(train: np.ndarray, test: np.ndarray) -> dict[object, np.ndarray]:
        found = {k: f(train, test) for k, f in specs.items()}
        found["compromise"] = z["compromise"][test]
        found["D4"] = np.mean([found[("D", c)] for c in grid], axis=0)
        found["D6"] = (found["D4"] + found["A"]) / 2
        for c in grid:
            found[("D", c, "+A")] = (found[("D", c)] + found["A"]) / 2
        return found

    chosen_specs: list[object] = []

    def choose(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        inner = grouped_folds(list(groups[train]), 5)
        inner_pred: dict[object, np.ndarray] = {}
        for g in range(5):
            for k, p in every(train[inner != g], train[inner == g]).items():
                inner_pred.setdefault(k, np.empty(train.size))[inner == g] = p
        errors = {k: np.mean(np.abs(points(p, train) - y[train])) for k, p in inner_pred.items()}
        best = min(errors, key=lambda k: errors[k])
        chosen_specs.append(best)
        return every(train, test)[best]

    forecast = outer(choose)
    show(
        f"G. choice among {len(specs) + 3 + len(grid)} specifications, nested",
        forecast,
        f"{chosen_specs}",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
