"""Wires the service together from its configuration. Nothing runs until
`App.start()`."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field

import uvicorn
{%- if values.ownsTables %}
from sqlalchemy.ext.asyncio import AsyncEngine
{%- endif %}
from starlette.types import ASGIApp

from app.api.auth import AuthOptions
from app.api.openapi import load_openapi
from app.api.server import Server, ServerDependencies, build_server
from app.api.system_routes import ReadinessCheck
from app.config import {% if values.runsJobs or values.publishesEvents %}SERVICE, {% endif %}Config
{%- if values.runsJobs %}
from app.infrastructure.jobs.definitions import job_definitions
from app.infrastructure.jobs.job_system import JobSystem
{%- endif %}
from app.infrastructure.logger import Logger, create_logger
from app.infrastructure.metrics import Metrics
{%- if values.publishesEvents %}
from app.infrastructure.outbox.event_publisher import EventPublisher
from app.infrastructure.outbox.kafka_publisher import KafkaEventPublisher
from app.infrastructure.outbox.relay import OutboxRelay
{%- endif %}
{%- if values.ownsTables %}
from app.infrastructure.postgres.account_store import AccountStore
from app.infrastructure.postgres.database_url import database_connection
from app.infrastructure.postgres.engine import create_engine, ping_postgres
{%- endif %}

{%- if values.ownsTables %}

#: Idempotency keys are replayable for 24 hours (see the OpenAPI document); pruned hourly.
IDEMPOTENCY_KEY_HOURS = 24
PRUNE_EVERY_SECONDS = 3_600
{%- endif %}


@dataclass
class AppOptions:
    #: Defaults to JSON logs on stdout at LOG_LEVEL.
    logger: Logger | None = None
    #: Listen on this host; all interfaces by default (inside a pod).
    host: str = "0.0.0.0"
    #: Pause between failing readiness and closing the listeners, so endpoints
    #: are updated first (SHUTDOWN_DRAIN_MS by default).
    drain_delay_ms: int | None = None
{%- if values.ownsTables or values.runsJobs %}
    #: Whether this process runs the background work ({% if values.publishesEvents %}outbox relay, {% endif %}{% if values.runsJobs %}job workers{% endif %}{% if values.runsJobs and values.ownsTables %}, {% endif %}{% if values.ownsTables %}idempotency key clean-up{% endif %}).
    run_background: bool = True
{%- endif %}
{%- if values.publishesEvents %}
    #: Where the outbox relay publishes; Kafka (KAFKA_BROKERS) by default.
    publisher: EventPublisher | None = None
{%- endif %}
    #: OpenTelemetry is installed (main.py): server spans for the API.
    tracing: bool = False


class ShutdownError(Exception):
    """Some close steps failed or ran out of time; the message names them."""


@dataclass
class CloseStep:
    name: str
    close: Callable[[], Awaitable[object]]
    #: Called when close() ran out of time: drop what it was waiting for.
    abort: Callable[[], None] | None = None


async def close_within(timeout_ms: int, logger: Logger, steps: list[CloseStep]) -> None:
    """Runs the close steps in order within one overall deadline. A step that
    fails or runs out of time is logged and aborted, and the next still runs
    (a database that is gone must not keep the management listener open);
    raises ShutdownError naming them."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_ms / 1000
    failed: list[str] = []
    for step in steps:
        left = max(deadline - loop.time(), 0)
        task = asyncio.ensure_future(step.close())
        done, _ = await asyncio.wait({task}, timeout=left)
        if not done:
            logger.error("close step did not finish in time; aborted", step=step.name, timeoutMs=timeout_ms)
            if step.abort is not None:
                step.abort()
            task.cancel()
            with contextlib.suppress(BaseException):
                await asyncio.wait({task}, timeout=0.1)
            failed.append(step.name)
        elif task.exception() is not None:
            logger.error("close step failed", err=task.exception(), step=step.name)
            failed.append(step.name)
    if failed:
        raise ShutdownError(f"Shutdown was not clean: {', '.join(failed)}")


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: main.py decides when to stop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class Listener:
    """One HTTP listener (uvicorn on a socket of its own)."""

    def __init__(self, app: ASGIApp, host: str, port: int) -> None:
        # IPPROTO_TCP named, not 0: asyncio turns Nagle's algorithm off only
        # on sockets whose protocol says TCP. With it on, every response on a
        # kept-alive connection waited ~40 ms for the client's delayed ACK.
        self._socket = socket.socket(
            socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP
        )
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit it on Linux; asyncio sets it again.
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._socket.bind((host, port))
        self.port: int = self._socket.getsockname()[1]
        self._server = _Server(
            uvicorn.Config(
                app,
                log_config=None,
                access_log=False,
                lifespan="off",
                proxy_headers=False,
                server_header=False,
                # In-flight requests get what is left of SHUTDOWN_TIMEOUT_MS (close_within).
                timeout_graceful_shutdown=None,
            )
        )
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve(sockets=[self._socket]))
        while not self._server.started:
            if self._task.done():
                self._task.result()
                raise RuntimeError(f"the listener on port {self.port} stopped while starting")
            await asyncio.sleep(0.01)

    async def close(self) -> None:
        """Stops accepting connections, lets the requests in flight finish, then returns."""
        self._server.should_exit = True
        if self._task is not None:
            await self._task
        self._socket.close()

    def abort(self) -> None:
        self._server.force_exit = True


@dataclass
class App:
    config: Config
    server: Server
    logger: Logger
    metrics: Metrics
    options: AppOptions
{%- if values.ownsTables %}
    engine: AsyncEngine | None = None
    accounts: AccountStore | None = None
{%- endif %}
{%- if values.publishesEvents %}
    publisher: EventPublisher | None = None
    relay: OutboxRelay | None = None
{%- endif %}
{%- if values.runsJobs %}
    jobs: JobSystem | None = None
{%- endif %}
    _api: Listener | None = None
    _management: Listener | None = None
    _background: list[asyncio.Task[None]] = field(default_factory=list)

    async def start(self) -> tuple[str, str]:
        """Listens on both ports, starts background work; returns their base URLs."""
        host = self.options.host
        self._api = Listener(self.server.api, host, self.config.port)
        self._management = Listener(self.server.management, host, self.config.management_port)
        await self._api.start()
        await self._management.start()
{%- if values.ownsTables or values.runsJobs %}
        if self.options.run_background:
{%- if values.publishesEvents %}
            assert self.relay is not None
            self.relay.start()
{%- endif %}
{%- if values.runsJobs %}
            assert self.jobs is not None
            self.jobs.start_workers()
{%- endif %}
{%- if values.ownsTables %}
            self._background.append(asyncio.create_task(self._prune_idempotency_keys()))
{%- endif %}
{%- endif %}
        self.logger.info("listening", port=self._api.port, managementPort=self._management.port)
        base = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::', '') else host}"
        return f"{base}:{self._api.port}", f"{base}:{self._management.port}"

    async def stop(self) -> None:
        """Graceful stop: fail readiness, drain, close the listeners, finish
        background work, close connections. Each close step gets what is left of
        SHUTDOWN_TIMEOUT_MS; one that runs out is aborted and named in the
        ShutdownError raised, and the steps after it still run."""
        self.server.start_draining()
        drain_ms = self.options.drain_delay_ms
        drain_ms = self.config.shutdown_drain_ms if drain_ms is None else drain_ms
        if drain_ms:
            await asyncio.sleep(drain_ms / 1000)
        for task in self._background:
            task.cancel()
        steps: list[CloseStep] = []
        if self._api is not None:
            steps.append(CloseStep("API listener", self._api.close, self._api.abort))
        steps.append(CloseStep("identity provider client", self.server.authenticator.aclose))
{%- if values.publishesEvents %}
        if self.relay is not None:
            steps.append(CloseStep("outbox relay", self.relay.stop, self.relay.abort))
        if self.publisher is not None:
            steps.append(CloseStep("Kafka producer", self.publisher.close))
{%- endif %}
{%- if values.runsJobs %}
        if self.jobs is not None:
{%- if values.ownsTables %}
            # Before the pool: running jobs use it.
{%- endif %}
            steps.append(CloseStep("job workers and Redis", self.jobs.close, self.jobs.abort))
{%- endif %}
{%- if values.ownsTables %}
        if self.engine is not None:
            steps.append(CloseStep("PostgreSQL pool", self.engine.dispose))
{%- endif %}
        # Last: probes and metrics answer until the rest is closed.
        if self._management is not None:
            steps.append(CloseStep("management listener", self._management.close, self._management.abort))
        await close_within(self.config.shutdown_timeout_ms, self.logger, steps)
        self.logger.info("stopped")
{%- if values.ownsTables %}

    async def _prune_idempotency_keys(self) -> None:
        assert self.accounts is not None
        while True:
            await asyncio.sleep(PRUNE_EVERY_SECONDS)
            try:
                await self.accounts.prune_idempotency_keys(IDEMPOTENCY_KEY_HOURS)
            except Exception as error:
                self.logger.warn("could not prune idempotency keys", err=error)
{%- endif %}


async def create_app(config: Config, options: AppOptions | None = None) -> App:
    options = options or AppOptions()
    logger = options.logger or create_logger(level=config.log_level, service_name=config.service_name)
{%- if values.runsJobs or values.publishesEvents %}

    def unavailable(metric: str, error: BaseException) -> None:
        logger.warn("metric source unavailable", err=error, metric=metric)

    metrics = Metrics(on_collect_error=unavailable)
{%- else %}
    metrics = Metrics()
{%- endif %}
    readiness: list[ReadinessCheck] = []
{%- if values.ownsTables %}

    def unreadable(error: Exception) -> None:
        logger.error("DATABASE_URL_FILE unreadable: new connections keep the last good URL", err=error)

    engine = create_engine(
        database_connection(config, unreadable),
        pool_max=config.database_pool_max,
        application_name=config.service_name,
    )
    accounts = AccountStore(engine)
    readiness.append(ReadinessCheck("postgres", lambda: ping_postgres(engine)))
{%- endif %}
{%- if values.publishesEvents %}

    publisher = options.publisher or KafkaEventPublisher(
        brokers=config.kafka_brokers,
        topic=SERVICE.event_topic,
        client_id=config.service_name,
        ssl=config.kafka_tls,
        sasl=(config.kafka_sasl_username, config.kafka_sasl_password)
        if config.kafka_sasl_username and config.kafka_sasl_password
        else None,
        ca_file=config.ca_file,
        logger=logger.child(component="kafka"),
    )
    # Kafka is deliberately not a readiness check: while it is down, writes
    # still succeed and events wait in the outbox (outbox_pending_events grows).
    relay = OutboxRelay(engine=engine, publisher=publisher, logger=logger.child(component="outbox-relay"))
    metrics.observe_outbox(relay.pending_count)
{%- endif %}
{%- if values.runsJobs %}

    jobs = JobSystem(
        redis_url=config.redis_url,
        service_name=config.service_name,
        actor_prefix=f"{SERVICE.database_schema}.",
        metrics=metrics,
        logger=logger.child(component="jobs"),
        namespace=config.redis_namespace,
        ca_file=config.ca_file,
    )
{%- if values.ownsTables %}
    jobs.define(*job_definitions(accounts=accounts))
{%- else %}
    jobs.define(*job_definitions(client=jobs.redis, key_prefix=jobs.key_prefix))
{%- endif %}
    readiness.append(ReadinessCheck("redis", jobs.ping))
{%- endif %}

    server = build_server(
        ServerDependencies(
            logger=logger,
            metrics=metrics,
            openapi=load_openapi(),
            log_requests=config.log_requests,
            auth=AuthOptions(
                issuer=config.auth_issuer,
                audience=config.auth_audience,
                jwks_url=config.auth_jwks_url,
                realm=config.service_name,
            ),
            readiness=readiness,
{%- if values.ownsTables %}
            accounts=accounts,
{%- endif %}
{%- if values.runsJobs %}
            jobs=jobs,
{%- endif %}
            tracing=options.tracing,
        )
    )
    return App(
        config=config,
        server=server,
        logger=logger,
        metrics=metrics,
        options=options,
{%- if values.ownsTables %}
        engine=engine,
        accounts=accounts,
{%- endif %}
{%- if values.publishesEvents %}
        publisher=publisher,
        relay=relay,
{%- endif %}
{%- if values.runsJobs %}
        jobs=jobs,
{%- endif %}
    )
