"""What each verb computes: the one path from a scenario to a result.

The command line (:mod:`detente.cli`, :mod:`detente.commands`) handles its options and
its output (tables, JSON, files, the run store) and calls these functions for the
computation; the Python API (:class:`~detente.api.scenario.LoadedScenario`,
:func:`detente.backtest_deu`, :func:`detente.backtest_cases`) and the web service
(:mod:`detente.web.service`) call the same functions, so a number is the same wherever it
is asked for. Keyword arguments carry the names and defaults of the command-line options.

Every function checks its input before any work and raises
:class:`~detente.errors.DetenteError` with one line on bad input.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from detente.api.arguments import check_fraction, check_runs, check_seed, check_whole
from detente.errors import DetenteError

if TYPE_CHECKING:
    from detente.analysis.sweep_spec import SweepSpec
    from detente.api.backtests import CaseBacktest, DeuBacktest
    from detente.api.results import (
        FlipSearch,
        ForecastResult,
        MonteCarlo,
        Sensitivity,
        SobolSensitivity,
        WhatIf,
    )
    from detente.api.sweeps import Sweep
    from detente.models.base import RngLike
    from detente.report.document import Report
    from detente.scenario import Scenario
    from detente.scenario_edits import Value

__all__ = [
    "backtest_cases",
    "backtest_deu",
    "check_report_output",
    "flip",
    "forecast",
    "monte_carlo",
    "report",
    "sensitivity",
    "shipped_cases",
    "whatif",
]

Progress = Callable[[int, int], None]
"""Told ``(done, total)`` as a computation advances (the command line draws a bar)."""


def _model_names(models: str | Sequence[str] | None) -> list[str] | None:
    """The registered model names asked for, or ``None`` for every model that applies.

    A single name may be given as a plain string (``models="compromise"``), which would
    otherwise be read letter by letter as a sequence of one-letter names.
    """
    if models is None:
        return None
    if isinstance(models, str):
        return [models]
    return list(models) or None


def monte_carlo(
    scenario: Scenario,
    *,
    runs: int,
    seed: int = 0,
    models: Sequence[str] | None = None,
    workers: int = 1,
    dask: str | None = None,
    progress: Callable[[int], None] | None = None,
    announce: Callable[[str], None] | None = None,
    block_size: int = 1024,
) -> MonteCarlo:
    """``runs`` joint draws of the scenario's ranges, every number summarised across them.

    :func:`detente.uncertainty.run_monte_carlo` on the executor of ``workers``/``dask``
    (:func:`detente.executors.open_executor`; the answer depends on ``seed`` and
    ``runs`` only). ``progress`` is told the draws done so far; ``announce`` the Dask
    dashboard's link.
    """
    from detente.api.results import MonteCarlo
    from detente.executors import open_executor
    from detente.uncertainty import run_monte_carlo

    runs = check_runs(runs, 1) or 1
    seed, workers = check_seed(seed), check_whole("workers", workers, 1)
    block_size = check_whole("block_size", block_size, 1)
    with open_executor(workers=workers, dask=dask, announce=announce) as chosen:
        result = run_monte_carlo(
            scenario,
            runs=runs,
            seed=seed,
            models=_model_names(models),
            executor=chosen,
            block_size=block_size,
            progress=progress,
        )
    return MonteCarlo(result)


def forecast(
    scenario: Scenario,
    *,
    source: str | None = None,
    models: Sequence[str] = (),
    runs: int | None = None,
    seed: int = 0,
    workers: int = 1,
    dask: str | None = None,
    rng: RngLike = None,
    progress: Callable[[int], None] | None = None,
    announce: Callable[[str], None] | None = None,
) -> ForecastResult:
    """Every chosen model's forecast of each issue and the agreement verdict; with
    ``runs``, also the Monte Carlo summaries, P(agreement by date) and the calibrated
    whether-and-when forecast (``detente forecast``; ``docs/json-output.md``).

    ``rng`` seeds the point forecasts of models that draw (default: seed 0, as the
    command line); ``source`` is what the document names as the scenario's source.
    """
    from detente.api.results import ForecastResult
    from detente.forecasting import (
        add_monte_carlo,
        forecast_document,
        run_models,
        too_many_actors,
    )

    runs = check_runs(runs, 1, optional=True)
    seed, workers = check_seed(seed), check_whole("workers", workers, 1)
    results = run_models(scenario, _model_names(models), rng=rng)
    document = forecast_document(scenario, results, source=source)
    if not _model_names(models):
        left_out = too_many_actors(scenario)
        if left_out:
            document["models_left_out"] = [
                {"model": name, "note": note} for name, note in left_out.items()
            ]
    drawn = None
    if runs is not None:
        drawn = monte_carlo(
            scenario,
            runs=runs,
            seed=seed,
            models=models,
            workers=workers,
            dask=dask,
            progress=progress,
            announce=announce,
        )
        add_monte_carlo(scenario, document, drawn.to_dict())
    return ForecastResult(scenario, document, drawn, tuple(results))


def parse_changes(
    scenario: Scenario, changes: Mapping[str, Any] | Sequence[str], *, option: str = "--set"
) -> dict[str, Value]:
    """``PATH=VALUE`` texts, or a mapping of paths to values, as full paths and values.

    Paths may be short forms and values texts (``"40:50:60"``, ``"2020-12-31"``), numbers,
    :class:`~detente.quantity.Range` or dates (:mod:`detente.scenario_paths`). A path set
    twice is an error.
    """
    import datetime as dt

    from detente.quantity import Range
    from detente.scenario_edits import get_parameter
    from detente.scenario_paths import expand_path, parse_assignment, parse_value

    out: dict[str, Value] = {}
    if isinstance(changes, str):
        changes = [changes]
    if isinstance(changes, Mapping):
        pairs: list[tuple[str, str, Value]] = []
        for key, raw in changes.items():
            full = expand_path(scenario, str(key))
            if isinstance(raw, str):
                value: Value = parse_value(raw)
            elif isinstance(raw, Range | dt.date) or (
                isinstance(raw, int | float) and not isinstance(raw, bool)
            ):
                value = float(raw) if isinstance(raw, int | float) else raw
            else:
                raise DetenteError(
                    f"{key}: expected a number, a Range, a date or a text such as 40:50:60, "
                    f"got {raw!r}"
                )
            get_parameter(scenario, full)  # a bad path fails here, naming what exists
            pairs.append((f"{key}={raw}", full, value))
    else:
        pairs = [(text, *parse_assignment(scenario, text)) for text in changes]
    for text, path, value in pairs:
        if path in out:
            raise DetenteError(f"{option} {text!r}: {path} is set twice")
        out[path] = value
    return out


def whatif(
    scenario: Scenario,
    *,
    set: Mapping[str, Any] | Sequence[str] = (),
    models: Sequence[str] = (),
    runs: int = 1000,
    seed: int = 0,
    source: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> WhatIf:
    """The forecast before and after the changes ``set`` (``detente whatif --set``), side by
    side, with ``runs`` Monte Carlo draws of each (same seed) for the calibrated
    whether-and-when before and after (0: the models at the modes only):
    :func:`detente.analysis.what_if.what_if`."""
    from detente.analysis.what_if import what_if
    from detente.api.results import WhatIf

    runs, seed = check_runs(runs, 0) or 0, check_seed(seed)
    changes = parse_changes(scenario, set)
    document = what_if(
        scenario, changes, models=_model_names(models), source=source, runs=runs, seed=seed,
        progress=progress,
    )  # fmt: skip
    return WhatIf(scenario, document)


def flip(
    scenario: Scenario,
    *,
    target: str = "auto",
    threshold: float = 0.5,
    runs: int | None = None,
    seed: int = 0,
    shock_paths: int = 64,
    no_pairs: bool = False,
    params: Sequence[str] = (),
    limit: int = 5,
    progress: Progress | None = None,
) -> FlipSearch:
    """The smallest change to one parameter (then a pair) that flips the answer
    (``detente flip``): :func:`detente.analysis.flip.find_flips`. ``runs`` defaults to
    200 draws per evaluation for the calibrated target and 0 (the modes) for the dated."""
    from detente.analysis.flip import find_flips
    from detente.api.results import FlipSearch
    from detente.report.explain_tables import flip_document
    from detente.scenario_paths import expand_path

    threshold = check_fraction("threshold", threshold, 0.0, 1.0, open_ends=True)
    runs, seed = check_runs(runs, 0, optional=True), check_seed(seed)
    shock_paths = check_whole("shock_paths", shock_paths, 1)
    limit = check_whole("limit", limit, 1)
    paths = [expand_path(scenario, p) for p in params] or None
    result = find_flips(
        scenario, target=target, threshold=threshold, runs=runs, seed=seed,
        shock_paths=shock_paths, pairs=not no_pairs, limit=limit, paths=paths, progress=progress,
    )  # fmt: skip
    return FlipSearch(scenario, result, flip_document(scenario, result), paths)


def check_metric(scenario: Scenario, models: Sequence[str], metric: str | None) -> None:
    """Refuse an unknown sensitivity ``metric`` before the (slow) computation."""
    from detente.analysis.headline_numbers import headline_metrics, static_models
    from detente.scenario_edits import dated_model

    if metric in (None, "any"):
        return
    names = static_models(scenario, _model_names(models))
    known = [
        m.id
        for m in headline_metrics(scenario, names, with_dated=dated_model(scenario) is not None)
    ]
    if metric not in known:
        raise DetenteError(f"unknown metric {metric!r}; expected one of {', '.join(known)}")


def sensitivity(
    scenario: Scenario,
    *,
    method: Literal["oat", "sobol"] | str = "oat",
    models: Sequence[str] = (),
    runs: int = 256,
    seed: int = 0,
    samples: int = 64,
    metric: str | None = None,
    top: int = 20,
    workers: int = 1,
    dask: str | None = None,
    progress: Progress | None = None,
    announce: Callable[[str], None] | None = None,
) -> Sensitivity | SobolSensitivity:
    """Which inputs drive the headline numbers (``detente sensitivity``): one at a time
    (:func:`detente.analysis.one_at_a_time.one_at_a_time`, ``runs`` draws for P(agreement))
    or Sobol indices (:func:`detente.analysis.sobol.sobol_sensitivity`, base
    sample ``samples``). ``metric`` ranks (``"any"``: the largest effect on any metric;
    default: the headline number); ``top`` is how many rows the tables show. The
    evaluations run on ``workers`` processes or a ``dask`` cluster, same answer."""
    from detente.api.results import Sensitivity, SobolSensitivity

    if method not in ("oat", "sobol"):
        raise DetenteError(f"method: expected 'oat' or 'sobol', got {method!r}")
    runs, seed = check_runs(runs, 0) or 0, check_seed(seed)
    samples, top = check_whole("samples", samples, 2), check_whole("top", top, 1)
    workers = check_whole("workers", workers, 1)
    check_metric(scenario, models, metric)
    from detente.executors import open_executor

    if method == "sobol":
        from detente.analysis.sobol import sobol_sensitivity

        with open_executor(workers=workers, dask=dask, announce=announce) as chosen:
            sobol = sobol_sensitivity(
                scenario, n=samples, seed=seed, models=_model_names(models), executor=chosen
            )
        chosen_metric = metric or sobol.headline()
        if chosen_metric is not None and chosen_metric not in sobol.indices:
            raise DetenteError(
                f"unknown metric {chosen_metric!r}; expected one of {', '.join(sobol.indices)}"
            )
        return SobolSensitivity(scenario, sobol, chosen_metric, top)
    from detente.analysis.one_at_a_time import one_at_a_time

    with open_executor(workers=workers, dask=dask, announce=announce) as chosen:
        result = one_at_a_time(
            scenario, models=_model_names(models), runs=runs, seed=seed, progress=progress,
            executor=chosen,
        )  # fmt: skip
    ranking = None if metric == "any" else (metric or result.headline())
    return Sensitivity(scenario, result, ranking, top)


def check_report_output(output: str | os.PathLike[str]) -> str:
    """Refuse, before any work, a report file that could not be written (a bad suffix, a
    folder, no permission) or a missing matplotlib; the report's format (``html`` or
    ``markdown``, from the suffix)."""
    import importlib.util

    from detente.outputs import check_output
    from detente.report.document import report_format

    path = os.fspath(output)
    kind = report_format(path)
    check_output(path, what="report")
    if importlib.util.find_spec("matplotlib") is None:
        raise DetenteError(
            "detente report draws its figures with matplotlib, which is not installed; "
            "install it with: pip install 'detente[plot]'"
        )
    return kind


def report(
    scenario: Scenario,
    output: str | os.PathLike[str],
    *,
    source: str | None = None,
    runs: int = 2000,
    seed: int = 0,
    images: Literal["svg", "png"] | None = None,
    sensitivity: bool = True,
    progress: Callable[[int], None] | None = None,
) -> tuple[Report, str, Literal["svg", "png"]]:
    """Write the report on ``scenario`` to ``output`` (``.html`` or ``.md``; ``detente
    report``): :func:`detente.report.document.build_report`. The output path is checked
    before any work. Returns the report, its format (``html``/``markdown``) and the image
    format used (default: SVG in HTML, PNG in Markdown)."""
    from detente.io import write_atomically
    from detente.report.document import build_report, render_html, render_markdown

    runs, seed = check_runs(runs, 1) or 1, check_seed(seed)
    path = os.fspath(output)
    kind = check_report_output(path)
    if images not in (None, "svg", "png"):
        raise DetenteError(f"images: expected 'svg' or 'png', got {images!r}")
    chosen: Literal["svg", "png"] = images or ("svg" if kind == "html" else "png")
    built = build_report(
        scenario,
        source=source,
        runs=runs,
        seed=seed,
        image_format=chosen,
        sensitivity=sensitivity,
        progress=progress,
    )
    write_atomically(path, render_html(built) if kind == "html" else render_markdown(built))
    return built, kind, chosen


def backtest_deu(
    path: str | os.PathLike[str],
    *,
    models: Sequence[str] = (),
    capabilities: str = "council",
    institution_weight: float = 1.0,
    seed: int = 0,
    bootstrap: int = 2000,
    workers: int = 1,
    dask: str | None = None,
    progress: Progress | None = None,
    announce: Callable[[str], None] | None = None,
    per_issue: Sequence[str] = (),
) -> DeuBacktest:
    """Score the models on a DEU-format TSV file (``detente backtest deu``):
    :func:`detente.analysis.backtest.run_deu_backtest`."""
    from detente.analysis.backtest import run_deu_backtest
    from detente.api.backtests import DeuBacktest
    from detente.executors import open_executor

    seed, workers = check_seed(seed), check_whole("workers", workers, 1)
    bootstrap = check_whole("bootstrap", bootstrap, 1)
    institution_weight = check_fraction("institution_weight", institution_weight, 0.0, 1000.0)
    with open_executor(workers=workers, dask=dask, announce=announce) as chosen:
        result = run_deu_backtest(
            path,
            models=_model_names(models),
            per_issue=tuple(per_issue),
            capabilities=capabilities,
            seed=seed,
            bootstrap=bootstrap,
            institution_weight=institution_weight,
            progress=progress,
            executor=chosen,
        )
    return DeuBacktest(result)


def shipped_cases() -> str:
    """The folder of historical cases that ships with detente.

    ``src/detente/cases`` is a link to the repository's ``cases/`` folder, and its case
    files are package data (``pyproject.toml``), so the same folder is found from a
    source checkout, an editable install and a wheel, whatever the working directory.
    Every case file in it counts (the backtest globs the folder; there is no list).
    """
    from importlib.resources import files

    return str(files("detente") / "cases")


def backtest_cases(
    directory: str | os.PathLike[str] | None = None,
    *,
    runs: int = 2000,
    seed: int = 0,
    workers: int = 1,
    dask: str | None = None,
    progress: Progress | None = None,
    announce: Callable[[str], None] | None = None,
) -> CaseBacktest:
    """Score the whether-and-when forecasters on historical cases (``detente backtest
    cases``; default: the cases that ship with detente):
    :func:`detente.analysis.case_backtest.run_case_backtest`."""
    from detente.analysis.case_backtest import run_case_backtest
    from detente.api.backtests import CaseBacktest
    from detente.executors import open_executor

    runs, seed = check_runs(runs, 1) or 1, check_seed(seed)
    workers = check_whole("workers", workers, 1)
    folder = os.fspath(directory) if directory else shipped_cases()
    with open_executor(workers=workers, dask=dask, announce=announce) as chosen:
        result = run_case_backtest(folder, runs=runs, seed=seed, progress=progress, executor=chosen)
    return CaseBacktest(result, folder)


def sweep(
    spec: str | os.PathLike[str] | SweepSpec,
    *,
    workers: int = 1,
    dask: str | None = None,
    store: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    announce: Callable[[str], None] | None = None,
) -> Sweep:
    """The forecast at every point of a sweep specification (``detente sweep``):
    :func:`detente.analysis.sweep_spec.read_spec` then
    :func:`detente.analysis.sweep.run_sweep`, recording the runs in ``store`` when given.
    ``spec`` is a file or a spec already read (the CLI reads it before any work)."""
    from detente.analysis.sweep import run_sweep
    from detente.analysis.sweep_spec import SweepSpec, read_spec
    from detente.api.sweeps import Sweep
    from detente.executors import open_executor

    workers = check_whole("workers", workers, 1)
    parsed = spec if isinstance(spec, SweepSpec) else read_spec(os.fspath(spec))
    with open_executor(workers=workers, dask=dask, announce=announce) as chosen:
        result = run_sweep(
            parsed.points, seed=parsed.seed, runs=parsed.runs, executor=chosen,
            models=parsed.models, static_runs=parsed.static_runs,
            common_random_numbers=parsed.common_random_numbers, store=store,
            spec=parsed.document, progress=progress,
        )  # fmt: skip
    return Sweep(result, parsed.path, tuple(parsed.columns))
