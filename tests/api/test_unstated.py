"""What the API says about elements a catalog does not state: null values, words, held-back reasons, completeness."""

from __future__ import annotations

import dataclasses

import pytest
from fastapi.testclient import TestClient

from knowledge.models import Catalog
from tests.api.conftest import auth

GOAL = "clean spreadsheet data with pivot tables"


@pytest.fixture
def small_catalog(small_catalog: Catalog) -> Catalog:
    """The small catalog plus a copy of data-basics, offered by vet-b, whose source states no price, level, mode or
    duration."""
    base = small_catalog.credential_by_id["data-basics"]
    silent = dataclasses.replace(
        base,
        id="data-basics-open",
        title="Spreadsheet Data Basics, open edition",
        provider="vet-b",
        price=None,
        eqf_level=None,
        participation=None,
        duration_weeks=None,
        hours_per_week=None,
        assessment=None,
        stacks=(),
    )
    return small_catalog.merged(Catalog(credentials=(silent,)))


def _result(body: dict, cid: str) -> dict | None:  # type: ignore[type-arg]
    return next((r for r in body["results"] if r["credential"]["id"] == cid), None)


def test_unstated_values_are_null_with_words_for_people(client: TestClient) -> None:
    body = client.post("/v1/recommendations", json={"goal": GOAL, "limit": 10}).json()
    found = _result(body, "data-basics-open")
    assert found is not None
    c = found["credential"]
    assert (c["price"], c["price_eur"], c["eqf_level"], c["participation"]) == (None, None, None, None)
    assert (c["duration_weeks"], c["hours_per_week"], found["weeks"], found["hours_per_week"]) == (None,) * 4
    assert "price not stated" in c["not_stated"] and "EQF level not stated" in c["not_stated"]
    assert c["facts"].startswith("price not stated · duration not stated · self-paced")
    stated = _result(body, "data-basics")
    assert stated is not None and stated["credential"]["not_stated"] == []
    assert stated["credential"]["facts"] == "free · 5 weeks · self-paced · online · EQF 4"


def test_a_price_cap_holds_back_an_unstated_price_unless_accepted(client: TestClient) -> None:
    capped = client.post("/v1/recommendations", json={"goal": GOAL, "constraints": {"max_price": 500}}).json()
    assert _result(capped, "data-basics-open") is None
    held = {h["credential"]["id"]: h["reasons"] for h in capped["held_back"]}
    assert held["data-basics-open"] == ["price not stated"]
    limits = {h["credential"]["id"]: h["limits"] for h in capped["held_back"]}
    assert limits["data-basics-open"] == [{"code": "price_not_stated", "values": {}}]
    accepted = client.post(
        "/v1/recommendations",
        json={"goal": GOAL, "constraints": {"max_price": 500, "accept_unstated_price": True}},
    ).json()
    assert _result(accepted, "data-basics-open") is not None
    listed = client.get("/v1/credentials", params={"max_price": 500}).json()["items"]
    assert "data-basics-open" not in {c["id"] for c in listed}
    listed = client.get("/v1/credentials", params={"max_price": 500, "accept_unstated_price": True}).json()["items"]
    assert "data-basics-open" in {c["id"] for c in listed}


def test_pathway_totals_say_how_many_steps_have_no_stated_price(client: TestClient) -> None:
    limits = {"max_price": 500, "providers": ["vet-b"]}
    held = client.post("/v1/pathways", json={"goal": GOAL, "constraints": limits}).json()
    assert "data-basics-open" not in {s["credential"]["id"] for s in held["steps"]}
    body = {"goal": GOAL, "constraints": {**limits, "accept_unstated_price": True}}
    plan = client.post("/v1/pathways", json=body).json()
    (unknown,) = [s for s in plan["steps"] if s["credential"]["id"] == "data-basics-open"]
    assert unknown["price"] is None and unknown["end_week"] is None
    t = plan["totals"]
    assert t["price_not_stated"] == 1 and t["weeks_not_stated"] == 1
    assert t["price"] == sum(s["price"] for s in plan["steps"] if s["price"] is not None)
    assert "1 step: price not stated; the total counts the others" in t["notes"]


def test_completeness_report_counts_missing_elements_per_provider(client: TestClient, keys: dict[str, str]) -> None:
    assert client.get("/v1/catalog/completeness", headers=auth(keys["adviser"])).status_code == 403
    r = client.get("/v1/catalog/completeness", headers=auth(keys["admin"]))
    assert r.status_code == 200, r.text
    body = r.json()
    elements = {e["name"]: e for e in body["elements"]}
    assert elements["eqf_level"]["mandatory"] and not elements["price"]["mandatory"]
    assert elements["participation"]["label"] == "form of participation"
    vet = next(p for p in body["providers"] if p["provider"] == "vet-b")
    listed = client.get("/v1/credentials", params={"provider": "vet-b"}).json()["items"]
    assert vet["credentials"] == len(listed)
    assert vet["missing"]["price"] == vet["missing"]["eqf_level"] == vet["missing"]["assessment"] == 1
    assert vet["missing"]["title"] == 0 and vet["complete"] == vet["credentials"] - 1
    uni = next(p for p in body["providers"] if p["provider"] == "uni-a")
    assert uni["complete"] == uni["credentials"] and uni["missing"]["price"] == 0
    assert body["providers"][0]["provider"] == "vet-b"  # the least complete first
