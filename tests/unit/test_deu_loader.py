"""The DEU reader (detente.io.deu) on the synthetic file tests/data/deu_small.tsv.

The synthetic file has the DEU header, a non-data row 2 (like the GDP row of the public
copy) and six issues: d99001i1 and d99001i2 (introduced 15-03-99; i2 has an actor with
a position but no salience), d05002i1 (intro in the spreadsheet-mangled form
2014-07-05, i.e. 14 July 2005), d05002i2 (no outcome), d07003i1 (two actors) and
d07003i2 (introduced 12-02-07, also written 12-02-2007 on i1).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from detente.analysis.voting_weights import capability_function
from detente.errors import ScenarioError
from detente.io.deu import DeuIssue, parse_deu, parse_intro, read_deu

SMALL = Path(__file__).resolve().parents[1] / "data" / "deu_small.tsv"


@pytest.fixture(scope="module")
def issues() -> dict[str, DeuIssue]:
    return {issue.isnr: issue for issue in read_deu(SMALL)}


def test_reads_every_issue_and_skips_the_row_under_the_header(
    issues: dict[str, DeuIssue],
) -> None:
    assert list(issues) == [
        "d99001i1",
        "d99001i2",
        "d05002i1",
        "d05002i2",
        "d07003i1",
        "d07003i2",
    ]
    # line 1 is the header, line 2 the per-actor figures, the first issue is on line 3
    assert [issue.line for issue in issues.values()] == [3, 4, 5, 6, 7, 8]


def test_metadata(issues: dict[str, DeuIssue]) -> None:
    issue = issues["d05002i1"]
    assert (issue.prnr, issue.prname, issue.act_type, issue.council) == (
        "d05002",
        "gamma",
        "Dir",
        "Envi",
    )
    assert (issue.procedure, issue.voting_rule) == ("CNS", "Unan")
    assert issues["d07003i2"].voting_rule == "QMV(10)"


@pytest.mark.parametrize(
    ("isnr", "date"),
    [
        ("d99001i1", dt.date(1999, 3, 15)),  # 15-03-99
        ("d05002i1", dt.date(2005, 7, 14)),  # 2014-07-05, mangled 14-07-05
        ("d07003i1", dt.date(2007, 2, 12)),  # 12-02-2007
        ("d07003i2", dt.date(2007, 2, 12)),  # 12-02-07
    ],
)
def test_intro_dates(issues: dict[str, DeuIssue], isnr: str, date: dt.date) -> None:
    assert issues[isnr].intro == date
    scenario = issues[isnr].scenario
    assert scenario is not None
    assert scenario.as_of == date


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("07-02-96", dt.date(1996, 2, 7)),
        ("1-3-04", dt.date(2004, 3, 1)),
        ("14-12-1999", dt.date(1999, 12, 14)),
        ("2020-10-05", dt.date(2005, 10, 20)),
        ("1930-05-05", dt.date(2005, 5, 30)),
    ],
)
def test_parse_intro(text: str, date: dt.date) -> None:
    assert parse_intro(text) == date


@pytest.mark.parametrize("text", ["", "2005/01/01", "31-02-05", "15-13-99", "yesterday"])
def test_parse_intro_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_intro(text)


def test_reference_point_and_outcome(issues: dict[str, DeuIssue]) -> None:
    assert (issues["d99001i1"].reference_point, issues["d99001i1"].outcome) == (0.0, 60.0)
    assert issues["d99001i2"].reference_point is None
    assert issues["d05002i2"].outcome is None
    assert issues["d05002i2"].reference_point == 40.0
    scenario = issues["d99001i1"].scenario
    assert scenario is not None
    assert scenario.issues[0].status_quo is not None
    assert scenario.issues[0].status_quo.mode == 0.0
    no_rp = issues["d99001i2"].scenario
    assert no_rp is not None
    assert no_rp.issues[0].status_quo is None


def test_scenario_holds_the_actors_with_a_position(issues: dict[str, DeuIssue]) -> None:
    scenario = issues["d99001i1"].scenario
    assert scenario is not None
    assert scenario.salience_scale == 100
    assert scenario.issues[0].scale == (0.0, 100.0)
    data = scenario.issue_data("d99001i1")
    # uk and it have a salience cell (0) but no position: they are not actors here
    assert data.actor_ids == ("com", "fr", "de")
    assert data.positions.tolist() == [100.0, 50.0, 0.0]
    assert data.saliences.tolist() == [0.5, 1.0, 0.5]  # 50, 100, 50 on 0-100
    assert data.capabilities.tolist() == [1.0, 1.0, 1.0]
    assert scenario.actor("de").name == "Germany"
    assert issues["d07003i1"].n_actors == 2


def test_missing_salience_takes_the_issue_mean(issues: dict[str, DeuIssue]) -> None:
    issue = issues["d99001i2"]
    assert issue.imputed == ("dk",)
    # dk has position 20 and no salience; the coded saliences are com 60 and de 20
    assert issue.saliences["dk"] == pytest.approx(40.0)
    assert issue.scenario is not None
    assert issue.scenario.actor("dk").stances["d99001i2"].salience.mode == pytest.approx(0.4)


def test_missing_salience_drop_and_number() -> None:
    dropped = {i.isnr: i for i in read_deu(SMALL, missing_salience="drop")}["d99001i2"]
    assert dict(dropped.positions) == {"com": 0.0, "de": 100.0}
    assert dropped.imputed == ("dk",)
    zero = {i.isnr: i for i in read_deu(SMALL, missing_salience=0)}["d99001i2"]
    assert zero.saliences["dk"] == 0.0


def test_bad_missing_salience_option() -> None:
    with pytest.raises(ScenarioError, match="missing_salience"):
        read_deu(SMALL, missing_salience=150)


def test_council_capabilities_reach_the_scenario() -> None:
    loaded = read_deu(SMALL, capabilities=capability_function("council"))
    by_id = {i.isnr: i for i in loaded}
    a = by_id["d99001i1"].scenario
    assert a is not None
    # 1999: pre-Nice weights de 10, fr 10; Commission = mean of 87 votes over 15 states
    assert {x.id: x.capability.mode for x in a.actors} == pytest.approx(
        {"com": 87 / 15, "fr": 10.0, "de": 10.0}
    )
    c = by_id["d05002i1"].scenario
    assert c is not None
    # July 2005: Nice weights pl 27, de 29, mt 3; Parliament = 321 / 25
    assert {x.id: x.capability.mode for x in c.actors} == pytest.approx(
        {"ep": 321 / 25, "de": 29.0, "mt": 3.0, "pl": 27.0}
    )


def test_to_dict(issues: dict[str, DeuIssue]) -> None:
    data = issues["d99001i2"].to_dict()
    assert data["intro"] == "1999-03-15"
    assert data["positions"] == {"com": 0.0, "dk": 20.0, "de": 100.0}
    assert data["imputed_salience"] == ["dk"]
    assert data["outcome"] == 30.0


# -- malformed files ---------------------------------------------------------------


def _lines() -> list[str]:
    return SMALL.read_text(encoding="utf-8").splitlines()


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "bad.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _set_cell(lines: list[str], line: int, column: str, value: str) -> list[str]:
    header = lines[0].split("\t")
    cells = lines[line - 1].split("\t")
    cells[header.index(column)] = value
    out = list(lines)
    out[line - 1] = "\t".join(cells)
    return out


@pytest.mark.parametrize(
    ("line", "column", "value", "message"),
    [
        (3, "pde", "abc", "expected a number"),
        (4, "scom", "120", "0..100"),
        (5, "out", "-5", "0..100"),
        (8, "rp", "nan", "0..100"),
        (6, "intro", "31-02-05", "dd-mm-yy"),
        (7, "isnr", "", "empty issue id"),
        (8, "isnr", "d99001i1", "duplicate issue id 'd99001i1' (first on line 3)"),
    ],
)
def test_bad_cell_names_line_and_column(
    tmp_path: Path, line: int, column: str, value: str, message: str
) -> None:
    path = _write(tmp_path, _set_cell(_lines(), line, column, value))
    with pytest.raises(ScenarioError) as info:
        read_deu(path)
    error = info.value
    assert (error.file, error.line, error.path) == (str(path), line, (column,))
    assert message in error.message
    assert str(error).startswith(f"{path}:{line}: {column}: ")


def test_missing_column(tmp_path: Path) -> None:
    lines = [line.rsplit("\t", 1)[0] for line in _lines()]  # drop the last column, out
    path = _write(tmp_path, lines)
    with pytest.raises(ScenarioError, match="missing column") as info:
        read_deu(path)
    assert (info.value.line, info.value.path) == (1, ("out",))


def test_wrong_number_of_cells(tmp_path: Path) -> None:
    lines = _lines()
    lines[4] = lines[4] + "\textra"
    with pytest.raises(ScenarioError, match="expected 75 tab-separated cells") as info:
        read_deu(_write(tmp_path, lines))
    assert info.value.line == 5


def test_comma_separated_file_is_rejected(tmp_path: Path) -> None:
    lines = [line.replace("\t", ",") for line in _lines()]
    with pytest.raises(ScenarioError, match="missing column") as info:
        read_deu(_write(tmp_path, lines))
    assert info.value.line == 1


def test_empty_and_missing_and_binary_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.tsv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ScenarioError, match="empty") as info:
        read_deu(empty)
    assert info.value.line == 1
    with pytest.raises(ScenarioError, match="no such file"):
        read_deu(tmp_path / "absent.tsv")
    binary = tmp_path / "binary.tsv"
    binary.write_bytes(b"prnr\tisnr\n\xff\xfe\x00")
    with pytest.raises(ScenarioError, match="UTF-8"):
        read_deu(binary)


def test_a_year_without_council_figures_reads_the_nearest_year_with_its_members(
    tmp_path: Path,
) -> None:
    # 2019's Annex III shares are not shipped: the EU-28 figures of 2016 (the nearest
    # shipped year with the United Kingdom) read it; Germany's 2016 share is 15.93 %
    path = _write(tmp_path, _set_cell(_lines(), 3, "intro", "01-01-19"))
    issues = read_deu(path, capabilities=capability_function("council"))
    first = next(iter(issues))
    by_actor = {a.id: a.capability.mode for a in first.scenario.actors}
    assert by_actor["de"] == pytest.approx(15.93, abs=1e-12)


def test_lisbon_date_scores_with_council_capabilities(tmp_path: Path) -> None:
    # 2016 is covered (Council Decision 2015/2393): the default option reads population shares
    path = _write(tmp_path, _set_cell(_lines(), 3, "intro", "01-01-16"))
    issues = read_deu(path, capabilities=capability_function("council"))
    assert issues


def test_an_issue_id_detente_cannot_use_names_the_isnr_column() -> None:
    # a DEU row whose isnr starts with '-' reaches the scenario's id check: the error
    # names the column and the line, in detente's words, not pydantic's
    rows = SMALL.read_text(encoding="utf-8").split("\n")
    rows[2] = rows[2].replace("d99001i1", "-d99001i1", 1)
    with pytest.raises(ScenarioError) as info:
        parse_deu("\n".join(rows), "deu.tsv")
    assert str(info.value).startswith("deu.tsv:3: isnr: an id may hold only letters, digits")
    assert "should match" not in str(info.value)
