"""``detente report``: one self-contained HTML or Markdown file with the forecast and plots."""

from __future__ import annotations

import click

from detente.commands._shared import progress_bar


@click.command(name="report")
@click.argument("scenario", required=False, metavar="[SCENARIO]")
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
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
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, no summary line.")
def COMMAND(  # noqa: N802 - the name the command registry looks for
    scenario: str | None,
    output: str,
    runs: int,
    seed: int,
    images: str | None,
    sensitivity: bool,
    quiet: bool,
) -> None:
    """Write a report on SCENARIO: summary and evidence, forecasts on each issue's scale,
    the two-level picture, expected-utility rounds, P(agreement by date) with its band and
    the sensitivity tornado, every figure embedded in the one file.

    SCENARIO is a scenario file, a CSV table or an embedded scenario's name (default: the
    Russia-Japan 2018 scenario).
    """
    import importlib.util
    from typing import Literal, cast

    from detente.cli import load
    from detente.errors import DetenteError
    from detente.io import write_atomically
    from detente.report.document import build_report, render_html, render_markdown, report_format

    kind = report_format(output)  # a bad suffix fails before any work is done
    if importlib.util.find_spec("matplotlib") is None:
        raise DetenteError(
            "detente report draws its figures with matplotlib, which is not installed; "
            "install it with: pip install 'detente[plot]'"
        )
    loaded = load(scenario)
    chosen = cast(Literal["svg", "png"], images or ("svg" if kind == "html" else "png"))
    with progress_bar("Monte Carlo draws", quiet=quiet) as update:
        report = build_report(
            loaded,
            source=scenario,
            runs=runs,
            seed=seed,
            image_format=chosen,
            sensitivity=sensitivity,
            progress=lambda done: update(done, runs),
        )
    write_atomically(output, render_html(report) if kind == "html" else render_markdown(report))
    if not quiet:
        omitted = [s.id for s in report.sections if s.omitted is not None]
        note = f"; omitted: {', '.join(omitted)}" if omitted else ""
        present = len(report.sections) - len(omitted)
        click.echo(f"wrote {output} ({present} sections{note})", err=True)
