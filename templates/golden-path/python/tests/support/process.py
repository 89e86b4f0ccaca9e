"""`python -m app.main`, the container's command, as a child process of the
test, with its JSON log lines collected."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.support.auth import get_issuer


@dataclass
class Process:
    child: asyncio.subprocess.Process
    lines: list[dict[str, Any]] = field(default_factory=list)
    base_url: str = ""
    management_url: str = ""
    signalled_at: float = 0.0
    reader: asyncio.Task[None] | None = None

    def terminate(self) -> None:
        """SIGTERM, as Kubernetes sends it."""
        self.signalled_at = time.monotonic()
        self.child.send_signal(signal.SIGTERM)

    async def exited(self) -> tuple[int, float]:
        """The exit code, and how long after SIGTERM it came (ms); all log lines read."""
        code = await asyncio.wait_for(self.child.wait(), 30)
        if self.reader is not None:
            await self.reader
        return code, (time.monotonic() - self.signalled_at) * 1000

    def logged(self, message: str) -> list[dict[str, Any]]:
        return [line for line in self.lines if line.get("message") == message]

    async def kill(self) -> None:
        if self.child.returncode is None:
            self.child.kill()
            await self.child.wait()


async def start_process(env: Mapping[str, str]) -> Process:
    """Starts the service on free ports, with the test issuer's settings and
    `env`, and returns once it is ready."""
    issuer = get_issuer()
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.main",
        env={
            "PATH": os.environ.get("PATH", ""),
            "PORT": "0",
            "MANAGEMENT_PORT": "0",
            "LOG_LEVEL": "info",
            "AUTH_ISSUER": issuer.issuer,
            "AUTH_AUDIENCE": issuer.audience,
            "AUTH_JWKS_URL": issuer.jwks_url,
            **env,
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    process = Process(child)
    listening: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()

    async def read() -> None:
        assert child.stdout is not None
        async for raw in child.stdout:
            line = json.loads(raw)
            process.lines.append(line)
            if line.get("message") == "listening" and not listening.done():
                listening.set_result(line)
        if not listening.done():
            assert child.stderr is not None
            stderr = (await child.stderr.read()).decode()
            listening.set_exception(RuntimeError(f"exited before listening: {stderr}"))

    process.reader = asyncio.create_task(read())
    try:
        line = await asyncio.wait_for(listening, 20)
        process.base_url = f"http://127.0.0.1:{line['port']}"
        process.management_url = f"http://127.0.0.1:{line['managementPort']}"
        async with httpx.AsyncClient(trust_env=False) as client:
            for _ in range(100):
                if (await client.get(f"{process.management_url}/readyz")).status_code == 200:
                    break
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("the service never became ready")
    except BaseException:
        await process.kill()
        raise
    return process
