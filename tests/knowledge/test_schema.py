from __future__ import annotations

from typing import Any

import pytest

from knowledge.models import Participation
from tests.factories import SKILL, credential, document, validate_document


def test_valid_record_becomes_a_domain_credential() -> None:
    report = validate_document(document(credential()))
    assert report.ok, [str(i) for i in report.issues]
    (cred,) = report.catalog.credentials
    assert cred.participation is Participation.ONLINE
    assert cred.learning_outcomes[0].skills == (SKILL,)
    assert cred.workload_hours == 50  # 2 ECTS at 25 h each when hours are not given


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ects": -2}, "ects", "must be a number >= 0"),
        ({"ects": "two"}, "ects", "must be a number"),
        ({"eqf_level": 9}, "eqf_level", "must be a number <= 8"),
        ({"eqf_level": 4.5}, "eqf_level", "must be a whole number"),
        ({"price": -1}, "price", "must be a number >= 0"),
        ({"currency": "XYZ"}, "currency", "ISO 4217"),
        ({"languages": ["english"]}, "languages[0]", "ISO 639-1"),
        ({"participation": "hybrid"}, "participation", "must be one of: online, onsite or blended"),
        ({"certificate": "diploma"}, "certificate", "open_badge"),
        ({"learning_outcomes": []}, "learning_outcomes", "needs at least 1 item"),
        ({"learning_outcomes": [{"text": "short"}]}, "learning_outcomes[0].text", "at least 10 characters"),
        (
            {"learning_outcomes": [{"text": "A long enough outcome text.", "skills": ["spreadsheets"]}]},
            "learning_outcomes[0].skills[0]",
            "ESCO skill URI",
        ),
        (
            {"occupations": ["http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be"]},
            "occupations[0]",
            "ESCO occupation URI",
        ),
        ({"fields": ["9999"]}, "fields[0]", "ISCED-F"),
        ({"id": "has space"}, "id", "letters, digits"),
        ({"title": ...}, "title", "is required"),
        ({"url": "not a url"}, "url", "http(s) URL"),
        ({"schedule": {"start_dates": ["1st of May"]}}, "schedule.start_dates[0]", "must be a date"),
        ({"duration_weeks": 0}, "duration_weeks", "must be a number > 0"),
    ],
)
def test_bad_field_is_reported_with_field_value_and_fix(changes: dict[str, Any], field: str, message: str) -> None:
    report = validate_document(document(credential(**changes)))
    assert not report.ok
    matching = [i for i in report.errors if i.field == f"credentials[0].{field}"]
    assert matching, [str(i) for i in report.errors]
    assert message in matching[0].message
    assert matching[0].pointer == "/credentials/0/" + field.replace("[", "/").replace("]", "").replace(".", "/")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"participation": "onsite"}, "needs delivery.country"),
        ({"schedule": {"self_paced": False}}, "start_dates or set self_paced"),
        ({"stacks": [{"stack": "stk", "ects": 5}]}, "only worth 2 ECTS"),
    ],
)
def test_inconsistent_record_is_rejected(changes: dict[str, Any], message: str) -> None:
    report = validate_document(document(credential(**changes)))
    assert any(message in i.message for i in report.errors), [str(i) for i in report.errors]


def test_error_text_names_location_field_value_and_rule() -> None:
    report = validate_document(document(credential(ects=-2)))
    (issue,) = report.errors
    assert str(issue) == "catalog.json#/credentials/0/ects: credentials[0].ects: -2 must be a number >= 0"


def test_unknown_field_is_a_warning_not_an_error() -> None:
    report = validate_document(document(credential(colour="blue")))
    assert report.ok
    assert [w.field for w in report.warnings] == ["credentials[0].colour"]


def test_country_and_language_codes_are_normalised() -> None:
    doc = document(
        credential(languages=["EN"]),
        providers=[{"id": "prov", "name": "P", "type": "company", "country": "de"}],
    )
    report = validate_document(doc)
    assert report.ok
    assert report.catalog.credentials[0].languages == ("en",)
    assert report.catalog.providers[0].country == "DE"
