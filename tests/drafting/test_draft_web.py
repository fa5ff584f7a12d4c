"""The workbench's "import article" box: POST /api/draft (FastAPI's TestClient, no network)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

pytest.importorskip("spacy")
pytest.importorskip("httpx", reason="FastAPI's TestClient needs httpx")
pytest.importorskip("fastapi", reason="the web extra is not installed")

with warnings.catch_warnings():  # starlette's note on httpx versions, not ours
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from detente.io import parse_scenario
from detente.web.app import create_app

ARTICLES = Path(__file__).parent / "articles"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(max_runs=300), base_url="http://127.0.0.1")


def test_draft_answers_the_scenario_its_yaml_and_the_findings(client: TestClient) -> None:
    text = (ARTICLES / "nile_dam_2021.txt").read_text()
    response = client.post("/api/draft", json={"text": text, "filename": "nile.txt"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["title"].startswith("Binding agreement between Egypt and Ethiopia")
    assert parse_scenario(body["text"]).as_of.isoformat() == "2021-01-10"
    found = {f["about"]: f for f in body["findings"]}
    ethiopia = found["agreement.signatories.ethiopia.accepts.water"]
    assert ethiopia["status"] == "found" and ethiopia["quote"] in text
    assert found["actors.egypt.capability"] == {
        "about": "actors.egypt.capability",
        "status": "defaulted",
        "value": "0.1-2 (equal for every actor)",
        "quote": None,
    }
    assert body["parameters"], "the sliders of the drafted scenario"


def test_draft_refuses_text_that_is_not_a_negotiation(client: TestClient) -> None:
    text = (ARTICLES / "not_a_negotiation.txt").read_text()
    response = client.post("/api/draft", json={"text": text})
    assert response.status_code == 422
    assert "does not look like a negotiation" in response.json()["error"]


def test_draft_takes_the_date_from_the_request(client: TestClient) -> None:
    text = (ARTICLES / "armenia_azerbaijan_2024.txt").read_text()
    text = text.replace("Published 2024-03-01", "")
    assert client.post("/api/draft", json={"text": text}).status_code == 422
    response = client.post("/api/draft", json={"text": text, "date": "2024-03-01"})
    assert response.status_code == 200
    assert parse_scenario(response.json()["text"]).as_of.isoformat() == "2024-03-01"
