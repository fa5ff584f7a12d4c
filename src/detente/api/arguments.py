"""Checks of the verbs' numeric arguments, as strict as the command line's options.

The command line reads ``--runs 10`` with ``click.IntRange(min=1, max=MAX_RUNS)``, so a
text, a fraction or a number out of range never reaches a computation. The Python API
(:mod:`detente.api.verbs`, called by :class:`~detente.api.scenario.LoadedScenario`, the
web service and the command line alike) takes its arguments from code, where
``runs="10"``, ``runs=True`` or ``seed=-3`` would otherwise end in a ``TypeError`` deep
in numpy or be read as 1. Each check here raises one :class:`~detente.errors.DetenteError`
naming the argument, what was expected and what was given, with the bounds of
:mod:`detente.limits` (:data:`~detente.limits.MAX_RUNS`), the same as the options'.

A whole number is an ``int`` or a numpy integer, never a ``bool`` (``True`` is an
``int`` in Python, but nobody means one run by it), a ``float`` (``2.5`` runs) or a text.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from detente.errors import DetenteError
from detente.limits import MAX_RUNS

__all__ = ["check_fraction", "check_path", "check_runs", "check_seed", "check_whole"]


def _got(value: Any) -> str:
    return f"got {value!r} ({type(value).__name__})"


def check_whole(
    name: str, value: Any, least: int, most: int | None = None, *, also: str = ""
) -> int:
    """``value`` as an ``int`` if it is a whole number in ``least..most``, else an error
    (``also`` adds what else the argument takes, e.g. ``" or None"``).

    Raises
    ------
    DetenteError
        ``"runs: expected a whole number from 1 to 10,000,000, got '10' (str)"``.
    """
    span = f">= {least:,}" if most is None else f"from {least:,} to {most:,}"
    whole = (
        None if isinstance(value, bool) or not isinstance(value, numbers.Integral) else int(value)
    )
    if whole is None or whole < least or (most is not None and whole > most):
        raise DetenteError(f"{name}: expected a whole number {span}{also}, {_got(value)}")
    return whole


def check_runs(value: Any, least: int, *, optional: bool = False) -> int | None:
    """Monte Carlo draws: a whole number in ``least..MAX_RUNS`` (or ``None`` if ``optional``)."""
    if value is None and optional:
        return None
    return check_whole("runs", value, least, MAX_RUNS, also=" or None" if optional else "")


def check_seed(value: Any) -> int:
    """A root seed: a whole number >= 0 (``numpy.random.SeedSequence`` takes no other)."""
    return check_whole("seed", value, 0)


def check_fraction(
    name: str, value: Any, low: float, high: float, *, open_ends: bool = False
) -> float:
    """``value`` as a ``float`` if it is a real number in ``low..high`` (ends excluded if
    ``open_ends``), else an error naming the argument."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(float(value))
    ):
        ok = False
    else:
        number = float(value)
        ok = low < number < high if open_ends else low <= number <= high
    if not ok:
        kind = "strictly between" if open_ends else "from"
        joint = "and" if open_ends else "to"
        raise DetenteError(
            f"{name}: expected a number {kind} {low:g} {joint} {high:g}, {_got(value)}"
        )
    return float(value)


def check_path(name: str, value: Any, *, optional: bool = False) -> None:
    """``value`` is a text or an ``os.PathLike`` (or ``None`` when ``optional``).

    Raises
    ------
    DetenteError
        Naming the argument: ``detente.load(123)`` would otherwise end in a ``TypeError``
        inside ``os.fspath``.
    """
    import os

    if value is None and optional:
        return
    if not isinstance(value, str | os.PathLike):
        expected = "a file path or a name" + (" or None" if optional else "")
        raise DetenteError(f"{name}: expected {expected}, {_got(value)}")
