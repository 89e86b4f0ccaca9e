"""openapi/openapi.yaml: the contract of the API, and the single source of
request validation. Each route validates its path, headers and body against
the schemas of its operation in the document, so an undocumented field,
a string where an integer is documented, or a missing header is refused
before any code of the route runs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from starlette.requests import Request

from app.api.problems import ProblemError, problem

#: The repository's (or image's) openapi/ folder: src/app/api/ is three levels below.
OPENAPI_FILE = Path(__file__).resolve().parents[3] / "openapi" / "openapi.yaml"

HTTP_METHODS = ("get", "put", "post", "delete", "patch")

#: Largest request body read, in bytes.
BODY_LIMIT = 16 * 1024

Document = dict[str, Any]
JsonSchema = dict[str, Any]


def load_openapi(file: Path = OPENAPI_FILE) -> Document:
    document = yaml.safe_load(file.read_text(encoding="utf-8"))
    if (
        not isinstance(document, dict)
        or not str(document.get("openapi", "")).startswith("3.1")
        or not isinstance(document.get("paths"), dict)
    ):
        raise ValueError(f"{file} is not an OpenAPI 3.1 document")
    return document


def resolve_ref(document: Document, value: Any) -> Any:
    """Follows a local `#/components/...` reference."""
    if isinstance(value, dict) and isinstance(value.get("$ref"), str):
        ref: str = value["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"Only local references are supported: {ref}")
        target: Any = document
        for part in ref[2:].split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~")) if isinstance(target, dict) else None
        if target is None:
            raise ValueError(f"Unresolved reference {ref}")
        return resolve_ref(document, target)
    return value


def inline_schema(document: Document, schema: Any) -> Any:
    """A schema with every `$ref` replaced by its target (the document has no recursive schemas)."""
    resolved = resolve_ref(document, schema)
    if isinstance(resolved, list):
        return [inline_schema(document, item) for item in resolved]
    if isinstance(resolved, dict):
        return {key: inline_schema(document, value) for key, value in resolved.items()}
    return resolved


@dataclass(frozen=True)
class RouteSchema:
    params: JsonSchema | None = None
    headers: JsonSchema | None = None
    querystring: JsonSchema | None = None
    body: JsonSchema | None = None


def route_schema(document: Document, method: str, spec_path: str) -> RouteSchema:
    """The validation schemas of one operation, from its parameters and request
    body in the document. Raises if the operation is not documented: an
    undocumented route cannot be registered."""
    operation = document["paths"].get(spec_path, {}).get(method)
    if not operation:
        raise ValueError(f"{method.upper()} {spec_path} is not in the OpenAPI document")

    groups: dict[str, dict[str, Any]] = {
        where: {"properties": {}, "required": []} for where in ("path", "header", "query")
    }
    for raw in operation.get("parameters", []):
        parameter = resolve_ref(document, raw)
        where = parameter["in"]
        if where == "cookie":
            raise ValueError("Cookie parameters are not supported")
        # Header names are matched without regard to case: lower-case here.
        name = parameter["name"].lower() if where == "header" else parameter["name"]
        groups[where]["properties"][name] = inline_schema(document, parameter["schema"])
        if parameter.get("required"):
            groups[where]["required"].append(name)

    def as_object(group: dict[str, Any], **extra: Any) -> JsonSchema | None:
        if not group["properties"]:
            return None
        return {"type": "object", "properties": group["properties"], "required": group["required"], **extra}

    content = (operation.get("requestBody") or {}).get("content", {})
    body = content.get("application/json", {}).get("schema")
    return RouteSchema(
        params=as_object(groups["path"]),
        headers=as_object(groups["header"]),
        querystring=as_object(groups["query"], additionalProperties=False),
        body=inline_schema(document, body) if body is not None else None,
    )


def route_label(spec_path: str) -> str:
    """`/v1/accounts/{accountId}` → `/v1/accounts/:accountId`: the `route`
    label of the metrics and logs, the same in every golden-path service."""
    return re.sub(r"\{([^}]+)\}", r":\1", spec_path)


# --- validation ---------------------------------------------------------------


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    # The document's patterns are ECMAScript's: a final `$` is the end of the
    # string, where Python's `$` would also accept a newline before it.
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _regex(pattern).search(instance):
        yield ValidationError(f"does not match {pattern!r}")


_Validator = validators.extend(Draft202012Validator, {"pattern": _pattern})

_UUID = re.compile(r"(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}", re.IGNORECASE)
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")

FORMATS = FormatChecker(formats=())


@FORMATS.checks("uuid")
def _is_uuid(value: object) -> bool:
    return not isinstance(value, str) or _UUID.fullmatch(value) is not None


@FORMATS.checks("date-time")
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return False
    return True


def validator_for(schema: JsonSchema, registry: Any = None) -> Any:
    """A JSON Schema 2020-12 validator that asserts formats (uuid, date-time);
    `registry` resolves references to other documents (the contract tests')."""
    if registry is None:
        return _Validator(schema, format_checker=FORMATS)
    return _Validator(schema, format_checker=FORMATS, registry=registry)


def _pointer(path: Any) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _message(error: ValidationError) -> str:
    """What is wrong, in words that never repeat the submitted value."""
    keyword, expected = error.validator, error.validator_value
    if keyword == "required":
        missing = next(
            (name for name in expected if isinstance(error.instance, dict) and name not in error.instance),
            expected[0] if expected else "",
        )
        return f"must have required property '{missing}'"
    if keyword == "type":
        return f"must be {','.join(expected) if isinstance(expected, list) else expected}"
    if keyword == "pattern":
        return f'must match pattern "{expected}"'
    if keyword == "format":
        return f'must match format "{expected}"'
    if keyword in ("enum", "const"):
        return "must be equal to one of the allowed values" if keyword == "enum" else "must be equal to constant"
    if keyword == "additionalProperties":
        return "must NOT have additional properties"
    if keyword == "minimum":
        return f"must be >= {expected}"
    if keyword == "maximum":
        return f"must be <= {expected}"
    if keyword == "minLength":
        return f"must NOT have fewer than {expected} characters"
    if keyword == "maxLength":
        return f"must NOT have more than {expected} characters"
    return f"must pass {keyword}"


def schema_errors(validator: Any, instance: Any, where: str) -> list[dict[str, str]]:
    """Every problem of `instance`, in the shape of the Problem's `errors`."""
    errors = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: (list(map(str, e.absolute_path)), e.validator)):
        entry = {"in": where}
        path = _pointer(error.absolute_path)
        if path:
            entry["path"] = path
        entry["message"] = _message(error)
        errors.append(entry)
    return errors


def invalid_request(errors: list[dict[str, str]]) -> ProblemError:
    body = problem(400, "invalid-request", "The request does not match the API description")
    body["errors"] = errors
    return ProblemError(body)


class OperationValidator:
    """Checks one operation's requests, in this order: path parameters, body,
    headers. The first part that does not match is answered with 400 and
    all of its problems."""

    def __init__(self, document: Document, method: str, spec_path: str) -> None:
        schema = route_schema(document, method, spec_path)
        self.method = method.upper()
        self.spec_path = spec_path
        self._params = validator_for(schema.params) if schema.params else None
        self._headers = validator_for(schema.headers) if schema.headers else None
        self._header_names = tuple(schema.headers["properties"]) if schema.headers else ()
        self._body = validator_for(schema.body) if schema.body is not None else None

    async def __call__(self, request: Request) -> tuple[dict[str, str], Any, dict[str, str]]:
        """The request's path parameters, body and headers, once they match the document."""
        params = dict(request.path_params)
        if self._params is not None and (errors := schema_errors(self._params, params, "params")):
            raise invalid_request(errors)
        body: Any = None
        if self._body is not None:
            body = await read_json_body(request)
            if errors := schema_errors(self._body, body, "body"):
                raise invalid_request(errors)
        headers = {name: request.headers[name] for name in self._header_names if name in request.headers}
        if self._headers is not None and (errors := schema_errors(self._headers, headers, "headers")):
            raise invalid_request(errors)
        return params, body, headers


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _number(text: str) -> int | float:
    # JSON has one number type: 100.0 is the integer 100 (as in JavaScript),
    # within the integers a double holds exactly.
    value = float(text)
    return int(value) if value.is_integer() and abs(value) <= 2**53 else value


async def read_json_body(request: Request) -> Any:
    """The JSON body, at most BODY_LIMIT bytes; None when there is none."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > BODY_LIMIT:
        raise ProblemError(problem(413, "body-too-large", f"The request body is larger than {BODY_LIMIT} bytes"))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > BODY_LIMIT:
            raise ProblemError(problem(413, "body-too-large", f"The request body is larger than {BODY_LIMIT} bytes"))
        chunks.append(chunk)
    raw = b"".join(chunks)
    content_type = request.headers.get("content-type")
    if not raw and content_type is None:
        return None
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise ProblemError(problem(415, "unsupported-media-type", f"Unsupported Media Type: {media_type or 'none'}"))
    if not raw:
        raise ProblemError(
            problem(400, "invalid-json", "Body cannot be empty when content-type is set to 'application/json'")
        )
    try:
        return json.loads(raw, parse_constant=_no_constants, parse_float=_number)
    except (ValueError, UnicodeDecodeError):
        raise ProblemError(problem(400, "invalid-json", "The request body is not valid JSON")) from None
