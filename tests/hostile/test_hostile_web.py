"""The workbench under hostile requests: Origin, content types, bad JSON, alias bombs, budgets.

Every computation runs in a worker process with a time and a memory budget
(:mod:`detente.web.jobs`); these tests use small budgets so they stay quick, and check
that after a refusal no worker is left running and the server still answers.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path
from typing import Any

import pytest
from hostile_helpers import GOOD, billion_laughs, first_laughs_line_past, line_of
from hostile_jobs import hungry, numpy_hungry, starts_a_process_and_hangs, suicidal

pytest.importorskip("fastapi", reason="the web extra (detente[web]) is not installed")
pytest.importorskip("httpx", reason="FastAPI's TestClient needs httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from detente.limits import MAX_VALUES
from detente.web.app import create_app
from detente.web.jobs import Budget, BudgetExceededError, JobRunner, alive

SERVER = "http://127.0.0.1"
YAML = {"content-type": "application/yaml"}


@pytest.fixture(scope="module")
def app() -> Any:
    return create_app(max_runs=300, time_budget=30.0)


@pytest.fixture(scope="module")
def client(app: Any) -> TestClient:
    return TestClient(app, base_url=SERVER)


def gone(pid: int, patience: float = 10.0) -> bool:
    """Whether process ``pid`` has ended, waiting up to ``patience`` seconds for it."""
    import time

    deadline = time.monotonic() + patience
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def no_worker_left(app: Any) -> bool:
    return not any(alive(pid) for pid in app.state.jobs.started)


# -- Origin ------------------------------------------------------------------------------


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1.evil:80"])
def test_a_cross_site_post_is_refused_before_its_body_is_read(
    client: TestClient, origin: str
) -> None:
    # the "simple" request a foreign page can send without a CORS preflight
    response = client.post(
        "/api/validate",
        content=billion_laughs().encode(),
        headers={"content-type": "text/plain", "origin": origin},
    )
    assert response.status_code == 403
    assert response.json()["error"].startswith("cross-site request refused: Origin ")


def test_same_origin_and_no_origin_are_served(client: TestClient) -> None:
    same = client.post("/api/validate", content=GOOD.encode(), headers={**YAML, "origin": SERVER})
    assert same.status_code == 200 and same.json()["valid"] is True
    assert client.post("/api/validate", content=GOOD.encode(), headers=YAML).status_code == 200


def test_a_cross_site_json_forecast_is_refused(client: TestClient) -> None:
    response = client.post(
        "/api/forecast",
        json={"embedded": "russia_japan_2018", "runs": 0},
        headers={"origin": "https://attacker.test"},
    )
    assert response.status_code == 403


# -- content types -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/api/validate", "application/x-www-form-urlencoded"),  # curl's default
        ("/api/validate", "multipart/form-data; boundary=x"),
        ("/api/validate", None),
        ("/api/forecast", "text/plain"),
        ("/api/whatif", "application/yaml"),
        ("/api/forecast", None),
        ("/api/draft", "text/plain"),
    ],
)
def test_an_undocumented_content_type_is_a_415_naming_the_accepted_ones(
    client: TestClient, path: str, content_type: str | None
) -> None:
    body = json.dumps({"embedded": "russia_japan_2018", "runs": 0}).encode()
    headers = {} if content_type is None else {"content-type": content_type}
    response = client.post(path, content=body, headers=headers)
    assert response.status_code == 415
    message = response.json()["error"]
    assert "is not taken here; send one of: " in message
    expected = "application/json" if path != "/api/validate" else "application/yaml"
    assert expected in message


def test_the_openapi_document_lists_what_each_post_answers(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/validate", "/api/forecast", "/api/whatif", "/api/draft"):
        statuses = set(spec["paths"][path]["post"]["responses"])
        assert {"400", "403", "413", "415", "422", "503"} <= statuses


# -- malformed JSON ----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/validate", "/api/forecast", "/api/whatif"])
@pytest.mark.parametrize("body", ["{", '{"runs": 0,}', "[" * 100_000])
def test_malformed_json_answers_400_as_documented(client: TestClient, path: str, body: str) -> None:
    response = client.post(path, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"].startswith("the body is not valid JSON")


# -- alias bombs and hostile numbers ------------------------------------------------------


def test_a_billion_laughs_upload_is_a_422_and_the_server_stays_healthy(
    app: Any, client: TestClient
) -> None:
    # before: 500 after 46 s, the server left at 2.8 GB and failing later requests
    response = client.post(
        "/api/validate",
        params={"filename": "laughs.yaml"},
        content=billion_laughs().encode(),
        headers={"content-type": "text/plain"},
    )
    assert response.status_code == 422
    line = first_laughs_line_past(MAX_VALUES)
    assert response.json()["error"].startswith(f"laughs.yaml:{line}: the document stands for more")
    assert client.post("/api/validate", content=GOOD.encode(), headers=YAML).status_code == 200
    assert no_worker_left(app)


def test_a_number_out_of_range_is_a_422_naming_the_field(client: TestClient) -> None:
    text = GOOD.replace("capability: 2", "capability: 1e308")
    response = client.post("/api/validate", content=text.encode(), headers=YAML)
    assert response.status_code == 422
    line = line_of(GOOD, "capability: 2")
    assert response.json()["error"].startswith(f"<upload>:{line}: actors[1].capability: 1e+308")


def test_a_half_surrogate_pair_in_a_json_key_is_a_422_not_a_crash(client: TestClient) -> None:
    body = '{"title\\ud83d": "x"}'
    response = client.post(
        "/api/validate", content=body.encode(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert "half of a UTF-16 surrogate pair" in response.json()["error"]


# -- time and memory budgets ---------------------------------------------------------------


def big_document(actors: int = 2062) -> dict[str, Any]:
    """One issue, ``actors`` actors: the expected-utility model takes minutes on it."""
    return {
        "schema": "detente/1",
        "title": "big",
        "as_of": "2020-01-01",
        "horizon": "2021-01-01",
        "issues": [{"id": "x", "name": "X", "scale": [0, 100]}],
        "actors": [
            {
                "id": f"a{i}",
                "name": f"Actor {i}",
                "capability": 1 + i % 7,
                "stances": {"x": {"position": (i * 37) % 101, "salience": 0.5}},
            }
            for i in range(actors)
        ],
    }


def test_a_forecast_over_the_time_budget_is_a_503_and_its_worker_is_gone() -> None:
    # before: only Monte Carlo had a budget, and this request held a core ~5 minutes
    app = create_app(time_budget=2.0)
    client = TestClient(app, base_url=SERVER)
    response = client.post("/api/forecast", json={"document": big_document(), "runs": 0})
    assert response.status_code == 503
    assert response.json()["error"].startswith(
        "the computation passed its time budget of 2 s and was stopped"
    )
    assert app.state.jobs.started and no_worker_left(app)
    # the same server answers the next requests
    assert client.get("/api/scenarios").status_code == 200
    again = client.post("/api/validate", content=GOOD.encode(), headers=YAML)
    assert again.status_code == 200 and again.json()["valid"] is True
    assert no_worker_left(app)


def test_a_job_over_the_memory_budget_is_refused_and_the_runner_goes_on() -> None:
    runner = JobRunner(Budget(seconds=60, memory=1024**3, workers=1))
    with pytest.raises(BudgetExceededError, match="passed its memory budget of 1024 MiB"):
        runner.run(hungry, 2 * 1024**3)
    assert runner.run(hungry, 1000) == 1000
    assert not any(alive(pid) for pid in runner.started)


def test_a_job_over_the_memory_budget_says_what_was_too_big() -> None:
    # before: "try a smaller scenario", said of a 5-actor file whose hazard asked for
    # 15.3 TiB; numpy refuses the array at once (nothing is allocated)
    runner = JobRunner(Budget(seconds=60, memory=1024**3, workers=1))
    with pytest.raises(BudgetExceededError) as info:
        runner.run(numpy_hungry, 1000, 2**40)
    message = str(info.value)
    assert message.startswith(
        "the computation passed its memory budget of 1024 MiB and was stopped: unable to "
        "allocate 7.81 PiB for an array with shape (1000, 1099511627776)"  # 8000 x 2**40 B
    )
    assert "smaller scenario" not in message and "--memory-budget" in message


def test_a_worker_that_dies_is_a_503_not_a_hang() -> None:
    runner = JobRunner(Budget(seconds=60, workers=1))
    with pytest.raises(BudgetExceededError):
        runner.run(suicidal)
    assert not any(alive(pid) for pid in runner.started)


def test_waiting_for_a_busy_server_counts_against_the_budget() -> None:
    runner = JobRunner(Budget(seconds=60, workers=1))
    runner._slots.acquire()  # another request holds the only worker slot
    try:
        with pytest.raises(BudgetExceededError, match="busy"):
            runner.run(hungry, 10, seconds=0.2)
    finally:
        runner._slots.release()
    assert not runner.started  # nothing was started while waiting


def test_a_whatif_change_out_of_range_is_a_422(client: TestClient) -> None:
    change = {"path": "actors.russia.capability", "value": 1e308}
    response = client.post(
        "/api/whatif", json={"embedded": "russia_japan_2018", "runs": 0, "changes": [change]}
    )
    assert response.status_code == 422
    assert "1e+308 is out of range" in response.json()["error"]


def test_a_whatif_hazard_past_one_a_day_is_a_422(client: TestClient) -> None:
    # before: accepted, then the forecast asked for terabytes (a 503 "try a smaller scenario")
    change = {"path": "agreement.signatories.japan.leader.exit_hazard", "value": 1e9}
    response = client.post(
        "/api/whatif", json={"embedded": "russia_japan_2018", "runs": 0, "changes": [change]}
    )
    assert response.status_code == 422
    assert response.json()["error"].startswith(
        "agreement.signatories.japan.leader.exit_hazard=1e+09: invalid value "
        "(agreement.signatories[1].leader.exit_hazard: exit_hazard must lie in 0..365.25 "
        "exits per year"
    )


def test_a_worker_uses_one_blas_thread_and_the_server_keeps_its_environment() -> None:
    before = dict(os.environ)
    runner = JobRunner(Budget(seconds=60, workers=1))
    assert runner.run(os.getenv, "OPENBLAS_NUM_THREADS") == "1"
    assert dict(os.environ) == before


def test_processes_a_job_started_are_stopped_with_it(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    runner = JobRunner(Budget(seconds=5, workers=1))
    assert runner.run(hungry, 1) == 1  # the forkserver is up and has loaded hostile_jobs
    with pytest.raises(BudgetExceededError, match="time budget of 5 s"):
        runner.run(starts_a_process_and_hangs, str(pid_file))
    assert not any(alive(pid) for pid in runner.started)
    # SIGKILL reaches the orphan asynchronously: give the kernel a moment to finish it
    assert gone(int(pid_file.read_text(encoding="ascii")))
