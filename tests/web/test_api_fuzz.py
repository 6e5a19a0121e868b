"""Schemathesis against the API's own OpenAPI schema, signed in, on the demo world: every
operation, a bounded number of generated requests each; no answer may be a server error,
and every answer must be one the schema documents, in the shape it documents."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from goodwill.web import create_app
from tests.web.conftest import TestClient, sign_in

#: Generated requests per operation: enough to try odd dates, huge and negative numbers and
#: unknown ids on each, few enough for the whole file to take well under a minute.
EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


#: The app's own schema, read from an app that is never started (its store is never opened):
#: schemathesis turns it into one test per operation when this module is collected.
schema = schemathesis.openapi.from_dict(
    create_app("sqlite:////nonexistent/schema-only.db").openapi()
)


@pytest.fixture(scope="module")
def api_client(web_store: str) -> Iterator[TestClient]:
    """A browser signed in through the login form, on the app over the demo world."""
    with TestClient(create_app(web_store), base_url="http://127.0.0.1") as client:
        assert sign_in(client) == 303
        yield client


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_its_schema_says(
    case: schemathesis.Case, api_client: TestClient
) -> None:
    sent = case.as_transport_kwargs(base_url="http://127.0.0.1")
    assert not sent.pop("cookies", None)  # no operation takes one: the session's is the client's
    response = api_client.request(**sent)
    assert response.status_code != 401, "the session cookie was not accepted"
    case.validate_response(response, checks=CHECKS, transport_kwargs=sent)
