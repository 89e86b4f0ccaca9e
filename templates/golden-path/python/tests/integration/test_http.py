"""The service as Kubernetes and Prometheus see it: probes, metrics, errors, logs, draining."""

import asyncio
import io
import json
import re
from collections.abc import AsyncIterator

import httpx
import pytest

from app.infrastructure.logger import create_logger
from tests.support.auth import Issuer
from tests.support.service import TEST_OPTIONS, RunningService, request, sample_value, service_token, start_service

{% if values.ownsTables -%}
PATH = "/v1/accounts"
{%- else -%}
PATH = "/v1/quotes/points"
{%- endif %}


@pytest.fixture(scope="module")
async def service(service_env: dict[str, str]) -> AsyncIterator[RunningService]:
    running = await start_service(service_env, **TEST_OPTIONS)
    yield running
    await running.stop()


async def test_answers_liveness_without_touching_dependencies(service: RunningService) -> None:
    res = await request(service.management_url, "GET", "/healthz")
    assert res.status == 200
    assert res.body == {"status": "ok"}


async def test_is_ready_when_its_dependencies_answer(service: RunningService) -> None:
    res = await request(service.management_url, "GET", "/readyz")
    assert res.status == 200
    assert res.body == {"status": "ready", "checks": {% if values.ownsTables or values.runsJobs %}{ {%- if values.ownsTables %}"postgres": "ok"{% endif %}{% if values.ownsTables and values.runsJobs %}, {% endif %}{% if values.runsJobs %}"redis": "ok"{% endif -%} }{% else %}{}{% endif %}}


async def test_counts_api_requests_by_templated_route_and_status_not_probes(service: RunningService) -> None:
{%- if values.ownsTables %}
    created = await request(service.base_url, "POST", "/v1/accounts", body={"currency": "EUR", "ownerId": "member-1"})
    assert created.status == 201
    await request(service.base_url, "GET", f"/v1/accounts/{created.body['id']}")
    route = {"method": "GET", "route": "/v1/accounts/:accountId", "status_code": "200"}
{%- else %}
    quoted = await request(
        service.base_url, "POST", "/v1/quotes/points", body={"amount": 1000, "currency": "EUR", "tier": "gold"}
    )
    assert quoted.status == 200
    route = {"method": "POST", "route": "/v1/quotes/points", "status_code": "200"}
{%- endif %}
    await request(service.base_url, "GET", "/no/such/route")

    metrics = await request(service.management_url, "GET", "/metrics")
    assert metrics.status == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    assert sample_value(metrics.text, "http_request_duration_seconds_count", route) == 1
    unmatched = {"route": "unmatched", "status_code": "404"}
    assert sample_value(metrics.text, "http_request_duration_seconds_count", unmatched) == 1
    # The objective's bucket exists, so the latency SLI can be computed.
    le = repr(${{ values.sloLatencyP99Ms | dump }} / 1000)
    assert sample_value(metrics.text, "http_request_duration_seconds_bucket", {**route, "le": le}) == 1
    assert not re.search(r'route="/(healthz|readyz|metrics)"', metrics.text)
    assert "process_cpu_seconds_total" in metrics.text


async def test_answers_unknown_routes_and_malformed_bodies_with_problem_details(
    service: RunningService, issuer: Issuer
) -> None:
    missing = await request(service.base_url, "GET", "/no/such/route")
    assert missing.status == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert missing.body["status"] == 404
    assert missing.body["code"] == "not-found"

    async with httpx.AsyncClient(trust_env=False) as client:
        res = await client.post(
            f"{service.base_url}{PATH}",
            headers={"content-type": "application/json", "authorization": f"Bearer {service_token()}"},
            content=b'{"not json',
        )
        assert res.status_code == 400
        assert res.json()["status"] == 400
        assert res.json()["type"] == "about:blank"
        wrong_type = await client.post(
            f"{service.base_url}{PATH}",
            headers={"content-type": "text/plain", "authorization": f"Bearer {service_token()}"},
            content=b"hello",
        )
        assert wrong_type.status_code == 415
        too_large = await client.post(
            f"{service.base_url}{PATH}",
            headers={"content-type": "application/json", "authorization": f"Bearer {service_token()}"},
            content=json.dumps({"pad": "x" * 20_000}).encode(),
        )
        assert too_large.status_code == 413
        assert too_large.headers["content-type"] == "application/problem+json"


async def test_echoes_the_caller_request_id_or_makes_one(service: RunningService) -> None:
    given = await request(service.management_url, "GET", "/healthz", headers={"x-request-id": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = await request(service.management_url, "GET", "/healthz")
    assert re.fullmatch(r"[0-9a-f-]{36}", made.headers["x-request-id"])


async def test_serves_probes_metrics_and_its_description_on_the_management_port_only(
    service: RunningService,
) -> None:
    for path in ["/healthz", "/readyz", "/metrics", "/openapi.json"]:
        assert (await request(service.base_url, "GET", path)).status == 404, path
        assert (await request(service.management_url, "GET", path)).status == 200, path
    assert (await request(service.management_url, "GET", PATH)).status == 404
    # A method the path does not serve is no route either.
    assert (await request(service.base_url, "DELETE", PATH)).status == 404


@pytest.mark.parametrize("mode", ["failed-or-slow", "all"])
async def test_logs_the_requests_worth_reading_unless_told_to_log_all_never_a_token(
    service_env: dict[str, str], mode: str
) -> None:
    stream = io.StringIO()
    logger = create_logger(level="info", service_name="svc-test", stream=stream)
    logged = await start_service({**service_env, "LOG_REQUESTS": mode}, logger=logger, **TEST_OPTIONS)
    try:
{%- if values.ownsTables %}
        ok = await request(logged.base_url, "POST", PATH, body={"currency": "EUR", "ownerId": "member-1"})
        assert ok.status == 201
{%- else %}
        ok = await request(logged.base_url, "POST", PATH, body={"amount": 1000, "currency": "EUR", "tier": "gold"})
        assert ok.status == 200
{%- endif %}
        refused = await request(logged.base_url, "POST", PATH, body={}, token="not-a-jwt")
        assert refused.status == 401
    finally:
        await logged.stop()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    completed = [line["res"]["statusCode"] for line in lines if line["message"] == "request completed"]
    assert completed == ([{% if values.ownsTables %}201{% else %}200{% endif %}, 401] if mode == "all" else [401])
    assert "not-a-jwt" not in stream.getvalue()


async def test_serves_its_openapi_description(service: RunningService) -> None:
    res = await request(service.management_url, "GET", "/openapi.json")
    assert res.status == 200
    assert res.body["info"]["title"] == ${{ values.name | dump }}
{%- if values.ownsTables or values.runsJobs %}


async def test_is_not_ready_when_a_dependency_is_unreachable_and_still_alive(service_env: dict[str, str]) -> None:
    # A port nothing listens on: connections are refused at once.
    stream = io.StringIO()
    logger = create_logger(level="info", service_name="svc-test", stream=stream)
    unreachable = {
        **service_env,
{%- if values.ownsTables %}
        "DATABASE_URL": "postgres://nobody:nothing@127.0.0.1:9/none",
{%- endif %}
{%- if values.runsJobs %}
        "REDIS_URL": "redis://127.0.0.1:9",
{%- endif %}
    }
    broken = await start_service(unreachable, logger=logger, **TEST_OPTIONS)
    try:
        ready = await request(broken.management_url, "GET", "/readyz")
        assert ready.status == 503
        assert ready.body["status"] == "not-ready"
        assert "failed" in ready.body["checks"].values()
        assert (await request(broken.management_url, "GET", "/healthz")).status == 200
{%- if values.ownsTables %}
        # A request that needs the database: a bare 500, its cause in the logs only.
        failed = await request(broken.base_url, "POST", PATH, body={"currency": "EUR", "ownerId": "member-1"})
        assert failed.status == 500
        assert failed.body == {
            "type": "about:blank",
            "title": "Internal error",
            "status": 500,
            "code": "internal-error",
        }
{%- else %}
        # A quote needs no Redis: it is answered, and the job that could not be enqueued is logged.
        quoted = await request(broken.base_url, "POST", PATH, body={"amount": 1000, "currency": "EUR", "tier": "gold"})
        assert quoted.status == 200
{%- endif %}
    finally:
        await broken.stop()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
{%- if values.ownsTables %}
    assert [line["req"]["route"] for line in lines if line["message"] == "request failed"] == [PATH]
{%- else %}
    assert [line["job"] for line in lines if line["message"] == "could not enqueue a job"] == ["points_quoted"]
{%- endif %}
{%- endif %}


async def test_fails_readiness_as_soon_as_it_starts_draining_then_stops(service_env: dict[str, str]) -> None:
    draining = await start_service(service_env, drain_delay_ms=300, **TEST_OPTIONS)
    stopped = asyncio.create_task(draining.stop())
    await asyncio.sleep(0.05)
    during = await request(draining.management_url, "GET", "/readyz")
    assert during.status == 503
    assert during.body["status"] == "draining"
    await stopped
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient(trust_env=False) as client:
            await client.get(f"{draining.management_url}/healthz")
