"""The drawn case sample: ``cases/sample.tsv`` is the draw script's output, and every case
file that cases/README.md ties to a draw is encoded as of that draw's date and window.

The draw (``scripts/draw_case_sample.py``) is seeded and stratified; the case library's
README lists each drawn case in a table row naming its draw id (``icow-03``, ``icb-10``,
``ucdp-05``) and its file. A row whose draw is a reserve names the draw it replaces
(``icow-13 (replaces icow-12)``): reserves are used in order within their stratum, only in
place of a drawn case of the same stratum, and the README explains every replacement.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from detente.io import load_scenario

from shared_data import DATA as SHARED_DATA

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "cases"
SAMPLE = CASES / "sample.tsv"
SCRIPT = ROOT / "scripts" / "draw_case_sample.py"
DATA = SHARED_DATA / "outcomes"

DRAW_ID = re.compile(r"\b(icow|icb|ucdp)-(\d{2})\b")
REPLACES = re.compile(r"replaces\s+((?:icow|icb|ucdp)-\d{2})")
FILE = re.compile(r"`([A-Za-z0-9_]+\.yaml)`")

# The script's design (its docstring): cases and reserves per stratum, window lengths.
PER_STRATUM = {"icow": 12, "icb": 10, "ucdp": 10}
RESERVES = 4


@dataclass(frozen=True)
class Row:
    """One drawn case in the README: the draw it encodes, the one it replaces, its file."""

    draw: str
    replaces: str | None
    file: str
    line: str


def _sample() -> dict[str, dict[str, str]]:
    with SAMPLE.open(encoding="utf-8", newline="") as f:
        return {row["draw"]: row for row in csv.DictReader(f, delimiter="\t")}


def _readme_lines() -> list[str]:
    return (CASES / "README.md").read_text(encoding="utf-8").splitlines()


def _drawn_rows() -> list[Row]:
    rows = []
    for line in _readme_lines():
        if not line.startswith("|"):
            continue
        draw, file = DRAW_ID.search(line), FILE.search(line)
        if draw is None or file is None:
            continue
        replaced = REPLACES.search(line)
        rows.append(
            Row(
                draw=draw.group(0),
                replaces=replaced.group(1) if replaced else None,
                file=file.group(1),
                line=line,
            )
        )
    return rows


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.mark.skipif(not DATA.is_dir(), reason=f"outcome datasets not found at {DATA}")
def test_sample_equals_a_rebuild_from_the_outcome_datasets() -> None:
    rebuilt = subprocess.run(
        [sys.executable, str(SCRIPT), "--data", str(DATA)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert rebuilt == SAMPLE.read_text(encoding="utf-8")


def test_sample_has_the_documented_strata_reserves_and_windows() -> None:
    sample = _sample()
    for stratum, n in PER_STRATUM.items():
        ids = [d for d in sample if d.startswith(f"{stratum}-")]
        assert ids == [f"{stratum}-{k:02d}" for k in range(1, n + RESERVES + 1)]
        roles = [sample[d]["role"] for d in ids]
        assert roles == ["case"] * n + ["reserve"] * RESERVES
    for draw, row in sample.items():
        as_of, horizon = _date(row["as_of"]), _date(row["horizon"])
        if row["stratum"] == "icow":
            # 1 July of a claim-year 1946-1996, five-year window to 30 June
            assert (as_of.month, as_of.day) == (7, 1) and 1946 <= as_of.year <= 1996, draw
            assert horizon == dt.date(as_of.year + 5, 6, 30), draw
        elif row["stratum"] == "icb":
            assert horizon == as_of + dt.timedelta(days=365), draw
        else:
            assert row["stratum"] == "ucdp", draw
            assert horizon.year == as_of.year + 3 and horizon.month == as_of.month, draw
    # at most one draw per ICOW claim, ICB crisis or UCDP dyad
    records = [row["record"].split(" dyad ")[0] for row in sample.values()]
    records = [r.rsplit(" episode ", 1)[0] for r in records]
    assert len(records) == len(set(records))


def test_the_readme_names_drawn_cases() -> None:
    rows = _drawn_rows()
    assert rows, "no drawn case rows found in cases/README.md"
    draws = [r.draw for r in rows]
    assert len(draws) == len(set(draws)), "a draw is encoded twice"
    files = [r.file for r in rows]
    assert len(files) == len(set(files)), "a file is listed for two draws"


@pytest.mark.parametrize("row", _drawn_rows(), ids=lambda r: r.draw)
def test_drawn_case_is_encoded_as_of_its_draw(row: Row) -> None:
    sample = _sample()
    assert row.draw in sample, f"{row.draw} is not in cases/sample.tsv"
    path = CASES / row.file
    assert path.is_file(), f"{row.file} is listed for {row.draw} but does not exist"
    scenario = load_scenario(path)
    draw = sample[row.draw]
    assert scenario.as_of == _date(draw["as_of"]), row.line
    assert scenario.horizon == _date(draw["horizon"]), row.line


def test_reserves_replace_drawn_cases_in_order_and_are_explained() -> None:
    sample = _sample()
    rows = _drawn_rows()
    encoded = {r.draw for r in rows}
    prose = "\n".join(line for line in _readme_lines() if not line.startswith("|"))
    used: dict[str, list[str]] = {}
    for row in rows:
        role, stratum = sample[row.draw]["role"], sample[row.draw]["stratum"]
        if role == "case":
            assert row.replaces is None, f"{row.draw} is a drawn case, not a reserve"
            continue
        assert row.replaces is not None, f"reserve {row.draw} does not name the draw it replaces"
        replaced = sample[row.replaces]
        assert replaced["role"] == "case" and replaced["stratum"] == stratum, row.line
        assert row.replaces not in encoded, f"{row.replaces} is both replaced and encoded"
        # the README says why, outside the table
        assert row.replaces in prose, f"no explanation of the replaced draw {row.replaces}"
        used.setdefault(stratum, []).append(row.draw)
    for stratum, reserves in used.items():
        first = PER_STRATUM[stratum] + 1
        expected = [f"{stratum}-{k:02d}" for k in range(first, first + len(reserves))]
        assert sorted(reserves) == expected, f"{stratum} reserves not used in order"
