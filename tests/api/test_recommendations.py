from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from knowledge import currency as fx

PROBLEM = "application/problem+json"


def test_recommendations_are_explained(client: TestClient) -> None:
    r = client.post("/v1/recommendations", json={"goal": "become a data analyst", "skills": ["Excel"], "limit": 3})
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["results"]) == 3 and body["id"].startswith("rec_")
    first = body["results"][0]
    assert first["explanation"]["matched_outcomes"] and first["credential"]["provider_name"]
    assert body["analysis"]["occupations"][0]["label"] == "data analyst"
    assert r.headers["x-request-id"]
    gaps = {g["label"] for g in body["analysis"]["gap_skills"]}
    covering = [x["explanation"] for x in body["results"] if x["explanation"]["covers"]]
    assert covering, "a data-analyst goal with Excel known should leave gaps the top 3 cover"
    for e in covering:  # the first line names the gap skills it covers, after a colon: ESCO labels are verb phrases
        assert e["summary"] == "Covers skills you still need: " + ", ".join(e["covers"][:3]) + "."
        assert e["kind"] == "covers"
        assert set(e["covers"]) <= gaps
    for x in body["results"]:  # the kind of reason, as data: a front end words it in the learner's language
        e = x["explanation"]
        if e["kind"] == "goal":
            goal = next(m["outcome"] for m in e["matched_outcomes"] if m["need"] == "goal")
            assert not e["covers"] and e["summary"] == f"Close to your goal: “{goal}”"
        elif e["kind"] == "related":
            assert e["summary"] == "Related to your goal."


def test_a_teaching_language_in_the_goal_is_reported_as_a_wish(client: TestClient) -> None:
    plain = client.post("/v1/recommendations", json={"goal": "become a data analyst"}).json()
    assert plain["analysis"]["taught_in"] == []
    wish = client.post("/v1/recommendations", json={"goal": "become a data analyst, courses in English please"})
    assert wish.json()["analysis"]["taught_in"] == ["en"]
    assert wish.json()["analysis"]["goal"] == "become a data analyst, courses in English please"


def test_constraints_filter_exactly(client: TestClient) -> None:
    r = client.post("/v1/recommendations", json={"goal": "data", "constraints": {"modes": ["onsite"]}})
    assert [x["credential"]["participation"] for x in r.json()["results"]] == ["onsite"]


def test_limits_report_what_they_hold_back(client: TestClient) -> None:
    free = client.post("/v1/recommendations", json={"goal": "become a data analyst", "limit": 2}).json()
    assert free["held_back"] == []
    body = {"goal": "become a data analyst", "constraints": {"modes": ["onsite"]}, "limit": 2}
    held = client.post("/v1/recommendations", json=body).json()["held_back"]
    assert held and all(h["credential"]["participation"] != "onsite" for h in held)
    assert all(any(r.startswith("is ") for r in h["reasons"]) for h in held)  # "is online": the limit it breaks
    for h in held:  # the same limits as data, in the same order: {"code": "mode", "values": {"mode": "online"}}
        assert len(h["limits"]) == len(h["reasons"])
        assert {"code": "mode", "values": {"mode": h["credential"]["participation"]}} in h["limits"]
    assert held[0]["credential"]["id"] == free["results"][0]["credential"]["id"]


def test_prices_are_also_given_in_the_learners_currency(client: TestClient) -> None:
    body = {"goal": "become a data analyst", "limit": 10, "currency": "IDR"}
    results = client.post("/v1/recommendations", json=body).json()["results"]
    priced = [r for r in results if r["credential"]["price"] is not None and r["credential"]["currency"] != "IDR"]
    assert priced, "the test needs results priced in another currency"
    for r in results:
        c, local = r["credential"], r["price_learner"]
        if c["price"] is None or c["currency"] == "IDR":
            assert local is None
        else:
            assert local["currency"] == "IDR"
            assert local["amount"] == pytest.approx(fx.convert(c["price"], c["currency"], "IDR"), rel=1e-6, abs=0.01)
    plain = client.post("/v1/recommendations", json={"goal": "become a data analyst"}).json()["results"]
    assert all(r["price_learner"] is None for r in plain)


def test_self_paced_results_report_the_learners_own_pace(client: TestClient) -> None:
    body = {"goal": "spreadsheet data", "constraints": {"max_hours_per_week": 5}, "limit": 10}
    results = client.post("/v1/recommendations", json=body).json()["results"]
    assert results and all(r["hours_per_week"] <= 5 for r in results)
    for r in results:
        c = r["credential"]
        if c["self_paced"] and c["hours_per_week"] > 5:  # stretched: its hours at 5 a week, to a tenth of a week
            assert 0 <= r["weeks"] - max(c["duration_weeks"], c["hours"] / 5) < 0.1
        else:
            assert r["weeks"] == c["duration_weeks"]
    assert any(r["weeks"] > r["credential"]["duration_weeks"] for r in results)


def test_pathway_has_steps_and_totals(client: TestClient) -> None:
    r = client.post(
        "/v1/pathways", json={"goal": "become a data analyst with Python", "constraints": {"max_price": 600}}
    )
    body = r.json()
    assert r.status_code == 200 and body["steps"]
    assert body["totals"]["price"] <= 600
    for step in body["steps"]:  # why each step is there: in English and as data
        why = step["why"]
        assert why["code"] in {"covers", "prerequisite", "stack"}
        if why["code"] == "covers":
            assert step["reason"] == "covers " + ", ".join(why["values"]["skills"])
        elif why["code"] == "prerequisite":
            assert why["values"]["credential"] == step["prerequisite_for"]
            assert step["reason"] == "prerequisite for " + why["values"]["title"]


def test_validation_errors_are_problem_documents_with_field_paths(client: TestClient) -> None:
    r = client.post("/v1/recommendations", json={"goal": "", "limit": 500, "constraints": {"currency": "XXX"}})
    assert r.status_code == 422 and r.headers["content-type"].startswith(PROBLEM)
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"goal", "limit", "constraints.currency"} <= fields


def test_unknown_route_and_credential_are_problem_documents(client: TestClient) -> None:
    for path in ("/v1/nope", "/v1/credentials/nope"):
        r = client.get(path)
        assert r.status_code == 404 and r.headers["content-type"].startswith(PROBLEM)
        assert r.json()["status"] == 404


def test_credentials_page_through_with_a_cursor(client: TestClient) -> None:
    first = client.get("/v1/credentials", params={"limit": 3}).json()
    assert first["total"] == 4 and len(first["items"]) == 3 and first["next_cursor"]
    second = client.get("/v1/credentials", params={"limit": 3, "cursor": first["next_cursor"]}).json()
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    ids = [i["id"] for i in first["items"] + second["items"]]
    assert ids == sorted(ids) and len(set(ids)) == 4
    assert client.get("/v1/credentials", params={"cursor": "zzz"}).json()["items"] == []


def test_credential_detail_similar_stacks_providers(client: TestClient) -> None:
    detail = client.get("/v1/credentials/sql-analysis").json()
    assert detail["credential"]["id"] == "sql-analysis" and detail["stacks"][0]["id"] == "uni-a-cert-data"
    similar = client.get("/v1/credentials/sql-analysis/similar", params={"limit": 2}).json()
    assert similar and all(s["credential"]["id"] != "sql-analysis" for s in similar)
    stacks = client.get("/v1/stacks").json()
    assert set(stacks[0]["components"]) == {"data-basics", "sql-analysis", "python-analysis"}
    assert {p["id"] for p in client.get("/v1/providers").json()} == {"testnet", "uni-a", "vet-b"}


def test_skills_autocomplete_and_match(client: TestClient) -> None:
    assert client.get("/v1/skills", params={"q": "spread"}).json()[0]["label"] == "use spreadsheets software"
    assert client.get("/v1/occupations", params={"q": "data"}).json()[0]["label"] == "data analyst"
    assert (
        client.post("/v1/skills/match", json={"text": "data cleaning", "top": 2}).json()[0]["label"]
        == "perform data cleansing"
    )


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == {"index": "ok", "database": "ok"}


def test_held_back_limits_carry_the_values_their_wording_needs(client: TestClient) -> None:
    body = {"goal": "become a data analyst", "constraints": {"max_price": 10, "currency": "EUR"}, "limit": 2}
    held = client.post("/v1/recommendations", json=body).json()["held_back"]
    priced = [h for h in held if h["credential"]["price"]]
    assert priced, "the test needs a priced credential above the cap"
    for h in priced:
        assert h["limits"] == [{"code": "over_price", "values": {"max": 10.0, "currency": "EUR"}}]
        assert h["reasons"] == ["costs more than 10 EUR"]
