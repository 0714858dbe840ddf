from __future__ import annotations

import json
from typing import Any

from knowledge.catalog import validate_text
from knowledge.esco import EscoVocabulary

SKILL = "http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be"


def _achievement(**extra: Any) -> dict[str, Any]:
    a = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "https://badges.example.org/achievements/spreadsheets-101",
        "type": ["Achievement"],
        "name": "Spreadsheets for Reporting",
        "description": "Build clean monthly reports in a spreadsheet.",
        "criteria": {
            "narrative": "Learners who pass can:\n- Use spreadsheets software to clean an orders table\n"
            "- Summarise monthly totals with pivot tables\n* Explain one trend to a manager in writing"
        },
        "alignment": [
            {
                "type": ["Alignment"],
                "targetName": "use spreadsheets software",
                "targetUrl": SKILL,
                "targetType": "ext:ESCOSkill",
            },
            {
                "type": ["Alignment"],
                "targetName": "EQF level 4",
                "targetUrl": "https://europa.eu/europass/en/description-eight-eqf-levels",
                "targetFramework": "European Qualifications Framework",
                "targetCode": "4",
            },
        ],
        "creditsAvailable": 2,
        "inLanguage": "en",
        "creator": {
            "id": "https://badges.example.org/issuers/acme",
            "type": ["Profile"],
            "name": "ACME Academy",
            "address": {"type": ["Address"], "addressCountryCode": "NL", "addressLocality": "Utrecht"},
        },
    }
    a.update(extra)
    return a


OFFERING = {
    "assessment": "Practical task",
    "participation": "online",
    "quality_assurance": "ISO 21001 certified provider",
    "price": 120,
    "currency": "EUR",
    "duration_weeks": 4,
    "hours_per_week": 12,
    "schedule": {"self_paced": True},
    "certificate": "open_badge",
}


def test_reads_outcomes_skills_credits_level_and_creator(vocabulary: EscoVocabulary) -> None:
    text = json.dumps(_achievement(stackwiseOffering=OFFERING))
    report = validate_text(text, "ob3", "badge.json", vocabulary)
    assert report.ok, [str(i) for i in report.errors]
    (cred,) = report.catalog.credentials
    assert cred.id == "badges-example-org-achievements-spreadsheets-101" and cred.ects == 2 and cred.eqf_level == 4
    assert next(o.text for o in cred.learning_outcomes) == "Use spreadsheets software to clean an orders table"
    assert len(cred.learning_outcomes) == 3
    assert cred.learning_outcomes[0].skills == (SKILL,)  # attached to the outcome that names it
    (provider,) = report.catalog.providers
    assert (provider.id, provider.name, provider.country, provider.city) == (
        "badges-example-org-issuers-acme",
        "ACME Academy",
        "NL",
        "Utrecht",
    )


def test_reads_a_credential_wrapper_and_a_list(vocabulary: EscoVocabulary) -> None:
    wrapped = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://badges.example.org/issuers/acme", "type": ["Profile"], "name": "ACME Academy"},
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": _achievement(stackwiseOffering=OFFERING),
        },
    }
    second = _achievement(id="urn:uuid:other", name="Pivot Tables in Depth", stackwiseOffering=OFFERING)
    report = validate_text(json.dumps([wrapped, second]), "ob3", "many.json", vocabulary)
    assert report.ok, [str(i) for i in report.errors]
    assert sorted(c.id for c in report.catalog.credentials) == [
        "badges-example-org-achievements-spreadsheets-101",
        "other",
    ]
    assert len(report.catalog.providers) == 1


def test_missing_eu_elements_are_warnings_named_with_their_ob3_place(vocabulary: EscoVocabulary) -> None:
    achievement = _achievement()
    del achievement["alignment"][1]
    report = validate_text(json.dumps(achievement), "ob3", "badge.json", vocabulary)
    assert report.ok, [str(i) for i in report.errors]
    fields = {i.field for i in report.warnings}
    assert "alignment (EQF)" in fields
    assert {
        "stackwiseOffering.assessment",
        "stackwiseOffering.participation",
        "stackwiseOffering.price",
    } <= fields
    (cred,) = report.catalog.credentials
    assert {"price", "eqf_level", "assessment", "schedule"} <= set(cred.unstated)
    assert not cred.is_free  # an unknown price is never "free"
