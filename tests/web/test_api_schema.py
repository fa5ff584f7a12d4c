"""Generated requests against the OpenAPI spec (schemathesis): never a server error.

Kept small (a few dozen examples per route) and on a server whose Monte Carlo is capped
low, so the whole run stays well under a minute.
"""

from __future__ import annotations

import warnings

import pytest

pytest.importorskip("fastapi", reason="the web extra (detente[web]) is not installed")
schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")

from hypothesis import HealthCheck, Phase, settings  # noqa: E402
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from detente.web.app import create_app

APP = create_app(max_runs=300, time_budget=5.0, allowed_hosts=["testserver"])
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP)


@SCHEMA.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_generated_requests_never_crash_the_server(case: schemathesis.Case) -> None:
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ]
    )
