"""Publishes outbox events to Kafka (Aiven) with aiokafka.

Acknowledged by all in-sync replicas (acks=all), with the idempotent
producer: the broker drops a retried batch it already has, and aiokafka
keeps one batch in flight per partition, so the messages of a partition
keep their order. A broker outage fails the batch within PUBLISH_TIMEOUT
and the relay tries again later. Delivery is at least once (a batch the
relay could not mark published is sent again); consumers de-duplicate on
the event id (the `event-id` header).

The key is the account id, and aiokafka's default partitioner is Kafka's
own (murmur2, as the Java client and KafkaJS): an account's events land on
the same partition whichever language's service writes them.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer

from app.infrastructure.logger import Logger
from app.infrastructure.outbox.event_publisher import OutboxEvent

#: A batch is given up after this long, well within the relay transaction's
#: idle timeout (10 s): the rows stay unpublished and are sent again later.
PUBLISH_TIMEOUT_SECONDS = 7.0
#: aiokafka's own request time-out: a batch not acknowledged by then expires
#: in the producer, before PUBLISH_TIMEOUT_SECONDS, so none is left to go
#: out after the relay gave up on it.
REQUEST_TIMEOUT_MS = 5_000


def kafka_headers(event: OutboxEvent) -> dict[str, str]:
    """Headers consumers route and trace on without parsing the value."""
    headers = {
        "event-id": event.event_id,
        "event-type": event.event_type,
        "content-type": "application/json",
    }
    if event.traceparent:
        headers["traceparent"] = event.traceparent
        # The bare trace id too, for consumers without W3C propagation.
        parts = event.traceparent.split("-")
        if len(parts) > 1 and parts[1]:
            headers["trace-id"] = parts[1]
    return headers


def message_value(event: OutboxEvent) -> bytes:
    return json.dumps(
        {
            "id": event.event_id,
            "type": event.event_type,
            "aggregateType": event.aggregate_type,
            "aggregateId": event.aggregate_id,
            "occurredAt": event.created_at,
            "data": event.payload,
        },
        separators=(",", ":"),
    ).encode()


class KafkaEventPublisher:
    def __init__(
        self,
        *,
        brokers: list[str],
        topic: str,
        client_id: str,
        ssl: bool,
        logger: Logger,
        sasl: tuple[str, str] | None = None,
        ca_file: str | None = None,
    ) -> None:
        self._brokers = brokers
        self._topic = topic
        self._client_id = client_id
        self._tls = ssl
        self._sasl = sasl
        self._ca_file = ca_file
        self._logger = logger
        self._producer: AIOKafkaProducer | None = None

    async def publish(self, events: Sequence[OutboxEvent]) -> None:
        if not events:
            return
        try:
            await asyncio.wait_for(self._send(events), PUBLISH_TIMEOUT_SECONDS)
        except TimeoutError:
            raise TimeoutError(f"Kafka did not acknowledge within {int(PUBLISH_TIMEOUT_SECONDS * 1000)} ms") from None

    async def _send(self, events: Sequence[OutboxEvent]) -> None:
        producer = await self._started()
        # Appended in order (one partition per key keeps it), then all awaited.
        deliveries = [
            await producer.send(
                self._topic,
                key=event.aggregate_id.encode(),
                value=message_value(event),
                headers=[(name, value.encode()) for name, value in kafka_headers(event).items()],
            )
            for event in events
        ]
        await asyncio.gather(*deliveries)

    async def _started(self) -> AIOKafkaProducer:
        if self._producer is not None:
            return self._producer
        producer = AIOKafkaProducer(
            bootstrap_servers=self._brokers,
            client_id=self._client_id,
            acks="all",
            enable_idempotence=True,
            request_timeout_ms=REQUEST_TIMEOUT_MS,
            retry_backoff_ms=300,
            linger_ms=0,
            **self._security(),
        )
        try:
            await producer.start()
        except BaseException:
            # A producer that failed to start cannot be started again.
            await asyncio.shield(self._stop(producer))
            raise
        self._producer = producer
        return producer

    def _security(self) -> dict[str, object]:
        options: dict[str, object] = {}
        if self._tls:
            context = ssl.create_default_context()
            if self._ca_file:
                # Aiven's brokers present certificates of the project's own CA.
                context.load_verify_locations(cafile=self._ca_file)
            options["ssl_context"] = context
        if self._sasl is not None:
            options["security_protocol"] = "SASL_SSL" if self._tls else "SASL_PLAINTEXT"
            options["sasl_mechanism"] = "SCRAM-SHA-512"
            options["sasl_plain_username"], options["sasl_plain_password"] = self._sasl
        else:
            options["security_protocol"] = "SSL" if self._tls else "PLAINTEXT"
        return options

    async def _stop(self, producer: AIOKafkaProducer) -> None:
        try:
            await producer.stop()
        except Exception as error:
            self._logger.warn("Kafka producer did not stop cleanly", err=error)

    async def close(self) -> None:
        """Flushes what is in flight and disconnects (bounded by the caller)."""
        producer, self._producer = self._producer, None
        if producer is not None:
            await producer.stop()
