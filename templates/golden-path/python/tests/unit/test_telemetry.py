from opentelemetry import trace

from app.infrastructure.telemetry import DISABLED, start_telemetry


def test_installs_nothing_without_a_collector_or_when_the_sdk_is_disabled() -> None:
    assert start_telemetry(service_name="svc-test", otlp_endpoint=None, env={}) is DISABLED
    disabled = {"OTEL_SDK_DISABLED": "true"}
    assert start_telemetry(service_name="svc-test", otlp_endpoint="http://collector:4318", env=disabled) is DISABLED
    # Nothing global was touched (the tracing itself: tests/integration/test_tracing.py).
    assert not trace.get_current_span().get_span_context().is_valid
