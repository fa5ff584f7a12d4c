"""``detente draft ARTICLE``: a first scenario with evidence, drafted offline from an article.

The drafting itself is :mod:`detente.drafting` (spaCy rules and gazetteers, no model
download); this module is the command: it checks the output path before any work,
refuses to overwrite without ``--force``, prints what was found and what was defaulted,
and with ``--explain`` the sentence behind every drafted value.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from detente.errors import DetenteError

__all__ = ["COMMAND"]


def _check_output(path: str | None, force: bool) -> None:
    """The shared output check, and no overwriting of an existing file without --force."""
    if path is None:
        return
    from detente.commands._options import check_output

    check_output(path, what="drafted scenario", suffixes=(".yaml", ".yml", ".json"))
    if Path(path).exists() and not force:
        raise DetenteError(f"{path}: already exists; give --force to overwrite it")


def _parse_date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"expected YYYY-MM-DD, got {text!r}") from None


def _summary(findings: list[Any], out: Any) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title="What the draft found (check every row against its evidence)")
    table.add_column("Field", overflow="fold")
    table.add_column("Status")
    table.add_column("Value")
    style = {"found": "green", "given": "green", "inferred": "yellow", "defaulted": "red"}
    for finding in findings:
        table.add_row(
            finding.about, Text(finding.status, style=style[finding.status]), finding.value
        )
    out.print(table)
    counts = {s: sum(1 for f in findings if f.status == s) for s in style}
    given = f", {counts['given']} given" if counts["given"] else ""
    out.print(
        f"{counts['found']} found in the text{given}, {counts['inferred']} inferred, "
        f"{counts['defaulted']} defaulted (a drafting rule or the widest range; for the "
        "analyst to set)."
    )


def _explain(findings: list[Any], err: bool) -> None:
    """Each value the text gave, with its sentence (plain lines, unwrapped, for review)."""
    from detente.report.terminal import terminal_safe

    click.echo("\nThe sentences behind the drafted values:", err=err)
    for finding in findings:
        if finding.sentence is not None:
            click.echo(terminal_safe(f"{finding.about} = {finding.value}"), err=err)
            click.echo(terminal_safe(f'    "{finding.sentence.text}"'), err=err)


@click.command(name="draft")
@click.argument("article")
@click.option(
    "--output",
    "-o",
    metavar="FILE",
    help="Scenario file to write, YAML (or JSON for a .json name); default: YAML on stdout.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@click.option("--source-id", help="Id of the article in `sources` (default: from its title).")
@click.option("--title", help="The article's title (default: its first line).")
@click.option("--outlet", help="Where the article was published.")
@click.option("--date", "date_text", metavar="YYYY-MM-DD", help="The article's date.")
@click.option("--explain", is_flag=True, help="Print the sentence behind each drafted value.")
def COMMAND(  # noqa: N802 - the name the command registry looks for
    article: str,
    output: str | None,
    force: bool,
    source_id: str | None,
    title: str | None,
    outlet: str | None,
    date_text: str | None,
    explain: bool,
) -> None:
    """Draft a first scenario from a news ARTICLE (plain text), offline.

    Finds the parties, issues, dates, stances, constraints and motives the text names;
    every number is a wide range and every drafted value an evidence entry quoting its
    sentence. Fields the text does not support get the widest range and the judgment
    "not in the source; set by the analyst". Needs the `draft` extra.
    """
    from detente.drafting import draft_scenario, missing_extra

    missing = missing_extra()
    if missing:
        raise DetenteError(
            f"detente draft needs {', '.join(missing)}: pip install 'detente[draft]'"
        )
    _check_output(output, force)
    date = _parse_date(date_text)
    from detente.commands._options import announce
    from detente.commands._shared import console
    from detente.io import write_atomically
    from detente.io.scenario_file import read_text
    from detente.report.terminal import SafeConsole

    text = read_text(article)
    draft = draft_scenario(
        text, name=article, date=date, source_id=source_id, title=title, outlet=outlet
    )
    if output is None:
        click.echo(draft.yaml, nl=False)
        out = SafeConsole(stderr=True)
    else:
        if output.lower().endswith(".json"):  # as `save_scenario` does: JSON by suffix
            import json

            write_atomically(
                output, json.dumps(draft.document, indent=2, ensure_ascii=False) + "\n"
            )
        else:
            write_atomically(output, draft.yaml)
        out = console()
    _summary(draft.findings, out)
    if explain:
        _explain(draft.findings, err=output is None)
    if output is not None:
        announce(f"wrote {output}: a first draft; check it, then: detente forecast {output}")
