"""``detente base-rate``: the outside view of a scenario, from real disputes."""

from __future__ import annotations

import click

from detente.commands._options import ScenarioInput, format_option, scenario_input
from detente.commands._shared import print_json, print_renderables


@click.command(name="base-rate")
@scenario_input
@format_option()
@click.option("--all-records", is_flag=True, help="List every record id the class rests on.")
def COMMAND(scenario: ScenarioInput, fmt: str, all_records: bool) -> None:  # noqa: N802
    """The reference class of SCENARIO (default: the embedded one) and its base rate.

    Prints the class used (from the scenario's reference_class block, else inferred,
    with the reasons), the dataset and the records it rests on, N, the curve P(the
    class's event by t years) with its 95% band, and P(the event by each of the
    scenario's dates | the dispute still open at as_of). The event is an agreement,
    except for ICOW claims, whose data say only that a claim ended (by any route): an
    upper bound on an agreement. See docs/calibration.md.
    """
    from detente.outside_view.base_rate import base_rate_document

    document = base_rate_document(scenario.load())
    if fmt == "json":
        print_json(document)
        return
    from detente.report.calibrated_table import base_rate_tables

    print_renderables(base_rate_tables(document, all_records=all_records), fmt)
