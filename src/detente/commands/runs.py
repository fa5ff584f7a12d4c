"""``detente runs``: find, show and compare recorded runs (the run store, :mod:`detente.store`).

Also the ``--store PATH`` / ``--no-store`` options and the recording helper the analysis
commands share.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from detente.commands._options import announce, format_option, unwritable_folder
from detente.commands._shared import print_json, print_markdown, print_renderables

if TYPE_CHECKING:
    from detente.scenario import Scenario
    from detente.store import RunRecord

F = TypeVar("F", bound=Callable[..., Any])

_STORE_HELP = (
    "Run store to record to (default: $DETENTE_STORE, else "
    "$XDG_DATA_HOME/detente/runs.sqlite3 or ~/.local/share/detente/runs.sqlite3)."
)


@dataclass
class Recorder:
    """Where a command records its run (``path`` ``None``: nowhere), checked up front.

    Made by :func:`store_options` before the command does any work, so a store the user
    chose that cannot be opened or written (``--store``, ``DETENTE_STORE``) stops the
    command at once (exit 2), and the default store failing only warns: a read-only home
    never costs the user a forecast. The command calls :meth:`record` after everything
    else it writes has been written, so a failed command records nothing.
    """

    path: Path | None
    chosen: bool = False
    recorded: int | None = None

    def record(
        self,
        *,
        command: str,
        scenario: Scenario | None,
        result: Any,
        options: dict[str, Any],
        seed: int | None = None,
        runs: int | None = None,
    ) -> None:
        """Record the run (unless ``--no-store``) and say so on stderr."""
        if self.path is None:
            return
        from detente.errors import DetenteError
        from detente.store import record_run

        try:
            self.recorded = record_run(
                self.path, command=command, scenario=scenario, result=result,
                options=options, seed=seed, runs=runs,
            )  # fmt: skip
        except (DetenteError, OSError) as exc:
            if self.chosen:
                raise  # a store the user chose must work
            click.echo(f"detente: warning: run not recorded ({exc}); use --no-store", err=True)
            return
        announce(f"recorded as run {self.recorded} in {self.path}")


def _check_store(path: Path, *, make_folders: bool = True) -> None:
    """Raise unless a run could be recorded in ``path``, without writing anything: an
    existing store must open as a detente store this version can write; otherwise its
    folder must exist (``make_folders=False``, a path typed as ``--store``, like every
    other output path) or the nearest existing folder above it must let files and
    folders be made in it (the default store and ``DETENTE_STORE``)."""
    from detente.store import StoreError, connect

    if path.exists():
        with connect(path, create=False):
            return
    problem = unwritable_folder(path, make_folders=make_folders)
    if problem is not None:
        raise StoreError(f"cannot make the run store {path}: {problem}")


def open_recorder(store: str | None, no_store: bool) -> Recorder:
    """The :class:`Recorder` of ``--store``/``--no-store``, its store checked now, before
    any work (nothing is created until a run is recorded)."""
    if no_store:  # nothing to check: the store module is not even imported
        return Recorder(None)
    from detente.errors import DetenteError
    from detente.store import resolve_store

    path = resolve_store(store, no_store)
    if path is None:
        return Recorder(None)
    chosen = store is not None or bool(os.environ.get("DETENTE_STORE"))
    try:
        _check_store(path, make_folders=store is None)
    except (DetenteError, OSError) as exc:
        if chosen:
            raise  # a store the user chose must work
        click.echo(f"detente: warning: runs will not be recorded ({exc}); use --no-store", err=True)
        return Recorder(None)
    return Recorder(path, chosen)


def store_options(function: F) -> F:
    """Add ``--store PATH`` and ``--no-store``; the command receives ``recorder: Recorder``."""

    @functools.wraps(function)
    def wrapper(*args: Any, store: str | None, no_store: bool, **kwargs: Any) -> Any:
        return function(*args, recorder=open_recorder(store, no_store), **kwargs)

    wrapped = click.option("--no-store", is_flag=True, help="Do not record this run.")(wrapper)
    return click.option("--store", metavar="PATH", help=_STORE_HELP)(wrapped)  # type: ignore[return-value]


def _read_store_option(function: F) -> F:
    """``--store`` on a ``runs`` subcommand (overrides one given before the subcommand);
    the subcommand receives the resolved path as ``store: str``."""

    @functools.wraps(function)
    def wrapper(*args: Any, store: str | None, **kwargs: Any) -> Any:
        from detente.store import resolve_store

        chosen = store or click.get_current_context().obj
        return function(*args, store=str(resolve_store(chosen)), **kwargs)

    help_text = _STORE_HELP.replace("record to", "read")
    return click.option("--store", metavar="PATH", help=help_text)(wrapper)  # type: ignore[return-value]


@click.group(name="runs")
@click.option("--store", metavar="PATH", help=_STORE_HELP.replace("record to", "read"))
@click.pass_context
def COMMAND(ctx: click.Context, store: str | None) -> None:  # noqa: N802 - the registry's name
    """List, show and compare the runs recorded in the run store (--store may come before
    or after the subcommand)."""
    ctx.obj = store


def damaged_notes(records: Sequence[RunRecord]) -> None:
    """One line on stderr for each damaged row (see :attr:`RunRecord.damage`)."""
    for record in records:
        if record.damage is not None:
            click.echo(f"detente: note: run {record.id}: {record.damage}", err=True)


@COMMAND.command(name="list")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--command", "command_name", metavar="NAME", help="Only runs of this command.")
@format_option()
@_read_store_option
def list_command(store: str, limit: int, command_name: str | None, fmt: str) -> None:
    """The latest runs, newest first."""
    from detente.store import list_runs

    records = list_runs(store, limit=limit, command=command_name)
    damaged_notes(records)
    if fmt == "json":
        print_json([r.to_dict(with_result=False) for r in records])
    elif not records:
        click.echo(f"No runs recorded in {store}.")
    else:
        from detente.report.explain_tables import runs_table

        print_renderables([runs_table(records, store)], fmt)


@COMMAND.command(name="show")
@click.argument("run_id", type=int, metavar="ID")
@format_option()
@_read_store_option
def show_command(store: str, run_id: int, fmt: str) -> None:
    """One run: when, what, with which options, and its result."""
    from detente.store import get_run

    found = get_run(store, run_id)
    damaged_notes([found])
    if fmt == "json":
        print_json(found.to_dict())
        return
    from detente.report.explain_tables import run_renderables

    renderables = run_renderables(found)
    if fmt == "markdown":
        import json

        print_markdown(renderables[:-1])
        result = json.dumps(found.result, indent=2, ensure_ascii=False)
        click.echo(f"\n```json\n{result}\n```")
        return
    print_renderables(renderables)


@COMMAND.command(name="diff")
@click.argument("old_id", type=int, metavar="ID")
@click.argument("new_id", type=int, metavar="ID")
@click.option(
    "--tolerance", type=float, default=0.0, show_default=True,
    help="Numbers closer than this count as equal.",
)  # fmt: skip
@format_option()
@_read_store_option
def diff_command(store: str, old_id: int, new_id: int, tolerance: float, fmt: str) -> None:
    """What differs between the results of two runs: numbers with old and new value."""
    from detente.result_diff import diff_results
    from detente.store import get_run

    old, new = get_run(store, old_id), get_run(store, new_id)
    damaged_notes([old, new])
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
    from rich.text import Text

    from detente.report.explain_tables import diff_table

    shown: list[Any] = []
    if old.scenario_hash != new.scenario_hash:
        shown.append(Text(_different_scenarios(old, new), style="yellow"))
    shown.append(diff_table(differences, old_id, new_id))
    print_renderables(shown, fmt)


def _different_scenarios(old: Any, new: Any) -> str:
    """The note for two runs on different scenario contents, saying what differs."""
    if old.scenario_title != new.scenario_title:
        return (
            f"Note: the runs are on different scenarios ({old.scenario_title!r} and "
            f"{new.scenario_title!r})."
        )
    hashes = [(run.scenario_hash or "none")[:12] for run in (old, new)]
    return (
        f"Note: the runs are on different contents of the scenario {old.scenario_title!r} "
        f"(content hashes {hashes[0]} and {hashes[1]}): the file was edited between them or "
        f"a run changed its values (run {old.id}: {old.command}, run {new.id}: {new.command}), "
        "so some of the differences below come from the input."
    )
