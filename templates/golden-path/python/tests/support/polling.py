"""Waiting for something that happens in the background (a relay, a job)."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(check: Callable[[], Awaitable[T] | T], *, within: float = 15.0, every: float = 0.05) -> T:
    """Calls `check` until it returns without an AssertionError, and returns
    its value; after `within` seconds, its last AssertionError is raised."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        try:
            outcome = check()
            return await outcome if inspect.isawaitable(outcome) else outcome  # type: ignore[return-value]
        except AssertionError:
            if loop.time() >= deadline:
                raise
        await asyncio.sleep(every)
