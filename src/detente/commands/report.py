"""``detente report``: one self-contained HTML or Markdown file with the forecast and plots."""

from __future__ import annotations

import click

from detente.commands._options import ScenarioInput, announce, check_output, scenario_input
from detente.commands._shared import progress_bar
from detente.commands.runs import Recorder, store_options


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
    type=click.IntRange(min=1),
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
    import importlib.util
    from typing import Literal, cast

    from detente.errors import DetenteError
    from detente.io import write_atomically
    from detente.report.document import build_report, render_html, render_markdown, report_format

    kind = report_format(output)  # a bad suffix or folder fails before any work is done
    check_output(output, what="report")
    if importlib.util.find_spec("matplotlib") is None:
        raise DetenteError(
            "detente report draws its figures with matplotlib, which is not installed; "
            "install it with: pip install 'detente[plot]'"
        )
    loaded = scenario.load()
    chosen = cast(Literal["svg", "png"], images or ("svg" if kind == "html" else "png"))
    with progress_bar("Monte Carlo draws", quiet=quiet) as update:
        report = build_report(
            loaded,
            source=scenario.source,
            runs=runs,
            seed=seed,
            image_format=chosen,
            sensitivity=sensitivity,
            progress=lambda done: update(done, runs),
        )
    write_atomically(output, render_html(report) if kind == "html" else render_markdown(report))
    omitted = {s.id: s.omitted for s in report.sections if s.omitted is not None}
    note = f"; omitted: {', '.join(omitted)}" if omitted else ""
    announce(f"wrote {output} ({len(report.sections) - len(omitted)} sections{note})")
    recorder.record(
        command="report",
        scenario=loaded,
        result={
            "output": output,
            "format": kind,
            "sections": [
                {"id": s.id, "title": s.title, "omitted": s.omitted} for s in report.sections
            ],
        },
        options={"source": scenario.source, "images": chosen, "sensitivity": sensitivity},
        seed=seed,
        runs=runs,
    )
