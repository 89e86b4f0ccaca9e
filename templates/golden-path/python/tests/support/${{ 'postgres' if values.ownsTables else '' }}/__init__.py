"""Databases of the test run on DATABASE_URL's server (scripts/test-services.sh
starts one when it is not set): a migrated template, and a clone of it for
each test module. Cloning takes milliseconds and keeps modules independent."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import asyncpg

from app.config import SERVICE
from tests.support.env import database_url

#: SQLSTATE object_in_use: the template is being copied by another CREATE DATABASE.
_OBJECT_IN_USE = "55006"


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def new_name(suffix: str = "") -> str:
    """A database name of this service, unique to this run."""
    return f"{SERVICE.name.replace('-', '_')}_{suffix}{secrets.token_hex(4)}"


@asynccontextmanager
async def admin(server_url: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection of its own (DDL, roles, clean-up)."""
    connection = await asyncpg.connect(server_url)
    try:
        yield connection
    finally:
        await connection.close()


async def create_database(server_url: str, name: str, template: str | None = None) -> str:
    statement = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
    async with admin(server_url) as connection:
        # Two clones of one template at the same instant can collide; retry.
        for attempt in range(1, 11):
            try:
                await connection.execute(statement)
                break
            except asyncpg.PostgresError as error:
                if getattr(error, "sqlstate", None) != _OBJECT_IN_USE or attempt == 10:
                    raise
                await asyncio.sleep(0.1 * attempt)
    return database_url(server_url, name)


async def drop_database(server_url: str, name: str) -> None:
    """Drops a database once the sessions of pools that were just closed have left it."""
    async with admin(server_url) as connection:
        for _ in range(100):
            sessions = await connection.fetchval("SELECT count(*) FROM pg_stat_activity WHERE datname = $1", name)
            if not sessions:
                break
            await asyncio.sleep(0.05)
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Database:
    server_url: str
    name: str
    url: str

    async def drop(self) -> None:
        await drop_database(self.server_url, self.name)


async def clone_database(server_url: str, template_url: str) -> Database:
    """A fresh, migrated database: a clone of the run's template."""
    template = database_name(template_url)
    name = f"{template}_{secrets.token_hex(3)}"
    url = await create_database(server_url, name, template)
    return Database(server_url=server_url, name=name, url=url)


async def empty_database(server_url: str) -> Database:
    name = new_name("e")
    url = await create_database(server_url, name)
    return Database(server_url=server_url, name=name, url=url)
