"""Every field of the shipped scenarios, broken in turn, as a demanding user would.

The default scenario (``russia_japan_2018``, its evidence cut to three entries) and the
scenarios of ``docs/examples`` are mutated one field at a time (:mod:`scenario_mutations`: a value
of the wrong type, a number far out of range, the key removed, an unknown key added,
a list's second record given the first one's id;
each field and value shape once) and given to ``detente forecast``. The house rule: a
bad file gets exit code 2 and one line ``FILE:LINE: PATH: message``, never a traceback;
PATH names the mutated field (or, for an element of a pair or range judged as a whole,
the pair or range), and LINE is the line PATH stands on, read from PyYAML's own node
marks rather than detente's line map.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from scenario_mutations import RANGE_KEYS, Mutation, line_of_path, mutations

from detente.errors import format_path

from cli_helpers import run_cli

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    ROOT / "src/detente/scenarios/russia_japan_2018.yaml",
    *sorted((ROOT / "docs/examples").glob("*.yaml")),
]

#: Fields (and their range's low, mode, high) where any finite number is valid, so
#: FAR_OUT (-1e9) is accepted: a scale's ends are the analyst's own units, and drifts
#: and shock sizes are signed changes.
ANY_NUMBER = (
    ".issues[].scale[0]",
    ".dynamics.signatories[].drift",
    ".dynamics.signatories[].ratifiers[].drift",
    ".dynamics.shocks[].size",
)

#: Mappings whose keys are free (extra table columns kept as actor metadata).
FREE_KEYS = {".actors[].metadata:dict"}


def _base(path: Path) -> dict[str, Any] | None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("schema") != "detente/1":
        return None  # a sweep file, not a scenario
    data["evidence"] = data.get("evidence", [])[:3]
    return data


def _all_mutations() -> list[Mutation]:
    seen: set[str] = set()
    out: list[Mutation] = []
    for source in SOURCES:
        data = _base(source)
        if data is not None:
            out += mutations(data, seen)
    return out


MUTATIONS = _all_mutations()


def _parts(shown: str) -> tuple[Any, ...]:
    """``agreement.signatories[0].accepts.x[1]`` back to its keys and indices."""
    parts: list[Any] = []
    for piece in re.findall(r"\[(\d+)\]|([^.\[\]]+)", shown):
        parts.append(int(piece[0]) if piece[0] else piece[1])
    return tuple(parts)


def test_every_shipped_scenario_is_mutated() -> None:
    kinds = {m.kind for m in MUTATIONS}
    assert kinds == {"type", "range", "missing", "unknown", "duplicate"}
    assert len(MUTATIONS) > 300  # one per field and shape of three scenarios


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.name)
def test_a_mutated_field_gets_one_line_at_its_own_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mutation: Mutation
) -> None:
    file = tmp_path / "mutated.yaml"
    file.write_text(mutation.text, encoding="utf-8")
    code, _, err = run_cli(capsys, "forecast", str(file), "--no-store", "-q")
    if code == 0:
        # only an optional field removed, a number any value of which is valid, or metadata
        assert mutation.kind in ("missing", "range", "unknown"), mutation.name
        if mutation.kind == "range":
            assert mutation.field.startswith(ANY_NUMBER), mutation.name
        if mutation.kind == "unknown":
            assert mutation.field in FREE_KEYS, mutation.name
        return
    assert code == 2 and "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    found = re.fullmatch(rf"detente: error: {re.escape(str(file))}:(\d+): (\S+): (.+)", lines[0])
    assert found is not None, lines[0]
    line, shown, message = int(found[1]), found[2], found[3]
    assert not re.search(r"\b(Input|List|Tuple|String|Value) should|Value error", message)
    assert line == line_of_path(mutation.text, _parts(shown)), lines[0]
    if mutation.kind == "missing":
        # a required field, or one its sibling needs (a range without dist: uniform needs
        # its mode), is named in its mapping; else the reference its absence broke
        if "required field is missing" in message:
            assert _parts(shown)[:-1] == mutation.path[:-1], lines[0]
        return
    wanted = {format_path(mutation.path)}
    if isinstance(mutation.path[-1], int) or mutation.path[-1] in RANGE_KEYS - {"dist"}:
        wanted.add(format_path(mutation.path[:-1]))  # a pair or range judged as a whole
    assert shown in wanted, lines[0]
