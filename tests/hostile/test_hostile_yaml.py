"""YAML alias expansion and nesting: refused with file and line, in bounded memory.

The documents are the classic attacks on YAML readers (Bray & Hoffman's "billion
laughs", the XML entity-expansion attack carried over to YAML anchors and aliases;
and a quadratic blowup, one large anchored value repeated many times). Each runs in
a child process jailed to 1 GiB of address space: before the fix the billion-laughs
file took 3.4 GB and ended in ``MemoryError``, so a regression fails here instead of
exhausting the machine.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_helpers import (
    GOOD,
    billion_laughs,
    first_laughs_line_past,
    quadratic_blowup,
    run_jailed,
    write,
)

from detente.errors import ScenarioError
from detente.io import parse_scenario
from detente.limits import MAX_DEPTH, MAX_VALUES


def test_the_laughs_line_count_by_hand() -> None:
    # 500,000: lines 1-5 read 11 + 92 + 821 + 7,382 + 66,431 = 74,737 values; line 6's
    # list stands for 597,871 more, which passes the limit
    assert first_laughs_line_past(500_000) == 6
    assert first_laughs_line_past(74_737) == 6 and first_laughs_line_past(74_736) == 5


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        # 9**9 = 387,420,489 values from 433 bytes; worked out below which line passes
        ("laughs.yaml", billion_laughs(), None),
        # 5,000 x 5,000 = 25 million values from 25 kB; line 2 repeats the list
        ("quadratic.yaml", quadratic_blowup(), 2),
    ],
)
def test_alias_bombs_are_refused_with_file_and_line_in_bounded_memory(
    tmp_path: Path, name: str, text: str, line: int | None
) -> None:
    if line is None:
        line = first_laughs_line_past(MAX_VALUES)
    path = write(tmp_path, text, name)
    result = run_jailed("validate", str(path))
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"{path}:{line}: " in lines[0]
    assert f"more than {MAX_VALUES:,} values" in lines[0] and "aliases" in lines[0]


def test_aliases_within_the_limit_are_reused_not_copied() -> None:
    # a shared range written once and used by both actors: allowed, and the value is
    # the very same object (built once), so memory does not grow with the aliases
    text = GOOD.replace("capability: 1", "capability: &cap {low: 1, mode: 2, high: 3}").replace(
        "capability: 2", "capability: *cap"
    )
    scenario = parse_scenario(text, "shared.yaml")
    assert scenario.actors[0].capability == scenario.actors[1].capability
    assert scenario.actors[1].capability.mode == 2

    from detente.io.yaml_reader import parse_document

    data, _ = parse_document("a: &x [1, 2]\nb: *x\n", "t.yaml")
    assert data["a"] is data["b"]


def test_a_self_referring_alias_is_refused_not_followed_forever() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_scenario("title: &t [1, *t]\n", "cycle.yaml")
    assert str(info.value).startswith("cycle.yaml:1: ")
    assert "contains it" in str(info.value)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
def test_deep_nesting_is_refused_with_the_limit(depth: int) -> None:
    text = "title: " + "[" * depth + "]" * depth + "\n"
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "deep.yaml")
    message = str(info.value)
    assert message.startswith("deep.yaml")
    assert f"{MAX_DEPTH}" in message and "nested" in message


def test_a_document_exactly_at_the_depth_limit_is_read() -> None:
    from detente.io.yaml_reader import parse_document

    data, _ = parse_document("[" * MAX_DEPTH + "]" * MAX_DEPTH, "ok.yaml")
    for _ in range(MAX_DEPTH - 1):
        data = data[0]
    assert data == []


def test_a_huge_document_stops_being_read_at_the_value_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the limit is lowered so the test is quick; the reader counts while it reads, so
    # the error names the line where the count passed it, not the end of the file
    import detente.io.yaml_reader as reader

    monkeypatch.setattr(reader, "MAX_VALUES", 1000)
    text = "a: 1\nb: [" + ",".join(["1"] * 10) + "]\nc: [" + ",\n".join(["1"] * 5000) + "]\n"
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "huge.yaml")
    # values so far: the top mapping (1), a (2), b (2 + 10), c's key and list (2) = 17,
    # then c's numbers one per line from line 3: the 1,001st value is c's 984th number,
    # on line 3 + 983
    assert str(info.value) == (
        "huge.yaml:986: the document holds more than 1,000 values "
        "(see 'Limits' in docs/scenario-format.md)"
    )
