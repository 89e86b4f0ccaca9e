"""SIGTERM, as Kubernetes sends it, to `python -m app.main` (the container's
command): it exits on its own within its shutdown deadline whatever its
dependencies do, well inside the pod's 30 s grace period."""

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
{%- if values.ownsTables or values.runsJobs %}
from urllib.parse import urlsplit
{%- endif %}

import pytest

from tests.support.process import Process, start_process
{%- if values.ownsTables or values.runsJobs %}
from tests.support.tcp_proxy import TcpProxy
{%- endif %}

DRAIN_MS = 200
TIMEOUT_MS = 2_000
SHUTDOWN = {"SHUTDOWN_DRAIN_MS": str(DRAIN_MS), "SHUTDOWN_TIMEOUT_MS": str(TIMEOUT_MS)}


@pytest.fixture
async def started() -> AsyncIterator[list[Process]]:
    processes: list[Process] = []
    yield processes
    # A test that fails before its service exits must not leave it running.
    for process in processes:
        await process.kill()


async def test_refuses_to_start_with_a_bad_setting_naming_it() -> None:
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.main",
        env={"PATH": os.environ.get("PATH", ""), "PORT": "eighty"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(child.communicate(), 30)
    assert child.returncode == 1
    message = json.loads(stderr)["message"]
    assert message.startswith("Invalid configuration: ")
    assert "PORT" in message
    assert "AUTH_ISSUER" in message


async def test_exits_cleanly_after_draining_when_its_dependencies_are_there(
    started: list[Process], service_env: dict[str, str]
) -> None:
    service = await start_process({**service_env, **SHUTDOWN})
    started.append(service)
    service.terminate()
    code, after_ms = await service.exited()
    assert code == 0
    assert after_ms >= DRAIN_MS
    assert len(service.logged("shutting down")) == 1
    assert len(service.logged("stopped")) == 1
{%- if values.ownsTables or values.runsJobs %}


def _host_and_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 0


@pytest.mark.parametrize("how", ["stopped", "unreachable"])
async def test_exits_within_its_deadline_when_{% if values.ownsTables and values.runsJobs %}postgresql_and_redis_are{% elif values.ownsTables %}postgresql_is{% else %}redis_is{% endif %}_gone_naming_what_it_could_not_close(
    started: list[Process], service_env: dict[str, str], how: str
) -> None:
    proxies: dict[str, TcpProxy] = {}
    env = dict(service_env)
    try:
        for name in [{% if values.ownsTables %}"DATABASE_URL"{% endif %}{% if values.ownsTables and values.runsJobs %}, {% endif %}{% if values.runsJobs %}"REDIS_URL"{% endif %}]:
            proxies[name] = await TcpProxy.start(*_host_and_port(service_env[name]))
            env[name] = proxies[name].url(service_env[name])
        service = await start_process({**env, **SHUTDOWN})
        started.append(service)
        for proxy in proxies.values():
            if how == "stopped":
                await proxy.stop()
            else:
                proxy.blackhole()
        service.terminate()
        code, after_ms = await service.exited()
        # It exited by itself when the close steps' deadline passed, not
        # through the fallback that fires 2 s later.
        assert DRAIN_MS <= after_ms < DRAIN_MS + TIMEOUT_MS + 1_500
        assert service.logged("shutdown overran its deadline; exiting") == []
        # What could not close in time is named, and the exit code says the stop was not clean.
        unclosed = [
            line["step"]
            for line in service.logged("close step did not finish in time; aborted")
            + service.logged("close step failed")
        ]
{%- if values.ownsTables %}
        if how == "unreachable":
            # Closing a connection waits for the server's answer: that step is the one cut short.
            assert "PostgreSQL pool" in unclosed
{%- endif %}
        assert code == (1 if unclosed else 0), unclosed
        assert len(service.logged("stopped")) == (0 if unclosed else 1)
    finally:
        for proxy in proxies.values():
            await proxy.stop()
{%- endif %}
