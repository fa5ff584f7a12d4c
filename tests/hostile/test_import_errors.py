"""Every importer's input format, broken as users break it: one line naming file, line, field.

For each format (the classic table, KTAB's table and XML, decide's ``#A/#P/#M/#D`` rows,
a Genius utility space), starting from a valid file of ``docs/examples`` (KTAB's table
written here): every number in turn is replaced by text, a required column is dropped,
a row is cut short, and the file is emptied, cut to its first line, saved as latin-1 or
as UTF-16. ``detente forecast`` must answer with exit code 2 and one line
``FILE:LINE: FIELD: message`` (``FILE:LINE: message`` where the problem is the file as
a whole), never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli_helpers import run_cli

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
KTAB_TABLE = (
    "Tiny,invented,3,2\n"
    "Actor,Description,Power,Water Position,Water Salience,Dam Position,Dam Salience\n"
    "Up,upstream,50,20,60,70,20\n"
    "Down,downstream,30,80,25,10,50\n"
    "Delta,delta,20,90,40,40,40\n"
)
FORMATS = {
    "classic.csv": (EXAMPLES / "classic_table.csv").read_text(encoding="utf-8"),
    "ktab.csv": KTAB_TABLE,
    "decide.csv": (EXAMPLES / "decide_fisheries.csv").read_text(encoding="utf-8"),
    "ktab.xml": (EXAMPLES / "ktab_scenario.xml").read_text(encoding="utf-8"),
    "genius.xml": (EXAMPLES / "genius_profile.xml").read_text(encoding="utf-8"),
}
DECIDE_FIELDS = {"#D": ("position", "salience", "power"), "#M": ("position",)}


def _error(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes) -> str:
    """The one error line ``detente forecast`` gives for ``data`` saved as ``name``."""
    path = tmp_path / name
    path.write_bytes(data)
    code, _, err = run_cli(capsys, "forecast", str(path), "-m", "compromise")
    lines = [line for line in err.splitlines() if not line.startswith("detente: note:")]
    assert code == 2 and "Traceback" not in err, err
    assert len(lines) == 1, err
    assert lines[0].startswith(f"detente: error: {path}:"), lines[0]
    return lines[0].removeprefix(f"detente: error: {path}:")


def _numbers(name: str, text: str) -> Iterator[tuple[int, str, str | None]]:
    """``(line, the text with one number replaced by 'high', the field to name)``."""
    lines = text.splitlines()
    csv_header = lines[1 if name == "ktab.csv" else 0].split(",")
    for index, line in enumerate(lines):
        if name.endswith(".xml"):
            found = re.finditer(r'>(-?[\d.]+)<|(?<!index)(?<!version)="(-?[\d.]+)"', line)
            spans = [m.span(1) if m.group(1) else m.span(2) for m in found]
            fields: list[str | None] = [None] * len(spans)
        else:
            cells = line.split(";" if name == "decide.csv" else ",")
            at = [k for k, cell in enumerate(cells) if re.fullmatch(r"-?[\d.]+", cell)]
            starts = [len(";".join(cells[:k])) + (k > 0) for k in at]
            spans = [(s, s + len(cells[k])) for s, k in zip(starts, at, strict=True)]
            if name == "decide.csv":
                names = DECIDE_FIELDS.get(cells[0], ())
                first = 3 if cells[0] == "#D" else 2
                fields = [names[k - first] if 0 <= k - first < len(names) else None for k in at]
            elif name == "ktab.csv" and index == 0:
                fields = [["numActors", "numDims"][k - 2] for k in at]
            else:
                fields = [csv_header[k].strip() for k in at]
        for (start, end), field in zip(spans, fields, strict=True):
            changed = line[:start] + "high" + line[end:]
            yield index + 1, "\n".join([*lines[:index], changed, *lines[index + 1 :]]) + "\n", field


CASES = [
    pytest.param(name, line, text, field, id=f"{name}:{line}:{k}")
    for name, original in FORMATS.items()
    for k, (line, text, field) in enumerate(_numbers(name, original))
]


def test_every_format_has_numbers_to_break() -> None:
    counts = {name: sum(c.values[0] == name for c in CASES) for name in FORMATS}
    assert min(counts.values()) >= 5, counts


@pytest.mark.parametrize(("name", "line", "text", "field"), CASES)
def test_a_number_that_is_text_is_named_at_its_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    line: int,
    text: str,
    field: str | None,
) -> None:
    where = _error(tmp_path, capsys, name, text.encode("utf-8"))
    found = re.fullmatch(r"(\d+): (\S+(?: \S+)*?): (.+)", where)
    assert found is not None, where
    assert int(found[1]) == line, where
    assert found[3].startswith("expected a") and found[3].endswith("got 'high'"), where
    if field is not None:
        assert found[2] == field, where


@pytest.mark.parametrize("column", ["actor", "capability", "position", "salience"])
def test_classic_table_missing_column_names_it_and_the_accepted_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], column: str
) -> None:
    rows = [line.split(",") for line in FORMATS["classic.csv"].splitlines()]
    drop = rows[0].index(column)
    text = "\n".join(",".join(c for k, c in enumerate(r) if k != drop) for r in rows) + "\n"
    where = _error(tmp_path, capsys, "classic.csv", text.encode())
    assert where.startswith(f"1: missing column(s) {column} (accepted names, any case: ")


@pytest.mark.parametrize("name", ["classic.csv", "ktab.csv"])
def test_a_short_row_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    lines = FORMATS[name].splitlines()
    lines[3] = lines[3].rsplit(",", 1)[0]
    where = _error(tmp_path, capsys, name, ("\n".join(lines) + "\n").encode())
    assert where.startswith("4: expected") and "found" in where


def test_a_short_decide_row_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = FORMATS["decide.csv"].replace("#D;coastal;access;3;0.9;0.5", "#D;coastal;access;3;0.9")
    where = _error(tmp_path, capsys, "decide.csv", text.encode())
    assert where == "15: a #D row needs 6 cells, found 5"


@pytest.mark.parametrize("name", list(FORMATS))
@pytest.mark.parametrize("damage", ["empty", "first line only", "latin-1", "utf-16"])
def test_a_damaged_file_is_one_line_with_a_line_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, damage: str
) -> None:
    text = FORMATS[name]
    lines = text.splitlines()
    data = {
        "empty": b"",
        "first line only": lines[0].encode() + b"\n",
        "latin-1": "\n".join([*lines[:2], "\xe9" + lines[2], *lines[3:]]).encode("latin-1"),
        "utf-16": text.encode("utf-16"),
    }[damage]
    where = _error(tmp_path, capsys, name, data)
    if damage == "first line only" and name == "decide.csv":
        assert where.startswith(" no #D rows")  # a comment alone: the file as a whole
        return
    line = int(where.split(":", 1)[0])
    if damage == "latin-1":
        assert line == 3 and "not UTF-8 text: byte 0xe9, the line's byte 1" in where, where
    elif damage == "utf-16":
        assert line == 1 and "UTF-16" in where, where
    elif damage == "empty":
        assert line == 1 and "empty" in where, where


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        # a value the scenario refuses: the column and the row, not actors[1].stances...
        ("classic.csv", "south,30,90,60", "south,30,90,-5", "3: salience: salience must lie in"),
        (
            "ktab.csv",
            "Up,upstream,50,20,60,70,20",
            "Up,upstream,-50,20,60,70,20",
            "3: capability: capability must be >= 0",
        ),
        ("ktab.csv", "Tiny,invented,3,2", "Tiny,invented,3,0", "1: numDims: expected a whole"),
        # KTAB's line 1 with a damaged line 2 is still read (and refused) as KTAB's
        ("ktab.csv", "Actor,Description,Power,", "Actor;Description;Power;", "2: line 1 declares"),
        (
            "genius.xml",
            '<weight index="1" value="0.7"/>',
            '<weight index="1" value="0.9"/>',
            "5: weight: the issue weights sum to 1.2; a utility space's weights sum to 1",
        ),
        (
            "genius.xml",
            '<range lowerbound="0" upperbound="100"/>',
            '<range lowerbound="100" upperbound="0"/>',
            "13: Catch.upperbound: expected lowerbound < upperbound, got 100 and 0",
        ),
        (
            "decide.csv",
            "#D;fleet;quota;95;0.9;0.3",
            "#D;fleet;quota;105;0.9;0.3",
            "16: position: position 105 lies outside the #M range 0..100 of issue 'quota'",
        ),
    ],
)
def test_a_value_out_of_range_is_named_at_its_row(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    old: str,
    new: str,
    expected: str,
) -> None:
    assert old in FORMATS[name]
    where = _error(tmp_path, capsys, name, FORMATS[name].replace(old, new, 1).encode())
    assert where.startswith(expected), where
