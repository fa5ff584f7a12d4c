"""``detente sensitivity``: which inputs drive the forecast (one at a time, or Sobol)."""

from __future__ import annotations

from collections.abc import Sequence

import click

from detente.commands._executor import executor_options
from detente.commands._options import (
    FIGURE_SUFFIXES,
    ScenarioInput,
    announce,
    check_output,
    format_option,
    scenario_input,
)
from detente.commands._shared import print_json, print_renderables, progress_bar
from detente.commands.runs import Recorder, store_options
from detente.errors import DetenteError
from detente.limits import MAX_RUNS


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
    type=click.IntRange(min=0, max=MAX_RUNS),
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
    help="Rank (and plot) by this headline number, e.g. two-level:gap; p_agreement ranks "
    "the dated model's own P; 'any' ranks by the largest effect on any. Default: the "
    "calibrated P(agreement) (calibrated:p_agreement, what forecast reports) if it moves, "
    "else the dated model's P, else the two-level gap.",
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
    verdict, and, when the dated model is registered, the calibrated P(agreement by the
    horizon) that forecast reports (the default ranking) and the dated model's own P
    (--metric p_agreement). The
    evaluations run in a few coarse tasks on --workers processes or a --dask cluster,
    with the same answer (docs/scale-out.md). See docs/explain.md.
    """
    from detente.api.results import SobolSensitivity
    from detente.api.verbs import sensitivity

    loaded = scenario.load()
    if plot:
        check_output(plot, what="figure", suffixes=FIGURE_SUFFIXES)
    options: dict[str, object] = {"method": method, "models": list(models), "metric": metric}
    with progress_bar("Swinging parameters", quiet=quiet or method == "sobol") as update:
        result = sensitivity(
            loaded, method=method, models=models, runs=runs, seed=seed, samples=samples,
            metric=metric, top=top, workers=workers, dask=dask, progress=update,
            announce=announce,
        )  # fmt: skip
    document = result.to_dict()
    if isinstance(result, SobolSensitivity):
        options["samples"] = samples
        if plot:
            if result.metric is None:
                raise DetenteError("no headline number varies over the ranges: nothing to plot")
            from detente.report.tornado import plot_sobol

            plot_sobol(result.result, plot, metric=result.metric, top=top)
            announce(f"wrote {plot} (Sobol indices of {result.metric})")
        recorder.record(
            command="sensitivity", scenario=loaded, result=document, options=options, seed=seed
        )
    else:
        if plot:
            from detente.report.tornado import plot_tornado

            plot_tornado(result.result, plot, metric=result.metric, top=top)
            announce(f"wrote {plot} (tornado chart of {result.metric or 'the largest effects'})")
        recorder.record(
            command="sensitivity", scenario=loaded, result=document, options=options, seed=seed,
            runs=runs,
        )  # fmt: skip
    if fmt == "json":
        print_json(document)
    elif fmt == "markdown":
        click.echo(result.markdown(), nl=False)
    else:
        print_renderables(result.renderables())
