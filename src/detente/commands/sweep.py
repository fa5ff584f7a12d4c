"""``detente sweep SPEC.yaml``: the forecast over a grid or sample of parameter settings.

The spec (:mod:`detente.analysis.sweep_spec`) names scenarios and the parameters to
vary; each combination is one run (:mod:`detente.analysis.sweep`) on the executor of
``--workers``/``--dask``. The runs are recorded in the run store as one sweep, and
``--out`` gets the tidy table: one row per run with its parameters and headline
numbers (CSV, or Parquet with pyarrow installed).
"""

from __future__ import annotations

import importlib.util
from typing import Any

import click

from detente.analysis.sweep_spec import SweepSpec, read_spec
from detente.commands._executor import executor_options
from detente.commands._options import announce, check_output, format_option
from detente.commands._shared import print_json, print_renderables, progress_bar
from detente.commands.runs import Recorder, store_options
from detente.errors import DetenteError

__all__ = ["COMMAND", "SweepSpec", "read_spec", "write_table"]

TABLE_SUFFIXES = (".csv", ".parquet")


def write_table(rows: list[dict[str, Any]], path: str) -> None:
    """Write ``rows`` to ``path``: CSV (columns in order of first appearance, empty cells
    for missing numbers) or, for ``.parquet``, Parquet through pyarrow. The folder must
    exist (:func:`detente.io.scenario_file.write_atomically`)."""
    import io
    from pathlib import Path

    from detente.io.scenario_file import write_atomically

    target = Path(path)
    if target.suffix.lower() == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        binary = io.BytesIO()
        pq.write_table(pa.Table.from_pylist(rows), binary)
        write_atomically(target, binary.getvalue())
        return
    import csv

    columns = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_atomically(target, buffer.getvalue())


@click.command(name="sweep")
@click.argument("spec", metavar="SPEC.yaml")
@click.option(
    "--out", "-o", metavar="FILE", required=True,
    help="The tidy table, one row per run: FILE.csv, or FILE.parquet (needs pyarrow).",
)  # fmt: skip
@executor_options
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@format_option()
@store_options
def COMMAND(  # noqa: N802 - the name the command registry looks for
    spec: str,
    out: str,
    workers: int,
    dask: str | None,
    quiet: bool,
    fmt: str,
    recorder: Recorder,
) -> None:
    """Run the forecast over a grid (or a sample) of parameter settings of one or more
    scenarios; record the runs as one sweep and write one row per run to --out."""
    check_output(out, what="sweep table", suffixes=TABLE_SUFFIXES)
    if out.lower().endswith(".parquet") and importlib.util.find_spec("pyarrow") is None:
        raise DetenteError(f"{out}: writing Parquet needs pyarrow (pip install pyarrow); "
                           "or write a .csv file")  # fmt: skip
    from detente.api import verbs
    from detente.report.sweep_table import sweep_table

    parsed = read_spec(spec)
    for note in parsed.notes:
        announce(f"detente: note: {note}")
    total = len(parsed.points)
    with progress_bar(f"Sweeping {total:,} runs", quiet=quiet) as update:
        result = verbs.sweep(
            parsed, workers=workers, dask=dask, store=recorder.path, progress=update,
            announce=announce,
        )  # fmt: skip
    document = result.to_dict()
    rows = document["rows"]
    write_table(rows, out)
    announce(f"wrote {out} ({total} runs)")
    recorder.record(
        command="sweep", scenario=None, result=document,
        options={"spec": parsed.document, "models": parsed.models or [], "workers": workers,
                 "dask": dask},
        seed=parsed.seed, runs=parsed.runs,
    )  # fmt: skip
    if fmt == "json":
        print_json(document)
        return
    print_renderables([sweep_table(rows, parsed.columns, out)], fmt)
