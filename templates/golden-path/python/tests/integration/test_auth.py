"""Bearer tokens on the API, checked against a real JWKS endpoint: what a
caller without a good token gets, whatever the route."""

import base64
import json
import re
import time
from collections.abc import AsyncIterator, Callable

import pytest

from app.config import SERVICE
from tests.support.auth import Issuer
from tests.support.service import TEST_OPTIONS, Reply, RunningService, request, start_service

{% if values.ownsTables -%}
# A member's own call: open their account.
PATH = "/v1/accounts"
BODY = {"currency": "EUR"}
OK = 201
{%- else -%}
PATH = "/v1/quotes/points"
BODY = {"amount": 1000, "currency": "EUR", "tier": "gold"}
OK = 200
{%- endif %}


@pytest.fixture(scope="module")
async def service(service_env: dict[str, str]) -> AsyncIterator[RunningService]:
    running = await start_service(service_env, **TEST_OPTIONS)
    yield running
    await running.stop()


async def call(service: RunningService, token: str | None) -> Reply:
    return await request(service.base_url, "POST", PATH, body=BODY, token=token)


async def test_serves_a_caller_whose_token_the_identity_provider_signed_for_this_service(
    service: RunningService, issuer: Issuer
) -> None:
    assert (await call(service, issuer.token("member-1"))).status == OK


async def test_answers_401_with_a_bearer_challenge_without_a_token_and_reads_nothing_of_the_request(
    service: RunningService,
) -> None:
    res = await request(service.base_url, "POST", PATH, body={"not": "what the API takes"}, token=None)
    # Not 400: an anonymous caller learns nothing about the request format.
    assert res.status == 401
    assert res.body["status"] == 401
    assert res.body["code"] == "unauthenticated"
    assert res.headers["www-authenticate"] == f'Bearer realm="{SERVICE.name}"'
    basic = await request(
        service.base_url, "POST", PATH, body={}, token=None, headers={"authorization": "Basic dXNlcjpwYXNz"}
    )
    assert basic.status == 401


@pytest.mark.parametrize(
    ("what", "make", "reason"),
    [
        ("expired", lambda issuer: issuer.token("member-1", expires_in=-120), "expired"),
        ("for another service", lambda issuer: issuer.token("member-1", audience="svc-other"), '"aud" claim'),
        ("from another issuer", lambda issuer: issuer.token("member-1", issuer="https://evil.example/"), '"iss" claim'),
        ("signed with a key it does not publish", lambda issuer: issuer.foreign_token("member-1"), "signature"),
        ("not a JWT", lambda issuer: "abc.def.ghi", "malformed"),
        ("with a subject that is no id", lambda issuer: issuer.token("jane doe@example.com"), "subject"),
    ],
)
async def test_refuses_a_bad_token_with_401_invalid_token_saying_why(
    service: RunningService, issuer: Issuer, what: str, make: Callable[[Issuer], str], reason: str
) -> None:
    res = await call(service, make(issuer))
    assert res.status == 401, what
    assert res.body["code"] == "invalid-token"
    assert reason in res.body["title"]
    assert re.match(r'^Bearer realm="[^"]+", error="invalid_token"', res.headers["www-authenticate"])


async def test_refuses_an_unsigned_token(service: RunningService, issuer: Issuer) -> None:
    def encode(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    now = int(time.time())
    claims = {"sub": "member-1", "iss": issuer.issuer, "aud": issuer.audience, "exp": now + 300}
    unsigned = f"{encode({'alg': 'none', 'typ': 'JWT'})}.{encode(claims)}."
    assert (await call(service, unsigned)).status == 401


async def test_remembers_a_verified_token_until_it_expires_or_for_a_minute(
    service: RunningService, issuer: Issuer
) -> None:
    token = issuer.token("member-1", expires_in=300)
    assert (await call(service, token)).status == OK
    principal = await service.app.server.authenticator.verify(f"Bearer {token}")
    assert principal.subject == "member-1"
    _, until = service.app.server.authenticator._verified[token]
    assert until <= time.time() + 60


async def test_answers_503_with_retry_after_not_401_while_the_keys_cannot_be_fetched_and_stays_up(
    service_env: dict[str, str], issuer: Issuer
) -> None:
    # A port nothing listens on.
    keys_down = await start_service({**service_env, "AUTH_JWKS_URL": "http://127.0.0.1:9/jwks.json"}, **TEST_OPTIONS)
    try:
        res = await request(keys_down.base_url, "POST", PATH, body=BODY, token=issuer.token("member-1"))
        assert res.status == 503
        assert res.body["code"] == "auth-unavailable"
        assert res.headers["retry-after"] == "5"
        assert (await request(keys_down.management_url, "GET", "/healthz")).status == 200
    finally:
        await keys_down.stop()
