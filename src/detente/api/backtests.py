"""The results of the backtests (``detente.backtest_deu``, ``detente.backtest_cases``), with
the methods every result has (:class:`detente.api.results.Result`): ``to_dict``,
``to_frame``, ``plot``, ``markdown`` and the notebook display."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from detente.api.results import Result, new_axes

if TYPE_CHECKING:
    import pandas as pd

    from detente.analysis.backtest import BacktestResult
    from detente.analysis.case_backtest import CaseBacktestResult

__all__ = ["CaseBacktest", "DeuBacktest"]


@dataclass(frozen=True, repr=False)
class DeuBacktest(Result):
    """The models' track record on the DEU data set (``docs/backtest-deu.md``)."""

    result: BacktestResult

    def to_dict(self) -> dict[str, Any]:
        """The document of ``detente backtest deu -f json``."""
        return self.result.to_dict()

    def to_frame(self, table: str = "issues") -> pd.DataFrame:
        """``"issues"``: one row per issue and model (forecast, outcome, absolute error);
        ``"models"``: one row per model with its scores."""
        from detente.api.frames import backtest_frame

        return backtest_frame(self.result, table)

    def renderables(self) -> list[Any]:
        """The terminal tables: all issues, then per procedure and voting rule."""
        from detente.report.backtest_tables import backtest_tables

        return list(backtest_tables(self.result))

    def markdown(self) -> str:
        from detente.report.backtest_tables import backtest_markdown

        return backtest_markdown(self.result) + "\n"

    def plot(self, ax: Any = None) -> Any:
        """Each model's mean absolute error with its bootstrap 95% interval."""
        from detente.report.explain_figures import draw_backtest

        return draw_backtest(new_axes(ax), self.result)

    def __repr__(self) -> str:
        return f"<DeuBacktest {self.result.dataset}: {self.result.scored} issues scored>"


@dataclass(frozen=True, repr=False)
class CaseBacktest(Result):
    """The whether-and-when forecasters scored on historical cases."""

    result: CaseBacktestResult
    folder: str

    def to_dict(self) -> dict[str, Any]:
        """The document of ``detente backtest cases -f json``."""
        return self.result.to_dict()

    def to_frame(self, table: str = "cases") -> pd.DataFrame:
        """``"cases"``: one row per case and forecaster (probability, outcome, squared
        error); ``"scores"``: one row per forecaster (Brier, skill, log score, AUC)."""
        from detente.api.frames import cases_frame

        return cases_frame(self.result, table)

    def renderables(self) -> list[Any]:
        from detente.report.case_tables import case_tables

        return list(case_tables(self.result))

    def markdown(self) -> str:
        from detente.report.case_tables import case_markdown

        return case_markdown(self.result) + "\n"

    def plot(self, ax: Any = None) -> Any:
        """The reliability diagram of the main forecasters (as ``--plot``)."""
        from detente.report.case_tables import draw_reliability

        return draw_reliability(new_axes(ax, (5.5, 5.5)), self.result)

    def __repr__(self) -> str:
        return f"<CaseBacktest {self.folder}: {len(self.result.rows)} cases>"
