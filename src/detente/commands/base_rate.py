"""``detente base-rate``: the outside view of a scenario, from real disputes."""

from __future__ import annotations

import click

from detente.commands._shared import console, print_json


@click.command(name="base-rate")
@click.argument("scenario", required=False)
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option("--all-records", is_flag=True, help="List every record id the class rests on.")
def COMMAND(scenario: str | None, fmt: str, all_records: bool) -> None:  # noqa: N802
    """The reference class of SCENARIO (default: the embedded one) and its base rate.

    Prints the class used (from the scenario's reference_class block, else inferred,
    with the reasons), the dataset and the records it rests on, N, the curve P(ended in
    agreement by t years) with its 95% band, and P(agreement by each of the scenario's
    dates | the dispute still open at as_of). See docs/calibration.md.
    """
    from detente.cli import load
    from detente.outside_view.base_rate import base_rate_document

    document = base_rate_document(load(scenario))
    if fmt == "json":
        print_json(document)
        return
    from detente.report.calibrated_table import base_rate_tables

    out = console()
    for renderable in base_rate_tables(document, all_records=all_records):
        out.print(renderable)
