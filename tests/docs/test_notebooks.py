"""The notebooks in ``docs/notebooks/`` run from top to bottom, offline, and are stored clean.

Each notebook is executed with nbclient in a fresh IPython kernel on this interpreter,
in its own folder (as a reader opens it), with the test's environment
(``DETENTE_SHARED``, the private run store). A cell that raises fails the test with
the cell's traceback. Stored notebooks carry no outputs, execution counts or
widget state (what ``nbstripout`` removes): the repository holds the code, CI
produces the results.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from shared_data import ROOT

NOTEBOOKS = sorted((ROOT / "docs" / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT = 600  # seconds; a whole notebook takes well under a minute


def test_there_are_three_notebooks() -> None:
    assert [p.name for p in NOTEBOOKS] == [
        "01_default_scenario.ipynb",
        "02_new_case.ipynb",
        "03_deu_backtest.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    dirty = [
        i
        for i, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, f"{path.name}: outputs in cells {dirty}; strip them (nbstripout)"
    assert "widgets" not in notebook.metadata, f"{path.name}: widget state is stored"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    except CellExecutionError as exc:
        pytest.fail(f"{path.name}: {exc}", pytrace=False)
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert not errors
    ran = [c for c in notebook.cells if c.cell_type == "code"]
    assert ran and all(c.execution_count is not None for c in ran)
