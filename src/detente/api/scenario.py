"""A loaded scenario with the command line's verbs as methods (the stable Python API).

``detente.load(...)`` returns a :class:`LoadedScenario`: the validated
:class:`~detente.scenario.Scenario` (``.scenario``, unchanged pydantic model) together
with where it came from, and one method per verb of the command line. Each method takes
the keyword arguments of the command's options, with the same names and defaults, and
calls the same computation (:mod:`detente.api.verbs`) as the command.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd

    from detente.api.results import (
        FlipSearch,
        ForecastResult,
        Sensitivity,
        SobolSensitivity,
        WhatIf,
    )
    from detente.scenario import Scenario

__all__ = ["LoadedScenario", "load"]


def load(
    path_or_name: str | os.PathLike[str] | None = None,
    *,
    scale: tuple[float, float] | None = None,
    table_format: str | None = None,
    salience_scale: int | None = None,
) -> LoadedScenario:
    """Load a scenario: a file of any supported format, or an embedded scenario's name.

    Parameters
    ----------
    path_or_name:
        A scenario file (YAML/JSON, ``docs/scenario-format.md``), a table (classic or
        KTAB CSV, decide files), KTAB or Genius XML, the name of an embedded scenario
        (``detente.embedded_names()``, e.g. ``"russia_japan_2018"``), or ``None`` for
        the default scenario.
    scale:
        ``(low, high)`` of a classic table's scale (``--scale LO:HI``).
    table_format:
        ``classic``, ``ktab``, ``ktab-xml``, ``genius`` or ``decide``
        (``--table-format``; default: detected from the content).
    salience_scale:
        1 or 100: the scale of a classic table's saliences (``--salience-scale``).

    Returns
    -------
    LoadedScenario
        What an import inferred, kept or skipped is in ``.notes`` and issued as a
        :class:`UserWarning` (the command line prints it on stderr).

    Raises
    ------
    ScenarioError
        No such file or scenario, or invalid content: one line naming the file, line,
        field and what was expected.
    """
    from detente.api.arguments import check_path
    from detente.io.scenario_names import read_scenario

    check_path("path_or_name", path_or_name, optional=True)
    loaded, notes = read_scenario(
        path_or_name, scale=scale, table_format=table_format, salience_scale=salience_scale
    )
    for note in notes:
        warnings.warn(note, UserWarning, stacklevel=2)
    source = None if path_or_name is None else os.fspath(path_or_name)
    return LoadedScenario(loaded, source, tuple(notes))


@dataclass(frozen=True, repr=False)
class LoadedScenario:
    """A validated scenario, where it came from, and the verbs of the command line.

    Attributes
    ----------
    scenario:
        The :class:`~detente.scenario.Scenario` (pydantic; ``to_dict()`` is the file's
        document).
    source:
        The path or name it was loaded from (``None``: the default scenario); results
        name it as the command line does.
    notes:
        What an import inferred, kept or skipped.
    """

    scenario: Scenario
    source: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def title(self) -> str:
        """The scenario's title."""
        return self.scenario.title

    def to_dict(self) -> dict[str, Any]:
        """The scenario as a JSON-ready document (``detente show -f json``)."""
        out: dict[str, Any] = self.scenario.to_dict()
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per actor and issue: capability, position and salience (each its mode
        and range, in the file's units: saliences on its ``salience_scale``)."""
        from detente.api.frames import frame

        rows = []
        for actor in self.scenario.actors:
            for issue_id, stance in actor.stances.items():
                row: dict[str, Any] = {"actor": actor.id, "actor_name": actor.name}
                row["issue"] = issue_id
                for name, value, unit in (
                    ("capability", actor.capability, 1),
                    ("position", stance.position, 1),
                    ("salience", stance.salience, self.scenario.salience_scale),
                ):
                    row.update({name: value.mode * unit, f"{name}_low": value.low * unit,
                                f"{name}_high": value.high * unit})  # fmt: skip
                rows.append(row)
        values = [
            f"{n}{s}" for n in ("capability", "position", "salience") for s in ("", "_low", "_high")
        ]
        return frame(rows, ["actor", "actor_name", "issue", *values])

    def renderables(self) -> list[Any]:
        """The tables ``detente show`` prints, the evidence of each parameter last."""
        from detente.report.scenario_tables import scenario_renderables

        return list(scenario_renderables(self.scenario))

    def markdown(self) -> str:
        """What ``detente show -f markdown`` prints."""
        from detente.report.markdown import renderables_markdown

        return renderables_markdown(self.renderables())

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def _repr_html_(self) -> str:
        from detente.api.display import evidence_html, renderables_html

        tables = self.renderables()[:-1]  # the provenance table becomes <details> below
        return renderables_html(tables) + evidence_html(self.scenario)

    def __repr__(self) -> str:
        s = self.scenario
        return (
            f"<LoadedScenario {s.title!r}: {len(s.actors)} actors, {len(s.issues)} issues, "
            f"as of {s.as_of}>"
        )

    # -- the verbs ---------------------------------------------------------------------

    def forecast(
        self,
        *,
        models: Sequence[str] = (),
        runs: int | None = None,
        seed: int = 0,
        workers: int = 1,
        dask: str | None = None,
        model_options: Sequence[str] | Mapping[str, Mapping[str, Any]] = (),
    ) -> ForecastResult:
        """Forecast each issue with each model and judge whether an agreement is possible
        (``detente forecast``); with ``runs``, also whether and when it is signed.

        Parameters
        ----------
        models:
            Model names (``--model``; default: every model that applies).
        runs:
            Monte Carlo draws of the scenario's ranges (``--runs``; default: none).
        seed:
            Root seed of the draws (``--seed``); the answer depends on ``seed`` and
            ``runs`` only, never on ``workers``.
        workers, dask:
            Local processes, or a Dask scheduler address / ``"local"`` (``--workers``,
            ``--dask``).
        model_options:
            ``MODEL.OPTION=VALUE`` texts (``--option``) or ``{model: {option: value}}``,
            over the scenario's ``models`` section.

        Returns
        -------
        ForecastResult
            ``to_dict()`` is the ``-f json`` document; ``to_frame()`` one row per issue
            and model; ``.monte_carlo`` the draws' summaries when ``runs`` is given.
        """
        from detente.api.verbs import forecast
        from detente.forecasting import with_model_options

        scenario = with_model_options(self.scenario, model_options)
        return forecast(
            scenario, source=self.source, models=models, runs=runs, seed=seed,
            workers=workers, dask=dask,
        )  # fmt: skip

    def whatif(
        self,
        set: Mapping[str, Any] | Sequence[str] = (),
        *,
        models: Sequence[str] = (),
        runs: int = 1000,
        seed: int = 0,
    ) -> WhatIf:
        """The forecast before and after changing parameters (``detente whatif``).

        Parameters
        ----------
        set:
            The changes (``--set``): ``PATH=VALUE`` texts, or a mapping of paths to
            values; paths may be short forms (``russia.capability``,
            ``russian_public.accepts.territory.0``) and values numbers, ``Range`` or
            texts ``"40:50:60"``, dates (see ``docs/explain.md``).
        models:
            Model names (``--model``; default: every model that applies).
        runs:
            Monte Carlo draws of each scenario, same seed before and after, for the
            calibrated whether-and-when forecast (``docs/calibration.md``); 0: the
            models at the modes only.
        seed:
            Seed of the draws.
        """
        from detente.api.verbs import whatif

        return whatif(
            self.scenario, set=set, models=models, runs=runs, seed=seed, source=self.source
        )

    def flip(
        self,
        *,
        target: Literal["auto", "calibrated", "dated", "zopa"] = "auto",
        threshold: float = 0.5,
        runs: int | None = None,
        seed: int = 0,
        shock_paths: int = 64,
        no_pairs: bool = False,
        params: Sequence[str] = (),
        limit: int = 5,
    ) -> FlipSearch:
        """The smallest change to one parameter (then a pair) that flips the answer
        (``detente flip``; the search: ``docs/explain.md``).

        Parameters
        ----------
        target:
            ``"calibrated"`` (the calibrated P(agreement by the horizon) across
            ``threshold``), ``"dated"`` (the dated model's own P across it), ``"zopa"``
            (an agreement possible now) or ``"auto"``: calibrated when the dated model
            applies, else zopa (``--target``).
        threshold:
            Calibrated and dated targets: the probability the answer flips across.
        runs:
            Monte Carlo draws per evaluation (default: 200 for the calibrated target, 0
            for the dated one: at the modes).
        seed, shock_paths:
            Seed of draws and shocks; the shock paths averaged over at the modes.
        no_pairs:
            Do not search pairs when no single change flips (``--no-pairs``).
        params:
            Search only these parameters (``--param``; short forms as in whatif).
        limit:
            Flips reported of each kind (``--limit``).
        """
        from detente.api.verbs import flip

        return flip(
            self.scenario, target=target, threshold=threshold, runs=runs, seed=seed,
            shock_paths=shock_paths, no_pairs=no_pairs, params=params, limit=limit,
        )  # fmt: skip

    def sensitivity(
        self,
        *,
        method: Literal["oat", "sobol"] = "oat",
        models: Sequence[str] = (),
        runs: int = 256,
        seed: int = 0,
        samples: int = 64,
        metric: str | None = None,
        top: int = 20,
        workers: int = 1,
        dask: str | None = None,
    ) -> Sensitivity | SobolSensitivity:
        """Rank the ranged parameters by their effect on the headline numbers
        (``detente sensitivity``; ``docs/explain.md``).

        Parameters
        ----------
        method:
            ``"oat"``: one at a time, a tornado; ``"sobol"``: variance-based Sobol
            indices (Saltelli et al. 2010, via SALib).
        models:
            Static models (``--model``).
        runs:
            One at a time: Monte Carlo draws for P(agreement by the horizon) (0: at the
            modes).
        seed:
            Seed of every draw.
        samples:
            Sobol base sample N, a power of 2 (``-N``).
        metric:
            Rank by this headline number (e.g. ``"two-level:gap"``; ``"any"``: the
            largest effect on any; default: P(agreement) if it moves, else the gap).
        top:
            Rows shown in the tables and the figure.
        workers, dask:
            Local processes, or a Dask scheduler address / ``"local"`` (``--workers``,
            ``--dask``); the same answer (``docs/scale-out.md``).
        """
        from detente.api.verbs import sensitivity

        return sensitivity(
            self.scenario, method=method, models=models, runs=runs, seed=seed,
            samples=samples, metric=metric, top=top, workers=workers, dask=dask,
        )  # fmt: skip

    def report(
        self,
        path: str | os.PathLike[str],
        *,
        runs: int = 2000,
        seed: int = 0,
        images: Literal["svg", "png"] | None = None,
        sensitivity: bool = True,
    ) -> Path:
        """Write one self-contained report file (``detente report -o PATH``): ``.html`` or
        ``.md``, every figure embedded; returns the path written.

        Parameters
        ----------
        path:
            The file to write (``--output``); checked before any work.
        runs, seed:
            Monte Carlo draws for the P(agreement by date) curve and their seed.
        images:
            ``"svg"`` or ``"png"`` (default: SVG in HTML, PNG in Markdown).
        sensitivity:
            Include the sensitivity tornado (the slowest section).
        """
        from detente.api.arguments import check_path
        from detente.api.verbs import report

        check_path("path", path)
        report(
            self.scenario, path, source=self.source, runs=runs, seed=seed, images=images,
            sensitivity=sensitivity,
        )  # fmt: skip
        return Path(path)
