"""The result of a sweep (``detente.sweep``), with the methods every result has
(:class:`detente.api.results.Result`): ``to_dict``, ``to_frame``, ``plot``, ``markdown``
and the notebook display."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from detente.api.results import Result, new_axes

if TYPE_CHECKING:
    import pandas as pd

    from detente.analysis.sweep import SweepResult

__all__ = ["Sweep"]


@dataclass(frozen=True, repr=False)
class Sweep(Result):
    """The forecast at every point of a sweep specification (``docs/scale-out.md``)."""

    result: SweepResult
    spec: str
    varied: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The document of ``detente sweep -f json``: the sweep's id in the run store
        (``None`` when not recorded) and one row per run."""
        return {"sweep": self.result.sweep_id, "rows": self.result.rows()}

    def to_frame(self) -> pd.DataFrame:
        """One row per run: ``index``, ``scenario``, the varied parameters, then every
        model's numbers (``MODEL:measure``; probabilities in [0, 1], outcomes on the
        issue's scale, times in years), as the ``--out`` table."""
        import pandas as pd

        return pd.DataFrame(self.result.rows())

    def renderables(self) -> list[Any]:
        """The terminal table of ``detente sweep``."""
        from detente.report.sweep_table import sweep_table

        return [sweep_table(self.result.rows(), self.varied, "to_frame()")]

    def plot(self, ax: Any = None) -> Any:
        """The headline number (the calibrated P when the dated model runs) against the
        first varied parameter, one line per scenario."""
        from detente.report.sweep_table import draw_sweep

        return draw_sweep(new_axes(ax), self.result.rows(), self.varied)

    def __repr__(self) -> str:
        return f"<Sweep {self.spec}: {len(self.result.documents)} runs>"
