"""Honest display: tables never cut a number, names cannot drive the terminal or inject
Markdown/HTML, and forecasts say "no agreement" and "did not converge" where so."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.table import Table

from detente.analysis.backtest import run_deu_backtest
from detente.report.backtest_tables import backtest_table
from detente.report.explain_tables import diff_table, runs_table
from detente.report.forecast_tables import forecast_note, no_agreement, outcome_text
from detente.report.markdown import markdown_cell, markdown_text
from detente.report.terminal import SafeConsole, plain, terminal_safe
from detente.result_diff import Difference
from detente.store import RunRecord

from cli_helpers import run_cli as run

ROOT = Path(__file__).resolve().parents[2]


def render(renderable: object, width: int) -> str:
    buffer = io.StringIO()
    SafeConsole(width=width, file=buffer, force_terminal=False).print(renderable)
    return buffer.getvalue()


def words_of(table: Table) -> list[str]:
    return [
        word
        for column in table.columns
        for cell in [column.header, *column.cells]
        for word in (plain(cell) or "").split()
    ]


def assert_honest(table: Table, width: int) -> None:
    words = words_of(table)  # before fitting, which may change the columns
    text = render(table, width)
    assert "…" not in text
    assert all(cell_len(line) <= width for line in text.splitlines()), text
    for word in words:
        assert word in text, f"{word!r} cut at width {width}:\n{text}"


@pytest.mark.parametrize("width", [60, 80])
def test_backtest_table_keeps_every_number(width: int) -> None:
    result = run_deu_backtest(ROOT / "tests" / "data" / "deu_small.tsv", bootstrap=50)
    table = backtest_table(result)
    numbers = [w for w in words_of(table) if re.search(r"\d", w)]
    assert len(numbers) > 40  # e.g. 25.13 and [9.33,
    assert_honest(backtest_table(result), width)


def _records() -> list[RunRecord]:
    return [
        RunRecord(
            id=123456,
            created_at="2026-11-30T11:03:45+00:00",
            detente_version="0.1.0",
            command="backtest cases",
            scenario_hash=None,
            scenario_title="Russia-Japan peace treaty and the Kuril Islands (as of 2018)",
            models=["compromise"],
            options={},
            seed=20261130,
            runs=100000,
            result=None,
        )
    ]


@pytest.mark.parametrize("width", [60, 80])
def test_runs_and_diff_tables_keep_every_number(width: int) -> None:
    assert_honest(runs_table(_records(), "/home/analyst/.local/share/detente/runs.sqlite3"), width)
    differences = [
        Difference(
            "models.expected-utility.outcome.territory.p95", 23.456789123, 24.5678912345, "changed"
        ),
        Difference("agreement.by.2024-05-07", 0.123456, 0.87654321, "changed"),
        Difference("monte_carlo.runs", 2000, 100000, "changed"),
    ]
    assert_honest(diff_table(differences, 1, 2), width)


cells = st.one_of(
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: f"{x:.4f}"),
    st.from_regex(r"[a-z]{1,10}( [a-z]{1,10}){0,3}", fullmatch=True),
    st.tuples(st.floats(0, 100), st.floats(0, 100)).map(lambda p: f"[{p[0]:.2f}, {p[1]:.2f}]"),
)


@given(
    st.integers(1, 12).flatmap(
        lambda n: st.tuples(
            st.lists(st.from_regex(r"[A-Z][a-z]{0,9}", fullmatch=True), min_size=n, max_size=n),
            st.lists(st.lists(cells, min_size=n, max_size=n), min_size=1, max_size=4),
        )
    ),
    st.integers(40, 120),
)
def test_any_table_at_any_width_keeps_every_word(
    shape: tuple[list[str], list[list[str]]], width: int
) -> None:
    headers, rows = shape
    table = Table(title="t")
    for header in headers:
        table.add_column(header, justify="right")
    for row in rows:
        table.add_row(*row)
    assert_honest(table, width)


# -- names that would drive the terminal -----------------------------------------------------


@given(st.text())
def test_terminal_safe_leaves_no_control_character(text: str) -> None:
    safe = terminal_safe(text)
    assert len(safe) == len(text)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", safe)
    assert [c for c in safe if c in "\n\t"] == [c for c in text if c in "\n\t"]


def test_escape_sequences_become_visible_and_markup_stays_literal() -> None:
    table = Table("actor")
    table.add_row("\x1b[2J\x1b]0;pwned\x07clear")
    table.add_row("[bold red]not markup[/bold red] :smile:")
    buffer = io.StringIO()
    SafeConsole(width=60, file=buffer, force_terminal=True, color_system="truecolor").print(table)
    text = buffer.getvalue()
    assert "␛[2J␛]0;pwned" in text
    assert "\x1b[2J" not in text and "\x1b]0;" not in text and "\x07" not in text
    assert "[bold red]not markup[/bold red] :smile:" in text


def test_markdown_escapes_html_links_and_tables() -> None:
    assert markdown_text("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert markdown_text("[x](https://e.example)") == "[x\\](https://e.example)"
    assert markdown_text("**a** & _b_") == "\\*\\*a\\*\\* &amp; \\_b\\_"
    assert markdown_cell("a|b\nc") == "a\\|b<br>c"
    assert markdown_text("[9.33, 44.76]") == "[9.33, 44.76]"  # brackets alone stay


@pytest.fixture
def hostile_table(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.csv"
    path.write_text(
        "actor,capability,position,salience,issue\n"
        "<script>alert(1)</script>,40,10,80,<b>tax</b>\n"
        "\x1b[31mred\x1b[0m,30,90,60,<b>tax</b>\n"
        "plain,20,40,50,<b>tax</b>\n"
        "usd $\\badcmd{ x$ fund,10,60,40,<b>tax</b>\n",  # mathtext for matplotlib
        encoding="utf-8",
    )
    return path


def test_hostile_names_on_every_output(
    capsys: pytest.CaptureFixture[str], hostile_table: Path, tmp_path: Path
) -> None:
    code, out, err = run(capsys, "show", str(hostile_table))
    assert code == 0 and "\x1b" not in out and "␛[31mred␛[0m" in out, err
    args = ("forecast", "--rounds", "-m", "expected-utility", "--no-store", str(hostile_table))
    code, out, err = run(capsys, *args)
    assert code == 0 and "\x1b" not in out, err
    code, out, _ = run(capsys, "forecast", str(hostile_table), "-f", "markdown", "--no-store")
    assert code == 0 and "<b>" not in out and "<script>" not in out
    code, out, _ = run(capsys, "show", str(hostile_table), "-f", "markdown")
    assert code == 0 and "<script>" not in out and "&lt;script&gt;" in out
    for suffix in ("md", "html"):
        target = tmp_path / f"report.{suffix}"
        code, _, err = run(
            capsys, "report", str(hostile_table), "-o", str(target), "--runs", "8",
            "--no-sensitivity", "--no-store",
        )  # fmt: skip
        assert code == 0, err
        text = target.read_text(encoding="utf-8")
        assert "<script>" not in text and "<b>" not in text and "\x1b" not in text
        assert "&lt;script&gt;" in text


# -- what a forecast means --------------------------------------------------------------------


def test_no_agreement_is_never_an_outcome() -> None:
    cases = [
        {"model": "two-level", "outcome": 100.0, "agreement": False},
        {"model": "nash", "outcome": 100.0, "improves_on_status_quo": False},
        {"model": "deadline-bargaining", "outcome": 100.0, "p_agreement": 0.0, "agreed": None,
         "status_quo": 100.0},
    ]  # fmt: skip
    for entry in cases:
        assert no_agreement(entry) and outcome_text(entry) == "no agreement"
        assert "status quo" in forecast_note(entry) and "(100)" in forecast_note(entry)
    agreed = {"model": "two-level", "outcome": 50.0, "agreement": True}
    assert not no_agreement(agreed) and outcome_text(agreed) == "50.0"


def test_a_cycle_is_not_a_settlement() -> None:
    rounds = [{}] * 101
    cycling = {
        "model": "expected-utility", "outcome": 28.7, "rounds": rounds,
        "converged": False, "stopped_after": 100, "outcome_rule": "average-median",
    }  # fmt: skip
    assert forecast_note(cycling) == (
        "did not converge in 100 rounds (it cycles); the forecast is the average median over "
        "the rounds"
    )
    last = {**cycling, "outcome_rule": "final-median"}
    assert "the last round's median" in forecast_note(last)
    settled = {**cycling, "converged": True, "stopped_after": 5, "outcome_rule": "final-median"}
    assert forecast_note(settled) == "converged after 5 rounds"


def test_the_default_forecast_says_no_agreement_and_cycles(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "forecast", "-f", "json", "--no-store")
    assert code == 0
    territory = next(i for i in json.loads(out)["issues"] if i["id"] == "territory")
    entries = {e["model"]: e for e in territory["forecasts"]}
    # the JSON keeps the numbers and says how to read them
    assert entries["two-level"]["agreement"] is False
    assert entries["expected-utility"]["converged"] is False
    assert entries["expected-utility"]["outcome_rule"] == "average-median"
    code, out, _ = run(capsys, "forecast", "-f", "markdown", "--no-store")
    section = out.split("\n## ")[1]  # the first issue: territory
    assert section.startswith("Territorial settlement")
    lines = [line for line in section.splitlines() if " | " in line]
    rows = {line.split(" | ")[0].strip("| "): line for line in lines}
    assert "| no agreement |" in rows["two-level"] and "100.0" not in rows["two-level"]
    assert "did not converge in 100 rounds (it cycles)" in rows["expected-utility"]


def test_json_output_escapes_every_control_character(capsys: pytest.CaptureFixture[str]) -> None:
    from detente.commands._shared import print_json

    name = "x\x9b31m\x1b[2J\x7fé"
    print_json({"name": name})
    out = capsys.readouterr().out
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", out)
    assert json.loads(out) == {"name": name}  # the same value
