"""Who may do what with an account, through the API with real tokens: a
member reads and spends only their own wallet; services act through their
scopes. A refused request writes nothing."""

import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from app.infrastructure.postgres.sql import SCHEMA
from tests.support.auth import Issuer
from tests.support.postgres import Database
from tests.support.service import Reply, RunningService, request, start_service


@pytest.fixture(scope="module")
async def service(service_env: dict[str, str]) -> AsyncIterator[RunningService]:
    running = await start_service(service_env, run_background=False)
    yield running
    await running.stop()


@pytest.fixture(scope="module")
async def db(database: Database) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(database.url, min_size=0, max_size=2)
    yield pool
    await pool.close()


@pytest.fixture(scope="module")
def tokens(issuer: Issuer) -> dict[str, str]:
    return {
        "alice": issuer.token("member-alice"),
        "bob": issuer.token("member-bob"),
        "reader": issuer.token("svc-statements", "accounts:read"),
        "writer": issuer.token("svc-checkout", "accounts:read accounts:write"),
    }


class Calls:
    def __init__(self, service: RunningService, db: asyncpg.Pool) -> None:
        self.service = service
        self.db = db

    async def open(self, token: str, body: dict[str, Any] | None = None) -> Reply:
        return await request(
            self.service.base_url, "POST", "/v1/accounts", body=body or {"currency": "EUR"}, token=token
        )

    async def read(self, token: str, account: str) -> Reply:
        return await request(self.service.base_url, "GET", f"/v1/accounts/{account}", token=token)

    async def post(self, token: str, account: str, type: str, amount: int, key: str | None = None) -> Reply:
        return await request(
            self.service.base_url,
            "POST",
            f"/v1/accounts/{account}/transactions",
            body={"type": type, "amount": amount, "currency": "EUR", "reference": "order-1"},
            headers={"idempotency-key": key or str(uuid.uuid4())},
            token=token,
        )

    async def key_stored(self, key: str) -> bool:
        return await self.db.fetchval(f"SELECT count(*) FROM {SCHEMA}.idempotency_keys WHERE key = $1", key) == 1


@pytest.fixture
def calls(service: RunningService, db: asyncpg.Pool) -> Calls:
    return Calls(service, db)


async def test_a_member_opens_their_own_account_reads_it_and_spends_once_a_service_credited_it(
    calls: Calls, tokens: dict[str, str]
) -> None:
    opened = await calls.open(tokens["alice"])
    assert opened.status == 201
    assert opened.body["ownerId"] == "member-alice"
    account = opened.body["id"]
    read = await calls.read(tokens["alice"], account)
    assert (read.body["id"], read.body["ownerId"], read.body["balance"]) == (account, "member-alice", 0)

    assert (await calls.post(tokens["writer"], account, "credit", 1_000)).status == 201
    spent = await calls.post(tokens["alice"], account, "debit", 300)
    assert spent.status == 201
    assert spent.body["balanceAfter"] == 700


async def test_a_member_neither_reads_nor_spends_someone_elses_wallet_and_the_refusal_writes_nothing(
    calls: Calls, tokens: dict[str, str]
) -> None:
    account = (await calls.open(tokens["writer"], {"currency": "EUR", "ownerId": "member-alice"})).body["id"]
    await calls.post(tokens["writer"], account, "credit", 500)

    peek = await calls.read(tokens["bob"], account)
    assert peek.status == 403
    assert (peek.body["status"], peek.body["code"]) == (403, "forbidden")
    assert "500" not in peek.text

    key = str(uuid.uuid4())
    theft = await calls.post(tokens["bob"], account, "debit", 500, key)
    assert theft.status == 403
    assert not await calls.key_stored(key)
    assert (await calls.read(tokens["alice"], account)).body["balance"] == 500


async def test_a_member_cannot_credit_their_own_wallet_nor_open_an_account_for_someone_else(
    calls: Calls, tokens: dict[str, str]
) -> None:
    account = (await calls.open(tokens["alice"])).body["id"]
    key = str(uuid.uuid4())
    minted = await calls.post(tokens["alice"], account, "credit", 1_000_000, key)
    assert minted.status == 403
    assert "accounts:write" in minted.body["title"]
    assert not await calls.key_stored(key)
    assert (await calls.read(tokens["alice"], account)).body["balance"] == 0

    assert (await calls.open(tokens["alice"], {"currency": "EUR", "ownerId": "member-bob"})).status == 403
    assert (await calls.open(tokens["alice"], {"currency": "EUR", "ownerId": "member-alice"})).status == 201


async def test_a_service_with_accounts_read_reads_any_account_and_changes_none(
    calls: Calls, tokens: dict[str, str]
) -> None:
    account = (await calls.open(tokens["alice"])).body["id"]
    assert (await calls.read(tokens["reader"], account)).status == 200
    assert (await calls.post(tokens["reader"], account, "debit", 1)).status == 403
    assert (await calls.open(tokens["reader"], {"currency": "EUR", "ownerId": "member-alice"})).status == 403


async def test_a_service_with_accounts_write_opens_accounts_for_a_member_who_must_be_named(
    calls: Calls, tokens: dict[str, str]
) -> None:
    opened = await calls.open(tokens["writer"], {"currency": "EUR", "ownerId": "member-bob"})
    assert opened.status == 201
    assert opened.body["ownerId"] == "member-bob"
    assert (await calls.read(tokens["bob"], opened.body["id"])).status == 200

    unnamed = await calls.open(tokens["writer"])
    assert unnamed.status == 400
    assert unnamed.body["code"] == "owner-required"


async def test_an_unknown_account_is_404_for_its_would_be_owner_too_before_any_key_is_claimed(
    calls: Calls, tokens: dict[str, str]
) -> None:
    key = str(uuid.uuid4())
    assert (await calls.post(tokens["alice"], str(uuid.uuid4()), "debit", 1, key)).status == 404
    assert not await calls.key_stored(key)
