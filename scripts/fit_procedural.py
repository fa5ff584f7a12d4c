"""Refit the procedural stacked model's weights from the DEU I-II data.

Usage: ``python scripts/fit_procedural.py [DEU_TSV] [OUT_JSON]``; defaults
``../shared/data/deu/deu-I-II.tsv`` beside the repository and
``src/detente/models/procedural_weights.json``. See docs/models/procedural.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from detente.analysis.procedural_fit import fit_procedural

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "deu" / "deu-I-II.tsv"
DEFAULT_OUT = ROOT / "src" / "detente" / "models" / "procedural_weights.json"


def shipped_json(fit: dict[str, Any]) -> str:
    """The fit as JSON, indented, with each tree's node arrays on one line each."""
    trees = fit["trees"]
    marker = "@TREES@"
    text = json.dumps({**fit, "trees": marker}, indent=2, sort_keys=True)
    fields = ",\n".join(
        f'    "{name}": ' + json.dumps(trees[name], separators=(",", ":")) for name in sorted(trees)
    )
    return text.replace(f'"{marker}"', "{\n" + fields + "\n  }") + "\n"


def main(argv: list[str]) -> int:
    data = Path(argv[1]) if len(argv) > 1 else DEFAULT_DATA
    out = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    if not data.is_file():
        print(f"no DEU file at {data}", file=sys.stderr)
        return 2
    fit = fit_procedural(data)
    out.write_text(shipped_json(fit), encoding="utf-8")
    cv = fit["cross_validation"]
    print(
        f"wrote {out}: grouped-CV MAE {cv['mae']:.2f} against compromise "
        f"{cv['compromise_mae']:.2f} on {cv['n']} issues ({cv['folds']} folds by proposal)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
