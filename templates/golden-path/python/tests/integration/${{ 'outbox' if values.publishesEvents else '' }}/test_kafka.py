"""The outbox relay and the real Kafka publisher against a real broker
(KAFKA_BROKERS): events of an account arrive in order, keyed by the account
id, on one partition, at least once: a batch whose acknowledgement is lost is
sent again, never skipped. Without KAFKA_BROKERS these tests are skipped,
and say so (scripts/test-services.sh starts no broker)."""

import secrets
import time
import uuid
from collections.abc import AsyncIterator, Sequence

import pytest
from sqlalchemy import text

from app.config import SERVICE
from app.infrastructure.logger import create_logger
from app.infrastructure.outbox.event_publisher import OutboxEvent
from app.infrastructure.outbox.kafka_publisher import PUBLISH_TIMEOUT_SECONDS, KafkaEventPublisher
from app.infrastructure.outbox.relay import OutboxRelay
from app.infrastructure.postgres.sql import SCHEMA
from tests.support.outbox import TEST_BROKERS, ReceivedMessage, create_topic, delete_topic, read_topic
from tests.support.service import RunningService, request, start_service

pytestmark = pytest.mark.skipif(
    not TEST_BROKERS,
    reason="KAFKA_BROKERS is not set: the outbox relay's tests against a real Kafka broker did not run "
    "(set it to host:port of a broker that may create topics)",
)

PARTITIONS = 3
LOGGER = create_logger(level="silent", service_name="test")


@pytest.fixture(scope="module")
async def topic() -> AsyncIterator[str]:
    """A copy of the service's topic, of this run's own."""
    name = f"{SERVICE.event_topic}.test-{secrets.token_hex(4)}"
    await create_topic(name, PARTITIONS)
    yield name
    await delete_topic(name)


@pytest.fixture(scope="module")
async def publisher(topic: str) -> KafkaEventPublisher:
    return KafkaEventPublisher(brokers=TEST_BROKERS, topic=topic, client_id="outbox-tests", ssl=False, logger=LOGGER)


@pytest.fixture(scope="module")
async def service(service_env: dict[str, str], publisher: KafkaEventPublisher) -> AsyncIterator[RunningService]:
    running = await start_service(service_env, run_background=False, publisher=publisher)
    yield running
    # Stops the relay and closes the publisher.
    await running.stop()


async def open_account(service: RunningService) -> str:
    created = await request(service.base_url, "POST", "/v1/accounts", body={"currency": "EUR", "ownerId": "member-1"})
    assert created.status == 201
    return created.body["id"]


async def credit(service: RunningService, account: str, amount: int) -> None:
    posted = await request(
        service.base_url,
        "POST",
        f"/v1/accounts/{account}/transactions",
        body={"type": "credit", "amount": amount, "currency": "EUR", "reference": "order-1"},
        headers={"idempotency-key": str(uuid.uuid4())},
    )
    assert posted.status == 201


async def relay_all(relay: OutboxRelay) -> int:
    sent = 0
    while published := await relay.relay_once():
        sent += published
    return sent


async def event_ids_of(service: RunningService, accounts: list[str]) -> list[str]:
    assert service.app.engine is not None
    async with service.app.engine.connect() as connection:
        result = await connection.execute(
            text(f"SELECT event_id FROM {SCHEMA}.outbox WHERE aggregate_id = ANY(CAST(:ids AS text[])) ORDER BY id"),
            {"ids": accounts},
        )
        return [str(row[0]) for row in result]


def of_account(messages: list[ReceivedMessage], account: str) -> list[ReceivedMessage]:
    return [m for m in messages if m.key == account]


def relay(service: RunningService, publisher: object, **options: int) -> OutboxRelay:
    assert service.app.engine is not None
    return OutboxRelay(engine=service.app.engine, publisher=publisher, logger=LOGGER, **options)  # type: ignore[arg-type]


async def test_delivers_every_event_of_an_account_in_order_on_one_partition_keyed_by_the_account_id(
    service: RunningService, publisher: KafkaEventPublisher, topic: str
) -> None:
    # Three accounts written in turn, so their events interleave in the outbox.
    accounts = [await open_account(service) for _ in range(3)]
    for amount in (100, 200, 300):
        for account in accounts:
            await credit(service, account, amount)
    # Small batches: the order must hold across batches too.
    assert await relay_all(relay(service, publisher, batch_size=4)) == 12

    expected = await event_ids_of(service, accounts)
    received = await read_topic(topic, lambda ms: all(any(m.value["id"] == id for m in ms) for id in expected))
    assert {m.value["id"] for m in received} == set(expected)
    for account in accounts:
        mine = of_account(received, account)
        assert len({m.partition for m in mine}) == 1
        assert [m.value["type"] for m in mine] == [
            "account.opened",
            "account.credited",
            "account.credited",
            "account.credited",
        ]
        assert [m.value["data"].get("balanceAfter") for m in mine] == [None, 100, 300, 600]
        for m in mine:
            assert (m.value["aggregateType"], m.value["aggregateId"]) == ("account", account)
            assert m.headers["event-id"] == m.value["id"]
            assert m.headers["event-type"] == m.value["type"]
            assert m.headers["content-type"] == "application/json"
    # Which partition each account lands on is the key's hash: three random
    # ids may share one, so only "one partition per account" is asserted.


async def test_sends_a_batch_again_when_the_acknowledgement_is_lost_before_the_outbox_is_updated(
    service: RunningService, publisher: KafkaEventPublisher, topic: str
) -> None:
    account = await open_account(service)
    await credit(service, account, 50)

    class Losing:
        """The broker has the batch, then the relay's transaction fails before
        COMMIT (a crash, a failover): the rows stay unpublished."""

        lose = True

        async def publish(self, events: Sequence[OutboxEvent]) -> None:
            await publisher.publish(events)
            if self.lose:
                self.lose = False
                raise ConnectionError("connection lost after the broker acknowledged")

        async def close(self) -> None:
            pass

    losing = relay(service, Losing())
    with pytest.raises(ConnectionError, match="connection lost"):
        await losing.relay_once()
    assert service.app.relay is not None
    assert await service.app.relay.pending_count() == 2
    assert await losing.relay_once() == 2
    assert await service.app.relay.pending_count() == 0

    expected = await event_ids_of(service, [account])
    received = of_account(await read_topic(topic, lambda ms: len(of_account(ms, account)) >= 4), account)
    # Each event twice, in order each time: duplicates, never gaps.
    assert [m.value["id"] for m in received] == [*expected, *expected]


async def test_keeps_the_events_while_the_broker_cannot_be_reached_and_delivers_them_once_it_can(
    service: RunningService, topic: str
) -> None:
    account = await open_account(service)
    unreachable = KafkaEventPublisher(
        brokers=["127.0.0.1:1"], topic=topic, client_id="outbox-tests", ssl=False, logger=LOGGER
    )
    started = time.monotonic()
    with pytest.raises(Exception):  # noqa: B017 - aiokafka's connection error
        await relay(service, unreachable).relay_once()
    # Within the publish time-out, so the relay's transaction is never left idle.
    assert time.monotonic() - started < PUBLISH_TIMEOUT_SECONDS
    await unreachable.close()
    assert service.app.relay is not None
    assert await service.app.relay.pending_count() == 1

    assert await relay_all(service.app.relay) == 1
    [event_id] = await event_ids_of(service, [account])
    received = await read_topic(topic, lambda ms: any(m.value["id"] == event_id for m in ms))
    assert [m.value["type"] for m in of_account(received, account)] == ["account.opened"]
