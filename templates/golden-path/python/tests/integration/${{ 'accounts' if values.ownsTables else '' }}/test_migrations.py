"""The migrator against empty databases of its own: `python -m app.cli.migrate`
as the migration Job runs it, twice at once; failures; lock waits."""

import asyncio
import json
import os
import shutil
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from app.config import SERVICE, load_migration_config
from app.infrastructure.postgres.migrator import MIGRATIONS_DIR, MigrationError, create_migration_engine, migrate
from app.infrastructure.postgres.sql import SCHEMA
from tests.support.postgres import Database, admin, empty_database

#: The migrations of this repository, in order; new ones are written after the last.
MIGRATIONS = [{% if values.publishesEvents %}"0001", "0002"{% else %}"0001"{% endif %}]
LAST = MIGRATIONS[-1]


@pytest.fixture
async def fresh(server_url: str) -> AsyncIterator[Database]:
    database = await empty_database(server_url)
    yield database
    await database.drop()


def migrations_with(tmp_path: Path, **extra: str) -> Path:
    """A copy of migrations/ with more revisions (file stem → source)."""
    directory = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, directory, ignore=shutil.ignore_patterns("__pycache__"))
    for stem, source in extra.items():
        (directory / "versions" / f"{stem}.py").write_text(source)
    return directory


def revision(number: str, after: str, *statements: str) -> str:
    body = "\n".join(f"    op.execute({statement!r})" for statement in statements)
    return (
        "from alembic import op\n\n"
        f"revision = {number!r}\ndown_revision = {after!r}\nbranch_labels = None\ndepends_on = None\n\n\n"
        f"def upgrade() -> None:\n{body}\n"
    )


async def run_cli(url: str, *arguments: str, **env: str) -> tuple[int, list[dict[str, Any]], str]:
    """`python -m app.cli.migrate`, as the Job's container runs it."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli.migrate",
        *arguments,
        env={"PATH": os.environ.get("PATH", ""), "DATABASE_URL": url, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await child.communicate()
    assert child.returncode is not None
    return child.returncode, [json.loads(line) for line in out.splitlines()], err.decode()


async def migrate_with(url: str, directory: Path = MIGRATIONS_DIR, **env: str) -> list[str]:
    engine = create_migration_engine(load_migration_config({"DATABASE_URL": url, **env}))
    try:
        return await migrate(engine, service_name=SERVICE.name, directory=directory)
    finally:
        await engine.dispose()


async def versions(url: str) -> list[str]:
    async with admin(url) as connection:
        return [row[0] for row in await connection.fetch(f"SELECT version_num FROM {SCHEMA}.schema_migrations")]


def messages(lines: list[dict[str, Any]]) -> list[str]:
    return [line["message"] for line in lines]


async def test_applies_every_migration_once_even_when_started_twice_at_the_same_time(fresh: Database) -> None:
    runs = await asyncio.gather(run_cli(fresh.url), run_cli(fresh.url))
    assert [code for code, _, _ in runs] == [0, 0], [err for _, _, err in runs]
    # One run applied everything, the other found nothing left to do.
    outcomes = sorted(messages(lines)[-1] for _, lines, _ in runs)
    assert outcomes == [f"{len(MIGRATIONS)} migration(s) applied", "schema is up to date"]
    assert await versions(fresh.url) == [LAST]
    code, lines, _ = await run_cli(fresh.url)
    assert (code, messages(lines)) == (0, ["schema is up to date"])


async def test_keeps_every_table_in_the_service_schema_marked_with_its_owning_service(database: Database) -> None:
    async with admin(database.url) as connection:
        rows = await connection.fetch(
            """SELECT c.relname AS table, obj_description(c.oid, 'pg_class') AS comment
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = $1 AND c.relkind = 'r'""",
            SERVICE.database_schema,
        )
        schema_comment = await connection.fetchval(
            "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = $1", SERVICE.database_schema
        )
    assert sorted(row["table"] for row in rows) == [
        "account_transactions",
        "accounts",
        "idempotency_keys",
{%- if values.publishesEvents %}
        "outbox",
{%- endif %}
        "schema_migrations",
    ]
    for row in rows:
        assert row["comment"] == f"owned-by: {SERVICE.name}", row["table"]
    assert schema_comment == f"owned-by: {SERVICE.name}"


async def test_rolls_back_a_failing_migration_and_reports_it(fresh: Database, tmp_path: Path) -> None:
    directory = migrations_with(
        tmp_path,
        **{"9999_broken": revision("9999", LAST, "CREATE TABLE half_done (id int)", "SELECT * FROM no_such_table")},
    )
    with pytest.raises(MigrationError, match=r"Migration 9999_broken failed: .*no_such_table"):
        await migrate_with(fresh.url, directory)
    # The migrations before it stay applied; nothing of it does.
    assert await versions(fresh.url) == [LAST]
    async with admin(fresh.url) as connection:
        assert await connection.fetchval("SELECT to_regclass('half_done')") is None


async def test_lets_a_second_run_wait_for_a_long_first_one_past_the_api_statement_timeout(
    fresh: Database, tmp_path: Path
) -> None:
    # Two migration Jobs (one pod each, the CLI's own connection settings)
    # start together; the pending migration takes 6 s.
    await migrate_with(fresh.url)
    directory = migrations_with(tmp_path, **{"9001_slow_backfill": revision("9001", LAST, "SELECT pg_sleep(6)")})
    runs = await asyncio.gather(*(run_cli(fresh.url, "--dir", str(directory)) for _ in range(2)))
    assert [code for code, _, _ in runs] == [0, 0], [err for _, _, err in runs]
    applied = sorted(message for _, lines, _ in runs for message in messages(lines) if message.startswith("applied"))
    assert applied == ["applied migration 9001_slow_backfill"]
    assert await versions(fresh.url) == ["9001"]


async def test_gives_up_quickly_when_a_table_it_changes_is_held_by_a_long_transaction_then_applies(
    fresh: Database, tmp_path: Path
) -> None:
    await migrate_with(fresh.url)
    directory = migrations_with(
        tmp_path,
        **{"9002_add_nickname": revision("9002", LAST, f"ALTER TABLE {SCHEMA}.accounts ADD COLUMN nickname text")},
    )
    # A long transaction that read accounts (it holds a lock the DDL needs).
    reader = await asyncpg.connect(fresh.url)
    try:
        transaction = reader.transaction()
        await transaction.start()
        await reader.fetchval(f"SELECT count(*) FROM {SCHEMA}.accounts")
        # Waiting would queue every query on accounts behind the DDL: it fails instead, saying what to do.
        with pytest.raises(
            MigrationError,
            match=r"9002_add_nickname failed: canceling statement due to lock timeout \(a table it changes was in use",
        ):
            await migrate_with(fresh.url, directory, MIGRATION_LOCK_TIMEOUT_MS="300")
        await transaction.commit()
        assert await migrate_with(fresh.url, directory, MIGRATION_LOCK_TIMEOUT_MS="300") == ["9002_add_nickname"]
    finally:
        await reader.close()


async def test_stops_with_a_message_naming_the_variable_when_database_url_is_wrong() -> None:
    code, _, err = await run_cli("mysql://db")
    assert code == 1
    assert "DATABASE_URL: a postgres:// connection string" in json.loads(err)["message"]
