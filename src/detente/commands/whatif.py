"""``detente whatif``: the forecast before and after changing some parameters.

``--set PATH=VALUE`` (repeatable) takes a full parameter path or a short form such as
``russia.capability`` or ``russian_public.accepts.territory.0``, and a number, a range
``LOW:MODE:HIGH`` or a date; the grammar is in :mod:`detente.scenario_paths` and
``docs/explain.md``. A malformed ``--set`` is one line on stderr and exit code 2.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from detente.commands._options import ScenarioInput, format_option, scenario_input
from detente.commands._shared import print_json, print_renderables
from detente.commands.runs import Recorder, store_options
from detente.limits import MAX_RUNS
from detente.scenario_paths import expand_path, parse_assignment, parse_value

__all__ = ["COMMAND", "expand_path", "parse_assignment", "parse_value"]


@click.command(name="whatif")
@scenario_input
@click.option(
    "--set", "-s", "assignments", multiple=True, metavar="PATH=VALUE",
    help="A change, e.g. russia.capability=0.5 or russian_public.accepts.territory.0=50 "
    "(repeatable; see docs/explain.md for the grammar).",
)  # fmt: skip
@click.option("--model", "-m", "models", multiple=True, help="Model to run (default: all).")
@click.option(
    "--runs", type=click.IntRange(min=0, max=MAX_RUNS), default=1000, show_default=True,
    help="Monte Carlo draws of each scenario (same seed before and after) for the "
    "calibrated whether-and-when forecast; 0: the models at the modes only.",
)  # fmt: skip
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Seed of the Monte Carlo draws."
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@format_option()
@store_options
def COMMAND(  # noqa: N802 - the name the command registry looks for
    scenario: ScenarioInput,
    assignments: Sequence[str],
    models: Sequence[str],
    runs: int,
    seed: int,
    quiet: bool,
    fmt: str,
    recorder: Recorder,
) -> None:
    """The forecast before and after changing parameters, side by side.

    With --runs (default 1000), also the calibrated probability that the agreement is
    signed by each date (docs/calibration.md), before and after, from the same seed.
    """
    from detente.api.verbs import whatif
    from detente.commands._shared import progress_bar

    loaded = scenario.load()
    with progress_bar(f"Sampling 2 x {runs:,} scenarios", quiet=quiet or not runs) as update:
        result = whatif(
            loaded, set=assignments, models=models, source=scenario.source, runs=runs,
            seed=seed, progress=lambda done: update(done, 2 * runs),
        )  # fmt: skip
    document = result.document
    recorder.record(
        command="whatif", scenario=loaded, result=document,
        options={"models": list(models), "set": list(assignments)},
        seed=seed if runs else None, runs=runs or None,
    )  # fmt: skip
    if fmt == "json":
        print_json(document)
    elif fmt == "markdown":
        click.echo(result.markdown(), nl=False)
    else:
        print_renderables(result.renderables())
