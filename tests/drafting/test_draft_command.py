"""The `detente draft` command: output path checks, summary, --explain, errors, forecast."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import run_cli
from shared_data import SEED_ARTICLE

pytest.importorskip("spacy")

ARTICLES = Path(__file__).parent / "articles"
NILE = ARTICLES / "nile_dam_2021.txt"
SEED = SEED_ARTICLE


def test_writes_a_valid_scenario_and_prints_the_summary(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "nile.yaml"
    code, stdout, err = run_cli(capsys, "draft", str(NILE), "-o", str(out))
    assert code == 0, err
    assert err == f"wrote {out}: a first draft; check it, then: detente forecast {out}\n"
    assert "What the draft found" in stdout
    assert "defaulted" in stdout and "found" in stdout
    code, stdout, _ = run_cli(capsys, "validate", str(out))
    assert code == 0 and "valid (4 actors, 1 issues)" in stdout


def test_without_output_the_yaml_goes_to_stdout_and_the_summary_to_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, stdout, err = run_cli(capsys, "draft", str(NILE))
    assert code == 0
    assert stdout.startswith("# Drafted by `detente draft`") and "schema: detente/1" in stdout
    assert "What the draft found" in err and "What the draft found" not in stdout


def test_source_options_and_json_output(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "nile.json"
    code, _, err = run_cli(
        capsys,
        *("draft", str(NILE), "-o", str(out), "--source-id", "nile"),
        *("--title", "Nile dam talks stall again", "--outlet", "Test Wire"),
    )
    assert code == 0, err
    document = json.loads(out.read_text())
    assert document["sources"] == [
        {
            "id": "nile",
            "title": "Nile dam talks stall again",
            "outlet": "Test Wire",
            "date": "2021-01-10",
        }
    ]
    assert {e.get("source") for e in document["evidence"]} == {"nile", None}
    code, stdout, _ = run_cli(capsys, "validate", str(out))
    assert code == 0 and "valid" in stdout


def test_explain_prints_each_sentence_behind_a_value(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "draft", str(NILE), "--explain")
    assert code == 0
    assert "agreement.signatories.ethiopia.accepts.water = firm: 50-65-80 to 100" in err
    assert (
        '    "Any concessions on the water would be strongly opposed by the Egyptian public."'
        in err
    )


def test_refuses_to_overwrite_without_force(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "draft.yaml"
    out.write_text("keep me\n")
    code, _, err = run_cli(capsys, "draft", str(NILE), "-o", str(out))
    assert code == 2 and "already exists; give --force" in err
    assert out.read_text() == "keep me\n"
    code, _, _ = run_cli(capsys, "draft", str(NILE), "-o", str(out), "--force")
    assert code == 0 and out.read_text().startswith("# Drafted")


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("afile/d.yaml", "afile is not a folder"),
        ("d.txt", "expected a .yaml, .yml or .json file name for the drafted scenario"),
        ("folder", "is a folder"),
    ],
)
def test_output_path_is_checked_before_the_article_is_read(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    target: str,
    message: str,
) -> None:
    # the article does not exist: the bad output must be the error reported
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("x")
    (tmp_path / "folder").mkdir()
    code, out, err = run_cli(capsys, "draft", "no-such-article.txt", "-o", target)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith(f"detente: error: {target}: ") and message in err, err


def test_not_a_negotiation_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, err = run_cli(capsys, "draft", str(ARTICLES / "not_a_negotiation.txt"))
    assert code == 2 and stdout == ""
    assert "this does not look like a negotiation" in err and err.count("\n") == 1


def test_a_bad_date_option_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "draft", str(NILE), "--date", "10/01/2021")
    assert code == 2 and "expected YYYY-MM-DD" in err


def test_without_the_extra_it_names_the_extra(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import detente.drafting

    monkeypatch.setattr(detente.drafting, "missing_extra", lambda: ["spacy"])
    code, _, err = run_cli(capsys, "draft", str(NILE))
    assert code == 2
    assert err == "detente: error: detente draft needs spacy: pip install 'detente[draft]'\n"


def test_the_cli_does_not_import_the_drafting_libraries_at_start() -> None:
    probe = (
        "import sys, detente.cli; heavy = {'spacy', 'pycountry', 'dateparser', 'detente.drafting'};"
        "print(sorted(heavy & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_forecast_on_the_seed_draft_finds_no_agreement_with_reasons(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    if not SEED.exists():
        pytest.skip(f"seed article not found at {SEED}")
    out = tmp_path / "seed.yaml"
    code, _, err = run_cli(capsys, "draft", str(SEED), "-o", str(out))
    assert code == 0, err
    code, stdout, err = run_cli(capsys, "forecast", str(out), "--no-store")
    assert code == 0, err
    assert "No agreement is possible now" in stdout
    # the reason: the drafted win-sets on the territory leave a gap (35 against 65)
    text = " ".join(stdout.replace("│", " ").split())
    assert "Japanese public accept nothing above 35" in text
    assert "Duma accept nothing below 65" in text and "The gap of 30 points" in text
    # whether and when: the Japanese public, undescribed, is inferred to accept what its
    # government accepts, so a conceding leader is no way around the gap either
    code, stdout, err = run_cli(
        capsys, "forecast", str(out), "--no-store", "--runs", "40", "-q", "-f", "json"
    )
    assert code == 0, err
    agreement = json.loads(stdout)["agreement"]
    assert agreement["possible"] is False and agreement["possible_share"] == 0.0
    assert agreement["by"]["2024-12-31"] == 0.0  # no draw has any overlap to agree on
