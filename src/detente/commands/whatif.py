"""``detente whatif``: the forecast before and after changing some parameters.

The grammar of ``--set PATH=VALUE`` (repeatable)::

    PATH  = a full parameter path (as in evidence entries, with .0/.1 for the bounds of an
            accepts pair), e.g. agreement.signatories.russia.ratifiers.russian_public
            .accepts.territory.0, or a short form (ACTOR and ISSUE are ids):
              ACTOR.capability                  actors.ACTOR.capability
              ACTOR.ISSUE.position              actors.ACTOR.stances.ISSUE.position
              ACTOR.ISSUE.salience              actors.ACTOR.stances.ISSUE.salience
              ACTOR.MOTIVE.weight               actors.ACTOR.motives.MOTIVE.weight
              ACTOR.accepts.ISSUE.0 (or .1)     the accepts bound of ACTOR as signatory or
                                                ratifier (agreement.signatories...)
              ACTOR.tolerance.ISSUE             its tolerance
              ACTOR.leader.FIELD                agreement.signatories.ACTOR.leader.FIELD
              ISSUE.status_quo                  issues.ISSUE.status_quo
    VALUE = a number (50), a range LOW:MODE:HIGH (40:50:60) or a date (2020-12-31),
            in the scenario file's units (saliences on its salience_scale).

A malformed ``--set`` is one line on stderr and exit code 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from detente.commands._options import ScenarioInput, format_option, scenario_input
from detente.commands._shared import console, print_json
from detente.commands.runs import Recorder, store_options
from detente.errors import DetenteError
from detente.scenario_paths import expand_path, parse_assignment, parse_value

if TYPE_CHECKING:
    from detente.scenario_edits import Value

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
    "--runs", type=click.IntRange(min=0), default=1000, show_default=True,
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
    from detente.analysis.what_if import what_if
    from detente.commands._shared import progress_bar

    loaded = scenario.load()
    changes: dict[str, Value] = {}
    for text in assignments:
        path, value = parse_assignment(loaded, text)
        if path in changes:
            raise DetenteError(f"--set {text!r}: {path} is set twice")
        changes[path] = value
    with progress_bar(f"Sampling 2 x {runs:,} scenarios", quiet=quiet or not runs) as update:
        document = what_if(
            loaded,
            changes,
            models=list(models) or None,
            source=scenario.source,
            runs=runs,
            seed=seed,
            progress=lambda done: update(done, 2 * runs),
        )
    recorder.record(
        command="whatif", scenario=loaded, result=document,
        options={"models": list(models), "set": list(assignments)},
        seed=seed if runs else None, runs=runs or None,
    )  # fmt: skip
    if fmt == "json":
        print_json(document)
        return
    from detente.report.explain_tables import whatif_markdown, whatif_renderables

    if fmt == "markdown":
        click.echo(whatif_markdown(document))
        return
    out = console()
    for renderable in whatif_renderables(document):
        out.print(renderable)
