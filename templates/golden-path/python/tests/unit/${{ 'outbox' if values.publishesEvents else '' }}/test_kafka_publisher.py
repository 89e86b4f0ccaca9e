import json
import ssl

from app.infrastructure.logger import create_logger
from app.infrastructure.outbox.event_publisher import OutboxEvent
from app.infrastructure.outbox.kafka_publisher import KafkaEventPublisher, kafka_headers, message_value

EVENT = OutboxEvent(
    id=1,
    event_id="e-1",
    aggregate_type="account",
    aggregate_id="a-1",
    event_type="account.credited",
    payload={"amount": 5},
    traceparent=None,
    created_at="2026-01-01T00:00:00.000Z",
)
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def test_headers_carry_the_event_type_and_id_and_the_trace_when_there_is_one() -> None:
    traced = OutboxEvent(**{**EVENT.__dict__, "traceparent": TRACEPARENT})
    assert kafka_headers(traced) == {
        "event-id": "e-1",
        "event-type": "account.credited",
        "content-type": "application/json",
        "traceparent": TRACEPARENT,
        "trace-id": "4bf92f3577b34da6a3ce929d0e0e4736",
    }
    assert "trace-id" not in kafka_headers(EVENT)
    assert "traceparent" not in kafka_headers(EVENT)


def test_the_value_is_the_event_envelope_consumers_read() -> None:
    assert json.loads(message_value(EVENT)) == {
        "id": "e-1",
        "type": "account.credited",
        "aggregateType": "account",
        "aggregateId": "a-1",
        "occurredAt": "2026-01-01T00:00:00.000Z",
        "data": {"amount": 5},
    }


def publisher(**options: object) -> KafkaEventPublisher:
    return KafkaEventPublisher(
        brokers=["kafka-1.internal:9092"],
        topic="t",
        client_id="svc",
        logger=create_logger(level="silent", service_name="test"),
        **options,  # type: ignore[arg-type]
    )


def test_speaks_tls_and_scram_as_configured() -> None:
    assert publisher(ssl=False)._security() == {"security_protocol": "PLAINTEXT"}
    secure = publisher(ssl=True, sasl=("svc", "pw"))._security()
    assert secure["security_protocol"] == "SASL_SSL"
    assert secure["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (secure["sasl_plain_username"], secure["sasl_plain_password"]) == ("svc", "pw")
    context = secure["ssl_context"]
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert publisher(ssl=True)._security()["security_protocol"] == "SSL"
