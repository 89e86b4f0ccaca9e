import io
import json
import logging
from typing import Any

from app.infrastructure.logger import Logger, create_logger, route_standard_logging


class Captured:
    """A logger writing into memory, and the lines it wrote."""

    def __init__(self, level: str = "info") -> None:
        self.stream = io.StringIO()
        self.logger = create_logger(level=level, service_name="svc-test", stream=self.stream)

    @property
    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]


def capture(level: str = "info") -> tuple[Captured, Logger]:
    captured = Captured(level)
    return captured, captured.logger


def test_writes_json_lines_with_level_time_service_and_message() -> None:
    out, logger = capture()
    logger.info("hello", accountId="a-1")
    line = out.lines[0]
    assert line["service"] == "svc-test"
    assert line["level"] == "info"
    assert line["message"] == "hello"
    assert line["accountId"] == "a-1"
    assert line["time"].endswith("Z")
    assert list(line)[-1] == "message"


def test_redacts_personal_and_card_data_wherever_it_appears() -> None:
    out, logger = capture()
    logger.info(
        "attempt",
        email="jane@example.com",
        member={"firstName": "Jane", "iban": "FR7630006000011234567890189", "phone": "+33 6 12 34 56 78"},
        payment={"card": {"cardNumber": "4111111111111111", "cvv": "123"}},
        deep={"a": {"b": {"c": [{"email": "joe@example.com"}]}}},
        req={"headers": {"authorization": "Bearer x"}},
        headers={"authorization": "Bearer secret-token", "cookie": "session=1"},
        body={"anything": "at all"},
    )
    text = json.dumps(out.lines[0])
    for secret in [
        "jane@example.com",
        "Jane",
        "FR76",
        "+33",
        "4111",
        "123",
        "joe@",
        "secret-token",
        "session=1",
        "at all",
    ]:
        assert secret not in text, secret
    assert out.lines[0]["member"]["iban"] == "[redacted]"
    assert out.lines[0]["headers"]["authorization"] == "[redacted]"


def test_logs_requests_by_templated_route_without_url_headers_or_client_address() -> None:
    out, logger = capture()
    request = {
        "id": "r-1",
        "method": "GET",
        "url": "/v1/things/secret-id?email=jane@example.com",
        "headers": {"authorization": "Bearer x"},
        "ip": "203.0.113.9",
        "route": "/v1/things/:id",
    }
    logger.info("request", req=request)
    assert out.lines[0]["req"] == {"id": "r-1", "method": "GET", "route": "/v1/things/:id"}


def test_serialises_errors_and_child_bindings() -> None:
    out, logger = capture()
    try:
        raise ValueError("broken")
    except ValueError as error:
        logger.child(component="relay").error("failed", err=error)
    line = out.lines[0]
    assert line["component"] == "relay"
    assert line["err"]["type"] == "ValueError"
    assert line["err"]["message"] == "broken"
    assert "Traceback" in line["err"]["stack"]


def test_writes_nothing_below_its_level_and_nothing_when_silent() -> None:
    out, logger = capture("warn")
    logger.info("not this")
    logger.warn("this")
    assert [line["message"] for line in out.lines] == ["this"]
    silent_out, silent = capture("silent")
    silent.fatal("nothing")
    assert silent_out.lines == []


def test_carries_library_warnings_as_json_lines() -> None:
    out, logger = capture()
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    route_standard_logging(logger)
    try:
        logging.getLogger("some.library").warning("disk %s", "almost full")
        logging.getLogger("some.library").info("chatter")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    assert [(line["level"], line["message"], line["logger"]) for line in out.lines] == [
        ("warn", "disk almost full", "some.library")
    ]
