"""The workbench's JSON API as a client uses it (FastAPI's TestClient, no network)."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra (detente[web]) is not installed")
pytest.importorskip("httpx", reason="FastAPI's TestClient needs httpx")

with warnings.catch_warnings():  # starlette's note on httpx versions, not ours
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

import itertools

from detente.errors import ScenarioError
from detente.io import load_scenario
from detente.scenarios import DEFAULT, embedded_names, embedded_text, load_embedded
from detente.web.app import MAX_BODY, create_app

RATIFIER_LOW = "agreement.signatories.russia.ratifiers.russian_public.accepts.territory.0"
HORIZON = "2025-12-31"
YAML = {"content-type": "application/yaml"}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(max_runs=3000), base_url="http://127.0.0.1")


def final_p(payload: dict) -> float:
    return payload["monte_carlo"]["agreement"]["by"][HORIZON]


# -- reading scenarios -------------------------------------------------------------------


def test_lists_every_embedded_scenario_with_its_title(client: TestClient) -> None:
    response = client.get("/api/scenarios")
    assert response.status_code == 200
    listed = {item["name"]: item for item in response.json()}
    assert set(listed) == set(embedded_names())
    assert listed[DEFAULT]["default"] is True
    assert sum(item["default"] for item in listed.values()) == 1
    assert listed[DEFAULT]["title"] == load_embedded(DEFAULT).title


def test_one_scenario_comes_with_its_text_and_sliders(client: TestClient) -> None:
    body = client.get(f"/api/scenarios/{DEFAULT}").json()
    assert body["text"] == embedded_text(DEFAULT)
    scenario = load_embedded(DEFAULT)
    assert [a["id"] for a in body["scenario"]["actors"]] == [a.id for a in scenario.actors]
    sliders = {p["path"]: p for p in body["parameters"]}
    # the file says the Russian public accepts territory from {low: 70, mode: 85, high: 100}
    low = sliders[RATIFIER_LOW]
    assert low["value"] == {"low": 70, "mode": 85, "high": 100}
    assert low["domain"][0] <= 50 <= low["domain"][1]
    # saliences are on the file's 0-100 scale (salience_scale: 100)
    assert sliders["actors.japan.stances.territory.salience"]["value"]["mode"] == 90
    term = sliders["agreement.signatories.russia.leader.term_ends"]
    assert term["value"] == "2024-05-07" and term["kind"] == "term_ends"


def test_an_unknown_scenario_name_is_a_404_listing_the_names(client: TestClient) -> None:
    response = client.get("/api/scenarios/atlantis")
    assert response.status_code == 404
    assert "atlantis" in response.json()["error"] and DEFAULT in response.json()["error"]


# -- validating uploads ------------------------------------------------------------------


def test_validating_the_default_text_accepts_it(client: TestClient) -> None:
    response = client.post(
        "/api/validate",
        headers=YAML,
        content=embedded_text(DEFAULT).encode(),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True
    assert body["summary"]["actors"] == 4 and body["summary"]["issues"] == 2


def test_an_invalid_upload_gets_the_command_lines_message(
    client: TestClient, tmp_path: Path
) -> None:
    text = embedded_text(DEFAULT).replace("capability: {low: 0.8", "capabilty: {low: 0.8", 1)
    typo_line = 1 + text.splitlines().index("    capabilty: {low: 0.8, mode: 1.0, high: 1.2}")
    response = client.post(
        "/api/validate", headers=YAML, params={"filename": "my.yaml"}, content=text.encode("utf-8")
    )
    assert response.status_code == 422
    message = response.json()["error"]
    assert message.startswith(f"my.yaml:{typo_line}: actors[0].capabilty: unknown field")
    # exactly what `detente validate my.yaml` says about the same file
    on_disk = tmp_path / "my.yaml"
    on_disk.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as raised:
        load_scenario(on_disk)
    assert message == str(raised.value).replace(str(on_disk), "my.yaml")


def test_the_file_name_is_only_a_label_and_never_opened(client: TestClient) -> None:
    response = client.post(
        "/api/validate",
        headers=YAML,
        params={"filename": "../../etc/passwd"},
        content=b"- just\n- a list\n",
    )
    assert response.status_code == 422
    assert response.json()["error"].startswith("passwd:1: expected a mapping")


def test_yaml_is_read_safely(client: TestClient, tmp_path: Path) -> None:
    marker = tmp_path / "touched"
    payload = f"!!python/object/apply:pathlib.Path.touch [{json.dumps(str(marker))}]\n"
    response = client.post("/api/validate", headers=YAML, content=payload.encode())
    assert response.status_code == 422
    assert not marker.exists()


def test_an_upload_over_the_limit_is_refused_with_413(client: TestClient) -> None:
    big = b"#" * (MAX_BODY + 1)
    response = client.post("/api/validate", headers=YAML, content=big)
    assert response.status_code == 413
    assert "256 KiB" in response.json()["error"]

    def chunks():  # no Content-Length: the limit counts the streamed bytes
        for _ in range(MAX_BODY // 4096 + 2):
            yield b"#" * 4096

    response = client.post("/api/validate", headers=YAML, content=chunks())
    assert response.status_code == 413
    # just under the limit is parsed (and rejected as YAML, not as too large)
    response = client.post("/api/validate", headers=YAML, content=b"#" * (MAX_BODY - 1))
    assert response.status_code == 422


def test_non_utf8_text_is_a_422_not_a_crash(client: TestClient) -> None:
    response = client.post("/api/validate", headers=YAML, content=b"title: \xff\xfe")
    assert response.status_code == 422
    assert "not UTF-8" in response.json()["error"]


# -- forecasts ---------------------------------------------------------------------------


def test_the_default_forecast_matches_the_article(client: TestClient) -> None:
    body = client.post("/api/forecast", json={"embedded": DEFAULT, "runs": 500}).json()
    assert body["verdict"]["possible"] is False
    # Russian public accepts nothing below 85, Japan nothing above 50: a gap of 35
    gap = body["document"]["agreement"]["issues"]["territory"]["gap"]
    assert gap["size"] == 85 - 50
    assert body["monte_carlo"]["runs"] == 500
    assert final_p(body) == 0.0
    two_level = {
        issue["id"]: next(f for f in issue["forecasts"] if f["model"] == "two-level")
        for issue in body["document"]["issues"]
    }
    assert two_level["territory"]["outcome"] == 100  # the status quo: no agreement
    assert all("rounds" not in f for i in body["document"]["issues"] for f in i["forecasts"])
    positions = {p["actor"]: p["position"] for p in body["positions"]["territory"]}
    assert positions == {"russia": 100, "japan": 0, "russian_public": 100, "japanese_public": 0}


def test_the_workbench_headline_is_the_calibrated_forecast(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """The workbench shows what ``detente forecast --runs`` reports: the calibrated P.

    Same draws (seed 0, 400 runs), so at every date of the scenario the workbench's
    calibrated P equals the CLI's, and no printed headline is the structural model's 0.
    """
    from cli_helpers import run_cli

    body = client.post("/api/forecast", json={"embedded": DEFAULT, "runs": 400}).json()
    block = body["whether_and_when"]
    code, out, _ = run_cli(
        capsys, "forecast", "-m", "deadline-bargaining", "--runs", "400", "-f", "json",
        "--no-store",
    )  # fmt: skip
    assert code == 0
    cli = json.loads(out)["whether_and_when"]
    assert block["reference_class"] == cli["reference_class"]
    for day, p in cli["by"].items():
        assert block["by"][day] == pytest.approx(p, rel=1e-12)
    assert final_p(body) == 0.0 < block["by"][HORIZON] < 0.5
    # the curve's own points are there too, in date order, never falling
    days = list(block["by"])
    assert days == sorted(days) and len(days) > len(cli["by"])
    values = [block["by"][d] for d in days]
    assert all(b >= a for a, b in itertools.pairwise(values))


def test_a_document_upload_forecasts_like_the_embedded_one(client: TestClient) -> None:
    document = load_embedded(DEFAULT).to_dict()
    by_doc = client.post("/api/forecast", json={"document": document, "runs": 0}).json()
    by_name = client.post("/api/forecast", json={"embedded": DEFAULT, "runs": 0}).json()
    assert by_doc["verdict"] == by_name["verdict"]
    assert by_doc["document"]["issues"] == by_name["document"]["issues"]
    assert by_doc["monte_carlo"] is None and "runs = 0" in by_doc["notes"][0]


def test_an_invalid_document_names_the_field(client: TestClient) -> None:
    document = load_embedded(DEFAULT).to_dict()
    document["actors"][1]["capability"] = -1
    response = client.post(
        "/api/forecast", json={"document": document, "filename": "edited.json", "runs": 0}
    )
    assert response.status_code == 422
    assert re.match(
        r"edited\.json:\d+: actors\[1\]\.capability: capability must be >= 0",
        response.json()["error"],
    )


def test_a_document_keeps_numbers_json_writes_with_an_exponent(client: TestClient) -> None:
    document = load_embedded(DEFAULT).to_dict()
    document["actors"][2]["capability"] = 1e-05  # JSON text: 1e-05, a string to YAML 1.1
    body = client.post("/api/forecast", json={"document": document, "runs": 0})
    assert body.status_code == 200
    weights = {p["actor"]: p["weight"] for p in body.json()["positions"]["territory"]}
    assert weights["russian_public"] == pytest.approx(1e-05 * 0.7)


@pytest.mark.parametrize("opener", ["[", "{", "- "])
def test_a_document_nested_too_deeply_is_a_422(client: TestClient, opener: str) -> None:
    response = client.post("/api/validate", headers=YAML, content=(opener * 30_000).encode())
    assert response.status_code == 422
    assert response.json()["error"].startswith("<upload>")


def test_exactly_one_source_is_required(client: TestClient) -> None:
    both = {"embedded": DEFAULT, "text": embedded_text(DEFAULT), "runs": 0}
    assert client.post("/api/forecast", json=both).status_code == 422
    none = client.post("/api/forecast", json={"runs": 0})
    assert none.status_code == 422 and "exactly one" in none.json()["error"]


def test_runs_are_capped_and_seeded(client: TestClient) -> None:
    over = client.post("/api/forecast", json={"embedded": DEFAULT, "runs": 3001})
    assert over.status_code == 422 and "at most 3000" in over.json()["error"]
    over_schema = client.post("/api/forecast", json={"embedded": DEFAULT, "runs": 20001})
    assert over_schema.status_code == 422 and over_schema.json()["error"].startswith("request:")
    softer = {"embedded": "russia_japan_2018_whatif", "runs": 300}
    first = client.post("/api/forecast", json={**softer, "seed": 1}).json()["monte_carlo"]
    again = client.post("/api/forecast", json={**softer, "seed": 1}).json()["monte_carlo"]
    other = client.post("/api/forecast", json={**softer, "seed": 2}).json()["monte_carlo"]
    assert first == again
    assert first["agreement"]["curve"] != other["agreement"]["curve"]


def test_a_run_over_the_time_budget_is_refused_with_503() -> None:
    hurried = TestClient(create_app(time_budget=1e-9), base_url="http://127.0.0.1")
    response = hurried.post("/api/forecast", json={"embedded": DEFAULT, "runs": 2000})
    assert response.status_code == 503
    assert "time budget" in response.json()["error"]


# -- what-if -----------------------------------------------------------------------------


def test_widening_the_russian_publics_range_changes_verdict_and_probability(
    client: TestClient,
) -> None:
    change = {"path": RATIFIER_LOW, "value": 50}
    body = client.post(
        "/api/whatif", json={"embedded": DEFAULT, "runs": 1000, "changes": [change]}
    ).json()
    before, after = body["before"], body["after"]
    assert body["changes"] == [change]
    gap_before = before["document"]["agreement"]["issues"]["territory"]["gap"]
    gap_after = after["document"]["agreement"]["issues"]["territory"]["gap"]
    # before: the public's 85 binds; after: Putin's own lowest accepted point, 80, binds
    assert gap_before["size"] == 35
    assert gap_after["size"] == 80 - 50
    assert gap_after["lowest_acceptable"]["held_by"] == "russia"
    assert after["verdict"]["lines"] != before["verdict"]["lines"]
    # if Putin conceded, his public would now accept 50, which Japan accepts too
    assert any("would accept 50–50" in line for line in after["verdict"]["outlook"])
    assert final_p(before) == 0.0
    assert 0.0 < final_p(after) <= 1.0


def test_whatif_with_no_changes_returns_the_same_forecast_twice(client: TestClient) -> None:
    body = client.post("/api/whatif", json={"embedded": DEFAULT, "runs": 200}).json()
    assert body["before"] == body["after"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"path": "actors.atlantis.capability", "value": 1}, "no 'atlantis'"),
        ({"path": "actors.russia.capability", "value": -2}, "capability must be >= 0"),
        ({"path": "actors.russia.capability", "value": "soon"}, "expected a number"),
        ({"path": RATIFIER_LOW, "value": {"low": 9, "mode": 5, "high": 7}}, "low <= mode"),
    ],
)
def test_bad_changes_are_422_naming_the_path(
    client: TestClient, change: dict, expected: str
) -> None:
    response = client.post(
        "/api/whatif", json={"embedded": DEFAULT, "runs": 0, "changes": [change]}
    )
    assert response.status_code == 422
    message = response.json()["error"]
    assert expected in message
    assert change["path"] in message or "request:" in message


def test_a_leader_term_date_is_a_change_too(client: TestClient) -> None:
    change = {"path": "agreement.signatories.russia.leader.term_ends", "value": "2019-06-30"}
    body = client.post("/api/whatif", json={"embedded": DEFAULT, "runs": 0, "changes": [change]})
    assert body.status_code == 200


# -- the page and its rails --------------------------------------------------------------


def test_the_page_and_its_assets_come_from_this_server_only(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    referenced = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sorted(referenced) == ["/static/app.js", "/static/style.css"]
    for path in referenced:
        asset = client.get(path)
        assert asset.status_code == 200
        assert "http://" not in asset.text and "https://" not in asset.text
        assert "url(" not in asset.text and "@import" not in asset.text
    assert "http://" not in page.text and "https://" not in page.text
    script = client.get("/static/app.js").text
    requested = re.findall(r"api\(\s*[`\"]([^`\"]+)", script)
    assert requested and all(path.startswith("/api/") for path in requested)
    assert client.get("/static/app.py").status_code == 404
    assert client.get("/static/..%2Fapp.py").status_code == 404


def test_the_interactive_docs_which_need_a_cdn_are_off(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404
    spec = client.get("/openapi.json").json()
    assert {"/api/scenarios", "/api/validate", "/api/forecast", "/api/whatif"} <= set(spec["paths"])


def test_a_foreign_host_header_is_refused(client: TestClient) -> None:
    response = client.get("/api/scenarios", headers={"host": "rebind.example"})
    assert response.status_code == 400
    # before: the plain text "Invalid host header"; every other error is JSON
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "error": "Host header 'rebind.example' is not served here; this server answers only "
        "to 127.0.0.1, localhost, ::1, [::1]"
    }


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("runs", True, "body.runs: Input should be a valid integer"),  # before: read as 1
        ("runs", "10", "body.runs: Input should be a valid integer"),  # before: read as 10
        ("runs", 2.5, "body.runs: Input should be a valid integer"),
        ("seed", "1", "body.seed: Input should be a valid integer"),
        ("seed", False, "body.seed: Input should be a valid integer"),
    ],
)
def test_web_numbers_are_as_strict_as_the_command_line(
    client: TestClient, field: str, value: object, expected: str
) -> None:
    response = client.post("/api/forecast", json={"embedded": DEFAULT, field: value})
    assert response.status_code == 422
    assert response.json()["error"].startswith(f"request: {expected}")


def test_a_whatif_value_of_true_is_refused(client: TestClient) -> None:
    change = {"path": "actors.russia.capability", "value": True}
    response = client.post(
        "/api/whatif", json={"embedded": DEFAULT, "runs": 0, "changes": [change]}
    )
    assert response.status_code == 422
    assert "body.changes[0].value" in response.json()["error"]


def test_whatif_reads_the_short_paths_the_command_line_reads(client: TestClient) -> None:
    """A new user's short path was refused by the web while the CLI read it: a short
    form and its full path give the same answer (both read by expand_path)."""
    short = {"path": "russian_public.accepts.territory.0", "value": 45}
    full = {"path": "agreement.signatories.russia.ratifiers.russian_public.accepts.territory.0",
            "value": 45}  # fmt: skip
    answers = [
        client.post("/api/whatif", json={"embedded": DEFAULT, "runs": 0, "changes": [c]})
        for c in (short, full)
    ]
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].json()["after"] == answers[1].json()["after"]
    assert answers[0].json()["after"] != answers[0].json()["before"]
