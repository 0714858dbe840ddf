"""POST /v1/read: the reader behind the bot and the widget."""

from __future__ import annotations

from fastapi.testclient import TestClient

from recommender.service import RecommenderService
from stackwise.settings import Settings

PROBLEM = "application/problem+json"


def test_a_message_is_read(client: TestClient) -> None:
    r = client.post("/v1/read", json={"text": "Budget saya 3 juta rupiah, 5 jam seminggu, dalam 2 bulan, online"})
    assert r.status_code == 200, r.text
    assert r.json() == {
        "language": "id",
        "budget": {"amount": 3_000_000, "currency": "IDR"},
        "free_only": False,
        "hours_per_week": 5,
        "max_weeks": 9,
        "modes": ["online"],
        "default_currency": "IDR",
        "skills": [],
        "listed": [],
        "wants": [],
        "languages_named": [],
        "taught_in": [],
        "topic": "Budget saya 3 juta rupiah, 5 jam seminggu, dalam 2 bulan, online",  # nothing but limits: itself
    }


def test_the_languages_a_message_names_and_asks_its_courses_in(client: TestClient) -> None:
    said = client.post(
        "/v1/read", json={"text": "mau belajar python, lebih nyaman kalau kursusnya pakai bahasa Indonesia"}
    )
    assert (said.json()["languages_named"], said.json()["taught_in"]) == (["id"], ["id"])
    topic = client.post("/v1/read", json={"text": "I want to learn Spanish for my job"}).json()
    assert (topic["languages_named"], topic["taught_in"]) == (["es"], [])


def test_the_skills_a_message_states_are_read_apart_from_its_limits(client: TestClient) -> None:
    body = client.post("/v1/read", json={"text": "I know Excel and SQL but I want to learn Python, 5 hours a week"})
    assert body.status_code == 200, body.text
    assert body.json()["topic"] == "I know Excel and SQL but I want to learn Python"
    got = body.json()
    assert (got["skills"], got["listed"], got["wants"], got["hours_per_week"]) == (
        ["Excel", "SQL"],
        ["Excel", "SQL"],
        ["Python"],
        5,
    )


def test_the_language_hint_serves_short_messages(client: TestClient) -> None:
    body = client.post("/v1/read", json={"text": "2tr", "language": "vi"}).json()
    assert body["language"] == "vi" and body["budget"] == {"amount": 2_000_000, "currency": "VND"}
    unsaid = client.post("/v1/read", json={"text": "budget 500", "language": "en"}).json()
    assert unsaid["budget"] == {"amount": 500, "currency": None} and unsaid["default_currency"] is None


def test_empty_text_is_a_problem_document(client: TestClient) -> None:
    for text in ("", "   "):
        r = client.post("/v1/read", json={"text": text})
        assert r.status_code == 422
        assert r.headers["content-type"].startswith(PROBLEM)
        assert [e["pointer"] for e in r.json()["errors"]] == ["/text"]


def test_bad_fields_are_problem_documents(client: TestClient) -> None:
    for body in ({"text": "x" * 2001}, {"text": "hi", "language": "Thai"}, {"text": "hi", "extra": 1}, {}):
        r = client.post("/v1/read", json=body)
        assert r.status_code == 422 and r.headers["content-type"].startswith(PROBLEM), body


def test_reading_needs_the_role_recommendations_need(service: RecommenderService, settings: Settings) -> None:
    from api.main import create_app

    locked = settings.model_copy(update={"public_requires_key": True})
    with TestClient(create_app(locked, service=service)) as c:
        for path, body in (("/v1/read", {"text": "300 euros"}), ("/v1/recommendations", {"goal": "data analyst"})):
            r = c.post(path, json=body)
            assert r.status_code == 401 and r.headers["content-type"].startswith(PROBLEM)
