"""What Vault and External Secrets do in production: a new PostgreSQL user is
written to the mounted Secret file, and the old one is revoked (its sessions
ended, its login refused). The pool must carry on with the new user without
a restart."""

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.config import ConfigError
from app.infrastructure.postgres.database_url import database_url_from_file
from app.infrastructure.postgres.engine import create_engine
from app.infrastructure.postgres.sql import SCHEMA
from tests.support.postgres import Database, admin


def url_of(database: Database, user: str) -> str:
    parts = urlsplit(database.url)
    netloc = f"{user}:pw-{user}@{parts.hostname}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


@dataclass
class Rotation:
    database: Database
    users: list[str]
    file: Path
    engine: AsyncEngine
    unreadable: list[Exception] = field(default_factory=list)

    def url_of(self, user: str) -> str:
        return url_of(self.database, user)

    async def current_user(self) -> str | None:
        # A query that raced the termination may fail once, as it would in
        # production: retry it.
        for _ in range(3):
            try:
                async with self.engine.connect() as connection:
                    return (await connection.execute(text("SELECT current_user"))).scalar_one()
            except Exception:
                continue
        return None


@pytest.fixture(scope="module")
async def rotation(database: Database, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Rotation]:
    suffix = secrets.token_hex(4)
    users = [f"rotation_a_{suffix}", f"rotation_b_{suffix}"]
    async with admin(database.url) as connection:
        for user in users:
            await connection.execute(f"CREATE ROLE {user} LOGIN PASSWORD 'pw-{user}'")
            await connection.execute(f"GRANT USAGE ON SCHEMA {SCHEMA} TO {user}")
            await connection.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {SCHEMA} TO {user}")
    file = tmp_path_factory.mktemp("database-url") / "DATABASE_URL"
    file.write_text(url_of(database, users[0]) + "\n")
    unreadable: list[Exception] = []
    engine = create_engine(
        database_url_from_file(str(file), unreadable.append), pool_max=2, application_name="rotation-test"
    )
    rotation = Rotation(database=database, users=users, file=file, engine=engine, unreadable=unreadable)
    yield rotation
    await rotation.engine.dispose()
    # Roles belong to the server, not the database: their grants go first.
    async with admin(database.url) as connection:
        for user in users:
            await connection.execute(f"DROP OWNED BY {user}")
            await connection.execute(f"DROP ROLE IF EXISTS {user}")


async def terminate(database: Database, user: str) -> None:
    async with admin(database.url) as connection:
        await connection.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", user)


async def test_connects_as_the_user_in_the_file_then_as_the_next_one_once_the_old_one_is_revoked(
    rotation: Rotation,
) -> None:
    first, second = rotation.users
    assert await rotation.current_user() == first

    rotation.file.write_text(rotation.url_of(second) + "\n")
    async with admin(rotation.database.url) as connection:
        await connection.execute(f"ALTER ROLE {first} NOLOGIN")
    await terminate(rotation.database, first)
    # The pool drops the connections the server ended; the next query opens
    # a new one, with the user now in the file.
    assert await rotation.current_user() == second
    async with rotation.engine.connect() as connection:
        count = (await connection.execute(text(f"SELECT count(*) FROM {SCHEMA}.accounts"))).scalar_one()
    assert count >= 0


async def test_keeps_the_last_good_url_while_the_file_is_being_rewritten_and_says_so(rotation: Rotation) -> None:
    rotation.file.write_text("")
    await terminate(rotation.database, rotation.users[1])
    assert await rotation.current_user() == rotation.users[1]
    assert f"DATABASE_URL_FILE {rotation.file} does not hold a postgres:// URL" in [
        str(error) for error in rotation.unreadable
    ]


def test_refuses_to_start_from_a_file_that_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        database_url_from_file(str(tmp_path / "missing"), lambda error: None)
