"""What the pool connects with: DATABASE_URL as it is, or the URL in
DATABASE_URL_FILE, read again for each new connection.

Why a file: in Kubernetes, External Secrets writes a fresh Vault user into
the Secret every 30 minutes, and each user expires after an hour. The kubelet
updates the mounted file; an environment variable would keep the user the pod
started with, and the pod would lose the database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from app.config import Config, ConfigError

_POSTGRES_URL = re.compile(r"^postgres(ql)?://")


def database_connection(config: Config, on_unreadable: Callable[[Exception], None]) -> Callable[[], str]:
    """A function giving the URL to open the next connection with."""
    if config.database_url_file:
        return database_url_from_file(config.database_url_file, on_unreadable)
    if config.database_url:
        url = config.database_url
        return lambda: url
    raise ConfigError("Invalid configuration: DATABASE_URL or DATABASE_URL_FILE is required")


def database_url_from_file(file: str, on_unreadable: Callable[[Exception], None]) -> Callable[[], str]:
    """The URL in `file`, read on every call. The first read must succeed (a
    clear error at start-up). Later, a file that cannot be read or does not
    hold a URL (caught mid-update) keeps the last good URL, and is reported."""
    last = _read_url(file)

    def current() -> str:
        nonlocal last
        try:
            last = _read_url(file)
        except ConfigError as error:
            on_unreadable(error)
        return last

    return current


def _read_url(file: str) -> str:
    try:
        text = Path(file).read_text(encoding="utf-8").strip()
    except OSError as error:
        raise ConfigError(f"DATABASE_URL_FILE {file} cannot be read: {error.strerror or error}") from None
    if not _POSTGRES_URL.match(text):
        raise ConfigError(f"DATABASE_URL_FILE {file} does not hold a postgres:// URL")
    return text
