"""The model registry imports only the model asked for (#14: a fast start)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from detente.models import _registry, available_models, get_model


def test_direct_lookup_gives_the_registered_model() -> None:
    registry = _registry()
    assert available_models() == list(registry)
    for name, model in registry.items():
        assert get_model(name) is model


def test_one_model_imports_no_other_model() -> None:
    probe = (
        "import sys; from detente.models import get_model; get_model('expected-utility');"
        "print(sorted(m for m in sys.modules if m.startswith('detente.models.')"
        " and not m.split('.')[-1].startswith('_')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    # the model, the interface and the median it reports each round; no dated model
    assert result.stdout.strip() == str(
        ["detente.models.base", "detente.models.expected_utility", "detente.models.median"]
    )


def test_a_table_forecast_without_store_imports_only_what_it_uses(tmp_path: Path) -> None:
    # #14, start-up: --no-store records nothing, so the run store is not imported; a CSV
    # table needs no YAML parser; without --dask no executor; without an agreement
    # block no two-level model
    table = tmp_path / "t.csv"
    table.write_text("actor,capability,position,salience\nA,1,0,50\nB,2,10,80\nC,1,4,60\n")
    probe = (
        "import sys; from detente.cli import main\n"
        f"main(['forecast', {str(table)!r}, '-m', 'median', '--no-store', '--format', 'json'])\n"
        "names = ('detente.store', 'yaml', 'detente.executors', 'detente.models.two_level')\n"
        "print(sorted(n for n in names if n in sys.modules), file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert '"median"' in result.stdout  # the forecast ran
    assert result.stderr.strip().splitlines()[-1] == "[]"
