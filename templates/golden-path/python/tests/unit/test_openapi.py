{% if values.ownsTables %}import json

{% endif %}import pytest

from app.api.openapi import load_openapi, route_label, route_schema, schema_errors, validator_for

DOCUMENT = load_openapi()


def test_is_openapi_3_1_and_documents_the_operational_endpoints() -> None:
    assert DOCUMENT["openapi"].startswith("3.1.")
    for path in ["/healthz", "/readyz", "/metrics", "/openapi.json"]:
        assert "get" in DOCUMENT["paths"][path]


def test_turns_path_templates_into_route_labels() -> None:
    assert route_label("/v1/a/{id}/b/{other}") == "/v1/a/:id/b/:other"


def test_refuses_to_build_a_route_the_document_does_not_describe() -> None:
    with pytest.raises(ValueError, match="not in the OpenAPI document"):
        route_schema(DOCUMENT, "delete", "/healthz")
{%- if values.ownsTables %}


def test_builds_validation_schemas_from_parameters_and_body_with_references_inlined() -> None:
    schema = route_schema(DOCUMENT, "post", "/v1/accounts/{accountId}/transactions")
    assert schema.params == {
        "type": "object",
        "properties": {"accountId": {"type": "string", "format": "uuid"}},
        "required": ["accountId"],
    }
    assert schema.headers is not None and schema.headers["required"] == ["idempotency-key"]
    assert "$ref" not in json.dumps(schema.body)
    assert schema.body is not None
    assert schema.body["required"] == ["type", "amount", "currency", "reference"]
    assert schema.body["additionalProperties"] is False


def test_explains_what_is_wrong_without_repeating_the_value() -> None:
    body = route_schema(DOCUMENT, "post", "/v1/accounts/{accountId}/transactions").body
    assert body is not None
    errors = schema_errors(
        validator_for(body),
        {"type": "refund", "amount": "100", "currency": "EUR", "reference": "jane@example.com", "x": 1},
        "body",
    )
    assert {"in": "body", "path": "/amount", "message": "must be integer"} in errors
    assert {"in": "body", "path": "/type", "message": "must be equal to one of the allowed values"} in errors
    assert {"in": "body", "message": "must NOT have additional properties"} in errors
    assert not any("jane" in error["message"] for error in errors)


def test_reads_patterns_as_ecmascript_does() -> None:
    # `$` is the end of the string: a reference with a trailing newline is refused.
    body = route_schema(DOCUMENT, "post", "/v1/accounts/{accountId}/transactions").body
    assert body is not None
    valid = {"type": "credit", "amount": 1, "currency": "EUR", "reference": "order-1"}
    assert schema_errors(validator_for(body), valid, "body") == []
    assert schema_errors(validator_for(body), {**valid, "reference": "order-1\n"}, "body") != []
    params = route_schema(DOCUMENT, "get", "/v1/accounts/{accountId}").params
    assert params is not None
    assert schema_errors(validator_for(params), {"accountId": "42"}, "params") == [
        {"in": "params", "path": "/accountId", "message": 'must match format "uuid"'}
    ]
{%- else %}


def test_builds_the_body_schema_of_the_quote_endpoint() -> None:
    schema = route_schema(DOCUMENT, "post", "/v1/quotes/points")
    assert schema.body is not None
    assert schema.body["required"] == ["amount", "currency", "tier"]
    assert schema.body["additionalProperties"] is False
    assert schema.params is None


def test_explains_what_is_wrong_without_repeating_the_value() -> None:
    body = route_schema(DOCUMENT, "post", "/v1/quotes/points").body
    assert body is not None
    errors = schema_errors(validator_for(body), {"amount": "12", "currency": "euro"}, "body")
    assert {"in": "body", "path": "/amount", "message": "must be integer"} in errors
    assert {"in": "body", "message": "must have required property 'tier'"} in errors
    assert {"in": "body", "path": "/currency", "message": 'must match pattern "^[A-Z]{3}$"'} in errors
    assert not any("euro" in error["message"] for error in errors)
{%- endif %}
