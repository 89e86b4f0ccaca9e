"""Accounts against a real PostgreSQL: idempotent writes, row locks, no
overdraft under concurrency."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from app.infrastructure.postgres.sql import SCHEMA
from tests.support.postgres import Database
from tests.support.service import Reply, RunningService, request, start_service


@pytest.fixture(scope="module")
async def service(service_env: dict[str, str]) -> AsyncIterator[RunningService]:
    # Background work off: key pruning is called by the test below.
    running = await start_service({**service_env, "DATABASE_POOL_MAX": "25"}, run_background=False)
    yield running
    await running.stop()


@pytest.fixture(scope="module")
async def db(database: Database) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(database.url, min_size=0, max_size=2)
    yield pool
    await pool.close()


async def open_account(service: RunningService, balance: int = 0) -> str:
    created = await request(service.base_url, "POST", "/v1/accounts", body={"currency": "EUR", "ownerId": "member-1"})
    assert created.status == 201
    if balance > 0:
        credited = await post(service, created.body["id"], {"type": "credit", "amount": balance})
        assert credited.status == 201
    return created.body["id"]


async def post(service: RunningService, account_id: str, body: dict[str, Any], key: str | None = None) -> Reply:
    return await request(
        service.base_url,
        "POST",
        f"/v1/accounts/{account_id}/transactions",
        body={"currency": "EUR", "reference": "order-1", **body},
        headers={"idempotency-key": key or str(uuid.uuid4())},
    )


async def balance_of(service: RunningService, account_id: str) -> int:
    res = await request(service.base_url, "GET", f"/v1/accounts/{account_id}")
    assert res.status == 200
    return res.body["balance"]


async def test_opens_an_account_with_a_zero_balance_and_reads_it_back(service: RunningService) -> None:
    created = await request(service.base_url, "POST", "/v1/accounts", body={"currency": "EUR", "ownerId": "member-1"})
    assert created.status == 201
    assert created.headers["location"] == f"/v1/accounts/{created.body['id']}"
    assert created.body["currency"] == "EUR"
    assert created.body["balance"] == 0
    read = await request(service.base_url, "GET", f"/v1/accounts/{created.body['id']}")
    assert read.body == created.body


async def test_credits_and_debits_in_integer_minor_units(service: RunningService) -> None:
    account = await open_account(service)
    credit = await post(service, account, {"type": "credit", "amount": 1_050})
    assert credit.status == 201
    assert {k: credit.body[k] for k in ("accountId", "type", "amount", "balanceAfter")} == {
        "accountId": account,
        "type": "credit",
        "amount": 1_050,
        "balanceAfter": 1_050,
    }
    debit = await post(service, account, {"type": "debit", "amount": 50})
    assert debit.body["balanceAfter"] == 1_000
    assert await balance_of(service, account) == 1_000


async def test_replays_the_first_response_to_a_repeated_key_without_writing_twice(
    service: RunningService, db: asyncpg.Pool
) -> None:
    account = await open_account(service)
    key = str(uuid.uuid4())
    first = await post(service, account, {"type": "credit", "amount": 700}, key)
    second = await post(service, account, {"type": "credit", "amount": 700}, key)

    assert first.status == 201
    assert "idempotent-replayed" not in first.headers
    assert second.status == first.status
    assert second.text == first.text  # byte for byte
    assert second.headers["idempotent-replayed"] == "true"
    assert await balance_of(service, account) == 700
    rows = await db.fetch(f"SELECT id FROM {SCHEMA}.account_transactions WHERE account_id = $1", uuid.UUID(account))
    assert len(rows) == 1


async def test_treats_the_same_body_with_keys_in_another_order_as_the_same_request(service: RunningService) -> None:
    account = await open_account(service)
    key = str(uuid.uuid4())
    first = await post(service, account, {"type": "credit", "amount": 5}, key)
    reordered = await request(
        service.base_url,
        "POST",
        f"/v1/accounts/{account}/transactions",
        body={"reference": "order-1", "amount": 5, "currency": "EUR", "type": "credit"},
        headers={"idempotency-key": key},
    )
    assert reordered.status == 201
    assert reordered.body == first.body


async def test_refuses_a_reused_key_with_a_different_body_and_writes_nothing(service: RunningService) -> None:
    account = await open_account(service)
    key = str(uuid.uuid4())
    await post(service, account, {"type": "credit", "amount": 100}, key)
    reused = await post(service, account, {"type": "credit", "amount": 999}, key)
    assert reused.status == 422
    assert reused.headers["content-type"].startswith("application/problem+json")
    assert reused.body["status"] == 422
    assert reused.body["code"] == "idempotency-key-reused"
    assert await balance_of(service, account) == 100

    # The same key on another account is a different request too.
    other = await open_account(service)
    assert (await post(service, other, {"type": "credit", "amount": 100}, key)).body["code"] == "idempotency-key-reused"
    assert await balance_of(service, other) == 0


async def test_answers_concurrent_retries_of_one_request_once(service: RunningService) -> None:
    account = await open_account(service)
    key = str(uuid.uuid4())
    responses = await asyncio.gather(
        *(post(service, account, {"type": "credit", "amount": 40}, key) for _ in range(10))
    )
    assert {r.status for r in responses} == {201}
    assert len({r.body["id"] for r in responses}) == 1
    assert len([r for r in responses if r.headers.get("idempotent-replayed") == "true"]) == 9
    assert await balance_of(service, account) == 40


async def test_never_overdraws_under_20_concurrent_debits(service: RunningService, db: asyncpg.Pool) -> None:
    account = await open_account(service, 100)
    debits = await asyncio.gather(*(post(service, account, {"type": "debit", "amount": 10}) for _ in range(20)))

    accepted = [r for r in debits if r.status == 201]
    refused = [r for r in debits if r.status == 422]
    assert len(accepted) == 10
    assert len(refused) == 10
    assert {r.body["code"] for r in refused} == {"insufficient-funds"}
    assert await balance_of(service, account) == 0
    # Each accepted debit saw the balance left by the one before it.
    assert sorted(r.body["balanceAfter"] for r in accepted) == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]
    net = await db.fetchval(
        f"SELECT sum(CASE type WHEN 'credit' THEN amount_minor ELSE -amount_minor END)::int "
        f"FROM {SCHEMA}.account_transactions WHERE account_id = $1",
        uuid.UUID(account),
    )
    assert net == 0


async def test_refuses_a_debit_below_zero_with_422_and_replays_the_refusal(service: RunningService) -> None:
    account = await open_account(service, 30)
    key = str(uuid.uuid4())
    refused = await post(service, account, {"type": "debit", "amount": 31}, key)
    assert refused.status == 422
    assert refused.body["code"] == "insufficient-funds"
    assert refused.body["status"] == 422
    # Crediting meanwhile does not change the answer to that same request.
    await post(service, account, {"type": "credit", "amount": 100})
    replay = await post(service, account, {"type": "debit", "amount": 31}, key)
    assert replay.status == 422
    assert replay.body == refused.body
    assert await balance_of(service, account) == 130


async def test_refuses_another_currency_and_unknown_accounts(service: RunningService) -> None:
    account = await open_account(service, 10)
    mismatch = await post(service, account, {"type": "credit", "amount": 1, "currency": "GBP"})
    assert mismatch.status == 422
    assert mismatch.body["code"] == "currency-mismatch"

    unknown = str(uuid.uuid4())
    assert (await post(service, unknown, {"type": "credit", "amount": 1})).status == 404
    assert (await request(service.base_url, "GET", f"/v1/accounts/{unknown}")).status == 404


async def test_validates_the_request_against_the_api_description(service: RunningService) -> None:
    account = await open_account(service)
    no_key = await request(
        service.base_url,
        "POST",
        f"/v1/accounts/{account}/transactions",
        body={"type": "credit", "amount": 1, "currency": "EUR", "reference": "r-1"},
    )
    assert no_key.status == 400
    assert no_key.body["errors"][0]["in"] == "headers"

    cases: list[dict[str, Any]] = [
        {"type": "credit", "amount": "100"},  # a string is not an amount
        {"type": "credit", "amount": 1.5},
        {"type": "credit", "amount": 0},
        {"type": "refund", "amount": 1},
        {"type": "credit", "amount": 1, "reference": "jane@example.com"},
        {"type": "credit", "amount": 1, "reference": "order-1\n"},
        {"type": "credit", "amount": 1, "extra": True},
    ]
    for body in cases:
        res = await post(service, account, body)
        assert res.status == 400, body
        assert res.body["code"] == "invalid-request"
    assert (await request(service.base_url, "GET", "/v1/accounts/not-a-uuid")).status == 400
    assert await balance_of(service, account) == 0


async def test_forgets_idempotency_keys_after_the_replay_window(service: RunningService, db: asyncpg.Pool) -> None:
    account = await open_account(service)
    key = str(uuid.uuid4())
    await post(service, account, {"type": "credit", "amount": 1}, key)
    await db.execute(
        f"UPDATE {SCHEMA}.idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1", key
    )
    assert service.app.accounts is not None
    assert await service.app.accounts.prune_idempotency_keys(24) >= 1
    assert await db.fetch(f"SELECT key FROM {SCHEMA}.idempotency_keys WHERE key = $1", key) == []
