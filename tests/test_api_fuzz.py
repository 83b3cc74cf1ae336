"""Property-based calls to every API operation (schemathesis generates the
inputs from our OpenAPI document): whatever the input, the API answers in its
documented error shape and never with a server error."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core import NOT_SET

from caredesk.api import api as ninja_api
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

SPEC = ninja_api.get_openapi_schema()
SCHEMA = schemathesis.openapi.from_dict(json.loads(json.dumps(SPEC, default=str)))
OPERATIONS = sorted(
    (method.upper(), path)
    for path, item in SPEC["paths"].items()
    for method in item
    if method in {"get", "post", "put", "patch", "delete"}
)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_never_fails_on_any_input(world, client, method, path):
    headers = bearer(world.director_a)
    operation = SCHEMA[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
    def call(case):
        url = case.formatted_path
        kwargs = {"headers": headers, "QUERY_STRING": urlencode(case.query or {}, doseq=True)}
        if case.body is not NOT_SET and case.body is not None:
            kwargs.update(data=json.dumps(case.body, default=str), content_type="application/json")
        response = getattr(client, method.lower())(url, **kwargs)
        assert response.status_code < 500, f"{method} {url} {case.query} {case.body!r}: {response.status_code}"
        if response.status_code >= 400 and response.get("Content-Type", "").startswith("application/json"):
            body = response.json()
            assert set(body) == {"error"} and {"code", "message", "fields"} <= set(body["error"]), body

    call()
