"""The role matrix: each role against each endpoint gives the expected status, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import auth

LEARNER = {"name": "Ana", "goal": "become a data analyst", "skills": ["Excel"]}

# (method, path, body, least role that may call it)
ENDPOINTS = [
    ("POST", "/v1/recommendations", {"goal": "data analyst", "limit": 2}, "anonymous"),
    ("POST", "/v1/pathways", {"goal": "data analyst"}, "anonymous"),
    ("GET", "/v1/credentials", None, "anonymous"),
    ("GET", "/v1/credentials/sql-analysis", None, "anonymous"),
    ("GET", "/v1/credentials/sql-analysis/similar", None, "anonymous"),
    ("GET", "/v1/stacks", None, "anonymous"),
    ("GET", "/v1/providers", None, "anonymous"),
    ("GET", "/v1/skills?q=sql", None, "anonymous"),
    ("GET", "/v1/occupations?q=data", None, "anonymous"),
    ("POST", "/v1/skills/match", {"text": "sql"}, "anonymous"),
    ("POST", "/v1/feedback", {"recommendation_id": "rec_x", "useful": True}, "anonymous"),
    ("GET", "/v1/learners", None, "adviser"),
    ("POST", "/v1/learners", LEARNER, "adviser"),
    ("GET", "/v1/analytics/demand", None, "admin"),
    ("GET", "/v1/analytics/overlap", None, "admin"),
    ("GET", "/v1/index", None, "admin"),
    ("DELETE", "/v1/credentials/no-such-id", None, "admin"),
]
RANK = {"anonymous": 0, "public": 1, "adviser": 2, "admin": 3}
OK = {200, 201, 202, 204, 404}  # 404: allowed through, the thing itself does not exist


@pytest.mark.parametrize("role", ["anonymous", "public", "adviser", "admin", "bad-key"])
def test_role_matrix(client: TestClient, keys: dict[str, str], role: str) -> None:
    headers = {} if role == "anonymous" else auth(keys.get(role, "sw_not-a-real-key"))
    for method, path, body, least in ENDPOINTS:
        r = client.request(method, path, json=body, headers=headers)
        if role == "bad-key":
            expected = {401}
        elif RANK[role] >= RANK[least]:
            expected = OK
        else:
            expected = {401} if role == "anonymous" else {403}
        assert r.status_code in expected, (role, method, path, r.status_code, r.text[:200])
        if r.status_code in (401, 403):
            assert r.headers["content-type"].startswith("application/problem+json")


def test_public_endpoints_can_require_a_key(service, settings) -> None:  # type: ignore[no-untyped-def]
    from api.main import create_app

    locked = settings.model_copy(update={"public_requires_key": True})
    with TestClient(create_app(locked, service=service)) as c:
        assert c.get("/v1/stacks").status_code == 401


def test_revoked_key_is_refused(client: TestClient, keys: dict[str, str], settings) -> None:  # type: ignore[no-untyped-def]
    from api.store import ApiStore
    from knowledge.store import make_engine

    assert client.get("/v1/learners", headers=auth(keys["adviser"])).status_code == 200
    ApiStore(make_engine(settings.resolved_database_url)).open().revoke("test-adviser")
    assert client.get("/v1/learners", headers=auth(keys["adviser"])).status_code == 401
