"""Properties of the table readers: an export's dressing never changes the numbers read,
and KTAB's attention shares convert the way ``docs/scenario-format.md`` says."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.io._import_common import shares_to_saliences
from detente.io.tables import ALIASES, read_classic_csv

SETTINGS = settings(max_examples=60, deadline=None)
NAMES = st.from_regex(r"[A-Z][a-z]{1,8}", fullmatch=True)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[tuple[str, float, float, float]], str]:
    names = draw(st.lists(NAMES, min_size=2, max_size=6, unique_by=str.lower))
    rows = [
        (
            name,
            draw(st.integers(1, 1000)) / 10,
            draw(st.integers(0, 100)),
            draw(st.integers(1, 100)) / 100,
        )
        for name in names
    ]
    if len({r[2] for r in rows}) < 2:
        rows[0] = (rows[0][0], rows[0][1], rows[0][2] + 1, rows[0][3])
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    order = draw(st.permutations(["actor", "capability", "position", "salience"]))
    header = [draw(st.sampled_from(ALIASES[f])) for f in order]
    header = [h.upper() if draw(st.booleans()) else h for h in header]
    comma = delimiter != "," and draw(st.booleans())
    end = "\r\n" if draw(st.booleans()) else "\n"
    trailing = delimiter * draw(st.integers(0, 2))

    def cell(field: str, row: tuple[str, float, float, float]) -> str:
        value = {"actor": row[0], "capability": row[1], "position": row[2], "salience": row[3]}
        text = str(value[field])
        return text.replace(".", ",") if comma and field != "actor" else text

    lines = [delimiter.join(header) + trailing]
    lines += [delimiter.join(cell(f, row) for f in order) + trailing for row in rows]
    bom = "\ufeff" if draw(st.booleans()) else ""
    return rows, bom + end.join(lines) + end


@SETTINGS
@given(table=tables())
def test_aliases_delimiters_bom_and_line_ends_read_the_same_numbers(
    table: tuple[list[tuple[str, float, float, float]], str],
) -> None:
    rows, text = table
    data = read_classic_csv(text, "t.csv").issue_data("issue")
    assert data.actor_ids == tuple(r[0] for r in rows)
    assert list(data.capabilities) == pytest.approx([r[1] for r in rows])
    assert list(data.positions) == pytest.approx([r[2] for r in rows])
    assert list(data.saliences) == pytest.approx([r[3] for r in rows])


SHARES = st.lists(st.floats(0, 30, allow_nan=False), min_size=1, max_size=3).filter(
    lambda s: max(s) > 0
)


@SETTINGS
@given(shares=SHARES, seed=st.randoms(use_true_random=False))
def test_shares_convert_by_total_and_largest_share(
    shares: list[float], seed: random.Random
) -> None:
    out = [s for s in shares_to_saliences(shares) if s is not None]
    total = sum(shares) / 100
    # the largest share carries the whole total; the others keep their ratios to it
    assert max(out) == pytest.approx(total)
    for share, salience in zip(shares, out, strict=True):
        assert salience == pytest.approx(total * share / max(shares))
    # splitting a dimension that is not the largest into two with half its share each
    # leaves every other dimension's salience unchanged (total and largest share stay)
    k = seed.randrange(len(shares))
    split = [*shares[:k], shares[k] / 2, shares[k] / 2, *shares[k + 1 :]]
    if shares[k] < max(shares):
        again = [s for s in shares_to_saliences(split) if s is not None]
        assert again[:k] + again[k + 2 :] == pytest.approx(out[:k] + out[k + 1 :])


def test_splitting_the_only_dimension_keeps_its_salience() -> None:
    # 100 on one dimension and 50 + 50 on two identical ones: 1 and 1, 1 (hand-worked)
    assert shares_to_saliences([100.0]) == [1.0]
    assert shares_to_saliences([50.0, 50.0]) == [1.0, 1.0]
    assert shares_to_saliences([60.0, None, 20.0]) == pytest.approx([0.8, None, 0.8 / 3])
