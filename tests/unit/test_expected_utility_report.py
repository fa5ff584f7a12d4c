"""The round-by-round table and trajectory plot (:mod:`detente.report.trajectories`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from detente.models.expected_utility import ExpectedUtilityModel
from detente.report.trajectories import plot_trajectories, rounds_table
from detente.scenario import Scenario

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def rounds_of(n_actors: int, max_rounds: int = 5) -> list[dict[str, Any]]:
    actors = [
        {
            "id": f"a{k:02d}",
            "name": f"a{k}",
            "capability": 1.0 + (k % 3),
            "stances": {"x": {"position": (7 * k) % 11, "salience": 0.2 + 0.07 * (k % 10)}},
        }
        for k in range(n_actors)
    ]
    scenario = Scenario.from_dict(
        {
            "schema": "detente/1",
            "title": "t",
            "as_of": "2020-01-01",
            "horizon": "2021-01-01",
            "issues": [{"id": "x", "name": "x", "scale": [0, 10]}],
            "actors": actors,
        }
    )
    forecast = ExpectedUtilityModel(max_rounds=max_rounds).forecast(scenario)
    history: list[dict[str, Any]] = forecast.issues[0].details["rounds"]
    return history


def render(table: Any) -> str:
    console = Console(width=160, record=True)
    console.print(table)
    return console.export_text()


def test_rounds_table_has_one_row_per_round() -> None:
    history = rounds_of(4)
    table = rounds_table(history)
    assert table.row_count == len(history)
    assert [c.header for c in table.columns] == [
        "Round",
        "Median",
        "Mean",
        "Moves",
        "Accepted offers",
    ]
    text = render(table)
    for entry in history:
        assert f"{entry['median']:.2f}" in text
        for offer in entry["offers"][:4]:
            assert f"{offer['to']} → {offer['new_position']:.2f}" in text


def test_rounds_table_shortens_long_move_lists() -> None:
    entry = {
        "round": 1,
        "median": 5.0,
        "mean": 5.0,
        "positions": {},
        "offers": [
            {"from": "a", "to": f"b{k}", "type": "conflict", "new_position": 1.0} for k in range(7)
        ],
    }
    text = render(rounds_table([entry]))
    assert "… and 3 more" in text
    assert "b4" not in text


@pytest.mark.parametrize("n_actors", [3, 14])
def test_plot_writes_a_png_atomically(tmp_path: Path, n_actors: int) -> None:
    target = tmp_path / "plots" / "trajectories.png"
    target.parent.mkdir()
    target.write_bytes(b"old")
    written = plot_trajectories(rounds_of(n_actors), target, title="t", scale=(0, 10))
    assert written == target
    assert target.read_bytes()[:8] == PNG_MAGIC
    assert sorted(p.name for p in target.parent.iterdir()) == ["trajectories.png"]


def test_plot_svg_by_suffix(tmp_path: Path) -> None:
    target = plot_trajectories(rounds_of(3), tmp_path / "t.svg")
    assert target.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_plot_needs_rounds(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no rounds"):
        plot_trajectories([], tmp_path / "x.png")
    assert list(tmp_path.iterdir()) == []
