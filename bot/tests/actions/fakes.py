"""A tracker builder and an in-memory API in place of HTTP."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import actions
from actions.client import ApiConfig, ApiUnavailable, ReaderMissing, StackwiseApi


def tracker(
    text: str = "",
    intent: str = "",
    entities: dict[str, Any] | None = None,
    slots: dict[str, Any] | None = None,
    channel: str = "rest",
    active_loop: str | None = None,
    metadata: dict[str, Any] | None = None,
) -> Tracker:
    ents = [
        {"entity": name, "value": v}
        for name, values in (entities or {}).items()
        for v in (values if isinstance(values, list) else [values])
    ]
    message = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": ents}
    events = [
        {"event": "user", "text": text, "parse_data": message, "input_channel": channel, "metadata": metadata or {}}
    ]
    return Tracker(
        "learner-1", dict(slots or {}), message, events, False, None, {"name": active_loop} if active_loop else {}, None
    )


def run(action: Any, t: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(messages, events) of one action run."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    return dispatcher.messages, events


def heard(api: StackwiseApi, t: Tracker) -> Tracker:
    """The tracker after Rasa's action_extract_slots ran action_read_message on its latest message, as before
    every answer."""
    _, events = run(actions.ActionReadMessage(api), t)
    t.slots.update(slot_events(events))
    return t


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def credential(
    n: int, price: float | None = 100.0, weeks: float | None = 6.0, eqf: int | None = 5, mode: str | None = "online"
) -> dict[str, Any]:
    """One credential as the API summarises it; None is what the API sends for an element the catalog omits."""
    return {
        "id": f"cred-{n}",
        "title": f"Course {n}",
        "provider": "prov",
        "provider_name": f"Provider {n}",
        "price": price,
        "currency": "EUR",
        "price_eur": price,
        "not_stated": ["price not stated"] if price is None else [],
        "ects": 3.0,
        "hours": 75.0,
        "eqf_level": eqf,
        "participation": mode,
        "languages": ["en"],
        "duration_weeks": weeks,
        "hours_per_week": 5.0,
        "self_paced": False,
        "next_start": None,
        "url": None,
        "certificate": "certificate",
    }


def result(n: int, paced_weeks: float | None = None, **kw: Any) -> dict[str, Any]:
    """`paced_weeks`: the learner's weeks when a self-paced credential is stretched to their hours limit."""
    c = credential(n, **kw)
    return {
        "rank": n,
        "credential": c,
        "weeks": paced_weeks if paced_weeks is not None else c["duration_weeks"],
        "hours_per_week": c["hours_per_week"],
        "score": 1.0 / n,
        "relevance": 0.5,
        "coverage": 0.5,
        "redundancy": 0.0,
        "explanation": {
            "summary": f"Covers skills you still need: skill {n}.",  # the API's English, which the bot never shows
            "kind": "covers",
            "matched_outcomes": [
                {
                    "outcome": f"Analyse data set {n}",
                    "need": f"skill {n}",
                    "need_uri": None,
                    "score": 0.8,
                    "via": "meaning",
                },
                {
                    "outcome": f"Report on data set {n}",
                    "need": "goal",
                    "need_uri": None,
                    "score": 0.7,
                    "via": "meaning",
                },
            ],
            "covers": [f"skill {n}"],
            "uncovered": [{"uri": "u", "label": "statistics"}],
        },
    }


def reading(
    language: str | None = None,
    amount: float | None = None,
    currency: str | None = None,
    free_only: bool = False,
    hours: float | None = None,
    weeks: float | None = None,
    modes: tuple[str, ...] = (),
    default_currency: str | None = None,
    skills: tuple[str, ...] = (),
    listed: tuple[str, ...] = (),
    wants: tuple[str, ...] = (),
    named: tuple[str, ...] = (),
    taught_in: tuple[str, ...] = (),
) -> dict[str, Any]:
    """An answer of POST /v1/read, as its contract describes it."""
    return {
        "language": language,
        "budget": None if amount is None else {"amount": amount, "currency": currency},
        "free_only": free_only,
        "hours_per_week": hours,
        "max_weeks": weeks,
        "modes": list(modes),
        "default_currency": default_currency,
        "skills": list(skills),
        "listed": list(listed),
        "wants": list(wants),
        "languages_named": list(named),
        "taught_in": list(taught_in),
    }


# What the API reads in the messages the tests send; any other message reads as nothing, language unknown.
READINGS: dict[str, dict[str, Any]] = {
    "I'm a nurse and want to move into health data analysis, 4 hours a week and max 300 euros": reading(
        "en", 300, "EUR", hours=4
    ),
    "6 hours a week, max 800 euros, online please": reading("en", 800, "EUR", hours=6, modes=("online",)),
    "under 200 euros and only online": reading("en", 200, "EUR", modes=("online",)),
    "nurse here, want health data analysis, I can spend 4 hours a week and max 300 euros": reading(
        "en", 300, "EUR", hours=4
    ),
    "under 250 euros please": reading("en", 250, "EUR"),
    "only online": reading("en", modes=("online",)),
    "sustainability consulting; I know Excel; 5 h a week; under 500 EUR": reading("en", 500, "EUR", hours=5),
    "I can do 5 hours a week, up to 300 euros, online": reading("en", 300, "EUR", hours=5, modes=("online",)),
    "saya perawat dan mau pindah ke analisis data kesehatan, budget 3 juta rupiah, 4 jam seminggu": reading(
        "id", 3_000_000, "IDR", hours=4, default_currency="IDR"
    ),
    "budget saya 3 juta, 4 jam seminggu": reading("id", 3_000_000, None, hours=4, default_currency="IDR"),
    "mau jadi analis data": reading("id", default_currency="IDR"),
    "halo, aku mau belajar analisis data": reading("id", default_currency="IDR"),
    "hello, I want to learn data analysis": reading("en"),
    "Google Classroom, Word": reading("en", listed=("Google Classroom", "Word")),
    "I know basic Excel and some SQL": reading("en", skills=("Excel", "SQL"), listed=("Excel", "SQL")),
    "Excel and Docker": reading("en", listed=("Excel", "Docker")),
    "ขอเป็นภาษาไทย": reading("th", named=("th",), taught_in=("th",), default_currency="THB"),
    "Saya punya usaha keripik pisang, ingin belajar pemasaran digital supaya jualan online lebih laku": reading(
        "id", wants=("pemasaran digital",), default_currency="IDR"
    ),
    "I just moved to Berlin and need German for everyday things": reading("en", named=("de",)),
    "saya mau belajar bahasa Inggris untuk kerja": reading("id", named=("en",), default_currency="IDR"),
    "I want to move into data analysis, courses in German please": reading("en", named=("de",), taught_in=("de",)),
    "mau belajar python, lebih nyaman kalau kursusnya pakai bahasa Indonesia": reading(
        "id", named=("id",), taught_in=("id",), default_currency="IDR"
    ),
    "trồng cà phê 20 năm": reading("vi", listed=("trồng cà phê",), default_currency="VND"),
    "what will the weather be like tomorrow?": reading("en", listed=("weather",)),
    "can you tell me how I become a data analyst with no degree?": reading("en", wants=("data analyst",)),
    "I know Excel, SQL and some Python and Tableau": reading(
        "en", skills=("Excel", "SQL", "Python", "Tableau"), listed=("Excel", "SQL", "Python", "Tableau")
    ),
    "Excel and SQL, 5 hours a week": reading("en", hours=5, listed=("Excel", "SQL")),
    "5 hours a week, online": reading("en", hours=5, modes=("online",)),
    "I own a bakery and want to use social media and google maps for my local business": reading(
        "en", listed=("bakery",), wants=("social media", "google maps", "local business")
    ),
    "I own a bakery, I know Excel and want to use social media for my local business": reading(
        "en", skills=("Excel",), listed=("bakery", "Excel"), wants=("social media", "local business")
    ),
    "sy bisa excel sama word, mau belajar analisis data": reading(
        "id", skills=("excel", "word"), listed=("excel", "word"), wants=("analisis data",), default_currency="IDR"
    ),
    "can we continue in English?": reading("en", named=("en",)),  # the API names the language it asks for
    "voidaanko jatkaa suomeksi": reading("fi", default_currency="EUR"),
    "bisa pakai bahasa Indonesia?": reading("id", default_currency="IDR"),
}


class FakeApi(StackwiseApi):
    """Records requests; answers from a catalog of priced results filtered like the real API would."""

    def __init__(self, results: list[dict[str, Any]] | None = None, down: bool = False, reader: bool = True) -> None:
        super().__init__(ApiConfig())
        self.results = results if results is not None else [result(n, price=100.0 * n) for n in range(1, 6)]
        self.down = down
        self.reader = reader  # False: an API without POST /v1/read
        self.requests: list[tuple[str, Any]] = []

    async def read(self, text: str, language: str | None) -> dict[str, Any]:
        self._check("read", {"text": text, "language": language})
        if not self.reader:
            raise ReaderMissing("POST /v1/read: HTTP 404")
        return READINGS.get(text, reading())

    def _check(self, name: str, body: Any) -> None:
        self.requests.append((name, body))
        if self.down:
            raise ApiUnavailable("connection refused")

    async def recommend(self, body: dict[str, Any]) -> dict[str, Any]:
        self._check("recommend", body)
        cap = body["constraints"].get("max_price")
        found = [r for r in self.results if cap is None or r["credential"]["price"] <= cap]
        shown = found[: body["limit"]]
        # Held back, as the API does: the over-budget ones ranked above the last shown (all, when none is shown).
        before = self.results[: self.results.index(shown[-1])] if len(shown) == body["limit"] else self.results
        held = [
            {
                "credential": r["credential"],
                "score": 0.5,
                "reasons": [f"costs more than {cap:g} EUR"],
                "limits": [{"code": "over_price", "values": {"max": cap, "currency": "EUR"}}],
            }
            for r in before
            if r not in found
        ][:3]
        return {"id": "rec-1", "results": shown, "held_back": held, "analysis": {}, "index_version": "x"}

    async def match_skill(self, text: str, top: int = 1) -> list[dict[str, Any]]:
        self._check("match", text)
        score = 0.5 if text.lower() == "docker" else 0.9  # a weak match, as for tool names ESCO lacks
        return [{"uri": "esco:" + text, "label": f"use {text.lower()}", "score": score, "matched": text}]

    async def credential(self, credential_id: str) -> dict[str, Any]:
        self._check("credential", credential_id)
        n = int(credential_id.split("-")[1])
        c = credential(n)
        return {
            "credential": {**c, "description": "A short course.", "learning_outcomes": [{"text": "Clean data"}]},
            "provider": {"name": c["provider_name"]},
            "stacks": [],
        }

    async def pathway(self, body: dict[str, Any]) -> dict[str, Any]:
        self._check("pathway", body)
        steps = [
            {
                "position": i,
                "credential": credential(i),
                "price": 100.0,
                "start_week": (i - 1) * 6,
                "end_week": i * 6,
                "covers": ["skill 2"] if i == 2 else [],
                "reason": "prerequisite for Course 2" if i == 1 else "covers skill 2",
                "why": (
                    {"code": "prerequisite", "values": {"credential": "cred-2", "title": "Course 2"}}
                    if i == 1
                    else {"code": "covers", "values": {"skills": ["skill 2"]}}
                ),
                "prerequisite_for": "cred-2" if i == 1 else None,
            }
            for i in (1, 2)
        ]
        return {
            "steps": steps,
            "totals": {
                "ects": 6.0,
                "price": 200.0,
                "currency": "EUR",
                "weeks": 12,
                "hours": 150,
                "price_not_stated": 0,
                "weeks_not_stated": 0,
                "hours_not_stated": 0,
                "notes": [],
            },
            "stacks": [
                {
                    "stack_id": "data",
                    "title": "Data stack",
                    "award": "Certificate",
                    "components_in_plan": 2,
                    "components_total": 5,
                    "ects_in_plan": 6.0,
                    "ects_required": 15.0,
                    "complete": False,
                    "summary": "2 of 5 toward Data stack, 6 of 15 ECTS",
                }
            ],
            "uncovered_skills": [],
        }

    async def save_pathway(self, name: str, profile: dict[str, Any], credential_ids: list[str]) -> str:
        self._check("save", (name, profile, credential_ids))
        return "http://localhost:8000/p/token123"
