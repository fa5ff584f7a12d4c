"""Uncertain numbers: a scenario value is either a number or a range ``{low, mode, high}``.

Static models use the *mode*; uncertainty analysis samples the range. By default a
range is a triangular distribution on ``[low, high]`` peaking at ``mode`` (the analyst's
best guess). A range may name another bounded distribution with ``dist``:

``triangular`` (default)
    density rising linearly from ``low`` to ``mode`` and falling to ``high``.
``uniform``
    every value in ``[low, high]`` equally likely; ``mode`` (the value static models
    use) defaults to the midpoint.
``pert``
    the Beta-PERT distribution (Malcolm, Roseboom, Clark & Fazar 1959; Vose 2008,
    *Risk Analysis*, 3rd ed., ch. 9): ``low + (high - low) * Beta(a, b)`` with
    ``a = 1 + 4 (mode - low) / (high - low)`` and ``b = 1 + 4 (high - mode) / (high - low)``;
    smoother than the triangle, with less weight in the tails.

Only bounded laws are offered: every scenario number has a valid domain (a scale, 0-1,
>= 0) that an unbounded law would leave. This module is pure: no IO, no global
randomness.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    SerializerFunctionWrapHandler,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)

__all__ = [
    "DISTRIBUTIONS",
    "Quantity",
    "Range",
    "as_range",
    "nonnegative",
    "probability",
    "reads_as_number",
    "triangular_ppf",
]

DISTRIBUTIONS = ("triangular", "uniform", "pert")


def triangular_ppf(u: np.ndarray, low: float, mode: float, high: float) -> np.ndarray:
    """Inverse CDF of the triangular distribution on ``[low, high]`` peaking at ``mode``.

    ``low + sqrt(u (high - low)(mode - low))`` below ``u = (mode - low)/(high - low)``,
    ``high - sqrt((1 - u)(high - low)(high - mode))`` above it (Kotz & van Dorp 2004,
    *Beyond Beta*, ch. 1).

    Parameters
    ----------
    u
        Probabilities in [0, 1], any shape.
    low, mode, high
        The distribution, ``low <= mode <= high``; ``high <= low`` gives ``low``.

    Returns
    -------
    numpy.ndarray
        The quantiles, same shape as ``u``, in the units of ``low`` and ``high``.
    """
    u = np.asarray(u, dtype=float)
    if high <= low:
        return np.full_like(u, low)
    cut = (mode - low) / (high - low)
    left = low + np.sqrt(u * (high - low) * (mode - low))
    right = high - np.sqrt((1 - u) * (high - low) * (high - mode))
    return np.where(u < cut, left, right)


class Range(BaseModel):
    """A value known only within ``[low, high]``, most likely ``mode``."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    low: float
    mode: float
    high: float
    dist: Literal["triangular", "uniform", "pert"] = "triangular"

    @model_serializer(mode="wrap")
    def _omit_default_law(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        out: dict[str, Any] = handler(self)
        if self.dist == "triangular":
            out.pop("dist", None)
        return out

    @field_validator("dist", mode="before")
    @classmethod
    def _supported_law(cls, value: Any) -> Any:
        if value not in DISTRIBUTIONS:
            raise ValueError(
                f"distribution {value!r} is not supported; detente samples only bounded laws: "
                f"{', '.join(DISTRIBUTIONS)} (the default is triangular)"
            )
        return value

    @model_validator(mode="before")
    @classmethod
    def _uniform_mode(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("dist") == "uniform" and "mode" not in data:
            low, high = data.get("low"), data.get("high")
            if isinstance(low, int | float) and isinstance(high, int | float):
                return {**data, "mode": (low + high) / 2}
        return data

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not (np.isfinite(self.low) and np.isfinite(self.mode) and np.isfinite(self.high)):
            raise ValueError("low, mode and high must be finite numbers")
        if not self.low <= self.mode <= self.high:
            raise ValueError(
                f"expected low <= mode <= high, got low={self.low:g}, "
                f"mode={self.mode:g}, high={self.high:g}"
            )
        return self

    @property
    def is_fixed(self) -> bool:
        """True when the value is known exactly (``low == high``)."""
        return self.low == self.high

    def sample(self, rng: np.random.Generator, size: Any = None) -> Any:
        """Draw from the range's distribution (a fixed value returns itself).

        ``size`` is a numpy shape: ``None`` gives one float, otherwise an array of that
        shape, in the range's own units.
        """
        if self.is_fixed:
            return self.mode if size is None else np.full(size, self.mode)
        if self.dist == "uniform":
            return rng.uniform(self.low, self.high, size=size)
        if self.dist == "pert":
            a, b = self._pert_shape()
            return self.low + (self.high - self.low) * rng.beta(a, b, size=size)
        return rng.triangular(self.low, self.mode, self.high, size=size)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF: the value below which a share ``u`` of the draws fall.

        ``u`` holds probabilities in [0, 1], any shape; the result has the same shape,
        in the range's own units. Used to turn correlated uniforms (the Gaussian
        copula of :mod:`detente.copula`) into draws of this range.
        """
        u = np.asarray(u, dtype=float)
        if self.is_fixed:
            return np.full_like(u, self.mode)
        if self.dist == "uniform":
            return self.low + u * (self.high - self.low)
        if self.dist == "pert":
            from scipy.stats import beta

            a, b = self._pert_shape()
            return np.asarray(self.low + (self.high - self.low) * beta.ppf(u, a, b), dtype=float)
        return triangular_ppf(u, self.low, self.mode, self.high)

    def _pert_shape(self) -> tuple[float, float]:
        width = self.high - self.low
        return 1 + 4 * (self.mode - self.low) / width, 1 + 4 * (self.high - self.mode) / width

    def __float__(self) -> float:
        return float(self.mode)

    def describe(self, fmt: str = "g") -> str:
        """``"7"`` for a fixed value, ``"7 (5–9)"`` for a range."""
        if self.is_fixed:
            return format(self.mode, fmt)
        law = "" if self.dist == "triangular" else f"{self.dist} "
        return f"{self.mode:{fmt}} ({law}{self.low:{fmt}}–{self.high:{fmt}})"


def as_range(value: Any) -> Any:
    """Coerce a plain number to a fixed :class:`Range`; leave mappings to pydantic.

    Raises
    ------
    ValueError
        A boolean, a string, ``None`` or a three-item list (pydantic reports it as a
        validation error of the field).
    """
    if isinstance(value, bool):
        raise ValueError(f"{_FORMS}, got a boolean ({str(value).lower()})")
    if isinstance(value, int | float):
        return Range(low=value, mode=value, high=value)
    if isinstance(value, list | tuple):
        shown = "[" + ", ".join(str(v) for v in value) + "]"
        raise ValueError(f"{_FORMS}, got a list {shown}; write a range as a mapping, not a list")
    if value is None:
        raise ValueError(f"{_FORMS}, got nothing (an empty value)")
    if isinstance(value, str):
        hint = " (a number in quotes is text: remove the quotes)" if reads_as_number(value) else ""
        raise ValueError(f"{_FORMS}, got {value!r}{hint}")
    return value


def reads_as_number(text: str) -> bool:
    """Whether ``float(text)`` reads ``text`` (``"7"``, ``" 1e-3 "``, ``"nan"``)."""
    try:
        float(text)
    except ValueError:
        return False
    return True


_FORMS = (
    "expected a number (7) or a range {low: 5, mode: 7, high: 9} (optionally with dist: "
    + ", ".join(DISTRIBUTIONS)
    + ")"
)


def _serialise(value: Range) -> float | dict[str, Any]:
    if value.is_fixed:
        return value.mode
    out: dict[str, Any] = {"low": value.low, "mode": value.mode, "high": value.high}
    if value.dist != "triangular":
        out["dist"] = value.dist
    return out


Quantity = Annotated[Range, BeforeValidator(as_range), PlainSerializer(_serialise)]
"""A scenario number: plain (``7``) or uncertain (``{low: 5, mode: 7, high: 9}``)."""


def nonnegative(unit: str = "") -> AfterValidator:
    """A validator for ``Annotated[Quantity, nonnegative("months")]``: the whole range >= 0.

    The message names the field and, when given, the unit: ``"signing_lag must be >= 0
    months, got -1"``. The validator raises ``ValueError``, which pydantic reports as a
    validation error of the field.
    """
    suffix = f" {unit}" if unit else ""

    def check(value: Range, info: ValidationInfo) -> Range:
        if value.low < 0:
            raise ValueError(f"{info.field_name} must be >= 0{suffix}, got {value.describe()}")
        return value

    return AfterValidator(check)


def probability() -> AfterValidator:
    """A validator for ``Annotated[Quantity, probability()]``: the whole range in 0..1.

    The message names the field: ``"turnover must be a probability in 0..1, got 1.5"``.
    The validator raises ``ValueError``, which pydantic reports as a validation error
    of the field.
    """

    def check(value: Range, info: ValidationInfo) -> Range:
        if value.low < 0 or value.high > 1:
            raise ValueError(
                f"{info.field_name} must be a probability in 0..1, got {value.describe()}"
            )
        return value

    return AfterValidator(check)
