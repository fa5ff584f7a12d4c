"""Regenerate the golden forecast files of the embedded scenarios and the tutorial.

    .venv/bin/python scripts/regenerate_golden.py

Writes ``tests/golden/<name>.forecast.json``: the JSON document of ``detente forecast
--format json`` with every model that applies (seed 0). ``tests/cli/test_golden.py``
re-runs them and diffs: when a change moves a forecast on purpose, run this script and
review ``git diff tests/golden`` to see exactly what moved.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
TUTORIAL = ROOT / "docs" / "examples" / "water_treaty.yaml"


def golden_documents() -> dict[str, dict[str, Any]]:
    """The documents the golden files hold, by file stem (version field removed)."""
    from detente.forecasting import forecast_document, run_models
    from detente.io import load_scenario
    from detente.scenarios import embedded_names, load_embedded

    cases = {name: load_embedded(name) for name in embedded_names()}
    cases["tutorial_water_treaty"] = load_scenario(TUTORIAL)
    out = {}
    for name, scenario in cases.items():
        document = forecast_document(scenario, run_models(scenario, rng=0), source=name)
        document.pop("detente_version")
        out[name] = json.loads(json.dumps(document))  # plain JSON types, as on disk
    return out


def main() -> int:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name, document in golden_documents().items():
        path = GOLDEN / f"{name}.forecast.json"
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
