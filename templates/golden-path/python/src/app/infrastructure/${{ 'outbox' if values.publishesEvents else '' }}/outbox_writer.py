"""Adds events to the outbox, on the connection of the transaction that makes
the change: the event is committed, or rolled back, with it."""

from __future__ import annotations

import json
from typing import Any

from opentelemetry.propagate import inject
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from app.domain.events.account_events import DomainEvent
from app.infrastructure.postgres.sql import SCHEMA

#: The columns and bind parameters of an outbox row, for statements that
#: insert it along with other changes (AccountStore).
OUTBOX_COLUMNS = "aggregate_type, aggregate_id, event_type, payload, traceparent"
OUTBOX_VALUES = (
    ":event_aggregate_type, :event_aggregate_id, :event_type, CAST(:event_payload AS jsonb), :event_traceparent"
)


def outbox_values(event: DomainEvent) -> dict[str, Any]:
    """The bind parameters of an outbox row; the W3C traceparent of the
    active span goes with it (none when tracing is off)."""
    carrier: dict[str, str] = {}
    inject(carrier)
    return {
        "event_aggregate_type": event.aggregate_type,
        "event_aggregate_id": event.aggregate_id,
        "event_type": event.type,
        "event_payload": json.dumps(event.payload, separators=(",", ":")),
        "event_traceparent": carrier.get("traceparent"),
    }


async def append_to_outbox(connection: AsyncConnection, event: DomainEvent) -> None:
    await connection.execute(
        text(f"INSERT INTO {SCHEMA}.outbox ({OUTBOX_COLUMNS}) VALUES ({OUTBOX_VALUES})"), outbox_values(event)
    )
