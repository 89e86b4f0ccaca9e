"""The service's settings, from the environment only.

Secrets (DATABASE_URL, REDIS_URL, KAFKA_SASL_*) come from the ExternalSecret
`<name>-secrets`, the rest from the ConfigMap `<name>-config`. A bad value
stops the process at start-up with a message naming the variable, instead of
failing later.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError{% if values.publishesEvents %}, field_validator{% endif %}
from pydantic_core import PydanticCustomError


@dataclass(frozen=True)
class Service:
    """What this service is, fixed when the repository was generated."""

    name: str
    #: p99 latency objective; the latency SLI counts requests slower than this.
    latency_objective_seconds: float
    #: Availability objective, in percent of non-5xx responses.
    availability_objective_percent: float
{%- if values.ownsTables or values.runsJobs %}
    #: Its own PostgreSQL schema, where every table it owns lives{% if values.runsJobs %}; also the
    #: prefix of its Dramatiq actors (`<schema>.<job>`), by which the portal
    #: finds its dead letters{% endif %}.
    database_schema: str
{%- endif %}
{%- if values.publishesEvents %}
    #: Kafka topic the outbox relay publishes to.
    event_topic: str
{%- endif %}


SERVICE = Service(
    name=${{ values.name | dump }},
    latency_objective_seconds=${{ values.sloLatencyP99Ms | dump }} / 1000,
    availability_objective_percent=${{ values.sloAvailability | dump }},
{%- if values.ownsTables or values.runsJobs %}
    database_schema=${{ values.databaseSchema | dump }},
{%- endif %}
{%- if values.publishesEvents %}
    event_topic=${{ values.eventTopic | dump }},
{%- endif %}
)

LogLevel = Literal["fatal", "error", "warn", "info", "debug", "trace", "silent"]
LogRequests = Literal["failed-or-slow", "all"]


class ConfigError(Exception):
    """A setting is missing or wrong; the message names it."""


def _fails(message: str) -> PydanticCustomError:
    return PydanticCustomError("invalid", message)


def _url(value: str) -> str:
    """An absolute URL (scheme and host), kept exactly as written."""
    parts = urlsplit(value)
    if not parts.scheme or not parts.netloc or any(c.isspace() for c in value):
        raise _fails("Invalid URL")
    return value


def _matching(pattern: str, message: str):
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.search(value):
            raise _fails(message)
        return value

    return check


Url = Annotated[str, AfterValidator(_url)]
Port = Annotated[int, Field(ge=0, le=65535)]
{%- if values.ownsTables %}
DatabaseUrl = Annotated[str, AfterValidator(_matching(r"^postgres(ql)?://", "a postgres:// connection string"))]
{%- endif %}
{%- if values.runsJobs %}
RedisUrl = Annotated[str, AfterValidator(_matching(r"^rediss?://", "a redis:// or rediss:// URL"))]
RedisNamespace = Annotated[
    str, AfterValidator(_matching(r"^[a-z0-9-]{1,40}\Z", "lower-case letters, digits and dashes"))
]
{%- endif %}
ServiceName = Annotated[
    str, AfterValidator(_matching(r"^[a-z][a-z0-9-]{1,62}\Z", "lower-case letters, digits and dashes"))
]


class _Settings(BaseModel):
    # Fields are named as the variables are (aliases), so errors name them.
    model_config = ConfigDict(frozen=True, extra="ignore")


S = TypeVar("S", bound=_Settings)


class Config(_Settings):
    """The service's configuration (`python -m app.main`)."""

    # 0 picks a free port (tests).
    #: The API (/v1): the port the Service and the gateway's HTTPRoute send traffic to.
    port: Port = Field(8080, alias="PORT")
    #: Probes, /metrics and /openapi.json: reached by the kubelet and Prometheus only.
    management_port: Port = Field(9090, alias="MANAGEMENT_PORT")
    #: Bearer tokens: the identity provider's issuer URL (the `iss` claim, exactly).
    auth_issuer: Url = Field(alias="AUTH_ISSUER")
    #: The `aud` claim tokens for this service carry.
    auth_audience: str = Field(alias="AUTH_AUDIENCE", min_length=1)
    #: Where the identity provider publishes its signing keys (a JWKS document).
    auth_jwks_url: Url = Field(alias="AUTH_JWKS_URL")
    #: After SIGTERM: how long /readyz fails before the listeners close (endpoints catch up).
    shutdown_drain_ms: int = Field(5_000, alias="SHUTDOWN_DRAIN_MS", ge=0, le=30_000)
    #: Then: the longest the close steps may take together. The process exits
    #: when they are done or this has passed, whatever its dependencies do, so
    #: preStop + drain + this stays inside the pod's 30 s grace period.
    shutdown_timeout_ms: int = Field(10_000, alias="SHUTDOWN_TIMEOUT_MS", ge=100, le=60_000)
    log_level: LogLevel = Field("info", alias="LOG_LEVEL")
    #: Which API requests get a "request completed" line: those that failed
    #: (4xx, 5xx) or were slower than the latency objective, or all. Metrics
    #: and traces count every request.
    log_requests: LogRequests = Field("failed-or-slow", alias="LOG_REQUESTS")
    service_name: ServiceName = Field(SERVICE.name, alias="SERVICE_NAME")
    otel_exporter_otlp_endpoint: Url | None = Field(None, alias="OTEL_EXPORTER_OTLP_ENDPOINT")
{%- if values.ownsTables %}
    database_url: DatabaseUrl | None = Field(None, alias="DATABASE_URL")
    #: A file holding the URL instead (the mounted Secret in Kubernetes), read
    #: again for each new connection: the credentials in it rotate.
    database_url_file: str | None = Field(None, alias="DATABASE_URL_FILE", min_length=1)
    #: Connections per pod; PgBouncer in front of Aiven PostgreSQL pools the rest.
    database_pool_max: int = Field(10, alias="DATABASE_POOL_MAX", ge=1, le=100)
{%- endif %}
{%- if values.runsJobs %}
    #: Valkey/Redis of the job queues (Dramatiq's broker); rediss:// for TLS.
    redis_url: RedisUrl = Field(alias="REDIS_URL")
    #: A prefix for every Redis key, to share one Redis between developers or
    #: test runs. Never in production: the portal's dead-letter view and the
    #: alerts read the unprefixed keys (Dramatiq's `dramatiq:*`).
    redis_namespace: RedisNamespace | None = Field(None, alias="REDIS_NAMESPACE")
{%- endif %}
{%- if values.publishesEvents %}
    #: Comma-separated host:port list of Kafka bootstrap brokers.
    kafka_brokers: list[str] = Field(alias="KAFKA_BROKERS", min_length=1)
    #: TLS to the brokers (Aiven Kafka requires it).
    kafka_ssl: Literal["true", "false"] = Field("false", alias="KAFKA_SSL")
    #: Optional SASL/SCRAM credentials, when the cluster uses them instead of client certificates.
    kafka_sasl_username: str | None = Field(None, alias="KAFKA_SASL_USERNAME", min_length=1)
    kafka_sasl_password: str | None = Field(None, alias="KAFKA_SASL_PASSWORD", min_length=1)
{%- endif %}
{%- if values.ownsTables or values.runsJobs %}
    #: The Aiven project CA (a PEM file: the mounted Secret's AIVEN_CA_PEM).
    #: asyncpg reads the variable itself for PostgreSQL{% if values.runsJobs or values.publishesEvents %}; {% if values.runsJobs %}Redis{% endif %}{% if values.runsJobs and values.publishesEvents %} and {% endif %}{% if values.publishesEvents %}Kafka{% endif %}
    #: TLS trust it too, beside the system's CAs{% endif %}.
    ca_file: str | None = Field(None, alias="PGSSLROOTCERT", min_length=1)
{%- endif %}
{%- if values.publishesEvents %}

    @field_validator("kafka_brokers", mode="before")
    @classmethod
    def _split_brokers(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [broker.strip() for broker in value.split(",") if broker.strip()]
        return value

    @field_validator("kafka_brokers")
    @classmethod
    def _host_and_port(cls, brokers: list[str]) -> list[str]:
        for broker in brokers:
            if not re.fullmatch(r"[^\s:/]+:\d{1,5}", broker):
                raise _fails("host:port")
        return brokers

    @property
    def kafka_tls(self) -> bool:
        return self.kafka_ssl == "true"
{%- endif %}


def load_config(env: Mapping[str, str | None] | None = None) -> Config:
    config = _parse(Config, env)
    if config.port != 0 and config.port == config.management_port:
        raise ConfigError("Invalid configuration: PORT and MANAGEMENT_PORT must differ (the gateway reaches PORT only)")
{%- if values.ownsTables %}
    if bool(config.database_url) == bool(config.database_url_file):
        raise ConfigError(
            "Invalid configuration: DATABASE_URL and DATABASE_URL_FILE are both set; keep one"
            if config.database_url
            else "Invalid configuration: DATABASE_URL or DATABASE_URL_FILE is required"
        )
{%- endif %}
{%- if values.publishesEvents %}
    if bool(config.kafka_sasl_username) != bool(config.kafka_sasl_password):
        raise ConfigError("Invalid configuration: KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD go together")
{%- endif %}
    return config
{%- if values.ownsTables %}


class MigrationConfig(_Settings):
    """What `python -m app.cli.migrate` needs, and nothing more: the migration
    Job runs before the rest of the configuration exists, with the table
    owner's DATABASE_URL only."""

    log_level: LogLevel = Field("info", alias="LOG_LEVEL")
    service_name: ServiceName = Field(SERVICE.name, alias="SERVICE_NAME")
    database_url: DatabaseUrl = Field(alias="DATABASE_URL")
    #: Migrations are not API requests: a statement may run for minutes (an
    #: index on a large table), and waiting for another migration run's lock
    #: is normal. This bounds a runaway one (the Job's deadline is 10 minutes).
    migration_statement_timeout_ms: int = Field(9 * 60_000, alias="MIGRATION_STATEMENT_TIMEOUT_MS", ge=1_000)
    #: How long one statement may wait for a table lock. Short: DDL queued
    #: behind a long transaction would block every query on that table behind
    #: it. The Job fails with a clear message and is retried.
    migration_lock_timeout_ms: int = Field(5_000, alias="MIGRATION_LOCK_TIMEOUT_MS", ge=100)


def load_migration_config(env: Mapping[str, str | None] | None = None) -> MigrationConfig:
    return _parse(MigrationConfig, env)
{%- endif %}
{%- if values.runsJobs %}


class DeadLettersConfig(_Settings):
    """What `python -m app.cli.dead_letters` needs: Redis, nothing else (the
    pod's own environment has it)."""

    log_level: LogLevel = Field("warn", alias="LOG_LEVEL")
    service_name: ServiceName = Field(SERVICE.name, alias="SERVICE_NAME")
    redis_url: RedisUrl = Field(alias="REDIS_URL")
    redis_namespace: RedisNamespace | None = Field(None, alias="REDIS_NAMESPACE")
    ca_file: str | None = Field(None, alias="PGSSLROOTCERT", min_length=1)


def load_dead_letters_config(env: Mapping[str, str | None] | None = None) -> DeadLettersConfig:
    return _parse(DeadLettersConfig, env)
{%- endif %}


def _parse(model: type[S], env: Mapping[str, str | None] | None) -> S:
    source = os.environ if env is None else env
    # Empty strings (a ConfigMap key with no value) count as unset.
    present: dict[str, Any] = {key: value for key, value in source.items() if value not in (None, "")}
    try:
        return model.model_validate(present)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in issue['loc']) or 'environment'}: {issue['msg']}"
            for issue in error.errors(include_url=False)
        )
        raise ConfigError(f"Invalid configuration: {problems}") from None
