"""``detente flip``: what would it take to flip the answer (the smallest change)."""

from __future__ import annotations

from collections.abc import Sequence

import click

from detente.commands._options import ScenarioInput, format_option, scenario_input
from detente.commands._shared import print_json, print_renderables, progress_bar
from detente.commands.runs import Recorder, store_options
from detente.limits import MAX_RUNS


@click.command(name="flip")
@scenario_input
@click.option(
    "--target",
    type=click.Choice(["auto", "calibrated", "dated", "zopa"]),
    default="auto",
    show_default=True,
    help="The answer to flip: the calibrated P(agreement by the horizon) across the "
    "threshold (calibrated), the dated model's own P across it (dated), two-level "
    "agreement possible (zopa); auto: calibrated when the dated model applies, else zopa.",
)
@click.option(
    "--threshold",
    type=click.FloatRange(min=0, max=1, min_open=True, max_open=True),
    default=0.5,
    show_default=True,
    help="Calibrated and dated targets: the probability the answer flips across.",
)
@click.option(
    "--runs",
    type=click.IntRange(min=0, max=MAX_RUNS),
    default=None,
    help="Monte Carlo draws per evaluation (default: 200 for the calibrated target, 0 "
    "for the dated one: at the modes).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of draws and shocks.")
@click.option(
    "--shock-paths",
    type=click.IntRange(min=1),
    default=64,
    show_default=True,
    help="Dated target at the modes: shock paths averaged over.",
)
@click.option("--no-pairs", is_flag=True, help="Do not search pairs when no single change flips.")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="PATH",
    help="Search only this parameter (repeatable; short forms as in whatif).",
)
@click.option("--limit", type=click.IntRange(min=1), default=5, show_default=True)
@format_option()
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@store_options
def COMMAND(  # noqa: N802 - the name the command registry looks for
    scenario: ScenarioInput,
    target: str,
    threshold: float,
    runs: int | None,
    seed: int,
    shock_paths: int,
    no_pairs: bool,
    params: Sequence[str],
    limit: int,
    fmt: str,
    quiet: bool,
    recorder: Recorder,
) -> None:
    """The smallest change to one parameter (then a pair) that flips the answer, in the
    scenario's own words. See docs/explain.md for the search."""
    from detente.api.verbs import flip

    loaded = scenario.load()
    with progress_bar("Searching", quiet=quiet) as update:
        found = flip(
            loaded, target=target, threshold=threshold, runs=runs, seed=seed,
            shock_paths=shock_paths, no_pairs=no_pairs, params=params, limit=limit,
            progress=update,
        )  # fmt: skip
    document = found.document
    options = {"target": found.result.target, "threshold": threshold, "shock_paths": shock_paths,
               "pairs": not no_pairs, "params": found.paths}  # fmt: skip
    recorder.record(
        command="flip", scenario=loaded, result=document, options=options, seed=seed,
        runs=found.result.runs,
    )  # fmt: skip
    if fmt == "json":
        print_json(document)
    elif fmt == "markdown":
        click.echo(found.markdown(), nl=False)
    else:
        print_renderables(found.renderables())
