"""``detente serve``: the what-if workbench in the browser (needs ``detente[web]``)."""

from __future__ import annotations

import click

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MIN_MEMORY = 256 * 1024**2
"""The smallest --memory-budget: below it a worker cannot even import numpy."""
DEFAULT_MEMORY = "2GiB"


def _byte_size(ctx: click.Context, param: click.Parameter, value: str) -> int:
    """A size in bytes: ``2GiB``, ``512MiB``, ``1.5GB``, ``2000000000`` (pydantic's
    ``ByteSize``: KiB/MiB/GiB binary, KB/MB/GB decimal), at least :data:`MIN_MEMORY`."""
    from pydantic import ByteSize, TypeAdapter, ValidationError

    try:
        size = int(TypeAdapter(ByteSize).validate_python(value.replace(" ", "")))
    except ValidationError:
        raise click.BadParameter(
            f"{value!r} is not a size such as 2GiB, 512MiB or 1.5GB", ctx, param
        ) from None
    if size < MIN_MEMORY:
        raise click.BadParameter(f"{value!r} is below the least, 256MiB", ctx, param)
    return size


@click.command(name="serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--max-runs",
    type=click.IntRange(1, 20_000),
    default=20_000,
    show_default=True,
    help="Most Monte Carlo draws one request may ask for.",
)
@click.option(
    "--time-budget",
    type=click.FloatRange(min=0.5, max=600),
    default=10.0,
    show_default=True,
    help="Seconds a Monte Carlo run may take before the request is refused (503).",
)
@click.option(
    "--memory-budget",
    metavar="SIZE",
    callback=_byte_size,
    default=DEFAULT_MEMORY,
    show_default=True,
    help="Address space each computation's worker process may use (e.g. 2GiB, 512MiB); "
    "a computation that needs more is refused (503).",
)
def COMMAND(  # noqa: N802 - the name the command registry looks for
    host: str, port: int, max_runs: int, time_budget: float, memory_budget: int
) -> None:
    """Start the workbench: a page to load a scenario, move sliders and watch the forecast
    change, and its JSON API (OpenAPI at /openapi.json). Stop it with Ctrl-C.

    It binds to 127.0.0.1 (this machine only) unless --host says otherwise; it reads no
    files and needs no internet.
    """
    from detente.errors import DetenteError

    try:
        import uvicorn

        from detente.web.app import create_app
    except ImportError as exc:
        raise DetenteError(
            f"detente serve needs the web extra ({exc.name or 'fastapi/uvicorn'} is missing); "
            "install it with: pip install 'detente[web]'"
        ) from None
    exposed = host not in LOOPBACK
    if exposed:
        click.echo(
            f"warning: binding to {host} makes the workbench reachable from other machines",
            err=True,
        )
    app = create_app(
        max_runs=max_runs,
        time_budget=time_budget,
        memory_budget=memory_budget,
        allowed_hosts=["*"] if exposed else None,
    )
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"detente workbench on http://{shown}:{port}/ (Ctrl-C to stop)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
