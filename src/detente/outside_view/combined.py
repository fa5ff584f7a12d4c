"""One calibrated whether-and-when forecast: the outside view and the structural model, fitted.

The reported probability that the agreement is concluded by date *t* combines

* the **outside view** ``p0(t)``: the reference class's P(the dispute ends in agreement
  by *t* | still open at ``as_of``) (:mod:`detente.outside_view.curves`), and
* the **structural model**: ``ps(t)``, the dated model's Monte Carlo P(agreement by *t*)
  (the share of draws of the scenario's ranges whose win-sets meet, weighted by the war
  of attrition, deadlines and turnover of :mod:`detente.models.deadline_bargaining`),
  and whether a zone of agreement exists now at the modes (the two-level verdict),

in a complementary log-log model, the discrete-time hazard link (Allison 1982; Singer &
Willett 2003)::

    cloglog P(t) = cloglog p0(t) + a + b * cloglog ps(t) + d * zone_now

The outside view is an **offset** (its coefficient is fixed at 1): the hazard of the case
is the reference class's hazard times ``exp(a + b cloglog ps + d zone_now)``, so the time
profile of the forecast (how P grows from one date to the next) is the reference
class's, and the case library only scales it. ``a`` is the calibration layer (a constant
hazard ratio between the cases and their reference classes: the cases are negotiations
under way, the classes all disputes), ``b`` and ``d`` say what the structural model adds.
With ``a = b = d = 0`` the forecast is the outside view itself. With a few dozen cases
the fit is regularised heavily: maximum a posteriori under independent normal priors
``a ~ N(0, 1.5)``, ``b ~ N(0, 0.5)``, ``d ~ N(0, 1)`` (weakly informative priors in the
sense of Gelman, Jakulin, Pittau & Su 2008, *Annals of Applied Statistics* 2(4):
1360-1383), with ``b >= 0`` so that a higher structural probability never lowers the
forecast. ``ps`` is clipped to ``[0.005, 0.995]`` and ``p0`` to ``[1e-4, 1 - 1e-4]``
before the cloglog, and every output to ``[1e-6, 1 - 1e-6]`` (in double precision
``1 - exp(-exp(eta))`` is exactly 1 for ``eta`` above about 3.6).

A free slope on ``cloglog p0`` (prior ``N(1, 0.5)``) was tried first and dropped: fitted
across cases it mixes two different things, the differences between cases (class, age,
window) and the time profile within one case, and on the library it came out near 0.2,
which flattened every forecast in time (the default scenario's P by three months was
half its P by five and a half years, against about 1/18 for the reference class).

**Routes the model cannot see.** The structural model alone gives P = 0 whenever the
win-sets cannot meet, although disputes end through routes it does not model (an
unscheduled leader change, a regime change, an outside guarantor, a package nobody
listed). The forecaster ``structural`` adds them as a hazard proportional to the
reference class's: ``P(t) = 1 - (1 - ps(t)) (1 - p0(t))^theta``, ``theta`` fitted on the
cases (MAP under a Gamma(2, 2) prior, :func:`fit_unseen_routes`). In the calibrated
model the same floor comes from the outside-view term: with ``ps`` at its clip the
forecast is still ``> 0``. So no forecast here is exactly 0 or 1, except at dates on or
before ``as_of`` (nothing can be signed before the forecast is made), which the callers
handle.

**Outside the fitted range.** A forecast is made at its inputs bounded to the range the
coefficients were fitted on (winsorised, :meth:`Calibration.bounded`, range
:class:`FittedRange`): the outside view above by the largest among the fitting cases
with the same two-level verdict, the structural probability to its fitted range. With a
zone now the fitted hazard ratio ``exp(a + d + b cloglog ps)`` is large (about 56 with
the shipped coefficients), and applied to an outside view beyond any zone-now case's it
drives the forecast to 1 on evidence no case gives (a fisheries scenario with a zone now
and ``p0`` = 0.21 printed > 0.9999; bounded, 0.985). The outside view is not bounded
below, where the forecast shrinks in proportion to it (the time profile of short
windows). Bounding a predictor so that values beyond those the model was fitted on
cannot drive its prediction is a standard guard against extrapolating a regression
(Royston, P. & Sauerbrei, W. 2007, "Improving the robustness of fractional polynomial
models by preliminary covariate transformation: a pragmatic approach", *Computational
Statistics & Data Analysis* 51(9): 4240-4253, do it with a smooth transformation; here
the plainer truncation at the fitted extremes, so that inside the range nothing
changes). Its out-of-sample cost on the case library is in docs/calibration.md
(``scripts/compare_calibrations.py``).

Everything fitted on cases is cross-fitted in the backtest (:func:`cross_fit`: each case
is forecast by coefficients fitted without it). The coefficients detente ships
(``calibration.json``) are fitted on every case in ``cases/`` by
``scripts/fit_calibration.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.optimize import minimize, minimize_scalar

from detente.errors import DetenteError

if TYPE_CHECKING:
    from detente.executors import Executor

__all__ = [
    "OUTSIDE_CLIP",
    "PRIOR_MEAN",
    "PRIOR_SD",
    "STRUCTURAL_CLIP",
    "Calibration",
    "FittedRange",
    "Folds",
    "cloglog",
    "cross_fit",
    "fit_calibration",
    "fit_folds",
    "fit_unseen_routes",
    "inverse_cloglog",
    "shipped_calibration",
    "with_unseen_routes",
]

STRUCTURAL_CLIP = 0.005
OUTSIDE_CLIP = 1e-4
TERMS = ("intercept", "outside_view", "structural", "zone_now")
PRIOR_MEAN = np.array([0.0, 1.0, 0.0, 0.0])
PRIOR_SD = np.array([1.5, 1.0, 0.5, 1.0])  # the outside view's slope is fixed at 1
_BOUNDS = [(None, None), (1.0, 1.0), (0.0, None), (None, None)]
FREE = (0, 2, 3)  # the fitted terms: intercept, structural, zone_now
THETA_MAX = 200.0
THETA_SHAPE, THETA_RATE = 2.0, 2.0
FLOAT_FLOOR = 1e-6  # below what any output prints; keeps float rounding from reaching 0 or 1


def cloglog(p: np.ndarray) -> np.ndarray:
    """``log(-log(1 - p))`` elementwise (p in (0, 1))."""
    return np.asarray(np.log(-np.log1p(-np.asarray(p, dtype=float))))


def inverse_cloglog(eta: np.ndarray) -> np.ndarray:
    """``1 - exp(-exp(eta))`` elementwise, computed without cancellation."""
    return np.asarray(-np.expm1(-np.exp(np.asarray(eta, dtype=float))))


def design(outside: np.ndarray, structural: np.ndarray, zone_now: np.ndarray) -> np.ndarray:
    """The design matrix, shape ``outside.shape + (4,)``: 1, cloglog p0, cloglog ps, zone."""
    p0 = np.clip(np.asarray(outside, dtype=float), OUTSIDE_CLIP, 1 - OUTSIDE_CLIP)
    ps = np.clip(np.asarray(structural, dtype=float), STRUCTURAL_CLIP, 1 - STRUCTURAL_CLIP)
    zone = np.broadcast_to(np.asarray(zone_now, dtype=float), p0.shape)
    return np.stack([np.ones_like(p0), cloglog(p0), cloglog(ps), zone], axis=-1)


@dataclass(frozen=True)
class FittedRange:
    """The range of the features the coefficients were fitted on (winsorising bounds).

    ``outside_max`` is the largest outside view among the cases without and with a zone
    of agreement now (``(no zone, zone now)``; ``None`` where no case had that verdict);
    ``structural`` the smallest and largest dated-model probability (after its clip).
    A forecast is made at the inputs bounded to this range (:meth:`Calibration.bounded`).
    """

    outside_max: tuple[float | None, float | None]
    structural: tuple[float, float]

    @classmethod
    def of(cls, outside: np.ndarray, structural: np.ndarray, zone_now: np.ndarray) -> FittedRange:
        """The range of ``n`` cases' inputs (shape ``(n,)`` each, ``n >= 1``)."""
        p0 = np.clip(np.asarray(outside, dtype=float), OUTSIDE_CLIP, 1 - OUTSIDE_CLIP)
        ps = np.clip(np.asarray(structural, dtype=float), STRUCTURAL_CLIP, 1 - STRUCTURAL_CLIP)
        zone = np.asarray(zone_now, dtype=float) > 0.5
        by_zone = tuple(
            float(p0[zone == level].max()) if np.any(zone == level) else None
            for level in (False, True)
        )
        return cls((by_zone[0], by_zone[1]), (float(ps.min()), float(ps.max())))

    def to_dict(self) -> dict[str, Any]:
        return {
            "outside_view_max": {"no_zone": self.outside_max[0], "zone_now": self.outside_max[1]},
            "structural": list(self.structural),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FittedRange:
        top = data["outside_view_max"]
        low, high = data["structural"]
        return cls((top["no_zone"], top["zone_now"]), (float(low), float(high)))


@dataclass(frozen=True)
class Calibration:
    """Fitted coefficients of the calibrated forecaster (and the unseen-route factor).

    ``coef`` follows :data:`TERMS`; ``theta`` scales the reference-class hazard into the
    hazard of routes the structural model cannot see; ``fitted_range`` bounds the inputs
    of a forecast to what the fit saw (``None``: no bound, as with no cases).
    """

    coef: tuple[float, float, float, float]
    theta: float
    n: int
    agreed: int
    covariance: tuple[tuple[float, ...], ...] | None = None
    fitted_range: FittedRange | None = None
    prior_sd: tuple[float, ...] = tuple(float(v) for v in PRIOR_SD)

    def bounded(
        self, outside: np.ndarray, structural: np.ndarray, zone_now: np.ndarray | bool
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The inputs winsorised to :attr:`fitted_range`, and where that changed them.

        The outside view is bounded **above** by the largest one among the fitted cases
        with the same two-level verdict (a zone now or not): the hazard ratio the fit
        found for a zone now was never applied to a larger outside view, and on the
        cloglog link applying it there drives the forecast to 1 (module docstring).
        It is not bounded below: there the forecast shrinks in proportion to the outside
        view, which is the time profile a short window needs. The structural probability
        is bounded to the fitted range on both sides.

        Returns
        -------
        (numpy.ndarray, numpy.ndarray, numpy.ndarray)
            The bounded outside view and structural probability (the broadcast shape of
            the inputs) and a boolean array, True where either was changed.
        """
        p0 = np.clip(np.asarray(outside, dtype=float), OUTSIDE_CLIP, 1 - OUTSIDE_CLIP)
        ps = np.clip(np.asarray(structural, dtype=float), STRUCTURAL_CLIP, 1 - STRUCTURAL_CLIP)
        zone = np.asarray(zone_now, dtype=float) > 0.5
        p0, ps, zone = np.broadcast_arrays(p0, ps, zone)
        if self.fitted_range is None:
            return p0, ps, np.zeros(p0.shape, dtype=bool)
        known = [v for v in self.fitted_range.outside_max if v is not None]
        top = [known[0] if v is None else v for v in self.fitted_range.outside_max]
        ceiling = np.where(zone, top[1], top[0])
        low, high = self.fitted_range.structural
        new_p0 = np.minimum(p0, ceiling)
        new_ps = np.clip(ps, low, high)
        changed = (new_p0 != p0) | (new_ps != ps)
        return np.asarray(new_p0), np.asarray(new_ps), np.asarray(changed)

    def predict(
        self, outside: np.ndarray, structural: np.ndarray, zone_now: np.ndarray | bool
    ) -> np.ndarray:
        """Calibrated P(agreement by t), the broadcast shape of the inputs, in (0, 1).

        Computed at the inputs bounded to the fitted range (:meth:`bounded`).
        """
        p0, ps, _ = self.bounded(outside, structural, zone_now)
        eta = design(p0, ps, np.asarray(zone_now)) @ np.asarray(self.coef)
        return np.asarray(np.clip(inverse_cloglog(eta), FLOAT_FLOOR, 1 - FLOAT_FLOOR))

    def band(
        self,
        outside: np.ndarray,
        structural: np.ndarray,
        zone_now: np.ndarray | bool,
        level: float = 0.9,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Central ``level`` band of :meth:`predict` from the coefficients' uncertainty.

        The Laplace approximation of the posterior of ``a``, ``b``, ``d`` (normal, with
        the inverse of the Fisher information plus the prior precision as covariance,
        :attr:`covariance`) carried to the linear predictor and through the inverse link
        (monotone, so the band of P is the image of the band of the linear predictor).
        Without a covariance (no cases) the band is the point forecast. Like
        :meth:`predict`, at the inputs bounded to the fitted range (:meth:`bounded`).
        """
        from scipy.stats import norm

        p0, ps, _ = self.bounded(outside, structural, zone_now)
        x = design(p0, ps, np.asarray(zone_now))
        eta = x @ np.asarray(self.coef)
        if self.covariance is None:
            spread = np.zeros_like(eta)
        else:
            free = x[..., list(FREE)]
            cov = np.asarray(self.covariance)
            spread = np.sqrt(np.einsum("...i,ij,...j->...", free, cov, free))
        z = float(norm.ppf(0.5 + level / 2))
        low = np.clip(inverse_cloglog(eta - z * spread), FLOAT_FLOOR, 1 - FLOAT_FLOOR)
        high = np.clip(inverse_cloglog(eta + z * spread), FLOAT_FLOOR, 1 - FLOAT_FLOOR)
        return np.asarray(low), np.asarray(high)

    def structural_with_floor(self, outside: np.ndarray, structural: np.ndarray) -> np.ndarray:
        """The structural model plus routes it cannot see (:func:`with_unseen_routes`)."""
        return with_unseen_routes(outside, structural, self.theta)

    def to_dict(self) -> dict[str, Any]:
        return {
            "terms": list(TERMS),
            "coef": list(self.coef),
            "theta": self.theta,
            "n": self.n,
            "agreed": self.agreed,
            "covariance_terms": [TERMS[i] for i in FREE],
            "covariance": None if self.covariance is None else [list(r) for r in self.covariance],
            "prior_mean": PRIOR_MEAN.tolist(),
            "prior_sd": list(self.prior_sd),
            "fitted_range": None if self.fitted_range is None else self.fitted_range.to_dict(),
        }


def with_unseen_routes(outside: np.ndarray, structural: np.ndarray, theta: float) -> np.ndarray:
    """``1 - (1 - ps)(1 - p0)^theta``: the structural P with a hazard of unseen routes.

    Strictly inside (0, 1) when ``theta > 0`` and ``0 < p0 < 1``.
    """
    p0 = np.clip(np.asarray(outside, dtype=float), OUTSIDE_CLIP, 1 - OUTSIDE_CLIP)
    ps = np.clip(np.asarray(structural, dtype=float), 0.0, 1 - OUTSIDE_CLIP)
    p = 1.0 - (1.0 - ps) * np.exp(theta * np.log1p(-p0))
    return np.asarray(np.clip(p, FLOAT_FLOOR, 1 - FLOAT_FLOOR))


def _check(*arrays: np.ndarray) -> None:
    sizes = {a.shape for a in arrays}
    if len(sizes) != 1 or arrays[0].ndim != 1 or arrays[0].size == 0:
        raise DetenteError(f"need one value per case in every input, got shapes {sizes}")


def fit_calibration(
    outside: np.ndarray,
    structural: np.ndarray,
    zone_now: np.ndarray,
    agreed: np.ndarray,
    *,
    prior_sd: np.ndarray | None = None,
) -> Calibration:
    """Fit the calibrated forecaster (MAP, module docstring) and ``theta`` on cases.

    Parameters
    ----------
    outside, structural, zone_now, agreed:
        One value per case, shape ``(n,)``: p0 and ps at each case's horizon, whether a
        zone exists now at the modes, and whether the agreement was concluded.
    prior_sd:
        Standard deviations of the normal priors, one per term of :data:`TERMS`
        (default :data:`PRIOR_SD`; the outside view's entry is unused, its slope fixed);
        ``scripts/compare_calibrations.py`` scores alternatives out of sample.

    Returns
    -------
    Calibration
    """
    arrays = [np.asarray(x, dtype=float) for x in (outside, structural, zone_now, agreed)]
    if arrays[3].size == 0:  # nothing to learn from: the priors' means, unseen routes at p0's rate
        return Calibration((0.0, 1.0, 0.0, 0.0), 1.0, 0, 0)
    _check(*arrays)
    X = design(arrays[0], arrays[1], arrays[2])
    y = arrays[3]
    sd = PRIOR_SD if prior_sd is None else np.asarray(prior_sd, dtype=float)

    def objective(beta: np.ndarray) -> tuple[float, np.ndarray]:
        eta = X @ beta
        mu = np.exp(eta)
        p = inverse_cloglog(eta)
        log_p = np.log(np.clip(p, 1e-300, None))
        loglik = np.sum(y * log_p - (1 - y) * mu)
        # d loglik / d eta: y * mu * exp(-mu) / p - (1 - y) * mu
        score = y * mu * np.exp(-mu) / np.clip(p, 1e-300, None) - (1 - y) * mu
        z = (beta - PRIOR_MEAN) / sd
        value = -loglik + 0.5 * float(z @ z)
        gradient = -(X.T @ score) + z / sd
        return float(value), gradient

    fit = minimize(objective, PRIOR_MEAN.copy(), jac=True, method="L-BFGS-B", bounds=_BOUNDS)
    if not fit.success:  # pragma: no cover - a smooth convex-enough problem
        raise DetenteError(f"calibration fit did not converge: {fit.message}")
    coef = tuple(float(v) for v in fit.x)
    return Calibration(
        coef=(coef[0], coef[1], coef[2], coef[3]),
        theta=fit_unseen_routes(arrays[0], arrays[1], y),
        n=int(y.size),
        agreed=int(y.sum()),
        covariance=_laplace_covariance(X, fit.x, sd),
        fitted_range=FittedRange.of(arrays[0], arrays[1], arrays[2]),
        prior_sd=tuple(float(v) for v in sd),
    )


def _laplace_covariance(
    X: np.ndarray, beta: np.ndarray, prior_sd: np.ndarray
) -> tuple[tuple[float, ...], ...]:
    """Inverse of (Fisher information + prior precision) for the free terms at ``beta``.

    For the cloglog link the Fisher information is ``X' W X`` with
    ``w = (dp/deta)^2 / (p (1 - p))`` and ``dp/deta = exp(eta - exp(eta))`` (McCullagh &
    Nelder 1989, ch. 4); the normal priors add ``1 / sd^2`` on the diagonal.
    """
    eta = X @ beta
    p = np.clip(inverse_cloglog(eta), 1e-12, 1 - 1e-12)
    slope = np.exp(eta - np.exp(eta))
    weight = slope**2 / (p * (1 - p))
    free = X[:, list(FREE)]
    information = free.T @ (weight[:, None] * free) + np.diag(1 / prior_sd[list(FREE)] ** 2)
    covariance = np.linalg.inv(information)
    return tuple(tuple(float(v) for v in row) for row in covariance)


def fit_unseen_routes(outside: np.ndarray, structural: np.ndarray, agreed: np.ndarray) -> float:
    """MAP ``theta`` of :func:`with_unseen_routes` on cases, in [0, 200].

    Prior: ``theta ~ Gamma(shape 2, rate 2)`` (mean 1: routes the model cannot see end
    disputes at about the reference class's rate; mode 1/2; density 0 at 0, so a library
    without a surprise yet does not fit the floor away entirely). Added after the
    maximum-likelihood fit went to 0 on a library whose every agreement the structural
    model gave some chance.
    """
    y = np.asarray(agreed, dtype=float)

    def negative_loglik(theta: float) -> float:
        p = np.clip(with_unseen_routes(outside, structural, theta), 1e-12, 1 - 1e-12)
        loglik = float(np.sum(y * np.log(p) + (1 - y) * np.log1p(-p)))
        log_prior = (THETA_SHAPE - 1) * np.log(max(theta, 1e-300)) - THETA_RATE * theta
        return -(loglik + float(log_prior))

    fit = minimize_scalar(negative_loglik, bounds=(0.0, THETA_MAX), method="bounded")
    return float(fit.x)


@dataclass(frozen=True)
class Folds:
    """One task of :func:`cross_fit`: the leave-one-out fits of cases ``held_out``
    (picklable, pure)."""

    arrays: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    held_out: tuple[int, ...]


def fit_folds(task: Folds) -> list[tuple[float, float]]:
    """Per held-out case ``i`` of ``task`` (in a worker): the calibrated and the
    structural-with-unseen-routes forecast of ``i`` from coefficients fitted without it."""
    arrays = task.arrays
    out = []
    for i in task.held_out:
        keep = np.arange(arrays[0].size) != i
        fitted = fit_calibration(*(a[keep] for a in arrays))
        out.append(
            (
                float(fitted.predict(arrays[0][i], arrays[1][i], bool(arrays[2][i]))),
                float(fitted.structural_with_floor(arrays[0][i], arrays[1][i])),
            )
        )
    return out


def cross_fit(
    outside: np.ndarray,
    structural: np.ndarray,
    zone_now: np.ndarray,
    agreed: np.ndarray,
    *,
    executor: Executor | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Leave-one-out forecasts: case ``i`` is forecast by coefficients fitted without it.

    Parameters
    ----------
    outside, structural, zone_now, agreed:
        As for :func:`fit_calibration`, shape ``(n,)``.
    executor:
        Where the ``n`` fits run, in a few tasks of consecutive cases
        (:mod:`detente.executors`; default: serially here). The fits are deterministic,
        so the result does not depend on it.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Shape ``(n,)`` each: the calibrated forecasts and the structural-with-unseen-
        routes forecasts, every one out of sample.
    """
    from detente.executors import SerialExecutor, run_ordered, split_evenly, task_count

    arrays = [np.asarray(x, dtype=float) for x in (outside, structural, zone_now, agreed)]
    _check(*arrays)
    chosen = executor or SerialExecutor()
    packed = (arrays[0], arrays[1], arrays[2], arrays[3])
    tasks = [
        Folds(packed, tuple(part))
        for part in split_evenly(range(arrays[0].size), task_count(chosen))
    ]
    found: list[tuple[float, float]] = []
    run_ordered(chosen, fit_folds, tasks, lambda _task, part: found.extend(part))
    calibrated = np.array([c for c, _ in found])
    floored = np.array([f for _, f in found])
    return calibrated, floored


@cache
def shipped_calibration() -> Calibration:
    """The coefficients shipped with detente (``calibration.json``)."""
    path = resources.files("detente.outside_view").joinpath("calibration.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    coef = tuple(float(v) for v in data["coef"])
    covariance = data.get("covariance")
    bounds = data.get("fitted_range")
    return Calibration(
        (coef[0], coef[1], coef[2], coef[3]),
        float(data["theta"]),
        int(data["n"]),
        int(data["agreed"]),
        None if covariance is None else tuple(tuple(float(v) for v in r) for r in covariance),
        None if bounds is None else FittedRange.from_dict(bounds),
    )
