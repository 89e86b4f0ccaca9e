"""Generated requests (schemathesis, property-based): for every operation of
openapi/openapi.yaml, requests built from its schemas are sent to the running
service, and each response must be one the document describes — its status,
media type, headers and body — and never a 5xx."""

from collections.abc import Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.api.openapi import load_openapi
from tests.support.service import TEST_OPTIONS, RunningService, ServiceInThread, service_token

SCHEMA = schemathesis.openapi.from_dict(load_openapi())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
SETTINGS = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck), print_blob=False
)


@pytest.fixture(scope="module")
def service(service_env: dict[str, str]) -> Iterator[RunningService]:
    # Called synchronously: the service runs on an event loop of its own.
    with ServiceInThread(service_env, **TEST_OPTIONS) as running:
        yield running


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    with requests.Session() as http:
        http.trust_env = False
        yield http


@SCHEMA.include(path_regex=r"^/v1/").parametrize()
@SETTINGS
def test_api_answers_generated_requests_as_documented(
    case: schemathesis.Case, service: RunningService, session: requests.Session
) -> None:
    case.call_and_validate(
        base_url=service.base_url,
        session=session,
        headers={"authorization": f"Bearer {service_token()}"},
        checks=CHECKS,
    )


@SCHEMA.exclude(path_regex=r"^/v1/").parametrize()
@SETTINGS
def test_management_port_answers_as_documented(
    case: schemathesis.Case, service: RunningService, session: requests.Session
) -> None:
    case.call_and_validate(base_url=service.management_url, session=session, checks=CHECKS)
