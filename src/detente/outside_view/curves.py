"""Evaluate the shipped reference classes: P(the dispute ends in agreement by a date).

The numbers come from ``reference_classes.json`` (package data), written by
``scripts/build_reference_classes.py`` from the ICOW, UCDP and ICB datasets (see that
script and ``docs/calibration.md`` for the estimators). Nothing is fitted here: the
curves are step functions on a fixed grid of years since the dispute began, and the
territorial-claim hazard is a discrete-time complementary log-log model evaluated with
numpy.

Conditioning on age. A dispute that has run ``a`` years at ``as_of`` has, by
definition, not ended yet, so its outside view is conditional:

* territorial claims (cloglog hazard of a claim's end per claim-year, covariates age,
  salience, recent militarised disputes) and armed conflicts (multinomial-logit hazards
  of an agreement and of another end per episode-year, covariates age, interstate,
  territorial): year ``k`` from ``a`` ends the dispute with probability ``q_k`` (any
  route), a share ``s_k`` of it in agreement; as a constant rate within each year,
  ``P(agreement by a + h) = sum_k S_k (1 - exp(-r_k w_k)) s_k`` with
  ``r_k = -log(1 - q_k)``, ``S_k = exp(-sum_{j<k} r_j)`` and ``w_k`` the part of year
  ``k`` inside the window. Territorial claims have no separable route (``s_k = 1``): the
  end of a claim by any route, an upper bound on an end in agreement.
* crises (Aalen-Johansen incidence ``F`` of an end in agreement, Kaplan-Meier ``S`` of any
  end): ``(F(a + h) - F(a)) / S(a)`` for ``h >= 1`` year; for shorter windows a constant
  hazard within the year, ``1 - (1 - q)^h`` with ``q`` the one-year value; then, with
  ``r`` crises still open at age ``a``, shrunk to ``(r p + 1/2) / (r + 1)`` (the posterior
  mean of a proportion under Jeffreys' prior), so a handful of long crises never gives 0
  or 1.
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

    def column_at(self, key: str, column: str, years: np.ndarray) -> np.ndarray:
        """Column ``column`` of table ``key`` (``any_end`` or ``agreement``) at ``years``."""
        values = np.asarray(self.data[key][column], dtype=float)
        index = np.searchsorted(self.grid, years, side="right") - 1
        return values[np.clip(index, 0, values.size - 1)]

    def survival(self, years: np.ndarray) -> np.ndarray:
        """Kaplan-Meier P(not ended by ``years`` since the start), shape of ``years``."""
        return self.column_at("any_end", "survival", np.asarray(years, dtype=float))

    def agreement_by(self, years: np.ndarray, band: str = "incidence") -> np.ndarray:
        """Unconditional P(ended in agreement by ``years``) from the start.

        For territorial claims (no separable route) this is ``1 - S``, an upper bound.
        ``band`` is ``incidence`` (the estimate), ``lower`` or ``upper`` (95% band).
        """
        t = np.asarray(years, dtype=float)
        if self.data["agreement"] is None:
            column = {"incidence": "survival", "lower": "upper", "upper": "lower"}[band]
            return 1.0 - self.column_at("any_end", column, t)
        return self.column_at("agreement", band, t)

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

    def competing_hazards(
        self, age: np.ndarray, interstate: bool, territorial: bool
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per-year P(agreement) and P(another end) of an open episode (multinomial logit)."""
        model = self.data["hazard"]
        x = np.stack(
            [
                np.ones_like(np.asarray(age, dtype=float)),
                np.log1p(np.asarray(age, dtype=float)),
                np.full(np.shape(age), float(interstate)),
                np.full(np.shape(age), float(territorial)),
            ],
            axis=-1,
        )
        scores = np.exp(x @ np.asarray(model["coef"], dtype=float).T)  # (..., 2)
        total = 1.0 + scores.sum(axis=-1)
        return scores[..., 0] / total, scores[..., 1] / total

    def conditional(
        self,
        age: float,
        horizons: np.ndarray,
        *,
        salience: float | None = None,
        recent_mid: bool = False,
        interstate: bool | None = None,
        territorial: bool | None = None,
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
            class's median when ``None``).
        interstate, territorial:
            Covariates of the armed-conflict hazard (default: as the class's name says).

        Returns
        -------
        numpy.ndarray
            Probabilities in [0, 1), the shape of ``horizons``.
        """
        h = np.clip(np.asarray(horizons, dtype=float), 0.0, None)
        model = self.data.get("hazard")
        if model is None:
            return self._from_curves(age, h)
        whole = int(np.ceil(h.max(initial=0.0)))
        ages = age + np.arange(max(whole, 1))
        if model["link"] == "cloglog":
            level = model["salience_median"] if salience is None else salience
            agree, other = self.hazard(ages, level, recent_mid), np.zeros(ages.size)
        else:
            agree, other = self.competing_hazards(
                ages,
                self.name.endswith("interstate") if interstate is None else interstate,
                self.name.endswith("territorial") if territorial is None else territorial,
            )
        # per year: total rate of ending and the agreement share, so a part-year w ends
        # with probability 1 - exp(-rate w), of which the share ends in agreement
        rate = -np.log1p(-(agree + other))
        share = agree / (agree + other)
        alive = np.exp(-np.concatenate([[0.0], np.cumsum(rate)]))  # open at each year start
        gained = np.concatenate([[0.0], np.cumsum(alive[:-1] * -np.expm1(-rate) * share)])
        k = np.minimum(np.floor(h).astype(int), ages.size - 1)
        k = np.where(h >= ages.size, ages.size, k)
        fraction = h - k
        partial = np.where(
            k < ages.size,
            alive[k] * -np.expm1(-rate[np.minimum(k, ages.size - 1)] * fraction)
            * share[np.minimum(k, ages.size - 1)],
            0.0,
        )  # fmt: skip
        return np.asarray(gained[k] + partial)

    def _from_curves(self, age: float, h: np.ndarray) -> np.ndarray:
        """Conditional P from the Aalen-Johansen and Kaplan-Meier curves (crises)."""
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
        estimate = np.where(h < 1.0, within, step)
        # few episodes still open at this age: shrink towards 1/2 as a proportion out of
        # the r at risk would be under Jeffreys' prior, (r p + 1/2) / (r + 1), so a
        # handful of episodes never yields a certainty
        at_risk = float(self.column_at("any_end", "at_risk", np.array([age]))[0])
        return np.asarray(np.where(h > 0, (at_risk * estimate + 0.5) / (at_risk + 1.0), 0.0))

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
