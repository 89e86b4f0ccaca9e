"""Alembic migrations (migrations/versions/NNNN_name.py), applied in order,
each in its own transaction, and recorded in the schema's
`schema_migrations` table (Alembic's version table, under the name every
golden-path service gives it).

`migrate()` is what `python -m app.cli.migrate` runs: its own connection
settings (not the API's), a session advisory lock so that two runs at once
(two Job pods, a retry beside a slow first try) apply each migration once,
the service's schema and the owned-by comments the portal's data-ownership
catalog reads.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.config import SERVICE, MigrationConfig
from app.infrastructure.postgres.engine import create_engine
from app.infrastructure.postgres.sql import SCHEMA, quote_literal

#: The repository's (or the image's) migrations/ folder: src/app/infrastructure/postgres/ is four levels below.
MIGRATIONS_DIR = Path(__file__).resolve().parents[4] / "migrations"

#: Alembic's version table, in the service's schema.
VERSION_TABLE = "schema_migrations"

#: SQLSTATE lock_not_available: a lock_timeout ran out.
_LOCK_NOT_AVAILABLE = "55P03"


class MigrationError(Exception):
    """A migration failed; nothing of it was applied."""


def create_migration_engine(config: MigrationConfig) -> AsyncEngine:
    """The migration run's connection: its own time-outs, not the API's (see
    MIGRATION_STATEMENT_TIMEOUT_MS and MIGRATION_LOCK_TIMEOUT_MS in config.py).
    Under the API's 5 s statement time-out, a second run waiting for the
    first one's lock would fail, and a long migration could never apply."""
    url = config.database_url
    return create_engine(
        lambda: url,
        pool_max=1,
        application_name=f"{config.service_name}-migrate",
        statement_timeout_ms=config.migration_statement_timeout_ms,
        lock_timeout_ms=config.migration_lock_timeout_ms,
    )


def alembic_config(directory: Path = MIGRATIONS_DIR) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(directory))
    return config


def pending_migrations(connection: Connection, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """The migrations not applied yet, in order, as NNNN_name."""
    script = ScriptDirectory.from_config(alembic_config(directory))
    context = MigrationContext.configure(
        connection,
        opts={"version_table": VERSION_TABLE, "version_table_schema": SERVICE.database_schema},
    )
    current = context.get_current_heads()
    lower = current[0] if current else "base"
    revisions = list(script.iterate_revisions("heads", lower))
    return [_name(revision.path) for revision in reversed(revisions)]


def _name(path: str) -> str:
    return Path(path).stem


# Alembic keeps its running context in module globals (alembic.context,
# alembic.op): two runs in one process take turns. Runs in different
# processes (the Job's pods) are serialised by the advisory lock instead.
_turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


def _turn() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _turns.get(loop)
    if lock is None:
        lock = _turns[loop] = asyncio.Lock()
    return lock


async def migrate(
    engine: AsyncEngine,
    *,
    service_name: str,
    directory: Path = MIGRATIONS_DIR,
    log: Callable[[str], None] = lambda _message: None,
) -> list[str]:
    """Applies pending migrations; returns their names. Safe to run from
    several pods at once: a session advisory lock serialises them (so connect
    directly to PostgreSQL, not through a transaction-pooling PgBouncer)."""
    lock_key = f"{service_name}:migrations"
    owned_by = quote_literal(f"owned-by: {service_name}")
    async with _turn(), engine.connect() as connection:
        # Waiting for another run to finish is expected: only the statement
        # time-out bounds it. The short lock time-out is for the DDL below.
        await connection.exec_driver_sql("SET lock_timeout = 0")
        await connection.execute(text("SELECT pg_advisory_lock(hashtext(:key))"), {"key": lock_key})
        await connection.exec_driver_sql("RESET lock_timeout")
        await connection.commit()
        try:
            # The service's own schema: every table it owns lives there (sql.py).
            await connection.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
            await connection.exec_driver_sql(f"COMMENT ON SCHEMA {SCHEMA} IS {owned_by}")
            await connection.commit()

            applied: list[str] = []
            pending = await connection.run_sync(pending_migrations, directory)
            # Alembic must find the connection outside a transaction, to give
            # each migration a transaction of its own.
            await connection.commit()
            try:
                await connection.run_sync(_upgrade, directory, applied, log)
            except Exception as error:
                await connection.rollback()
                failed = next((name for name in pending if name not in applied), "a migration")
                raise MigrationError(f"Migration {failed} failed: {_explain(error)}") from error
            await connection.exec_driver_sql(f"COMMENT ON TABLE {SCHEMA}.{VERSION_TABLE} IS {owned_by}")
            await connection.commit()
            return applied
        finally:
            try:
                await connection.rollback()
                await connection.execute(text("SELECT pg_advisory_unlock(hashtext(:key))"), {"key": lock_key})
                await connection.commit()
            except Exception:  # the session is gone, and its lock with it
                pass


def _upgrade(connection: Connection, directory: Path, applied: list[str], log: Callable[[str], None]) -> None:
    def on_version_apply(*, step: Any, **_: Any) -> None:
        name = _name(step.up_revision.path)
        applied.append(name)
        log(f"applied migration {name}")

    config = alembic_config(directory)
    config.attributes["connection"] = connection
    config.attributes["on_version_apply"] = on_version_apply
    command.upgrade(config, "heads")


def _explain(error: BaseException) -> str:
    """The database's own words (asyncpg's exception, under SQLAlchemy's), and what to do."""
    cause: BaseException = error
    while getattr(cause, "orig", None) is not None or cause.__cause__ is not None:
        cause = getattr(cause, "orig", None) or cause.__cause__  # type: ignore[assignment]
    message = str(cause).strip() or type(cause).__name__
    if getattr(cause, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
        message += (
            " (a table it changes was in use by a long transaction: nothing was applied; run it again,"
            " at a quieter time if it keeps happening)"
        )
    return message
