"""Variables scripts/test-services.sh sets."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit


def require_env(name: str) -> str:
    """The variable's value; a clear error when a test is run without it."""
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(
            f"{name} is not set. Run the tests with `task test` (scripts/test-services.sh starts "
            f"{% if values.ownsTables %}PostgreSQL when DATABASE_URL{% endif %}{% if values.ownsTables and values.runsJobs %} and {% endif %}{% if values.runsJobs %}Redis when REDIS_URL{% endif %}{% if not values.ownsTables and not values.runsJobs %}what the tests need when it{% endif %} is not set), or set it yourself."
        )
    return value


def database_url(server_url: str, database: str) -> str:
    """The same server URL, pointing at another database."""
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))
