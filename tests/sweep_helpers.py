"""Helpers shared by the sweep tests (local executors and Dask)."""

from __future__ import annotations

from collections.abc import Callable

from detente.analysis.sweep import SweepPoint
from detente.scenarios import load_embedded


def capability_points(capabilities: list[float]) -> list[SweepPoint]:
    """One run of the default scenario per value of Russia's capability."""
    scenario = load_embedded()
    return [
        SweepPoint("russia_japan_2018", scenario, {"actors.russia.capability": c},
                   {"actors.russia.capability": "russia.capability"})
        for c in capabilities
    ]  # fmt: skip


def interrupt_after(count: int) -> Callable[[int, int], None]:
    """A progress callback that raises ``KeyboardInterrupt`` (Ctrl-C) after ``count`` runs."""

    def progress(done: int, total: int) -> None:
        if done == count:
            raise KeyboardInterrupt

    return progress
