"""The outbox relay's test helpers: a recording publisher (the one test
double of this repository), and a real Kafka broker when KAFKA_BROKERS names
one (scripts/test-services.sh starts none: a JVM is not on every machine;
without it the Kafka tests are skipped and say so)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from app.infrastructure.outbox.event_publisher import OutboxEvent

#: The broker the relay's Kafka tests publish to: KAFKA_BROKERS (host:port,
#: comma-separated), a broker you run or CI's.
TEST_BROKERS = [broker.strip() for broker in os.environ.get("KAFKA_BROKERS", "").split(",") if broker.strip()]
#: What the services under test are given as KAFKA_BROKERS: nothing listens
#: there (the tests publish through their own publishers).
NO_BROKER = "127.0.0.1:9"


class RecordingPublisher:
    """The one test double of this repository: the relay's tests that need to
    make publishing slow or fail at a chosen moment publish here. Everything
    else is real, Kafka included: tests/integration/outbox/test_kafka.py runs
    the relay and the real publisher against the broker of KAFKA_BROKERS."""

    def __init__(self) -> None:
        self.published: list[OutboxEvent] = []
        #: While set, publish() fails like an unreachable broker.
        self.fail_with: Exception | None = None
        #: Added latency per publish (seconds), to hold a batch's transaction for a while.
        self.delay = 0.0
        #: Batches handed over and not yet acknowledged.
        self.in_flight = 0

    async def publish(self, events: Sequence[OutboxEvent]) -> None:
        self.in_flight += 1
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.fail_with is not None:
                raise self.fail_with
            self.published.extend(events)
        finally:
            self.in_flight -= 1

    async def close(self) -> None:
        pass

    def reset(self) -> None:
        self.published.clear()
        self.fail_with = None
        self.delay = 0.0


@dataclass
class ReceivedMessage:
    """A message as a consumer receives it."""

    partition: int
    offset: int
    key: str | None
    value: Any
    headers: dict[str, str]


async def create_topic(topic: str, partitions: int) -> None:
    """A topic of the test's own (brokers, like Aiven's, refuse to create topics on first use)."""
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    admin = AIOKafkaAdminClient(bootstrap_servers=TEST_BROKERS, client_id="outbox-tests")
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)])
    finally:
        await admin.close()


async def delete_topic(topic: str) -> None:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=TEST_BROKERS, client_id="outbox-tests")
    with contextlib.suppress(Exception):
        await admin.start()
        try:
            await admin.delete_topics([topic])
        finally:
            await admin.close()


async def read_topic(
    topic: str, done: Callable[[list[ReceivedMessage]], bool], within: float = 20.0
) -> list[ReceivedMessage]:
    """Everything on `topic` from the beginning, read by a consumer group of
    its own, until `done` says enough has arrived (or `within` seconds have passed): messages
    in partition and offset order."""
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=TEST_BROKERS,
        group_id=f"outbox-tests-{secrets.token_hex(4)}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    messages: list[ReceivedMessage] = []
    await consumer.start()
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while loop.time() < deadline and not done(messages):
            batches = await consumer.getmany(timeout_ms=200)
            for records in batches.values():
                for record in records:
                    messages.append(
                        ReceivedMessage(
                            partition=record.partition,
                            offset=record.offset,
                            key=record.key.decode() if record.key is not None else None,
                            value=json.loads(record.value) if record.value else None,
                            headers={name: value.decode() for name, value in record.headers},
                        )
                    )
    finally:
        await consumer.stop()
    return sorted(messages, key=lambda m: (m.partition, m.offset))
