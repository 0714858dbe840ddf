from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

from fastapi.testclient import TestClient

from tests.api.conftest import auth


def test_bad_catalog_import_returns_every_error_and_changes_nothing(client: TestClient, keys: dict[str, str]) -> None:
    admin = auth(keys["admin"])
    before = client.get("/v1/credentials").json()["total"]
    csv = "id,title,provider_id,ects\nx1,Some title,uni-a,-2\n"
    r = client.post("/v1/catalog/import", params={"format": "csv", "filename": "bad.csv"}, content=csv, headers=admin)
    assert r.status_code == 422
    body = r.json()
    assert r.headers["content-type"].startswith("application/problem+json")
    assert any(e["text"].startswith('bad.csv:2: ects: "-2"') for e in body["errors"])
    assert client.get("/v1/credentials").json()["total"] == before


def test_good_import_writes_and_rebuilds_the_index(
    client: TestClient, keys: dict[str, str], small_catalog_path: Path
) -> None:
    admin = auth(keys["admin"])
    r = client.post(
        "/v1/catalog/import", params={"format": "yaml"}, content=small_catalog_path.read_text(), headers=admin
    )
    assert r.status_code == 200 and r.json()["imported"], r.text
    deadline = time.monotonic() + 60  # a guard against a hang, not a speed limit: the rebuild runs in the background
    while (status := client.get("/v1/index", headers=admin).json())["state"] == "building":
        assert time.monotonic() < deadline, status
        time.sleep(0.05)
    assert status["state"] == "idle" and status["manifest"]["credentials"] == 4


def test_put_and_delete_credential(client: TestClient, keys: dict[str, str], small_catalog_path: Path) -> None:
    admin = auth(keys["admin"])
    client.post("/v1/catalog/import", params={"format": "yaml"}, content=small_catalog_path.read_text(), headers=admin)
    record = client.get("/v1/credentials/green-farm-audit").json()["credential"]
    record["title"] = "Environmental Audit of Small Farms, revised"
    r = client.put("/v1/credentials/green-farm-audit", json=record, headers=admin)
    assert r.status_code == 200, r.text
    assert client.get("/v1/credentials/green-farm-audit").json()["credential"]["title"].endswith("revised")
    bad = dict(record, eqf_level=12)
    assert client.put("/v1/credentials/green-farm-audit", json=bad, headers=admin).status_code == 422
    assert client.delete("/v1/credentials/data-basics", headers=admin).status_code == 409  # sql-analysis needs it
    assert client.delete("/v1/credentials/green-farm-audit", headers=admin).status_code == 204
    assert client.get("/v1/credentials/green-farm-audit").status_code == 404


def test_analytics_demand_and_overlap(client: TestClient, keys: dict[str, str]) -> None:
    admin = auth(keys["admin"])
    for goal in ("become a data analyst", "become a data analyst", "teach languages to adults"):
        client.post("/v1/recommendations", json={"goal": goal, "limit": 2})
    demand = client.get("/v1/analytics/demand", headers=admin).json()
    assert demand["requests"] == 3 and demand["top_targets"][0]["requests"] >= 2
    overlap = client.get("/v1/analytics/overlap", params={"threshold": 0.0, "limit": 3}, headers=admin).json()
    assert len(overlap) == 3 and overlap[0]["overlap"] >= overlap[-1]["overlap"]


def test_feedback_is_stored(client: TestClient) -> None:
    r = client.post("/v1/feedback", json={"recommendation_id": "rec_1", "useful": False, "text": "too expensive"})
    assert r.status_code == 201 and r.json()["id"] >= 1


def test_metrics_count_requests(client: TestClient) -> None:
    client.get("/healthz")
    body = client.get("/metrics").text
    assert 'stackwise_http_requests_total{method="GET",route="/healthz",status="200"}' in body


def test_body_limit_and_rate_limit(service, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from api import limits
    from api.main import create_app

    # The buckets refill with time (a token every 30 s here): stop their clock, so a slow machine cannot refill them.
    monkeypatch.setattr(limits, "time", SimpleNamespace(monotonic=lambda: 1000.0))
    tight = settings.model_copy(update={"rate_limit_per_minute": 2, "max_body_bytes": 200})
    with TestClient(create_app(tight, service=service)) as c:
        assert c.post("/v1/recommendations", json={"goal": "x" * 500}).status_code == 413
        codes = [c.post("/v1/skills/match", json={"text": "sql"}).status_code for _ in range(2)]
        codes += [c.post("/v1/recommendations", json={"goal": "data"}).status_code for _ in range(3)]
        assert 429 in codes
        limited = next(r for r in [c.post("/v1/recommendations", json={"goal": "data"})] if r.status_code == 429)
        assert int(limited.headers["retry-after"]) >= 1
