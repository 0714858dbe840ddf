"""Property-based run of every operation in the app's own OpenAPI schema: no 5xx, responses match the schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.main import create_app
from api.store import ApiStore
from knowledge.store import make_engine
from recommender.service import RecommenderService
from stackwise.settings import Settings

EXAMPLES = 50
# What the acceptance asks: no 5xx, and every response (status, content type, body) as the schema documents it.
# Positive-data acceptance is left out: a schema-valid credential can still name a provider that does not exist.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_schema(
    service: RecommenderService, tmp_path: Path, esco_fixture_dir: Path, small_catalog_path: Path
) -> Iterator[object]:
    settings_ = Settings(
        data_dir=tmp_path / "data", esco_dir=esco_fixture_dir, catalog_path=small_catalog_path, rate_limit_per_minute=0
    )
    app = create_app(settings_, service=service)
    with TestClient(app):  # runs the lifespan once; the app keeps its state for schemathesis' calls
        store = ApiStore(make_engine(settings_.resolved_database_url)).open()
        _, secret = store.create_key("schemathesis", "admin")
        app.state.test_admin_key = secret
        yield schemathesis.openapi.from_asgi("/openapi.json", app)


def test_no_server_errors_and_schema_conformance(api_schema) -> None:  # type: ignore[no-untyped-def]
    """Every operation, EXAMPLES generated cases each, called with an admin key so no route stops at auth."""
    key = api_schema.app.state.test_admin_key
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 25
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers={"Authorization": f"Bearer {key}"}, checks=CHECKS)

        check()
