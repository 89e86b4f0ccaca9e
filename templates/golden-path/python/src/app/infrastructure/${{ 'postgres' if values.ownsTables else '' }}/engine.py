"""Connection pools (SQLAlchemy's async engine over asyncpg)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg
from sqlalchemy import event, exc, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

#: How long opening a connection, or waiting for a free one, may take.
CONNECT_TIMEOUT_SECONDS = 5


def create_engine(
    url: Callable[[], str],
    *,
    pool_max: int,
    application_name: str,
    statement_timeout_ms: int = 5_000,
    lock_timeout_ms: int | None = None,
) -> AsyncEngine:
    """A pool of at most `pool_max` connections.

    `url` is asked for the URL each time a connection is opened (see
    database_url.py). Every connection has its own limits: a stuck statement
    or an abandoned transaction must not hold row locks (and so block every
    write to that account) for long.
    """
    settings = {
        "application_name": application_name,
        # Longest a statement may run; 5 s for API requests.
        "statement_timeout": str(statement_timeout_ms),
        "idle_in_transaction_session_timeout": "10000",
    }
    if lock_timeout_ms is not None:
        # Longest a statement may wait for a lock (otherwise statement_timeout bounds it).
        settings["lock_timeout"] = str(lock_timeout_ms)

    async def connect() -> asyncpg.Connection:
        return await asyncpg.connect(dsn=url(), timeout=CONNECT_TIMEOUT_SECONDS, server_settings=settings)

    engine = create_async_engine(
        "postgresql+asyncpg://",
        async_creator=connect,
        pool_size=pool_max,
        max_overflow=0,
        pool_timeout=CONNECT_TIMEOUT_SECONDS,
        # Connections are closed after 15 minutes, so none outlives the
        # credentials it was opened with (Vault users live an hour).
        pool_recycle=900,
    )

    @event.listens_for(engine.sync_engine, "checkout")
    def drop_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        # A connection the server ended while it sat in the pool (failover,
        # PgBouncer restart, credentials revoked) is known to be closed
        # without a round trip: the pool opens a new one instead.
        driver = getattr(dbapi_connection, "driver_connection", None)
        if driver is not None and driver.is_closed():
            raise exc.DisconnectionError("connection closed by the server")

    return engine


async def ping_postgres(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
