"""Moves events from the outbox table to Kafka, at least once, in order per
account.

Every replica runs a relay, and one at a time publishes: a batch is read in
a transaction that first takes a transaction-scoped advisory lock (per
service schema: several services may share a database); the others find it
taken and wait for their next turn. Rows are marked published in that
transaction, after the broker has acknowledged them, so the next relay to
take the lock starts after them. Parallel relays with SKIP LOCKED would let
one replica publish an account's later event while another still holds its
earlier one.

Why the outbox's id order is each account's order: writes to one account
queue on its row lock, so a later write inserts its event (taking a larger
id) only after the earlier one committed. If the process dies between the
broker's acknowledgement and the COMMIT, the batch is sent again: consumers
de-duplicate on the event id. Across accounts there is no order to keep.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.config import SERVICE
from app.infrastructure.logger import Logger
from app.infrastructure.outbox.event_publisher import EventPublisher, OutboxEvent
from app.infrastructure.postgres.account_store import iso
from app.infrastructure.postgres.sql import SCHEMA

#: The advisory lock only the publishing relay holds (per service: several may share a database).
RELAY_LOCK = f"{SERVICE.database_schema}:outbox-relay"
PRUNE_EVERY_SECONDS = 3_600


def _event(row: Any) -> OutboxEvent:
    payload = row["payload"]
    return OutboxEvent(
        id=row["id"],
        event_id=str(row["event_id"]),
        aggregate_type=row["aggregate_type"],
        aggregate_id=row["aggregate_id"],
        event_type=row["event_type"],
        # asyncpg hands jsonb over as its text.
        payload=json.loads(payload) if isinstance(payload, str) else payload,
        traceparent=row["traceparent"],
        created_at=iso(row["created_at"]),
    )


class OutboxRelay:
    def __init__(
        self,
        *,
        engine: AsyncEngine,
        publisher: EventPublisher,
        logger: Logger,
        batch_size: int = 100,
        idle_delay_seconds: float = 0.5,
        max_backoff_seconds: float = 30.0,
        retention_days: int = 7,
    ) -> None:
        self._engine = engine
        self._publisher = publisher
        self._logger = logger
        #: Events per transaction; a full batch is followed at once by the next.
        self.batch_size = batch_size
        #: Pause when the outbox is empty (or another relay has the turn).
        self.idle_delay_seconds = idle_delay_seconds
        #: Longest pause after repeated failures (Kafka or PostgreSQL down).
        self.max_backoff_seconds = max_backoff_seconds
        #: Published events are deleted after this many days (Kafka keeps them 7 days too).
        self.retention_days = retention_days
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._wake = asyncio.Event()
        self._last_prune = 0.0

    async def relay_once(self) -> int:
        """Publishes at most one batch; returns how many events were published
        (0 while another replica's relay has the turn)."""
        async with self._engine.begin() as connection:
            # This relay's turn, until its transaction ends; other replicas' relays find it taken.
            lock = text("SELECT pg_try_advisory_xact_lock(hashtext(:key))")
            mine = await connection.scalar(lock, {"key": RELAY_LOCK})
            if not mine:
                return 0
            result = await connection.execute(
                text(
                    "SELECT id, event_id, aggregate_type, aggregate_id, event_type, payload, traceparent, created_at "
                    f"FROM {SCHEMA}.outbox WHERE published_at IS NULL ORDER BY id LIMIT :limit"
                ),
                {"limit": self.batch_size},
            )
            rows = result.mappings().all()
            if not rows:
                return 0
            await self._publisher.publish([_event(row) for row in rows])
            await connection.execute(
                text(f"UPDATE {SCHEMA}.outbox SET published_at = now() WHERE id = ANY(CAST(:ids AS bigint[]))"),
                {"ids": [row["id"] for row in rows]},
            )
            return len(rows)

    async def pending_count(self) -> int:
        """Events written but not yet published (the outbox_pending_events gauge)."""
        async with self._engine.connect() as connection:
            return int(
                await connection.scalar(text(f"SELECT count(*) FROM {SCHEMA}.outbox WHERE published_at IS NULL")) or 0
            )

    async def prune_published(self) -> int:
        """Deletes events published more than retention_days ago."""
        async with self._engine.begin() as connection:
            result = await connection.execute(
                text(f"DELETE FROM {SCHEMA}.outbox WHERE published_at < now() - make_interval(days => :days)"),
                {"days": self.retention_days},
            )
            return result.rowcount or 0

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._loop(), name="outbox-relay")

    async def stop(self) -> None:
        """Finishes the batch in progress (bounded by the publisher's time-out), then stops."""
        self._stopping = True
        self._wake.set()
        task, self._task = self._task, None
        if task is not None:
            await task

    def abort(self) -> None:
        """Stops now: a batch cut short is not marked published, and is sent again later."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()

    async def _loop(self) -> None:
        failures = 0
        while not self._stopping:
            delay = self.idle_delay_seconds
            try:
                published = await self.relay_once()
                if failures:
                    self._logger.info("outbox relay recovered", failures=failures)
                failures = 0
                if published == self.batch_size:
                    delay = 0
                await self._prune_hourly()
            except Exception as error:
                failures += 1
                delay = min(self.idle_delay_seconds * 2**failures, self.max_backoff_seconds)
                self._logger.error("outbox relay failed", err=error, failures=failures, retryInMs=round(delay * 1000))
            if delay > 0 and not self._stopping:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), delay)
                except TimeoutError:
                    pass

    async def _prune_hourly(self) -> None:
        if time.monotonic() - self._last_prune < PRUNE_EVERY_SECONDS and self._last_prune:
            return
        self._last_prune = time.monotonic()
        deleted = await self.prune_published()
        if deleted:
            self._logger.info("pruned published outbox events", deleted=deleted)
