"""The CSV tables analysts already have: classic and KTAB."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.errors import ScenarioError
from detente.io import load_any
from detente.io.tables import detect_table_format, read_classic_csv, read_ktab_csv
from detente.scenario import Scenario

from shared_data import DATA as SHARED_DATA

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
        ("actor,capability,position,salience\nA,1,2\n", "expected 4 cells", 2),
        ("actor,capability,position,salience\nA,1,2,50,9\n", "expected 4 cells", 2),
        ("actor,capability,position,salience\nA,-1,2,50\nB,1,3,50\n", "capability must be >= 0", 2),
        ("actor,capability,position,salience\nA,1,2,50\nA,1,3,50\n", "appears twice", 3),
        ("actor,power,influence,position,salience\nA,1,1,2,50\n", "both mean capability", 1),
        ("actor,capability,position,salience\n", "no actor rows", 2),
        ("UP,30.0,55.0\nDN,45.0,51.5\n", "looks like data: the table needs a header row", 1),
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


KTAB = """River basin,Sharing a river, 3, 2,
Actor,Description,Influence,Policy Position,Policy Salience,Tax Pstn,Tax Sal,
UP,Upstream state,100,30,30,50,10,
DN,Downstream state,65,45,65,40,20,
DL,Delta province,8,100,50,0,40,
"""


def test_ktab_table() -> None:
    assert detect_table_format(KTAB) == "ktab"
    s = read_ktab_csv(KTAB)
    assert s.title == "River basin"
    assert [i.id for i in s.issues] == ["Policy", "Tax"]
    data = s.issue_data("Policy")
    assert list(data.positions) == [30, 45, 100]
    # shares (Policy, Tax): UP (30, 10), DN (65, 20), DL (50, 40); salience on a dimension
    # = total share x share / largest share (docs/scenario-format.md, KTAB's shares)
    assert list(data.saliences) == pytest.approx([0.4, 0.85, 0.9])
    tax = s.issue_data("Tax").saliences
    assert list(tax) == pytest.approx([0.4 * 10 / 30, 0.85 * 20 / 65, 0.9 * 40 / 50])
    assert list(data.capabilities) == [100, 65, 8]
    assert s.actor("DN").name == "Downstream state"


@pytest.mark.parametrize(
    ("change", "words", "line"),
    [
        ((" 3, 2,", " 4, 2,"), "declares 4 actor(s) but the table has 3", 1),
        (
            ("DN,Downstream state,65,45,65", "DN,Downstream state,65,145,65"),
            "expected a value in 0..100",
            4,
        ),
        (("DL,Delta province,8", "DL,Delta province,much"), "expected a number", 5),
        ((" 3, 2,", " 3, 3,"), "declares 3 dimension(s)", 2),
        (("DL,Delta province,8,100,50,0,40", "DL,Delta province,8,100,50,0,60"), "sum to 110", 5),
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


# -- the field's usual headers, Excel exports, no silent guesses (issue #12) --------------


@pytest.mark.parametrize(
    "header",
    [
        "name,capabilities,position,salience",
        "Player,Influence,POS,Importance",
        "ACTOR,clout,Position,salience",
        "actor,power,pos,importance",
    ],
)
def test_classic_header_aliases(header: str) -> None:
    s = read_classic_csv(f"{header}\nA,2,0,0.5\nB,1,10,1\n")
    data = s.issue_data("issue")
    assert data.actor_ids == ("A", "B")
    assert list(data.capabilities) == [2, 1]
    assert list(data.positions) == [0, 10]
    assert list(data.saliences) == [0.5, 1.0]


def test_extra_columns_are_metadata_reported_once() -> None:
    notes: list[str] = []
    text = "name,capabilities,position,salience,resolve,region\nA,1,0,1,0.4,EU\nB,1,10,1,0.9,\n"
    s = read_classic_csv(text, "t.csv", notes=notes)
    assert s.actor("A").metadata == {"resolve": "0.4", "region": "EU"}
    assert s.actor("B").metadata == {"resolve": "0.9"}
    assert sum("resolve, region" in n for n in notes) == 1


def test_extra_column_differing_by_issue_is_kept_per_issue() -> None:
    text = (
        "issue,actor,capability,position,salience,resolve\n"
        "x,A,1,0,1,0.4\ny,A,1,5,1,0.6\nx,B,1,9,1,\ny,B,1,1,1,\n"
    )
    assert read_classic_csv(text).actor("A").metadata == {"resolve.x": "0.4", "resolve.y": "0.6"}


def test_excel_export_bom_crlf_and_trailing_empty_columns(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(
        b"\xef\xbb\xbfActor,Capability,Position,Salience,,\r\nA,1,0,50,,\r\nB,3,10,50,,\r\n"
    )
    s = load_any(path)
    assert s.issue_data("issue").actor_ids == ("A", "B")
    assert list(s.issue_data("issue").capabilities) == [1, 3]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_delimiters_with_decimal_commas(delimiter: str) -> None:
    rows = ["actor;capability;position;salience", "A;0,5;10;0,8", "B;1;20;0,4"]
    s = read_classic_csv("\n".join(r.replace(";", delimiter) for r in rows) + "\n")
    data = s.issue_data("issue")
    assert list(data.capabilities) == [0.5, 1.0]
    assert list(data.saliences) == [0.8, 0.4]


def test_na_or_blank_position_or_salience_is_no_stance_with_a_note() -> None:
    notes: list[str] = []
    text = "actor,capability,position,salience\nA,1,0,50\nB,1,NA,50\nC,2,10,\nD,1,10,40\n"
    s = read_classic_csv(text, "t.csv", notes=notes)
    assert s.issue_data("issue").actor_ids == ("A", "D")
    assert s.actor("B").stances == {} and s.actor("C").capability.mode == 2
    assert any("line(s) 3, 4" in n and "no stance" in n for n in notes)


def test_mixed_salience_scales_are_an_error_naming_the_rows() -> None:
    # one 0-100 value in a 0-1 table used to flip the whole table to 0-100 silently
    text = "actor,capability,position,salience\nA,1,0,0.8\nB,1,10,0.6\nC,1,5,70\n"
    with pytest.raises(ScenarioError) as info:
        read_classic_csv(text, "t.csv")
    message = str(info.value)
    assert "line 2 (0.8), line 3 (0.6) fit 0-1" in message
    assert "line 4 (70) need 0-100" in message and "--salience-scale" in message


def test_explicit_salience_scale_decides() -> None:
    text = "actor,capability,position,salience\nA,1,0,0.8\nB,1,10,0.6\nC,1,5,70\n"
    s = read_classic_csv(text, salience_scale=100)
    assert list(s.issue_data("issue").saliences) == pytest.approx([0.008, 0.006, 0.7])
    with pytest.raises(ScenarioError) as info:
        read_classic_csv(text, "t.csv", salience_scale=1)
    assert "salience must lie in 0..1" in str(info.value) and info.value.line == 4


def test_salience_scale_inferred_when_every_value_agrees() -> None:
    assert read_classic_csv(CLASSIC).salience_scale == 100  # 80, 60, 70: all above 1
    assert (
        read_classic_csv("actor,capability,position,salience\nA,1,0,0\nB,1,9,1\n").salience_scale
        == 1
    )


def test_names_that_become_one_id_are_an_error_naming_both_rows() -> None:
    text = "actor,capability,position,salience\nS. Korea,1,0,50\nJapan,1,5,50\nS Korea,2,10,50\n"
    with pytest.raises(ScenarioError) as info:
        read_classic_csv(text, "t.csv")
    message = str(info.value)
    assert "'S. Korea' (line 2) and 'S Korea' (line 4)" in message and "'S_Korea'" in message
    assert info.value.line == 4


def test_actor_and_name_columns_give_id_and_display_name() -> None:
    s = read_classic_csv(
        "actor,name,capability,position,salience\nUS,United States,1,0,1\nCN,China,1,10,1\n"
    )
    assert s.actor("US").name == "United States"


def test_missing_column_names_the_accepted_aliases() -> None:
    with pytest.raises(ScenarioError) as info:
        read_classic_csv("who,capability,position,salience\nA,1,0,1\n", "t.csv")
    assert "actor: actor or name or player" in str(info.value)


def test_salience_scale_option_refused_for_other_formats(tmp_path: Path) -> None:
    (tmp_path / "k.csv").write_text(KTAB)
    with pytest.raises(ScenarioError, match="--salience-scale applies to classic tables"):
        load_any(tmp_path / "k.csv", salience_scale=100)


# -- KTAB's salience shares ---------------------------------------------------------------

KTAB_ONE = """One,test, 5, 1,
Actor,Description,Power,Pos,Sal,
A,,60,10,40,
B,,100,55,60,
C,,10,10,80,
D,,100,100,20,
E,,30,10,80,
"""
KTAB_SPLIT = """Split,test, 5, 2,
Actor,Description,Power,P1 Pos,P1 Sal,P2 Pos,P2 Sal,
A,,60,10,20,10,20,
B,,100,55,30,55,30,
C,,10,10,40,10,40,
D,,100,100,10,100,10,
E,,30,10,40,10,40,
"""


def test_splitting_a_ktab_dimension_at_equal_shares_changes_no_forecast() -> None:
    # one dimension and the same dimension split in two identical dimensions at half
    # the share each: KTAB's weighted distance is the same for both, and so must every
    # detente forecast be. Read as independent saliences (halved), the expected-utility
    # model gave 55 on the one dimension and 10 on each half.
    # smp is the exception, within a tolerance: KTAB rounds every bargain to 4 decimals
    # of the 0-1 scale on each dimension, so float noise of the order of 1e-16 between
    # the two tables can move a bargain by 1e-4 (0.01 on this 0-100 scale; 0.003 seen).
    # It runs with deterministic transitions here: with stochastic ones such a change
    # of a probability can change a later draw, and the runs part.
    from detente.forecasting import run_models

    def read(text: str) -> Scenario:
        scenario = read_ktab_csv(text)
        return scenario.model_copy(update={"models": {"smp": {"transitions": "deterministic"}}})

    one = {f.model: f.issues[0].outcome for f in run_models(read(KTAB_ONE))}
    split = run_models(read(KTAB_SPLIT))
    for forecast in split:
        tol = 0.01 if forecast.model == "smp" else 1e-9
        for item in forecast.issues:
            assert item.outcome == pytest.approx(one[forecast.model], abs=tol), forecast.model


KTAB_DATA = SHARED_DATA / "ktab"


def test_ktab_dummy_data_3dim_reads_shares() -> None:
    path = KTAB_DATA / "dummyData_3Dim.csv"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    s = load_any(path)
    assert len(s.actors) == 7 and [i.id for i in s.issues] == ["1", "2", "3"]
    a0 = s.actor("SActor-00")
    # shares 49.53, 5.91, 28.15: total 0.8359; per dimension 0.8359 x share / 49.53
    assert [a0.stances[d].salience.mode for d in ("1", "2", "3")] == pytest.approx(
        [0.8359, 0.0997409, 0.4750774], abs=1e-6
    )
    assert [a0.stances[d].position.mode for d in ("1", "2", "3")] == [75.79, 6.37, 70.45]
    a1 = s.actor("SActor-01")  # shares 30.33, 21.22, 24.79: total 0.7634
    assert [a1.stances[d].salience.mode for d in ("1", "2", "3")] == pytest.approx(
        [0.7634, 0.5341031, 0.6239593], abs=1e-6
    )


def test_ktab_na_cell_is_no_stance_and_keeps_its_share() -> None:
    # UP's Tax position NA: no stance on Tax; its shares (30, 10) still total 0.4
    s = read_ktab_csv(
        KTAB.replace("UP,Upstream state,100,30,30,50,10", "UP,Upstream state,100,30,30,NA,10")
    )
    assert "Tax" not in s.actor("UP").stances
    assert s.actor("UP").stances["Policy"].salience.mode == pytest.approx(0.4)


def test_status_quo_alias() -> None:
    s = read_classic_csv("actor,capability,position,salience,SQ\nA,1,0,1,4\nB,1,10,1,\n")
    assert s.issue("issue").status_quo is not None and s.issue("issue").status_quo.mode == 4


def test_cli_salience_scale_and_notes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cli_helpers import run_cli

    path = tmp_path / "mixed.csv"
    path.write_text("name,power,position,salience,resolve\nA,1,0,0.8,x\nB,1,10,0.6,y\nC,1,5,70,z\n")
    code, out, err = run_cli(capsys, "validate", str(path))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "line 4 (70) need 0-100" in err
    code, out, err = run_cli(capsys, "validate", str(path), "--salience-scale", "100")
    assert code == 0 and "valid (3 actors, 1 issues" in out
    assert err.count("detente: note:") == 1 and "resolve" in err
