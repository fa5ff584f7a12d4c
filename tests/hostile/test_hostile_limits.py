"""Sizes and magnitudes over the documented limits: one clear error naming file, line, field."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hostile_helpers import GOOD, billion_laughs, line_of, run_jailed, write
from hypothesis import given
from hypothesis import strategies as st

from detente.errors import ScenarioError
from detente.io import load_any, parse_scenario
from detente.limits import (
    MAX_ACTORS,
    MAX_FILE_BYTES,
    MAX_ISSUES,
    MAX_MAGNITUDE,
    check_document,
)
from detente.store import default_store_path, list_runs

from cli_helpers import run_cli


def error_of(text: str, name: str = "s.yaml") -> str:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, name)
    return str(info.value)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("1e308", "1e+308 is out of range"),  # finite, but overflows once squared
        ("1e400", "got inf"),  # YAML reads it as infinity
        (".inf", "got inf"),
        ("-.inf", "got -inf"),
        (".nan", "got nan"),
        ("1000000000001", "1.000e+12 is out of range"),  # an int just past the limit
        ("1" + "0" * 400, "an integer of 401 digits"),
    ],
)
def test_a_number_out_of_range_names_its_line_and_field(value: str, shown: str) -> None:
    message = error_of(GOOD.replace("capability: 2", f"capability: {value}"))
    assert message.startswith(f"s.yaml:{line_of(GOOD, 'capability: 2')}: actors[1].capability: ")
    assert shown in message
    assert f"{MAX_MAGNITUDE:g}" in message


def test_a_number_at_the_limit_is_accepted() -> None:
    text = GOOD.replace("scale: [0, 10]", f"scale: [0, {MAX_MAGNITUDE:.0f}]")
    assert parse_scenario(text, "s.yaml").issues[0].scale == (0, MAX_MAGNITUDE)


def test_an_out_of_range_number_in_a_range_names_the_bound() -> None:
    message = error_of(GOOD.replace("capability: 2", "capability: {low: 1, mode: 2, high: 1e300}"))
    line = line_of(GOOD, "capability: 2")
    assert message.startswith(f"s.yaml:{line}: actors[1].capability.high: ")


def test_a_json_scenario_with_a_huge_number_is_refused_before_json_output(
    tmp_path: Path,
) -> None:
    # before: validation passed, the models overflowed and `-f json` crashed writing inf
    data = parse_scenario(GOOD, "g").to_dict()
    data["actors"][0]["capability"] = 1e308
    path = write(tmp_path, json.dumps(data, default=str), "s.json")
    result = run_jailed("forecast", str(path), "-f", "json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"detente: error: {path}:")
    assert "actors[0].capability" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("zero", ["0", "{low: 0, mode: 0, high: 0}"])
def test_all_zero_capabilities_are_refused_at_validation(zero: str) -> None:
    text = GOOD.replace("capability: 1", f"capability: {zero}").replace(
        "capability: 2", f"capability: {zero}"
    )
    message = error_of(text)
    # named at the first actor on the issue
    assert message.startswith(f"s.yaml:{line_of(GOOD, 'capability: 1')}: actors[0].capability: ")
    assert "on issue 'x' every actor's weight (capability x salience) is 0" in message


def test_one_actor_with_weight_is_enough() -> None:
    text = GOOD.replace("capability: 1", "capability: 0")
    assert parse_scenario(text, "s.yaml").actors[0].capability.mode == 0


def test_all_zero_capabilities_in_a_table_name_the_row(tmp_path: Path) -> None:
    path = write(tmp_path, "actor,capability,position,salience\nA,0,1,50\nB,0,9,50\n", "t.csv")
    with pytest.raises(ScenarioError) as info:
        load_any(path)
    assert str(info.value).startswith(f"{path}:2: ")
    assert "weight (capability x salience) is 0" in str(info.value)


def test_a_table_with_too_many_rows_names_the_first_row_past_the_limit(tmp_path: Path) -> None:
    # 10,000 actors: before, the expected-utility model asked for 763 MiB per matrix
    rows = [f"A{i},1,{i % 10},50" for i in range(10_000)]
    path = write(tmp_path, "actor,capability,position,salience\n" + "\n".join(rows), "t.csv")
    with pytest.raises(ScenarioError) as info:
        load_any(path)
    message = str(info.value)
    # actor number MAX_ACTORS (0-based) stands on row MAX_ACTORS + 2 (after the header)
    assert message.startswith(f"{path}:{MAX_ACTORS + 2}: ")
    assert f"10000 actors, more than the limit of {MAX_ACTORS}" in message


def test_too_many_issues_are_refused_with_the_first_past_the_limit() -> None:
    issues = "".join(
        f"  - {{id: i{k}, name: I{k}, scale: [0, 10]}}\n" for k in range(MAX_ISSUES + 1)
    )
    text = GOOD.replace("issues:\n", "issues:\n" + issues, 1)
    message = error_of(text)
    # issue number MAX_ISSUES stands MAX_ISSUES + 1 lines below "issues:"
    line = line_of(text, "issues:") + MAX_ISSUES + 1
    assert message.startswith(f"s.yaml:{line}: issues[{MAX_ISSUES}]: ")
    assert f"{MAX_ISSUES + 2} issues, more than the limit of {MAX_ISSUES}" in message


def test_a_file_over_the_size_limit_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(GOOD)
        handle.write("#" * MAX_FILE_BYTES + "\n")
    result = run_jailed("validate", str(path))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"detente: error: {path}: the file is over the limit of "
        f"{MAX_FILE_BYTES // 1024**2} MiB for a scenario or table "
        "(see 'Limits' in docs/scenario-format.md)"
    )


def test_a_file_at_the_size_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "full.yaml"
    path.write_text(GOOD + "#" * (MAX_FILE_BYTES - len(GOOD) - 1) + "\n", encoding="utf-8")
    assert path.stat().st_size == MAX_FILE_BYTES
    assert load_any(path).title == "Test"


def test_a_whatif_change_out_of_range_is_refused_naming_the_change(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run_cli(
        capsys, "whatif", "--no-store", "-s", "russia.capability=1e308", "-f", "json"
    )
    assert code == 2 and out == ""
    assert err.startswith("detente: error: actors.russia.capability=1e+308: invalid value ")
    assert "1e+308 is out of range" in err


_LEAVES = st.one_of(
    st.booleans(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=3),
    st.none(),
)
_DOCUMENTS = st.recursive(
    _LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=4)
    ),
    max_leaves=30,
)


def _numbers(value: object) -> list[float]:
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [value]
    return []


def _at(value: object, path: tuple[object, ...]) -> object:
    for part in path:
        value = value[part]  # type: ignore[index]
    return value


@given(_DOCUMENTS)
def test_check_document_refuses_exactly_the_documents_with_a_bad_number(doc: object) -> None:
    # property: an error iff some number is non-finite or over MAX_MAGNITUDE, and the
    # error's path leads to such a number
    bad = [n for n in _numbers(doc) if not (math.isfinite(n) and abs(n) <= MAX_MAGNITUDE)]
    wrapped = {"x": doc}
    if not bad:
        check_document(wrapped)
        return
    with pytest.raises(ScenarioError) as info:
        check_document(wrapped)
    found = _at(wrapped, info.value.path)
    assert found in bad or (isinstance(found, float) and math.isnan(found))


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("huge.yaml", GOOD.replace("capability: 2", "capability: 1e308")),
        ("zero.yaml", GOOD.replace("capability: 1", "capability: 0").replace(
            "capability: 2", "capability: 0"
        )),
        ("laughs.yaml", billion_laughs()),
    ],
)  # fmt: skip
def test_a_refused_scenario_writes_and_records_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str
) -> None:
    path = write(tmp_path, text, name)
    plot = tmp_path / "p.png"
    code, out, err = run_cli(capsys, "forecast", str(path), "--runs", "50", "--plot", str(plot))
    assert code == 2 and out == ""
    assert err.startswith(f"detente: error: {path}:") and err.count("\n") == 1
    assert not plot.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no temp files either
    assert list_runs(default_store_path()) == []
