"""Connections to Valkey/Redis (Aiven for Caching): Dramatiq's own
(synchronous, used by its worker threads and to enqueue) and the service's
(asyncio: readiness, metrics, dead letters, jobs' own keys).

Both fail fast while Redis is away: a short connect and read time-out and
one retry, so that an API request that enqueues a job, or a scrape, is
never held for long. rediss:// URLs trust the Aiven project CA
(PGSSLROOTCERT, the mounted Secret's AIVEN_CA_PEM) besides the system's CAs.
"""

from __future__ import annotations

from typing import Any

import redis
import redis.asyncio
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

CONNECT_TIMEOUT_SECONDS = 2.0
#: Every command Dramatiq sends is short (its fetch is a Lua script that
#: never blocks), so a read that takes longer means Redis is gone.
READ_TIMEOUT_SECONDS = 5.0


def _options(url: str, ca_file: str | None) -> dict[str, Any]:
    options: dict[str, Any] = {
        "socket_connect_timeout": CONNECT_TIMEOUT_SECONDS,
        "socket_timeout": READ_TIMEOUT_SECONDS,
        "health_check_interval": 30,
    }
    if url.startswith("rediss://") and ca_file:
        options["ssl_ca_certs"] = ca_file
    return options


def sync_client(url: str, ca_file: str | None) -> redis.Redis:
    return redis.Redis(
        connection_pool=redis.ConnectionPool.from_url(
            url, retry=Retry(ExponentialBackoff(cap=0.5, base=0.1), 1), **_options(url, ca_file)
        )
    )


def async_client(url: str, ca_file: str | None) -> redis.asyncio.Redis:
    return redis.asyncio.Redis(
        connection_pool=redis.asyncio.ConnectionPool.from_url(
            url, retry=redis.asyncio.retry.Retry(ExponentialBackoff(cap=0.5, base=0.1), 1), **_options(url, ca_file)
        )
    )
