"""OpenTelemetry tracing, when a collector is configured.

Spans are exported over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT (the
exporter reads the standard variable itself and appends /v1/traces).
Sampling follows OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG (parent-based,
always on by default; the platform sets 10 % in production). Without an
endpoint, or with OTEL_SDK_DISABLED=true, nothing is installed: no
instrumentation costs CPU on requests, and log lines carry no trace ids.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Telemetry:
    #: Whether the API is to be wrapped in the ASGI instrumentation.
    enabled: bool
    #: Flushes and stops the exporter (bounded: the exporter's own time-out).
    shutdown: Callable[[], None]


DISABLED = Telemetry(enabled=False, shutdown=lambda: None)


def _with_parent_only(processor: Any) -> Any:
    """Client spans (PostgreSQL statements) are exported only inside a
    request's trace: the readiness probe's ping every few seconds, and the
    pool's connection set-up outside a request, would otherwise each start a
    trace of their own."""
    from opentelemetry.sdk.trace import SpanProcessor
    from opentelemetry.trace import SpanKind

    class WithParentOnly(SpanProcessor):
        def on_start(self, span: Any, parent_context: Any = None) -> None:
            processor.on_start(span, parent_context=parent_context)

        def on_end(self, span: Any) -> None:
            if span.kind == SpanKind.CLIENT and span.parent is None:
                return
            processor.on_end(span)

        def shutdown(self) -> None:
            processor.shutdown()

        def force_flush(self, timeout_millis: int = 30_000) -> bool:
            return processor.force_flush(timeout_millis)

    return WithParentOnly()


def start_telemetry(*, service_name: str, otlp_endpoint: str | None, env: Mapping[str, str] | None = None) -> Telemetry:
    env = os.environ if env is None else env
    if not otlp_endpoint or env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return DISABLED

    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    provider.add_span_processor(_with_parent_only(BatchSpanProcessor(OTLPSpanExporter())))
    trace.set_tracer_provider(provider)
{%- if values.ownsTables %}
    # Spans of PostgreSQL statements, as children of the request's span.
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor

    AsyncPGInstrumentor().instrument(tracer_provider=provider)
{%- endif %}
    return Telemetry(enabled=True, shutdown=provider.shutdown)
