"""The real service, wired by the real bootstrap, listening on free loopback
ports of the test run's event loop, verifying tokens of the test issuer
(auth.py); and an HTTP client to call it."""

from __future__ import annotations

import asyncio
import json
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from app.bootstrap import App, AppOptions, create_app
from app.config import load_config
from app.infrastructure.logger import Logger, create_logger
from tests.support.auth import ALL_SCOPES, get_issuer

#: AppOptions of a service under test{% if values.ownsTables or values.runsJobs %}: no background work (tests start it when they need it){% endif %}.
TEST_OPTIONS: dict[str, Any] = {% if values.ownsTables or values.runsJobs %}{"run_background": False}{% else %}{}{% endif %}


@dataclass
class RunningService:
    app: App
    #: The API (/v1), as the gateway reaches it.
    base_url: str
    #: Probes, /metrics and /openapi.json.
    management_url: str

    async def stop(self) -> None:
        await self.app.stop()


async def start_service(
    env: Mapping[str, str] | None = None, *, logger: Logger | None = None, **options: Any
) -> RunningService:
    """`env` overrides the environment (DATABASE_URL of the test's own
    database, for instance); `options` are AppOptions. Logs are silent unless
    TEST_LOG_LEVEL is set."""
    issuer = get_issuer()
    config = load_config(
        {
            **os.environ,
            "AUTH_ISSUER": issuer.issuer,
            "AUTH_AUDIENCE": issuer.audience,
            "AUTH_JWKS_URL": issuer.jwks_url,
            "SHUTDOWN_DRAIN_MS": "0",
            **(env or {}),
            "PORT": "0",
            "MANAGEMENT_PORT": "0",
        }
    )
    logger = logger or create_logger(level=os.environ.get("TEST_LOG_LEVEL", "silent"), service_name=config.service_name)
    app = await create_app(config, AppOptions(host="127.0.0.1", logger=logger, **options))
    base_url, management_url = await app.start()
    return RunningService(app=app, base_url=base_url, management_url=management_url)


@dataclass
class Reply:
    status: int
    headers: httpx.Headers
    #: The parsed JSON body, or None when the response is not JSON.
    body: Any
    text: str


_client: httpx.AsyncClient | None = None
_service_token: str | None = None
_DEFAULT: Any = object()


def client() -> httpx.AsyncClient:
    global _client
    if _client is None:
        _client = httpx.AsyncClient(trust_env=False, timeout=30)
    return _client


async def close_client() -> None:
    global _client
    if _client is not None:
        await _client.aclose()
        _client = None


def service_token() -> str:
    """A token of a service holding every scope of this API."""
    global _service_token
    if _service_token is None:
        _service_token = get_issuer().token("svc-test-caller", ALL_SCOPES or None)
    return _service_token


async def request(
    base_url: str,
    method: str,
    path: str,
    *,
    body: Any = _DEFAULT,
    headers: Mapping[str, str] | None = None,
    token: str | None = _DEFAULT,
) -> Reply:
    """An HTTP call with a JSON body. Calls to /v1 carry the token of a
    service holding every scope, unless `token` gives another one (None: none)."""
    if token is _DEFAULT:
        token = service_token() if path.startswith("/v1/") else None
    sent: dict[str, str] = {}
    if body is not _DEFAULT:
        sent["content-type"] = "application/json"
    if token:
        sent["authorization"] = f"Bearer {token}"
    sent.update(headers or {})
    response = await client().request(
        method,
        f"{base_url}{path}",
        headers=sent,
        content=json.dumps(body).encode() if body is not _DEFAULT else None,
    )
    text = response.text
    is_json = "json" in response.headers.get("content-type", "")
    return Reply(
        status=response.status_code, headers=response.headers, body=json.loads(text) if is_json else None, text=text
    )


_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (.+)$")
_LABEL = re.compile(r'([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"')


def sample_value(metrics_text: str, name: str, labels: Mapping[str, str] | None = None) -> float | None:
    """Value of one sample in Prometheus text format, or None if absent."""
    for line in metrics_text.splitlines():
        match = _SAMPLE.match(line)
        if not match or match.group(1) != name:
            continue
        found = dict(_LABEL.findall(match.group(3) or ""))
        if all(found.get(key) == value for key, value in (labels or {}).items()):
            return float(match.group(4))
    return None


class ServiceInThread:
    """The service on an event loop of its own, in a thread, for tests that
    call it synchronously (schemathesis):

        with ServiceInThread(env) as service:
            ...
    """

    def __init__(self, env: Mapping[str, str] | None = None, **options: Any) -> None:
        self._env = env
        self._options = options
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="service", daemon=True)
        self.service: RunningService | None = None

    def __enter__(self) -> RunningService:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(start_service(self._env, **self._options), self._loop)
        self.service = future.result(timeout=30)
        return self.service

    def __exit__(self, *_: object) -> None:
        if self.service is not None:
            asyncio.run_coroutine_threadsafe(self.service.stop(), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()
