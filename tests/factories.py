"""Builders for catalog records: one valid record each, so a test changes only what it is about."""

from __future__ import annotations

import copy
import json
from typing import Any

from knowledge.catalog import validate_text
from knowledge.models import CertificateType, Credential, LearningOutcome, Participation, Schedule
from knowledge.validation import ValidationReport, Vocabulary

SKILL = "http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be"
SKILL_2 = "http://data.europa.eu/esco/skill/2b92a5b2-6758-4ee3-9fb4-b6387a55cc8f"
OCCUPATION = "http://data.europa.eu/esco/occupation/d3edb8f8-3a06-47a0-8fb9-9b212c006aa2"

PROVIDER: dict[str, Any] = {"id": "prov", "name": "Provider", "type": "university", "country": "DE"}
STACK: dict[str, Any] = {
    "id": "stk",
    "title": "Stack",
    "provider": "prov",
    "award": "Certificate",
    "eqf_level": 5,
    "ects": 4,
}
CREDENTIAL: dict[str, Any] = {
    "id": "cred",
    "title": "A credential",
    "provider": "prov",
    "description": "Learn a useful thing well.",
    "learning_outcomes": [
        {"text": "Use a spreadsheet to clean a table of orders.", "skills": [SKILL]},
        {"text": "Analyse monthly orders and report one trend.", "skills": [SKILL_2]},
        {"text": "Present a chart with a clear message to a manager."},
    ],
    "ects": 2,
    "eqf_level": 4,
    "assessment": "Project",
    "participation": "online",
    "quality_assurance": "Internal QA",
    "languages": ["en"],
    "price": 100,
    "currency": "EUR",
    "duration_weeks": 5,
    "hours_per_week": 10,
    "schedule": {"self_paced": True},
    "certificate": "open_badge",
}


def credential(**changes: Any) -> dict[str, Any]:
    record = copy.deepcopy(CREDENTIAL)
    for key, value in changes.items():
        if value is ...:
            record.pop(key, None)
        else:
            record[key] = value
    return record


def document(
    *credentials: dict[str, Any], providers: list[Any] | None = None, stacks: list[Any] | None = None
) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "providers": providers if providers is not None else [copy.deepcopy(PROVIDER)],
        "stacks": stacks if stacks is not None else [],
        "credentials": list(credentials),
    }


def validate_document(doc: dict[str, Any], vocabulary: Vocabulary | None = None) -> ValidationReport:
    return validate_text(json.dumps(doc), "json", "catalog.json", vocabulary)


def domain_credential(**changes: Any) -> Credential:
    """A minimal valid domain credential (5 h a week for 4 weeks, 100 EUR, self-paced) for recommender tests."""
    base: dict[str, Any] = dict(
        id="c",
        title="Course",
        provider="p",
        description="d",
        learning_outcomes=(LearningOutcome("Do a thing well enough"),),
        eqf_level=5,
        assessment="a",
        participation=Participation.ONLINE,
        quality_assurance="q",
        languages=("en",),
        price=100,
        currency="EUR",
        duration_weeks=4,
        hours_per_week=5,
        schedule=Schedule(self_paced=True),
        certificate=CertificateType.CERTIFICATE,
        ects=2,
    )
    return Credential(**{**base, **changes})
