"""The management port's routes: probes, metrics and the OpenAPI document,
for the kubelet and Prometheus inside the cluster, never published."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response

from app.api.problems import json_response, to_json
from app.infrastructure.logger import Logger
from app.infrastructure.metrics import Metrics

CHECK_TIMEOUT_SECONDS = 1.0


@dataclass(frozen=True)
class ReadinessCheck:
    """One dependency /readyz checks. `check` raises when it is unusable."""

    name: str
    check: Callable[[], Awaitable[None]]


def system_routes(
    app: FastAPI,
    *,
    metrics: Metrics,
    openapi: dict,
    readiness: list[ReadinessCheck],
    is_draining: Callable[[], bool],
    logger: Logger,
) -> None:
    document = to_json(openapi)

    # Liveness: the event loop answers. Never checks dependencies, or an
    # outage of PostgreSQL would make Kubernetes restart every pod.
    async def healthz(request: Request) -> Response:
        return json_response(200, {"status": "ok"})

    # Readiness: can this pod serve traffic now?
    async def readyz(request: Request) -> Response:
        if is_draining():
            return json_response(503, {"status": "draining", "checks": {}})

        async def run(check: ReadinessCheck) -> tuple[str, str]:
            try:
                await asyncio.wait_for(check.check(), CHECK_TIMEOUT_SECONDS)
            except Exception as error:
                logger.warn("readiness check failed", err=error, dependency=check.name)
                return check.name, "failed"
            return check.name, "ok"

        results = await asyncio.gather(*(run(check) for check in readiness))
        ready = all(state == "ok" for _, state in results)
        return json_response(
            200 if ready else 503, {"status": "ready" if ready else "not-ready", "checks": dict(results)}
        )

    async def metrics_text(request: Request) -> Response:
        await metrics.refresh()
        body, content_type = metrics.exposition()
        return Response(content=body, media_type=content_type)

    async def openapi_json(request: Request) -> Response:
        return json_response(200, document)

    app.add_api_route("/healthz", healthz, methods=["GET"])
    app.add_api_route("/readyz", readyz, methods=["GET"])
    app.add_api_route("/metrics", metrics_text, methods=["GET"])
    app.add_api_route("/openapi.json", openapi_json, methods=["GET"])
