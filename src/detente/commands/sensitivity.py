"""``detente sensitivity``: which inputs drive the forecast (one at a time, or Sobol)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from detente.commands._executor import executor, executor_options
from detente.commands._options import (
    FIGURE_SUFFIXES,
    ScenarioInput,
    announce,
    check_output,
    format_option,
    scenario_input,
)
from detente.commands._shared import console, print_json, print_renderables, progress_bar
from detente.commands.runs import Recorder, store_options

if TYPE_CHECKING:
    from detente.analysis.sobol import SobolResult
    from detente.scenario import Scenario


@click.command(name="sensitivity")
@scenario_input
@click.option(
    "--method",
    type=click.Choice(["oat", "sobol"]),
    default="oat",
    show_default=True,
    help="One at a time (tornado) or variance-based Sobol indices (needs SALib).",
)
@click.option("--model", "-m", "models", multiple=True, help="Static model (repeatable).")
@click.option(
    "--runs",
    type=click.IntRange(min=0),
    default=256,
    show_default=True,
    help="Monte Carlo draws for P(agreement by the horizon) (0: at the modes).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of every draw.")
@click.option(
    "-N",
    "--samples",
    "samples",
    type=click.IntRange(min=2),
    default=64,
    show_default=True,
    help="Sobol base sample N, a power of 2 (N x (parameters + 2) evaluations).",
)
@click.option(
    "--metric",
    help="Rank (and plot) by this headline number, e.g. two-level:gap; 'any' ranks by the "
    "largest effect on any. Default: P(agreement) if it moves, else the two-level gap.",
)
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--plot", metavar="FILE", help="Draw a tornado (or Sobol) chart: PNG/SVG/PDF.")
@executor_options
@format_option()
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@store_options
def COMMAND(  # noqa: N802 - the name the command registry looks for
    scenario: ScenarioInput,
    method: str,
    models: Sequence[str],
    runs: int,
    seed: int,
    samples: int,
    metric: str | None,
    top: int,
    plot: str | None,
    workers: int,
    dask: str | None,
    fmt: str,
    quiet: bool,
    recorder: Recorder,
) -> None:
    """Rank the scenario's ranged parameters by their effect on the headline numbers.

    The headline numbers: each static model's outcome per issue, the two-level gap and
    verdict, and P(agreement by the horizon) when the dated model is registered. The
    evaluations run in a few coarse tasks on --workers processes or a --dask cluster,
    with the same answer (docs/scale-out.md). See docs/explain.md.
    """
    loaded = scenario.load()
    _check_early(loaded, models, metric, plot)
    options: dict[str, object] = {"method": method, "models": list(models), "metric": metric}
    if method == "sobol":
        from detente.analysis.sobol import sobol_sensitivity

        with executor(workers, dask) as chosen:
            indices = sobol_sensitivity(
                loaded, n=samples, seed=seed, models=list(models) or None, executor=chosen
            )
        _sobol(loaded, indices, samples, seed, metric, top, plot, fmt, recorder, options)
        return
    from detente.analysis.one_at_a_time import one_at_a_time

    with (
        executor(workers, dask) as chosen,
        progress_bar("Swinging parameters", quiet=quiet) as update,
    ):
        result = one_at_a_time(
            loaded, models=list(models) or None, runs=runs, seed=seed, progress=update,
            executor=chosen,
        )  # fmt: skip
    ranking = None if metric == "any" else (metric or result.headline())
    document = result.to_dict(ranking)
    if plot:
        from detente.report.tornado import plot_tornado

        plot_tornado(result, plot, metric=ranking, top=top)
        announce(f"wrote {plot} (tornado chart of {ranking or 'the largest effects'})")
    recorder.record(
        command="sensitivity", scenario=loaded, result=document, options=options, seed=seed,
        runs=runs,
    )  # fmt: skip
    if fmt == "json":
        print_json(document)
        return
    from detente.report.explain_tables import sensitivity_markdown, sensitivity_table

    if fmt == "markdown":
        click.echo(sensitivity_markdown(result, ranking, top))
        return
    out = console()
    out.print(sensitivity_table(result, ranking, top))
    out.print(
        "Effect: spread of the number over low, mode and high, in units of its scale "
        f"(issue width; 1 for probabilities). Metrics: {', '.join(m.id for m in result.metrics)}.",
        style="dim",
    )


def _sobol(
    loaded: Scenario,
    result: SobolResult,
    samples: int,
    seed: int,
    metric: str | None,
    top: int,
    plot: str | None,
    fmt: str,
    recorder: Recorder,
    options: dict[str, object],
) -> None:
    from detente.errors import DetenteError

    chosen = metric or result.headline()
    if chosen is not None and chosen not in result.indices:
        raise DetenteError(
            f"unknown metric {chosen!r}; expected one of {', '.join(result.indices)}"
        )
    document = result.to_dict()
    if plot:
        if chosen is None:
            raise DetenteError("no headline number varies over the ranges: nothing to plot")
        from detente.report.tornado import plot_sobol

        plot_sobol(result, plot, metric=chosen, top=top)
        announce(f"wrote {plot} (Sobol indices of {chosen})")
    recorder.record(
        command="sensitivity", scenario=loaded, result=document,
        options={**options, "samples": samples}, seed=seed,
    )  # fmt: skip
    if fmt == "json":
        print_json(document)
        return
    from rich.text import Text

    from detente.report.explain_tables import sobol_table

    shown: list[object] = []
    if chosen is None:
        shown.append("No headline number varies over the ranges: every Sobol index is undefined.")
    else:
        shown.append(sobol_table(result, chosen, top))
        shown.append(
            Text(
                f"{result.evaluations} evaluations; estimators of Saltelli et al. (2010) via "
                "SALib. Other metrics: --metric, or --format json for all.",
                style="dim",
            )
        )
    print_renderables(shown, fmt)


def _check_early(
    loaded: Scenario, models: Sequence[str], metric: str | None, plot: str | None
) -> None:
    """Refuse a bad --metric or --plot file before the (slow) computation."""
    from detente.analysis.headline_numbers import headline_metrics, static_models
    from detente.errors import DetenteError
    from detente.scenario_edits import dated_model

    if plot:
        check_output(plot, what="figure", suffixes=FIGURE_SUFFIXES)
    if metric in (None, "any"):
        return
    names = static_models(loaded, list(models) or None)
    known = [
        m.id for m in headline_metrics(loaded, names, with_dated=dated_model(loaded) is not None)
    ]
    if metric not in known:
        raise DetenteError(f"unknown metric {metric!r}; expected one of {', '.join(known)}")
