from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import auth
from tests.knowledge.test_mapped import NORTHFIELD


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
    status = _rebuilt(client, admin)
    assert status["state"] == "idle" and status["manifest"]["credentials"] == 4


def _rebuilt(client: TestClient, admin: dict[str, str]) -> dict[str, Any]:
    """The index status once the background rebuild an import started has ended."""
    deadline = time.monotonic() + 60  # a guard against a hang, not a speed limit: the rebuild runs in the background
    while (status := client.get("/v1/index", headers=admin).json())["state"] == "building":
        assert time.monotonic() < deadline, status
        time.sleep(0.05)
    return status


def _northfield(**change: str) -> dict[str, Any]:
    """The multipart parts of the CSV example (modules.csv, its mapping, workload.csv); `change` replaces a file's
    text by file name."""
    files = {name: change.get(name, (NORTHFIELD / name).read_text(encoding="utf-8")) for name in MAPPED_FILES}
    return {
        "files": [
            ("file", ("modules.csv", files["modules.csv"], "text/csv")),
            ("mapping", ("modules.yaml", files["modules.yaml"], "application/yaml")),
            ("join", ("workload.csv", files["workload.csv"], "text/csv")),
        ]
    }


MAPPED_FILES = ("modules.csv", "modules.yaml", "workload.csv")


def test_a_csv_catalog_imports_through_a_mapping(client: TestClient, keys: dict[str, str]) -> None:
    admin = auth(keys["admin"])
    r = client.post("/v1/catalog/import-mapped", **_northfield(), headers=admin)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["imported"] and body["credentials"] == 3 and body["index"] == "rebuilding"
    assert any(
        w["text"].startswith("modules.csv:6: price (from Fee (EUR) at modules.yaml:23)") for w in body["warnings"]
    )
    assert _rebuilt(client, admin)["state"] == "idle"
    module = client.app.state.runtime.store.load().credential_by_id["nu-ds-01"]  # type: ignore[attr-defined]
    assert (module.ects, module.eqf_level, module.hours) == (2.5, 6, 62.5)


@pytest.mark.parametrize(
    ("parts", "text"),
    [
        (
            {"modules.csv": "Module code;Module title\nNU-X;A title;extra\n"},
            "modules.csv:2: has 3 cells but the header",
        ),
        ({"modules.yaml": "fields: {titel: x}\n"}, "modules.yaml:1: fields.titel: is not a Stackwise credential field"),
        ({"workload.csv": 'module,activity,hours\nNU-DS-01,Lectures,"1,250"\n'}, "modules.csv:2: hours"),
    ],
)
def test_a_mapped_import_with_an_error_is_refused_with_located_errors(
    client: TestClient, keys: dict[str, str], parts: dict[str, str], text: str
) -> None:
    admin = auth(keys["admin"])
    before = client.get("/v1/credentials").json()["total"]
    r = client.post("/v1/catalog/import-mapped", **_northfield(**parts), headers=admin)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert any(e["text"].startswith(text) for e in r.json()["errors"]), r.json()["errors"]
    assert client.get("/v1/credentials").json()["total"] == before


def test_a_mapped_import_needs_the_join_files_the_mapping_names(client: TestClient, keys: dict[str, str]) -> None:
    admin = auth(keys["admin"])
    parts = _northfield()["files"]
    r = client.post("/v1/catalog/import-mapped", files=parts[:2], headers=admin)
    assert r.status_code == 422
    (error,) = r.json()["errors"]
    assert error["text"].startswith("modules.yaml:9: join: names workload.csv, which was not sent"), error
    stray = ("join", ("sessions.csv", "course\n", "text/csv"))
    r = client.post("/v1/catalog/import-mapped", files=[*parts, stray], headers=admin)
    assert r.status_code == 422 and r.json()["errors"][0]["text"].startswith("sessions.csv: is not a file the mapping")
    r = client.post("/v1/catalog/import-mapped", files=parts, headers=auth(keys["adviser"]))
    assert r.status_code == 403


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
