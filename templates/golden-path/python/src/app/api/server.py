"""The two HTTP applications of the service:

- `api`: the API (/v1), every route behind the bearer-token check, the only
  port the gateway reaches;
- `management`: probes, metrics and the OpenAPI document, on the management
  port, for the kubelet and Prometheus inside the cluster, never published.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Literal

from fastapi import APIRouter, Depends, FastAPI
from fastapi.exceptions import RequestValidationError
from opentelemetry import trace
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

{% if values.ownsTables %}from app.api.accounts.routes import account_routes
{% endif %}from app.api.auth import Authenticator, AuthOptions
from app.api.openapi import Document, route_label
from app.api.problems import ProblemError, problem, problem_response
{%- if not values.ownsTables %}
from app.api.quotes.routes import quote_routes
{%- endif %}
from app.api.system_routes import ReadinessCheck, system_routes
from app.config import SERVICE
{%- if values.runsJobs %}
from app.infrastructure.jobs.job_system import JobSystem
{%- endif %}
from app.infrastructure.logger import Logger
from app.infrastructure.metrics import Metrics
{%- if values.ownsTables %}
from app.infrastructure.postgres.account_store import AccountStore
{%- endif %}

LogRequests = Literal["failed-or-slow", "all"]


@dataclass
class ServerDependencies:
    logger: Logger
    metrics: Metrics
    openapi: Document
    #: How bearer tokens are verified (issuer, audience, keys).
    auth: AuthOptions
    #: Which API requests are logged (LOG_REQUESTS).
    log_requests: LogRequests
    #: Dependencies /readyz checks.
    readiness: list[ReadinessCheck] = field(default_factory=list)
{%- if values.ownsTables %}
    accounts: AccountStore | None = None
{%- endif %}
{%- if values.runsJobs %}
    #: Where routes enqueue follow-up jobs.
    jobs: JobSystem | None = None
{%- endif %}
    #: Whether OpenTelemetry is installed (telemetry.py): server spans for the API.
    tracing: bool = False


@dataclass
class Server:
    api: ASGIApp
    management: ASGIApp
    authenticator: Authenticator
    draining: bool = False

    def start_draining(self) -> None:
        """From now on /readyz answers 503, so the load balancer stops sending traffic."""
        self.draining = True


class RequestContext:
    """What both listeners share, as plain ASGI middleware: a request id (the
    caller's x-request-id, honoured so one id follows a request across hops,
    or a new one), echoed in the response; unexpected errors answered with a
    bare 500 problem and logged. On the API only: the request-duration
    histogram by templated route, the span's name, and one "request
    completed" line per request worth reading (LOG_REQUESTS)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        logger: Logger,
        metrics: Metrics | None = None,
        log_requests: LogRequests | None = None,
        tracing: bool = False,
    ) -> None:
        self.app = app
        self.logger = logger
        self.metrics = metrics
        self.log_requests = log_requests
        self.tracing = tracing

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _request_id(scope) or str(uuid.uuid4())
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode("latin-1"))]
                if self.tracing:
                    # Before the response goes out: the server span ends with its last byte.
                    _name_span(scope)
            await send(message)

        error: BaseException | None = None
        try:
            await self.app(scope, receive, send_with_id)
        except Exception as caught:
            error = caught
            if not response_started:
                response = problem_response(problem(500, "internal-error", "Internal error"))
                await response(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = _route(scope)
            request = {"id": request_id, "method": scope["method"], "route": route}
            if error is not None:
                self.logger.error("request failed", err=error, req=request)
            if self.metrics is not None:
                self.metrics.observe_request(
                    method=scope["method"], route=route or "unmatched", status_code=status, seconds=elapsed
                )
            if self.log_requests is not None:
                ordinary = status < 400 and error is None and elapsed < SERVICE.latency_objective_seconds
                if self.log_requests == "all" or not ordinary:
                    self.logger.info(
                        "request completed",
                        reqId=request_id,
                        req=request,
                        res={"statusCode": status},
                        responseTime=round(elapsed * 1000, 3),
                    )


def _route(scope: Scope) -> str | None:
    """The templated route the request matched (None: no route)."""
    route = scope.get("route")
    return route_label(route.path) if route is not None else None


def _name_span(scope: Scope) -> None:
    """Names the server span after the templated route, for Tempo's service
    graph, never after the raw path (ids)."""
    span = trace.get_current_span()
    if span.is_recording():
        route = _route(scope)
        span.update_name(f"{scope['method']} {route}" if route else scope["method"])
        if route:
            span.set_attribute("http.route", route)


def _request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            text = value.decode("latin-1").strip()
            return text[:200] or None
    return None


def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code in (404, 405):
        # A method the path does not serve is no route either (and no route label).
        request.scope.pop("route", None)
        return problem_response(
            problem(404, "not-found", "No such route", f"{request.method} is not served at this path")
        )
    return problem_response(problem(error.status_code, "bad-request", str(error.detail)))


def _problem(request: Request, error: Exception) -> Response:
    assert isinstance(error, ProblemError)
    return error.response()


def _validation_error(request: Request, error: Exception) -> Response:
    body = problem(400, "invalid-request", "The request does not match the API description")
    body["errors"] = [{"in": "body", "message": "is invalid"}]
    return problem_response(body)


def _internal_error(request: Request, error: Exception) -> Response:
    # Unexpected errors are answered without internals; RequestContext logs them.
    return problem_response(problem(500, "internal-error", "Internal error"))


def _application() -> FastAPI:
    # No generated documentation: openapi/openapi.yaml is the description,
    # served at /openapi.json on the management port. FastAPI's own
    # OpenTelemetry spans are off: the API's server span comes from the ASGI
    # instrumentation (build_server), named after the route like every
    # golden-path service's, and probes and scrapes get none.
    app = FastAPI(
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.add_exception_handler(ProblemError, _problem)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _internal_error)
    return app


def build_server(deps: ServerDependencies) -> Server:
    authenticator = Authenticator(deps.auth, deps.logger)
    server: Server

    api = _application()
    # Every business route is registered on this router, so none can be added
    # without the token check (it runs before the body is read).
    business = APIRouter(dependencies=[Depends(authenticator)])
{%- if values.ownsTables %}
    assert deps.accounts is not None
{%- if values.runsJobs %}
    assert deps.jobs is not None
    account_routes(business, openapi=deps.openapi, accounts=deps.accounts, jobs=deps.jobs, logger=deps.logger)
{%- else %}
    account_routes(business, openapi=deps.openapi, accounts=deps.accounts)
{%- endif %}
{%- else %}
{%- if values.runsJobs %}
    assert deps.jobs is not None
    quote_routes(business, openapi=deps.openapi, jobs=deps.jobs, logger=deps.logger)
{%- else %}
    quote_routes(business, openapi=deps.openapi)
{%- endif %}
{%- endif %}
    api.include_router(business)

    management = _application()
    system_routes(
        management,
        metrics=deps.metrics,
        openapi=deps.openapi,
        readiness=deps.readiness,
        is_draining=lambda: server.draining,
        logger=deps.logger,
    )

    api_app: ASGIApp = RequestContext(
        api, logger=deps.logger, metrics=deps.metrics, log_requests=deps.log_requests, tracing=deps.tracing
    )
    if deps.tracing:
        from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

        # One server span per request; no spans for each read and write of the body.
        api_app = OpenTelemetryMiddleware(api_app, exclude_spans=["receive", "send"])
    server = Server(
        api=api_app,
        management=RequestContext(management, logger=deps.logger),
        authenticator=authenticator,
    )
    return server
