"""``detente report``: one self-contained HTML or Markdown file with the forecast and plots."""

from __future__ import annotations

import click

from detente.commands._options import ScenarioInput, announce, scenario_input
from detente.commands._shared import progress_bar
from detente.commands.runs import Recorder, store_options
from detente.limits import MAX_RUNS


@click.command(name="report")
@scenario_input
@click.option(
    "--output",
    "-o",
    required=True,
    metavar="FILE",
    help="File to write: .html or .md (the format follows the suffix).",
)
@click.option(
    "--runs",
    type=click.IntRange(min=1, max=MAX_RUNS),
    default=2000,
    show_default=True,
    help="Monte Carlo draws for the P(agreement by date) curve.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Root seed of the draws.")
@click.option(
    "--images",
    type=click.Choice(["svg", "png"]),
    default=None,
    help="Image format of the figures (default: SVG in HTML, PNG in Markdown).",
)
@click.option(
    "--sensitivity/--no-sensitivity",
    default=True,
    show_default=True,
    help="Include the sensitivity tornado (the slowest section).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@store_options
def COMMAND(  # noqa: N802 - the name the command registry looks for
    scenario: ScenarioInput,
    output: str,
    runs: int,
    seed: int,
    images: str | None,
    sensitivity: bool,
    quiet: bool,
    recorder: Recorder,
) -> None:
    """Write a report on SCENARIO: summary and evidence, forecasts on each issue's scale,
    the two-level picture, expected-utility rounds, P(agreement by date) with its band and
    the sensitivity tornado, every figure embedded in the one file.

    SCENARIO is a scenario file, a CSV table or an embedded scenario's name (default: the
    Russia-Japan 2018 scenario).
    """
    from detente.api.verbs import check_report_output, report

    check_report_output(output)  # a bad suffix or folder fails before the scenario is read
    loaded = scenario.load()
    with progress_bar("Monte Carlo draws", quiet=quiet) as update:
        built, kind, chosen = report(
            loaded, output, source=scenario.source, runs=runs, seed=seed,
            images=images,  # type: ignore[arg-type]  # click.Choice(["svg", "png"])
            sensitivity=sensitivity, progress=lambda done: update(done, runs),
        )  # fmt: skip
    omitted = {s.id: s.omitted for s in built.sections if s.omitted is not None}
    note = f"; omitted: {', '.join(omitted)}" if omitted else ""
    announce(f"wrote {output} ({len(built.sections) - len(omitted)} sections{note})")
    recorder.record(
        command="report",
        scenario=loaded,
        result={
            "output": output,
            "format": kind,
            "sections": [
                {"id": s.id, "title": s.title, "omitted": s.omitted} for s in built.sections
            ],
        },
        options={"source": scenario.source, "images": chosen, "sensitivity": sensitivity},
        seed=seed,
        runs=runs,
    )
