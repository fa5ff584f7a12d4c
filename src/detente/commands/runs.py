"""``detente runs``: find, show and compare recorded runs (the run store, :mod:`detente.store`).

Also the ``--store PATH`` / ``--no-store`` options and the recording helper the analysis
commands share.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from detente.commands._shared import console, print_json

if TYPE_CHECKING:
    from detente.scenario import Scenario

F = TypeVar("F", bound=Callable[..., Any])

_STORE_HELP = (
    "Run store to record to (default: $DETENTE_STORE, else "
    "$XDG_DATA_HOME/detente/runs.sqlite3 or ~/.local/share/detente/runs.sqlite3)."
)


def store_options(function: F) -> F:
    """Add ``--store PATH`` and ``--no-store`` to a command."""
    function = click.option("--no-store", is_flag=True, help="Do not record this run.")(function)
    return click.option("--store", metavar="PATH", help=_STORE_HELP)(function)


def record(
    store: str | None,
    no_store: bool,
    *,
    command: str,
    scenario: Scenario | None,
    result: Any,
    options: dict[str, Any],
    seed: int | None = None,
    runs: int | None = None,
) -> tuple[int, str] | None:
    """Record a run unless ``--no-store``; return its id and the store's path.

    A store chosen with ``--store`` or ``DETENTE_STORE`` that cannot be written is an
    error (exit 2, before any output); the default store failing only warns on stderr,
    so a read-only home never costs the user a forecast.
    """
    from detente.errors import DetenteError
    from detente.store import record_run, resolve_store

    path = resolve_store(store, no_store)
    if path is None:
        return None
    try:
        run_id = record_run(
            path, command=command, scenario=scenario, result=result, options=options,
            seed=seed, runs=runs,
        )  # fmt: skip
    except (DetenteError, OSError) as exc:
        if store is not None or os.environ.get("DETENTE_STORE"):
            raise  # a store the user chose must work
        click.echo(f"detente: warning: run not recorded ({exc}); use --no-store", err=True)
        return None
    return run_id, str(path)


def recorded_note(recorded: tuple[int, str] | None) -> None:
    """Print "Recorded as run N in PATH" (dim) after a table."""
    if recorded is not None:
        from rich.text import Text

        console().print(Text(f"Recorded as run {recorded[0]} in {recorded[1]}", style="dim"))


@click.group(name="runs")
@click.option("--store", metavar="PATH", help=_STORE_HELP.replace("record to", "read"))
@click.pass_context
def COMMAND(ctx: click.Context, store: str | None) -> None:  # noqa: N802 - the registry's name
    """List, show and compare the runs recorded in the run store."""
    from detente.store import resolve_store

    ctx.obj = str(resolve_store(store))


@COMMAND.command(name="list")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--command", "command_name", metavar="NAME", help="Only runs of this command.")
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_obj
def list_command(store: str, limit: int, command_name: str | None, fmt: str) -> None:
    """The latest runs, newest first."""
    from detente.store import list_runs

    records = list_runs(store, limit=limit, command=command_name)
    if fmt == "json":
        print_json([r.to_dict(with_result=False) for r in records])
    elif not records:
        click.echo(f"No runs recorded in {store}.")
    else:
        from detente.report.explain_tables import runs_table

        console().print(runs_table(records, store))


@COMMAND.command(name="show")
@click.argument("run_id", type=int, metavar="ID")
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_obj
def show_command(store: str, run_id: int, fmt: str) -> None:
    """One run: when, what, with which options, and its result."""
    from detente.store import get_run

    found = get_run(store, run_id)
    if fmt == "json":
        print_json(found.to_dict())
        return
    from detente.report.explain_tables import run_renderables

    out = console()
    for renderable in run_renderables(found):
        out.print(renderable)


@COMMAND.command(name="diff")
@click.argument("old_id", type=int, metavar="ID")
@click.argument("new_id", type=int, metavar="ID")
@click.option(
    "--tolerance", type=float, default=0.0, show_default=True,
    help="Numbers closer than this count as equal.",
)  # fmt: skip
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_obj
def diff_command(store: str, old_id: int, new_id: int, tolerance: float, fmt: str) -> None:
    """What differs between the results of two runs: numbers with old and new value."""
    from detente.store import diff_results, get_run

    old, new = get_run(store, old_id), get_run(store, new_id)
    differences = diff_results(old.result, new.result, tolerance=tolerance)
    if fmt == "json":
        print_json(
            {
                "old": old.to_dict(with_result=False),
                "new": new.to_dict(with_result=False),
                "same_scenario": old.scenario_hash == new.scenario_hash,
                "differences": [d.to_dict() for d in differences],
            }
        )
        return
    from detente.report.explain_tables import diff_table

    out = console()
    if old.scenario_hash != new.scenario_hash:
        out.print(f"Note: the runs are on different scenarios ({old.scenario_title!r} and "
                  f"{new.scenario_title!r}).", style="yellow")  # fmt: skip
    out.print(diff_table(differences, old_id, new_id))
