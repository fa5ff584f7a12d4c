"""Evaluate the shipped reference classes: P(the dispute ends in agreement by a date).

The numbers come from ``reference_classes.json`` (package data), written by
``scripts/build_reference_classes.py`` from the ICOW, UCDP and ICB datasets (see that
script and ``docs/calibration.md`` for the estimators). Nothing is fitted here: the
curves are step functions on a fixed grid of years since the dispute began, and the
territorial-claim hazard is a discrete-time complementary log-log model evaluated with
numpy.

Conditioning on age. A dispute that has run ``a`` years at ``as_of`` has, by
definition, not ended yet, so its outside view is conditional:

* territorial claims (hazard model): ``P(end by a + h) = 1 - prod_k (1 - h_k)^{w_k}``
  over the claim-years from ``a`` to ``a + h``, ``h_k = 1 - exp(-exp(x_k'beta))``, the
  last year weighted by its fraction ``w_k``;
* armed conflicts and crises (Aalen-Johansen incidence ``F`` of an end in agreement,
  Kaplan-Meier ``S`` of any end): ``(F(a + h) - F(a)) / S(a)`` for ``h >= 1`` year; for
  shorter windows a constant hazard within the year, ``1 - (1 - q)^h`` with ``q`` the
  one-year value (the curves are step functions: a window of weeks would otherwise often
  fall between two recorded agreements and get exactly 0).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from detente.errors import DetenteError

__all__ = ["ReferenceClass", "load_reference_classes", "reference_class", "years_between"]

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class ReferenceClass:
    """One reference class as shipped: its records, curves and (claims) hazard model."""

    name: str
    data: dict[str, Any]

    @property
    def label(self) -> str:
        return str(self.data["label"])

    @property
    def n(self) -> int:
        return int(self.data["n"])

    @property
    def events(self) -> int:
        return int(self.data["events"])

    @property
    def grid(self) -> np.ndarray:
        return np.asarray(self.data["grid_years"], dtype=float)

    @property
    def has_hazard(self) -> bool:
        return "hazard" in self.data

    def _at(self, key: str, column: str, years: np.ndarray) -> np.ndarray:
        values = np.asarray(self.data[key][column], dtype=float)
        index = np.searchsorted(self.grid, years, side="right") - 1
        return values[np.clip(index, 0, values.size - 1)]

    def survival(self, years: np.ndarray) -> np.ndarray:
        """Kaplan-Meier P(not ended by ``years`` since the start), shape of ``years``."""
        return self._at("any_end", "survival", np.asarray(years, dtype=float))

    def agreement_by(self, years: np.ndarray, band: str = "incidence") -> np.ndarray:
        """Unconditional P(ended in agreement by ``years``) from the start.

        For territorial claims (no separable route) this is ``1 - S``, an upper bound.
        ``band`` is ``incidence`` (the estimate), ``lower`` or ``upper`` (95% band).
        """
        t = np.asarray(years, dtype=float)
        if self.data["agreement"] is None:
            column = {"incidence": "survival", "lower": "upper", "upper": "lower"}[band]
            return 1.0 - self._at("any_end", column, t)
        return self._at("agreement", band, t)

    def hazard(self, age: np.ndarray, salience: float, recent_mid: bool) -> np.ndarray:
        """Annual hazard of a claim's end at ``age`` years (cloglog model), shape of ``age``."""
        model = self.data["hazard"]
        coef = dict(zip(model["terms"], model["coef"], strict=True))
        eta = (
            coef["intercept"]
            + coef["log_age"] * np.log1p(np.asarray(age, dtype=float))
            + coef["salience"] * salience / 12.0
            + coef["recent_mid"] * float(recent_mid)
        )
        return np.asarray(1.0 - np.exp(-np.exp(eta)))

    def conditional(
        self,
        age: float,
        horizons: np.ndarray,
        *,
        salience: float | None = None,
        recent_mid: bool = False,
    ) -> np.ndarray:
        """P(ends in agreement within ``horizons`` years | still open at ``age`` years).

        Parameters
        ----------
        age:
            Years the dispute has run at ``as_of`` (>= 0).
        horizons:
            Years after ``as_of`` (any shape; values <= 0 give 0).
        salience, recent_mid:
            Covariates of the territorial-claim hazard (salience on ICOW's 0-12; the
            class's median when ``None``); ignored by the other classes.

        Returns
        -------
        numpy.ndarray
            Probabilities in [0, 1), the shape of ``horizons``.
        """
        h = np.clip(np.asarray(horizons, dtype=float), 0.0, None)
        if self.has_hazard:
            level = self.data["hazard"]["salience_median"] if salience is None else salience
            whole = int(np.ceil(h.max(initial=0.0)))
            ages = age + np.arange(whole)
            log_keep = np.log1p(-self.hazard(ages, level, recent_mid))
            cumulative = np.concatenate([[0.0], np.cumsum(log_keep)])
            k = np.floor(h).astype(int)
            fraction = h - k
            partial = np.where(k < whole, log_keep[np.minimum(k, max(whole - 1, 0))], 0.0)
            return np.asarray(1.0 - np.exp(cumulative[k] + fraction * partial))
        start = self.survival(np.array([age]))[0]
        if start <= 0:
            raise DetenteError(
                f"reference class {self.name!r}: no episode lasted {age:.1f} years, "
                "so the outside view at that age is undefined"
            )
        before = self.agreement_by(np.array([age]))[0]
        step = np.clip((self.agreement_by(age + h) - before) / start, 0.0, 1.0)
        # within the first year, a constant hazard: 1 - (1 - q1)^h, q1 the one-year value
        first_year = np.clip((self.agreement_by(np.array([age + 1.0]))[0] - before) / start, 0, 1)
        within = -np.expm1(h * np.log1p(-min(first_year, 1 - 1e-12)))
        return np.asarray(np.where(h < 1.0, within, step))

    def records_note(self, shown: int = 8) -> str:
        """Which records the class rests on: source, filter, N and the first ids."""
        records = self.data["records"]
        head = ", ".join(str(r) for r in records[:shown])
        more = f" and {len(records) - shown} more" if len(records) > shown else ""
        return f"{self.data['source'].upper()} {self.data['unit']}: {head}{more}"


@cache
def load_reference_classes() -> dict[str, Any]:
    """The shipped document (``reference_classes.json``), parsed once."""
    text = resources.files("detente.outside_view").joinpath("reference_classes.json")
    return dict(json.loads(text.read_text(encoding="utf-8")))


def reference_class(name: str) -> ReferenceClass:
    """The shipped reference class ``name`` (e.g. ``territorial-claim:high-salience``)."""
    classes = load_reference_classes()["classes"]
    if name not in classes:
        raise DetenteError(f"unknown reference class {name!r}; known: {', '.join(classes)}")
    return ReferenceClass(name, classes[name])


def years_between(start: dt.date, end: dt.date) -> float:
    """Years from ``start`` to ``end`` (days / 365.25)."""
    return (end - start).days / DAYS_PER_YEAR
