"""Uncertain numbers: a scenario value is either a number or a range ``{low, mode, high}``.

Static models use the *mode*; uncertainty analysis samples the range. A range is read
as a triangular distribution on ``[low, high]`` with its peak at ``mode`` (the
analyst's best guess). This module is pure: no IO, no global randomness.
"""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, model_validator

__all__ = ["Quantity", "Range", "as_range"]


class Range(BaseModel):
    """A value known only within ``[low, high]``, most likely ``mode``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    low: float
    mode: float
    high: float

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

    def sample(self, rng: np.random.Generator, size: int | None = None) -> Any:
        """Draw from the triangular distribution (a fixed value returns itself)."""
        if self.is_fixed:
            return self.mode if size is None else np.full(size, self.mode)
        return rng.triangular(self.low, self.mode, self.high, size=size)

    def __float__(self) -> float:
        return float(self.mode)

    def describe(self, fmt: str = "g") -> str:
        """``"7"`` for a fixed value, ``"7 (5–9)"`` for a range."""
        if self.is_fixed:
            return format(self.mode, fmt)
        return f"{self.mode:{fmt}} ({self.low:{fmt}}–{self.high:{fmt}})"


def as_range(value: Any) -> Any:
    """Coerce a plain number to a fixed :class:`Range`; leave mappings to pydantic."""
    if isinstance(value, bool):
        raise ValueError("expected a number or a range {low, mode, high}, got a boolean")
    if isinstance(value, int | float):
        return Range(low=value, mode=value, high=value)
    if isinstance(value, list | tuple) and len(value) == 3:
        raise ValueError("write a range as a mapping {low: ..., mode: ..., high: ...}, not a list")
    if value is None or isinstance(value, str):
        raise ValueError(f"expected a number or a range {{low, mode, high}}, got {value!r}")
    return value


def _serialise(value: Range) -> float | dict[str, float]:
    if value.is_fixed:
        return value.mode
    return {"low": value.low, "mode": value.mode, "high": value.high}


Quantity = Annotated[Range, BeforeValidator(as_range), PlainSerializer(_serialise)]
"""A scenario number: plain (``7``) or uncertain (``{low: 5, mode: 7, high: 9}``)."""
