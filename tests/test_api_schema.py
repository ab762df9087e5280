"""Property-based run of schemathesis over the app's OpenAPI schema, against the live server: no request may get a 500.

Bounded: a few examples per operation and no per-example deadline, so it stays within seconds per operation."""

from __future__ import annotations

import pytest
import schemathesis
from api_fixtures import LiveServer, build_store
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from api.app import create_app
from api.settings import Settings

schema = schemathesis.openapi.from_dict(create_app(Settings()).rest().openapi())


@schemathesis.serializer("application/sparql-query", "application/sparql-update")
def sparql_text(ctx, value) -> bytes:
    """SPARQL request bodies are plain text (the schema says string)."""
    return str(value).encode("utf-8", "surrogatepass")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    store = build_store(tmp_path_factory.mktemp("schema") / "store")
    with LiveServer(Settings(store=store, api_token="secret", query_timeout=5.0)) as server:
        yield server


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_server_error(case, live):
    case.call_and_validate(base_url=live.url, checks=[not_a_server_error],
                           headers={"Authorization": "Bearer secret"}, timeout=60)
