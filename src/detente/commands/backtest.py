"""``detente backtest``: measure the models' track record on real negotiations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from detente.commands._executor import executor_options
from detente.commands._options import FIGURE_SUFFIXES, announce, check_output, format_option
from detente.commands._shared import print_json, print_renderables, progress_bar
from detente.commands.runs import Recorder, store_options
from detente.limits import MAX_RUNS

if TYPE_CHECKING:
    from detente.api.results import Result


@click.group(name="backtest")
def COMMAND() -> None:  # noqa: N802 - the name the command registry looks for
    """Score the models against negotiations whose outcome is known."""


@COMMAND.command(name="deu")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--model", "-m", "models", multiple=True, help="Model to score (repeatable; default: all)."
)
@click.option(
    "--per-issue",
    "per_issue",
    multiple=True,
    help="Score this multi-issue model (exchange, smp) issue by issue instead of on one "
    "scenario per proposal (repeatable; to compare the two).",
)
@click.option(
    "--capabilities",
    type=click.Choice(["council", "equal", "banzhaf", "shapley"]),
    default="council",
    show_default=True,
    help="Member states' capability under the Council rule in force at the proposal's date: "
    "raw weight (votes; population share under Lisbon), equal, or the normalised Banzhaf or "
    "Shapley-Shubik index (docs/voting-power.md).",
)
@click.option(
    "--institution-weight",
    type=click.FloatRange(min=0, max=1000),
    default=1.0,
    show_default=True,
    help="Weight of the Commission and Parliament, as a multiple of the mean member-state weight.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the bootstrap.")
@click.option(
    "--bootstrap",
    type=click.IntRange(min=1),
    default=2000,
    show_default=True,
    help="Bootstrap resamples of the proposals (issues of a proposal stay together).",
)
@executor_options
@format_option()
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@store_options
def deu(
    path: str,
    models: Sequence[str],
    per_issue: Sequence[str],
    capabilities: str,
    institution_weight: float,
    seed: int,
    bootstrap: int,
    workers: int,
    dask: str | None,
    fmt: str,
    quiet: bool,
    recorder: Recorder,
) -> None:
    """Backtest on the DEU dataset of EU legislative negotiations (a DEU-format TSV file).

    Single-issue models forecast each issue on its own; the multi-issue models (exchange,
    smp) forecast one scenario per proposal holding all its issues, each scored. Prints
    per model the mean and median absolute error against the actual outcome, the share
    within 10 points, a 95% interval of the MAE from a bootstrap of proposals, and
    the paired difference against the compromise model with its interval; then the same
    per procedure (COD, CNS) and Council voting rule (QMV, unanimity). Models fitted to
    the outcomes (procedural) are scored only by proposal-grouped cross-validation. The
    issues run in a few tasks on --workers processes or a --dask cluster, with the same
    answer. See docs/backtest-deu.md.
    """
    from detente.api.verbs import backtest_deu

    with progress_bar("Scoring DEU issues", quiet=quiet) as update:
        result = backtest_deu(
            path,
            models=models,
            per_issue=per_issue,
            capabilities=capabilities,
            seed=seed,
            bootstrap=bootstrap,
            institution_weight=institution_weight,
            workers=workers,
            dask=dask,
            progress=update,
            announce=announce,
        )
    recorder.record(
        command="backtest deu",
        scenario=None,
        result=result.to_dict(),
        options={
            "path": path,
            "models": list(models),
            "per_issue": list(per_issue),
            "capabilities": capabilities,
            "institution_weight": institution_weight,
            "bootstrap": bootstrap,
        },
        seed=seed,
    )
    _print(result, fmt)


def _print(result: Result, fmt: str) -> None:
    """A backtest's result as JSON, Markdown or terminal tables."""
    if fmt == "json":
        print_json(result.to_dict())
    elif fmt == "markdown":
        click.echo(result.markdown(), nl=False)
    else:
        print_renderables(result.renderables())


@COMMAND.command(name="cases")
@click.argument("directory", metavar="[DIR]", required=False, type=click.Path(file_okay=False))
@click.option(
    "--runs",
    type=click.IntRange(min=1, max=MAX_RUNS),
    default=2000,
    show_default=True,
    help="Draws per case.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Root seed of the draws.")
@format_option()
@click.option(
    "--plot",
    type=click.Path(dir_okay=False),
    help="Write a reliability diagram (PNG/SVG/PDF) of the main forecasters.",
)
@executor_options
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@store_options
def cases(
    directory: str | None,
    runs: int,
    seed: int,
    fmt: str,
    plot: str | None,
    workers: int,
    dask: str | None,
    quiet: bool,
    recorder: Recorder,
) -> None:
    """Backtest whether-and-when forecasters on historical cases (scenarios with an outcome).

    For each case in DIR (default: the cases that ship with detente), P(agreement by the
    horizon) from each forecaster is scored against what happened: the calibrated
    forecaster (the default, cross-fitted leave-one-out), the structural model with
    unseen routes, the outside view alone, the dated model's Monte Carlo and modes, the
    two-level verdict and the leave-one-out base rate; Brier score with its Murphy
    decomposition, log score and AUC. Each case is one task on --workers processes or a
    --dask cluster, with the same answer. See docs/backtest-cases.md and
    docs/calibration.md.
    """
    from detente.api.verbs import backtest_cases

    if plot is not None:  # before any work: the figure must have somewhere to go
        check_output(plot, what="figure", suffixes=FIGURE_SUFFIXES)

    with progress_bar("Scoring cases", quiet=quiet) as update:
        result = backtest_cases(
            directory, runs=runs, seed=seed, workers=workers, dask=dask, progress=update,
            announce=announce,
        )  # fmt: skip
    recorder.record(
        command="backtest cases",
        scenario=None,
        result=result.to_dict(),
        options={"directory": result.folder},
        seed=seed,
        runs=runs,
    )
    if plot is not None:
        from detente.report.case_tables import plot_reliability

        plot_reliability(result.result, plot)
        announce(f"wrote {plot} (reliability diagram of {len(result.result.rows)} cases)")
    _print(result, fmt)
