"""The transactional outbox against a real PostgreSQL. Kafka is replaced by a
recording publisher (the one test double, see tests/support/outbox) where a
test makes publishing slow or fail; test_kafka.py runs the relay against a
real broker."""

import asyncio
import random
import re
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

import asyncpg
import pytest
from opentelemetry.sdk.trace import TracerProvider

from app.config import SERVICE
from app.domain.accounts.account import TransactionRequest
from app.infrastructure.logger import create_logger
from app.infrastructure.outbox.event_publisher import OutboxEvent
from app.infrastructure.outbox.relay import OutboxRelay
from app.infrastructure.postgres.account_store import PostTransactionInput, StoredResponse
from app.infrastructure.postgres.sql import SCHEMA
from tests.support.outbox import RecordingPublisher
from tests.support.polling import eventually
from tests.support.postgres import Database
from tests.support.service import Reply, RunningService, request, sample_value, start_service

LOGGER = create_logger(level="silent", service_name="test")


@pytest.fixture(scope="module")
def publisher() -> RecordingPublisher:
    return RecordingPublisher()


@pytest.fixture(scope="module")
async def service(service_env: dict[str, str], publisher: RecordingPublisher) -> AsyncIterator[RunningService]:
    # The relay is driven by hand below (relay_once), not by its loop.
    running = await start_service(service_env, run_background=False, publisher=publisher)
    yield running
    await running.stop()


@pytest.fixture(scope="module")
async def db(database: Database) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(database.url, min_size=0, max_size=4)
    yield pool
    await pool.close()


@pytest.fixture(autouse=True)
async def _empty_outbox(db: asyncpg.Pool, publisher: RecordingPublisher) -> None:
    # Each test starts from an empty, fully published outbox.
    await db.execute(f"DELETE FROM {SCHEMA}.outbox")
    publisher.reset()


def relay_of(service: RunningService) -> OutboxRelay:
    assert service.app.relay is not None
    return service.app.relay


async def open_account(service: RunningService) -> str:
    created = await request(service.base_url, "POST", "/v1/accounts", body={"currency": "EUR", "ownerId": "member-1"})
    assert created.status == 201
    return created.body["id"]


async def post(service: RunningService, account_id: str, kind: str, amount: int, key: str | None = None) -> Reply:
    return await request(
        service.base_url,
        "POST",
        f"/v1/accounts/{account_id}/transactions",
        body={"type": kind, "amount": amount, "currency": "EUR", "reference": "order-1"},
        headers={"idempotency-key": key or str(uuid.uuid4())},
    )


async def test_writes_the_event_in_the_same_transaction_as_the_balance_change(
    service: RunningService, db: asyncpg.Pool
) -> None:
    account = await open_account(service)
    posted = await post(service, account, "credit", 250)
    assert posted.status == 201
    # xmin is the id of the transaction that wrote a row: one transaction wrote both.
    rows = await db.fetch(
        f"""SELECT t.xmin::text AS tx_xmin, o.xmin::text AS outbox_xmin, o.event_type, o.aggregate_id, o.payload
              FROM {SCHEMA}.account_transactions t
              JOIN {SCHEMA}.outbox o ON o.payload->>'transactionId' = t.id::text
             WHERE t.id = $1""",
        uuid.UUID(posted.body["id"]),
    )
    assert len(rows) == 1
    assert rows[0]["outbox_xmin"] == rows[0]["tx_xmin"]
    assert (rows[0]["event_type"], rows[0]["aggregate_id"]) == ("account.credited", account)
    assert '"balanceAfter":250' in rows[0]["payload"].replace(" ", "")


async def test_rolls_the_event_back_with_the_transaction_that_failed(service: RunningService, db: asyncpg.Pool) -> None:
    account = await open_account(service)
    key = f"fail-{uuid.uuid4()}"
    # The last statement of the transaction (storing the response) fails,
    # after the balance, the transaction row and the event were written.
    await db.execute(
        f"""
        CREATE OR REPLACE FUNCTION fail_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.key LIKE 'fail-%' THEN RAISE EXCEPTION 'injected failure'; END IF;
          RETURN NEW;
        END $$;
        DROP TRIGGER IF EXISTS fail_for_test ON {SCHEMA}.idempotency_keys;
        CREATE TRIGGER fail_for_test BEFORE UPDATE ON {SCHEMA}.idempotency_keys
          FOR EACH ROW EXECUTE FUNCTION fail_for_test();"""
    )
    try:
        failed = await post(service, account, "credit", 999, key)
        assert failed.status == 500
        assert failed.body["code"] == "internal-error"
    finally:
        await db.execute(f"DROP TRIGGER fail_for_test ON {SCHEMA}.idempotency_keys; DROP FUNCTION fail_for_test();")
    events = await db.fetchval(
        f"SELECT count(*) FROM {SCHEMA}.outbox WHERE event_type = 'account.credited' AND aggregate_id = $1", account
    )
    assert events == 0
    posted = await db.fetchval(
        f"SELECT count(*) FROM {SCHEMA}.account_transactions WHERE account_id = $1", uuid.UUID(account)
    )
    assert posted == 0
    assert (await request(service.base_url, "GET", f"/v1/accounts/{account}")).body["balance"] == 0
    # The key was released with the rollback: the client's retry goes through.
    assert (await post(service, account, "credit", 999, key)).status == 201


async def test_relays_pending_events_in_order_keyed_by_account_and_marks_them_published(
    service: RunningService, publisher: RecordingPublisher, db: asyncpg.Pool
) -> None:
    account = await open_account(service)
    await post(service, account, "credit", 100)
    await post(service, account, "credit", 200)

    before = await request(service.management_url, "GET", "/metrics")
    assert sample_value(before.text, "outbox_pending_events") == 3

    assert await relay_of(service).relay_once() == 3
    assert [e.event_type for e in publisher.published] == ["account.opened", "account.credited", "account.credited"]
    assert {e.aggregate_id for e in publisher.published} == {account}
    assert [e.payload.get("balanceAfter") for e in publisher.published] == [None, 100, 300]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", e.created_at) for e in publisher.published)

    assert await db.fetchval(f"SELECT count(*) FROM {SCHEMA}.outbox WHERE published_at IS NULL") == 0
    assert await relay_of(service).relay_once() == 0
    after = await request(service.management_url, "GET", "/metrics")
    assert sample_value(after.text, "outbox_pending_events") == 0


async def test_keeps_events_when_the_broker_fails_and_sends_them_on_the_next_attempt(
    service: RunningService, publisher: RecordingPublisher
) -> None:
    account = await open_account(service)
    publisher.fail_with = ConnectionError("broker unreachable")
    with pytest.raises(ConnectionError, match="broker unreachable"):
        await relay_of(service).relay_once()
    assert await relay_of(service).pending_count() == 1

    publisher.fail_with = None
    assert await relay_of(service).relay_once() == 1
    assert [e.aggregate_id for e in publisher.published] == [account]


async def test_survives_losing_its_database_session_mid_batch_and_sends_the_batch_again(
    service: RunningService, publisher: RecordingPublisher, db: asyncpg.Pool
) -> None:
    account = await open_account(service)
    publisher.delay = 1.0
    attempt = asyncio.create_task(relay_of(service).relay_once())
    # While the batch is with the broker, the server ends the relay's session
    # (as an idle-in-transaction timeout or a failover would).
    await eventually(lambda: _assert_equal(publisher.in_flight, 1), every=0.01)
    killed = await db.fetch(
        """SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = $1 AND state = 'idle in transaction'""",
        SERVICE.name,
    )
    assert [row["killed"] for row in killed] == [True]
    with pytest.raises(Exception):  # noqa: B017 - whatever the driver makes of a lost connection
        await attempt
    assert await relay_of(service).pending_count() == 1

    publisher.delay = 0
    assert await relay_of(service).relay_once() == 1
    # The broker saw the event twice: consumers de-duplicate on its id.
    sent = [e for e in publisher.published if e.aggregate_id == account]
    assert len(sent) == 2
    assert sent[0].event_id == sent[1].event_id
    # And the pool still works.
    assert (await request(service.management_url, "GET", "/readyz")).status == 200


class SlowBroker(RecordingPublisher):
    """Acknowledges each batch after a random delay."""

    async def publish(self, events: Sequence[OutboxEvent]) -> None:
        await asyncio.sleep(random.random() * 0.015)
        self.published.extend(events)


async def test_keeps_each_accounts_order_with_two_relays_running_beside_the_writes_and_sends_nothing_twice(
    service: RunningService, db: asyncpg.Pool
) -> None:
    # Two replicas' relays, a broker that acknowledges batches after a random
    # delay, and writes interleaved across accounts while they run.
    broker = SlowBroker()
    assert service.app.engine is not None
    relays = [
        OutboxRelay(engine=service.app.engine, publisher=broker, logger=LOGGER, batch_size=3, idle_delay_seconds=0.005)
        for _ in range(2)
    ]
    for relay in relays:
        relay.start()
    try:
        accounts = await asyncio.gather(*(open_account(service) for _ in range(5)))
        for round in range(6):
            kind, amount = ("credit", 10) if round % 2 == 0 else ("debit", 5)
            replies = await asyncio.gather(*(post(service, account, kind, amount) for account in accounts))
            assert [reply.status for reply in replies] == [201] * len(accounts)
        total = len(accounts) * 7
        await eventually(lambda: _assert_equal(len(broker.published), total), within=20)

        # What each account went through, in the order it was written...
        rows = await db.fetch(f"SELECT aggregate_id, event_id FROM {SCHEMA}.outbox ORDER BY id")
        for account in accounts:
            written = [str(row["event_id"]) for row in rows if row["aggregate_id"] == account]
            # ...is what the broker received for it, in that order.
            received = [e.event_id for e in broker.published if e.aggregate_id == account]
            assert received == written
            balances = [
                e.payload["balanceAfter"]
                for e in broker.published
                if e.aggregate_id == account and e.event_type != "account.opened"
            ]
            assert balances == [10, 5, 15, 10, 20, 15]
        assert len({e.event_id for e in broker.published}) == total
    finally:
        await asyncio.gather(*(relay.stop() for relay in relays))


async def test_lets_one_relay_publish_at_a_time_the_other_finds_its_turn_taken(
    service: RunningService, publisher: RecordingPublisher
) -> None:
    await open_account(service)
    publisher.delay = 0.3
    assert service.app.engine is not None
    other = OutboxRelay(engine=service.app.engine, publisher=publisher, logger=LOGGER)
    first = asyncio.create_task(relay_of(service).relay_once())
    await eventually(lambda: _assert_equal(publisher.in_flight, 1), every=0.01)
    assert await other.relay_once() == 0
    assert await first == 1
    assert len(publisher.published) == 1


async def test_runs_continuously_once_started_and_stops_cleanly(
    service: RunningService, publisher: RecordingPublisher
) -> None:
    account = await open_account(service)
    assert service.app.engine is not None
    relay = OutboxRelay(engine=service.app.engine, publisher=publisher, logger=LOGGER, idle_delay_seconds=0.02)
    relay.start()
    try:
        await post(service, account, "credit", 5)
        await eventually(lambda: _assert_equal(len(publisher.published), 2), within=5)
    finally:
        await asyncio.wait_for(relay.stop(), 5)


async def test_passes_the_trace_of_the_writing_request_on_to_the_event(
    service: RunningService, publisher: RecordingPublisher
) -> None:
    account = await open_account(service)
    # A tracer of the test's own: the outbox writer reads the active span, whoever made it.
    tracer = TracerProvider().get_tracer("outbox-test")
    assert service.app.accounts is not None
    with tracer.start_as_current_span("post") as span:
        await service.app.accounts.post_transaction(
            PostTransactionInput(
                account_id=account,
                request=TransactionRequest(type="credit", amount=1, currency="EUR", reference="traced"),
                idempotency_key=str(uuid.uuid4()),
                fingerprint="test",
            ),
            lambda _outcome: StoredResponse(201, "{}"),
        )
        trace_id = format(span.get_span_context().trace_id, "032x")
    await relay_of(service).relay_once()
    credited = next(e for e in publisher.published if e.event_type == "account.credited")
    assert credited.traceparent is not None
    # version, the writer's trace id, the span that wrote it, trace flags.
    assert re.fullmatch(rf"00-{trace_id}-[0-9a-f]{{16}}-[0-9a-f]{{2}}", credited.traceparent)


def _assert_equal(actual: Any, expected: Any) -> None:
    assert actual == expected
