"""A saved pathway exported as ELM v3: one learning opportunity made of its steps', valid under the LOQ shapes."""

from __future__ import annotations

import dataclasses
import json

import pytest
from fastapi.testclient import TestClient

from knowledge.formats import elm_export
from knowledge.models import Catalog
from tests.api.conftest import auth
from tests.knowledge.test_elm_export import SHAPES, needs_shapes, offline  # noqa: F401  (fixture)

STEPS = ["data-basics", "sql-analysis", "python-analysis"]


@pytest.fixture
def small_catalog(small_catalog: Catalog) -> Catalog:
    """The small catalog with a web page per credential, which LOQ requires of a learning opportunity."""
    with_pages = tuple(dataclasses.replace(c, url=f"https://courses.example/{c.id}") for c in small_catalog.credentials)
    return dataclasses.replace(small_catalog, credentials=with_pages)


def _pathway(client: TestClient, adviser: dict[str, str]) -> tuple[str, str]:
    learner = client.post("/v1/learners", json={"name": "Ana"}, headers=adviser)
    lid = learner.json()["id"]
    body = {"title": "Data route", "steps": [{"credential_id": cid} for cid in STEPS]}
    saved = client.post(f"/v1/learners/{lid}/pathways", json=body, headers=adviser)
    assert saved.status_code == 201, saved.text
    return lid, saved.json()["id"]


def test_pathway_exports_as_a_learning_opportunity_of_its_steps(client: TestClient, keys: dict[str, str]) -> None:
    adviser = auth(keys["adviser"])
    lid, pid = _pathway(client, adviser)
    r = client.get(f"/v1/learners/{lid}/pathways/{pid}/export", params={"format": "elm"}, headers=adviser)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    assert f'filename="{pid}.elm.jsonld"' in r.headers["content-disposition"]
    doc = r.json()
    pathway = doc["@graph"][0]
    assert pathway["title"] == {"en": "Data route"}
    assert pathway["hasPart"] == [elm_export.opportunity_id(cid) for cid in STEPS]
    points = [float(n["learningAchievementSpecification"]["creditPoint"]["point"]) for n in doc["@graph"][1:4]]
    assert pathway["learningAchievementSpecification"]["creditPoint"]["point"] == f"{sum(points):g}"
    assert pathway["homepage"]["contentURL"].endswith(f"/v1/learners/{lid}/pathways/{pid}")
    steps = [n["id"] for n in doc["@graph"] if n["type"] == "LearningOpportunity"][1:]
    assert steps == pathway["hasPart"]
    share = client.post(f"/v1/learners/{lid}/pathways/{pid}/share", headers=adviser).json()
    again = client.get(f"/v1/learners/{lid}/pathways/{pid}/export", params={"format": "elm"}, headers=adviser)
    assert again.json()["@graph"][0]["homepage"]["contentURL"] == share["url"]


@needs_shapes
def test_pathway_elm_export_has_no_shacl_violations(
    client: TestClient,
    keys: dict[str, str],
    offline: None,  # noqa: F811
) -> None:
    pytest.importorskip("pyshacl", reason="pyshacl (dev extra) checks ELM exports against the SHACL shapes")
    adviser = auth(keys["adviser"])
    lid, pid = _pathway(client, adviser)
    r = client.get(f"/v1/learners/{lid}/pathways/{pid}/export", params={"format": "elm"}, headers=adviser)
    violations, report = elm_export.shacl_report(json.dumps(r.json()), elm_export.load_shapes(SHAPES))
    assert violations == 0, report
