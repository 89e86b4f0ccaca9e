"""JSON logs on stdout, one line per event (collected by the platform into
Loki). Each line written while a span is active carries trace_id and span_id,
so Grafana can jump from a log line to its trace in Tempo.

Fields that may hold personal or card data (GDPR, PCI-DSS) are replaced
before a line is written, wherever they appear. Request and response bodies
are never logged at all.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import traceback
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import IO, Any

from opentelemetry import trace

#: Keys whose values are replaced by "[redacted]" at any depth. The camelCase
#: names are those of the API and of other services' payloads; the snake_case
#: ones those of this code.
REDACTED_KEYS = frozenset(
    {
        "authorization",
        "cookie",
        "set-cookie",
        "body",
        "email",
        "phone",
        "name",
        "firstName",
        "first_name",
        "lastName",
        "last_name",
        "fullName",
        "full_name",
        "address",
        "iban",
        "pan",
        "cardNumber",
        "card_number",
        "cvv",
        "password",
        "token",
    }
)
CENSOR = "[redacted]"

#: pino's level numbers, so that a line reads the same in both languages' services.
LEVELS: dict[str, int] = {"trace": 10, "debug": 20, "info": 30, "warn": 40, "error": 50, "fatal": 60}
_SILENT = 1_000


def redact(value: Any) -> Any:
    """A copy of `value` with every redacted key's value replaced."""
    if isinstance(value, Mapping):
        return {
            key: CENSOR if isinstance(key, str) and key in REDACTED_KEYS else redact(inner)
            for key, inner in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(inner) for inner in value]
    return value


def serialize_error(error: BaseException) -> dict[str, str]:
    return {
        "type": type(error).__name__,
        "message": str(error),
        "stack": "".join(traceback.format_exception(error)).rstrip(),
    }


def serialize_request(request: Mapping[str, Any]) -> dict[str, Any]:
    """The templated route, never the raw URL (ids, query strings), headers
    nor the client address (personal data under GDPR)."""
    return {
        "id": request.get("id"),
        "method": request.get("method"),
        "route": request.get("route") or "unmatched",
    }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Logger:
    """A small structured logger with pino's shape: `level`, `time`,
    `service`, bound fields, the event's fields, then `message`.

        logger.info("listening", port=8080)
        logger.warn("could not prune idempotency keys", err=error)
    """

    def __init__(
        self,
        *,
        level: str,
        service_name: str,
        stream: IO[str] | None = None,
        bindings: Mapping[str, Any] | None = None,
        _lock: threading.Lock | None = None,
    ) -> None:
        self.level = level
        self.service_name = service_name
        self._threshold = LEVELS.get(level, _SILENT)
        self._stream = stream
        self._bindings = dict(bindings or {})
        self._lock = _lock or threading.Lock()

    def child(self, **bindings: Any) -> Logger:
        return Logger(
            level=self.level,
            service_name=self.service_name,
            stream=self._stream,
            bindings={**self._bindings, **bindings},
            _lock=self._lock,
        )

    def is_enabled(self, level: str) -> bool:
        return LEVELS[level] >= self._threshold

    def trace(self, message: str, **fields: Any) -> None:
        self.log("trace", message, **fields)

    def debug(self, message: str, **fields: Any) -> None:
        self.log("debug", message, **fields)

    def info(self, message: str, **fields: Any) -> None:
        self.log("info", message, **fields)

    def warn(self, message: str, **fields: Any) -> None:
        self.log("warn", message, **fields)

    def error(self, message: str, **fields: Any) -> None:
        self.log("error", message, **fields)

    def fatal(self, message: str, **fields: Any) -> None:
        self.log("fatal", message, **fields)

    def log(self, level: str, message: str, **fields: Any) -> None:
        if not self.is_enabled(level):
            return
        line: dict[str, Any] = {"level": level, "time": _now(), "service": self.service_name}
        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            line["trace_id"] = format(context.trace_id, "032x")
            line["span_id"] = format(context.span_id, "016x")
        line.update(self._bindings)
        for key, value in fields.items():
            if key == "err" and isinstance(value, BaseException):
                line[key] = serialize_error(value)
            elif key == "req" and isinstance(value, Mapping):
                line[key] = serialize_request(value)
            else:
                line[key] = value
        line["message"] = message
        text = json.dumps(redact(line), ensure_ascii=False, separators=(",", ":"), default=str)
        stream = self._stream or sys.stdout
        with self._lock:
            stream.write(text + "\n")
            stream.flush()


def create_logger(*, level: str, service_name: str, stream: IO[str] | None = None) -> Logger:
    return Logger(level=level, service_name=service_name, stream=stream)


class _ToLogger(logging.Handler):
    """Lines of libraries that use the standard `logging` module (uvicorn,
    SQLAlchemy, asyncio), as JSON lines of the service's logger."""

    _LEVELS = (
        (logging.CRITICAL, "fatal"),
        (logging.ERROR, "error"),
        (logging.WARNING, "warn"),
        (logging.INFO, "info"),
        (logging.DEBUG, "debug"),
    )

    def __init__(self, logger: Logger) -> None:
        super().__init__()
        self._logger = logger

    def emit(self, record: logging.LogRecord) -> None:
        try:
            level = next((name for number, name in self._LEVELS if record.levelno >= number), "trace")
            fields: dict[str, Any] = {"logger": record.name}
            if record.exc_info and record.exc_info[1] is not None:
                fields["err"] = record.exc_info[1]
            self._logger.log(level, record.getMessage(), **fields)
        except Exception:  # pragma: no cover - a broken log line must not break the caller
            self.handleError(record)


def route_standard_logging(logger: Logger, level: int = logging.WARNING) -> None:
    """Sends warnings and errors of every library through `logger`."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, _ToLogger):
            root.removeHandler(handler)
    root.addHandler(_ToLogger(logger))
    root.setLevel(level)
