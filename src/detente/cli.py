"""The ``detente`` command: thin glue from arguments to io, models and reports.

Errors in the user's input (:class:`~detente.errors.DetenteError`) print one line on
stderr and exit with code 2; never a traceback. Heavy libraries (numpy, pydantic,
rich, matplotlib) are imported inside the commands so that ``detente --help`` starts
fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import click

from detente import __version__
from detente.commands._executor import executor_options
from detente.commands._options import (
    FIGURE_SUFFIXES,
    ScenarioInput,
    announce,
    check_output,
    format_option,
    input_options,
    load,
    scenario_input,
)
from detente.commands._shared import print_json, print_renderables
from detente.commands.runs import Recorder, store_options
from detente.errors import DetenteError
from detente.limits import MAX_RUNS

__all__ = ["cli", "load", "main"]


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
@scenario_input
@click.option(
    "--model", "-m", "models", multiple=True, help="Model to run (repeatable; default: all)."
)
@format_option()
@click.option("--rounds", is_flag=True, help="Show the expected-utility model's rounds.")
@click.option(
    "--plot",
    metavar="FILE",
    help="Draw a figure (PNG/SVG/PDF): with --runs the P(agreement by date) curve and its band, "
    "otherwise the expected-utility trajectories (with several issues, one file per issue: "
    "NAME-ISSUE.png). Every file written is named on stderr.",
)
@click.option(
    "--runs",
    type=click.IntRange(min=1, max=MAX_RUNS),
    help="Monte Carlo: sample N scenarios from the ranges; report medians, 90% intervals and "
    "P(agreement by date).",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Seed of the Monte Carlo draws."
)
@executor_options
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option(
    "--option",
    "model_options",
    multiple=True,
    metavar="MODEL.OPTION=VALUE",
    help="Set a model option, e.g. expected-utility.probability=pair (repeatable; "
    "overrides the scenario's models section).",
)
@store_options
def forecast(
    scenario: ScenarioInput,
    models: Sequence[str],
    fmt: str,
    rounds: bool,
    plot: str | None,
    runs: int | None,
    seed: int,
    workers: int,
    dask: str | None,
    quiet: bool,
    model_options: Sequence[str],
    recorder: Recorder,
) -> None:
    """Forecast each issue with each model and judge whether an agreement is possible.

    With --runs, also whether and when it is signed: the probability of agreement by
    each date, with its uncertainty across the scenario's ranges.
    """
    from detente.api.results import ROUND_MODELS
    from detente.api.verbs import forecast as compute
    from detente.commands._shared import progress_bar
    from detente.forecasting import select_models, with_model_options

    loaded = with_model_options(scenario.load(), model_options)
    # every check before any work: options that need the expected-utility rounds, the figure
    for option, wanted in (("--rounds", rounds), ("--plot without --runs", plot and runs is None)):
        if wanted and not ROUND_MODELS & set(select_models(loaded, list(models) or None)):
            raise DetenteError(
                f"{option} needs a model with rounds (e.g. --model expected-utility)"
            )
    if plot and runs is not None:
        from detente.scenario_edits import dated_model

        dated = dated_model(loaded)
        if dated is None or dated.name not in select_models(loaded, list(models) or None):
            raise DetenteError(
                "--plot with --runs draws P(agreement by date), which needs the dated model "
                "on a scenario with an agreement block (e.g. --model deadline-bargaining)"
            )
    if plot:
        check_output(plot, what="figure", suffixes=FIGURE_SUFFIXES)
    if not models:  # said before the work: the models a large scenario leaves out
        from detente.forecasting import too_many_actors

        for note in too_many_actors(loaded).values():
            announce(f"detente: note: {note}")
    total = runs or 0
    with progress_bar(f"Sampling {total:,} scenarios", quiet=quiet or runs is None) as update:
        result = compute(
            loaded, source=scenario.source, models=models, runs=runs, seed=seed,
            workers=workers, dask=dask, progress=lambda done: update(done, total),
            announce=announce,
        )  # fmt: skip
    document = result.document
    if plot:
        if result.monte_carlo is not None:
            from detente.report.agreement import plot_agreement_curve

            plot_agreement_curve(result.monte_carlo.result, plot, title=loaded.title)
            announce(f"wrote {plot} (P(agreement by date) over {runs:,} draws)")
        else:
            _plot_rounds(document, plot)
    recorder.record(
        command="forecast",
        scenario=loaded,
        result=document,
        options={
            "models": list(models),
            "source": scenario.source,
            "workers": workers,
            "model_options": loaded.models,
        },
        seed=seed if runs is not None else None,
        runs=runs,
    )
    if fmt == "json":
        print_json(document)
    elif fmt == "markdown":
        click.echo(result.markdown(rounds=rounds), nl=False)
    else:
        print_renderables(result.renderables(rounds=rounds))


def _plot_rounds(document: dict[str, Any], path: str) -> None:
    """One trajectory figure per issue: ``path`` itself for one issue, else
    ``STEM-ISSUE.SUFFIX`` for each; each file written is announced."""
    from pathlib import Path

    from detente.api.results import issue_rounds
    from detente.report.trajectories import plot_trajectories

    found = issue_rounds(document)
    for issue_id, name, rounds, scale in found:
        p = Path(path)
        target = path if len(found) == 1 else str(p.with_name(f"{p.stem}-{issue_id}{p.suffix}"))
        plot_trajectories(rounds, target, title=name, scale=scale)
        announce(f"wrote {target} (expected-utility rounds on {name})")


@cli.command()
@click.argument("files", nargs=-1, required=True)
@input_options
def validate(
    files: Sequence[str], scale: str | None, table_format: str | None, salience_scale: str | None
) -> None:
    """Check scenario files; print one line per file (exit 2 at the first invalid one)."""
    from detente.provenance import untraced
    from detente.report.terminal import terminal_safe

    for path in files:
        loaded = load(path, scale, table_format, salience_scale)
        missing = untraced(loaded)
        note = f"; {len(missing)} parameter(s) without evidence" if missing else ""
        click.echo(
            terminal_safe(
                f"{path}: valid ({len(loaded.actors)} actors, {len(loaded.issues)} issues{note})"
            )
        )


@cli.command()
@scenario_input
@format_option(yaml=True)
def show(scenario: ScenarioInput, fmt: str) -> None:
    """Print a scenario as tables, each parameter with the evidence it rests on."""
    loaded = scenario.load()
    if fmt == "json":
        print_json(loaded.to_dict())
        return
    if fmt == "yaml":
        import yaml

        click.echo(yaml.safe_dump(loaded.to_dict(), sort_keys=False, allow_unicode=True), nl=False)
        return
    from detente.report.scenario_tables import scenario_renderables

    print_renderables(scenario_renderables(loaded), fmt)


@cli.command(name="models")
@format_option()
def models_command(fmt: str) -> None:
    """List the registered models with their sources."""
    from detente.models import available_models, get_model, model_options

    rows = [get_model(name) for name in available_models()]
    options = {m.name: model_options(m.name) for m in rows}
    if fmt == "json":
        print_json(
            [
                {
                    "name": m.name,
                    "title": m.title,
                    "citation": m.citation,
                    "options": {
                        o.name: {"accepts": o.describe(), "default": o.default}
                        for o in options[m.name].values()
                    },
                }
                for m in rows
            ]
        )
        return
    from rich.table import Table

    table = Table(title="detente models (set options with --option MODEL.OPTION=VALUE)")
    table.add_column("Name", style="bold")
    table.add_column("What it computes")
    table.add_column("Source")
    table.add_column("Options (default)")
    for model in rows:
        shown = ", ".join(f"{o.name} ({o.default})" for o in options[model.name].values())
        table.add_row(model.name, model.title, model.citation, shown or "none")
    print_renderables([table], fmt)


@cli.command()
def scenarios() -> None:
    """List the embedded example scenarios."""
    from detente.report.terminal import terminal_safe
    from detente.scenarios import DEFAULT, embedded_names, load_embedded

    for name in embedded_names():
        mark = " (default)" if name == DEFAULT else ""
        click.echo(terminal_safe(f"{name}{mark}: {load_embedded(name).title}"))


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


# click >= 8.2 raises this for a group called without a command (8.1 prints the help)
_NO_ARGS_IS_HELP: Any = getattr(click.exceptions, "NoArgsIsHelpError", ())


def _fail(message: str) -> NoReturn:
    """One line on stderr (control characters made visible), exit code 2."""
    import re

    flat = " ".join(message.split())
    click.echo("detente: error: " + re.sub(r"[\x00-\x1f\x7f-\x9f]", "?", flat), err=True)
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
    except click.UsageError as exc:
        if isinstance(exc, _NO_ARGS_IS_HELP) and exc.ctx is not None:
            click.echo(exc.ctx.get_help())  # `detente` or `detente runs` alone: the help
            sys.exit(0)
        where = exc.ctx.command_path if exc.ctx is not None else "detente"
        _fail(f"{exc.format_message()} (see '{where} --help')")
    except click.ClickException as exc:
        _fail(exc.format_message())
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(1)
    except OSError as exc:
        if exc.filename:
            _fail(f"{exc.filename}: {exc.strerror}")
        if _writing_stdout(exc):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - so the exit adds no second error
            _fail(
                f"cannot write the output to standard output ({exc.strerror or exc}); "
                "redirect it elsewhere, or write a file where the command offers one"
            )
        _fail(str(exc))


def _writing_stdout(exc: OSError) -> bool:
    """True when ``exc`` came from writing to standard output (a full disk, a dead
    terminal): some frame of its traceback holds ``sys.stdout`` (or its buffer) as the
    file it wrote to, as ``click.echo`` and rich's console do."""
    import traceback

    streams = [sys.stdout, sys.__stdout__]
    targets = {id(x) for x in streams + [getattr(x, "buffer", None) for x in streams] if x}
    return any(
        id(value) in targets
        for frame, _ in traceback.walk_tb(exc.__traceback__)
        for value in frame.f_locals.values()
    )


if __name__ == "__main__":
    main()
