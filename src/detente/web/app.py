"""The workbench web app: the JSON API, the page and its assets, and the safety rails.

:func:`create_app` builds a FastAPI application (FastAPI and uvicorn are the optional
``detente[web]`` extra; nothing in the core imports this package). Rails:

* request bodies over ``max_body`` bytes answer 413 before any parsing;
* only the Host names in ``allowed_hosts`` are served (default: the loopback names),
  which stops DNS-rebinding pages from reaching a local server;
* every response carries a Content-Security-Policy allowing this origin only: the
  page loads nothing from the internet, and could not if it tried;
* the page's three assets are read from package data into memory; no route maps a
  request to a file path;
* a POST whose ``Origin`` header names another site answers 403 (same-origin requests
  and clients that send no ``Origin``, such as curl, are served): a page elsewhere
  cannot make a visitor's browser post to a local workbench, not even as a "simple"
  ``text/plain`` request that needs no CORS preflight;
* a POST whose content type the route does not document answers 415, before its body
  is read;
* every computation (validating, forecasting, what-if) runs in a worker process with a
  time budget (``time_budget`` seconds, then the worker is killed) and a memory budget
  (``memory_budget`` bytes of address space), at most ``workers`` at a time; running out
  answers 503 and leaves nothing running (:mod:`detente.web.jobs`);
* Monte Carlo requests are capped at ``max_runs`` draws.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from detente import __version__
from detente.errors import DetenteError, format_path
from detente.web.api import CONTENT_TYPES, MAX_RUNS, router
from detente.web.jobs import Budget, BudgetExceededError, JobError, JobRunner
from detente.web.service import ForecastCache

__all__ = ["MAX_BODY", "Settings", "create_app"]

MAX_BODY = 256 * 1024
"""Largest request body accepted, in bytes."""
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")

_ASSETS = {
    "app.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
}
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class Settings:
    """Limits of one app instance."""

    max_runs: int = MAX_RUNS
    time_budget: float = 10.0
    max_body: int = MAX_BODY
    memory_budget: int = Budget.memory
    workers: int = Budget.workers


class BodyLimit:
    """ASGI middleware: read at most ``limit`` bytes of a request body, else answer 413."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            {"error": f"the request body is over the limit of {self.limit // 1024} KiB"},
            status_code=413,
        )
        await response(scope, receive, send)


class TrustedHosts(TrustedHostMiddleware):
    """starlette's Host check (against DNS rebinding), its refusal answered as JSON.

    starlette answers an unknown or malformed ``Host`` with the plain text ``Invalid
    host header``; every other error of this server is ``{"error": ...}``, so the
    refusal is rewritten to one, naming the host and the names served.
    """

    def __init__(self, app: ASGIApp, allowed_hosts: Sequence[str]) -> None:
        async def served(scope: Scope, receive: Receive, send: Send) -> None:
            scope[_HOST_SERVED] = True
            await app(scope, receive, send)

        super().__init__(served, allowed_hosts=list(allowed_hosts))
        self.names = list(allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def reply(message: Message) -> None:
            if scope.get(_HOST_SERVED):
                await send(message)
            elif message["type"] == "http.response.start" and message["status"] == 400:
                host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
                response = JSONResponse(
                    {
                        "error": f"Host header {host[:100]!r} is not served here; this server "
                        f"answers only to {', '.join(self.names)}"
                    },
                    status_code=400,
                )
                await response(scope, receive, send)
            elif message["type"] != "http.response.body":
                await send(message)

        await super().__call__(scope, receive, reply)


_HOST_SERVED = "detente.host_served"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class RequestGuard:
    """ASGI middleware: refuse cross-site requests (403) and undocumented content types (415).

    A request that changes or computes (any method but GET, HEAD, OPTIONS) is served only
    when it sends no ``Origin`` header or an ``Origin`` whose host and port are this
    request's ``Host``. A POST to a route in :data:`detente.web.api.CONTENT_TYPES` must
    declare one of that route's content types. Both checks come before the body is read.
    """

    def __init__(self, app: ASGIApp, content_types: dict[str, tuple[str, ...]]) -> None:
        self.app = app
        self.content_types = content_types

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in _SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        origin = headers.get("origin")
        host = headers.get("host", "")
        if origin is not None and not _same_origin(origin, host):
            await self._refuse(
                scope,
                receive,
                send,
                403,
                f"cross-site request refused: Origin {origin[:100]!r} is not this server "
                f"({host[:100]}); open the workbench page from this server instead",
            )
            return
        allowed = self.content_types.get(scope["path"])
        declared = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if allowed is not None and declared not in allowed:
            shown = repr(declared[:100]) if declared else "none"
            await self._refuse(
                scope,
                receive,
                send,
                415,
                f"content type {shown} is not taken here; send one of: {', '.join(allowed)}",
            )
            return
        await self.app(scope, receive, send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, text: str) -> None:
        await JSONResponse({"error": text}, status_code=status)(scope, receive, send)


def _same_origin(origin: str, host: str) -> bool:
    """Whether ``origin`` (``scheme://host[:port]``) is the server at ``host`` (``host[:port]``)."""
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False  # "null" (a sandboxed page or a file) is not this server
    return parts.netloc.lower() == host.lower()


def _asset(name: str) -> str:
    return resources.files("detente.web").joinpath("static", name).read_text(encoding="utf-8")


def _not_json(exc: RequestValidationError) -> str | None:
    """The JSON syntax error among a request's errors, if any, as one line."""
    for item in exc.errors():
        if item.get("type") == "json_invalid":
            at = item.get("loc", ())[-1]
            where = f" at character {at}" if isinstance(at, int) else ""
            reason = item.get("ctx", {}).get("error", "")
            return f"the body is not valid JSON{where}" + (f": {reason}" if reason else "")
    return None


def _request_error(exc: RequestValidationError) -> str:
    problems = []
    for item in exc.errors()[:3]:
        where = format_path([p for p in item.get("loc", ()) if isinstance(p, str | int)])
        problems.append(f"{where}: {item.get('msg', 'invalid')}")
    more = len(exc.errors()) - len(problems)
    return "request: " + "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")


def create_app(
    *,
    max_runs: int = MAX_RUNS,
    time_budget: float = 10.0,
    max_body: int = MAX_BODY,
    allowed_hosts: Sequence[str] | None = None,
    memory_budget: int = Budget.memory,
    workers: int = Budget.workers,
) -> FastAPI:
    """The workbench app.

    Parameters
    ----------
    max_runs:
        Most Monte Carlo draws a request may ask for (at most :data:`api.MAX_RUNS`).
    time_budget:
        Seconds a computation may take (waiting for a free worker included) before its
        worker is stopped and the request answers 503.
    max_body:
        Largest request body in bytes (413 above it).
    allowed_hosts:
        Host names served; default the loopback names. ``["*"]`` serves any.
    memory_budget:
        Address space of each worker process in bytes (503 when a computation needs more).
    workers:
        Computations that may run at the same time.
    """
    app = FastAPI(
        title="detente workbench",
        version=__version__,
        description="Forecast a negotiation scenario and explore what-if changes.",
        docs_url=None,  # the interactive docs load their scripts from a CDN
        redoc_url=None,
    )
    app.state.settings = Settings(
        min(max_runs, MAX_RUNS), time_budget, max_body, memory_budget, workers
    )
    app.state.jobs = JobRunner(Budget(time_budget, memory_budget, workers))
    app.state.forecasts = ForecastCache()
    page = _asset("index.html")
    assets = {name: _asset(name) for name in _ASSETS}

    @app.exception_handler(BudgetExceededError)
    async def _over_budget(request: Request, exc: BudgetExceededError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=503)

    @app.exception_handler(JobError)
    async def _bug(request: Request, exc: JobError) -> JSONResponse:
        return JSONResponse({"error": f"internal error: {exc}"}, status_code=500)

    @app.exception_handler(DetenteError)
    async def _invalid(request: Request, exc: DetenteError) -> JSONResponse:
        return JSONResponse({"error": str(exc)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = "the body is not valid JSON" if exc.status_code == 400 else str(exc.detail)
        return JSONResponse({"error": message}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        syntax = _not_json(exc)
        if syntax is not None:
            return JSONResponse({"error": syntax}, status_code=400)
        return JSONResponse({"error": _request_error(exc)}, status_code=422)

    @app.middleware("http")
    async def _headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = _CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.get("/", include_in_schema=False)
    def index() -> HTMLResponse:
        return HTMLResponse(page)

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in assets:
            return JSONResponse({"error": f"no asset named {name!r}"}, status_code=404)
        return Response(assets[name], media_type=_ASSETS[name])

    app.include_router(router)
    app.add_middleware(BodyLimit, limit=max_body)
    app.add_middleware(RequestGuard, content_types=CONTENT_TYPES)
    # added last, so it runs first: an unknown Host is refused before the body is read
    app.add_middleware(TrustedHosts, allowed_hosts=list(allowed_hosts or LOOPBACK))
    return app
