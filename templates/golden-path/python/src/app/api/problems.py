"""RFC 9457 problem details, the body of every error response."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

PROBLEM_CONTENT_TYPE = "application/problem+json"
JSON_CONTENT_TYPE = "application/json"


def problem(status: int, code: str, title: str, detail: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "code": code}
    if detail:
        body["detail"] = detail
    return body


def to_json(value: Any) -> str:
    """The JSON text of a response body (compact, UTF-8)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_response(
    status: int, body: Any, *, media_type: str = JSON_CONTENT_TYPE, headers: Mapping[str, str] | None = None
) -> Response:
    """`body` as JSON; a str is taken as JSON text already (a replay, sent as it was stored)."""
    content = body if isinstance(body, str) else to_json(body)
    return Response(content=content.encode(), status_code=status, media_type=media_type, headers=headers)


def problem_response(body: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> Response:
    return json_response(int(body["status"]), dict(body), media_type=PROBLEM_CONTENT_TYPE, headers=headers)


class ProblemError(Exception):
    """Raised anywhere in a request: answered with this problem detail."""

    def __init__(self, body: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> None:
        super().__init__(body.get("title"))
        self.body = dict(body)
        self.headers = dict(headers or {})

    def response(self) -> Response:
        return problem_response(self.body, self.headers)
