"""Every response the running service gives is checked against
openapi/openapi.yaml: its status must be documented for the operation, its
media type and body must match, and documented headers must match their
schema. The last test fails if a documented response was never exercised, so
a new response in the document needs a case here. (test_schemathesis.py
then throws generated requests at every operation.)"""

import asyncio
{%- if values.ownsTables %}
import uuid
{%- endif %}
from collections.abc import AsyncIterator
from typing import Any

import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from app.api.openapi import inline_schema, load_openapi, resolve_ref, validator_for
from tests.support.auth import Issuer
from tests.support.service import TEST_OPTIONS, Reply, RunningService, request, start_service

DOCUMENT = load_openapi()
SPEC_ID = "https://contract.test/openapi.json"
REGISTRY = Registry().with_resource(SPEC_ID, Resource.from_contents(DOCUMENT, default_specification=DRAFT202012))

DOCUMENTED = {
    f"{method.upper()} {path} {status}"
    for path, operations in DOCUMENT["paths"].items()
    for method, operation in operations.items()
    for status in operation["responses"]
}
EXERCISED: set[str] = set()


def escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def conforms(method: str, spec_path: str, res: Reply) -> None:
    """Checks one real response against the document."""
    key = f"{method} {spec_path} {res.status}"
    responses = DOCUMENT["paths"][spec_path][method.lower()]["responses"]
    documented = responses.get(str(res.status))
    assert documented is not None, f"{key} is documented"
    response = resolve_ref(DOCUMENT, documented)
    # Where the response lives, as a JSON pointer into the document.
    base = (
        documented["$ref"][1:]
        if "$ref" in documented
        else f"/paths/{escape(spec_path)}/{method.lower()}/responses/{res.status}"
    )

    content_type = res.headers.get("content-type", "").split(";")[0].strip()
    assert content_type in response.get("content", {}), f"{key} content type {content_type}"
    validator = validator_for({"$ref": f"{SPEC_ID}#{base}/content/{escape(content_type)}/schema"}, REGISTRY)
    body = res.body if res.body is not None else res.text
    problems = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert problems == [], f"{key} body"

    for name, header in response.get("headers", {}).items():
        value = res.headers.get(name)
        if value is None:
            continue
        schema = inline_schema(DOCUMENT, resolve_ref(DOCUMENT, header)["schema"])
        assert list(validator_for(schema).iter_errors(value)) == [], f"{key} header {name}"
    EXERCISED.add(key)


@pytest.fixture(scope="module")
async def service(service_env: dict[str, str]) -> AsyncIterator[RunningService]:
    running = await start_service(service_env, **TEST_OPTIONS)
    yield running
    await running.stop()


async def call(service: RunningService, method: str, spec_path: str, path: str, **options: Any) -> Reply:
    base = service.base_url if spec_path.startswith("/v1/") else service.management_url
    res = await request(base, method, path, **options)
    conforms(method, spec_path, res)
    return res


async def test_operations(service: RunningService) -> None:
    assert (await call(service, "GET", "/healthz", "/healthz")).status == 200
    assert (await call(service, "GET", "/readyz", "/readyz")).status == 200
    assert (await call(service, "GET", "/metrics", "/metrics")).status == 200
    spec = await call(service, "GET", "/openapi.json", "/openapi.json")
    # What is served is the document these tests check against.
    assert spec.body == DOCUMENT


async def test_readiness_while_draining(service_env: dict[str, str]) -> None:
    draining = await start_service(service_env, drain_delay_ms=200, **TEST_OPTIONS)
    stopped = asyncio.create_task(draining.stop())
    await asyncio.sleep(0.05)
    res = await request(draining.management_url, "GET", "/readyz")
    conforms("GET", "/readyz", res)
    assert res.status == 503
    await stopped
{%- if values.ownsTables %}


async def test_accounts(service: RunningService) -> None:
    created = await call(
        service, "POST", "/v1/accounts", "/v1/accounts", body={"currency": "EUR", "ownerId": "member-1"}
    )
    assert created.status == 201
    assert created.headers["location"] == f"/v1/accounts/{created.body['id']}"
    assert (await call(service, "POST", "/v1/accounts", "/v1/accounts", body={"currency": "euro"})).status == 400

    account = created.body["id"]
    spec = "/v1/accounts/{accountId}"
    assert (await call(service, "GET", spec, f"/v1/accounts/{account}")).status == 200
    assert (await call(service, "GET", spec, "/v1/accounts/42")).status == 400
    assert (await call(service, "GET", spec, f"/v1/accounts/{uuid.uuid4()}")).status == 404


async def test_transactions(service: RunningService) -> None:
    created = await request(service.base_url, "POST", "/v1/accounts", body={"currency": "EUR", "ownerId": "member-1"})
    path = f"/v1/accounts/{created.body['id']}/transactions"
    spec = "/v1/accounts/{accountId}/transactions"
    body = {"type": "credit", "amount": 500, "currency": "EUR", "reference": "order-1"}
    key = str(uuid.uuid4())

    first = await call(service, "POST", spec, path, body=body, headers={"idempotency-key": key})
    assert first.status == 201
    replay = await call(service, "POST", spec, path, body=body, headers={"idempotency-key": key})
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.body == first.body

    reused = await call(service, "POST", spec, path, body={**body, "amount": 1}, headers={"idempotency-key": key})
    assert reused.status == 422
    debit = {**body, "type": "debit", "amount": 501}
    overdraft = await call(service, "POST", spec, path, body=debit, headers={"idempotency-key": str(uuid.uuid4())})
    assert overdraft.status == 422
    assert (await call(service, "POST", spec, path, body=body)).status == 400
    unknown = f"/v1/accounts/{uuid.uuid4()}/transactions"
    assert (
        await call(service, "POST", spec, unknown, body=body, headers={"idempotency-key": str(uuid.uuid4())})
    ).status == 404
{%- else %}


async def test_quotes(service: RunningService) -> None:
    spec = "/v1/quotes/points"
    quoted = await call(service, "POST", spec, spec, body={"amount": 12_345, "currency": "EUR", "tier": "silver"})
    assert quoted.status == 200
    assert (await call(service, "POST", spec, spec, body={"amount": 12_345, "currency": "EUR"})).status == 400
    refused = await call(service, "POST", spec, spec, body={"amount": 100, "currency": "SEK", "tier": "gold"})
    assert refused.status == 422
{%- endif %}


async def test_authentication_and_access(service: RunningService, service_env: dict[str, str], issuer: Issuer) -> None:
    someone_else = issuer.token("member-2")
{%- if values.ownsTables %}
    created = await request(service.base_url, "POST", "/v1/accounts", body={"currency": "EUR", "ownerId": "member-1"})
    account = created.body["id"]
    operations: list[tuple[str, str, str, dict[str, Any]]] = [
        ("POST", "/v1/accounts", "/v1/accounts", {"body": {"currency": "EUR", "ownerId": "member-1"}}),
        ("GET", "/v1/accounts/{accountId}", f"/v1/accounts/{account}", {}),
        (
            "POST",
            "/v1/accounts/{accountId}/transactions",
            f"/v1/accounts/{account}/transactions",
            {
                "body": {"type": "debit", "amount": 1, "currency": "EUR", "reference": "order-1"},
                "headers": {"idempotency-key": str(uuid.uuid4())},
            },
        ),
    ]
{%- else %}
    quote = {"amount": 100, "currency": "EUR", "tier": "gold"}
    operations: list[tuple[str, str, str, dict[str, Any]]] = [
        ("POST", "/v1/quotes/points", "/v1/quotes/points", {"body": quote}),
    ]
{%- endif %}
    # Keys that cannot be fetched: a port nothing listens on.
    keys_down = await start_service({**service_env, "AUTH_JWKS_URL": "http://127.0.0.1:9/jwks.json"}, **TEST_OPTIONS)
    try:
        for method, spec, path, options in operations:
            anonymous = await call(service, method, spec, path, **options, token=None)
            assert anonymous.status == 401, f"{method} {spec}"
            assert anonymous.headers["www-authenticate"].startswith("Bearer realm=")
            other = await call(service, method, spec, path, **options, token=someone_else)
            assert other.status == {% if values.ownsTables %}403{% else %}200{% endif %}, f"{method} {spec}"
            unavailable = await call(keys_down, method, spec, path, **options, token=someone_else)
            assert unavailable.status == 503, f"{method} {spec}"
            assert unavailable.headers["retry-after"] == "5"
    finally:
        await keys_down.stop()


def test_exercised_every_documented_response() -> None:
    assert sorted(DOCUMENTED - EXERCISED) == []
