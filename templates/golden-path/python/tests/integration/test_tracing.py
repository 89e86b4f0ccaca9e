"""Traces, as the platform's collector receives them: `python -m app.main`
with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a collector on loopback that
records what it is sent (OTLP/HTTP, protobuf)."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from tests.support.process import start_process
from tests.support.service import request

{% if values.ownsTables -%}
PATH = "/v1/accounts"
BODY: dict[str, Any] = {"currency": "EUR", "ownerId": "member-1"}
{%- else -%}
PATH = "/v1/quotes/points"
BODY: dict[str, Any] = {"amount": 1000, "currency": "EUR", "tier": "gold"}
{%- endif %}
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


class Collector:
    def __init__(self) -> None:
        self.spans: list[Any] = []
        received = self.spans

        class Traces(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                if self.path == "/v1/traces":
                    export = ExportTraceServiceRequest()
                    export.ParseFromString(body)
                    for resource in export.resource_spans:
                        for scope in resource.scope_spans:
                            received.extend(scope.spans)
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Traces)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def collector() -> Iterator[Collector]:
    running = Collector()
    yield running
    running.server.shutdown()


async def test_exports_a_span_per_request_named_after_its_route_in_the_callers_trace(
    collector: Collector, service_env: dict[str, str]
) -> None:
    service = await start_process(
        {
            **service_env,
            "OTEL_EXPORTER_OTLP_ENDPOINT": collector.url,
            "OTEL_BSP_SCHEDULE_DELAY": "50",
            "LOG_REQUESTS": "all",
            "SHUTDOWN_DRAIN_MS": "0",
        }
    )
    try:
        traceparent = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
        res = await request(service.base_url, "POST", PATH, body=BODY, headers={"traceparent": traceparent})
        assert res.status in (200, 201)
{%- if values.ownsTables %}
        read = await request(service.base_url, "GET", f"{PATH}/{res.body['id']}", headers={"traceparent": traceparent})
        assert read.status == 200
{%- endif %}
    finally:
        service.terminate()
        code, _ = await service.exited()
    assert code == 0

    in_trace = [span for span in collector.spans if span.trace_id.hex() == TRACE_ID]
    server = [span for span in in_trace if span.name == f"POST {PATH}"]
    assert len(server) == 1, [span.name for span in collector.spans]
    attributes = {attribute.key: attribute.value.string_value for attribute in server[0].attributes}
    assert attributes["http.route"] == PATH
{%- if values.ownsTables %}
    # The statements of the request, as children in the same trace.
    assert any(span.parent_span_id and span.name != server[0].name for span in in_trace), [s.name for s in in_trace]
{%- endif %}
    # Its log line carries the trace id, for the jump from Loki to Tempo.
    completed = service.logged("request completed")
    assert {line.get("trace_id") for line in completed} == {TRACE_ID}
{%- if values.ownsTables %}
    # Named after the route, never after the raw path (ids).
    assert sorted(span.name for span in in_trace if span.kind == span.SPAN_KIND_SERVER) == [
        "GET /v1/accounts/:accountId",
        "POST /v1/accounts",
    ]
{%- endif %}
    # Nothing else: no spans for probes and scrapes, nor statements outside a request.
    assert {span.trace_id.hex() for span in collector.spans} == {TRACE_ID}
