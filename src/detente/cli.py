"""The ``detente`` command: thin glue from arguments to io, models and reports.

Errors in the user's input (:class:`~detente.errors.DetenteError`) print one line on
stderr and exit with code 2; never a traceback. Heavy libraries (numpy, pydantic,
rich, matplotlib) are imported inside the commands so that ``detente --help`` starts
fast.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

import click

from detente import __version__
from detente.commands._shared import console, print_json
from detente.commands.runs import record, recorded_note, store_options
from detente.errors import DetenteError

if TYPE_CHECKING:
    from detente.scenario import Scenario

FORMATS = click.Choice(["table", "json", "markdown"])


def _parse_scale(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    try:
        lo, hi = (float(part) for part in text.split(":"))
    except ValueError:
        raise click.BadParameter(f"expected LO:HI such as 0:100, got {text!r}") from None
    if not lo < hi:
        raise click.BadParameter(f"expected LO < HI, got {text!r}")
    return lo, hi


def load(path: str | None, scale: str | None = None, table_format: str | None = None) -> Scenario:
    """A scenario file, a CSV table, an embedded scenario's name, or the default."""
    from pathlib import Path

    from detente.io import load_any
    from detente.scenarios import DEFAULT, embedded_names, load_embedded

    if path is None:
        return load_embedded(DEFAULT)
    if not Path(path).exists() and path in embedded_names():
        return load_embedded(path)
    return load_any(path, scale=_parse_scale(scale), table_format=table_format)


scenario_argument = click.argument("scenario", required=False, metavar="[SCENARIO]")
scale_option = click.option(
    "--scale",
    metavar="LO:HI",
    help="Scale of a classic CSV table (default: min..max of positions).",
)
table_option = click.option(
    "--table-format",
    type=click.Choice(["classic", "ktab"]),
    help="Format of a CSV table (default: detected from its first lines).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="detente")
def cli() -> None:
    """Forecast negotiations: the likely outcome, whether and when an agreement is
    signed, how sure we are, and what would change the answer.

    SCENARIO is a YAML/JSON scenario file, a CSV table (the classic table or
    KTAB's), or the name of an embedded scenario (see `detente scenarios`). Without
    it, commands use the default: the Russia-Japan peace treaty as of September 2018.
    """


@cli.command()
@scenario_argument
@click.option(
    "--model", "-m", "models", multiple=True, help="Model to run (repeatable; default: all)."
)
@click.option("--format", "-f", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--rounds", is_flag=True, help="Show the expected-utility model's rounds.")
@click.option(
    "--plot",
    type=click.Path(dir_okay=False),
    help="Draw a figure (PNG/SVG/PDF): with --runs the P(agreement by date) curve and its band, "
    "otherwise the expected-utility trajectories.",
)
@click.option(
    "--runs",
    type=click.IntRange(min=1),
    help="Monte Carlo: sample N scenarios from the ranges; report medians, 90%% intervals and "
    "P(agreement by date).",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Seed of the Monte Carlo draws."
)
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@scale_option
@table_option
@store_options
def forecast(
    scenario: str | None,
    models: Sequence[str],
    fmt: str,
    rounds: bool,
    plot: str | None,
    runs: int | None,
    seed: int,
    workers: int,
    quiet: bool,
    scale: str | None,
    table_format: str | None,
    store: str | None,
    no_store: bool,
) -> None:
    """Forecast each issue with each model and judge whether an agreement is possible.

    With --runs, also whether and when it is signed: the probability of agreement by
    each date, with its uncertainty across the scenario's ranges.
    """
    from detente.forecasting import forecast_document, run_models

    loaded = load(scenario, scale, table_format)
    results = run_models(loaded, models or None)
    document = forecast_document(loaded, results, source=scenario)
    # check option combinations before any work is recorded or printed
    for option, wanted in (("--rounds", rounds), ("--plot without --runs", plot and runs is None)):
        if wanted and not _eu_rounds(document):
            raise DetenteError(
                f"{option} needs a model with rounds (e.g. --model expected-utility)"
            )
    monte_carlo = None
    if runs is not None:
        monte_carlo = _monte_carlo(loaded, models, runs, seed, workers, quiet)
        _merge_monte_carlo(document, monte_carlo.to_dict())
    recorded = record(
        store,
        no_store,
        command="forecast",
        scenario=loaded,
        result=document,
        options={"models": list(models), "source": scenario, "workers": workers},
        seed=seed if runs is not None else None,
        runs=runs,
    )
    if plot:
        if monte_carlo is not None:
            from detente.report.agreement import plot_agreement_curve

            plot_agreement_curve(monte_carlo, plot, title=loaded.title)
        else:
            _plot_rounds(document, plot)
    if fmt == "json":
        print_json(document)
        return
    if fmt == "markdown":
        from detente.report.forecast_tables import forecast_markdown

        click.echo(forecast_markdown(document))
        return
    from detente.report.forecast_tables import forecast_renderables

    out = console()
    for renderable in forecast_renderables(document):
        out.print(renderable)
    if monte_carlo is not None:
        from detente.report.agreement import agreement_table

        out.print(agreement_table(monte_carlo))
    if rounds:
        _print_rounds(document, out)
    recorded_note(recorded)


def _monte_carlo(
    scenario: Scenario, models: Sequence[str], runs: int, seed: int, workers: int, quiet: bool
) -> Any:
    from detente.commands._shared import progress_bar
    from detente.uncertainty import run_monte_carlo

    with progress_bar(f"Sampling {runs:,} scenarios", quiet=quiet) as update:
        return run_monte_carlo(
            scenario,
            runs=runs,
            seed=seed,
            models=list(models) or None,
            workers=workers,
            progress=lambda done: update(done, runs),
        )


def _merge_monte_carlo(document: dict[str, Any], result: dict[str, Any]) -> None:
    """Add the Monte Carlo summaries: ``monte_carlo`` whole, and ``agreement.by`` etc."""
    document["monte_carlo"] = result
    dated = result.get("agreement")
    if dated is not None:
        target = document.setdefault("agreement", {})
        for key in ("by", "by_interval", "labels", "median_time", "agreed_outcome"):
            if key in dated:
                target[key] = dated[key]
        target["dated_model"] = dated.get("model")
        target["possible_share"] = dated.get("possible")


def _eu_rounds(
    document: dict[str, Any],
) -> list[tuple[str, list[dict[str, Any]], tuple[float, float]]]:
    found = []
    for issue in document["issues"]:
        for entry in issue["forecasts"]:
            if "rounds" in entry:
                found.append((issue["name"], entry["rounds"], tuple(issue["scale"])))
    return found


def _print_rounds(document: dict[str, Any], out: Any) -> None:
    from detente.report.trajectories import rounds_table

    for name, rounds, _ in _eu_rounds(document):
        out.print(rounds_table(rounds, title=name))


def _plot_rounds(document: dict[str, Any], path: str) -> None:
    from detente.report.trajectories import plot_trajectories

    for index, (name, rounds, scale) in enumerate(_eu_rounds(document)):
        target = path if index == 0 else _numbered(path, index + 1)
        plot_trajectories(rounds, target, title=name, scale=scale)


def _numbered(path: str, number: int) -> str:
    from pathlib import Path

    p = Path(path)
    return str(p.with_name(f"{p.stem}-{number}{p.suffix}"))


@cli.command()
@click.argument("files", nargs=-1, required=True)
@scale_option
@table_option
def validate(files: Sequence[str], scale: str | None, table_format: str | None) -> None:
    """Check scenario files; print one line per file (exit 2 at the first invalid one)."""
    from detente.provenance import untraced

    for path in files:
        loaded = load(path, scale, table_format)
        missing = untraced(loaded)
        note = f"; {len(missing)} parameter(s) without evidence" if missing else ""
        click.echo(
            f"{path}: valid ({len(loaded.actors)} actors, {len(loaded.issues)} issues{note})"
        )


@cli.command()
@scenario_argument
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["table", "json", "yaml"]),
    default="table",
    show_default=True,
)
@scale_option
@table_option
def show(scenario: str | None, fmt: str, scale: str | None, table_format: str | None) -> None:
    """Print a scenario as tables, each parameter with the evidence it rests on."""
    loaded = load(scenario, scale, table_format)
    if fmt == "json":
        print_json(loaded.to_dict())
        return
    if fmt == "yaml":
        import yaml

        click.echo(yaml.safe_dump(loaded.to_dict(), sort_keys=False, allow_unicode=True), nl=False)
        return
    from detente.report.scenario_tables import scenario_renderables

    out = console()
    for renderable in scenario_renderables(loaded):
        out.print(renderable)


@cli.command(name="models")
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json"]), default="table")
def models_command(fmt: str) -> None:
    """List the registered models with their sources."""
    from detente.models import available_models, get_model

    rows = [get_model(name) for name in available_models()]
    if fmt == "json":
        print_json([{"name": m.name, "title": m.title, "citation": m.citation} for m in rows])
        return
    from rich.table import Table

    table = Table(title="detente models")
    table.add_column("Name", style="bold")
    table.add_column("What it computes")
    table.add_column("Source")
    for model in rows:
        table.add_row(model.name, model.title, model.citation)
    console().print(table)


@cli.command()
def scenarios() -> None:
    """List the embedded example scenarios."""
    from detente.scenarios import DEFAULT, embedded_names, load_embedded

    for name in embedded_names():
        mark = " (default)" if name == DEFAULT else ""
        click.echo(f"{name}{mark}: {load_embedded(name).title}")


def _add_subcommands() -> None:
    """Add the ``COMMAND`` of every public module of :mod:`detente.commands`."""
    import importlib
    import pkgutil

    from detente import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        cli.add_command(module.COMMAND)


_add_subcommands()


def _fail(message: str) -> NoReturn:
    click.echo(f"detente: error: {message}", err=True)
    sys.exit(2)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``detente`` command."""
    try:
        cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="detente",
            standalone_mode=False,
        )
    except DetenteError as exc:
        _fail(str(exc))
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if exc.exit_code in (1, 2) else exc.exit_code)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(1)
    except OSError as exc:
        _fail(f"{exc.filename or ''}: {exc.strerror}" if exc.filename else str(exc))


if __name__ == "__main__":
    main()
