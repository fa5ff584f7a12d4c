"""The CSV tables analysts already have: classic and KTAB."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.errors import ScenarioError
from detente.io import load_any
from detente.io.tables import detect_table_format, read_classic_csv, read_ktab_csv

CLASSIC = """Actor,Capability,Position,Salience
Netherlands,0.08,4,80
France,0.16,10,60
Greece,0.08,7,70
"""


def test_classic_table_reads_positions_and_scales_salience() -> None:
    s = read_classic_csv(CLASSIC)
    data = s.issue_data("issue")
    assert data.actor_ids == ("Netherlands", "France", "Greece")
    assert s.issue("issue").scale == (4, 10)  # min..max of positions
    assert list(data.saliences) == pytest.approx([0.8, 0.6, 0.7])  # 0-100 read as such
    assert s.salience_scale == 100


def test_classic_table_saliences_on_unit_scale_are_kept() -> None:
    s = read_classic_csv("actor,capability,position,salience\nA,1,0,0.5\nB,1,10,1\n")
    assert list(s.issue_data("issue").saliences) == [0.5, 1.0]


def test_classic_table_with_scale_and_issues() -> None:
    text = (
        "issue,actor,capability,position,salience\ntax,A,1,20,50\ntax,B,2,80,50\ntrade,A,1,5,90\n"
    )
    s = read_classic_csv(text, scale=(0, 100))
    assert [i.id for i in s.issues] == ["tax", "trade"]
    assert s.issue("trade").scale == (0, 100)
    assert s.issue_data("trade").actor_ids == ("A",)
    assert s.actor("B").capability.mode == 2


def test_classic_table_errors_name_line_and_column() -> None:
    with pytest.raises(ScenarioError) as info:
        read_classic_csv(CLASSIC.replace("France,0.16,10,60", "France,0.16,ten,60"), "t.csv")
    assert str(info.value) == "t.csv:3: position: expected a number, got 'ten'"


@pytest.mark.parametrize(
    ("text", "words", "line"),
    [
        ("actor,capability,position\nA,1,2\n", "missing column(s) salience", 1),
        ("actor,capability,position,salience,colour\nA,1,2,3,red\n", "unknown column(s) colour", 1),
        ("actor,capability,position,salience\nA,1,2\n", "expected 4 cells", 2),
        ("actor,capability,position,salience\nA,-1,2,50\nB,1,3,50\n", "capability must be >= 0", 2),
        ("actor,capability,position,salience\nA,1,2,50\nA,1,3,50\n", "appears twice", 3),
        (
            "actor,capability,position,salience\nA,1,2,500\nB,1,3,50\n",
            "salience must lie in 0..100",
            2,
        ),
        ("actor,capability,position,salience\n", "no actor rows", 2),
        ("", "empty", 1),
    ],
)
def test_classic_table_bad_input(text: str, words: str, line: int) -> None:
    with pytest.raises(ScenarioError) as info:
        read_classic_csv(text, "t.csv")
    assert words in str(info.value)
    assert info.value.line == line


def test_classic_table_degenerate_scale_needs_explicit_scale() -> None:
    text = "actor,capability,position,salience\nA,1,5,50\nB,1,5,50\n"
    with pytest.raises(ScenarioError, match="--scale"):
        read_classic_csv(text)
    assert read_classic_csv(text, scale=(0, 10)).issue("issue").scale == (0, 10)


KTAB = """China Policy,Appetite for reform, 3, 2,
Actor,Description,Influence,Policy Position,Policy Salience,Tax Pstn,Tax Sal,
XJ,Xi Jinping,100,30,30,50,10,
LK,Li Keqiang,65,45,65,40,20,
US,US Gov,8,100,50,0,100,
"""


def test_ktab_table() -> None:
    assert detect_table_format(KTAB) == "ktab"
    s = read_ktab_csv(KTAB)
    assert s.title == "China Policy"
    assert [i.id for i in s.issues] == ["Policy", "Tax"]
    data = s.issue_data("Policy")
    assert list(data.positions) == [30, 45, 100]
    assert list(data.saliences) == pytest.approx([0.3, 0.65, 0.5])
    assert list(data.capabilities) == [100, 65, 8]
    assert s.actor("LK").name == "Li Keqiang"


@pytest.mark.parametrize(
    ("change", "words", "line"),
    [
        ((" 3, 2,", " 4, 2,"), "declares 4 actor(s) but the table has 3", 1),
        (("LK,Li Keqiang,65,45,65", "LK,Li Keqiang,65,145,65"), "expected a value in 0..100", 4),
        (("US,US Gov,8", "US,US Gov,much"), "expected a number", 5),
        ((" 3, 2,", " 3, 3,"), "declares 3 dimension(s)", 2),
    ],
)
def test_ktab_bad_input(change: tuple[str, str], words: str, line: int) -> None:
    with pytest.raises(ScenarioError) as info:
        read_ktab_csv(KTAB.replace(*change), "k.csv")
    assert words in str(info.value) and info.value.line == line


def test_load_any_dispatches_on_suffix(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(CLASSIC)
    (tmp_path / "k.csv").write_text(KTAB)
    assert load_any(tmp_path / "a.csv").issue("issue").scale == (4, 10)
    assert load_any(tmp_path / "a.csv", scale=(0, 12)).issue("issue").scale == (0, 12)
    assert [i.id for i in load_any(tmp_path / "k.csv").issues] == ["Policy", "Tax"]
