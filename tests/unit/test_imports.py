"""Importers of the field's other formats: KTAB XML, Genius utility spaces, decide files.

Every input here is written for the test; the expected values are worked out by hand
in the comments. The public files in ``../shared/data`` are read (never copied) by the
tests at the end, which skip when the data is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.errors import ScenarioError
from detente.io import load_any
from detente.io.decide import read_decide
from detente.io.genius_xml import read_genius_xml
from detente.io.ktab import read_ktab_xml
from detente.io.tables import detect_table_format

from cli_helpers import run_cli
from shared_data import DATA as SHARED_DATA

SHARED = SHARED_DATA

KTAB_XML = """<?xml version="1.0" encoding="UTF-8"?>
<Scenario>
  <name>Tiny</name>
  <desc>Two dimensions, three actors</desc>
  <prngSeed>42</prngSeed>
  <ModelParameters>
    <VictoryProbModel>Linear</VictoryProbModel>
    <PCEModel>Conditional</PCEModel>
    <StateTransitions>Deterministic</StateTransitions>
    <VotingRule>Proportional</VotingRule>
    <BigRAdjust>Half</BigRAdjust>
    <BigRRange>Mid</BigRRange>
    <ThirdPartyCommit>NoCommit</ThirdPartyCommit>
    <InterVecBrgn>S1P1</InterVecBrgn>
    <BargnModel>InitOnlyInterp</BargnModel>
  </ModelParameters>
  <Dimensions><dName>Tax</dName><dName>Trade</dName></Dimensions>
  <Actors>
    <Actor><name>North</name><description>n</description><capability>50</capability>
      <Position><dCoord>20</dCoord><dCoord>70</dCoord></Position>
      <Salience><dSal>60</dSal><dSal>20</dSal></Salience></Actor>
    <Actor><name>South</name><description>s</description><capability>30</capability>
      <Position><dCoord></dCoord><dCoord>10</dCoord></Position>
      <Salience><dSal>25</dSal><dSal>50</dSal></Salience></Actor>
    <Actor><name>East</name><description>e</description><capability>20</capability>
      <Position><dCoord>90</dCoord><dCoord>40</dCoord></Position>
      <Salience><dSal>40</dSal><dSal>40</dSal></Salience></Actor>
  </Actors>
  <IdealAdjustment>
    <iaPair><adjustingIdeal>South</adjustingIdeal><referencePos>North</referencePos>
      <adjust>0.25</adjust></iaPair>
  </IdealAdjustment>
</Scenario>
"""


def test_ktab_xml_actors_dimensions_shares_and_parameters() -> None:
    notes: list[str] = []
    s = read_ktab_xml(KTAB_XML, "tiny.xml", notes=notes)
    assert s.title == "Tiny" and [i.id for i in s.issues] == ["Tax", "Trade"]
    assert [a.capability.mode for a in s.actors] == [50, 30, 20]
    north, south, east = s.actors
    # North shares (60, 20): total 0.8 -> Tax 0.8, Trade 0.8 x 20/60
    assert north.stances["Tax"].salience.mode == pytest.approx(0.8)
    assert north.stances["Trade"].salience.mode == pytest.approx(0.8 * 20 / 60)
    # South: empty Tax coordinate -> no stance there; shares (25, 50): Trade 0.75 x 50/50
    assert "Tax" not in south.stances
    assert south.stances["Trade"].salience.mode == pytest.approx(0.75)
    assert south.metadata == {"ktab_ideal_adjustment.North": "0.25"}
    # East: equal shares (40, 40): total 0.8 on both
    assert [east.stances[i].salience.mode for i in ("Tax", "Trade")] == pytest.approx([0.8, 0.8])
    assert "VotingRule=Proportional" in s.description and "prngSeed=42" in s.description
    assert any("South on Tax" in n for n in notes)
    # detente has an smp model now: the note says how to apply KTAB's settings to it
    assert any("not applied" in n and "--option smp." in n for n in notes)
    assert not any("no model of KTAB" in n for n in notes)


@pytest.mark.parametrize(
    ("change", "words", "line"),
    [
        (("<dSal>40</dSal><dSal>40</dSal>", "<dSal>60</dSal><dSal>50</dSal>"), "sum to 110", 27),
        (("<VotingRule>Proportional", "<VotingRule>Majority"), "expected one of Binary", 10),
        (("<dCoord>90</dCoord>", "<dCoord>190</dCoord>"), "0..100", 26),
        (("<dCoord>90</dCoord>", ""), "expected 2 <dCoord>", 26),
        (("<referencePos>North", "<referencePos>West"), "no actor named 'West'", 30),
        (("</Actors>", "</Actor>"), "not well-formed XML", 28),
    ],
)
def test_ktab_xml_errors_name_the_line(change: tuple[str, str], words: str, line: int) -> None:
    with pytest.raises(ScenarioError) as info:
        read_ktab_xml(KTAB_XML.replace(*change), "tiny.xml")
    assert words in str(info.value) and info.value.line == line


def test_xml_entity_expansion_is_refused() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Scenario><name>&b;</name></Scenario>'
    )
    with pytest.raises(ScenarioError, match="refused"):
        read_ktab_xml(bomb, "bomb.xml")


GENIUS = """<utility_space number_of_issues="2">
  <objective index="0" name="root" type="objective" etype="objective">
    <issue index="1" name="Price" type="discrete" etype="discrete" vtype="discrete">
      <item index="1" value="low" evaluation="1"/>
      <item index="2" value="mid" evaluation="3"/>
      <item index="3" value="high" evaluation="2"/>
    </issue>
    <issue index="2" name="Days" type="integer" etype="integer" vtype="integer"
           lowerbound="1" upperbound="10">
      <evaluator ftype="linear" slope="-0.1" offset="1"/>
    </issue>
    <weight index="1" value="0.75"/>
    <weight index="2" value="0.25"/>
  </objective>
  <reservation value="0.4"/>
  <discount_factor value="0.9"/>
</utility_space>
"""


def test_genius_utility_space_is_one_actors_preferences() -> None:
    notes: list[str] = []
    s = read_genius_xml(GENIUS, "buyer.xml", notes=notes)
    (actor,) = s.actors
    price, days = s.issue("Price"), s.issue("Days")
    assert price.scale == (0, 2) and price.anchors == {0: "low", 1: "mid", 2: "high"}
    assert days.scale == (1, 10)
    # best values: "mid" (evaluation 3) at 1; a negative slope favours the lower bound
    assert actor.stances["Price"].position.mode == 1
    assert actor.stances["Days"].position.mode == 1
    # weights 0.75 / 0.25 as shares: total 1 -> 1 and 0.25 / 0.75
    assert actor.stances["Price"].salience.mode == pytest.approx(1.0)
    assert actor.stances["Days"].salience.mode == pytest.approx(1 / 3)
    assert actor.metadata == {"reservation": "0.4", "discount_factor": "0.9"}
    assert any("other parties" in n for n in notes)


def test_genius_domain_template_without_weights_is_refused() -> None:
    template = GENIUS.replace('<weight index="2" value="0.25"/>', "")
    with pytest.raises(ScenarioError) as info:
        read_genius_xml(template, "domain.xml")
    assert "no <weight index='2'>" in str(info.value) and info.value.line == 8


DECIDE = """'#A'\t'EU'\t'European Union'\t''
'#A'\t'US'\t'United States'\t'note'
'#A'\t'CN'\t'China'\t''
'#0'\tcomment row
'#P'\t'legal'\t'Legal form'\t''
'#M'\t'legal'\t0\t'No binding agreement'
'#M'\t'legal'\t100\t'Binding targets'
'#P'\t'money'\t'Finance'\t''
'#D'\t'EU'\t'legal'\t90\t0.8\t0.5
'#D'\t'US'\t'legal'\t20\t0.9\t1.0
'#D'\t'CN'\t'legal'\t40\t0.7\t0.75
'#D'\t'EU'\t'money'\t60\t0.5\t0.5
"""


def test_decide_rows() -> None:
    s = read_decide(DECIDE, "d.csv")
    assert [a.id for a in s.actors] == ["EU", "US", "CN"]
    assert s.actor("US").name == "United States" and s.actor("US").description == "note"
    legal = s.issue("legal")
    assert legal.scale == (0, 100) and legal.anchors[100] == "Binding targets"
    assert s.issue("money").scale == (0, 100)  # no #M: decide's default 0-100
    data = s.issue_data("legal")
    assert list(data.positions) == [90, 20, 40]
    assert list(data.saliences) == [0.8, 0.9, 0.7]
    assert list(data.capabilities) == [0.5, 1.0, 0.75]
    assert s.issue_data("money").actor_ids == ("EU",)


@pytest.mark.parametrize(
    ("change", "words", "line"),
    [
        (("'US'\t'legal'\t20\t0.9\t1.0", "'US'\t'legal'\t20\t0.9\t0.5"), None, None),
        (("'EU'\t'money'\t60\t0.5\t0.5", "'EU'\t'money'\t60\t0.5\t0.4"), "power 0.5 on line 9", 12),
        (("'CN'\t'legal'\t40", "'JP'\t'legal'\t40"), "actor 'JP', not declared", 11),
        (("'CN'\t'legal'\t40", "'CN'\t'legal'\t140"), "of issue 'legal'", 11),
        (("\t0.7\t0.75", "\t7\t0.75"), "0..1", 11),
        (("'#0'", "'#X'"), "got '#X'", 4),
        (("'#A'\t'CN'", "'#A'\t'US'"), "'US' is declared twice (first on line 2)", 3),
    ],
)
def test_decide_errors(change: tuple[str, str], words: str | None, line: int | None) -> None:
    text = DECIDE.replace(*change)
    if words is None:
        assert read_decide(text, "d.csv").actor("US").capability.mode == 0.5
        return
    with pytest.raises(ScenarioError) as info:
        read_decide(text, "d.csv")
    assert words in str(info.value) and info.value.line == line


def test_detection_by_content() -> None:
    assert detect_table_format(KTAB_XML) == "ktab-xml"
    assert detect_table_format(GENIUS) == "genius"
    assert detect_table_format("<negotiation_template><utility_space/>") == "genius"
    assert detect_table_format(DECIDE) == "decide"
    assert detect_table_format("#A;EU;EU\n") == "decide"
    assert detect_table_format("actor,capability,position,salience\n") == "classic"


def test_forecast_reads_xml_and_decide_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "tiny.xml").write_text(KTAB_XML)
    (tmp_path / "copenhagen-like.csv").write_text(DECIDE)
    code, out, err = run_cli(capsys, "forecast", str(tmp_path / "tiny.xml"), "--no-store")
    assert code == 0 and "Tax" in out and "note:" in err
    code, out, _ = run_cli(
        capsys, "forecast", str(tmp_path / "copenhagen-like.csv"), "-f", "json", "--no-store"
    )
    assert code == 0 and '"Legal form"' in out
    code, _, err = run_cli(
        capsys, "forecast", str(tmp_path / "tiny.xml"), "--table-format", "genius", "--no-store"
    )
    assert code == 2 and "expected a Genius <utility_space>, got <Scenario>" in err


def test_public_ktab_xml_example() -> None:
    path = SHARED / "ktab" / "smpExample.xml"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    notes: list[str] = []
    s = load_any(path, notes=notes)
    assert [a.id for a in s.actors] == ["Alice", "Bob", "Carol", "David", "Ellie"]
    assert [i.id for i in s.issues] == ["FirstDim", "SecondDim", "YADN"]
    # Alice's first coordinate is empty in the file: no stance there
    assert "FirstDim" not in s.actor("Alice").stances
    # Bob's shares 25.2, 34.5, 26.5: total 0.862; SecondDim is his largest share
    bob = s.actor("Bob").stances
    assert bob["SecondDim"].salience.mode == pytest.approx(0.862)
    assert bob["FirstDim"].salience.mode == pytest.approx(0.862 * 25.2 / 34.5)
    assert "BargnModel=InitOnlyInterp" in s.description


def test_public_decide_files() -> None:
    path = SHARED / "decide" / "copenhagen.csv"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    s = load_any(path)
    # decide's README: 11 actors x 7 issues; the first #D row: USA on Newtreaty 10, 0.9, 0.26
    assert len(s.actors) == 11 and len(s.issues) == 7
    usa = s.actor("USA")
    assert usa.stances["Newtreaty"].position.mode == 10
    assert usa.stances["Newtreaty"].salience.mode == 0.9 and usa.capability.mode == 0.26
    assert s.actor("EU_incl_Norway").name == "EU (incl Norway)"


def test_genius_nested_objectives_multiply_weights() -> None:
    # root weighs "terms" 0.6 and "Price" 0.4; "terms" weighs Days 0.5 and Warranty 0.5:
    # utility shares Price 0.4, Days 0.3, Warranty 0.3 -> saliences 1, 0.75, 0.75
    nested = """<negotiation_template><utility_space>
      <objective index="0" name="root">
        <issue index="1" name="Price" type="discrete">
          <item index="1" value="low" evaluation="5"/><item index="2" value="high" evaluation="1"/>
        </issue>
        <objective index="2" name="terms">
          <issue index="3" name="Days" type="integer" lowerbound="0" upperbound="30">
            <evaluator ftype="linear" slope="1" offset="0"/>
          </issue>
          <issue index="4" name="Warranty" type="discrete">
            <item index="1" value="none" evaluation="0"/><item index="2" value="1y" evaluation="1"/>
          </issue>
          <weight index="3" value="0.5"/><weight index="4" value="0.5"/>
        </objective>
        <weight index="1" value="0.4"/><weight index="2" value="0.6"/>
      </objective></utility_space></negotiation_template>"""
    s = read_genius_xml(nested, "seller.xml")
    stances = s.actors[0].stances
    assert [stances[i].salience.mode for i in ("Price", "Days", "Warranty")] == pytest.approx(
        [1.0, 0.75, 0.75]
    )
    assert [stances[i].position.mode for i in ("Price", "Days", "Warranty")] == [0, 30, 1]
