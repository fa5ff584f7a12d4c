"""The workbench's sliders on correlated ranges: ``POST /api/whatif`` with a plain number.

The slider sends ``{"path": ..., "value": 35}``; a correlated range set to a number
leaves its group (docs/uncertainty.md, "Edits of correlated ranges"), so the answer is
the forecast of the file with 35 written in and the path deleted from its group.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import yaml

pytest.importorskip("fastapi", reason="the web extra (detente[web]) is not installed")
pytest.importorskip("httpx", reason="FastAPI's TestClient needs httpx")

with warnings.catch_warnings():  # starlette's note on httpx versions, not ours
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from detente.web.app import create_app

FILE = Path(__file__).parents[1] / "data" / "correlated_truce.yaml"
FRONT_FLOOR = "agreement.signatories.front.accepts.autonomy.0"
OTHERS = [
    "agreement.signatories.government.ratifiers.hardliners.accepts.autonomy.1",
    "agreement.signatories.government.accepts.autonomy.1",
]


def test_a_slider_on_a_correlated_range_sends_a_plain_number() -> None:
    client = TestClient(create_app(max_runs=3000), base_url="http://127.0.0.1")
    text = FILE.read_text(encoding="utf-8")
    change = {"path": FRONT_FLOOR, "value": 35}
    response = client.post("/api/whatif", json={"text": text, "runs": 300, "changes": [change]})
    assert response.status_code == 200, response.text
    after = response.json()["after"]
    # by hand: 35 written in, the front's floor taken out of its group of three
    data = yaml.safe_load(text)
    data["agreement"]["signatories"][1]["accepts"]["autonomy"][0] = 35
    data["correlation"][0]["ranges"] = OTHERS
    edited = yaml.safe_dump(data, sort_keys=False)
    direct = client.post("/api/forecast", json={"text": edited, "runs": 300}).json()
    assert after["monte_carlo"] == direct["monte_carlo"]
    assert after["document"]["agreement"] == direct["document"]["agreement"]
    # the gap on autonomy closes at the modes: the front's 35 meets the hardliners' 35
    assert after["document"]["agreement"]["possible"] is True
    assert response.json()["correlation"] == [
        f"{FRONT_FLOOR!r} is fixed, so it leaves correlation group 'autonomy_misjudged', "
        "whose other 2 ranges keep rho -0.3"
    ]


def test_each_slider_names_the_groups_it_would_leave() -> None:
    client = TestClient(create_app(), base_url="http://127.0.0.1")
    body = client.post(
        "/api/validate", content=FILE.read_bytes(), headers={"content-type": "application/yaml"}
    )
    assert body.status_code == 200, body.text
    sliders = {p["path"]: p for p in body.json()["parameters"]}
    assert sliders[FRONT_FLOOR]["correlated"] == ["autonomy_misjudged"]
    assert sliders[OTHERS[0]]["correlated"] == ["autonomy_misjudged"]
    assert sliders["actors.front.capability"]["correlated"] == []
