"""The workbench's JSON API: list, read and validate scenarios; forecast; what-if.

Routes live under ``/api`` and are described by the app's OpenAPI document
(``/openapi.json``). Every problem with the input answers a JSON ``{"error": "..."}``:
422 for an invalid scenario (the same ``file:line: field: message`` as the command
line) or request, 400 for a body that is not valid JSON, 403 for a cross-site request
(an ``Origin`` that is not this server), 404 for an unknown scenario name, 413 for a
body over the size limit, 415 for a content type the route does not take
(:mod:`detente.web.app`), 503 when a computation runs out of its time or memory budget.
Every computation (reading, validating, forecasting) runs in a worker process under
that budget (:mod:`detente.web.jobs`). No route reads or writes a path on the server:
scenarios come from the package's embedded ones or from the request body.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr
from starlette.concurrency import run_in_threadpool

from detente.errors import DetenteError
from detente.web import service

__all__ = ["CONTENT_TYPES", "DEFAULT_RUNS", "MAX_RUNS", "router"]

MAX_RUNS = 20_000
"""The most Monte Carlo draws any request may ask for (a server may allow fewer)."""
DEFAULT_RUNS = 1000

router = APIRouter(prefix="/api")


class ErrorBody(BaseModel):
    """What every failed request answers."""

    error: str = Field(description="One line: where (file:line: field) and what is wrong.")


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body is not valid JSON."},
    403: {
        "model": ErrorBody,
        "description": "A cross-site request: its Origin header names another site.",
    },
    413: {"model": ErrorBody, "description": "The request body is over the size limit."},
    415: {"model": ErrorBody, "description": "A content type this route does not take."},
    422: {"model": ErrorBody, "description": "An invalid scenario, change or request."},
    503: {
        "model": ErrorBody,
        "description": "The computation ran out of its time or memory budget, or the "
        "server is busy; nothing is left running.",
    },
}

CONTENT_TYPES: dict[str, tuple[str, ...]] = {
    "/api/validate": ("application/yaml", "text/plain", "application/json"),
    "/api/forecast": ("application/json",),
    "/api/whatif": ("application/json",),
    "/api/draft": ("application/json",),
}
"""The content types each POST route takes (any other answers 415)."""


class ScenarioItem(BaseModel):
    name: str
    title: str
    default: bool


class Source(BaseModel):
    """Which scenario: exactly one of ``embedded``, ``text`` or ``document``."""

    model_config = ConfigDict(extra="forbid")

    embedded: str | None = Field(
        None, max_length=200, description="Name of an embedded scenario.", examples=[None]
    )
    text: str | None = Field(None, description="A scenario as YAML or JSON text.")
    document: dict[str, Any] | None = Field(None, description="A scenario as a JSON object.")
    filename: str | None = Field(
        None, max_length=255, description="Name shown in error messages (never opened)."
    )


class ForecastRequest(Source):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"embedded": "russia_japan_2018", "runs": 200, "seed": 0}]},
    )

    # strict: JSON true or "10" is refused (lax pydantic reads them as 1 and 10), as the
    # command line and the Python API (detente.api.arguments) refuse them
    runs: StrictInt = Field(
        DEFAULT_RUNS,
        ge=0,
        le=MAX_RUNS,
        description="Monte Carlo draws for the P(agreement by date) curve; 0 for none.",
    )
    seed: StrictInt = Field(0, ge=0, le=2**32 - 1, description="Root seed of the draws.")


class RangeValue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    low: StrictFloat
    mode: StrictFloat
    high: StrictFloat


class Change(BaseModel):
    """Set one parameter: a number (fixed), a range, or a date ``YYYY-MM-DD``."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(
        min_length=1,
        max_length=300,
        description="Dotted parameter path, e.g. actors.russia.capability or "
        "agreement.signatories.russia.ratifiers.russian_public.accepts.territory.0",
    )
    value: StrictFloat | RangeValue | StrictStr


class WhatIfRequest(ForecastRequest):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "embedded": "russia_japan_2018",
                    "runs": 200,
                    "seed": 0,
                    "changes": [
                        {
                            "path": "agreement.signatories.russia.ratifiers.russian_public"
                            ".accepts.territory.0",
                            "value": 50,
                        }
                    ],
                }
            ]
        },
    )

    changes: list[Change] = Field(default_factory=list, max_length=100)


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _settings(request: Request) -> Any:
    return request.app.state.settings


def _runs(request: Request, runs: int) -> int:
    cap = int(_settings(request).max_runs)
    if runs > cap:
        raise DetenteError(f"runs: at most {cap} Monte Carlo draws on this server, got {runs}")
    return runs


def _source(body: Source) -> dict[str, Any]:
    return body.model_dump(include={"embedded", "text", "document", "filename"})


def _child_budget(request: Request) -> float:
    """The Monte Carlo budget inside the worker: a little under the worker's own limit,
    so that an overlong run stops itself and says how far it got."""
    return 0.9 * float(_settings(request).time_budget)


@router.get("/scenarios", response_model=list[ScenarioItem], summary="List embedded scenarios")
def list_scenarios() -> list[dict[str, Any]]:
    from detente.scenarios import DEFAULT, embedded_names, load_embedded

    return [
        {"name": n, "title": load_embedded(n).title, "default": n == DEFAULT}
        for n in embedded_names()
    ]


@router.get(
    "/scenarios/{name}",
    summary="One embedded scenario, its YAML text and its adjustable parameters",
    responses={404: {"model": ErrorBody, "description": "No embedded scenario of that name."}},
)
def get_scenario(
    name: str = PathParam(
        description="An embedded scenario's name.", examples=["russia_japan_2018"]
    ),
) -> Any:
    from detente.scenarios import embedded_names, embedded_text, load_embedded

    if name not in embedded_names():
        return error(
            404, f"no embedded scenario named {name!r}; available: {', '.join(embedded_names())}"
        )
    payload = service.scenario_payload(load_embedded(name), name=name)
    payload["text"] = embedded_text(name)
    return payload


@router.post(
    "/validate",
    summary="Validate a scenario sent as the request body (YAML or JSON)",
    responses=_ERRORS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/yaml": {"schema": {"type": "string"}},
                "text/plain": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}},
            },
        }
    },
)
async def validate(
    request: Request,
    filename: str | None = Query(None, max_length=255, description="Name for messages."),
) -> Any:
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        name = service.safe_name(filename)
        return error(422, f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})")
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            json.loads(text)
        except (ValueError, RecursionError) as exc:
            return error(400, f"the body is not valid JSON: {exc}")
    jobs = request.app.state.jobs
    return await run_in_threadpool(jobs.run, service.validate_job, text, filename)


@router.post("/forecast", summary="Forecast a scenario (with runs and seed)", responses=_ERRORS)
def forecast(body: ForecastRequest, request: Request) -> Any:
    runs = _runs(request, body.runs)
    source = _source(body)
    cache = request.app.state.forecasts
    key = cache.key(source, runs, body.seed)
    payload = cache.get(key)
    if payload is None:
        payload = request.app.state.jobs.run(
            service.forecast_job, source, runs, body.seed, _child_budget(request)
        )
        cache.put(key, payload)
    return payload


@router.post(
    "/whatif",
    summary="Forecast a scenario before and after a list of changes {path, value}",
    responses=_ERRORS,
)
def whatif(body: WhatIfRequest, request: Request) -> Any:
    runs = _runs(request, body.runs)
    source = _source(body)
    changes = [
        (c.path, c.value.model_dump() if isinstance(c.value, RangeValue) else c.value)
        for c in body.changes
    ]
    cache = request.app.state.forecasts
    key = cache.key(source, runs, body.seed)
    payload: dict[str, Any] = request.app.state.jobs.run(
        service.whatif_job, source, changes, runs, body.seed, _child_budget(request), cache.get(key)
    )
    cache.put(key, payload["before"])
    return payload


class DraftRequest(BaseModel):
    """A news article to draft a first scenario from (see docs/drafting.md)."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=200_000, description="The article, plain text.")
    filename: str | None = Field(None, max_length=255, description="Name for messages.")
    date: dt.date | None = Field(None, description="The article's date (default: its byline).")


@router.post(
    "/draft",
    summary="Draft a first scenario from a news article, offline, with evidence",
    responses=_ERRORS,
)
def draft(body: DraftRequest, request: Request) -> Any:
    return request.app.state.jobs.run(service.draft_job, body.text, body.filename, body.date)


@router.get("/models", summary="The registered models with their sources")
def models() -> list[dict[str, str]]:
    from detente.models import available_models, get_model

    return [
        {"name": m.name, "title": m.title, "citation": m.citation}
        for m in (get_model(n) for n in available_models())
    ]
