"""The service's Prometheus metrics.

Names and labels are a contract with the SLO rules (slo/sloth.yaml), alerts
and dashboards, shared with the services of every language of the golden
path: change them there too.
"""

from __future__ import annotations
{% if values.runsJobs or values.publishesEvents %}
import asyncio
from collections.abc import Awaitable, Callable
{%- endif %}
{%- if values.runsJobs %}
from dataclasses import dataclass
from typing import Literal
{%- endif %}
{% if values.runsJobs or values.publishesEvents %}
{% endif -%}
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
{%- if values.runsJobs %}
    Counter,
{%- endif %}
{%- if values.runsJobs or values.publishesEvents %}
    Gauge,
{%- endif %}
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)

from app.config import SERVICE

# The same series as the services of the other languages: no `<name>_created`
# timestamps next to each histogram and counter.
disable_created_metrics()

#: The platform's standard latency buckets, in seconds.
STANDARD_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5, 10)


def latency_buckets(objective_seconds: float = SERVICE.latency_objective_seconds) -> list[float]:
    """Histogram buckets, in seconds. The SLO rules compute the latency SLI
    from the bucket whose `le` is the latency objective, so that bucket must
    exist: it is added to the platform's standard set."""
    return sorted({*(float(b) for b in STANDARD_BUCKETS), float(objective_seconds)})
{%- if values.runsJobs %}


JOB_STATES = ("waiting", "active", "delayed", "failed", "dead_lettered")
JobState = Literal["waiting", "active", "delayed", "failed", "dead_lettered"]
#: completed, retried (will run again) or dead_lettered (gave up).
JobOutcome = Literal["completed", "retried", "dead_lettered"]


@dataclass(frozen=True)
class JobCount:
    queue: str
    state: JobState
    count: int
{%- endif %}
{%- if values.runsJobs or values.publishesEvents %}


#: A scrape waits at most this long for Redis or PostgreSQL.
SOURCE_TIMEOUT_SECONDS = 2.0
{%- endif %}


class Metrics:
    """On a registry of its own (one per app instance, so tests can run
    several apps in one process)."""

    def __init__(
        self,
        *,
        default_metrics: bool = True,
{%- if values.runsJobs or values.publishesEvents %}
        on_collect_error: Callable[[str, BaseException], None] | None = None,
{%- endif %}
    ) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
{%- if values.runsJobs or values.publishesEvents %}
        #: Called when a gauge cannot read its source at scrape time.
        self._on_collect_error = on_collect_error or (lambda _metric, _error: None)
{%- endif %}
        self.http_request_duration = Histogram(
            "http_request_duration_seconds",
            "Duration of HTTP requests served by the API, by templated route.",
            ["method", "route", "status_code"],
            buckets=latency_buckets(),
            registry=self.registry,
        )
{%- if values.runsJobs %}
        self.job_queue_jobs = Gauge(
            "job_queue_jobs",
            "Background jobs per queue and state (dead_lettered: gave up after the last attempt).",
            ["queue", "state"],
            registry=self.registry,
        )
        self.jobs_processed = Counter(
            "jobs_processed",
            "Job attempts by outcome: completed, retried (will run again) or dead_lettered.",
            ["queue", "outcome"],
            registry=self.registry,
        )
        self._job_counts: Callable[[], Awaitable[list[JobCount]]] | None = None
{%- endif %}
{%- if values.publishesEvents %}
        self.outbox_pending_events = Gauge(
            "outbox_pending_events",
            "Outbox events written but not yet published to Kafka.",
            registry=self.registry,
        )
        self._pending_events: Callable[[], Awaitable[int]] | None = None
{%- endif %}
        if default_metrics:
            # process_* (CPU, memory, file descriptors), python_info, python_gc_*.
            ProcessCollector(registry=self.registry)
            PlatformCollector(registry=self.registry)
            GCCollector(registry=self.registry)

    def observe_request(self, *, method: str, route: str, status_code: int, seconds: float) -> None:
        self.http_request_duration.labels(method, route, str(status_code)).observe(seconds)

{%- if values.runsJobs %}

    def job_processed(self, queue: str, outcome: JobOutcome) -> None:
        self.jobs_processed.labels(queue, outcome).inc()

    def observe_job_queues(self, source: Callable[[], Awaitable[list[JobCount]]]) -> None:
        """Where job_queue_jobs reads its values at scrape time."""
        self._job_counts = source
{%- endif %}
{%- if values.publishesEvents %}

    def observe_outbox(self, source: Callable[[], Awaitable[int]]) -> None:
        """Where outbox_pending_events reads its value at scrape time."""
        self._pending_events = source
{%- endif %}

    async def refresh(self) -> None:
        """Reads the gauges' sources before a scrape. A scrape must not fail
        because Redis or PostgreSQL is slow or down: a gauge keeps its last
        value and the error is reported (the readiness probe and the
        dependency's own alerts say what is wrong)."""
{%- if values.runsJobs %}
        job_counts = self._job_counts
        if job_counts is not None:

            async def update_jobs() -> None:
                counts = await job_counts()
                self.job_queue_jobs.clear()
                for count in counts:
                    self.job_queue_jobs.labels(count.queue, count.state).set(count.count)

            await self._refresh("job_queue_jobs", update_jobs)
{%- endif %}
{%- if values.publishesEvents %}
        pending_events = self._pending_events
        if pending_events is not None:

            async def update_outbox() -> None:
                self.outbox_pending_events.set(await pending_events())

            await self._refresh("outbox_pending_events", update_outbox)
{%- endif %}
{%- if not values.runsJobs and not values.publishesEvents %}
        return
{%- endif %}
{%- if values.runsJobs or values.publishesEvents %}

    async def _refresh(self, metric: str, update: Callable[[], Awaitable[None]]) -> None:
        try:
            await asyncio.wait_for(update(), SOURCE_TIMEOUT_SECONDS)
        except Exception as error:
            self._on_collect_error(metric, error)
{%- endif %}

    def exposition(self) -> tuple[bytes, str]:
        """The text exposition format and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
