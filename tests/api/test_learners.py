from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.store import ApiStore, Learner, SavedPathway
from knowledge.store import make_engine
from tests.api.conftest import auth


@pytest.fixture
def adviser(keys: dict[str, str]) -> dict[str, str]:
    return auth(keys["adviser"])


def _learner(client: TestClient, adviser: dict[str, str]) -> str:
    r = client.post(
        "/v1/learners",
        json={
            "name": "Ana",
            "goal": "become a data analyst",
            "skills": ["Excel"],
            "constraints": {"max_price": 500, "modes": ["online"]},
        },
        headers=adviser,
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_learner_crud(client: TestClient, adviser: dict[str, str]) -> None:
    lid = _learner(client, adviser)
    assert client.get(f"/v1/learners/{lid}", headers=adviser).json()["constraints"]["max_price"] == 500
    r = client.put(f"/v1/learners/{lid}", json={"name": "Ana B.", "notes": "prefers evenings"}, headers=adviser)
    assert r.json()["name"] == "Ana B." and r.json()["notes"] == "prefers evenings"
    assert [x["id"] for x in client.get("/v1/learners", params={"q": "ana"}, headers=adviser).json()] == [lid]
    assert client.get("/v1/learners/lrn_missing", headers=adviser).status_code == 404


def test_saved_pathway_warns_about_prerequisite_order_and_exports(client: TestClient, adviser: dict[str, str]) -> None:
    lid = _learner(client, adviser)
    body = {
        "title": "Data route",
        "steps": [{"credential_id": "python-analysis"}, {"credential_id": "sql-analysis", "status": "enrolled"}],
    }
    r = client.post(f"/v1/learners/{lid}/pathways", json=body, headers=adviser)
    assert r.status_code == 201, r.text
    saved = r.json()
    assert any("move it earlier" in w["message"] for w in saved["warnings"])
    assert saved["totals"]["ects"] == 5
    pid = saved["id"]
    fixed = {
        "title": "Data route",
        "steps": [
            {"credential_id": "data-basics"},
            {"credential_id": "sql-analysis"},
            {"credential_id": "python-analysis"},
        ],
    }
    assert client.put(f"/v1/learners/{lid}/pathways/{pid}", json=fixed, headers=adviser).json()["warnings"] == []
    pdf = client.get(f"/v1/learners/{lid}/pathways/{pid}/export", params={"format": "pdf"}, headers=adviser)
    assert pdf.headers["content-type"] == "application/pdf"
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for title in ("Spreadsheet Data Basics", "SQL for Data Analysis", "Python for Analysts"):
        assert title in text
    ob3 = client.get(f"/v1/learners/{lid}/pathways/{pid}/export", params={"format": "ob3"}, headers=adviser).json()
    assert [a["name"] for a in ob3["achievements"]] == [
        "Spreadsheet Data Basics",
        "SQL for Data Analysis",
        "Python for Analysts",
    ]
    share = client.post(f"/v1/learners/{lid}/pathways/{pid}/share", headers=adviser).json()
    public = client.get(f"/v1/shared/{share['token']}")
    assert public.status_code == 200 and public.json()["title"] == "Data route"
    assert client.get("/v1/shared/not-a-token").status_code == 404


def test_a_draft_review_reports_totals_order_duplicates_and_stack_progress(
    client: TestClient, adviser: dict[str, str]
) -> None:
    steps = [
        {"credential_id": "sql-analysis"},
        {"credential_id": "data-basics"},
        {"credential_id": "sql-analysis"},
        {"credential_id": "python-analysis", "status": "dropped"},
    ]
    r = client.post("/v1/pathway-reviews", json={"steps": steps}, headers=adviser)
    assert r.status_code == 200, r.text
    review = r.json()
    assert [s["credential"]["id"] for s in review["steps"]] == [s["credential_id"] for s in steps]
    messages = {w["step"]: w["message"] for w in review["warnings"]}
    assert "move it earlier" in messages[1]  # sql-analysis before its prerequisite data-basics
    assert "already step 1" in messages[3]
    # the dropped step counts for nothing; the repeated one is counted as listed (the adviser sees the warning)
    assert review["totals"]["ects"] == 2 + 2 + 2
    [stack] = review["stacks"]
    assert stack["stack_id"] == "uni-a-cert-data" and stack["components_in_plan"] == 2
    assert stack["components_total"] == 3 and not stack["complete"]
    assert client.post("/v1/pathway-reviews", json={"steps": steps}).status_code == 401


def test_unknown_credentials_in_a_pathway_are_refused(client: TestClient, adviser: dict[str, str]) -> None:
    lid = _learner(client, adviser)
    r = client.post(f"/v1/learners/{lid}/pathways", json={"steps": [{"credential_id": "ghost"}]}, headers=adviser)
    assert r.status_code == 422 and "ghost" in r.json()["detail"]


def test_gdpr_erase_leaves_no_rows(client: TestClient, adviser: dict[str, str], settings) -> None:  # type: ignore[no-untyped-def]
    lid = _learner(client, adviser)
    client.post(f"/v1/learners/{lid}/pathways", json={"steps": [{"credential_id": "data-basics"}]}, headers=adviser)
    export = client.get(f"/v1/learners/{lid}/export", headers=adviser).json()
    assert export["learner"]["name"] == "Ana" and len(export["pathways"]) == 1
    assert client.delete(f"/v1/learners/{lid}", headers=adviser).status_code == 204
    store = ApiStore(make_engine(settings.resolved_database_url)).open()
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Learner).where(Learner.id == lid)) == 0
        assert s.scalar(select(func.count()).select_from(SavedPathway).where(SavedPathway.learner_id == lid)) == 0
    assert client.get(f"/v1/learners/{lid}", headers=adviser).status_code == 404
    assert client.delete(f"/v1/learners/{lid}", headers=adviser).status_code == 404
