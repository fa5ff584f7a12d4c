"""The results of the API's verbs: one JSON document, tidy tables, figures, rich display.

Every result has

* ``to_dict()``: exactly the JSON document the command prints with ``-f json``
  (``docs/json-output.md``);
* ``to_frame()``: a tidy :class:`pandas.DataFrame` (:mod:`detente.api.frames`; pandas
  is imported then, from the ``notebook`` extra);
* ``plot(ax=None)``: the command's figure drawn on a matplotlib ``Axes`` (a new figure
  when ``ax`` is ``None``), returned so it can be composed;
* ``markdown()`` and ``renderables()``: the command's Markdown and terminal tables, which
  ``_repr_markdown_`` and ``_repr_html_`` show in a notebook, the evidence behind the
  scenario's numbers one click away (``<details>``).

The command line prints these same tables and documents (:mod:`detente.commands`).
The backtests' results are in :mod:`detente.api.backtests`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from detente.errors import DetenteError

if TYPE_CHECKING:
    import pandas as pd

    from detente.analysis.flip import FlipResult
    from detente.analysis.sensitivity import SensitivityResult, SobolResult
    from detente.models.base import Forecast
    from detente.scenario import Scenario
    from detente.uncertainty import MonteCarloResult

__all__ = [
    "ROUND_MODELS",
    "FlipSearch",
    "ForecastResult",
    "MonteCarlo",
    "Result",
    "Sensitivity",
    "SobolSensitivity",
    "WhatIf",
    "issue_rounds",
    "new_axes",
]

#: Models whose forecasts carry per-round details (``rounds``).
ROUND_MODELS = frozenset({"expected-utility", "exchange", "smp"})


def new_axes(ax: Any = None, size: tuple[float, float] = (9.0, 4.8)) -> Any:
    """``ax`` itself, or the axes of a new pyplot figure of ``size`` inches (shown inline
    in a notebook)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, axes = plt.subplots(figsize=size, layout="constrained")
    return axes


class Result(ABC):
    """What every result offers; subclasses give the document, tables and figure."""

    @abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """The JSON document the command prints with ``-f json``."""

    @abstractmethod
    def to_frame(self) -> pd.DataFrame:
        """A tidy table of the result (see the subclass)."""

    @abstractmethod
    def renderables(self) -> list[Any]:
        """The command's terminal tables (rich renderables)."""

    @abstractmethod
    def plot(self, ax: Any = None) -> Any:
        """The command's figure on the matplotlib ``ax`` (a new one when ``None``)."""

    def markdown(self) -> str:
        """The command's ``-f markdown`` output."""
        from detente.report.markdown import renderables_markdown

        return renderables_markdown(self.renderables())

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def _repr_html_(self) -> str:
        from detente.api.display import evidence_html, renderables_html

        out = renderables_html(self.renderables())
        scenario: Scenario | None = getattr(self, "scenario", None)
        if scenario is not None:
            out += evidence_html(scenario)
        return out


def issue_rounds(
    document: dict[str, Any],
) -> list[tuple[str, str, list[dict[str, Any]], tuple[float, float]]]:
    """(issue id, issue name, rounds, scale) of each issue forecast with rounds; the
    expected-utility model keeps plain titles, the others say whose rounds they are."""
    found = []
    for issue in document["issues"]:
        for entry in issue["forecasts"]:
            if "rounds" in entry:
                model = entry.get("model", "expected-utility")
                ident, name = issue["id"], issue["name"]
                if model != "expected-utility":
                    ident, name = f"{ident}-{model}", f"{name} ({model})"
                found.append((ident, name, entry["rounds"], tuple(issue["scale"])))
    return found


@dataclass(frozen=True, repr=False)
class MonteCarlo(Result):
    """Every reported number summarised across Monte Carlo draws of the scenario's ranges
    (:class:`detente.uncertainty.MonteCarloResult`), chiefly P(agreement by date)."""

    result: MonteCarloResult

    def to_dict(self) -> dict[str, Any]:
        """The ``monte_carlo`` block of ``detente forecast --runs N -f json``."""
        out: dict[str, Any] = self.result.to_dict()
        return out

    def to_frame(self) -> pd.DataFrame:
        """P(agreement signed by date) on every grid date with its 90% interval across
        draws (:func:`detente.api.frames.monte_carlo_frame`)."""
        from detente.api.frames import monte_carlo_frame

        return monte_carlo_frame(self.to_dict())

    def renderables(self) -> list[Any]:
        from detente.report.agreement import agreement_table

        return [agreement_table(self.result)]

    def plot(self, ax: Any = None) -> Any:
        """P(agreement signed by date) with its 90% band; a ``DetenteError`` when no dated
        model ran."""
        if self.result.agreement is None:
            raise DetenteError("no dated model ran: no P(agreement by date) to plot")
        from detente.report.agreement import draw_agreement_curve

        return draw_agreement_curve(new_axes(ax), self.result)

    def __repr__(self) -> str:
        return f"<MonteCarlo {self.result.title!r}: {self.result.runs} draws>"


@dataclass(frozen=True, repr=False)
class ForecastResult(Result):
    """Each model's forecast of each issue, the agreement verdict and, with ``runs``, the
    Monte Carlo summaries and the calibrated whether-and-when forecast. ``forecasts``
    holds each model's :class:`~detente.models.base.Forecast` at the modes."""

    scenario: Scenario
    document: dict[str, Any]
    monte_carlo: MonteCarlo | None = None
    forecasts: tuple[Forecast, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The document of ``detente forecast -f json`` (``docs/json-output.md``)."""
        return self.document

    def to_frame(self, table: str = "outcomes") -> pd.DataFrame:
        """A tidy table: ``"outcomes"`` (one row per issue and model, with the Monte Carlo
        summaries when run), ``"agreement"`` (P(agreement by each named date) per
        forecaster, with its band) or ``"rounds"`` (positions per model, issue, round
        and actor). See :mod:`detente.api.frames`. Another ``table``: a ``DetenteError``."""
        from detente.api import frames

        tables: dict[str, Callable[[dict[str, Any]], pd.DataFrame]] = {
            "outcomes": frames.forecast_outcomes_frame,
            "agreement": frames.forecast_agreement_frame,
            "rounds": frames.forecast_rounds_frame,
        }
        if table not in tables:
            raise DetenteError(f"table: expected one of {', '.join(tables)}, got {table!r}")
        return tables[table](self.document)

    def renderables(self, rounds: bool = False) -> list[Any]:
        """The tables ``detente forecast`` prints (with ``rounds``: as with ``--rounds``)."""
        from detente.report.forecast_tables import forecast_renderables

        out = list(forecast_renderables(self.document))
        if self.monte_carlo is not None:
            from detente.report.agreement import agreement_table
            from detente.report.calibrated_table import calibrated_table

            if "whether_and_when" in self.document:
                labels = self.document.get("agreement", {}).get("labels", {})
                out.append(calibrated_table(self.document["whether_and_when"], labels))
            if self.monte_carlo.result.agreement is not None:
                out.append(agreement_table(self.monte_carlo.result))
        if rounds:
            out += self.rounds_tables()
        return out

    def rounds_tables(self) -> list[Any]:
        """One table of rounds per issue and dynamic model (``--rounds``)."""
        from detente.report.trajectories import rounds_table

        return [rounds_table(r, title=name) for _, name, r, _ in issue_rounds(self.document)]

    def markdown(self, rounds: bool = False) -> str:
        """What ``detente forecast -f markdown`` prints (with ``rounds``: ``--rounds``)."""
        from detente.report.forecast_tables import forecast_markdown
        from detente.report.markdown import renderables_markdown

        text = forecast_markdown(self.document) + "\n"
        if rounds:
            text += renderables_markdown(self.rounds_tables())
        return text

    def plot(
        self,
        ax: Any = None,
        *,
        kind: str = "auto",
        issue: str | None = None,
        model: str | None = None,
    ) -> Any:
        """Draw ``kind``: ``"agreement"`` (P(agreement by date) with its band; needs
        ``runs`` and the dated model), ``"issue"`` (an issue's scale with the actors and
        every model's forecast) or ``"rounds"`` (the trajectories of ``model``, default:
        the first dynamic model run); ``"auto"``: the agreement curve when there is one,
        else the first issue. ``issue`` is an issue id (default: the first). A
        ``DetenteError`` for an unknown ``kind``, ``issue`` or ``model``, or when there is
        nothing of that kind to draw."""
        if kind == "auto":
            drawn = self.monte_carlo
            kind = "agreement" if drawn and drawn.result.agreement is not None else "issue"
        if kind == "agreement":
            if self.monte_carlo is None:
                raise DetenteError("no Monte Carlo run: forecast with runs=N to plot the curve")
            return self.monte_carlo.plot(ax)
        issues = {i["id"]: i for i in self.document["issues"]}
        chosen = issue or next(iter(issues))
        if chosen not in issues:
            raise DetenteError(f"issue: expected one of {', '.join(issues)}, got {chosen!r}")
        if kind == "issue":
            from detente.report.figures import draw_forecast

            return draw_forecast(new_axes(ax), self.scenario, issues[chosen])
        if kind == "rounds":
            from detente.report.trajectories import draw_trajectories

            mine = [e["rounds"] for e in issues[chosen]["forecasts"]
                    if "rounds" in e and model in (None, e["model"])]  # fmt: skip
            found = [f for f in issue_rounds(self.document) if any(f[2] is r for r in mine)]
            if not found:
                raise DetenteError(
                    "no rounds to draw: forecast with a dynamic model "
                    f"({', '.join(sorted(ROUND_MODELS))})"
                )
            _, name, rounds, scale = found[0]
            return draw_trajectories(new_axes(ax), rounds, title=name, scale=scale)
        raise DetenteError(f"kind: expected auto, agreement, issue or rounds, got {kind!r}")

    def __repr__(self) -> str:
        models = ", ".join(m["name"] for m in self.document["models"])
        runs = "" if self.monte_carlo is None else f", {self.monte_carlo.result.runs} draws"
        return f"<ForecastResult {self.scenario.title!r}: {models}{runs}>"


@dataclass(frozen=True, repr=False)
class WhatIf(Result):
    """The forecast before and after changing parameters, side by side."""

    scenario: Scenario
    document: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The document of ``detente whatif -f json``."""
        return self.document

    def to_frame(self, table: str = "outcomes") -> pd.DataFrame:
        """``"outcomes"``: one row per issue and model, the outcome before, after and the
        change; ``"agreement"``: the calibrated P(agreement by each named date) before
        and after (needs ``runs``)."""
        from detente.api.frames import whatif_frame

        return whatif_frame(self.document, table)

    def renderables(self) -> list[Any]:
        from detente.report.explain_tables import whatif_renderables

        return list(whatif_renderables(self.document))

    def markdown(self) -> str:
        from detente.report.explain_tables import whatif_markdown

        return whatif_markdown(self.document) + "\n"

    def plot(self, ax: Any = None, *, issue: str | None = None) -> Any:
        """Each model's outcome on ``issue`` (default: the first) before and after."""
        from detente.report.explain_figures import draw_whatif

        return draw_whatif(new_axes(ax), self.document, issue)

    def __repr__(self) -> str:
        return f"<WhatIf {self.scenario.title!r}: {len(self.document['changes'])} change(s)>"


@dataclass(frozen=True, repr=False)
class FlipSearch(Result):
    """The smallest changes to one parameter (then pairs) that flip the answer."""

    scenario: Scenario
    result: FlipResult
    document: dict[str, Any]
    paths: list[str] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The document of ``detente flip -f json``."""
        return self.document

    def to_frame(self) -> pd.DataFrame:
        """One row per parameter change of each flip found, smallest flip first."""
        from detente.api.frames import flip_frame

        return flip_frame(self.document)

    def renderables(self) -> list[Any]:
        from detente.report.explain_tables import flip_renderables

        return list(flip_renderables(self.document))

    def markdown(self) -> str:
        from detente.report.explain_tables import flip_markdown

        return flip_markdown(self.document) + "\n"

    def plot(self, ax: Any = None) -> Any:
        """Each single-parameter flip: from the current value to the flipping one, with
        the analyst's range (share of each parameter's domain)."""
        from detente.report.explain_figures import draw_flips

        return draw_flips(new_axes(ax), self.document)

    def __repr__(self) -> str:
        return f"<FlipSearch {self.scenario.title!r}: {self.document['summary']}>"


@dataclass(frozen=True, repr=False)
class Sensitivity(Result):
    """One-at-a-time swings of every ranged parameter (a tornado)."""

    scenario: Scenario
    result: SensitivityResult
    metric: str | None
    top: int = 20

    def to_dict(self) -> dict[str, Any]:
        """The document of ``detente sensitivity -f json``."""
        return self.result.to_dict(self.metric)

    def to_frame(self) -> pd.DataFrame:
        """One row per parameter and headline number, ranked by the chosen metric."""
        from detente.api.frames import sensitivity_frame

        return sensitivity_frame(self.result, self.metric)

    def renderables(self) -> list[Any]:
        from rich.text import Text

        from detente.report.explain_tables import sensitivity_table

        metrics = ", ".join(m.id for m in self.result.metrics)
        note = (
            "Effect: spread of the number over low, mode and high, in units of its scale "
            f"(issue width; 1 for probabilities). Metrics: {metrics}."
        )
        return [sensitivity_table(self.result, self.metric, self.top), Text(note, style="dim")]

    def markdown(self) -> str:
        from detente.report.explain_tables import sensitivity_markdown

        return sensitivity_markdown(self.result, self.metric, self.top) + "\n"

    def plot(self, ax: Any = None) -> Any:
        """The tornado of the chosen metric (as ``--plot``)."""
        from detente.report.tornado import draw_tornado

        return draw_tornado(new_axes(ax), self.result, metric=self.metric, top=self.top)

    def __repr__(self) -> str:
        return f"<Sensitivity {self.result.title!r}: {len(self.result.swings)} parameters>"


@dataclass(frozen=True, repr=False)
class SobolSensitivity(Result):
    """Variance-based Sobol indices of every headline number."""

    scenario: Scenario
    result: SobolResult
    metric: str | None
    top: int = 20

    def to_dict(self) -> dict[str, Any]:
        """The document of ``detente sensitivity --method sobol -f json``."""
        return self.result.to_dict()

    def to_frame(self) -> pd.DataFrame:
        """One row per headline number and parameter: S1 and ST with their intervals."""
        from detente.api.frames import sobol_frame

        return sobol_frame(self.result)

    def renderables(self) -> list[Any]:
        from rich.text import Text

        from detente.report.explain_tables import sobol_table

        if self.metric is None:
            return ["No headline number varies over the ranges: every Sobol index is undefined."]
        return [
            sobol_table(self.result, self.metric, self.top),
            Text(
                f"{self.result.evaluations} evaluations; estimators of Saltelli et al. (2010) "
                "via SALib. Other metrics: --metric, or --format json for all.",
                style="dim",
            ),
        ]

    def plot(self, ax: Any = None) -> Any:
        """Bars of S1 and ST of the chosen metric (as ``--plot``); a ``DetenteError`` when
        no headline number varies over the ranges."""
        if self.metric is None:
            raise DetenteError("no headline number varies over the ranges: nothing to plot")
        from detente.report.tornado import draw_sobol

        return draw_sobol(new_axes(ax), self.result, metric=self.metric, top=self.top)

    def __repr__(self) -> str:
        return f"<SobolSensitivity {self.result.title!r}: N = {self.result.n}>"
