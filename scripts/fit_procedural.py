"""Refit the procedural stacked model's weights from the DEU I-II data.

Usage: ``python scripts/fit_procedural.py [DEU_TSV] [OUT_JSON]``; defaults
``../shared/data/deu/deu-I-II.tsv`` beside the repository and
``src/detente/models/procedural_weights.json``. See docs/models/procedural.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from detente.analysis.procedural_fit import fit_procedural

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "deu" / "deu-I-II.tsv"
DEFAULT_OUT = ROOT / "src" / "detente" / "models" / "procedural_weights.json"


def main(argv: list[str]) -> int:
    data = Path(argv[1]) if len(argv) > 1 else DEFAULT_DATA
    out = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    if not data.is_file():
        print(f"no DEU file at {data}", file=sys.stderr)
        return 2
    fit = fit_procedural(data)
    out.write_text(json.dumps(fit, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    cv = fit["cross_validation"]
    print(
        f"wrote {out}: grouped-CV MAE {cv['mae']:.2f} against compromise "
        f"{cv['compromise_mae']:.2f} on {cv['n']} issues ({cv['folds']} folds by proposal)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
