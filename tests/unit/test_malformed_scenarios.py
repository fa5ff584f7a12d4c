"""Malformed scenario files: each gives one clear error naming file, line and field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from detente.errors import ScenarioError
from detente.io import load_any, load_scenario

GOOD = """\
schema: detente/1
title: Test
as_of: 2020-01-01
horizon: 2021-01-01
sources:
  - id: src
    title: A source
issues:
  - id: x
    name: X
    scale: [0, 10]
    status_quo: 5
actors:
  - id: a
    name: A
    capability: 1
    stances:
      x: {position: 2, salience: 0.5}
  - id: b
    name: B
    capability: 2
    stances:
      x: {position: 8, salience: 0.9}
agreement:
  name: Deal
  signatories:
    - actor: a
      accepts: {x: [0, 6]}
    - actor: b
      tolerance: {x: 3}
evidence:
  - about: actors.a.capability
    source: src
    quote: something
"""


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_for(tmp_path: Path, text: str, name: str = "s.yaml") -> ScenarioError:
    path = write(tmp_path, text, name)
    with pytest.raises(ScenarioError) as info:
        load_any(path)
    return info.value


def test_the_good_file_loads(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, GOOD))
    assert [a.id for a in scenario.actors] == ["a", "b"]


# (replace this, with that, expected line, expected field, expected words)
CASES = [
    ("title: Test\n", "title: Test\ncolour: red\n", 3, "colour", "unknown field 'colour'"),
    (
        "    capability: 1\n",
        "    capabilty: 1\n",
        16,
        "actors[0].capabilty",
        "did you mean 'capability'",
    ),
    (
        "    capability: 1\n",
        "    capability: lots\n",
        16,
        "actors[0].capability",
        "expected a number (7) or a range {low: 5, mode: 7, high: 9}",
    ),
    (
        "    capability: 1\n",
        "    capability: -1\n",
        16,
        "actors[0].capability",
        "capability must be >= 0",
    ),
    (
        "      x: {position: 2, salience: 0.5}",
        "      x: {position: 12, salience: 0.5}",
        18,
        "actors[0].stances.x.position",
        "outside the scale",
    ),
    (
        "      x: {position: 2, salience: 0.5}",
        "      x: {position: 2, salience: 5}",
        18,
        "actors[0].stances.x.salience",
        "salience must lie in 0..1",
    ),
    (
        "      x: {position: 2, salience: 0.5}",
        "      y: {position: 2, salience: 0.5}",
        18,
        "actors[0].stances.y",
        "unknown issue 'y'",
    ),
    ("  - id: b\n", "  - id: a\n", 19, "actors[1].id", "duplicate actor id 'a'"),
    (
        "    - actor: a\n",
        "    - actor: z\n",
        27,
        "agreement.signatories[0].actor",
        "unknown actor 'z'",
    ),
    (
        "      accepts: {x: [0, 6]}",
        "      accepts: {x: [0, 16]}",
        28,
        "agreement.signatories[0].accepts.x[1]",
        "outside the scale",
    ),
    (
        "      accepts: {x: [0, 6]}",
        "      accepts: {x: [6, 0]}",
        28,
        "agreement.signatories[0].accepts.x",
        "low <= high",
    ),
    (
        "      tolerance: {x: 3}",
        "      tolerance: {w: 3}",
        30,
        "agreement.signatories[1].tolerance.w",
        "unknown issue 'w'",
    ),
    ("    scale: [0, 10]", "    scale: [10, 0]", 11, "issues[0].scale", "min < max"),
    ("    status_quo: 5", "    status_quo: 50", 12, "issues[0].status_quo", "outside the scale"),
    (
        "    status_quo: 5",
        "    status_quo: 5\n    anchors: {0: none, 12: all}",
        13,
        "issues[0].anchors.12",
        "anchor 12 lies outside the scale [0, 10]",
    ),
    (
        "    - actor: b\n",
        "    - actor: a\n",
        29,
        "agreement.signatories[1].actor",
        "duplicate signatory id 'a' (first used at agreement.signatories[0])",
    ),
    (
        "      x: {position: 2, salience: 0.5}",
        "      x: {position: [5, 6], salience: 0.5}",
        18,
        "actors[0].stances.x.position",
        "expected a number (7) or a range {low: 5, mode: 7, high: 9} (optionally with dist: "
        "triangular, uniform, pert), got a list [5, 6]",
    ),
    (
        "    capability: 1\n",
        "    capability: {low: 1, mode: 2, high: 3, dist: normal}\n",
        16,
        "actors[0].capability.dist",
        "distribution 'normal' is not supported; detente samples only bounded laws: "
        "triangular, uniform, pert",
    ),
    (
        "    capability: 1\n",
        "    capability: true\n",
        16,
        "actors[0].capability",
        "got a boolean (true)",
    ),
    ("    scale: [0, 10]", "    scale: 10", 11, "issues[0].scale", "expected [min, max], two"),
    (
        "    capability: 1\n",
        "    capability: '1'\n",
        16,
        "actors[0].capability",
        "got '1' (a number in quotes is text: remove the quotes)",
    ),
    (
        "    capability: 1\n",
        "    capability:\n",
        16,
        "actors[0].capability",
        "got nothing (an empty value)",
    ),
    ("as_of: 2020-01-01", "as_of: 2020-13-01", 3, "as_of", "as a date (YYYY-MM-DD)"),
    ("as_of: 2020-01-01", "as_of: next spring", 3, "as_of", "expected a date as YYYY-MM-DD"),
    ("horizon: 2021-01-01", "horizon: 2019-01-01", 4, "horizon", "must come after as_of"),
    ("schema: detente/1", "schema: detente/9", 1, "schema", "detente/1"),
    (
        "    source: src\n",
        "    source: nowhere\n",
        33,
        "evidence[0].source",
        "unknown source 'nowhere'",
    ),
    (
        "  - about: actors.a.capability",
        "  - about: actors.q.capability",
        32,
        "evidence[0].about",
        "names no parameter",
    ),
    ("    quote: something\n", "", 32, "evidence[0]", "needs a quote, a judgment, or both"),
    ("    source: src\n", "", 32, "evidence[0].source", "a quote needs the id of the source"),
    (
        "      accepts: {x: [0, 6]}",
        "      accepts: {x: [0, 6, 8]}",
        28,
        "agreement.signatories[0].accepts.x",
        "expected a pair [low, high] of two numbers or ranges, got 3 items",
    ),
]


@pytest.mark.parametrize(("old", "new", "line", "field", "words"), CASES)
def test_malformed_file_names_line_and_field(
    tmp_path: Path, old: str, new: str, line: int, field: str, words: str
) -> None:
    assert old in GOOD, old
    text = GOOD.replace(old, new, 1)
    error = error_for(tmp_path, text)
    message = str(error)
    assert message.startswith(f"{tmp_path / 's.yaml'}:{line}: {field}: "), message
    assert words in message


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    error = error_for(tmp_path, GOOD.replace("  - id: b\n", "  - id: b\n   bad indent: [\n"))
    assert error.line is not None and "not valid YAML" in str(error)


def test_unquoted_colon_gets_a_hint(tmp_path: Path) -> None:
    error = error_for(tmp_path, GOOD.replace("    name: B\n", "    name: B: the second\n"))
    assert error.line == 20 and "must be put in quotes" in str(error)


def test_duplicate_key(tmp_path: Path) -> None:
    error = error_for(
        tmp_path, GOOD.replace("    capability: 2\n", "    capability: 2\n    capability: 3\n")
    )
    assert error.line == 22 and "duplicate key 'capability'" in str(error)


def test_empty_actor_list(tmp_path: Path) -> None:
    start = GOOD.index("actors:")
    end = GOOD.index("agreement:")
    text = (
        GOOD[:start]
        + "actors: []\n"
        + GOOD[end:].split("evidence:")[0].replace("agreement:", "x_agreement:")
    )
    error = error_for(tmp_path, text.replace("x_agreement:", "agreement:").split("agreement:")[0])
    assert "actors" in str(error) and "at least 1 item" in str(error)


def test_missing_required_field(tmp_path: Path) -> None:
    error = error_for(tmp_path, GOOD.replace("    name: A\n", ""))
    assert error.path == ("actors", 0, "name")
    assert "required field is missing" in str(error) and error.line == 14


def test_range_out_of_order(tmp_path: Path) -> None:
    error = error_for(
        tmp_path, GOOD.replace("capability: 2", "capability: {low: 3, mode: 2, high: 4}")
    )
    assert error.line == 21 and "low <= mode <= high" in str(error)


def test_several_problems_are_counted(tmp_path: Path) -> None:
    text = GOOD.replace("capability: 1", "capability: x").replace("capability: 2", "capability: y")
    message = str(error_for(tmp_path, text))
    assert ":16: " in message and "1 more problem" in message and "line 21" in message


def test_empty_file(tmp_path: Path) -> None:
    error = error_for(tmp_path, "")
    assert "empty" in str(error)


def test_not_a_mapping(tmp_path: Path) -> None:
    assert "expected a mapping" in str(error_for(tmp_path, "- just\n- a list\n"))


def test_two_documents(tmp_path: Path) -> None:
    assert "several YAML documents" in str(error_for(tmp_path, GOOD + "---\ntitle: again\n"))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such file"):
        load_any(tmp_path / "nope.yaml")


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(b"title: T\nname: caf\xe9 \xff\n")
    error = error_for_bytes(path)
    # line 2, its 10th byte (after 'name: caf'): 0xe9, latin-1's e acute, no UTF-8 here
    assert error.line == 2 and "not UTF-8 text: byte 0xe9, the line's byte 10" in str(error)


def test_utf16_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("actor,capability\n".encode("utf-16"))  # with its byte-order mark
    error = error_for_bytes(path)
    assert error.line == 1 and "UTF-16" in str(error) and "save it as UTF-8" in str(error)


def error_for_bytes(path: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_any(path)
    return info.value


def test_json_scenario_errors_have_lines(tmp_path: Path) -> None:
    text = (
        '{"schema": "detente/1", "title": "T", "as_of": "2020-01-01", "horizon": "2021-01-01",\n'
        ' "issues": [{"id": "x", "name": "X", "scale": [0, 1]}],\n'
        ' "actors": [{"id": "a", "name": "A", "capability": "strong",\n'
        '             "stances": {"x": {"position": 0.5, "salience": 1}}}]}\n'
    )
    error = error_for(tmp_path, text, "s.json")
    assert error.line == 3 and error.path == ("actors", 0, "capability")


def test_deep_nesting_is_a_clear_error(tmp_path: Path) -> None:
    error = error_for(tmp_path, "title: " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nested too deeply" in str(error)


def test_json_exponent_numbers_are_numbers(tmp_path: Path) -> None:
    # JSON (and YAML 1.2) write 0.00001 as 1e-05; YAML 1.1 would read it as text
    text = GOOD.replace("capability: 1\n", "capability: 1e-05\n").replace(
        "status_quo: 5", "status_quo: 5E+0"
    )
    scenario = load_scenario(write(tmp_path, text))
    assert scenario.actor("a").capability.mode == 1e-05
    assert scenario.issues[0].status_quo is not None and scenario.issues[0].status_quo.mode == 5.0


def test_saved_files_get_the_usual_permissions(tmp_path: Path) -> None:
    import os
    import stat

    from detente.io import save_scenario

    old = os.umask(0o022)
    try:
        save_scenario(load_scenario(write(tmp_path, GOOD)), tmp_path / "copy.yaml")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "copy.yaml").stat().st_mode) == 0o644
    assert load_scenario(tmp_path / "copy.yaml") == load_scenario(tmp_path / "s.yaml")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "copy.yaml",
        "s.yaml",
    ]  # no temp file left
