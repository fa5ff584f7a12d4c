"""``--dask ADDRESS`` (or ``DETENTE_DASK``): the option that sends a command's tasks to a
Dask cluster, shared by every command that takes ``--workers`` (see
:mod:`detente.executors`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from detente.commands._options import announce

if TYPE_CHECKING:
    from detente.executors import Executor

__all__ = ["dask_option", "executor", "executor_options"]

F = TypeVar("F", bound=Callable[..., Any])


def dask_option(function: F) -> F:
    """Add ``--dask ADDRESS`` (``local`` for a LocalCluster of ``--workers`` processes)."""
    return click.option(
        "--dask",
        metavar="ADDRESS",
        envvar="DETENTE_DASK",
        callback=_check_dask,
        help="Run the tasks on a Dask cluster: a scheduler address (tcp://host:8786) or "
        "'local' for a LocalCluster of --workers processes (default: $DETENTE_DASK; needs "
        "pip install 'detente[dask]').",
    )(function)


def executor_options(function: F) -> F:
    """Add ``--workers N`` and ``--dask ADDRESS``: where a command's tasks run.

    ``--workers`` counts local processes, or the worker processes of ``--dask local``;
    with a remote scheduler it must stay 1 (:func:`detente.executors.check_workers`).
    """
    return click.option(
        "--workers",
        type=click.IntRange(min=1),
        default=1,
        show_default=True,
        help="Local worker processes (1: in this process), or the workers of --dask local. "
        "Not with a remote --dask scheduler: its workers are the cluster's.",
    )(dask_option(function))


def _check_dask(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Refuse ``--dask`` at once, before any work, when dask.distributed is missing."""
    if not value:  # the common case imports nothing
        return None
    import importlib.util

    from detente.errors import DetenteError
    from detente.executors import MISSING_DASK

    if importlib.util.find_spec("distributed") is None:
        raise DetenteError(MISSING_DASK)
    return value


@contextmanager
def executor(workers: int, dask: str | None) -> Iterator[Executor]:
    """The executor of ``--workers``/``--dask``; the Dask dashboard's link on stderr."""
    from detente.executors import open_executor

    with open_executor(workers=workers, dask=dask or None, announce=announce) as opened:
        yield opened
