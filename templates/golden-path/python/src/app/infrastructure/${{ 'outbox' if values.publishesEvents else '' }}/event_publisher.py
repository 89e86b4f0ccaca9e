"""What the relay hands to a publisher, and what a publisher promises."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class OutboxEvent:
    """An outbox row, as the relay hands it to a publisher."""

    #: Outbox sequence number (ordering within one relay batch).
    id: int
    #: Unique id of the event; consumers de-duplicate on it (delivery is at least once).
    event_id: str
    aggregate_type: str
    #: Becomes the Kafka message key: one aggregate, one partition, in order.
    aggregate_id: str
    event_type: str
    payload: Any
    #: W3C traceparent of the request that wrote the event, if it was traced.
    traceparent: str | None
    created_at: str


class EventPublisher(Protocol):
    """Where the relay sends events. Production uses KafkaEventPublisher; the
    tests use a recording publisher where they make publishing slow or fail.
    `publish` returns only once every event of the batch is acknowledged; if
    it raises, none of the batch is marked published and all of it is sent
    again later."""

    async def publish(self, events: Sequence[OutboxEvent]) -> None: ...

    async def close(self) -> None: ...
